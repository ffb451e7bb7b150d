//! Dormant ties: ties still active whose last recorded sign of life (an activity that names
//! the tie or both of its places, or a signing, renewal or reinstatement) is more than N
//! years before the reference date.

use polis_core::{Dataset, EventKind, PartialDate, TieStatus, Tri, status_as_of};
use serde::Serialize;

use crate::PlaceIndex;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DormantTie {
    pub id: String,
    pub a_name: String,
    pub b_name: String,
    /// The last recorded activity or lifecycle step; `None` when nothing dated is recorded.
    pub last_sign_of_life: Option<PartialDate>,
    /// What that was: an activity id, or the lifecycle step.
    pub last_what: Option<String>,
}

/// Active ties with no recorded activity for `years` years before `as_of`.
pub fn dormant(data: &Dataset, years: u16, as_of: PartialDate) -> Vec<DormantTie> {
    let places = PlaceIndex::new(data);
    let name = |id: &str| {
        places
            .get(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    // The cut-off: the same day `years` years earlier (29 February falls back to the 28th).
    let (y, m, d) = as_of.last_day();
    let cutoff_year = y.saturating_sub(i32::from(years)).max(1);
    let cutoff = PartialDate::new(cutoff_year, Some(m), Some(d))
        .or_else(|_| PartialDate::new(cutoff_year, Some(m), Some(d - 1)))
        .unwrap_or(as_of);
    let mut out = Vec::new();
    for tie in &data.ties {
        if status_as_of(tie, Some(&as_of)).status != TieStatus::Active {
            continue;
        }
        let mut signs: Vec<(PartialDate, String)> = tie
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Signed | EventKind::Renewed | EventKind::Reinstated
                )
            })
            .filter_map(|e| e.date.map(|d| (d, e.kind.as_str().to_owned())))
            .collect();
        for activity in &data.activities {
            let names_tie = activity.ties.contains(&tie.id)
                || (activity.places.contains(&tie.a) && activity.places.contains(&tie.b));
            if !names_tie {
                continue;
            }
            if let Some(date) = activity.end.or(activity.start) {
                signs.push((date, activity.id.clone()));
            }
        }
        // Only signs of life on or before the reference date count.
        signs.retain(|(date, _)| date.on_or_before(&as_of) != Tri::No);
        let last = signs.into_iter().max_by(|x, y| x.0.cmp(&y.0));
        let dormant = match &last {
            Some((date, _)) => date.before(&cutoff) == Tri::Yes,
            None => true,
        };
        if dormant {
            out.push(DormantTie {
                id: tie.id.clone(),
                a_name: name(&tie.a),
                b_name: name(&tie.b),
                last_sign_of_life: last.as_ref().map(|(d, _)| *d),
                last_what: last.map(|(_, what)| what),
            });
        }
    }
    out.sort_by(|x, y| {
        x.last_sign_of_life
            .cmp(&y.last_sign_of_life)
            .then(x.id.cmp(&y.id))
    });
    out
}
