//! Country resolution for messy country fields: ISO codes, names in many languages, historical
//! and informal variants, "Region, Country" forms and first-level subdivisions standing in for
//! a country ("England", "Wales, United Kingdom", "Azores, Portugal").

use polis_core::text::fold;

use crate::data::{KeyKind, NONE, lookup};
use crate::{Gazetteer, Level, strip_qualifiers};

/// A country of ISO 3166-1 (plus XK, Kosovo) with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// Common English name ("Czechia", "South Korea", "Taiwan").
    pub name: String,
    /// Official name, where ISO gives one ("Czech Republic").
    pub official_name: Option<String>,
    /// Names with their language (gettext code such as "de", "zh_CN"; empty for variants
    /// written for this project, such as "Georgia (country)").
    pub names: Vec<(String, String)>,
}

/// How a country field was matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryMethod {
    /// An ISO 3166-1 alpha-2 or alpha-3 code.
    Code,
    /// A country name; `language` is the translation it came from, if known.
    Name {
        /// gettext language code, or `None` for English and hand-written variants.
        language: Option<String>,
    },
    /// The field named a first-level subdivision only ("England", "Scotland").
    Subdivision,
    /// A misspelt country name ("Kazakhstah", "Madagaskar").
    Fuzzy {
        /// The folded name it was matched to.
        matched: String,
        /// Edit distance between the folded field and that name.
        distance: usize,
    },
}

/// The result of [`Gazetteer::resolve_country`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryMatch {
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// The country's common English name.
    pub name: String,
    /// ISO 3166-2 code of the subdivision the field also named ("GB-ENG"), if it has one.
    pub subdivision: Option<String>,
    /// Name of that subdivision.
    pub subdivision_name: Option<String>,
    /// How the country was matched.
    pub method: CountryMethod,
    /// The gazetteer region of the subdivision, also when it has no ISO code.
    pub(crate) region: Option<u32>,
}

/// Subdivisions that also have an ISO 3166-1 code of their own, under which GeoNames files
/// their places.
const OWN_CODES: &[(&str, &str)] = &[
    ("FR-974", "RE"),
    ("FR-971", "GP"),
    ("FR-972", "MQ"),
    ("FR-973", "GF"),
    ("FR-976", "YT"),
    ("FR-RE", "RE"),
    ("FR-GP", "GP"),
    ("FR-MQ", "MQ"),
    ("FR-GF", "GF"),
    ("FR-YT", "YT"),
    ("FR-PF", "PF"),
    ("FR-NC", "NC"),
    ("FR-PM", "PM"),
    ("FR-WF", "WF"),
    ("FR-BL", "BL"),
    ("FR-MF", "MF"),
    ("FI-01", "AX"),
    ("CN-HK", "HK"),
    ("CN-MO", "MO"),
    ("CN-TW", "TW"),
    ("US-PR", "PR"),
    ("US-GU", "GU"),
    ("US-VI", "VI"),
    ("US-AS", "AS"),
    ("US-MP", "MP"),
    ("US-UM", "UM"),
    ("NL-AW", "AW"),
    ("NL-CW", "CW"),
    ("NL-SX", "SX"),
    ("NO-21", "SJ"),
    ("NO-22", "SJ"),
];

impl Gazetteer {
    /// The country with this ISO 3166-1 alpha-2 code.
    pub fn country(&self, iso2: &str) -> Option<Country> {
        let record = &self.tables.countries[*self.country_by_iso2.get(iso2)?];
        Some(Country {
            iso2: record.iso2.clone(),
            iso3: record.iso3.clone(),
            name: record.name.clone(),
            official_name: (!record.official_name.is_empty()).then(|| record.official_name.clone()),
            names: record.names.clone(),
        })
    }

    /// All countries, in ISO 3166-1 order.
    pub fn countries(&self) -> impl Iterator<Item = Country> + '_ {
        self.tables
            .countries
            .iter()
            .filter_map(|c| self.country(&c.iso2))
    }

    /// Resolves a country field: "Czech Republic", "CZ", "Tschechien", "Georgia (country)",
    /// "England, United Kingdom" (GB with subdivision GB-ENG), "New York, United States",
    /// "Azores, Portugal", "Wales". Returns `None` when nothing matches well enough.
    pub fn resolve_country(&self, text: &str) -> Option<CountryMatch> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(found) = self.country_exact(text) {
            return Some(found);
        }
        if let Some((head, tail)) = text.rsplit_once(',') {
            let tail = tail.trim();
            if let Some(mut found) = self
                .country_exact(tail)
                .or_else(|| self.country_fuzzy(tail))
            {
                if let Some(region) = self.find_subdivision(head, Some(&found.iso2)) {
                    self.set_subdivision(&mut found, region);
                }
                return Some(found);
            }
        }
        if let Some(region) = self.find_subdivision(text, None) {
            let record = &self.tables.regions[region as usize];
            let country = self.country_record(&record.country)?;
            let mut found = CountryMatch {
                iso2: country.iso2.clone(),
                name: country.name.clone(),
                subdivision: None,
                subdivision_name: None,
                method: CountryMethod::Subdivision,
                region: None,
            };
            self.set_subdivision(&mut found, region);
            return Some(found);
        }
        self.country_fuzzy(text)
    }

    fn country_record(&self, iso2: &str) -> Option<&crate::data::CountryRecord> {
        self.country_by_iso2
            .get(iso2)
            .map(|&i| &self.tables.countries[i])
    }

    fn set_subdivision(&self, found: &mut CountryMatch, region: u32) {
        let record = &self.tables.regions[region as usize];
        found.subdivision = record.iso.clone();
        found.subdivision_name = Some(record.name.clone());
        found.region = Some(region);
        // "Réunion, France": GeoNames files the places under the territory's own code.
        if let Some(code) = &record.iso
            && let Some((_, own)) = OWN_CODES.iter().find(|(sub, _)| sub == code)
            && let Some(country) = self.country_record(own)
        {
            found.iso2 = country.iso2.clone();
            found.name = country.name.clone();
        }
    }

    fn country_match(&self, index: usize, method: CountryMethod) -> CountryMatch {
        let record = &self.tables.countries[index];
        CountryMatch {
            iso2: record.iso2.clone(),
            name: record.name.clone(),
            subdivision: None,
            subdivision_name: None,
            method,
            region: None,
        }
    }

    /// A code, or a name that folds to a known country name.
    fn country_exact(&self, text: &str) -> Option<CountryMatch> {
        let upper = text.len() <= 3 && text.chars().all(|c| c.is_ascii_uppercase());
        if upper
            && text.len() == 2
            && let Some(&i) = self.country_by_iso2.get(text)
        {
            return Some(self.country_match(i, CountryMethod::Code));
        }
        if upper
            && text.len() == 3
            && let Some(i) = self.tables.countries.iter().position(|c| c.iso3 == text)
        {
            return Some(self.country_match(i, CountryMethod::Code));
        }
        let stripped = strip_qualifiers(text);
        let mut keys = vec![fold(text), fold(&stripped.name)];
        // "in Italy", "the Netherlands": a leading small word.
        for key in keys.clone() {
            for word in ["in ", "the "] {
                if let Some(rest) = key.strip_prefix(word) {
                    keys.push(rest.to_string());
                }
            }
        }
        for key in keys {
            if let Some(hits) = self.country_index.get(&key) {
                // Prefer English and hand-written names when translations disagree.
                let (i, language) = hits
                    .iter()
                    .min_by_key(|(_, lang)| match lang.as_str() {
                        "" => 0,
                        "en" => 1,
                        _ => 2,
                    })
                    .cloned()?;
                let language = (!language.is_empty() && language != "en").then_some(language);
                return Some(self.country_match(i, CountryMethod::Name { language }));
            }
        }
        None
    }

    /// A misspelt country name: the closest folded Latin name within one edit (two for names
    /// of nine letters or more).
    fn country_fuzzy(&self, text: &str) -> Option<CountryMatch> {
        let key = fold(text);
        let key = key.strip_prefix("in ").unwrap_or(&key);
        if key.len() < 4 || !key.is_ascii() {
            return None;
        }
        let max_distance = if key.len() >= 9 { 2 } else { 1 };
        let mut best: Option<(usize, &str, usize)> = None;
        // Misspellings rarely touch the first letter; comparing only names that share it
        // keeps this scan to a few hundred names.
        let first = key.as_bytes()[0];
        let from = self
            .country_fuzzy_keys
            .partition_point(|(name, _)| name.as_bytes()[0] < first);
        for (name, country) in &self.country_fuzzy_keys[from..] {
            if name.as_bytes()[0] != first {
                break;
            }
            if name.len().abs_diff(key.len()) > max_distance {
                continue;
            }
            let distance = strsim::levenshtein(key, name);
            if distance <= max_distance
                && best.is_none_or(|(d, n, _)| (distance, name.as_str()) < (d, n))
            {
                best = Some((distance, name, *country));
            }
        }
        let (distance, matched, i) = best?;
        Some(self.country_match(
            i,
            CountryMethod::Fuzzy {
                matched: matched.to_string(),
                distance,
            },
        ))
    }

    /// A subdivision named by `text`: within `country` (any level, first level preferred), or
    /// without a country a first-level subdivision with an ISO code that only one country has.
    pub(crate) fn find_subdivision(&self, text: &str, country: Option<&str>) -> Option<u32> {
        let stripped = strip_qualifiers(text);
        let n_places = self.tables.places.name.len() as u32;
        let mut best: Option<(u32, u32)> = None; // (rank, region)
        let mut countries_seen: Vec<&str> = Vec::new();
        for key in [fold(text), fold(&stripped.name)] {
            for entry in lookup(&self.tables.index, &key) {
                if entry.entity < n_places {
                    continue;
                }
                let region = entry.entity - n_places;
                let record = &self.tables.regions[region as usize];
                match country {
                    Some(cc) if record.country != cc => continue,
                    None if record.level != Level::Region || record.iso.is_none() => continue,
                    _ => {}
                }
                if !countries_seen.contains(&record.country.as_str()) {
                    countries_seen.push(&record.country);
                }
                let rank = u32::from(record.level != Level::Region) * 4
                    + u32::from(record.iso.is_none()) * 2
                    + u32::from(entry.kind != KeyKind::Primary);
                if best.is_none_or(|(r, id)| (rank, region) < (r, id)) {
                    best = Some((rank, region));
                }
            }
            if best.is_some() {
                break;
            }
        }
        if country.is_none() && countries_seen.len() > 1 {
            return None;
        }
        best.map(|(_, region)| region).filter(|&r| r != NONE)
    }
}
