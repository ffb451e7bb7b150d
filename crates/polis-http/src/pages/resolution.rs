//! Names: `/resolve?name=&country=`, what a name resolves to, and `/unresolved`, the names
//! waiting for a decision: the service layer's resolution use cases, as
//! `/api/v1/resolve` and `/api/v1/unresolved` answer them, drawn by `polis-web`; and
//! `POST /resolve/decide`, a reviewer's "This is the place" on either page, which calls the
//! same use case as `POST /api/v1/decisions` and comes back to the page (303) to confirm
//! what is remembered now.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use polis_app::{AppError, DecisionRequest, NameQuery};
use polis_web::views::resolution::{
    BACK_TO_QUEUE, Deciding, DecisionNotice, ResolvePage, SourceContext, resolve_href,
    resolve_page, unresolved_page,
};
use serde::Deserialize;

use super::session::{MaybeSignedIn, Posted, SignedIn};
use super::{PageError, PageQuery, html, parameter};
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct ResolveParams {
    name: Option<String>,
    country: Option<String>,
    /// The source's point and population, as typed: they choose among places of the name.
    lat: Option<String>,
    lon: Option<String>,
    population: Option<String>,
    /// Set by the redirect after a decision: the page confirms what is remembered now.
    decided: Option<String>,
    /// With `decided`: the provisional place the decision merged, if any.
    merged: Option<String>,
}

/// Who is looking, as the pages' decision forms need it.
fn deciding(signed_in: Option<&SignedIn>) -> Deciding {
    Deciding {
        user: signed_in.map(SignedIn::user_bar),
        notice: None,
    }
}

/// The notice after a decision was recorded: what the store remembers for the name now
/// (so a link cannot make the page claim a decision that was not made), and the merge of
/// the provisional place, where its id now redirects.
async fn remembered_notice(
    state: &AppState,
    name: &str,
    country: Option<&str>,
    merged: Option<&str>,
) -> Result<Option<DecisionNotice>, PageError> {
    let Ok(query) = NameQuery::new(name, country) else {
        return Ok(None);
    };
    let Some(decided) = state.app().remembered(&query).await? else {
        return Ok(None);
    };
    let snapshot = state.app().snapshot().await?;
    let merged = merged.and_then(|provisional| {
        snapshot
            .find_places(provisional)
            .first()
            .filter(|place| {
                place.id != provisional && place.former_ids.iter().any(|f| f == provisional)
            })
            .map(|place| (provisional.to_owned(), place.id.clone()))
    });
    Ok(Some(DecisionNotice::Remembered {
        decided: Box::new(decided),
        merged,
    }))
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    PageQuery(params): PageQuery<ResolveParams>,
) -> Result<Response, PageError> {
    let mut deciding = deciding(signed_in.as_ref());
    let name = params.name.unwrap_or_default();
    let country = params.country.unwrap_or_default();
    if params.decided.is_some() {
        deciding.notice =
            remembered_notice(&state, &name, Some(&country), params.merged.as_deref()).await?;
    }
    let context = SourceContext {
        lat: params.lat.as_deref().unwrap_or_default(),
        lon: params.lon.as_deref().unwrap_or_default(),
        population: params.population.as_deref().unwrap_or_default(),
    };
    show_resolve(&state, &name, &country, context, &deciding, StatusCode::OK).await
}

/// A number typed in the form, or `None` when the field is empty; the message names what
/// would be accepted.
fn typed<T: std::str::FromStr>(
    field: &'static str,
    text: &str,
    accepted: &str,
) -> Result<Option<T>, polis_app::NameQueryError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| polis_app::NameQueryError {
            field,
            message: format!("'{text}' is not {accepted}"),
        })
}

/// The question the form asks: the name and country, with the source's point and count.
fn name_query(
    name: &str,
    country: &str,
    context: SourceContext<'_>,
) -> Result<NameQuery, polis_app::NameQueryError> {
    let lat = typed(
        "lat",
        context.lat,
        "a latitude: give degrees from -90 to 90",
    )?;
    let lon = typed(
        "lon",
        context.lon,
        "a longitude: give degrees from -180 to 180",
    )?;
    let population = typed(
        "population",
        context.population,
        "a count of people: give a whole number, such as 237000",
    )?;
    NameQuery::new(name, Some(country))?.with_context(lat, lon, population)
}

/// The resolve page for `name` and `country` (the bare form when both are empty).
async fn show_resolve(
    state: &AppState,
    name: &str,
    country: &str,
    context: SourceContext<'_>,
    deciding: &Deciding,
    status: StatusCode,
) -> Result<Response, PageError> {
    let form = ResolvePage {
        name,
        country,
        context,
        resolution: None,
        error: None,
        deciding,
    };
    // The bare page is the form; a submitted form is checked by the domain's rule.
    if name.is_empty() && country.is_empty() && context.is_empty() {
        return Ok(html(status, resolve_page(&form)));
    }
    let query = match name_query(name, country, context) {
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
        status,
        resolve_page(&ResolvePage {
            resolution: Some(&resolution),
            ..form
        }),
    ))
}

#[derive(Deserialize)]
pub(crate) struct UnresolvedParams {
    limit: Option<String>,
    /// Set by the redirect after a decision, with the name and country decided.
    decided: Option<String>,
    name: Option<String>,
    country: Option<String>,
    merged: Option<String>,
}

/// The most names the page lists (the API's limit).
const MAX_LIMIT: usize = polis_app::options::MAX_PAGE_SIZE;

pub(crate) async fn unresolved(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
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
    let mut deciding = deciding(signed_in.as_ref());
    if params.decided.is_some() {
        deciding.notice = remembered_notice(
            &state,
            params.name.as_deref().unwrap_or_default(),
            params.country.as_deref(),
            params.merged.as_deref(),
        )
        .await?;
    }
    show_unresolved(&state, limit, &deciding, StatusCode::OK).await
}

async fn show_unresolved(
    state: &AppState,
    limit: usize,
    deciding: &Deciding,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = state.app().unresolved_page(limit).await?;
    Ok(html(status, unresolved_page(&page, deciding)))
}

/// The fields of a "This is the place" form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DecideFields {
    name: String,
    country: String,
    geonames: String,
    place: String,
    /// The page to come back to: `unresolved`, or the name's resolve page.
    back: String,
}

fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/resolve")),
        )],
    )
        .into_response()
}

/// Records the decision a form posts, as `POST /api/v1/decisions` does, and comes back to
/// the page it was posted from; a refusal the user can act on (a role too low, an id that
/// names no place, a merge the records forbid) is shown on that page.
pub(crate) async fn decide(
    State(state): State<AppState>,
    signed_in: SignedIn,
    posted: Posted<DecideFields>,
) -> Result<Response, PageError> {
    signed_in.check_csrf(&posted.csrf)?;
    let fields = posted.form;
    let to_queue = fields.back == BACK_TO_QUEUE;
    let country = Some(fields.country.as_str()).filter(|c| !c.trim().is_empty());
    let outcome = async {
        let query = NameQuery::new(&fields.name, country).map_err(AppError::from)?;
        let geonames = match fields.geonames.trim() {
            "" => None,
            text => Some(text.parse::<u32>().map_err(|_| {
                AppError::Invalid(format!(
                    "`geonames`: '{text}' is not a GeoNames id: use a whole number"
                ))
            })?),
        };
        let decision = DecisionRequest::one_of(geonames, Some(&fields.place))?;
        state
            .app()
            .decide(&signed_in.principal, &query, decision)
            .await
    }
    .await;
    let mut deciding = deciding(Some(&signed_in));
    match outcome {
        Ok(decided) => {
            let merged = decided
                .merged
                .as_ref()
                .map(|m| format!("&merged={}", polis_web::views::encode(&m.provisional)))
                .unwrap_or_default();
            let to = if to_queue {
                let country = decided
                    .country
                    .as_deref()
                    .map(|c| format!("&country={}", polis_web::views::encode(c)))
                    .unwrap_or_default();
                format!(
                    "/unresolved?decided=1&name={}{country}{merged}",
                    polis_web::views::encode(&decided.name)
                )
            } else {
                format!(
                    "{}&decided=1{merged}",
                    resolve_href(&decided.name, Some(&fields.country))
                )
            };
            Ok(see_other(&to))
        }
        // The user's errors are shown on the page; a session that ended and the server's
        // own failures get their own pages.
        Err(error)
            if error.is_users()
                && !matches!(
                    error,
                    AppError::Unauthenticated(_) | AppError::NoDatabase(_)
                ) =>
        {
            let status = match &error {
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                AppError::Conflict(_) | AppError::Stale { .. } | AppError::Store(_) => {
                    StatusCode::CONFLICT
                }
                AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::NotFound { .. } => StatusCode::NOT_FOUND,
                _ => StatusCode::BAD_REQUEST,
            };
            deciding.notice = Some(DecisionNotice::Refused(error.to_string()));
            if to_queue {
                show_unresolved(
                    &state,
                    polis_app::options::DEFAULT_UNRESOLVED_LIMIT,
                    &deciding,
                    status,
                )
                .await
            } else {
                show_resolve(
                    &state,
                    &fields.name,
                    &fields.country,
                    SourceContext::default(),
                    &deciding,
                    status,
                )
                .await
            }
        }
        Err(other) => Err(other.into()),
    }
}
