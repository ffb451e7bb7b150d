//! The data-quality report: what a careful reviewer would flag before trusting a number.
//! Errors are findings that are almost surely wrong (a tie between a place and the region it
//! lies in, two places with the same Wikidata or GeoNames id, the same tie twice); warnings
//! are gaps and doubts (one-sided ties, missing dates, sources that disagree, places that
//! look like duplicates).

use std::collections::{BTreeMap, HashMap};

use polis_core::text::fold;
use polis_core::{Dataset, Place};
use serde::Serialize;

use crate::PlaceIndex;
use crate::geo::haversine_km;

/// How many examples each finding lists.
pub const MAX_EXAMPLES: usize = 20;
/// Coordinates from two sources further apart than this are a conflict.
pub const COORDINATE_CONFLICT_KM: f64 = 10.0;
/// Populations of the same year from two sources differing by more than this share are a
/// conflict.
pub const POPULATION_CONFLICT_SHARE: f64 = 0.10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One kind of finding, with its count and the first examples.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub check: &'static str,
    pub severity: Severity,
    pub description: &'static str,
    pub count: u64,
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReport {
    pub n_errors: u64,
    pub n_warnings: u64,
    pub checks: Vec<Check>,
}

struct Builder {
    checks: Vec<Check>,
}

impl Builder {
    fn check(
        &mut self,
        check: &'static str,
        severity: Severity,
        description: &'static str,
        findings: Vec<String>,
    ) {
        self.checks.push(Check {
            check,
            severity,
            description,
            count: findings.len() as u64,
            examples: findings.into_iter().take(MAX_EXAMPLES).collect(),
        });
    }
}

impl QualityReport {
    /// This report with the findings of the unresolved-name check replaced by `unresolved`
    /// (the store's queue, as in [`quality`]) and the totals counted again: the checks of
    /// the records are computed once per set of records, the queue read when asked.
    pub fn with_unresolved(&self, unresolved: &[String]) -> QualityReport {
        let mut checks = self.checks.clone();
        for check in &mut checks {
            if check.check == UNRESOLVED_NAME {
                check.count = unresolved.len() as u64;
                check.examples = unresolved.iter().take(MAX_EXAMPLES).cloned().collect();
            }
        }
        let total = |severity: Severity| {
            checks
                .iter()
                .filter(|c| c.severity == severity)
                .map(|c| c.count)
                .sum()
        };
        QualityReport {
            n_errors: total(Severity::Error),
            n_warnings: total(Severity::Warning),
            checks,
        }
    }
}

/// The check that lists the unresolved queue.
const UNRESOLVED_NAME: &str = "unresolved_name";

/// The report over `data`; `unresolved` lists names an importer could not resolve (from
/// the store's queue), as "name (country)".
pub fn quality(data: &Dataset, unresolved: &[String]) -> QualityReport {
    let places = PlaceIndex::new(data);
    let label = |id: &str| {
        places
            .get(id)
            .map_or_else(|| id.to_owned(), |p| format!("{} ({id})", p.name))
    };
    let mut b = Builder { checks: Vec::new() };

    // Ties between a place and one of the places it lies in.
    let ancestors = |id: &str| {
        let mut chain = Vec::new();
        let mut at = places.get(id).and_then(|p| p.parent.as_deref());
        while let Some(parent) = at {
            if chain.contains(&parent) || chain.len() > 64 {
                break;
            }
            chain.push(parent);
            at = places.get(parent).and_then(|p| p.parent.as_deref());
        }
        chain
    };
    let parent_ties = data
        .ties
        .iter()
        .filter(|t| {
            ancestors(&t.a).contains(&t.b.as_str()) || ancestors(&t.b).contains(&t.a.as_str())
        })
        .map(|t| format!("{}: {} lies in {}", t.id, label(&t.a), label(&t.b)))
        .collect();
    b.check(
        "tie_with_own_parent",
        Severity::Error,
        "ties between a place and a place it lies in",
        parent_ties,
    );

    // The same external id on two places.
    let mut by_external: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for place in &data.places {
        if let Some(q) = &place.wikidata {
            by_external
                .entry(format!("wikidata {q}"))
                .or_default()
                .push(&place.id);
        }
        if let Some(g) = place.geonames {
            by_external
                .entry(format!("geonames {g}"))
                .or_default()
                .push(&place.id);
        }
    }
    let shared_ids = by_external
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(external, ids)| format!("{external} on {}", ids.join(", ")))
        .collect();
    b.check(
        "shared_external_id",
        Severity::Error,
        "places sharing a Wikidata or GeoNames id (one place recorded twice)",
        shared_ids,
    );

    // The same pair tied twice with the same kind.
    let mut pairs: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
    for tie in &data.ties {
        pairs
            .entry((&tie.a, &tie.b, tie.kind.as_str()))
            .or_default()
            .push(&tie.id);
    }
    let mut duplicate_ties: Vec<String> = pairs
        .values()
        .filter(|ids| ids.len() > 1)
        .map(|ids| ids.join(" = "))
        .collect();
    duplicate_ties.sort();
    b.check(
        "duplicate_tie",
        Severity::Error,
        "the same pair of places tied twice with the same kind",
        duplicate_ties,
    );

    let one_sided = data
        .ties
        .iter()
        .filter(|t| t.is_one_sided())
        .map(|t| {
            let side = t
                .evidence
                .first()
                .and_then(|e| e.listed_by.as_deref())
                .unwrap_or("?");
            format!("{} (listed only by {})", t.id, label(side))
        })
        .collect();
    b.check(
        "one_sided_tie",
        Severity::Warning,
        "ties listed by one side only",
        one_sided,
    );

    b.check(
        UNRESOLVED_NAME,
        Severity::Warning,
        "names an import could not resolve to a place (see `polis unresolved`)",
        unresolved.to_vec(),
    );

    let undated = data
        .ties
        .iter()
        .filter(|t| t.events.iter().all(|e| e.date.is_none()))
        .map(|t| t.id.clone())
        .collect();
    b.check(
        "tie_without_dates",
        Severity::Warning,
        "ties with no dated lifecycle event (no signing date)",
        undated,
    );

    let undated_events = data
        .ties
        .iter()
        .flat_map(|t| {
            t.events
                .iter()
                .enumerate()
                .filter(|(_, e)| e.date.is_none())
                .map(move |(i, e)| format!("{}: events[{i}] {}", t.id, e.kind))
        })
        .collect();
    b.check(
        "event_without_date",
        Severity::Warning,
        "lifecycle events with no date",
        undated_events,
    );

    let unsourced = data
        .ties
        .iter()
        .filter(|t| t.sources.is_empty() && t.evidence.iter().all(|e| e.batch.is_none()))
        .filter(|t| t.evidence.is_empty())
        .map(|t| t.id.clone())
        .collect();
    b.check(
        "tie_without_source",
        Severity::Error,
        "ties with neither a source nor evidence",
        unsourced,
    );

    b.check(
        "conflicting_values",
        Severity::Warning,
        "places whose sources disagree on coordinates or population",
        conflicts(&data.places),
    );
    b.check(
        "likely_duplicate_place",
        Severity::Warning,
        "distinct places with the same folded name in the same country, within 25 km",
        likely_duplicates(&data.places),
    );

    let mut ties_of: HashMap<&str, usize> = HashMap::new();
    for tie in &data.ties {
        *ties_of.entry(&tie.a).or_default() += 1;
        *ties_of.entry(&tie.b).or_default() += 1;
    }
    let mut provisional: Vec<(&Place, usize)> = data
        .places
        .iter()
        .filter(|p| p.provisional)
        .map(|p| (p, ties_of.get(p.id.as_str()).copied().unwrap_or(0)))
        .collect();
    provisional.sort_by(|(x, nx), (y, ny)| ny.cmp(nx).then(x.id.cmp(&y.id)));
    b.check(
        "provisional_place",
        Severity::Warning,
        "places kept from names no import could resolve, most ties first (confirm with `polis resolve NAME --confirm-geonames ID` or `--confirm-place ID`)",
        provisional
            .iter()
            .map(|(p, n)| {
                format!(
                    "{} ({}, {}): {n} tie{}",
                    p.name,
                    p.country.as_deref().unwrap_or("no country"),
                    p.id,
                    if *n == 1 { "" } else { "s" }
                )
            })
            .collect(),
    );
    b.check(
        "likely_duplicate_provisional",
        Severity::Warning,
        "provisional places in one country with close spellings (one place written two ways?)",
        close_provisional(&data.places),
    );

    let n_errors = b
        .checks
        .iter()
        .filter(|c| c.severity == Severity::Error)
        .map(|c| c.count)
        .sum();
    let n_warnings = b
        .checks
        .iter()
        .filter(|c| c.severity == Severity::Warning)
        .map(|c| c.count)
        .sum();
    QualityReport {
        n_errors,
        n_warnings,
        checks: b.checks,
    }
}

fn conflicts(places: &[Place]) -> Vec<String> {
    let mut out = Vec::new();
    for place in places {
        for (i, x) in place.coordinates.iter().enumerate() {
            for y in &place.coordinates[i + 1..] {
                let km = haversine_km(x.lat, x.lon, y.lat, y.lon);
                if x.source != y.source && km > COORDINATE_CONFLICT_KM {
                    out.push(format!(
                        "{}: coordinates {} and {} are {km:.0} km apart",
                        place.id, x.source, y.source
                    ));
                }
            }
        }
        for (i, x) in place.population.iter().enumerate() {
            for y in &place.population[i + 1..] {
                let (low, high) = (x.value.min(y.value) as f64, x.value.max(y.value) as f64);
                if x.source != y.source
                    && x.year == y.year
                    && high > 0.0
                    && (high - low) / high > POPULATION_CONFLICT_SHARE
                {
                    out.push(format!(
                        "{}: population {} ({}) vs {} ({})",
                        place.id, x.value, x.source, y.value, y.source
                    ));
                }
            }
        }
    }
    out
}

/// Spellings this close (after folding) are listed as likely one place: the same first
/// letter (East and West Hendred are two villages) and an edit distance of at most 1 for
/// names up to 6 letters, 2 for longer ones ("Agios Sergios" and "Ayios Seryios").
fn close_spellings(x: &str, y: &str) -> bool {
    let allowed = if x.chars().count().min(y.chars().count()) <= 6 {
        1
    } else {
        2
    };
    x != y && x.chars().next() == y.chars().next() && strsim::levenshtein(x, y) <= allowed
}

/// Pairs of provisional places in one country whose folded names are close (or equal, which
/// happens when two spellings fold alike only after a merge), as "a ~ b".
fn close_provisional(places: &[Place]) -> Vec<String> {
    let mut by_country: BTreeMap<&str, Vec<(String, &Place)>> = BTreeMap::new();
    for place in places.iter().filter(|p| p.provisional) {
        by_country
            .entry(place.country.as_deref().unwrap_or(""))
            .or_default()
            .push((fold(&place.name), place));
    }
    let mut out = Vec::new();
    for group in by_country.values() {
        for (i, (xk, x)) in group.iter().enumerate() {
            for (yk, y) in &group[i + 1..] {
                if xk == yk || close_spellings(xk, yk) {
                    out.push(format!("{} ({}) ~ {} ({})", x.name, x.id, y.name, y.id));
                }
            }
        }
    }
    out.sort();
    out
}

fn likely_duplicates(places: &[Place]) -> Vec<String> {
    let mut groups: HashMap<(String, &str), Vec<&Place>> = HashMap::new();
    for place in places {
        let country = place.country.as_deref().unwrap_or("");
        groups
            .entry((fold(&place.name), country))
            .or_default()
            .push(place);
    }
    let mut out = Vec::new();
    for group in groups.values().filter(|g| g.len() > 1) {
        for (i, x) in group.iter().enumerate() {
            for y in &group[i + 1..] {
                if x.level != y.level {
                    continue;
                }
                let near = match (x.shown_coordinates(), y.shown_coordinates()) {
                    (Some(p), Some(q)) => haversine_km(p.lat, p.lon, q.lat, q.lon) < 25.0,
                    _ => true,
                };
                if near {
                    out.push(format!("{} ~ {}", x.id, y.id));
                }
            }
        }
    }
    out.sort();
    out
}
