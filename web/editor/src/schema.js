// The editor's document schema. Node and mark names are Tiptap's, so the
// JSON is what internal/editor.FromEditor reads; that function, not this
// file, decides what is stored: anything here is only a convenience for the
// journalist.
import { Schema } from "prosemirror-model";

// safeHref mirrors internal/editor.SafeLink: http(s), mailto or a site path,
// with nothing a browser would reinterpret.
export function safeHref(h) {
  if (typeof h !== "string" || h === "" || h.length > 2048) return false;
  if (/[\u0000-\u0020\u007f-\u009f\\\s]/.test(h)) return false;
  if (h[0] === "/") return h[1] !== "/";
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(h);
  if (!m) return false;
  const scheme = m[1].toLowerCase();
  if (scheme === "http" || scheme === "https") return /^\/\/[^/?#]+/.test(m[2]);
  if (scheme === "mailto") return m[2].length > 0;
  return false;
}

// embedURL reports whether an embed address is an absolute http(s) URL.
export function embedURL(u) {
  return typeof u === "string" && /^https?:\/\/[^\s/?#\\@]+([/?#][^\s\\]*)?$/i.test(u.trim());
}

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      group: "block",
      content: "inline*",
      parseDOM: [{ tag: "p" }],
      toDOM: () => ["p", 0],
    },
    heading: {
      group: "block",
      content: "inline*",
      defining: true,
      attrs: { level: { default: 2, validate: "number" } },
      parseDOM: [
        { tag: "h1", attrs: { level: 2 } },
        { tag: "h2", attrs: { level: 2 } },
        { tag: "h3", attrs: { level: 3 } },
        { tag: "h4", attrs: { level: 4 } },
        { tag: "h5", attrs: { level: 4 } },
        { tag: "h6", attrs: { level: 4 } },
      ],
      toDOM: (n) => ["h" + Math.min(Math.max(n.attrs.level, 2), 4), 0],
    },
    blockquote: {
      group: "block",
      content: "paragraph+",
      defining: true,
      attrs: { cite: { default: "", validate: "string" } },
      parseDOM: [{ tag: "blockquote", getAttrs: (d) => ({ cite: d.getAttribute("data-cite") || "" }) }],
      toDOM: (n) => ["blockquote", n.attrs.cite ? { "data-cite": n.attrs.cite } : {}, 0],
    },
    bulletList: {
      group: "block",
      content: "listItem+",
      parseDOM: [{ tag: "ul" }],
      toDOM: () => ["ul", 0],
    },
    orderedList: {
      group: "block",
      content: "listItem+",
      parseDOM: [{ tag: "ol" }],
      toDOM: () => ["ol", 0],
    },
    listItem: {
      content: "paragraph",
      defining: true,
      parseDOM: [{ tag: "li" }],
      toDOM: () => ["li", 0],
    },
    // A figure's inline content is its caption; the image is shown as a
    // label, so the editor fetches nothing.
    figure: {
      group: "block",
      content: "inline*",
      isolating: true,
      attrs: {
        asset: { validate: "string" },
        alt: { default: "", validate: "string" },
        credit: { default: "", validate: "string" },
      },
      parseDOM: [
        {
          tag: "figure[data-asset]",
          contentElement: "figcaption",
          getAttrs: (d) => ({
            asset: d.getAttribute("data-asset"),
            alt: d.getAttribute("data-alt") || "",
            credit: d.getAttribute("data-credit") || "",
          }),
        },
      ],
      toDOM: (n) => [
        "figure",
        { class: "qe-figure", "data-asset": n.attrs.asset, "data-alt": n.attrs.alt, "data-credit": n.attrs.credit },
        ["div", { class: "qe-figure-image", contenteditable: "false" }, figureLabel(n)],
        ["figcaption", 0],
      ],
    },
    // An embed is a card: the title and, when the newsroom fetched one, the
    // thumbnail it copied into its own media library (never the third
    // party's address: the admin loads nothing from elsewhere).
    embed: {
      group: "block",
      atom: true,
      selectable: true,
      attrs: {
        url: { validate: "string" },
        title: { default: "", validate: "string" },
        provider: { default: "", validate: "string" },
        thumb: { default: "", validate: "string" },
      },
      parseDOM: [
        {
          tag: "div[data-embed-url]",
          getAttrs: (d) => ({
            url: d.getAttribute("data-embed-url"),
            title: d.getAttribute("data-embed-title") || "",
            provider: d.getAttribute("data-embed-provider") || "",
            thumb: d.getAttribute("data-embed-thumb") || "",
          }),
        },
      ],
      toDOM: (n) => {
        const attrs = { class: "qe-embed", "data-embed-url": n.attrs.url, "data-embed-title": n.attrs.title };
        if (n.attrs.provider) attrs["data-embed-provider"] = n.attrs.provider;
        if (n.attrs.thumb) attrs["data-embed-thumb"] = n.attrs.thumb;
        const spec = ["div", attrs];
        const src = n.attrs.thumb ? thumbURL(n.attrs.thumb) : "";
        if (src) spec.push(["img", { class: "qe-embed-thumb", src, alt: "", width: "160", height: "90" }]);
        spec.push(["span", { class: "qe-embed-text" }, (n.attrs.title ? n.attrs.title + " — " : "") + n.attrs.url]);
        return spec;
      },
    },
    text: { group: "inline" },
  },
  marks: {
    link: {
      attrs: { href: { validate: "string" } },
      inclusive: false,
      parseDOM: [
        {
          tag: "a[href]",
          getAttrs: (d) => {
            const href = (d.getAttribute("href") || "").trim();
            return safeHref(href) ? { href } : false;
          },
        },
      ],
      toDOM: (m) => ["a", { href: m.attrs.href, rel: "noopener noreferrer nofollow" }, 0],
    },
    bold: {
      parseDOM: [
        { tag: "strong" },
        { tag: "b", getAttrs: (d) => d.style.fontWeight !== "normal" && null },
        { style: "font-weight=700" },
        { style: "font-weight=bold" },
      ],
      toDOM: () => ["strong", 0],
    },
    italic: {
      parseDOM: [{ tag: "em" }, { tag: "i" }, { style: "font-style=italic" }],
      toDOM: () => ["em", 0],
    },
    notranslit: {
      parseDOM: [{ tag: "span[translate=no]" }],
      toDOM: () => ["span", { translate: "no", class: "qe-notranslit" }, 0],
    },
  },
});

// figureLabel is set by the editor to describe an image by its asset's
// label, since the picture itself is not loaded.
let labeler = (n) => n.attrs.alt;
export function setFigureLabeler(fn) {
  labeler = fn;
}
function figureLabel(n) {
  return labeler(n);
}

// thumbURL is set by the editor to find the newsroom's own thumbnail of an
// embed by its asset id ("" shows none).
let thumber = () => "";
export function setThumbURL(fn) {
  thumber = fn;
}
function thumbURL(id) {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(id) ? thumber(id) : "";
}
