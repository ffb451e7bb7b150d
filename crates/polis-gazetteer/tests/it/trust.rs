//! Issue 14: resolution you can trust. Toss-ups between places of one name are not
//! confident and say so, until the name's own context decides; romanised East Asian and
//! Arabic names match in their other spellings; a syllable does not cross a border; a
//! source's country that claims a contested territory still finds the place; a name found
//! only in a neighbouring country is a guess.

use polis_gazetteer::{Candidate, Evidence, MIN_CONFIDENCE};

use crate::gazetteer;

const SPRINGFIELD_MISSOURI: u32 = 4409896;
const SPRINGFIELD_MASSACHUSETTS: u32 = 4951788;
const TAIZHOU_JIANGSU: u32 = 1793505;
const TAIZHOU_ZHEJIANG: u32 = 8400694;
const FRANKFURT_AM_MAIN: u32 = 2925533;
const FRANKFURT_ODER: u32 = 2925535;

fn candidates(name: &str, country: &str) -> Vec<Candidate> {
    gazetteer().resolve(name, Some(country))
}

fn describe(found: &[Candidate]) -> String {
    found
        .iter()
        .map(|c| format!("{} {:.2} {}", c.place.name, c.confidence, c.explanation()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The name alone is a toss-up: no candidate is confident, the best lists its rivals by
/// region, and each of `ids` is among the top candidates and would be taken if the context
/// chose it.
fn check_ambiguous(name: &str, country: &str, ids: &[u32], rival_regions: &[&str]) {
    let found = candidates(name, country);
    assert!(
        found.iter().all(|c| c.confidence < MIN_CONFIDENCE),
        "{name}: nothing may be confident:\n{}",
        describe(&found)
    );
    let rivals = found[0].ambiguous_with().join("; ");
    for region in rival_regions {
        assert!(
            rivals.contains(region),
            "{name}: rivals {rivals:?} lack {region}"
        );
    }
    assert!(
        found[0].explanation().contains("ambiguous"),
        "{}",
        describe(&found)
    );
    for id in ids {
        let candidate = found
            .iter()
            .find(|c| c.place.geonameid == Some(*id))
            .unwrap_or_else(|| panic!("{name}: {id} missing:\n{}", describe(&found)));
        assert!(candidate.is_confident_if_decided(), "{}", describe(&found));
    }
}

fn check_best(name: &str, country: &str, id: u32) {
    let best = gazetteer().resolve_best(name, Some(country));
    assert_eq!(
        best.as_ref().and_then(|c| c.place.geonameid),
        Some(id),
        "{name} ({country}):\n{}",
        describe(&candidates(name, country))
    );
    assert!(best.is_some_and(|c| c.ambiguous_with().is_empty()));
}

#[test]
fn issue_14_close_homonyms_are_not_confident() {
    check_ambiguous(
        "Springfield",
        "United States",
        &[SPRINGFIELD_MISSOURI, SPRINGFIELD_MASSACHUSETTS],
        &["Massachusetts", "Illinois"],
    );
    check_ambiguous(
        "Taizhou",
        "China",
        &[TAIZHOU_JIANGSU, TAIZHOU_ZHEJIANG],
        &["Zhejiang"],
    );
}

#[test]
fn issue_14_the_names_own_context_decides() {
    check_best(
        "Springfield, Massachusetts",
        "United States",
        SPRINGFIELD_MASSACHUSETTS,
    );
    check_best(
        "Springfield, Missouri",
        "United States",
        SPRINGFIELD_MISSOURI,
    );
    check_best("Taizhou (Zhejiang)", "China", TAIZHOU_ZHEJIANG);
    check_best("Taizhou, Jiangsu", "China", TAIZHOU_JIANGSU);
    check_best(
        "Springfield",
        "Massachusetts, United States",
        SPRINGFIELD_MASSACHUSETTS,
    );
}

#[test]
fn issue_14_a_dominant_place_or_the_exact_name_is_no_toss_up() {
    // Frankfurt am Main has ten times the people of Frankfurt (Oder).
    check_best("Frankfurt", "Germany", FRANKFURT_AM_MAIN);
    // The source wrote Frankfurt (Oder)'s own name: the bigger city reached only through the
    // shortened "Frankfurt" is no rival.
    check_best("Frankfurt (Oder)", "Germany", FRANKFURT_ODER);
    // Paris, France dwarfs the Parises of Texas and Tennessee.
    check_best("Paris", "France", 2988507);
}

fn check_romanised(name: &str, country: &str, expected_name: &str) {
    let best = gazetteer().resolve_best(name, Some(country));
    assert_eq!(
        best.as_ref().map(|c| c.place.name.as_str()),
        Some(expected_name),
        "{name} ({country}):\n{}",
        describe(&candidates(name, country))
    );
}

#[test]
fn issue_14_romanisation_variants() {
    // Korean: syllables hyphenated or not, the -si and -gun designators.
    check_romanised("Su-won", "South Korea", "Suwon");
    check_romanised("Chang-won", "South Korea", "Changwon");
    check_romanised("Changwon-si", "South Korea", "Changwon");
    check_romanised("Suwon-si", "South Korea", "Suwon");
    // Japanese: -shi, -machi, and long vowels written double or with a macron.
    check_romanised("Chōfu-shi", "Japan", "Chōfu");
    check_romanised("Choufu", "Japan", "Chōfu");
    check_romanised("Koube", "Japan", "Kobe");
    check_romanised("Hakone-machi", "Japan", "Hakone");
    // Chinese pinyin with Shi as a word.
    check_romanised("Kunshan Shi", "China", "Kunshan");
    check_romanised("Yixing Shi", "China", "Yixing");
    // Arabic articles.
    check_romanised("Al Jadida", "Morocco", "El Jadida");
    let variant = gazetteer()
        .resolve_best("Al Jadida", Some("Morocco"))
        .is_some_and(|c| {
            c.evidence
                .iter()
                .any(|e| matches!(e, Evidence::RomanisationVariant { .. }))
        });
    assert!(variant, "the match says it was a romanisation variant");
}

#[test]
fn issue_14_a_syllable_never_crosses_a_border_through_an_alternate_name() {
    for found in [candidates("Sō", "Japan"), candidates("So", "Japan")] {
        assert!(
            found.iter().all(|c| c.place.country == "JP"),
            "{}",
            describe(&found)
        );
    }
}

fn claim(candidate: &Candidate) -> Option<(String, String)> {
    candidate.evidence.iter().find_map(|e| match e {
        Evidence::SovereigntyClaim {
            claimed_by,
            filed_under,
            ..
        } => Some((claimed_by.clone(), filed_under.clone())),
        _ => None,
    })
}

#[test]
fn issue_14_sovereignty_claims_resolve_to_the_place_and_say_so() {
    for (name, country, filed_under) in [
        ("Simferopol", "Russia", "UA"),
        ("Sevastopol", "Russia", "UA"),
        ("Sukhumi", "Russia", "GE"),
        ("Taipei", "China", "TW"),
    ] {
        let best = gazetteer()
            .resolve_best(name, Some(country))
            .unwrap_or_else(|| panic!("{name}:\n{}", describe(&candidates(name, country))));
        assert_eq!(best.place.country, filed_under, "{name}");
        let (claimed_by, filed) = claim(&best).expect("the claim is in the evidence");
        assert_eq!(filed, filed_under);
        assert!(
            best.explanation().contains("sovereignty claim"),
            "{}",
            best.explanation()
        );
        assert_eq!(claimed_by.len(), 2);
    }
    // No claim covers Simferopol for Poland, nor the rest of Ukraine for Russia.
    assert!(
        gazetteer()
            .resolve_best("Simferopol", Some("Poland"))
            .is_none()
    );
    assert!(gazetteer().resolve_best("Lviv", Some("Russia")).is_none());
}

#[test]
fn issue_14_a_name_only_in_a_neighbouring_country_is_a_guess() {
    assert!(gazetteer().are_neighbours("DE", "FR"));
    assert!(gazetteer().are_neighbours("UA", "RU"));
    assert!(!gazetteer().are_neighbours("DE", "JP"));
    assert!(!gazetteer().are_neighbours("GB", "AU"));
    // Gorizia is Italian; Nova Gorica across the border is Slovenian.
    let found = candidates("Gorizia", "Slovenia");
    let best = &found[0];
    assert_eq!(best.place.country, "IT", "{}", describe(&found));
    assert!(!best.is_confident(), "{}", describe(&found));
    assert!(
        best.evidence
            .iter()
            .any(|e| matches!(e, Evidence::NeighbouringCountry { .. })),
        "{}",
        best.explanation()
    );
    assert!(best.explanation().contains("neighbour"));
}

const BAD_ESSEN: u32 = 2953464;
const NIENBURG_SAALE: u32 = 2862621;

#[test]
fn issue_14_the_name_as_written_is_not_diluted_by_shortened_matches() {
    // "Bad Essen" also reaches Essen (593,085 people) by dropping "Bad"; the place spelt as
    // written is the answer, not a guess among them.
    check_best("Bad Essen", "Germany", BAD_ESSEN);
    // "Nienburg (Saale)" is Nienburg/Saale, not Nienburg (Weser) with the qualifier dropped.
    check_best("Nienburg (Saale)", "Germany", NIENBURG_SAALE);
}

#[test]
fn issue_14_a_river_in_parentheses_is_no_parent_place() {
    // A river or lake in parentheses is no parent place: the town of the name is not dropped
    // for a village called Elbe or Bodensee (a parent is larger than its district).
    for (name, not) in [("Aken (Elbe)", "Elbe"), ("Lindau (Bodensee)", "Bodensee")] {
        let found = candidates(name, "Germany");
        assert!(
            found
                .iter()
                .all(|c| c.place.name != not || !c.is_confident()),
            "{name}:\n{}",
            describe(&found)
        );
    }
    // A real parent still stands for a district the gazetteer lacks.
    let chaoyang = gazetteer().resolve_best("Chaoyang (Beijing)", Some("China"));
    assert_eq!(chaoyang.map(|c| c.place.name), Some("Beijing".to_owned()));
}

#[test]
fn issue_14_a_place_and_an_overseas_namesake_are_a_toss_up() {
    // Saint-Pierre on Réunion (84,077 people) and in Provence: the name alone does not say.
    let found = candidates("Saint-Pierre", "France");
    assert!(
        found.iter().all(|c| !c.is_confident()),
        "{}",
        describe(&found)
    );
    assert!(found[0].explanation().contains("ambiguous"));
    // An overseas town with no namesake in France itself stays confident.
    let papeete = gazetteer().resolve_best("Papeete", Some("France"));
    assert_eq!(papeete.map(|c| c.place.country), Some("PF".to_owned()));
}

#[test]
fn issue_14_spelt_as_written_only_across_the_border_is_a_guess() {
    // The source says Sweden; Sweden has Kåge (by folding), Denmark has Køge as written.
    let found = candidates("Køge", "Sweden");
    assert!(
        found.iter().all(|c| !c.is_confident()),
        "{}",
        describe(&found)
    );
    assert!(
        found[0].explanation().contains("neighbouring country"),
        "{}",
        describe(&found)
    );
    // Stated in Denmark, it is Køge.
    let koge = gazetteer().resolve_best("Køge", Some("Denmark"));
    assert_eq!(koge.map(|c| c.place.country), Some("DK".to_owned()));
}

/// A place the whole name names, even one of several namesakes, is what "Grand Island"
/// means: no metropolitan government seated in a village called Island (it was one, 1,358 km
/// from the Nebraska city). A designated government without a seat that the gazetteer lists
/// as a unit is that unit, which has a point to draw.
#[test]
fn issue_14_a_namesake_or_a_listed_unit_is_no_seatless_metropolitan() {
    let g = gazetteer();
    assert!(
        g.resolve_metropolitan_near("Grand Island", Some("United States"), None)
            .is_none()
    );
    let grand_island = candidates("Grand Island", "United States");
    assert!(
        !grand_island[0].is_confident(),
        "{}",
        describe(&grand_island)
    );
    assert!(!grand_island[0].ambiguous_with().is_empty());

    let name = "Nelson Mandela Bay Metropolitan Municipality";
    assert!(
        g.resolve_metropolitan_near(name, Some("South Africa"), None)
            .is_none()
    );
    let found = candidates(name, "South Africa");
    assert!(
        found[0].is_confident() && found[0].place.lat.is_some(),
        "{}",
        describe(&found)
    );
    // A designated government whose core names a city keeps its seat.
    assert!(
        g.resolve_metropolitan_near("Métropole de Lyon", Some("France"), None)
            .and_then(|m| m.seat)
            .is_some_and(|seat| seat.name == "Lyon")
    );
}
