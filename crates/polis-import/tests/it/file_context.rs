//! Issue 14 §1: an import decides a name its row leaves open by the file's other rows, with
//! the same rule as `polis resolve --file` (`FileContext`): a list of one state decides its
//! toss-ups, and a country field whose names lie by the dozen in one neighbouring country
//! names that country in this file. The method says so (`+file_context`).

use std::collections::HashMap;

use polis_core::Dataset;
use polis_gazetteer::Gazetteer;
use polis_import::RawEnd;
use polis_import::resolve::{Outcome, Resolver, Target};

fn gazetteer() -> &'static Gazetteer {
    Gazetteer::embedded().expect("the embedded gazetteer loads")
}

fn end(name: &str, country: &str) -> RawEnd {
    RawEnd {
        name: name.to_owned(),
        country: Some(country.to_owned()),
        ..RawEnd::default()
    }
}

/// Each end's outcome after prefilling the resolver with all of them, as an import does.
fn outcomes(ends: &[RawEnd]) -> Vec<Outcome> {
    let dataset = Dataset::default();
    let decisions = HashMap::new();
    let mut resolver = Resolver::new(gazetteer(), &dataset, &decisions);
    resolver.prefill(ends.iter().map(|e| (e, None)));
    ends.iter().map(|e| resolver.resolve(e, None)).collect()
}

fn place(outcome: &Outcome) -> Option<(&str, Option<&str>, &str)> {
    match outcome {
        Outcome::Resolved(r) => match &r.target {
            Target::Gazetteer(p) => Some((
                p.country.as_str(),
                p.admin1_name.as_deref(),
                r.method.as_str(),
            )),
            _ => None,
        },
        Outcome::Unresolved { .. } => None,
    }
}

#[test]
fn issue_14_import_a_list_of_one_state_decides_its_toss_ups() {
    let mut ends: Vec<RawEnd> = [
        "Boston",
        "Worcester",
        "Lowell",
        "Brockton",
        "Framingham",
        "Haverhill",
    ]
    .iter()
    .map(|n| end(n, "United States"))
    .collect();
    ends.push(end("Springfield", "United States"));
    let answers = outcomes(&ends);
    let (country, admin1, method) = place(&answers[6]).expect("decided by the file");
    assert_eq!((country, admin1), ("US", Some("Massachusetts")));
    assert!(method.ends_with("+file_context"), "{method}");

    // Alone, Springfield waits in the queue as a toss-up.
    let alone = outcomes(&[end("Springfield", "United States")]);
    assert!(place(&alone[0]).is_none());
}

#[test]
fn issue_14_import_a_country_field_that_names_its_neighbour() {
    let swedish = [
        "Alingsås",
        "Borås",
        "Eksjö",
        "Arboga",
        "Askersund",
        "Båstad",
    ];
    let mut ends: Vec<RawEnd> = swedish.iter().map(|n| end(n, "Denmark")).collect();
    ends.extend(
        ["Odense", "Aalborg", "Vejle"]
            .iter()
            .map(|n| end(n, "Denmark")),
    );
    let answers = outcomes(&ends);
    for (name, outcome) in swedish.iter().zip(&answers) {
        let (country, _, method) = place(outcome).unwrap_or_else(|| panic!("{name}: {outcome:?}"));
        assert_eq!(country, "SE", "{name}");
        assert!(method.ends_with("+file_context"), "{name}: {method}");
    }
    assert_eq!(place(&answers[6]).map(|p| p.0), Some("DK"));
    // One name alone is a guess across the border, as before.
    assert!(place(&outcomes(&[end("Alingsås", "Denmark")])[0]).is_none());
}
