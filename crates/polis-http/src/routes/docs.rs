//! The API's documentation for people: Swagger UI over `/api/v1/openapi.json`, from the
//! copy vendored in `polis-web` (`assets/vendor/swagger-ui`, npm's swagger-ui-dist at a
//! pinned version) and served from the embedded assets, so the page needs no other host.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::params::{ApiQuery, NoParams};

/// What the page may load: only this server's own scripts and styles (Swagger UI sets
/// inline styles and draws icons from `data:` URLs).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Swagger UI: every endpoint of `/api/v1/openapi.json`, with a form to try each (paste a
/// token under "Authorize" for the ones that need it).
#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "meta",
    responses(
        (status = 200, description = "The Swagger UI page (HTML)", content_type = "text/html"),
        (status = 400, description = "A parameter was given; none is accepted", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn swagger_ui(ApiQuery(_): ApiQuery<NoParams>) -> Result<Response, ApiError> {
    let css = polis_web::asset_url("vendor/swagger-ui/swagger-ui.css");
    let bundle = polis_web::asset_url("vendor/swagger-ui/swagger-ui-bundle.js");
    let init = polis_web::asset_url("api-docs.js");
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>polis API</title>\n<link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body>\n\
         <div id=\"swagger-ui\" data-openapi=\"/api/v1/openapi.json\"></div>\n\
         <script src=\"{bundle}\"></script>\n<script src=\"{init}\"></script>\n</body>\n</html>\n"
    );
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    Ok(response)
}
