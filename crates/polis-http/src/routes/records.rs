//! Every record kind as a collection: a list with the kind's filters, a cursor and a page
//! size; one record by its key; and writes (create, replace, delete, and merge and unmerge
//! for places and actors), each of which becomes a proposal through the service layer's
//! proposal use case, as `polis propose FILE` does. A write that changes a stored record
//! names the version it read (`If-Match`, see `etag.rs`).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use polis_app::{
    ActivityFilter, ActorFilter, DocumentFilter, FigureFilter, MembershipFilter, NetworkFilter,
    PageRequest, PlaceFilter, Record, RecordKind, RecordPage, RecordWrite, RelationFilter,
    Snapshot, SourceFilter,
};
use polis_core::{ActivityKind, ActorKind, DocumentKind, PlaceLevel, RelationKind};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{MAX_LIMIT, json};
use crate::error::{ApiError, ErrorBody};
use crate::etag::{IfMatch, etag_of};
use crate::params::{self, ApiPath, ApiQuery, JsonBody, Writer};
use crate::schema;
use crate::state::AppState;

/// The page a list's `limit` and `cursor` ask for: a limit of 1 to 1000 (400 for anything
/// else: negative, huge, not a number), and a cursor that must be a `next_cursor` this
/// server gave.
pub(crate) fn page_request(
    limit: Option<&str>,
    cursor: Option<&str>,
) -> Result<PageRequest, ApiError> {
    let limit = params::number(
        "limit",
        limit,
        polis_app::options::DEFAULT_PAGE_SIZE as u64,
        1,
        MAX_LIMIT,
    )?;
    let cursor = params::optional::<polis_app::Cursor>("cursor", cursor)?;
    Ok(PageRequest {
        limit: super::size(limit),
        cursor,
    })
}

/// The version of the record of `kind` with `key` as a GET of its URL answers it now: the
/// `ETag` of that answer (a place's and a tie's URL answer their views, every other kind
/// its record), or none when there is no such record.
pub(crate) fn current_etag(
    snapshot: &Snapshot,
    kind: RecordKind,
    key: &str,
) -> Result<Option<String>, ApiError> {
    let body = match kind {
        RecordKind::Place => match snapshot.place_by_id(key) {
            Some(_) => {
                Some(serde_json::to_vec(&snapshot.place(key, None)?).map_err(ApiError::internal)?)
            }
            None => None,
        },
        RecordKind::Tie => match snapshot.tie(key, None) {
            Ok(view) => Some(serde_json::to_vec(&view).map_err(ApiError::internal)?),
            Err(_) => None,
        },
        other => snapshot.record_json(other, key).map(String::into_bytes),
    };
    Ok(body.as_deref().map(etag_of))
}

/// The answer to a write: the proposal, 202 while it waits for review (`Location`: the
/// proposal), or, applied directly, 201 for a new record and 200 otherwise (`Location`:
/// the record).
fn written(
    proposal: polis_app::ProposalView,
    record_url: Option<String>,
    created: bool,
) -> Result<Response, ApiError> {
    let applied = proposal.status == "approved";
    let location = match (&record_url, applied) {
        (Some(url), true) => url.clone(),
        _ => format!("/api/v1/proposals/{}", proposal.id),
    };
    let mut response = json(&proposal)?;
    *response.status_mut() = match (applied, created) {
        (false, _) => StatusCode::ACCEPTED,
        (true, true) => StatusCode::CREATED,
        (true, false) => StatusCode::OK,
    };
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Runs a write: checks `If-Match` against the record's version in the snapshot the write
/// is proposed on (`check`: the record whose version is compared, and whether the header
/// is required), then proposes it.
async fn propose(
    state: &AppState,
    principal: &polis_app::Principal,
    write: RecordWrite,
    comment: &str,
    check: Option<(RecordKind, &str, &IfMatch, bool)>,
) -> Result<polis_app::ProposalView, ApiError> {
    let snapshot = state.app().snapshot().await?;
    if let Some((kind, key, if_match, required)) = check {
        let current = current_etag(&snapshot, kind, key)?;
        if current.is_none() {
            return Err(polis_app::AppError::NotFound {
                what: kind.as_str(),
                query: key.to_owned(),
            }
            .into());
        }
        if_match.check(current.as_deref(), &format!("the {kind} '{key}'"), required)?;
    }
    Ok(state
        .app()
        .propose_write(
            principal,
            &snapshot,
            write,
            comment,
            state.config().direct_apply_for_reviewers,
        )
        .await?)
}

/// Query parameters of a DELETE.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeleteParams {
    /// Why the record goes.
    #[param(value_type = String, min_length = 1, example = "a duplicate of cz-prague")]
    comment: Option<String>,
}

/// The body of a merge.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MergeBody {
    /// Why: the evidence that both are the same.
    #[schema(example = "the same city, listed twice")]
    comment: String,
    /// The record that stays; the merged one becomes a redirect to it.
    #[schema(example = "cz-brno")]
    into: String,
}

/// The body of an unmerge.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnmergeBody {
    /// Why the merge was wrong.
    comment: String,
}

/// The writes of one kind: create, replace and delete, each a proposal.
macro_rules! writes {
    (
        $module:ident, $kind:expr, $type:ty, $variant:ident, $body:ident,
        collection = $collection:literal, item = $item:literal, param = $param:literal,
        tag = $tag:literal, what = $what:literal
    ) => {
        pub(crate) mod $module {
            use super::*;

            #[doc = concat!("The body of a write of a ", $what, ": the record and why.")]
            #[derive(Deserialize, ToSchema)]
            #[serde(deny_unknown_fields)]
            pub(crate) struct $body {
                /// Why: what the change is and where it comes from.
                #[schema(example = "from the council minutes of 2024-05-02")]
                comment: String,
                /// The whole record, with the fields of the bundle format.
                record: $type,
            }

            #[doc = concat!("Proposes a new ", $what, " (editors and above). As `polis propose` with a fragment that holds it.")]
            #[utoipa::path(
                post,
                path = $collection,
                tag = $tag,
                request_body = $body,
                security(("bearer" = [])),
                responses(
                    (status = 200, description = "Applied at once (`direct_apply_for_reviewers`, a reviewer or admin): the approved proposal", body = polis_app::ProposalView),
                    (status = 202, description = "The proposal, open, waiting for a reviewer; `Location` names it", body = polis_app::ProposalView),
                    (status = 400, description = "The body is not JSON, or the change changes nothing", body = ErrorBody),
                    (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
                    (status = 403, description = "The token's user is not an editor", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "`precondition_failed`: the record changed since the `If-Match` version was read; `conflict`: the key is taken, or the records forbid it; nothing was written", body = ErrorBody),
                    (status = 413, description = "The body is too large", body = ErrorBody),
                    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
                    (status = 422, description = "The record is not of the kind's shape (an unknown or missing field), or breaks the data's rules: `details.violations` and `details.fields` list every violation with its field and value", body = ErrorBody),
                    (status = 428, description = "No `If-Match`: a change of a stored record names the version it read", body = ErrorBody),
                    (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
                    (status = 201, description = "Applied at once: the approved proposal; `Location` names the record", body = polis_app::ProposalView),
                )
            )]
            pub(crate) async fn create(
                State(state): State<AppState>,
                Writer(principal): Writer,
                JsonBody(body): JsonBody<$body>,
            ) -> Result<Response, ApiError> {
                let record = Record::$variant(body.record);
                let url = format!("{}/{}", $collection, record.key());
                let proposal = propose(&state, &principal, RecordWrite::Create(record), &body.comment, None).await?;
                written(proposal, Some(url), true)
            }

            #[doc = concat!("Proposes replacing a stored ", $what, " with the record in the body, which keeps its key (editors and above). `If-Match` is required.")]
            #[utoipa::path(
                put,
                path = $item,
                tag = $tag,
                params(
                    ($param = String, Path, description = "The record's key: its id (a membership's or relation's key, `|`-separated), URL-encoded"),
                    ("If-Match" = String, Header, description = "The ETag a GET of this URL answered, or `*`"),
                ),
                request_body = $body,
                security(("bearer" = [])),
                responses(
                    (status = 200, description = "Applied at once (`direct_apply_for_reviewers`, a reviewer or admin): the approved proposal", body = polis_app::ProposalView),
                    (status = 202, description = "The proposal, open, waiting for a reviewer; `Location` names it", body = polis_app::ProposalView),
                    (status = 400, description = "The body is not JSON, or the change changes nothing", body = ErrorBody),
                    (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
                    (status = 403, description = "The token's user is not an editor", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "`precondition_failed`: the record changed since the `If-Match` version was read; `conflict`: the key is taken, or the records forbid it; nothing was written", body = ErrorBody),
                    (status = 413, description = "The body is too large", body = ErrorBody),
                    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
                    (status = 422, description = "The record is not of the kind's shape (an unknown or missing field), or breaks the data's rules: `details.violations` and `details.fields` list every violation with its field and value", body = ErrorBody),
                    (status = 428, description = "No `If-Match`: a change of a stored record names the version it read", body = ErrorBody),
                    (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
                )
            )]
            pub(crate) async fn replace(
                State(state): State<AppState>,
                ApiPath(key): ApiPath<String>,
                if_match: IfMatch,
                Writer(principal): Writer,
                JsonBody(body): JsonBody<$body>,
            ) -> Result<Response, ApiError> {
                let url = format!("{}/{}", $collection, key);
                let write = RecordWrite::Replace { key: key.clone(), record: Record::$variant(body.record) };
                let proposal = propose(&state, &principal, write, &body.comment, Some(($kind, &key, &if_match, true))).await?;
                written(proposal, Some(url), false)
            }

            #[doc = concat!("Proposes deleting a ", $what, " that nothing references (editors and above). `If-Match` is required.")]
            #[utoipa::path(
                delete,
                path = $item,
                tag = $tag,
                params(
                    ($param = String, Path, description = "The record's key, URL-encoded"),
                    ("If-Match" = String, Header, description = "The ETag a GET of this URL answered, or `*`"),
                    DeleteParams,
                ),
                security(("bearer" = [])),
                responses(
                    (status = 200, description = "Applied at once (`direct_apply_for_reviewers`, a reviewer or admin): the approved proposal", body = polis_app::ProposalView),
                    (status = 202, description = "The proposal, open, waiting for a reviewer; `Location` names it", body = polis_app::ProposalView),
                    (status = 400, description = "The body is not JSON, or the change changes nothing", body = ErrorBody),
                    (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
                    (status = 403, description = "The token's user is not an editor", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "`precondition_failed`: the record changed since the `If-Match` version was read; `conflict`: the key is taken, or the records forbid it; nothing was written", body = ErrorBody),
                    (status = 413, description = "The body is too large", body = ErrorBody),
                    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
                    (status = 422, description = "The record is not of the kind's shape (an unknown or missing field), or breaks the data's rules: `details.violations` and `details.fields` list every violation with its field and value", body = ErrorBody),
                    (status = 428, description = "No `If-Match`: a change of a stored record names the version it read", body = ErrorBody),
                    (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
                )
            )]
            pub(crate) async fn delete(
                State(state): State<AppState>,
                ApiPath(key): ApiPath<String>,
                ApiQuery(params): ApiQuery<DeleteParams>,
                if_match: IfMatch,
                Writer(principal): Writer,
            ) -> Result<Response, ApiError> {
                let comment = params::required_text("comment", params.comment.as_deref(), "why the record goes")?;
                let write = RecordWrite::Delete { kind: $kind, key: key.clone() };
                let proposal = propose(&state, &principal, write, &comment, Some(($kind, &key, &if_match, true))).await?;
                written(proposal, None, false)
            }
        }
    };
}

/// Merge and unmerge of one kind (places and actors).
macro_rules! merges {
    ($module:ident, $kind:expr, merge = $merge:literal, unmerge = $unmerge:literal, param = $param:literal, tag = $tag:literal, what = $what:literal) => {
        pub(crate) mod $module {
            use super::*;

            #[doc = concat!("Proposes merging this ", $what, " into another (`into`): every reference moves, and this one becomes a redirect (editors and above). `If-Match` (the version of the merged one) is required. As `polis propose --merge`.")]
            #[utoipa::path(
                post,
                path = $merge,
                tag = $tag,
                params(
                    ($param = String, Path, description = "The id of the record merged away"),
                    ("If-Match" = String, Header, description = "The ETag a GET of the merged record's URL answered, or `*`"),
                ),
                request_body = MergeBody,
                security(("bearer" = [])),
                responses(
                    (status = 200, description = "Applied at once (`direct_apply_for_reviewers`, a reviewer or admin): the approved proposal", body = polis_app::ProposalView),
                    (status = 202, description = "The proposal, open, waiting for a reviewer; `Location` names it", body = polis_app::ProposalView),
                    (status = 400, description = "The body is not JSON, or the change changes nothing", body = ErrorBody),
                    (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
                    (status = 403, description = "The token's user is not an editor", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "`precondition_failed`: the record changed since the `If-Match` version was read; `conflict`: the key is taken, or the records forbid it; nothing was written", body = ErrorBody),
                    (status = 413, description = "The body is too large", body = ErrorBody),
                    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
                    (status = 422, description = "The record is not of the kind's shape (an unknown or missing field), or breaks the data's rules: `details.violations` and `details.fields` list every violation with its field and value", body = ErrorBody),
                    (status = 428, description = "No `If-Match`: a change of a stored record names the version it read", body = ErrorBody),
                    (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
                )
            )]
            pub(crate) async fn merge(
                State(state): State<AppState>,
                ApiPath(old): ApiPath<String>,
                if_match: IfMatch,
                Writer(principal): Writer,
                JsonBody(body): JsonBody<MergeBody>,
            ) -> Result<Response, ApiError> {
                let write = RecordWrite::Merge { kind: $kind, old: old.clone(), into: body.into };
                let proposal = propose(&state, &principal, write, &body.comment, Some(($kind, &old, &if_match, true))).await?;
                written(proposal, None, false)
            }

            #[doc = concat!("Proposes undoing the merge of this ", $what, " exactly (editors and above); approval refuses it when a record it would restore changed since the merge, so no `If-Match` is needed. As `polis propose --unmerge`.")]
            #[utoipa::path(
                post,
                path = $unmerge,
                tag = $tag,
                params(($param = String, Path, description = "The id the merged record had")),
                request_body = UnmergeBody,
                security(("bearer" = [])),
                responses(
                    (status = 200, description = "Applied at once (`direct_apply_for_reviewers`, a reviewer or admin): the approved proposal", body = polis_app::ProposalView),
                    (status = 202, description = "The proposal, open, waiting for a reviewer; `Location` names it", body = polis_app::ProposalView),
                    (status = 400, description = "The body is not JSON, or the change changes nothing", body = ErrorBody),
                    (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
                    (status = 403, description = "The token's user is not an editor", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "`precondition_failed`: the record changed since the `If-Match` version was read; `conflict`: the key is taken, or the records forbid it; nothing was written", body = ErrorBody),
                    (status = 413, description = "The body is too large", body = ErrorBody),
                    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
                    (status = 422, description = "The record is not of the kind's shape (an unknown or missing field), or breaks the data's rules: `details.violations` and `details.fields` list every violation with its field and value", body = ErrorBody),
                    (status = 428, description = "No `If-Match`: a change of a stored record names the version it read", body = ErrorBody),
                    (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
                )
            )]
            pub(crate) async fn unmerge(
                State(state): State<AppState>,
                ApiPath(old): ApiPath<String>,
                Writer(principal): Writer,
                JsonBody(body): JsonBody<UnmergeBody>,
            ) -> Result<Response, ApiError> {
                let write = RecordWrite::Unmerge { kind: $kind, old };
                let proposal = propose(&state, &principal, write, &body.comment, None).await?;
                written(proposal, None, false)
            }
        }
    };
}

/// One record by its key, as stored: its `ETag` is its version.
macro_rules! one {
    ($name:ident, $kind:expr, $type:ty, path = $path:literal, param = $param:literal, tag = $tag:literal, what = $what:literal) => {
        #[doc = concat!("One ", $what, " by its key, with the fields of the bundle format. Its `ETag` is the record's version, for `If-Match`.")]
        #[utoipa::path(
            get,
            path = $path,
            tag = $tag,
            params(($param = String, Path, description = "The record's key: its id (a membership's or relation's key, `|`-separated), URL-encoded")),
            responses(
                (status = 200, description = "The record", body = $type),
                (status = 400, description = "A parameter was given; none is accepted", body = ErrorBody),
                (status = 404, description = "No record of this kind has this key", body = ErrorBody),
            )
        )]
        pub(crate) async fn $name(
            State(state): State<AppState>,
            ApiPath(key): ApiPath<String>,
            ApiQuery(_): ApiQuery<params::NoParams>,
        ) -> Result<Response, ApiError> {
            let snapshot = state.app().snapshot().await?;
            let body = snapshot.record($kind, &key)?;
            Ok(super::json_text(body))
        }
    };
}

one!(
    network,
    RecordKind::Network,
    polis_core::Network,
    path = "/api/v1/networks/{id}",
    param = "id",
    tag = "networks",
    what = "network"
);
one!(
    membership,
    RecordKind::Membership,
    polis_core::Membership,
    path = "/api/v1/memberships/{id}",
    param = "id",
    tag = "networks",
    what = "membership"
);
one!(
    actor,
    RecordKind::Actor,
    polis_core::Actor,
    path = "/api/v1/actors/{id}",
    param = "id",
    tag = "actors",
    what = "actor"
);
one!(
    relation,
    RecordKind::Relation,
    polis_core::Relation,
    path = "/api/v1/relations/{id}",
    param = "id",
    tag = "actors",
    what = "relation"
);
one!(
    activity,
    RecordKind::Activity,
    polis_core::Activity,
    path = "/api/v1/activities/{id}",
    param = "id",
    tag = "activities",
    what = "activity"
);
one!(
    document,
    RecordKind::Document,
    polis_core::Document,
    path = "/api/v1/documents/{id}",
    param = "id",
    tag = "documents",
    what = "document"
);
one!(
    source,
    RecordKind::Source,
    polis_core::Source,
    path = "/api/v1/sources/{id}",
    param = "id",
    tag = "sources",
    what = "source"
);
one!(
    figure,
    RecordKind::Figure,
    polis_core::ReportedFigure,
    path = "/api/v1/reported-figures/{id}",
    param = "id",
    tag = "analysis",
    what = "reported figure"
);

writes!(
    place_writes,
    RecordKind::Place,
    polis_core::Place,
    Place,
    PlaceBody,
    collection = "/api/v1/places",
    item = "/api/v1/places/{place}",
    param = "place",
    tag = "places",
    what = "place"
);
writes!(
    tie_writes,
    RecordKind::Tie,
    polis_core::Tie,
    Tie,
    TieBody,
    collection = "/api/v1/ties",
    item = "/api/v1/ties/{tie}",
    param = "tie",
    tag = "ties",
    what = "tie (with its lifecycle events)"
);
writes!(
    network_writes,
    RecordKind::Network,
    polis_core::Network,
    Network,
    NetworkBody,
    collection = "/api/v1/networks",
    item = "/api/v1/networks/{id}",
    param = "id",
    tag = "networks",
    what = "network"
);
writes!(
    membership_writes,
    RecordKind::Membership,
    polis_core::Membership,
    Membership,
    MembershipBody,
    collection = "/api/v1/memberships",
    item = "/api/v1/memberships/{id}",
    param = "id",
    tag = "networks",
    what = "membership"
);
writes!(
    actor_writes,
    RecordKind::Actor,
    polis_core::Actor,
    Actor,
    ActorBody,
    collection = "/api/v1/actors",
    item = "/api/v1/actors/{id}",
    param = "id",
    tag = "actors",
    what = "actor"
);
writes!(
    relation_writes,
    RecordKind::Relation,
    polis_core::Relation,
    Relation,
    RelationBody,
    collection = "/api/v1/relations",
    item = "/api/v1/relations/{id}",
    param = "id",
    tag = "actors",
    what = "relation"
);
writes!(
    activity_writes,
    RecordKind::Activity,
    polis_core::Activity,
    Activity,
    ActivityBody,
    collection = "/api/v1/activities",
    item = "/api/v1/activities/{id}",
    param = "id",
    tag = "activities",
    what = "activity"
);
writes!(
    document_writes,
    RecordKind::Document,
    polis_core::Document,
    Document,
    DocumentBody,
    collection = "/api/v1/documents",
    item = "/api/v1/documents/{id}",
    param = "id",
    tag = "documents",
    what = "document (with its articles)"
);
writes!(
    source_writes,
    RecordKind::Source,
    polis_core::Source,
    Source,
    SourceBody,
    collection = "/api/v1/sources",
    item = "/api/v1/sources/{id}",
    param = "id",
    tag = "sources",
    what = "source"
);
writes!(
    figure_writes,
    RecordKind::Figure,
    polis_core::ReportedFigure,
    Figure,
    FigureBody,
    collection = "/api/v1/reported-figures",
    item = "/api/v1/reported-figures/{id}",
    param = "id",
    tag = "analysis",
    what = "reported figure"
);

merges!(
    place_merges,
    RecordKind::Place,
    merge = "/api/v1/places/{place}/merge",
    unmerge = "/api/v1/places/{place}/unmerge",
    param = "place",
    tag = "places",
    what = "place"
);
merges!(
    actor_merges,
    RecordKind::Actor,
    merge = "/api/v1/actors/{id}/merge",
    unmerge = "/api/v1/actors/{id}/unmerge",
    param = "id",
    tag = "actors",
    what = "actor"
);

/// The page parameters every list takes.
macro_rules! list_params {
    ($name:ident { $($field:tt)* }) => {
        #[derive(Deserialize, IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub(crate) struct $name {
            $($field)*
            /// At most this many records [default: 100].
            #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
            limit: Option<String>,
            /// The `next_cursor` of the page before [default: the first page].
            #[param(value_type = Option<String>, pattern = "^c1([0-9a-f]{2})+$")]
            cursor: Option<String>,
        }
    };
}

/// A list handler: parses its filters with `$filter`, asks the snapshot with `$method`.
macro_rules! list {
    ($name:ident, $params:ident, $method:ident, $type:ty, path = $path:literal, tag = $tag:literal, what = $what:literal, |$p:ident| $filter:expr) => {
        #[doc = concat!("The ", $what, " that pass the filters, by key, a page at a time: give `next_cursor` as `cursor` for the next page.")]
        #[utoipa::path(
            get,
            path = $path,
            tag = $tag,
            params($params),
            responses(
                (status = 200, description = "One page; `total` counts every record that passes the filters", body = RecordPage<$type>),
                (status = 400, description = "A filter, `limit` or `cursor` is not accepted (the message says what is), or a place name is ambiguous", body = ErrorBody),
                (status = 404, description = "A place given by name does not exist", body = ErrorBody),
            )
        )]
        pub(crate) async fn $name(
            State(state): State<AppState>,
            ApiQuery($p): ApiQuery<$params>,
        ) -> Result<Response, ApiError> {
            let page = page_request($p.limit.as_deref(), $p.cursor.as_deref())?;
            let filter = $filter;
            let snapshot = state.app().snapshot().await?;
            json(&snapshot.$method(&filter, &page)?)
        }
    };
}

fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

list_params!(PlacesParams {
    /// Places of this country (ISO 3166-1 alpha-2, any case).
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
    /// Places of this level.
    #[param(value_type = Option<polis_core::PlaceLevel>, inline)]
    level: Option<String>,
    /// Places directly inside this one (its id).
    #[param(value_type = Option<String>, example = "cz")]
    parent: Option<String>,
    /// Places with this name in any script (case and diacritics ignored).
    #[param(value_type = Option<String>, example = "Praha")]
    name: Option<String>,
});
list!(
    places,
    PlacesParams,
    places_page,
    polis_core::Place,
    path = "/api/v1/places",
    tag = "places",
    what = "places",
    |p| PlaceFilter {
        country: params::optional("country", p.country.as_deref())?,
        level: params::optional::<PlaceLevel>("level", p.level.as_deref())?,
        parent: text(p.parent),
        name: text(p.name),
    }
);

list_params!(NetworksParams {
    /// Networks working on this theme.
    #[param(value_type = Option<String>, example = "climate")]
    theme: Option<String>,
    /// Networks with this tag.
    #[param(value_type = Option<String>)]
    tag: Option<String>,
});
list!(
    networks,
    NetworksParams,
    networks_page,
    polis_core::Network,
    path = "/api/v1/networks",
    tag = "networks",
    what = "networks",
    |p| NetworkFilter {
        theme: text(p.theme),
        tag: text(p.tag),
    }
);

list_params!(MembershipsParams {
    /// Memberships in this network (its id).
    #[param(value_type = Option<String>)]
    network: Option<String>,
    /// Memberships of this member (a place's or actor's id).
    #[param(value_type = Option<String>, example = "cz-prague")]
    member: Option<String>,
});
list!(
    memberships,
    MembershipsParams,
    memberships_page,
    polis_core::Membership,
    path = "/api/v1/memberships",
    tag = "networks",
    what = "memberships",
    |p| MembershipFilter {
        network: text(p.network),
        member: text(p.member),
    }
);

list_params!(ActorsParams {
    /// Only people or only organisations.
    #[param(value_type = Option<polis_core::ActorKind>, inline)]
    kind: Option<String>,
    /// Actors of this country (ISO 3166-1 alpha-2, any case).
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
});
list!(
    actors,
    ActorsParams,
    actors_page,
    polis_core::Actor,
    path = "/api/v1/actors",
    tag = "actors",
    what = "actors",
    |p| ActorFilter {
        kind: params::optional::<ActorKind>("kind", p.kind.as_deref())?,
        country: params::optional("country", p.country.as_deref())?,
    }
);

list_params!(RelationsParams {
    /// Only relations of this kind.
    #[param(value_type = Option<polis_core::RelationKind>, inline)]
    kind: Option<String>,
    /// Relations from this record (its id).
    #[param(value_type = Option<String>)]
    from: Option<String>,
    /// Relations to this record (its id).
    #[param(value_type = Option<String>)]
    to: Option<String>,
    /// Relations with this record (its id) at either end.
    #[param(value_type = Option<String>)]
    involving: Option<String>,
});
list!(
    relations,
    RelationsParams,
    relations_page,
    polis_core::Relation,
    path = "/api/v1/relations",
    tag = "actors",
    what = "relations",
    |p| RelationFilter {
        kind: params::optional::<RelationKind>("kind", p.kind.as_deref())?,
        from: text(p.from),
        to: text(p.to),
        involving: text(p.involving),
    }
);

list_params!(ActivitiesParams {
    /// Only activities of this kind.
    #[param(value_type = Option<polis_core::ActivityKind>, inline)]
    kind: Option<String>,
    /// Activities of this place: an id or a name (a name of several places is refused).
    #[param(value_type = Option<String>, example = "cz-prague")]
    place: Option<String>,
    /// Activities with this actor (its id).
    #[param(value_type = Option<String>)]
    actor: Option<String>,
    /// Activities under this tie (its id).
    #[param(value_type = Option<String>)]
    tie: Option<String>,
    /// Activities of this network (its id).
    #[param(value_type = Option<String>)]
    network: Option<String>,
    /// Activities on this theme.
    #[param(value_type = Option<String>)]
    theme: Option<String>,
});
list!(
    activities,
    ActivitiesParams,
    activities_page,
    polis_core::Activity,
    path = "/api/v1/activities",
    tag = "activities",
    what = "activities",
    |p| ActivityFilter {
        kind: params::optional::<ActivityKind>("kind", p.kind.as_deref())?,
        place: text(p.place),
        actor: text(p.actor),
        tie: text(p.tie),
        network: text(p.network),
        theme: text(p.theme),
    }
);

list_params!(DocumentsParams {
    /// Only documents of this kind.
    #[param(value_type = Option<polis_core::DocumentKind>, inline)]
    kind: Option<String>,
    /// Documents with this party (a place's or actor's id).
    #[param(value_type = Option<String>, example = "cz-prague")]
    party: Option<String>,
    /// Documents with this tag, or an article tagged so.
    #[param(value_type = Option<String>, example = "one_china_clause")]
    tag: Option<String>,
});
list!(
    documents,
    DocumentsParams,
    documents_page,
    polis_core::Document,
    path = "/api/v1/documents",
    tag = "documents",
    what = "documents",
    |p| DocumentFilter {
        kind: params::optional::<DocumentKind>("kind", p.kind.as_deref())?,
        party: text(p.party),
        tag: text(p.tag),
    }
);

list_params!(SourcesParams {
    /// Sources by this publisher (case and diacritics ignored).
    #[param(value_type = Option<String>)]
    publisher: Option<String>,
});
list!(
    sources,
    SourcesParams,
    sources_page,
    polis_core::Source,
    path = "/api/v1/sources",
    tag = "sources",
    what = "sources",
    |p| SourceFilter {
        publisher: text(p.publisher),
    }
);

list_params!(FiguresParams {
    /// Figures about this country (ISO 3166-1 alpha-2, any case).
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
    /// Figures of this metric.
    #[param(value_type = Option<String>)]
    metric: Option<String>,
});
list!(
    figures,
    FiguresParams,
    figures_page,
    polis_core::ReportedFigure,
    path = "/api/v1/reported-figures",
    tag = "analysis",
    what = "reported figures (the records; `/figures` compares them with computed values)",
    |p| FigureFilter {
        country: params::optional("country", p.country.as_deref())?,
        metric: text(p.metric),
    }
);
