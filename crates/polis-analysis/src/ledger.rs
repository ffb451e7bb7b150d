//! The activity ledger and clause search: totals of quantities by item and unit (only the
//! same item in the same unit is ever added), and agreement articles by tag or text with the
//! ties they belong to and how those ties ended.

use std::collections::BTreeMap;

use polis_core::text::fold;
use polis_core::{ActivityKind, Dataset, EventKind, PartialDate, Tie};
use serde::Serialize;

/// The total of one item in one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuantityTotal {
    pub item: String,
    pub unit: String,
    pub total: f64,
    /// The latest date the summed figures were reported up to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    /// The activities the figures come from.
    pub activities: Vec<String>,
    pub sources: Vec<String>,
}

/// Totals of every quantity recorded on activities (of `kind`, when given), by item and unit.
pub fn quantity_totals(data: &Dataset, kind: Option<ActivityKind>) -> Vec<QuantityTotal> {
    let mut totals: BTreeMap<(String, String), QuantityTotal> = BTreeMap::new();
    for activity in data
        .activities
        .iter()
        .filter(|a| kind.is_none_or(|k| a.kind == k))
    {
        for q in &activity.quantities {
            let entry = totals
                .entry((q.item.clone(), q.unit.clone()))
                .or_insert_with(|| QuantityTotal {
                    item: q.item.clone(),
                    unit: q.unit.clone(),
                    total: 0.0,
                    as_of: None,
                    activities: Vec::new(),
                    sources: Vec::new(),
                });
            entry.total += q.value;
            entry.as_of = entry.as_of.max(q.as_of);
            if !entry.activities.contains(&activity.id) {
                entry.activities.push(activity.id.clone());
            }
            for source in &activity.sources {
                if !entry.sources.contains(source) {
                    entry.sources.push(source.clone());
                }
            }
        }
    }
    totals.into_values().collect()
}

/// A tie that an article's document belongs to, and how it ended, if it did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseTie {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_reason: Option<String>,
    /// True when the termination cites this document or names the clause in its reason.
    pub ended_over_clause: bool,
}

/// One article that matched.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseHit {
    pub document: String,
    pub document_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    pub parties: Vec<String>,
    pub article: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub text: String,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<String>,
    pub ties: Vec<ClauseTie>,
}

fn ties_of_document<'a>(data: &'a Dataset, document: &str) -> Vec<&'a Tie> {
    data.ties
        .iter()
        .filter(|t| {
            t.documents.iter().any(|d| d == document)
                || t.events
                    .iter()
                    .any(|e| e.document.as_deref() == Some(document))
        })
        .collect()
}

/// Articles with `tag` (when given) whose text contains `text` (folded; when given).
pub fn clause_search(data: &Dataset, tag: Option<&str>, text: Option<&str>) -> Vec<ClauseHit> {
    let needle = text.map(fold).filter(|t| !t.is_empty());
    let tag_words: Vec<String> = tag
        .map(|t| fold(t).split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let mut hits = Vec::new();
    for document in &data.documents {
        for article in &document.articles {
            if let Some(tag) = tag
                && !article.tags.iter().any(|t| t == tag)
            {
                continue;
            }
            if let Some(needle) = &needle {
                let haystack = fold(&format!(
                    "{} {}",
                    article.heading.as_deref().unwrap_or(""),
                    article.text
                ));
                if !haystack.contains(needle.as_str()) {
                    continue;
                }
            }
            let ties = ties_of_document(data, &document.id)
                .into_iter()
                .map(|tie| {
                    let termination = tie
                        .events
                        .iter()
                        .rev()
                        .find(|e| e.kind == EventKind::Terminated);
                    let reason = termination.and_then(|e| e.reason.clone());
                    let reason_names_clause = reason.as_deref().is_some_and(|r| {
                        let r = fold(r);
                        r.contains("clause")
                            || r.contains("article")
                            || (!tag_words.is_empty()
                                && tag_words.iter().all(|w| r.contains(w.as_str())))
                    });
                    ClauseTie {
                        id: tie.id.clone(),
                        terminated: termination.and_then(|e| e.date),
                        terminated_by: termination.and_then(|e| e.side.clone()),
                        ended_over_clause: termination
                            .is_some_and(|e| e.document.as_deref() == Some(document.id.as_str()))
                            || reason_names_clause,
                        termination_reason: reason,
                    }
                })
                .collect();
            hits.push(ClauseHit {
                document: document.id.clone(),
                document_title: document.title.clone(),
                date: document.date,
                parties: document.parties.clone(),
                article: article.number.clone(),
                heading: article.heading.clone(),
                text: article.text.clone(),
                tags: article.tags.clone(),
                initiated_by: article.initiated_by.clone(),
                ties,
            });
        }
    }
    hits
}
