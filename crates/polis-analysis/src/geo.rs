//! Great-circle distances.

pub use polis_core::geo::haversine_km;

/// ISO 3166-1 codes of the countries of Europe in the UN M49 geoscheme (Eastern, Northern,
/// Southern and Western Europe), plus Kosovo (XK), which M49 does not list separately.
pub const EUROPE: &[&str] = &[
    "AD", "AL", "AT", "AX", "BA", "BE", "BG", "BY", "CH", "CZ", "DE", "DK", "EE", "ES", "FI", "FO",
    "FR", "GB", "GG", "GI", "GR", "HR", "HU", "IE", "IM", "IS", "IT", "JE", "LI", "LT", "LU", "LV",
    "MC", "MD", "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SJ", "SK",
    "SM", "UA", "VA", "XK",
];

/// The ISO codes of a continent's countries, for figures scoped to one. Only Europe is
/// known so far; other continents give `None`, and the figure is shown as not computable.
pub fn continent_countries(continent: &str) -> Option<std::collections::BTreeSet<String>> {
    match continent.trim().to_ascii_lowercase().as_str() {
        "europe" => Some(EUROPE.iter().map(|c| (*c).to_owned()).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prague_to_beijing() {
        let km = super::haversine_km(50.08804, 14.42076, 39.9075, 116.39723);
        assert!((km - 7_460.0).abs() < 30.0, "{km}");
        assert_eq!(super::haversine_km(1.0, 2.0, 1.0, 2.0), 0.0);
    }
}
