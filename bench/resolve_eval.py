#!/usr/bin/env python3
"""Evaluation of name resolution on data polis has never been tuned on.

Reads the Wikidata P190 query results in ../shared/data/wikidata-eu-sistercities/sparql-data
(labels, country names and Wikidata's coordinates for both ends of each row), writes the
distinct (name, country) pairs to a CSV, runs `polis resolve --file CSV --json` on it, and
compares each confident answer with Wikidata's coordinates (right = within 30 km).

Countries are split into two halves by a hash of their name (deterministic): thresholds and
rules are tuned on the `tune` half and reported on the `report` half.

    python3 bench/resolve_eval.py [--polis target/release/polis] [--per-country] [--json OUT]
"""

import argparse
import csv
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

RIGHT_KM = 30.0
BANDS = [0.0, 0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001]


def half_of(country):
    """'tune' or 'report', by the parity of the first byte of the country's SHA-256."""
    digest = hashlib.sha256(country.strip().lower().encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def read_pairs(data_dir):
    """Distinct (name, country) -> (lat, lon) from both ends of every row."""
    pairs = {}
    folder = os.path.join(data_dir, "wikidata-eu-sistercities", "sparql-data")
    for file_name in sorted(os.listdir(folder)):
        if not file_name.endswith(".tsv"):
            continue
        with open(os.path.join(folder, file_name), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                ends = [
                    (row["origincityLabel"], row["origincountry"], row["originlat"], row["originlong"]),
                    (
                        row["sistercityLabel"],
                        row["destination_countryLabel"],
                        row["destinationlat"],
                        row["destinationlong"],
                    ),
                ]
                for name, country, lat, lon in ends:
                    name, country = name.strip(), country.strip()
                    if not name or not country or not lat or not lon:
                        continue
                    # Bare Wikidata ids are not names.
                    if name[0] == "Q" and name[1:].isdigit():
                        continue
                    try:
                        point = (float(lat), float(lon))
                    except ValueError:
                        continue
                    pairs.setdefault((name, country), point)
    return pairs


def run_polis(polis, pairs, coordinates=False):
    """`polis resolve --file` on the pairs; with `coordinates`, Wikidata's point of each name
    goes in `lat`/`lon` columns, as a user's file with coordinates would give them."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "country", "lat", "lon"] if coordinates else ["name", "country"])
        keys = sorted(pairs)
        for name, country in keys:
            if coordinates:
                lat, lon = pairs[(name, country)]
                writer.writerow([name, country, lat, lon])
            else:
                writer.writerow([name, country])
        path = f.name
    try:
        out = subprocess.run(
            [polis, "resolve", "--file", path, "--json"], check=True, capture_output=True
        ).stdout
    finally:
        os.unlink(path)
    rows = json.loads(out)
    if len(rows) != len(keys):
        sys.exit(f"polis answered {len(rows)} rows for {len(keys)} names")
    return list(zip(keys, rows))


def evaluate(answers, pairs):
    """Per-answer records: (country, half, confident, right, confidence or None)."""
    records = []
    for (name, country), row in answers:
        lat, lon = pairs[(name, country)]
        best = row.get("best")
        guess = best or row.get("best_guess")
        confidence = guess["confidence"] if guess else None
        right = False
        distance = None
        if guess and guess.get("lat") is not None and guess.get("lon") is not None:
            distance = haversine_km(lat, lon, guess["lat"], guess["lon"])
            right = distance <= RIGHT_KM
        records.append(
            {
                "name": name,
                "country": country,
                "half": half_of(country),
                "confident": best is not None,
                "right": right,
                "confidence": confidence,
                "ambiguous": bool(guess and guess.get("ambiguous_with")),
                "answer": guess and f"{guess['name']}, {guess['country']}",
                "level": guess and guess.get("level"),
                "population": guess and guess.get("population"),
                "distance_km": distance,
            }
        )
    return records


def summary(records):
    n = len(records)
    confident = [r for r in records if r["confident"]]
    right = sum(1 for r in confident if r["right"])
    wrong = len(confident) - right
    return {
        "names": n,
        "confident": len(confident),
        "confident_right": right,
        "confident_wrong": wrong,
        "coverage": right / n if n else 0.0,
        "precision": right / len(confident) if confident else 0.0,
        "wrong_share": wrong / len(confident) if confident else 0.0,
        "unresolved": n - len(confident),
        # Not confident because other places of the name are as good a match (issue 14).
        "ambiguous": sum(1 for r in records if r.get("ambiguous")),
    }


def reliability(records):
    table = []
    for low, high in zip(BANDS, BANDS[1:]):
        band = [r for r in records if r["confidence"] is not None and low <= r["confidence"] < high]
        n_right = sum(1 for r in band if r["right"])
        table.append(
            {
                "band": f"{low:.2f}–{min(high, 1.0):.2f}",
                "answers": len(band),
                "right": n_right,
                "share_right": n_right / len(band) if band else None,
            }
        )
    return table


def print_summary(label, s):
    print(
        f"{label:<10} {s['names']:>6} names  coverage {100 * s['coverage']:5.1f}%  "
        f"precision {100 * s['precision']:6.2f}%  confident-and-wrong {s['confident_wrong']:>4} "
        f"({100 * s['wrong_share']:.2f}%)  unresolved {s['unresolved']:>4} (ambiguous {s['ambiguous']:>4})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--polis", default=os.path.join(repo, "target", "release", "polis"))
    parser.add_argument("--data", default=os.path.join(repo, "..", "shared", "data"))
    parser.add_argument("--per-country", action="store_true", help="a line per country")
    parser.add_argument("--wrong", metavar="FILE", help="write the confident-and-wrong answers (TSV)")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument(
        "--coordinates",
        action="store_true",
        help="also give polis Wikidata's coordinates (lat/lon columns), as an import of the TSV does; "
        "partly circular (the same point chooses among namesakes and judges the answer), so it is "
        "reported apart from the name-and-country measure",
    )
    args = parser.parse_args()

    pairs = read_pairs(args.data)
    answers = run_polis(args.polis, pairs, args.coordinates)
    records = evaluate(answers, pairs)

    figures = {"overall": summary(records)}
    for half in ("tune", "report"):
        figures[half] = summary([r for r in records if r["half"] == half])
    given = "name, country and Wikidata's coordinates" if args.coordinates else "name and country"
    print(
        f"{len(records)} distinct (name, country) pairs, resolved from {given}; "
        f"right = within {RIGHT_KM:.0f} km of Wikidata"
    )
    for label in ("tune", "report", "overall"):
        print_summary(label, figures[label])

    for half in ("tune", "report"):
        print(f"\nreliability, {half} half (top candidate, confident or not):")
        print(f"  {'band':<12} {'answers':>8} {'right':>7} {'share right':>12}")
        table = reliability([r for r in records if r["half"] == half])
        figures[f"reliability_{half}"] = table
        for b in table:
            share = "" if b["share_right"] is None else f"{100 * b['share_right']:.1f}%"
            print(f"  {b['band']:<12} {b['answers']:>8} {b['right']:>7} {share:>12}")

    by_country = defaultdict(list)
    for r in records:
        by_country[r["country"]].append(r)
    figures["countries"] = {c: {"half": half_of(c), **summary(rs)} for c, rs in by_country.items()}
    if args.per_country:
        print("\nper country (with 20 or more names):")
        for country, rs in sorted(by_country.items(), key=lambda kv: -len(kv[1])):
            if len(rs) >= 20:
                print_summary(f"{country[:9]}", summary(rs))
    if args.wrong:
        with open(args.wrong, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t")
            writer.writerow(["half", "name", "country", "answer", "level", "population", "km", "confidence"])
            for r in records:
                if r["confident"] and not r["right"]:
                    km = "" if r["distance_km"] is None else f"{r['distance_km']:.0f}"
                    writer.writerow(
                        [r["half"], r["name"], r["country"], r["answer"], r["level"], r["population"], km, r["confidence"]]
                    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=1)


if __name__ == "__main__":
    main()
