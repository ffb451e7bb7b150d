//! The endpoints under `/api/v1`, by resource, each the HTTP form of a service-layer call
//! (and of a `polis` command), and [`ROUTES`], the one table the router is built from and
//! that the OpenAPI test checks. Handlers only parse parameters, call [`polis_app`] and
//! turn the answer into JSON.

pub(crate) mod analysis;
pub(crate) mod audit;
pub(crate) mod docs;
pub(crate) mod export;
pub(crate) mod meta;
pub(crate) mod places;
pub(crate) mod proposals;
pub(crate) mod records;
pub(crate) mod resolution;
pub(crate) mod search;
pub(crate) mod ties;
pub(crate) mod users;
pub(crate) mod views;

use std::sync::Arc;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use polis_app::Snapshot;
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

/// One endpoint: its path (axum's syntax, which is also OpenAPI's) and its handlers.
pub struct Route {
    pub path: &'static str,
    pub(crate) handler: fn() -> MethodRouter<AppState>,
}

/// Every route the router serves. A test fails when one of them is missing from the
/// OpenAPI document, or the document lists a path that is not here.
pub static ROUTES: &[Route] = &[
    Route {
        path: "/api/v1/health",
        handler: || get(meta::health),
    },
    Route {
        path: "/api/v1/openapi.json",
        handler: || get(meta::openapi_json),
    },
    Route {
        path: "/api/openapi.json",
        handler: || get(meta::openapi_json_alias),
    },
    Route {
        path: "/api/docs",
        handler: || get(docs::swagger_ui),
    },
    Route {
        path: "/api/v1/places",
        handler: || get(records::places).post(records::place::create),
    },
    Route {
        path: "/api/v1/places/{place}",
        handler: || {
            get(places::place)
                .put(records::place::replace)
                .delete(records::place::delete)
        },
    },
    Route {
        path: "/api/v1/places/{place}/merge",
        handler: || post(records::place_merges::merge),
    },
    Route {
        path: "/api/v1/places/{place}/unmerge",
        handler: || post(records::place_merges::unmerge),
    },
    Route {
        path: "/api/v1/places/{place}/dossier",
        handler: || get(views::dossier),
    },
    Route {
        path: "/api/v1/ties",
        handler: || get(ties::ties).post(records::tie::create),
    },
    Route {
        path: "/api/v1/ties/{tie}",
        handler: || {
            get(views::tie)
                .put(records::tie::replace)
                .delete(records::tie::delete)
        },
    },
    Route {
        path: "/api/v1/ties/{tie}/events",
        handler: || post(records::add_tie_event),
    },
    Route {
        path: "/api/v1/networks",
        handler: || get(records::networks).post(records::network::create),
    },
    Route {
        path: "/api/v1/networks/{id}",
        handler: || {
            get(records::network::one)
                .put(records::network::replace)
                .delete(records::network::delete)
        },
    },
    Route {
        path: "/api/v1/memberships",
        handler: || get(records::memberships).post(records::membership::create),
    },
    Route {
        path: "/api/v1/memberships/{id}",
        handler: || {
            get(records::membership::one)
                .put(records::membership::replace)
                .delete(records::membership::delete)
        },
    },
    Route {
        path: "/api/v1/actors",
        handler: || get(records::actors).post(records::actor::create),
    },
    Route {
        path: "/api/v1/actors/{id}",
        handler: || {
            get(records::actor::one)
                .put(records::actor::replace)
                .delete(records::actor::delete)
        },
    },
    Route {
        path: "/api/v1/actors/{id}/merge",
        handler: || post(records::actor_merges::merge),
    },
    Route {
        path: "/api/v1/actors/{id}/unmerge",
        handler: || post(records::actor_merges::unmerge),
    },
    Route {
        path: "/api/v1/relations",
        handler: || get(records::relations).post(records::relation::create),
    },
    Route {
        path: "/api/v1/relations/{id}",
        handler: || {
            get(records::relation::one)
                .put(records::relation::replace)
                .delete(records::relation::delete)
        },
    },
    Route {
        path: "/api/v1/activities",
        handler: || get(records::activities).post(records::activity::create),
    },
    Route {
        path: "/api/v1/activities/{id}",
        handler: || {
            get(records::activity::one)
                .put(records::activity::replace)
                .delete(records::activity::delete)
        },
    },
    Route {
        path: "/api/v1/documents",
        handler: || get(records::documents).post(records::document::create),
    },
    Route {
        path: "/api/v1/documents/{id}",
        handler: || {
            get(records::document::one)
                .put(records::document::replace)
                .delete(records::document::delete)
        },
    },
    Route {
        path: "/api/v1/sources",
        handler: || get(records::sources).post(records::source::create),
    },
    Route {
        path: "/api/v1/sources/{id}",
        handler: || {
            get(records::source::one)
                .put(records::source::replace)
                .delete(records::source::delete)
        },
    },
    Route {
        path: "/api/v1/reported-figures",
        handler: || get(records::figures).post(records::figure::create),
    },
    Route {
        path: "/api/v1/reported-figures/{id}",
        handler: || {
            get(records::figure::one)
                .put(records::figure::replace)
                .delete(records::figure::delete)
        },
    },
    Route {
        path: "/api/v1/map",
        handler: || get(views::map),
    },
    Route {
        path: "/api/v1/dashboard",
        handler: || get(views::dashboard),
    },
    Route {
        path: "/api/v1/graph/neighbourhood",
        handler: || get(views::neighbourhood),
    },
    Route {
        path: "/api/v1/stats",
        handler: || get(analysis::stats),
    },
    Route {
        path: "/api/v1/changes",
        handler: || get(analysis::changes),
    },
    Route {
        path: "/api/v1/quality",
        handler: || get(analysis::quality),
    },
    Route {
        path: "/api/v1/dormant",
        handler: || get(analysis::dormant),
    },
    Route {
        path: "/api/v1/path",
        handler: || get(analysis::path),
    },
    Route {
        path: "/api/v1/graph/metrics",
        handler: || get(analysis::graph_metrics),
    },
    Route {
        path: "/api/v1/recommend/{place}",
        handler: || get(analysis::recommend),
    },
    Route {
        path: "/api/v1/recommend-evaluation",
        handler: || get(analysis::recommend_evaluation),
    },
    Route {
        path: "/api/v1/figures",
        handler: || get(analysis::figures),
    },
    Route {
        path: "/api/v1/activities/totals",
        handler: || get(analysis::activity_totals),
    },
    Route {
        path: "/api/v1/clauses",
        handler: || get(analysis::clauses),
    },
    Route {
        path: "/api/v1/search",
        handler: || get(search::search),
    },
    Route {
        path: "/api/v1/audit",
        handler: || get(audit::audit),
    },
    Route {
        path: "/api/v1/audit/verify",
        handler: || get(audit::verify),
    },
    Route {
        path: "/api/v1/proposals",
        handler: || get(proposals::proposals).post(proposals::propose),
    },
    Route {
        path: "/api/v1/proposals/{id}",
        handler: || get(proposals::proposal),
    },
    Route {
        path: "/api/v1/proposals/{id}/approve",
        handler: || post(proposals::approve),
    },
    Route {
        path: "/api/v1/proposals/{id}/reject",
        handler: || post(proposals::reject),
    },
    Route {
        path: "/api/v1/users",
        handler: || get(users::users).post(users::add_user),
    },
    Route {
        path: "/api/v1/users/{name}/role",
        handler: || put(users::set_role),
    },
    Route {
        path: "/api/v1/tokens",
        handler: || get(users::tokens).post(users::create_token),
    },
    Route {
        path: "/api/v1/tokens/{id}",
        handler: || delete(users::revoke_token),
    },
    Route {
        path: "/api/v1/resolve",
        handler: || get(resolution::resolve),
    },
    Route {
        path: "/api/v1/unresolved",
        handler: || get(resolution::unresolved),
    },
    Route {
        path: "/api/v1/decisions",
        handler: || post(resolution::decide),
    },
    Route {
        path: "/api/v1/export/ties.csv",
        handler: || get(export::export_csv),
    },
    Route {
        path: "/api/v1/export/ties.geojson",
        handler: || get(export::export_geojson),
    },
    Route {
        path: "/api/v1/export/ties.graphml",
        handler: || get(export::export_graphml),
    },
    Route {
        path: "/api/v1/export/ties.gexf",
        handler: || get(export::export_gexf),
    },
    Route {
        path: "/api/v1/export/bundle.toml",
        handler: || get(export::export_bundle),
    },
    Route {
        path: "/api/v1/export/search.csv",
        handler: || get(export::export_search),
    },
    Route {
        path: "/api/v1/export/dashboard/{table}",
        handler: || get(export::export_dashboard_table),
    },
];

/// The largest page of ties, search hits, audit entries or network metrics' places one
/// request may ask for.
pub const MAX_LIMIT: u64 = polis_app::options::MAX_PAGE_SIZE as u64;

/// The answer to a path that no route has.
pub(crate) async fn no_such_endpoint() -> ApiError {
    ApiError::NotFound("no such endpoint: the endpoints are listed at /api/v1/openapi.json".into())
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A JSON response from any serializable value.
fn json<T: Serialize + ?Sized>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// A JSON response from text that is JSON already (a stored record).
fn json_text(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Runs `work` over the snapshot in force on the blocking pool, so that a long analysis
/// does not hold up the threads that serve other requests.
async fn on_snapshot<F>(state: &AppState, work: F) -> Result<Response, ApiError>
where
    F: FnOnce(&Snapshot) -> Result<Response, ApiError> + Send + 'static,
{
    let snapshot: Arc<Snapshot> = state.app().snapshot().await?;
    tokio::task::spawn_blocking(move || work(&snapshot)).await?
}

/// [`on_snapshot`] for a whole-dataset read whose JSON answer depends only on the snapshot
/// and `key` (the parameters as parsed, with "today" where a date defaults to it): the
/// answer is kept for the snapshot ([`AppState::answer_cell`]), computed once however many
/// readers ask at the same time, so that a reader asking again before the data changes gets
/// it without the dataset being walked again.
async fn on_snapshot_cached<T, F>(
    state: &AppState,
    key: String,
    work: F,
) -> Result<Response, ApiError>
where
    T: Serialize,
    F: FnOnce(&Snapshot) -> Result<T, ApiError> + Send + 'static,
{
    let snapshot: Arc<Snapshot> = state.app().snapshot().await?;
    let cell = state.answer_cell(snapshot.version(), &key);
    let body = cell
        .get_or_try_init(|| async move {
            let body = tokio::task::spawn_blocking(move || {
                work(&snapshot)
                    .and_then(|answer| serde_json::to_vec(&answer).map_err(ApiError::internal))
            })
            .await??;
            Ok::<_, ApiError>(bytes::Bytes::from(body))
        })
        .await?
        .clone();
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// A whole number parameter as the service layer takes it.
fn size(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}
