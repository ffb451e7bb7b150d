//! Review and audit from the browser: the queue of open proposals (`/review`), a proposal
//! with its diff and, for a reviewer who is not its author, approve and reject with a
//! comment (`/review/{id}`), and the audit log for admins (`/audit`). Each calls the same
//! service-layer use case as `polis review` and `/api/v1/proposals`, `polis audit` and
//! `/api/v1/audit`.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use polis_app::{AppError, ProposalStatus};
use polis_web::views::review::{ReviewNotice, audit_page, proposal_page, review_queue_page};
use serde::Deserialize;

use super::session::{Posted, SignedIn};
use super::{PageError, PageQuery, html, parameter};
use crate::state::AppState;

/// Audit entries the page lists unless asked for another number, and the most it lists.
const AUDIT_PAGE_ENTRIES: usize = 50;
const AUDIT_PAGE_MAX: usize = 1000;

pub(crate) async fn queue(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    signed_in.check(polis_app::Permission::Review)?;
    let open = state
        .app()
        .proposals(&signed_in.principal, Some(ProposalStatus::Open))
        .await?;
    Ok(html(
        StatusCode::OK,
        review_queue_page(&signed_in.user_bar(), &open),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ProposalParams {
    /// What the page says at its top after a review (`approved`, `rejected`).
    done: String,
}

fn proposal_id(text: &str) -> Result<i64, PageError> {
    text.parse().map_err(|_| {
        PageError::NotFound(format!(
            "There is no proposal '{text}': proposals are numbered 1, 2, 3…"
        ))
    })
}

async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    id: i64,
    status: StatusCode,
    notice: Option<ReviewNotice>,
) -> Result<Response, PageError> {
    let proposal = state.app().proposal(&signed_in.principal, id).await?;
    Ok(html(
        status,
        proposal_page(&signed_in.user_bar(), &proposal, notice.as_ref()),
    ))
}

pub(crate) async fn proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed_in: SignedIn,
    PageQuery(params): PageQuery<ProposalParams>,
) -> Result<Response, PageError> {
    let id = proposal_id(&id)?;
    let notice = match params.done.as_str() {
        "approved" => Some(ReviewNotice::Done(
            "Approved: the change is applied.".to_owned(),
        )),
        "rejected" => Some(ReviewNotice::Done("Rejected.".to_owned())),
        "proposed" => Some(ReviewNotice::Done(
            "Proposed: it waits for a reviewer.".to_owned(),
        )),
        _ => None,
    };
    show(&state, &signed_in, id, StatusCode::OK, notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReviewFields {
    comment: String,
}

fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/review")),
        )],
    )
        .into_response()
}

/// Approves or rejects; a refusal the reviewer can act on (reviewed already, changed
/// since, rules broken now, a reject without a comment) is shown on the proposal's page.
async fn review(
    state: AppState,
    id: String,
    signed_in: SignedIn,
    posted: Posted<ReviewFields>,
    approve: bool,
) -> Result<Response, PageError> {
    signed_in.check_csrf(&posted.csrf)?;
    let id = proposal_id(&id)?;
    let comment = posted.form.comment.trim().to_owned();
    let outcome = if approve {
        state
            .app()
            .approve(&signed_in.principal, id, &comment)
            .await
    } else {
        state.app().reject(&signed_in.principal, id, &comment).await
    };
    match outcome {
        Ok(outcome) => Ok(see_other(&format!(
            "/review/{id}?done={}",
            polis_web::views::encode(&outcome.status)
        ))),
        Err(AppError::Stale {
            message,
            proposed,
            current,
        }) => {
            show(
                &state,
                &signed_in,
                id,
                StatusCode::CONFLICT,
                Some(ReviewNotice::Stale {
                    message,
                    proposed,
                    current,
                }),
            )
            .await
        }
        Err(
            error @ (AppError::Conflict(_)
            | AppError::Invalid(_)
            | AppError::BadInput(_)
            | AppError::Forbidden(_)),
        ) => {
            let status = match &error {
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::BAD_REQUEST,
            };
            show(
                &state,
                &signed_in,
                id,
                status,
                Some(ReviewNotice::Refused(error.to_string())),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed_in: SignedIn,
    posted: Posted<ReviewFields>,
) -> Result<Response, PageError> {
    review(state, id, signed_in, posted, true).await
}

pub(crate) async fn reject(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed_in: SignedIn,
    posted: Posted<ReviewFields>,
) -> Result<Response, PageError> {
    review(state, id, signed_in, posted, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AuditParams {
    limit: Option<String>,
    sessions: Option<String>,
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PageQuery(params): PageQuery<AuditParams>,
) -> Result<Response, PageError> {
    signed_in.check(polis_app::Permission::Audit)?;
    let limit = parameter::<usize>("limit", params.limit.as_deref())?
        .unwrap_or(AUDIT_PAGE_ENTRIES)
        .clamp(1, AUDIT_PAGE_MAX);
    let sessions = parameter::<bool>("sessions", params.sessions.as_deref())?.unwrap_or(false);
    let entries = state
        .app()
        .audit_entries_for(&signed_in.principal, limit, sessions)
        .await?;
    Ok(html(
        StatusCode::OK,
        audit_page(&signed_in.user_bar(), &entries, limit, sessions),
    ))
}
