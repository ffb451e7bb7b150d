//! What changed between two dates: every tie whose status differs between them, and every
//! lifecycle event that falls (certainly or possibly) between them.

use std::collections::BTreeMap;

use polis_core::{Dataset, EventKind, PartialDate, StatusAsOf, Tri, status_as_of};
use serde::Serialize;

use crate::PlaceIndex;

/// One lifecycle event inside the window.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangedEvent {
    pub kind: EventKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// False when the event's date is too coarse to be sure it falls inside the window.
    pub certain: bool,
}

/// A tie that changed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangedTie {
    pub id: String,
    pub a_name: String,
    pub b_name: String,
    pub before: StatusAsOf,
    pub after: StatusAsOf,
    pub events: Vec<ChangedEvent>,
}

/// The changes between two dates.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changes {
    pub from: PartialDate,
    pub to: PartialDate,
    /// Events certainly inside the window, by kind.
    #[cfg_attr(feature = "openapi", schema(schema_with = polis_core::openapi::counts_by::<polis_core::EventKind>))]
    pub events_by_kind: BTreeMap<String, u64>,
    /// Events that may fall inside the window, by kind.
    #[cfg_attr(feature = "openapi", schema(schema_with = polis_core::openapi::counts_by::<polis_core::EventKind>))]
    pub possible_events_by_kind: BTreeMap<String, u64>,
    pub ties: Vec<ChangedTie>,
}

/// Is `date` after `from` and on or before `to`?
fn inside(date: &PartialDate, from: &PartialDate, to: &PartialDate) -> Tri {
    let after_from = match date.on_or_before(from) {
        Tri::Yes => Tri::No,
        Tri::No => Tri::Yes,
        Tri::Unknown => Tri::Unknown,
    };
    match (after_from, date.on_or_before(to)) {
        (Tri::No, _) | (_, Tri::No) => Tri::No,
        (Tri::Yes, Tri::Yes) => Tri::Yes,
        _ => Tri::Unknown,
    }
}

/// Ties whose status differs between `from` and `to`, or with an event in between.
pub fn changes(data: &Dataset, from: PartialDate, to: PartialDate) -> Changes {
    let places = PlaceIndex::new(data);
    let name = |id: &str| {
        places
            .get(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let mut events_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut possible_events_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut ties = Vec::new();
    for tie in &data.ties {
        let before = status_as_of(tie, Some(&from));
        let after = status_as_of(tie, Some(&to));
        let mut events = Vec::new();
        for event in &tie.events {
            let Some(date) = &event.date else { continue };
            let answer = inside(date, &from, &to);
            if answer == Tri::No {
                continue;
            }
            let certain = answer == Tri::Yes;
            let counter = if certain {
                &mut events_by_kind
            } else {
                &mut possible_events_by_kind
            };
            *counter.entry(event.kind.as_str().to_owned()).or_default() += 1;
            events.push(ChangedEvent {
                kind: event.kind,
                date: event.date,
                side: event.side.clone(),
                reason: event.reason.clone(),
                certain,
            });
        }
        if before != after || !events.is_empty() {
            ties.push(ChangedTie {
                id: tie.id.clone(),
                a_name: name(&tie.a),
                b_name: name(&tie.b),
                before,
                after,
                events,
            });
        }
    }
    ties.sort_by(|x, y| x.id.cmp(&y.id));
    Changes {
        from,
        to,
        events_by_kind,
        possible_events_by_kind,
        ties,
    }
}
