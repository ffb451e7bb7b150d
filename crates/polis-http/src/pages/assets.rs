//! The embedded assets under their content-hashed names: cached for a year (a new content
//! has a new name), and sent gzip-compressed to clients that accept it.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::PageError;

pub(crate) async fn asset(Path(name): Path<String>, request: HeaderMap) -> Response {
    let Some(asset) = polis_web::asset(&name) else {
        return PageError::NotFound(format!("There is no asset named {name}.")).into_response();
    };
    let gzip = accepts_gzip(&request);
    let mut response = (
        StatusCode::OK,
        if gzip {
            asset.gzipped.clone()
        } else {
            asset.bytes.clone()
        },
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// Does `Accept-Encoding` accept gzip (and not with `q=0`)?
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}
