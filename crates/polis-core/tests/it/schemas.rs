//! The schema of every core type that an API response contains, held to the JSON that the
//! records of the reference dataset (and small fixtures for what it lacks) serialize to; and
//! the checker itself, which must reject JSON that departs from a schema.

use std::path::Path;

use polis_core::openapi::{check_against_schema, check_value, components_of};
use polis_core::*;
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{PartialSchema, ToSchema};

fn reference() -> Dataset {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/reference");
    polis_bundle::read(&root)
        .expect("the reference bundle reads")
        .data
}

/// Checks every value against its type's schema, naming the first one that fails.
fn check_all<T: ToSchema + serde::Serialize + std::fmt::Debug>(values: &[T]) {
    assert!(!values.is_empty(), "no {} to check", T::name());
    for value in values {
        if let Err(e) = check_value(value) {
            panic!("a {} does not match its schema: {e}\n{value:#?}", T::name());
        }
    }
}

/// The mismatches of a JSON value against the schema of `T`, as text.
fn mismatches<T: ToSchema>(json: Value) -> Vec<String> {
    match check_against_schema(&json, &T::schema(), &components_of::<T>()) {
        Ok(()) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_record_of_the_reference_dataset_matches_its_schema() {
    let data = reference();
    check_all(&data.sources);
    check_all(&data.places);
    check_all(&data.ties);
    check_all(&data.networks);
    check_all(&data.memberships);
    check_all(&data.actors);
    check_all(&data.relations);
    check_all(&data.activities);
    check_all(&data.documents);
    check_all(&data.figures);
}

#[test]
fn records_the_reference_dataset_lacks_match_their_schemas() {
    let tie: Tie = serde_json::from_value(json!({
        "id": "a--b--sister_city",
        "a": "a",
        "b": "b",
        "kind": "sister_city",
        "evidence": [{
            "source": "wikipedia",
            "batch": "batch-1",
            "listed_by": "a",
            "as_written": ["A", "B"],
            "line": 12,
            "observed": "2021-03"
        }],
        "sources": ["wikipedia"]
    }))
    .expect("the fixture is a tie");
    check_all(&[tie]);
    let batch = Batch {
        id: "batch-1".into(),
        format: "wikipedia-list".into(),
        file: "twin_cities_raw.csv".into(),
        sha256: "ab".repeat(32),
        source: "wikipedia".into(),
        rows: 52_000,
    };
    check_all(&[batch]);
}

#[test]
fn statuses_on_any_date_match_their_schema() {
    let data = reference();
    let dates = ["836", "1990", "2016-06", "2019-06-30", "2020-01-13", "2024"];
    let mut statuses: Vec<StatusAsOf> = Vec::new();
    for tie in &data.ties {
        statuses.push(status_as_of(tie, None));
        for date in dates {
            statuses.push(status_as_of(tie, Some(&date.parse().expect("a date"))));
        }
    }
    // An undated tie from a list: unknown, with the possible statuses listed.
    let listed: Tie = serde_json::from_value(json!({
        "id": "a--b--twin_town", "a": "a", "b": "b", "kind": "twin_town",
        "evidence": [{"source": "wikipedia"}], "sources": ["wikipedia"]
    }))
    .expect("the fixture is a tie");
    let unknown = status_as_of(&listed, Some(&"2019".parse().expect("a date")));
    assert!(
        !unknown.possible.is_empty(),
        "the fixture's status is unknown"
    );
    statuses.push(unknown);
    check_all(&statuses);
}

/// The `enum` of a vocabulary's schema.
fn enum_of<T: ToSchema>() -> Vec<Value> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.enum_values.expect("an enum"),
        _ => panic!("{} has no inline schema", T::name()),
    }
}

/// The schema of a vocabulary lists exactly the JSON forms of its values, in order.
fn check_vocabulary<T: ToSchema + serde::Serialize + std::fmt::Debug>(all: &[T]) {
    let serialized: Vec<Value> = all
        .iter()
        .map(|v| serde_json::to_value(v).expect("a vocabulary serializes"))
        .collect();
    assert_eq!(enum_of::<T>(), serialized, "the schema of {}", T::name());
    check_all(all);
}

#[test]
fn vocabulary_schemas_list_exactly_the_values_their_types_serialize_to() {
    check_vocabulary(PlaceLevel::ALL);
    check_vocabulary(TieKind::ALL);
    check_vocabulary(EventKind::ALL);
    check_vocabulary(ActorKind::ALL);
    check_vocabulary(OrganisationKind::ALL);
    check_vocabulary(RelationKind::ALL);
    check_vocabulary(ActivityKind::ALL);
    check_vocabulary(Outcome::ALL);
    check_vocabulary(DocumentKind::ALL);
    check_vocabulary(TieStatus::ALL);
    check_vocabulary(Contested::ALL);
}

#[test]
fn the_date_schema_accepts_every_serialized_date_and_nothing_else() {
    for text in [
        "1",
        "836",
        "1973",
        "1973-06",
        "1973-06-24",
        "2020-02-29",
        "9999-12-31",
        // Written with leading zeros: the parser reads it, so the schema takes it too
        // (the server accepts what its document allows, and nothing else).
        "0836",
        "800 BC",
        "1 BC",
        "9999 BC",
    ] {
        let date: PartialDate = text.parse().expect("a date");
        assert_eq!(check_value(&date), Ok(()), "{text}");
    }
    for not_a_date in [
        "1973-6",
        "2019-02-29",
        "1973-09-31",
        "1973-13",
        "1973-06-32",
        "19730",
        "1973-06-24T00",
        "",
        "-0799",
        "0 BC",
        "800-03 BC",
        "800 BCE",
    ] {
        assert_ne!(
            mismatches::<PartialDate>(json!(not_a_date)),
            Vec::<String>::new(),
            "{not_a_date:?} passes"
        );
    }
    assert_ne!(mismatches::<PartialDate>(json!(1973)), Vec::<String>::new());
}

fn prague() -> Value {
    let data = reference();
    let place = data
        .places
        .iter()
        .find(|p| !p.names.is_empty() && p.country.is_some())
        .expect("a place with names and a country");
    serde_json::to_value(place).expect("a place serializes")
}

#[test]
fn the_checker_names_an_unknown_key_a_missing_one_and_a_wrong_type() {
    let mut place = prague();
    assert_eq!(mismatches::<Place>(place.clone()), Vec::<String>::new());
    place["names"][0]["script"] = json!("Latn");
    place.as_object_mut().expect("an object").remove("sources");
    place["country"] = json!(203);
    let found = mismatches::<Place>(place);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|m| m.starts_with("/names/0/script: is not a property")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|m| m.contains("lacks the required property `sources`")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("/country: ")),
        "{found:#?}"
    );
}

#[test]
fn the_checker_rejects_a_value_outside_an_enum_and_a_bad_date_inside_a_record() {
    let data = reference();
    let tie = data
        .ties
        .iter()
        .find(|t| !t.events.is_empty())
        .expect("a tie with events");
    let mut json = serde_json::to_value(tie).expect("a tie serializes");
    json["kind"] = json!("twin_city");
    json["events"][0]["date"] = json!("1973-6");
    json["events"][0]["kind"] = json!("Signed");
    let found = mismatches::<Tie>(json);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|m| m.starts_with("/kind: \"twin_city\" is not one of")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("/events/0/date: ")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("/events/0/kind: ")),
        "{found:#?}"
    );
}

#[test]
fn the_checker_reports_a_reference_it_cannot_resolve() {
    let place = prague();
    let no_components = Default::default();
    let result = check_against_schema(&place, &Place::schema(), &no_components);
    let e = result.expect_err("the references of Place are not among no components");
    assert!(e.to_string().contains("is not among the components"), "{e}");
}

#[test]
fn components_of_a_type_hold_every_schema_it_refers_to() {
    let components = components_of::<Place>();
    for name in ["Place", "Name", "Coordinates", "Population", "PlaceLevel"] {
        assert!(components.contains_key(name), "{name} is not collected");
    }
}
