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
