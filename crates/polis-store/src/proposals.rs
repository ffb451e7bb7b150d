//! Proposals: a change an editor asks for, waiting for a reviewer. The [`Proposals`] trait
//! only stores them and applies an approved one in one transaction with its status; the
//! rules (who may approve, validation, staleness) live in the service layer.

use std::collections::HashMap;

use polis_core::Dataset;
use serde::{Deserialize, Serialize};

use crate::plan::RecordChange;
use crate::records::{RecordKind, json_at, keys_of, rows_of};
use crate::{ApplyReport, BoxFuture, ChangeContext, MergeReport, StoreError};

/// What a proposal would do, as stored (JSON). A bundle fragment is kept as its TOML text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "operation")]
pub enum ProposedChange {
    /// Lay these records (a one-file bundle, TOML) over the stored ones.
    Apply {
        bundle: String,
    },
    Delete {
        kind: RecordKind,
        id: String,
    },
    Merge {
        kind: RecordKind,
        old: String,
        into: String,
    },
    Unmerge {
        kind: RecordKind,
        old: String,
    },
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Open,
    Approved,
    Rejected,
}

impl ProposalStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// A stored proposal. `change` and `diff` are JSON text: a [`ProposedChange`] and the
/// [`RecordChange`]s it made against the records when it was proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: i64,
    pub author: String,
    pub created_at: String,
    pub comment: String,
    pub change: String,
    pub diff: String,
    pub status: ProposalStatus,
    pub reviewer: Option<String>,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<String>,
}

/// A reviewer's decision about an open proposal.
#[derive(Debug, Clone, Copy)]
pub struct Review<'a> {
    pub id: i64,
    pub reviewer: &'a str,
    pub comment: &'a str,
    pub at: &'a str,
}

/// An approved proposal's change, decoded, as the store executes it.
#[derive(Debug, Clone, Copy)]
pub enum Approved<'a> {
    Apply(&'a Dataset),
    Delete {
        kind: RecordKind,
        id: &'a str,
    },
    Merge {
        kind: RecordKind,
        old: &'a str,
        into: &'a str,
    },
    Unmerge {
        kind: RecordKind,
        old: &'a str,
    },
}

/// A record as an approval expects to find it in the store (`json`: none when absent): the
/// state the proposal was reviewed against. The store compares it inside the approval's own
/// transaction, so a change landing between the reviewer's look and the commit is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRecord {
    pub kind: RecordKind,
    pub key: String,
    pub json: Option<String>,
}

/// What an approval expects to find: each record of the proposal's diff as it was when
/// proposed (`before`), and each other record of its bundle fragment (`incoming`) as the
/// fragment holds it, since it was stored exactly so when proposed (else it would be in the
/// diff).
pub fn expected_records(
    proposed: &[RecordChange],
    incoming: Option<&Dataset>,
) -> Vec<ExpectedRecord> {
    let mut expected: Vec<ExpectedRecord> = proposed
        .iter()
        .map(|c| ExpectedRecord {
            kind: c.kind,
            key: c.key.clone(),
            json: c.before.clone(),
        })
        .collect();
    if let Some(incoming) = incoming {
        let in_diff: std::collections::HashSet<(RecordKind, &str)> =
            proposed.iter().map(|c| (c.kind, c.key.as_str())).collect();
        for (kind, rows) in rows_of(incoming) {
            for row in rows {
                if !in_diff.contains(&(kind, row.key.as_str())) {
                    expected.push(ExpectedRecord {
                        kind,
                        key: row.key,
                        json: Some(row.json.to_string()),
                    });
                }
            }
        }
    }
    expected
}

/// The expected records that the stored ones (`raw`, keyed by kind and key) no longer match,
/// for a backend to answer [`StoreError::Stale`] with. JSON is compared as values, so the
/// order of keys and spacing do not matter.
pub fn stale_records(
    expected: &[ExpectedRecord],
    raw: &crate::plan::RawRecords,
) -> Vec<(RecordKind, String)> {
    let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    let same = |stored: Option<&String>, wanted: Option<&String>| match (stored, wanted) {
        (None, None) => true,
        (Some(stored), Some(wanted)) => {
            stored == wanted || value(stored).is_some_and(|s| Some(s) == value(wanted))
        }
        _ => false,
    };
    expected
        .iter()
        .filter(|e| !same(raw.get(&(e.kind, e.key.clone())), e.json.as_ref()))
        .map(|e| (e.kind, e.key.clone()))
        .collect()
}

/// What applying an approved proposal did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ApprovedReport {
    Applied(ApplyReport),
    Merged(MergeReport),
}

/// Stored proposals. Every write is audited (record kind `proposal`).
pub trait Proposals: Send + Sync {
    /// Stores a new open proposal (its id and status are the store's) and returns its id.
    fn add_proposal<'a>(
        &'a self,
        proposal: &'a Proposal,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<i64, StoreError>>;
    /// The proposals with this status (all when none), newest first.
    fn proposals(
        &self,
        status: Option<ProposalStatus>,
    ) -> BoxFuture<'_, Result<Vec<Proposal>, StoreError>>;
    fn proposal(&self, id: i64) -> BoxFuture<'_, Result<Option<Proposal>, StoreError>>;
    /// Marks an open proposal rejected; [`StoreError::Conflict`] when it is not open.
    fn reject_proposal<'a>(
        &'a self,
        review: Review<'a>,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Executes `approved` (as `apply`, `delete`, `merge` or `unmerge` would) and marks the
    /// proposal approved, in ONE transaction; [`StoreError::Conflict`] when it is not open,
    /// and [`StoreError::Stale`] (writing nothing) when a stored record differs from its
    /// `expected` state, checked inside that transaction (see [`stale_records`]).
    fn approve_proposal<'a>(
        &'a self,
        review: Review<'a>,
        approved: Approved<'a>,
        expected: &'a [ExpectedRecord],
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApprovedReport, StoreError>>;
}

/// The records of `incoming` that differ from those of `current` with the same kind and
/// key: each with its JSON in `current` (none for a new record) and in `incoming`. Only the
/// records of `current` that `incoming` names are encoded (a proposal's diff, taken on the
/// world dataset, would otherwise encode some 50,000 records to compare one).
pub fn record_changes(current: &Dataset, incoming: &Dataset) -> Vec<RecordChange> {
    let mut changes = Vec::new();
    for (kind, rows) in rows_of(incoming) {
        if rows.is_empty() {
            continue;
        }
        let stored = jsons_of(current, kind, rows.iter().map(|r| r.key.as_str()));
        for row in &rows {
            let before = stored.get(row.key.as_str()).cloned();
            if before.as_deref() == Some(&*row.json) {
                continue;
            }
            changes.push(RecordChange {
                kind,
                key: row.key.clone(),
                before,
                after: Some(row.json.to_string()),
            });
        }
    }
    changes
}

/// The stored JSON of the records of `kind` in `data` with these keys, by key.
fn jsons_of<'k>(
    data: &Dataset,
    kind: RecordKind,
    keys: impl IntoIterator<Item = &'k str>,
) -> HashMap<&'k str, String> {
    let wanted: HashMap<&str, ()> = keys.into_iter().map(|k| (k, ())).collect();
    let mut found = HashMap::with_capacity(wanted.len());
    for (index, key) in keys_of(data, kind).iter().enumerate() {
        if let Some((wanted_key, ())) = wanted.get_key_value(key.as_str())
            && let Some(json) = json_at(data, kind, index)
        {
            found.insert(*wanted_key, json);
        }
    }
    found
}

/// The JSON of the record of `kind` with `key` in `data`, if there is one.
pub fn record_json(data: &Dataset, kind: RecordKind, key: &str) -> Option<String> {
    jsons_of(data, kind, [key]).remove(key)
}
