// Building the page's DOM safely, and the small formatting rules every view shares.
//
// Nothing from the corpus or the API is ever inserted as HTML: `h()` sets
// attributes with setAttribute and children as text nodes, so a passage that
// holds `<script>` shows those characters. `highlight()` turns the API's match
// offsets (Unicode code points) into <mark> elements over UTF-16 strings.

/**
 * Creates an element. `attrs` values: strings become attributes, `false`/`null`
 * are skipped, functions under `on*` keys become listeners, `dataset` is an
 * object. Children: nodes, strings (as text), arrays, or null (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children as `h` takes them. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** A document fragment of the given children. */
export function frag(...children) {
  return append(document.createDocumentFragment(), children);
}

/**
 * The UTF-16 index of each code point of `text`, plus its length at the end:
 * the API counts offsets in code points (as Rust's chars), JavaScript strings
 * in UTF-16 units, and the two part at every character outside the BMP.
 */
export function codePointIndex(text) {
  const map = [];
  let unit = 0;
  for (const ch of text) {
    map.push(unit);
    unit += ch.length;
  }
  map.push(unit);
  return map;
}

/**
 * The `[start, end)` code-point ranges as sorted, non-overlapping UTF-16
 * ranges: out-of-range ends are clamped, empty and malformed ranges dropped,
 * overlapping ones merged (so no character is shown twice).
 */
export function utf16Ranges(text, ranges) {
  const map = codePointIndex(text);
  const last = map.length - 1;
  const clean = [];
  for (const range of ranges || []) {
    if (!Array.isArray(range) || range.length !== 2) continue;
    let [a, b] = range.map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b)) continue;
    a = Math.max(0, Math.min(a, last));
    b = Math.max(0, Math.min(b, last));
    if (a < b) clean.push([map[a], map[b]]);
  }
  clean.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged = [];
  for (const r of clean) {
    const top = merged[merged.length - 1];
    if (top && r[0] < top[1]) top[1] = Math.max(top[1], r[1]);
    else merged.push(r);
  }
  return merged;
}

/** `text` with each highlight range in a <mark>, as a fragment of text nodes. */
export function highlight(text, ranges) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [a, b] of utf16Ranges(text, ranges)) {
    if (a > at) out.appendChild(document.createTextNode(text.slice(at, a)));
    out.appendChild(h("mark", null, text.slice(a, b)));
    at = b;
  }
  if (at < text.length) out.appendChild(document.createTextNode(text.slice(at)));
  return out;
}

/** "line 120" or "lines 120–124" for a `[first, last]` pair. */
export function linesText(lines) {
  if (!Array.isArray(lines) || lines.length !== 2) return null;
  return lines[0] === lines[1] ? `line ${lines[0]}` : `lines ${lines[0]}–${lines[1]}`;
}

const KIND_NAMES = { body: "body", "list-item": "list item", footnote: "footnote" };

/** A passage kind as people say it. */
export function kindName(kind) {
  return KIND_NAMES[kind] || kind;
}

/** The location line of a passage, as the terminal prints it: label, page, lines. */
export function locationParts(p) {
  const parts = [];
  if (p.label) parts.push(p.kind === "footnote" ? `note ${p.label}` : `¶ ${p.label}`);
  if (p.page !== null && p.page !== undefined) parts.push(`p. ${p.page}`);
  const lines = linesText(p.lines);
  if (lines) parts.push(lines);
  return parts;
}

/** The section chain as one element: `§ A › B › C` (nothing when empty). */
export function sectionChain(section, cls = "section") {
  if (!Array.isArray(section) || section.length === 0) return null;
  const items = [];
  section.forEach((name, i) => {
    if (i) items.push(h("span", { class: "sep", "aria-hidden": "true" }, " › "));
    items.push(h("span", null, name));
  });
  return h("p", { class: cls }, h("span", { class: "sigil", "aria-hidden": "true" }, "§ "), h("span", { class: "visually-hidden" }, "Section: "), items);
}

/** The byline of a passage or document: issuer · date (the date never broken). */
export function byline(record) {
  return h("p", { class: "byline" },
    record.issuer || null,
    record.issuer && record.date ? " · " : null,
    record.date ? h("span", { class: "date" }, record.date) : null);
}

/** `1 passage` / `29 passages`. */
export function plural(n, one, many) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

/** True when the key event comes from a field where typing must not be taken as a shortcut. */
export function isTyping(event) {
  const el = event.target;
  if (!(el instanceof Element)) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  if (el.tagName === "INPUT") return !["checkbox", "radio", "button", "submit"].includes(el.type);
  return false;
}
