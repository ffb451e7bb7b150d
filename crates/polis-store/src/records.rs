//! Record kinds and the stored form of a record: its key, the values of its indexed
//! columns, and its JSON, plus decoding a stored JSON back into a [`Dataset`].

use std::sync::Arc;

use polis_core::Dataset;
use serde::{Deserialize, Serialize};

/// A kind of record, as the audit log, errors and the command line name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Source,
    Batch,
    Place,
    Tie,
    Network,
    Membership,
    Actor,
    Relation,
    Activity,
    Document,
    Figure,
}

impl RecordKind {
    /// Every kind, in the order their tables are written: a record is written after the
    /// records it can reference.
    pub const ALL: [RecordKind; 11] = [
        RecordKind::Source,
        RecordKind::Batch,
        RecordKind::Place,
        RecordKind::Actor,
        RecordKind::Network,
        RecordKind::Document,
        RecordKind::Tie,
        RecordKind::Membership,
        RecordKind::Relation,
        RecordKind::Activity,
        RecordKind::Figure,
    ];

    /// The name used in bundles, audit entries and on the command line.
    pub fn as_str(&self) -> &'static str {
        match self {
            RecordKind::Source => "source",
            RecordKind::Batch => "batch",
            RecordKind::Place => "place",
            RecordKind::Tie => "tie",
            RecordKind::Network => "network",
            RecordKind::Membership => "membership",
            RecordKind::Actor => "actor",
            RecordKind::Relation => "relation",
            RecordKind::Activity => "activity",
            RecordKind::Document => "document",
            RecordKind::Figure => "figure",
        }
    }

    /// The fields a backend keeps in indexed columns beside the JSON, in the order of
    /// [`crate::plan::Row::columns`].
    pub fn indexed_fields(&self) -> &'static [&'static str] {
        match self {
            RecordKind::Source | RecordKind::Figure => &[],
            RecordKind::Batch => &["format", "sha256"],
            RecordKind::Place => &["level", "name", "country", "parent"],
            RecordKind::Tie => &["a", "b", "kind"],
            RecordKind::Network => &["name"],
            RecordKind::Membership => &["network", "member"],
            RecordKind::Actor => &["kind", "name"],
            RecordKind::Relation => &["from", "to", "kind"],
            RecordKind::Activity => &["kind"],
            RecordKind::Document => &["kind", "title"],
        }
    }

    /// Whether the full-text search index covers this kind.
    pub fn is_searched(&self) -> bool {
        matches!(
            self,
            RecordKind::Place | RecordKind::Actor | RecordKind::Network | RecordKind::Document
        )
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row to write: the record's key, its indexed column values, and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub columns: Vec<Option<String>>,
    /// Shared with the audit row of an update, so the JSON is not copied.
    pub json: Arc<str>,
}

fn encode<T: Serialize>(record: &T) -> Arc<str> {
    // Records are plain data (strings, numbers, lists): serialising them cannot fail.
    serde_json::to_string(record).unwrap_or_default().into()
}

/// The rows of every record of `data`, by kind, in [`RecordKind::ALL`]'s order.
pub(crate) fn rows_of(data: &Dataset) -> Vec<(RecordKind, Vec<Row>)> {
    RecordKind::ALL
        .iter()
        .map(|kind| (*kind, rows_of_kind(data, *kind)))
        .collect()
}

/// The rows of every record of `kind` in `data`, in list order.
pub fn rows_of_kind(data: &Dataset, kind: RecordKind) -> Vec<Row> {
    fn row<T: Serialize>(key: &str, columns: Vec<Option<String>>, record: &T) -> Row {
        Row {
            key: key.to_owned(),
            columns,
            json: encode(record),
        }
    }
    let s = |v: &str| Some(v.to_owned());
    match kind {
        RecordKind::Source => data.sources.iter().map(|r| row(&r.id, vec![], r)).collect(),
        RecordKind::Batch => data
            .batches
            .iter()
            .map(|r| row(&r.id, vec![s(&r.format), s(&r.sha256)], r))
            .collect(),
        RecordKind::Place => data
            .places
            .iter()
            .map(|r| {
                let columns = vec![
                    s(r.level.as_str()),
                    s(&r.name),
                    r.country.clone(),
                    r.parent.clone(),
                ];
                row(&r.id, columns, r)
            })
            .collect(),
        RecordKind::Tie => data
            .ties
            .iter()
            .map(|r| row(&r.id, vec![s(&r.a), s(&r.b), s(r.kind.as_str())], r))
            .collect(),
        RecordKind::Network => data
            .networks
            .iter()
            .map(|r| row(&r.id, vec![s(&r.name)], r))
            .collect(),
        RecordKind::Membership => data
            .memberships
            .iter()
            .map(|r| row(&r.key(), vec![s(&r.network), s(&r.member)], r))
            .collect(),
        RecordKind::Actor => data
            .actors
            .iter()
            .map(|r| row(&r.id, vec![s(r.kind.as_str()), s(&r.name)], r))
            .collect(),
        RecordKind::Relation => data
            .relations
            .iter()
            .map(|r| row(&r.key(), vec![s(&r.from), s(&r.to), s(r.kind.as_str())], r))
            .collect(),
        RecordKind::Activity => data
            .activities
            .iter()
            .map(|r| row(&r.id, vec![s(r.kind.as_str())], r))
            .collect(),
        RecordKind::Document => data
            .documents
            .iter()
            .map(|r| row(&r.id, vec![s(r.kind.as_str()), s(&r.title)], r))
            .collect(),
        RecordKind::Figure => data.figures.iter().map(|r| row(&r.id, vec![], r)).collect(),
    }
}

/// Decodes one stored JSON record of `kind` and appends it to its list in `data`.
pub fn decode_into(
    data: &mut Dataset,
    kind: RecordKind,
    json: &str,
) -> Result<(), serde_json::Error> {
    match kind {
        RecordKind::Source => data.sources.push(serde_json::from_str(json)?),
        RecordKind::Batch => data.batches.push(serde_json::from_str(json)?),
        RecordKind::Place => data.places.push(serde_json::from_str(json)?),
        RecordKind::Tie => data.ties.push(serde_json::from_str(json)?),
        RecordKind::Network => data.networks.push(serde_json::from_str(json)?),
        RecordKind::Membership => data.memberships.push(serde_json::from_str(json)?),
        RecordKind::Actor => data.actors.push(serde_json::from_str(json)?),
        RecordKind::Relation => data.relations.push(serde_json::from_str(json)?),
        RecordKind::Activity => data.activities.push(serde_json::from_str(json)?),
        RecordKind::Document => data.documents.push(serde_json::from_str(json)?),
        RecordKind::Figure => data.figures.push(serde_json::from_str(json)?),
    }
    Ok(())
}

/// [`decode_into`], returning the record's JSON as polis writes it (keys in the model's
/// order, no spaces). A backend whose database reformats JSON (PostgreSQL's `jsonb` sorts
/// keys and adds spaces) keeps this as the stored form, so that the planner's comparison
/// with incoming records, and exports, do not depend on the database.
pub fn decode_canonical(
    data: &mut Dataset,
    kind: RecordKind,
    json: &str,
) -> Result<String, serde_json::Error> {
    decode_into(data, kind, json)?;
    let index = match kind {
        RecordKind::Source => data.sources.len(),
        RecordKind::Batch => data.batches.len(),
        RecordKind::Place => data.places.len(),
        RecordKind::Tie => data.ties.len(),
        RecordKind::Network => data.networks.len(),
        RecordKind::Membership => data.memberships.len(),
        RecordKind::Actor => data.actors.len(),
        RecordKind::Relation => data.relations.len(),
        RecordKind::Activity => data.activities.len(),
        RecordKind::Document => data.documents.len(),
        RecordKind::Figure => data.figures.len(),
    } - 1;
    Ok(json_at(data, kind, index).unwrap_or_default())
}

/// Removes the record of `kind` with `key` from `data`; false when there was none.
pub(crate) fn remove_record(data: &mut Dataset, kind: RecordKind, key: &str) -> bool {
    fn take<T>(list: &mut Vec<T>, key: &str, key_of: impl Fn(&T) -> String) -> bool {
        let before = list.len();
        list.retain(|r| key_of(r) != key);
        list.len() != before
    }
    match kind {
        RecordKind::Source => take(&mut data.sources, key, |r| r.id.clone()),
        RecordKind::Batch => take(&mut data.batches, key, |r| r.id.clone()),
        RecordKind::Place => take(&mut data.places, key, |r| r.id.clone()),
        RecordKind::Tie => take(&mut data.ties, key, |r| r.id.clone()),
        RecordKind::Network => take(&mut data.networks, key, |r| r.id.clone()),
        RecordKind::Membership => take(&mut data.memberships, key, |r| r.key()),
        RecordKind::Actor => take(&mut data.actors, key, |r| r.id.clone()),
        RecordKind::Relation => take(&mut data.relations, key, |r| r.key()),
        RecordKind::Activity => take(&mut data.activities, key, |r| r.id.clone()),
        RecordKind::Document => take(&mut data.documents, key, |r| r.id.clone()),
        RecordKind::Figure => take(&mut data.figures, key, |r| r.id.clone()),
    }
}

/// The keys of the records of `kind` in `data`, in list order.
pub(crate) fn keys_of(data: &Dataset, kind: RecordKind) -> Vec<String> {
    match kind {
        RecordKind::Source => data.sources.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Batch => data.batches.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Place => data.places.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Tie => data.ties.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Network => data.networks.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Membership => data.memberships.iter().map(|r| r.key()).collect(),
        RecordKind::Actor => data.actors.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Relation => data.relations.iter().map(|r| r.key()).collect(),
        RecordKind::Activity => data.activities.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Document => data.documents.iter().map(|r| r.id.clone()).collect(),
        RecordKind::Figure => data.figures.iter().map(|r| r.id.clone()).collect(),
    }
}

/// Keeps only the records of `kind` whose position `keep` accepts.
pub(crate) fn retain_positions(data: &mut Dataset, kind: RecordKind, keep: &[bool]) {
    fn retain<T>(list: &mut Vec<T>, keep: &[bool]) {
        let mut i = 0;
        list.retain(|_| {
            i += 1;
            keep.get(i - 1).copied().unwrap_or(true)
        });
    }
    match kind {
        RecordKind::Source => retain(&mut data.sources, keep),
        RecordKind::Batch => retain(&mut data.batches, keep),
        RecordKind::Place => retain(&mut data.places, keep),
        RecordKind::Tie => retain(&mut data.ties, keep),
        RecordKind::Network => retain(&mut data.networks, keep),
        RecordKind::Membership => retain(&mut data.memberships, keep),
        RecordKind::Actor => retain(&mut data.actors, keep),
        RecordKind::Relation => retain(&mut data.relations, keep),
        RecordKind::Activity => retain(&mut data.activities, keep),
        RecordKind::Document => retain(&mut data.documents, keep),
        RecordKind::Figure => retain(&mut data.figures, keep),
    }
}

/// Where a violation's record kind name is one of ours.
pub(crate) fn kind_named(name: &str) -> Option<RecordKind> {
    RecordKind::ALL.iter().find(|k| k.as_str() == name).copied()
}

/// The JSON of the record of `kind` at `index` in `data`.
pub(crate) fn json_at(data: &Dataset, kind: RecordKind, index: usize) -> Option<String> {
    fn at<T: Serialize>(list: &[T], index: usize) -> Option<String> {
        list.get(index).map(|r| encode(r).to_string())
    }
    match kind {
        RecordKind::Source => at(&data.sources, index),
        RecordKind::Batch => at(&data.batches, index),
        RecordKind::Place => at(&data.places, index),
        RecordKind::Tie => at(&data.ties, index),
        RecordKind::Network => at(&data.networks, index),
        RecordKind::Membership => at(&data.memberships, index),
        RecordKind::Actor => at(&data.actors, index),
        RecordKind::Relation => at(&data.relations, index),
        RecordKind::Activity => at(&data.activities, index),
        RecordKind::Document => at(&data.documents, index),
        RecordKind::Figure => at(&data.figures, index),
    }
}
