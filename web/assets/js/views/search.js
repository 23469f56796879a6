// The search page: `/?q=…&source=…&theme=…&year=…&kind=…&exact=…&sort=…&offset=…`.
//
// The URL is the whole state, so every result page is a permalink and
// Back/Forward replay it. One `/api/search` request per URL, rendered once:
// hits as the terminal prints them (document, date, section chain, label,
// page, source lines, themes, the text with its matches marked), facets whose
// counts follow the query, and pages of PAGE_SIZE hits.

import * as api from "../api.js";
import { citeMenu } from "../cite.js";
import { byline, frag, h, highlight, kindName, locationParts, plural, sectionChain } from "../dom.js";

export const PAGE_SIZE = 20;

/** The text and highlights of the hits last shown, by id: a passage opened from a hit marks the same words. */
export const lastHighlights = new Map();

/** The search state of a URL. */
export function readState(url) {
  const p = url.searchParams;
  const offset = Number.parseInt(p.get("offset") || "0", 10);
  return {
    q: p.get("q") || "",
    source: unique(p.getAll("source")),
    theme: unique(p.getAll("theme")),
    year: p.get("year") || "",
    kind: p.get("kind") || "",
    exact: ["1", "true"].includes(p.get("exact") || ""),
    sort: p.get("sort") === "date" ? "date" : "",
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}

function unique(values) {
  return [...new Set(values.filter(Boolean))];
}

/** The page URL (path and query) of a search state. */
export function searchHref(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const s of state.source) p.append("source", s);
  for (const t of state.theme) p.append("theme", t);
  if (state.year) p.set("year", state.year);
  if (state.kind) p.set("kind", state.kind);
  if (state.exact) p.set("exact", "true");
  if (state.sort) p.set("sort", state.sort);
  if (state.offset) p.set("offset", String(state.offset));
  const qs = p.toString();
  return qs ? `/?${qs}` : "/";
}

/** `state` with `changes` applied and the page reset to the first. */
function withChanges(state, changes) {
  return { ...state, offset: 0, ...changes };
}

function toggle(list, value) {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

const FACETS = [
  { key: "source", legend: "Document", multi: true },
  { key: "theme", legend: "Theme", multi: true },
  { key: "year", legend: "Year", multi: false },
  { key: "kind", legend: "Kind of passage", multi: false },
];

/** The label and the secondary line of a facet value. */
function facetLabel(key, value, labels) {
  if (key === "source") {
    const doc = labels.docs.get(value);
    return [value, doc ? `${doc.title}` : null];
  }
  if (key === "theme") {
    const theme = labels.themes.get(value);
    return theme ? [theme.label, value] : [value, null];
  }
  if (key === "kind") return [kindName(value), null];
  return [value, null];
}

function isSelected(state, key, value) {
  return FACETS.find((f) => f.key === key).multi ? state[key].includes(value) : state[key] === value;
}

function selectedValues(state, key) {
  const v = state[key];
  return Array.isArray(v) ? v : v ? [v] : [];
}

function facetGroup(facet, counts, state, labels, ctx) {
  const values = new Map(Object.entries(counts || {}));
  // A chosen value stays listed (checked) even when it no longer counts a hit,
  // so it can be cleared where it was set.
  for (const v of selectedValues(state, facet.key)) if (!values.has(v)) values.set(v, null);
  if (values.size === 0) return null;
  let entries = [...values.entries()];
  if (facet.key === "year") entries.sort((a, b) => b[0].localeCompare(a[0]));
  else entries.sort((a, b) => (b[1] ?? -1) - (a[1] ?? -1) || a[0].localeCompare(b[0]));
  const items = entries.map(([value, count]) => {
    const [label, detail] = facetLabel(facet.key, value, labels);
    const checked = isSelected(state, facet.key, value);
    const change = facet.multi
      ? { [facet.key]: toggle(state[facet.key], value) }
      : { [facet.key]: checked ? "" : value };
    const href = searchHref(withChanges(state, change));
    const input = h("input", {
      type: "checkbox",
      checked,
      dataset: { facet: facet.key, value },
      onchange: () => ctx.navigate(href, { focus: `input[data-facet="${facet.key}"][data-value="${CSS.escape(value)}"]` }),
    });
    return h("li", null,
      h("label", { class: "facet-value", title: detail || label },
        input,
        h("span", { class: "facet-name" }, h("span", null, label), detail ? h("span", { class: "facet-detail" }, detail) : null),
        h("span", { class: "count" }, count === null ? "–" : count.toLocaleString("en"),
          h("span", { class: "visually-hidden" }, count === 1 ? " passage" : " passages")),
      ));
  });
  return h("fieldset", { class: "facet", dataset: { facet: facet.key } },
    h("legend", null, facet.legend),
    h("ul", { role: "list" }, items));
}

function facetsPanel(result, state, labels, ctx) {
  const groups = FACETS.map((f) => facetGroup(f, result.facets?.[f.key], state, labels, ctx)).filter(Boolean);
  if (!groups.length) return null;
  const active = FACETS.reduce((n, f) => n + selectedValues(state, f.key).length, 0);
  // Wide screens show the filters; a phone starts with them folded (app.js
  // unfolds them when the window widens).
  const details = h("details", { class: "facets-toggle", open: ctx.wide() },
    h("summary", null, "Filters", active ? h("span", { class: "badge" }, ` ${active} active`) : null),
    groups);
  return h("aside", { class: "facets", "aria-label": "Filters" }, details);
}

function activeFilters(state, labels) {
  const chips = [];
  for (const f of FACETS) {
    for (const value of selectedValues(state, f.key)) {
      const change = f.multi ? { [f.key]: state[f.key].filter((v) => v !== value) } : { [f.key]: "" };
      const [label] = facetLabel(f.key, value, labels);
      chips.push(h("li", null, h("a", { class: "chip", href: searchHref(withChanges(state, change)) },
        h("span", { class: "chip-key" }, `${f.legend}: `), label,
        h("span", { "aria-hidden": "true", class: "chip-x" }, " ×"),
        h("span", { class: "visually-hidden" }, " (remove this filter)"))));
    }
  }
  if (state.exact) {
    chips.push(h("li", null, h("a", { class: "chip", href: searchHref(withChanges(state, { exact: false })) },
      "Exact words", h("span", { "aria-hidden": "true", class: "chip-x" }, " ×"),
      h("span", { class: "visually-hidden" }, " (remove)"))));
  }
  if (!chips.length) return null;
  return h("ul", { class: "chips", "aria-label": "Active filters" }, chips);
}

function toolbar(state, ctx) {
  const sort = h("select", { id: "sort", onchange: (e) => ctx.navigate(searchHref(withChanges(state, { sort: e.target.value })), { focus: "#sort" }) },
    h("option", { value: "", selected: !state.sort }, "Relevance"),
    h("option", { value: "date", selected: state.sort === "date" }, "Newest document first"));
  const exact = h("input", {
    type: "checkbox", id: "exact", checked: state.exact,
    onchange: (e) => ctx.navigate(searchHref(withChanges(state, { exact: e.target.checked })), { focus: "#exact" }),
  });
  return h("div", { class: "toolbar" },
    h("label", { class: "inline" }, exact, " Exact words",
      h("span", { class: "hint" }, " (no stemming, spellings or acronyms)")),
    h("label", { class: "inline", for: "sort" }, "Sort ", sort));
}

function summaryText(result, state, shown) {
  const total = result.total;
  const approx = result.total_exact === false;
  const count = approx ? `At least ${plural(total, "passage", "passages")} match` : total === 1 ? "1 passage matches" : `${plural(total, "passage", "passages")} match`;
  if (!total) return "No passage matches";
  if (!shown || (state.offset === 0 && shown >= total && !approx)) return count;
  return `${count}; showing ${state.offset + 1}–${state.offset + shown}`;
}

/** One hit, as the terminal prints it. */
export function hitView(hit, state, labels, ctx) {
  const href = `/passage/${encodeURIComponent(hit.id)}`;
  const titleId = `hit-${hit.rank}-title`;
  const themes = (hit.themes || []).map((t) => {
    const label = labels.themes.get(t)?.label || t;
    const inFilter = state.theme.includes(t);
    return h("li", null, h("a", {
      class: "tag",
      href: searchHref(withChanges(state, { theme: inFilter ? state.theme : [...state.theme, t] })),
      title: `Only passages on ${label}`,
    }, label));
  });
  const loc = locationParts(hit);
  return h("li", { class: "hit", dataset: { id: hit.id, rank: String(hit.rank) } },
    h("article", { "aria-labelledby": titleId },
      h("p", { class: "hit-meta" },
        h("span", { class: "rank" }, `${hit.rank}.`), " ",
        h("span", { class: "pid" }, hit.id),
        hit.kind !== "body" ? h("span", { class: "kind" }, kindName(hit.kind)) : null,
        hit.score > 0 ? h("span", { class: "score" }, `score ${hit.score.toFixed(2)}`) : null),
      h("h2", { class: "hit-title", id: titleId },
        h("a", { class: "hit-link", href, dataset: { id: hit.id } }, hit.title)),
      byline(hit),
      sectionChain(hit.section),
      loc.length ? h("p", { class: "loc" }, loc.join(" · ")) : null,
      h("p", { class: "text passage-text" }, highlight(hit.text || "", hit.highlights)),
      h("div", { class: "hit-foot" },
        themes.length ? h("ul", { class: "tags", "aria-label": "Themes" }, themes) : null,
        h("div", { class: "actions" },
          h("a", { class: "button", href }, "In context", h("span", { class: "visually-hidden" }, `: ${hit.id}`)),
          citeMenu(hit.id, ctx.announce)))));
}

function pager(result, state, shown) {
  if (state.offset === 0 && shown >= result.total) return null;
  const prev = state.offset > 0 ? searchHref({ ...state, offset: Math.max(0, state.offset - PAGE_SIZE) }) : null;
  const next = state.offset + shown < result.total ? searchHref({ ...state, offset: state.offset + PAGE_SIZE }) : null;
  const pages = Math.ceil(result.total / PAGE_SIZE);
  const page = Math.floor(state.offset / PAGE_SIZE) + 1;
  return h("nav", { class: "pager", "aria-label": "Result pages" },
    prev ? h("a", { class: "button", href: prev, rel: "prev" }, "← Previous") : h("span"),
    h("span", { class: "page-of" }, result.total_exact === false ? `page ${page}` : `page ${page} of ${pages}`),
    next ? h("a", { class: "button", href: next, rel: "next" }, "Next →") : h("span"));
}

const EXAMPLES = [
  ['"confidence-building measures"', "a phrase, also found as CBMs"],
  ["sovereignty", "one word, in any of its forms"],
  ["critical infrastructure theme:norms", "words within one theme"],
  ["attribution year:2014..2017", "words within a range of years"],
  ["behavior -military", "US and UK spellings alike, leaving a word out"],
];

const SYNTAX = [
  ["norms of behaviour", "passages ranked by how many of the words they hold"],
  ['"exact phrase"', 'the phrase; "norms behaviour"~2 lets the words move by two'],
  ["+must -not", "must hold / must not hold"],
  ["a AND b, a OR b, NOT a, ( … )", "Boolean logic (operators in capitals)"],
  ["source:ID, theme:ID, year:2011..2016, kind:footnote", "filters inside the query"],
  ["sovereign*", "prefix"],
  ["cyberspase~1", "fuzzy, for OCR slips"],
];

async function welcome(state, ctx) {
  const docs = await api.sources().catch(() => null);
  const filterNote = activeFilters(state, await api.labels());
  const corpus = Array.isArray(docs)
    ? h("p", { class: "lede" }, `${plural(docs.length, "document", "documents")}, ${plural(docs.reduce((n, d) => n + (d.passages || 0), 0), "passage", "passages")}. `,
      h("a", { href: "/sources" }, "See the documents"), " or ", h("a", { href: "/themes" }, "browse the themes"), ".")
    : null;
  return frag(
    h("section", { class: "welcome", "aria-labelledby": "welcome-title" },
      h("h1", { id: "welcome-title" }, "Search the texts of cyber norms"),
      h("p", { class: "lede" }, "National cyber strategies, state submissions to the UN, expert-group reports and academic chapters, searched word for word. Every hit is a passage with its document, section, page and source lines, and a citation to paste."),
      corpus,
      filterNote ? h("div", null, h("p", null, "Type a query to search within these filters:"), filterNote) : null,
      h("h2", null, "Try"),
      h("ul", { class: "examples" }, EXAMPLES.map(([q, what]) =>
        h("li", null, h("a", { href: searchHref({ ...state, q, offset: 0 }) }, h("code", null, q)), h("span", null, ` — ${what}`)))),
      h("h2", null, "Query syntax"),
      h("table", { class: "syntax" },
        h("caption", { class: "visually-hidden" }, "Query syntax"),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Form"), h("th", { scope: "col" }, "Meaning"))),
        h("tbody", null, SYNTAX.map(([form, meaning]) => h("tr", null, h("td", null, h("code", null, form)), h("td", null, meaning))))),
      h("p", { class: "hint" }, "Keys: ", h("kbd", null, "/"), " search · ", h("kbd", null, "j"), " ", h("kbd", null, "k"), " or arrows move between hits · ",
        h("kbd", null, "Enter"), " opens · ", h("kbd", null, "Esc"), " goes back")));
}

function noHits(result, state, labels) {
  const chips = activeFilters(state, labels);
  return h("div", { class: "empty" },
    h("p", null, "Nothing in the corpus holds ", h("q", null, state.q), chips ? " with these filters." : "."),
    h("ul", null,
      chips ? h("li", null, "Remove a filter: ", chips) : null,
      h("li", null, "Use fewer words, or a prefix such as ", h("code", null, "sovereign*"), "."),
      state.exact ? h("li", null, "Turn off ", h("em", null, "Exact words"), " to match other forms and spellings.") : null,
      h("li", null, "Check the spelling, or allow a slip with ", h("code", null, "word~1"), ".")));
}

/** Renders the search page for `ctx.url` (see app.js for `ctx`). */
export async function render(ctx) {
  const state = readState(ctx.url);
  ctx.setQuery(state.q);
  if (!state.q.trim()) {
    const body = await welcome(state, ctx);
    return ctx.commit(body, { title: "normsearch", announce: "", state: "idle", focusBox: true });
  }
  const [result, labels] = await Promise.all([
    api.search(state, { limit: PAGE_SIZE, signal: ctx.signal, onBuilding: ctx.building }),
    api.labels(),
  ]);
  const hits = Array.isArray(result.hits) ? result.hits : [];
  lastHighlights.clear();
  for (const hit of hits) lastHighlights.set(hit.id, { text: hit.text, highlights: hit.highlights });
  const summary = summaryText(result, state, hits.length);
  const took = typeof result.took_ms === "number" ? ` (${result.took_ms.toFixed(1)} ms)` : "";
  const head = h("div", { class: "results-head" },
    h("h1", { class: "count", id: "results-title", tabindex: "-1" }, summary, h("span", { class: "took" }, took)),
    activeFilters(state, labels),
    toolbar(state, ctx));
  const list = hits.length
    ? h("ol", { class: "hits", "aria-labelledby": "results-title", start: String(state.offset + 1) }, hits.map((hit) => hitView(hit, state, labels, ctx)))
    : result.total > 0
      ? h("p", { class: "empty" }, "No more hits on this page. ", h("a", { href: searchHref({ ...state, offset: 0 }) }, "Back to the first page"))
      : noHits(result, state, labels);
  const body = h("div", { class: "search-layout" },
    facetsPanel(result, state, labels, ctx),
    h("section", { class: "results", "aria-labelledby": "results-title" }, head, list, pager(result, state, hits.length)));
  return ctx.commit(body, {
    title: `${state.q} — normsearch`,
    announce: summary,
    state: hits.length ? "ready" : "empty",
  });
}
