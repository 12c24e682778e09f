// qalam's story editor. It mounts on every element with a data-qalam-editor
// attribute:
//
//   <div data-qalam-editor
//        data-input="body-json"          id of the form field holding the editor JSON
//        data-label="Story text"         accessible name of the text area
//        data-save-url="/admin/..."      autosave target (POST); none: no autosave
//        data-revision="r123"            base revision id sent with each save
//        data-revision-field="base_revision"
//        data-csrf-token="..."           sent as a form field and a header
//        data-csrf-field="csrf_token"
//        data-csrf-header="X-CSRF-Token"
//        data-assets='[{"id":"a1","label":"Flood, Tole Bi","alt":"..."}]'
//        data-draft-key="story-123"      localStorage key for unsaved text
//        data-embed-fetch="/admin/embeds?story=ID"  where an inserted embed's
//                                        title and thumbnail are fetched (POST);
//                                        none: embeds go in as typed
//        data-thumb-url="/admin/media/{id}/thumb?w=320"  the newsroom's own
//                                        thumbnail of an embed, by asset id
//        data-autosave-ms="3000"
//        data-lock-url="/admin/stories/ID/lock"  the edit lock's heartbeat
//                                        (POST); none: no heartbeat
//        data-lock-ms="60000"            how often it beats while the tab is visible
//        data-i18n='{"bold":"Жуан"}'>    any of the strings below
//   </div>
//
// The save is a form POST (body, base revision, CSRF field) answered with
// 2xx (optionally JSON {"revision": "..."}), 409 for a conflict (the body's
// text or JSON "error" is shown) or another error. Inserting an embed POSTs
// its address (field "url", the CSRF field and header) to data-embed-fetch,
// answered with JSON {url, title, provider, thumb, thumbURL, code} (see
// internal/admin/embeds.go); whatever the answer, the embed goes in, with
// what could be had. The heartbeat POSTs the CSRF field and header to
// data-lock-url every data-lock-ms while the tab is visible, at once when it
// becomes visible again and after a refused save; an answer of JSON
// {"held": false, "by": NAME, "at": TIME, "takeover": BOOL} (any status)
// means the story is someone else's now: the editor says so in its notice
// area (role=alert), stops autosaving and beating, and keeps the text in the
// page and in localStorage; other answers and failures are let be until the
// next beat. The editor makes no other request (thumbnails are the
// newsroom's own, from data-thumb-url), uses no inline script or style, and
// keeps unsaved text in localStorage until a save succeeds.
import { EditorState, Plugin, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { keymap } from "prosemirror-keymap";
import { history, undo, redo } from "prosemirror-history";
import { baseKeymap, toggleMark, setBlockType, wrapIn, lift, chainCommands } from "prosemirror-commands";
import { wrapInList, splitListItem, liftListItem } from "prosemirror-schema-list";
import { schema, safeHref, embedURL, setFigureLabeler, setThumbURL } from "./schema.js";

const defaultStrings = {
  toolbar: "Formatting",
  paragraph: "Paragraph",
  h2: "Heading 2",
  h3: "Heading 3",
  h4: "Heading 4",
  bold: "Bold",
  italic: "Italic",
  link: "Link",
  notranslit: "Keep script",
  notranslitHint: "Words that keep their script in the Latin view",
  bulletList: "Bulleted list",
  orderedList: "Numbered list",
  quote: "Quote",
  cite: "Quote source",
  image: "Image",
  embed: "Embed",
  undo: "Undo",
  redo: "Redo",
  linkAddress: "Link address (https://…, mailto:… or /path)",
  apply: "Apply",
  removeLink: "Remove link",
  cancel: "Cancel",
  insert: "Insert",
  chooseImage: "Which image",
  altText: "Alt text (describe the image)",
  credit: "Credit",
  embedAddress: "Address of the post or video (https://…)",
  embedTitle: "Title",
  citeLabel: "Who said it",
  badLink: "That address cannot be linked: use https://…, mailto:… or a path starting with /.",
  badEmbed: "That is not an https:// address.",
  needAlt: "Describe the image for readers who cannot see it.",
  needQuote: "Put the cursor in a quote first.",
  selectText: "Select the words to link first.",
  imageLabel: "Image",
  saving: "Saving…",
  saved: "Saved at {time}",
  unsaved: "Unsaved changes",
  failed: "Not saved: {error}",
  offline: "no connection",
  retry: "Retry saving",
  conflict: "Someone else saved this story meanwhile. Your text is kept here and in this browser; copy it before reloading.",
  restoreFound: "This browser kept unsaved text from {time}.",
  restore: "Restore it",
  discard: "Discard it",
  loadFailed: "The stored text could not be opened in the editor; nothing was changed.",
  embedFetching: "Fetching the title and picture…",
  embedInserted: "Embed inserted with its title and picture.",
  embedOff: "Previews are off in this newsroom: the embed was inserted with its address only.",
  embedRefused: "That address is in a private network, which the newsroom does not fetch from: the embed was inserted with its address only.",
  embedFailed: "The page could not be fetched: the embed was inserted with its address only.",
  embedNotHTML: "The address is not a web page: the embed was inserted without a title or picture.",
  embedNoImage: "The page has no picture: the embed was inserted without a thumbnail.",
  embedBadImage: "The page's picture could not be used: the embed was inserted without a thumbnail.",
  embedError: "No preview could be had ({error}): the embed was inserted with its address only.",
  lockTaken: "{name} took over this story at {time}. Your text is kept here and in this browser; copy it before leaving.",
  lockSomeone: "Someone else took over this story at {time}. Your text is kept here and in this browser; copy it before leaving.",
  lockOpened: "{name} opened this story at {time}, while this page was idle. Your text is kept here and in this browser; copy it before leaving.",
  lockStopped: "Autosave stopped: the story is no longer open for you to edit.",
};

// The text for each code of an embed fetch's answer.
const embedCodes = {
  off: "embedOff",
  refused: "embedRefused",
  failed: "embedFailed",
  "not-html": "embedNotHTML",
  "no-image": "embedNoImage",
  "bad-image": "embedBadImage",
};

// Glyphs for the buttons whose names are long; the rest show their name.
// Only characters every system font has: no emoji.
const icons = {
  paragraph: "¶",
  h2: "H2",
  h3: "H3",
  h4: "H4",
  bold: "B",
  italic: "I",
  bulletList: "•≡",
  orderedList: "1≡",
  quote: "❝",
  undo: "↶",
  redo: "↷",
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

let uid = 0;

function parseJSON(s, fallback) {
  try {
    return s ? JSON.parse(s) : fallback;
  } catch {
    return fallback;
  }
}

function fill(s, vars) {
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? vars[k] : ""));
}

function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks || $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

function blockActive(state, type, attrs) {
  const { $from } = state.selection;
  const parent = $from.parent;
  if (parent.type !== type) return false;
  return !attrs || Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v);
}

function ancestor(state, type) {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) {
    if ($from.node(d).type === type) return { node: $from.node(d), pos: $from.before(d), depth: d };
  }
  return null;
}

// toggleList wraps in a list, lifts out of the same list, or switches kind.
function toggleList(type) {
  return (state, dispatch) => {
    const list = ancestor(state, schema.nodes.bulletList) || ancestor(state, schema.nodes.orderedList);
    if (list && list.node.type === type) return liftListItem(schema.nodes.listItem)(state, dispatch);
    if (list) {
      if (dispatch) dispatch(state.tr.setNodeMarkup(list.pos, type));
      return true;
    }
    return wrapInList(type)(state, dispatch);
  };
}

function toggleHeading(level) {
  return (state, dispatch) => {
    if (blockActive(state, schema.nodes.heading, { level })) return setBlockType(schema.nodes.paragraph)(state, dispatch);
    return setBlockType(schema.nodes.heading, { level })(state, dispatch);
  };
}

function toggleQuote(state, dispatch) {
  if (ancestor(state, schema.nodes.blockquote)) return lift(state, dispatch);
  return wrapIn(schema.nodes.blockquote)(state, dispatch);
}

// insertBlock puts a figure or embed after the block holding the cursor (in
// place of it when that block is an empty paragraph), then moves the cursor
// into the figure's caption or the text after the embed.
function insertBlock(node) {
  return (state, dispatch) => {
    const { $from } = state.selection;
    let from, to;
    if ($from.depth === 0) {
      from = to = $from.pos;
    } else {
      const top = $from.node(1);
      if (top.type === schema.nodes.paragraph && top.content.size === 0) {
        from = $from.before(1);
        to = $from.after(1);
      } else {
        from = to = $from.after(1);
      }
    }
    if (!dispatch) return true;
    const tr = state.tr.replaceWith(from, to, node);
    let after = from + node.nodeSize;
    if (node.isTextblock) {
      tr.setSelection(TextSelection.create(tr.doc, from + 1));
    } else {
      const next = tr.doc.resolve(after).nodeAfter;
      if (!next || !next.isTextblock) tr.insert(after, schema.nodes.paragraph.create());
      tr.setSelection(TextSelection.create(tr.doc, after + 1));
    }
    dispatch(tr.scrollIntoView());
    return true;
  };
}

// Enter in a figure caption leaves the figure for a new paragraph after it.
function exitFigure(state, dispatch) {
  const { $from } = state.selection;
  if ($from.parent.type !== schema.nodes.figure) return false;
  if (dispatch) {
    const after = $from.after();
    const tr = state.tr.insert(after, schema.nodes.paragraph.create());
    tr.setSelection(TextSelection.create(tr.doc, after + 1));
    dispatch(tr.scrollIntoView());
  }
  return true;
}

// Backspace at the start of an empty caption removes the figure.
function deleteEmptyFigure(state, dispatch) {
  const { $from, empty } = state.selection;
  if (!empty || $from.parent.type !== schema.nodes.figure || $from.parent.content.size !== 0) return false;
  if (dispatch) {
    const tr = state.tr.delete($from.before(), $from.after());
    if (tr.doc.childCount === 0) tr.insert(0, schema.nodes.paragraph.create());
    tr.setSelection(TextSelection.near(tr.doc.resolve(Math.min($from.before(), tr.doc.content.size))));
    dispatch(tr.scrollIntoView());
  }
  return true;
}

// trailingParagraph keeps a paragraph at the end, so the cursor can always
// get past a final figure or embed.
const trailingParagraph = new Plugin({
  appendTransaction(_trs, _old, state) {
    const last = state.doc.lastChild;
    if (last && last.type === schema.nodes.paragraph) return null;
    return state.tr.insert(state.doc.content.size, schema.nodes.paragraph.create());
  },
});

class Editor {
  constructor(root) {
    this.root = root;
    const ds = root.dataset;
    this.t = Object.assign({}, defaultStrings, parseJSON(ds.i18n, {}));
    this.input = document.getElementById(ds.input || "");
    this.saveURL = ds.saveUrl || "";
    this.revision = ds.revision || "";
    this.revisionField = ds.revisionField || "base_revision";
    this.csrfToken = ds.csrfToken || "";
    this.csrfField = ds.csrfField || "csrf_token";
    this.csrfHeader = ds.csrfHeader || "X-CSRF-Token";
    this.bodyField = ds.bodyField || "body";
    this.assets = parseJSON(ds.assets, []).filter((a) => a && typeof a.id === "string");
    this.interval = Math.max(500, parseInt(ds.autosaveMs || "3000", 10) || 3000);
    this.draftKey = "qalam-editor:" + (ds.draftKey || location.pathname + "|" + this.saveURL);
    this.embedFetch = ds.embedFetch || "";
    this.lockURL = ds.lockUrl || "";
    this.lockInterval = Math.max(1000, parseInt(ds.lockMs || "60000", 10) || 60000);
    this.lockTimer = 0;
    this.lockBusy = false;
    this.lost = false; // the story is someone else's now
    const thumbPattern = ds.thumbUrl || "";
    setThumbURL((id) => (thumbPattern ? thumbPattern.replace("{id}", encodeURIComponent(id)) : ""));
    this.id = "qe" + ++uid;
    this.state = "idle"; // idle, dirty, saving, saved, failed, conflict
    this.timer = 0;
    this.inflight = null;

    const assetLabels = new Map(this.assets.map((a) => [a.id, a.label || a.id]));
    setFigureLabeler((n) => this.t.imageLabel + ": " + (assetLabels.get(n.attrs.asset) || n.attrs.asset) + " — " + n.attrs.alt + (n.attrs.credit ? " (" + n.attrs.credit + ")" : ""));

    let doc;
    try {
      doc = this.loadDoc(this.input ? this.input.value : "");
    } catch (e) {
      root.append(el("p", { class: "qe-error", role: "alert", text: this.t.loadFailed + " (" + e.message + ")" }));
      return;
    }
    this.build(doc);
    this.saved = this.json();
    this.offerDraft();
  }

  loadDoc(value) {
    const json = parseJSON(value, null);
    if (value && value.trim() && json === null) throw new Error("not JSON");
    if (!json || !Array.isArray(json.content) || json.content.length === 0) {
      return schema.node("doc", null, [schema.nodes.paragraph.create()]);
    }
    let doc = schema.nodeFromJSON(json);
    if (doc.lastChild.type !== schema.nodes.paragraph) doc = doc.copy(doc.content.addToEnd(schema.nodes.paragraph.create()));
    return doc;
  }

  build(doc) {
    const t = this.t;
    this.root.classList.add("qe");
    this.toolbar = el("div", { class: "qe-toolbar", role: "toolbar", "aria-label": t.toolbar, "aria-controls": this.id + "-content" });
    this.buttons = [];
    const group = () => {
      const g = el("div", { class: "qe-group", role: "group" });
      this.toolbar.append(g);
      return g;
    };
    const add = (g, name, run, opts = {}) => {
      const b = el(
        "button",
        { type: "button", class: "qe-button", "data-command": name, title: t[name] + (opts.keys ? " (" + opts.keys + ")" : ""), tabindex: "-1" },
        icons[name] ? el("span", { "aria-hidden": "true", class: "qe-icon", text: icons[name] }) : null,
        el("span", { class: icons[name] ? "qe-label" : "qe-text", text: t[name] }),
      );
      if (opts.keys) b.setAttribute("aria-keyshortcuts", opts.keys.replace(/Ctrl/g, "Control"));
      if (opts.pressed) b.setAttribute("aria-pressed", "false");
      // A mouse click leaves the focus and selection in the text.
      b.addEventListener("mousedown", (ev) => ev.preventDefault());
      b.addEventListener("click", (ev) => {
        ev.preventDefault();
        this.focusIndex = this.buttons.indexOf(b);
        run();
      });
      this.buttons.push(b);
      b.qePressed = opts.pressed;
      g.append(b);
      return b;
    };
    const cmd = (c) => () => {
      c(this.view.state, this.view.dispatch, this.view);
      this.view.focus();
    };
    let g = group();
    add(g, "paragraph", cmd(setBlockType(schema.nodes.paragraph)), { keys: "Ctrl+Alt+0", pressed: (s) => blockActive(s, schema.nodes.paragraph) });
    for (const level of [2, 3, 4]) {
      add(g, "h" + level, cmd(toggleHeading(level)), { keys: "Ctrl+Alt+" + level, pressed: (s) => blockActive(s, schema.nodes.heading, { level }) });
    }
    g = group();
    add(g, "bold", cmd(toggleMark(schema.marks.bold)), { keys: "Ctrl+B", pressed: (s) => markActive(s, schema.marks.bold) });
    add(g, "italic", cmd(toggleMark(schema.marks.italic)), { keys: "Ctrl+I", pressed: (s) => markActive(s, schema.marks.italic) });
    add(g, "link", () => this.openLink(), { keys: "Ctrl+K", pressed: (s) => markActive(s, schema.marks.link) });
    add(g, "notranslit", cmd(toggleMark(schema.marks.notranslit)), { pressed: (s) => markActive(s, schema.marks.notranslit) }).title = t.notranslitHint;
    g = group();
    add(g, "bulletList", cmd(toggleList(schema.nodes.bulletList)), { keys: "Ctrl+Shift+8", pressed: (s) => !!ancestor(s, schema.nodes.bulletList) });
    add(g, "orderedList", cmd(toggleList(schema.nodes.orderedList)), { keys: "Ctrl+Shift+7", pressed: (s) => !!ancestor(s, schema.nodes.orderedList) });
    add(g, "quote", cmd(toggleQuote), { pressed: (s) => !!ancestor(s, schema.nodes.blockquote) });
    add(g, "cite", () => this.openCite());
    g = group();
    if (this.assets.length) add(g, "image", () => this.openImage());
    add(g, "embed", () => this.openEmbed());
    g = group();
    add(g, "undo", cmd(undo), { keys: "Ctrl+Z" });
    add(g, "redo", cmd(redo), { keys: "Ctrl+Shift+Z" });
    this.focusIndex = 0;
    this.buttons[0].tabIndex = 0;
    this.toolbar.addEventListener("keydown", (ev) => this.toolbarKey(ev));

    this.panel = el("div", { class: "qe-panel", id: this.id + "-panel", hidden: true });
    this.content = el("div", { class: "qe-content-wrap" });
    this.status = el("p", { class: "qe-status", role: "status", id: this.id + "-status" });
    this.retry = el("button", { type: "button", class: "qe-retry", hidden: true, text: t.retry });
    this.retry.addEventListener("click", () => this.save());
    this.notice = el("div", { class: "qe-notice", hidden: true });
    // How the last embed went in (its title and picture, or why not): kept
    // until the next one, apart from the save status.
    this.embedNote = el("p", { class: "qe-embed-note", role: "status" });
    const footer = el("div", { class: "qe-footer" }, this.embedNote, this.status, this.retry);
    this.root.append(this.toolbar, this.panel, this.notice, this.content, footer);

    const labelAttrs = { role: "textbox", "aria-multiline": "true", class: "qe-content", id: this.id + "-content", "aria-describedby": this.id + "-status" };
    if (this.root.dataset.labelledby) labelAttrs["aria-labelledby"] = this.root.dataset.labelledby;
    else labelAttrs["aria-label"] = this.root.dataset.label || t.paragraph;
    const keys = {
      "Mod-z": undo,
      "Shift-Mod-z": redo,
      "Mod-y": redo,
      "Mod-b": toggleMark(schema.marks.bold),
      "Mod-i": toggleMark(schema.marks.italic),
      "Mod-k": () => (this.openLink(), true),
      "Mod-s": () => (this.save(), true),
      "Mod-Alt-0": setBlockType(schema.nodes.paragraph),
      "Mod-Alt-2": toggleHeading(2),
      "Mod-Alt-3": toggleHeading(3),
      "Mod-Alt-4": toggleHeading(4),
      "Shift-Mod-8": toggleList(schema.nodes.bulletList),
      "Shift-Mod-7": toggleList(schema.nodes.orderedList),
      "Alt-F10": () => (this.focusToolbar(), true),
      Enter: chainCommands(exitFigure, splitListItem(schema.nodes.listItem)),
      Backspace: deleteEmptyFigure,
    };
    this.view = new EditorView(this.content, {
      state: EditorState.create({ doc, plugins: [history(), keymap(keys), keymap(baseKeymap), trailingParagraph] }),
      attributes: labelAttrs,
      dispatchTransaction: (tr) => {
        this.view.updateState(this.view.state.apply(tr));
        this.refresh();
        if (tr.docChanged) this.changed();
      },
      handleDOMEvents: {
        blur: () => {
          if (this.state === "dirty") this.save();
          return false;
        },
      },
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") {
        if (this.state === "dirty") this.save(true);
        this.beatLater();
      } else {
        this.beat();
      }
    });
    this.beatLater();
    // Submitting the story's form carries the text in the field: no warning.
    if (this.input && this.input.form) this.input.form.addEventListener("submit", () => (this.submitting = true));
    window.addEventListener("beforeunload", (ev) => {
      if (this.state === "dirty" || this.state === "saving" || this.state === "failed" || this.state === "conflict") {
        this.keepDraft();
        if (this.state !== "saving" && !this.submitting) ev.preventDefault();
      }
    });
    this.refresh();
  }

  json() {
    return JSON.stringify(this.view.state.doc.toJSON());
  }

  refresh() {
    const s = this.view.state;
    for (const b of this.buttons) {
      if (b.qePressed) b.setAttribute("aria-pressed", b.qePressed(s) ? "true" : "false");
    }
  }

  // Toolbar: one tab stop, arrows move between buttons (roving tabindex).
  toolbarKey(ev) {
    const i = this.buttons.indexOf(document.activeElement);
    if (i < 0) return;
    let next = -1;
    const rtl = getComputedStyle(this.toolbar).direction === "rtl";
    if (ev.key === "ArrowRight") next = rtl ? i - 1 : i + 1;
    else if (ev.key === "ArrowLeft") next = rtl ? i + 1 : i - 1;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = this.buttons.length - 1;
    else if (ev.key === "Escape") {
      ev.preventDefault();
      this.view.focus();
      return;
    } else return;
    ev.preventDefault();
    next = (next + this.buttons.length) % this.buttons.length;
    this.focusButton(next);
  }

  focusButton(i) {
    this.buttons.forEach((b, j) => (b.tabIndex = j === i ? 0 : -1));
    this.focusIndex = i;
    this.buttons[i].focus();
  }

  focusToolbar() {
    this.focusButton(this.focusIndex || 0);
  }

  // Panels: a small inline form under the toolbar. Not a <form>: the editor
  // lives inside the story's form, and Enter must not submit it.
  openPanel(title, fields, onApply, extra) {
    const t = this.t;
    this.panel.replaceChildren();
    const heading = el("p", { class: "qe-panel-title", id: this.id + "-panel-title", text: title });
    const error = el("p", { class: "qe-panel-error", role: "alert" });
    const progress = el("p", { class: "qe-panel-status", role: "status" });
    const inputs = {};
    const rows = fields.map((f) => {
      const id = this.id + "-f-" + f.name;
      let input;
      if (f.options) {
        input = el("select", { id });
        for (const o of f.options) input.append(el("option", { value: o.value, text: o.label }));
        if (f.onChange) input.addEventListener("change", () => f.onChange(input, inputs));
      } else {
        input = el("input", { id, type: f.type || "text", value: f.value || "", autocomplete: "off", spellcheck: f.type === "url" ? "false" : null, dir: f.type === "url" ? "ltr" : null });
      }
      inputs[f.name] = input;
      return el("div", { class: "qe-field" }, el("label", { for: id, text: f.label }), input);
    });
    const apply = el("button", { type: "button", class: "qe-apply", text: extra && extra.applyLabel ? extra.applyLabel : t.apply });
    const cancel = el("button", { type: "button", class: "qe-cancel", text: t.cancel });
    const buttons = el("div", { class: "qe-panel-buttons" }, apply);
    if (extra && extra.remove) {
      const rm = el("button", { type: "button", class: "qe-remove", text: extra.removeLabel });
      rm.addEventListener("click", () => {
        extra.remove();
        this.closePanel();
      });
      buttons.append(rm);
    }
    buttons.append(cancel);
    this.panel.setAttribute("role", "group");
    this.panel.setAttribute("aria-labelledby", heading.id);
    this.panel.append(heading, ...rows, error, progress, buttons);
    // onApply returns "" (done), a message to show, or a promise of either
    // (the panel says so while it waits, and ignores further clicks).
    let busy = false;
    const doApply = async () => {
      if (busy) return;
      const values = {};
      for (const [k, v] of Object.entries(inputs)) values[k] = v.value.trim();
      let msg = onApply(values, (text) => (progress.textContent = text));
      if (msg && typeof msg.then === "function") {
        busy = true;
        error.textContent = "";
        this.panel.setAttribute("aria-busy", "true");
        apply.setAttribute("aria-disabled", "true");
        try {
          msg = await msg;
        } finally {
          busy = false;
          this.panel.removeAttribute("aria-busy");
          apply.removeAttribute("aria-disabled");
          progress.textContent = "";
        }
      }
      if (msg) {
        error.textContent = msg;
        return;
      }
      this.closePanel();
    };
    apply.addEventListener("click", doApply);
    cancel.addEventListener("click", () => {
      if (!busy) this.closePanel();
    });
    this.panel.onkeydown = (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        if (!busy) this.closePanel();
      } else if (ev.key === "Enter" && ev.target.tagName === "INPUT") {
        ev.preventDefault(); // no implicit submission of the story form
        doApply();
      }
    };
    // Some input paths deliver Enter's keypress apart from its keydown:
    // cancel it too, or the browser submits the story form implicitly.
    this.panel.onkeypress = (ev) => {
      if (ev.key === "Enter" && ev.target.tagName === "INPUT") ev.preventDefault();
    };
    this.panel.hidden = false;
    const first = rows.length ? rows[0].querySelector("input,select") : apply;
    first.focus();
  }

  closePanel() {
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.view.focus();
  }

  openLink() {
    const t = this.t;
    const s = this.view.state;
    const { from, to, empty } = s.selection;
    let current = "";
    s.doc.nodesBetween(from, empty ? from + 1 : to, (n) => {
      const m = schema.marks.link.isInSet(n.marks);
      if (m && !current) current = m.attrs.href;
    });
    if (empty && !current) {
      this.say(t.selectText);
      return;
    }
    this.openPanel(
      t.link,
      [{ name: "href", label: t.linkAddress, type: "url", value: current }],
      ({ href }) => {
        if (!safeHref(href)) return t.badLink;
        const st = this.view.state;
        let { from, to } = st.selection;
        if (st.selection.empty) [from, to] = markExtent(st, from, schema.marks.link);
        this.view.dispatch(st.tr.removeMark(from, to, schema.marks.link).addMark(from, to, schema.marks.link.create({ href })));
        return "";
      },
      current
        ? {
            removeLabel: t.removeLink,
            remove: () => {
              const st = this.view.state;
              let { from, to } = st.selection;
              if (st.selection.empty) [from, to] = markExtent(st, from, schema.marks.link);
              this.view.dispatch(st.tr.removeMark(from, to, schema.marks.link));
            },
          }
        : null,
    );
  }

  openCite() {
    const t = this.t;
    const q = ancestor(this.view.state, schema.nodes.blockquote);
    if (!q) {
      this.say(t.needQuote);
      return;
    }
    this.openPanel(t.cite, [{ name: "cite", label: t.citeLabel, value: q.node.attrs.cite }], ({ cite }) => {
      const cur = ancestor(this.view.state, schema.nodes.blockquote);
      if (cur) this.view.dispatch(this.view.state.tr.setNodeMarkup(cur.pos, null, { cite }));
      return "";
    });
  }

  openImage() {
    const t = this.t;
    const first = this.assets[0];
    this.openPanel(
      t.image,
      [
        {
          name: "asset",
          label: t.chooseImage,
          options: this.assets.map((a) => ({ value: a.id, label: a.label || a.id })),
          onChange: (sel, inputs) => {
            const a = this.assets.find((x) => x.id === sel.value);
            if (a && inputs.alt && !inputs.alt.value) inputs.alt.value = a.alt || "";
            if (a && inputs.credit && !inputs.credit.value) inputs.credit.value = a.credit || "";
          },
        },
        { name: "alt", label: t.altText, value: first.alt || "" },
        { name: "credit", label: t.credit, value: first.credit || "" },
      ],
      ({ asset, alt, credit }) => {
        if (!alt) return t.needAlt;
        insertBlock(schema.nodes.figure.create({ asset, alt, credit }))(this.view.state, this.view.dispatch);
        return "";
      },
      { applyLabel: t.insert },
    );
  }

  openEmbed() {
    const t = this.t;
    this.openPanel(
      t.embed,
      [
        { name: "url", label: t.embedAddress, type: "url" },
        { name: "title", label: t.embedTitle },
      ],
      ({ url, title }, progress) => {
        if (!embedURL(url)) return t.badEmbed;
        if (!this.embedFetch) {
          insertBlock(schema.nodes.embed.create({ url, title }))(this.view.state, this.view.dispatch);
          return "";
        }
        progress(t.embedFetching);
        this.embedNote.textContent = "";
        return this.fetchEmbed(url).then((ans) => {
          if (ans.refuse) return ans.refuse;
          const attrs = { url, title: title || ans.title || "", provider: ans.provider || "", thumb: ans.thumb || "" };
          insertBlock(schema.nodes.embed.create(attrs))(this.view.state, this.view.dispatch);
          // closePanel moves the focus back to the text; the note says how
          // the insertion went.
          this.embedNote.textContent = ans.note;
          return "";
        });
      },
      { applyLabel: t.insert },
    );
  }

  // fetchEmbed asks the newsroom for an embed's title and thumbnail. It
  // resolves to the answer plus a note for the status line, or to
  // {refuse: message} when the address itself was refused (400): any
  // other failure still lets the embed go in with its address.
  async fetchEmbed(url) {
    const t = this.t;
    const body = new URLSearchParams();
    body.set("url", url);
    if (this.csrfToken) body.set(this.csrfField, this.csrfToken);
    const headers = { Accept: "application/json" };
    if (this.csrfToken) headers[this.csrfHeader] = this.csrfToken;
    let resp, data;
    try {
      resp = await fetch(this.embedFetch, { method: "POST", credentials: "same-origin", headers, body });
      data = parseJSON(await resp.text(), null);
    } catch {
      return { note: fill(t.embedError, { error: t.offline }) };
    }
    if (!data || typeof data !== "object") data = {};
    if (!resp.ok) {
      const message = typeof data.error === "string" && data.error ? data.error : resp.status + " " + resp.statusText;
      if (resp.status === 400) return { refuse: message };
      return { note: fill(t.embedError, { error: message }) };
    }
    const ans = {
      title: typeof data.title === "string" ? data.title : "",
      provider: typeof data.provider === "string" ? data.provider : "",
      thumb: typeof data.thumb === "string" ? data.thumb : "",
    };
    const code = typeof data.code === "string" ? data.code : "";
    ans.note = code ? t[embedCodes[code]] || fill(t.embedError, { error: data.message || code }) : t.embedInserted;
    return ans;
  }

  // say shows a passing message in the live region without changing the
  // save state.
  say(msg) {
    this.status.textContent = msg;
  }

  // Offer unsaved text this browser kept for the same base revision.
  offerDraft() {
    const d = this.readDraft();
    if (!d || d.revision !== this.revision || d.doc === this.saved) return;
    const t = this.t;
    const time = new Date(d.at).toLocaleString();
    const restore = el("button", { type: "button", text: t.restore });
    const discard = el("button", { type: "button", class: "qe-quiet", text: t.discard });
    const offer = el("div", { class: "qe-offer" }, el("p", { text: fill(t.restoreFound, { time }) }), restore, discard);
    this.notice.append(offer);
    this.notice.hidden = false;
    // The lock's notice may have come meanwhile: it stays.
    const done = () => {
      offer.remove();
      this.notice.hidden = !this.notice.hasChildNodes();
      this.view.focus();
    };
    restore.addEventListener("click", () => {
      try {
        const doc = this.loadDoc(d.doc);
        const st = this.view.state;
        this.view.dispatch(st.tr.replaceWith(0, st.doc.content.size, doc.content));
      } catch (e) {
        this.say(t.loadFailed);
      }
      done();
    });
    discard.addEventListener("click", () => {
      this.dropDraft();
      done();
    });
  }

  // beatLater schedules the next heartbeat while the tab is visible.
  beatLater() {
    clearTimeout(this.lockTimer);
    this.lockTimer = 0;
    if (!this.lockURL || this.lost || document.visibilityState === "hidden") return;
    this.lockTimer = setTimeout(() => this.beat(), this.lockInterval);
  }

  // beat is the edit lock's heartbeat: it keeps this person's lock alive
  // and learns whether someone else has the story now.
  async beat() {
    if (!this.lockURL || this.lost || this.lockBusy) return;
    clearTimeout(this.lockTimer);
    this.lockTimer = 0;
    this.lockBusy = true;
    const body = new URLSearchParams();
    if (this.csrfToken) body.set(this.csrfField, this.csrfToken);
    const headers = { Accept: "application/json" };
    if (this.csrfToken) headers[this.csrfHeader] = this.csrfToken;
    let data = null;
    try {
      const resp = await fetch(this.lockURL, { method: "POST", credentials: "same-origin", headers, body });
      data = parseJSON(await resp.text(), null);
    } catch {
      // no connection: the next beat asks again
    }
    this.lockBusy = false;
    if (data && typeof data === "object" && data.held === false) this.lockLost(data);
    else this.beatLater();
  }

  // lockLost says who has the story now, in the notice area at once, and
  // stops autosaving; the text stays in the page and in this browser.
  lockLost(data) {
    const t = this.t;
    this.lost = true;
    clearTimeout(this.timer);
    this.timer = 0;
    this.keepDraft();
    const at = new Date(typeof data.at === "string" ? data.at : "");
    const time = isNaN(at) ? "" : at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const name = typeof data.by === "string" ? data.by : "";
    const text = fill(!name ? t.lockSomeone : data.takeover ? t.lockTaken : t.lockOpened, { name, time });
    this.notice.prepend(el("p", { class: "qe-lock-lost", role: "alert", text }));
    this.notice.hidden = false;
    this.root.dataset.lock = "lost";
    this.setState("conflict", t.lockStopped);
  }

  readDraft() {
    try {
      return parseJSON(localStorage.getItem(this.draftKey), null);
    } catch {
      return null;
    }
  }

  keepDraft() {
    try {
      localStorage.setItem(this.draftKey, JSON.stringify({ revision: this.revision, doc: this.json(), at: Date.now() }));
    } catch {
      // storage full or disabled: the text is still in the page
    }
  }

  dropDraft() {
    try {
      localStorage.removeItem(this.draftKey);
    } catch {
      // nothing kept
    }
  }

  changed() {
    const json = this.json();
    if (this.input) this.input.value = json;
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.keepDraft(), 400);
    if (this.state === "conflict") {
      this.keepDraft();
      return;
    }
    if (json === this.saved) return;
    if (this.state !== "saving") this.setState("dirty");
    this.schedule();
  }

  schedule() {
    if (!this.saveURL || this.timer || this.state === "conflict") return;
    this.timer = setTimeout(() => {
      this.timer = 0;
      if (this.state === "dirty") this.save();
    }, this.interval);
  }

  setState(state, detail) {
    this.state = state;
    const t = this.t;
    this.root.dataset.saveState = state;
    this.retry.hidden = state !== "failed";
    switch (state) {
      case "dirty":
        if (this.status.textContent !== t.unsaved) this.status.textContent = t.unsaved;
        break;
      case "saving":
        this.status.textContent = t.saving;
        break;
      case "saved":
        this.status.textContent = fill(t.saved, { time: new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) });
        break;
      case "failed":
        this.status.textContent = fill(t.failed, { error: detail || t.offline });
        break;
      case "conflict":
        this.status.textContent = detail || t.conflict;
        break;
    }
  }

  async save(leaving) {
    if (!this.saveURL || this.state === "conflict") return;
    if (this.inflight) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = 0;
    const json = this.json();
    this.keepDraft();
    const body = new URLSearchParams();
    body.set(this.bodyField, json);
    body.set(this.revisionField, this.revision);
    if (this.csrfToken) body.set(this.csrfField, this.csrfToken);
    const headers = { Accept: "application/json, text/plain" };
    if (this.csrfToken) headers[this.csrfHeader] = this.csrfToken;
    this.setState("saving");
    const payload = body.toString();
    this.inflight = fetch(this.saveURL, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: body,
      keepalive: !!leaving && payload.length < 60000,
    });
    let resp;
    try {
      resp = await this.inflight;
    } catch {
      this.inflight = null;
      this.setState("failed");
      return;
    }
    this.inflight = null;
    if (this.lost) {
      this.keepDraft();
      return;
    }
    const text = await resp.text().catch(() => "");
    const data = parseJSON(text, null);
    const message = data && typeof data === "object" ? data.error || data.message || "" : text.trim().slice(0, 500);
    if (resp.ok) {
      if (data && typeof data.revision === "string") this.revision = data.revision;
      this.saved = json;
      if (this.json() === json) {
        this.dropDraft();
        this.setState("saved");
      } else {
        this.setState("dirty");
        this.schedule();
      }
    } else if (resp.status === 409) {
      this.keepDraft();
      this.setState("conflict", message ? message + " " + this.t.conflict : this.t.conflict);
      // Refused perhaps because the story was taken over: ask at once.
      this.beat();
    } else {
      this.setState("failed", message || resp.status + " " + resp.statusText);
    }
    if (this.again && this.state !== "conflict") {
      this.again = false;
      if (this.json() !== this.saved) this.save();
    }
  }
}

// markExtent finds the run of text around pos carrying the same mark.
function markExtent(state, pos, type) {
  const $pos = state.doc.resolve(pos);
  const start = $pos.start();
  const runs = [];
  $pos.parent.forEach((child, off) => runs.push({ from: start + off, to: start + off + child.nodeSize, mark: type.isInSet(child.marks) }));
  let i = runs.findIndex((r) => r.mark && r.from <= pos && pos <= r.to);
  if (i < 0) return [pos, pos];
  const m = runs[i].mark;
  let j = i;
  while (i > 0 && runs[i - 1].mark && runs[i - 1].mark.eq(m)) i--;
  while (j < runs.length - 1 && runs[j + 1].mark && runs[j + 1].mark.eq(m)) j++;
  return [runs[i].from, runs[j].to];
}

function mountAll() {
  for (const root of document.querySelectorAll("[data-qalam-editor]")) {
    if (root.qalamEditor) continue;
    root.qalamEditor = new Editor(root);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
