//! Issue 14 §1: the row's own context decides, for one name too. `polis resolve NAME --lat
//! --lon --population`, `/api/v1/resolve?lat=&lon=&population=` and the `/resolve` page ask
//! the one use case with a source's coordinates or population, and see what an import of
//! such a row would take, and why.

use polis_app::{NameQuery, Resolver, Verdict};

fn ask(
    name: &str,
    country: &str,
    lat: Option<f64>,
    lon: Option<f64>,
    people: Option<u64>,
) -> polis_app::Resolution {
    let query = NameQuery::new(name, Some(country))
        .and_then(|q| q.with_context(lat, lon, people))
        .expect("a valid question");
    Resolver::new(None)
        .resolution(&query, 5)
        .expect("an answer")
}

#[test]
fn issue_14_coordinates_or_a_population_decide_a_names_answer() {
    let springfield = ask(
        "Springfield",
        "United States",
        Some(42.10),
        Some(-72.59),
        None,
    );
    assert_eq!(
        springfield.verdict,
        Some(Verdict::Confident),
        "{springfield:#?}"
    );
    let best = &springfield.candidates[0];
    assert_eq!(best.candidate.admin1.as_deref(), Some("Massachusetts"));
    assert!(best.candidate.explanation.contains("coordinates chose it"));
    assert_eq!(
        (springfield.lat, springfield.lon),
        (Some(42.10), Some(-72.59))
    );
    assert!(
        springfield.summary.contains("Springfield, Massachusetts"),
        "{}",
        springfield.summary
    );

    let halle = ask("Halle", "Germany", None, None, Some(237_000));
    assert_eq!(halle.candidates[0].candidate.name, "Halle (Saale)");
    assert_eq!(halle.verdict, Some(Verdict::Confident));
    // The answer by name that the count passed over is no answer here.
    assert!(
        halle.candidates[1..]
            .iter()
            .all(|c| !c.verdict.is_confident()),
        "{halle:#?}"
    );
    assert_eq!(halle.population, Some(237_000));

    let olfen = ask("Olfen", "Germany", None, None, Some(400));
    assert_eq!(olfen.verdict, Some(Verdict::BestGuess), "{olfen:#?}");
    assert!(
        olfen.summary.starts_with("Not resolved"),
        "{}",
        olfen.summary
    );
}

#[test]
fn issue_14_a_names_context_is_checked_naming_its_field() {
    let refused = |lat, lon| {
        NameQuery::new("Olfen", Some("Germany"))
            .and_then(|q| q.with_context(lat, lon, None))
            .expect_err("refused")
    };
    let error = refused(Some(91.0), Some(7.0));
    assert_eq!(error.field, "lat");
    assert!(
        error.message.contains("91") && error.message.contains("-90 to 90"),
        "{error}"
    );
    assert_eq!(refused(Some(51.0), Some(-181.0)).field, "lon");
    assert_eq!(refused(Some(51.0), None).field, "lon");
    assert_eq!(refused(None, Some(7.0)).field, "lat");
    assert_eq!(refused(Some(f64::NAN), Some(7.0)).field, "lat");
    // Zero people is no count, and no context is the plain question.
    let zero = NameQuery::new("Olfen", Some("Germany"))
        .and_then(|q| q.with_context(None, None, Some(0)))
        .expect("valid");
    assert_eq!(zero.population(), None);
    assert_eq!(
        zero,
        NameQuery::new("Olfen", Some("Germany")).expect("valid")
    );
}
