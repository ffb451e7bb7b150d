//! Copying a whole database to another one, on any backend (`polis db copy FROM TO`):
//! records, redirects and merges, remembered decisions, the unresolved queue, import runs,
//! accounts, tokens, proposals and the audit log with its hash chain, unchanged. The target
//! is refused when it holds anything, unless the caller says to replace it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{AppError, Backend, Location, open_backend};

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyReport {
    /// The source and the target, passwords hidden.
    pub from: String,
    pub to: String,
    /// How many rows of each part were copied.
    pub copied: BTreeMap<&'static str, u64>,
    /// Whether the target held data that the copy replaced (`--force`).
    pub replaced: bool,
    /// How many audit entries of the copy were checked against their hash chain; the copy
    /// fails if one does not verify.
    pub n_audit_entries_verified: u64,
}

/// Copies everything in the database at `from` into the one at `to` (created when missing),
/// in one transaction on the target. Refuses a target that holds anything unless `force`,
/// and a target that is the source.
pub async fn copy_database(
    from: &Location,
    to: &Location,
    force: bool,
) -> Result<CopyReport, AppError> {
    if same_database(from, to) {
        return Err(AppError::BadInput(format!(
            "the source and the target are both {from}: give two different databases"
        )));
    }
    let source: Backend = open_backend(from, true).await?;
    let target: Backend = open_backend(to, false).await?;
    let replaced = !target.is_empty().await?;
    if replaced && !force {
        return Err(AppError::Conflict(format!(
            "the database at {to} is not empty: give --force to replace everything in it with a copy of {from}"
        )));
    }
    let contents = source.read_all().await?;
    target.replace_all(&contents).await?;
    let n_audit_entries_verified = verify_chain(&target).await?;
    tracing::info!(%from, %to, replaced, "database copied");
    Ok(CopyReport {
        from: from.to_string(),
        to: to.to_string(),
        copied: contents.counts(),
        replaced,
        n_audit_entries_verified,
    })
}

/// Two locations that name the same database: the same file, or the same URL.
fn same_database(a: &Location, b: &Location) -> bool {
    match (a, b) {
        (Location::Sqlite(x), Location::Sqlite(y)) => {
            x == y
                || matches!(
                    (std::fs::canonicalize(x), std::fs::canonicalize(y)),
                    (Ok(x), Ok(y)) if x == y
                )
        }
        (Location::Postgres(x), Location::Postgres(y)) => x == y,
        _ => false,
    }
}

/// Walks the copy's audit chain; an entry that does not verify fails the copy (its
/// transaction is committed by then, so the message says which entry, to compare with the
/// source).
async fn verify_chain(store: &Backend) -> Result<u64, AppError> {
    const PAGE: u32 = 10_000;
    let mut verifier = polis_store::chain::Verifier::default();
    let mut after = 0;
    loop {
        let rows = store.audit_chain(after, PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        rows.iter().for_each(|row| verifier.push(row));
        if rows.len() < PAGE as usize {
            break;
        }
    }
    let report = verifier.finish();
    match report.first_broken {
        None => Ok(report.n_entries),
        Some(broken) => Err(AppError::Internal(format!(
            "the copy's audit chain does not verify at entry {}: {} (check the source with `polis audit verify`)",
            broken.seq, broken.message
        ))),
    }
}
