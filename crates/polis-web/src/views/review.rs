//! Review pages: the queue of open proposals, a proposal with its diff (field by field:
//! what each record held before and what it would hold after) and the approve and reject
//! forms, and the audit log for admins.

use maud::{Markup, html};
use polis_app::{AuditView, ChangeView, ProposalView, Role};
use serde_json::Value;

use super::edit::{UserBar, proposal_table, user_bar};
use super::{place_href, tie_href};
use crate::layout::{Frame, Section, page, timestamp};

fn frame<'a>(title: &'a str, json: &'a str) -> Frame<'a> {
    Frame {
        title,
        section: Section::Edit,
        json,
        scripts: &[],
        query: "",
    }
}

/// The queue: the open proposals, newest first.
pub fn review_queue_page(user: &UserBar, open: &[ProposalView]) -> Markup {
    let rows: Vec<&ProposalView> = open.iter().collect();
    let body = html! {
        h1 { "Review queue" }
        (user_bar(user))
        @if rows.is_empty() {
            p.empty { "No proposal is waiting for review." }
        } @else {
            p { (rows.len()) " open proposal" @if rows.len() != 1 { "s" } ", newest first. "
                "Open one to see its diff and approve or reject it; nobody reviews their own." }
            (proposal_table(&rows))
        }
    };
    page(
        &frame("Review queue", "/api/v1/proposals?status=open"),
        body,
    )
}

/// What the proposal page says at its top.
#[derive(Debug, Clone)]
pub enum ReviewNotice {
    /// The review went through.
    Done(String),
    /// The review was refused: already reviewed, the rules, a missing comment.
    Refused(String),
    /// The records changed since it was proposed: both diffs.
    Stale {
        message: String,
        proposed: Vec<ChangeView>,
        current: Vec<ChangeView>,
    },
}

/// A proposal: what it does, its diff, its review, and (for a reviewer who is not its
/// author, while it is open) the approve and reject forms.
pub fn proposal_page(
    user: &UserBar,
    proposal: &ProposalView,
    notice: Option<&ReviewNotice>,
) -> Markup {
    let title = format!("Proposal {}", proposal.id);
    let json = format!("/api/v1/proposals/{}", proposal.id);
    let may_review =
        proposal.status == "open" && user.role >= Role::Reviewer && proposal.author != user.name;
    let body = html! {
        h1 { "Proposal " (proposal.id) " " span class={"proposal-status proposal-" (proposal.status)} #proposal-status { (proposal.status) } }
        (user_bar(user))
        @match notice {
            Some(ReviewNotice::Done(message)) => { p.notice #review-notice role="status" { (message) } }
            Some(ReviewNotice::Refused(message)) => { p.error #review-notice role="alert" { (message) } }
            Some(ReviewNotice::Stale { message, current, .. }) => {
                div.error #review-notice role="alert" {
                    p { (message) }
                    h2 { "The diff against the records as they are now" }
                    (diff(current, false))
                }
            }
            None => {}
        }
        dl.proposal-meta {
            dt { "Proposed by" } dd #proposal-author { (proposal.author) }
            dt { "On" } dd { (timestamp(&proposal.created_at)) }
            dt { "Why" } dd #proposal-comment { (proposal.comment) }
            dt { "Operation" } dd { (proposal.operation) }
            @if let Some(reviewer) = &proposal.reviewer {
                dt { "Reviewed by" } dd #proposal-reviewer { (reviewer) }
                @if let Some(at) = &proposal.reviewed_at { dt { "On" } dd { (timestamp(at)) } }
                @if let Some(comment) = &proposal.review_comment { dt { "Review" } dd #review-comment { (comment) } }
            }
        }
        section #diff {
            h2 { "What it changes" }
            p.note { "Each record as it was when this was proposed, and as it would be after." }
            (diff(&proposal.diff, proposal.status == "approved"))
        }
        @if may_review {
            section #review {
                h2 { "Review" }
                form.edit-form #review-form method="post" action={"/review/" (proposal.id) "/approve"} {
                    input type="hidden" name="csrf" value=(user.csrf);
                    div.form-field {
                        label for="comment" { "Comment (required to reject)" }
                        textarea #comment name="comment" rows="3" {}
                    }
                    div.buttons {
                        button.primary #approve type="submit" { "Approve and apply" }
                        button.danger #reject type="submit" formaction={"/review/" (proposal.id) "/reject"} { "Reject" }
                    }
                }
            }
        } @else if proposal.status == "open" && proposal.author == user.name {
            p.note { "This is your proposal: another reviewer decides on it." }
        } @else if proposal.status == "open" {
            p.note { "A reviewer decides on it." }
        }
    };
    page(&frame(&title, &json), body)
}

/// A diff: for each record, the fields that differ, before and after. With `linked`, the
/// records that have a page (a place, a tie) link to it.
pub fn diff(changes: &[ChangeView], linked: bool) -> Markup {
    html! {
        @if changes.is_empty() {
            p.empty { "No record changes." }
        }
        @for change in changes {
            @let what = match (&change.before, &change.after) {
                (None, Some(_)) => "new",
                (Some(_), None) => "removed",
                _ => "changed",
            };
            article.change data-kind=(change.kind) data-key=(change.key) data-change=(what) {
                @let page = match change.kind.as_str() {
                    "tie" if linked && what != "removed" => Some(tie_href(&change.key)),
                    "place" if linked && what != "removed" => Some(place_href(&change.key)),
                    _ => None,
                };
                h3 {
                    (change.kind) " "
                    @match page {
                        Some(href) => { a href=(href) { code { (change.key) } } }
                        None => { code { (change.key) } }
                    }
                    " " span class={"change-" (what)} { (what) }
                }
                div.table-wrap {
                    table.diff {
                        thead { tr { th scope="col" { "Field" } th scope="col" { "Before" } th scope="col" { "After" } } }
                        tbody {
                            @for (field, before, after) in field_changes(change.before.as_ref(), change.after.as_ref()) {
                                tr data-field=(field) {
                                    th scope="row" { (field) }
                                    td.before { @if let Some(v) = before { del { (shown(&v)) } } }
                                    td.after { @if let Some(v) = after { ins { (shown(&v)) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The top-level fields whose values differ, in the record's own order, each with its
/// value before and after; a list is shown item by item, only the items that differ.
fn field_changes<'a>(
    before: Option<&'a Value>,
    after: Option<&'a Value>,
) -> Vec<(String, Option<Value>, Option<Value>)> {
    let empty = serde_json::Map::new();
    let object = |v: Option<&'a Value>| match v {
        Some(Value::Object(map)) => map,
        _ => &empty,
    };
    let (b, a) = (object(before), object(after));
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    let mut out = Vec::new();
    for key in keys {
        let (old, new) = (b.get(key), a.get(key));
        if old == new {
            continue;
        }
        match (old, new) {
            (Some(Value::Array(old)), Some(Value::Array(new))) => {
                let removed: Vec<Value> =
                    old.iter().filter(|x| !new.contains(x)).cloned().collect();
                let added: Vec<Value> = new.iter().filter(|x| !old.contains(x)).cloned().collect();
                let n_kept = new.len() - added.len();
                let label = if n_kept > 0 {
                    format!("{key} ({n_kept} unchanged)")
                } else {
                    key.clone()
                };
                out.push((
                    label,
                    (!removed.is_empty()).then_some(Value::Array(removed)),
                    (!added.is_empty()).then_some(Value::Array(added)),
                ));
            }
            _ => out.push((key.clone(), old.cloned(), new.cloned())),
        }
    }
    out
}

/// A value as a person reads it: text as it is, anything else as indented JSON.
fn shown(value: &Value) -> Markup {
    match value {
        Value::String(text) => html! { (text) },
        Value::Number(n) => html! { (n.to_string()) },
        Value::Bool(b) => html! { (b.to_string()) },
        other => html! { pre { (serde_json::to_string_pretty(other).unwrap_or_default()) } },
    }
}

/// The audit log, newest first: who changed which record when and why, with the change;
/// the sessions' sign-ins and sign-outs only when `sessions`.
pub fn audit_page(user: &UserBar, entries: &[AuditView], limit: usize, sessions: bool) -> Markup {
    let flag = if sessions { "&sessions=true" } else { "" };
    let json = format!("/api/v1/audit?limit={limit}{flag}");
    let body = html! {
        h1 { "Audit log" }
        (user_bar(user))
        p { "The newest " (entries.len()) " entries, newest first. Each entry carries the hash of the one before; "
            code { "polis audit verify" } " checks the chain. "
            @if entries.len() == limit { a href={"/audit?limit=" ((limit * 4).min(1000)) (flag)} { "Show more" } } }
        form #audit-filter .filters method="get" action="/audit" {
            input type="hidden" name="limit" value=(limit);
            div.field {
                label {
                    input #sessions type="checkbox" name="sessions" value="true" checked[sessions];
                    " Show sign-ins and sign-outs (web sessions)"
                }
            }
            div.buttons { button type="submit" { "Show" } }
        }
        @if !sessions {
            p.note { "Sign-ins and sign-outs are in the chain too, and left out here unless asked for." }
        }
        div.table-wrap {
            table #audit {
                thead { tr {
                    th scope="col" { "No." } th scope="col" { "When" } th scope="col" { "Who" }
                    th scope="col" { "Record" } th scope="col" { "Why" } th scope="col" { "Change" }
                } }
                tbody {
                    @for entry in entries {
                        @let what = match (&entry.before, &entry.after) {
                            (None, Some(_)) => "created",
                            (Some(_), None) => "removed",
                            (Some(_), Some(_)) => "updated",
                            (None, None) => "",
                        };
                        tr data-seq=(entry.seq) data-kind=(entry.record_kind) data-id=(entry.record_id) {
                            td { (entry.seq) }
                            td.when { (timestamp(&entry.at)) }
                            td.who { (entry.who) }
                            td {
                                (entry.record_kind) " "
                                @match entry.record_kind.as_str() {
                                    "tie" => { a href=(tie_href(&entry.record_id)) { code { (entry.record_id) } } }
                                    "place" => { a href=(place_href(&entry.record_id)) { code { (entry.record_id) } } }
                                    "proposal" => { a href={"/review/" (entry.record_id)} { code { (entry.record_id) } } }
                                    _ => { code { (entry.record_id) } }
                                }
                            }
                            td.context { (entry.context) }
                            td {
                                (what)
                                @if entry.before.is_some() || entry.after.is_some() {
                                    details {
                                        summary { "fields" }
                                        @let change = ChangeView {
                                            kind: entry.record_kind.clone(),
                                            key: entry.record_id.clone(),
                                            before: entry.before.clone(),
                                            after: entry.after.clone(),
                                        };
                                        table.diff {
                                            tbody {
                                                @for (field, before, after) in field_changes(change.before.as_ref(), change.after.as_ref()) {
                                                    tr { th scope="row" { (field) }
                                                        td.before { @if let Some(v) = before { del { (shown(&v)) } } }
                                                        td.after { @if let Some(v) = after { ins { (shown(&v)) } } } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&frame("Audit log", &json), body)
}
