#!/usr/bin/env bash
# Regenerates docs/cases.md from real runs of polis on the reference dataset (and, for the
# last section, on the real lists in ../shared/data). Run from the repository root:
#   cargo build --release -p polis && bash docs/make-cases.sh
set -euo pipefail
P="$PWD/target/release/polis"
TMP="$(mktemp -d)"
export POLIS_DB="$TMP/polis.db"
"$P" init > /dev/null
run() { echo '```'; echo "\$ polis $*"; "$P" "$@" 2>&1; echo '```'; echo; }
{
cat <<'EOF'
# The seed deck's questions, answered by polis

Every answer below comes from the built-in reference dataset (`data/reference/`) on a fresh
database made by `polis init`. The outputs are pasted from a real run by
`docs/make-cases.sh`; the tests in `crates/polis/tests/it/cases.rs` check the same answers
on every CI run. Each command also takes `--json`, and the REST API answers the same
questions (`docs/api.md`).

## Prague–Beijing: the timeline, and why it ended
EOF
run ties --place Prague
run clauses --tag one_china_clause
echo "## Who connects the Prague city hall to CEFC"
echo
echo "A chain counts only when all its dated links were in force at one time (each link cites its sources; the window is when the whole chain held):"
echo
run graph path prague-city-hall cefc-china-energy --max 2
echo "Through people's and organisations' relations alone there is no such chain:"
echo
run graph path prague-city-hall cefc-china-energy --through relations
echo "Ignoring time finds one, and it would mislead: Andrej Babiš took over the office of Prime Minister from Bohuslav Sobotka in 2017-12, so the two were never in it together and the chain never held:"
echo
run graph path prague-city-hall cefc-china-energy --through relations --ignore-time --max 1
echo "## Gothenburg–Shanghai: a disputed termination"
echo
echo "News reports say Gothenburg ended its tie with Shanghai in April 2020; Gothenburg's international-relations office said the agreement was not cancelled and that only a three-year MoU lapsed. polis keeps both accounts: the termination carries the office's counter-claim, and wherever the two accounts imply different statuses the tie is \`disputed\`, with the status each implies and its sources, rather than one picked (the rule: \`docs/bundle-format.md\`, \"Disputed facts\"). Before April 2020 the accounts agree, so the dispute changes nothing:"
echo
run ties --place Gothenburg --as-of 2019-06-30
echo "From April 2020 on they do not:"
echo
run ties --place Gothenburg
echo "## China's computed tie counts beside CPAFFC's reported figures"
echo
echo "Coverage is computed / reported. The reference dataset records only a handful of Chinese ties, so coverage is low by design: it says how far the registry is from the complete picture. The last section shows it after importing the public lists."
echo
run figures --country CN
echo "## The network on 2019-06-30 and on 2020-06-30, and what changed"
echo
run stats --as-of 2019-06-30
run stats --as-of 2020-06-30
run changes 2019-06-30 2020-06-30
echo "## The 2020 medical supplies, by item"
echo
echo "Totals add only the same item in the same unit."
echo
run activities totals --kind aid
echo "## Which ties carry a one-China clause"
echo
echo "See \`polis clauses --tag one_china_clause\` above: the Prague–Beijing agreement (article 3, which the deck says Prague initiated; Prague ended the tie over it) and the Prague–Shanghai agreement."
echo
echo "## Amsterdam's partners, and candidates for a low-carbon agenda"
echo
run place show Amsterdam
run recommend Amsterdam --theme climate --top 5
echo "## The same questions over the REST API"
echo
echo "\`polis serve\` answers them as JSON (\`docs/api.md\`); a few, cut to their first lines:"
echo
PORT=18931
"$P" serve --addr 127.0.0.1:$PORT > /dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" > /dev/null && break; sleep 0.1; done
api() {
  echo '```'
  echo "\$ curl -s 'http://127.0.0.1:8080$1' | jq"
  # Through a file: `head` closing a pipe would stop this script under pipefail.
  curl -s "http://127.0.0.1:$PORT$1" | python3 -m json.tool --no-ensure-ascii > "$TMP/body.json"
  head -n "${2:-20}" "$TMP/body.json"
  echo '```'
  echo
}
api "/api/v1/ties?place=cz-prague&as_of=2019-06-30" 30
api "/api/v1/path?from=prague-city-hall&to=cefc-china-energy&max=1" 16
api "/api/v1/ties?place=se-gothenburg" 40
api "/api/v1/figures?country=CN" 22
api "/api/v1/changes?from=2019-06-30&to=2020-06-30" 12
api "/api/v1/activities/totals?kind=aid" 12
api "/api/v1/clauses?tag=one_china_clause" 12
api "/api/v1/recommend/Amsterdam?theme=climate&top=3" 24
kill $SERVER 2> /dev/null || true
wait $SERVER 2> /dev/null || true
if [ -d ../shared/data ]; then
  echo "## With the public lists imported"
  echo
  echo "The same questions after importing the Wikipedia twin-town lists, the Wikidata P190 results and the ClimActor memberships (real files in \`../shared/data\`):"
  echo
  echo '```'
  echo "\$ polis import wikipedia-list ../shared/data/wikipedia-twin-towns/twin_cities_raw.csv"
  "$P" import wikipedia-list ../shared/data/wikipedia-twin-towns/twin_cities_raw.csv > "$TMP/import.txt" 2>&1
  sed -n '1,20p' "$TMP/import.txt" | sed 's/ in [0-9.]* s/ in (time) s/'
  echo '```'
  echo
  "$P" import wikidata-tsv ../shared/data/wikidata-eu-sistercities/sistercities.tsv > /dev/null 2>&1
  "$P" import memberships ../shared/data/climate-networks/subnational_contextuals_database_Dec2022.csv > /dev/null 2>&1
  echo "(then \`polis import wikidata-tsv .../sistercities.tsv\` and \`polis import memberships .../subnational_contextuals_database_Dec2022.csv\`)"
  echo
  run figures --country CN
  run recommend Amsterdam --theme climate --top 5
fi
} > docs/cases.md
echo "wrote docs/cases.md"
