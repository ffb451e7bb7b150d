//! Names: `/resolve`, what a name and a country field resolve to (the gazetteer's ranked
//! candidates, each with its verdict, why it matched, a source's claim beside ISO 3166's
//! country, a neighbouring-country hint, and a link to the place's dossier or its point on
//! a map); and `/unresolved`, the names imports could not resolve, waiting for a decision.

use maud::{Markup, html};
use polis_app::{QueueEntry, Resolution, ResolvedCandidate, UnresolvedPage, Verdict};

use super::{encode, place_href};
use crate::layout::{Frame, Section, page};

/// The resolve page as asked: what was typed, and the answer or why there is none.
pub struct ResolvePage<'a> {
    pub name: &'a str,
    pub country: &'a str,
    pub resolution: Option<&'a Resolution>,
    /// A problem with a field: its name (`name` or `country`) and the message.
    pub error: Option<(&'a str, &'a str)>,
}

/// The URL of the resolve page for a name and a country field.
pub fn resolve_href(name: &str, country: Option<&str>) -> String {
    match country.filter(|c| !c.is_empty()) {
        Some(country) => format!("/resolve?name={}&country={}", encode(name), encode(country)),
        None => format!("/resolve?name={}", encode(name)),
    }
}

/// A verdict as a badge with its word (colour is never the only sign).
pub fn verdict_badge(verdict: Verdict) -> Markup {
    html! { span class={"verdict verdict-" (verdict.as_str())} { (verdict.label()) } }
}

pub fn resolve_page(view: &ResolvePage) -> Markup {
    let json = if view.name.trim().is_empty() {
        "/api/v1/resolve?name=".to_owned()
    } else {
        resolve_href(view.name, Some(view.country)).replacen("/resolve", "/api/v1/resolve", 1)
    };
    let title = match view.resolution {
        Some(r) => format!("Resolve: {}", r.name),
        None => "Resolve a name".to_owned(),
    };
    let frame = Frame {
        title: &title,
        section: Section::Names,
        json: &json,
        scripts: &[],
        query: "",
    };
    let field_error = |field: &str| view.error.filter(|(f, _)| *f == field).map(|(_, m)| m);
    let body = html! {
        h1 { (title) }
        p.lede {
            "What a place name means, as an import would decide it: the gazetteer's candidates, best first, "
            "each with its verdict and why. A toss-up is never taken; a source's country for a contested "
            "territory is kept as its claim. "
            a href="/unresolved" { "Names waiting for a decision" } "."
        }
        form #resolve-form .filters method="get" action="/resolve" {
            (text_field("name", "Name", view.name, "Springfield, Praha, 布拉格", field_error("name")))
            (text_field("country", "Country, as the source writes it", view.country, "United States, CZ", field_error("country")))
            div.buttons { button type="submit" { "Resolve" } }
        }
        @if let Some(resolution) = view.resolution {
            section #resolution aria-labelledby="resolution-heading" {
                h2 #resolution-heading {
                    "Candidates for “" (resolution.name) "”"
                    @if let Some(country) = &resolution.country { " in “" (country) "”" }
                }
                p #summary .summary {
                    @if let Some(verdict) = resolution.verdict { (verdict_badge(verdict)) " " }
                    (resolution.summary)
                }
                @if !resolution.candidates.is_empty() {
                    ol #candidates .candidates {
                        @for candidate in &resolution.candidates {
                            li { (candidate_card(candidate)) }
                        }
                    }
                }
            }
        }
    };
    page(&frame, body)
}

/// A labelled text input with its examples shown under it (not as a placeholder, which
/// vanishes once one types) and its problem beside it.
fn text_field(id: &str, label: &str, value: &str, examples: &str, error: Option<&str>) -> Markup {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described_by = match error {
        Some(_) => format!("{help_id} {error_id}"),
        None => help_id.clone(),
    };
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (label) }
            input #(id) name=(id) type="text" value=(value)
                maxlength=(polis_app::resolution::MAX_NAME_CHARS)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=(described_by);
            small id=(help_id) { "e.g. " (examples) }
            @if let Some(error) = error {
                ul.field-errors id=(error_id) { li { (error) } }
            }
        }
    }
}

/// One candidate: where it is, its verdict and note, its facts and why it matched.
fn candidate_card(resolved: &ResolvedCandidate) -> Markup {
    let c = &resolved.candidate;
    html! {
        article.candidate data-verdict=(resolved.verdict.as_str()) {
            h3 {
                @match &resolved.place {
                    Some(id) => { a href=(place_href(id)) { (resolved.where_label()) } }
                    None => { (resolved.where_label()) }
                }
                " " (verdict_badge(resolved.verdict))
            }
            p.note { (resolved.note) }
            dl.candidate-facts {
                dt { "Confidence" } dd { (format!("{:.2}", c.confidence)) }
                dt { "Level" } dd { (c.level) }
                @match &c.sovereignty_claim {
                    Some(claim) => {
                        dt { "Country (ISO 3166)" } dd { (claim.filed_under) }
                        dt { "Country, by the source" } dd.claim { (claim.claimed_by) " (its claim on " (claim.territory) ")" }
                    }
                    None => { dt { "Country" } dd { (c.country) } }
                }
                @if let Some(stated) = &c.neighbouring_country {
                    dt { "Named country" } dd.neighbour { (stated) ", a neighbour of " (c.country) }
                }
                @if let Some(admin2) = &c.admin2 { dt { "District" } dd { (admin2) } }
                @if let Some(population) = c.population { dt { "Population" } dd { (grouped(population)) } }
                @if let (Some(lat), Some(lon)) = (c.lat, c.lon) {
                    dt { "Coordinates" }
                    dd {
                        a href=(format!("https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=11/{lat:.5}/{lon:.5}")) rel="noreferrer" {
                            (format!("{lat:.4}, {lon:.4}"))
                        }
                    }
                }
                @if let Some(geonames) = c.geonames {
                    dt { "GeoNames" }
                    dd { a href=(format!("https://www.geonames.org/{geonames}")) rel="noreferrer" { (geonames) } }
                } @else if let Some(subdivision) = &c.subdivision {
                    dt { "ISO 3166-2" } dd { code { (subdivision) } }
                }
                @if let Some(id) = &resolved.place {
                    dt { "In polis" } dd { a href=(place_href(id)) { "the dossier of " code { (id) } } }
                }
                dt { "Why" } dd.why { (c.explanation) }
            }
        }
    }
}

/// The queue of names imports could not resolve.
pub fn unresolved_page(view: &UnresolvedPage) -> Markup {
    let json = format!("/api/v1/unresolved?limit={}", view.limit);
    let frame = Frame {
        title: "Names waiting for a decision",
        section: Section::Names,
        json: &json,
        scripts: &[],
        query: "",
    };
    let body = html! {
        h1 { "Names waiting for a decision" }
        p.lede {
            "The names imports could not resolve with confidence, the names named most often first. "
            "Their ties are kept with a provisional place until a person decides what each name means ("
            code { "polis resolve NAME --country C --confirm-geonames ID" } "). "
            a href="/resolve" { "Resolve any name" } "."
        }
        @if view.names.is_empty() {
            p.empty { "No name is waiting: every name imported so far was resolved." }
        } @else {
            p { (view.names.len()) " name(s) shown (at most " (view.limit) ")." }
            div.table-wrap {
                table #unresolved {
                    thead {
                        tr {
                            th scope="col" { "Name" }
                            th scope="col" { "Country" }
                            th scope="col" { "Source" }
                            th scope="col" .number { "Ties waiting" }
                            th scope="col" { "Candidates" }
                        }
                    }
                    tbody {
                        @for entry in &view.names { (queue_row(entry)) }
                    }
                }
            }
        }
    };
    page(&frame, body)
}

fn queue_row(entry: &QueueEntry) -> Markup {
    let q = &entry.queued;
    html! {
        tr {
            th scope="row" { a href=(resolve_href(&q.name, q.country.as_deref())) { (q.name) } }
            td data-label="Country" { (q.country.as_deref().unwrap_or("–")) }
            td data-label="Source" { code { (q.batch) } ", line " (q.line) }
            td.number data-label="Ties waiting" { (q.occurrences) }
            td data-label="Candidates" {
                @if entry.candidates.is_empty() {
                    span.empty { "none" }
                } @else {
                    ul.queue-candidates {
                        @for candidate in &entry.candidates {
                            li {
                                @match &candidate.place {
                                    Some(id) => { a href=(place_href(id)) { (candidate.where_label()) } }
                                    None => { (candidate.where_label()) }
                                }
                                " " small { (format!("{:.2}", candidate.candidate.confidence)) } " "
                                (verdict_badge(candidate.verdict))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A count with thousands separated by commas: 170,188.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
