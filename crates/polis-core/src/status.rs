//! A tie's status on a date, derived from its lifecycle events; never stored by hand.
//!
//! Events are kept in the order they happened. An event whose date cannot be placed before
//! or after the asked date (a year against a day inside it, or no date at all) leaves the
//! status unknown wherever it would change it, and the answer lists the possible statuses.
//!
//! An event may carry counter-claims: other sources saying it did not happen, was another
//! step, or happened on another date. Each such claim gives another account of the tie's
//! lifecycle (the recorded events with that one event changed). Where an account implies a
//! different status on the asked date than the events as recorded, the tie is `disputed`,
//! and the answer gives the status each account implies with its sources, the recorded
//! account first; polis does not pick one. A claim on an event that does not decide the
//! status on that date (a disputed termination, asked about before it) changes nothing.

use serde::Serialize;

use crate::date::{PartialDate, Tri};
use crate::model::{Contested, CounterClaim, EventKind, Tie};

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
    /// Sources disagree on an event that decides it (see [`StatusAsOf::claims`]).
    Disputed,
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
        TieStatus::Disputed,
        TieStatus::Unknown,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            TieStatus::NotYet => "not_yet",
            TieStatus::Proposed => "proposed",
            TieStatus::Active => "active",
            TieStatus::Suspended => "suspended",
            TieStatus::Terminated => "terminated",
            TieStatus::Disputed => "disputed",
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

/// The status on a date, with the statuses still possible when it is unknown or disputed,
/// and each source's account when it is disputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusAsOf {
    pub status: TieStatus,
    /// When `status` is `unknown`: the statuses the recorded dates allow; when it is
    /// `disputed`: every status some account implies or allows; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible: Vec<TieStatus>,
    /// When `status` is `disputed`: the status each account implies, the events as recorded
    /// first, then each counter-claim that implies another; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimedStatus>,
}

/// The status one account of a tie's lifecycle implies, and the sources behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimedStatus {
    /// The status this account implies (`unknown` where its own dates do not decide it).
    pub status: TieStatus,
    /// When `status` is `unknown`: the statuses this account's dates allow.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible: Vec<TieStatus>,
    /// For the recorded account: the sources of the disputed events; for a counter-claim:
    /// its own sources.
    pub sources: Vec<String>,
    /// What the counter-claim says; absent for the events as recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub says: Option<String>,
}

impl StatusAsOf {
    fn known(status: TieStatus) -> Self {
        StatusAsOf {
            status,
            possible: Vec::new(),
            claims: Vec::new(),
        }
    }

    /// The statuses this answer allows: the status itself when it is known.
    pub fn allowed(&self) -> Vec<TieStatus> {
        if self.possible.is_empty() {
            vec![self.status]
        } else {
            self.possible.clone()
        }
    }
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

/// One step of an account of a tie's lifecycle: what happened, and when.
pub type Step = (EventKind, Option<PartialDate>);

/// The tie's events as one counter-claim tells them: the `index`-th event removed, of
/// another kind or on another date. `None` for a claim on details only.
pub fn counter_account(tie: &Tie, index: usize, claim: &CounterClaim) -> Option<Vec<Step>> {
    let mut steps: Vec<Step> = tie.events.iter().map(|e| (e.kind, e.date)).collect();
    if index >= steps.len() {
        return None;
    }
    match claim.contests {
        Contested::Occurrence => {
            steps.remove(index);
        }
        Contested::Kind => steps[index].0 = claim.kind?,
        Contested::Date => steps[index].1 = Some(claim.date?),
        Contested::Details => return None,
    }
    Some(steps)
}

/// The tie's status on `date`, or its current status when `date` is `None`.
///
/// A tie with no lifecycle events but with evidence is a tie some source lists as existing:
/// it is active from the earliest date a source observed it, and unknown before (or on any
/// date, when no source dates its observation).
///
/// Where a counter-claim on an event implies another status on that date, the status is
/// `disputed` (see the module's documentation).
pub fn status_as_of(tie: &Tie, date: Option<&PartialDate>) -> StatusAsOf {
    let recorded_steps: Vec<Step> = tie.events.iter().map(|e| (e.kind, e.date)).collect();
    let recorded = account_status(tie, &recorded_steps, date);
    let mut differing: Vec<(usize, &CounterClaim, StatusAsOf)> = Vec::new();
    for (index, event) in tie.events.iter().enumerate() {
        for claim in &event.disputed_by {
            if let Some(steps) = counter_account(tie, index, claim) {
                let account = account_status(tie, &steps, date);
                if account != recorded {
                    differing.push((index, claim, account));
                }
            }
        }
    }
    if differing.is_empty() {
        return recorded;
    }
    let mut recorded_sources: Vec<String> = Vec::new();
    for (index, _, _) in &differing {
        for source in &tie.events[*index].sources {
            if !recorded_sources.contains(source) {
                recorded_sources.push(source.clone());
            }
        }
    }
    let mut possible = recorded.allowed();
    let mut claims = vec![ClaimedStatus {
        status: recorded.status,
        possible: recorded.possible,
        sources: recorded_sources,
        says: None,
    }];
    for (_, claim, account) in differing {
        possible.extend(account.allowed());
        claims.push(ClaimedStatus {
            status: account.status,
            possible: account.possible,
            sources: claim.sources.clone(),
            says: Some(claim.says.clone()),
        });
    }
    possible.sort();
    possible.dedup();
    StatusAsOf {
        status: TieStatus::Disputed,
        possible,
        claims,
    }
}

/// The status one account of the tie's lifecycle implies on `date` (or now).
fn account_status(tie: &Tie, steps: &[Step], date: Option<&PartialDate>) -> StatusAsOf {
    let known = StatusAsOf::known;
    let Some(date) = date else {
        let status = steps
            .iter()
            .fold(TieStatus::NotYet, |s, (kind, _)| apply(s, *kind));
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
            claims: Vec::new(),
        };
    }
    let answers: Vec<Tri> = steps
        .iter()
        .map(|(_, d)| d.map_or(Tri::Unknown, |d| d.on_or_before(date)))
        .collect();
    // Events are in the order they happened: once a later one has certainly happened, so
    // have all before it.
    let last_certain = answers.iter().rposition(|a| *a == Tri::Yes);
    let mut status = TieStatus::NotYet;
    let settled = last_certain.map_or(0, |k| k + 1);
    for (kind, _) in &steps[..settled] {
        status = apply(status, *kind);
    }
    let mut possible = vec![status];
    for ((kind, _), answer) in steps[settled..].iter().zip(&answers[settled..]) {
        if *answer == Tri::No {
            break;
        }
        status = apply(status, *kind);
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
            claims: Vec::new(),
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
                    disputed_by: vec![],
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
            source_distance_km: Default::default(),
        });
        let on = |d: &str| status_as_of(&t, Some(&d.parse().unwrap())).status;
        assert_eq!(on("2018-01-01"), S::Active);
        assert_eq!(on("2017-05-10"), S::Unknown);
        assert_eq!(on("2010-01-01"), S::Unknown);
        assert_eq!(status_as_of(&t, None).status, S::Active);
    }
}

#[cfg(test)]
mod disputes {
    use super::*;
    use crate::model::{TieEvent, TieKind};

    fn event(kind: EventKind, date: &str, source: &str) -> TieEvent {
        TieEvent {
            kind,
            date: Some(date.parse().unwrap()),
            side: None,
            actor: None,
            reason: None,
            document: None,
            sources: vec![source.into()],
            disputed_by: vec![],
        }
    }

    fn claim(contests: Contested, source: &str) -> CounterClaim {
        CounterClaim {
            says: format!("{source} says otherwise"),
            contests,
            kind: None,
            date: None,
            sources: vec![source.into()],
        }
    }

    /// Signed 1986, renewed 2003-10, terminated 2020-04, as the tie is recorded; the
    /// termination carries `counter` from the source "city".
    fn gothenburg(counter: CounterClaim) -> Tie {
        let mut terminated = event(EventKind::Terminated, "2020-04", "news");
        terminated.disputed_by.push(counter);
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
            events: vec![
                event(EventKind::Signed, "1986", "memo"),
                event(EventKind::Renewed, "2003-10", "memo"),
                terminated,
            ],
            evidence: vec![],
            sources: vec!["news".into()],
        }
    }

    fn on(tie: &Tie, date: &str) -> StatusAsOf {
        status_as_of(tie, Some(&date.parse().unwrap()))
    }

    #[test]
    fn a_denied_termination_makes_the_status_disputed_with_both_accounts() {
        let tie = gothenburg(claim(Contested::Occurrence, "city"));
        let answer = on(&tie, "2021-01-01");
        assert_eq!(answer.status, TieStatus::Disputed);
        assert_eq!(answer.possible, [TieStatus::Active, TieStatus::Terminated]);
        assert_eq!(answer.claims.len(), 2);
        assert_eq!(answer.claims[0].status, TieStatus::Terminated);
        assert_eq!(answer.claims[0].sources, ["news"]);
        assert_eq!(answer.claims[0].says, None);
        assert_eq!(answer.claims[1].status, TieStatus::Active);
        assert_eq!(answer.claims[1].sources, ["city"]);
        assert_eq!(
            answer.claims[1].says.as_deref(),
            Some("city says otherwise")
        );
        // Now, too.
        assert_eq!(status_as_of(&tie, None).status, TieStatus::Disputed);
    }

    #[test]
    fn a_dispute_changes_nothing_where_it_does_not_decide_the_status() {
        let tie = gothenburg(claim(Contested::Occurrence, "city"));
        let before = on(&tie, "2015-06-30");
        assert_eq!(before.status, TieStatus::Active);
        assert!(before.claims.is_empty() && before.possible.is_empty());
    }

    #[test]
    fn within_the_disputed_month_each_account_keeps_its_own_uncertainty() {
        let tie = gothenburg(claim(Contested::Occurrence, "city"));
        let answer = on(&tie, "2020-04-15");
        assert_eq!(answer.status, TieStatus::Disputed);
        assert_eq!(answer.claims[0].status, TieStatus::Unknown);
        assert_eq!(
            answer.claims[0].possible,
            [TieStatus::Active, TieStatus::Terminated]
        );
        assert_eq!(answer.claims[1].status, TieStatus::Active);
    }

    #[test]
    fn a_claim_on_details_never_disputes_the_status() {
        let tie = gothenburg(claim(Contested::Details, "city"));
        assert_eq!(on(&tie, "2021-01-01").status, TieStatus::Terminated);
        assert_eq!(status_as_of(&tie, None).status, TieStatus::Terminated);
    }

    #[test]
    fn a_claim_of_another_step_or_date_gives_that_account() {
        let mut suspended = claim(Contested::Kind, "city");
        suspended.kind = Some(EventKind::Suspended);
        let answer = on(&gothenburg(suspended), "2021-01-01");
        assert_eq!(answer.status, TieStatus::Disputed);
        assert_eq!(answer.claims[1].status, TieStatus::Suspended);

        let mut later = claim(Contested::Date, "city");
        later.date = Some("2022".parse().unwrap());
        let tie = gothenburg(later);
        let answer = on(&tie, "2021-01-01");
        assert_eq!(answer.status, TieStatus::Disputed);
        assert_eq!(answer.claims[1].status, TieStatus::Active);
        // After both dates the two accounts agree again.
        assert_eq!(on(&tie, "2023-01-01").status, TieStatus::Terminated);
        // And now, both say terminated.
        assert_eq!(status_as_of(&tie, None).status, TieStatus::Terminated);
    }
}
