#!/usr/bin/env python3
"""Measures how soon the page shows its first results, in headless Chromium.

Loads a results permalink N times in a fresh tab each time and reads the
page's own marks (`normsearch:render:1`, set when the first render is on
screen) and the resource timings of its API requests, through chromedriver's
WebDriver API (Python stdlib only). Prints the medians:

    first results on screen   navigation start -> first results in the DOM
    /api/search requested     navigation start -> the search request sent
    last API answer in        navigation start -> the last API answer the
                              first render waited for
    page only                 the page's own share: up to the request, and
                              from the last answer to the results on screen

With the development mock (web/dev/mock.py) the API time is the command
line's (one process per request), so `page only` is the number that speaks
for the page; against `normsearch serve`, the first line is the whole answer.

    python3 web/dev/measure.py http://127.0.0.1:7700 [--runs 20] [--query '"confidence-building measures"']
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1366,900"]


def wd(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())["value"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--query", default='"confidence-building measures"')
    opts = ap.parse_args()

    port = free_port()
    driver = subprocess.Popen([shutil.which("chromedriver") or "/usr/bin/chromedriver", f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    profile = tempfile.mkdtemp()
    s = None
    try:
        for _ in range(100):
            try:
                wd(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.05)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium") or "/usr/bin/chromium",
            "args": FLAGS + [f"--user-data-dir={profile}"]}}}}
        session = wd(base, "POST", "/session", caps)["sessionId"]
        s = f"/session/{session}"
        url = opts.server.rstrip("/") + "/?" + urllib.parse.urlencode({"q": opts.query})
        rows = []
        for i in range(opts.runs + 1):
            wd(base, "POST", f"{s}/url", {"url": "about:blank"})
            wd(base, "POST", f"{s}/url", {"url": url})
            for _ in range(200):
                t = wd(base, "POST", f"{s}/execute/sync", {"script": """
                    const r = performance.getEntriesByName('normsearch:render:1')[0];
                    const apis = performance.getEntriesByType('resource')
                      .filter((e) => e.name.includes('/api/'));
                    const search = apis.find((e) => e.name.includes('/api/search'));
                    if (!r || !search) return null;
                    const last = Math.max(...apis.filter((e) => e.responseEnd <= r.startTime).map((e) => e.responseEnd));
                    return [r.startTime, search.startTime, last];""", "args": []})
                if t:
                    break
                time.sleep(0.02)
            if i and t:  # the first load warms the caches
                rows.append(t)
    finally:
        if s:
            # Ending the session ends its Chromium; killing the driver alone would not.
            wd(base, "DELETE", s)
        driver.terminate()
        driver.wait()
        shutil.rmtree(profile, ignore_errors=True)

    med = lambda i: statistics.median(r[i] for r in rows)
    print(f"{len(rows)} loads of {url} (medians, ms from navigation start)")
    print(f"  first results on screen  {med(0):7.1f}")
    print(f"  /api/search requested    {med(1):7.1f}   (page and modules loaded)")
    print(f"  last API answer in       {med(2):7.1f}")
    print(f"  page only                {statistics.median(r[1] + (r[0] - r[2]) for r in rows):7.1f}   (before the request + after the answers)")


if __name__ == "__main__":
    main()
