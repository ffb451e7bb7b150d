//! The world map, `/`: the layer's filters, year and selected place, rendered on the
//! server; the map script then draws `/api/v1/map` on the canvas.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use polis_app::{CountryCode, MapFilter};
use polis_core::{TieKind, TieStatus};
use polis_web::views::map::{MapPage, map_page};
use serde::Deserialize;

use super::{PageError, PageQuery, html, on_snapshot, parameter};
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct MapParams {
    place: Option<String>,
    year: Option<String>,
    country: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    network: Option<String>,
}

pub(crate) async fn map(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<MapParams>,
) -> Result<Response, PageError> {
    let filter = MapFilter {
        country: parameter::<CountryCode>("country", params.country.as_deref())?
            .map(|c| c.as_str().to_owned()),
        kind: parameter::<TieKind>("kind", params.kind.as_deref())?,
        status: parameter::<TieStatus>("status", params.status.as_deref())?,
        network: params.network.filter(|n| !n.trim().is_empty()),
    };
    let year = parameter::<u16>("year", params.year.as_deref())?;
    let place = params.place.filter(|p| !p.trim().is_empty());
    on_snapshot(&state, move |snapshot| {
        let layer = snapshot.map_layer();
        let (first, last) = layer.year_range();
        let year = year.map_or(last, |y| y.clamp(first, last));
        let selected = place.as_deref().and_then(|id| {
            layer
                .place(id)
                .or_else(|| snapshot.place_redirect(id).and_then(|s| layer.place(s)))
        });
        let page = MapPage {
            layer: &layer,
            year,
            filter: &filter,
            place: selected,
            place_not_on_map: if selected.is_none() {
                place.as_deref()
            } else {
                None
            },
        };
        Ok(html(StatusCode::OK, map_page(&page)))
    })
    .await
}
