//! The tie network as files for other tools.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::response::Response;
use polis_app::ExportFormat;

use super::on_snapshot;
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery};
use crate::state::AppState;

/// Query parameters of the exports.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportParams {
    /// `true`: leave out provisional places (names no import could resolve) and their
    /// ties [default: false].
    #[param(value_type = Option<bool>)]
    resolved_only: Option<String>,
}

/// The export as a download, with a name for browsers that save it.
async fn exported(
    state: &AppState,
    format: ExportFormat,
    params: ExportParams,
) -> Result<Response, ApiError> {
    let resolved_only = params::flag("resolved_only", params.resolved_only.as_deref())?;
    on_snapshot(state, move |snapshot| {
        let export = snapshot.export(format, resolved_only)?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(format.content_type()),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"{}\"",
                        format.file_name()
                    ))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
                ),
            ],
            export.body,
        )
            .into_response())
    })
    .await
}

/// Every tie as one CSV row. As `polis export csv`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.csv",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "One row per tie", content_type = "text/csv", body = String),
        (status = 400, description = "`resolved_only` is not true or false, given twice, or a parameter is unknown", body = ErrorBody),
    )
)]
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ExportFormat::Csv, params).await
}

/// Places as points and ties as lines. As `polis export geojson`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.geojson",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
        (status = 400, description = "`resolved_only` is not true or false, given twice, or a parameter is unknown", body = ErrorBody),
    )
)]
pub(crate) async fn export_geojson(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ExportFormat::Geojson, params).await
}

/// The tie network as GraphML. As `polis export graphml`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.graphml",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "GraphML (Gephi, yEd, networkx, igraph)", content_type = "application/graphml+xml", body = String),
        (status = 400, description = "`resolved_only` is not true or false, given twice, or a parameter is unknown", body = ErrorBody),
    )
)]
pub(crate) async fn export_graphml(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ExportFormat::Graphml, params).await
}

/// The tie network as GEXF 1.3 with time intervals. As `polis export gexf`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.gexf",
    tag = "export",
    params(ExportParams),
    responses(
        (status = 200, description = "GEXF 1.3 with time intervals, for Gephi's timeline", content_type = "application/gexf+xml", body = String),
        (status = 400, description = "`resolved_only` is not true or false, given twice, or a parameter is unknown", body = ErrorBody),
    )
)]
pub(crate) async fn export_gexf(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    exported(&state, ExportFormat::Gexf, params).await
}
