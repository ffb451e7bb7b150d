//! Bad input gets an error naming the file, line, record, field and value, exits non-zero,
//! and writes nothing.

use crate::{Polis, example_bundle, write_bundle};

const SOURCE: &str = "[[source]]\nid = \"s\"\ntitle = \"A source\"\n\n";
const TWO_PLACES: &str = "[[place]]\nid = \"xa-one\"\nlevel = \"city\"\nname = \"One\"\nsources = [\"s\"]\n\n[[place]]\nid = \"xb-two\"\nlevel = \"city\"\nname = \"Two\"\nsources = [\"s\"]\n\n";

/// Imports `records` as a bundle into a database holding the example, and checks that it
/// fails with every `expected` fragment in the message and changes nothing.
fn check(records: &str, expected: &[&str]) {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    polis.ok(&["import", "bundle", &example_bundle()]);
    let before = polis.ok(&["export", "bundle", polis.path("before").to_str().unwrap()]);
    let path = write_bundle(&polis, "bad.toml", records);
    let run = polis.run(&["import", "bundle", &path]);
    assert!(!run.ok, "import of a bad bundle succeeded:\n{}", run.stdout);
    for fragment in expected {
        assert!(
            run.stderr.contains(fragment),
            "error lacks {fragment:?}:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    polis.ok(&["export", "bundle", polis.path("after").to_str().unwrap()]);
    let read = |name: &str| {
        let mut files: Vec<_> = std::fs::read_dir(polis.path(name))
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        files.sort();
        files
    };
    assert_eq!(
        read("before"),
        read("after"),
        "the failed import changed the database"
    );
    drop(before);
}

#[test]
fn tie_of_a_place_with_itself() {
    let records = format!(
        "{SOURCE}{TWO_PLACES}[[tie]]\nid = \"xa-one--xa-one\"\na = \"xa-one\"\nb = \"xa-one\"\nkind = \"twin_town\"\nsources = [\"s\"]\n"
    );
    check(
        &records,
        &[
            "bad.toml:21",
            "tie 'xa-one--xa-one'",
            "field `b`",
            "not a place with itself",
        ],
    );
}

#[test]
fn unknown_reference() {
    let records = format!(
        "{SOURCE}{TWO_PLACES}[[tie]]\nid = \"xa-one--xb-twoo\"\na = \"xa-one\"\nb = \"xb-twoo\"\nkind = \"twin_town\"\nsources = [\"s\"]\n"
    );
    check(
        &records,
        &["bad.toml:21", "field `b` = 'xb-twoo'", "unknown place"],
    );
}

#[test]
fn impossible_date() {
    let records = format!(
        "{SOURCE}{TWO_PLACES}[[tie]]\nid = \"xa-one--xb-two\"\na = \"xa-one\"\nb = \"xb-two\"\nkind = \"twin_town\"\nsources = [\"s\"]\n\n[[tie.events]]\nkind = \"signed\"\ndate = \"2019-02-30\"\nsources = [\"s\"]\n"
    );
    check(
        &records,
        &["bad.toml:30", "2019-02-30", "that month has 28 days"],
    );
}

#[test]
fn unknown_kind_names_the_accepted_values() {
    let records = format!(
        "{SOURCE}{TWO_PLACES}[[tie]]\nid = \"xa-one--xb-two\"\na = \"xa-one\"\nb = \"xb-two\"\nkind = \"twinned\"\nsources = [\"s\"]\n"
    );
    check(
        &records,
        &["bad.toml:25", "twinned", "twin_town", "sister_city"],
    );
}

#[test]
fn unknown_field_is_not_silently_dropped() {
    let records = format!(
        "{SOURCE}[[place]]\nid = \"xa-one\"\nlevel = \"city\"\nname = \"One\"\npopulaton = 5\nsources = [\"s\"]\n"
    );
    check(&records, &["bad.toml:", "populaton"]);
}

#[test]
fn malformed_toml() {
    check("[[source]\nid = \"s\"\n", &["bad.toml:5"]);
}

#[test]
fn fact_without_a_source() {
    let records = format!(
        "{SOURCE}[[place]]\nid = \"xa-one\"\nlevel = \"city\"\nname = \"One\"\nsources = []\n"
    );
    check(
        &records,
        &["bad.toml:9", "place 'xa-one'", "every fact needs a source"],
    );
}

#[test]
fn events_in_an_impossible_order() {
    let records = format!(
        "{SOURCE}{TWO_PLACES}[[tie]]\nid = \"xa-one--xb-two\"\na = \"xa-one\"\nb = \"xb-two\"\nkind = \"twin_town\"\nsources = [\"s\"]\n\n[[tie.events]]\nkind = \"signed\"\ndate = \"2000\"\nsources = [\"s\"]\n\n[[tie.events]]\nkind = \"terminated\"\ndate = \"1999\"\nsources = [\"s\"]\n\n[[tie.events]]\nkind = \"renewed\"\ndate = \"2001\"\nsources = [\"s\"]\n"
    );
    check(
        &records,
        &[
            "events[1].date",
            "before the previous event",
            "events[2].kind",
            "cannot follow status 'terminated'",
        ],
    );
}

#[test]
fn membership_ending_before_it_starts() {
    let records = format!(
        "{SOURCE}{TWO_PLACES}[[network]]\nid = \"net\"\nname = \"Net\"\nsources = [\"s\"]\n\n[[membership]]\nnetwork = \"net\"\nmember = \"xa-one\"\nstart = \"2010\"\nend = \"2009-05\"\nsources = [\"s\"]\n"
    );
    check(
        &records,
        &[
            "membership 'net|xa-one|2010'",
            "field `end` = '2009-05'",
            "ends before it starts",
        ],
    );
}

#[test]
fn not_a_bundle() {
    let polis = Polis::new();
    let path = polis.path("plain.toml");
    std::fs::write(&path, "[[source]]\nid = \"s\"\ntitle = \"t\"\n").unwrap();
    let run = polis.run(&["import", "bundle", path.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("not a polis bundle")
            && run.stderr.contains("format = \"polis-bundle\""),
        "{}",
        run.stderr
    );
    let run = polis.run(&["import", "bundle", polis.path("missing").to_str().unwrap()]);
    assert!(!run.ok && run.stderr.contains("missing"), "{}", run.stderr);
}

#[test]
fn reading_without_a_database_says_how_to_create_one() {
    let polis = Polis::new();
    let run = polis.run(&["stats"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("polis init"), "{}", run.stderr);
}

#[test]
fn bad_date_on_the_command_line() {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    let run = polis.run(&["ties", "--as-of", "2019-13-01"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("months run from 01 to 12"),
        "{}",
        run.stderr
    );
}
