//! Normalisation: fold, search_key, qualifier stripping, and property tests.

use polis_gazetteer::{LevelHint, fold, search_key, strip_qualifiers};
use proptest::prelude::*;

fn check_fold(input: &str, expected: &str) {
    assert_eq!(fold(input), expected, "fold({input:?})");
}

fn check_search_key(input: &str, expected: &str) {
    assert_eq!(search_key(input), expected, "search_key({input:?})");
}

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
fn fold_cases() {
    check_fold("Chişinău", "chisinau"); // s-cedilla, a-breve
    check_fold("Chișinău", "chisinau"); // s-comma-below
    check_fold("Timişoara", "timisoara");
    check_fold("Târgu Mureș", "targu mures");
    check_fold("Constanţa", "constanta"); // t-cedilla
    check_fold("Constanța", "constanta"); // t-comma-below
    check_fold("Łódź", "lodz");
    check_fold("Straße", "strasse");
    check_fold("Großräschen", "grossraschen");
    check_fold("Tromsø", "tromso");
    check_fold("Ærø", "aero");
    check_fold("Plzeň", "plzen");
    check_fold("Þórshöfn", "thorshofn");
    check_fold("Saint-Étienne", "saint etienne");
    check_fold("  L'Aquila ", "l aquila");
    check_fold("Frankfurt (Oder)", "frankfurt oder");
    check_fold("Ｔｏｋｙｏ", "tokyo"); // full-width, NFKC
    check_fold("Київ", "київ"); // other scripts are kept, lower-cased
    check_fold("ΑΘΗΝΑΣ", "αθηνασ"); // final sigma folds like sigma
    check_fold("北京市", "北京市");
    check_fold("İstanbul", "istanbul");
    check_fold("Tōkyō", "tokyo");
    check_fold("Hà Nội", "ha noi");
    check_fold("", "");
    check_fold(" - ", "");
}

#[test]
fn search_key_cases() {
    check_search_key("北京市", "北 京 市");
    check_search_key("布拉格", "布 拉 格");
    check_search_key("東京都 Tokyo", "東 京 都 tokyo");
    check_search_key("プラハ", "プ ラ ハ");
    check_search_key("Plzeň", "plzen");
    check_search_key("서울", "서울"); // hangul words keep their spaces, not per syllable
    check_search_key("Київ", "київ");
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
    fn fold_never_panics_and_is_idempotent(text in "\\PC{0,40}") {
        let once = fold(&text);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn search_key_never_panics_and_is_idempotent(text in "\\PC{0,40}") {
        let once = search_key(&text);
        prop_assert_eq!(search_key(&once), once);
    }

    #[test]
    fn fold_handles_any_unicode(text in any::<String>()) {
        let once = fold(&text);
        prop_assert_eq!(fold(&once), once);
        let _ = strip_qualifiers(&text);
    }

    #[test]
    fn fold_of_mixed_scripts_is_idempotent(text in "[a-zA-ZÀ-ÿĀ-žȘșȚțßłŁøæ北京市プラハКиїв서울 ()\\-'’.,]{0,30}") {
        let once = fold(&text);
        prop_assert_eq!(fold(&once), once.clone());
        let key = search_key(&text);
        prop_assert_eq!(search_key(&key), key);
    }
}
