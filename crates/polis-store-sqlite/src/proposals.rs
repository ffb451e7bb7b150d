//! Proposals on SQLite: rows only. Approving one executes its change through the same
//! transaction as every other write and marks it approved before the commit.

use std::sync::Arc;

use polis_store::plan::{Action, AuditRow};
use polis_store::{
    Approved, ApprovedReport, BoxFuture, ChangeContext, ExpectedRecord, Proposal, ProposalStatus,
    Proposals, Review, StoreError,
};
use sqlx::{Row as _, Sqlite, Transaction};

use super::{Operation, SqliteStore, db, insert_audit, now};

const COLUMNS: &str = "SELECT id, author, created_at, comment, change, diff, status, reviewer, \
                       review_comment, reviewed_at FROM proposals";

fn proposal_from(row: sqlx::sqlite::SqliteRow) -> Result<Proposal, StoreError> {
    let id: i64 = row.try_get(0).map_err(db)?;
    let status: String = row.try_get(6).map_err(db)?;
    Ok(Proposal {
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
    })
}

/// What the audit log keeps of a proposal's status.
fn status_json(status: ProposalStatus, reviewer: Option<&str>, comment: Option<&str>) -> String {
    serde_json::json!({"status": status.as_str(), "reviewer": reviewer, "review_comment": comment})
        .to_string()
}

/// Marks an open proposal reviewed, in the caller's transaction, and audits it;
/// [`StoreError::Conflict`] when it is not open (so a proposal is applied at most once).
pub(crate) async fn mark_reviewed(
    tx: &mut Transaction<'_, Sqlite>,
    review: Review<'_>,
    status: ProposalStatus,
    change: &ChangeContext,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE proposals SET status = ?, reviewer = ?, review_comment = ?, reviewed_at = ? \
         WHERE id = ? AND status = 'open'",
    )
    .bind(status.as_str())
    .bind(review.reviewer)
    .bind(review.comment)
    .bind(review.at)
    .bind(review.id)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    if updated.rows_affected() == 0 {
        let known: Option<String> = sqlx::query_scalar("SELECT status FROM proposals WHERE id = ?")
            .bind(review.id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
        return Err(match known {
            None => StoreError::Missing {
                what: "proposal",
                id: review.id.to_string(),
            },
            Some(status) => StoreError::Conflict(format!(
                "proposal {} is {status}, not open: it was reviewed already",
                review.id
            )),
        });
    }
    let audit = AuditRow {
        record_kind: "proposal",
        key: review.id.to_string(),
        action: Action::Updated,
        before: Some(status_json(ProposalStatus::Open, None, None)),
        after: Some(Arc::from(status_json(
            status,
            Some(review.reviewer),
            Some(review.comment),
        ))),
    };
    insert_audit(tx, &now(), change, std::slice::from_ref(&audit))
        .await
        .map_err(db)
}

impl Proposals for SqliteStore {
    fn add_proposal<'a>(
        &'a self,
        proposal: &'a Proposal,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<i64, StoreError>> {
        Box::pin(async move {
            let mut tx = self.pool().begin().await.map_err(db)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO proposals (author, created_at, comment, change, diff, status) \
                 VALUES (?, ?, ?, ?, ?, 'open') RETURNING id",
            )
            .bind(&proposal.author)
            .bind(&proposal.created_at)
            .bind(&proposal.comment)
            .bind(&proposal.change)
            .bind(&proposal.diff)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
            let audit = AuditRow {
                record_kind: "proposal",
                key: id.to_string(),
                action: Action::Created,
                before: None,
                after: Some(Arc::from(
                    serde_json::json!({
                        "author": proposal.author,
                        "comment": proposal.comment,
                        "change": serde_json::from_str::<serde_json::Value>(&proposal.change)
                            .unwrap_or(serde_json::Value::Null),
                        "status": "open",
                    })
                    .to_string(),
                )),
            };
            insert_audit(&mut tx, &now(), change, std::slice::from_ref(&audit))
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            Ok(id)
        })
    }

    fn proposals(
        &self,
        status: Option<ProposalStatus>,
    ) -> BoxFuture<'_, Result<Vec<Proposal>, StoreError>> {
        Box::pin(async move {
            let rows = match status {
                Some(status) => {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "{COLUMNS} WHERE status = ? ORDER BY id DESC"
                    )))
                    .bind(status.as_str())
                    .fetch_all(self.pool())
                    .await
                }
                None => {
                    sqlx::query(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY id DESC")))
                        .fetch_all(self.pool())
                        .await
                }
            }
            .map_err(db)?;
            rows.into_iter().map(proposal_from).collect()
        })
    }

    fn proposal(&self, id: i64) -> BoxFuture<'_, Result<Option<Proposal>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = ?")))
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(db)?;
            row.map(proposal_from).transpose()
        })
    }

    fn reject_proposal<'a>(
        &'a self,
        review: Review<'a>,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            // The write lock first: this reads before it writes, and a read transaction
            // cannot take the write lock once another write has committed (SQLITE_BUSY).
            let mut tx = self
                .pool()
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(db)?;
            mark_reviewed(&mut tx, review, ProposalStatus::Rejected, change).await?;
            tx.commit().await.map_err(db)
        })
    }

    fn approve_proposal<'a>(
        &'a self,
        review: Review<'a>,
        approved: Approved<'a>,
        expected: &'a [ExpectedRecord],
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<ApprovedReport, StoreError>> {
        Box::pin(async move {
            Ok(match approved {
                Approved::Apply(data) => ApprovedReport::Applied(
                    self.apply_or_check(data, change, true, None, Some((review, expected)))
                        .await?,
                ),
                Approved::Delete { kind, id } => ApprovedReport::Applied(
                    self.operate(
                        kind,
                        Operation::Delete(id),
                        change,
                        Some((review, expected)),
                    )
                    .await?
                    .0,
                ),
                Approved::Merge { kind, old, into } => {
                    let (_, report) = self
                        .operate(
                            kind,
                            Operation::Merge { old, into },
                            change,
                            Some((review, expected)),
                        )
                        .await?;
                    ApprovedReport::Merged(report.ok_or_else(|| {
                        StoreError::Conflict("the merge reported nothing".to_owned())
                    })?)
                }
                Approved::Unmerge { kind, old } => {
                    let (_, report) = self
                        .operate(
                            kind,
                            Operation::Unmerge(old),
                            change,
                            Some((review, expected)),
                        )
                        .await?;
                    ApprovedReport::Merged(report.ok_or_else(|| {
                        StoreError::Conflict("the unmerge reported nothing".to_owned())
                    })?)
                }
            })
        })
    }
}
