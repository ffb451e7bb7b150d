//! Network data as Gephi imports it: a nodes table (an id, a label, often a Wikidata Q-id, a
//! country and coordinates) and an edges table (source id, target id). Column names are
//! matched without regard to case, with the usual aliases (`Id`, `Label`/`name`,
//! `wikidata`/`qid`, `country`, `lat`/`latitude`, `lon`/`lng`/`longitude`; `Source`,
//! `Target`, an optional `kind`). Either file may be comma- or tab-separated.
//!
//! Each edge row is a piece of evidence listed by its source node's side: an edge given in
//! both directions is one tie listed by both sides, an edge given once is one-sided. An edge
//! whose end is missing from the nodes table (or whose node row was rejected) is rejected
//! with its line and the reason.

use std::collections::HashMap;

use polis_core::TieKind;

use super::{Table, coordinates, is_missing, read_table, reject};
use crate::{ImportError, Parsed, RawEnd, RawRow};

/// One node: what the nodes table says about it, or why its row was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node row's line in the nodes file.
    pub line: u64,
    pub end: Result<RawEnd, String>,
}

/// The nodes table, read first; the edges file is then parsed against it.
#[derive(Debug, Clone, PartialEq)]
pub struct Nodes {
    /// The nodes file as the user named it, for messages.
    pub file: String,
    pub by_id: HashMap<String, Node>,
}

fn delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    }
}

/// The position of the first header column named one of `names`, case ignored.
fn find(table: &Table, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|name| {
        table
            .header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    })
}

fn required(table: &Table, file: &str, names: &[&str]) -> Result<usize, ImportError> {
    find(table, names).ok_or_else(|| ImportError::Line {
        file: file.to_owned(),
        line: 1,
        message: format!(
            "no column `{}` (or {}): found {:?}",
            names[0],
            names[1..]
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            table.header
        ),
    })
}

/// A Wikidata Q-id as tables write it: `Q1085`, or an entity URL ending in one.
fn qid(value: &str) -> Result<Option<String>, String> {
    if is_missing(value) {
        return Ok(None);
    }
    let id = value.trim().rsplit('/').next().unwrap_or_default();
    let ok =
        id.len() > 1 && id.starts_with(['Q', 'q']) && id[1..].bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(Some(format!("Q{}", &id[1..])))
    } else {
        Err(format!(
            "column `wikidata` = '{value}': not a Wikidata id (Q and digits, e.g. Q1085)"
        ))
    }
}

/// Reads the nodes table.
pub fn parse_nodes(file: &str, bytes: &[u8]) -> Result<Nodes, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::File {
            file: file.to_owned(),
            message: "the nodes file is empty".into(),
        });
    }
    let table = read_table(file, bytes, delimiter(bytes), &[])?;
    let id = required(&table, file, &["id", "node", "key"])?;
    let label = required(&table, file, &["label", "name"])?;
    let wikidata = find(&table, &["wikidata", "qid", "wikidata_id", "item"]);
    let country = find(&table, &["country", "country_code", "iso"]);
    let lat = find(&table, &["lat", "latitude", "y"]);
    let lon = find(&table, &["lon", "lng", "long", "longitude", "x"]);
    let mut by_id: HashMap<String, Node> = HashMap::new();
    for (line, fields) in &table.rows {
        let fields = match fields {
            Ok(fields) => fields,
            Err(reason) => {
                // A row that cannot be read has no id to attach the reason to.
                return Err(ImportError::Line {
                    file: file.to_owned(),
                    line: *line,
                    message: reason.clone(),
                });
            }
        };
        let node_id = fields[id].trim().to_owned();
        if node_id.is_empty() {
            return Err(ImportError::Line {
                file: file.to_owned(),
                line: *line,
                message: format!(
                    "column `{}` is empty: every node needs an id the edges can name",
                    table.header[id]
                ),
            });
        }
        if let Some(earlier) = by_id.get(&node_id) {
            return Err(ImportError::Line {
                file: file.to_owned(),
                line: *line,
                message: format!(
                    "the node id '{node_id}' is also on line {}: node ids must be unique",
                    earlier.line
                ),
            });
        }
        let field = |column: Option<usize>| column.map_or("", |c| fields[c].as_str());
        let end = (|| {
            let name = fields[label].trim();
            if name.is_empty() {
                return Err(format!(
                    "column `{}` is empty: a node needs a name",
                    table.header[label]
                ));
            }
            let (lat, lon) = coordinates(field(lat), field(lon), "lat", "lon")?;
            let country = field(country).trim();
            Ok(RawEnd {
                name: name.to_owned(),
                country: (!is_missing(country)).then(|| country.to_owned()),
                lat,
                lon,
                wikidata: qid(field(wikidata))?,
                ..RawEnd::default()
            })
        })();
        by_id.insert(node_id, Node { line: *line, end });
    }
    Ok(Nodes {
        file: file.to_owned(),
        by_id,
    })
}

/// Reads the edges table against `nodes`.
pub fn parse(nodes: &Nodes, file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let table = read_table(file, bytes, delimiter(bytes), &[])?;
    let source = required(&table, file, &["source", "from", "source_id"])?;
    let target = required(&table, file, &["target", "to", "target_id"])?;
    let kind = find(&table, &["kind", "tie_kind"]);
    let mut parsed = Parsed::default();
    for (line, fields) in table.rows {
        parsed.n_rows += 1;
        let fields = match fields {
            Ok(fields) => fields,
            Err(reason) => {
                reject(&mut parsed.rejected, line, reason);
                continue;
            }
        };
        let end = |column: usize| -> Result<RawEnd, String> {
            let id = fields[column].trim();
            match nodes.by_id.get(id) {
                None => Err(format!(
                    "column `{}` = '{id}': no node has this id in {}",
                    table.header[column], nodes.file
                )),
                Some(Node {
                    line,
                    end: Err(why),
                }) => Err(format!(
                    "the node '{id}' ({}:{line}) was rejected: {why}",
                    nodes.file
                )),
                Some(Node { end: Ok(end), .. }) => Ok(end.clone()),
            }
        };
        let (a, b) = match (end(source), end(target)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(why), _) | (_, Err(why)) => {
                reject(&mut parsed.rejected, line, why);
                continue;
            }
        };
        if fields[source].trim() == fields[target].trim() {
            reject(
                &mut parsed.rejected,
                line,
                format!(
                    "the edge joins the node '{}' to itself: a tie joins two different places",
                    fields[source].trim()
                ),
            );
            continue;
        }
        let kind = match kind.map(|c| fields[c].trim()).filter(|k| !k.is_empty()) {
            None => TieKind::TwinTown,
            Some(text) => match text.parse::<TieKind>() {
                Ok(kind) => kind,
                Err(_) => {
                    reject(
                        &mut parsed.rejected,
                        line,
                        format!(
                            "column `kind` = '{text}': expected one of {}",
                            TieKind::ALL
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    continue;
                }
            },
        };
        parsed.rows.push(RawRow {
            line,
            a,
            b,
            kind,
            events: Vec::new(),
            listed_by_a: true,
        });
    }
    Ok(parsed)
}
