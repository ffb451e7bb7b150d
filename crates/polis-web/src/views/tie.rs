//! A tie's page, `/ties/{id}`: both sides, its kind and themes, every lifecycle event with
//! the side that acted, the reason and the sources, the evidence each source gives (and
//! where the sources disagree), and the agreement texts with their tagged clauses. An event
//! that another source contradicts shows that source's account beside it, and a disputed
//! status shows the status each account implies.

use maud::{Markup, html};
use polis_app::TieView;
use polis_core::{CounterClaim, Source, StatusAsOf, TieStatus};

use super::dossier::document_block;
use super::edit::propose_href;
use super::map::{event_label, kind_label};
use super::{encode, place_href, source_links, source_list, status_badge};
use crate::layout::{Frame, Section, date_or_dash, page};

pub fn tie_page(view: &TieView) -> Markup {
    let tie = view.tie;
    let json = format!("/api/v1/ties/{}", encode(&tie.id));
    let title = format!("{} – {}", view.a.name, view.b.name);
    let frame = Frame {
        title: &title,
        section: Section::Other,
        json: &json,
        scripts: &[],
        query: "",
    };
    let side_name = |id: &str| {
        if id == view.a.id {
            view.a.name.clone()
        } else if id == view.b.id {
            view.b.name.clone()
        } else {
            id.to_owned()
        }
    };
    let actor_name = |id: &str| {
        view.actors
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_owned(), |a| a.name.clone())
    };
    let sources = &view.sources;
    let body = html! {
        h1 {
            a href=(place_href(&view.a.id)) { (view.a.name) }
            " – "
            a href=(place_href(&view.b.id)) { (view.b.name) }
        }
        p.lede {
            (kind_label(tie.kind)) " between "
            (view.a.name) @if let Some(c) = &view.a.country { " (" (c) ")" }
            " and " (view.b.name) @if let Some(c) = &view.b.country { " (" (c) ")" }
            " · now " (status_badge(view.status.status))
            (disputed_accounts(&view.status, sources))
            @if !tie.themes.is_empty() { " · themes: " (tie.themes.join(", ")) }
            @if !tie.motives.is_empty() { " · motives: " (tie.motives.join(", ")) }
            @if let Some(network) = &tie.network { " · network: " a href={"/?network=" (encode(network))} { (network) } }
        }
        @if let Some(note) = &tie.note { p.note { (note) } }
        p.actions {
            "Something missing or wrong? "
            a href=(propose_href("event", &[("tie", &tie.id)])) { "Propose a lifecycle event" } " · "
            a href=(propose_href("correction", &[("kind", "tie"), ("id", &tie.id)])) { "Propose a correction" }
        }
        section #history {
            h2 { "Lifecycle" }
            @if tie.events.is_empty() {
                p.empty { "No lifecycle event is recorded: the tie is known from the lists below." }
            }
            ol #events {
                @for event in &tie.events {
                    li.event data-event=(event.kind.as_str()) {
                        span.date { (date_or_dash(event.date.as_ref())) } " "
                        strong { (event_label(event.kind)) }
                        @if let Some(side) = &event.side {
                            " by " span.side data-side=(side) { (side_name(side)) }
                        }
                        @if let Some(actor) = &event.actor {
                            " (" a href={"/explore?of=" (encode(actor))} { (actor_name(actor)) } ")"
                        }
                        @if let Some(reason) = &event.reason {
                            ": " span.reason { (reason) }
                        }
                        @if let Some(document) = &event.document {
                            " · " a href={"#doc-" (document)} { "the document" }
                        }
                        " " (source_links(&event.sources, sources))
                        (counter_claims(&event.disputed_by, sources))
                    }
                }
            }
        }
        section #evidence {
            h2 { "Evidence, by source" }
            @if !view.disagreements.is_empty() {
                div.disagreements role="note" {
                    h3 { "Where the sources disagree" }
                    ul { @for d in &view.disagreements { li { (d) } } }
                }
            }
            @if view.evidence_by_source.is_empty() {
                p.empty { "No list rows name this tie; its sources are cited on its events." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Source" } th scope="col" { "On whose list" }
                        th scope="col" { "As written" }
                        th scope="col" title="How far the place each name was resolved to lies from the coordinates the source gives it" { "From the source's point" }
                        th scope="col" { "Observed" } th scope="col" { "Rows" }
                    } }
                    tbody {
                        @for evidence in &view.evidence_by_source {
                            tr {
                                td { (source_links(std::slice::from_ref(&evidence.source), sources)) }
                                td { @for side in &evidence.listed_by { (side_name(side)) " " } }
                                td { (evidence.as_written.join(" · ")) }
                                td {
                                    @if evidence.source_distance_km.is_empty() { "–" }
                                    @for (n, (end, km)) in evidence.source_distance_km.iter().enumerate() {
                                        @if n > 0 { " · " }
                                        (side_name(end)) " " (format!("{km:.1} km"))
                                    }
                                }
                                td { (date_or_dash(evidence.observed.as_ref())) }
                                td.number {
                                    (evidence.rows.len())
                                    @let lines: Vec<String> = evidence.rows.iter().filter_map(|r| r.line).map(|l| l.to_string()).collect();
                                    @if !lines.is_empty() { " (line " (lines.join(", ")) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
        section #documents {
            h2 { "Agreements and documents" }
            @if view.documents.is_empty() {
                p.empty { "No agreement text is recorded for this tie." }
            }
            @for document in &view.documents { (document_block(document, sources)) }
        }
        section #sources {
            h2 { "Sources" }
            (source_list(sources))
        }
    };
    page(&frame, body)
}

/// What the other sources say instead of a recorded fact, each with its sources.
pub(crate) fn counter_claims(claims: &[CounterClaim], sources: &[&Source]) -> Markup {
    html! {
        @if !claims.is_empty() {
            ul.counter-claims {
                @for claim in claims {
                    li.counter-claim data-contests=(claim.contests.as_str()) {
                        strong { "Disputed" }
                        (match claim.contests {
                            polis_core::Contested::Occurrence => " (that it happened)".to_owned(),
                            polis_core::Contested::Kind => format!(" (a {} instead)", claim.kind.map_or("different step", |k| k.as_str())),
                            polis_core::Contested::Date => format!(" (on {} instead)", claim.date.map(|d| d.to_string()).unwrap_or_default()),
                            polis_core::Contested::Details => " (its details)".to_owned(),
                        })
                        ": " span.says { (claim.says) } " "
                        (source_links(&claim.sources, sources))
                    }
                }
            }
        }
    }
}

/// When a status is disputed: the status each account implies, with its sources, the
/// recorded events' account first.
pub(crate) fn disputed_accounts(status: &StatusAsOf, sources: &[&Source]) -> Markup {
    html! {
        @if status.status == TieStatus::Disputed {
            " (sources disagree: "
            @for (n, claim) in status.claims.iter().enumerate() {
                @if n > 0 { "; " }
                span.account data-status=(claim.status.as_str()) {
                    (claim.status.as_str().replace('_', " "))
                    @if claim.says.is_none() { " as recorded" }
                    " according to " (source_links(&claim.sources, sources))
                }
            }
            ")"
        }
    }
}
