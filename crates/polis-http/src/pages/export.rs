//! The exports of the pages' lists, `/export/{file}` (`ties.csv`, `ties.geojson`,
//! `ties.gexf`, `ties.graphml`, `bundle.toml`), of every tie or, with `place=` or
//! `country=`, of a dossier's or a country's ties: the service layer's `export_list`.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use polis_app::{CountryCode, ExportScope, ListFormat};
use serde::Deserialize;

use super::{PageError, PageQuery, on_snapshot, parameter};
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ExportParams {
    place: Option<String>,
    country: Option<String>,
}

pub(crate) async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    PageQuery(params): PageQuery<ExportParams>,
) -> Result<Response, PageError> {
    let format = ListFormat::from_file_name(&file)?;
    let country = parameter::<CountryCode>("country", params.country.as_deref())?;
    let place = params.place.filter(|p| !p.trim().is_empty());
    let scope = match (place, country) {
        (Some(_), Some(_)) => {
            return Err(PageError::BadRequest(
                "give `place` or `country`, not both".to_owned(),
            ));
        }
        (Some(place), None) => ExportScope::Place(place),
        (None, Some(country)) => ExportScope::Country(country),
        (None, None) => ExportScope::All,
    };
    on_snapshot(&state, move |snapshot| {
        let export = snapshot.export_list(format, &scope)?;
        Ok((
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(export.format.content_type()),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"{}\"",
                        export.file_name
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
