// The comparison: `/compare?q=&theme=&source=&year=&kind=`, one row per
// document, oldest first, with its best passage, from `/api/compare` (the
// object of `normsearch compare --json`). The URL holds the options: a
// permalink.

import * as api from "../api.js";
import { h, plural } from "../dom.js";

const OPTIONS = ["q", "theme", "source", "year", "kind", "exact"];

/** Renders the comparison page. */
export async function render(ctx) {
  const p = new URLSearchParams();
  for (const k of OPTIONS) for (const v of ctx.url.searchParams.getAll(k)) p.append(k, v);
  const c = await api.get(`/api/compare?${p}`, { signal: ctx.signal, onBuilding: ctx.building });
  const what = [c.query ? `“${c.query}”` : null, c.theme ? `theme ${c.theme}` : null].filter(Boolean).join(" on ");
  const body = h("section", { class: "compare-page", "aria-labelledby": "compare-title" },
    h("h1", { id: "compare-title" }, `How each source words ${what}`),
    h("p", { class: "lede" }, `${plural(c.rows.length, "document", "documents")} with a match, oldest first${c.silent?.length ? `; none in ${c.silent.join(", ")}` : ""}.`),
    h("ol", { class: "compare-rows", role: "list" }, c.rows.map((r) => h("li", { class: "hit", dataset: { id: r.best.id } },
      h("p", { class: "hit-meta" },
        h("a", { class: "pid", href: `/passage/${encodeURIComponent(r.best.id)}` }, r.best.id),
        h("span", null, `${r.date} · ${r.issuer}`),
        r.count > 1 ? h("span", null, `${plural(r.count - 1, "more passage", "more passages")}`) : null),
      h("p", { class: "passage-text" }, r.best.text),
      h("p", { class: "small" }, r.citation || "")))));
  ctx.commit(body, { title: `Compare ${what} — normsearch`, announce: `${plural(c.rows.length, "document", "documents")}` });
}
