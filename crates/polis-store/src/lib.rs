//! The polis store: the only crate that speaks SQL. [`Store`] is the interface the rest of
//! polis uses; [`SqliteStore`] implements it on an embedded SQLite database (WAL mode,
//! foreign keys on, migrations in `migrations/sqlite`). A PostgreSQL backend would be
//! another implementation of the same trait.
//!
//! Every write goes through [`Store::apply`]: one transaction that lays the incoming
//! records over the stored ones, validates the whole result with `polis_core::validate`,
//! writes what changed, and audits each change. Running the same apply twice changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use polis_core::text::fold;
use polis_core::{Dataset, Place, Tie, ValidationError, overlay, validate};
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool, Transaction};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data would break a rule; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the stored {kind} '{id}' cannot be read: {message}")]
    Corrupt {
        kind: &'static str,
        id: String,
        message: String,
    },
}

/// Who makes a change and in what context, for the audit log.
#[derive(Debug, Clone)]
pub struct ChangeContext {
    pub who: String,
    pub context: String,
}

/// How many records of each kind an apply created, updated or left as they were.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub created: BTreeMap<&'static str, u64>,
    pub updated: BTreeMap<&'static str, u64>,
    pub unchanged: BTreeMap<&'static str, u64>,
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
}

/// One hit of a full-text search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
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
pub struct QueuedName {
    /// The folded name and country field, as `polis_import::resolve::decision_key` makes it.
    pub key: String,
    pub name: String,
    pub country: Option<String>,
    pub batch: String,
    /// The first line of that batch's file that names it.
    pub line: i64,
    /// How many times that file names it.
    pub occurrences: i64,
    pub best_guess: Option<String>,
}

/// A person's decision about what a name means: a registry place or a GeoNames place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NameDecision {
    Place(String),
    Geonames(u32),
}

/// What polis needs from a database.
pub trait Store {
    /// Every record.
    fn load(&self) -> impl Future<Output = Result<Dataset, StoreError>> + Send;
    /// Lays `incoming` over the stored records in one transaction (see the crate doc).
    fn apply(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
    ) -> impl Future<Output = Result<ApplyReport, StoreError>> + Send;
    /// Like `apply`, and in the same transaction replaces the unresolved queue entries of
    /// `batch` with `queue`.
    fn apply_import(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
        batch: &str,
        queue: &[QueuedName],
    ) -> impl Future<Output = Result<ApplyReport, StoreError>> + Send;
    /// The unresolved queue, oldest batch first.
    fn unresolved(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<QueuedName>, StoreError>> + Send;
    /// Every remembered decision, by key.
    fn decisions(
        &self,
    ) -> impl Future<Output = Result<Vec<(String, NameDecision)>, StoreError>> + Send;
    /// Remembers a decision (replacing any earlier one for the key), takes the name off the
    /// queue, and audits it.
    fn record_decision(
        &self,
        key: &str,
        decision: &NameDecision,
        change: &ChangeContext,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// What `apply` would do, without writing anything.
    fn check(
        &self,
        incoming: &Dataset,
    ) -> impl Future<Output = Result<ApplyReport, StoreError>> + Send;
    /// Places whose id, former id or any name matches `query` (names compared folded).
    fn find_places(
        &self,
        query: &str,
    ) -> impl Future<Output = Result<Vec<Place>, StoreError>> + Send;
    /// The ties with `place_id` at one end.
    fn ties_of(&self, place_id: &str) -> impl Future<Output = Result<Vec<Tie>, StoreError>> + Send;
    /// Full-text search over places, actors, networks and documents, any script.
    fn search(
        &self,
        query: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<SearchHit>, StoreError>> + Send;
    /// The newest audit entries, newest first.
    fn audit_log(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;
    /// A number that grows with every committed change (the last audit sequence number):
    /// readers compare it with their snapshot's to know whether it is stale.
    fn version(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Remembers an import run and its report.
    fn record_import_run(
        &self,
        run: &ImportRun,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The embedded SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to
    /// date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                source: sqlx::Error::Io(e),
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// An in-memory database, for tests.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }
}

/// The JSON form of every stored record, by kind and key, as read from the database.
type RawRecords = HashMap<(&'static str, String), String>;

/// A record kind's table: its name, its key column, and its other columns before `data`.
struct Table {
    kind: &'static str,
    table: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
}

const TABLES: &[Table] = &[
    Table {
        kind: "source",
        table: "sources",
        key: "id",
        columns: &[],
    },
    Table {
        kind: "batch",
        table: "batches",
        key: "id",
        columns: &["format", "sha256"],
    },
    Table {
        kind: "place",
        table: "places",
        key: "id",
        columns: &["level", "name", "country", "parent"],
    },
    Table {
        kind: "tie",
        table: "ties",
        key: "id",
        columns: &["a", "b", "kind"],
    },
    Table {
        kind: "network",
        table: "networks",
        key: "id",
        columns: &["name"],
    },
    Table {
        kind: "membership",
        table: "memberships",
        key: "key",
        columns: &["network", "member"],
    },
    Table {
        kind: "actor",
        table: "actors",
        key: "id",
        columns: &["kind", "name"],
    },
    Table {
        kind: "relation",
        table: "relations",
        key: "key",
        columns: &["from_id", "to_id", "kind"],
    },
    Table {
        kind: "activity",
        table: "activities",
        key: "id",
        columns: &["kind"],
    },
    Table {
        kind: "document",
        table: "documents",
        key: "id",
        columns: &["kind", "title"],
    },
    Table {
        kind: "figure",
        table: "figures",
        key: "id",
        columns: &[],
    },
];

fn table(kind: &str) -> &'static Table {
    TABLES
        .iter()
        .find(|t| t.kind == kind)
        .expect("every record kind has a table")
}

/// One row to write: key, indexed columns, JSON.
struct RowValues {
    key: String,
    columns: Vec<Option<String>>,
    json: String,
}

fn encode<T: Serialize>(record: &T) -> String {
    serde_json::to_string(record).expect("records always serialise to JSON")
}

/// The rows of every record of `data`, by kind, in the tables' order.
fn rows_of(data: &Dataset) -> Vec<(&'static str, Vec<RowValues>)> {
    fn row<T: Serialize>(key: &str, columns: Vec<Option<String>>, record: &T) -> RowValues {
        RowValues {
            key: key.to_owned(),
            columns,
            json: encode(record),
        }
    }
    let s = |v: &str| Some(v.to_owned());
    vec![
        (
            "source",
            data.sources.iter().map(|r| row(&r.id, vec![], r)).collect(),
        ),
        (
            "batch",
            data.batches
                .iter()
                .map(|r| row(&r.id, vec![s(&r.format), s(&r.sha256)], r))
                .collect(),
        ),
        (
            "place",
            data.places
                .iter()
                .map(|r| {
                    row(
                        &r.id,
                        vec![
                            s(r.level.as_str()),
                            s(&r.name),
                            r.country.clone(),
                            r.parent.clone(),
                        ],
                        r,
                    )
                })
                .collect(),
        ),
        (
            "tie",
            data.ties
                .iter()
                .map(|r| row(&r.id, vec![s(&r.a), s(&r.b), s(r.kind.as_str())], r))
                .collect(),
        ),
        (
            "network",
            data.networks
                .iter()
                .map(|r| row(&r.id, vec![s(&r.name)], r))
                .collect(),
        ),
        (
            "membership",
            data.memberships
                .iter()
                .map(|r| row(&r.key(), vec![s(&r.network), s(&r.member)], r))
                .collect(),
        ),
        (
            "actor",
            data.actors
                .iter()
                .map(|r| row(&r.id, vec![s(r.kind.as_str()), s(&r.name)], r))
                .collect(),
        ),
        (
            "relation",
            data.relations
                .iter()
                .map(|r| row(&r.key(), vec![s(&r.from), s(&r.to), s(r.kind.as_str())], r))
                .collect(),
        ),
        (
            "activity",
            data.activities
                .iter()
                .map(|r| row(&r.id, vec![s(r.kind.as_str())], r))
                .collect(),
        ),
        (
            "document",
            data.documents
                .iter()
                .map(|r| row(&r.id, vec![s(r.kind.as_str()), s(&r.title)], r))
                .collect(),
        ),
        (
            "figure",
            data.figures.iter().map(|r| row(&r.id, vec![], r)).collect(),
        ),
    ]
}

/// SQLite allows 32,766 bound parameters a statement; stay well below.
const MAX_PARAMS: usize = 30_000;

async fn upsert(
    tx: &mut Transaction<'_, Sqlite>,
    spec: &Table,
    rows: &[&RowValues],
) -> Result<(), sqlx::Error> {
    let width = spec.columns.len() + 2;
    let head = format!(
        "INSERT INTO {} ({}, {}data) ",
        spec.table,
        spec.key,
        spec.columns
            .iter()
            .map(|c| format!("{c}, "))
            .collect::<String>()
    );
    let tail = format!(
        " ON CONFLICT({}) DO UPDATE SET {}data = excluded.data",
        spec.key,
        spec.columns
            .iter()
            .map(|c| format!("{c} = excluded.{c}, "))
            .collect::<String>()
    );
    // Table and column names come from the constant TABLES list; every value is bound.
    let queries = rows.chunks(MAX_PARAMS / width).map(|chunk| {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(&head);
        query.push_values(chunk, |mut b, row| {
            b.push_bind(&row.key);
            for value in &row.columns {
                b.push_bind(value);
            }
            b.push_bind(&row.json);
        });
        query.push(&tail);
        query
    });
    execute_all(tx, queries).await
}

/// Executes the statements in order, building each next one while SQLite runs the one
/// before on its worker thread: binding 30,000 values takes about as long as inserting them.
async fn execute_all(
    tx: &mut Transaction<'_, Sqlite>,
    mut queries: impl Iterator<Item = QueryBuilder<Sqlite>>,
) -> Result<(), sqlx::Error> {
    let Some(mut current) = queries.next() else {
        return Ok(());
    };
    loop {
        // `biased` polls the statement first, which hands it to the worker, and then builds
        // the next one here.
        let (done, next) = tokio::join!(biased; current.build().execute(&mut **tx), async {
            queries.next()
        });
        done?;
        match next {
            Some(query) => current = query,
            None => return Ok(()),
        }
    }
}

async fn insert_rows<const N: usize>(
    tx: &mut Transaction<'_, Sqlite>,
    head: &str,
    rows: &[[&str; N]],
) -> Result<(), sqlx::Error> {
    let queries = rows.chunks(MAX_PARAMS / N).map(|chunk| {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(head);
        query.push_values(chunk, |mut b, row| {
            for value in row {
                b.push_bind(*value);
            }
        });
        query
    });
    execute_all(tx, queries).await
}

/// One audit-log row: the record's kind and key, and its JSON before and after the change.
/// A creation has neither: its state is found later (see [`Store::audit_log`]).
struct AuditRow<'a> {
    kind: &'a str,
    key: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

async fn insert_audit(
    tx: &mut Transaction<'_, Sqlite>,
    at: &str,
    change: &ChangeContext,
    rows: &[AuditRow<'_>],
) -> Result<(), sqlx::Error> {
    let queries = rows.chunks(MAX_PARAMS / 7).map(|chunk| {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO audit_log (at, who, context, record_kind, record_id, before, after) ",
        );
        query.push_values(chunk, |mut b, row| {
            b.push_bind(at)
                .push_bind(&change.who)
                .push_bind(&change.context)
                .push_bind(row.kind)
                .push_bind(row.key)
                .push_bind(row.before)
                .push_bind(row.after);
        });
        query
    });
    execute_all(tx, queries).await
}

async fn load_raw(
    executor: &mut sqlx::SqliteConnection,
) -> Result<(Dataset, RawRecords), StoreError> {
    let mut data = Dataset::default();
    let mut raw = RawRecords::new();
    for spec in TABLES {
        // The table and key names come from the constant TABLES list.
        let sql = format!(
            "SELECT {}, data FROM {} ORDER BY {}",
            spec.key, spec.table, spec.key
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *executor)
            .await?;
        for row in rows {
            let key: String = row.try_get(0)?;
            let json: String = row.try_get(1)?;
            let corrupt = |e: serde_json::Error| StoreError::Corrupt {
                kind: spec.kind,
                id: key.clone(),
                message: e.to_string(),
            };
            match spec.kind {
                "source" => data
                    .sources
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "batch" => data
                    .batches
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "place" => data
                    .places
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "tie" => data
                    .ties
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "network" => data
                    .networks
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "membership" => data
                    .memberships
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "actor" => data
                    .actors
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "relation" => data
                    .relations
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "activity" => data
                    .activities
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "document" => data
                    .documents
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                "figure" => data
                    .figures
                    .push(serde_json::from_str(&json).map_err(corrupt)?),
                _ => unreachable!("TABLES lists only known kinds"),
            }
            raw.insert((spec.kind, key), json);
        }
    }
    Ok((data, raw))
}

fn now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Seconds since the epoch, written as an RFC 3339 UTC timestamp.
    let days = (seconds / 86_400) as i64;
    let secs = seconds % 86_400;
    let date = polis_core::PartialDate::from_days_since_epoch(days);
    let (y, m, d) = date.first_day();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

async fn rebuild_search(
    tx: &mut Transaction<'_, Sqlite>,
    data: &Dataset,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM search").execute(&mut **tx).await?;
    let mut rows: Vec<[String; 4]> = Vec::new();
    for place in &data.places {
        let text: Vec<&str> = place.all_names().collect();
        rows.push([
            "place".into(),
            place.id.clone(),
            place.name.clone(),
            fold(&text.join(" | ")),
        ]);
    }
    for actor in &data.actors {
        let mut text = vec![actor.name.as_str()];
        text.extend(actor.names.iter().map(|n| n.text.as_str()));
        rows.push([
            "actor".into(),
            actor.id.clone(),
            actor.name.clone(),
            fold(&text.join(" | ")),
        ]);
    }
    for network in &data.networks {
        let mut text = vec![network.name.as_str()];
        text.extend(network.names.iter().map(|n| n.text.as_str()));
        text.extend(network.tags.iter().map(String::as_str));
        rows.push([
            "network".into(),
            network.id.clone(),
            network.name.clone(),
            fold(&text.join(" | ")),
        ]);
    }
    for document in &data.documents {
        rows.push([
            "document".into(),
            document.id.clone(),
            document.title.clone(),
            fold(&document.title),
        ]);
        for article in &document.articles {
            let mut text = vec![article.text.as_str()];
            text.extend(article.heading.as_deref());
            text.extend(article.tags.iter().map(String::as_str));
            rows.push([
                "article".into(),
                format!("{}#{}", document.id, article.number),
                format!("{}, article {}", document.title, article.number),
                fold(&text.join(" | ")),
            ]);
        }
    }
    let borrowed: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()])
        .collect();
    insert_rows(tx, "INSERT INTO search (kind, id, label, key) ", &borrowed).await
}

impl SqliteStore {
    /// Compares `incoming` with the stored records (`raw`), counts what is created, updated
    /// and unchanged, and, when `write`, writes the changed records, their names and their
    /// audit entries into the transaction. Returns the counts and whether the search index
    /// needs rebuilding.
    async fn write_changes(
        tx: &mut Transaction<'_, Sqlite>,
        incoming: &Dataset,
        raw: &RawRecords,
        change: &ChangeContext,
        write: bool,
        started: std::time::Instant,
    ) -> Result<(ApplyReport, bool), StoreError> {
        let mut report = ApplyReport::default();
        let at = now();
        let mut audit: Vec<AuditRow> = Vec::new();
        let mut changed_places: Vec<&Place> = Vec::new();
        let mut search_dirty = false;
        let incoming_rows = rows_of(incoming);
        for (kind, rows) in &incoming_rows {
            let mut to_write = Vec::new();
            for row in rows {
                match raw.get(&(*kind, row.key.clone())) {
                    Some(before) if *before == row.json => {
                        *report.unchanged.entry(kind).or_default() += 1;
                    }
                    before => {
                        if before.is_some() {
                            *report.updated.entry(kind).or_default() += 1;
                        } else {
                            *report.created.entry(kind).or_default() += 1;
                        }
                        // A creation's state is not copied into the log: it is the `before`
                        // of the record's next change, or the record itself while it has
                        // none, and `audit_log` reads it from there.
                        audit.push(AuditRow {
                            kind,
                            key: &row.key,
                            before: before.map(String::as_str),
                            after: before.map(|_| row.json.as_str()),
                        });
                        to_write.push(row);
                    }
                }
            }
            if to_write.is_empty() || !write {
                continue;
            }
            if matches!(*kind, "place" | "actor" | "network" | "document") {
                search_dirty = true;
            }
            upsert(&mut *tx, table(kind), &to_write).await?;
            if *kind == "place" {
                let written: std::collections::HashSet<&str> =
                    to_write.iter().map(|r| r.key.as_str()).collect();
                changed_places.extend(
                    incoming
                        .places
                        .iter()
                        .filter(|p| written.contains(p.id.as_str())),
                );
            }
        }

        // Names and redirects of the places that changed.
        for place in &changed_places {
            if raw.contains_key(&("place", place.id.clone())) {
                sqlx::query("DELETE FROM place_names WHERE place_id = ?")
                    .bind(&place.id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("DELETE FROM place_redirects WHERE place_id = ?")
                    .bind(&place.id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let mut names: Vec<(String, String, String)> = Vec::new();
        let mut redirects: Vec<(String, String)> = Vec::new();
        for place in &changed_places {
            let mut seen = std::collections::HashSet::new();
            for name in place.all_names() {
                let key = fold(name);
                if seen.insert((key.clone(), name.to_owned())) {
                    names.push((place.id.clone(), key, name.to_owned()));
                }
            }
            for former in &place.former_ids {
                redirects.push((former.clone(), place.id.clone()));
            }
        }
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: records written"
        );
        if !write {
            return Ok((report, search_dirty));
        }
        let name_rows: Vec<[&str; 3]> = names
            .iter()
            .map(|(p, k, n)| [p.as_str(), k.as_str(), n.as_str()])
            .collect();
        insert_rows(
            &mut *tx,
            "INSERT INTO place_names (place_id, key, name) ",
            &name_rows,
        )
        .await?;
        let redirect_rows: Vec<[&str; 2]> = redirects
            .iter()
            .map(|(o, p)| [o.as_str(), p.as_str()])
            .collect();
        insert_rows(
            &mut *tx,
            "INSERT OR REPLACE INTO place_redirects (old_id, place_id) ",
            &redirect_rows,
        )
        .await?;

        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: names written"
        );
        insert_audit(&mut *tx, &at, change, &audit).await?;
        Ok((report, search_dirty))
    }

    async fn apply_or_check(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
        write: bool,
        queue: Option<(&str, &[QueuedName])>,
    ) -> Result<ApplyReport, StoreError> {
        let started = std::time::Instant::now();
        let mut tx = self.pool.begin().await?;
        let (existing, raw) = load_raw(&mut tx).await?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "apply: loaded");
        let merged = overlay(incoming, existing);
        // Validation reads the merged registry on its own thread while the changes are
        // written into the transaction below; nothing is committed (and a check returns
        // nothing) until it has passed. A write that fails on data validation would have
        // rejected reports the validation error, which says what is wrong.
        let validation = tokio::task::spawn_blocking(move || {
            let result = validate(&merged);
            (merged, result)
        });
        let written = Self::write_changes(&mut tx, incoming, &raw, change, write, started).await;
        let (merged, valid) = match validation.await {
            Ok(done) => done,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        valid?;
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: validated"
        );
        let (report, search_dirty) = written?;
        if !write {
            // A check: the transaction is dropped, so nothing is written.
            return Ok(report);
        }

        if search_dirty {
            rebuild_search(&mut tx, &merged).await?;
        }
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: search rebuilt"
        );
        if let Some((batch, names)) = queue {
            sqlx::query("DELETE FROM unresolved_names WHERE batch = ?")
                .bind(batch)
                .execute(&mut *tx)
                .await?;
            let queries = names.chunks(MAX_PARAMS / 7).map(|chunk| {
                let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
                    "INSERT INTO unresolved_names (key, name, country, batch, line, occurrences, best_guess) ",
                );
                query.push_values(chunk, |mut b, name| {
                    b.push_bind(&name.key)
                        .push_bind(&name.name)
                        .push_bind(&name.country)
                        .push_bind(&name.batch)
                        .push_bind(name.line)
                        .push_bind(name.occurrences)
                        .push_bind(&name.best_guess);
                });
                query.push(
                    " ON CONFLICT(key) DO UPDATE SET name = excluded.name, country = excluded.country, \
                     batch = excluded.batch, line = excluded.line, occurrences = excluded.occurrences, \
                     best_guess = excluded.best_guess",
                );
                query
            });
            execute_all(&mut tx, queries).await?;
        }
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: queue written"
        );
        tx.commit().await?;
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: committed"
        );
        Ok(report)
    }
}

impl Store for SqliteStore {
    async fn load(&self) -> Result<Dataset, StoreError> {
        let mut connection = self.pool.acquire().await?;
        Ok(load_raw(&mut connection).await?.0)
    }

    async fn apply(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
    ) -> Result<ApplyReport, StoreError> {
        self.apply_or_check(incoming, change, true, None).await
    }

    async fn apply_import(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
        batch: &str,
        queue: &[QueuedName],
    ) -> Result<ApplyReport, StoreError> {
        self.apply_or_check(incoming, change, true, Some((batch, queue)))
            .await
    }

    async fn unresolved(&self, limit: u32) -> Result<Vec<QueuedName>, StoreError> {
        // The names that would unlock the most ties first.
        let rows = sqlx::query("SELECT key, name, country, batch, line, occurrences, best_guess FROM unresolved_names ORDER BY occurrences DESC, batch, line LIMIT ?")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(QueuedName {
                    key: row.try_get(0)?,
                    name: row.try_get(1)?,
                    country: row.try_get(2)?,
                    batch: row.try_get(3)?,
                    line: row.try_get(4)?,
                    occurrences: row.try_get(5)?,
                    best_guess: row.try_get(6)?,
                })
            })
            .collect()
    }

    async fn decisions(&self) -> Result<Vec<(String, NameDecision)>, StoreError> {
        let rows = sqlx::query("SELECT key, place_id, geonames FROM name_decisions ORDER BY key")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let key: String = row.try_get(0)?;
            let place: Option<String> = row.try_get(1)?;
            let geonames: Option<i64> = row.try_get(2)?;
            let decision = match (place, geonames) {
                (Some(place), _) => NameDecision::Place(place),
                (None, Some(g)) => {
                    NameDecision::Geonames(u32::try_from(g).map_err(|_| StoreError::Corrupt {
                        kind: "decision",
                        id: key.clone(),
                        message: format!("GeoNames id {g} out of range"),
                    })?)
                }
                (None, None) => {
                    return Err(StoreError::Corrupt {
                        kind: "decision",
                        id: key,
                        message: "neither a place nor a GeoNames id".into(),
                    });
                }
            };
            out.push((key, decision));
        }
        Ok(out)
    }

    async fn record_decision(
        &self,
        key: &str,
        decision: &NameDecision,
        change: &ChangeContext,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let before: Option<String> = sqlx::query(
            "SELECT coalesce(place_id, CAST(geonames AS TEXT)) FROM name_decisions WHERE key = ?",
        )
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
        let (place, geonames, after) = match decision {
            NameDecision::Place(id) => (Some(id.clone()), None, id.clone()),
            NameDecision::Geonames(g) => (None, Some(i64::from(*g)), format!("geonames:{g}")),
        };
        sqlx::query("INSERT OR REPLACE INTO name_decisions (key, place_id, geonames, who, at) VALUES (?, ?, ?, ?, ?)")
            .bind(key)
            .bind(&place)
            .bind(geonames)
            .bind(&change.who)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM unresolved_names WHERE key = ?")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO audit_log (at, who, context, record_kind, record_id, before, after) VALUES (?, ?, ?, 'name_decision', ?, ?, ?)")
            .bind(now())
            .bind(&change.who)
            .bind(&change.context)
            .bind(key)
            .bind(before)
            .bind(after)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn check(&self, incoming: &Dataset) -> Result<ApplyReport, StoreError> {
        let change = ChangeContext {
            who: String::new(),
            context: String::new(),
        };
        self.apply_or_check(incoming, &change, false, None).await
    }

    async fn find_places(&self, query: &str) -> Result<Vec<Place>, StoreError> {
        let key = fold(query);
        let rows = sqlx::query(
            "SELECT data FROM places WHERE id = ?1 \
             UNION SELECT p.data FROM place_redirects r JOIN places p ON p.id = r.place_id WHERE r.old_id = ?1 \
             UNION SELECT p.data FROM place_names n JOIN places p ON p.id = n.place_id WHERE n.key = ?2",
        )
        .bind(query)
        .bind(&key)
        .fetch_all(&self.pool)
        .await?;
        let mut places = Vec::with_capacity(rows.len());
        for row in rows {
            let json: String = row.try_get(0)?;
            places.push(
                serde_json::from_str::<Place>(&json).map_err(|e| StoreError::Corrupt {
                    kind: "place",
                    id: query.to_owned(),
                    message: e.to_string(),
                })?,
            );
        }
        // An exact id first, then the most populous.
        places.sort_by(|x, y| {
            (y.id == query)
                .cmp(&(x.id == query))
                .then_with(|| {
                    let pop = |p: &Place| p.shown_population().map_or(0, |p| p.value);
                    pop(y).cmp(&pop(x))
                })
                .then_with(|| x.id.cmp(&y.id))
        });
        Ok(places)
    }

    async fn ties_of(&self, place_id: &str) -> Result<Vec<Tie>, StoreError> {
        let rows = sqlx::query("SELECT id, data FROM ties WHERE a = ?1 OR b = ?1 ORDER BY id")
            .bind(place_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                let id: String = row.try_get(0)?;
                let json: String = row.try_get(1)?;
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                    kind: "tie",
                    id,
                    message: e.to_string(),
                })
            })
            .collect()
    }

    async fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, StoreError> {
        // Every token of the folded query, quoted so that FTS5 syntax in user text is inert,
        // and matched as a prefix.
        let terms: Vec<String> = fold(query)
            .split_whitespace()
            .map(|t| format!("\"{}\"*", t.replace('"', "")))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT kind, id, label FROM search WHERE key MATCH ? ORDER BY rank LIMIT ?",
        )
        .bind(terms.join(" "))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(SearchHit {
                    kind: row.try_get(0)?,
                    id: row.try_get(1)?,
                    label: row.try_get(2)?,
                })
            })
            .collect()
    }

    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        // A creation is logged without its state (an import creates tens of thousands of
        // records, and copying each would double what it writes): the state it created is the
        // `before` of the record's next logged change, or, while there is none, the record
        // as it is now.
        let rows = sqlx::query(
            "SELECT a.seq, a.at, a.who, a.context, a.record_kind, a.record_id, a.before, \
             COALESCE(a.after, CASE WHEN a.before IS NULL THEN \
                 (SELECT n.before FROM audit_log n WHERE n.record_kind = a.record_kind \
                  AND n.record_id = a.record_id AND n.seq > a.seq ORDER BY n.seq LIMIT 1) END) \
             FROM audit_log a ORDER BY a.seq DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let mut entry = AuditEntry {
                seq: row.try_get(0)?,
                at: row.try_get(1)?,
                who: row.try_get(2)?,
                context: row.try_get(3)?,
                record_kind: row.try_get(4)?,
                record_id: row.try_get(5)?,
                before: row.try_get(6)?,
                after: row.try_get(7)?,
            };
            if entry.before.is_none()
                && entry.after.is_none()
                && let Some(spec) = TABLES.iter().find(|t| t.kind == entry.record_kind)
            {
                // The table and key names come from the constant TABLES list.
                let sql = format!("SELECT data FROM {} WHERE {} = ?", spec.table, spec.key);
                entry.after = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .bind(&entry.record_id)
                    .fetch_optional(&self.pool)
                    .await?;
            }
            entries.push(entry);
        }
        Ok(entries)
    }

    async fn version(&self) -> Result<i64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT max(seq) FROM audit_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq.unwrap_or(0))
    }

    async fn record_import_run(&self, run: &ImportRun) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO import_runs (at, format, file, sha256, report) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(now())
        .bind(&run.format)
        .bind(&run.file)
        .bind(&run.sha256)
        .bind(run.report.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
