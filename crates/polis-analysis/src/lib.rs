//! Questions answered over a [`Dataset`]: ties and their status on a date, statistics, what
//! changed between two dates, data quality, dormant ties, "who connects X to Y", and exports
//! for other tools. Pure functions, no IO.

pub mod changes;
pub mod dormancy;
pub mod export;
pub mod geo;
pub mod ledger;
pub mod network;
pub mod paths;
pub mod quality;
pub mod recommend;
pub mod stats;
pub mod ties;

pub use changes::{Changes, changes};
pub use dormancy::{DormantTie, dormant};
pub use ledger::{ClauseHit, QuantityTotal, clause_search, quantity_totals};
pub use paths::{
    Chain, HeldWindow, LinkTime, Neighbourhood, PathError, TimeRule, connect, neighbourhood,
};
pub use quality::{QualityReport, quality};
pub use stats::{
    CountryBasis, FigureComparison, PlaceCountries, Stats, StatsQuery, compare_figures, stats,
};
pub use ties::{TieFilter, TieRow, list_ties, tie_row};

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

    /// Where to draw a place: its own shown coordinates, or, for a place without any, those
    /// of its seat (a metropolitan government's core city) or else of the nearest place it
    /// lies in (a district the gazetteer does not list). The flag says whether they were
    /// borrowed from a seat or a parent.
    pub fn position(&self, id: &str) -> Option<(f64, f64, bool)> {
        let mut at = self.get(id);
        for depth in 0..16 {
            let place = at?;
            if let Some(c) = place.shown_coordinates() {
                return Some((c.lat, c.lon, depth > 0));
            }
            at = place
                .seat
                .as_deref()
                .or(place.parent.as_deref())
                .and_then(|next| self.get(next));
        }
        None
    }

    /// The ISO country code of a place, or `??` where it has none.
    pub fn country_of(&self, id: &str) -> &'a str {
        self.get(id)
            .and_then(|p| p.country.as_deref())
            .unwrap_or("??")
    }
}
