//! A place's dossier, `/places/{place}`, and a tie's page, `/ties/{tie}`. A former id of a
//! merged place redirects for good (301) to the survivor's page; a name redirects to the
//! page under the place's id.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use polis_web::views::dossier::{dossier_page, network_metrics};
use polis_web::views::{place_href, tie::tie_page};

use super::{PageError, html, on_snapshot};
use crate::state::AppState;

fn redirect(status: StatusCode, to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (status, [(header::LOCATION, location)]).into_response()
}

pub(crate) async fn dossier(
    State(state): State<AppState>,
    Path(query): Path<String>,
) -> Result<Response, PageError> {
    on_snapshot(&state, move |snapshot| {
        if let Some(survivor) = snapshot.place_redirect(&query) {
            return Ok(redirect(
                StatusCode::MOVED_PERMANENTLY,
                &place_href(survivor),
            ));
        }
        let dossier = snapshot.dossier(&query, None)?;
        if dossier.view.place.id != query {
            return Ok(redirect(
                StatusCode::FOUND,
                &place_href(&dossier.view.place.id),
            ));
        }
        Ok(html(StatusCode::OK, dossier_page(&dossier, snapshot)))
    })
    .await
}

pub(crate) async fn tie(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    on_snapshot(&state, move |snapshot| {
        let view = snapshot.tie(&id, None)?;
        Ok(html(StatusCode::OK, tie_page(&view)))
    })
    .await
}

/// The dossier's network metrics as a fragment (the dossier asks for it once it shows, so
/// that the first dossier of a snapshot does not wait for the whole network's betweenness).
pub(crate) async fn dossier_metrics(
    State(state): State<AppState>,
    Path(query): Path<String>,
) -> Result<Response, PageError> {
    on_snapshot(&state, move |snapshot| {
        let place = snapshot.resolve_place(&query)?.id.clone();
        let ranks = snapshot.place_ranks(&place)?;
        Ok(html(StatusCode::OK, network_metrics(ranks.as_ref())))
    })
    .await
}
