//! Qualifier stripping, and property tests of it. Folding is `polis_core::text::fold`,
//! tested in polis-core.

use polis_gazetteer::{LevelHint, strip_qualifiers};
use proptest::prelude::*;

/// `expected` is (name, level hint, disambiguator).
fn check_qualifiers(input: &str, expected: (&str, Option<LevelHint>, Option<&str>)) {
    let q = strip_qualifiers(input);
    assert_eq!(
        (q.name.as_str(), q.level_hint, q.disambiguator.as_deref()),
        expected,
        "strip_qualifiers({input:?})"
    );
}

#[test]
fn qualifier_cases() {
    check_qualifiers(
        "Gmina Zamość (rural gmina)",
        ("Zamość", Some(LevelHint::RuralGmina), None),
    );
    check_qualifiers(
        "Kłodzko (urban gmina)",
        ("Kłodzko", Some(LevelHint::UrbanGmina), None),
    );
    check_qualifiers(
        "Zhejiang Province",
        ("Zhejiang", Some(LevelHint::Province), None),
    );
    check_qualifiers(
        "Chesterfield County",
        ("Chesterfield", Some(LevelHint::County), None),
    );
    check_qualifiers(
        "Kyoto Prefecture",
        ("Kyoto", Some(LevelHint::Prefecture), None),
    );
    check_qualifiers("Moscow Oblast", ("Moscow", Some(LevelHint::Oblast), None));
    check_qualifiers(
        "Jelgava Municipality",
        ("Jelgava", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Vilnius District Municipality",
        ("Vilnius", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Porkhovsky District",
        ("Porkhovsky", Some(LevelHint::District), None),
    );
    check_qualifiers("Malacca City", ("Malacca", Some(LevelHint::City), None));
    check_qualifiers(
        "County Kilkenny",
        ("Kilkenny", Some(LevelHint::County), None),
    );
    check_qualifiers(
        "Georgia (country)",
        ("Georgia", Some(LevelHint::Country), None),
    );
    check_qualifiers("Newport (Wales)", ("Newport", None, Some("Wales")));
    check_qualifiers(
        "Schwalm-Eder (district)",
        ("Schwalm-Eder", Some(LevelHint::District), None),
    );
    check_qualifiers("Prague 1 (Prague)", ("Prague 1", None, Some("Prague")));
    // Designators of second-level units in their own languages.
    check_qualifiers(
        "Partido de Almirante Brown",
        ("Almirante Brown", Some(LevelHint::District), None),
    );
    check_qualifiers(
        "Almirante Brown Partido",
        ("Almirante Brown", Some(LevelHint::District), None),
    );
    check_qualifiers(
        "Departamento de Almirante Brown",
        ("Almirante Brown", Some(LevelHint::Department), None),
    );
    check_qualifiers(
        "Bashkia Dropull",
        ("Dropull", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Bashkia e Tiranës",
        ("Tiranës", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Mateh Yehuda Regional Council",
        ("Mateh Yehuda", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Dimos Athens",
        ("Athens", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Obshtina Varna",
        ("Varna", Some(LevelHint::Municipality), None),
    );
    check_qualifiers(
        "Krymsky District",
        ("Krymsky", Some(LevelHint::District), None),
    );
    check_qualifiers(
        "Municipality of Chatham-Kent",
        ("Chatham-Kent", Some(LevelHint::Municipality), None),
    );
    check_qualifiers("Partido", ("Partido", None, None)); // nothing would be left
    check_qualifiers("Paris", ("Paris", None, None));
    check_qualifiers("City", ("City", None, None)); // nothing would be left
    check_qualifiers("(rural gmina)", ("(rural gmina)", None, None));
}

#[test]
fn level_hints_name_levels() {
    use polis_gazetteer::Level;
    assert_eq!(LevelHint::Province.level(), Level::Region);
    assert_eq!(LevelHint::County.level(), Level::County);
    assert_eq!(LevelHint::RuralGmina.level(), Level::Municipality);
    assert_eq!(LevelHint::City.level(), Level::City);
}

proptest! {
    #[test]
    fn strip_qualifiers_handles_any_unicode(text in any::<String>()) {
        let q = strip_qualifiers(&text);
        // What is left is a trimmed piece of the input, never invented text.
        prop_assert_eq!(q.name.trim(), q.name.as_str());
        prop_assert!(q.name.split_whitespace().all(|word| text.contains(word)));
    }

    #[test]
    fn strip_qualifiers_of_mixed_scripts(text in "[a-zA-ZÀ-ÿĀ-žȘșȚțßłŁøæ北京市プラハКиїв서울 ()\\-'’.,]{0,30}( (Province|County|District))?") {
        let q = strip_qualifiers(&text);
        prop_assert!(q.name.split_whitespace().all(|word| text.contains(word)));
    }
}
