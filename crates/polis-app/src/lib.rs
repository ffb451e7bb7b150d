//! The service layer of polis: every use case, written once, and the one API that every
//! edge calls. The CLI, the HTTP API and the web UI only parse their input into the types
//! here, call [`App`] (or a [`Snapshot`] it hands out) and format the answer, as
//! rust-analyzer's LSP server only translates to and from its `ide` crate.
//!
//! Questions are answered from an in-memory [`Snapshot`] of the store (see `snapshot.rs`);
//! changes go through the store in one transaction each, after which the app swaps in a new
//! snapshot, so readers never block and never see half a change.

pub mod accounts;
mod dashboard;

pub mod copy;
pub mod edits;
mod error;
pub mod exports;
mod imports;
pub mod options;
pub mod proposals;
mod records;
mod reference;
pub mod resolution;
pub mod sessions;
mod snapshot;
mod views;
pub mod writes;

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use polis_store::{ApplyReport, AuditEntry, ChangeContext, QueuedName, SearchHit, Store};

pub use accounts::{
    CreatedToken, MIN_PASSWORD_CHARS, Permission, Principal, TokenView, USER_NAME_PATTERN, UserView,
};
pub use dashboard::{
    Concentration, CountryPair, CountryTies, DASHBOARD_TOP, Dashboard, YearCounts,
};

pub use copy::{CopyReport, copy_database};
pub use edits::{
    ActivityForm, Citation, CorrectionForm, Edit, EditError, EventForm, FieldErrors, SourceForm,
    TieForm,
};
pub use error::AppError;
pub use exports::{
    DashboardTable, ExportRequest, ExportScope, ListExport, ListFormat, search_hits_csv,
};
pub use imports::{
    CandidateRow, Decided, DecisionRequest, ImportOutcome, ImportRequest, MAX_IMPORT_BYTES,
    Progress, ProvisionalMerge, Resolver,
};
pub use options::{
    CountryBasis, CountryCode, DateWindow, ExportFormat, MetricSort, NOT_BLANK_PATTERN, Through,
    is_blank, neighbourhood_time, path_time, today, trim_blank,
};
pub use polis_analysis::{LinkTime, TimeRule};
pub use polis_import::resolve::CandidateView;
pub use polis_store::StoreError;
pub use polis_store::{ChainReport, ProposalStatus, ProposedChange, RecordKind, Role};
pub use polis_store_postgres::PgSettings;
pub use proposals::{AuditVerification, ChangeView, ProposalView, ReviewOutcome};
pub use records::{
    ActivityFilter, ActorFilter, Cursor, DocumentFilter, FigureFilter, MembershipFilter,
    NetworkFilter, PageRequest, PlaceFilter, RecordPage, RelationFilter, SourceFilter,
};
pub use resolution::{
    NameQuery, NameQueryError, QueueEntry, Resolution, ResolvedCandidate, ResolvedRow,
    UnresolvedPage, Verdict,
};
pub use sessions::WebSession;
pub use snapshot::{
    DormantAnswer, MetricsRequest, PathAnswer, PathQuery, PlaceView, Snapshot, StatsRequest,
    TiesQuery,
};
pub use views::{
    DEFAULT_NEIGHBOURHOOD_DEPTH, Dossier, MAX_NEIGHBOURHOOD_NODES, MapFilter, MapLayer, MapNetwork,
    MapPlace, MapTie, PlaceRanks, QualityFlag, SourceEvidence, Stakeholder, TieView,
};
pub use writes::{Record, RecordWrite};

/// The store polis runs on: any backend, behind the store traits.
pub type Backend = Arc<dyn Store>;

/// Where the data lives: a SQLite file, or a PostgreSQL database named by its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    pub fn sqlite(path: impl Into<PathBuf>) -> Self {
        Self::Sqlite(path.into())
    }

    /// A `postgres://` or `postgresql://` URL names a PostgreSQL database; anything else is
    /// the path of a SQLite file.
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Self::Postgres(text.to_owned())
        } else {
            Self::Sqlite(PathBuf::from(text))
        }
    }

    /// `text` as [`Location::parse`] reads it, with the PostgreSQL connection settings (the
    /// pool size and the statement timeout from polis's settings) written into a server's
    /// URL where it does not give them; a URL that gives one differently is refused. A
    /// SQLite file has no pool, and takes none of them.
    pub fn parse_with(text: &str, settings: &PgSettings) -> Result<Self, AppError> {
        match Self::parse(text) {
            Self::Postgres(url) if *settings != PgSettings::default() => Ok(Self::Postgres(
                polis_store_postgres::PgLocation::parse_with(&url, settings)?.to_url(),
            )),
            other => Ok(other),
        }
    }

    /// Does the database exist already? A server database is taken to exist: opening it
    /// says whether it answers, and [`App::open_existing`] whether it holds a polis store.
    pub fn exists(&self) -> bool {
        match self {
            Self::Sqlite(path) => path.exists(),
            Self::Postgres(_) => true,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => write!(f, "{}", without_password(url)),
        }
    }
}

/// `url` with any password replaced by `***`, for messages and logs.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Opens the store at `location` and brings its schema up to date. With `must_exist`, a
/// missing SQLite file, or a PostgreSQL schema without a polis store, is
/// [`AppError::NoDatabase`] (run `polis init`), and nothing is created.
pub(crate) async fn open_backend(
    location: &Location,
    must_exist: bool,
) -> Result<Backend, AppError> {
    Ok(match location {
        Location::Sqlite(path) => {
            if must_exist && !path.exists() {
                return Err(AppError::NoDatabase(location.to_string()));
            }
            Arc::new(polis_store_sqlite::SqliteStore::open(path).await?)
        }
        Location::Postgres(url) => {
            let parsed = polis_store_postgres::PgLocation::parse(url)?;
            let store = polis_store_postgres::PgStore::connect(&parsed).await?;
            if must_exist && !store.is_initialised().await? {
                return Err(AppError::NoDatabase(format!(
                    "{location} (schema {})",
                    store.schema()
                )));
            }
            store.migrate().await?;
            Arc::new(store)
        }
    })
}

/// How long [`App::check_store`] waits for the database before calling it unreachable: well
/// under the timeouts of load balancers' health checks (commonly 5 s).
pub const STORE_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The application: the store, and the snapshot of it that questions are answered from.
/// Cloning is cheap; clones share the snapshot.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Backend,
    location: Location,
    resolver: Resolver,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Serialises reloads, so that a burst of writes loads the store once per change rather
    /// than once per waiting caller.
    reloading: tokio::sync::Mutex<()>,
}

impl App {
    /// Opens the store at `location`, creating an empty database (a SQLite file, or the
    /// tables in a PostgreSQL schema) when there is none, and bringing its schema up to date.
    pub async fn open(location: Location, resolver: Resolver) -> Result<Self, AppError> {
        let store = open_backend(&location, false).await?;
        Ok(Self::with_store_and_resolver(store, location, resolver))
    }

    /// Opens the store at `location`, which must exist: reading commands say how to create
    /// it. A PostgreSQL server always "exists", so there the question is whether its schema
    /// holds a polis store; an empty one is left as it is, not created.
    pub async fn open_existing(location: Location, resolver: Resolver) -> Result<Self, AppError> {
        let store = open_backend(&location, true).await?;
        Ok(Self::with_store_and_resolver(store, location, resolver))
    }

    /// An app over an already opened store (tests, and servers that open it themselves).
    pub fn with_store(store: Backend, location: Location) -> Self {
        Self::with_store_and_resolver(store, location, Resolver::default())
    }

    /// An app over an opened store that resolves names with `resolver` (which says where the
    /// gazetteer's index is cached).
    pub fn with_store_and_resolver(store: Backend, location: Location, resolver: Resolver) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                location,
                resolver,
                snapshot: RwLock::new(None),
                reloading: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Name resolution against the gazetteer.
    pub fn resolver(&self) -> &Resolver {
        &self.inner.resolver
    }

    /// Where the data lives.
    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// The store, for the edges that need a capability this API does not wrap yet.
    pub fn store(&self) -> &Backend {
        &self.inner.store
    }

    /// The snapshot in force, loading the first one if there is none yet. Never waits for
    /// the store once a snapshot exists: [`App::refresh`] replaces it.
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, AppError> {
        if let Some(snapshot) = self.current() {
            return Ok(snapshot);
        }
        self.reload().await?;
        self.current()
            .ok_or_else(|| AppError::Internal("the snapshot did not load".to_owned()))
    }

    /// The snapshot in force, if one has been loaded.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.inner
            .snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads every record again and swaps the snapshot; readers holding the old one finish
    /// on it. Returns the number of records loaded.
    pub async fn reload(&self) -> Result<usize, AppError> {
        let _one_at_a_time = self.inner.reloading.lock().await;
        self.load_and_swap().await
    }

    /// Reloads the snapshot when the store's records have changed since it was loaded (by
    /// this process or another one); a change that touched no record (a proposal, an
    /// account, a session) keeps it. Returns whether it reloaded. Cheap when nothing
    /// changed: a query or two.
    pub async fn refresh(&self) -> Result<bool, AppError> {
        let _one_at_a_time = self.inner.reloading.lock().await;
        let version = self.inner.store.data_version().await?;
        if self.current().is_some_and(|s| s.version() == version) {
            return Ok(false);
        }
        self.load_and_swap().await?;
        Ok(true)
    }

    async fn load_and_swap(&self) -> Result<usize, AppError> {
        let started = std::time::Instant::now();
        // The version is read before the records: a change committed in between makes the
        // next refresh load again rather than be missed.
        let version = self.inner.store.data_version().await?;
        let data = self.inner.store.load().await?;
        let n_records = data.len();
        let snapshot = tokio::task::spawn_blocking(move || Snapshot::new(data, version))
            .await
            .map_err(AppError::internal)?;
        let replaced = self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(Arc::new(snapshot));
        // After the lock is released. When this was its last holder, the replaced snapshot
        // is freed on the blocking pool (`Snapshot`'s `Drop`).
        drop(replaced);
        tracing::info!(
            n_records,
            version,
            seconds = started.elapsed().as_secs_f64(),
            "snapshot loaded"
        );
        Ok(n_records)
    }

    /// After a committed change: bring the snapshot up to date, if one is in use.
    async fn changed(&self) -> Result<(), AppError> {
        if self.current().is_some() {
            self.refresh().await?;
        }
        Ok(())
    }

    /// Asks the database for its version (the last audit sequence number), as a health
    /// check does: an error when it answers with one (its schema gone) or does not answer
    /// within [`STORE_CHECK_TIMEOUT`] (a server stopped or out of reach, a pool exhausted).
    pub async fn check_store(&self) -> Result<i64, AppError> {
        match tokio::time::timeout(STORE_CHECK_TIMEOUT, self.inner.store.version()).await {
            Ok(version) => Ok(version?),
            Err(_) => Err(AppError::Internal(format!(
                "the database at {} did not answer within {} s",
                self.inner.location,
                STORE_CHECK_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Full-text search over places, actors, networks and documents, in any script.
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, AppError> {
        Ok(self.inner.store.search(query, clamp(limit)).await?)
    }

    /// The newest audit entries, newest first, each record's states as JSON.
    pub async fn audit(&self, limit: usize) -> Result<Vec<AuditView>, AppError> {
        let entries = self.inner.store.audit_log(clamp(limit)).await?;
        Ok(entries.into_iter().map(AuditView::from).collect())
    }

    /// The names imports could not resolve, the most named first.
    pub async fn unresolved(&self, limit: usize) -> Result<Vec<QueuedName>, AppError> {
        Ok(self.inner.store.unresolved(clamp(limit)).await?)
    }

    /// The data-quality report, with the unresolved queue.
    pub async fn quality(&self) -> Result<polis_analysis::QualityReport, AppError> {
        let snapshot = self.snapshot().await?;
        let queue = self.inner.store.unresolved(u32::MAX).await?;
        tokio::task::spawn_blocking(move || snapshot.quality(&queue))
            .await
            .map_err(AppError::internal)
    }

    /// Loads the built-in reference dataset (repeatable: loading it again changes nothing).
    /// Returns the bundle's name and what was stored.
    pub async fn load_reference(&self, who: &str) -> Result<(String, ApplyReport), AppError> {
        let bundle = reference::bundle()?;
        let report = self
            .apply_bundle(&bundle, Path::new(reference::LABEL), false, who)
            .await?;
        Ok((bundle.manifest.name, report))
    }

    /// Lays a bundle's records over the stored ones in one transaction (or only checks,
    /// with `dry_run`). A bundle that breaks a rule writes nothing, and the error lists the
    /// first 50 violations with their files and lines.
    pub async fn apply_bundle(
        &self,
        bundle: &polis_bundle::Bundle,
        path: &Path,
        dry_run: bool,
        who: &str,
    ) -> Result<ApplyReport, AppError> {
        let change = ChangeContext {
            who: who.to_owned(),
            context: format!("import bundle {}", path.display()),
        };
        let result = if dry_run {
            self.inner.store.check(&bundle.data).await
        } else {
            self.inner.store.apply(&bundle.data, &change).await
        };
        match result {
            Ok(report) => {
                if !dry_run {
                    self.changed().await?;
                }
                Ok(report)
            }
            Err(StoreError::Invalid(invalid)) => {
                const SHOWN: usize = 50;
                let mut message = format!(
                    "{}: {} problem(s); nothing was written:",
                    path.display(),
                    invalid.0.len()
                );
                for violation in invalid.0.iter().take(SHOWN) {
                    message.push_str("\n  ");
                    message.push_str(&bundle.describe(violation));
                }
                if invalid.0.len() > SHOWN {
                    message.push_str(&format!("\n  ... and {} more", invalid.0.len() - SHOWN));
                }
                Err(AppError::Invalid(message))
            }
            Err(other) => Err(other.into()),
        }
    }
}

/// One entry of the audit log: who changed which record when, in what context, and the
/// record's JSON before and after (a creation has no `before`).
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub who: String,
    pub context: String,
    pub record_kind: String,
    pub record_id: String,
    /// The record's JSON before the change; none for a creation.
    #[cfg_attr(feature = "openapi", schema(schema_with = record_state_schema))]
    pub before: Option<serde_json::Value>,
    /// The record's JSON after the change.
    #[cfg_attr(feature = "openapi", schema(schema_with = record_state_schema))]
    pub after: Option<serde_json::Value>,
}

/// A record's state in the audit log: the JSON of whichever record kind it is, or null.
#[cfg(feature = "openapi")]
fn record_state_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::Object,
            Type::Null,
        ]))
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .description(Some("The record's JSON (its bundle form), or null"))
        .build()
}

impl From<AuditEntry> for AuditView {
    fn from(entry: AuditEntry) -> Self {
        // The store keeps each state as JSON text; an unreadable one is shown as text.
        let embedded = |record: Option<String>| {
            record
                .map(|text| serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
        };
        Self {
            seq: entry.seq,
            at: entry.at,
            who: entry.who,
            context: entry.context,
            record_kind: entry.record_kind,
            record_id: entry.record_id,
            before: embedded(entry.before),
            after: embedded(entry.after),
        }
    }
}

impl App {
    /// Merges the place or actor `old` into `into`: every reference moves, `old` becomes a
    /// redirect to `into`, in one audited transaction.
    pub async fn merge(
        &self,
        kind: polis_store::RecordKind,
        old: &str,
        into: &str,
        who: &str,
    ) -> Result<polis_store::MergeReport, AppError> {
        let change = ChangeContext {
            who: who.to_owned(),
            context: format!("merge {} {old} into {into}", kind.as_str()),
        };
        let report = self.inner.store.merge(kind, old, into, &change).await?;
        self.changed().await?;
        Ok(report)
    }

    /// Undoes the merge of `old` exactly, or refuses when a record it would restore was
    /// changed since.
    pub async fn unmerge(
        &self,
        kind: polis_store::RecordKind,
        old: &str,
        who: &str,
    ) -> Result<polis_store::MergeReport, AppError> {
        let change = ChangeContext {
            who: who.to_owned(),
            context: format!("unmerge {} {old}", kind.as_str()),
        };
        let report = self.inner.store.unmerge(kind, old, &change).await?;
        self.changed().await?;
        Ok(report)
    }

    /// Deletes a record that nothing references; otherwise refuses, listing the referrers.
    pub async fn delete(
        &self,
        kind: polis_store::RecordKind,
        id: &str,
        who: &str,
    ) -> Result<ApplyReport, AppError> {
        let change = ChangeContext {
            who: who.to_owned(),
            context: format!("delete {} {id}", kind.as_str()),
        };
        let report = self.inner.store.delete(kind, id, &change).await?;
        self.changed().await?;
        Ok(report)
    }
}

/// A count for the store, which takes `u32`.
fn clamp(limit: usize) -> u32 {
    u32::try_from(limit).unwrap_or(u32::MAX)
}
