//! The change planner: backend-neutral. Given the stored records ([`Stored`]) and an
//! operation (apply incoming records, delete, merge, unmerge), it overlays, validates with
//! `polis_core::validate`, diffs, and returns a [`Plan`]: rows to upsert (key, indexed column
//! values, JSON), rows to delete, audit rows, place names and redirects to rewrite, whether
//! the search index must be rebuilt, and what to remember for an unmerge. A backend loads
//! the rows, executes the plan in one transaction, and knows nothing of the rules.
//!
//! An apply is split in two ([`apply`] returns a [`Validation`] and an [`Apply`]) so that a
//! backend can validate on one thread while it diffs and writes on another, committing
//! only once validation has passed.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use polis_core::text::fold;
use polis_core::{Dataset, ValidationError, Violation, overlay, validate};
use serde::{Deserialize, Serialize};

use crate::cpu::{drop_off_runtime, off_runtime};
use crate::records::{json_at, keys_of, kind_named, remove_record, retain_positions, rows_of};
use crate::rewrite::{Redirects, follow, referrers};
use crate::{ApplyReport, MergeReport, RecordKind, StoreError};

pub use crate::records::{Row, decode_canonical, decode_into, rows_of_kind};

/// The JSON of every stored record, by kind and key, as a backend read it.
pub type RawRecords = HashMap<(RecordKind, String), String>;

/// One record's state before and after a merge changed it (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    pub kind: RecordKind,
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What a backend keeps of a merge so that it can be undone: every record it changed,
/// before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeLog {
    pub kind: RecordKind,
    pub old: String,
    pub into: String,
    pub moved: BTreeMap<String, u64>,
    /// (removed tie, the tie it was combined into).
    pub combined_ties: Vec<(String, String)>,
    pub changes: Vec<RecordChange>,
}

impl MergeLog {
    fn report(&self, changes: ApplyReport) -> MergeReport {
        MergeReport {
            kind: self.kind,
            old_id: self.old.clone(),
            into: self.into.clone(),
            moved: self
                .moved
                .iter()
                .filter_map(|(k, n)| kind_named(k).map(|k| (k.as_str(), *n)))
                .collect(),
            combined_ties: self
                .combined_ties
                .iter()
                .map(|(removed, into)| format!("{removed} -> {into}"))
                .collect(),
            changes,
        }
    }
}

/// A merge still in effect, as stored, with the backend's id for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMerge {
    pub id: i64,
    pub log: MergeLog,
}

/// Everything the planner needs to know of the store.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub data: Dataset,
    /// Shared with the backend's cache of the records (`crate::cache`): a write copies it
    /// only when another operation still reads it.
    pub raw: Arc<RawRecords>,
    /// The merges in effect, oldest first.
    pub merges: Arc<Vec<StoredMerge>>,
}

/// What an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Removed,
    Merged,
    Unmerged,
    Decided,
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Removed => "removed",
            Action::Merged => "merged",
            Action::Unmerged => "unmerged",
            Action::Decided => "decided",
        }
    }
}

/// One audit row. A creation keeps neither state: its state is the `before` of the
/// record's next change, or the record itself while it has none (the backend's
/// `audit_log` puts it back), so an import does not copy its records into the log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    /// A [`RecordKind`]'s name, or `merge` for the row that marks a merge or unmerge.
    pub record_kind: &'static str,
    pub key: String,
    pub action: Action,
    pub before: Option<String>,
    pub after: Option<Arc<str>>,
}

/// What to change in the backend's record of merges.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum MergeWrite {
    #[default]
    Nothing,
    /// Remember this merge.
    Remember(MergeLog),
    /// The merge with this id was undone: forget it.
    Forget(i64),
}

/// Everything a write does, for a backend to execute in one transaction, in this order:
/// upserts (kinds in [`RecordKind::ALL`] order, so a record comes after what it refers
/// to), deletes (in reverse order), the merge record, audit rows, then the search
/// index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub report: ApplyReport,
    pub upserts: Vec<(RecordKind, Vec<Row>)>,
    pub deletes: Vec<(RecordKind, Vec<String>)>,
    pub audit: Vec<AuditRow>,
    /// The search index must be rebuilt from the records as they are after the write.
    pub rebuild_search: bool,
    /// Its rows, where the planner has the whole result (delete, merge, unmerge); for an
    /// apply the backend makes them with [`search_rows`] from what [`Validation::run`]
    /// returns.
    pub search: Option<Vec<SearchRow>>,
    pub merge: MergeWrite,
}

impl Plan {
    /// True when the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.upserts.iter().all(|(_, rows)| rows.is_empty())
            && self.deletes.iter().all(|(_, keys)| keys.is_empty())
            && self.audit.is_empty()
            && self.merge == MergeWrite::Nothing
    }
}

/// One row of the full-text index: folded text in which every CJK character is its own
/// token (see `polis_core::text::fold`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    pub kind: &'static str,
    pub id: String,
    pub label: String,
    pub key: String,
}

/// The full-text rows of every place, actor, network, document and document article.
pub fn search_rows(data: &Dataset) -> Vec<SearchRow> {
    search_rows_where(data, |_, _| true)
}

/// The full-text rows of the records that `wanted` accepts (by kind and id).
fn search_rows_where(data: &Dataset, wanted: impl Fn(RecordKind, &str) -> bool) -> Vec<SearchRow> {
    let mut rows = Vec::new();
    let mut push = |kind, id: &str, label: &str, text: Vec<&str>| {
        rows.push(SearchRow {
            kind,
            id: id.to_owned(),
            label: label.to_owned(),
            key: fold(&text.join(" | ")),
        })
    };
    for place in data
        .places
        .iter()
        .filter(|p| wanted(RecordKind::Place, &p.id))
    {
        push("place", &place.id, &place.name, place.all_names().collect());
    }
    for actor in data
        .actors
        .iter()
        .filter(|a| wanted(RecordKind::Actor, &a.id))
    {
        let mut text = vec![actor.name.as_str()];
        text.extend(actor.names.iter().map(|n| n.text.as_str()));
        push("actor", &actor.id, &actor.name, text);
    }
    for network in data
        .networks
        .iter()
        .filter(|n| wanted(RecordKind::Network, &n.id))
    {
        let mut text = vec![network.name.as_str()];
        text.extend(network.names.iter().map(|n| n.text.as_str()));
        text.extend(network.tags.iter().map(String::as_str));
        push("network", &network.id, &network.name, text);
    }
    for document in data
        .documents
        .iter()
        .filter(|d| wanted(RecordKind::Document, &d.id))
    {
        push(
            "document",
            &document.id,
            &document.title,
            vec![&document.title],
        );
        for article in &document.articles {
            let mut text = vec![article.text.as_str()];
            text.extend(article.heading.as_deref());
            text.extend(article.tags.iter().map(String::as_str));
            let id = format!("{}#{}", document.id, article.number);
            let label = format!("{}, article {}", document.title, article.number);
            push("article", &id, &label, text);
        }
    }
    rows
}

/// More changed searchable records than this in one write, and the index is rebuilt
/// rather than updated row by row.
pub const MAX_SEARCH_UPDATES: usize = 1_000;

/// How a write changes the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchUpdate {
    /// Not at all: no place, actor, network or document changed.
    Nothing,
    /// Rebuilt from these rows.
    Rebuild(Vec<SearchRow>),
    /// The rows of these records go (`records`: kind and id; a document's articles, whose
    /// ids are the document's id, `#` and their number, go with it), and these come in.
    Replace {
        records: Vec<(&'static str, String)>,
        rows: Vec<SearchRow>,
    },
}

/// The change a write makes to the search index, given the records as they are after it:
/// the rows of the records it created, updated or removed, or a rebuild when it touched
/// more than [`MAX_SEARCH_UPDATES`] of them.
pub fn search_update(plan: &Plan, after: &Dataset) -> SearchUpdate {
    if !plan.rebuild_search {
        return SearchUpdate::Nothing;
    }
    let upserted = plan
        .upserts
        .iter()
        .flat_map(|(kind, rows)| rows.iter().map(move |row| (*kind, row.key.as_str())));
    let deleted = plan
        .deletes
        .iter()
        .flat_map(|(kind, keys)| keys.iter().map(move |key| (*kind, key.as_str())));
    let changed: HashSet<(RecordKind, &str)> = upserted
        .chain(deleted)
        .filter(|(kind, _)| kind.is_searched())
        .collect();
    if changed.len() > MAX_SEARCH_UPDATES {
        return SearchUpdate::Rebuild(search_rows(after));
    }
    let mut records: Vec<(&'static str, String)> = changed
        .iter()
        .map(|(kind, key)| (kind.as_str(), (*key).to_owned()))
        .collect();
    records.sort();
    let rows = search_rows_where(after, |kind, id| changed.contains(&(kind, id)));
    SearchUpdate::Replace { records, rows }
}

/// The merged result of an apply, to validate (on any thread) before committing.
#[derive(Debug)]
pub struct Validation {
    merged: Dataset,
    early: Vec<Violation>,
    /// For kinds from which stale records were dropped: the incoming position of each
    /// record kept, and how many were dropped, so violations point into `incoming`.
    positions: HashMap<&'static str, (Vec<usize>, usize)>,
}

impl Validation {
    /// Validates the whole merged dataset and returns it, or every violation found, each
    /// with its index into the caller's incoming list (or past its end for a stored one).
    pub fn run(self) -> Result<Dataset, StoreError> {
        let mut violations = self.early;
        if let Err(ValidationError(found)) = validate(&self.merged) {
            for mut violation in found {
                if let Some((kept, dropped)) = self.positions.get(violation.record) {
                    violation.index = match kept.get(violation.index) {
                        Some(original) => *original,
                        None => violation.index + dropped,
                    };
                }
                violations.push(violation);
            }
        }
        if violations.is_empty() {
            Ok(self.merged)
        } else {
            Err(StoreError::Invalid(ValidationError(violations)))
        }
    }
}

/// The diffing half of an apply.
#[derive(Debug)]
pub struct Apply<'a> {
    incoming: Cow<'a, Dataset>,
    raw: Arc<RawRecords>,
    /// Incoming records that repeat a record's state from before a merge, by kind.
    stale: BTreeMap<&'static str, u64>,
}

/// Where a merged-away id went: (the merge's kind, its old id, its survivor).
type MergedAway = HashMap<(RecordKind, String), (RecordKind, String, String)>;

/// What applying `incoming` over `stored` would do, without writing: the change is laid
/// over the records and the result validated, the CPU-bound parts off the async runtime's
/// workers (`crate::cpu`). A backend calls it for a check once it has read the records and
/// let its connection go, so that a proposal's validation holds no connection.
pub async fn check(stored: Stored, incoming: &Dataset) -> Result<ApplyReport, StoreError> {
    let (validation, diff) = off_runtime(|| apply(stored, incoming));
    let validating = tokio::task::spawn_blocking(move || validation.run());
    let plan = off_runtime(|| diff.plan());
    let merged = match validating.await {
        Ok(done) => done?,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    };
    drop_off_runtime(merged);
    Ok(plan.report)
}

/// Lays `incoming` over `stored`. Redirects are followed: references to merged ids move
/// to the survivors. An incoming record that repeats a record's state from before a merge
/// (old data imported again) counts as unchanged; an incoming record with a merged-away id
/// and any other content is a violation that names the merge.
pub fn apply(stored: Stored, incoming: &Dataset) -> (Validation, Apply<'_>) {
    let Stored { data, raw, merges } = stored;
    let mut redirects = Redirects::default();
    let mut merged_away = MergedAway::new();
    for place in &data.places {
        for former in &place.former_ids {
            redirects.places.insert(former.clone(), place.id.clone());
            merged_away.insert(
                (RecordKind::Place, former.clone()),
                (RecordKind::Place, former.clone(), place.id.clone()),
            );
        }
    }
    for actor in &data.actors {
        for former in &actor.former_ids {
            redirects.actors.insert(former.clone(), actor.id.clone());
            merged_away.insert(
                (RecordKind::Actor, former.clone()),
                (RecordKind::Actor, former.clone(), actor.id.clone()),
            );
        }
    }
    // States from before a merge, and records a merge removed.
    let mut pre_merge: HashMap<(RecordKind, &str), Vec<&str>> = HashMap::new();
    for merge in merges.iter() {
        for change in &merge.log.changes {
            if let Some(before) = &change.before {
                pre_merge
                    .entry((change.kind, change.key.as_str()))
                    .or_default()
                    .push(before);
            }
            if change.after.is_none() {
                merged_away.insert(
                    (change.kind, change.key.clone()),
                    (
                        merge.log.kind,
                        merge.log.old.clone(),
                        merge.log.into.clone(),
                    ),
                );
            }
        }
        for (removed, into) in &merge.log.combined_ties {
            redirects.ties.insert(removed.clone(), into.clone());
        }
    }

    let mut early = Vec::new();
    let mut stale = BTreeMap::new();
    let mut positions = HashMap::new();
    let mut dropping: Vec<(RecordKind, Vec<bool>)> = Vec::new();
    if !pre_merge.is_empty() || !merged_away.is_empty() {
        for kind in RecordKind::ALL {
            let keys = keys_of(incoming, kind);
            let mut keep = vec![true; keys.len()];
            for (index, key) in keys.iter().enumerate() {
                let is_pre_merge = || {
                    pre_merge.get(&(kind, key.as_str())).is_some_and(|states| {
                        json_at(incoming, kind, index)
                            .is_some_and(|json| states.contains(&json.as_str()))
                    })
                };
                if is_pre_merge() {
                    keep[index] = false;
                    *stale.entry(kind.as_str()).or_default() += 1;
                } else if let Some((merge_kind, old, into)) = merged_away.get(&(kind, key.clone()))
                {
                    keep[index] = false;
                    early.push(Violation {
                        record: kind.as_str(),
                        id: key.clone(),
                        index,
                        field: "id".into(),
                        value: key.clone(),
                        problem: format!(
                            "this {kind} was merged away when {merge_kind} '{old}' was merged into '{into}': \
                             edit '{into}' instead, or undo the merge first (`polis unmerge {merge_kind} {old}`)"
                        ),
                    });
                }
            }
            if keep.iter().any(|k| !k) {
                let kept: Vec<usize> = (0..keep.len()).filter(|i| keep[*i]).collect();
                let dropped = keep.len() - kept.len();
                positions.insert(kind.as_str(), (kept, dropped));
                dropping.push((kind, keep));
            }
        }
    }

    let incoming: Cow<Dataset> = if dropping.is_empty() && redirects.is_empty() {
        Cow::Borrowed(incoming)
    } else {
        let mut rewritten = incoming.clone();
        for (kind, keep) in &dropping {
            retain_positions(&mut rewritten, *kind, keep);
        }
        follow(&mut rewritten, &redirects);
        keep_former_ids(&mut rewritten, &data);
        Cow::Owned(rewritten)
    };
    let merged = overlay(&incoming, data);
    (
        Validation {
            merged,
            early,
            positions,
        },
        Apply {
            incoming,
            raw,
            stale,
        },
    )
}

/// An incoming survivor keeps the former ids it has in the store: a merge is undone by
/// `unmerge`, not by importing data from before it.
fn keep_former_ids(incoming: &mut Dataset, stored: &Dataset) {
    let places: HashMap<&str, &Vec<String>> = stored
        .places
        .iter()
        .filter(|p| !p.former_ids.is_empty())
        .map(|p| (p.id.as_str(), &p.former_ids))
        .collect();
    for place in &mut incoming.places {
        if let Some(former) = places.get(place.id.as_str()) {
            for id in *former {
                if !place.former_ids.contains(id) {
                    place.former_ids.push(id.clone());
                }
            }
        }
    }
    let actors: HashMap<&str, &Vec<String>> = stored
        .actors
        .iter()
        .filter(|a| !a.former_ids.is_empty())
        .map(|a| (a.id.as_str(), &a.former_ids))
        .collect();
    for actor in &mut incoming.actors {
        if let Some(former) = actors.get(actor.id.as_str()) {
            for id in *former {
                if !actor.former_ids.contains(id) {
                    actor.former_ids.push(id.clone());
                }
            }
        }
    }
}

impl Apply<'_> {
    /// Compares the incoming records with the stored ones and plans the writes of those
    /// that are new or changed.
    pub fn plan(self) -> Plan {
        let mut plan = Plan::default();
        plan.report.unchanged = self.stale;
        for (kind, rows) in rows_of(&self.incoming) {
            let mut to_write = Vec::new();
            for row in rows {
                match self.raw.get(&(kind, row.key.clone())) {
                    Some(before) if **before == *row.json => {
                        *plan.report.unchanged.entry(kind.as_str()).or_default() += 1;
                    }
                    before => {
                        let counts = if before.is_some() {
                            &mut plan.report.updated
                        } else {
                            &mut plan.report.created
                        };
                        *counts.entry(kind.as_str()).or_default() += 1;
                        plan.audit.push(AuditRow {
                            record_kind: kind.as_str(),
                            key: row.key.clone(),
                            action: if before.is_some() {
                                Action::Updated
                            } else {
                                Action::Created
                            },
                            before: before.cloned(),
                            after: before.map(|_| row.json.clone()),
                        });
                        to_write.push(row);
                    }
                }
            }
            if !to_write.is_empty() {
                plan.rebuild_search |= kind.is_searched();
                plan.upserts.push((kind, to_write));
            }
        }
        plan
    }
}

/// Plans the writes that turn the stored records (`raw`) into `after`, removals included,
/// and lists every record changed.
fn diff(raw: &RawRecords, after: &Dataset) -> (Plan, Vec<RecordChange>) {
    let mut plan = Plan::default();
    let mut changes = Vec::new();
    let mut present: HashSet<(RecordKind, String)> = HashSet::new();
    for (kind, rows) in rows_of(after) {
        let mut to_write = Vec::new();
        for row in rows {
            let stored = raw.get(&(kind, row.key.clone()));
            present.insert((kind, row.key.clone()));
            if stored.is_some_and(|s| **s == *row.json) {
                continue;
            }
            let counts = if stored.is_some() {
                &mut plan.report.updated
            } else {
                &mut plan.report.created
            };
            *counts.entry(kind.as_str()).or_default() += 1;
            changes.push(RecordChange {
                kind,
                key: row.key.clone(),
                before: stored.cloned(),
                after: Some(row.json.to_string()),
            });
            plan.audit.push(AuditRow {
                record_kind: kind.as_str(),
                key: row.key.clone(),
                action: if stored.is_some() {
                    Action::Updated
                } else {
                    Action::Created
                },
                before: stored.cloned(),
                after: stored.map(|_| row.json.clone()),
            });
            to_write.push(row);
        }
        if !to_write.is_empty() {
            plan.rebuild_search |= kind.is_searched();
            plan.upserts.push((kind, to_write));
        }
    }
    let mut removed: Vec<(&(RecordKind, String), &String)> = raw
        .iter()
        .filter(|(key, _)| !present.contains(*key))
        .collect();
    removed.sort_by(|x, y| x.0.cmp(y.0));
    for kind in RecordKind::ALL.iter().rev() {
        let keys: Vec<String> = removed
            .iter()
            .filter(|((k, _), _)| k == kind)
            .map(|((_, key), _)| key.clone())
            .collect();
        if keys.is_empty() {
            continue;
        }
        for ((_, key), json) in removed.iter().filter(|((k, _), _)| k == kind) {
            *plan.report.removed.entry(kind.as_str()).or_default() += 1;
            changes.push(RecordChange {
                kind: *kind,
                key: key.clone(),
                before: Some((*json).clone()),
                after: None,
            });
            plan.audit.push(AuditRow {
                record_kind: kind.as_str(),
                key: key.clone(),
                action: Action::Removed,
                before: Some((*json).clone()),
                after: None,
            });
        }
        plan.rebuild_search |= kind.is_searched();
        plan.deletes.push((*kind, keys));
    }
    (plan, changes)
}

/// Plans deleting one record. Refused, listing every referrer, while others point at it.
pub fn delete(stored: Stored, kind: RecordKind, id: &str) -> Result<Plan, StoreError> {
    if !stored.raw.contains_key(&(kind, id.to_owned())) {
        return Err(StoreError::NotFound {
            kind,
            id: id.to_owned(),
        });
    }
    let referrers: Vec<(RecordKind, String)> = referrers(&stored.data, kind, id)
        .into_iter()
        .filter(|(k, key)| !(*k == kind && key == id))
        .collect();
    if !referrers.is_empty() {
        return Err(StoreError::Referenced {
            kind,
            id: id.to_owned(),
            referrers,
        });
    }
    let mut data = stored.data;
    remove_record(&mut data, kind, id);
    validate(&data)?;
    let mut plan = diff(&stored.raw, &data).0;
    with_search(&mut plan, &data);
    Ok(plan)
}

/// Plans merging the place or actor `old` into `into`: every reference moves, ties that
/// come to join the same places with the same kind are combined, `old` is removed and
/// becomes one of `into`'s former ids. The plan remembers every changed record for
/// [`unmerge`].
pub fn merge(
    stored: Stored,
    kind: RecordKind,
    old: &str,
    into: &str,
) -> Result<(Plan, MergeReport), StoreError> {
    if !matches!(kind, RecordKind::Place | RecordKind::Actor) {
        return Err(StoreError::Unsupported {
            operation: "merging",
            kind,
            accepted: "places and actors",
        });
    }
    if old == into {
        return Err(StoreError::Conflict(format!(
            "cannot merge {kind} '{old}' into itself"
        )));
    }
    for id in [old, into] {
        if !stored.raw.contains_key(&(kind, id.to_owned())) {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        }
    }
    let Stored { mut data, raw, .. } = stored;
    let mut redirects = Redirects::default();
    let map = if kind == RecordKind::Place {
        &mut redirects.places
    } else {
        &mut redirects.actors
    };
    map.insert(old.to_owned(), into.to_owned());
    let original: HashMap<RecordKind, Vec<String>> = [RecordKind::Membership, RecordKind::Relation]
        .into_iter()
        .map(|kind| (kind, keys_of(&data, kind)))
        .collect();
    let moved = follow(&mut data, &redirects);

    if kind == RecordKind::Place {
        let Some(position) = data.places.iter().position(|p| p.id == old) else {
            return Err(StoreError::NotFound {
                kind,
                id: old.to_owned(),
            });
        };
        let removed = data.places.remove(position);
        if let Some(survivor) = data.places.iter_mut().find(|p| p.id == into) {
            add_former(&mut survivor.former_ids, &removed.id, &removed.former_ids);
            // `into` inside `old`: it takes `old`'s parent rather than becoming its own.
            if survivor.parent.as_deref() == Some(into) {
                survivor.parent = removed.parent.filter(|p| p != into && p != old);
            }
        }
    } else {
        let Some(position) = data.actors.iter().position(|a| a.id == old) else {
            return Err(StoreError::NotFound {
                kind,
                id: old.to_owned(),
            });
        };
        let removed = data.actors.remove(position);
        if let Some(survivor) = data.actors.iter_mut().find(|a| a.id == into) {
            add_former(&mut survivor.former_ids, &removed.id, &removed.former_ids);
        }
    }
    let combined_ties = combine_ties(&mut data, &moved.ties);
    if !combined_ties.is_empty() {
        let ties = Redirects {
            ties: combined_ties.iter().cloned().collect(),
            ..Redirects::default()
        };
        follow(&mut data, &ties);
    }
    combine_keyed(&mut data, &original);
    validate(&data)?;

    let (mut plan, changes) = diff(&raw, &data);
    with_search(&mut plan, &data);
    let log = MergeLog {
        kind,
        old: old.to_owned(),
        into: into.to_owned(),
        moved: moved
            .counts
            .iter()
            .map(|(k, n)| ((*k).to_owned(), *n))
            .collect(),
        combined_ties,
        changes,
    };
    plan.audit.push(marker(Action::Merged, &log));
    let report = log.report(plan.report.clone());
    plan.merge = MergeWrite::Remember(log);
    Ok((plan, report))
}

fn with_search(plan: &mut Plan, data: &Dataset) {
    if plan.rebuild_search {
        plan.search = Some(search_rows(data));
    }
}

fn marker(action: Action, log: &MergeLog) -> AuditRow {
    AuditRow {
        record_kind: "merge",
        key: log.old.clone(),
        action,
        before: None,
        after: Some(
            serde_json::json!({ "kind": log.kind, "old": log.old, "into": log.into })
                .to_string()
                .into(),
        ),
    }
}

fn add_former(former_ids: &mut Vec<String>, old: &str, old_former: &[String]) {
    for id in std::iter::once(old).chain(old_former.iter().map(String::as_str)) {
        if !former_ids.iter().any(|f| f == id) {
            former_ids.push(id.to_owned());
        }
    }
}

fn union(into: &mut Vec<String>, from: &[String]) {
    for value in from {
        if !into.contains(value) {
            into.push(value.clone());
        }
    }
}

/// Combines each moved tie that now joins the same two places with the same kind as
/// another tie into that tie, and removes it. Returns (removed, survivor) pairs.
fn combine_ties(data: &mut Dataset, moved: &HashSet<String>) -> Vec<(String, String)> {
    let mut first: HashMap<(String, String, polis_core::TieKind), usize> = HashMap::new();
    let mut combined = Vec::new();
    // Unmoved ties claim their pair first, so the survivor is the tie already there.
    let order: Vec<usize> = (0..data.ties.len())
        .filter(|i| !moved.contains(&data.ties[*i].id))
        .chain((0..data.ties.len()).filter(|i| moved.contains(&data.ties[*i].id)))
        .collect();
    let mut remove = vec![false; data.ties.len()];
    for i in order {
        let tie = &data.ties[i];
        let pair = (tie.a.clone(), tie.b.clone(), tie.kind);
        match first.get(&pair) {
            Some(&survivor) if moved.contains(&tie.id) => {
                let from = data.ties[i].clone();
                let into = &mut data.ties[survivor];
                for event in from.events {
                    if !into.events.contains(&event) {
                        into.events.push(event);
                    }
                }
                // Events stay in the order they happened; undated ones keep their place
                // relative to each other at the start.
                into.events.sort_by_key(|e| e.date.map(|d| d.first_day()));
                for evidence in from.evidence {
                    if !into.evidence.contains(&evidence) {
                        into.evidence.push(evidence);
                    }
                }
                union(&mut into.sources, &from.sources);
                union(&mut into.themes, &from.themes);
                union(&mut into.motives, &from.motives);
                union(&mut into.documents, &from.documents);
                if into.network.is_none() {
                    into.network = from.network;
                }
                if into.note.is_none() {
                    into.note = from.note;
                }
                combined.push((from.id, into.id.clone()));
                remove[i] = true;
            }
            Some(_) => {}
            None => {
                first.insert(pair, i);
            }
        }
    }
    let mut i = 0;
    data.ties.retain(|_| {
        i += 1;
        !remove[i - 1]
    });
    combined
}

/// Memberships and relations are keyed by what they join, so a moved one can land on the
/// key of another: the two become one, with both's sources, and the one that was there
/// already (whose key in `original`, by position, is unchanged) survives.
fn combine_keyed(data: &mut Dataset, original: &HashMap<RecordKind, Vec<String>>) {
    for kind in [RecordKind::Membership, RecordKind::Relation] {
        let keys = keys_of(data, kind);
        let before = original.get(&kind);
        let unmoved = |i: &usize| before.and_then(|b| b.get(*i)) == Some(&keys[*i]);
        let order: Vec<usize> = (0..keys.len())
            .filter(unmoved)
            .chain((0..keys.len()).filter(|i| !unmoved(i)))
            .collect();
        let mut survivor: HashMap<&str, usize> = HashMap::new();
        let mut keep = vec![true; keys.len()];
        for i in order {
            match survivor.get(keys[i].as_str()) {
                Some(&at) => {
                    keep[i] = false;
                    if kind == RecordKind::Membership {
                        let sources = data.memberships[i].sources.clone();
                        union(&mut data.memberships[at].sources, &sources);
                    } else {
                        let sources = data.relations[i].sources.clone();
                        union(&mut data.relations[at].sources, &sources);
                    }
                }
                None => {
                    survivor.insert(keys[i].as_str(), i);
                }
            }
        }
        retain_positions(data, kind, &keep);
    }
}

/// Plans undoing the newest merge of `old`: every record it changed goes back to its state
/// before it. Refused with [`StoreError::Conflict`], naming them, if any of those records
/// changed since.
pub fn unmerge(
    stored: Stored,
    kind: RecordKind,
    old: &str,
) -> Result<(Plan, MergeReport), StoreError> {
    let Some(merge) = stored
        .merges
        .iter()
        .rev()
        .find(|m| m.log.kind == kind && m.log.old == old)
    else {
        return Err(StoreError::Conflict(format!(
            "{kind} '{old}' is not merged into another record (it never was, or it was unmerged already): nothing to unmerge"
        )));
    };
    let conflicts: Vec<String> = merge
        .log
        .changes
        .iter()
        .filter(|c| stored.raw.get(&(c.kind, c.key.clone())) != c.after.as_ref())
        .map(|c| format!("{} '{}'", c.kind, c.key))
        .collect();
    if !conflicts.is_empty() {
        return Err(StoreError::Conflict(format!(
            "cannot unmerge {kind} '{old}': these records changed after it was merged into '{}': {}; \
             put them back as the merge left them, or unmerge the later merges first",
            merge.log.into,
            conflicts.join(", ")
        )));
    }
    let mut data = stored.data;
    for change in &merge.log.changes {
        remove_record(&mut data, change.kind, &change.key);
        if let Some(before) = &change.before {
            decode_into(&mut data, change.kind, before).map_err(|e| StoreError::Corrupt {
                kind: "merge",
                id: old.to_owned(),
                message: format!("{} '{}': {e}", change.kind, change.key),
            })?;
        }
    }
    validate(&data)?;
    let (mut plan, _) = diff(&stored.raw, &data);
    with_search(&mut plan, &data);
    plan.audit.push(marker(Action::Unmerged, &merge.log));
    let report = merge.log.report(plan.report.clone());
    plan.merge = MergeWrite::Forget(merge.id);
    Ok((plan, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    /// The store after writing `data` and then executing `plans`, as a backend would.
    fn stored_of(data: &Dataset) -> Stored {
        let mut stored = Stored {
            data: data.clone(),
            ..Stored::default()
        };
        for (kind, rows) in rows_of(data) {
            for row in rows {
                Arc::make_mut(&mut stored.raw).insert((kind, row.key), row.json.to_string());
            }
        }
        stored
    }

    fn applied(stored: Stored, incoming: &Dataset) -> Result<Plan, StoreError> {
        let (validation, diff) = apply(stored, incoming);
        validation.run()?;
        Ok(diff.plan())
    }

    #[test]
    fn a_first_apply_creates_everything_and_audits_creations_without_their_json() {
        let data = fixture::dataset();
        let plan = applied(Stored::default(), &data).expect("valid");
        assert_eq!(plan.report.n_created() as usize, data.len());
        let written: usize = plan.upserts.iter().map(|(_, rows)| rows.len()).sum();
        assert_eq!(written, data.len());
        assert!(
            plan.audit
                .iter()
                .all(|a| a.action == Action::Created && a.before.is_none() && a.after.is_none())
        );
        assert!(plan.rebuild_search);
    }

    #[test]
    fn applying_what_is_stored_plans_nothing() {
        let data = fixture::dataset();
        let plan = applied(stored_of(&data), &data).expect("valid");
        assert!(plan.is_empty(), "{plan:?}");
        assert_eq!(plan.report.n_unchanged() as usize, data.len());
        assert!(!plan.rebuild_search);
    }

    #[test]
    fn an_update_keeps_both_states() {
        let data = fixture::dataset();
        let mut incoming = Dataset::default();
        let mut taipei = data
            .places
            .iter()
            .find(|p| p.id == "taipei")
            .cloned()
            .expect("taipei");
        taipei.name = "Taipei City".into();
        incoming.places.push(taipei);
        let plan = applied(stored_of(&data), &incoming).expect("valid");
        assert_eq!(plan.report.updated.get("place"), Some(&1));
        let audit = &plan.audit[0];
        assert_eq!(audit.action, Action::Updated);
        assert!(
            audit
                .before
                .as_deref()
                .is_some_and(|b| b.contains("\"Taipei\""))
        );
        assert!(
            audit
                .after
                .as_deref()
                .is_some_and(|a| a.contains("Taipei City"))
        );
    }

    #[test]
    fn a_merge_plans_the_removal_the_redirect_and_what_unmerge_needs() {
        let data = fixture::dataset();
        let (plan, report) =
            merge(stored_of(&data), RecordKind::Place, "prag", "praha").expect("merges");
        assert!(
            plan.deletes
                .iter()
                .any(|(k, keys)| *k == RecordKind::Place && keys == &["prag"])
        );
        let survivor = plan
            .upserts
            .iter()
            .filter(|(k, _)| *k == RecordKind::Place)
            .flat_map(|(_, rows)| rows)
            .find(|row| row.key == "praha")
            .expect("the survivor is rewritten");
        assert!(
            survivor.json.contains("\"former_ids\":[\"prag\"]"),
            "the old id becomes a redirect: {}",
            survivor.json
        );
        assert_eq!(report.combined_ties, ["beijing--prag -> beijing--praha"]);
        let MergeWrite::Remember(log) = &plan.merge else {
            panic!("a merge is remembered: {:?}", plan.merge)
        };
        let removed = log
            .changes
            .iter()
            .find(|c| c.kind == RecordKind::Place && c.key == "prag")
            .expect("prag's removal is kept");
        assert!(removed.before.is_some() && removed.after.is_none());
        assert!(plan.audit.iter().any(|a| a.action == Action::Merged));
        assert!(
            plan.audit
                .iter()
                .any(|a| a.action == Action::Removed && a.key == "prag")
        );
    }

    #[test]
    fn violations_after_dropped_stale_records_point_into_the_incoming_list() {
        let data = fixture::dataset();
        let (plan, _) =
            merge(stored_of(&data), RecordKind::Place, "prag", "praha").expect("merges");
        let MergeWrite::Remember(log) = plan.merge else {
            panic!("remembered")
        };
        let mut after = data.clone();
        after.places.retain(|p| p.id != "prag");
        let mut stored = stored_of(&after);
        // The stored state as the merge left it, from the plan's own record of it.
        for change in &log.changes {
            match &change.after {
                Some(json) => {
                    Arc::make_mut(&mut stored.raw)
                        .insert((change.kind, change.key.clone()), json.clone());
                }
                None => {
                    Arc::make_mut(&mut stored.raw).remove(&(change.kind, change.key.clone()));
                }
            }
        }
        Arc::make_mut(&mut stored.merges).push(StoredMerge { id: 1, log });
        // `prag` (first place here) is stale; the bad place after it is incoming index 1.
        let mut incoming = Dataset::default();
        incoming.places.push(
            data.places
                .iter()
                .find(|p| p.id == "prag")
                .cloned()
                .expect("prag"),
        );
        let mut bad = data.places[0].clone();
        bad.id = "bad-country".into();
        bad.country = Some("cz".into());
        incoming.places.push(bad);
        let (validation, _) = apply(stored, &incoming);
        let Err(StoreError::Invalid(invalid)) = validation.run() else {
            panic!("the bad country is refused")
        };
        let violation = invalid
            .0
            .iter()
            .find(|v| v.field == "country")
            .expect("named");
        assert_eq!((violation.id.as_str(), violation.index), ("bad-country", 1));
    }

    #[test]
    fn a_referenced_record_is_not_deleted() {
        let data = fixture::dataset();
        let Err(StoreError::Referenced { referrers, .. }) =
            delete(stored_of(&data), RecordKind::Source, "s2")
        else {
            panic!("s2 is cited")
        };
        assert!(referrers.contains(&(RecordKind::Place, "prag".to_owned())));
        let plan = delete(stored_of(&data), RecordKind::Figure, "cz-ties-2019").expect("deletes");
        assert_eq!(plan.report.removed.get("figure"), Some(&1));
        assert!(plan.search.is_none());
    }
}
