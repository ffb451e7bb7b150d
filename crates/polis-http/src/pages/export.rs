//! The pages' former export URLs, `/export/{file}?place=|country=`: the exports are the
//! API's (`/api/v1/export/{file}`, the one export use case), so these answer a permanent
//! redirect there with the same query. A name that is no export answers the 400 page saying
//! which are.

use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Redirect, Response};
use polis_app::ListFormat;

use super::PageError;

pub(crate) async fn export(
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    ListFormat::from_file_name(&file)?;
    let target = match query.filter(|q| !q.is_empty()) {
        Some(query) => format!("/api/v1/export/{file}?{query}"),
        None => format!("/api/v1/export/{file}"),
    };
    Ok(Redirect::permanent(&target).into_response())
}
