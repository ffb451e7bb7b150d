//! The polis store on an embedded SQLite database (WAL mode, foreign keys on, migrations in
//! `migrations/sqlite`): [`SqliteStore`] implements `polis_store::Store`. This crate holds
//! SQL only. What a write does is decided by `polis_store::plan`; this crate loads the rows
//! the planner needs and executes its plan in one transaction.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use polis_core::Dataset;
use polis_store::cache::{self, Head, Mark, RecordSource, StoredCache};
use polis_store::chain::{ChainHead, EntryFieldsOwned};
use polis_store::cpu::off_runtime;
use polis_store::plan::{
    self, AuditRow, MergeLog, MergeWrite, Plan, Row, SearchRow, SearchUpdate, Stored, StoredMerge,
};
use polis_store::search::{Candidate, query_terms, rank};
use polis_store::{
    ApplyReport, Audit, AuditEntry, BoxFuture, ChainRow, ChangeContext, ExpectedRecord, ImportRun,
    ImportWrite, MergeReport, NameDecision, ProposalStatus, QueuedName, RecordKind, Records,
    ResolutionQueue, Review, Search, SearchHit, StoreError,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row as _, Sqlite, SqlitePool, Transaction};

/// The embedded SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The records as last read or written (`polis_store::cache`).
    cache: Arc<StoredCache>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

mod accounts;
mod proposals;
mod transfer;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

fn db(error: sqlx::Error) -> StoreError {
    StoreError::backend(error)
}

impl SqliteStore {
    /// How many times this handle has read every record from the database rather than
    /// keep or patch its copy of them (`polis_store::cache`): for tests and diagnostics.
    pub fn n_full_loads(&self) -> u64 {
        self.cache.n_full_loads()
    }

    /// Opens (creating if needed) the database file at `path` and brings its schema up to
    /// date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                source: Box::new(e),
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
                source: Box::new(source),
            })?;
        MIGRATOR.run(&pool).await.map_err(StoreError::backend)?;
        let store = Self {
            pool,
            cache: Arc::default(),
        };
        store.refold_search().await?;
        store.chain_existing_entries().await?;
        Ok(store)
    }

    /// Rebuilds the search index when it was written by a build that folds names differently
    /// (its `user_version` holds the fold's fingerprint), so that a database made before the
    /// one fold finds Cyrillic, Greek and Arabic names by their current keys. Free when the
    /// fingerprint matches: one pragma.
    async fn refold_search(&self) -> Result<(), StoreError> {
        let fingerprint = polis_core::text::fold_fingerprint();
        let stored: i32 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        if stored == fingerprint {
            return Ok(());
        }
        let data = self.load().await?;
        let started = std::time::Instant::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        rebuild_search(&mut tx, &plan::search_rows(&data))
            .await
            .map_err(db)?;
        // A pragma takes no bound parameter; the value is an integer computed here.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA user_version = {fingerprint}"
        )))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        if stored != 0 || !data.places.is_empty() {
            tracing::info!(
                stored,
                fingerprint,
                seconds = started.elapsed().as_secs_f64(),
                "search index rebuilt for the current fold"
            );
        }
        Ok(())
    }

    /// Chains audit entries written before the hash chain existed (a no-op once done).
    async fn chain_existing_entries(&self) -> Result<(), StoreError> {
        let unhashed: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM audit_log WHERE hash IS NULL LIMIT 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        if unhashed.is_some() {
            let mut tx = self.pool.begin().await.map_err(db)?;
            chain_unhashed(&mut tx).await.map_err(db)?;
            tx.commit().await.map_err(db)?;
        }
        Ok(())
    }

    /// The pool, for this crate's other modules.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// An in-memory database, for tests.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(db)?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::backend)?;
        let store = Self {
            pool,
            cache: Arc::default(),
        };
        store.refold_search().await?;
        Ok(store)
    }
}

/// A record kind's table: its name, its key column, and its other columns before `data`
/// (the values of [`RecordKind::indexed_fields`], in that order).
struct Table {
    table: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
}

fn table(kind: RecordKind) -> Table {
    let (table, key, columns): (&str, &str, &[&str]) = match kind {
        RecordKind::Source => ("sources", "id", &[]),
        RecordKind::Batch => ("batches", "id", &["format", "sha256"]),
        RecordKind::Place => ("places", "id", &["level", "name", "country", "parent"]),
        RecordKind::Tie => ("ties", "id", &["a", "b", "kind"]),
        RecordKind::Network => ("networks", "id", &["name"]),
        RecordKind::Membership => ("memberships", "key", &["network", "member"]),
        RecordKind::Actor => ("actors", "id", &["kind", "name"]),
        RecordKind::Relation => ("relations", "key", &["from_id", "to_id", "kind"]),
        RecordKind::Activity => ("activities", "id", &["kind"]),
        RecordKind::Document => ("documents", "id", &["kind", "title"]),
        RecordKind::Figure => ("figures", "id", &[]),
    };
    Table {
        table,
        key,
        columns,
    }
}

/// SQLite allows 32,766 bound parameters a statement; stay well below.
const MAX_PARAMS: usize = 30_000;

async fn upsert(
    tx: &mut Transaction<'_, Sqlite>,
    spec: &Table,
    rows: &[Row],
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
    // Table and column names come from the constant `table` list; every value is bound.
    let queries = rows.chunks(MAX_PARAMS / width).map(|chunk| {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(&head);
        query.push_values(chunk, |mut b, row| {
            b.push_bind(&row.key);
            for value in &row.columns {
                b.push_bind(value);
            }
            b.push_bind(&*row.json);
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

async fn insert_audit(
    tx: &mut Transaction<'_, Sqlite>,
    at: &str,
    change: &ChangeContext,
    rows: &[AuditRow],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // The chain's head is read inside the write transaction, after the change's own writes
    // took the database's write lock, so no other writer can link to the same head.
    let mut head = chain_head(&mut *tx).await?;
    let linked: Vec<(&AuditRow, i64, String)> = rows
        .iter()
        .map(|row| {
            let (seq, hash) = head.link(EntryFieldsOwned {
                at,
                who: &change.who,
                context: &change.context,
                action: Some(row.action.as_str()),
                record_kind: row.record_kind,
                record_id: &row.key,
                before: row.before.as_deref(),
                after: row.after.as_deref(),
            });
            (row, seq, hash)
        })
        .collect();
    let queries = linked.chunks(MAX_PARAMS / 10).map(|chunk| {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO audit_log (seq, at, who, context, action, record_kind, record_id, before, after, hash) ",
        );
        query.push_values(chunk, |mut b, (row, seq, hash)| {
            b.push_bind(*seq)
                .push_bind(at)
                .push_bind(&change.who)
                .push_bind(&change.context)
                .push_bind(row.action.as_str())
                .push_bind(row.record_kind)
                .push_bind(&row.key)
                .push_bind(row.before.as_deref())
                .push_bind(row.after.as_deref())
                .push_bind(hash);
        });
        query
    });
    execute_all(tx, queries).await
}

/// The last chained audit entry, chaining any entries that have no hash yet (those written
/// before migration 0006) first.
async fn chain_head(connection: &mut sqlx::SqliteConnection) -> Result<ChainHead, sqlx::Error> {
    let last: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *connection)
            .await?;
    match last {
        None => Ok(ChainHead::default()),
        Some((seq, Some(hash))) => Ok(ChainHead { seq, hash }),
        Some((_, None)) => chain_unhashed(connection).await,
    }
}

/// Chains the entries without a hash, in seq order after the last hashed one, renumbering
/// them without gaps, and returns the new head. Runs in the caller's transaction.
async fn chain_unhashed(connection: &mut sqlx::SqliteConnection) -> Result<ChainHead, sqlx::Error> {
    let hashed: Option<(i64, String)> = sqlx::query_as(
        "SELECT seq, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *connection)
    .await?;
    let mut head = hashed
        .map(|(seq, hash)| ChainHead { seq, hash })
        .unwrap_or_default();
    let rows = read_chain_rows(&mut *connection, head.seq, u32::MAX).await?;
    for row in rows {
        let (seq, hash) = head.link(EntryFieldsOwned {
            at: &row.at,
            who: &row.who,
            context: &row.context,
            action: row.action.as_deref(),
            record_kind: &row.record_kind,
            record_id: &row.record_id,
            before: row.before.as_deref(),
            after: row.after.as_deref(),
        });
        sqlx::query("UPDATE audit_log SET seq = ?, hash = ? WHERE seq = ?")
            .bind(seq)
            .bind(&hash)
            .bind(row.seq)
            .execute(&mut *connection)
            .await?;
    }
    Ok(head)
}

/// Audit entries after `after_seq`, oldest first, as stored.
async fn read_chain_rows(
    connection: &mut sqlx::SqliteConnection,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<ChainRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, at, who, context, action, record_kind, record_id, before, after, hash \
         FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(&mut *connection)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ChainRow {
                seq: row.try_get(0)?,
                at: row.try_get(1)?,
                who: row.try_get(2)?,
                context: row.try_get(3)?,
                action: row.try_get(4)?,
                record_kind: row.try_get(5)?,
                record_id: row.try_get(6)?,
                before: row.try_get(7)?,
                after: row.try_get(8)?,
                hash: row.try_get(9)?,
            })
        })
        .collect()
}

/// Every stored record, decoded and as JSON, and the merges in effect.
async fn load_stored(
    executor: &mut sqlx::SqliteConnection,
    with_merges: bool,
) -> Result<Stored, StoreError> {
    let mut stored = Stored::default();
    let mut raw = plan::RawRecords::new();
    for kind in RecordKind::ALL {
        let spec = table(kind);
        // The table and key names come from the constant `table` list.
        let sql = format!(
            "SELECT {}, data FROM {} ORDER BY {}",
            spec.key, spec.table, spec.key
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *executor)
            .await
            .map_err(db)?;
        // Decoding a table of the world dataset takes tens of milliseconds.
        off_runtime(|| {
            for row in rows {
                let key: String = row.try_get(0).map_err(db)?;
                let json: String = row.try_get(1).map_err(db)?;
                plan::decode_into(&mut stored.data, kind, &json).map_err(|e| {
                    StoreError::Corrupt {
                        kind: kind.as_str(),
                        id: key.clone(),
                        message: e.to_string(),
                    }
                })?;
                raw.insert((kind, key), json);
            }
            Ok::<_, StoreError>(())
        })?;
    }
    stored.raw = Arc::new(raw);
    if with_merges {
        let mut merges = Vec::new();
        let rows = sqlx::query("SELECT id, log FROM merges ORDER BY id")
            .fetch_all(&mut *executor)
            .await
            .map_err(db)?;
        for row in rows {
            let id: i64 = row.try_get(0).map_err(db)?;
            let json: String = row.try_get(1).map_err(db)?;
            let log: MergeLog = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                kind: "merge",
                id: id.to_string(),
                message: e.to_string(),
            })?;
            merges.push(StoredMerge { id, log });
        }
        stored.merges = Arc::new(merges);
    }
    Ok(stored)
}

/// The cache's questions (`polis_store::cache::RecordSource`), answered on one connection,
/// inside the caller's transaction.
struct Source<'c>(&'c mut sqlx::SqliteConnection);

impl RecordSource for Source<'_> {
    async fn head(&mut self) -> Result<Head, StoreError> {
        let last: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *self.0)
                .await
                .map_err(db)?;
        Ok(last
            .map(|(seq, hash)| Head { seq, hash })
            .unwrap_or_default())
    }

    async fn hash_at(&mut self, seq: i64) -> Result<Option<Option<String>>, StoreError> {
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = ?")
            .bind(seq)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)
    }

    async fn marks_since(&mut self, seq: i64) -> Result<Vec<Mark>, StoreError> {
        let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
            "SELECT seq, action, record_kind, record_id FROM audit_log WHERE seq > ? ORDER BY seq",
        )
        .bind(seq)
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(seq, action, record_kind, record_id)| Mark {
                seq,
                action,
                record_kind,
                record_id,
            })
            .collect())
    }

    async fn rows(
        &mut self,
        kind: RecordKind,
        keys: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        let spec = table(kind);
        let mut out = Vec::new();
        for chunk in keys.chunks(MAX_PARAMS) {
            // The table and key names come from the constant `table` list; keys are bound.
            let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                "SELECT {}, data FROM {} WHERE {} IN (",
                spec.key, spec.table, spec.key
            ));
            let mut list = query.separated(", ");
            for key in chunk {
                list.push_bind(key);
            }
            query.push(")");
            let rows: Vec<(String, String)> = query
                .build_query_as()
                .fetch_all(&mut *self.0)
                .await
                .map_err(db)?;
            out.extend(rows);
        }
        Ok(out)
    }

    async fn load_all(&mut self) -> Result<Stored, StoreError> {
        load_stored(self.0, true).await
    }
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
    rows: &[SearchRow],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM search").execute(&mut **tx).await?;
    insert_search(tx, rows).await
}

/// Adds rows to the search index.
async fn insert_search(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[SearchRow],
) -> Result<(), sqlx::Error> {
    let borrowed: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| [r.kind, r.id.as_str(), r.label.as_str(), r.key.as_str()])
        .collect();
    insert_rows(tx, "INSERT INTO search (kind, id, label, key) ", &borrowed).await
}

/// Brings the search index up to date after a write: rebuilt, or only the rows of the
/// records the write changed replaced (a document's articles with it).
async fn update_search(
    tx: &mut Transaction<'_, Sqlite>,
    update: &SearchUpdate,
) -> Result<(), sqlx::Error> {
    match update {
        SearchUpdate::Nothing => Ok(()),
        SearchUpdate::Rebuild(rows) => rebuild_search(tx, rows).await,
        SearchUpdate::Replace { records, rows } => {
            // Two values a record, and a document's id once more for its articles.
            for chunk in records.chunks(MAX_PARAMS / 3) {
                let mut query: QueryBuilder<Sqlite> =
                    QueryBuilder::new("DELETE FROM search WHERE (kind, id) IN (VALUES ");
                let mut list = query.separated(", ");
                for (kind, id) in chunk {
                    list.push("(")
                        .push_bind_unseparated(*kind)
                        .push_unseparated(", ")
                        .push_bind_unseparated(id)
                        .push_unseparated(")");
                }
                query.push(") OR (kind = 'article' AND substr(id, 1, instr(id, '#') - 1) IN (");
                let mut documents = query.separated(", ");
                documents.push_bind("");
                for (_, id) in chunk.iter().filter(|(kind, _)| *kind == "document") {
                    documents.push_bind(id);
                }
                query.push("))");
                query.build().execute(&mut **tx).await?;
            }
            insert_search(tx, rows).await
        }
    }
}

/// Executes a plan's record, name, merge and audit writes into the open transaction (the
/// search index is the caller's: an apply only has its rows after validation).
async fn execute(
    tx: &mut Transaction<'_, Sqlite>,
    plan: &Plan,
    change: &ChangeContext,
    started: std::time::Instant,
) -> Result<(), sqlx::Error> {
    let at = now();
    for (kind, rows) in &plan.upserts {
        upsert(&mut *tx, &table(*kind), rows).await?;
    }
    for (kind, keys) in &plan.deletes {
        let spec = table(*kind);
        let sql = format!("DELETE FROM {} WHERE {} = ?", spec.table, spec.key);
        for key in keys {
            // The table and key names come from the constant `table` list.
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
    }
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "write: records written"
    );
    match &plan.merge {
        MergeWrite::Nothing => {}
        MergeWrite::Remember(log) => {
            let json = serde_json::to_string(log).unwrap_or_default();
            sqlx::query(
                "INSERT INTO merges (at, kind, old_id, into_id, log) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&at)
            .bind(log.kind.as_str())
            .bind(&log.old)
            .bind(&log.into)
            .bind(json)
            .execute(&mut **tx)
            .await?;
        }
        MergeWrite::Forget(id) => {
            sqlx::query("DELETE FROM merges WHERE id = ?")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    insert_audit(&mut *tx, &at, change, &plan.audit).await
}

async fn write_queue(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &str,
    names: &[QueuedName],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM unresolved_names WHERE batch = ?")
        .bind(batch)
        .execute(&mut **tx)
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
    execute_all(tx, queries).await
}

async fn write_run(tx: &mut Transaction<'_, Sqlite>, run: &ImportRun) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO import_runs (at, format, file, sha256, report) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(now())
    .bind(&run.format)
    .bind(&run.file)
    .bind(&run.sha256)
    .bind(run.report.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Begins a transaction; `immediate` takes the write lock at once (`BEGIN IMMEDIATE`), for
/// writes whose checks read first: in WAL mode a deferred transaction that read an older
/// snapshot cannot upgrade to writing, so it would fail instead of waiting its turn.
async fn begin(
    pool: &sqlx::SqlitePool,
    immediate: bool,
) -> Result<Transaction<'static, Sqlite>, StoreError> {
    if immediate {
        pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    } else {
        pool.begin().await.map_err(db)
    }
}

/// [`StoreError::Stale`] when a record an approval expects differs from the stored one.
fn refuse_stale(stored: &plan::Stored, expected: &[ExpectedRecord]) -> Result<(), StoreError> {
    let records = polis_store::proposals::stale_records(expected, &stored.raw);
    if records.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Stale { records })
    }
}

/// Which of the whole-store operations to plan.
enum Operation<'a> {
    Delete(&'a str),
    Merge { old: &'a str, into: &'a str },
    Unmerge(&'a str),
}

impl SqliteStore {
    async fn apply_or_check(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
        write: bool,
        import: Option<ImportWrite<'_>>,
        review: Option<(Review<'_>, &[ExpectedRecord])>,
    ) -> Result<ApplyReport, StoreError> {
        let started = std::time::Instant::now();
        // A write keeps its turn to the end; a check gives it up once it has the records.
        let turn = self.cache.turn().await;
        let mut tx = begin(&self.pool, review.is_some()).await?;
        // A write takes the cached records (and puts the result back once committed); a
        // check shares them.
        let current = self.cache.current(&mut Source(&mut tx), write).await?;
        if !write {
            // A check writes nothing: its turn and its connection are given up before the
            // records are validated.
            drop(turn);
            tx.rollback().await.map_err(db)?;
            return plan::check(current.into_stored(), incoming).await;
        }
        let (data_seq, raw, merges) = (
            current.data_seq,
            current.stored.raw.clone(),
            current.stored.merges.clone(),
        );
        let stored = current.into_stored();
        if let Some((_, expected)) = review {
            refuse_stale(&stored, expected)?;
        }
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "apply: loaded");
        let (validation, diff) = off_runtime(|| plan::apply(stored, incoming));
        // Validation reads the merged records on its own thread while the changes are
        // planned and written into the transaction here; nothing is committed (and a check
        // returns nothing) until it has passed. A write that fails because the data is
        // invalid reports the validation error, which says what is wrong.
        let validating = tokio::task::spawn_blocking(move || validation.run());
        let plan = off_runtime(|| diff.plan());
        let written = execute(&mut tx, &plan, change, started).await;
        let merged = match validating.await {
            Ok(done) => done?,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: validated"
        );
        written.map_err(db)?;
        let search = off_runtime(|| plan::search_update(&plan, &merged));
        update_search(&mut tx, &search).await.map_err(db)?;
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: search updated"
        );
        if let Some(import) = import {
            write_queue(&mut tx, import.batch, import.queue)
                .await
                .map_err(db)?;
            write_run(&mut tx, import.run).await.map_err(db)?;
        }
        if let Some((review, _)) = review {
            proposals::mark_reviewed(&mut tx, review, ProposalStatus::Approved, change).await?;
        }
        let head = Source(&mut tx).head().await?;
        tx.commit().await.map_err(db)?;
        let data_seq = if plan.audit.is_empty() {
            data_seq
        } else {
            head.seq
        };
        self.cache.put(
            head,
            data_seq,
            cache::after_apply(merged, raw, merges, &plan),
        );
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "apply: committed"
        );
        Ok(plan.report)
    }

    /// Plans and executes a delete, merge or unmerge in one transaction.
    async fn operate(
        &self,
        kind: RecordKind,
        operation: Operation<'_>,
        change: &ChangeContext,
        review: Option<(Review<'_>, &[ExpectedRecord])>,
    ) -> Result<(ApplyReport, Option<MergeReport>), StoreError> {
        let started = std::time::Instant::now();
        let _turn = self.cache.turn().await;
        let mut tx = begin(&self.pool, review.is_some()).await?;
        // Taken from the cache: the next operation reads again what this one changed.
        let stored = self
            .cache
            .current(&mut Source(&mut tx), true)
            .await?
            .into_stored();
        if let Some((_, expected)) = review {
            refuse_stale(&stored, expected)?;
        }
        let (plan, merge) = off_runtime(|| match operation {
            Operation::Delete(id) => Ok((plan::delete(stored, kind, id)?, None)),
            Operation::Merge { old, into } => {
                let (plan, report) = plan::merge(stored, kind, old, into)?;
                Ok((plan, Some(report)))
            }
            Operation::Unmerge(old) => {
                let (plan, report) = plan::unmerge(stored, kind, old)?;
                Ok::<_, StoreError>((plan, Some(report)))
            }
        })?;
        // Records are rewritten in an order that can pass through states in which a
        // reference dangles (a restored tie before its place); checked at commit.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        execute(&mut tx, &plan, change, started).await.map_err(db)?;
        if let Some(rows) = &plan.search {
            rebuild_search(&mut tx, rows).await.map_err(db)?;
        }
        if let Some((review, _)) = review {
            proposals::mark_reviewed(&mut tx, review, ProposalStatus::Approved, change).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok((plan.report, merge))
    }
}

impl Records for SqliteStore {
    fn load(&self) -> BoxFuture<'_, Result<Dataset, StoreError>> {
        Box::pin(async move {
            // One read transaction, so the head and the records are of one moment.
            // Not while a writer has the cached copy taken (see `StoredCache`).
            let turn = self.cache.turn().await;
            let mut tx = self.pool.begin().await.map_err(db)?;
            let current = self.cache.current(&mut Source(&mut tx), false).await?;
            drop(turn);
            Ok(off_runtime(|| current.stored.data.clone()))
        })
    }

    fn data_version(&self) -> BoxFuture<'_, Result<i64, StoreError>> {
        Box::pin(async move {
            let _turn = self.cache.turn().await;
            let mut tx = self.pool.begin().await.map_err(db)?;
            Ok(self
                .cache
                .current(&mut Source(&mut tx), false)
                .await?
                .data_seq)
        })
    }

    fn version(&self) -> BoxFuture<'_, Result<i64, StoreError>> {
        Box::pin(async move {
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM audit_log")
                .fetch_one(&self.pool)
                .await
                .map_err(db)
        })
    }

    fn apply<'a>(
        &'a self,
        incoming: &'a Dataset,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>> {
        Box::pin(self.apply_or_check(incoming, change, true, None, None))
    }

    fn check<'a>(
        &'a self,
        incoming: &'a Dataset,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>> {
        Box::pin(async move {
            let change = ChangeContext {
                who: String::new(),
                context: String::new(),
            };
            self.apply_or_check(incoming, &change, false, None, None)
                .await
        })
    }

    fn apply_import<'a>(
        &'a self,
        import: ImportWrite<'a>,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>> {
        Box::pin(self.apply_or_check(import.records, change, true, Some(import), None))
    }

    fn delete<'a>(
        &'a self,
        kind: RecordKind,
        id: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApplyReport, StoreError>> {
        Box::pin(async move {
            Ok(self
                .operate(kind, Operation::Delete(id), change, None)
                .await?
                .0)
        })
    }

    fn merge<'a>(
        &'a self,
        kind: RecordKind,
        old: &'a str,
        into: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<MergeReport, StoreError>> {
        Box::pin(async move {
            let (_, report) = self
                .operate(kind, Operation::Merge { old, into }, change, None)
                .await?;
            report.ok_or_else(|| StoreError::Conflict("the merge planned no report".into()))
        })
    }

    fn unmerge<'a>(
        &'a self,
        kind: RecordKind,
        old: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<MergeReport, StoreError>> {
        Box::pin(async move {
            let (_, report) = self
                .operate(kind, Operation::Unmerge(old), change, None)
                .await?;
            report.ok_or_else(|| StoreError::Conflict("the unmerge planned no report".into()))
        })
    }
}

pub(crate) fn decision_from(
    key: String,
    place: Option<String>,
    geonames: Option<i64>,
) -> Result<(String, NameDecision), StoreError> {
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
    Ok((key, decision))
}

impl ResolutionQueue for SqliteStore {
    fn unresolved(&self, limit: u32) -> BoxFuture<'_, Result<Vec<QueuedName>, StoreError>> {
        Box::pin(async move {
            // The names that would unlock the most ties first.
            let rows = sqlx::query("SELECT key, name, country, batch, line, occurrences, best_guess FROM unresolved_names ORDER BY occurrences DESC, batch, line LIMIT ?")
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
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
                .collect::<Result<_, sqlx::Error>>()
                .map_err(db)
        })
    }

    fn decisions(&self) -> BoxFuture<'_, Result<Vec<(String, NameDecision)>, StoreError>> {
        Box::pin(async move {
            let rows =
                sqlx::query("SELECT key, place_id, geonames FROM name_decisions ORDER BY key")
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let key: String = row.try_get(0).map_err(db)?;
                let place: Option<String> = row.try_get(1).map_err(db)?;
                let geonames: Option<i64> = row.try_get(2).map_err(db)?;
                let decision = match (place, geonames) {
                    (Some(place), _) => NameDecision::Place(place),
                    (None, Some(g)) => NameDecision::Geonames(u32::try_from(g).map_err(|_| {
                        StoreError::Corrupt {
                            kind: "decision",
                            id: key.clone(),
                            message: format!("GeoNames id {g} out of range"),
                        }
                    })?),
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
        })
    }

    fn record_decision<'a>(
        &'a self,
        key: &'a str,
        decision: &'a NameDecision,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            let before: Option<String> = sqlx::query_scalar(
                "SELECT coalesce(place_id, CAST(geonames AS TEXT)) FROM name_decisions WHERE key = ?",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
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
                .await
                .map_err(db)?;
            sqlx::query("DELETE FROM unresolved_names WHERE key = ?")
                .bind(key)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            let row = AuditRow {
                record_kind: "name_decision",
                key: key.to_owned(),
                action: plan::Action::Decided,
                before,
                after: Some(Arc::from(after)),
            };
            insert_audit(&mut tx, &now(), change, std::slice::from_ref(&row))
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            Ok(())
        })
    }
}

impl Search for SqliteStore {
    fn search<'a>(
        &'a self,
        query: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<SearchHit>, StoreError>> {
        Box::pin(async move {
            // Every word of the folded query, quoted so that FTS5 syntax in user text is
            // inert, and matched as a prefix. FTS5 finds the candidates; polis_store::search
            // filters and orders them as every backend does (bm25 has no equal elsewhere).
            let terms = query_terms(query);
            if terms.is_empty() {
                return Ok(Vec::new());
            }
            let fts_query = terms
                .iter()
                .map(|t| format!("\"{}\"*", t.replace('"', "")))
                .collect::<Vec<_>>()
                .join(" ");
            let rows = sqlx::query("SELECT kind, id, label, key FROM search WHERE key MATCH ?")
                .bind(fts_query)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
            let candidates = rows
                .into_iter()
                .map(|row| {
                    Ok(Candidate {
                        kind: row.try_get(0)?,
                        id: row.try_get(1)?,
                        label: row.try_get(2)?,
                        key: row.try_get(3)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(db)?;
            Ok(rank(&terms, candidates, limit as usize))
        })
    }
}

impl Audit for SqliteStore {
    fn audit_log(&self, limit: u32) -> BoxFuture<'_, Result<Vec<AuditEntry>, StoreError>> {
        Box::pin(async move {
            // A creation is logged without its state (an import creates tens of thousands of
            // records, and copying each would double what it writes): the state it created is
            // the `before` of the record's next logged change, or, while there is none, the
            // record as it is now. Entries from before the `action` column are created (no
            // before) or updated.
            let rows = sqlx::query(
                "SELECT a.seq, a.at, a.who, a.context, \
                 coalesce(a.action, CASE WHEN a.before IS NULL THEN 'created' ELSE 'updated' END), \
                 a.record_kind, a.record_id, a.before, \
                 COALESCE(a.after, CASE WHEN a.before IS NULL THEN \
                     (SELECT n.before FROM audit_log n WHERE n.record_kind = a.record_kind \
                      AND n.record_id = a.record_id AND n.seq > a.seq ORDER BY n.seq LIMIT 1) END) \
                 FROM audit_log a ORDER BY a.seq DESC LIMIT ?",
            )
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            let mut entries = Vec::with_capacity(rows.len());
            for row in rows {
                let mut entry = AuditEntry {
                    seq: row.try_get(0).map_err(db)?,
                    at: row.try_get(1).map_err(db)?,
                    who: row.try_get(2).map_err(db)?,
                    context: row.try_get(3).map_err(db)?,
                    action: row.try_get(4).map_err(db)?,
                    record_kind: row.try_get(5).map_err(db)?,
                    record_id: row.try_get(6).map_err(db)?,
                    before: row.try_get(7).map_err(db)?,
                    after: row.try_get(8).map_err(db)?,
                };
                if entry.action == "created"
                    && entry.after.is_none()
                    && let Ok(kind) = entry.record_kind.parse::<RecordKind>()
                {
                    let spec = table(kind);
                    // The table and key names come from the constant `table` list.
                    let sql = format!("SELECT data FROM {} WHERE {} = ?", spec.table, spec.key);
                    entry.after = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(&entry.record_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db)?;
                }
                entries.push(entry);
            }
            Ok(entries)
        })
    }

    fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<ChainRow>, StoreError>> {
        Box::pin(async move {
            let mut connection = self.pool.acquire().await.map_err(db)?;
            read_chain_rows(&mut connection, after_seq, limit)
                .await
                .map_err(db)
        })
    }
}
