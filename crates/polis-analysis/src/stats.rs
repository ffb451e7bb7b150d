//! The headline statistics: ties, distinct partner places by level, distinct partner
//! countries, and ties by kind and status, for the whole registry or one country, now or on
//! a date.
//!
//! Counting rule: a tie counts when its status on the date is `active` (or `suspended`: a
//! suspended tie still exists). Ties whose status the recorded dates do not decide are not
//! counted, but appear under `by_status.unknown`, so nothing is silently dropped.
//! For a country, the partners are the ends outside that country; ties with both ends inside
//! it are counted apart as `n_domestic_ties`.

use std::collections::{BTreeMap, BTreeSet};

use polis_core::{Dataset, PartialDate, TieStatus, status_as_of};
use serde::Serialize;

use crate::PlaceIndex;

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    /// ISO 3166-1 alpha-2 code; `None` for the whole registry.
    pub country: Option<String>,
    pub as_of: Option<PartialDate>,
}

/// The counts, in the shape the seed deck quotes ("2,669 pairs with 549 provinces and
/// 1,694 cities in 138 countries").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    /// Ties counted (active or suspended on the date).
    pub n_ties: u64,
    /// Of those, ties with both ends in the country (country scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_domestic_ties: Option<u64>,
    /// Distinct partner places.
    pub n_partner_places: u64,
    /// Distinct partner places by level (`country`, `region`, `city`, `district`).
    pub partner_places_by_level: BTreeMap<String, u64>,
    /// Distinct countries of the partner places.
    pub n_partner_countries: u64,
    /// Distinct places in the country with a counted tie (country scope only), by level.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub local_places_by_level: BTreeMap<String, u64>,
    /// Counted ties by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Every tie in scope by its status on the date, counted or not.
    pub by_status: BTreeMap<String, u64>,
}

/// Computes [`Stats`] for `query`.
pub fn stats(data: &Dataset, query: &StatsQuery) -> Stats {
    let places = PlaceIndex::new(data);
    let level_of = |id: &str| {
        places
            .get(id)
            .map_or("unknown", |p| p.level.as_str())
            .to_owned()
    };
    let mut n_ties = 0;
    let mut n_domestic = 0;
    let mut partners = BTreeSet::new();
    let mut locals = BTreeSet::new();
    let mut partner_countries = BTreeSet::new();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for tie in &data.ties {
        let (country_a, country_b) = (places.country_of(&tie.a), places.country_of(&tie.b));
        let (in_a, in_b) = match &query.country {
            Some(cc) => (country_a == cc.as_str(), country_b == cc.as_str()),
            None => (false, false),
        };
        if query.country.is_some() && !in_a && !in_b {
            continue;
        }
        let status = status_as_of(tie, query.as_of.as_ref()).status;
        *by_status.entry(status.as_str().to_owned()).or_default() += 1;
        if !matches!(status, TieStatus::Active | TieStatus::Suspended) {
            continue;
        }
        n_ties += 1;
        *by_kind.entry(tie.kind.as_str().to_owned()).or_default() += 1;
        match &query.country {
            None => {
                for (end, country) in [(&tie.a, country_a), (&tie.b, country_b)] {
                    partners.insert(end.as_str());
                    partner_countries.insert(country);
                }
            }
            Some(_) if in_a && in_b => {
                n_domestic += 1;
                locals.insert(tie.a.as_str());
                locals.insert(tie.b.as_str());
            }
            Some(_) => {
                let (local, partner, partner_country) = if in_a {
                    (&tie.a, &tie.b, country_b)
                } else {
                    (&tie.b, &tie.a, country_a)
                };
                locals.insert(local.as_str());
                partners.insert(partner.as_str());
                partner_countries.insert(partner_country);
            }
        }
    }
    let by_level = |ids: &BTreeSet<&str>| {
        let mut levels: BTreeMap<String, u64> = BTreeMap::new();
        for id in ids {
            *levels.entry(level_of(id)).or_default() += 1;
        }
        levels
    };
    Stats {
        country: query.country.clone(),
        as_of: query.as_of,
        n_ties,
        n_domestic_ties: query.country.as_ref().map(|_| n_domestic),
        n_partner_places: partners.len() as u64,
        partner_places_by_level: by_level(&partners),
        n_partner_countries: partner_countries.len() as u64,
        local_places_by_level: if query.country.is_some() {
            by_level(&locals)
        } else {
            BTreeMap::new()
        },
        by_kind,
        by_status,
    }
}
