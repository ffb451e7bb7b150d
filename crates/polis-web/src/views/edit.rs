//! Editing pages: signing in, the editor's page, the forms that propose a change (each
//! error shown beside its field, tied to its input with `aria-describedby`), and the page
//! that says a role is missing. Every form that posts carries the anti-forgery token in
//! the hidden field `csrf`.

use maud::{Markup, html};
use polis_app::{Edit, FieldErrors, ProposalView, Role};
use polis_core::{ActivityKind, EventKind, Outcome, TieKind};

use super::encode;
use crate::layout::{Frame, Section, page, timestamp};

/// Who is signed in, as the editing pages show it, with the sign-out form's token.
#[derive(Debug, Clone)]
pub struct UserBar {
    pub name: String,
    pub role: Role,
    pub csrf: String,
}

/// The line under each editing page's title: who one is, and signing out.
pub fn user_bar(user: &UserBar) -> Markup {
    html! {
        div.user-bar {
            span { "Signed in as " strong.user-name { (user.name) } " (" span.user-role { (user.role.as_str()) } ")" }
            " · " a href="/edit" { "Your proposals and forms" }
            @if user.role >= Role::Reviewer { " · " a href="/review" { "Review queue" } }
            @if user.role >= Role::Admin { " · " a href="/audit" { "Audit log" } }
            form.sign-out method="post" action="/sign-out" {
                input type="hidden" name="csrf" value=(user.csrf);
                button type="submit" { "Sign out" }
            }
        }
    }
}

fn frame<'a>(title: &'a str, json: &'a str) -> Frame<'a> {
    Frame {
        title,
        section: Section::Edit,
        json,
        scripts: &[],
        query: "",
    }
}

/// The sign-in form.
pub struct SignInPage<'a> {
    /// Where to go once signed in (a path of this site).
    pub next: &'a str,
    /// The name typed before, kept after a refusal.
    pub name: &'a str,
    pub csrf: &'a str,
    pub error: Option<&'a str>,
}

pub fn sign_in_page(sign_in: &SignInPage) -> Markup {
    let body = html! {
        h1 { "Sign in" }
        p { "Editors propose changes, reviewers approve them and admins read the audit log. "
            "Reading needs no account. An admin gives you one with "
            code { "polis user add NAME --role editor --password-stdin" } "." }
        @if let Some(error) = sign_in.error {
            p.error #sign-in-error role="alert" { (error) }
        }
        form.edit-form #sign-in method="post" action="/sign-in" {
            input type="hidden" name="csrf" value=(sign_in.csrf);
            input type="hidden" name="next" value=(sign_in.next);
            div.form-field {
                label for="name" { "User name" }
                input #name type="text" name="name" value=(sign_in.name) autocomplete="username" required
                    aria-describedby=[sign_in.error.map(|_| "sign-in-error")];
            }
            div.form-field {
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
            }
            div.buttons { button.primary type="submit" #sign-in-button { "Sign in" } }
        }
    };
    page(&frame("Sign in", "/api/v1/openapi.json"), body)
}

/// A page that the user's role does not open, saying which role it needs.
pub fn not_allowed_page(user: Option<&UserBar>, message: &str) -> Markup {
    let body = html! {
        h1 { "Not allowed" }
        @if let Some(user) = user { (user_bar(user)) }
        p.error role="alert" { (message) }
        p { "An admin can give you another role with " code { "polis user role NAME ROLE" } ". "
            "Meanwhile every page for reading stays open: start from the " a href="/" { "map" } "." }
    };
    page(&frame("Not allowed", "/api/v1/openapi.json"), body)
}

/// The editor's page: the forms, and the user's own proposals with their status.
pub fn edit_page(user: &UserBar, mine: &[&ProposalView], n_open: usize) -> Markup {
    let body = html! {
        h1 { "Edit" }
        (user_bar(user))
        @if user.role >= Role::Editor {
            section #forms {
                h2 { "Propose a change" }
                p { "A proposal waits for a reviewer, who is never its author; nothing changes until one approves it." }
                ul.form-list {
                    li { a href="/propose/tie" { "A new tie" } " between two places" }
                    li { a href="/propose/event" { "A lifecycle event" } " on a tie (signed, renewed, suspended, terminated…); also from each tie's page" }
                    li { a href="/propose/activity" { "An activity" } " (a visit, aid, a project) with a quantity" }
                    li { a href="/propose/source" { "A source" } " to cite" }
                    li { a href="/propose/correction" { "A correction" } " of any record; also from each tie's and place's page" }
                }
            }
        } @else {
            p { "As a " (user.role.as_str()) " you can read proposals but not make them." }
        }
        @if user.role >= Role::Reviewer {
            p { a href="/review" { "The review queue" } ": " (n_open) " open proposal" @if n_open != 1 { "s" } "." }
        }
        section #my-proposals {
            h2 { "Your proposals" }
            @if mine.is_empty() {
                p.empty { "You have proposed nothing yet." }
            } @else {
                (proposal_table(mine))
            }
        }
    };
    page(&frame("Edit", "/api/v1/proposals"), body)
}

/// Proposals as a table: number, status, what, by whom, when.
pub fn proposal_table(proposals: &[&ProposalView]) -> Markup {
    html! {
        div.table-wrap {
            table.proposals {
                thead { tr {
                    th scope="col" { "No." } th scope="col" { "Status" } th scope="col" { "Comment" }
                    th scope="col" { "Records" } th scope="col" { "By" } th scope="col" { "Proposed" }
                } }
                tbody {
                    @for p in proposals {
                        tr data-proposal=(p.id) data-status=(p.status) {
                            td { a href={"/review/" (p.id)} { (p.id) } }
                            td { span class={"proposal-status proposal-" (p.status)} { (p.status) } }
                            td { a href={"/review/" (p.id)} { (p.comment) } }
                            td { @for (n, c) in p.diff.iter().enumerate() { @if n > 0 { ", " } (c.kind) " " code { (c.key) } } }
                            td { (p.author) }
                            td.when { (timestamp(&p.created_at)) }
                        }
                    }
                }
            }
        }
    }
}

/// A field's name as its label says it, for the list of fields with problems.
fn field_label(name: &str) -> String {
    match name {
        "a" => "one place".to_owned(),
        "b" => "the other place".to_owned(),
        "signed" => "signed on".to_owned(),
        "date" => "when".to_owned(),
        "side" => "the side that acted".to_owned(),
        "source" => "the source".to_owned(),
        "new_source_title" => "the new source's title".to_owned(),
        "new_source_url" => "the new source's address".to_owned(),
        "quantity_item" | "quantity_value" | "quantity_unit" => "the quantity".to_owned(),
        "record" => "the record".to_owned(),
        other => other.replace('_', " "),
    }
}

/// What the forms let one pick from.
#[derive(Debug, Clone, Default)]
pub struct FormContext {
    /// Every source: id and title (the choices of the source field).
    pub sources: Vec<(String, String)>,
    /// The ends of the tie an event form is about: id and name.
    pub tie_ends: Vec<(String, String)>,
}

/// The id of the element that holds a field's errors.
fn error_id(name: &str) -> String {
    format!("{name}-error")
}

fn help_id(name: &str) -> String {
    format!("{name}-help")
}

/// `aria-describedby` of a field: its help and its errors.
fn described_by(name: &str, help: Option<&str>, errors: &FieldErrors) -> Option<String> {
    let mut ids = Vec::new();
    if help.is_some() {
        ids.push(help_id(name));
    }
    if !errors.of(name).is_empty() {
        ids.push(error_id(name));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled field around `input`, with its help and its errors beside it.
fn field(
    name: &str,
    label: &str,
    help: Option<&str>,
    errors: &FieldErrors,
    input: Markup,
) -> Markup {
    let problems = errors.of(name);
    html! {
        div.form-field.has-error[!problems.is_empty()] data-field=(name) {
            label for=(name) { (label) }
            (input)
            @if let Some(help) = help { small.help id=(help_id(name)) { (help) } }
            @if !problems.is_empty() {
                ul.field-errors id=(error_id(name)) {
                    @for problem in problems { li { (problem) } }
                }
            }
        }
    }
}

fn text(name: &str, label: &str, value: &str, help: Option<&str>, errors: &FieldErrors) -> Markup {
    text_with(name, label, value, help, errors, None)
}

fn text_with(
    name: &str,
    label: &str,
    value: &str,
    help: Option<&str>,
    errors: &FieldErrors,
    list: Option<&str>,
) -> Markup {
    let invalid = !errors.of(name).is_empty();
    field(
        name,
        label,
        help,
        errors,
        html! {
            input id=(name) type="text" name=(name) value=(value) list=[list]
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[described_by(name, help, errors)];
        },
    )
}

fn textarea(
    name: &str,
    label: &str,
    value: &str,
    help: Option<&str>,
    errors: &FieldErrors,
    rows: u32,
) -> Markup {
    let invalid = !errors.of(name).is_empty();
    field(
        name,
        label,
        help,
        errors,
        html! {
            textarea id=(name) name=(name) rows=(rows)
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[described_by(name, help, errors)] { (value) }
        },
    )
}

fn select(
    name: &str,
    label: &str,
    value: &str,
    choices: &[(String, String)],
    empty: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let invalid = !errors.of(name).is_empty();
    field(
        name,
        label,
        None,
        errors,
        html! {
            select id=(name) name=(name)
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[described_by(name, None, errors)] {
                @if let Some(empty) = empty { option value="" selected[value.trim().is_empty()] { (empty) } }
                @for (choice, shown) in choices {
                    option value=(choice) selected[value.trim() == choice] { (shown) }
                }
            }
        },
    )
}

fn choices<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let text = name(*v);
            (text.to_owned(), text.replace('_', " "))
        })
        .collect()
}

/// The source a form cites: an existing one (with the sources as suggestions), or a new
/// one by title and URL.
fn citation(citation: &polis_app::Citation, errors: &FieldErrors) -> Markup {
    html! {
        fieldset.citation {
            legend { "Source" }
            (text_with("source", "An existing source (its id)", &citation.source,
                Some("Type to pick from the sources polis has."), errors, Some("source-choices")))
            p.or { "or a new one:" }
            (text("new_source_title", "New source: title", &citation.new_source_title, None, errors))
            (text("new_source_url", "New source: web address", &citation.new_source_url, None, errors))
        }
    }
}

fn date_help() -> Option<&'static str> {
    Some("YYYY, YYYY-MM or YYYY-MM-DD")
}

/// A proposal form, filled in with what was typed, each problem beside its field.
pub fn propose_page(
    user: &UserBar,
    edit: &Edit,
    errors: &FieldErrors,
    context: &FormContext,
) -> Markup {
    let (title, intro): (&str, &str) = match edit {
        Edit::Tie(_) => (
            "Propose a new tie",
            "Two places that signed an agreement, or that a source lists as partners.",
        ),
        Edit::Event(_) => (
            "Propose a lifecycle event",
            "A step in a tie's life: signed, renewed, suspended, terminated, reinstated.",
        ),
        Edit::Activity(_) => (
            "Propose an activity",
            "A visit, aid, a conference or a project, with the places it concerns.",
        ),
        Edit::Source(_) => (
            "Propose a source",
            "A document, page or dataset that records can cite.",
        ),
        Edit::Correction(_) => (
            "Propose a correction",
            "The record as it is stored, in the bundle format (docs/bundle-format.md): change what is wrong.",
        ),
    };
    let action = format!("/propose/{}", edit.name());
    let body = html! {
        h1 { (title) }
        (user_bar(user))
        p { (intro) " A reviewer checks it before anything changes." }
        @if !errors.is_empty() {
            div.error #form-errors role="alert" {
                p { "The proposal was not sent: "
                    @let n = errors.iter().map(|(_, p)| p.len()).sum::<usize>();
                    (n) @if n == 1 { " problem" } @else { " problems" } ". " }
                @if !errors.general().is_empty() {
                    ul { @for problem in errors.general() { li { (problem) } } }
                }
                @let fields: Vec<&str> = errors.iter().map(|(f, _)| f).filter(|f| !f.is_empty()).collect();
                @if !fields.is_empty() {
                    p { "See beside: " @for (n, f) in fields.iter().enumerate() { @if n > 0 { ", " } a href={"#" (f)} { (field_label(f)) } } "." }
                }
            }
        }
        @let loading = matches!(edit, Edit::Correction(f) if f.record.trim().is_empty());
        @if let (true, Edit::Correction(form)) = (loading, edit) {
            form.edit-form #load-record method="get" action="/propose/correction" {
                (select("kind", "Record kind", &form.kind, &record_kinds(), Some("Choose…"), errors))
                (text("id", "Record id", &form.id, Some("Each record's page links here with both filled in"), errors))
                div.buttons { button.primary type="submit" { "Load the record" } }
            }
        } @else {
        form.edit-form #propose method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(user.csrf);
            @match edit {
                Edit::Tie(form) => {
                    (text("a", "One place (id or name)", &form.a, Some("Such as cz-prague or Praha"), errors))
                    (text("b", "The other place (id or name)", &form.b, None, errors))
                    (select("kind", "Kind", &form.kind, &choices(TieKind::ALL, |k| k.as_str()), Some("Choose…"), errors))
                    (text("themes", "Themes", &form.themes, Some("Comma-separated, such as culture, economy"), errors))
                    (text("signed", "Signed on", &form.signed, date_help(), errors))
                    (textarea("note", "Note", &form.note, None, errors, 2))
                    (citation(&form.citation, errors))
                    (textarea("comment", "Why (for the reviewer)", &form.comment, None, errors, 2))
                }
                Edit::Event(form) => {
                    (text("tie", "The tie (its id)", &form.tie, Some("Such as cn-beijing--cz-prague; each tie's page links here"), errors))
                    (select("kind", "What happened", &form.kind, &choices(EventKind::ALL, |k| k.as_str()), Some("Choose…"), errors))
                    (text("date", "When", &form.date, date_help(), errors))
                    @if context.tie_ends.is_empty() {
                        (text("side", "The side that acted (a place id, if one did)", &form.side, None, errors))
                    } @else {
                        (select("side", "The side that acted", &form.side, &context.tie_ends, Some("Neither, or not known"), errors))
                    }
                    (textarea("reason", "Reason", &form.reason, None, errors, 2))
                    (citation(&form.citation, errors))
                    (textarea("comment", "Why (for the reviewer)", &form.comment, None, errors, 2))
                }
                Edit::Activity(form) => {
                    (select("kind", "Kind", &form.kind, &choices(ActivityKind::ALL, |k| k.as_str()), Some("Choose…"), errors))
                    (text("title", "Title", &form.title, None, errors))
                    (text("id", "Id (optional)", &form.id, Some("Left empty: made from the title and the start year"), errors))
                    (text("start", "Start", &form.start, date_help(), errors))
                    (text("end", "End", &form.end, date_help(), errors))
                    (text("places", "Places (ids or names)", &form.places, Some("Comma-separated"), errors))
                    (text("ties", "Ties (ids)", &form.ties, Some("Comma-separated, optional"), errors))
                    fieldset.quantity {
                        legend { "A quantity (optional)" }
                        (text("quantity_item", "What", &form.quantity_item, Some("Such as face masks"), errors))
                        (text("quantity_value", "How much", &form.quantity_value, None, errors))
                        (text("quantity_unit", "Unit", &form.quantity_unit, Some("Such as pieces, EUR"), errors))
                    }
                    (select("outcome", "Outcome", &form.outcome, &choices(Outcome::ALL, |k| k.as_str()), Some("Not known"), errors))
                    (textarea("description", "Description", &form.description, None, errors, 3))
                    (citation(&form.citation, errors))
                    (textarea("comment", "Why (for the reviewer)", &form.comment, None, errors, 2))
                }
                Edit::Source(form) => {
                    (text("title", "Title", &form.title, None, errors))
                    (text("id", "Id (optional)", &form.id, Some("Left empty: made from the title"), errors))
                    (text("url", "Web address", &form.url, None, errors))
                    (text("publisher", "Publisher", &form.publisher, None, errors))
                    (text("author", "Author", &form.author, None, errors))
                    (text("published", "Published", &form.published, date_help(), errors))
                    (text("accessed", "Accessed", &form.accessed, date_help(), errors))
                    (textarea("note", "Note", &form.note, None, errors, 2))
                    (textarea("comment", "Why (for the reviewer)", &form.comment, None, errors, 2))
                }
                Edit::Correction(form) => {
                    (select("kind", "Record kind", &form.kind, &record_kinds(), Some("Choose…"), errors))
                    (text("id", "Record id", &form.id, None, errors))
                    (textarea("record", "The record (TOML)", &form.record, Some("One [[kind]] table with the same id"), errors, 16))
                    (textarea("comment", "Why (for the reviewer)", &form.comment, None, errors, 2))
                }
            }
            div.buttons { button.primary #propose-button type="submit" { "Propose" } }
        }
        }
        datalist #source-choices {
            @for (id, title) in &context.sources { option value=(id) { (title) } }
        }
    };
    page(&frame(title, "/api/v1/proposals"), body)
}

fn record_kinds() -> Vec<(String, String)> {
    polis_app::RecordKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.as_str().to_owned()))
        .collect()
}

/// A link to a form, filled in from the query string.
pub fn propose_href(form: &str, fields: &[(&str, &str)]) -> String {
    let query: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if query.is_empty() {
        format!("/propose/{form}")
    } else {
        format!("/propose/{form}?{}", query.join("&"))
    }
}
