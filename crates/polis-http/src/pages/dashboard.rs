//! The dashboard, `/dashboard`: the service layer's dashboard numbers (with the quality
//! report, which needs the store's unresolved queue), drawn as server-side SVG charts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use polis_app::CountryBasis;
use polis_web::views::dashboard::dashboard_page;
use serde::Deserialize;

use super::{PageError, PageQuery, html, on_snapshot, parameter};
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct DashboardParams {
    country_basis: Option<String>,
}

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<DashboardParams>,
) -> Result<Response, PageError> {
    let basis = parameter::<CountryBasis>("country_basis", params.country_basis.as_deref())?
        .unwrap_or_default();
    let quality = state.app().quality().await?;
    on_snapshot(&state, move |snapshot| {
        Ok(html(
            StatusCode::OK,
            dashboard_page(&snapshot.dashboard(quality, basis)),
        ))
    })
    .await
}
