//! The polis store on a PostgreSQL server (migrations in `migrations/postgres`):
//! [`PgStore`] implements `polis_store::Store` exactly as the SQLite store does. This crate
//! holds SQL only. What a write does is decided by `polis_store::plan`; this crate loads the
//! rows the planner needs and executes its plan in one transaction.
//!
//! Several servers can share one database. Every write transaction first takes a
//! transaction-scoped advisory lock on its schema (`pg_advisory_xact_lock`), so writers run
//! one after another and each reads the records (and the audit chain's head) as the previous
//! one committed them; every committed write sends `pg_notify('polis_changes', <version>)`,
//! so that the servers following the store ([`Records::change_listener`]) reload at once.
//!
//! A store lives in one schema of the database: `public` unless the URL has a `schema`
//! parameter (`postgres://user@host/db?schema=team`), or [`PgStore::open_in_schema`]
//! names one. The URL may also carry `pool_size` (connections, 8 by default) and
//! `statement_timeout_ms` (none by default), which may instead come from polis's settings
//! ([`PgSettings`], [`PgLocation::parse_with`]); polis reads these three parameters and
//! passes the rest of the URL to the driver.

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
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Row as _, Transaction};

mod accounts;
mod proposals;
mod transfer;

/// The store on a PostgreSQL schema.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    schema: String,
    /// The records as last read or written (`polis_store::cache`).
    cache: Arc<StoredCache>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("pool", &self.pool)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// The channel every committed write notifies, with the store's new version as payload.
pub const CHANGES_CHANNEL: &str = "polis_changes";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

fn db(error: sqlx::Error) -> StoreError {
    StoreError::backend(error)
}

/// What polis reads from a PostgreSQL URL besides what the driver reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgLocation {
    /// The URL without polis's own parameters.
    pub url: String,
    pub schema: String,
    pub pool_size: u32,
    pub statement_timeout_ms: Option<u64>,
}

/// The connections a process keeps open when neither the URL nor the settings say.
pub const DEFAULT_POOL_SIZE: u32 = 8;

/// The connection settings that may also come from polis's settings (the config file's
/// `[postgres]` table, `POLIS_POSTGRES_*`, flags) rather than the URL. `None`: not set there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PgSettings {
    pub pool_size: Option<u32>,
    pub statement_timeout_ms: Option<u64>,
}

/// Why a PostgreSQL URL is refused.
fn bad_url(url: &str, message: String) -> StoreError {
    StoreError::Open {
        path: std::path::PathBuf::from(without_password(url)),
        source: message.into(),
    }
}

/// `url` with any password replaced by `***`, for messages.
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

/// Is `schema` a name polis accepts: lower-case ASCII letters, digits and `_`, not starting
/// with a digit nor with `pg_` (PostgreSQL keeps those for itself), at most 63 bytes? Only
/// such names are written into statements (quoted).
pub fn is_valid_schema(schema: &str) -> bool {
    !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && !schema.starts_with("pg_")
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A pool size polis accepts, or why not (`origin` says where the value was given).
fn pool_size(value: &str, origin: &str) -> Result<u32, String> {
    value
        .parse()
        .ok()
        .filter(|n| (1..=1000).contains(n))
        .ok_or_else(|| {
            format!(
                "{origin} pool_size '{value}' is not accepted: give a number of connections from 1 to 1000"
            )
        })
}

/// A statement timeout polis accepts, or why not.
fn statement_timeout_ms(value: &str, origin: &str) -> Result<u64, String> {
    value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
        format!(
            "{origin} statement_timeout_ms '{value}' is not accepted: give a whole number of milliseconds above 0"
        )
    })
}

impl PgLocation {
    /// Splits polis's parameters (`schema`, `pool_size`, `statement_timeout_ms`) off `url`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        Self::parse_with(url, &PgSettings::default())
    }

    /// [`PgLocation::parse`], with the pool size and statement timeout of the settings
    /// where the URL does not give them. Given in both places with different values, they
    /// are refused (naming both), since neither could be said to win.
    pub fn parse_with(url: &str, settings: &PgSettings) -> Result<Self, StoreError> {
        let (base, query) = match url.split_once('?') {
            Some((base, query)) => (base, query),
            None => (url, ""),
        };
        let mut location = PgLocation {
            url: String::new(),
            schema: "public".to_owned(),
            pool_size: DEFAULT_POOL_SIZE,
            statement_timeout_ms: None,
        };
        let (mut url_pool_size, mut url_timeout) = (None, None);
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "schema" => {
                    if !is_valid_schema(value) {
                        return Err(bad_url(
                            url,
                            format!(
                                "the schema '{value}' is not accepted: give 1 to 63 lower-case ASCII letters, digits or '_', not starting with a digit or 'pg_'"
                            ),
                        ));
                    }
                    location.schema = value.to_owned();
                }
                "pool_size" => {
                    url_pool_size =
                        Some(pool_size(value, "the URL's").map_err(|m| bad_url(url, m))?);
                }
                "statement_timeout_ms" => {
                    url_timeout = Some(
                        statement_timeout_ms(value, "the URL's").map_err(|m| bad_url(url, m))?,
                    );
                }
                _ => rest.push(pair),
            }
        }
        if let Some(n) = settings.pool_size {
            pool_size(&n.to_string(), "the setting").map_err(|m| bad_url(url, m))?;
        }
        if let Some(ms) = settings.statement_timeout_ms {
            statement_timeout_ms(&ms.to_string(), "the setting").map_err(|m| bad_url(url, m))?;
        }
        location.pool_size = one_of(url, "pool_size", url_pool_size, settings.pool_size)?
            .unwrap_or(DEFAULT_POOL_SIZE);
        location.statement_timeout_ms = one_of(
            url,
            "statement_timeout_ms",
            url_timeout,
            settings.statement_timeout_ms,
        )?;
        location.url = if rest.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        Ok(location)
    }

    /// The URL again, with polis's parameters written out (the default pool size too), so
    /// that [`PgLocation::parse`] reads the same location back.
    pub fn to_url(&self) -> String {
        let mut parameters = vec![
            format!("schema={}", self.schema),
            format!("pool_size={}", self.pool_size),
        ];
        if let Some(ms) = self.statement_timeout_ms {
            parameters.push(format!("statement_timeout_ms={ms}"));
        }
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{}", self.url, parameters.join("&"))
    }
}

/// The value of a parameter given in the URL, in the settings, or in both alike.
fn one_of<T: PartialEq + std::fmt::Display + Copy>(
    url: &str,
    name: &str,
    in_url: Option<T>,
    in_settings: Option<T>,
) -> Result<Option<T>, StoreError> {
    match (in_url, in_settings) {
        (Some(a), Some(b)) if a != b => Err(bad_url(
            url,
            format!(
                "{name} is {a} in the URL but {b} in the settings: give it in one place (the URL's parameter, or the setting)"
            ),
        )),
        (Some(a), _) => Ok(Some(a)),
        (None, b) => Ok(b),
    }
}

impl PgStore {
    /// How many times this handle has read every record from the database rather than
    /// keep or patch its copy of them (`polis_store::cache`): for tests and diagnostics.
    pub fn n_full_loads(&self) -> u64 {
        self.cache.n_full_loads()
    }

    /// Connects to the database named by `url` (see the crate doc for its parameters),
    /// creates its schema if needed and brings it up to date: what `polis init` does.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::connect(&PgLocation::parse(url)?).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// [`PgStore::open`] in the schema `schema`, whatever the URL says.
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let mut location = PgLocation::parse(url)?;
        if !is_valid_schema(schema) {
            return Err(bad_url(
                url,
                format!(
                    "the schema '{schema}' is not accepted: give 1 to 63 lower-case ASCII letters, digits or '_', not starting with a digit or 'pg_'"
                ),
            ));
        }
        location.schema = schema.to_owned();
        let store = Self::connect(&location).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without creating or changing anything; [`PgStore::is_initialised`] says
    /// whether the schema holds a polis store, and [`PgStore::migrate`] makes or updates it.
    pub async fn connect(location: &PgLocation) -> Result<Self, StoreError> {
        let open_error = |source: sqlx::Error| StoreError::Open {
            path: std::path::PathBuf::from(without_password(&location.url)),
            source: Box::new(source),
        };
        let mut options = PgConnectOptions::from_str(&location.url).map_err(open_error)?;
        let mut settings = vec![("search_path", location.schema.clone())];
        if let Some(ms) = location.statement_timeout_ms {
            settings.push(("statement_timeout", ms.to_string()));
        }
        options = options.options(settings).application_name("polis");
        let pool = PgPoolOptions::new()
            .max_connections(location.pool_size)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(open_error)?;
        Ok(Self {
            pool,
            schema: location.schema.clone(),
            cache: Arc::default(),
        })
    }

    /// Does the schema hold a polis store (its migrations have run)?
    pub async fn is_initialised(&self) -> Result<bool, StoreError> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = $1 AND table_name = 'audit_log'",
        )
        .bind(&self.schema)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(found.is_some())
    }

    /// Creates the schema if needed and applies the migrations it lacks.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        // Asked first, because CREATE SCHEMA needs the CREATE privilege on the database
        // even when the schema exists, and a server's role may not have it.
        let exists: Option<String> =
            sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname = $1")
                .bind(&self.schema)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        if exists.is_none() {
            // The schema name was checked by `is_valid_schema`: letters, digits and `_` only.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                self.schema
            )))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        }
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        self.refold_search().await
    }

    /// Rebuilds the search index when it was written by a build that folds names
    /// differently (`store_facts.fold_fingerprint`). Free when the fingerprint matches.
    async fn refold_search(&self) -> Result<(), StoreError> {
        let fingerprint = i64::from(polis_core::text::fold_fingerprint());
        let stored: Option<i64> =
            sqlx::query_scalar("SELECT value FROM store_facts WHERE name = 'fold_fingerprint'")
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        if stored == Some(fingerprint) {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let data = load_stored(&mut tx, false).await?.data;
        rebuild_search(&mut tx, &plan::search_rows(&data))
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO store_facts (name, value) VALUES ('fold_fingerprint', $1) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(fingerprint)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        if stored.is_some() {
            tracing::info!(fingerprint, "search index rebuilt for the current fold");
        }
        Ok(())
    }

    /// The schema this store lives in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The pool, for this crate's other modules.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Drops the schema and everything in it: for tests that made their own schema.
    pub async fn drop_schema(self) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            self.schema
        )))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        self.pool.close().await;
        Ok(())
    }

    /// Begins a write: a transaction holding the schema's advisory lock, so that writers
    /// (in this process or in other servers) run one after another.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('polis'), hashtext($1))")
            .bind(&self.schema)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        Ok(tx)
    }
}

/// Commits a write, telling the listeners of `polis_changes` the new version.
pub(crate) async fn notify_and_commit(mut tx: Transaction<'_, Postgres>) -> Result<(), StoreError> {
    sqlx::query(
        "SELECT pg_notify('polis_changes', (SELECT coalesce(max(seq), 0) FROM audit_log)::text)",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)
}

/// A record kind's table: its name, its key column, and its other columns before `data`
/// (the values of [`RecordKind::indexed_fields`], in that order).
pub(crate) struct Table {
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
    pub(crate) columns: &'static [&'static str],
}

pub(crate) fn table(kind: RecordKind) -> Table {
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

/// Rows per statement. Values go in as one array per column (`UNNEST`), so PostgreSQL's
/// limit of 65,535 bound parameters a statement never applies; chunks keep each statement's
/// message a few megabytes at most.
pub(crate) const ROWS_PER_STATEMENT: usize = 5_000;

pub(crate) async fn upsert(
    tx: &mut Transaction<'_, Postgres>,
    spec: &Table,
    rows: &[Row],
) -> Result<(), sqlx::Error> {
    let n_columns = spec.columns.len();
    // Table and column names come from the constant `table` list; every value is bound.
    let mut arrays = String::from("$1::text[]");
    for i in 0..n_columns {
        arrays.push_str(&format!(", ${}::text[]", i + 2));
    }
    arrays.push_str(&format!(", ${}::text[]", n_columns + 2));
    let mut select = String::from("k");
    for i in 0..n_columns {
        select.push_str(&format!(", c{i}"));
    }
    select.push_str(", d::jsonb");
    let mut names = String::from("k");
    for i in 0..n_columns {
        names.push_str(&format!(", c{i}"));
    }
    names.push_str(", d");
    let sql = format!(
        "INSERT INTO {table} ({key}, {columns}data) SELECT {select} FROM UNNEST({arrays}) AS u({names}) \
         ON CONFLICT ({key}) DO UPDATE SET {updates}data = excluded.data",
        table = spec.table,
        key = spec.key,
        columns = spec
            .columns
            .iter()
            .map(|c| format!("{c}, "))
            .collect::<String>(),
        updates = spec
            .columns
            .iter()
            .map(|c| format!("{c} = excluded.{c}, "))
            .collect::<String>(),
    );
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let keys: Vec<&str> = chunk.iter().map(|r| r.key.as_str()).collect();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(keys);
        for i in 0..n_columns {
            let column: Vec<Option<&str>> = chunk
                .iter()
                .map(|r| r.columns.get(i).and_then(|v| v.as_deref()))
                .collect();
            query = query.bind(column);
        }
        let json: Vec<&str> = chunk.iter().map(|r| &*r.json).collect();
        query.bind(json).execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn insert_audit(
    tx: &mut Transaction<'_, Postgres>,
    at: &str,
    change: &ChangeContext,
    rows: &[AuditRow],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // The chain's head is read inside the write transaction, which holds the schema's
    // advisory lock, so no other writer can link to the same head.
    let mut head = chain_head(&mut *tx).await?;
    let mut seqs = Vec::with_capacity(rows.len());
    let mut hashes = Vec::with_capacity(rows.len());
    for row in rows {
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
        seqs.push(seq);
        hashes.push(hash);
    }
    for (start, chunk) in (0..rows.len()).step_by(ROWS_PER_STATEMENT).map(|start| {
        (
            start,
            &rows[start..(start + ROWS_PER_STATEMENT).min(rows.len())],
        )
    }) {
        let end = start + chunk.len();
        sqlx::query(
            "INSERT INTO audit_log (seq, at, who, context, action, record_kind, record_id, before, after, hash) \
             SELECT s, $2, $3, $4, a, k, i, b, f, h \
             FROM UNNEST($1::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) \
             AS u(s, a, k, i, b, f, h)",
        )
        .bind(&seqs[start..end])
        .bind(at)
        .bind(&change.who)
        .bind(&change.context)
        .bind(chunk.iter().map(|r| r.action.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.record_kind).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.key.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.before.as_deref()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.after.as_deref()).collect::<Vec<_>>())
        .bind(&hashes[start..end])
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The last audit entry's seq and hash. Every entry of a PostgreSQL store is chained when
/// written (the chain is older than this backend), so an entry without a hash is refused.
async fn chain_head(connection: &mut sqlx::PgConnection) -> Result<ChainHead, sqlx::Error> {
    let last: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *connection)
            .await?;
    match last {
        None => Ok(ChainHead::default()),
        Some((seq, Some(hash))) => Ok(ChainHead { seq, hash }),
        Some((seq, None)) => Err(sqlx::Error::Protocol(format!(
            "the audit entry {seq} has no hash: the audit chain is broken"
        ))),
    }
}

/// Audit entries after `after_seq`, oldest first, as stored.
pub(crate) async fn read_chain_rows(
    connection: &mut sqlx::PgConnection,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<ChainRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, at, who, context, action, record_kind, record_id, before, after, hash \
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
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

/// Every stored record, decoded and as JSON (re-encoded as polis writes it: jsonb keeps
/// neither key order nor spacing), and the merges in effect.
pub(crate) async fn load_stored(
    executor: &mut sqlx::PgConnection,
    with_merges: bool,
) -> Result<Stored, StoreError> {
    let mut stored = Stored::default();
    let mut raw = plan::RawRecords::new();
    for kind in RecordKind::ALL {
        let spec = table(kind);
        // The table and key names come from the constant `table` list.
        let sql = format!(
            "SELECT {}, data::text FROM {} ORDER BY {}",
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
                let canonical =
                    plan::decode_canonical(&mut stored.data, kind, &json).map_err(|e| {
                        StoreError::Corrupt {
                            kind: kind.as_str(),
                            id: key.clone(),
                            message: e.to_string(),
                        }
                    })?;
                raw.insert((kind, key), canonical);
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
struct Source<'c>(&'c mut sqlx::PgConnection);

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
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(seq)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)
    }

    async fn marks_since(&mut self, seq: i64) -> Result<Vec<Mark>, StoreError> {
        let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
            "SELECT seq, action, record_kind, record_id FROM audit_log WHERE seq > $1 ORDER BY seq",
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
        // The table and key names come from the constant `table` list; keys are bound.
        let sql = format!(
            "SELECT {}, data::text FROM {} WHERE {} = ANY($1)",
            spec.key, spec.table, spec.key
        );
        let rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(keys)
            .fetch_all(&mut *self.0)
            .await
            .map_err(db)?;
        // As the full load keeps them: re-encoded as polis writes them.
        let mut scratch = Dataset::default();
        rows.into_iter()
            .map(|(key, json)| {
                let canonical = plan::decode_canonical(&mut scratch, kind, &json).map_err(|e| {
                    StoreError::Corrupt {
                        kind: kind.as_str(),
                        id: key.clone(),
                        message: e.to_string(),
                    }
                })?;
                Ok((key, canonical))
            })
            .collect()
    }

    async fn load_all(&mut self) -> Result<Stored, StoreError> {
        load_stored(self.0, true).await
    }
}

pub(crate) fn now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Seconds since the epoch, written as an RFC 3339 UTC timestamp, as the SQLite store does.
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

pub(crate) async fn rebuild_search(
    tx: &mut Transaction<'_, Postgres>,
    rows: &[SearchRow],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM search").execute(&mut **tx).await?;
    insert_search(tx, rows).await
}

/// Adds rows to the search index, as one `UNNEST` of arrays per `ROWS_PER_STATEMENT` rows.
async fn insert_search(
    tx: &mut Transaction<'_, Postgres>,
    rows: &[SearchRow],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO search (kind, id, label, key) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[])",
        )
        .bind(chunk.iter().map(|r| r.kind).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.id.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.label.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.key.as_str()).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Brings the search index up to date after a write: rebuilt, or only the rows of the
/// records the write changed replaced (a document's articles with it).
async fn update_search(
    tx: &mut Transaction<'_, Postgres>,
    update: &SearchUpdate,
) -> Result<(), sqlx::Error> {
    match update {
        SearchUpdate::Nothing => Ok(()),
        SearchUpdate::Rebuild(rows) => rebuild_search(tx, rows).await,
        SearchUpdate::Replace { records, rows } => {
            let documents: Vec<&str> = records
                .iter()
                .filter(|(kind, _)| *kind == "document")
                .map(|(_, id)| id.as_str())
                .collect();
            sqlx::query(
                "DELETE FROM search WHERE (kind, id) IN \
                 (SELECT * FROM UNNEST($1::text[], $2::text[])) \
                 OR (kind = 'article' AND split_part(id, '#', 1) = ANY($3))",
            )
            .bind(records.iter().map(|(kind, _)| *kind).collect::<Vec<_>>())
            .bind(
                records
                    .iter()
                    .map(|(_, id)| id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(documents)
            .execute(&mut **tx)
            .await?;
            insert_search(tx, rows).await
        }
    }
}

/// Executes a plan's record, merge and audit writes into the open transaction (the search
/// index is the caller's: an apply only has its rows after validation).
async fn execute(
    tx: &mut Transaction<'_, Postgres>,
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
        let sql = format!("DELETE FROM {} WHERE {} = $1", spec.table, spec.key);
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
                "INSERT INTO merges (at, kind, old_id, into_id, log) VALUES ($1, $2, $3, $4, $5)",
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
            sqlx::query("DELETE FROM merges WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    insert_audit(&mut *tx, &at, change, &plan.audit).await
}

async fn write_queue(
    tx: &mut Transaction<'_, Postgres>,
    batch: &str,
    names: &[QueuedName],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM unresolved_names WHERE batch = $1")
        .bind(batch)
        .execute(&mut **tx)
        .await?;
    insert_queue(tx, names).await
}

pub(crate) async fn insert_queue(
    tx: &mut Transaction<'_, Postgres>,
    names: &[QueuedName],
) -> Result<(), sqlx::Error> {
    for chunk in names.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO unresolved_names (key, name, country, batch, line, occurrences, best_guess) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[]) \
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, country = excluded.country, \
             batch = excluded.batch, line = excluded.line, occurrences = excluded.occurrences, \
             best_guess = excluded.best_guess",
        )
        .bind(chunk.iter().map(|n| n.key.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|n| n.name.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|n| n.country.as_deref()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|n| n.batch.as_str()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|n| n.line).collect::<Vec<_>>())
        .bind(chunk.iter().map(|n| n.occurrences).collect::<Vec<_>>())
        .bind(chunk.iter().map(|n| n.best_guess.as_deref()).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn write_run(tx: &mut Transaction<'_, Postgres>, run: &ImportRun) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO import_runs (at, format, file, sha256, report) VALUES ($1, $2, $3, $4, $5)",
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
pub(crate) enum Operation<'a> {
    Delete(&'a str),
    Merge { old: &'a str, into: &'a str },
    Unmerge(&'a str),
}

impl PgStore {
    pub(crate) async fn apply_or_check(
        &self,
        incoming: &Dataset,
        change: &ChangeContext,
        write: bool,
        import: Option<ImportWrite<'_>>,
        review: Option<(Review<'_>, &[ExpectedRecord])>,
    ) -> Result<ApplyReport, StoreError> {
        let started = std::time::Instant::now();
        // A check takes no lock: it writes nothing and its transaction is dropped.
        // A write keeps its turn to the end; a check gives it up once it has the records.
        let turn = self.cache.turn().await;
        let mut tx = if write {
            self.begin_write().await?
        } else {
            self.pool.begin().await.map_err(db)?
        };
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
        // returns nothing) until it has passed.
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
        notify_and_commit(tx).await?;
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
    pub(crate) async fn operate(
        &self,
        kind: RecordKind,
        operation: Operation<'_>,
        change: &ChangeContext,
        review: Option<(Review<'_>, &[ExpectedRecord])>,
    ) -> Result<(ApplyReport, Option<MergeReport>), StoreError> {
        let started = std::time::Instant::now();
        let _turn = self.cache.turn().await;
        let mut tx = self.begin_write().await?;
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
        sqlx::query("SET CONSTRAINTS ALL DEFERRED")
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
        notify_and_commit(tx).await?;
        Ok((plan.report, merge))
    }
}

/// LISTEN `polis_changes` on a connection of its own. sqlx's listener reconnects by itself
/// when the connection drops (and a change made meanwhile is missed, so its follower also
/// polls now and then).
struct PgChangeListener {
    listener: sqlx::postgres::PgListener,
}

impl polis_store::ChangeListener for PgChangeListener {
    fn next_change(&mut self) -> BoxFuture<'_, Option<i64>> {
        Box::pin(async move {
            match self.listener.recv().await {
                Ok(notification) => Some(notification.payload().parse().unwrap_or_default()),
                Err(error) => {
                    tracing::warn!(%error, "the change listener stopped");
                    None
                }
            }
        })
    }
}

impl Records for PgStore {
    fn change_listener(
        &self,
    ) -> BoxFuture<'_, Result<Option<Box<dyn polis_store::ChangeListener>>, StoreError>> {
        Box::pin(async move {
            let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool)
                .await
                .map_err(db)?;
            listener.listen(CHANGES_CHANNEL).await.map_err(db)?;
            Ok(Some(
                Box::new(PgChangeListener { listener }) as Box<dyn polis_store::ChangeListener>
            ))
        })
    }

    fn load(&self) -> BoxFuture<'_, Result<Dataset, StoreError>> {
        Box::pin(async move {
            // One transaction, so that every table is read as of one moment.
            // Not while a writer has the cached copy taken (see `StoredCache`).
            let turn = self.cache.turn().await;
            let mut tx = self.pool.begin().await.map_err(db)?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            let current = self.cache.current(&mut Source(&mut tx), false).await?;
            drop(turn);
            Ok(off_runtime(|| current.stored.data.clone()))
        })
    }

    fn data_version(&self) -> BoxFuture<'_, Result<i64, StoreError>> {
        Box::pin(async move {
            let _turn = self.cache.turn().await;
            let mut tx = self.pool.begin().await.map_err(db)?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            Ok(self
                .cache
                .current(&mut Source(&mut tx), false)
                .await?
                .data_seq)
        })
    }

    fn version(&self) -> BoxFuture<'_, Result<i64, StoreError>> {
        Box::pin(async move {
            sqlx::query_scalar("SELECT coalesce(max(seq), 0)::bigint FROM audit_log")
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

impl ResolutionQueue for PgStore {
    fn unresolved(&self, limit: u32) -> BoxFuture<'_, Result<Vec<QueuedName>, StoreError>> {
        Box::pin(async move {
            // The names that would unlock the most ties first.
            let rows = sqlx::query(
                "SELECT key, name, country, batch, line, occurrences, best_guess \
                 FROM unresolved_names ORDER BY occurrences DESC, batch, line LIMIT $1",
            )
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
            rows.into_iter()
                .map(|row| {
                    decision_from(
                        row.try_get(0).map_err(db)?,
                        row.try_get(1).map_err(db)?,
                        row.try_get(2).map_err(db)?,
                    )
                })
                .collect()
        })
    }

    fn record_decision<'a>(
        &'a self,
        key: &'a str,
        decision: &'a NameDecision,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = self.begin_write().await?;
            let before: Option<String> = sqlx::query_scalar(
                "SELECT coalesce(place_id, geonames::text) FROM name_decisions WHERE key = $1",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
            let (place, geonames, after) = match decision {
                NameDecision::Place(id) => (Some(id.clone()), None, id.clone()),
                NameDecision::Geonames(g) => (None, Some(i64::from(*g)), format!("geonames:{g}")),
            };
            sqlx::query(
                "INSERT INTO name_decisions (key, place_id, geonames, who, at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (key) DO UPDATE SET place_id = excluded.place_id, \
                 geonames = excluded.geonames, who = excluded.who, at = excluded.at",
            )
            .bind(key)
            .bind(&place)
            .bind(geonames)
            .bind(&change.who)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            sqlx::query("DELETE FROM unresolved_names WHERE key = $1")
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
            notify_and_commit(tx).await
        })
    }
}

impl Search for PgStore {
    fn search<'a>(
        &'a self,
        query: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<SearchHit>, StoreError>> {
        Box::pin(async move {
            let terms = query_terms(query);
            if terms.is_empty() {
                return Ok(Vec::new());
            }
            // Each word quoted as a tsquery lexeme (quotes doubled, backslashes escaped), so
            // tsquery syntax in user text is inert, and matched as a prefix. The index finds
            // the candidates; polis_store::search orders them as every backend does.
            let tsquery = terms
                .iter()
                .map(|t| format!("'{}':*", t.replace('\\', "\\\\").replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(" & ");
            let rows =
                sqlx::query("SELECT kind, id, label, key FROM search WHERE words @@ $1::tsquery")
                    .bind(tsquery)
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

impl Audit for PgStore {
    fn audit_log(&self, limit: u32) -> BoxFuture<'_, Result<Vec<AuditEntry>, StoreError>> {
        Box::pin(async move {
            // A creation is logged without its state: the state it created is the `before`
            // of the record's next logged change, or, while there is none, the record as it
            // is now (as the SQLite store answers).
            let rows = sqlx::query(
                "SELECT a.seq, a.at, a.who, a.context, \
                 coalesce(a.action, CASE WHEN a.before IS NULL THEN 'created' ELSE 'updated' END), \
                 a.record_kind, a.record_id, a.before, \
                 COALESCE(a.after, CASE WHEN a.before IS NULL THEN \
                     (SELECT n.before FROM audit_log n WHERE n.record_kind = a.record_kind \
                      AND n.record_id = a.record_id AND n.seq > a.seq ORDER BY n.seq LIMIT 1) END) \
                 FROM audit_log a ORDER BY a.seq DESC LIMIT $1",
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
                    let sql = format!(
                        "SELECT data::text FROM {} WHERE {} = $1",
                        spec.table, spec.key
                    );
                    let json: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(&entry.record_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db)?;
                    // As polis writes it, not as jsonb prints it.
                    entry.after = match json {
                        Some(json) => Some(
                            plan::decode_canonical(&mut Dataset::default(), kind, &json).map_err(
                                |e| StoreError::Corrupt {
                                    kind: kind.as_str(),
                                    id: entry.record_id.clone(),
                                    message: e.to_string(),
                                },
                            )?,
                        ),
                        None => None,
                    };
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
