//! Wikidata P190 ("twinned administrative body") query results as TSV, one row per origin
//! city and partner, with coordinates and population. Only origin cities were queried, so
//! every row is listed by its origin's side.

use polis_core::TieKind;

use super::{coordinates, optional_population, read_table, reject};
use crate::{ImportError, Parsed, RawEnd, RawRow};

const COLUMNS: &[&str] = &[
    "origincityLabel",
    "origincountry",
    "originlat",
    "originlong",
    "originpopulation",
    "sistercityLabel",
    "destinationlat",
    "destinationlong",
    "destinationpopulation",
    "destination_countryLabel",
];

/// Is a label a bare Wikidata id (Q123), which Wikidata shows when an item has no label?
fn is_bare_qid(label: &str) -> bool {
    let label = label.trim();
    label.len() > 1 && label.starts_with('Q') && label[1..].bytes().all(|b| b.is_ascii_digit())
}

pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let table = read_table(file, bytes, b'\t', COLUMNS)?;
    let col = |name: &str| table.column(name);
    let (on, oc, olat, olon, opop) = (
        col("origincityLabel"),
        col("origincountry"),
        col("originlat"),
        col("originlong"),
        col("originpopulation"),
    );
    let (dn, dc, dlat, dlon, dpop) = (
        col("sistercityLabel"),
        col("destination_countryLabel"),
        col("destinationlat"),
        col("destinationlong"),
        col("destinationpopulation"),
    );
    let mut parsed = Parsed::default();
    for (line, fields) in table.rows {
        parsed.n_rows += 1;
        let row = fields.and_then(|f| {
            let (origin, destination) = (f[on].trim(), f[dn].trim());
            for (column, label) in [("origincityLabel", origin), ("sistercityLabel", destination)] {
                if label.is_empty() {
                    return Err(format!("column `{column}` is empty: every row names two places"));
                }
                if is_bare_qid(label) {
                    return Err(format!("column `{column}` = '{label}': a bare Wikidata id, not a name (the item has no label); resolve it by Q-id with the wikidata-json format"));
                }
            }
            let (a_lat, a_lon) = coordinates(&f[olat], &f[olon], "originlat", "originlong")?;
            let (b_lat, b_lon) = coordinates(&f[dlat], &f[dlon], "destinationlat", "destinationlong")?;
            let a = RawEnd {
                name: origin.to_owned(),
                country: Some(f[oc].trim().to_owned()).filter(|c| !c.is_empty()),
                lat: a_lat,
                lon: a_lon,
                population: optional_population(&f[opop], "originpopulation")?,
                ..RawEnd::default()
            };
            let b = RawEnd {
                name: destination.to_owned(),
                country: Some(f[dc].trim().to_owned()).filter(|c| !c.is_empty()),
                lat: b_lat,
                lon: b_lon,
                population: optional_population(&f[dpop], "destinationpopulation")?,
                ..RawEnd::default()
            };
            if a.name == b.name && a.country == b.country && a.lat == b.lat {
                return Err(format!("the row pairs '{}' with itself: a tie joins two different places", a.name));
            }
            Ok(RawRow { line, a, b, kind: TieKind::TwinTown, events: Vec::new(), listed_by_a: true })
        });
        match row {
            Ok(row) => parsed.rows.push(row),
            Err(reason) => reject(&mut parsed.rejected, line, reason),
        }
    }
    Ok(parsed)
}
