// The comparison: `/compare?q=&theme=&source=&year=&kind=`, one row per
// document, oldest first, with its best passage, from `/api/compare` (the
// object of `normsearch compare --json`). The URL holds the options: a
// permalink.

import * as api from "../api.js";
import { h, plural } from "../dom.js";
import { KINDS, optionsForm } from "./options.js";

const OPTIONS = ["q", "theme", "source", "year", "kind", "exact"];

/** Renders the comparison page. */
export async function render(ctx) {
  const opts = { signal: ctx.signal, onBuilding: ctx.building };
  const params = ctx.url.searchParams;
  const themes = await api.get("/api/themes", opts).catch(() => []);
  const form = optionsForm(ctx, "/compare", [
    { name: "q", label: "Wording", type: "search", placeholder: "e.g. critical infrastructure" },
    { name: "theme", label: "Theme", options: [["", "Any theme"], ...themes.map((t) => [t.id, t.parent ? `— ${t.label}` : t.label])] },
    { name: "year", label: "Years", placeholder: "2011..2016" },
    { name: "kind", label: "Kind", options: KINDS },
    { name: "exact", label: "Exact words", type: "checkbox" },
  ], ["source"]);
  if (!params.get("q") && !params.get("theme")) {
    const body = h("section", { class: "compare-page", "aria-labelledby": "compare-title" },
      h("h1", { id: "compare-title" }, "Compare the sources"),
      h("p", { class: "lede" }, "What does each document say on a question? Give a wording, a theme or both: each document's best passage is shown, oldest first, with its citation."),
      form);
    ctx.commit(body, { title: "Compare — normsearch" });
    return;
  }
  const p = new URLSearchParams();
  for (const k of OPTIONS) for (const v of params.getAll(k)) p.append(k, v);
  const c = await api.get(`/api/compare?${p}`, opts);
  const what = [c.query ? `“${c.query}”` : null, c.theme ? `theme ${c.theme}` : null].filter(Boolean).join(" on ");
  const body = h("section", { class: "compare-page", "aria-labelledby": "compare-title" },
    h("h1", { id: "compare-title" }, `How each source words ${what}`),
    h("p", { class: "lede" }, `${plural(c.rows.length, "document", "documents")} with a match, oldest first${c.silent?.length ? `; none in ${c.silent.join(", ")}` : ""}.`),
    form,
    h("ol", { class: "compare-rows", role: "list" }, c.rows.map((r) => h("li", { class: "hit", dataset: { id: r.best.id } },
      h("p", { class: "hit-meta" },
        h("a", { class: "pid", href: `/passage/${encodeURIComponent(r.best.id)}` }, r.best.id),
        h("span", null, `${r.date} · ${r.issuer}`),
        r.count > 1 ? h("span", null, `${plural(r.count - 1, "more passage", "more passages")}`) : null),
      h("p", { class: "passage-text" }, r.best.text),
      h("p", { class: "small" }, r.citation || "")))));
  ctx.commit(body, { title: `Compare ${what} — normsearch`, announce: `${plural(c.rows.length, "document", "documents")}` });
}
