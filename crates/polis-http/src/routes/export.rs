//! Files for other tools: the ties (every tie, a place's or a country's, with or without
//! provisional places) as CSV, GeoJSON, GraphML, GEXF or a one-file bundle, all by the one
//! export use case (`Snapshot::export`, as `polis export`); and the other lists the pages
//! show, as CSV: the search hits and each table of the dashboard. The pages link here.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::response::Response;
use polis_app::{
    CountryCode, DashboardTable, ExportFormat, ExportRequest, ListFormat, search_hits_csv,
};

use super::{MAX_LIMIT, on_snapshot, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery};
use crate::state::AppState;

/// Query parameters of the tie exports.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportParams {
    /// Only the ties of this place (an id or a name), with the places and documents they
    /// cite [default: every tie].
    #[param(value_type = Option<String>, example = "cz-prague")]
    place: Option<String>,
    /// Only the ties with an end in this country (ISO code); excludes `place`.
    #[param(value_type = Option<String>, example = "CZ")]
    country: Option<String>,
    /// `true`: leave out provisional places (names no import could resolve) and their
    /// ties [default: false].
    #[param(value_type = Option<bool>)]
    resolved_only: Option<String>,
}

/// A file as a download, with the name a browser saves it under.
fn download(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// The export use case's request from the query.
pub(crate) fn export_request(
    format: ListFormat,
    params: ExportParams,
) -> Result<ExportRequest, ApiError> {
    let country = params::optional::<CountryCode>("country", params.country.as_deref())?;
    Ok(ExportRequest {
        format,
        scope: ExportRequest::scope_of(params.place, country)?,
        resolved_only: params::flag("resolved_only", params.resolved_only.as_deref())?,
    })
}

async fn exported(
    state: &AppState,
    format: ListFormat,
    params: ExportParams,
) -> Result<Response, ApiError> {
    let request = export_request(format, params)?;
    on_snapshot(state, move |snapshot| {
        let export = snapshot.export(&request)?;
        Ok(download(
            export.format.content_type(),
            &export.file_name,
            export.body,
        ))
    })
    .await
}

/// The ties as one CSV row each. As `polis export csv`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.csv",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "One row per tie", content_type = "text/csv", body = String),
        (status = 400, description = "A parameter does not parse or is unknown, `resolved_only` is not true or false, or both `place` and `country` are given", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ListFormat::Ties(ExportFormat::Csv), params).await
}

/// Places as points and ties as lines. As `polis export geojson`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.geojson",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
        (status = 400, description = "A parameter does not parse or is unknown, `resolved_only` is not true or false, or both `place` and `country` are given", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn export_geojson(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ListFormat::Ties(ExportFormat::Geojson), params).await
}

/// The tie network as GraphML. As `polis export graphml`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.graphml",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "GraphML (Gephi, yEd, networkx, igraph)", content_type = "application/graphml+xml", body = String),
        (status = 400, description = "A parameter does not parse or is unknown, `resolved_only` is not true or false, or both `place` and `country` are given", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn export_graphml(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ListFormat::Ties(ExportFormat::Graphml), params).await
}

/// The tie network as GEXF 1.3 with time intervals. As `polis export gexf`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.gexf",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "GEXF 1.3 with time intervals, for Gephi's timeline", content_type = "application/gexf+xml", body = String),
        (status = 400, description = "A parameter does not parse or is unknown, `resolved_only` is not true or false, or both `place` and `country` are given", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn export_gexf(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ListFormat::Ties(ExportFormat::Gexf), params).await
}

/// The ties with the records they cite as one bundle file (TOML, manifest first), which
/// `polis bundle apply` and `POST /api/v1/proposals` read back. As
/// `polis export bundle FILE.toml`.
#[utoipa::path(
    get,
    path = "/api/v1/export/bundle.toml",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "A one-file bundle: the ties, the places they join (and those they lie in), the documents they cite, every source and batch", content_type = "application/toml", body = String),
        (status = 400, description = "A parameter does not parse, or both `place` and `country` are given", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn export_bundle(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ListFormat::Bundle, params).await
}

/// Query parameters of the search hits' export.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchExportParams {
    /// What to look for, as `/api/v1/search` takes it.
    #[param(value_type = String, example = "Praha")]
    q: Option<String>,
    /// At most this many hits [default: 1000].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// The hits of a search as CSV (`kind,id,label`), best first: the search page's list as a
/// file.
#[utoipa::path(
    get,
    path = "/api/v1/export/search.csv",
    tag = "export",
    params(SearchExportParams),
    responses(
        (status = 200, description = "One row per hit", content_type = "text/csv", body = String),
        (status = 400, description = "`q` is missing, or `limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn export_search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchExportParams>,
) -> Result<Response, ApiError> {
    let query = params::required_text("q", params.q.as_deref(), "the text to look for")?;
    let limit = params::number("limit", params.limit.as_deref(), MAX_LIMIT, 1, MAX_LIMIT)?;
    let hits = state.app().search(&query, size(limit)).await?;
    Ok(download(
        ExportFormat::Csv.content_type(),
        "polis-search.csv",
        search_hits_csv(&hits)?,
    ))
}

/// One table of the dashboard as CSV: `per-year.csv`, `countries.csv`, `country-pairs.csv`,
/// `concentration.csv`, `figures.csv`, `quality.csv`; the rows `/api/v1/dashboard` holds.
#[utoipa::path(
    get,
    path = "/api/v1/export/dashboard/{table}",
    tag = "export",
    params(
        ("table" = inline(crate::schema::DashboardTableFile), Path, description = "The table's file name", example = "countries.csv"),
        super::views::CountryBasisParams,
    ),
    responses(
        (status = 200, description = "The table's rows", content_type = "text/csv", body = String),
        (status = 400, description = "`country_basis` is not one of iso, claim, both", body = ErrorBody),
        (status = 404, description = "No table has this name", body = ErrorBody),
    )
)]
pub(crate) async fn export_dashboard_table(
    State(state): State<AppState>,
    Path(table): Path<String>,
    ApiQuery(params): ApiQuery<super::views::CountryBasisParams>,
) -> Result<Response, ApiError> {
    let table = DashboardTable::from_file_name(&table)?;
    let basis = params.basis()?;
    let quality = state.app().quality().await?;
    on_snapshot(&state, move |snapshot| {
        let body = snapshot.dashboard(quality, basis).table_csv(table)?;
        Ok(download(
            ExportFormat::Csv.content_type(),
            &format!("polis-dashboard-{}.csv", table.name()),
            body,
        ))
    })
    .await
}
