#!/usr/bin/env python3
"""Evaluation of name resolution on data polis has never been tuned on.

Reads the Wikidata P190 query results in ../shared/data/wikidata-eu-sistercities/sparql-data
(labels, country names and Wikidata's coordinates for both ends of each row), writes the
distinct (name, country) pairs to a CSV, runs `polis resolve --file CSV --json` on it, and
compares each confident answer with Wikidata's coordinates (right = within 30 km).

Two criteria are reported side by side. `30 km`: the answer's point lies within 30 km of
Wikidata's. `inside`: the same, or the answer is an administrative unit (a province, a
county) or a town with a same-named second-level unit (a municipality, a borough) and
Wikidata's point lies inside that unit. There are no polygons: a point is inside a unit when
the gazetteer place nearest to it belongs to the unit (see `inside_unit`). A unit's
reference point is a median of its places and says nothing of its extent; Zhejiang is right
for a point 150 km from that median, and Inari for a point 40 km from its village.

Countries are split into two halves by a hash of their name (deterministic): thresholds and
rules are tuned on the `tune` half and reported on the `report` half.

    python3 bench/resolve_eval.py [--polis target/release/polis] [--per-country] [--json OUT]
        [--wrong FILE] [--coordinates] [--population] [--criterion inside|30km]
"""

import argparse
import csv
import gzip
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


class Gazetteer:
    """The places and units of polis's embedded gazetteer (the same file the crate embeds),
    read for one question: which units a point lies in."""

    CELL = 0.25

    def __init__(self, path):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = f.read().split("\n")
        if not lines[0].startswith("V\t"):
            sys.exit(f"{path}: not a gazetteer file")
        i = 2 + int(lines[1].split("\t")[1])
        n_regions = int(lines[i].split("\t")[1])
        i += 1
        # (country, level, name, parent index)
        self.regions = []
        for line in lines[i : i + n_regions]:
            f = line.split("\t")
            self.regions.append((f[0], f[1], f[5], int(f[3]) if f[3] else None))
        i += n_regions
        header = lines[i].split("\t")
        n_places, scale = int(header[1]), float(header[2])
        i += 1
        columns = {}
        for _ in range(9):
            name = lines[i].split("\t")[1]
            columns[name] = lines[i + 1 : i + 1 + n_places]
            i += 1 + n_places

        def undelta(values):
            out, previous = [], 0
            for v in values:
                if v == "":
                    out.append(None)
                else:
                    previous += int(v)
                    out.append(previous / scale)
            return out

        def unit(v):
            return int(v) if v else None

        self.admin1 = [unit(v) for v in columns["admin1_region"]]
        self.admin2 = [unit(v) for v in columns["admin2_region"]]
        self.grid = defaultdict(list)
        for k, (lat, lon) in enumerate(zip(undelta(columns["lat_delta"]), undelta(columns["lon_delta"]))):
            if lat is not None and lon is not None:
                self.grid[(math.floor(lat / self.CELL), math.floor(lon / self.CELL))].append((lat, lon, k))
        self.by_name = defaultdict(list)
        for r, (country, level, name, parent) in enumerate(self.regions):
            self.by_name[(country, level, name)].append(r)

    def nearest_place(self, lat, lon, max_rings=8):
        """Index of the gazetteer place nearest to the point (within about two degrees)."""
        ci, cj = math.floor(lat / self.CELL), math.floor(lon / self.CELL)
        best = None
        for ring in range(max_rings + 1):
            for di in range(-ring, ring + 1):
                for dj in range(-ring, ring + 1):
                    if max(abs(di), abs(dj)) != ring:
                        continue
                    for plat, plon, k in self.grid.get((ci + di, cj + dj), ()):
                        d = haversine_km(lat, lon, plat, plon)
                        if best is None or d < best[0]:
                            best = (d, k)
            # Every place in a further ring lies at least `ring` cells away.
            if best is not None and best[0] < ring * self.CELL * 111.0 * math.cos(math.radians(min(abs(lat), 89))):
                break
        return None if best is None else best[1]

    def units_of(self, answer):
        """The unit indices an answer names: the unit itself for a region or county answer,
        the same-named second-level unit for a town (Solihull in the borough of Solihull)."""
        country, level = answer.get("country"), answer.get("level")
        if level == "region":
            return self.by_name.get((country, "region", answer.get("name")), [])
        parent = answer.get("admin1")

        def in_parent(units):
            # The unit of that name in the answer's first-level unit, not a namesake elsewhere.
            return [
                u
                for u in units
                if parent is None or self.regions[u][3] is None or self.regions[self.regions[u][3]][2] == parent
            ]

        if level == "county":
            return in_parent(self.by_name.get((country, "county", answer.get("admin2") or answer.get("name")), []))
        if level in ("city", "municipality") and answer.get("admin2"):
            if fold_simple(answer["admin2"]) == fold_simple(answer.get("name") or ""):
                return in_parent(self.by_name.get((country, "county", answer["admin2"]), []))
        return []

    def inside_unit(self, answer, lat, lon):
        """Whether the point lies in the unit the answer names: the gazetteer place nearest to
        the point belongs to it (its first- or second-level unit, or a unit inside it)."""
        units = set(self.units_of(answer))
        if not units:
            return False
        k = self.nearest_place(lat, lon)
        if k is None:
            return False
        held = {self.admin1[k], self.admin2[k]}
        a2 = self.admin2[k]
        if a2 is not None and self.regions[a2][3] is not None:
            held.add(self.regions[a2][3])
        return bool(units & held)


def fold_simple(text):
    """Lower case without diacritics, for comparing a town's name with its unit's."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def read_pairs(data_dir, populations=None):
    """Distinct (name, country) -> (lat, lon) from both ends of every row. With a dict for
    `populations`, it gets (name, country) -> the population of the same row that gave the
    point (a label some rows use for two places keeps one row's point and count)."""
    pairs = {}
    folder = os.path.join(data_dir, "wikidata-eu-sistercities", "sparql-data")
    for file_name in sorted(os.listdir(folder)):
        if not file_name.endswith(".tsv"):
            continue
        with open(os.path.join(folder, file_name), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                ends = [
                    (
                        row["origincityLabel"],
                        row["origincountry"],
                        row["originlat"],
                        row["originlong"],
                        row["originpopulation"],
                    ),
                    (
                        row["sistercityLabel"],
                        row["destination_countryLabel"],
                        row["destinationlat"],
                        row["destinationlong"],
                        row["destinationpopulation"],
                    ),
                ]
                for name, country, lat, lon, population in ends:
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
                    if (name, country) in pairs:
                        continue
                    pairs[(name, country)] = point
                    if populations is not None:
                        try:
                            count = round(float(population))
                        except ValueError:
                            count = 0
                        if count > 0:
                            populations[(name, country)] = count
    return pairs


def run_polis(polis, pairs, coordinates=False, populations=None):
    """`polis resolve --file` on the pairs; with `coordinates`, Wikidata's point of each name
    goes in `lat`/`lon` columns, as a user's file with coordinates would give them; with
    `populations`, Wikidata's count (where it has one) in a `population` column."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        header = ["name", "country"]
        if coordinates:
            header += ["lat", "lon"]
        if populations is not None:
            header.append("population")
        writer.writerow(header)
        keys = sorted(pairs)
        for name, country in keys:
            row = [name, country]
            if coordinates:
                row += list(pairs[(name, country)])
            if populations is not None:
                row.append(populations.get((name, country), ""))
            writer.writerow(row)
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


def evaluate(answers, pairs, gazetteer=None):
    """Per-answer records. `right_km`: within 30 km of Wikidata; `right_inside`: that, or
    Wikidata's point lies inside the unit the answer names (see `Gazetteer.inside_unit`)."""
    records = []
    for (name, country), row in answers:
        lat, lon = pairs[(name, country)]
        best = row.get("best")
        guess = best or row.get("best_guess")
        confidence = guess["confidence"] if guess else None
        right_km = False
        distance = None
        if guess and guess.get("lat") is not None and guess.get("lon") is not None:
            distance = haversine_km(lat, lon, guess["lat"], guess["lon"])
            right_km = distance <= RIGHT_KM
        inside = bool(guess and not right_km and gazetteer and gazetteer.inside_unit(guess, lat, lon))
        records.append(
            {
                "name": name,
                "country": country,
                "half": half_of(country),
                "confident": best is not None,
                "right_km": right_km,
                "right_inside": right_km or inside,
                "right": right_km or inside,
                "confidence": confidence,
                "ambiguous": bool(guess and guess.get("ambiguous_with")),
                "answer": guess and f"{guess['name']}, {guess['country']}",
                "level": guess and guess.get("level"),
                "population": guess and guess.get("population"),
                "distance_km": distance,
            }
        )
    return records


def with_criterion(records, criterion):
    """The records with `right` by one criterion: `inside` or `30km`."""
    key = "right_inside" if criterion == "inside" else "right_km"
    return [{**r, "right": r[key]} for r in records]


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
    parser.add_argument(
        "--population",
        action="store_true",
        help="also give polis Wikidata's population of each name (a `population` column, empty where "
        "Wikidata has none), as an import of the TSV does; not circular (a count chooses, the point "
        "judges), but more than the name-and-country measure, so reported apart from it",
    )
    parser.add_argument(
        "--criterion",
        choices=("inside", "30km"),
        default="inside",
        help="what counts as right in the reliability, per-country and --wrong output (both are always summarised)",
    )
    parser.add_argument(
        "--gazetteer",
        default=os.path.join(repo, "crates", "polis-gazetteer", "data", "gazetteer.tsv.gz"),
        help="the gazetteer data file, for the `inside` criterion",
    )
    args = parser.parse_args()

    populations = {} if args.population else None
    pairs = read_pairs(args.data, populations)
    answers = run_polis(args.polis, pairs, args.coordinates, populations)
    gazetteer = Gazetteer(args.gazetteer)
    both = evaluate(answers, pairs, gazetteer)
    records = with_criterion(both, args.criterion)

    figures = {"criterion": args.criterion, "overall": summary(records)}
    for half in ("tune", "report"):
        figures[half] = summary([r for r in records if r["half"] == half])
    given = "name and country"
    if args.coordinates:
        given += ", Wikidata's coordinates"
    if args.population:
        given += f", Wikidata's population ({len(populations)} names have one)"
    print(f"{len(records)} distinct (name, country) pairs, resolved from {given}")
    for criterion, meaning in (
        ("30km", f"right = within {RIGHT_KM:.0f} km of Wikidata"),
        ("inside", f"right = within {RIGHT_KM:.0f} km, or Wikidata's point inside the unit answered"),
    ):
        judged = with_criterion(both, criterion)
        figures[f"by_{criterion}"] = {}
        print(f"\n{meaning}:")
        for label in ("tune", "report", "overall"):
            part = judged if label == "overall" else [r for r in judged if r["half"] == label]
            figures[f"by_{criterion}"][label] = summary(part)
            print_summary(label, summary(part))
    print(f"\n(the tables below: criterion {args.criterion})")

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
