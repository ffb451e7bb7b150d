//! Proposals and review: an editor's change waits, as a proposal with its diff against the
//! records and a comment, until a reviewer (never its author) approves or rejects it. It is
//! validated when proposed and again when approved; when the records it touches changed in
//! between, approval is refused with both diffs. Approval applies it in one transaction
//! whose audit entries name the proposal, its author and the reviewer.

use std::path::Path;

use polis_core::Dataset;
use polis_store::plan::RecordChange;
use polis_store::proposals::{expected_records, record_changes, record_json};
use polis_store::{
    Approved, ApprovedReport, Proposal, ProposalStatus, ProposedChange, Review, StoreError,
};

use crate::accounts::{Permission, Principal, now_utc};
use crate::{App, AppError};

/// The largest bundle fragment a proposal may hold.
pub const MAX_PROPOSAL_BYTES: usize = 4 * 1024 * 1024;

/// One record a proposal changes: its JSON before (none: new) and after (none: removed).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeView {
    pub kind: String,
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// A proposal as shown: what it does, its diff when proposed, and its review.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalView {
    pub id: i64,
    pub author: String,
    pub created_at: String,
    pub comment: String,
    /// `open`, `approved` or `rejected`.
    pub status: String,
    /// `apply` (a bundle fragment), `delete`, `merge` or `unmerge`.
    pub operation: String,
    /// The change as proposed: `{"operation": ..., ...}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub change: serde_json::Value,
    /// The records it changes, as they were when it was proposed.
    pub diff: Vec<ChangeView>,
    pub reviewer: Option<String>,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<String>,
}

/// What a review did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewOutcome {
    pub id: i64,
    pub status: String,
    /// How many records were created, updated and removed (zero for a rejection).
    pub n_created: u64,
    pub n_updated: u64,
    pub n_removed: u64,
}

/// What verifying the audit log's hash chain found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// How many entries were checked (up to and including the first broken one).
    pub n_entries: u64,
    pub intact: bool,
    /// The first entry that was altered, or that follows deleted or moved entries.
    pub first_broken_seq: Option<i64>,
    /// `altered`, `missing` or `unchained`.
    pub problem: Option<String>,
    pub message: Option<String>,
}

fn embedded(text: &Option<String>) -> Option<serde_json::Value> {
    text.as_ref()
        .map(|t| serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(t.clone())))
}

fn change_views(changes: &[RecordChange]) -> Vec<ChangeView> {
    changes
        .iter()
        .map(|c| ChangeView {
            kind: c.kind.as_str().to_owned(),
            key: c.key.clone(),
            before: embedded(&c.before),
            after: embedded(&c.after),
        })
        .collect()
}

fn operation_name(change: &ProposedChange) -> &'static str {
    match change {
        ProposedChange::Apply { .. } => "apply",
        ProposedChange::Delete { .. } => "delete",
        ProposedChange::Merge { .. } => "merge",
        ProposedChange::Unmerge { .. } => "unmerge",
    }
}

/// Reads a proposal's bundle fragment: one TOML file of the bundle format, with or without
/// its manifest (`format = "polis-bundle"`, `version = 1`): a fragment of records alone is
/// read as if a manifest stood beside it, so its line numbers stay its own.
pub fn read_fragment(text: &str) -> Result<polis_bundle::Bundle, AppError> {
    if text.len() > MAX_PROPOSAL_BYTES {
        return Err(AppError::BadInput(format!(
            "the bundle fragment is {} bytes; a proposal holds at most {MAX_PROPOSAL_BYTES}",
            text.len()
        )));
    }
    let path = Path::new("proposal.toml");
    let mut files = vec![(path.to_owned(), text.as_bytes().to_vec())];
    let manifest = if has_manifest(text) {
        path
    } else {
        let manifest = Path::new("bundle.toml");
        files.push((
            manifest.to_owned(),
            b"format = \"polis-bundle\"\nversion = 1\nname = \"proposal\"\n".to_vec(),
        ));
        manifest
    };
    polis_bundle::read_files(path, manifest, files).map_err(|e| AppError::BadInput(e.to_string()))
}

/// Does the TOML text set `format` before its first table, as a bundle's manifest does?
fn has_manifest(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .take_while(|line| !line.starts_with('['))
        .any(|line| {
            line.strip_prefix("format")
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
}

fn view(proposal: Proposal) -> Result<ProposalView, AppError> {
    let change: serde_json::Value =
        serde_json::from_str(&proposal.change).map_err(AppError::internal)?;
    let decoded: ProposedChange =
        serde_json::from_value(change.clone()).map_err(AppError::internal)?;
    let diff: Vec<RecordChange> =
        serde_json::from_str(&proposal.diff).map_err(AppError::internal)?;
    Ok(ProposalView {
        id: proposal.id,
        author: proposal.author,
        created_at: proposal.created_at,
        comment: proposal.comment,
        status: proposal.status.as_str().to_owned(),
        operation: operation_name(&decoded).to_owned(),
        change,
        diff: change_views(&diff),
        reviewer: proposal.reviewer,
        review_comment: proposal.review_comment,
        reviewed_at: proposal.reviewed_at,
    })
}

fn invalid(bundle: Option<&polis_bundle::Bundle>, error: StoreError) -> AppError {
    match error {
        StoreError::Invalid(invalid) => {
            let mut message = format!(
                "the proposal breaks {} rule(s); nothing was written:",
                invalid.0.len()
            );
            for violation in invalid.0.iter().take(50) {
                message.push_str("\n  ");
                match bundle {
                    Some(bundle) => message.push_str(&bundle.describe(violation)),
                    None => message.push_str(&violation.to_string()),
                }
            }
            AppError::Invalid(message)
        }
        StoreError::Conflict(message) => AppError::Conflict(message),
        StoreError::Missing { what, id } => AppError::NotFound { what, query: id },
        other => other.into(),
    }
}

/// `Stale` with both diffs when the records a proposal changes are not as they were when it
/// was proposed: a record's state differs, or a record it changed no longer needs changing.
fn stale_error(id: i64, proposed: &[RecordChange], current: &[RecordChange]) -> Option<AppError> {
    let before_then: std::collections::HashMap<(&str, &str), &Option<String>> = proposed
        .iter()
        .map(|c| ((c.kind.as_str(), c.key.as_str()), &c.before))
        .collect();
    let changed_since = current.iter().any(|c| {
        before_then
            .get(&(c.kind.as_str(), c.key.as_str()))
            .is_none_or(|then| **then != c.before)
    }) || proposed
        .iter()
        .any(|p| !current.iter().any(|c| c.kind == p.kind && c.key == p.key));
    changed_since.then(|| AppError::Stale {
        message: format!(
            "the records proposal {id} changes were changed since it was proposed: compare `proposed` (its diff then) with `current` (its diff now), and propose again"
        ),
        proposed: change_views(proposed),
        current: change_views(current),
    })
}

impl App {
    /// A change's diff against the records as they are in the store now (the snapshot is
    /// refreshed first, so changes by other processes count).
    async fn current_diff(
        &self,
        change: &ProposedChange,
    ) -> Result<(Vec<RecordChange>, Option<polis_bundle::Bundle>), AppError> {
        self.refresh().await?;
        let snapshot = self.snapshot().await?;
        self.diff_of(snapshot.data(), change)
    }

    /// The records a change touches, as they are in `current`, and as it would leave them.
    fn diff_of(
        &self,
        current: &Dataset,
        change: &ProposedChange,
    ) -> Result<(Vec<RecordChange>, Option<polis_bundle::Bundle>), AppError> {
        let exists = |kind: polis_store::RecordKind, id: &str| {
            record_json(current, kind, id).ok_or_else(|| AppError::NotFound {
                what: kind.as_str(),
                query: id.to_owned(),
            })
        };
        Ok(match change {
            ProposedChange::Apply { bundle } => {
                let bundle = read_fragment(bundle)?;
                let changes = record_changes(current, &bundle.data);
                (changes, Some(bundle))
            }
            ProposedChange::Delete { kind, id } => (
                vec![RecordChange {
                    kind: *kind,
                    key: id.clone(),
                    before: Some(exists(*kind, id)?),
                    after: None,
                }],
                None,
            ),
            ProposedChange::Merge { kind, old, into } => (
                vec![
                    RecordChange {
                        kind: *kind,
                        key: old.clone(),
                        before: Some(exists(*kind, old)?),
                        after: None,
                    },
                    RecordChange {
                        kind: *kind,
                        key: into.clone(),
                        before: Some(exists(*kind, into)?),
                        after: None,
                    },
                ],
                None,
            ),
            ProposedChange::Unmerge { kind, old } => (
                vec![RecordChange {
                    kind: *kind,
                    key: old.clone(),
                    before: record_json(current, *kind, old),
                    after: None,
                }],
                None,
            ),
        })
    }

    /// Proposes a change (editors and above): validated against the current records, stored
    /// with its diff and comment, waiting for review. With `apply_directly` (a server
    /// setting) a reviewer's or admin's proposal is approved at once, by them.
    pub async fn propose(
        &self,
        principal: &Principal,
        change: ProposedChange,
        comment: &str,
        apply_directly: bool,
    ) -> Result<ProposalView, AppError> {
        let snapshot = self.snapshot().await?;
        self.propose_on(&snapshot, principal, change, comment, apply_directly, true)
            .await
    }

    /// [`App::propose`] with its diff taken against `snapshot`: the records the caller read
    /// (and compared a version of), so that the approval's check for changes since starts
    /// from them. With `by_fragment_line`, violations name the fragment's lines (a file the
    /// user wrote); otherwise every violation is kept as it is, naming record, field and
    /// value.
    pub async fn propose_on(
        &self,
        snapshot: &crate::Snapshot,
        principal: &Principal,
        change: ProposedChange,
        comment: &str,
        apply_directly: bool,
        by_fragment_line: bool,
    ) -> Result<ProposalView, AppError> {
        principal.check(Permission::Propose)?;
        let (diff, bundle) = self.diff_of(snapshot.data(), &change)?;
        if let Some(bundle) = &bundle {
            self.store()
                .check(&bundle.data)
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(violations) if !by_fragment_line => {
                        AppError::Store(StoreError::Invalid(violations))
                    }
                    other => invalid(Some(bundle), other),
                })?;
            if diff.is_empty() {
                return Err(AppError::BadInput(
                    "the proposal changes nothing: every record in it is stored as it is"
                        .to_owned(),
                ));
            }
        }
        let proposal = Proposal {
            id: 0,
            author: principal.user.clone(),
            created_at: now_utc(),
            comment: comment.to_owned(),
            change: serde_json::to_string(&change).map_err(AppError::internal)?,
            diff: serde_json::to_string(&diff).map_err(AppError::internal)?,
            status: ProposalStatus::Open,
            reviewer: None,
            review_comment: None,
            reviewed_at: None,
        };
        let id = self
            .store()
            .add_proposal(
                &proposal,
                &principal.change(format!("propose {}: {comment}", operation_name(&change))),
            )
            .await?;
        if apply_directly && principal.may(Permission::Review) {
            self.approve_as(principal, id, "applied directly", true)
                .await?;
        }
        self.proposal(principal, id).await
    }

    /// The proposals with `status` (all when none), newest first. Any signed-in user.
    pub async fn proposals(
        &self,
        principal: &Principal,
        status: Option<ProposalStatus>,
    ) -> Result<Vec<ProposalView>, AppError> {
        principal.check(Permission::ReadProposals)?;
        self.store()
            .proposals(status)
            .await?
            .into_iter()
            .map(view)
            .collect()
    }

    pub async fn proposal(&self, principal: &Principal, id: i64) -> Result<ProposalView, AppError> {
        principal.check(Permission::ReadProposals)?;
        let proposal = self
            .store()
            .proposal(id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "proposal",
                query: id.to_string(),
            })?;
        view(proposal)
    }

    /// Approves a proposal (reviewers and admins; never its author): validated again
    /// against the records as they are now, refused with both diffs when the records it
    /// touches changed since it was proposed, then applied in one transaction.
    pub async fn approve(
        &self,
        principal: &Principal,
        id: i64,
        comment: &str,
    ) -> Result<ReviewOutcome, AppError> {
        self.approve_as(principal, id, comment, false).await
    }

    async fn approve_as(
        &self,
        principal: &Principal,
        id: i64,
        comment: &str,
        directly: bool,
    ) -> Result<ReviewOutcome, AppError> {
        principal.check(Permission::Review)?;
        let proposal = self
            .store()
            .proposal(id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "proposal",
                query: id.to_string(),
            })?;
        if proposal.status != ProposalStatus::Open {
            return Err(AppError::Conflict(format!(
                "proposal {id} is {}, not open",
                proposal.status.as_str()
            )));
        }
        if proposal.author == principal.user && !directly {
            return Err(AppError::Forbidden(format!(
                "nobody approves their own proposal: proposal {id} is '{}''s; another reviewer must",
                proposal.author
            )));
        }
        let change: ProposedChange =
            serde_json::from_str(&proposal.change).map_err(AppError::internal)?;
        let proposed: Vec<RecordChange> =
            serde_json::from_str(&proposal.diff).map_err(AppError::internal)?;
        // The records as they are now, including changes by other processes. This check
        // answers early with both diffs; the store checks again inside the approval's
        // transaction, so a change landing after this point is refused as well.
        let (current, bundle) = self.current_diff(&change).await?;
        if let Some(stale) = stale_error(id, &proposed, &current) {
            return Err(stale);
        }
        let expected = expected_records(&proposed, bundle.as_ref().map(|b| &b.data));
        let at = now_utc();
        let review = Review {
            id,
            reviewer: &principal.user,
            comment,
            at: &at,
        };
        let context = if directly {
            format!(
                "proposal {id} by {}, applied directly: {}",
                proposal.author, proposal.comment
            )
        } else {
            format!(
                "proposal {id} by {}, approved by {}: {comment}",
                proposal.author, principal.user
            )
        };
        let audit = principal.change(context);
        let approved = match (&change, &bundle) {
            (ProposedChange::Apply { .. }, Some(bundle)) => Approved::Apply(&bundle.data),
            (ProposedChange::Delete { kind, id }, _) => Approved::Delete { kind: *kind, id },
            (ProposedChange::Merge { kind, old, into }, _) => Approved::Merge {
                kind: *kind,
                old,
                into,
            },
            (ProposedChange::Unmerge { kind, old }, _) => Approved::Unmerge { kind: *kind, old },
            (ProposedChange::Apply { .. }, None) => {
                return Err(AppError::Internal(
                    "a bundle proposal without its bundle".into(),
                ));
            }
        };
        let report = match self
            .store()
            .approve_proposal(review, approved, &expected, &audit)
            .await
        {
            Ok(report) => report,
            Err(StoreError::Stale { .. }) => {
                // Changed between our check and the store's transaction: nothing was
                // written; answer with the diffs as they are now.
                let (current, _) = self.current_diff(&change).await?;
                return Err(stale_error(id, &proposed, &current).unwrap_or_else(|| {
                    AppError::Conflict(format!(
                        "the records proposal {id} changes were changed while it was being approved: try again"
                    ))
                }));
            }
            Err(error) => return Err(invalid(bundle.as_ref(), error)),
        };
        self.changed().await?;
        let report = match report {
            ApprovedReport::Applied(report) => report,
            ApprovedReport::Merged(merge) => merge.changes,
        };
        Ok(ReviewOutcome {
            id,
            status: "approved".to_owned(),
            n_created: report.n_created(),
            n_updated: report.n_updated(),
            n_removed: report.n_removed(),
        })
    }

    /// Rejects an open proposal with a comment saying why (reviewers and admins).
    pub async fn reject(
        &self,
        principal: &Principal,
        id: i64,
        comment: &str,
    ) -> Result<ReviewOutcome, AppError> {
        principal.check(Permission::Review)?;
        if crate::is_blank(comment) {
            return Err(AppError::BadInput(
                "a rejection needs a comment saying why".to_owned(),
            ));
        }
        let at = now_utc();
        let review = Review {
            id,
            reviewer: &principal.user,
            comment,
            at: &at,
        };
        self.store()
            .reject_proposal(
                review,
                &principal.change(format!("proposal {id} rejected: {comment}")),
            )
            .await
            .map_err(|e| invalid(None, e))?;
        Ok(ReviewOutcome {
            id,
            status: "rejected".to_owned(),
            n_created: 0,
            n_updated: 0,
            n_removed: 0,
        })
    }

    /// Walks the whole audit log and reports the first entry that was altered, deleted or
    /// moved (admins only).
    pub async fn verify_audit(&self, principal: &Principal) -> Result<AuditVerification, AppError> {
        principal.check(Permission::Audit)?;
        const PAGE: u32 = 10_000;
        let mut verifier = polis_store::chain::Verifier::default();
        let mut after = 0;
        loop {
            let rows = self.store().audit_chain(after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            rows.iter().for_each(|row| verifier.push(row));
            if rows.len() < PAGE as usize {
                break;
            }
        }
        let report = verifier.finish();
        Ok(AuditVerification {
            n_entries: report.n_entries,
            intact: report.is_intact(),
            first_broken_seq: report.first_broken.as_ref().map(|b| b.seq),
            problem: report.first_broken.as_ref().map(|b| b.problem.clone()),
            message: report.first_broken.map(|b| b.message),
        })
    }

    /// The audit log for `principal`: admins only.
    pub async fn audit_for(
        &self,
        principal: &Principal,
        limit: usize,
    ) -> Result<Vec<crate::AuditView>, AppError> {
        principal.check(Permission::Audit)?;
        self.audit(limit).await
    }

    /// [`App::audit_for`], with the sessions' sign-ins and sign-outs only when `sessions`
    /// (see [`crate::sessions`]): the newest `limit` entries of the others otherwise.
    pub async fn audit_entries_for(
        &self,
        principal: &Principal,
        limit: usize,
        sessions: bool,
    ) -> Result<Vec<crate::AuditView>, AppError> {
        principal.check(Permission::Audit)?;
        if sessions {
            return self.audit(limit).await;
        }
        // The store gives the newest entries; ask for more until `limit` others are found
        // or the log is read to its start (at most a bounded number of entries).
        const MOST_READ: usize = 100_000;
        let mut asked = limit.max(1).saturating_mul(4);
        loop {
            let entries = self.audit(asked.min(MOST_READ)).await?;
            let exhausted = entries.len() < asked.min(MOST_READ) || asked >= MOST_READ;
            let mut kept: Vec<crate::AuditView> = entries
                .into_iter()
                .filter(|e| !crate::sessions::is_session_entry(&e.record_kind, &e.context))
                .collect();
            if kept.len() >= limit || exhausted {
                kept.truncate(limit);
                return Ok(kept);
            }
            asked = asked.saturating_mul(4);
        }
    }
}
