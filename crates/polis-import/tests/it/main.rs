//! Integration tests of polis-import through its public API: the keys remembered decisions
//! are stored under, and finding a decision recorded by an older polis. With the `openapi`
//! feature, the schema of the resolution candidates is checked against real candidates.

#[cfg(feature = "openapi")]
mod schemas;

mod claims;
mod coordinates;
mod file_context;
mod lines;
mod namesakes;
mod population;

use std::collections::HashMap;

use polis_import::Decision;
use polis_import::resolve::{decision_key, find_decision, legacy_decision_key};

fn check_key(name: &str, country: Option<&str>, expected: &str) {
    assert_eq!(
        decision_key(name, country),
        expected,
        "decision_key({name:?}, {country:?})"
    );
}

#[test]
fn decision_keys_are_folded_names() {
    check_key("Plzeň", Some("Czech Republic"), "plzen|czech republic");
    check_key("  PLZEN ", Some("czech  republic"), "plzen|czech republic");
    check_key("Chişinău", Some("Moldova"), "chisinau|moldova");
    check_key("Chișinău", Some("Moldova"), "chisinau|moldova");
    check_key("Łódź", None, "lodz|");
    check_key("北京市", Some("中国"), "北 京 市|中 国");
    check_key("Київ", Some("Україна"), "київ|україна");
    // One fold everywhere: the key is what the gazetteer matches, so a decision for a Latin
    // name never answers for a transliteration of another script.
    assert_ne!(decision_key("布拉格", None), decision_key("Bu La Ge", None));
    assert_ne!(decision_key("Прага", None), decision_key("Praga", None));
}

/// What the keys were before the folds were merged, for the names that had them.
#[test]
fn latin_and_cjk_names_keep_their_old_keys() {
    for (name, country) in [
        ("Plzeň", Some("Czech Republic")),
        ("Straße", Some("Deutschland")),
        ("Tromsø", Some("Norway")),
        ("北京市", Some("China")),
        ("布拉格", None),
        ("서울특별시", Some("South Korea")),
    ] {
        assert_eq!(legacy_decision_key(name, country), None, "{name}");
    }
}

#[test]
fn other_scripts_had_transliterated_keys() {
    assert_eq!(
        legacy_decision_key("Київ", Some("Україна")).as_deref(),
        Some("kiyiv|ukrayina")
    );
    assert_eq!(
        legacy_decision_key("Αθήνα", Some("Greece")).as_deref(),
        Some("athena|greece")
    );
    assert_eq!(
        legacy_decision_key("Kyiv", Some("Україна")).as_deref(),
        Some("kyiv|ukrayina")
    );
    assert_eq!(legacy_decision_key("Kyiv", Some("Ukraine")), None);
}

#[test]
fn decisions_under_old_keys_are_still_found() {
    let old_key = legacy_decision_key("Київ", Some("Україна")).unwrap_or_default();
    let decisions = HashMap::from([
        (old_key, Decision::Geonames(703448)),
        (
            decision_key("Plzeň", Some("CZ")),
            Decision::Place("plzen".into()),
        ),
    ]);
    assert_eq!(
        find_decision(&decisions, "Київ", Some("Україна")),
        Some(&Decision::Geonames(703448))
    );
    assert_eq!(
        find_decision(&decisions, "КИЇВ", Some("УКРАЇНА")),
        Some(&Decision::Geonames(703448))
    );
    assert_eq!(
        find_decision(&decisions, "Plzen", Some("cz")),
        Some(&Decision::Place("plzen".into()))
    );
    assert_eq!(find_decision(&decisions, "Київ", None), None);
    assert_eq!(find_decision(&decisions, "Lviv", Some("Україна")), None);
}

#[test]
fn a_current_key_wins_over_an_old_one() {
    let decisions = HashMap::from([
        (
            legacy_decision_key("Київ", None).unwrap_or_default(),
            Decision::Geonames(1),
        ),
        (decision_key("Київ", None), Decision::Geonames(703448)),
    ]);
    assert_eq!(
        find_decision(&decisions, "Київ", None),
        Some(&Decision::Geonames(703448))
    );
}
