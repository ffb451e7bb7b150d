//! The import report: rows read, ties created, merged and rejected, places resolved by
//! method, names left unresolved. Every rejected row has its line and reason.

use std::collections::BTreeMap;

use serde::Serialize;

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// A name that did not resolve confidently; it goes to the unresolved queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unresolved {
    pub name: String,
    pub country: Option<String>,
    /// The first line that names it.
    pub line: u64,
    /// How many times the file names it (a row naming it at both ends counts twice): what
    /// resolving it would unlock.
    pub occurrences: u64,
    /// The best candidate below the confidence threshold, if any, as "name, admin, CC (0.42)".
    pub best_guess: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub format: String,
    pub file: String,
    pub batch: String,
    pub rows_read: u64,
    /// Ties new to the registry.
    pub ties_created: u64,
    /// Ties already in the registry that got evidence from this file.
    pub ties_merged_with_registry: u64,
    /// Rows that repeated a tie stated earlier in the same file (the same pair listed on both
    /// sides' pages, under the same or another spelling), merged into it.
    pub rows_merged_within_file: u64,
    /// Of the ties this file touched, those only one side lists.
    pub ties_one_sided: u64,
    /// Rows whose evidence was already stored by an earlier import of the same file.
    pub rows_already_imported: u64,
    pub memberships_created: u64,
    pub networks_created: Vec<String>,
    /// Network tags recognised, by network id.
    pub network_tags: BTreeMap<String, u64>,
    /// Places new to the registry, provisional ones included.
    pub places_created: u64,
    /// Of those, provisional places: names that did not resolve, kept with their ties.
    pub provisional_places_created: u64,
    /// Places in a contested territory (Crimea, Taiwan, Kosovo, ...) whose country this file
    /// states, by the country it puts them in (ISO 3166's own or a claimant's): each is kept
    /// on the place as this source's claim (`country_claims`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub country_claims: BTreeMap<String, u64>,
    /// Distinct names resolved, by method (`gazetteer:exact_name`, `registry:geonames_id`, ...).
    pub resolved_by_method: BTreeMap<String, u64>,
    pub names_resolved: u64,
    pub names_unresolved: u64,
    /// Rows with an unresolved end: kept, through a provisional place, while the name waits
    /// in the unresolved queue.
    pub rows_unresolved: u64,
    pub rejected: Vec<Rejected>,
    pub unresolved: Vec<Unresolved>,
}

impl ImportReport {
    /// Share of distinct names resolved, in percent.
    pub fn resolved_percent(&self) -> f64 {
        let total = self.names_resolved + self.names_unresolved;
        if total == 0 {
            100.0
        } else {
            self.names_resolved as f64 * 100.0 / total as f64
        }
    }
}
