//! A place's dossier, `/places/{id}`: its names in every language and script, where it lies
//! and its ids elsewhere, its ties on a timeline with every lifecycle event (the side that
//! acted, the reason, the sources), memberships, activities, documents with their tagged
//! articles, stakeholders with their roles over time, metrics, recommended partners with
//! reasons, and the quality findings that name it. It prints cleanly (see `polis.css`).

use maud::{Markup, html};
use polis_app::{Dossier, Snapshot};
use polis_core::{Document, Tie};

use super::edit::propose_href;
use super::map::{event_label, kind_label};
use super::{encode, place_href, source_links, source_list, status_badge, tie_href};
use crate::layout::{Frame, Section, date_or_dash, date_span, page};

pub fn dossier_page(dossier: &Dossier, snapshot: &Snapshot) -> Markup {
    let place = dossier.view.place;
    let json = format!("/api/v1/places/{}/dossier", encode(&place.id));
    let frame = Frame {
        title: &place.name,
        section: Section::Other,
        json: &json,
        scripts: &[],
        query: "",
    };
    let place_name = |id: &str| {
        snapshot
            .place_by_id(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let sources = &dossier.sources;
    let body = html! {
        nav.breadcrumbs aria-label="Where it lies" {
            @for parent in dossier.parents.iter().rev() {
                a href=(place_href(&parent.id)) { (parent.name) } " › "
            }
            span { (place.name) }
        }
        h1 { (place.name) }
        @if place.provisional {
            p.disagreements.provisional role="note" {
                strong { "Provisional place. " }
                "No import could match the name \u{201c}" (place.name) "\u{201d} to a place of the gazetteer, so polis keeps its ties under the spelling"
                @if place.country.is_some() { " and country" }
                " its source gives, rather than guess a place or drop the ties. The name waits in the unresolved queue until someone decides what it means ("
                code {
                    "polis resolve '" (place.name) "'"
                    @if let Some(country) = &place.country { " --country " (country) }
                    " --confirm-geonames ID"
                }
                ", or a reviewer picks it among "
                a href=(super::resolution::resolve_href(&place.name, place.country.as_deref())) { "the name's candidates" }
                "); the place is then merged into that one. Statistics count it unless asked for resolved places only."
            }
        }
        p.lede {
            (place.level.as_str())
            @if let Some(country) = &place.country { " in " (country) }
            " · " (dossier.degree) " ties with places in " (dossier.n_partner_countries) " countries · "
            a href={"/?place=" (encode(&place.id))} { "on the map" } " · "
            a href={"/explore?of=" (encode(&place.id))} { "in the network explorer" } " · "
            button.print type="button" data-print { "Print" }
        }
        p.actions {
            "Something missing or wrong? "
            a href=(propose_href("tie", &[("a", &place.id)])) { "Propose a new tie" } " · "
            a href=(propose_href("activity", &[("places", &place.id)])) { "an activity" } " · "
            a href=(propose_href("correction", &[("kind", "place"), ("id", &place.id)])) { "a correction" }
        }
        section #names {
            h2 { "Names" }
            table {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Language" } th scope="col" { "Sources" } } }
                tbody {
                    tr { td lang="und" { (place.name) } td { "(main name)" } td {} }
                    @for name in &place.names {
                        tr {
                            td lang=(name.lang.as_deref().unwrap_or("und")) { (name.text) }
                            td { (name.lang.as_deref().unwrap_or("unknown")) }
                            td { (source_links(&name.sources, sources)) }
                        }
                    }
                }
            }
            dl.ids {
                dt { "polis id" } dd { code { (place.id) } }
                @if !place.country_claims.is_empty() {
                    dt { "Country (ISO 3166)" }
                    dd { (place.country.as_deref().unwrap_or("none")) }
                    dt { "Country, by its sources" }
                    dd.country-claims {
                        @for claim in &place.country_claims {
                            div { (claim.country) " " (source_links(&claim.sources, sources)) }
                        }
                        small {
                            "The place lies in a contested territory ("
                            (place.country_claims[0].territory)
                            "). polis keeps each source's word beside ISO 3166's and takes no position; statistics count it by the basis asked for ("
                            code { "--country-basis iso|claim|both" } "): the dashboard counted "
                            a href="/dashboard?country_basis=claim" { "by the sources' claims" } " or "
                            a href="/dashboard?country_basis=both" { "by both" } "."
                        }
                    }
                }
                @if let Some(seat) = dossier.seat {
                    dt { "Seat (core city)" }
                    dd {
                        a href=(place_href(&seat.id)) { (seat.name) }
                        @if place.shown_coordinates().is_none() { " (drawn there on the map)" }
                    }
                }
                @if !place.former_ids.is_empty() {
                    dt { "Former ids" } dd { @for id in &place.former_ids { code { (id) } " " } }
                }
                @if let Some(q) = &place.wikidata {
                    dt { "Wikidata" } dd { a href={"https://www.wikidata.org/wiki/" (q)} rel="noreferrer" { (q) } }
                }
                @if let Some(id) = place.geonames {
                    dt { "GeoNames" } dd { a href={"https://www.geonames.org/" (id)} rel="noreferrer" { (id) } }
                }
                @if let Some(code) = &place.iso_code { dt { "ISO code" } dd { (code) } }
                @if let Some(c) = place.shown_coordinates() {
                    dt { "Coordinates" } dd { (format!("{:.4}, {:.4}", c.lat, c.lon)) }
                }
                @if let Some(p) = place.shown_population() {
                    dt { "Population" } dd { (p.value) @if let Some(year) = p.year { " (" (year) ")" } }
                }
                @if !dossier.view.also_matched.is_empty() {
                    dt { "Other places of this name" }
                    dd { @for id in &dossier.view.also_matched { a href=(place_href(id)) { (id) } " " } }
                }
            }
        }
        section #ties {
            h2 { "Ties, as a timeline" }
            @if dossier.tie_records.is_empty() {
                p.empty { "No ties recorded." }
            } @else {
                (super::export_links("these ties", &format!("place={}", encode(&place.id))))
                ol.timeline {
                    @for tie in timeline(&dossier.tie_records) {
                        @let row = dossier.view.ties.iter().find(|r| r.id == tie.id);
                        @let partner = tie.partner_of(&place.id).unwrap_or(&tie.b);
                        li.tie data-tie=(tie.id) {
                            h3 {
                                a href=(place_href(partner)) { (place_name(partner)) }
                                " "
                                @if let Some(row) = row {
                                    (status_badge(row.status.status))
                                    (super::tie::disputed_accounts(&row.status, sources))
                                }
                            }
                            p.meta {
                                (kind_label(tie.kind))
                                @if !tie.themes.is_empty() { " · " (tie.themes.join(", ")) }
                                " · " a href=(tie_href(&tie.id)) { "the tie's page" }
                            }
                            @if tie.events.is_empty() {
                                p.meta { "No dated lifecycle events; listed by "
                                    (tie.evidence.len()) " source rows. " (source_links(&tie.sources, sources)) }
                            } @else {
                                ol.events {
                                    @for event in &tie.events {
                                        li.event data-event=(event.kind.as_str()) {
                                            span.date { (date_or_dash(event.date.as_ref())) } " "
                                            strong { (event_label(event.kind)) }
                                            @if let Some(side) = &event.side {
                                                " by " span.side { (place_name(side)) }
                                            }
                                            @if let Some(actor) = &event.actor {
                                                " (" a href={"/explore?of=" (encode(actor))} { (actor_name(snapshot, actor)) } ")"
                                            }
                                            @if let Some(reason) = &event.reason {
                                                ": " span.reason { (reason) }
                                            }
                                            " " (source_links(&event.sources, sources))
                                            (super::tie::counter_claims(&event.disputed_by, sources))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section #memberships {
            h2 { "Memberships" }
            @if dossier.view.memberships.is_empty() {
                p.empty { "No network memberships recorded." }
            } @else {
                ul {
                    @for m in &dossier.view.memberships {
                        li {
                            a href={"/?network=" (encode(&m.network))} { (network_name(snapshot, &m.network)) }
                            @if let Some(role) = &m.role { " (" (role) ")" }
                            " · " (date_span(m.start.as_ref(), m.end.as_ref()))
                            " " (source_links(&m.sources, sources))
                        }
                    }
                }
            }
        }
        section #activities {
            h2 { "Activities" }
            @if dossier.activities.is_empty() {
                p.empty { "No activities recorded." }
            } @else {
                ul {
                    @for activity in &dossier.activities {
                        li #{"activity-" (activity.id)} {
                            strong { (activity.title) } " · " (activity.kind.as_str().replace('_', " "))
                            " · " (date_span(activity.start.as_ref(), activity.end.as_ref()))
                            @if let Some(outcome) = activity.outcome { " · outcome: " (outcome.as_str().replace('_', " ")) }
                            @if !activity.quantities.is_empty() {
                                ul.quantities {
                                    @for q in &activity.quantities {
                                        li { (q.item) ": " strong { (format_number(q.value)) " " (q.unit) }
                                            @if let Some(as_of) = &q.as_of { " (" (as_of.to_string()) ")" } }
                                    }
                                }
                            }
                            @if let Some(description) = &activity.description { p { (description) } }
                            " " (source_links(&activity.sources, sources))
                        }
                    }
                }
            }
        }
        section #documents {
            h2 { "Documents" }
            @if dossier.documents.is_empty() {
                p.empty { "No documents recorded." }
            } @else {
                @for document in &dossier.documents { (document_block(document, sources)) }
            }
        }
        section #stakeholders {
            h2 { "Stakeholders" }
            @if dossier.stakeholders.is_empty() {
                p.empty { "No stakeholders recorded." }
            } @else {
                table {
                    thead { tr { th scope="col" { "Who" } th scope="col" { "Relation" } th scope="col" { "From" } th scope="col" { "To" } th scope="col" { "Sources" } } }
                    tbody {
                        @for s in &dossier.stakeholders {
                            tr {
                                td { a href={"/explore?of=" (encode(&s.actor.id))} { (s.actor.name) }
                                    @if let Some(kind) = s.actor.organisation { " (" (kind.as_str().replace('_', " ")) ")" } }
                                td {
                                    (s.relation.kind.as_str().replace('_', " ")) @if let Some(role) = &s.relation.role { ": " (role) }
                                    @if let Some(basis) = &s.relation.inferred_from { " " em.inferred { "(inferred from " (basis) ")" } }
                                    (super::tie::counter_claims(&s.relation.disputed_by, sources))
                                }
                                td { (date_or_dash(s.relation.start.as_ref())) }
                                td { (date_or_dash(s.relation.end.as_ref())) }
                                td { (source_links(&s.relation.sources, sources)) }
                            }
                        }
                    }
                }
            }
        }
        section #metrics {
            h2 { "Metrics" }
            dl {
                dt { "Degree (ties of any status)" } dd { (dossier.degree) }
                dt { "Partner countries" } dd { (dossier.n_partner_countries) }
            }
            div #network-metrics hx-get={"/places/" (encode(&place.id)) "/metrics"} hx-trigger="load" hx-swap="outerHTML" {
                p.note { "Computing its betweenness rank and community in today's network… (also in "
                    a href="/api/v1/graph/metrics" { "the network metrics" } ")" }
            }
        }
        section #partners {
            h2 { "Recommended partners" }
            @match &dossier.recommendations {
                Some(recommendations) if !recommendations.candidates.is_empty() => {
                    ol {
                        @for candidate in &recommendations.candidates {
                            li {
                                a href=(place_href(&candidate.id)) { (candidate.name) } " (" (candidate.country) ") "
                                span.score { "score " (format!("{:.2}", candidate.score)) }
                                @if !candidate.reasons.is_empty() {
                                    ul.reasons { @for reason in &candidate.reasons { li { (reason) } } }
                                }
                            }
                        }
                    }
                    p.note { "Scored among " (recommendations.n_candidates_scored) " candidates. "
                        a href={"/api/v1/recommend/" (encode(&place.id))} { "JSON" } }
                }
                _ => { p.empty { "The partner finder has nothing to go on for this place (it needs ties or networks)." } }
            }
        }
        section #quality {
            h2 { "Data quality" }
            @if dossier.quality_flags.is_empty() {
                p.empty { "No quality check names this place." }
            } @else {
                ul {
                    @for flag in &dossier.quality_flags {
                        li { strong { (flag.check) } ": " (flag.finding) br; small { (flag.description) } }
                    }
                }
            }
        }
        section #sources {
            h2 { "Sources" }
            (source_list(sources))
        }
    };
    page(&frame, body)
}

/// The ties in the order of their first dated event; undated ones last, by id.
fn timeline<'a>(ties: &[&'a Tie]) -> Vec<&'a Tie> {
    let mut ordered: Vec<&Tie> = ties.to_vec();
    ordered.sort_by(|x, y| {
        let first = |t: &Tie| t.events.iter().filter_map(|e| e.date).next();
        match (first(x), first(y)) {
            (Some(dx), Some(dy)) => dx.cmp(&dy),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => x.id.cmp(&y.id),
        }
        .then_with(|| x.id.cmp(&y.id))
    });
    ordered
}

/// A document with its articles and their tags.
pub fn document_block(document: &Document, sources: &[&polis_core::Source]) -> Markup {
    html! {
        article.document #{"doc-" (document.id)} {
            h3 { (document.title) }
            p.meta {
                (document.kind.as_str().replace('_', " ")) " · " (date_or_dash(document.date.as_ref()))
                @if let Some(lang) = &document.lang { " · " (lang) }
                @if !document.tags.is_empty() { " · tags: " (document.tags.join(", ")) }
                " " (source_links(&document.sources, sources))
            }
            @if !document.articles.is_empty() {
                ol.articles {
                    @for article in &document.articles {
                        li data-article=(article.number) {
                            strong { "Art. " (article.number) @if let Some(h) = &article.heading { " " (h) } }
                            @for tag in &article.tags { " " span.tag { (tag) } }
                            @if let Some(by) = &article.initiated_by { " " small { "initiated by " (by) } }
                            p { (article.text) }
                        }
                    }
                }
            }
        }
    }
}

fn actor_name(snapshot: &Snapshot, id: &str) -> String {
    snapshot
        .data()
        .actors
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_owned(), |a| a.name.clone())
}

fn network_name(snapshot: &Snapshot, id: &str) -> String {
    snapshot
        .data()
        .networks
        .iter()
        .find(|n| n.id == id)
        .map_or_else(|| id.to_owned(), |n| n.name.clone())
}

/// A quantity without a trailing `.0`, with thousands apart.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let digits = format!("{}", value.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if value < 0.0 { format!("-{out}") } else { out }
    } else {
        format!("{value}")
    }
}

/// The dossier's network metrics, a fragment the dossier loads once it shows: the place's
/// betweenness rank and its community in today's tie network.
pub fn network_metrics(ranks: Option<&polis_app::PlaceRanks>) -> Markup {
    html! {
        div #network-metrics {
            @match ranks {
                Some(r) => {
                    dl {
                        dt { "Betweenness rank" }
                        dd #betweenness-rank { (r.betweenness_rank) " of " (r.n_ranked) " places"
                            " " small { "(" (format!("{:.4}", r.betweenness)) ", " (r.method) ")" } }
                        dt { "Community" }
                        dd #community { "no. " (r.community) ", " (r.community_size) " places"
                            @if !r.community_countries.is_empty() {
                                ", mostly in "
                                @for (n, (country, count)) in r.community_countries.iter().enumerate() {
                                    @if n > 0 { ", " } (country) " (" (count) ")"
                                }
                            }
                        }
                    }
                    p.note { "Betweenness: how often it lies on the shortest chains between other places; "
                        "communities: Louvain. All places: " a href="/api/v1/graph/metrics" { "the network metrics" } "." }
                }
                None => { p.empty { "No tie of this place is in force today, so it has no place in today's network." } }
            }
        }
    }
}
