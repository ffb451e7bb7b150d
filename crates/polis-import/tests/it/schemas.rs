//! The schema of [`CandidateView`], held to the candidates the embedded gazetteer gives for
//! names of every level, confident or not, with and without a country field.

use polis_core::openapi::{check_against_schema, check_value, components_of};
use polis_gazetteer::Gazetteer;
use polis_import::resolve::{CandidateView, candidate_views};
use serde_json::json;
use utoipa::PartialSchema;

fn candidates() -> Vec<CandidateView> {
    let gazetteer = Gazetteer::embedded().expect("the embedded gazetteer loads");
    let names = [
        ("Praha", None),
        ("Zhejiang Province", Some("China")),
        ("Czech Republic", None),
        ("Noord-Holland", Some("NL")),
        ("Kreis Paderborn", Some("Germany")),
        ("Springfeld", None),
        ("Plzen", Some("CZ")),
        ("Amsterdm", None),
        ("Gotenburg", Some("Sweden")),
        ("Springfield", None),
        // A sovereignty claim and a neighbouring country carry their own fields.
        ("Simferopol", Some("Russia")),
        ("Gorizia", Some("Slovenia")),
    ];
    names
        .iter()
        .flat_map(|(name, country)| candidate_views(gazetteer, name, *country, 10))
        .collect()
}

#[test]
fn resolution_candidates_match_their_schema() {
    let all = candidates();
    assert!(all.iter().any(|c| c.confident), "a confident candidate");
    assert!(
        all.iter().any(|c| !c.confident),
        "a candidate below the threshold"
    );
    for level in ["city", "region"] {
        assert!(
            all.iter().any(|c| c.level == level),
            "a {level} among the candidates"
        );
    }
    assert!(
        all.iter().any(|c| c.sovereignty_claim.is_some()),
        "a candidate with a sovereignty claim"
    );
    assert!(
        all.iter().any(|c| c.neighbouring_country.is_some()),
        "a candidate in a neighbouring country"
    );
    for candidate in &all {
        if let Err(e) = check_value(candidate) {
            panic!("a candidate does not match its schema: {e}\n{candidate:#?}");
        }
    }
}

#[test]
fn a_level_outside_the_gazetteer_levels_is_rejected() {
    let candidate = candidates().into_iter().next().expect("a candidate");
    let mut json = serde_json::to_value(&candidate).expect("serializes");
    json["level"] = json!("village");
    let result = check_against_schema(
        &json,
        &CandidateView::schema(),
        &components_of::<CandidateView>(),
    );
    let e = result.expect_err("village is not a gazetteer level");
    assert!(
        e.to_string().contains("/level: \"village\" is not one of"),
        "{e}"
    );
}
