//! Country fields: codes, names in many languages, variants, "Region, Country" forms and
//! subdivisions standing in for countries.

use crate::gazetteer;

/// `expected` is (ISO 3166-1 alpha-2, ISO 3166-2 subdivision), or `None` for no match.
fn check(input: &str, expected: Option<(&str, Option<&str>)>) {
    let found = gazetteer().resolve_country(input);
    let actual = found
        .as_ref()
        .map(|m| (m.iso2.as_str(), m.subdivision.as_deref()));
    assert_eq!(actual, expected, "resolve_country({input:?}) = {found:?}");
}

#[test]
fn country_names_and_variants() {
    check("Czech Republic", Some(("CZ", None)));
    check("Czechia", Some(("CZ", None)));
    check("Georgia (country)", Some(("GE", None)));
    check("Georgia", Some(("GE", None)));
    check("Republic of Ireland", Some(("IE", None)));
    check("Ireland", Some(("IE", None)));
    check("People's Republic of China", Some(("CN", None)));
    check("China", Some(("CN", None)));
    check("Taiwan", Some(("TW", None)));
    check("Republic of China", Some(("TW", None)));
    check("Kosovo", Some(("XK", None)));
    check("Macedonia", Some(("MK", None)));
    check("North Macedonia", Some(("MK", None)));
    check("Republic of Macedonia", Some(("MK", None)));
    check("Burma", Some(("MM", None)));
    check("Myanmar", Some(("MM", None)));
    check("Ivory Coast", Some(("CI", None)));
    check("Côte d'Ivoire", Some(("CI", None)));
    check("Russia", Some(("RU", None)));
    check("South Korea", Some(("KR", None)));
    check("North Korea", Some(("KP", None)));
    check("The Gambia", Some(("GM", None)));
    check("Gambia", Some(("GM", None)));
    check("Palestine", Some(("PS", None)));
    check("West Bank", Some(("PS", None)));
    check("Vatican City", Some(("VA", None)));
    check("United States of America", Some(("US", None)));
    check("United States", Some(("US", None)));
    check("East Timor", Some(("TL", None)));
    check("Cape Verde", Some(("CV", None)));
    check("Swaziland", Some(("SZ", None)));
    check("Eswatini", Some(("SZ", None)));
    check("Moldavia", Some(("MD", None)));
    check("Bosnia and Hercegovina", Some(("BA", None)));
    check("Federated States of Micronesia", Some(("FM", None)));
    check("Democratic Republic of the Congo", Some(("CD", None)));
    check("Republic of the Congo", Some(("CG", None)));
    check("Northern Cyprus", Some(("CY", None)));
    check("Western Sahara", Some(("EH", None)));
    check("Surinam", Some(("SR", None)));
}

#[test]
fn codes_and_translations() {
    check("CZ", Some(("CZ", None)));
    check("DEU", Some(("DE", None)));
    check("Tschechien", Some(("CZ", None))); // de
    check("Allemagne", Some(("DE", None))); // fr
    check("Niemcy", Some(("DE", None))); // pl
    check("Alemania", Some(("DE", None))); // es
    check("Чехия", Some(("CZ", None))); // ru
    check("中国", Some(("CN", None))); // zh_CN
    check("ドイツ", Some(("DE", None))); // ja
    check("Island", Some(("IS", None))); // de, Iceland
}

#[test]
fn misspelt_countries() {
    check("Kazakhstah", Some(("KZ", None)));
    check("Madagaskar", Some(("MG", None)));
    check("Grece", Some(("GR", None)));
    check("Japa", Some(("JP", None)));
    check("in Italy", Some(("IT", None)));
    check("", None);
    check("Atlantis", None);
}

#[test]
fn subdivisions_in_country_fields() {
    check("England", Some(("GB", Some("GB-ENG"))));
    check("England, United Kingdom", Some(("GB", Some("GB-ENG"))));
    check("Scotland", Some(("GB", Some("GB-SCT"))));
    check("Scotland, United Kingdom", Some(("GB", Some("GB-SCT"))));
    check("Wales", Some(("GB", Some("GB-WLS"))));
    check("Wales, United Kingdom", Some(("GB", Some("GB-WLS"))));
    check(
        "Northern Ireland, United Kingdom",
        Some(("GB", Some("GB-NIR"))),
    );
    check("New York, United States", Some(("US", Some("US-NY"))));
    check("Ohio, United States", Some(("US", Some("US-OH"))));
    check("Azores, Portugal", Some(("PT", Some("PT-20"))));
    check("Algarve, Portugal", Some(("PT", Some("PT-08"))));
    check("Brandenburg, Germany", Some(("DE", Some("DE-BB"))));
    check("Lower Saxony, Germany", Some(("DE", Some("DE-NI"))));
    check(
        "Mecklenburg-Vorpommern, Germany",
        Some(("DE", Some("DE-MV"))),
    );
    check("Rauma, Norway", Some(("NO", None))); // a city, not a subdivision: country only
}

#[test]
fn overseas_parts_become_their_own_codes() {
    check("Réunion, France", Some(("RE", Some("FR-974"))));
    check("Guadeloupe, France", Some(("GP", Some("FR-971"))));
    check("French Guiana, France", Some(("GF", Some("FR-973"))));
    check("Åland Islands, Finland", Some(("AX", Some("FI-01"))));
}

#[test]
fn wales_and_wales_united_kingdom_are_the_same() {
    let a = gazetteer().resolve_country("Wales");
    let b = gazetteer().resolve_country("Wales, United Kingdom");
    let key = |m: Option<polis_gazetteer::CountryMatch>| m.map(|m| (m.iso2, m.subdivision));
    assert_eq!(key(a), key(b));
}

#[test]
fn country_records_have_names_in_major_languages() {
    let czechia = gazetteer().country("CZ").expect("CZ is a country");
    assert_eq!(czechia.iso3, "CZE");
    assert_eq!(czechia.official_name.as_deref(), Some("Czech Republic"));
    for language in [
        "de", "fr", "es", "it", "pl", "pt", "ru", "zh_CN", "ja", "cs", "nl",
    ] {
        assert!(
            czechia.names.iter().any(|(lang, _)| lang == language),
            "no {language} name for CZ"
        );
    }
    assert!(gazetteer().countries().count() >= 249);
}
