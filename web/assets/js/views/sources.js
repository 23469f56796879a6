// The documents page: `/sources`, every document of the corpus with its metadata.
//
// From `/api/sources`. Each document links to a search limited to it.

import * as api from "../api.js";
import { byline, h, plural } from "../dom.js";

/** Renders the documents page. */
export async function render(ctx) {
  const docs = await api.get("/api/sources", { signal: ctx.signal, onBuilding: ctx.building });
  const total = docs.reduce((n, d) => n + (d.passages || 0), 0);
  const body = h("section", { class: "sources-page", "aria-labelledby": "sources-title" },
    h("h1", { id: "sources-title" }, "Documents"),
    h("p", { class: "lede" }, `${plural(docs.length, "document", "documents")}, ${plural(total, "passage", "passages")}.`),
    h("ol", { class: "docs", role: "list" }, docs.map((d) =>
      h("li", { class: "doc", dataset: { id: d.id } },
        h("h2", null, d.title),
        byline(d),
        h("dl", { class: "doc-facts" },
          h("div", null, h("dt", null, "id"), h("dd", null, h("code", null, d.id))),
          h("div", null, h("dt", null, "kind"), h("dd", null, d.kind)),
          d.language ? h("div", null, h("dt", null, "language"), h("dd", null, d.language)) : null,
          h("div", null, h("dt", null, "passages"), h("dd", null, String(d.passages ?? "–")))),
        h("p", null, h("a", { href: `/?source=${encodeURIComponent(d.id)}`, class: "button small" }, "Search in this document"))))));
  ctx.commit(body, { title: "Documents — normsearch", announce: `${plural(docs.length, "document", "documents")}` });
}
