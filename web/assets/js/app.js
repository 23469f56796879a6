// The page's shell: routes, history, rendering, focus, keyboard and the live region.
//
// Each route is a URL pattern and a view module with `render(ctx)`. A view
// fetches what it needs and calls `ctx.commit(node, …)` once, which replaces
// the content of <main> in one step. The URL is the state: navigation pushes a
// history entry and renders it; Back/Forward render the entry again and put
// focus and scroll back where they were. Views other than search load on first
// use, so the first results need only this file, dom.js, api.js, cite.js and
// views/search.js. A later view (a grid, a comparison, a timeline) is one more
// line in ROUTES and one more file in views/.

import { ApiError } from "./api.js";
import { h, isTyping } from "./dom.js";
import * as searchView from "./views/search.js";

/** The routes, first match wins: a path test and the view module (or its loader). */
const ROUTES = [
  { test: (path) => path === "/", view: () => searchView },
  { test: (path) => path.startsWith("/passage/"), view: () => import("./views/passage.js") },
  { test: (path) => path === "/themes", view: () => import("./views/themes.js") },
  { test: (path) => path === "/sources", view: () => import("./views/sources.js") },
  { test: (path) => path === "/grid", view: () => import("./views/grid.js") },
  { test: (path) => path === "/compare", view: () => import("./views/compare.js") },
];

const LOADING_DELAY_MS = 150;
const main = document.getElementById("main");
const liveRegion = document.getElementById("announce");
const form = document.getElementById("search-form");
const box = document.getElementById("q");
const wideQuery = window.matchMedia("(min-width: 56rem)");

let current = null; // { controller, serial }
let serial = 0;
const hook = (window.__normsearch ??= {});
hook.renders = 0;

/**
 * Says `text` through the polite live region. A repeated message gets a
 * trailing no-break space every other time, so the change is announced.
 */
function announce(text) {
  const same = text && liveRegion.textContent.replace(/\u00a0$/, "") === text;
  liveRegion.textContent = same && !liveRegion.textContent.endsWith("\u00a0") ? `${text}\u00a0` : text || "";
}

function saveEntry() {
  const active = document.activeElement;
  const focusId = active?.closest?.("[data-id]")?.dataset.id ?? null;
  history.replaceState({ ...(history.state || {}), focusId, scrollY: window.scrollY }, "");
}

/**
 * Goes to `href` (same origin): a new history entry unless `replace`.
 * `focus`: a selector to focus after rendering, or "keep" to leave focus
 * where it is (the search box after a search); default the page's heading.
 */
export function navigate(href, { replace = false, focus = null } = {}) {
  const url = new URL(href, location.href);
  const depth = (history.state?.depth ?? 0) + (replace ? 0 : 1);
  if (replace || url.href === location.href) {
    history.replaceState({ depth: history.state?.depth ?? 0 }, "", url);
  } else {
    saveEntry();
    history.pushState({ depth }, "", url);
  }
  return route({ focus });
}

/** Leaves the current page: Back when the previous entry is ours, else the search page. */
function back() {
  if ((history.state?.depth ?? 0) > 0) history.back();
  else navigate("/");
}

/** Replaces an empty page's content with a notice while its first answer is awaited. */
function placeholder(text) {
  const shown = main.querySelector(":scope > .notice");
  if (main.children.length && !shown) return;
  main.replaceChildren(h("p", { class: "notice" }, text));
}

function setBusy(on) {
  if (on) {
    main.setAttribute("aria-busy", "true");
    main.dataset.state = "loading";
    document.documentElement.classList.add("is-loading");
    placeholder("Loading…");
  } else {
    main.removeAttribute("aria-busy");
    document.documentElement.classList.remove("is-loading");
  }
}

/** Puts `q` in the search box (not while the user is typing a different one). */
function setQuery(q) {
  if (document.activeElement !== box || box.value.trim() === "") box.value = q;
  box.removeAttribute("aria-invalid");
}

/**
 * Focus after a render: back where it was for a history entry (`restore`),
 * untouched for "none" and "keep", the element `intent` selects, else the
 * page's heading (so a screen reader starts reading the new page).
 */
function focusAfter(intent, restore) {
  if (restore) {
    window.scrollTo(0, restore.scrollY || 0);
    const id = restore.focusId;
    const target = id ? main.querySelector(`a.hit-link[data-id="${CSS.escape(id)}"]`) || main.querySelector(`[data-id="${CSS.escape(id)}"]`) : null;
    if (target?.focus) {
      if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      return;
    }
    intent = "heading-only";
  }
  if (intent === "none" || intent === "keep") {
    if (intent === "keep") window.scrollTo(0, 0);
    return;
  }
  const el = intent && intent !== "heading-only" ? main.querySelector(intent) : null;
  if (el) {
    el.focus({ preventScroll: true });
    return;
  }
  if (!restore) window.scrollTo(0, 0);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

function errorView(err, url) {
  const q = url.searchParams.get("q") || "";
  const parts = [];
  if (err.kind === "bad-query" && err.column && q) {
    // The query with a caret under the column the server named (code points).
    const chars = Array.from(q);
    const col = Math.min(Math.max(err.column, 1), chars.length + 1);
    parts.push(h("pre", { class: "query-caret", "aria-hidden": "true" }, q, "\n", " ".repeat(col - 1) + "^"));
    box.setAttribute("aria-invalid", "true");
    if (document.activeElement === box) {
      const at = chars.slice(0, col - 1).join("").length;
      box.setSelectionRange(at, at);
    }
  }
  const titles = {
    "bad-query": "The query could not be read",
    "unknown-id": "No such passage",
    "not-found": "Not found",
    "too-large": "The request is too large",
    building: "The index is still being built",
    network: "The server cannot be reached",
  };
  const retry = ["network", "building", "http"].includes(err.kind)
    ? h("p", null, h("button", { type: "button", class: "button", onclick: () => route({ focus: "keep" }) }, "Try again"))
    : null;
  return h("section", { class: "error", "aria-labelledby": "error-title" },
    h("h1", { id: "error-title" }, titles[err.kind] || "Something went wrong"),
    h("p", { class: "error-message" }, err.message),
    ...parts,
    retry,
    h("p", null, h("a", { href: "/" }, "Start a new search")));
}

function notFoundView() {
  return h("section", { class: "error", "aria-labelledby": "error-title" },
    h("h1", { id: "error-title" }, "No such page"),
    h("p", null, "This address is not a page of normsearch. ", h("a", { href: "/" }, "Go to the search page.")));
}

/** Renders the current URL. `focus` as for navigate; `restore` a saved history entry. */
async function route({ focus = null, restore = null } = {}) {
  current?.controller.abort();
  const mine = { controller: new AbortController(), serial: ++serial };
  current = mine;
  const url = new URL(location.href);
  const busyTimer = setTimeout(() => setBusy(true), LOADING_DELAY_MS);
  const ctx = {
    url,
    signal: mine.controller.signal,
    announce,
    navigate,
    back,
    setQuery,
    wide: () => wideQuery.matches,
    building: (attempt) => {
      const notice = "The index is being built for the first time; the results follow when it is ready.";
      if (attempt === 1) announce(notice);
      setBusy(true);
      main.dataset.state = "building";
      placeholder(notice);
    },
    /** Replaces the page's content with `node`, once, unless a newer navigation started. */
    commit(node, { title, announce: said = "", state = "ready", focusBox = false } = {}) {
      if (mine !== current) return;
      clearTimeout(busyTimer);
      main.replaceChildren(node);
      setBusy(false);
      main.dataset.state = state;
      main.dataset.render = String(++hook.renders);
      // For measuring: time from navigation start to each render.
      performance.mark(`normsearch:render:${hook.renders}`);
      if (title) document.title = title;
      announce(said);
      if (focusBox && !restore) {
        window.scrollTo(0, 0);
        box.focus({ preventScroll: true });
      } else focusAfter(focus, restore);
    },
  };
  try {
    const match = ROUTES.find((r) => r.test(url.pathname));
    if (!match) {
      if (url.pathname !== "/") setQuery("");
      return ctx.commit(notFoundView(), { title: "Not found — normsearch", announce: "No such page", state: "error" });
    }
    const view = await match.view();
    await view.render(ctx);
  } catch (err) {
    if (err?.name === "AbortError" || mine !== current) return;
    const apiErr = err instanceof ApiError ? err : new ApiError(0, "internal", `the page failed: ${err?.message || err}`);
    if (!(err instanceof ApiError)) console.error(err);
    ctx.commit(errorView(apiErr, url), { title: "Error — normsearch", announce: apiErr.message, state: "error" });
    if (apiErr.kind === "bad-query") box.focus({ preventScroll: true });
  }
}

// The search form: a new query keeps the filters in force and starts at page 1.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = box.value.trim();
  const here = new URL(location.href);
  const state = here.pathname === "/" ? searchView.readState(here) : searchView.readState(new URL("/", location.href));
  navigate(searchView.searchHref({ ...state, q, offset: 0 }), { focus: "keep" });
});

// Same-origin links render in place; new tabs, downloads and other sites are left to the browser.
document.addEventListener("click", (event) => {
  closeMenus(event.target);
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest?.("a[href]");
  if (!link || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.href);
});

window.addEventListener("popstate", (event) => route({ restore: event.state || { scrollY: 0 } }));

/** Folds every open citation menu except the one holding `keep`. */
function closeMenus(keep) {
  for (const menu of document.querySelectorAll("details.cite-menu[open]")) {
    if (!menu.contains(keep)) menu.open = false;
  }
}

function hitLinks() {
  return [...main.querySelectorAll("a.hit-link")];
}

/** Moves focus `step` hits down (or up); from the search box, down goes to the first hit. */
function moveHit(step) {
  const links = hitLinks();
  if (!links.length) return false;
  const at = links.findIndex((a) => a.closest(".hit")?.contains(document.activeElement));
  let next = at === -1 ? (step > 0 ? 0 : links.length - 1) : at + step;
  if (next < 0) {
    box.focus();
    return true;
  }
  next = Math.min(next, links.length - 1);
  links[next].focus({ preventScroll: true });
  links[next].closest(".hit").scrollIntoView({ block: "nearest" });
  return true;
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = isTyping(event);
  if (event.key === "Escape") {
    const menu = document.activeElement?.closest?.("details[open]") || document.querySelector("details.cite-menu[open]");
    if (menu && menu.classList.contains("cite-menu")) {
      menu.open = false;
      menu.querySelector("summary").focus();
      event.preventDefault();
      return;
    }
    if (document.querySelector("dialog[open]")) return; // the dialog closes itself
    if (typing) {
      if (event.target === box && box.value === "") box.blur();
      return;
    }
    if (location.pathname !== "/") {
      event.preventDefault();
      back();
    } else if (main.contains(document.activeElement)) {
      event.preventDefault();
      box.focus();
    }
    return;
  }
  if (event.target === box && event.key === "ArrowDown") {
    if (moveHit(1)) event.preventDefault();
    return;
  }
  if (typing) return;
  if (event.key === "/") {
    event.preventDefault();
    box.focus();
    box.select();
    return;
  }
  const onHitOrPage = document.activeElement === document.body || main === document.activeElement
    || document.activeElement?.closest?.(".hit") || document.activeElement?.matches?.("h1");
  if (event.key === "j" || event.key === "k" || (onHitOrPage && (event.key === "ArrowDown" || event.key === "ArrowUp"))) {
    if (document.activeElement?.closest?.("details.cite-menu[open]")) return;
    if (moveHit(event.key === "j" || event.key === "ArrowDown" ? 1 : -1)) event.preventDefault();
  }
});

// The filters unfold when the window becomes wide and fold when it narrows.
wideQuery.addEventListener("change", (event) => {
  for (const d of document.querySelectorAll("details.facets-toggle")) d.open = event.matches;
});

history.scrollRestoration = "manual";
if (!history.state) history.replaceState({ depth: 0 }, "");
route({ focus: "none" });
