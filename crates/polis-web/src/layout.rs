//! The frame every page shares: the header with the site name, the navigation and the
//! search-as-you-type box, the `<main>` landmark, and the footer with the link to the JSON
//! behind the page (also given as `<link rel="alternate">`), as the UI contract asks.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::asset_url;

/// The section of the site a page belongs to, so the navigation can mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Map,
    Dashboard,
    Explorer,
    Search,
    /// Resolving names, and the names waiting for a decision.
    Names,
    /// Signing in, proposing, reviewing, the audit log.
    Edit,
    /// A page reached from the others (a dossier, a tie, an error).
    Other,
}

/// What the frame needs to know about a page.
pub struct Frame<'a> {
    /// The page's title, before " · polis".
    pub title: &'a str,
    pub section: Section,
    /// The JSON endpoint behind the page.
    pub json: &'a str,
    /// Page scripts, as asset paths (`map.js`, `vendor/d3-geo.min.js`), loaded in order
    /// after htmx, deferred.
    pub scripts: &'a [&'a str],
    /// What the search box shows (the search page's query).
    pub query: &'a str,
}

const NAVIGATION: &[(Section, &str, &str)] = &[
    (Section::Map, "/", "Map"),
    (Section::Dashboard, "/dashboard", "Dashboard"),
    (Section::Explorer, "/explore", "Explorer"),
    (Section::Search, "/search", "Search"),
    (Section::Names, "/resolve", "Names"),
    (Section::Edit, "/edit", "Edit"),
];

/// A whole page: the frame around `body`.
pub fn page(frame: &Frame, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // htmx would otherwise add an inline <style>, which the page's content
                // security policy refuses.
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false}"#;
                title { (frame.title) " · polis" }
                link rel="stylesheet" href=(asset_url("polis.css"));
                link rel="alternate" type="application/json" href=(frame.json);
                script src=(asset_url("vendor/htmx.min.js")) defer {}
                script src=(asset_url("polis.js")) defer {}
                @for script in frame.scripts {
                    script src=(asset_url(script)) defer {}
                }
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.site {
                    a.site-name href="/" { "polis" }
                    span.tagline { "city diplomacy observatory" }
                    nav aria-label="Main" {
                        ul {
                            @for (section, href, label) in NAVIGATION {
                                li {
                                    @if *section == frame.section {
                                        a href=(href) aria-current="page" { (label) }
                                    } @else {
                                        a href=(href) { (label) }
                                    }
                                }
                            }
                        }
                    }
                    (search_box(frame.query))
                }
                main #main tabindex="-1" {
                    (body)
                }
                footer.site {
                    a.json-link href=(frame.json) { "JSON behind this page" }
                    " · "
                    a href="/api/v1/openapi.json" { "API" }
                    " · polis"
                }
            }
        }
    }
}

/// The search box of every page: a GET form to `/search` that also suggests hits as one
/// types (htmx replaces `#suggestions` with `/search/suggest`'s answer).
pub fn search_box(query: &str) -> Markup {
    html! {
        form.search role="search" action="/search" method="get" {
            label for="search" { "Search places, people, organisations, networks, documents" }
            input #search type="search" name="q" value=(query) autocomplete="off"
                placeholder="Praha, 布拉格, Hrib…"
                aria-controls="suggestions"
                hx-get="/search/suggest" hx-trigger="input changed delay:150ms, search"
                hx-target="#suggestions" hx-swap="outerHTML";
            button type="submit" { "Search" }
            ul #suggestions aria-live="polite" {}
        }
    }
}

/// A plain search form for inside a page (the 404 page, the search page): the header's box
/// keeps the ids `search` and `suggestions`, which must stay unique.
pub fn search_form(query: &str) -> Markup {
    html! {
        form.search-page role="search" action="/search" method="get" {
            label for="q" { "Search for" }
            " "
            input #q type="search" name="q" value=(query);
            " "
            button type="submit" { "Search" }
        }
    }
}

/// A `<time>`-less date in the form the data has it (`2019`, `2019-10`, `2019-10-09`), or
/// a dash.
pub fn date_or_dash(date: Option<&polis_core::PartialDate>) -> Markup {
    match date {
        Some(date) => html! { (date.to_string()) },
        None => html! { "–" },
    }
}

/// A span of two optional dates: `2004 – 2019`, `since 2004`, `until 2019`, or a dash.
pub fn date_span(
    start: Option<&polis_core::PartialDate>,
    end: Option<&polis_core::PartialDate>,
) -> Markup {
    match (start, end) {
        (Some(s), Some(e)) if s == e => html! { (s.to_string()) },
        (Some(s), Some(e)) => html! { (s.to_string()) " – " (e.to_string()) },
        (Some(s), None) => html! { "since " (s.to_string()) },
        (None, Some(e)) => html! { "until " (e.to_string()) },
        (None, None) => html! { "dates unknown" },
    }
}

/// An RFC 3339 UTC timestamp as people read it: `2026-12-02 08:43 UTC`.
pub fn timestamp(text: &str) -> String {
    match text.strip_suffix('Z').and_then(|t| t.split_once('T')) {
        Some((day, time)) => format!("{day} {} UTC", time.get(..5).unwrap_or(time)),
        None => text.to_owned(),
    }
}

/// A non-breaking space, for empty table cells that must keep their height.
pub fn nbsp() -> Markup {
    PreEscaped("&nbsp;".to_owned())
}
