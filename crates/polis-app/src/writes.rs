//! Writing one record: create, replace, delete, merge or unmerge it, or add one lifecycle
//! event to a tie. Each write becomes a proposal, through the same use case as `polis
//! propose FILE` (a record is proposed as the bundle fragment that holds it), waiting for a
//! reviewer, or applied at once where the server lets reviewers apply directly. The rules of
//! a write of one record (a new record's key is free, a replaced one exists and keeps its
//! key, an added event is not there already) are here, once.

use polis_core::{
    Activity, Actor, Dataset, Document, Membership, Network, Place, Relation, ReportedFigure,
    Source, Tie, TieEvent,
};
use polis_store::{ProposedChange, RecordKind};

use crate::accounts::Principal;
use crate::proposals::ProposalView;
use crate::{App, AppError, Snapshot};

/// One record of any kind that can be written.
#[derive(Debug, Clone)]
pub enum Record {
    Source(Source),
    Place(Place),
    Tie(Tie),
    Network(Network),
    Membership(Membership),
    Actor(Actor),
    Relation(Relation),
    Activity(Activity),
    Document(Document),
    Figure(ReportedFigure),
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Source(_) => RecordKind::Source,
            Record::Place(_) => RecordKind::Place,
            Record::Tie(_) => RecordKind::Tie,
            Record::Network(_) => RecordKind::Network,
            Record::Membership(_) => RecordKind::Membership,
            Record::Actor(_) => RecordKind::Actor,
            Record::Relation(_) => RecordKind::Relation,
            Record::Activity(_) => RecordKind::Activity,
            Record::Document(_) => RecordKind::Document,
            Record::Figure(_) => RecordKind::Figure,
        }
    }

    /// The key the store keeps it under: its id, or a membership's or relation's key.
    pub fn key(&self) -> String {
        match self {
            Record::Source(r) => r.id.clone(),
            Record::Place(r) => r.id.clone(),
            Record::Tie(r) => r.id.clone(),
            Record::Network(r) => r.id.clone(),
            Record::Membership(r) => r.key(),
            Record::Actor(r) => r.id.clone(),
            Record::Relation(r) => r.key(),
            Record::Activity(r) => r.id.clone(),
            Record::Document(r) => r.id.clone(),
            Record::Figure(r) => r.id.clone(),
        }
    }

    /// The field that holds the key, for messages.
    fn key_field(&self) -> &'static str {
        match self {
            Record::Membership(_) => "network|member|start",
            Record::Relation(_) => "from|kind|to|start",
            _ => "id",
        }
    }

    fn into_dataset(self) -> Dataset {
        let mut data = Dataset::default();
        match self {
            Record::Source(r) => data.sources.push(r),
            Record::Place(r) => data.places.push(r),
            Record::Tie(r) => data.ties.push(r),
            Record::Network(r) => data.networks.push(r),
            Record::Membership(r) => data.memberships.push(r),
            Record::Actor(r) => data.actors.push(r),
            Record::Relation(r) => data.relations.push(r),
            Record::Activity(r) => data.activities.push(r),
            Record::Document(r) => data.documents.push(r),
            Record::Figure(r) => data.figures.push(r),
        }
        data
    }
}

/// A write of one record.
#[derive(Debug, Clone)]
pub enum RecordWrite {
    /// A new record; its key must be free.
    Create(Record),
    /// The whole record stored under `key`, replaced; the new one keeps that key.
    Replace {
        key: String,
        record: Record,
    },
    Delete {
        kind: RecordKind,
        key: String,
    },
    /// Record `old` merged into `into` (places and actors).
    Merge {
        kind: RecordKind,
        old: String,
        into: String,
    },
    Unmerge {
        kind: RecordKind,
        old: String,
    },
    /// One lifecycle event added to the stored tie `tie` (a renewal, a suspension, a
    /// termination): the tie as stored with the event among its events, in date order.
    AddTieEvent {
        tie: String,
        event: TieEvent,
    },
}

/// `tie` with `event` among its events: after every event dated on or before it (an undated
/// event goes last), so that the events stay in date order. An event the tie has already is
/// refused, since adding it again would record the step twice.
pub fn with_event(mut tie: Tie, event: TieEvent) -> Result<Tie, AppError> {
    if tie.events.contains(&event) {
        return Err(AppError::Conflict(format!(
            "the tie '{}' has this {} event already: nothing to add",
            tie.id, event.kind
        )));
    }
    let position = match event.date {
        None => tie.events.len(),
        Some(date) => tie
            .events
            .iter()
            .rposition(|e| e.date.is_some_and(|d| d <= date))
            .map_or_else(
                // Before the first dated event, after any undated ones that lead.
                || {
                    tie.events
                        .iter()
                        .position(|e| e.date.is_some())
                        .unwrap_or(tie.events.len())
                },
                |last| last + 1,
            ),
    };
    tie.events.insert(position, event);
    Ok(tie)
}

/// The records of `data` as one bundle fragment (TOML), as a file for `polis propose` holds
/// them.
pub fn fragment_of(data: &Dataset) -> Result<String, AppError> {
    let manifest = polis_bundle::Manifest {
        name: "proposal".to_owned(),
        description: None,
    };
    let files = polis_bundle::to_files(&manifest, data).map_err(|e| {
        AppError::BadInput(format!("the record cannot be written as a bundle: {e}"))
    })?;
    Ok(files
        .into_iter()
        .filter(|(name, _)| name != "bundle.toml")
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n"))
}

impl App {
    /// Proposes a write of one record, checked against `snapshot` (the records the caller
    /// read, so that a version it compared is the one the proposal's diff starts from): an
    /// editor's waits for review; with `apply_directly`, a reviewer's or admin's is applied
    /// at once. Violations of the data's rules are answered all together, each naming the
    /// record, field and value.
    pub async fn propose_write(
        &self,
        principal: &Principal,
        snapshot: &Snapshot,
        write: RecordWrite,
        comment: &str,
        apply_directly: bool,
    ) -> Result<ProposalView, AppError> {
        // The role first: a viewer learns that they may not propose, not whether the record
        // exists.
        principal.check(crate::Permission::Propose)?;
        let exists = |kind: RecordKind, key: &str| snapshot.record_json(kind, key).is_some();
        // A merge, an unmerge and an added event name a record by its id: one that is not
        // even well-formed is refused before anything else.
        let named = match &write {
            RecordWrite::Merge { kind, old, .. } | RecordWrite::Unmerge { kind, old } => {
                Some((*kind, old))
            }
            RecordWrite::AddTieEvent { tie, .. } => Some((RecordKind::Tie, tie)),
            _ => None,
        };
        if let Some((kind, id)) = named
            && !polis_core::ids::is_valid_id(id)
        {
            return Err(AppError::NotFound {
                what: kind.as_str(),
                query: id.clone(),
            });
        }
        let change = match write {
            RecordWrite::Create(record) => {
                let (kind, key) = (record.kind(), record.key());
                if exists(kind, &key) {
                    return Err(AppError::Conflict(format!(
                        "a {kind} with the key '{key}' is stored already: replace that one instead, or choose another {}",
                        record.key_field()
                    )));
                }
                ProposedChange::Apply {
                    bundle: fragment_of(&record.into_dataset())?,
                }
            }
            RecordWrite::Replace { key, record } => {
                let kind = record.kind();
                if !exists(kind, &key) {
                    return Err(AppError::NotFound {
                        what: kind.as_str(),
                        query: key,
                    });
                }
                if record.key() != key {
                    return Err(AppError::Invalid(format!(
                        "the record does not keep its key:\n  {kind} '{key}': field `{}` = '{}': a replacement keeps the key of the record it replaces ('{key}'); to change it, delete the record and create a new one",
                        record.key_field(),
                        record.key()
                    )));
                }
                ProposedChange::Apply {
                    bundle: fragment_of(&record.into_dataset())?,
                }
            }
            RecordWrite::Delete { kind, key } => ProposedChange::Delete { kind, id: key },
            RecordWrite::Merge { kind, old, into } => ProposedChange::Merge { kind, old, into },
            RecordWrite::Unmerge { kind, old } => ProposedChange::Unmerge { kind, old },
            RecordWrite::AddTieEvent { tie, event } => {
                let stored = snapshot
                    .data()
                    .ties
                    .iter()
                    .find(|t| t.id == tie)
                    .cloned()
                    .ok_or(AppError::NotFound {
                        what: RecordKind::Tie.as_str(),
                        query: tie,
                    })?;
                ProposedChange::Apply {
                    bundle: fragment_of(&Record::Tie(with_event(stored, event)?).into_dataset())?,
                }
            }
        };
        self.propose_on(snapshot, principal, change, comment, apply_directly, false)
            .await
    }
}

/// The one record a change names, as `(kind, key)`: the record a delete or merge removes, or
/// the only record of a fragment. None for an unmerge (whose approval checks the records
/// itself) and for a fragment of several records.
pub fn single_record(change: &ProposedChange) -> Result<Option<(RecordKind, String)>, AppError> {
    Ok(match change {
        ProposedChange::Delete { kind, id } => Some((*kind, id.clone())),
        ProposedChange::Merge { kind, old, .. } => Some((*kind, old.clone())),
        ProposedChange::Unmerge { .. } => None,
        ProposedChange::Apply { bundle } => {
            let data = crate::proposals::read_fragment(bundle)?.data;
            let keys: Vec<(RecordKind, String)> = [
                (
                    RecordKind::Source,
                    data.sources
                        .iter()
                        .map(|r| r.id.clone())
                        .collect::<Vec<_>>(),
                ),
                (
                    RecordKind::Batch,
                    data.batches.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Place,
                    data.places.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Tie,
                    data.ties.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Network,
                    data.networks.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Membership,
                    data.memberships.iter().map(Membership::key).collect(),
                ),
                (
                    RecordKind::Actor,
                    data.actors.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Relation,
                    data.relations.iter().map(Relation::key).collect(),
                ),
                (
                    RecordKind::Activity,
                    data.activities.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Document,
                    data.documents.iter().map(|r| r.id.clone()).collect(),
                ),
                (
                    RecordKind::Figure,
                    data.figures.iter().map(|r| r.id.clone()).collect(),
                ),
            ]
            .into_iter()
            .flat_map(|(kind, keys)| keys.into_iter().map(move |key| (kind, key)))
            .collect();
            match <[_; 1]>::try_from(keys) {
                Ok([one]) => Some(one),
                Err(_) => None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use polis_core::{EventKind, PartialDate};

    use super::*;

    fn event(kind: EventKind, date: Option<&str>) -> TieEvent {
        TieEvent {
            kind,
            date: date.map(|d| d.parse::<PartialDate>().expect("a date")),
            side: None,
            actor: None,
            reason: None,
            document: None,
            sources: vec!["deck".to_owned()],
            disputed_by: Vec::new(),
        }
    }

    fn kinds(tie: &Tie) -> Vec<(EventKind, Option<String>)> {
        tie.events
            .iter()
            .map(|e| (e.kind, e.date.map(|d| d.to_string())))
            .collect()
    }

    #[test]
    fn an_added_event_goes_in_date_order_and_only_once() {
        // From JSON, as a bundle holds it, so that fields added to ties later need no change here.
        let tie: Tie = serde_json::from_value(serde_json::json!({
            "id": "xx-a--xx-b", "a": "xx-a", "b": "xx-b", "kind": "sister_city",
            "events": [
                {"kind": "signed", "date": "2016", "sources": ["deck"]},
                {"kind": "terminated", "date": "2019-10", "sources": ["deck"]},
            ],
            "sources": ["deck"],
        }))
        .expect("a tie");
        let renewed =
            with_event(tie.clone(), event(EventKind::Renewed, Some("2018-05"))).expect("added");
        assert_eq!(
            kinds(&renewed),
            [
                (EventKind::Signed, Some("2016".to_owned())),
                (EventKind::Renewed, Some("2018-05".to_owned())),
                (EventKind::Terminated, Some("2019-10".to_owned())),
            ]
        );
        // Undated: last. Before every dated one: first.
        let undated = with_event(tie.clone(), event(EventKind::Suspended, None)).expect("added");
        assert_eq!(
            undated.events.last().map(|e| e.kind),
            Some(EventKind::Suspended)
        );
        let proposed =
            with_event(tie.clone(), event(EventKind::Proposed, Some("2015"))).expect("added");
        assert_eq!(proposed.events[0].kind, EventKind::Proposed);
        // The same event twice is refused.
        let again = with_event(renewed, event(EventKind::Renewed, Some("2018-05")));
        assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    }
}
