// Package e2e holds qalam's browser tests: the reader site, served by the
// real server on loopback (internal/servertest), is loaded in headless
// Debian Chromium through the DevTools protocol (chromedp) and checked for
// accessibility (axe-core), HTML validity (the Nu HTML Checker), right-to-left
// layout, third-party requests, console errors, reading without JavaScript
// and skip links. The package has no code of its own: everything is in its
// _test.go files.
//
// The tests need /usr/bin/chromium (Debian package chromium), Java 17 and the
// npm packages pinned in package.json:
//
//	apt-get install chromium
//	cd e2e && npm ci
//	cd .. && QALAM_E2E=require go test ./e2e/ -count=1
//
// Without QALAM_E2E=require the tests skip when a tool is missing; with it
// (as the project's test script sets it) they fail. QALAM_SCREENSHOTS=dir
// saves full-page screenshots of a few pages there.
package e2e
