#!/usr/bin/env python3
"""The web UI's speed in a real browser, on the world dataset.

Builds a database (the reference dataset, the Wikipedia list and the Wikidata sister cities),
starts `polis serve` on it, and drives headless Chromium through chromedriver over the
WebDriver protocol (plain HTTP and JSON, so nothing to install beyond Debian's `chromium`
and `chromium-driver`). Prints, for each page, the first contentful paint and the
JavaScript it loads; for the map, the time until it has drawn its arcs (interactive) and the
median redraw time of a slider step (`window.polisMap.lastDrawMs`).

    cargo build --release -p polis
    python3 bench/ui_bench.py [--polis target/release/polis] [--data ../shared/data] [--runs 3]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PAGES = [
    ("map", "/"),
    ("map, Prague selected", "/?place=cz-prague"),
    ("dossier", "/places/cz-prague"),
    ("tie", "/ties/cn-beijing--cz-prague"),
    ("explorer, a path", "/explore?from=prague-city-hall&to=cefc-china-energy"),
    ("dashboard", "/dashboard"),
    ("search", "/search?q=Praha"),
]

CHROME_ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
]


def repository_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_polis():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(repository_root(), "target"))
    return os.path.join(target, "release", "polis")


class WebDriver:
    """The few WebDriver commands the benchmark needs, over chromedriver's HTTP API."""

    def __init__(self, chromedriver, chromium, profile):
        self.process = subprocess.Popen(
            [chromedriver, "--port=0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        port = None
        for line in self.process.stdout:
            found = re.search(r"started successfully on port (\d+)", line)
            if found:
                port = int(found.group(1))
                break
        if port is None:
            sys.exit("chromedriver did not say which port it listens on")
        # Keep draining chromedriver's output so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        self.base = f"http://127.0.0.1:{port}"
        capabilities = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": CHROME_ARGUMENTS + [f"--user-data-dir={profile}"],
                    },
                }
            }
        }
        self.session = self.call("POST", "/session", capabilities)["sessionId"]
        self.call("POST", f"/session/{self.session}/timeouts", {"script": 300_000, "pageLoad": 300_000})

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=600) as answer:
            return json.load(answer)["value"]

    def goto(self, url):
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def run(self, script, *arguments):
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(arguments)})

    def run_async(self, script, *arguments):
        return self.call("POST", f"/session/{self.session}/execute/async", {"script": script, "args": list(arguments)})

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.process.terminate()
            self.process.wait()


def polis_command(polis, directory, *arguments):
    environment = dict(os.environ)
    environment.update(
        POLIS_DB=os.path.join(directory, "polis.db"),
        POLIS_CONFIG=os.path.join(directory, "polis.toml"),
        POLIS_CACHE_DIR=os.path.join(directory, "cache"),
    )
    environment.pop("POLIS_LOG", None)
    return [polis, *arguments], environment


def build_world(polis, data, directory):
    open(os.path.join(directory, "polis.toml"), "w").close()
    for arguments in (
        ["init"],
        ["import", "wikipedia-list", os.path.join(data, "wikipedia-twin-towns/twin_cities_raw.csv")],
        ["import", "wikidata-tsv", os.path.join(data, "wikidata-eu-sistercities/sistercities.tsv")],
    ):
        command, environment = polis_command(polis, directory, *arguments)
        subprocess.run(command, env=environment, check=True, stdout=subprocess.DEVNULL)


def start_server(polis, directory):
    command, environment = polis_command(
        polis, directory, "serve", "--addr", "127.0.0.1:0", "--rate-per-second", "0"
    )
    server = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    if not url.startswith("http://"):
        server.terminate()
        sys.exit(f"polis serve printed {url!r} where its URL was expected")
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    return server, url.rstrip("/")


# Paint timings are reported asynchronously, after the load event at times: wait for the
# first contentful paint (up to 5 s) before reading it.
PAGE_FIGURES = """
const done = arguments[arguments.length - 1];
function report(paint) {
  const navigation = performance.getEntriesByType('navigation')[0];
  const scripts = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script');
  done({
    first_paint_ms: paint ? paint.startTime : null,
    dom_content_loaded_ms: navigation ? navigation.domContentLoadedEventEnd : null,
    load_ms: navigation ? navigation.loadEventEnd : null,
    n_scripts: scripts.length,
    script_bytes_decoded: scripts.reduce((sum, e) => sum + e.decodedBodySize, 0),
    script_bytes_transferred: scripts.reduce((sum, e) => sum + e.transferSize, 0),
  });
}
const started = performance.now();
(function poll() {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  if (paint || performance.now() - started > 5000) { report(paint); } else { setTimeout(poll, 20); }
})();
"""

# Resolves with the milliseconds since navigation when the map has drawn its arcs.
MAP_INTERACTIVE = """
const done = arguments[arguments.length - 1];
(function poll() {
  if (window.polisMap && window.polisMap.drawnArcs > 0) {
    done({ ms: performance.now(), arcs: window.polisMap.drawnArcs });
  } else {
    setTimeout(poll, 5);
  }
})();
"""

SLIDER_STEPS = """
const slider = document.querySelector('input#year-slider');
const first = Number(slider.min), last = Number(slider.max);
const timings = [];
for (let year = first; year <= last; year += 1) {
  slider.value = String(year);
  slider.dispatchEvent(new Event('input', { bubbles: true }));
  timings.push({ year, ms: window.polisMap.lastDrawMs, arcs: window.polisMap.drawnArcs });
}
return timings;
"""


def wait_loaded(driver):
    for _ in range(6000):
        if driver.run("return document.readyState") == "complete":
            return
        time.sleep(0.05)
    sys.exit("the page did not finish loading")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polis", default=default_polis())
    parser.add_argument("--data", default=os.path.join(repository_root(), "..", "shared", "data"))
    parser.add_argument("--runs", type=int, default=3, help="visits of each page (median)")
    arguments = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        sys.exit("needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver)")
    if not os.path.exists(arguments.polis):
        sys.exit(f"no binary at {arguments.polis}: cargo build --release -p polis")

    with tempfile.TemporaryDirectory() as directory:
        started = time.monotonic()
        build_world(arguments.polis, arguments.data, directory)
        print(f"world database built in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        server, base = start_server(arguments.polis, directory)
        print(f"polis serve listening after {time.monotonic() - started:.1f} s on {base}/")
        driver = WebDriver(chromedriver, chromium, os.path.join(directory, "profile"))
        try:
            print()
            # JS KiB (sent) is what the network carried on the page's first visit: 0 where
            # every script was already cached (immutable, content-hashed names).
            # "first visit" is the page's first paint on its first visit, when the server
            # computes what it caches per snapshot (the map layer, the dashboard's numbers).
            print(f"{'page':<28} {'first visit ms':>15} {'first paint ms':>15} {'DOM ready ms':>13} {'scripts':>8} {'JS KiB (decoded)':>17} {'JS KiB (sent)':>14}")
            for name, path in PAGES:
                figures = []
                for _ in range(arguments.runs):
                    driver.goto("about:blank")
                    driver.goto(base + path)
                    wait_loaded(driver)
                    figures.append(driver.run_async(PAGE_FIGURES))
                paints = [f["first_paint_ms"] for f in figures if f["first_paint_ms"] is not None]
                paint = f"{statistics.median(paints):.0f}" if paints else "none"
                ready = statistics.median(f["dom_content_loaded_ms"] or 0 for f in figures)
                # The first visit loads every script; later ones may come from the cache.
                first = figures[0]
                first_paint = first["first_paint_ms"]
                first_visit = f"{first_paint:.0f}" if first_paint is not None else "none"
                print(
                    f"{name:<28} {first_visit:>15} {paint:>15} {ready:>13.0f} {first['n_scripts']:>8} "
                    f"{first['script_bytes_decoded'] / 1024:>17.1f} {first['script_bytes_transferred'] / 1024:>14.1f}"
                )

            interactive = []
            for _ in range(arguments.runs):
                driver.goto("about:blank")
                driver.goto(base + "/")
                interactive.append(driver.run_async(MAP_INTERACTIVE))
            print()
            print(
                f"map time to interactive (arcs drawn), median of {arguments.runs}: "
                f"{statistics.median(i['ms'] for i in interactive):.0f} ms "
                f"({interactive[0]['arcs']} arcs)"
            )
            steps = driver.run(SLIDER_STEPS)
            timings = [step["ms"] for step in steps if step["ms"] is not None]
            if timings:
                print(
                    f"slider step redraw (window.polisMap.lastDrawMs), median over {len(timings)} years "
                    f"{steps[0]['year']}-{steps[-1]['year']}: {statistics.median(timings):.1f} ms "
                    f"(max {max(timings):.1f} ms; {steps[0]['arcs']} arcs at {steps[0]['year']}, "
                    f"{steps[-1]['arcs']} at {steps[-1]['year']})"
                )
        finally:
            driver.quit()
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
