//! Issue 14 §4: statistics count a place in a contested territory under the country the
//! user asks for: ISO 3166's (the default), its sources' claim, or both.

use polis_analysis::{CountryBasis, Stats, StatsQuery, stats};
use polis_core::Dataset;

/// Simferopol (UA by ISO 3166, RU by one source), Kyiv (UA), Moscow (RU), Bursa (TR), with
/// ties Simferopol-Bursa, Kyiv-Bursa, Moscow-Bursa and Simferopol-Kyiv, all active.
fn dataset() -> Dataset {
    let place = |id: &str, country: &str, claims: serde_json::Value| {
        serde_json::from_value(serde_json::json!({
            "id": id, "level": "city", "name": id, "country": country,
            "country_claims": claims, "sources": ["s"]
        }))
        .expect("a place")
    };
    let tie = |a: &str, b: &str| {
        serde_json::from_value(serde_json::json!({
            "id": format!("{a}--{b}"), "a": a, "b": b, "kind": "twin_town",
            "events": [{"kind": "signed", "date": "2000", "sources": ["s"]}],
            "sources": ["s"]
        }))
        .expect("a tie")
    };
    let claim = serde_json::json!([{"country": "RU", "territory": "Crimea", "sources": ["s"]}]);
    let data = Dataset {
        sources: vec![
            serde_json::from_value(serde_json::json!({"id": "s", "title": "s"})).unwrap(),
        ],
        places: vec![
            place("simferopol", "UA", claim),
            place("kyiv", "UA", serde_json::json!([])),
            place("moscow", "RU", serde_json::json!([])),
            place("bursa", "TR", serde_json::json!([])),
        ],
        ties: vec![
            tie("bursa", "simferopol"),
            tie("bursa", "kyiv"),
            tie("bursa", "moscow"),
            tie("kyiv", "simferopol"),
        ],
        ..Dataset::default()
    };
    polis_core::validate(&data).expect("the fixture is valid");
    data
}

fn count(country: &str, basis: CountryBasis) -> Stats {
    stats(
        &dataset(),
        &StatsQuery {
            country: Some(country.into()),
            country_basis: basis,
            ..StatsQuery::default()
        },
    )
}

fn partners(stats: &Stats) -> Vec<(&str, u64)> {
    stats
        .top_partner_countries
        .iter()
        .map(|(c, n)| (c.as_str(), *n))
        .collect()
}

#[test]
fn issue_14_iso_is_the_default_and_counts_by_iso_3166() {
    assert_eq!(CountryBasis::default(), CountryBasis::Iso);
    let ukraine = count("UA", CountryBasis::Iso);
    assert_eq!(ukraine.country_basis, CountryBasis::Iso);
    assert_eq!((ukraine.n_ties, ukraine.n_domestic_ties), (3, Some(1)));
    assert_eq!(count("RU", CountryBasis::Iso).n_ties, 1);
    assert_eq!(
        partners(&count("TR", CountryBasis::Iso)),
        [("UA", 2), ("RU", 1)]
    );
}

#[test]
fn issue_14_claim_counts_a_place_under_the_country_its_sources_give() {
    let ukraine = count("UA", CountryBasis::Claim);
    assert_eq!((ukraine.n_ties, ukraine.n_domestic_ties), (2, Some(0)));
    let russia = count("RU", CountryBasis::Claim);
    assert_eq!((russia.n_ties, russia.n_domestic_ties), (3, Some(0)));
    assert_eq!(partners(&russia), [("TR", 2), ("UA", 1)]);
    assert_eq!(
        partners(&count("TR", CountryBasis::Claim)),
        [("RU", 2), ("UA", 1)]
    );
}

#[test]
fn issue_14_both_counts_a_contested_place_under_each_country() {
    let ukraine = count("UA", CountryBasis::Both);
    assert_eq!((ukraine.n_ties, ukraine.n_domestic_ties), (3, Some(1)));
    let russia = count("RU", CountryBasis::Both);
    assert_eq!((russia.n_ties, russia.n_domestic_ties), (3, Some(0)));
    // Simferopol-Bursa counts under both partner countries of Turkey.
    assert_eq!(
        partners(&count("TR", CountryBasis::Both)),
        [("RU", 2), ("UA", 2)]
    );
    let everything = stats(
        &dataset(),
        &StatsQuery {
            country_basis: CountryBasis::Both,
            ..StatsQuery::default()
        },
    );
    assert_eq!(everything.n_ties, 4, "a tie is still one tie");
    assert_eq!(everything.n_partner_countries, 3);
}
