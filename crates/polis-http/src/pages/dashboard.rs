//! The dashboard, `/dashboard`: the service layer's dashboard numbers (with the quality
//! report, which needs the store's unresolved queue), drawn as server-side SVG charts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use polis_web::views::dashboard::dashboard_page;

use super::{PageError, html, on_snapshot};
use crate::state::AppState;

pub(crate) async fn dashboard(State(state): State<AppState>) -> Result<Response, PageError> {
    let quality = state.app().quality().await?;
    on_snapshot(&state, move |snapshot| {
        Ok(html(
            StatusCode::OK,
            dashboard_page(&snapshot.dashboard(quality)),
        ))
    })
    .await
}
