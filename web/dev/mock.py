#!/usr/bin/env python3
"""A development stand-in for `normsearch serve`: serves the web page from
`web/` and answers the JSON API from the real command line's `--json` output.

It exists so the page can be built and tested in a real browser against real
records before the HTTP server exists. It is not the server: it shells out to
the `normsearch` binary once per request, serves only `web/index.html` and
`web/assets/`, and never anything under `web/dev/`.

Usage (from the repository root):

    python3 web/dev/mock.py [--bind 127.0.0.1] [--port 7700] \
        [--binary target/release/normsearch] [--corpus corpus] \
        [--index /tmp/normsearch-mock-index] [--delay-ms 0] [--building-secs 0]

`--port 0` picks a free port. The first line on stdout is always
`listening on http://HOST:PORT/`, so a test can start it and read the port.
`--delay-ms` slows every API answer (to look at the loading state);
`--building-secs` answers 503 `building` for that long after start (to look at
the first-build state).

The API follows the contract the server will implement:

    GET /api/search?q=&source=&theme=&year=&kind=&exact=&sort=&limit=&offset=&facets=1
    GET /api/passages/{id}
    GET /api/cite/{id}?format=plain|chicago|bibtex|json
    GET /api/sources
    GET /api/themes
    GET /healthz

Errors are `{"error": {"kind": ..., "message": ..., "column": N?}}` with the
status the server will use. The `year` and `kind` facets, which the command
line does not count yet, are counted here from every hit of the same search.
"""

import argparse
import json
import mimetypes
import os
import re
import subprocess
import sys
import threading
import time
import tomllib
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent
REPO = WEB.parent
# The page's own routes: each answers with index.html, the app renders it.
PAGE_ROUTES = re.compile(r"^/(|themes|sources|passage/[^/]+)$")
# The longest query string the server will accept (414 past it).
MAX_QUERY = 4096
MAX_LIMIT = 100


class ApiError(Exception):
    """An error answer: status, kind and message (and a column for a query)."""

    def __init__(self, status, kind, message, column=None):
        super().__init__(message)
        self.status, self.kind, self.message, self.column = status, kind, message, column

    def body(self):
        err = {"kind": self.kind, "message": self.message}
        if self.column is not None:
            err["column"] = self.column
        return {"error": err}


def classify(message, lookup):
    """Maps a command-line error line to the API's error kind and status."""
    m = re.search(r"query error at column (\d+)", message)
    if m:
        return ApiError(400, "bad-query", message, int(m.group(1)))
    if message.startswith("no passage"):
        return ApiError(404, "not-found", message)
    if message.startswith("unknown document") or message.startswith("unknown passage"):
        return ApiError(404 if lookup else 400, "unknown-id" if lookup else "bad-query", message)
    return ApiError(400, "bad-query", message)


class Cli:
    """Runs the normsearch binary on one corpus and index."""

    def __init__(self, binary, corpus, index):
        self.base = [str(binary), "--corpus", str(corpus), "--index", str(index)]
        self.corpus = Path(corpus)
        self._sources = None
        self._lock = threading.Lock()

    def run(self, args, lookup=False):
        """The command's stdout; exit 1 (nothing found) is an answer too."""
        proc = subprocess.run(self.base + args, capture_output=True, text=True)
        if proc.returncode in (0, 1):
            return proc.stdout
        lines = [l for l in proc.stderr.splitlines() if l.startswith("normsearch: error: ")]
        message = lines[-1][len("normsearch: error: "):] if lines else proc.stderr.strip()
        raise classify(message, lookup)

    def json(self, args, lookup=False):
        return json.loads(self.run(args, lookup))

    def sources(self):
        """The documents of corpus.toml with their passage counts (cached)."""
        with self._lock:
            if self._sources is None:
                manifest = tomllib.loads((self.corpus / "corpus.toml").read_text("utf-8"))
                counts = {}
                for line in self.run(["passages", "--json"]).splitlines():
                    if line.strip():
                        doc = json.loads(line)["doc"]
                        counts[doc] = counts.get(doc, 0) + 1
                self._sources = [
                    {
                        "id": d["id"],
                        "title": d["title"],
                        "issuer": d["issuer"],
                        "date": str(d["date"]),
                        "kind": d["kind"],
                        "language": d.get("language"),
                        "passages": counts.get(d["id"], 0),
                    }
                    for d in manifest.get("document", [])
                ]
            return self._sources


def search(cli, params):
    """`normsearch search QUERY --json --facets` for the API's parameters."""
    q = params.get("q", [""])[0]
    if not q.strip():
        raise ApiError(400, "bad-query", 'query error at column 1: empty query: type words, a "quoted phrase" or field:value', 1)
    args = ["search", "--json"]
    for name in ("source", "theme"):
        for value in params.get(name, []):
            if value:
                args += ["--" + name, value]
    for name in ("year", "kind", "sort"):
        value = params.get(name, [""])[0]
        if value:
            args += ["--" + name, value]
    if params.get("exact", ["false"])[0] in ("1", "true"):
        args.append("--exact")
    for name, default in (("limit", 10), ("offset", 0)):
        raw = params.get(name, [str(default)])[0] or str(default)
        if not raw.isdigit():
            raise ApiError(400, "bad-query", f"{name}: `{raw}` is not a number")
        value = int(raw)
        if name == "limit" and not 1 <= value <= MAX_LIMIT:
            raise ApiError(400, "bad-query", f"limit: {value} is out of range: give 1 to {MAX_LIMIT}")
        args += ["--" + name, str(value)]
    facets = params.get("facets", ["0"])[0] in ("1", "true")
    if facets:
        args.append("--facets")
    # `--` so a query starting with `-` (an exclusion) is not read as an option.
    answer = cli.json(args + ["--", q])
    if facets:
        answer["facets"].update(year_and_kind(cli, args, q, answer["total"]))
    else:
        answer["facets"] = {"source": {}, "theme": {}, "year": {}, "kind": {}}
    return answer


def year_and_kind(cli, args, q, total):
    """Counts per year and per passage kind over every hit of the search."""
    years, kinds = {}, {}
    if total:
        every = [a for a in args if a != "--facets"]
        i = every.index("--limit")
        every[i + 1] = str(max(total, 1))
        i = every.index("--offset")
        every[i + 1] = "0"
        for hit in cli.json(every + ["--", q])["hits"]:
            year = hit["date"][:4]
            years[year] = years.get(year, 0) + 1
            kinds[hit["kind"]] = kinds.get(hit["kind"], 0) + 1
    return {"year": dict(sorted(years.items())), "kind": kinds}


class Handler(BaseHTTPRequestHandler):
    server_version = "normsearch-mock"
    cli = None
    delay = 0.0
    building_until = 0.0

    def log_message(self, fmt, *args):
        if os.environ.get("NORMSEARCH_MOCK_LOG"):
            sys.stderr.write("mock: " + (fmt % args) + "\n")

    def send(self, status, body, ctype):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, value):
        self.send(status, json.dumps(value, ensure_ascii=False), "application/json; charset=utf-8")

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if len(self.path) > MAX_QUERY:
            return self.send_json(414, ApiError(414, "too-large", f"the request line is longer than {MAX_QUERY} bytes: shorten the query").body())
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if path.startswith("/api/") or path == "/healthz":
            return self.api(path, params)
        if PAGE_ROUTES.match(path):
            return self.static(WEB / "index.html")
        if path.startswith("/assets/"):
            target = (WEB / path.lstrip("/")).resolve()
            if (WEB / "assets") in target.parents and target.is_file():
                return self.static(target)
        self.send(404, "not found\n", "text/plain; charset=utf-8")

    def static(self, file):
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
            ctype += "; charset=utf-8"
        self.send(200, file.read_bytes(), ctype)

    def api(self, path, params):
        if self.delay:
            time.sleep(self.delay)
        try:
            if path == "/healthz":
                return self.send(200, "ok\n", "text/plain; charset=utf-8")
            if time.monotonic() < self.building_until:
                raise ApiError(503, "building", "the index is being built for the first time: try again in a moment")
            if path == "/api/search":
                return self.send_json(200, search(self.cli, params))
            m = re.fullmatch(r"/api/passages/([^/]+)", path)
            if m:
                return self.send_json(200, self.cli.json(["show", "--json", "--", m.group(1)], lookup=True))
            m = re.fullmatch(r"/api/cite/([^/]+)", path)
            if m:
                fmt = params.get("format", ["plain"])[0] or "plain"
                if fmt not in ("plain", "chicago", "bibtex", "json"):
                    raise ApiError(400, "bad-query", f"format: `{fmt}` is not a citation format: give plain, chicago, bibtex or json")
                out = self.cli.run(["cite", "--format", fmt, "--", m.group(1)], lookup=True)
                if fmt == "json":
                    return self.send(200, out, "application/json; charset=utf-8")
                return self.send(200, out, "text/plain; charset=utf-8")
            if path == "/api/sources":
                return self.send_json(200, self.cli.sources())
            if path == "/api/themes":
                lines = self.cli.run(["themes", "--json"]).splitlines()
                return self.send_json(200, [json.loads(l) for l in lines if l.strip()])
            raise ApiError(404, "not-found", f"no API route {path}")
        except ApiError as err:
            self.send_json(err.status, err.body())


def default_binary():
    for profile in ("release", "debug"):
        candidate = REPO / "target" / profile / "normsearch"
        if candidate.is_file():
            return candidate
    return Path("normsearch")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7700)
    ap.add_argument("--binary", default=os.environ.get("NORMSEARCH_BIN") or default_binary())
    ap.add_argument("--corpus", default=REPO / "corpus")
    ap.add_argument("--index", default=Path(os.environ.get("TMPDIR", "/tmp")) / "normsearch-mock-index")
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--building-secs", type=float, default=0)
    opts = ap.parse_args()

    Handler.cli = Cli(opts.binary, opts.corpus, opts.index)
    if not Path(opts.index).exists():
        # Built before serving, so the page's first parallel requests do not
        # all start a build.
        Handler.cli.run(["index"])
    Handler.delay = opts.delay_ms / 1000
    Handler.building_until = time.monotonic() + opts.building_secs
    server = ThreadingHTTPServer((opts.bind, opts.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
