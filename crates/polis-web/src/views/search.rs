//! Search, `/search?q=`: the hits across places, actors, networks and documents, in any
//! script; and the suggestions the search box shows as one types, `/search/suggest?q=`.

use maud::{Markup, html};

use super::encode;
use crate::layout::{Frame, Section, page, search_form};

/// A hit with the page it leads to.
pub struct Hit<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub label: &'a str,
    pub href: String,
}

/// The search page: the form, and the hits when a query was given (at most `limit`, which
/// the JSON and CSV links ask for too).
pub fn search_page(query: &str, limit: usize, hits: &[Hit], error: Option<&str>) -> Markup {
    let json = if query.is_empty() {
        "/api/v1/search?q=".to_owned()
    } else {
        format!("/api/v1/search?q={}&limit={limit}", encode(query))
    };
    let csv = format!(
        "/api/v1/export/search.csv?q={}&limit={limit}",
        encode(query)
    );
    let frame = Frame {
        title: if query.is_empty() { "Search" } else { query },
        section: Section::Search,
        json: &json,
        scripts: &[],
        query,
    };
    let body = html! {
        h1 { @if query.is_empty() { "Search" } @else { "Search: " (query) } }
        @if query.is_empty() {
            p { "Look for a place, a person, an organisation, a network or a document, in any language or script: "
                a href="/search?q=Praha" { "Praha" } ", " a href="/search?q=%E5%B8%83%E6%8B%89%E6%A0%BC" { "布拉格" } ", "
                a href="/search?q=Hrib" { "Hrib" } "." }
            (search_form(""))
        } @else if let Some(error) = error {
            p.error role="alert" { (error) }
        } @else if hits.is_empty() {
            p.empty { "Nothing matches “" (query) "”. Try another spelling, or fewer words." }
        } @else {
            p { (hits.len()) @if hits.len() == 1 { " hit. " } @else { " hits. " }
                a.csv-link href=(csv) download { "Download the hits as CSV" } " · "
                a href=(json) { "as JSON" } }
        }
        ol #results {
            @for hit in hits {
                li data-kind=(hit.kind) { a href=(hit.href) { (hit.label) } " " small.kind { (hit.kind) } " " code { (hit.id) } }
            }
        }
    };
    page(&frame, body)
}

/// The suggestions for the search box: a fragment htmx swaps in for `#suggestions`.
pub fn suggestions(hits: &[Hit]) -> Markup {
    html! {
        ul #suggestions aria-live="polite" {
            @for hit in hits {
                li { a href=(hit.href) { (hit.label) } " " small.kind { (hit.kind) } }
            }
        }
    }
}
