//! Issue 10 §2 and issue 14 §1: a source's coordinates choose among the places of a name in
//! the country the row states, never move the name to another country, and leave the best
//! match by name and country standing (flagged with its distance) when nothing lies near.
//! A toss-up without such context waits in the queue; a remembered decision settles it.

use std::collections::HashMap;

use polis_core::Dataset;
use polis_gazetteer::Gazetteer;
use polis_import::RawEnd;
use polis_import::resolve::{Decision, Outcome, Resolution, Resolver, Target, decision_key};

fn gazetteer() -> &'static Gazetteer {
    Gazetteer::embedded().expect("the embedded gazetteer loads")
}

fn end(name: &str, country: &str, coordinates: Option<(f64, f64)>) -> RawEnd {
    RawEnd {
        name: name.to_owned(),
        country: Some(country.to_owned()),
        lat: coordinates.map(|c| c.0),
        lon: coordinates.map(|c| c.1),
        ..RawEnd::default()
    }
}

fn resolve_with(decisions: &HashMap<String, Decision>, end: &RawEnd) -> Outcome {
    let dataset = Dataset::default();
    let mut resolver = Resolver::new(gazetteer(), &dataset, decisions);
    resolver.resolve(end, None)
}

fn resolved(end: &RawEnd) -> Resolution {
    match resolve_with(&HashMap::new(), end) {
        Outcome::Resolved(resolution) => resolution,
        Outcome::Unresolved { best_guess } => {
            panic!("{end:?} is unresolved (best guess {best_guess:?})")
        }
    }
}

fn geonameid(resolution: &Resolution) -> Option<u32> {
    match &resolution.target {
        Target::Gazetteer(place) => place.geonameid,
        _ => None,
    }
}

const PERTH_SCOTLAND: u32 = 2640358;
const PERTH_AUSTRALIA_POINT: (f64, f64) = (-31.952, 115.861);

#[test]
fn issue_10_coordinates_never_move_a_name_to_another_country() {
    // Line 539 of the geocoded list: the geocoder put Perth, Scotland in Australia.
    let perth = resolved(&end("Perth", "United Kingdom", Some(PERTH_AUSTRALIA_POINT)));
    assert_eq!(geonameid(&perth), Some(PERTH_SCOTLAND), "{perth:?}");
    assert!(
        perth.method.ends_with("+far_from_source_coordinates"),
        "{}",
        perth.method
    );
    assert!(perth.source_distance_km.is_some_and(|km| km > 10_000.0));
    // The Australian end of the same row still resolves to Australia's Perth, so the row is
    // no self-tie.
    let australian = resolved(&end("Perth", "Australia", Some(PERTH_AUSTRALIA_POINT)));
    assert_ne!(geonameid(&australian), Some(PERTH_SCOTLAND));
    assert!(australian.source_distance_km.is_some_and(|km| km < 30.0));
}

#[test]
fn issue_10_coordinates_choose_among_places_of_the_name_in_the_country() {
    let oder = resolved(&end("Frankfurt", "Germany", Some((52.342, 14.55))));
    assert_eq!(geonameid(&oder), Some(2925535), "{oder:?}");
    let main = resolved(&end("Frankfurt", "Germany", Some((50.11, 8.68))));
    assert_eq!(geonameid(&main), Some(2925533), "{main:?}");
    // A toss-up by name is settled by the source's coordinates.
    let springfield = resolved(&end("Springfield", "United States", Some((42.1, -72.6))));
    assert_eq!(geonameid(&springfield), Some(4951788), "{springfield:?}");
    assert!(springfield.method.ends_with("+coordinates"));
}

#[test]
fn issue_14_a_toss_up_waits_for_a_decision() {
    let springfield = end("Springfield", "United States", None);
    match resolve_with(&HashMap::new(), &springfield) {
        Outcome::Unresolved { best_guess } => {
            let guess = best_guess.expect("a best guess");
            assert!(guess.contains("ambiguous with"), "{guess}");
            assert!(guess.contains("Massachusetts"), "{guess}");
        }
        Outcome::Resolved(r) => panic!("a toss-up was resolved: {r:?}"),
    }
    let mut decisions = HashMap::new();
    decisions.insert(
        decision_key("Springfield", Some("United States")),
        Decision::Geonames(4951788),
    );
    match resolve_with(&decisions, &springfield) {
        Outcome::Resolved(r) => {
            assert_eq!(geonameid(&r), Some(4951788));
            assert_eq!(r.method, "decision");
        }
        Outcome::Unresolved { .. } => panic!("the decision was not used"),
    }
}
