//! Issue 14 §1: the row's own context decides. A source's population, where it gives one
//! and no coordinates, chooses among the places a name designates in the stated country,
//! leaves the answer by name standing when it agrees, and makes an answer by name whose
//! population is ten times off a guess. Coordinates, where given, decide first.

use std::collections::HashMap;

use polis_core::Dataset;
use polis_gazetteer::Gazetteer;
use polis_import::RawEnd;
use polis_import::resolve::{Outcome, Resolver, SourceHints, Target, row_answer};

const HALLE_SAALE: u32 = 2911522;
const HALLE_WESTFALEN: u32 = 2911520;
const OLFEN: u32 = 2857363;

fn gazetteer() -> &'static Gazetteer {
    Gazetteer::embedded().expect("the embedded gazetteer loads")
}

fn end(name: &str, country: &str, population: Option<u64>) -> RawEnd {
    RawEnd {
        name: name.to_owned(),
        country: Some(country.to_owned()),
        population,
        ..RawEnd::default()
    }
}

/// The GeoNames id and method an import gives the end, or `None` with the best guess.
fn resolve(resolver: &mut Resolver<'_>, end: &RawEnd) -> Result<(u32, String), String> {
    match resolver.resolve(end, None) {
        Outcome::Resolved(resolution) => match &resolution.target {
            Target::Gazetteer(place) => Ok((place.geonameid.unwrap_or(0), resolution.method)),
            other => panic!("{end:?}: not a gazetteer place: {other:?}"),
        },
        Outcome::Unresolved { best_guess } => Err(best_guess.unwrap_or_default()),
    }
}

#[test]
fn issue_14_the_sources_population_chooses_among_places_of_the_name() {
    let dataset = Dataset::default();
    let decisions = HashMap::new();
    let mut resolver = Resolver::new(gazetteer(), &dataset, &decisions);
    // By name, "Halle" is Halle (Westf.), whose main name it is; a source that counts
    // 237,000 people means Halle (Saale).
    let (saale, method) = resolve(&mut resolver, &end("Halle", "Germany", Some(237_000)))
        .expect("the population decides");
    assert_eq!(saale, HALLE_SAALE, "{method}");
    assert!(method.ends_with("+population"), "{method}");
    // A count that agrees with the answer by name leaves it as it is, without the flag; the
    // two rows of one name are remembered apart.
    let (westfalen, method) =
        resolve(&mut resolver, &end("Halle", "Germany", Some(22_000))).expect("resolves by name");
    assert_eq!(westfalen, HALLE_WESTFALEN);
    assert!(!method.contains("population"), "{method}");
    let (by_name, _) = resolve(&mut resolver, &end("Halle", "Germany", None)).expect("by name");
    assert_eq!(by_name, HALLE_WESTFALEN);
    // A count between two places that both agree with it chooses neither: Springfield of
    // Missouri and of Massachusetts have 170,000 and 154,000 people.
    let springfield = resolve(
        &mut resolver,
        &end("Springfield", "United States", Some(160_000)),
    );
    assert!(springfield.is_err(), "{springfield:?}");
}

#[test]
fn issue_14_a_population_ten_times_off_makes_the_answer_a_guess() {
    let dataset = Dataset::default();
    let decisions = HashMap::new();
    let mut resolver = Resolver::new(gazetteer(), &dataset, &decisions);
    // Olfen in North Rhine-Westphalia has 12,133 people; a source's Olfen of 400 is a
    // namesake the gazetteer does not list.
    let guess =
        resolve(&mut resolver, &end("Olfen", "Germany", Some(400))).expect_err("not confident");
    assert!(
        guess.contains("Olfen") && guess.contains("400") && guess.contains("12,133"),
        "{guess}"
    );
    // Within ten times, the answer by name stands.
    let (olfen, _) =
        resolve(&mut resolver, &end("Olfen", "Germany", Some(2_000))).expect("within ten times");
    assert_eq!(olfen, OLFEN);
    // Zero people is no count.
    let (olfen, _) = resolve(&mut resolver, &end("Olfen", "Germany", Some(0))).expect("no count");
    assert_eq!(olfen, OLFEN);
}

#[test]
fn issue_14_coordinates_decide_before_the_population() {
    let dataset = Dataset::default();
    let decisions = HashMap::new();
    let mut resolver = Resolver::new(gazetteer(), &dataset, &decisions);
    let mut row = end("Halle", "Germany", Some(237_000));
    row.lat = Some(52.06);
    row.lon = Some(8.36);
    let (place, method) = resolve(&mut resolver, &row).expect("the coordinates decide");
    assert_eq!(place, HALLE_WESTFALEN, "{method}");
}

#[test]
fn issue_14_prefill_keeps_rows_with_other_populations_apart() {
    let dataset = Dataset::default();
    let decisions = HashMap::new();
    let mut resolver = Resolver::new(gazetteer(), &dataset, &decisions);
    let rows = [
        end("Halle", "Germany", Some(237_000)),
        end("Halle", "Germany", Some(22_000)),
    ];
    resolver.prefill(rows.iter().map(|r| (r, None)));
    assert_eq!(
        resolve(&mut resolver, &rows[0]).map(|r| r.0),
        Ok(HALLE_SAALE)
    );
    assert_eq!(
        resolve(&mut resolver, &rows[1]).map(|r| r.0),
        Ok(HALLE_WESTFALEN)
    );
}

#[test]
fn issue_14_a_rows_population_in_resolve_file_answers() {
    let hints = |population| SourceHints {
        coordinates: None,
        population,
    };
    let saale = row_answer(gazetteer(), "Halle", Some("Germany"), hints(Some(237_000)));
    assert!(saale.by_population, "{saale:?}");
    assert_eq!(
        saale.best.as_ref().and_then(|b| b.geonames),
        Some(HALLE_SAALE)
    );
    let olfen = row_answer(gazetteer(), "Olfen", Some("Germany"), hints(Some(400)));
    assert!(
        olfen.best.is_none() && olfen.population_disagrees,
        "{olfen:?}"
    );
    let guess = olfen.best_guess.expect("the answer by name is the guess");
    assert_eq!(guess.geonames, Some(OLFEN));
    assert!(!guess.confident && guess.confidence < 0.5, "{guess:?}");
    assert!(guess.explanation.contains("400"), "{}", guess.explanation);
}

/// What `polis resolve NAME` shows with a source's coordinates or population: the place they
/// choose first and confident, an answer they contradict a guess, each saying why.
#[test]
fn issue_14_a_names_candidates_in_the_sources_context() {
    use polis_import::resolve::{candidate_views, candidate_views_in_context};
    let views = |name: &str, country: &str, hints: SourceHints| {
        candidate_views_in_context(gazetteer(), name, Some(country), hints, 5)
    };
    let at = |lat, lon| SourceHints {
        coordinates: Some((lat, lon)),
        population: None,
    };
    let people = |n| SourceHints {
        coordinates: None,
        population: Some(n),
    };
    let springfield = views("Springfield", "United States", at(42.10, -72.59));
    assert_eq!(springfield[0].admin1.as_deref(), Some("Massachusetts"));
    assert!(springfield[0].confident, "{:?}", springfield[0]);
    assert!(springfield[0].explanation.contains("coordinates chose it"));
    assert!(springfield[1..].iter().all(|v| !v.confident));

    let halle = views("Halle", "Germany", people(237_000));
    assert_eq!(halle[0].geonames, Some(HALLE_SAALE));
    assert!(
        halle[0]
            .explanation
            .contains("population (237,000) chose it")
    );
    // Halle (Westf.), the answer by name, is passed over: a guess here.
    assert!(halle[1..].iter().all(|v| !v.confident), "{halle:?}");
    assert!(
        halle[1..]
            .iter()
            .any(|v| v.explanation.contains("chose another place of the name"))
    );

    let olfen = views("Olfen", "Germany", people(400));
    assert_eq!(olfen[0].geonames, Some(OLFEN));
    assert!(!olfen[0].confident && olfen[0].explanation.contains("not confident"));

    let prague = views("Praha", "Czech Republic", at(48.85, 2.35));
    assert!(!prague[0].confident, "{:?}", prague[0]);
    assert!(
        prague[0]
            .explanation
            .contains("km from the source's coordinates")
    );

    // No context: the same as without it.
    let plain: Vec<_> = candidate_views(gazetteer(), "Halle", Some("Germany"), 5)
        .into_iter()
        .map(|v| v.geonames)
        .collect();
    let empty: Vec<_> = views("Halle", "Germany", SourceHints::default())
        .into_iter()
        .map(|v| v.geonames)
        .collect();
    assert_eq!(plain, empty);
}
