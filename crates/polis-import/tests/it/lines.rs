//! Issue 14: every reader reports the physical line of a row, whether the file ends its
//! lines with LF or CRLF, begins with a byte-order mark, or has a quoted field that spans
//! lines. Each fixture is written once with `\n` and turned into the other three forms.

use polis_import::formats::mapped_csv::Mapping;
use polis_import::{Format, ImportError, Parsed, parse};

/// The four ways a text file may reach polis.
fn variants(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let crlf = text.replace('\n', "\r\n");
    vec![
        ("LF", text.as_bytes().to_vec()),
        ("CRLF", crlf.as_bytes().to_vec()),
        ("BOM+LF", format!("\u{feff}{text}").into_bytes()),
        ("BOM+CRLF", format!("\u{feff}{crlf}").into_bytes()),
    ]
}

/// Parses every variant and checks the lines of the accepted rows (ties or memberships) and
/// of the rejected ones.
fn check(format: &Format, text: &str, accepted: &[u64], rejected: &[u64]) {
    for (label, bytes) in variants(text) {
        let parsed: Parsed = parse(format, "f", &bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        let mut lines: Vec<u64> = parsed.rows.iter().map(|r| r.line).collect();
        lines.extend(parsed.memberships.iter().map(|m| m.line));
        assert_eq!(lines, accepted, "{label}: lines of accepted rows");
        let bad: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(
            bad, rejected,
            "{label}: lines of rejected rows {:?}",
            parsed.rejected
        );
    }
}

#[test]
fn wikipedia_list_lines() {
    // Line 2-3: a quoted name spanning two lines; 4: truncated; 5: good; 6: blank;
    // 7: a self-pair; 8: good.
    let text = "city1,country1,city2,country2\n\
                Paris,France,\"Roma\nLazio\",Italy\n\
                Berlin,Germany,Prague\n\
                Lyon,France,Turin,Italy\n\
                \n\
                Oslo,Norway,Oslo,Norway\n\
                Brno,Czech Republic,Leipzig,Germany\n";
    check(&Format::WikipediaList, text, &[2, 5, 8], &[4, 7]);
}

#[test]
fn wikidata_tsv_lines() {
    let header = "origincityLabel\torigincountry\toriginlat\toriginlong\toriginpopulation\tsistercityLabel\tdestinationlat\tdestinationlong\tdestinationpopulation\tdestination_countryLabel";
    let text = format!(
        "{header}\n\
         \"Graz\nStadt\"\tAustria\t47.07\t15.44\t290000\tMaribor\t46.55\t15.64\t95000\tSlovenia\n\
         Linz\tAustria\t48.3\t14.29\t200000\tQ42\t\t\t\tGermany\n\
         Wien\tAustria\t48.2\t16.37\t1900000\tKyiv\t50.45\t30.52\t2900000\tUkraine\n"
    );
    check(&Format::WikidataTsv, &text, &[2, 5], &[4]);
}

#[test]
fn memberships_lines() {
    let text = "name,iso,entity_type,lat,lng,population,initiatives_committed\n\
                \"Bonn\nStadt\",DEU,City,50.73,7.1,330000,GCoM2022\n\
                Tartu,EST,City,nan-ish,26.7,90000,GCoM2022\n\
                \n\
                Lisboa,PRT,City,38.7,-9.1,500000,C40Cities2022\n";
    check(&Format::Memberships, text, &[2, 6], &[4]);
}

#[test]
fn mapped_csv_lines() {
    let mapping = Mapping::from_toml(
        "m.toml",
        "delimiter = \";\"\n[columns]\na_name = \"from\"\nb_name = \"to\"\n",
    )
    .expect("mapping");
    let text = "from;to\n\
                \"Gent\nGand\";Lille\n\
                ;Aachen\n\
                Liège;Porto\n";
    check(&Format::MappedCsv(mapping), text, &[2, 5], &[4]);
}

#[test]
fn wikidata_json_lines() {
    // Each binding's line is where its `{` stands; a label holds a brace and a line break
    // escaped as JSON does, which must not confuse the count.
    let text = r#"{
  "head": {"vars": ["city", "cityLabel", "twin", "twinLabel"]},
  "results": {
    "bindings": [
      {
        "city": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1085"},
        "cityLabel": {"type": "literal", "value": "Praha {1}\n", "xml:lang": "cs"},
        "twin": {"type": "uri", "value": "http://www.wikidata.org/entity/Q90"},
        "twinLabel": {"type": "literal", "value": "Paris"}
      },
      {
        "city": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1085"},
        "cityLabel": {"type": "literal", "value": ""},
        "twin": {"type": "uri", "value": "http://www.wikidata.org/entity/Q64"},
        "twinLabel": {"type": "literal", "value": "Berlin"}
      },
      {"city": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1085"}, "cityLabel": {"type": "literal", "value": "Praha"}, "twin": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1741"}, "twinLabel": {"type": "literal", "value": "Wien"}}
    ]
  }
}
"#;
    check(&Format::WikidataJson, text, &[5, 17], &[11]);
}

#[test]
fn mapping_file_error_lines() {
    let text = "delimiter = \",\"\n[columns]\na_name = \"from\"\nb_name = from\n";
    for (label, bytes) in variants(text) {
        let text = String::from_utf8(bytes).expect("UTF-8");
        match Mapping::from_toml("m.toml", &text) {
            Err(ImportError::Line { line, .. }) => assert_eq!(line, 4, "{label}"),
            other => panic!("{label}: expected an error on line 4, got {other:?}"),
        }
        // The same file without the error reads, byte-order mark or not.
        let good = text.replace("= from", "= \"to\"");
        Mapping::from_toml("m.toml", &good).unwrap_or_else(|e| panic!("{label}: {e}"));
    }
}
