//! The network explorer, `/explore`: the neighbourhood of a record (drawn by the page's
//! script from `/api/v1/graph/neighbourhood`) and the chains between two records, as
//! `/api/v1/path` finds them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use polis_app::{DateWindow, PathQuery, Through, TimeRule};
use polis_core::PartialDate;
use polis_web::views::explore::{ExplorePage, explore_page};
use serde::Deserialize;

use super::{PageError, PageQuery, html, on_snapshot, parameter};
use crate::state::AppState;

/// The record the explorer starts from when given none: Prague, whose mayors, parties,
/// offices and partner cities make the Prague–Beijing case of the reference dataset.
pub const DEFAULT_CENTRE: &str = "cz-prague";

/// The deepest neighbourhood the explorer draws (the API's limit too).
const MAX_DEPTH: usize = 4;

#[derive(Deserialize)]
pub(crate) struct ExploreParams {
    of: Option<String>,
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
    during: Option<String>,
    through: Option<String>,
    depth: Option<String>,
}

fn text(value: Option<String>) -> String {
    value.map(|v| v.trim().to_owned()).unwrap_or_default()
}

/// The date or window, and what to follow, as the form gives them.
fn times(
    as_of: &str,
    during: &str,
    through: &str,
) -> Result<(Option<PartialDate>, TimeRule, Option<Through>), PageError> {
    let as_of = parameter::<PartialDate>("as_of", Some(as_of))?;
    let during = parameter::<DateWindow>("during", Some(during))?;
    polis_app::neighbourhood_time(as_of, during)?;
    let time = polis_app::path_time(during, false)?;
    let through = parameter::<Through>("through", Some(through))?;
    Ok((as_of, time, through))
}

pub(crate) async fn explore(
    State(state): State<AppState>,
    PageQuery(params): PageQuery<ExploreParams>,
) -> Result<Response, PageError> {
    let (from, to, as_of_text, during_text, through_text) = (
        text(params.from),
        text(params.to),
        text(params.as_of),
        text(params.during),
        text(params.through),
    );
    // How many links away the network is drawn: what `/api/v1/graph/neighbourhood` takes.
    let depth = match parameter::<usize>("depth", params.depth.as_deref())? {
        None => polis_app::DEFAULT_NEIGHBOURHOOD_DEPTH,
        Some(depth) if (1..=MAX_DEPTH).contains(&depth) => depth,
        Some(other) => {
            return Err(PageError::BadRequest(format!(
                "parameter `depth`: '{other}' is not accepted: use a whole number from 1 to {MAX_DEPTH}"
            )));
        }
    };
    let mut of = text(params.of);
    if of.is_empty() {
        of = if from.is_empty() {
            DEFAULT_CENTRE.to_owned()
        } else {
            from.clone()
        };
    }
    // A bad date, window or `through` is shown beside the form rather than as an error
    // page. A date and a window exclude each other (the service layer's rule).
    let parsed = times(&as_of_text, &during_text, &through_text);
    on_snapshot(&state, move |snapshot| {
        let mut error = None;
        let mut answer = None;
        match parsed {
            Err(PageError::BadRequest(message)) => error = Some(message),
            Err(other) => return Err(other),
            Ok((as_of, time, through)) if !from.is_empty() && !to.is_empty() => {
                let query = PathQuery {
                    from: from.clone(),
                    to: to.clone(),
                    through,
                    as_of,
                    time,
                    max_chains: polis_app::options::DEFAULT_MAX_CHAINS,
                };
                match snapshot.path(&query) {
                    Ok(found) => answer = Some(found),
                    Err(e) => error = Some(e.to_string()),
                }
            }
            Ok(_) if !from.is_empty() || !to.is_empty() => {
                error = Some("give both ends, `from` and `to`, to find who connects them".into())
            }
            Ok(_) => {}
        }
        let page = ExplorePage {
            of: &of,
            from: &from,
            to: &to,
            as_of: &as_of_text,
            during: &during_text,
            through: &through_text,
            through_names: &Through::NAMES,
            depth,
            max_depth: MAX_DEPTH,
            path: answer.as_ref(),
            error,
        };
        Ok(html(StatusCode::OK, explore_page(&page)))
    })
    .await
}
