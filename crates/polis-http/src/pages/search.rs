//! Search, `/search?q=`, and the search box's suggestions, `/search/suggest?q=`: the
//! service layer's full-text search, each hit linked to the page it is best read on.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use polis_store::SearchHit;
use polis_web::views::search::{Hit, search_page, suggestions};
use polis_web::views::{encode, place_href};
use serde::Deserialize;

use super::{PageError, PageQuery, html};
use crate::state::AppState;

/// How many hits the search page lists, and how many the search box suggests.
const PAGE_HITS: usize = 50;
const SUGGESTED_HITS: usize = 8;

#[derive(Deserialize)]
pub(crate) struct SearchParams {
    q: Option<String>,
}

/// Where each hit leads: a place to its dossier, an actor to the explorer around it, a
/// network to the map of its ties, a document to the dossier of a place it concerns.
async fn hits_with_links<'a>(
    state: &AppState,
    hits: &'a [SearchHit],
) -> Result<Vec<Hit<'a>>, PageError> {
    let snapshot = state.app().snapshot().await?;
    Ok(hits
        .iter()
        .map(|hit| {
            let href = match hit.kind.as_str() {
                "place" => place_href(&hit.id),
                "network" => format!("/?network={}", encode(&hit.id)),
                "document" => match snapshot.document_place(&hit.id) {
                    Some(place) => format!("{}#doc-{}", place_href(place), hit.id),
                    None => format!("/search?q={}", encode(&hit.label)),
                },
                _ => format!("/explore?of={}", encode(&hit.id)),
            };
            Hit {
                kind: &hit.kind,
                id: &hit.id,
                label: &hit.label,
                href,
            }
        })
        .collect())
}

pub(crate) async fn search(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<SearchParams>,
) -> Result<Response, PageError> {
    let query = params.q.unwrap_or_default().trim().to_owned();
    if query.is_empty() {
        return Ok(html(StatusCode::OK, search_page("", PAGE_HITS, &[], None)));
    }
    match state.app().search(&query, PAGE_HITS).await {
        Ok(hits) => {
            let linked = hits_with_links(&state, &hits).await?;
            Ok(html(
                StatusCode::OK,
                search_page(&query, PAGE_HITS, &linked, None),
            ))
        }
        Err(error @ (polis_app::AppError::BadInput(_) | polis_app::AppError::Invalid(_))) => {
            Ok(html(
                StatusCode::BAD_REQUEST,
                search_page(&query, PAGE_HITS, &[], Some(&error.to_string())),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

pub(crate) async fn suggest(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<SearchParams>,
) -> Result<Response, PageError> {
    let query = params.q.unwrap_or_default().trim().to_owned();
    let hits = if query.is_empty() {
        Vec::new()
    } else {
        // A query the index cannot take suggests nothing; the search page says why.
        state
            .app()
            .search(&query, SUGGESTED_HITS)
            .await
            .unwrap_or_default()
    };
    let linked = hits_with_links(&state, &hits).await?;
    Ok(html(StatusCode::OK, suggestions(&linked)))
}
