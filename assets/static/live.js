// Live updates of the breaking-news banner (internal/live): a Server-Sent
// Events stream while the tab is visible; when the server turns the stream
// away (too many readers) or the browser has no EventSource, a poll of a
// small cacheable JSON document instead. Reader text is only ever set with
// textContent. Without JavaScript the banner is in the page as served.
(function () {
  'use strict';
  var root = document.getElementById('live-banner');
  if (!root || !root.getAttribute('data-live')) {
    return;
  }
  var base = root.getAttribute('data-live');
  var label = root.getAttribute('data-label') || '';
  var POLL_MS = Math.max(1000, parseInt(root.getAttribute('data-poll-ms'), 10) || 30000);
  var stream = null;
  var timer = null;
  var polling = !window.EventSource || root.getAttribute('data-stream') === 'off';

  function safeLink(href) {
    return typeof href === 'string' && (/^\/[^\/\\]/.test(href) || href === '/' || /^https?:\/\//i.test(href));
  }

  function render(b) {
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

  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', base + 'banner.json');
    xhr.onload = function () {
      if (xhr.status === 200) {
        try {
          render(JSON.parse(xhr.responseText));
        } catch (e) { /* keep what is shown */ }
      }
    };
    xhr.send();
  }

  function startPolling() {
    polling = true;
    if (timer === null) {
      poll();
      timer = window.setInterval(poll, POLL_MS);
    }
  }

  function open() {
    if (polling) {
      startPolling();
      return;
    }
    if (stream) {
      return;
    }
    stream = new window.EventSource(base + 'events');
    stream.addEventListener('banner', function (ev) {
      try {
        render(JSON.parse(ev.data));
      } catch (e) { /* keep what is shown */ }
    });
    stream.onerror = function () {
      // A refused stream (503 when the server holds too many) is closed
      // for good: poll instead. A dropped one reconnects by itself.
      if (stream && stream.readyState === window.EventSource.CLOSED) {
        stream = null;
        startPolling();
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
}());

// A live blog's entries (internal/live): new ones are added at the top of
// the list as they are posted. The entry HTML is made by the server from
// the stored, sanitized document; it is parsed inert in a <template> and
// moved into the list.
(function () {
  'use strict';
  var box = document.querySelector('[data-live-story]');
  var list = box && box.querySelector('[data-qalam="live-entries"]');
  if (!box || !list) {
    return;
  }
  var base = box.getAttribute('data-live-story');
  var root = document.getElementById('live-banner');
  var pollMs = Math.max(1000, parseInt(root && root.getAttribute('data-poll-ms'), 10) || 30000);
  var after = parseInt(box.getAttribute('data-after'), 10) || 0;
  var polling = !window.EventSource || (root && root.getAttribute('data-stream') === 'off');
  var stream = null;
  var timer = null;

  function add(e) {
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
    var tpl = document.createElement('template');
    if (e.title) {
      var h = document.createElement('h3');
      tpl.innerHTML = e.title;
      h.appendChild(tpl.content);
      li.appendChild(h);
    }
    var body = document.createElement('div');
    body.className = 'live-body';
    tpl = document.createElement('template');
    tpl.innerHTML = e.body;
    body.appendChild(tpl.content);
    li.appendChild(body);
    list.insertBefore(li, list.firstChild);
    after = e.seq;
  }

  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', base + 'entries.json?after=' + after);
    xhr.onload = function () {
      if (xhr.status === 200) {
        try {
          JSON.parse(xhr.responseText).entries.forEach(add);
        } catch (err) { /* keep the page as it is */ }
      }
    };
    xhr.send();
  }

  function open() {
    if (polling) {
      if (timer === null) {
        poll();
        timer = window.setInterval(poll, pollMs);
      }
      return;
    }
    if (stream) {
      return;
    }
    stream = new window.EventSource(base + 'events?after=' + after);
    stream.addEventListener('entry', function (ev) {
      try {
        add(JSON.parse(ev.data));
      } catch (err) { /* keep the page as it is */ }
    });
    stream.onerror = function () {
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
}());
