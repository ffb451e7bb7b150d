//! The bundle reader never panics, whatever the bytes, and reports a line inside the file;
//! and a bundle written by `to_files` reads back into the same records, redirects of merged
//! records included; and counter-claims and dates before year 1 survive a round trip.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

mod disputes;
mod redirects;

const VALID: &str = r#"format = "polis-bundle"
version = 1
name = "t"

[[source]]
id = "s"
title = "A source"

[[place]]
id = "xa-one"
level = "city"
name = "One"
sources = ["s"]

[[place]]
id = "xb-two"
level = "region"
name = "Two"
names = [{ text = "二", lang = "zh" }]
coordinates = [{ lat = 1.5, lon = -2.25, source = "s" }]
sources = ["s"]

[[tie]]
id = "xa-one--xb-two"
a = "xa-one"
b = "xb-two"
kind = "sister_city"
sources = ["s"]

[[tie.events]]
kind = "signed"
date = "1973"
sources = ["s"]
"#;

fn read_text(bytes: Vec<u8>) -> Result<polis_bundle::Bundle, polis_bundle::BundleError> {
    let path = PathBuf::from("mem/bundle.toml");
    polis_bundle::read_files(Path::new("mem"), &path, vec![(path.clone(), bytes)])
}

#[test]
fn valid_bundle_reads_with_record_lines() {
    let bundle = read_text(VALID.as_bytes().to_vec()).expect("valid");
    assert_eq!(bundle.data.places.len(), 2);
    assert_eq!(bundle.locate("place", 1).and_then(|l| l.line), Some(15));
    assert_eq!(bundle.locate("tie", 0).and_then(|l| l.line), Some(23));
    polis_core::validate(&bundle.data).expect("valid data");
}

/// Issue 14: a bundle saved on Windows (CRLF line ends, a byte-order mark) names the same
/// lines as the original, both for records and for syntax errors.
#[test]
fn issue_14_record_and_error_lines_with_crlf_and_a_byte_order_mark() {
    let variants = [
        ("LF", VALID.to_owned()),
        ("CRLF", VALID.replace('\n', "\r\n")),
        ("BOM", format!("\u{feff}{VALID}")),
        (
            "BOM+CRLF",
            format!("\u{feff}{}", VALID.replace('\n', "\r\n")),
        ),
    ];
    for (label, text) in variants {
        let bundle = read_text(text.clone().into_bytes()).expect(label);
        assert_eq!(
            bundle.locate("place", 0).and_then(|l| l.line),
            Some(9),
            "{label}"
        );
        assert_eq!(
            bundle.locate("place", 1).and_then(|l| l.line),
            Some(15),
            "{label}"
        );
        assert_eq!(
            bundle.locate("tie", 0).and_then(|l| l.line),
            Some(23),
            "{label}"
        );
        // A broken value on line 20 (`coordinates = ...`) is reported there.
        let broken = text.replace("lat = 1.5", "lat = ");
        match read_text(broken.into_bytes()) {
            Err(polis_bundle::BundleError::Syntax { line, .. }) => {
                assert_eq!(line, 20, "{label}")
            }
            other => panic!("{label}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn written_files_read_back_to_the_same_records() {
    let bundle = read_text(VALID.as_bytes().to_vec()).unwrap();
    let files = polis_bundle::to_files(&bundle.manifest, &bundle.data).unwrap();
    let root = Path::new("out");
    let contents: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|(name, text)| (root.join(name), text.clone().into_bytes()))
        .collect();
    let again = polis_bundle::read_files(root, &root.join("bundle.toml"), contents).unwrap();
    let mut expected = bundle.data.clone();
    expected.sort();
    assert_eq!(again.data, expected);
    assert_eq!(
        polis_bundle::to_files(&again.manifest, &again.data).unwrap(),
        files
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_text(bytes);
    }

    #[test]
    fn damaged_bundles_never_panic_and_name_a_line_in_the_file(cut in 0usize..VALID.len(), insert in "[\\[\\]=\"a-z0-9 \n#.{},]{0,12}") {
        let mut text = VALID.to_owned();
        let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(cut, &insert);
        let n_lines = text.lines().count().max(1);
        match read_text(text.into_bytes()) {
            Ok(bundle) => { let _ = polis_core::validate(&bundle.data); }
            Err(polis_bundle::BundleError::Syntax { line, .. }) => prop_assert!(line >= 1 && line <= n_lines + 1),
            Err(_) => {}
        }
    }

    #[test]
    fn truncated_bundles_never_panic(cut in 0usize..VALID.len()) {
        let _ = read_text(VALID.as_bytes()[..cut].to_vec());
    }
}
