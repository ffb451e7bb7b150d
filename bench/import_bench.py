#!/usr/bin/env python3
"""Import benchmark: `polis import wikipedia-list` (parse, resolve every name against the
embedded gazetteer, merge, store in SQLite) beside the pandas + rapidfuzz matching people do
today, in one run.

Run from the repository root, after `cargo build --release -p polis` and the venv set-up in
tools/gazetteer/rapidfuzz_bench.py:
    bench/.venv/bin/python bench/import_bench.py [--runs 3] [--skip-python] [--data ../shared/data]
        [--baseline PATH]

polis: the median wall time of `--runs` imports, each into a fresh empty database, and of the
same import with --dry-run (resolution and merging without the database writes). Both with
the gazetteer's name index already in the cache directory (every run after a machine's
first), and, separately, the first run on a machine, which builds the index and writes it
to an empty cache directory.
With --baseline PATH (another build of polis, e.g. one of an earlier commit): the whole import
by both binaries, interleaved (baseline, new, baseline, new, ...) so that both see the same
machine load, each with its own warm index cache; prints both medians and their ratio.
Python: tools/gazetteer/rapidfuzz_bench.py, which times pandas + rapidfuzz matching the same
52,228 names (and the gazetteer's own resolution) in the same invocation. The ratio compares
the whole polis import with the Python matching alone, which does much less (no merging, no
storage, no report).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def polis_import(binary: Path, csv: Path, dry_run: bool, cache: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, POLIS_DB=str(Path(tmp) / "polis.db"), POLIS_CONFIG=str(Path(tmp) / "none.toml"),
                   POLIS_CACHE_DIR=str(cache))
        Path(tmp, "none.toml").write_text("")
        subprocess.run([str(binary), "init", "--empty"], env=env, check=True, capture_output=True)
        args = [str(binary), "import", "wikipedia-list", str(csv)] + (["--dry-run"] if dry_run else [])
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        return time.perf_counter() - start


def compare(baseline: Path, binary: Path, csv: Path, runs: int) -> None:
    """Times the whole import by both binaries, alternating, each with a warm cache of its own
    (the index file is named by a fingerprint of the build, so the two never share one)."""
    times: dict[str, list[float]] = {"baseline": [], "new": []}
    with tempfile.TemporaryDirectory() as baseline_cache, tempfile.TemporaryDirectory() as new_cache:
        binaries = {"baseline": (baseline, Path(baseline_cache)), "new": (binary, Path(new_cache))}
        for path, cache in binaries.values():
            polis_import(path, csv, True, cache)  # warms the cache
        for _ in range(runs):
            for name, (path, cache) in binaries.items():
                times[name].append(polis_import(path, csv, False, cache))
    old, new = statistics.median(times["baseline"]), statistics.median(times["new"])
    print(f"== baseline {baseline} vs {binary}: whole import, warm cache, interleaved ==")
    print(f"baseline median of {runs}: {old * 1000:.0f} ms")
    print(f"new      median of {runs}: {new * 1000:.0f} ms")
    print(f"new / baseline: {new / old:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-python", action="store_true", help="skip the pandas+rapidfuzz side (it takes minutes)")
    parser.add_argument("--baseline", type=Path, help="another polis binary, timed interleaved with this one")
    args = parser.parse_args()
    binary = REPO / "target" / "release" / "polis"
    csv = args.data / "wikipedia-twin-towns" / "twin_cities_raw.csv"
    if args.baseline is not None:
        compare(args.baseline, binary, csv, args.runs)
    cold = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as empty_cache:
            cold.append(polis_import(binary, csv, False, Path(empty_cache)))
    with tempfile.TemporaryDirectory() as warm_cache:
        polis_import(binary, csv, True, Path(warm_cache))
        full = statistics.median(polis_import(binary, csv, False, Path(warm_cache)) for _ in range(args.runs))
        dry = statistics.median(polis_import(binary, csv, True, Path(warm_cache)) for _ in range(args.runs))
    print("== polis import wikipedia-list (26,114 rows) ==")
    print(f"whole import into a fresh database, median of {args.runs}: {full * 1000:.0f} ms")
    print(f"--dry-run (parse, resolve, merge, validate; no writes), median of {args.runs}: {dry * 1000:.0f} ms")
    print(f"first run on a machine (builds and caches the gazetteer's name index), median of {args.runs}: "
          f"{statistics.median(cold) * 1000:.0f} ms")
    # The largest resident set of any polis process run so far (Linux reports KiB).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory of a polis process: {peak:.0f} MiB")
    if args.skip_python:
        return
    out = subprocess.run([sys.executable, str(REPO / "tools" / "gazetteer" / "rapidfuzz_bench.py"), "--runs", "3", "--data", str(args.data)],
                         check=True, capture_output=True, text=True).stdout
    print(out)
    match = re.search(r"resolve (\d+) names, median of \d+: (\d+) ms", out)
    if match:
        python_ms = float(match.group(2))
        print("== side by side ==")
        print(f"polis whole import {full * 1000:.0f} ms vs pandas+rapidfuzz matching alone {python_ms:.0f} ms: {python_ms / (full * 1000):.0f}x")


if __name__ == "__main__":
    main()
