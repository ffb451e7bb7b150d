//! Disputed facts (counter-claims on a tie's event and on a relation), inferred relations and
//! dates before year 1 are read, written canonically, stored and exported again unchanged.

use std::path::{Path, PathBuf};

use polis_bundle::{Manifest, read_files, to_files};
use polis_core::{Contested, PartialDate, TieStatus, status_as_of};
use polis_store::{ChangeContext, Records};
use polis_store_sqlite::SqliteStore;

const DISPUTED: &str = r#"format = "polis-bundle"
version = 1
name = "disputed"

[[source]]
id = "news"
title = "A news report"

[[source]]
id = "city"
title = "The city's statement"
note = "No URL: known only from a review."

[[place]]
id = "xa-one"
level = "city"
name = "One"
sources = ["news"]

[[place]]
id = "xb-two"
level = "city"
name = "Two"
sources = ["news"]

[[tie]]
id = "xa-one--xb-two"
a = "xa-one"
b = "xb-two"
kind = "sister_city"
sources = ["news"]

[[tie.events]]
kind = "signed"
date = "1986"
sources = ["news"]

[[tie.events]]
kind = "terminated"
date = "2020-04"
sources = ["news"]

[[tie.events.disputed_by]]
says = "Not cancelled: only a three-year MoU lapsed."
contests = "occurrence"
sources = ["city"]

[[tie.events.disputed_by]]
says = "Ended a year later."
contests = "date"
date = "2021"
sources = ["city"]

[[actor]]
id = "polis-body"
kind = "organisation"
organisation = "government_body"
name = "A body"
sources = ["news"]

[[relation]]
from = "polis-body"
kind = "supervises"
to = "xa-one"
start = "800 BC"
end = "146 BC"
sources = ["news"]
inferred_from = "a generic chart"

[[relation.disputed_by]]
says = "It advised rather than supervised."
contests = "details"
sources = ["city"]

[[activity]]
id = "greek-polis"
kind = "period"
title = "The polis of Ancient Greece"
start = "800 BC"
end = "146 BC"
sources = ["news"]
"#;

fn in_memory(root: &Path, files: &[(String, String)]) -> Vec<(PathBuf, Vec<u8>)> {
    files
        .iter()
        .map(|(name, text)| (root.join(name), text.clone().into_bytes()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_claims_and_bc_dates_round_trip_through_files_and_a_store() {
    let path = PathBuf::from("mem/bundle.toml");
    let bundle = read_files(
        Path::new("mem"),
        &path,
        vec![(path.clone(), DISPUTED.as_bytes().to_vec())],
    )
    .expect("the bundle reads");
    polis_core::validate(&bundle.data).expect("the bundle is valid");
    let data = &bundle.data;
    let claims = &data.ties[0].events[1].disputed_by;
    assert_eq!(claims.len(), 2);
    assert_eq!(claims[0].contests, Contested::Occurrence);
    assert_eq!(claims[1].date, Some("2021".parse().unwrap()));
    assert_eq!(data.relations[0].start, Some(PartialDate::bc(800).unwrap()));
    assert_eq!(
        data.relations[0].inferred_from.as_deref(),
        Some("a generic chart")
    );
    assert_eq!(
        status_as_of(&data.ties[0], Some(&"2020-06-30".parse().unwrap())).status,
        TieStatus::Disputed
    );

    let files = to_files(&bundle.manifest, data).expect("writes");
    let ties = &files
        .iter()
        .find(|(name, _)| name == "ties.toml")
        .unwrap()
        .1;
    assert!(ties.contains("[[tie.events.disputed_by]]"), "{ties}");
    let actors = &files
        .iter()
        .find(|(name, _)| name == "actors.toml")
        .unwrap()
        .1;
    assert!(actors.contains("start = \"800 BC\""), "{actors}");
    assert!(actors.contains("[[relation.disputed_by]]"), "{actors}");
    let root = Path::new("out");
    let again = read_files(root, &root.join("bundle.toml"), in_memory(root, &files))
        .expect("the written bundle reads");
    let mut expected = data.clone();
    expected.sort();
    assert_eq!(again.data, expected);
    assert_eq!(to_files(&again.manifest, &again.data).unwrap(), files);

    // Stored as JSON and loaded back, the records and their export are unchanged.
    let store = SqliteStore::open_in_memory().await.expect("opens");
    store
        .apply(
            data,
            &ChangeContext {
                who: "test".into(),
                context: "disputes".into(),
            },
        )
        .await
        .expect("the store takes the bundle");
    let loaded = store.load().await.expect("loads");
    let manifest = Manifest {
        name: "disputed".into(),
        description: None,
    };
    assert_eq!(
        to_files(&manifest, &loaded).unwrap()[1..],
        to_files(&manifest, data).unwrap()[1..]
    );
}

#[test]
fn a_claim_in_a_bundle_that_breaks_a_rule_names_its_field() {
    let broken = DISPUTED.replace("contests = \"details\"", "contests = \"kind\"");
    let path = PathBuf::from("mem/bundle.toml");
    let bundle = read_files(
        Path::new("mem"),
        &path,
        vec![(path.clone(), broken.into_bytes())],
    )
    .expect("the bundle reads");
    let error = polis_core::validate(&bundle.data).expect_err("a relation has no kind");
    let described: Vec<String> = error.0.iter().map(|v| bundle.describe(v)).collect();
    assert!(
        described
            .iter()
            .any(|d| d.starts_with("mem/bundle.toml:61: relation")
                && d.contains("disputed_by[0].contests")),
        "{described:?}"
    );
    let unknown = DISPUTED.replace("contests = \"occurrence\"", "contests = \"denied\"");
    let error = read_files(
        Path::new("mem"),
        &path,
        vec![(path.clone(), unknown.into_bytes())],
    )
    .expect_err("an unknown word is a syntax error");
    assert!(error.to_string().contains("occurrence"), "{error}");
}
