//! The network explorer, `/explore`: the stakeholder network around a record (people,
//! organisations, places, networks, activities, with dated links), drawn by the explorer
//! script with cytoscape from the neighbourhood's JSON; and "who connects X to Y", the
//! shortest chains between two records as `polis graph path` finds them, listed in order
//! with the dated link between each two.

use maud::{Markup, html};
use polis_analysis::paths::{Link, Node};
use polis_app::PathAnswer;

use super::encode;
use crate::layout::{Frame, Section, page};

/// The explorer as asked.
pub struct ExplorePage<'a> {
    /// The record the network is drawn around.
    pub of: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub as_of: &'a str,
    /// A window of time, FROM..TO: only links in force at some time within it.
    pub during: &'a str,
    pub through: &'a str,
    /// The accepted values of `through`.
    pub through_names: &'a [&'a str],
    /// How many links away the network is drawn, and the most it may be.
    pub depth: usize,
    pub max_depth: usize,
    /// The chains, when `from` and `to` were given and both were found.
    pub path: Option<&'a PathAnswer>,
    /// Why the chains could not be looked for (a name of nothing, a bad date).
    pub error: Option<String>,
}

pub fn explore_page(view: &ExplorePage) -> Markup {
    let mut neighbourhood = format!("/api/v1/graph/neighbourhood?of={}", encode(view.of));
    if !view.as_of.is_empty() {
        neighbourhood.push_str(&format!("&as_of={}", encode(view.as_of)));
    }
    if !view.during.is_empty() {
        neighbourhood.push_str(&format!("&during={}", encode(view.during)));
    }
    if view.depth != polis_app::DEFAULT_NEIGHBOURHOOD_DEPTH {
        neighbourhood.push_str(&format!("&depth={}", view.depth));
    }
    let json = match view.path {
        Some(_) => {
            let mut url = format!(
                "/api/v1/path?from={}&to={}",
                encode(view.from),
                encode(view.to)
            );
            if !view.through.is_empty() {
                url.push_str(&format!("&through={}", encode(view.through)));
            }
            if !view.as_of.is_empty() {
                url.push_str(&format!("&as_of={}", encode(view.as_of)));
            }
            if !view.during.is_empty() {
                url.push_str(&format!("&during={}", encode(view.during)));
            }
            url
        }
        None => neighbourhood.clone(),
    };
    let frame = Frame {
        title: "Network explorer",
        section: Section::Explorer,
        json: &json,
        scripts: &["vendor/cytoscape.min.js", "explore.js"],
        query: "",
    };
    let chain = view.path.and_then(|p| p.chains.first());
    let path_ids: Vec<&str> = chain
        .map(|c| c.nodes.iter().map(|n| n.id.as_str()).collect())
        .unwrap_or_default();
    let body = html! {
        h1 { "Network explorer" }
        p.lede {
            "People, organisations, places and networks around a record, with the dated links "
            "between them. Give two records to see who connects them."
        }
        form #path-form .filters method="get" action="/explore" {
            div.field {
                label for="from" { "From (id or name)" }
                input #from name="from" type="text" value=(view.from) aria-describedby="from-help";
                small #from-help { "e.g. prague-city-hall" }
            }
            div.field {
                label for="to" { "To (id or name)" }
                input #to name="to" type="text" value=(view.to) aria-describedby="to-help";
                small #to-help { "e.g. cefc-china-energy" }
            }
            div.field {
                label for="through" { "Follow" }
                select #through name="through" {
                    option value="" selected[view.through.is_empty()] { "default" }
                    @for name in view.through_names {
                        option value=(name) selected[view.through == *name] { (name) }
                    }
                }
            }
            div.field {
                label for="as_of" { "Links in force on" }
                input #as_of name="as_of" type="text" value=(view.as_of) inputmode="numeric" pattern=r"\d{4}(-\d{2}(-\d{2})?)?" aria-describedby="as_of-help";
                small #as_of-help { "YYYY, YYYY-MM or YYYY-MM-DD" }
            }
            div.field {
                label for="during" { "or at some time within" }
                input #during name="during" type="text" value=(view.during) aria-describedby="during-help";
                small #during-help { "FROM..TO, e.g. 2015..2018. A date or a window, not both; empty: every link." }
            }
            div.field {
                label for="of" { "Network around" }
                input #of name="of" type="text" value=(view.of);
            }
            div.field {
                label for="depth" { "Links away" }
                select #depth name="depth" {
                    @for depth in 1..=view.max_depth {
                        option value=(depth) selected[view.depth == depth] { (depth) }
                    }
                }
            }
            div.buttons { button #find-path type="submit" { "Find who connects them" } }
        }
        @if let Some(error) = &view.error {
            p.error role="alert" { (error) }
        }
        @if let Some(answer) = view.path {
            section #path {
                h2 { "From " (answer.from) " to " (answer.to) }
                @match chain {
                    Some(chain) => {
                        p { "The shortest chain has " (chain.links.len()) " links (following " (answer.through) ")"
                            @if answer.chains.len() > 1 { "; " (answer.chains.len() - 1) " other chains are as short" } "." }
                        (held_together(chain))
                        ol #path-result {
                            @for (i, node) in chain.nodes.iter().enumerate() {
                                li data-id=(node.id) data-kind=(node.kind) {
                                    @if i > 0 { (link_text(&chain.links[i - 1])) }
                                    (node_link(node))
                                }
                            }
                        }
                        @for (n, other) in answer.chains.iter().enumerate().skip(1) {
                            details {
                                summary { "Chain " (n + 1) }
                                (held_together(other))
                                ol.chain {
                                    @for (i, node) in other.nodes.iter().enumerate() {
                                        li data-id=(node.id) {
                                            @if i > 0 { (link_text(&other.links[i - 1])) }
                                            (node_link(node))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    None => {
                        p { "Nothing connects them" @if !view.as_of.is_empty() { " through links in force on " (view.as_of) }
                            @if !view.during.is_empty() { " within " (view.during) }
                            " by a chain whose dated links were all in force at one time ("
                            a href="/api/v1/path" { "the API" } "'s " code { "ignore_time=true" } " drops that rule)." }
                        ol #path-result {}
                    }
                }
            }
        }
        section #network {
            h2 { "Around " (view.of)
                @if !view.as_of.is_empty() { ", links in force on " (view.as_of) }
                @if !view.during.is_empty() { ", links in force within " (view.during) } }
            div #graph data-neighbourhood=(neighbourhood) data-path=(path_ids.join(" "))
                data-path-json=[view.path.map(|_| json.as_str())] role="img"
                aria-label="The network around the record; the same records and links are listed below" {}
            p #graph-status aria-live="polite" { "Loading the network…" }
            ul.legend {
                li { span.swatch.node-actor aria-hidden="true" {} "person or organisation" }
                li { span.swatch.node-place aria-hidden="true" {} "place" }
                li { span.swatch.node-network aria-hidden="true" {} "network" }
                li { span.swatch.node-activity aria-hidden="true" {} "activity" }
            }
            details #graph-details {
                summary { "The network as a list" }
                p { a href=(neighbourhood) { "The records and links as JSON" } }
                ol #graph-list {}
            }
        }
    };
    page(&frame, body)
}

/// A record as a link to where it is best read.
fn node_link(node: &Node) -> Markup {
    let href = match node.kind {
        "place" => super::place_href(&node.id),
        _ => format!("/explore?of={}", encode(&node.id)),
    };
    html! { a href=(href) { (node.name) } " " small.kind { (node.kind) } }
}

/// The link between two records of a chain, with its dates.
fn link_text(link: &Link) -> Markup {
    html! {
        span.link {
            "— " (link.label.replace('_', " "))
            @if let Some(role) = &link.role { " (" (role) ")" }
            @if link.start.is_some() || link.end.is_some() {
                " "
                @if let Some(start) = &link.start { (start.to_string()) }
                "–"
                @if let Some(end) = &link.end { (end.to_string()) }
            }
            @if link.reversed { " ←" } @else { " →" }
        }
        " "
    }
}

/// When the whole chain held: every dated link of it was in force from the latest start to
/// the earliest end (the service layer's rule); undated links are counted, not guessed.
fn held_together(chain: &polis_analysis::Chain) -> Markup {
    html! {
        @if let Some(held) = &chain.held {
            p.held {
                "All its dated links held together "
                @match (&held.from, &held.until) {
                    (Some(from), Some(until)) => { "from " (from) " until " (until) }
                    (Some(from), None) => { "from " (from) " on" }
                    (None, Some(until)) => { "until " (until) }
                    (None, None) => { "at any time (none is dated)" }
                }
                @match held.undated_links {
                    0 => ".",
                    1 => "; 1 link is undated.",
                    n => { "; " (n) " links are undated." }
                }
            }
        }
    }
}
