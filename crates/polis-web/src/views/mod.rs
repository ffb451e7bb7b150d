//! One module per page, each a function from a service-layer view-model to a whole page in
//! the shared frame, and the small pieces they share (links to records and sources, status
//! badges).

pub mod dashboard;
pub mod dossier;
pub mod edit;
pub mod errors;
pub mod explore;
pub mod map;
pub mod resolution;
pub mod review;
pub mod search;
pub mod tie;

use maud::{Markup, html};
use polis_core::{Source, TieStatus};

/// The page of a place.
pub fn place_href(id: &str) -> String {
    format!("/places/{}", encode(id))
}

/// The page of a tie.
pub fn tie_href(id: &str) -> String {
    format!("/ties/{}", encode(id))
}

/// Percent-encodes what may not stand in a path segment or a query value as it is.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A tie status as a coloured badge with its name (colour is never the only sign).
pub fn status_badge(status: TieStatus) -> Markup {
    html! { span class={"status status-" (status.as_str())} { (status.as_str().replace('_', " ")) } }
}

/// Links to the sources with these ids: to the source's own URL when it has one, else to
/// its entry in the page's list of sources.
pub fn source_links<'a>(ids: &'a [String], sources: &'a [&'a Source]) -> Markup {
    html! {
        @for id in ids {
            @let source = sources.iter().find(|s| &s.id == id);
            @let title = source.map_or(id.as_str(), |s| s.title.as_str());
            @match source.and_then(|s| s.url.as_deref()) {
                Some(url) => { a.source href=(url) rel="noreferrer" title=(title) data-source=(id) { (short(title)) } " " }
                None => { a.source href={"#source-" (id)} title=(title) data-source=(id) { (short(title)) } " " }
            }
        }
    }
}

/// The list of sources a page cites, each with an anchor the source links point at.
pub fn source_list(sources: &[&Source]) -> Markup {
    html! {
        @if sources.is_empty() {
            p.empty { "No sources cited." }
        } @else {
            ol.sources {
                @for source in sources {
                    li #{"source-" (source.id)} {
                        @match source.url.as_deref() {
                            Some(url) => { a href=(url) rel="noreferrer" { (source.title) } }
                            None => { (source.title) }
                        }
                        @if let Some(publisher) = &source.publisher { ", " (publisher) }
                        @if let Some(published) = &source.published { " (" (published.to_string()) ")" }
                        " " code { (source.id) }
                    }
                }
            }
        }
    }
}

/// A long title shortened for inline links.
fn short(title: &str) -> String {
    const MAX: usize = 48;
    if title.chars().count() <= MAX {
        title.to_owned()
    } else {
        let cut: String = title.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

/// The export links every list of ties offers (the API's exports, `/api/v1/export/`):
/// `scope` is the list's query (`place=ID`, `country=CC`) or empty for every tie.
pub fn export_links(what: &str, scope: &str) -> Markup {
    let href = |file: &str| {
        if scope.is_empty() {
            format!("/api/v1/export/{file}")
        } else {
            format!("/api/v1/export/{file}?{scope}")
        }
    };
    html! {
        p.exports {
            "Download " (what) ": "
            a href=(href("ties.csv")) download { "CSV" } " · "
            a href=(href("ties.geojson")) download { "GeoJSON" } " · "
            a href=(href("ties.gexf")) download { "GEXF" } " · "
            a href=(href("ties.graphml")) download { "GraphML" } " · "
            a href=(href("bundle.toml")) download { "bundle" }
        }
    }
}
