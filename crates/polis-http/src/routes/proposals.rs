//! Proposals and their review: an editor proposes a change (a bundle fragment as TOML text
//! or JSON records, or a delete, merge or unmerge), a reviewer who is not its author
//! approves or rejects it. As `polis propose` and `polis review`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json;
use crate::error::{ApiError, ErrorBody};
use crate::etag::{IfMatch, etag_of};
use crate::params::{ApiPath, ApiQuery, Caller, JsonBody, JsonBodyOrEmpty, Writer, may};
use crate::state::AppState;

/// The body of `POST /proposals`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProposeBody {
    /// Why: what the change is and where it comes from.
    #[schema(example = "Plzeň and Winterthur renewed their partnership, see the council minutes")]
    comment: String,
    change: ChangeBody,
}

/// What a proposal would do.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum ChangeBody {
    /// Lay records over the stored ones: a bundle fragment as TOML text (`bundle`, the
    /// bundle format of docs/bundle-format.md, manifest optional), or the same records as
    /// JSON (`records`: `{"place": [{...}], "tie": [{...}]}`). Exactly one of the two.
    Apply {
        bundle: Option<String>,
        #[schema(value_type = Option<Object>)]
        records: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// Delete a record (`kind`: place, tie, network, membership, actor, relation,
    /// activity, document, source or figure).
    Delete {
        #[schema(value_type = crate::schema::RecordKindName, inline)]
        kind: String,
        id: String,
    },
    /// Merge record `old` into `into` (places and actors); `old` becomes a redirect.
    Merge {
        #[schema(value_type = crate::schema::RecordKindName, inline)]
        kind: String,
        old: String,
        into: String,
    },
    /// Undo the merge of `old`.
    Unmerge {
        #[schema(value_type = crate::schema::RecordKindName, inline)]
        kind: String,
        old: String,
    },
}

/// The body of `POST /proposals/{id}/approve` and `/reject`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewBody {
    /// The reviewer's comment; required to reject.
    #[serde(default)]
    comment: String,
}

/// The body of `POST /proposals/{id}/reject` as the document describes it: read as a
/// [`ReviewBody`], whose comment a rejection needs (400 without one, as blank), and which
/// refuses unknown fields as it does (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct RejectBody {
    /// The reviewer's comment saying why (not blank).
    // Its pattern, `polis_app::NOT_BLANK_PATTERN`, is set in `openapi.rs`.
    #[schema(example = "the council minutes say the partnership was renewed, not ended")]
    comment: String,
}

/// Query parameters of `GET /proposals`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ProposalsParams {
    /// Only proposals with this status [default: all].
    #[param(value_type = Option<String>, pattern = "^(open|approved|rejected)$")]
    status: Option<String>,
}

fn kind(value: &str) -> Result<polis_app::RecordKind, ApiError> {
    value
        .parse()
        .map_err(|e: polis_core::UnknownValue| ApiError::Invalid {
            message: format!("field `change.kind`: {e}"),
            violations: vec![format!("change.kind: {e}")],
        })
}

/// The change as the service layer takes it; JSON records become the same TOML fragment a
/// file would hold, so a proposal is stored one way whichever form it came in.
fn proposed_change(change: ChangeBody) -> Result<polis_app::ProposedChange, ApiError> {
    use polis_app::ProposedChange;
    Ok(match change {
        ChangeBody::Apply {
            bundle: Some(bundle),
            records: None,
        } => ProposedChange::Apply { bundle },
        ChangeBody::Apply {
            bundle: None,
            records: Some(records),
        } => {
            let bundle = toml::to_string(&records).map_err(|e| ApiError::Invalid {
                message: format!("field `change.records` cannot be written as a bundle: {e}"),
                violations: vec![format!(
                    "change.records: {e} (leave out fields that are null)"
                )],
            })?;
            ProposedChange::Apply { bundle }
        }
        ChangeBody::Apply { .. } => {
            return Err(ApiError::Invalid {
                message: "an `apply` change needs exactly one of `bundle` (TOML text) and `records` (JSON)".to_owned(),
                violations: vec!["change: give `bundle` or `records`, not both or neither".to_owned()],
            });
        }
        ChangeBody::Delete { kind: k, id } => ProposedChange::Delete {
            kind: kind(&k)?,
            id,
        },
        ChangeBody::Merge { kind: k, old, into } => ProposedChange::Merge {
            kind: kind(&k)?,
            old,
            into,
        },
        ChangeBody::Unmerge { kind: k, old } => ProposedChange::Unmerge {
            kind: kind(&k)?,
            old,
        },
    })
}

/// Proposes a change (editors and above). It is validated against the current records and
/// stored with its diff, waiting for a reviewer; with `direct_apply_for_reviewers` on, a
/// reviewer's or admin's proposal is applied at once. As `polis propose`.
#[utoipa::path(
    post,
    path = "/api/v1/proposals",
    tag = "proposals",
    params(("If-Match" = Option<String>, Header, description = "Optional: the ETag of the one record the change deletes, merges away or replaces (a GET of its URL answered it); 409 `precondition_failed` when it changed since. Without it (or empty), the diff is taken against the records as they are now. A change with no one such record (an unmerge, a fragment of several records) takes none: 422")),
    request_body = ProposeBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The proposal, open (or approved, when applied directly)", body = polis_app::ProposalView),
        (status = 400, description = "The body is not JSON, or the fragment does not read", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "The token's user is not an editor", body = ErrorBody),
        (status = 404, description = "A record the change names does not exist", body = ErrorBody),
        (status = 409, description = "`precondition_failed`: the `If-Match` version is not the record's current one; `conflict`: the records forbid the change", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
        (status = 422, description = "The change breaks rules, or `If-Match` is given with a change that has no one record to compare it with (an unmerge, a fragment of several records): `details.violations` lists each", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn propose(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::Propose>,
    if_match: IfMatch,
    JsonBody(body): JsonBody<ProposeBody>,
) -> Result<Response, ApiError> {
    let change = proposed_change(body.change)?;
    let snapshot = state.app().snapshot().await?;
    if if_match.is_given() {
        // The header and the body are each well-formed, but together they ask for a check
        // that cannot be made: 422, as for any rule that spans fields.
        let Some((kind, key)) = polis_app::writes::single_record(&change)? else {
            let problem = "`If-Match` names the version of one record: this change (an unmerge, or a fragment of several records) has none; leave it out";
            return Err(ApiError::Invalid {
                message: problem.to_owned(),
                violations: vec![format!("If-Match: {problem}")],
            });
        };
        let current = super::records::current_etag(&snapshot, kind, &key)?;
        if_match.check(current.as_deref(), &format!("the {kind} '{key}'"), true)?;
    }
    let proposal = state
        .app()
        .propose_on(
            &snapshot,
            &principal,
            change,
            &body.comment,
            state.config().direct_apply_for_reviewers,
            true,
        )
        .await?;
    let mut response = json(&proposal)?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// The proposals, newest first (any signed-in user). As `polis review list`.
#[utoipa::path(
    get,
    path = "/api/v1/proposals",
    tag = "proposals",
    params(ProposalsParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The proposals, newest first", body = [polis_app::ProposalView]),
        (status = 400, description = "`status` is not open, approved or rejected", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
    )
)]
pub(crate) async fn proposals(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ProposalsParams>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    let status = match params
        .status
        .as_deref()
        .map(polis_app::trim_blank)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => Some(polis_app::ProposalStatus::parse(text).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "query parameter `status`: '{text}' is not accepted: use open, approved or rejected"
            ))
        })?),
    };
    json(&state.app().proposals(&principal, status).await?)
}

/// A proposal with its diff against the records when it was proposed, and its review. As
/// `polis review show`.
#[utoipa::path(
    get,
    path = "/api/v1/proposals/{id}",
    tag = "proposals",
    params(("id" = i64, Path, minimum = 1, description = "The proposal's number")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The proposal", body = polis_app::ProposalView),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody),
    )
)]
pub(crate) async fn proposal(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(_): ApiQuery<crate::params::NoParams>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    json(&state.app().proposal(&principal, id).await?)
}

/// With `If-Match`: the proposal must still be the one its reviewer read (the ETag of
/// `GET /proposals/{id}`); without it, approval still refuses records changed since.
async fn check_proposal_version(
    state: &AppState,
    principal: &polis_app::Principal,
    id: i64,
    if_match: &IfMatch,
) -> Result<(), ApiError> {
    if !if_match.is_given() {
        return Ok(());
    }
    let view = state.app().proposal(principal, id).await?;
    let body = serde_json::to_vec(&view).map_err(ApiError::internal)?;
    if_match.check(Some(&etag_of(&body)), &format!("proposal {id}"), true)
}

/// Approves a proposal (reviewers and admins, never its author): validated again against
/// the records as they are now, refused with 409 and both diffs when they changed since,
/// then applied in one transaction and audited. As `polis review approve`.
#[utoipa::path(
    post,
    path = "/api/v1/proposals/{id}/approve",
    tag = "proposals",
    params(
        ("id" = i64, Path, minimum = 1, description = "The proposal's number"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag of `GET /proposals/{id}` the reviewer read; 409 `precondition_failed` when it is not current"),
    ),
    request_body(content = Option<ReviewBody>, description = "Optional: an empty body is no comment"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved and applied: how many records changed", body = polis_app::ReviewOutcome),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body not sent as application/json", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not a reviewer, or the proposal's author", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody),
        (status = 409, description = "Reviewed already (`conflict`), or its records changed since it was proposed (`stale`: `details.proposed` and `details.current` are both diffs)", body = ErrorBody),
        (status = 422, description = "The change no longer passes validation, or the body has the wrong shape", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn approve(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::Review>,
    ApiPath(id): ApiPath<i64>,
    if_match: IfMatch,
    JsonBodyOrEmpty(body): JsonBodyOrEmpty<ReviewBody>,
) -> Result<Response, ApiError> {
    check_proposal_version(&state, &principal, id, &if_match).await?;
    json(&state.app().approve(&principal, id, &body.comment).await?)
}

/// Rejects a proposal with a comment saying why (reviewers and admins). As
/// `polis review reject`.
#[utoipa::path(
    post,
    path = "/api/v1/proposals/{id}/reject",
    tag = "proposals",
    params(
        ("id" = i64, Path, minimum = 1, description = "The proposal's number"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag of `GET /proposals/{id}` the reviewer read"),
    ),
    request_body = RejectBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = polis_app::ReviewOutcome),
        (status = 400, description = "No comment, or the body is not JSON", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body not sent as application/json", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape (an unknown field, a wrong type)", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody),
        (status = 409, description = "Reviewed already", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn reject(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::Review>,
    ApiPath(id): ApiPath<i64>,
    if_match: IfMatch,
    JsonBodyOrEmpty(body): JsonBodyOrEmpty<ReviewBody>,
) -> Result<Response, ApiError> {
    check_proposal_version(&state, &principal, id, &if_match).await?;
    json(&state.app().reject(&principal, id, &body.comment).await?)
}
