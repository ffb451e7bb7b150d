//! Questions answered over a [`Dataset`]: which ties a place or country has and in what
//! status on a date, and the statistics of the brief (ties, distinct partner places by
//! level, distinct partner countries, ties by kind and status). Pure functions, no IO.

pub mod stats;
pub mod ties;

pub use stats::{Stats, StatsQuery, stats};
pub use ties::{TieFilter, TieRow, list_ties};

use std::collections::HashMap;

use polis_core::{Dataset, Place};

/// Places by id, for the lookups every analysis needs.
pub struct PlaceIndex<'a> {
    by_id: HashMap<&'a str, &'a Place>,
}

impl<'a> PlaceIndex<'a> {
    pub fn new(data: &'a Dataset) -> Self {
        Self {
            by_id: data.places.iter().map(|p| (p.id.as_str(), p)).collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&'a Place> {
        self.by_id.get(id).copied()
    }

    /// The ISO country code of a place, or `??` where it has none.
    pub fn country_of(&self, id: &str) -> &'a str {
        self.get(id)
            .and_then(|p| p.country.as_deref())
            .unwrap_or("??")
    }
}
