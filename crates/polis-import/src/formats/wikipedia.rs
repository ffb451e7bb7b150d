//! Wikipedia's lists of twin towns and sister cities, scraped as
//! `city1,country1,city2,country2`: each row comes from the list on city1's country page, so
//! the row is evidence listed by city1's side.

use polis_core::TieKind;

use super::{read_table, reject};
use crate::{ImportError, Parsed, RawEnd, RawRow};

const COLUMNS: &[&str] = &["city1", "country1", "city2", "country2"];

pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let table = read_table(file, bytes, b',', COLUMNS)?;
    let [c1, k1, c2, k2] = [
        table.column("city1"),
        table.column("country1"),
        table.column("city2"),
        table.column("country2"),
    ];
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
        let (city1, country1, city2, country2) = (
            fields[c1].trim(),
            fields[k1].trim(),
            fields[c2].trim(),
            fields[k2].trim(),
        );
        if city1.is_empty() || city2.is_empty() {
            let column = if city1.is_empty() { "city1" } else { "city2" };
            reject(
                &mut parsed.rejected,
                line,
                format!("column `{column}` is empty: every row names two places"),
            );
            continue;
        }
        if polis_core::text::fold(city1) == polis_core::text::fold(city2)
            && polis_core::text::fold(country1) == polis_core::text::fold(country2)
        {
            reject(
                &mut parsed.rejected,
                line,
                format!(
                    "the row pairs '{city1}' ({country1}) with itself: a tie joins two different places"
                ),
            );
            continue;
        }
        let end = |name: &str, country: &str| RawEnd {
            name: name.to_owned(),
            country: (!country.is_empty()).then(|| country.to_owned()),
            ..RawEnd::default()
        };
        parsed.rows.push(RawRow {
            line,
            a: end(city1, country1),
            b: end(city2, country2),
            kind: TieKind::TwinTown,
            events: Vec::new(),
            listed_by_a: true,
        });
    }
    Ok(parsed)
}
