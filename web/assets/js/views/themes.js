// The themes page: `/themes`, the taxonomy with passage counts per document.
//
// From `/api/themes` (the records of `normsearch themes --json`) and
// `/api/sources` (for the column order and the documents' titles). Each
// count links to the search for that theme in that document.

import * as api from "../api.js";
import { h, plural } from "../dom.js";

function countCell(n, href, label) {
  if (!n) return h("td", { class: "num zero" }, h("span", { "aria-hidden": "true" }, "–"), h("span", { class: "visually-hidden" }, "none"));
  return h("td", { class: "num" }, h("a", { href, "aria-label": label }, n.toLocaleString("en")));
}

/** Renders the themes page. */
export async function render(ctx) {
  const opts = { signal: ctx.signal, onBuilding: ctx.building };
  const [themes, docs] = await Promise.all([api.get("/api/themes", opts), api.sources().catch(() => [])]);
  const docIds = docs.length ? docs.map((d) => d.id) : [...new Set(themes.flatMap((t) => Object.keys(t.documents || {})))];
  const titles = new Map(docs.map((d) => [d.id, d.title]));
  const search = (theme, doc) => {
    const p = new URLSearchParams({ q: `theme:${theme}` });
    if (doc) p.append("source", doc);
    return `/?${p}`;
  };
  const rows = themes.map((t) => {
    const child = Boolean(t.parent);
    return h("tr", { class: child ? "child" : "pillar", dataset: { id: t.id } },
      h("th", { scope: "row" },
        h("span", { class: "theme-label" }, t.label),
        h("code", { class: "theme-id" }, t.id)),
      countCell(t.passages, search(t.id), `${plural(t.passages || 0, "passage", "passages")} on ${t.label}`),
      docIds.map((d) => countCell(t.documents?.[d], search(t.id, d), `${plural(t.documents?.[d] || 0, "passage", "passages")} on ${t.label} in ${d}`)));
  });
  const body = h("section", { class: "themes-page", "aria-labelledby": "themes-title" },
    h("h1", { id: "themes-title" }, "Themes"),
    h("p", { class: "lede" }, `Every passage is tagged with the themes of the field. ${plural(themes.length, "theme", "themes")}; a pillar counts its sub-themes' passages too. Choose a count to read those passages.`),
    h("div", { class: "table-wrap", role: "region", "aria-labelledby": "themes-title", tabindex: "0" },
      h("table", { class: "grid" },
        h("thead", null, h("tr", null,
          h("th", { scope: "col" }, "Theme"),
          h("th", { scope: "col", class: "num" }, "All"),
          docIds.map((d) => h("th", { scope: "col", class: "num doc-col", title: titles.get(d) || d }, h("span", null, d))))),
        h("tbody", null, rows))));
  ctx.commit(body, { title: "Themes — normsearch", announce: `${plural(themes.length, "theme", "themes")}` });
}
