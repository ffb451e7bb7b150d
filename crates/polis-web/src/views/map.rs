//! The world map, the home page: a canvas the map script draws the layer on (places sized
//! by degree, ties as great-circle arcs coloured by their status at the end of the slider's
//! year), the filters as a GET form, the year slider and the play button, the counts of what
//! is and is not drawn, the selected place's panel, the year's signings and terminations,
//! and a text alternative table. Everything here is rendered on the server for the year
//! and place asked, so the page reads without its script; the script then takes over.

use maud::{Markup, html};
use polis_app::{MapFilter, MapLayer, MapPlace};
use polis_core::{EventKind, TieKind, TieStatus};

use super::{export_links, place_href, status_badge, tie_href};
use crate::layout::{Frame, Section, page};

/// How many of the year's events the page lists before saying how many more there are.
pub const MAX_YEAR_EVENTS: usize = 100;
/// How many places the text alternative lists when none is selected.
pub const TOP_PLACES: usize = 25;

/// The map page as asked: the layer, the year shown, the filters, and the selected place.
pub struct MapPage<'a> {
    pub layer: &'a MapLayer,
    pub year: u16,
    pub filter: &'a MapFilter,
    pub place: Option<&'a MapPlace>,
    /// A `place` parameter that names no place on the map, to say so.
    pub place_not_on_map: Option<&'a str>,
}

/// The statuses in the order the legend lists them, with their meaning.
const LEGEND: &[(TieStatus, &str)] = &[
    (TieStatus::Active, "in force"),
    (TieStatus::Suspended, "suspended"),
    (TieStatus::Terminated, "ended"),
    (TieStatus::Proposed, "proposed"),
    (
        TieStatus::Disputed,
        "sources disagree on whether it is in force",
    ),
    (TieStatus::Unknown, "listed by a source, dates unknown"),
];

pub fn map_page(view: &MapPage) -> Markup {
    let layer = view.layer;
    let (first_year, last_year) = layer.year_range();
    let frame = Frame {
        title: "World map of city ties",
        section: Section::Map,
        json: "/api/v1/map",
        scripts: &[
            "vendor/d3-array.min.js",
            "vendor/d3-geo.min.js",
            "vendor/topojson-client.min.js",
            "map.js",
        ],
        query: "",
    };
    let body = html! {
        h1 { "City ties of the world" }
        p.lede {
            "Each line is a tie between two places (twin towns, sister cities, partnerships), "
            "coloured by its status at the end of the year chosen (today's, for this year). Move the slider or press play "
            "to replay the ties year by year; select a place to see its partners."
        }
        (filters(view, first_year, last_year))
        div.map-wrap {
            canvas #map-canvas
                data-layer=(format!("/api/v1/map"))
                data-atlas=(crate::asset_url("vendor/countries-110m.json"))
                data-year=(view.year)
                data-place=[view.place.map(|p| p.id.as_str())]
                role="img"
                aria-label="World map of the ties; the same ties are listed in the table below the map"
                width="1200" height="620" { }
            p #map-status .map-status aria-live="polite" { "Loading the map…" }
        }
        (legend())
        p #map-counts {
            span data-count="places" { (layer.places.len()) } " places drawn, "
            span data-count="ties" { (layer.ties.len()) } " ties; "
            span data-count="without-coordinates" { (layer.n_places_without_coordinates) }
            " places with ties but no coordinates, and "
            span data-count="ties-not-drawn" { (layer.n_ties_not_drawn) }
            " of their ties, are not drawn. "
            span data-count="provisional" { (layer.n_provisional_places) }
            " of the places drawn are provisional (names no import could resolve, drawn as hollow rings"
            @if layer.n_provisional_places > 0 { "; " a href="/api/v1/unresolved" { "the names waiting" } }
            "). "
            span #map-drawn {}
        }
        div.map-panels {
            (place_panel(view))
            (year_events(view))
        }
        details #map-details {
            summary { "The map as a table" }
            (map_table(view))
        }
        @match &view.filter.country {
            Some(country) => { (export_links("this country's ties", &format!("country={}", super::encode(country)))) }
            None => { (export_links("every tie", "")) }
        }
    };
    page(&frame, body)
}

fn filters(view: &MapPage, first_year: u16, last_year: u16) -> Markup {
    let layer = view.layer;
    let filter = view.filter;
    html! {
        form #map-filters .filters method="get" action="/" {
            div.field {
                label for="country" { "Country" }
                select #country name="country" {
                    option value="" { "all" }
                    @for country in &layer.countries {
                        option value=(country) selected[filter.country.as_deref() == Some(country.as_str())] { (country) }
                    }
                }
            }
            div.field {
                label for="kind" { "Kind" }
                select #kind name="kind" {
                    option value="" { "all" }
                    @for kind in &layer.kinds {
                        option value=(kind.as_str()) selected[filter.kind == Some(*kind)] { (kind_label(*kind)) }
                    }
                }
            }
            div.field {
                label for="status" { "Status in the year" }
                select #status name="status" {
                    option value="" { "all" }
                    @for (status, _) in LEGEND {
                        option value=(status.as_str()) selected[filter.status == Some(*status)] { (status.as_str()) }
                    }
                }
            }
            div.field {
                label for="network" { "Network" }
                select #network name="network" {
                    option value="" { "all" }
                    @for network in &layer.networks {
                        option value=(network.id) selected[filter.network.as_deref() == Some(network.id.as_str())] { (network.name) }
                    }
                }
            }
            @if let Some(place) = view.place {
                input type="hidden" name="place" value=(place.id);
            }
            div.field.year {
                label for="year-slider" { "Year " output #year-label for="year-slider" { (view.year) } }
                input #year-slider type="range" name="year" min=(first_year) max=(last_year) step="1" value=(view.year);
            }
            div.buttons {
                button #play type="button" aria-pressed="false" { "▶ Play" }
                button type="submit" { "Apply filters" }
                a href="/" { "Reset" }
            }
        }
    }
}

fn legend() -> Markup {
    html! {
        ul.legend aria-label="Colours of the ties" {
            @for (status, meaning) in LEGEND {
                li {
                    span class={"swatch status-" (status.as_str())} aria-hidden="true" {}
                    (status.as_str())
                    @if *meaning != status.as_str() { ": " (meaning) }
                }
            }
            li { span.swatch.place aria-hidden="true" {} "place (the larger, the more ties)" }
            li { span.swatch.place-provisional aria-hidden="true" {} "provisional place: a name no import could resolve, placed where the import guessed" }
        }
    }
}

fn place_panel(view: &MapPage) -> Markup {
    html! {
        section #place-panel aria-live="polite" aria-label="The selected place" {
            @if let Some(place) = view.place {
                h2 { (place.name) }
                p {
                    @if let Some(country) = &place.country { (country) " · " }
                    (place.degree) " ties · "
                    a.dossier-link href=(place_href(&place.id)) { "Open the dossier of " (place.name) }
                }
                @let ties = view.layer.ties_of(&place.id, view.filter, view.year);
                p { "Its ties in " (view.year) ":" }
                ul.ties {
                    @for tie in &ties {
                        @let status = view.layer.status_in(tie, view.year);
                        @let partner = tie.partner_of(&place.id);
                        @let name = view.layer.place(partner).map_or(partner, |p| p.name.as_str());
                        li data-tie=(tie.id) data-status=(status.as_str()) {
                            a href=(place_href(partner)) { (name) } " "
                            (status_badge(status)) " "
                            a.tie-link href=(tie_href(&tie.id)) { "tie" }
                        }
                    }
                }
            } @else if let Some(missing) = view.place_not_on_map {
                h2 { "Not on the map" }
                p { "No place with coordinates has the id " code { (missing) } ". "
                    a href={"/search?q=" (super::encode(missing))} { "Search for it" } "." }
            } @else {
                h2 { "Select a place" }
                p { "Click a place on the map, or choose one in the table below, to list its partners." }
            }
        }
    }
}

fn year_events(view: &MapPage) -> Markup {
    let events = view.layer.events_in(view.year, view.filter);
    html! {
        section #year-events aria-live="polite" aria-label="Signings and terminations in the year" {
            h2 { "In " span.year { (view.year) } }
            @if events.is_empty() {
                p.empty { "No signing or termination is dated this year." }
            } @else {
                ul {
                    @for (tie, kind) in events.iter().take(MAX_YEAR_EVENTS) {
                        li data-tie=(tie.id) data-event=(kind.as_str()) {
                            span class={"event event-" (kind.as_str())} { (event_label(*kind)) } " "
                            a href=(tie_href(&tie.id)) { (tie_name(view.layer, &tie.a, &tie.b)) }
                        }
                    }
                }
                @if events.len() > MAX_YEAR_EVENTS {
                    p { "and " (events.len() - MAX_YEAR_EVENTS) " more." }
                }
            }
        }
    }
}

fn map_table(view: &MapPage) -> Markup {
    html! {
        @if let Some(place) = view.place {
            table #map-table {
                caption { "Ties of " (place.name) " in " (view.year) }
                thead { tr { th scope="col" { "Partner" } th scope="col" { "Country" } th scope="col" { "Kind" } th scope="col" { "Status" } } }
                tbody {
                    @for tie in view.layer.ties_of(&place.id, view.filter, view.year) {
                        @let partner_id = tie.partner_of(&place.id);
                        @let partner = view.layer.place(partner_id);
                        tr data-tie=(tie.id) {
                            td { a href=(place_href(partner_id)) { (partner.map_or(partner_id, |p| p.name.as_str())) } }
                            td { (partner.and_then(|p| p.country.as_deref()).unwrap_or("")) }
                            td { (kind_label(tie.kind)) }
                            td { (view.layer.status_in(tie, view.year).as_str()) }
                        }
                    }
                }
            }
        } @else {
            table #map-table {
                caption { "The places with the most ties" }
                thead { tr { th scope="col" { "Place" } th scope="col" { "Country" } th scope="col" { "Ties" } th scope="col" { "On the map" } } }
                tbody {
                    @for place in view.layer.top_places(TOP_PLACES) {
                        tr {
                            td { a href=(place_href(&place.id)) { (place.name) } }
                            td { (place.country.as_deref().unwrap_or("")) }
                            td.number { (place.degree) }
                            td { a href={"/?place=" (super::encode(&place.id))} { "select" } }
                        }
                    }
                }
            }
        }
    }
}

/// "Prague – Beijing", from the layer's names.
fn tie_name(layer: &MapLayer, a: &str, b: &str) -> String {
    let name = |id: &str| layer.place(id).map_or(id.to_owned(), |p| p.name.clone());
    format!("{} – {}", name(a), name(b))
}

pub fn kind_label(kind: TieKind) -> String {
    kind.as_str().replace('_', " ")
}

pub fn event_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Proposed => "proposed",
        EventKind::Signed => "signed",
        EventKind::Renewed => "renewed",
        EventKind::Suspended => "suspended",
        EventKind::Terminated => "terminated",
        EventKind::Reinstated => "reinstated",
    }
}
