//! Names: `/resolve`, what a name and a country field resolve to (the gazetteer's ranked
//! candidates, each with its verdict, why it matched, a source's claim beside ISO 3166's
//! country, a neighbouring-country hint, and a link to the place's dossier or its point on
//! a map); and `/unresolved`, the names imports could not resolve, waiting for a decision.
//! A signed-in reviewer records a decision from either page: beside each candidate with a
//! GeoNames id or a registry place, a "This is the place" form posts to `/resolve/decide`;
//! everyone else is told the command and who may record it here.

use maud::{Markup, html};
use polis_app::{
    Decided, QueueEntry, Resolution, ResolvedCandidate, Role, UnresolvedPage, Verdict,
};

use super::edit::{UserBar, user_bar};
use super::{encode, place_href};
use crate::layout::{Frame, Section, page};

/// The resolve page as asked: what was typed, and the answer or why there is none.
pub struct ResolvePage<'a> {
    pub name: &'a str,
    pub country: &'a str,
    /// What the source says besides the name, as typed: its point and its population
    /// (empty when not given); they choose among the places of the name as an import's do.
    pub context: SourceContext<'a>,
    pub resolution: Option<&'a Resolution>,
    /// A problem with a field: its name (`name`, `country`, `lat`, `lon` or `population`)
    /// and the message.
    pub error: Option<(&'a str, &'a str)>,
    /// Who may record a decision here, and what the page says after one.
    pub deciding: &'a Deciding,
}

/// The source's coordinates and population as the form gives them (text; empty: none).
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceContext<'a> {
    pub lat: &'a str,
    pub lon: &'a str,
    pub population: &'a str,
}

impl SourceContext<'_> {
    /// Whether anything was given.
    pub fn is_empty(&self) -> bool {
        [self.lat, self.lon, self.population]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    /// The query string's tail for them ("&lat=42.1&lon=-72.6"), empty when none is given.
    pub fn query(&self) -> String {
        [
            ("lat", self.lat),
            ("lon", self.lon),
            ("population", self.population),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("&{k}={}", encode(v.trim())))
        .collect()
    }
}

/// Recording a decision from a page: who is looking, and what the page says at its top.
#[derive(Debug, Clone, Default)]
pub struct Deciding {
    /// Whoever is signed in, with the session's anti-forgery token for the forms; none when
    /// nobody is.
    pub user: Option<UserBar>,
    pub notice: Option<DecisionNotice>,
}

impl Deciding {
    /// Whether the page offers "This is the place": a reviewer or an admin is signed in.
    pub fn may_decide(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role >= Role::Reviewer)
    }

    fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    fn csrf(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.csrf.as_str())
    }

    /// The line under the title for someone signed in: who they are, and signing out.
    fn user_bar(&self) -> Markup {
        html! { @if let Some(user) = &self.user { (user_bar(user)) } }
    }
}

/// What a page says after a decision was posted.
#[derive(Debug, Clone)]
pub enum DecisionNotice {
    /// What the name is remembered to mean now, and the provisional place merged into it
    /// (its id, and the id it redirects to), if any.
    Remembered {
        decided: Box<Decided>,
        merged: Option<(String, String)>,
    },
    /// The decision was refused: why.
    Refused(String),
}

/// The form's `back` field: the page a decision comes back to.
pub const BACK_TO_QUEUE: &str = "unresolved";

/// The notice at the top of a page, after a decision.
fn decision_notice(notice: Option<&DecisionNotice>) -> Markup {
    html! {
        @match notice {
            Some(DecisionNotice::Remembered { decided, merged }) => {
                div.notice #decision-notice role="status" {
                    p {
                        "Remembered: “" (decided.name) "” (" (decided.country.as_deref().unwrap_or("any country")) ") means "
                        @match &decided.place {
                            Some(id) => { a href=(place_href(id)) { (decided.means) } }
                            None => { (decided.means) }
                        }
                        "; later imports use it."
                    }
                    @if let Some((provisional, into)) = merged {
                        p {
                            "The provisional place " code { (provisional) } " was merged into "
                            a href=(place_href(into)) { code { (into) } }
                            ": its ties moved there, and its id redirects there."
                        }
                    }
                }
            }
            Some(DecisionNotice::Refused(message)) => {
                p.error #decision-notice role="alert" { "Not recorded: " (message) }
            }
            None => {}
        }
    }
}

/// What the page says about recording a decision for `name`: to a reviewer, what the
/// buttons do; to anyone else, the command and who may record it here.
fn decide_hint(deciding: &Deciding, name: &str, country: Option<&str>, next: &str) -> Markup {
    let command = match country.filter(|c| !c.is_empty()) {
        Some(country) => {
            format!("polis resolve \"{name}\" --country \"{country}\" --confirm-geonames ID")
        }
        None => format!("polis resolve \"{name}\" --confirm-geonames ID"),
    };
    html! {
        @if deciding.may_decide() {
            p.decide-hint #decide-hint {
                "“This is the place” records which place the name means, for every later import; "
                "it leaves the queue, and a provisional place kept for it is merged into the place you pick."
            }
        } @else {
            p.decide-hint #decide-hint {
                "To record which place the name means, for every later import: " code { (command) } ". "
                @match deciding.role() {
                    Some(role) => {
                        "Recording it here needs the reviewer role; you are signed in as " (role.as_str()) "."
                    }
                    None => {
                        a href=(format!("/sign-in?next={}", encode(next))) { "Sign in as a reviewer" } " to record it here."
                    }
                }
            }
        }
    }
}

/// The "This is the place" form of a candidate, for a reviewer: none when the candidate has
/// neither a GeoNames id nor a registry place (a metropolitan government an import makes).
fn decide_form(
    deciding: &Deciding,
    name: &str,
    country: Option<&str>,
    candidate: &ResolvedCandidate,
    back: &str,
) -> Markup {
    let field = match (candidate.candidate.geonames, &candidate.place) {
        (Some(geonames), _) => Some(("geonames", geonames.to_string())),
        (None, Some(place)) => Some(("place", place.clone())),
        (None, None) => None,
    };
    html! {
        @if let (true, Some((field, value))) = (deciding.may_decide(), field) {
            form.decide-form method="post" action="/resolve/decide" {
                input type="hidden" name="csrf" value=(deciding.csrf());
                input type="hidden" name="name" value=(name);
                input type="hidden" name="country" value=(country.unwrap_or(""));
                input type="hidden" name=(field) value=(value);
                input type="hidden" name="back" value=(back);
                button.primary type="submit" aria-label=(format!("This is the place: {}", candidate.where_label())) {
                    "This is the place"
                }
            }
        }
    }
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
            + &view.context.query()
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
        (view.deciding.user_bar())
        p.lede {
            "What a place name means, as an import would decide it: the gazetteer's candidates, best first, "
            "each with its verdict and why. A toss-up is never taken; a source's country for a contested "
            "territory is kept as its claim. "
            a href="/unresolved" { "Names waiting for a decision" } "."
        }
        form #resolve-form .filters method="get" action="/resolve" {
            (text_field("name", "Name", view.name, "Springfield, Praha, 布拉格", field_error("name")))
            (text_field("country", "Country, as the source writes it", view.country, "United States, CZ", field_error("country")))
            details #source-context open[!view.context.is_empty() || view.error.is_some_and(|(f, _)| matches!(f, "lat" | "lon" | "population"))] {
                summary { "What else the source says (optional)" }
                p.context-hint { "A point or a count chooses among places of the same name, as an import's rows do." }
                div.context-fields {
                    (text_field("lat", "Latitude", view.context.lat, "42.10", field_error("lat")))
                    (text_field("lon", "Longitude", view.context.lon, "-72.59", field_error("lon")))
                    (text_field("population", "Population", view.context.population, "237000", field_error("population")))
                }
            }
            div.buttons { button type="submit" { "Resolve" } }
        }
        (decision_notice(view.deciding.notice.as_ref()))
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
                    (decide_hint(view.deciding, &resolution.name, resolution.country.as_deref(), &resolve_href(&resolution.name, resolution.country.as_deref())))
                    ol #candidates .candidates {
                        @for candidate in &resolution.candidates {
                            li {
                                (candidate_card(candidate, decide_form(view.deciding, &resolution.name, resolution.country.as_deref(), candidate, "resolve")))
                            }
                        }
                    }
                }
            }
        }
    };
    page(&frame, body)
}

/// A labelled text input with its examples shown under it as visible text (an in-field
/// hint vanishes once one types) and its problem beside it.
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

/// One candidate: where it is, its verdict and note, its facts and why it matched, and the
/// form that records it as what the name means (empty for most readers).
fn candidate_card(resolved: &ResolvedCandidate, decide: Markup) -> Markup {
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
            (decide)
        }
    }
}

/// The queue of names imports could not resolve.
pub fn unresolved_page(view: &UnresolvedPage, deciding: &Deciding) -> Markup {
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
        (deciding.user_bar())
        p.lede {
            "The names imports could not resolve with confidence, the names named most often first. "
            "Their ties are kept with a provisional place until a person decides what each name means ("
            code { "polis resolve NAME --country C --confirm-geonames ID" } "). "
            a href="/resolve" { "Resolve any name" } "."
        }
        (decision_notice(deciding.notice.as_ref()))
        @if deciding.may_decide() {
            p.decide-hint #decide-hint {
                "“This is the place” beside a candidate records it as what the name means, for every later import, "
                "and takes the name off the queue; its provisional place is merged into the place you pick."
            }
        } @else if let Some(role) = deciding.role() {
            p.decide-hint #decide-hint { "Recording a decision here needs the reviewer role; you are signed in as " (role.as_str()) "." }
        } @else {
            p.decide-hint #decide-hint { a href="/sign-in?next=%2Funresolved" { "Sign in as a reviewer" } " to record a decision here." }
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
                        @for entry in &view.names { (queue_row(entry, deciding)) }
                    }
                }
            }
        }
    };
    page(&frame, body)
}

fn queue_row(entry: &QueueEntry, deciding: &Deciding) -> Markup {
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
                                (decide_form(deciding, &q.name, q.country.as_deref(), candidate, BACK_TO_QUEUE))
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
