//! Moving a whole store to another backend (`polis db copy`): [`Transfer`] reads everything
//! a store holds, exactly as stored ([`Contents`]: records, merges, decisions, the queue,
//! import runs, users, tokens, proposals and the audit log with its hashes), and writes it
//! into another store in one transaction, replacing what was there. Nothing is re-planned,
//! re-audited or re-hashed, so the copy's audit chain verifies as the original's does.

use std::collections::BTreeMap;

use polis_core::Dataset;

use crate::{BoxFuture, ChainRow, NameDecision, Proposal, QueuedName, StoreError, Token, User};

/// A merge in effect, as stored (its `log` is a `plan::MergeLog` as JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRow {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub old_id: String,
    pub into_id: String,
    pub log: String,
}

/// A remembered name decision, with who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub key: String,
    pub decision: NameDecision,
    pub who: String,
    pub at: String,
}

/// An import run, as stored (`report` is its JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRunRow {
    pub seq: i64,
    pub at: String,
    pub format: String,
    pub file: String,
    pub sha256: String,
    pub report: String,
}

/// Everything a store holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    pub records: Dataset,
    pub merges: Vec<MergeRow>,
    pub decisions: Vec<DecisionRow>,
    pub queue: Vec<QueuedName>,
    pub import_runs: Vec<ImportRunRow>,
    pub users: Vec<User>,
    pub tokens: Vec<Token>,
    pub proposals: Vec<Proposal>,
    /// Every audit entry, oldest first, with its hash.
    pub audit: Vec<ChainRow>,
}

impl Contents {
    /// How many rows of each part there are, for reports.
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        BTreeMap::from([
            ("records", self.records.len() as u64),
            ("merges", self.merges.len() as u64),
            ("decisions", self.decisions.len() as u64),
            ("unresolved_names", self.queue.len() as u64),
            ("import_runs", self.import_runs.len() as u64),
            ("users", self.users.len() as u64),
            ("tokens", self.tokens.len() as u64),
            ("proposals", self.proposals.len() as u64),
            ("audit_entries", self.audit.len() as u64),
        ])
    }

    pub fn is_empty(&self) -> bool {
        self.counts().values().all(|n| *n == 0)
    }
}

/// Reading and writing a whole store.
pub trait Transfer: Send + Sync {
    /// Does the store hold nothing at all: no record, audit entry, decision, queued name,
    /// import run, user, token or proposal?
    fn is_empty(&self) -> BoxFuture<'_, Result<bool, StoreError>>;
    /// Everything the store holds, read in one transaction.
    fn read_all(&self) -> BoxFuture<'_, Result<Contents, StoreError>>;
    /// Replaces everything the store holds with `contents`, in one transaction. The caller
    /// (the service layer) decides whether a store that is not empty may be replaced.
    fn replace_all<'a>(&'a self, contents: &'a Contents) -> BoxFuture<'a, Result<(), StoreError>>;
}
