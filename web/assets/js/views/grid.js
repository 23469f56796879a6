// The grid: `/grid?q=&by=&themes=&source=&year=&kind=`, a heat map of the
// passages each document (or group) has on each theme, from `/api/grid`
// (the object of `normsearch grid --json`). A cell shows its best passage's
// words on focus and links to the search for that theme in that row; the
// passage id links to the passage. The URL holds the options: a permalink.

import * as api from "../api.js";
import { h, plural } from "../dom.js";
import { KINDS, optionsForm } from "./options.js";

const OPTIONS = ["q", "by", "themes", "source", "year", "kind", "exact"];

/** The search for `theme` in the documents of `row`. */
function searchFor(theme, row, q) {
  const p = new URLSearchParams();
  p.set("q", q ? `(${q}) theme:${theme}` : `theme:${theme}`);
  for (const d of row.documents || [row.id]) p.append("source", d);
  return `/?${p}`;
}

/** The comparison of the documents of the grid on `theme`. */
function compareFor(theme, q) {
  const p = new URLSearchParams();
  if (q) p.set("q", q);
  p.set("theme", theme);
  return `/compare?${p}`;
}

const ROWS = [["document", "Document"], ["issuer", "Issuer"], ["country", "Country"], ["year", "Year"], ["kind", "Kind of document"]];

/** Renders the grid page. */
export async function render(ctx) {
  const p = new URLSearchParams();
  for (const k of OPTIONS) for (const v of ctx.url.searchParams.getAll(k)) p.append(k, v);
  const grid = await api.get(`/api/grid?${p}`, { signal: ctx.signal, onBuilding: ctx.building });
  const q = ctx.url.searchParams.get("q") || "";
  const themes = grid.theme_details || grid.themes.map((id) => ({ id, label: id }));
  const rows = grid.row_details || grid.rows.map((id) => ({ id, label: id }));
  const max = Math.max(1, ...grid.cells.map((c) => c.count));
  const cells = new Map(grid.cells.map((c) => [`${c.doc}\u0000${c.theme}`, c]));
  const body = h("section", { class: "themes-page grid-page", "aria-labelledby": "grid-title" },
    h("h1", { id: "grid-title" }, "What each source says"),
    h("p", { class: "lede" }, `${plural(grid.passages ?? 0, "passage", "passages")} counted${q ? ` matching “${q}”` : ""}. Each cell counts a row's passages on a theme; choose a count to read them, › for the strongest one, or a theme's “compare” to read each document's best passage on it side by side.`),
    optionsForm(ctx, "/grid", [
      { name: "q", label: "Passages matching", type: "search", placeholder: "any passage" },
      { name: "by", label: "Rows", options: ROWS, default: "document" },
      { name: "themes", label: "Themes", options: [["", "Pillars"], ["all", "Every theme"]] },
      { name: "year", label: "Years", placeholder: "2011..2016" },
      { name: "kind", label: "Kind", options: KINDS },
      { name: "exact", label: "Exact words", type: "checkbox" },
    ], ["source"]),
    h("div", { class: "table-wrap", role: "region", "aria-labelledby": "grid-title", tabindex: "0" },
      h("table", { class: "grid heat" },
        h("thead", null, h("tr", null,
          h("th", { scope: "col" }, grid.by && grid.by !== "document" ? grid.by : "Document"),
          themes.map((t) => h("th", { scope: "col", class: "num", title: t.id }, t.label || t.id,
            h("a", { class: "small compare-link", href: compareFor(t.id, q), "aria-label": `Compare the documents on ${t.label || t.id}` }, "compare"))))),
        h("tbody", null, rows.map((r) => h("tr", { dataset: { id: r.id } },
          h("th", { scope: "row", title: r.label }, r.id),
          themes.map((t) => {
            const c = cells.get(`${r.id}\u0000${t.id}`);
            if (!c || !c.count) return h("td", { class: "num zero" }, "–");
            const shade = Math.round(15 + 60 * (c.count / max));
            return h("td", { class: "num heat-cell", style: { background: `color-mix(in srgb, var(--accent, #2463eb) ${shade}%, transparent)` }, title: c.best?.text || "" },
              h("a", { href: searchFor(t.id, r, q), "aria-label": `${plural(c.count, "passage", "passages")} on ${t.label || t.id} in ${r.id}` }, c.count.toLocaleString("en")),
              c.best ? h("a", { class: "pid small", href: `/passage/${encodeURIComponent(c.best.id)}`, title: `Strongest passage: ${c.best.text}` }, " ›") : null);
          })))))));
  ctx.commit(body, { title: "Grid — normsearch", announce: `${plural(rows.length, "row", "rows")} by ${plural(themes.length, "theme", "themes")}` });
}
