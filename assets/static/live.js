// Live updates on reader pages (internal/live): the breaking-news banner,
// and a live blog's new entries. Each follows a Server-Sent Events stream
// while the tab is visible; when the server turns the stream away (too many
// readers) or the browser has no EventSource, it polls a small cacheable
// JSON document instead. Without JavaScript the page is complete as served.
(function () {
  'use strict';
  var root = document.getElementById('live-banner');
  if (!root || !root.getAttribute('data-live')) {
    return;
  }
  var POLL_MS = Math.max(1000, parseInt(root.getAttribute('data-poll-ms'), 10) || 30000);
  var noStreams = !window.EventSource || root.getAttribute('data-stream') === 'off';

  // follow keeps one feed of updates going while the tab is visible: o.url()
  // is the stream's address, o.pollURL() the JSON's; o.event names the
  // stream's events, whose data o.onData takes; o.onPoll takes the JSON.
  function follow(o) {
    var stream = null;
    var timer = null;
    var polling = noStreams;

    function poll() {
      var xhr = new XMLHttpRequest();
      xhr.open('GET', o.pollURL());
      xhr.onload = function () {
        if (xhr.status === 200) {
          try {
            o.onPoll(JSON.parse(xhr.responseText));
          } catch (e) { /* keep the page as it is */ }
        }
      };
      xhr.send();
    }

    function open() {
      if (polling) {
        if (timer === null) {
          poll();
          timer = window.setInterval(poll, POLL_MS);
        }
        return;
      }
      if (stream) {
        return;
      }
      stream = new window.EventSource(o.url());
      stream.addEventListener(o.event, function (ev) {
        try {
          o.onData(JSON.parse(ev.data));
        } catch (e) { /* keep the page as it is */ }
      });
      stream.onerror = function () {
        // A refused stream (503 when the server holds too many) is closed
        // for good: poll instead. A dropped one reconnects by itself.
        if (stream && stream.readyState === window.EventSource.CLOSED) {
          stream = null;
          polling = true;
          open();
        }
      };
    }

    function close() {
      if (stream) {
        stream.close();
        stream = null;
      }
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
    }

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') {
        open();
      } else {
        close();
      }
    });
    if (document.visibilityState !== 'hidden') {
      open();
    }
  }

  // The banner. Reader text is only ever set with textContent.
  var base = root.getAttribute('data-live');
  var label = root.getAttribute('data-label') || '';

  function safeLink(href) {
    return typeof href === 'string' && (/^\/[^\/\\]/.test(href) || href === '/' || /^https?:\/\//i.test(href));
  }

  function renderBanner(b) {
    while (root.firstChild) {
      root.removeChild(root.firstChild);
    }
    if (!b || !b.active || !b.text) {
      return;
    }
    var box = document.createElement('div');
    box.className = 'breaking';
    box.setAttribute('data-qalam', 'breaking');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', label);
    var wrap = document.createElement('div');
    wrap.className = 'wrap';
    var strong = document.createElement('strong');
    strong.textContent = b.label || label;
    wrap.appendChild(strong);
    var text;
    if (b.link && safeLink(b.link)) {
      text = document.createElement('a');
      text.setAttribute('href', b.link);
    } else {
      text = document.createElement('span');
    }
    text.textContent = b.text;
    wrap.appendChild(text);
    box.appendChild(wrap);
    root.appendChild(box);
  }

  follow({
    url: function () { return base + 'events'; },
    pollURL: function () { return base + 'banner.json'; },
    event: 'banner',
    onData: renderBanner,
    onPoll: renderBanner
  });

  // A live blog's entries, newest at the top. The entry HTML is made by the
  // server from the stored, sanitized document; it is parsed inert in a
  // <template> and moved into the list.
  var blog = document.querySelector('[data-live-story]');
  var list = blog && blog.querySelector('[data-qalam="live-entries"]');
  if (!blog || !list) {
    return;
  }
  var storyBase = blog.getAttribute('data-live-story');
  var after = parseInt(blog.getAttribute('data-after'), 10) || 0;

  function fragment(html) {
    var tpl = document.createElement('template');
    tpl.innerHTML = html;
    return tpl.content;
  }

  function addEntry(e) {
    if (!e || typeof e.seq !== 'number' || e.seq <= after || document.getElementById('entry-' + e.seq)) {
      return;
    }
    var li = document.createElement('li');
    li.id = 'entry-' + e.seq;
    li.setAttribute('data-seq', String(e.seq));
    var p = document.createElement('p');
    p.className = 'live-time';
    var t = document.createElement('time');
    t.setAttribute('datetime', e.iso);
    t.textContent = e.time;
    p.appendChild(t);
    li.appendChild(p);
    if (e.title) {
      var h = document.createElement('h3');
      h.appendChild(fragment(e.title));
      li.appendChild(h);
    }
    var body = document.createElement('div');
    body.className = 'live-body';
    body.appendChild(fragment(e.body));
    li.appendChild(body);
    list.insertBefore(li, list.firstChild);
    after = e.seq;
  }

  follow({
    url: function () { return storyBase + 'events?after=' + after; },
    pollURL: function () { return storyBase + 'entries.json?after=' + after; },
    event: 'entry',
    onData: addEntry,
    onPoll: function (doc) { (doc.entries || []).forEach(addEntry); }
  });
}());
