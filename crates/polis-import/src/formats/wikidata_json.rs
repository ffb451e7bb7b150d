//! Wikidata P190 results in the standard SPARQL 1.1 JSON results format. The query's
//! variables (see `docs/importers.md` for the query) are read by name:
//!
//! - required: `city`, `twin` (entity URIs or Q-ids) and their labels `cityLabel`,
//!   `twinLabel` (several rows with labels in other languages, `xml:lang`, are merged);
//! - optional: `cityCountry`/`twinCountry` (ISO code or label), `cityCoord`/`twinCoord`
//!   (WKT `Point(lon lat)`), `cityPopulation`/`twinPopulation`, `start`/`end` (the P580/P582
//!   qualifiers, `xsd:dateTime`) and `startPrecision`/`endPrecision` (wikibase:timePrecision:
//!   9 year, 10 month, 11 day).
//!
//! Without a precision, a date on 1 January is read as a year, since that is how Wikidata
//! writes year-precision dates. A row's line in the report is the physical line on which its
//! binding's `{` stands (for a file that puts every binding on one line, 1).

use std::collections::BTreeMap;

use polis_core::{EventKind, PartialDate, TieKind};
use serde::Deserialize;

use crate::{ImportError, Parsed, RawEnd, RawRow, Rejected};

#[derive(Deserialize)]
struct Results {
    head: Head,
    results: Bindings,
}

#[derive(Deserialize)]
struct Head {
    vars: Vec<String>,
}

#[derive(Deserialize)]
struct Bindings {
    bindings: Vec<BTreeMap<String, Term>>,
}

#[derive(Deserialize)]
struct Term {
    value: String,
    #[serde(rename = "xml:lang")]
    lang: Option<String>,
}

/// The Q-id in an entity URI or a bare Q-id.
pub fn qid(value: &str) -> Option<String> {
    let id = value.rsplit('/').next().unwrap_or(value);
    (id.len() > 1 && id.starts_with('Q') && id[1..].bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.to_owned())
}

/// `Point(lon lat)` to (lat, lon).
fn point(wkt: &str) -> Option<(f64, f64)> {
    let inner = wkt.trim().strip_prefix("Point(")?.strip_suffix(')')?;
    let mut parts = inner.split_whitespace();
    let lon: f64 = parts.next()?.parse().ok()?;
    let lat: f64 = parts.next()?.parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// An `xsd:dateTime` with an optional wikibase precision, as a partial date.
pub fn wikidata_date(value: &str, precision: Option<&str>) -> Result<PartialDate, String> {
    let date = value.split('T').next().unwrap_or(value);
    if date.starts_with('-') {
        return Err(format!(
            "'{value}' is before year 1, which polis does not record"
        ));
    }
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("01"),
        parts.next().unwrap_or("01"),
    );
    let year: u16 = year
        .trim_start_matches('+')
        .parse()
        .map_err(|_| format!("'{value}' is not a Wikidata date"))?;
    let month: u8 = month
        .parse()
        .map_err(|_| format!("'{value}' is not a Wikidata date"))?;
    let day: u8 = day
        .parse()
        .map_err(|_| format!("'{value}' is not a Wikidata date"))?;
    let precision = match precision.map(str::trim) {
        Some(p) => p
            .parse::<u8>()
            .map_err(|_| format!("precision '{p}' is not a number"))?,
        None if month == 1 && day == 1 => 9,
        None => 11,
    };
    let result = match precision {
        0..=9 => PartialDate::new(i32::from(year), None, None),
        10 => PartialDate::new(i32::from(year), Some(month), None),
        _ => PartialDate::new(i32::from(year), Some(month), Some(day)),
    };
    result.map_err(|e| e.to_string())
}

/// The 1-based line on which each element of `results.bindings` opens, in order. The JSON
/// has been parsed already, so it is well formed; strings are skipped so that braces in
/// labels do not count.
fn binding_lines(bytes: &[u8]) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut line = 1u64;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    // The key just read at each depth, and the depth at which the bindings array is open.
    let mut last_string_start = 0usize;
    let mut last_key_is_bindings = false;
    let mut bindings_depth: Option<usize> = None;
    let mut parents: Vec<bool> = Vec::new(); // whether each open container is `results`
    let mut key_is_results = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                let text = &bytes[last_string_start..i];
                last_key_is_bindings = text == b"bindings";
                key_is_results = text == b"results";
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                last_string_start = i + 1;
            }
            b'{' | b'[' => {
                if bindings_depth == Some(depth) && b == b'{' {
                    lines.push(line);
                }
                let inside_results = parents.last().copied().unwrap_or(false);
                if b == b'[' && last_key_is_bindings && inside_results && bindings_depth.is_none() {
                    bindings_depth = Some(depth + 1);
                }
                parents.push(b == b'{' && key_is_results && depth == 1);
                depth += 1;
                last_key_is_bindings = false;
                key_is_results = false;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                parents.pop();
                if bindings_depth == Some(depth + 1) && b == b']' {
                    bindings_depth = None;
                }
            }
            b',' => {
                last_key_is_bindings = false;
                key_is_results = false;
            }
            _ => {}
        }
    }
    lines
}

pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let results: Results = serde_json::from_slice(bytes).map_err(|e| ImportError::Line {
        file: file.to_owned(),
        line: e.line() as u64,
        message: format!("not SPARQL 1.1 JSON results ({e}); expected {{\"head\": {{\"vars\": [...]}}, \"results\": {{\"bindings\": [...]}}}}"),
    })?;
    for required in ["city", "twin", "cityLabel", "twinLabel"] {
        if !results.head.vars.iter().any(|v| v == required) {
            return Err(ImportError::File {
                file: file.to_owned(),
                message: format!(
                    "the results have no variable `{required}`; the query must select ?city ?cityLabel ?twin ?twinLabel (see docs/importers.md); it selected {:?}",
                    results.head.vars
                ),
            });
        }
    }
    let mut parsed = Parsed::default();
    // Rows of the same pair (labels in other languages) are merged into the first.
    let mut by_pair: BTreeMap<(String, String), usize> = BTreeMap::new();
    let lines = binding_lines(bytes);
    for (index, binding) in results.results.bindings.iter().enumerate() {
        // The scan and the parser agree on well-formed JSON; the position is the fallback.
        let line = lines.get(index).copied().unwrap_or(index as u64 + 1);
        parsed.n_rows += 1;
        match row(binding, line) {
            Ok(new) => {
                let key = (
                    new.a.wikidata.clone().unwrap_or_default(),
                    new.b.wikidata.clone().unwrap_or_default(),
                );
                match by_pair.get(&key) {
                    Some(&at) => {
                        let existing: &mut RawRow = &mut parsed.rows[at];
                        for (end, more) in [(&mut existing.a, new.a), (&mut existing.b, new.b)] {
                            for label in more.labels {
                                if !end.labels.contains(&label) {
                                    end.labels.push(label);
                                }
                            }
                        }
                        for event in new.events {
                            if !existing.events.contains(&event) {
                                existing.events.push(event);
                            }
                        }
                    }
                    None => {
                        by_pair.insert(key, parsed.rows.len());
                        parsed.rows.push(new);
                    }
                }
            }
            Err(reason) => parsed.rejected.push(Rejected { line, reason }),
        }
    }
    Ok(parsed)
}

fn row(binding: &BTreeMap<String, Term>, line: u64) -> Result<RawRow, String> {
    let get = |name: &str| {
        binding
            .get(name)
            .map(|t| t.value.trim())
            .filter(|v| !v.is_empty())
    };
    let end = |prefix: &str| -> Result<RawEnd, String> {
        let entity = get(prefix).ok_or_else(|| format!("binding has no `{prefix}`"))?;
        let wikidata = qid(entity).ok_or_else(|| {
            format!("`{prefix}` = '{entity}' is not a Wikidata entity (Q-id or entity URI)")
        })?;
        let label_term = binding.get(&format!("{prefix}Label"));
        let label = label_term
            .map(|t| t.value.trim().to_owned())
            .unwrap_or_default();
        if label.is_empty() || qid(&label).as_deref() == Some(label.as_str()) {
            return Err(format!(
                "`{prefix}Label` of {wikidata} is missing or a bare id: the item has no label in the query's languages"
            ));
        }
        let coordinates = match get(&format!("{prefix}Coord")) {
            Some(wkt) => Some(point(wkt).ok_or_else(|| {
                format!("`{prefix}Coord` = '{wkt}' is not a WKT Point(lon lat) on the globe")
            })?),
            None => None,
        };
        let population = match get(&format!("{prefix}Population")) {
            Some(p) => Some(
                p.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .ok_or_else(|| format!("`{prefix}Population` = '{p}' is not a population"))?
                    as u64,
            ),
            None => None,
        };
        let lang = label_term
            .and_then(|t| t.lang.clone())
            .unwrap_or_else(|| "und".into());
        Ok(RawEnd {
            name: label.clone(),
            country: get(&format!("{prefix}Country")).map(str::to_owned),
            lat: coordinates.map(|c| c.0),
            lon: coordinates.map(|c| c.1),
            population,
            population_year: None,
            wikidata: Some(wikidata),
            labels: vec![(lang, label)],
        })
    };
    let (a, b) = (end("city")?, end("twin")?);
    if a.wikidata == b.wikidata {
        return Err(format!(
            "the row pairs {} with itself: a tie joins two different places",
            a.wikidata.unwrap_or_default()
        ));
    }
    let mut events = Vec::new();
    for (variable, precision, kind) in [
        ("start", "startPrecision", EventKind::Signed),
        ("end", "endPrecision", EventKind::Terminated),
    ] {
        if let Some(value) = get(variable) {
            let date =
                wikidata_date(value, get(precision)).map_err(|e| format!("`{variable}`: {e}"))?;
            events.push((kind, date));
        }
    }
    if let [(_, start), (_, end)] = events.as_slice()
        && end.before(start) == polis_core::Tri::Yes
    {
        return Err(format!("`end` ({end}) is before `start` ({start})"));
    }
    Ok(RawRow {
        line,
        a,
        b,
        kind: TieKind::TwinTown,
        events,
        listed_by_a: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_their_precision() {
        assert_eq!(
            wikidata_date("1973-06-24T00:00:00Z", None)
                .unwrap()
                .to_string(),
            "1973-06-24"
        );
        assert_eq!(
            wikidata_date("1973-01-01T00:00:00Z", None)
                .unwrap()
                .to_string(),
            "1973"
        );
        assert_eq!(
            wikidata_date("1973-06-01T00:00:00Z", Some("10"))
                .unwrap()
                .to_string(),
            "1973-06"
        );
        assert_eq!(
            wikidata_date("0836-01-01T00:00:00Z", Some("9"))
                .unwrap()
                .to_string(),
            "836"
        );
        assert!(wikidata_date("-0500-01-01T00:00:00Z", None).is_err());
        assert!(wikidata_date("garbage", None).is_err());
    }

    #[test]
    fn qids_and_points() {
        assert_eq!(
            qid("http://www.wikidata.org/entity/Q1085").as_deref(),
            Some("Q1085")
        );
        assert_eq!(qid("Q"), None);
        assert_eq!(point("Point(14.42 50.08)"), Some((50.08, 14.42)));
        assert_eq!(point("Point(14.42 95)"), None);
    }
}
