//! Any CSV or TSV of ties, with a mapping file (TOML) that says which column is which
//! field. See `docs/importers.md` for the mapping format.

use std::collections::BTreeMap;

use polis_core::{EventKind, PartialDate, TieKind};
use serde::Deserialize;

use super::{coordinates, is_missing, read_table, reject};
use crate::{ImportError, Parsed, RawEnd, RawRow};

/// Which column is which field, read from the mapping file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The delimiter: ",", ";", "|" or "\t" (default ",").
    #[serde(default = "comma")]
    pub delimiter: String,
    /// The kind of every tie, when no column gives it (default `twin_town`).
    #[serde(default)]
    pub kind: Option<TieKind>,
    /// True when each row comes from the list of its `a` side (default false).
    #[serde(default)]
    pub listed_by_a: bool,
    /// Field name → column name. Fields: `a_name`, `b_name` (required), `a_country`,
    /// `b_country`, `a_lat`, `a_lon`, `b_lat`, `b_lon`, `a_wikidata`, `b_wikidata`, `kind`,
    /// `signed`, `terminated`.
    pub columns: BTreeMap<String, String>,
}

fn comma() -> String {
    ",".into()
}

const FIELDS: &[&str] = &[
    "a_name",
    "b_name",
    "a_country",
    "b_country",
    "a_lat",
    "a_lon",
    "b_lat",
    "b_lon",
    "a_wikidata",
    "b_wikidata",
    "kind",
    "signed",
    "terminated",
];

impl Mapping {
    /// Reads a mapping file's text, naming what is wrong.
    pub fn from_toml(file: &str, text: &str) -> Result<Mapping, ImportError> {
        // Editors on Windows may begin the file with a byte-order mark, which is no text.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mapping: Mapping = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                1 + text[..s.start.min(text.len())].matches('\n').count() as u64
            });
            ImportError::Line {
                file: file.to_owned(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        for field in mapping.columns.keys() {
            if !FIELDS.contains(&field.as_str()) {
                return Err(ImportError::File {
                    file: file.to_owned(),
                    message: format!(
                        "unknown field `{field}` in [columns]; fields are {}",
                        FIELDS.join(", ")
                    ),
                });
            }
        }
        for required in ["a_name", "b_name"] {
            if !mapping.columns.contains_key(required) {
                return Err(ImportError::File {
                    file: file.to_owned(),
                    message: format!("[columns] must map `{required}` to a column"),
                });
            }
        }
        if !matches!(mapping.delimiter.as_str(), "," | ";" | "|" | "\t") {
            return Err(ImportError::File {
                file: file.to_owned(),
                message: format!(
                    "delimiter = {:?}: use \",\", \";\", \"|\" or \"\\t\"",
                    mapping.delimiter
                ),
            });
        }
        Ok(mapping)
    }
}

pub fn parse(mapping: &Mapping, file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let required: Vec<&str> = mapping.columns.values().map(String::as_str).collect();
    let table = read_table(file, bytes, mapping.delimiter.as_bytes()[0], &required)?;
    let index: BTreeMap<&str, usize> = mapping
        .columns
        .iter()
        .map(|(field, column)| (field.as_str(), table.column(column)))
        .collect();
    let mut parsed = Parsed::default();
    for (line, fields) in table.rows {
        parsed.n_rows += 1;
        let row = fields.and_then(|f| {
            let get = |field: &str| {
                index
                    .get(field)
                    .map(|&i| f[i].trim())
                    .filter(|v| !is_missing(v))
            };
            let column = |field: &str| mapping.columns.get(field).cloned().unwrap_or_default();
            let end = |side: &str| -> Result<RawEnd, String> {
                let name = get(&format!("{side}_name")).ok_or_else(|| {
                    format!(
                        "column `{}` is empty: every row names two places",
                        column(&format!("{side}_name"))
                    )
                })?;
                let (lat, lon) = coordinates(
                    get(&format!("{side}_lat")).unwrap_or(""),
                    get(&format!("{side}_lon")).unwrap_or(""),
                    &column(&format!("{side}_lat")),
                    &column(&format!("{side}_lon")),
                )?;
                Ok(RawEnd {
                    name: name.to_owned(),
                    country: get(&format!("{side}_country")).map(str::to_owned),
                    lat,
                    lon,
                    wikidata: get(&format!("{side}_wikidata")).map(str::to_owned),
                    ..RawEnd::default()
                })
            };
            let (a, b) = (end("a")?, end("b")?);
            if polis_core::text::fold(&a.name) == polis_core::text::fold(&b.name)
                && a.country == b.country
            {
                return Err(format!(
                    "the row pairs '{}' with itself: a tie joins two different places",
                    a.name
                ));
            }
            let kind = match get("kind") {
                Some(text) => text
                    .parse::<TieKind>()
                    .map_err(|e| format!("column `{}`: {e}", column("kind")))?,
                None => mapping.kind.unwrap_or(TieKind::TwinTown),
            };
            let mut events = Vec::new();
            for (field, event) in [
                ("signed", EventKind::Signed),
                ("terminated", EventKind::Terminated),
            ] {
                if let Some(text) = get(field) {
                    let date: PartialDate = text
                        .parse()
                        .map_err(|e| format!("column `{}`: {e}", column(field)))?;
                    events.push((event, date));
                }
            }
            Ok(RawRow {
                line,
                a,
                b,
                kind,
                events,
                listed_by_a: mapping.listed_by_a,
            })
        });
        match row {
            Ok(row) => parsed.rows.push(row),
            Err(reason) => reject(&mut parsed.rejected, line, reason),
        }
    }
    Ok(parsed)
}
