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
