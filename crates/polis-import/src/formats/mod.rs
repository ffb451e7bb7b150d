//! The file formats polis imports, one module each, and the helpers they share for
//! delimited text: header checks, per-row UTF-8, field counts, numbers and coordinates.

pub mod mapped_csv;
pub mod memberships;
pub mod nodes_edges;
pub mod wikidata_json;
pub mod wikidata_tsv;
pub mod wikipedia;

use crate::{ImportError, Parsed, Rejected};

/// The formats `polis import FORMAT PATH` takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// `city1,country1,city2,country2`, as in Wikipedia's twin-town lists.
    WikipediaList,
    /// Wikidata P190 query results as TSV (origincityLabel, origincountry, ...).
    WikidataTsv,
    /// The standard SPARQL 1.1 JSON results format with Q-ids and P580/P582 qualifiers.
    WikidataJson,
    /// A network membership table (name, iso, entity_type, ..., initiatives_committed).
    Memberships,
    /// Any CSV or TSV with a mapping of columns to fields.
    MappedCsv(mapped_csv::Mapping),
    /// An edges table (source id, target id), read against its nodes table.
    NodesEdges(Box<nodes_edges::Nodes>),
}

impl Format {
    /// The name used on the command line and in batch records.
    pub fn name(&self) -> &'static str {
        match self {
            Format::WikipediaList => "wikipedia-list",
            Format::WikidataTsv => "wikidata-tsv",
            Format::WikidataJson => "wikidata-json",
            Format::Memberships => "memberships",
            Format::MappedCsv(_) => "csv",
            Format::NodesEdges(_) => "nodes-edges",
        }
    }

    /// A title for the source a file of this format is, when the user gives none.
    pub fn default_source_title(&self) -> &'static str {
        match self {
            Format::WikipediaList => "Wikipedia lists of twin towns and sister cities",
            Format::WikidataTsv | Format::WikidataJson => {
                "Wikidata, twinned administrative body (P190)"
            }
            Format::Memberships => "City network membership table",
            Format::MappedCsv(_) => "CSV file",
            Format::NodesEdges(_) => "Network tables (nodes and edges)",
        }
    }
}

/// Reads `bytes` (the file `file`) in `format`.
pub fn parse(format: &Format, file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::File {
            file: file.to_owned(),
            message: "the file is empty".into(),
        });
    }
    match format {
        Format::WikipediaList => wikipedia::parse(file, bytes),
        Format::WikidataTsv => wikidata_tsv::parse(file, bytes),
        Format::WikidataJson => wikidata_json::parse(file, bytes),
        Format::Memberships => memberships::parse(file, bytes),
        Format::MappedCsv(mapping) => mapped_csv::parse(mapping, file, bytes),
        Format::NodesEdges(nodes) => nodes_edges::parse(nodes, file, bytes),
    }
}

/// Physical line numbers of the records of a delimited file, from the byte offsets the csv
/// reader gives. The reader's own line count is one too low after every CRLF line end (it
/// ends a record at the `\r` and counts the `\n` with the next one), so lines are counted
/// here: a line ends at `\n`, at `\r\n`, or at a lone `\r`, and a record's line is the
/// line of its first byte, even when a quoted field spans lines. A byte-order mark is no line.
pub struct LineCounter<'b> {
    bytes: &'b [u8],
    /// How far the bytes have been counted.
    offset: usize,
    /// The line `offset` is on.
    line: u64,
}

impl<'b> LineCounter<'b> {
    /// A counter over the whole file.
    pub fn new(bytes: &'b [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the csv reader says starts at byte `start`. The
    /// reader's position may point at the line ends (and blank lines) before the record;
    /// they are skipped. Records are asked for in order, so each byte is counted once.
    pub fn line_of_record(&mut self, start: u64) -> u64 {
        let bytes = self.bytes;
        let mut start = usize::try_from(start)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let mut i = self.offset;
        while i < start {
            match bytes[i] {
                b'\n' => self.line += 1,
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            i += 1;
        }
        self.offset = start;
        self.line
    }
}

/// A delimited file read row by row, each row's fields decoded as UTF-8 on their own, so
/// that one bad byte rejects one row, not the file.
pub(crate) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(u64, Result<Vec<String>, String>)>,
}

/// Reads a delimited file and checks that its header has the `required` columns.
pub(crate) fn read_table(
    file: &str,
    bytes: &[u8],
    delimiter: u8,
    required: &[&str],
) -> Result<Table, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut lines = LineCounter::new(bytes);
    let mut records = reader.byte_records();
    let header_record = match records.next() {
        Some(Ok(record)) => record,
        Some(Err(e)) => {
            return Err(ImportError::Line {
                file: file.to_owned(),
                line: 1,
                message: format!("cannot read the header: {e}"),
            });
        }
        None => {
            return Err(ImportError::File {
                file: file.to_owned(),
                message: "the file has no header line".into(),
            });
        }
    };
    let header: Vec<String> = header_record
        .iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect();
    let missing: Vec<&&str> = required
        .iter()
        .filter(|r| !header.iter().any(|h| h == *r))
        .collect();
    if !missing.is_empty() {
        let delimiter_name = if delimiter == b'\t' { "tab" } else { "comma" };
        let hint = if header.len() == 1 {
            let h = &header[0];
            if h.contains('\t') {
                " The header looks tab-separated."
            } else if h.contains(';') {
                " The header looks semicolon-separated."
            } else if h.contains(',') {
                " The header looks comma-separated."
            } else {
                ""
            }
        } else {
            ""
        };
        return Err(ImportError::Line {
            file: file.to_owned(),
            line: 1,
            message: format!(
                "missing column(s) {}: expected a {delimiter_name}-separated header with {}; found {:?}.{hint}",
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                required.join(", "),
                header
            ),
        });
    }
    let mut rows = Vec::new();
    for record in records {
        match record {
            Ok(record) => {
                let line = record
                    .position()
                    .map_or(0, |p| lines.line_of_record(p.byte()));
                let fields: Result<Vec<String>, String> = record
                    .iter()
                    .enumerate()
                    .map(|(i, field)| {
                        String::from_utf8(field.to_vec()).map_err(|e| {
                            let column = header.get(i).map_or("?", String::as_str);
                            format!("invalid UTF-8 in column `{column}` at byte {}: files must be UTF-8", e.utf8_error().valid_up_to())
                        })
                    })
                    .collect();
                let fields = fields.and_then(|f| {
                    if f.len() == header.len() {
                        Ok(f)
                    } else if f.len() == 1 && f[0].trim().is_empty() {
                        Err(String::new())
                    } else {
                        Err(format!("the row has {} field(s) where the header has {} (a truncated row or a stray delimiter)", f.len(), header.len()))
                    }
                });
                // Blank lines are skipped, not rejected.
                if matches!(&fields, Err(reason) if reason.is_empty()) {
                    continue;
                }
                rows.push((line, fields));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of_record(p.byte()));
                rows.push((line, Err(format!("cannot read the row: {e}"))));
            }
        }
    }
    Ok(Table { header, rows })
}

impl Table {
    /// The index of a column the header is known to have.
    pub fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .expect("required columns were checked")
    }

    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// A value that means "missing" in the files we read.
pub(crate) fn is_missing(value: &str) -> bool {
    let v = value.trim();
    v.is_empty() || v == "NA" || v == "N/A" || v == "null"
}

/// An optional number; a value that is there but not a number is an error naming the column.
pub(crate) fn optional_number(value: &str, column: &str) -> Result<Option<f64>, String> {
    if is_missing(value) {
        return Ok(None);
    }
    match value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(format!(
            "column `{column}` = '{value}': not a finite number"
        )),
    }
}

/// Optional coordinates; both or neither, on the globe, finite.
pub(crate) fn coordinates(
    lat: &str,
    lon: &str,
    lat_column: &str,
    lon_column: &str,
) -> Result<(Option<f64>, Option<f64>), String> {
    let (lat, lon) = (
        optional_number(lat, lat_column)?,
        optional_number(lon, lon_column)?,
    );
    match (lat, lon) {
        (Some(la), Some(lo)) => {
            if !(-90.0..=90.0).contains(&la) {
                return Err(format!(
                    "column `{lat_column}` = '{la}': a latitude runs from -90 to 90"
                ));
            }
            if !(-180.0..=180.0).contains(&lo) {
                return Err(format!(
                    "column `{lon_column}` = '{lo}': a longitude runs from -180 to 180"
                ));
            }
            Ok((Some(la), Some(lo)))
        }
        _ => Ok((None, None)),
    }
}

/// An optional count of people, as every import reads one: a number of zero or more,
/// rounded ("12133.0" from Wikidata's query results); empty, `NA` or `null`: none.
pub fn optional_population(value: &str, column: &str) -> Result<Option<u64>, String> {
    match optional_number(value, column)? {
        Some(n) if n >= 0.0 => Ok(Some(n.round() as u64)),
        Some(n) => Err(format!(
            "column `{column}` = '{n}': a population is zero or more"
        )),
        None => Ok(None),
    }
}

pub(crate) fn reject(rejected: &mut Vec<Rejected>, line: u64, reason: impl Into<String>) {
    rejected.push(Rejected {
        line,
        reason: reason.into(),
    });
}
