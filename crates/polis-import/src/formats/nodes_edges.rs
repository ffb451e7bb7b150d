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

use std::collections::{BTreeMap, HashMap};

use polis_core::TieKind;
use serde::Deserialize;

use super::{Table, coordinates, is_missing, read_table, reject};
use crate::{ImportError, Parsed, RawEnd, RawRow};

/// Which column of each table is which field, from a mapping file (`--mapping`, TOML). A
/// field the file maps must be a column of the table, spelt as in its header; a field it
/// does not map is found by its usual names, as without a mapping file.
///
/// ```toml
/// kind = "sister_city"      # the kind of every tie, unless the edges table has a kind column
/// [nodes]
/// delimiter = ";"           # ",", ";", "|" or "\t"; default: taken from the header line
/// columns = { id = "Knoten", label = "Stadt", wikidata = "QID", country = "Land", lat = "Breite", lon = "Länge" }
/// [edges]
/// columns = { source = "von", target = "nach", kind = "Art" }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TablesMapping {
    /// The kind of every tie whose edge row gives none (default `twin_town`).
    #[serde(default)]
    pub kind: Option<TieKind>,
    #[serde(default)]
    pub nodes: TableMapping,
    #[serde(default)]
    pub edges: TableMapping,
}

/// One table's part of a [`TablesMapping`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableMapping {
    /// `,`, `;`, `|` or a tab; without it, a tab in the header line means tabs, else commas.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Field → column name as the header spells it.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

/// The nodes table's fields and the column names each is found by without a mapping.
const NODE_FIELDS: &[(&str, &[&str])] = &[
    ("id", &["id", "node", "key"]),
    ("label", &["label", "name"]),
    ("wikidata", &["wikidata", "qid", "wikidata_id", "item"]),
    ("country", &["country", "country_code", "iso"]),
    ("lat", &["lat", "latitude", "y"]),
    ("lon", &["lon", "lng", "long", "longitude", "x"]),
];

/// The edges table's fields and their usual column names.
const EDGE_FIELDS: &[(&str, &[&str])] = &[
    ("source", &["source", "from", "source_id"]),
    ("target", &["target", "to", "target_id"]),
    ("kind", &["kind", "tie_kind"]),
];

impl TablesMapping {
    /// Reads a mapping file's text, naming what is wrong and what is accepted.
    pub fn from_toml(file: &str, text: &str) -> Result<TablesMapping, ImportError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mapping: TablesMapping = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                1 + text[..s.start.min(text.len())].matches('\n').count() as u64
            });
            ImportError::Line {
                file: file.to_owned(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        for (table, part, fields) in [
            ("nodes", &mapping.nodes, NODE_FIELDS),
            ("edges", &mapping.edges, EDGE_FIELDS),
        ] {
            for field in part.columns.keys() {
                if !fields.iter().any(|(f, _)| f == field) {
                    return Err(ImportError::File {
                        file: file.to_owned(),
                        message: format!(
                            "unknown field `{field}` in [{table}] columns; fields are {}",
                            fields
                                .iter()
                                .map(|(f, _)| *f)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
            }
            if let Some(d) = &part.delimiter
                && !matches!(d.as_str(), "," | ";" | "|" | "\t")
            {
                return Err(ImportError::File {
                    file: file.to_owned(),
                    message: format!(
                        "[{table}] delimiter = {d:?}: use \",\", \";\", \"|\" or \"\\t\""
                    ),
                });
            }
        }
        Ok(mapping)
    }
}

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
    /// How the edges table is read: the mapping file's `[edges]` part.
    pub edges: TableMapping,
    /// The kind of a tie whose edge row gives none.
    pub kind: TieKind,
}

/// The mapping's delimiter, or else a tab when the header line has one, else a comma.
fn delimiter(mapping: &TableMapping, bytes: &[u8]) -> u8 {
    if let Some(d) = mapping.delimiter.as_deref().and_then(|d| d.bytes().next()) {
        return d;
    }
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    }
}

/// The columns of a table's fields, by the mapping or else by their usual names.
struct Columns<'t> {
    table: &'t Table,
    file: &'t str,
    mapping: &'t TableMapping,
    fields: &'static [(&'static str, &'static [&'static str])],
}

impl Columns<'_> {
    /// The column of `field`: the one the mapping names (which must exist), or the first
    /// header column with one of the field's usual names, case ignored.
    fn find(&self, field: &str) -> Result<Option<usize>, ImportError> {
        if let Some(column) = self.mapping.columns.get(field) {
            return match self.table.header.iter().position(|h| h == column) {
                Some(i) => Ok(Some(i)),
                None => Err(ImportError::Line {
                    file: self.file.to_owned(),
                    line: 1,
                    message: format!(
                        "the mapping file maps `{field}` to the column `{column}`, which is not in the header: found {:?}",
                        self.table.header
                    ),
                }),
            };
        }
        let names = self.names(field);
        Ok(names.iter().find_map(|name| {
            self.table
                .header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
        }))
    }

    fn required(&self, field: &str) -> Result<usize, ImportError> {
        self.find(field)?.ok_or_else(|| {
            let names = self.names(field);
            ImportError::Line {
                file: self.file.to_owned(),
                line: 1,
                message: format!(
                    "no column `{}` (or {}): found {:?}; a mapping file (--mapping) can name the column",
                    names[0],
                    names[1..]
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.table.header
                ),
            }
        })
    }

    fn names(&self, field: &str) -> &'static [&'static str] {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(&[], |(_, names)| *names)
    }
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

/// Reads the nodes table, with the columns and delimiters a mapping file gives (the
/// default mapping: the usual column names).
pub fn parse_nodes(
    file: &str,
    bytes: &[u8],
    mapping: &TablesMapping,
) -> Result<Nodes, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::File {
            file: file.to_owned(),
            message: "the nodes file is empty".into(),
        });
    }
    let table = read_table(file, bytes, delimiter(&mapping.nodes, bytes), &[])?;
    let columns = Columns {
        table: &table,
        file,
        mapping: &mapping.nodes,
        fields: NODE_FIELDS,
    };
    let id = columns.required("id")?;
    let label = columns.required("label")?;
    let wikidata = columns.find("wikidata")?;
    let country = columns.find("country")?;
    let lat = columns.find("lat")?;
    let lon = columns.find("lon")?;
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
        edges: mapping.edges.clone(),
        kind: mapping.kind.unwrap_or(TieKind::TwinTown),
    })
}

/// Reads the edges table against `nodes`.
pub fn parse(nodes: &Nodes, file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let table = read_table(file, bytes, delimiter(&nodes.edges, bytes), &[])?;
    let columns = Columns {
        table: &table,
        file,
        mapping: &nodes.edges,
        fields: EDGE_FIELDS,
    };
    let source = columns.required("source")?;
    let target = columns.required("target")?;
    let kind = columns.find("kind")?;
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
            None => nodes.kind,
            Some(text) => match text.parse::<TieKind>() {
                Ok(kind) => kind,
                Err(_) => {
                    reject(
                        &mut parsed.rejected,
                        line,
                        format!(
                            "column `{}` = '{text}': expected one of {}",
                            table.header[kind.unwrap_or_default()],
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
