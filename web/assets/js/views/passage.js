// A passage in context: `/passage/{id}` (an id `doc:n` or an anchor).
//
// One `/api/passages/{id}` request gives the passage, its neighbours before
// and after, its footnotes and its citation record; the three citation texts
// come from `/api/cite/{id}` in parallel, so the page renders once. When the
// passage was opened from a hit, the hit's highlights mark its words again.

import * as api from "../api.js";
import { FORMATS, copyCitation } from "../cite.js";
import { byline, h, highlight, kindName, locationParts, sectionChain } from "../dom.js";
import { lastHighlights } from "./search.js";

function sameSection(a, b) {
  return JSON.stringify(a?.section || []) === JSON.stringify(b?.section || []);
}

function neighbour(p, previous) {
  const href = `/passage/${encodeURIComponent(p.id)}`;
  return h("article", { class: "neighbour", dataset: { id: p.id } },
    sameSection(p, previous) ? null : sectionChain(p.section, "section small"),
    h("p", { class: "neighbour-meta" },
      h("a", { href, class: "pid" }, p.id),
      p.kind !== "body" ? h("span", { class: "kind" }, kindName(p.kind)) : null,
      h("span", null, locationParts(p).join(" · "))),
    h("p", { class: "passage-text" }, p.text));
}

function themeTags(themes, labels) {
  if (!themes?.length) return null;
  return h("ul", { class: "tags", "aria-label": "Themes" }, themes.map((t) => {
    const label = labels.themes.get(t)?.label || t;
    return h("li", null, h("a", { class: "tag", href: `/?q=${encodeURIComponent(`theme:${t}`)}`, title: `Passages on ${label}` }, label));
  }));
}

function citeBlock(id, format, label, text, ctx) {
  const status = h("span", { class: "copy-status", "aria-hidden": "true" });
  return h("figure", { class: "citation", dataset: { format } },
    h("figcaption", null,
      h("span", { class: "citation-name" }, label),
      h("button", {
        type: "button",
        class: "button small",
        dataset: { format },
        onclick: async () => {
          try {
            const via = await copyCitation(id, format);
            if (via !== "manual") {
              status.textContent = "Copied";
              ctx.announce(`${label} citation copied to the clipboard`);
              setTimeout(() => (status.textContent = ""), 2500);
            }
          } catch (err) {
            ctx.announce(`Could not copy the citation: ${err.message}`);
          }
        },
      }, "Copy", h("span", { class: "visually-hidden" }, ` ${label} citation`)),
      status),
    text === null ? null : h("pre", { class: "citation-text" }, text));
}

/** A version's text with the words changed against the earlier version marked. */
function diffed(entry) {
  const edits = entry.earlier?.edits || [];
  if (!edits.length) return entry.passage_text;
  const chars = Array.from(entry.passage_text);
  const out = [];
  let at = 0;
  for (const e of edits) {
    const [from, to] = e.later;
    if (from > at) out.push(chars.slice(at, from).join(""));
    if (e.kind === "removed") out.push(h("del", { title: "removed" }, e.earlier_text));
    else if (e.kind === "added") out.push(h("ins", { title: "added" }, chars.slice(from, to).join("")));
    else if (e.kind === "replaced") out.push(h("del", null, e.earlier_text), h("ins", null, chars.slice(from, to).join("")));
    else out.push(chars.slice(from, to).join(""));
    at = Math.max(at, to);
  }
  if (at < chars.length) out.push(chars.slice(at).join(""));
  return out;
}

function lineageSection(lineage) {
  const versions = (lineage?.entries || []).filter((e) => !e.is_query || lineage.entries.length > 1);
  if (versions.length < 2) return null;
  return h("section", { class: "lineage", "aria-labelledby": "lineage-title" },
    h("h2", { id: "lineage-title" }, "Lineage"),
    h("p", { class: "small" }, "Earlier and later versions of this wording, oldest first; changes against the earlier version are marked."),
    h("ol", { role: "list" }, versions.map((e) => h("li", { class: e.is_query ? "neighbour this" : "neighbour", dataset: { id: e.id } },
      h("p", { class: "neighbour-meta" },
        h("a", { class: "pid", href: `/passage/${encodeURIComponent(e.id)}` }, e.id),
        h("span", null, String(e.date)),
        h("span", null, `${e.matched_words} words shared, similarity ${Number(e.similarity).toFixed(2)}`)),
      h("p", { class: "passage-text" }, diffed(e))))));
}

function similarSection(similar) {
  if (!similar?.passages?.length) return null;
  return h("section", { class: "similar", "aria-labelledby": "similar-title" },
    h("h2", { id: "similar-title" }, "Similar passages"),
    h("ol", { role: "list" }, similar.passages.map((s) => h("li", { class: "neighbour", dataset: { id: s.id } },
      h("p", { class: "neighbour-meta" },
        h("a", { class: "pid", href: `/passage/${encodeURIComponent(s.id)}` }, s.id),
        h("span", null, s.date),
        h("span", null, s.tier === "wording" ? `${s.matched_words} words shared` : `shares ${s.shared_terms.join(", ")}`)),
      h("p", { class: "passage-text" }, s.text)))));
}

/** Renders the passage page for `ctx.url`. */
export async function render(ctx) {
  const id = decodeURIComponent(ctx.url.pathname.slice("/passage/".length));
  const opts = { signal: ctx.signal, onBuilding: ctx.building };
  const shown = FORMATS.filter(([f]) => f !== "json");
  const enc = encodeURIComponent(id);
  const [record, labels, lineage, similar, ...texts] = await Promise.all([
    api.passage(id, opts),
    api.labels(),
    api.get(`/api/trace/${enc}`, { signal: ctx.signal }).catch(() => null),
    api.get(`/api/similar/${enc}?limit=5`, { signal: ctx.signal }).catch(() => null),
    ...shown.map(([f]) => api.cite(id, f, opts).catch(() => null)),
  ]);
  const p = record.passage;
  const marks = lastHighlights.get(p.id);
  const text = marks && marks.text === p.text ? highlight(p.text, marks.highlights) : p.text;
  const before = record.before || [];
  const after = record.after || [];
  let previous = null;
  const around = (list) => list.map((n) => {
    const el = neighbour(n, previous);
    previous = n;
    return el;
  });
  const beforeEls = around(before);
  previous = p;
  const afterEls = around(after);
  const backLink = (history.state?.depth ?? 0) > 0
    ? h("button", { type: "button", class: "link-button", onclick: () => ctx.back() }, "← Back")
    : h("a", { href: "/" }, "← Search");
  const body = h("div", { class: "passage-page" },
    h("nav", { class: "crumbs", "aria-label": "Back" }, backLink),
    h("header", { class: "doc-head" },
      h("p", { class: "hit-meta" }, h("span", { class: "pid" }, p.id), p.kind !== "body" ? h("span", { class: "kind" }, kindName(p.kind)) : null,
        h("span", { class: "anchor", title: "Content anchor: stays the same when passage numbers shift" }, `anchor ${p.anchor}`)),
      h("h1", { id: "passage-title" }, p.title),
      byline(p)),
    h("section", { class: "context", "aria-label": "The passage in context" },
      beforeEls.length ? h("div", { class: "neighbours before" }, beforeEls) : null,
      h("article", { class: "focus-passage", "aria-labelledby": "passage-title", dataset: { id: p.id } },
        sectionChain(p.section),
        h("p", { class: "loc" }, locationParts(p).join(" · ")),
        h("p", { class: "passage-text" }, text),
        themeTags(p.themes, labels)),
      afterEls.length ? h("div", { class: "neighbours after" }, afterEls) : null),
    record.footnotes?.length
      ? h("section", { class: "footnotes", "aria-labelledby": "notes-title" },
        h("h2", { id: "notes-title" }, "Notes"),
        h("ol", { role: "list" }, record.footnotes.map((n) =>
          h("li", { dataset: { id: n.id } },
            h("span", { class: "note-label" }, n.label ? `${n.label}.` : "•"), " ",
            h("span", { class: "passage-text" }, n.text), " ",
            h("a", { href: `/passage/${encodeURIComponent(n.id)}`, class: "pid" }, n.id)))))
      : null,
    lineageSection(lineage),
    similarSection(similar),
    h("section", { class: "cite", "aria-labelledby": "cite-title" },
      h("h2", { id: "cite-title" }, "Cite this passage"),
      shown.map(([format, label], i) => citeBlock(p.id, format, label, texts[i], ctx)),
      citeBlock(p.id, "json", "JSON record", null, ctx)));
  ctx.commit(body, { title: `${p.id} — ${p.title} — normsearch`, announce: `Passage ${p.id} in context` });
}
