//! The Wikidata P190 ("twinned administrative body") SPARQL query, one page of it at a time,
//! selecting exactly the variables the `wikidata-json` importer reads.
//!
//! The inner sub-select pages over P190 statements ordered by their statement IRI, which is
//! unique and stable, so `LIMIT`/`OFFSET` pages neither overlap nor skip while the data
//! stands still. The outer query adds the optional facts (country ISO code, coordinates,
//! population, start and end qualifiers with their precision) and labels, and groups so that
//! an item with several countries, coordinates or population figures still gives one row
//! per statement and date.

use crate::FetchConfig;

/// Prefixes are declared even though the Wikidata Query Service predefines them, so the
/// text is plain SPARQL 1.1 that any parser (and any Wikidata mirror) accepts.
const PREFIXES: &str = "\
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX bd: <http://www.bigdata.com/rdf#>
";

/// The SPARQL text of the page that starts at row `offset`, with `config.page_size` rows.
///
/// The origin-country filter and the label languages are written as escaped SPARQL string
/// literals, so no configuration value can change the shape of the query; [`crate::fetch`]
/// also checks them before it sends anything.
pub fn query_text(config: &FetchConfig, offset: usize) -> String {
    let country_filter = match &config.country {
        Some(country) => format!(
            "      ?city wdt:P17 ?originCountry .\n      ?originCountry wdt:P297 {} .\n",
            string_literal(&country.trim().to_ascii_uppercase())
        ),
        None => String::new(),
    };
    let languages = string_literal(&config.label_languages.join(","));
    let limit = config.page_size;
    format!(
        "{PREFIXES}\
SELECT ?statement
  ?city ?cityLabel (SAMPLE(?cityIso) AS ?cityCountry) (SAMPLE(?cityPoint) AS ?cityCoord) (MAX(?cityPeople) AS ?cityPopulation)
  ?twin ?twinLabel (SAMPLE(?twinIso) AS ?twinCountry) (SAMPLE(?twinPoint) AS ?twinCoord) (MAX(?twinPeople) AS ?twinPopulation)
  ?start ?startPrecision ?end ?endPrecision
WHERE {{
  {{
    SELECT DISTINCT ?statement ?city ?twin WHERE {{
{country_filter}      ?city p:P190 ?statement .
      ?statement ps:P190 ?twin ; wikibase:rank ?rank .
      FILTER(?rank != wikibase:DeprecatedRank)
      FILTER(STRSTARTS(STR(?twin), \"http://www.wikidata.org/entity/Q\"))
    }}
    ORDER BY ?statement
    LIMIT {limit} OFFSET {offset}
  }}
  OPTIONAL {{ ?statement pqv:P580 ?startNode . ?startNode wikibase:timeValue ?start ; wikibase:timePrecision ?startPrecision . }}
  OPTIONAL {{ ?statement pqv:P582 ?endNode . ?endNode wikibase:timeValue ?end ; wikibase:timePrecision ?endPrecision . }}
  OPTIONAL {{ ?city wdt:P17/wdt:P297 ?cityIso . }}
  OPTIONAL {{ ?city wdt:P625 ?cityPoint . }}
  OPTIONAL {{ ?city wdt:P1082 ?cityPeople . }}
  OPTIONAL {{ ?twin wdt:P17/wdt:P297 ?twinIso . }}
  OPTIONAL {{ ?twin wdt:P625 ?twinPoint . }}
  OPTIONAL {{ ?twin wdt:P1082 ?twinPeople . }}
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language {languages} . }}
}}
GROUP BY ?statement ?city ?cityLabel ?twin ?twinLabel ?start ?startPrecision ?end ?endPrecision
ORDER BY ?statement ?start ?end
"
    )
}

/// `value` as a double-quoted SPARQL string literal, with quotes, backslashes and line
/// breaks escaped.
fn string_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('"');
    for character in value.chars() {
        match character {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            other => literal.push(other),
        }
    }
    literal.push('"');
    literal
}
