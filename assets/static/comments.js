// Comments on a story page: fetches /comments/{service}/{story}.json and
// shows the comments and a form inline. Readers' text only ever goes into
// the page as text (textContent), links only as http(s) anchors marked
// rel="nofollow ugc noopener". Without this script the section's link to
// the comments page does the same job.
(function () {
  "use strict";
  var section = document.querySelector("section[data-comments]");
  if (!section || !window.fetch || !window.URLSearchParams) return;
  var base = section.getAttribute("data-comments");
  var doc = null;
  var parent = "";

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function body(paras) {
    var div = el("div", { "class": "comment-body", dir: "auto" });
    (paras || []).forEach(function (parts) {
      var p = el("p");
      parts.forEach(function (part) {
        if (part.br) {
          p.appendChild(el("br"));
        } else if (part.href && /^https?:\/\//i.test(part.href)) {
          p.appendChild(el("a", { href: part.href, rel: "nofollow ugc noopener", dir: "ltr" }, part.t));
        } else {
          p.appendChild(document.createTextNode(part.t || ""));
        }
      });
      div.appendChild(p);
    });
    return div;
  }

  function comment(c, topLevel) {
    var L = doc.labels;
    var art = el("article", { "class": "comment", id: "c-" + c.id, "data-qalam": "comment" });
    var head = el("p", { "class": "comment-head" });
    var strong = el("strong");
    strong.appendChild(el("bdi", null, c.name));
    head.appendChild(strong);
    head.appendChild(el("time", { datetime: c.iso }, c.date));
    art.appendChild(head);
    art.appendChild(body(c.paras));
    var actions = el("div", { "class": "comment-actions" });
    if (topLevel) {
      var reply = el("button", { type: "button" }, L.reply);
      reply.appendChild(el("span", { "class": "visually-hidden" }, ": " + c.name));
      reply.addEventListener("click", function () { setParent(c.id, c.name); });
      actions.appendChild(reply);
    }
    var report = el("button", { type: "button" }, L.report);
    report.appendChild(el("span", { "class": "visually-hidden" }, ": " + c.name));
    report.addEventListener("click", function () {
      send(doc.report, new URLSearchParams({ id: c.id }), function (ok, msg) {
        actions.textContent = "";
        actions.appendChild(el("span", { role: "status" }, msg));
      });
    });
    actions.appendChild(report);
    art.appendChild(actions);
    return art;
  }

  var list = el("div", { "data-qalam": "comments-inline" });
  var status = el("p", { "class": "comment-status", role: "status", "data-qalam": "comments-message" });
  status.hidden = true;
  var form, replying, parentInput, textArea;

  function render() {
    var L = doc.labels;
    list.textContent = "";
    if (!doc.comments.length) {
      list.appendChild(el("p", { "data-qalam": "comments-none" }, L.none));
      return;
    }
    var ol = el("ol", { "class": "comment-list" });
    doc.comments.forEach(function (c) {
      var li = el("li");
      li.appendChild(comment(c, true));
      if (c.replies && c.replies.length) {
        var sub = el("ol", { "class": "comment-replies", "aria-label": L.replies });
        c.replies.forEach(function (r) {
          var rli = el("li");
          rli.appendChild(comment(r, false));
          sub.appendChild(rli);
        });
        li.appendChild(sub);
      }
      ol.appendChild(li);
    });
    list.appendChild(ol);
  }

  function setParent(id, name) {
    parent = id;
    parentInput.value = id;
    replying.hidden = !id;
    replying.firstChild.textContent = id ? doc.labels.replyto.replace("%s", name) + " " : "";
    textArea.focus();
  }

  function field(id, label, input) {
    var p = el("p");
    p.appendChild(el("label", { "for": id }, label));
    input.id = id;
    p.appendChild(input);
    return p;
  }

  function buildForm() {
    var L = doc.labels;
    var wrap = el("div", { "class": "comment-form" });
    wrap.appendChild(el("h3", { id: "comment-form-title" }, L.form));
    if (doc.premod) wrap.appendChild(el("p", { "class": "note" }, L.premod));
    form = el("form", { method: "post", action: doc.post, "aria-labelledby": "comment-form-title", "data-qalam": "comment-form-inline" });
    replying = el("p", { "class": "note" });
    replying.appendChild(document.createTextNode(""));
    var cancel = el("button", { type: "button", "class": "quiet" }, L.cancel);
    cancel.addEventListener("click", function () { setParent("", ""); });
    replying.appendChild(cancel);
    replying.hidden = true;
    form.appendChild(replying);
    parentInput = el("input", { type: "hidden", name: "parent", value: "" });
    form.appendChild(parentInput);
    form.appendChild(field("ci-name", L.name, el("input", { name: "name", type: "text", required: "", maxlength: "60", autocomplete: "nickname", dir: "auto" })));
    form.appendChild(field("ci-email", L.email, el("input", { name: "email", type: "email", maxlength: "254", autocomplete: "email", inputmode: "email", dir: "ltr" })));
    textArea = el("textarea", { name: "text", required: "", minlength: "2", maxlength: "4000", rows: "5", dir: "auto", "aria-describedby": "ci-rules" });
    form.appendChild(field("ci-text", L.text, textArea));
    var hp = el("div", { "class": "visually-hidden", "aria-hidden": "true" });
    hp.appendChild(el("label", { "for": "ci-website" }, L.honeypot));
    hp.appendChild(el("input", { id: "ci-website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" }));
    form.appendChild(hp);
    form.appendChild(el("p", { "class": "note", id: "ci-rules" }, L.rules));
    var p = el("p");
    p.appendChild(el("button", { type: "submit" }, L.submit));
    form.appendChild(p);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new URLSearchParams(new FormData(form));
      send(doc.post, data, function (ok, msg) {
        if (ok) {
          textArea.value = "";
          setParent("", "");
          load();
        }
      });
    });
    wrap.appendChild(status);
    wrap.appendChild(form);
    return wrap;
  }

  function say(ok, msg) {
    status.hidden = false;
    status.className = ok ? "comment-status" : "comment-error";
    status.setAttribute("role", ok ? "status" : "alert");
    status.textContent = msg;
  }

  function send(url, data, done) {
    fetch(url, { method: "POST", body: data, credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (j) { say(j.ok, j.message); done(j.ok, j.message); })
      .catch(function () { say(false, doc.labels.error); done(false, doc.labels.error); });
  }

  function load() {
    return fetch(base + ".json", { cache: "no-cache", credentials: "omit" })
      .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
      .then(function (j) {
        var first = !doc;
        doc = j;
        render();
        if (first) {
          section.appendChild(list);
          section.appendChild(buildForm());
        }
      });
  }

  load().catch(function () { /* the link to the comments page stays */ });
})();
