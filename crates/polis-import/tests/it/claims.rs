//! Issue 14 §4: a source that puts a place of a contested territory in a claimant's country
//! (Yalta in Russia, which ISO 3166 files under Ukraine) has its word kept as that source's
//! claim beside ISO 3166's, with every other source's; and each row's evidence says how far
//! the place it resolved to lies from the coordinates the row gives.

use std::collections::HashMap;

use polis_core::{Dataset, Place, overlay};
use polis_gazetteer::Gazetteer;
use polis_import::{Format, ImportInput, build, parse};

const HEADER: &str = "origincityLabel\torigincountry\toriginlat\toriginlong\toriginpopulation\tsistercityLabel\tdestinationlat\tdestinationlong\tdestinationpopulation\tdestination_countryLabel\n";

/// A hand-written Wikidata TSV: Nice's partners, Yalta stated under both countries, Kyiv
/// under its own, and Gjakova under Serbia.
fn fixture() -> String {
    [
        "Nice\tFrance\t43.7\t7.27\t\tYalta\t44.4994\t34.1553\t\tRussia",
        "Nice\tFrance\t43.7\t7.27\t\tYalta\t44.4994\t34.1553\t\tUkraine",
        "Nice\tFrance\t43.7\t7.27\t\tKyiv\t50.45\t30.5236\t\tUkraine",
        "Lodève\tFrance\t43.7317\t3.3194\t\tGjakova\t42.3825\t20.4356\t\tSerbia",
    ]
    .iter()
    .fold(HEADER.to_owned(), |file, row| file + row + "\n")
}

fn import(text: &str, existing: &Dataset) -> polis_import::ImportOutput {
    let gazetteer = Gazetteer::embedded().expect("the embedded gazetteer loads");
    let parsed = parse(&Format::WikidataTsv, "claims.tsv", text.as_bytes()).expect("parses");
    let sha = polis_import::sha256_hex(text.as_bytes());
    let decisions = HashMap::new();
    build(
        &ImportInput {
            format: "wikidata-tsv",
            file: "claims.tsv",
            sha256: &sha,
            source_title: "test".into(),
            source_url: None,
            observed: None,
            gazetteer,
            existing,
            decisions: &decisions,
            progress: &|_| {},
        },
        parsed,
    )
}

fn place<'d>(data: &'d Dataset, name: &str) -> &'d Place {
    data.places
        .iter()
        .find(|p| p.all_names().any(|n| n == name))
        .unwrap_or_else(|| panic!("no place {name} among {:?}", data.places))
}

#[test]
fn issue_14_a_claimants_country_is_kept_beside_iso_3166s_with_its_source() {
    let output = import(&fixture(), &Dataset::default());
    polis_core::validate(&output.records).expect("the records are valid");
    let batch = &output.records.batches[0].id;
    let yalta = place(&output.records, "Yalta");
    assert_eq!(
        yalta.country.as_deref(),
        Some("UA"),
        "ISO 3166's country stays"
    );
    let claims: Vec<(&str, &str, &[String])> = yalta
        .country_claims
        .iter()
        .map(|c| {
            (
                c.country.as_str(),
                c.territory.as_str(),
                c.sources.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        claims,
        [
            ("RU", "Crimea", std::slice::from_ref(batch)),
            ("UA", "Crimea", std::slice::from_ref(batch)),
        ],
        "both countries the source states, each with the source"
    );
    // Kosovo's holder by ISO 3166 is XK; the row's Serbia is Serbia's claim.
    let gjakova = place(&output.records, "Gjakova");
    assert_eq!(gjakova.country.as_deref(), Some("XK"));
    assert_eq!(
        gjakova
            .country_claims
            .iter()
            .map(|c| c.country.as_str())
            .collect::<Vec<_>>(),
        ["RS"]
    );
    // Places outside contested territories carry no claims.
    for name in ["Kyiv", "Nice"] {
        assert!(
            place(&output.records, name).country_claims.is_empty(),
            "{name}"
        );
    }
    assert_eq!(output.report.country_claims.get("RU"), Some(&1));
    assert_eq!(output.report.country_claims.get("RS"), Some(&1));
}

#[test]
fn issue_14_claims_are_idempotent_and_a_second_source_adds_its_own() {
    let first = import(&fixture(), &Dataset::default());
    let stored = overlay(&first.records, Dataset::default());
    let again = import(&fixture(), &stored);
    let yalta_again = place(&again.records, "Yalta");
    assert_eq!(
        yalta_again,
        place(&first.records, "Yalta"),
        "importing the same file again changes nothing"
    );
    // Another source (another file) that says Ukraine joins the Ukrainian entry.
    let other = format!(
        "{HEADER}Baden-Baden\tGermany\t48.76\t8.24\t\tYalta\t44.4994\t34.1553\t\tUkraine\n"
    );
    let second = import(&other, &stored);
    let batch = &second.records.batches[0].id;
    let yalta = place(&second.records, "Yalta");
    let ukraine = yalta
        .country_claims
        .iter()
        .find(|c| c.country == "UA")
        .expect("the Ukrainian entry");
    assert_eq!(ukraine.sources.len(), 2, "{ukraine:?}");
    assert!(ukraine.sources.contains(batch));
    let russia = yalta
        .country_claims
        .iter()
        .find(|c| c.country == "RU")
        .expect("the first source's claim stays");
    assert!(!russia.sources.contains(batch));
    polis_core::validate(&overlay(&second.records, stored)).expect("valid");
}

#[test]
fn issue_14_evidence_says_how_far_each_place_lies_from_the_sources_point() {
    let output = import(&fixture(), &Dataset::default());
    let yalta = place(&output.records, "Yalta").id.clone();
    let nice = place(&output.records, "Nice").id.clone();
    let tie = output
        .records
        .ties
        .iter()
        .find(|t| t.a == yalta || t.b == yalta)
        .expect("Nice-Yalta");
    for evidence in &tie.evidence {
        let km = &evidence.source_distance_km;
        assert_eq!(km.len(), 2, "both ends have the source's point: {km:?}");
        assert!(km[&yalta] < 5.0 && km[&nice] < 5.0, "{km:?}");
        // Rounded to a tenth of a km.
        for value in km.values() {
            assert_eq!((value * 10.0).round() / 10.0, *value);
        }
    }
    // A point far from the place the name resolves to shows as far.
    let far = format!("{HEADER}Nice\tFrance\t43.7\t7.27\t\tKyiv\t48.0\t30.5236\t\tUkraine\n");
    let output = import(&far, &Dataset::default());
    let kyiv = place(&output.records, "Kyiv").id.clone();
    let km = output.records.ties[0].evidence[0].source_distance_km[&kyiv];
    assert!((250.0..300.0).contains(&km), "{km}");
}
