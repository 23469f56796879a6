// The JSON API of `normsearch serve`, as the page calls it.
//
// Every call takes an AbortSignal (a newer navigation cancels the older
// request) and fails with an ApiError that carries the server's error record
// (`{"error": {"kind", "message", "column"?}}`) or, when the server could not
// be reached or answered something else, a kind of our own ("network", "http").
// While the index is being built for the first time the server answers 503
// `building`; calls wait and try again for up to a minute.

/** An error answer: `status` (0 when unreachable), `kind`, `message`, `column`. */
export class ApiError extends Error {
  constructor(status, kind, message, column) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.kind = kind;
    this.column = Number.isInteger(column) ? column : null;
  }
}

const BUILD_RETRY_MS = 1000;
const BUILD_RETRY_MAX = 60;

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

async function errorOf(res) {
  let record = null;
  try {
    record = (await res.json())?.error;
  } catch {
    // Not JSON: a proxy's page or an older server. Fall through to the status.
  }
  if (record && typeof record.message === "string") {
    return new ApiError(res.status, String(record.kind || "error"), record.message, record.column);
  }
  return new ApiError(res.status, "http", `the server answered ${res.status} ${res.statusText}`.trim());
}

/**
 * GETs `path` and returns the parsed JSON (or text when `as` is "text").
 * `onBuilding(attempt)` is called before each wait while the index is built.
 */
export async function get(path, { signal, as = "json", onBuilding } = {}) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await fetch(path, { signal, headers: { Accept: as === "json" ? "application/json" : "text/plain" } });
    } catch (err) {
      if (err?.name === "AbortError") throw err;
      throw new ApiError(0, "network", "the normsearch server could not be reached: is `normsearch serve` still running?");
    }
    if (res.ok) return as === "json" ? res.json() : res.text();
    const err = await errorOf(res);
    if (res.status === 503 && err.kind === "building" && attempt < BUILD_RETRY_MAX) {
      onBuilding?.(attempt);
      await sleep(BUILD_RETRY_MS, signal);
      continue;
    }
    throw err;
  }
}

/** The query string of the API's search for the page's search state. */
export function searchQuery(state, { limit, facets = true } = {}) {
  const p = new URLSearchParams();
  p.set("q", state.q);
  for (const s of state.source) p.append("source", s);
  for (const t of state.theme) p.append("theme", t);
  if (state.year) p.set("year", state.year);
  if (state.kind) p.set("kind", state.kind);
  if (state.exact) p.set("exact", "true");
  if (state.sort) p.set("sort", state.sort);
  if (limit) p.set("limit", String(limit));
  if (state.offset) p.set("offset", String(state.offset));
  if (facets) p.set("facets", "1");
  return p.toString();
}

/** `GET /api/search`: hits, total, facets. */
export function search(state, opts) {
  return get(`/api/search?${searchQuery(state, opts)}`, opts);
}

/** `GET /api/passages/{id}`: a passage in context. */
export function passage(id, opts) {
  return get(`/api/passages/${encodeURIComponent(id)}`, opts);
}

/** `GET /api/cite/{id}?format=F`: the citation as text (or the object for "json"). */
export function cite(id, format, opts = {}) {
  const as = format === "json" ? "json" : "text";
  return get(`/api/cite/${encodeURIComponent(id)}?format=${encodeURIComponent(format)}`, { ...opts, as });
}

// The documents and themes change only with a rebuild: one request per page load.
let sourcesOnce = null;
let themesOnce = null;

/** `GET /api/sources`, once per page load (a failure is retried next time). */
export function sources() {
  sourcesOnce ??= get("/api/sources").catch((err) => {
    sourcesOnce = null;
    throw err;
  });
  return sourcesOnce;
}

/** `GET /api/themes`, once per page load (a failure is retried next time). */
export function themes() {
  themesOnce ??= get("/api/themes").catch((err) => {
    themesOnce = null;
    throw err;
  });
  return themesOnce;
}

/** Maps of id → record for the documents and the themes; empty maps when unavailable. */
export async function labels() {
  const [docs, ths] = await Promise.all([sources().catch(() => []), themes().catch(() => [])]);
  return {
    docs: new Map((Array.isArray(docs) ? docs : []).map((d) => [d.id, d])),
    themes: new Map((Array.isArray(ths) ? ths : []).map((t) => [t.id, t])),
  };
}
