// Embed cards on reader pages (internal/render/embed.go). A card is served
// complete without JavaScript: the provider, the title linked to the
// original, and a thumbnail from qalam's own media library. This script,
// loaded only on pages with a card whose content can be framed, shows each
// card's "Load content from <provider>" button; only when the reader clicks
// it is the provider's frame made, so no request reaches the third party
// before then. The page's Content-Security-Policy allows exactly the frame
// origins below (httpkit.ReaderEmbedCSP); the check here is a second line.
(function () {
  'use strict';
  var ORIGINS = [
    'https://www.youtube-nocookie.com/',
    'https://t.me/',
    'https://platform.twitter.com/',
    'https://www.instagram.com/',
    'https://www.facebook.com/'
  ];

  function allowed(src) {
    for (var i = 0; i < ORIGINS.length; i++) {
      if (src.indexOf(ORIGINS[i]) === 0) {
        return true;
      }
    }
    return false;
  }

  function load(button) {
    var src = button.getAttribute('data-frame') || '';
    var card = button.closest('[data-qalam="embed"]');
    if (!card || !allowed(src)) {
      return;
    }
    var frame = document.createElement('iframe');
    frame.src = src;
    frame.title = button.getAttribute('data-title') || button.textContent;
    frame.className = 'embed-frame';
    frame.setAttribute('loading', 'lazy');
    // No referrer, except that YouTube's player refuses to play (error
    // 153) without one: it gets the site's origin, never the story's path.
    frame.setAttribute('referrerpolicy', src.indexOf(ORIGINS[0]) === 0 ? 'strict-origin' : 'no-referrer');
    // Scripts and the provider's own origin for its player; no top
    // navigation, no forms, no downloads. Links open in a new tab.
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation');
    frame.setAttribute('allow', 'fullscreen; picture-in-picture; encrypted-media');
    frame.setAttribute('allowfullscreen', '');
    var media = card.querySelector('.embed-media');
    if (media) {
      media.replaceWith(frame);
    } else {
      card.insertBefore(frame, card.firstChild);
    }
    card.classList.add('embed-loaded');
    button.remove();
    frame.focus();
  }

  var buttons = document.querySelectorAll('[data-qalam="embed-load"]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function (ev) {
      load(ev.currentTarget);
    });
  }
})();
