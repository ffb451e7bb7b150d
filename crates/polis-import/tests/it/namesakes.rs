//! Nothing dropped: a row whose two ends have one name and country ("Felsberg", Germany,
//! twinned with "Felsberg", Germany) is no place tied to itself when the coordinates of one
//! end lie far from the only place of the name that the gazetteer lists, which the other end
//! is. That end is a namesake the gazetteer lacks: it waits in the queue as a provisional
//! place at the source's point, saying why, and the tie is kept. Two ends that both lie
//! near the one place stay refused as a self-tie.

use std::collections::HashMap;

use polis_core::Dataset;
use polis_gazetteer::Gazetteer;
use polis_import::{Format, ImportInput, build, parse};

const HEADER: &str = "origincityLabel\torigincountry\toriginlat\toriginlong\toriginpopulation\tsistercityLabel\tdestinationlat\tdestinationlong\tdestinationpopulation\tdestination_countryLabel\n";

fn import(rows: &[&str]) -> polis_import::ImportOutput {
    let text = rows
        .iter()
        .fold(HEADER.to_owned(), |file, row| file + row + "\n");
    let gazetteer = Gazetteer::embedded().expect("the embedded gazetteer loads");
    let parsed = parse(&Format::WikidataTsv, "namesakes.tsv", text.as_bytes()).expect("parses");
    let sha = polis_import::sha256_hex(text.as_bytes());
    let decisions = HashMap::new();
    build(
        &ImportInput {
            format: "wikidata-tsv",
            file: "namesakes.tsv",
            sha256: &sha,
            source_title: "test".into(),
            source_url: None,
            observed: None,
            gazetteer,
            existing: &Dataset::default(),
            decisions: &decisions,
            progress: &|_| {},
        },
        parsed,
    )
}

#[test]
fn a_namesake_far_from_the_other_ends_place_waits_as_a_provisional_place() {
    // The village in the Saarland, whose point is 280 km from Felsberg in Hesse, the one
    // Felsberg of Germany the gazetteer lists.
    let output = import(&[
        "Felsberg\tGermany\t49.2922\t6.70111\t\tFelsberg\t51.1333\t9.4167\t10624\tGermany",
    ]);
    assert!(
        output.report.rejected.is_empty(),
        "{:?}",
        output.report.rejected
    );
    let tie = output.records.ties.first().expect("the tie is kept");
    let provisional = output
        .records
        .places
        .iter()
        .find(|p| p.provisional)
        .expect("a provisional place");
    assert!([&tie.a, &tie.b].contains(&&provisional.id), "{tie:?}");
    let point = provisional.coordinates.first().expect("the source's point");
    assert!((point.lat - 49.2922).abs() < 1e-6, "{point:?}");
    let (_, queued) = output.queue.first().expect("the name is queued");
    let guess = queued.best_guess.as_deref().unwrap_or_default();
    assert!(
        guess.contains("Felsberg, Hesse") && guess.contains("namesake"),
        "{guess}"
    );
}

#[test]
fn two_ends_near_the_same_place_are_still_no_tie() {
    let output =
        import(&["Felsberg\tGermany\t51.14\t9.42\t\tFelsberg\t51.1333\t9.4167\t\tGermany"]);
    assert_eq!(
        output.report.rejected.len(),
        1,
        "{:?}",
        output.report.rejected
    );
    assert!(output.records.ties.is_empty());
    assert!(output.queue.is_empty());
}
