//! A tie's status on a date, derived from its lifecycle events; never stored by hand.
//!
//! Events are kept in the order they happened. An event whose date cannot be placed before
//! or after the asked date (a year against a day inside it, or no date at all) leaves the
//! status unknown wherever it would change it, and the answer lists the possible statuses.

use serde::Serialize;

use crate::date::{PartialDate, Tri};
use crate::model::{EventKind, Tie};

/// Where a tie stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieStatus {
    /// Nothing had happened yet.
    NotYet,
    Proposed,
    Active,
    Suspended,
    Terminated,
    /// The recorded dates do not decide it.
    Unknown,
}

impl TieStatus {
    pub const ALL: &'static [TieStatus] = &[
        TieStatus::NotYet,
        TieStatus::Proposed,
        TieStatus::Active,
        TieStatus::Suspended,
        TieStatus::Terminated,
        TieStatus::Unknown,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            TieStatus::NotYet => "not_yet",
            TieStatus::Proposed => "proposed",
            TieStatus::Active => "active",
            TieStatus::Suspended => "suspended",
            TieStatus::Terminated => "terminated",
            TieStatus::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for TieStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TieStatus {
    type Err = crate::UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TieStatus::ALL
            .iter()
            .find(|s| s.as_str() == text)
            .copied()
            .ok_or_else(|| crate::UnknownValue {
                what: "TieStatus",
                value: text.to_owned(),
                accepted: TieStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The status on a date, with the statuses still possible when it is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusAsOf {
    pub status: TieStatus,
    /// When `status` is `unknown`: the statuses the recorded dates allow; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible: Vec<TieStatus>,
}

/// The status a lifecycle step leads to, or `None` when the step cannot follow `from`.
pub fn transition(from: TieStatus, event: EventKind) -> Option<TieStatus> {
    use EventKind as E;
    use TieStatus as S;
    match (event, from) {
        (E::Proposed, S::NotYet | S::Terminated) => Some(S::Proposed),
        (E::Signed, S::NotYet | S::Proposed | S::Terminated) => Some(S::Active),
        (E::Renewed, S::Active) => Some(S::Active),
        (E::Suspended, S::Active) => Some(S::Suspended),
        (E::Terminated, S::Active | S::Suspended | S::Proposed) => Some(S::Terminated),
        (E::Reinstated, S::Suspended | S::Terminated) => Some(S::Active),
        _ => None,
    }
}

/// Applies a step leniently (for status derivation of data that validation already checked:
/// an impossible step keeps the status the step names).
fn apply(from: TieStatus, event: EventKind) -> TieStatus {
    transition(from, event).unwrap_or(match event {
        EventKind::Proposed => TieStatus::Proposed,
        EventKind::Signed | EventKind::Renewed | EventKind::Reinstated => TieStatus::Active,
        EventKind::Suspended => TieStatus::Suspended,
        EventKind::Terminated => TieStatus::Terminated,
    })
}

/// The tie's status on `date`, or its current status when `date` is `None`.
///
/// A tie with no lifecycle events but with evidence is a tie some source lists as existing:
/// it is active from the earliest date a source observed it, and unknown before (or on any
/// date, when no source dates its observation).
pub fn status_as_of(tie: &Tie, date: Option<&PartialDate>) -> StatusAsOf {
    let known = |status| StatusAsOf {
        status,
        possible: Vec::new(),
    };
    let Some(date) = date else {
        let status = tie
            .events
            .iter()
            .fold(TieStatus::NotYet, |s, e| apply(s, e.kind));
        return known(if tie.events.is_empty() {
            TieStatus::Active
        } else {
            status
        });
    };
    if tie.events.is_empty() {
        let observed_by_then = tie
            .evidence
            .iter()
            .filter_map(|e| e.observed.as_ref())
            .any(|o| o.on_or_before(date) == Tri::Yes);
        if observed_by_then {
            return known(TieStatus::Active);
        }
        return StatusAsOf {
            status: TieStatus::Unknown,
            possible: vec![TieStatus::NotYet, TieStatus::Active],
        };
    }
    let answers: Vec<Tri> = tie
        .events
        .iter()
        .map(|e| e.date.map_or(Tri::Unknown, |d| d.on_or_before(date)))
        .collect();
    // Events are in the order they happened: once a later one has certainly happened, so
    // have all before it.
    let last_certain = answers.iter().rposition(|a| *a == Tri::Yes);
    let mut status = TieStatus::NotYet;
    let settled = last_certain.map_or(0, |k| k + 1);
    for event in &tie.events[..settled] {
        status = apply(status, event.kind);
    }
    let mut possible = vec![status];
    for (event, answer) in tie.events[settled..].iter().zip(&answers[settled..]) {
        if *answer == Tri::No {
            break;
        }
        status = apply(status, event.kind);
        possible.push(status);
    }
    possible.sort();
    possible.dedup();
    if possible.len() == 1 {
        known(possible[0])
    } else {
        StatusAsOf {
            status: TieStatus::Unknown,
            possible,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, TieEvent, TieKind};

    fn tie(events: &[(EventKind, Option<&str>)]) -> Tie {
        Tie {
            id: "a--b".into(),
            a: "a".into(),
            b: "b".into(),
            kind: TieKind::SisterCity,
            themes: vec![],
            motives: vec![],
            network: None,
            documents: vec![],
            note: None,
            events: events
                .iter()
                .map(|(kind, date)| TieEvent {
                    kind: *kind,
                    date: date.map(|d| d.parse().unwrap()),
                    side: None,
                    actor: None,
                    reason: None,
                    document: None,
                    sources: vec!["s".into()],
                })
                .collect(),
            evidence: vec![],
            sources: vec!["s".into()],
        }
    }

    fn check(events: &[(EventKind, Option<&str>)], as_of: Option<&str>, expected: TieStatus) {
        let date = as_of.map(|d| d.parse::<PartialDate>().unwrap());
        assert_eq!(
            status_as_of(&tie(events), date.as_ref()).status,
            expected,
            "as of {as_of:?}"
        );
    }

    use EventKind::*;
    use TieStatus as S;

    #[test]
    fn signed_in_a_year() {
        let signed_1973 = [(Signed, Some("1973"))];
        check(&signed_1973, Some("1973-12-31"), S::Active);
        check(&signed_1973, Some("1973-03-01"), S::Unknown);
        check(&signed_1973, Some("1972-12-31"), S::NotYet);
        check(&signed_1973, None, S::Active);
    }

    #[test]
    fn termination_by_day() {
        let events = [
            (Signed, Some("2016-03-29")),
            (Terminated, Some("2019-10-07")),
        ];
        check(&events, Some("2019-06-30"), S::Active);
        check(&events, Some("2019-10-07"), S::Terminated);
        check(&events, Some("2020-06-30"), S::Terminated);
        check(&events, Some("2016-03-28"), S::NotYet);
    }

    #[test]
    fn undated_termination_is_unknown_on_a_date_but_counts_now() {
        let events = [(Signed, Some("1990")), (Terminated, None)];
        check(&events, Some("2000-01-01"), S::Unknown);
        check(&events, None, S::Terminated);
        let answer = status_as_of(&tie(&events), Some(&"2000-01-01".parse().unwrap()));
        assert_eq!(answer.possible, vec![S::Active, S::Terminated]);
    }

    #[test]
    fn a_later_certain_event_settles_earlier_uncertain_ones() {
        let events = [(Signed, Some("1973")), (Suspended, Some("1973-03-01"))];
        check(&events, Some("1973-06-30"), S::Suspended);
    }

    #[test]
    fn listed_tie_without_events_is_active_from_its_observation() {
        let mut t = tie(&[]);
        t.evidence.push(Evidence {
            source: "s".into(),
            batch: None,
            listed_by: None,
            as_written: vec![],
            line: None,
            observed: Some("2017-05".parse().unwrap()),
        });
        let on = |d: &str| status_as_of(&t, Some(&d.parse().unwrap())).status;
        assert_eq!(on("2018-01-01"), S::Active);
        assert_eq!(on("2017-05-10"), S::Unknown);
        assert_eq!(on("2010-01-01"), S::Unknown);
        assert_eq!(status_as_of(&t, None).status, S::Active);
    }
}
