//! The schema of every analysis result type, held to the JSON that real results over the
//! reference dataset serialize to: each answer of each question, on several dates and
//! scopes, so that optional parts (a country scope, distances, unknown statuses) appear.

use std::path::Path;

use polis_analysis::network::{MetricsQuery, SortBy};
use polis_analysis::*;
use polis_core::openapi::{check_against_schema, check_value, components_of};
use polis_core::{ActivityKind, Dataset, PartialDate, TieStatus};
use serde_json::json;
use utoipa::{PartialSchema, ToSchema};

fn reference() -> Dataset {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/reference");
    polis_bundle::read(&root)
        .expect("the reference bundle reads")
        .data
}

fn date(text: &str) -> PartialDate {
    text.parse().expect("a date")
}

const DATES: [&str; 4] = ["2000", "2016-06", "2019-06-30", "2021"];

/// Checks every value against its type's schema, naming the first one that fails.
fn check_all<T: ToSchema + serde::Serialize + std::fmt::Debug>(values: &[T]) {
    assert!(!values.is_empty(), "no {} to check", T::name());
    for value in values {
        if let Err(e) = check_value(value) {
            panic!("a {} does not match its schema: {e}\n{value:#?}", T::name());
        }
    }
}

#[test]
fn tie_rows_match_their_schema() {
    let data = reference();
    let mut rows = list_ties(&data, &TieFilter::default());
    for as_of in DATES {
        let filter = TieFilter {
            as_of: Some(date(as_of)),
            ..TieFilter::default()
        };
        rows.extend(list_ties(&data, &filter));
    }
    assert!(
        rows.iter().any(|r| r.terminated.is_some()),
        "a terminated tie is listed"
    );
    assert!(
        rows.iter().any(|r| r.status.status == TieStatus::NotYet),
        "a tie not yet signed is listed"
    );
    check_all(&rows);
}

#[test]
fn statistics_in_every_scope_match_their_schema() {
    let data = reference();
    let mut all = vec![stats(&data, &StatsQuery::default())];
    for as_of in DATES {
        for (country, place) in [(None, None), (Some("CN"), None), (None, Some("cz-prague"))] {
            all.push(stats(
                &data,
                &StatsQuery {
                    country: country.map(str::to_owned),
                    place: place.map(str::to_owned),
                    as_of: Some(date(as_of)),
                    ..StatsQuery::default()
                },
            ));
        }
    }
    assert!(
        all.iter().any(|s| s.distance_km.is_some()),
        "distances are measured"
    );
    assert!(
        all.iter().any(|s| !s.local_places_by_level.is_empty()),
        "a country scope"
    );
    check_all(&all);
}

#[test]
fn changes_dormancy_and_quality_match_their_schemas() {
    let data = reference();
    let windows = [
        ("2015", "2020"),
        ("2019-06-30", "2020-06-30"),
        ("2019", "2019-10"),
    ];
    let all: Vec<Changes> = windows
        .iter()
        .map(|(from, to)| changes(&data, date(from), date(to)))
        .collect();
    assert!(all.iter().any(|c| !c.ties.is_empty()), "something changed");
    check_all(&all);

    let dormant_ties: Vec<DormantTie> = DATES
        .iter()
        .flat_map(|as_of| dormant(&data, 3, date(as_of)))
        .collect();
    check_all(&dormant_ties);

    let unresolved = ["Zhejiang Province (China)".to_owned()];
    check_all(&[quality(&data, &[]), quality(&data, &unresolved)]);
}

#[test]
fn chains_metrics_and_partners_match_their_schemas() {
    let data = reference();
    let chains = connect(
        &data,
        "prague-city-hall",
        "cefc-china-energy",
        None,
        TimeRule::Ignore,
        3,
    )
    .expect("the two are known");
    assert!(!chains.is_empty(), "they are connected");
    check_all(&chains);

    let mut metrics = Vec::new();
    for (sort_by, sampled_sources) in [(SortBy::Betweenness, None), (SortBy::Pagerank, Some(5))] {
        for as_of in [None, Some(date("2019-06-30"))] {
            let query = MetricsQuery {
                as_of,
                country: None,
                top: 50,
                sort_by,
                sampled_sources,
                seed: 1,
            };
            metrics.push(network::metrics(&data, &query).expect("the metrics compute"));
        }
    }
    check_all(&metrics);

    let recommendations: Vec<_> = [(None, None), (Some("climate"), Some(date("2021")))]
        .iter()
        .map(|(theme, as_of)| {
            recommend::recommend(&data, "nl-amsterdam", 10, *theme, as_of.as_ref())
                .expect("Amsterdam has candidates")
        })
        .collect();
    assert!(recommendations.iter().any(|r| !r.candidates.is_empty()));
    check_all(&recommendations);
    check_all(&[recommend::evaluate(&data, 0.1, 0, None).expect("the evaluation runs")]);
}

#[test]
fn totals_clauses_and_figures_match_their_schemas() {
    let data = reference();
    let mut totals = quantity_totals(&data, None);
    totals.extend(quantity_totals(&data, Some(ActivityKind::Aid)));
    check_all(&totals);

    let mut hits = clause_search(&data, Some("one_china_clause"), None);
    hits.extend(clause_search(&data, None, Some("taiwan")));
    assert!(
        hits.iter().any(|h| !h.ties.is_empty()),
        "a clause with its ties"
    );
    check_all(&hits);

    let figures = compare_figures(&data, None, &geo::continent_countries);
    check_all(&figures);
}

#[test]
fn maps_keyed_by_a_vocabulary_reject_a_key_outside_it() {
    let data = reference();
    let mut json = serde_json::to_value(stats(&data, &StatsQuery::default())).expect("serializes");
    json["by_kind"]["twin_city"] = json!(1);
    json["signed_by_year"]["1973-06"] = json!(1);
    json["by_status"]["active"] = json!(-1);
    let result = check_against_schema(&json, &Stats::schema(), &components_of::<Stats>());
    let found: Vec<String> = result
        .expect_err("the keys are outside their lists")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found.iter().any(|m| m.starts_with("/by_kind/twin_city: ")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|m| m.starts_with("/signed_by_year/1973-06: ")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("/by_status/active: ")),
        "{found:#?}"
    );
}
