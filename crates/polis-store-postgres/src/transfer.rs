//! Reading and writing a whole store on PostgreSQL, for `polis db copy`: every table as
//! stored, in one transaction each way. Writing keeps ids, seqs and hashes as they are and
//! moves the identity sequences past them.

use polis_store::plan::{self, rows_of_kind};
use polis_store::transfer::{Contents, DecisionRow, ImportRunRow, MergeRow, Transfer};
use polis_store::{
    BoxFuture, NameDecision, Proposal, ProposalStatus, RecordKind, Role, StoreError, Token, User,
};
use sqlx::Row as _;

use super::{
    PgStore, db, decision_from, insert_queue, load_stored, notify_and_commit, read_chain_rows,
    rebuild_search, table, upsert,
};

/// Every table a store writes, children before parents (the order to empty them in).
const TABLES: &[&str] = &[
    "tokens",
    "users",
    "proposals",
    "audit_log",
    "import_runs",
    "unresolved_names",
    "name_decisions",
    "merges",
    "search",
    "figures",
    "activities",
    "relations",
    "memberships",
    "ties",
    "documents",
    "networks",
    "actors",
    "places",
    "batches",
    "sources",
];

impl Transfer for PgStore {
    fn is_empty(&self) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            for name in TABLES {
                // The table names are the constant list above.
                let found: Option<i32> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT 1 FROM {name} LIMIT 1"
                )))
                .fetch_optional(self.pool())
                .await
                .map_err(db)?;
                if found.is_some() {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    fn read_all(&self) -> BoxFuture<'_, Result<Contents, StoreError>> {
        Box::pin(async move {
            let mut tx = self.pool().begin().await.map_err(db)?;
            // One snapshot of the whole database, however long the reading takes.
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            let records = load_stored(&mut tx, false).await?.data;
            let merges = sqlx::query_as::<_, (i64, String, String, String, String, String)>(
                "SELECT id, at, kind, old_id, into_id, log FROM merges ORDER BY id",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .into_iter()
            .map(|(id, at, kind, old_id, into_id, log)| MergeRow {
                id,
                at,
                kind,
                old_id,
                into_id,
                log,
            })
            .collect();
            let mut decisions = Vec::new();
            for (key, place, geonames, who, at) in
                sqlx::query_as::<_, (String, Option<String>, Option<i64>, String, String)>(
                    "SELECT key, place_id, geonames, who, at FROM name_decisions ORDER BY key",
                )
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?
            {
                let (key, decision) = decision_from(key, place, geonames)?;
                decisions.push(DecisionRow {
                    key,
                    decision,
                    who,
                    at,
                });
            }
            let queue = sqlx::query(
                "SELECT key, name, country, batch, line, occurrences, best_guess \
                 FROM unresolved_names ORDER BY key",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .into_iter()
            .map(|row| {
                Ok(polis_store::QueuedName {
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
            .map_err(db)?;
            let import_runs = sqlx::query_as::<_, (i64, String, String, String, String, String)>(
                "SELECT seq, at, format, file, sha256, report FROM import_runs ORDER BY seq",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .into_iter()
            .map(|(seq, at, format, file, sha256, report)| ImportRunRow {
                seq,
                at,
                format,
                file,
                sha256,
                report,
            })
            .collect();
            let mut users = Vec::new();
            for (name, role, password_hash, created_at) in
                sqlx::query_as::<_, (String, String, Option<String>, String)>(
                    "SELECT name, role, password_hash, created_at FROM users ORDER BY name",
                )
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?
            {
                let role: Role = role.parse().map_err(|_| StoreError::Corrupt {
                    kind: "user",
                    id: name.clone(),
                    message: format!("unknown role '{role}'"),
                })?;
                users.push(User {
                    name,
                    role,
                    password_hash,
                    created_at,
                });
            }
            let tokens = sqlx::query_as::<
                _,
                (String, String, String, String, Option<String>, Option<String>),
            >(
                "SELECT id, \"user\", sha256, created_at, expires, revoked_at FROM tokens ORDER BY id",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .into_iter()
            .map(|(id, user, sha256, created_at, expires, revoked_at)| Token {
                id,
                user,
                sha256,
                created_at,
                expires,
                revoked_at,
            })
            .collect();
            let mut proposals = Vec::new();
            for row in sqlx::query(
                "SELECT id, author, created_at, comment, change, diff, status, reviewer, \
                 review_comment, reviewed_at FROM proposals ORDER BY id",
            )
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            {
                let id: i64 = row.try_get(0).map_err(db)?;
                let status: String = row.try_get(6).map_err(db)?;
                proposals.push(Proposal {
                    id,
                    author: row.try_get(1).map_err(db)?,
                    created_at: row.try_get(2).map_err(db)?,
                    comment: row.try_get(3).map_err(db)?,
                    change: row.try_get(4).map_err(db)?,
                    diff: row.try_get(5).map_err(db)?,
                    status: ProposalStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
                        kind: "proposal",
                        id: id.to_string(),
                        message: format!("unknown status '{status}'"),
                    })?,
                    reviewer: row.try_get(7).map_err(db)?,
                    review_comment: row.try_get(8).map_err(db)?,
                    reviewed_at: row.try_get(9).map_err(db)?,
                });
            }
            let audit = read_chain_rows(&mut tx, 0, u32::MAX).await.map_err(db)?;
            Ok(Contents {
                records,
                merges,
                decisions,
                queue,
                import_runs,
                users,
                tokens,
                proposals,
                audit,
            })
        })
    }

    fn replace_all<'a>(&'a self, contents: &'a Contents) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = self.begin_write().await?;
            // The table names are the constant list above.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "TRUNCATE {} RESTART IDENTITY",
                TABLES.join(", ")
            )))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            for kind in RecordKind::ALL {
                upsert(
                    &mut tx,
                    &table(kind),
                    &rows_of_kind(&contents.records, kind),
                )
                .await
                .map_err(db)?;
            }
            rebuild_search(&mut tx, &plan::search_rows(&contents.records))
                .await
                .map_err(db)?;
            for merge in &contents.merges {
                sqlx::query(
                    "INSERT INTO merges (id, at, kind, old_id, into_id, log) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(merge.id)
                .bind(&merge.at)
                .bind(&merge.kind)
                .bind(&merge.old_id)
                .bind(&merge.into_id)
                .bind(&merge.log)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for decision in &contents.decisions {
                let (place, geonames) = match &decision.decision {
                    NameDecision::Place(id) => (Some(id.as_str()), None),
                    NameDecision::Geonames(g) => (None, Some(i64::from(*g))),
                };
                sqlx::query(
                    "INSERT INTO name_decisions (key, place_id, geonames, who, at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&decision.key)
                .bind(place)
                .bind(geonames)
                .bind(&decision.who)
                .bind(&decision.at)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            insert_queue(&mut tx, &contents.queue).await.map_err(db)?;
            for run in &contents.import_runs {
                sqlx::query(
                    "INSERT INTO import_runs (seq, at, format, file, sha256, report) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(run.seq)
                .bind(&run.at)
                .bind(&run.format)
                .bind(&run.file)
                .bind(&run.sha256)
                .bind(&run.report)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for user in &contents.users {
                sqlx::query(
                    "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(&user.password_hash)
                .bind(&user.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for token in &contents.tokens {
                sqlx::query(
                    "INSERT INTO tokens (id, \"user\", sha256, created_at, expires, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&token.id)
                .bind(&token.user)
                .bind(&token.sha256)
                .bind(&token.created_at)
                .bind(&token.expires)
                .bind(&token.revoked_at)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for proposal in &contents.proposals {
                sqlx::query(
                    "INSERT INTO proposals (id, author, created_at, comment, change, diff, status, \
                     reviewer, review_comment, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(proposal.id)
                .bind(&proposal.author)
                .bind(&proposal.created_at)
                .bind(&proposal.comment)
                .bind(&proposal.change)
                .bind(&proposal.diff)
                .bind(proposal.status.as_str())
                .bind(&proposal.reviewer)
                .bind(&proposal.review_comment)
                .bind(&proposal.reviewed_at)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for chunk in contents.audit.chunks(super::ROWS_PER_STATEMENT) {
                sqlx::query(
                    "INSERT INTO audit_log (seq, at, who, context, action, record_kind, record_id, before, after, hash) \
                     SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
                     $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])",
                )
                .bind(chunk.iter().map(|r| r.seq).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.at.as_str()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.who.as_str()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.context.as_str()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.action.as_deref()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.record_kind.as_str()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.record_id.as_str()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.before.as_deref()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.after.as_deref()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.hash.as_deref()).collect::<Vec<_>>())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            // New merges, runs and proposals are numbered after the copied ones.
            for (name, column) in [
                ("merges", "id"),
                ("import_runs", "seq"),
                ("proposals", "id"),
            ] {
                // The names are constants here.
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{name}', '{column}'), \
                     coalesce((SELECT max({column}) FROM {name}), 0) + 1, false)"
                )))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            notify_and_commit(tx).await?;
            // Everything was replaced: the cached records are of another history.
            self.cache.clear();
            Ok(())
        })
    }
}
