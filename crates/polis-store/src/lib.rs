//! The polis store interface, free of any database: the [`Store`] traits every backend
//! implements, the values they exchange, and the backend-neutral change planner
//! ([`plan`]) that decides what a write does. A backend (`polis-store-sqlite`, later a
//! PostgreSQL one) only loads rows and executes a [`plan::Plan`] in one transaction.
//!
//! Every write goes through [`Records::apply`] (or `apply_import`, `delete`, `merge`,
//! `unmerge`): the planner lays the change over the stored records, validates the whole
//! result with `polis_core::validate`, and diffs it into rows to write and audit entries.
//! Running the same apply twice changes nothing. The `conformance` feature adds
//! [`conformance`], the properties every backend must pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use polis_core::{Dataset, UnknownValue, ValidationError};
use serde::Serialize;

pub mod accounts;
pub mod cache;
pub mod chain;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod cpu;
#[cfg(any(test, feature = "conformance"))]
pub mod fixture;
pub mod plan;
pub mod proposals;
mod records;
mod rewrite;
pub mod search;
pub mod transfer;

pub use accounts::{Accounts, Role, Token, User};
pub use chain::{ChainReport, ChainRow};
pub use proposals::{
    Approved, ApprovedReport, ExpectedRecord, Proposal, ProposalStatus, Proposals, ProposedChange,
    Review,
};
pub use records::RecordKind;
pub use transfer::{Contents, Transfer};

/// A boxed future, so that the store traits can be used as `dyn Store`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Why a store operation failed. [`StoreError::is_user_error`] tells the user's mistakes
/// (invalid data, an unknown id, a referenced record, a conflicting unmerge) from failures
/// of the database itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data would break a rule; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// No stored record of that kind has that id or key.
    #[error("no {kind} '{id}' is stored")]
    NotFound { kind: RecordKind, id: String },
    /// No stored user, token or proposal has that name or id.
    #[error("no {what} '{id}' is stored")]
    Missing { what: &'static str, id: String },
    /// Other records point at the record, so it cannot be deleted.
    #[error("the {kind} '{id}' is referenced by {}: change or delete those first", describe_referrers(.referrers))]
    Referenced {
        kind: RecordKind,
        id: String,
        referrers: Vec<(RecordKind, String)>,
    },
    /// The operation cannot be done on the records as they are now (an unmerge after later
    /// edits, a merge of a record into itself).
    #[error("{0}")]
    Conflict(String),
    /// An approval found records changed since the proposal was made (see
    /// `Proposals::approve_proposal`); nothing was written.
    #[error("{} record(s) changed since the proposal was made: {}", .records.len(), .records.iter().map(|(kind, id)| format!("{kind} '{id}'")).collect::<Vec<_>>().join(", "))]
    Stale { records: Vec<(RecordKind, String)> },
    /// The operation does not exist for that kind of record (merging ties, say).
    #[error("{operation} is not possible for a {kind}: only for {accepted}")]
    Unsupported {
        operation: &'static str,
        kind: RecordKind,
        accepted: &'static str,
    },
    /// The database could not be opened or created.
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database failed (or its schema could not be brought up to date).
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored value does not decode.
    #[error("the stored {kind} '{id}' cannot be read: {message}")]
    Corrupt {
        kind: &'static str,
        id: String,
        message: String,
    },
}

fn describe_referrers(referrers: &[(RecordKind, String)]) -> String {
    const SHOWN: usize = 10;
    let mut text = referrers
        .iter()
        .take(SHOWN)
        .map(|(kind, id)| format!("{kind} '{id}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if referrers.len() > SHOWN {
        text.push_str(&format!(" and {} more", referrers.len() - SHOWN));
    }
    text
}

impl StoreError {
    /// True for the errors the caller caused and can fix (invalid data, an unknown id, a
    /// referenced record, a conflict, an unsupported operation); false for the database's.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::Invalid(_)
                | StoreError::NotFound { .. }
                | StoreError::Missing { .. }
                | StoreError::Referenced { .. }
                | StoreError::Conflict(_)
                | StoreError::Stale { .. }
                | StoreError::Unsupported { .. }
        )
    }

    /// Wraps a backend's own error.
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

/// Who makes a change and in what context, for the audit log.
#[derive(Debug, Clone)]
pub struct ChangeContext {
    pub who: String,
    pub context: String,
}

/// How many records of each kind a write created, updated, left as they were, or removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub created: BTreeMap<&'static str, u64>,
    pub updated: BTreeMap<&'static str, u64>,
    pub unchanged: BTreeMap<&'static str, u64>,
    pub removed: BTreeMap<&'static str, u64>,
}

impl ApplyReport {
    pub fn n_created(&self) -> u64 {
        self.created.values().sum()
    }
    pub fn n_updated(&self) -> u64 {
        self.updated.values().sum()
    }
    pub fn n_unchanged(&self) -> u64 {
        self.unchanged.values().sum()
    }
    pub fn n_removed(&self) -> u64 {
        self.removed.values().sum()
    }
}

/// What a merge (or an unmerge) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub kind: RecordKind,
    /// The merged record, now a redirect to `into` (after an unmerge: a record again).
    pub old_id: String,
    pub into: String,
    /// How many records of each kind had a reference moved from `old_id` to `into`.
    pub moved: BTreeMap<&'static str, u64>,
    /// Ties that the merge made join the same two places, with the same kind, as another
    /// tie: each was combined into that tie (events, evidence, sources and themes unioned)
    /// and removed. Listed as `removed-tie-id -> surviving-tie-id`.
    pub combined_ties: Vec<String>,
    /// The records written, by kind.
    pub changes: ApplyReport,
}

/// One hit of a full-text search.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// `place`, `actor`, `network` or `document`.
    pub kind: String,
    pub id: String,
    pub label: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub who: String,
    pub context: String,
    /// What happened: `created`, `updated`, `removed` (a record's own change; `before` and
    /// `after` hold its JSON, `after` none for a removal), `merged` / `unmerged` (one entry
    /// per merge or unmerge, `record_kind` `merge`, `record_id` the merged id, `after` saying
    /// what into; the records it changed have their own entries), or `decided` (a name
    /// decision).
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A record of one import run, kept whether or not it changed anything.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRun {
    pub format: String,
    pub file: String,
    pub sha256: String,
    pub report: serde_json::Value,
}

/// A name waiting in the unresolved queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = UnresolvedName))]
pub struct QueuedName {
    /// The folded name and country field, as `polis_import::resolve::decision_key` makes it:
    /// what a decision is remembered under.
    pub key: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub country: Option<String>,
    /// The import batch that last saw it.
    pub batch: String,
    /// The first line of that batch's file that names it.
    pub line: i64,
    /// How many times that file names it: what resolving it would unlock.
    pub occurrences: i64,
    /// The best candidate below the confidence threshold, in words.
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub best_guess: Option<String>,
}

/// A person's decision about what a name means: a registry place or a GeoNames place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NameDecision {
    Place(String),
    Geonames(u32),
}

/// Everything an import writes, in one transaction.
#[derive(Debug, Clone, Copy)]
pub struct ImportWrite<'a> {
    pub records: &'a Dataset,
    /// The batch whose queue entries `queue` replaces.
    pub batch: &'a str,
    pub queue: &'a [QueuedName],
    pub run: &'a ImportRun,
}

/// The records: reading them all, and every way of changing them.
pub trait Records: Send + Sync {
    /// Every record.
    fn load(&self) -> BoxFuture<'_, Result<Dataset, StoreError>>;
    /// A number that grows with every committed change (the last audit sequence number);
    /// readers compare it to know whether their snapshot is stale. Cheap (one indexed query).
    fn version(&self) -> BoxFuture<'_, Result<i64, StoreError>>;
    /// A number that changes when, and only when, a record changes (the sequence number of
    /// the last audit entry that changed one, or a later one); what a snapshot of the
    /// records is labelled with. Entries that change no record (proposals, accounts,
    /// sessions, name decisions) leave it as it is, so a server does not reload its
    /// records for them. [`Records::version`] where a backend cannot tell them apart.
    fn data_version(&self) -> BoxFuture<'_, Result<i64, StoreError>> {
        self.version()
    }
    /// Lays `incoming` over the stored records in one transaction (see the crate doc).
    /// References to merged ids are redirected to the survivors.
    fn apply<'a>(
        &'a self,
        incoming: &'a Dataset,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>>;
    /// What `apply` would do, without writing anything.
    fn check<'a>(&'a self, incoming: &'a Dataset)
    -> BoxFuture<'a, Result<ApplyReport, StoreError>>;
    /// `apply`, and replacing the queue entries of `batch`, and recording the import run,
    /// in ONE transaction.
    fn apply_import<'a>(
        &'a self,
        import: ImportWrite<'a>,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>>;
    /// Deletes one record; refused with [`StoreError::Referenced`] listing every referrer.
    fn delete<'a>(
        &'a self,
        kind: RecordKind,
        id: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>>;
    /// Places and actors: moves every reference from `old` to `into` in one transaction;
    /// `old` becomes a redirect (one of `into`'s `former_ids`).
    fn merge<'a>(
        &'a self,
        kind: RecordKind,
        old: &'a str,
        into: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<MergeReport, StoreError>>;
    /// Undoes the merge of `old` exactly; [`StoreError::Conflict`] naming the records if they
    /// were edited since.
    fn unmerge<'a>(
        &'a self,
        kind: RecordKind,
        old: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<MergeReport, StoreError>>;
    /// A listener for changes committed by any process, where the backend can push them;
    /// None where it cannot (SQLite), and readers poll [`Records::version`] instead.
    fn change_listener(
        &self,
    ) -> BoxFuture<'_, Result<Option<Box<dyn ChangeListener>>, StoreError>> {
        Box::pin(async { Ok(None) })
    }
}

/// Tells of changes committed to the store by any process, as they commit: a backend that
/// can push them (PostgreSQL's LISTEN/NOTIFY) gives one from [`Records::change_listener`].
pub trait ChangeListener: Send {
    /// Waits for the next committed change and returns the store's version after it; None
    /// when the listener can no longer tell (the caller falls back to polling `version`).
    fn next_change(&mut self) -> BoxFuture<'_, Option<i64>>;
}

/// The queue of names an import could not resolve, and people's decisions about them.
pub trait ResolutionQueue: Send + Sync {
    /// The unresolved queue, the most named first.
    fn unresolved(&self, limit: u32) -> BoxFuture<'_, Result<Vec<QueuedName>, StoreError>>;
    /// Every remembered decision, by key.
    fn decisions(&self) -> BoxFuture<'_, Result<Vec<(String, NameDecision)>, StoreError>>;
    /// Remembers a decision (replacing any earlier one for the key), takes the name off the
    /// queue, and audits it.
    fn record_decision<'a>(
        &'a self,
        key: &'a str,
        decision: &'a NameDecision,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// Full-text search over places, actors, networks and documents, any script.
pub trait Search: Send + Sync {
    fn search<'a>(
        &'a self,
        query: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<SearchHit>, StoreError>>;
}

/// The audit log.
pub trait Audit: Send + Sync {
    /// The newest audit entries, newest first.
    fn audit_log(&self, limit: u32) -> BoxFuture<'_, Result<Vec<AuditEntry>, StoreError>>;
    /// The stored entries after `after_seq`, oldest first, at most `limit`, exactly as
    /// stored (with their hashes), for [`chain::Verifier`].
    fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<ChainRow>, StoreError>>;
}

/// What polis needs from a database.
pub trait Store:
    Records + ResolutionQueue + Search + Audit + Accounts + Proposals + Transfer
{
}
impl<T: Records + ResolutionQueue + Search + Audit + Accounts + Proposals + Transfer> Store for T {}

impl std::str::FromStr for RecordKind {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        RecordKind::ALL
            .iter()
            .find(|k| k.as_str() == text)
            .copied()
            .ok_or_else(|| UnknownValue {
                what: "record kind",
                value: text.to_owned(),
                accepted: RecordKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}
