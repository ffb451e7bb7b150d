//! Names: `/resolve?name=&country=`, what a name resolves to, and `/unresolved`, the names
//! waiting for a decision: the service layer's resolution use cases, as
//! `/api/v1/resolve` and `/api/v1/unresolved` answer them, drawn by `polis-web`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use polis_app::NameQuery;
use polis_web::views::resolution::{ResolvePage, resolve_page, unresolved_page};
use serde::Deserialize;

use super::{PageError, PageQuery, html, parameter};
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct ResolveParams {
    name: Option<String>,
    country: Option<String>,
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<ResolveParams>,
) -> Result<Response, PageError> {
    let name = params.name.unwrap_or_default();
    let country = params.country.unwrap_or_default();
    let form = ResolvePage {
        name: &name,
        country: &country,
        resolution: None,
        error: None,
    };
    // The bare page is the form; a submitted form is checked by the domain's rule.
    if name.is_empty() && country.is_empty() {
        return Ok(html(StatusCode::OK, resolve_page(&form)));
    }
    let query = match NameQuery::new(&name, Some(&country)) {
        Ok(query) => query,
        Err(error) => {
            return Ok(html(
                StatusCode::BAD_REQUEST,
                resolve_page(&ResolvePage {
                    error: Some((error.field, &error.message)),
                    ..form
                }),
            ));
        }
    };
    let resolution = state
        .app()
        .resolution(query, polis_app::options::DEFAULT_CANDIDATES)
        .await?;
    Ok(html(
        StatusCode::OK,
        resolve_page(&ResolvePage {
            resolution: Some(&resolution),
            ..form
        }),
    ))
}

#[derive(Deserialize)]
pub(crate) struct UnresolvedParams {
    limit: Option<String>,
}

/// The most names the page lists (the API's limit).
const MAX_LIMIT: usize = polis_app::options::MAX_PAGE_SIZE;

pub(crate) async fn unresolved(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<UnresolvedParams>,
) -> Result<Response, PageError> {
    let limit = match parameter::<usize>("limit", params.limit.as_deref())? {
        None => polis_app::options::DEFAULT_UNRESOLVED_LIMIT,
        Some(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
        Some(other) => {
            return Err(PageError::BadRequest(format!(
                "parameter `limit`: '{other}' is not accepted: use a whole number from 1 to {MAX_LIMIT}"
            )));
        }
    };
    let page = state.app().unresolved_page(limit).await?;
    Ok(html(StatusCode::OK, unresolved_page(&page)))
}
