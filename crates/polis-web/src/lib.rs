//! The polis web UI: the pages as maud views over the service layer's view-models
//! ([`views`], in the frame of [`layout`]), and their assets (the stylesheet, the page
//! scripts, the vendored JavaScript libraries and the world atlas), embedded in the binary
//! and named by a hash of their content, so they can be cached for a year; each is kept
//! gzip-compressed too. This crate knows neither axum nor the store: the page handlers in
//! `polis-http` call the service layer and hand its answers to these views.

pub mod layout;
pub mod views;

use std::io::Write;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Files;

/// One embedded file, under its content-hashed name (`vendor/htmx.min.abcd1234.js`).
pub struct Asset {
    pub path: String,
    pub hashed_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub gzipped: Vec<u8>,
}

/// Every embedded asset, hashed and compressed once.
pub fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        Files::iter()
            .filter_map(|path| {
                let file = Files::get(&path)?;
                let bytes = file.data.into_owned();
                let hash = Sha256::digest(&bytes);
                let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
                let hashed_name = match path.rsplit_once('.') {
                    Some((stem, extension)) => format!("{stem}.{short}.{extension}"),
                    None => format!("{path}.{short}"),
                };
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                encoder.write_all(&bytes).ok()?;
                let gzipped = encoder.finish().ok()?;
                Some(Asset {
                    content_type: content_type(&path),
                    path: path.into_owned(),
                    hashed_name,
                    bytes,
                    gzipped,
                })
            })
            .collect()
    })
}

/// The asset with this content-hashed name.
pub fn asset(hashed_name: &str) -> Option<&'static Asset> {
    assets().iter().find(|a| a.hashed_name == hashed_name)
}

/// The URL of an embedded asset by its path under `assets/` (`polis.css`,
/// `vendor/htmx.min.js`): `/assets/` and its content-hashed name. A path that is not
/// embedded is a bug of this crate, and its URL answers 404.
pub fn asset_url(path: &str) -> String {
    match assets().iter().find(|a| a.path == path) {
        Some(asset) => format!("/assets/{}", asset.hashed_name),
        None => format!("/assets/{path}"),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("css") => "text/css; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}
