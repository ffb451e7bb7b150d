//! The web UI's editing forms as one use case: each form (a new tie, a lifecycle event on a
//! tie, an activity, a source, a correction of any record) is text as a person typed it; it
//! becomes records through the domain's own parsers, those records become a bundle fragment
//! written by the bundle writer, and the fragment goes through [`App::propose`], as
//! `polis propose` and `POST /api/v1/proposals` send theirs. Before that, the fragment is
//! checked with the same validation every proposal gets, and each problem is kept under the
//! form field it concerns, so a form can show it beside its input.

use std::collections::BTreeMap;

use polis_core::validate::Violation;
use polis_core::{
    Activity, ActivityKind, Dataset, EventKind, Outcome, PartialDate, Quantity, Source, Tie,
    TieEvent, TieKind,
};
use polis_store::{ProposedChange, RecordKind, StoreError};
use serde::Deserialize;

use crate::accounts::Principal;
use crate::proposals::{ProposalView, read_fragment};
use crate::{App, AppError, Snapshot};

/// Problems by form field. The field `""` holds the ones that concern no single field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// The problems of `field` (none: an empty slice).
    pub fn of(&self, field: &str) -> &[String] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// The problems that concern no single field.
    pub fn general(&self) -> &[String] {
        self.of("")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every field with problems, in name order (`""` first).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// Why an edit was not proposed: problems with the form's fields, or the use case failing
/// (not signed in, not allowed, the store).
#[derive(Debug)]
pub enum EditError {
    Fields(FieldErrors),
    App(AppError),
}

impl From<AppError> for EditError {
    fn from(error: AppError) -> Self {
        EditError::App(error)
    }
}

/// The source a form cites: an existing one by id, or a new one by its title (and URL),
/// added in the same proposal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Citation {
    pub source: String,
    pub new_source_title: String,
    pub new_source_url: String,
}

/// A new tie between two places.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TieForm {
    /// Either end: an id or a name of a place.
    pub a: String,
    pub b: String,
    pub kind: String,
    /// Comma-separated free tags.
    pub themes: String,
    /// When it was signed, if known (YYYY, YYYY-MM or YYYY-MM-DD).
    pub signed: String,
    pub note: String,
    #[serde(flatten)]
    pub citation: Citation,
    pub comment: String,
}

/// A lifecycle event added to a tie.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    /// The tie's id.
    pub tie: String,
    pub kind: String,
    pub date: String,
    /// The place whose side acted: one of the tie's ends, or empty.
    pub side: String,
    pub reason: String,
    #[serde(flatten)]
    pub citation: Citation,
    pub comment: String,
}

/// A new activity (a visit, aid, a project) with one quantity at most.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    /// Empty: a slug of the title and the start year.
    pub id: String,
    pub kind: String,
    pub title: String,
    pub start: String,
    pub end: String,
    /// Comma-separated place ids or names.
    pub places: String,
    /// Comma-separated tie ids.
    pub ties: String,
    pub quantity_item: String,
    pub quantity_value: String,
    pub quantity_unit: String,
    pub outcome: String,
    pub description: String,
    #[serde(flatten)]
    pub citation: Citation,
    pub comment: String,
}

/// A new source.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SourceForm {
    /// Empty: a slug of the title.
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub author: String,
    pub url: String,
    pub published: String,
    pub accessed: String,
    pub note: String,
    pub comment: String,
}

/// A correction of one stored record: its bundle form (TOML), edited.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    /// The record kind (`place`, `tie`, `activity`, ...).
    pub kind: String,
    pub id: String,
    /// The record as TOML, one `[[kind]]` table.
    pub record: String,
    pub comment: String,
}

/// One of the web UI's editing forms, as submitted.
#[derive(Debug, Clone)]
pub enum Edit {
    Tie(TieForm),
    Event(EventForm),
    Activity(ActivityForm),
    Source(SourceForm),
    Correction(CorrectionForm),
}

/// What a form built: the records of its fragment, the record it is about, where its new
/// source and its new event went, and the comment it will be proposed with.
struct Built {
    data: Dataset,
    record: (&'static str, String),
    new_source: Option<String>,
    event_index: Option<usize>,
    comment: String,
}

fn trimmed(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Parses an optional field with its type's own parser; its message goes under `field`.
fn parse<T>(errors: &mut FieldErrors, field: &str, text: &str) -> Option<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = trimmed(text)?;
    match text.parse() {
        Ok(value) => Some(value),
        Err(error) => {
            errors.add(field, error.to_string());
            None
        }
    }
}

fn required<T>(errors: &mut FieldErrors, field: &str, text: &str, what: &str) -> Option<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    if trimmed(text).is_none() {
        errors.add(field, format!("required: {what}"));
        return None;
    }
    parse(errors, field, text)
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .filter_map(trimmed)
        .map(str::to_owned)
        .collect()
}

/// A place by id or name, its problem (none, several) under `field`.
fn place_id(
    snapshot: &Snapshot,
    errors: &mut FieldErrors,
    field: &str,
    text: &str,
) -> Option<String> {
    let text = trimmed(text)?;
    match snapshot.resolve_place(text) {
        Ok(place) => Some(place.id.clone()),
        Err(error) => {
            errors.add(field, error.to_string());
            None
        }
    }
}

/// The ids a form's citation cites, adding a new source to `data` when it names one.
fn cite(
    snapshot: &Snapshot,
    citation: &Citation,
    errors: &mut FieldErrors,
    data: &mut Dataset,
) -> (Vec<String>, Option<String>) {
    if let Some(id) = trimmed(&citation.source) {
        if trimmed(&citation.new_source_title).is_some() {
            errors.add(
                "source",
                "give an existing source or a new one, not both: clear one of them",
            );
        }
        return (vec![id.to_owned()], None);
    }
    let Some(title) = trimmed(&citation.new_source_title) else {
        // No source: the validation says what a record without one breaks.
        return (Vec::new(), None);
    };
    let id = polis_core::ids::slug(title);
    if snapshot.data().sources.iter().any(|s| s.id == id) {
        errors.add(
            "new_source_title",
            format!("a source with the id '{id}' exists already: cite it as the existing source"),
        );
    }
    data.sources.push(Source {
        id: id.clone(),
        title: title.to_owned(),
        publisher: None,
        author: None,
        url: trimmed(&citation.new_source_url).map(str::to_owned),
        published: None,
        accessed: Some(crate::today()),
        outside_deck: true,
        note: None,
    });
    (vec![id.clone()], Some(id))
}

fn comment_or(comment: &str, otherwise: String) -> String {
    trimmed(comment).map_or(otherwise, str::to_owned)
}

impl Edit {
    /// The form's name, as in its page's address (`/propose/tie`).
    pub fn name(&self) -> &'static str {
        match self {
            Edit::Tie(_) => "tie",
            Edit::Event(_) => "event",
            Edit::Activity(_) => "activity",
            Edit::Source(_) => "source",
            Edit::Correction(_) => "correction",
        }
    }

    fn build(&self, snapshot: &Snapshot, errors: &mut FieldErrors) -> Built {
        let mut data = Dataset::default();
        match self {
            Edit::Tie(form) => {
                let a = place_id(snapshot, errors, "a", &form.a);
                let b = place_id(snapshot, errors, "b", &form.b);
                if trimmed(&form.a).is_none() {
                    errors.add("a", "required: a place's id or name");
                }
                if trimmed(&form.b).is_none() {
                    errors.add("b", "required: a place's id or name");
                }
                let kind = required::<TieKind>(errors, "kind", &form.kind, "a kind of tie");
                let signed = parse::<PartialDate>(errors, "signed", &form.signed);
                let (sources, new_source) = cite(snapshot, &form.citation, errors, &mut data);
                let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
                let (first, second) = polis_core::ids::canonical_pair(&a, &b);
                let id = polis_core::ids::tie_id(&a, &b);
                if !a.is_empty()
                    && !b.is_empty()
                    && a != b
                    && let Some(existing) = snapshot.data().ties.iter().find(|t| t.id == id)
                {
                    errors.add(
                        "b",
                        format!(
                            "these places have a tie already ({}): propose a lifecycle event on it, or a correction",
                            existing.id
                        ),
                    );
                }
                let events = signed
                    .map(|date| TieEvent {
                        kind: EventKind::Signed,
                        date: Some(date),
                        side: None,
                        actor: None,
                        reason: None,
                        document: None,
                        sources: sources.clone(),
                        disputed_by: Vec::new(),
                    })
                    .into_iter()
                    .collect();
                data.ties.push(Tie {
                    id: id.clone(),
                    a: first.to_owned(),
                    b: second.to_owned(),
                    kind: kind.unwrap_or(TieKind::Partnership),
                    themes: list(&form.themes),
                    motives: Vec::new(),
                    network: None,
                    documents: Vec::new(),
                    note: trimmed(&form.note).map(str::to_owned),
                    events,
                    evidence: Vec::new(),
                    sources,
                });
                Built {
                    data,
                    record: ("tie", id.clone()),
                    new_source,
                    event_index: Some(0),
                    comment: comment_or(&form.comment, format!("new tie {id}")),
                }
            }
            Edit::Event(form) => {
                let tie = trimmed(&form.tie).and_then(|id| {
                    let found = snapshot.data().ties.iter().find(|t| t.id == id);
                    if found.is_none() {
                        errors.add("tie", format!("no tie has the id '{id}'"));
                    }
                    found
                });
                if trimmed(&form.tie).is_none() {
                    errors.add("tie", "required: the tie's id");
                }
                let kind = required::<EventKind>(errors, "kind", &form.kind, "what happened");
                let date = parse::<PartialDate>(errors, "date", &form.date);
                let (sources, new_source) = cite(snapshot, &form.citation, errors, &mut data);
                let side = trimmed(&form.side).map(str::to_owned);
                let Some(tie) = tie else {
                    return Built {
                        data,
                        record: ("tie", form.tie.trim().to_owned()),
                        new_source,
                        event_index: None,
                        comment: String::new(),
                    };
                };
                let mut tie = tie.clone();
                let event = TieEvent {
                    kind: kind.unwrap_or(EventKind::Renewed),
                    date,
                    side,
                    actor: None,
                    reason: trimmed(&form.reason).map(str::to_owned),
                    document: None,
                    sources,
                    disputed_by: Vec::new(),
                };
                // In the order things happened: before the first event certainly after it.
                let at = match &event.date {
                    Some(date) => tie
                        .events
                        .iter()
                        .position(|e| {
                            e.date
                                .as_ref()
                                .is_some_and(|d| date.before(d) == polis_core::Tri::Yes)
                        })
                        .unwrap_or(tie.events.len()),
                    None => tie.events.len(),
                };
                let comment = comment_or(
                    &form.comment,
                    format!("{} on tie {}", event.kind.as_str(), tie.id),
                );
                tie.events.insert(at, event);
                let id = tie.id.clone();
                data.ties.push(tie);
                Built {
                    data,
                    record: ("tie", id),
                    new_source,
                    event_index: Some(at),
                    comment,
                }
            }
            Edit::Activity(form) => {
                let kind =
                    required::<ActivityKind>(errors, "kind", &form.kind, "what the activity was");
                if trimmed(&form.title).is_none() {
                    errors.add("title", "required: what the activity is called");
                }
                let start = parse::<PartialDate>(errors, "start", &form.start);
                let end = parse::<PartialDate>(errors, "end", &form.end);
                let outcome = parse::<Outcome>(errors, "outcome", &form.outcome);
                let places: Vec<String> = list(&form.places)
                    .iter()
                    .filter_map(|p| place_id(snapshot, errors, "places", p))
                    .collect();
                let quantities = match (
                    trimmed(&form.quantity_item),
                    trimmed(&form.quantity_value),
                    trimmed(&form.quantity_unit),
                ) {
                    (None, None, None) => Vec::new(),
                    (Some(item), Some(value), Some(unit)) => {
                        match value.parse::<f64>() {
                            Ok(value) if value.is_finite() => vec![Quantity {
                                item: item.to_owned(),
                                value,
                                unit: unit.to_owned(),
                                as_of: None,
                            }],
                            _ => {
                                errors.add(
                                "quantity_value",
                                format!("'{value}' is not a number: write digits, such as 1200 or 3.5"),
                            );
                                Vec::new()
                            }
                        }
                    }
                    _ => {
                        errors.add(
                            "quantity_item",
                            "a quantity needs all three: what, how much and the unit",
                        );
                        Vec::new()
                    }
                };
                let (sources, new_source) = cite(snapshot, &form.citation, errors, &mut data);
                let id = trimmed(&form.id).map_or_else(
                    || {
                        let slug = polis_core::ids::slug(&form.title);
                        match &start {
                            Some(date) => format!("{slug}-{}", date.year_value()),
                            None => slug,
                        }
                    },
                    str::to_owned,
                );
                if snapshot.data().activities.iter().any(|a| a.id == id) {
                    errors.add(
                        if trimmed(&form.id).is_some() {
                            "id"
                        } else {
                            "title"
                        },
                        format!("an activity with the id '{id}' exists already: give another id"),
                    );
                }
                data.activities.push(Activity {
                    id: id.clone(),
                    kind: kind.unwrap_or(ActivityKind::Programme),
                    title: form.title.trim().to_owned(),
                    start,
                    end,
                    places,
                    actors: Vec::new(),
                    ties: list(&form.ties),
                    networks: Vec::new(),
                    quantities,
                    outcome,
                    themes: Vec::new(),
                    motives: Vec::new(),
                    description: trimmed(&form.description).map(str::to_owned),
                    sources,
                });
                Built {
                    data,
                    record: ("activity", id.clone()),
                    new_source,
                    event_index: None,
                    comment: comment_or(&form.comment, format!("new activity {id}")),
                }
            }
            Edit::Source(form) => {
                if trimmed(&form.title).is_none() {
                    errors.add("title", "required: the source's title");
                }
                let id = trimmed(&form.id)
                    .map_or_else(|| polis_core::ids::slug(&form.title), str::to_owned);
                if snapshot.data().sources.iter().any(|s| s.id == id) {
                    errors.add(
                        if trimmed(&form.id).is_some() {
                            "id"
                        } else {
                            "title"
                        },
                        format!("a source with the id '{id}' exists already: give another id"),
                    );
                }
                let published = parse::<PartialDate>(errors, "published", &form.published);
                let accessed = parse::<PartialDate>(errors, "accessed", &form.accessed);
                data.sources.push(Source {
                    id: id.clone(),
                    title: form.title.trim().to_owned(),
                    publisher: trimmed(&form.publisher).map(str::to_owned),
                    author: trimmed(&form.author).map(str::to_owned),
                    url: trimmed(&form.url).map(str::to_owned),
                    published,
                    accessed,
                    outside_deck: true,
                    note: trimmed(&form.note).map(str::to_owned),
                });
                Built {
                    data,
                    record: ("source", id.clone()),
                    new_source: None,
                    event_index: None,
                    comment: comment_or(&form.comment, format!("new source {id}")),
                }
            }
            Edit::Correction(form) => {
                let kind = required::<RecordKind>(errors, "kind", &form.kind, "the record's kind");
                let id = form.id.trim().to_owned();
                let comment =
                    comment_or(&form.comment, format!("correct {} {id}", form.kind.trim()));
                if trimmed(&form.record).is_none() {
                    errors.add("record", "required: the record, as TOML");
                }
                let mut built = Built {
                    data,
                    record: (kind.map_or("record", |k| record_name(k)), id.clone()),
                    new_source: None,
                    event_index: None,
                    comment,
                };
                let (Some(kind), Some(text)) = (kind, trimmed(&form.record)) else {
                    return built;
                };
                if polis_store::proposals::record_json(snapshot.data(), kind, &id).is_none() {
                    errors.add("id", format!("no {} has the id '{id}'", kind.as_str()));
                    return built;
                }
                match read_fragment(text) {
                    Err(error) => errors.add("record", error.to_string()),
                    Ok(bundle) => {
                        let same = bundle.data.len() == 1
                            && polis_store::proposals::record_json(&bundle.data, kind, &id)
                                .is_some();
                        if !same {
                            errors.add(
                                "record",
                                format!(
                                    "a correction holds exactly the one record it corrects: one [[{}]] with id = \"{id}\" (to add or rename records, use the other forms)",
                                    record_name(kind)
                                ),
                            );
                        }
                        built.data = bundle.data;
                    }
                }
                built
            }
        }
    }

    /// The form field a violation of the built records concerns, or `""`.
    fn field_of(&self, built: &Built, violation: &Violation) -> &'static str {
        if built.new_source.as_deref() == Some(violation.id.as_str())
            && violation.record == "source"
        {
            return if violation.field == "url" {
                "new_source_url"
            } else {
                "new_source_title"
            };
        }
        if (violation.record, violation.id.as_str()) != (built.record.0, built.record.1.as_str()) {
            return "";
        }
        let field = violation.field.as_str();
        let event_field = built
            .event_index
            .and_then(|n| field.strip_prefix(&format!("events[{n}].")));
        match self {
            Edit::Tie(_) => match (field, event_field) {
                (_, Some("date")) => "signed",
                (_, Some("sources")) | ("sources", _) => "source",
                ("a", _) => "a",
                ("b", _) => "b",
                ("kind", _) => "kind",
                ("id", _) => "b",
                ("themes", _) => "themes",
                _ => "",
            },
            Edit::Event(_) => match event_field {
                Some("kind") => "kind",
                Some("date") => "date",
                Some("side") => "side",
                Some("reason") => "reason",
                Some("sources") => "source",
                _ => "",
            },
            Edit::Activity(_) => match field {
                "id" => "id",
                "kind" => "kind",
                "title" => "title",
                "start" => "start",
                "end" => "end",
                "places" => "places",
                "ties" => "ties",
                "sources" => "source",
                f if f.starts_with("quantities") => "quantity_value",
                _ => "",
            },
            Edit::Source(_) => match field {
                "id" => "id",
                "title" => "title",
                "url" => "url",
                "published" => "published",
                "accessed" => "accessed",
                _ => "",
            },
            Edit::Correction(_) => "record",
        }
    }
}

/// A record kind as bundles name its table (`[[tie]]`).
fn record_name(kind: RecordKind) -> &'static str {
    kind.as_str()
}

/// The records of `data` as one bundle fragment, written by the bundle writer (the
/// canonical TOML of `polis export bundle`, without its manifest).
pub fn fragment(data: &Dataset) -> Result<String, AppError> {
    let manifest = polis_bundle::Manifest {
        name: "proposal".to_owned(),
        description: None,
    };
    let files = polis_bundle::to_files(&manifest, data).map_err(AppError::internal)?;
    Ok(files
        .into_iter()
        .filter(|(name, _)| name != "bundle.toml")
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n"))
}

impl Snapshot {
    /// One stored record as the TOML a correction starts from (`[[tie]]` and its fields), or
    /// none when there is no such record.
    pub fn record_toml(&self, kind: RecordKind, id: &str) -> Result<Option<String>, AppError> {
        let Some(json) = polis_store::proposals::record_json(self.data(), kind, id) else {
            return Ok(None);
        };
        fn one<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>, AppError> {
            serde_json::from_str(json)
                .map(|record| vec![record])
                .map_err(AppError::internal)
        }
        let mut data = Dataset::default();
        match kind {
            RecordKind::Source => data.sources = one(&json)?,
            RecordKind::Batch => data.batches = one(&json)?,
            RecordKind::Place => data.places = one(&json)?,
            RecordKind::Tie => data.ties = one(&json)?,
            RecordKind::Network => data.networks = one(&json)?,
            RecordKind::Membership => data.memberships = one(&json)?,
            RecordKind::Actor => data.actors = one(&json)?,
            RecordKind::Relation => data.relations = one(&json)?,
            RecordKind::Activity => data.activities = one(&json)?,
            RecordKind::Document => data.documents = one(&json)?,
            RecordKind::Figure => data.figures = one(&json)?,
        }
        let text = fragment(&data)?;
        // The writer's header comment is for files; a correction is the record alone.
        Ok(Some(
            text.lines()
                .skip_while(|line| line.starts_with('#') || line.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n")
                + "\n",
        ))
    }
}

impl App {
    /// Proposes what an editing form describes, as `principal`: the form's fields become
    /// records (each problem kept under its field), the records a bundle fragment, checked
    /// with the validation every proposal gets, then [`App::propose`]s it.
    pub async fn propose_edit(
        &self,
        principal: &Principal,
        edit: &Edit,
        apply_directly: bool,
    ) -> Result<ProposalView, EditError> {
        principal.check(crate::Permission::Propose)?;
        let snapshot = self.snapshot().await?;
        let mut errors = FieldErrors::default();
        let built = edit.build(&snapshot, &mut errors);
        if !errors.is_empty() {
            return Err(EditError::Fields(errors));
        }
        match self.store().check(&built.data).await {
            Ok(_) => {}
            Err(StoreError::Invalid(invalid)) => {
                for violation in &invalid.0 {
                    let field = edit.field_of(&built, violation);
                    let message = if field.is_empty() {
                        violation.to_string()
                    } else {
                        format!("'{}': {}", violation.value, violation.problem)
                    };
                    errors.add(field, message);
                }
                return Err(EditError::Fields(errors));
            }
            Err(other) => return Err(EditError::App(other.into())),
        }
        let bundle = fragment(&built.data)?;
        let change = ProposedChange::Apply { bundle };
        match self
            .propose(principal, change, &built.comment, apply_directly)
            .await
        {
            Ok(view) => Ok(view),
            // A form that changes nothing (a correction left as it was).
            Err(AppError::BadInput(message)) => {
                errors.add(
                    if matches!(edit, Edit::Correction(_)) {
                        "record"
                    } else {
                        ""
                    },
                    message,
                );
                Err(EditError::Fields(errors))
            }
            Err(other) => Err(EditError::App(other)),
        }
    }
}
