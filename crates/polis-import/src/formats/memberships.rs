//! Network membership tables as ClimActor publishes them: one row per city or region with
//! `name`, `iso` (ISO 3166-1 alpha-3), `entity_type`, coordinates, population and
//! `initiatives_committed`, a `;`- or `;;`-joined list of network tags whose spellings vary
//! ("C40Cities2022", "GCoM2022", "Carbonn (ICLEI)").

use super::{coordinates, is_missing, optional_population, read_table, reject};
use crate::{ImportError, Parsed, RawEnd, RawMembership};

const COLUMNS: &[&str] = &[
    "name",
    "iso",
    "entity_type",
    "lat",
    "lng",
    "population",
    "initiatives_committed",
];

pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let table = read_table(file, bytes, b',', COLUMNS)?;
    let col = |name: &str| table.column(name);
    let (name, iso, kind, lat, lon, population, tags) = (
        col("name"),
        col("iso"),
        col("entity_type"),
        col("lat"),
        col("lng"),
        col("population"),
        col("initiatives_committed"),
    );
    let population_year = table.optional_column("population_year");
    let country = table.optional_column("country");
    let mut parsed = Parsed::default();
    for (line, fields) in table.rows {
        parsed.n_rows += 1;
        let row = fields.and_then(|f| {
            let member_name = f[name].trim();
            if is_missing(member_name) {
                return Err("column `name` is empty: every row names a member".to_owned());
            }
            let (lat_value, lon_value) = coordinates(&f[lat], &f[lon], "lat", "lng")?;
            let tag_list: Vec<String> = f[tags]
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty() && !is_missing(t))
                .map(str::to_owned)
                .collect();
            if tag_list.is_empty() {
                return Err("column `initiatives_committed` names no network".to_owned());
            }
            // The ISO code is the country; the country name is a fallback for a missing code.
            let country_value = if is_missing(&f[iso]) {
                country
                    .map(|c| f[c].trim().to_owned())
                    .filter(|c| !is_missing(c))
            } else {
                Some(f[iso].trim().to_owned())
            };
            let is_region = match f[kind].trim() {
                "City" => Some(false),
                "Region" => Some(true),
                _ => None,
            };
            Ok(RawMembership {
                line,
                member: RawEnd {
                    name: member_name.to_owned(),
                    country: country_value,
                    lat: lat_value,
                    lon: lon_value,
                    population: optional_population(&f[population], "population")?,
                    population_year: population_year.and_then(|c| f[c].trim().parse().ok()),
                    ..RawEnd::default()
                },
                is_region,
                tags: tag_list,
            })
        });
        match row {
            Ok(row) => parsed.memberships.push(row),
            Err(reason) => reject(&mut parsed.rejected, line, reason),
        }
    }
    Ok(parsed)
}
