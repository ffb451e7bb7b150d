//! Issue 14: `polis resolve --file` numbers each row by its physical line, whether the file
//! ends its lines with LF or CRLF (as Excel and Python's csv module write it), begins with a
//! byte-order mark, or has a quoted name that spans lines; and says why a toss-up is none.

use polis_app::Resolver;

#[test]
fn issue_14_resolve_file_lines() {
    let text =
        "name,country\n\"Paris\n\",France\nPraha,Czech Republic\n\nSpringfield,United States\n";
    let crlf = text.replace('\n', "\r\n");
    for (label, bytes) in [
        ("LF", text.as_bytes().to_vec()),
        ("CRLF", crlf.as_bytes().to_vec()),
        ("BOM+LF", format!("\u{feff}{text}").into_bytes()),
        ("BOM+CRLF", format!("\u{feff}{crlf}").into_bytes()),
    ] {
        let rows = Resolver::new(None)
            .resolve_rows("names.csv", &bytes)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6], "{label}");
        assert!(rows[1].resolved, "{label}: Praha resolves");
        let springfield = &rows[2];
        assert!(!springfield.resolved, "{label}: Springfield is a toss-up");
        let guess = springfield.best_guess.as_ref().expect("a best guess");
        assert!(
            guess
                .ambiguous_with
                .iter()
                .any(|r| r.contains("Massachusetts")),
            "{label}: {guess:?}"
        );
    }
}

/// Issue 14 with issue 10 §2: a row's `lat`/`lon` choose among the places of the name in its
/// country, as an import does; a place that lies far from them is a guess with its distance.
#[test]
fn issue_14_resolve_file_uses_the_rows_coordinates() {
    let text = "name,country,lat,lon\n\
                Springfield,United States,42.10,-72.59\n\
                Springfield,United States,,\n\
                Praha,Czech Republic,48.85,2.35\n\
                Praha,Czech Republic,50.08,14.42\n";
    let rows = Resolver::new(None)
        .resolve_rows("names.csv", text.as_bytes())
        .expect("resolves");
    // Chosen among a toss-up's places by the row's coordinates: confident, and saying so.
    let answered = Resolver::new(None)
        .resolve_file("names.csv", text.as_bytes())
        .expect("resolves");
    assert_eq!(answered[0].verdict, Some(polis_app::Verdict::Confident));
    assert!(
        answered[0].summary.starts_with(
            "Springfield, Massachusetts, US (4951788), chosen by the row's coordinates"
        ),
        "{}",
        answered[0].summary
    );
    assert_eq!(answered[1].verdict, Some(polis_app::Verdict::TossUp));
    let massachusetts = rows[0].best.as_ref().expect("the coordinates decide");
    assert_eq!(massachusetts.admin1.as_deref(), Some("Massachusetts"));
    assert!(rows[0].by_coordinates);
    assert!(rows[0].source_distance_km.is_some_and(|km| km < 30.0));
    assert!(!rows[1].resolved, "without coordinates a toss-up");
    // Prague's name with Paris's coordinates: not confident, with the distance.
    assert!(!rows[2].resolved);
    assert!(rows[2].far_from_source_coordinates);
    assert_eq!(
        rows[2].best_guess.as_ref().map(|g| g.name.as_str()),
        Some("Prague")
    );
    assert!(rows[2].source_distance_km.is_some_and(|km| km > 800.0));
    assert!(rows[3].resolved && !rows[3].far_from_source_coordinates);

    let bad = "name,country,lat,lon\nPraha,Czech Republic,north,14.42\n";
    let error = Resolver::new(None)
        .resolve_rows("names.csv", bad.as_bytes())
        .expect_err("not a number");
    let message = error.to_string();
    assert!(
        message.contains("names.csv:2") && message.contains("lat") && message.contains("north"),
        "{message}"
    );
}

/// Issue 14 §1: "the other rows of the same file (a list page of one state)". Most of the
/// file's confident places in the United States lie in Massachusetts, so a toss-up with one
/// place of the name there is decided for it, and says so; the same toss-up alone, or among
/// too few other rows, stays a toss-up.
#[test]
fn issue_14_resolve_file_a_list_of_one_state_decides_its_toss_ups() {
    let towns = [
        "Boston",
        "Worcester",
        "Lowell",
        "Brockton",
        "Framingham",
        "Haverhill",
    ];
    let mut text = String::from("name,country\n");
    for town in towns {
        text.push_str(&format!("{town},United States\n"));
    }
    text.push_str("Springfield,United States\nFitchburg,United States\n");
    let rows = Resolver::new(None)
        .resolve_rows("names.csv", text.as_bytes())
        .expect("resolves");
    for row in &rows[towns.len()..] {
        let best = row
            .best
            .as_ref()
            .unwrap_or_else(|| panic!("{}: decided by the file: {row:?}", row.name));
        assert_eq!(best.admin1.as_deref(), Some("Massachusetts"), "{row:?}");
        assert!(best.confident && best.confidence >= 0.5, "{row:?}");
        assert!(
            best.explanation
                .contains("decided by the file's other rows")
                && best.explanation.contains("Massachusetts"),
            "{}",
            best.explanation
        );
    }

    // Four places are too few to speak for the file.
    let mut few = String::from("name,country\n");
    for town in &towns[..4] {
        few.push_str(&format!("{town},United States\n"));
    }
    few.push_str("Springfield,United States\n");
    let rows = Resolver::new(None)
        .resolve_rows("names.csv", few.as_bytes())
        .expect("resolves");
    assert!(!rows[4].resolved, "{:?}", rows[4]);

    // A file of British places lies mostly in England because the country does: that
    // decides no toss-up (Wick in Scotland, England or Wales).
    let mut british = String::from("name,country\n");
    for town in [
        "Leeds",
        "Sheffield",
        "Bristol",
        "Nottingham",
        "Leicester",
        "Coventry",
    ] {
        british.push_str(&format!("{town},United Kingdom\n"));
    }
    british.push_str("Wick,United Kingdom\n");
    let rows = Resolver::new(None)
        .resolve_rows("names.csv", british.as_bytes())
        .expect("resolves");
    assert!(rows[..6].iter().all(|r| r.resolved), "{rows:?}");
    assert!(!rows[6].resolved, "{:?}", rows[6]);
}

/// Issue 14 §5 with §1: a name found only in a neighbouring country is a guess "unless
/// another hint agrees". When the file gives dozens of names a country that they all lie
/// beside (Swedish towns labelled "Denmark", as the Wikidata query results do), the file's
/// other rows are that hint; one stray name among the country's own places is not.
#[test]
fn issue_14_resolve_file_a_country_field_that_names_its_neighbour() {
    let swedish = [
        "Alingsås",
        "Borås",
        "Eksjö",
        "Arboga",
        "Askersund",
        "Båstad",
    ];
    let danish = [
        "Odense", "Aalborg", "Vejle", "Horsens", "Randers", "Kolding",
    ];
    let mut text = String::from("name,country\n");
    for town in swedish.iter().chain(&danish) {
        text.push_str(&format!("{town},Denmark\n"));
    }
    let rows = Resolver::new(None)
        .resolve_rows("names.csv", text.as_bytes())
        .expect("resolves");
    for row in &rows[..swedish.len()] {
        let best = row
            .best
            .as_ref()
            .unwrap_or_else(|| panic!("{}: decided by the file: {row:?}", row.name));
        assert_eq!(best.country, "SE", "{row:?}");
        assert!(
            best.explanation
                .contains("decided by the file's other rows")
                && best.explanation.contains("\"Denmark\""),
            "{}",
            best.explanation
        );
    }
    for row in &rows[swedish.len()..] {
        assert_eq!(
            row.best.as_ref().map(|b| b.country.as_str()),
            Some("DK"),
            "{row:?}"
        );
    }

    // One Swedish town among Danish ones is a border town given the wrong country, or a
    // mistake: a guess for a person, as before.
    let mut text = String::from("name,country\nAlingsås,Denmark\n");
    for town in danish {
        text.push_str(&format!("{town},Denmark\n"));
    }
    let rows = Resolver::new(None)
        .resolve_rows("names.csv", text.as_bytes())
        .expect("resolves");
    assert!(!rows[0].resolved, "{:?}", rows[0]);
    assert_eq!(
        rows[0].best_guess.as_ref().map(|g| g.country.as_str()),
        Some("SE")
    );
}

/// Issue 14 §1: a `population` column chooses among the places of a name, as an import's
/// counts do; a count ten times off the answer by name makes it a guess that says why; a
/// count that is not a number is refused, naming the line, the field and the value.
#[test]
fn issue_14_resolve_file_uses_the_rows_population() {
    let text = "name,country,population\n\
                Halle,Germany,237865.0\n\
                Halle,Germany,\n\
                Olfen,Germany,400\n";
    let resolver = Resolver::new(None);
    let rows = resolver
        .resolve_rows("names.csv", text.as_bytes())
        .expect("resolves");
    let saale = rows[0].best.as_ref().expect("the population decides");
    assert_eq!(saale.name, "Halle (Saale)");
    assert!(rows[0].by_population);
    let westfalen = rows[1].best.as_ref().expect("by name");
    assert_eq!(westfalen.admin1.as_deref(), Some("North Rhine-Westphalia"));
    assert!(!rows[1].by_population);
    assert!(!rows[2].resolved && rows[2].population_disagrees);

    let answered = resolver
        .resolve_file("names.csv", text.as_bytes())
        .expect("resolves");
    // A place the row's context chose is confident, whatever its score by name alone.
    assert_eq!(answered[0].verdict, Some(polis_app::Verdict::Confident));
    assert!(
        answered[0]
            .summary
            .ends_with("chosen by the row's population"),
        "{}",
        answered[0].summary
    );
    let summary = &answered[2].summary;
    assert!(
        summary.starts_with("not confident: Olfen") && summary.contains("12,133"),
        "{summary}"
    );

    let bad = "name,country,population\nHalle,Germany,many\n";
    let message = resolver
        .resolve_rows("names.csv", bad.as_bytes())
        .expect_err("not a count")
        .to_string();
    assert!(
        message.contains("names.csv:2")
            && message.contains("population")
            && message.contains("many"),
        "{message}"
    );
}
