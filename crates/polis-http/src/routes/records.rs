//! Every record kind as a collection: a list with the kind's filters, a cursor and a page
//! size; one record by its key; and writes (create, replace, delete, merge and unmerge for
//! places and actors, and one lifecycle event added to a tie), each of which becomes a
//! proposal through the service layer's proposal use case, as `polis propose FILE` does. A
//! write that changes a stored record names the version it read (`If-Match`, see `etag.rs`).
//!
//! The handlers are written once, generic over the record; [`record_routes!`] only gives
//! each kind's routes their paths and OpenAPI documentation, from one table.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use polis_app::{
    ActivityFilter, ActorFilter, DocumentFilter, FigureFilter, MembershipFilter, NetworkFilter,
    PageRequest, PlaceFilter, Principal, ProposalView, Record, RecordKind, RecordPage, RecordWrite,
    RelationFilter, Snapshot, SourceFilter,
};
use polis_core::{ActivityKind, ActorKind, DocumentKind, PlaceLevel, RelationKind};
use serde::Deserialize;
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, ToSchema};

use super::{MAX_LIMIT, json};
use crate::error::{ApiError, ErrorBody};
use crate::etag::{IfMatch, etag_of};
use crate::params::{self, ApiPath, ApiQuery, JsonBody, Writer, may};
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
/// proposal), or, applied directly, 201 for a new record (or event) and 200 otherwise
/// (`Location`: the record).
fn written(
    proposal: ProposalView,
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

/// The version a write must start from: the record whose version `If-Match` is compared
/// with, and whether the header is required (428 without it).
struct Version<'a> {
    kind: RecordKind,
    key: &'a str,
    if_match: &'a IfMatch,
    required: bool,
}

/// Runs a write: checks `If-Match` against the record's version in the snapshot the write
/// is proposed on, then proposes it.
async fn propose(
    state: &AppState,
    principal: &Principal,
    write: RecordWrite,
    comment: &str,
    version: Option<Version<'_>>,
) -> Result<ProposalView, ApiError> {
    let snapshot = state.app().snapshot().await?;
    if let Some(Version {
        kind,
        key,
        if_match,
        required,
    }) = version
    {
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

/// The body of a write of one record: the whole record, with the fields of the bundle
/// format, and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WriteBody<T> {
    /// Why: what the change is and where it comes from.
    #[schema(example = "from the council minutes of 2024-05-02")]
    comment: String,
    /// The whole record, with the fields of the bundle format.
    record: T,
}

/// Proposes a new record; its URL is `collection/key`.
async fn create(
    state: AppState,
    principal: Principal,
    collection: &str,
    record: Record,
    comment: &str,
) -> Result<Response, ApiError> {
    let url = format!("{collection}/{}", record.key());
    let proposal = propose(
        &state,
        &principal,
        RecordWrite::Create(record),
        comment,
        None,
    )
    .await?;
    written(proposal, Some(url), true)
}

/// Proposes replacing the record stored under `key` (`If-Match` required).
async fn replace(
    state: AppState,
    principal: Principal,
    collection: &str,
    key: String,
    if_match: IfMatch,
    record: Record,
    comment: &str,
) -> Result<Response, ApiError> {
    let url = format!("{collection}/{key}");
    let kind = record.kind();
    let version = Version {
        kind,
        key: &key,
        if_match: &if_match,
        required: true,
    };
    let write = RecordWrite::Replace {
        key: key.clone(),
        record,
    };
    let proposal = propose(&state, &principal, write, comment, Some(version)).await?;
    written(proposal, Some(url), false)
}

/// Query parameters of a DELETE.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeleteParams {
    /// Why the record goes (not blank).
    #[param(value_type = schema::NonBlank, inline, example = "a duplicate of cz-prague")]
    comment: Option<String>,
}

/// Proposes deleting the record of `kind` stored under `key` (`If-Match` required).
async fn delete(
    state: AppState,
    principal: Principal,
    kind: RecordKind,
    key: String,
    if_match: IfMatch,
    params: DeleteParams,
) -> Result<Response, ApiError> {
    let comment =
        params::required_text("comment", params.comment.as_deref(), "why the record goes")?;
    let version = Version {
        kind,
        key: &key,
        if_match: &if_match,
        required: true,
    };
    let write = RecordWrite::Delete {
        kind,
        key: key.clone(),
    };
    let proposal = propose(&state, &principal, write, &comment, Some(version)).await?;
    written(proposal, None, false)
}

/// One record by its key, as stored: its `ETag` is its version.
async fn one(state: AppState, kind: RecordKind, key: &str) -> Result<Response, ApiError> {
    let snapshot = state.app().snapshot().await?;
    Ok(super::json_text(snapshot.record(kind, key)?))
}

/// The answers of a write besides its success, the same for every kind and operation:
/// `responses(WriteAnswers)` in a route's documentation.
pub(crate) struct WriteAnswers;

impl utoipa::IntoResponses for WriteAnswers {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let proposal = <ProposalView as utoipa::ToSchema>::name();
        let error = <ErrorBody as utoipa::ToSchema>::name();
        [
            (200, "Applied at once (`direct_apply_for_reviewers`, a reviewer or admin): the approved proposal", &proposal),
            (202, "The proposal, open, waiting for a reviewer; `Location` names it", &proposal),
            (400, "The body is not JSON, or the change changes nothing", &error),
            (401, "No token, or an unknown, revoked or expired one", &error),
            (403, "The token's user is not an editor", &error),
            (404, "No record has this key, or the change names one that does not exist", &error),
            (409, "`precondition_failed`: the record changed since the `If-Match` version was read; `conflict`: the key is taken, or the records forbid it; nothing was written", &error),
            (413, "The body is too large", &error),
            (415, "The body is not sent as application/json", &error),
            (422, "The record is not of the kind's shape (an unknown or missing field), or breaks the data's rules: `details.violations` and `details.fields` list every violation with its field and value", &error),
            (429, "Too many writes: see Retry-After", &error),
        ]
        .into_iter()
        .map(|(status, description, body)| {
            let response = ResponseBuilder::new().description(description).content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(body.as_ref())))
                    .build(),
            );
            (status.to_string(), RefOr::T(response.build()))
        })
        .collect()
    }
}

/// The routes of one record kind from a row of the table: `one` (GET of the record as
/// stored, for the kinds whose URL is not a view), `create`, `replace` and `delete`, in a
/// module named after the kind; each a line over the generic handlers above, with its own
/// OpenAPI documentation.
macro_rules! record_routes {
    ($(
        $module:ident: $variant:ident, $type:ty, key = $key:ty,
        collection = $collection:literal, item = $item:literal, param = $param:literal,
        tag = $tag:literal, what = $what:literal, get = $get:tt;
    )+) => {$(
        pub(crate) mod $module {
            use super::*;

            record_routes!(@get $get, $variant, $type, $key, $item, $param, $tag, $what);

            #[doc = concat!("Proposes a new ", $what, " (editors and above). As `polis propose` with a fragment that holds it.")]
            #[utoipa::path(
                post, path = $collection, tag = $tag,
                request_body = WriteBody<$type>,
                security(("bearer" = [])),
                responses(
                    WriteAnswers,
                    (status = 201, description = "Applied at once: the approved proposal; `Location` names the record", body = ProposalView),
                )
            )]
            pub(crate) async fn create(
                State(state): State<AppState>,
                Writer(principal, _): Writer<may::Propose>,
                JsonBody(body): JsonBody<WriteBody<$type>>,
            ) -> Result<Response, ApiError> {
                super::create(state, principal, $collection, Record::$variant(body.record), &body.comment).await
            }

            #[doc = concat!("Proposes replacing a stored ", $what, " with the record in the body, which keeps its key (editors and above). `If-Match` is required.")]
            #[utoipa::path(
                put, path = $item, tag = $tag,
                params(
                    ($param = inline($key), Path),
                    ("If-Match" = String, Header, description = "The ETag a GET of this URL answered, or `*`"),
                ),
                request_body = WriteBody<$type>,
                security(("bearer" = [])),
                responses(
                    WriteAnswers,
                    (status = 428, description = "No `If-Match` (or an empty one): a change of a stored record names the version it read", body = ErrorBody),
                )
            )]
            pub(crate) async fn replace(
                State(state): State<AppState>,
                Writer(principal, _): Writer<may::Propose>,
                ApiPath(key): ApiPath<String>,
                if_match: IfMatch,
                JsonBody(body): JsonBody<WriteBody<$type>>,
            ) -> Result<Response, ApiError> {
                super::replace(state, principal, $collection, key, if_match, Record::$variant(body.record), &body.comment).await
            }

            #[doc = concat!("Proposes deleting a ", $what, " that nothing references (editors and above). `If-Match` is required.")]
            #[utoipa::path(
                delete, path = $item, tag = $tag,
                params(
                    ($param = inline($key), Path),
                    ("If-Match" = String, Header, description = "The ETag a GET of this URL answered, or `*`"),
                    DeleteParams,
                ),
                security(("bearer" = [])),
                responses(
                    WriteAnswers,
                    (status = 428, description = "No `If-Match` (or an empty one): a change of a stored record names the version it read", body = ErrorBody),
                )
            )]
            pub(crate) async fn delete(
                State(state): State<AppState>,
                Writer(principal, _): Writer<may::Propose>,
                ApiPath(key): ApiPath<String>,
                ApiQuery(params): ApiQuery<DeleteParams>,
                if_match: IfMatch,
            ) -> Result<Response, ApiError> {
                super::delete(state, principal, RecordKind::$variant, key, if_match, params).await
            }
        }
    )+};
    (@get view, $($rest:tt)*) => {};
    (@get record, $variant:ident, $type:ty, $key:ty, $item:literal, $param:literal, $tag:literal, $what:literal) => {
        #[doc = concat!("One ", $what, " by its key, with the fields of the bundle format. Its `ETag` is the record's version, for `If-Match`.")]
        #[utoipa::path(
            get, path = $item, tag = $tag,
            params(($param = inline($key), Path)),
            responses(
                (status = 200, description = "The record", body = $type),
                (status = 400, description = "A parameter was given; none is accepted", body = ErrorBody),
                (status = 404, description = "No record of this kind has this key", body = ErrorBody),
            )
        )]
        pub(crate) async fn one(
            State(state): State<AppState>,
            ApiPath(key): ApiPath<String>,
            ApiQuery(_): ApiQuery<params::NoParams>,
        ) -> Result<Response, ApiError> {
            super::one(state, RecordKind::$variant, &key).await
        }
    };
}

// One row per kind. `get = view`: the kind's URL answers a view (`places::place`,
// `views::tie`) rather than the record as stored.
record_routes! {
    place: Place, polis_core::Place, key = schema::RecordId, collection = "/api/v1/places", item = "/api/v1/places/{place}", param = "place", tag = "places", what = "place", get = view;
    tie: Tie, polis_core::Tie, key = schema::RecordId, collection = "/api/v1/ties", item = "/api/v1/ties/{tie}", param = "tie", tag = "ties", what = "tie (with its lifecycle events)", get = view;
    network: Network, polis_core::Network, key = schema::RecordId, collection = "/api/v1/networks", item = "/api/v1/networks/{id}", param = "id", tag = "networks", what = "network", get = record;
    membership: Membership, polis_core::Membership, key = schema::MembershipKey, collection = "/api/v1/memberships", item = "/api/v1/memberships/{id}", param = "id", tag = "networks", what = "membership", get = record;
    actor: Actor, polis_core::Actor, key = schema::RecordId, collection = "/api/v1/actors", item = "/api/v1/actors/{id}", param = "id", tag = "actors", what = "actor", get = record;
    relation: Relation, polis_core::Relation, key = schema::RelationKey, collection = "/api/v1/relations", item = "/api/v1/relations/{id}", param = "id", tag = "actors", what = "relation", get = record;
    activity: Activity, polis_core::Activity, key = schema::RecordId, collection = "/api/v1/activities", item = "/api/v1/activities/{id}", param = "id", tag = "activities", what = "activity", get = record;
    document: Document, polis_core::Document, key = schema::RecordId, collection = "/api/v1/documents", item = "/api/v1/documents/{id}", param = "id", tag = "documents", what = "document (with its articles)", get = record;
    source: Source, polis_core::Source, key = schema::RecordId, collection = "/api/v1/sources", item = "/api/v1/sources/{id}", param = "id", tag = "sources", what = "source", get = record;
    figure: Figure, polis_core::ReportedFigure, key = schema::RecordId, collection = "/api/v1/reported-figures", item = "/api/v1/reported-figures/{id}", param = "id", tag = "analysis", what = "reported figure", get = record;
}

/// The body of a merge.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MergeBody {
    /// Why: the evidence that both are the same.
    #[schema(example = "the same city, listed twice")]
    comment: String,
    /// The record that stays; the merged one becomes a redirect to it.
    #[schema(example = "cz-brno", pattern = "^[a-z0-9][a-z0-9._/-]{0,199}$")]
    into: String,
}

/// The body of an unmerge.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnmergeBody {
    /// Why the merge was wrong.
    comment: String,
}

/// Proposes merging the record of `kind` stored as `old` into another (`If-Match`: the
/// version of `old`, required).
async fn merge(
    state: AppState,
    principal: Principal,
    kind: RecordKind,
    old: String,
    if_match: IfMatch,
    body: MergeBody,
) -> Result<Response, ApiError> {
    let version = Version {
        kind,
        key: &old,
        if_match: &if_match,
        required: true,
    };
    let write = RecordWrite::Merge {
        kind,
        old: old.clone(),
        into: body.into,
    };
    let proposal = propose(&state, &principal, write, &body.comment, Some(version)).await?;
    written(proposal, None, false)
}

/// Proposes undoing the merge of `old`; approval refuses it when a record it would restore
/// changed since, so there is no version to compare.
async fn unmerge(
    state: AppState,
    principal: Principal,
    kind: RecordKind,
    old: String,
    body: UnmergeBody,
) -> Result<Response, ApiError> {
    let write = RecordWrite::Unmerge { kind, old };
    let proposal = propose(&state, &principal, write, &body.comment, None).await?;
    written(proposal, None, false)
}

/// Merge and unmerge of one kind (places and actors), documented.
macro_rules! merges {
    ($module:ident, $variant:ident, merge = $merge:literal, unmerge = $unmerge:literal, param = $param:literal, tag = $tag:literal, what = $what:literal) => {
        pub(crate) mod $module {
            use super::*;

            #[doc = concat!("Proposes merging this ", $what, " into another (`into`): every reference moves, and this one becomes a redirect (editors and above). `If-Match` (the version of the merged one) is required. As `polis propose --merge`.")]
            #[utoipa::path(
                post, path = $merge, tag = $tag,
                params(
                    ($param = inline(schema::RecordId), Path),
                    ("If-Match" = String, Header, description = "The ETag a GET of the merged record's URL answered, or `*`"),
                ),
                request_body = MergeBody,
                security(("bearer" = [])),
                responses(
                    WriteAnswers,
                    (status = 428, description = "No `If-Match` (or an empty one): a merge names the version of the record it merges away", body = ErrorBody),
                )
            )]
            pub(crate) async fn merge(
                State(state): State<AppState>,
                Writer(principal, _): Writer<may::Propose>,
                ApiPath(old): ApiPath<String>,
                if_match: IfMatch,
                JsonBody(body): JsonBody<MergeBody>,
            ) -> Result<Response, ApiError> {
                super::merge(state, principal, RecordKind::$variant, old, if_match, body).await
            }

            #[doc = concat!("Proposes undoing the merge of this ", $what, " exactly (editors and above); approval refuses it when a record it would restore changed since the merge, so no `If-Match` is needed. As `polis propose --unmerge`.")]
            #[utoipa::path(
                post, path = $unmerge, tag = $tag,
                params(($param = inline(schema::RecordId), Path)),
                request_body = UnmergeBody,
                security(("bearer" = [])),
                responses(WriteAnswers)
            )]
            pub(crate) async fn unmerge(
                State(state): State<AppState>,
                Writer(principal, _): Writer<may::Propose>,
                ApiPath(old): ApiPath<String>,
                JsonBody(body): JsonBody<UnmergeBody>,
            ) -> Result<Response, ApiError> {
                super::unmerge(state, principal, RecordKind::$variant, old, body).await
            }
        }
    };
}

merges!(
    place_merges,
    Place,
    merge = "/api/v1/places/{place}/merge",
    unmerge = "/api/v1/places/{place}/unmerge",
    param = "place",
    tag = "places",
    what = "place"
);
merges!(
    actor_merges,
    Actor,
    merge = "/api/v1/actors/{id}/merge",
    unmerge = "/api/v1/actors/{id}/unmerge",
    param = "id",
    tag = "actors",
    what = "actor"
);

/// The body of `POST /ties/{tie}/events`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventBody {
    /// Why: where the event comes from.
    #[schema(example = "the council ended the partnership, see its minutes of 2019-10-07")]
    comment: String,
    /// The event, with the fields of the bundle format's `[[tie.events]]`.
    event: polis_core::TieEvent,
}

/// Proposes adding one lifecycle event (a renewal, a suspension, a termination) to a stored
/// tie, rather than replacing the whole tie (editors and above): the proposal's diff is the
/// tie before and after, with the event among its events in date order. `If-Match` is
/// optional; approval refuses the change when the tie changed since it was proposed. As
/// `polis propose --event TIE`.
#[utoipa::path(
    post,
    path = "/api/v1/ties/{tie}/events",
    tag = "ties",
    params(
        ("tie" = inline(schema::RecordId), Path),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag a GET of the tie's URL answered; 409 `precondition_failed` when it changed since"),
    ),
    request_body = EventBody,
    security(("bearer" = [])),
    responses(
        WriteAnswers,
        (status = 201, description = "Applied at once: the approved proposal; `Location` names the tie", body = ProposalView),
    )
)]
pub(crate) async fn add_tie_event(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::Propose>,
    ApiPath(tie): ApiPath<String>,
    if_match: IfMatch,
    JsonBody(body): JsonBody<EventBody>,
) -> Result<Response, ApiError> {
    let url = format!("/api/v1/ties/{tie}");
    let version = if_match.is_given().then_some(Version {
        kind: RecordKind::Tie,
        key: &tie,
        if_match: &if_match,
        required: false,
    });
    let write = RecordWrite::AddTieEvent {
        tie: tie.clone(),
        event: body.event,
    };
    let proposal = propose(&state, &principal, write, &body.comment, version).await?;
    written(proposal, Some(url), true)
}

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
            #[param(value_type = Option<String>)]
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

use params::text;

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
