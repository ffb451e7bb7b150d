//! Every reference field of the model in one place: listing the records that point at an
//! id (for refusing a delete) and moving references from one id to another (for merges and
//! for following redirects). A new reference field in `polis_core::model` is added here.

use std::collections::{BTreeMap, HashMap, HashSet};

use polis_core::{Dataset, Tie};

use crate::RecordKind;

/// Where ids are redirected: merged places, merged actors, combined ties.
#[derive(Debug, Default, Clone)]
pub(crate) struct Redirects {
    pub places: HashMap<String, String>,
    pub actors: HashMap<String, String>,
    pub ties: HashMap<String, String>,
}

impl Redirects {
    pub fn is_empty(&self) -> bool {
        self.places.is_empty() && self.actors.is_empty() && self.ties.is_empty()
    }

    fn place(&self, id: &str) -> Option<&String> {
        self.places.get(id)
    }
    fn actor(&self, id: &str) -> Option<&String> {
        self.actors.get(id)
    }
    /// A field that holds a place or an actor id.
    fn either(&self, id: &str) -> Option<&String> {
        self.places.get(id).or_else(|| self.actors.get(id))
    }
}

/// Records whose references were moved, by kind, and the ties among them.
#[derive(Debug, Default)]
pub(crate) struct Moved {
    pub counts: BTreeMap<&'static str, u64>,
    pub ties: HashSet<String>,
}

fn swap(value: &mut String, lookup: impl Fn(&str) -> Option<String>) -> bool {
    match lookup(value) {
        Some(to) if to != *value => {
            *value = to;
            true
        }
        _ => false,
    }
}

fn swap_opt(value: &mut Option<String>, lookup: impl Fn(&str) -> Option<String>) -> bool {
    match value.as_deref().and_then(&lookup) {
        Some(to) => {
            *value = Some(to);
            true
        }
        None => false,
    }
}

/// Replaces each id of `list` that `lookup` redirects, then drops duplicates, keeping the
/// first of each.
fn swap_list(list: &mut Vec<String>, lookup: impl Fn(&str) -> Option<String>) -> bool {
    let mut changed = false;
    for value in list.iter_mut() {
        if let Some(to) = lookup(value) {
            *value = to;
            changed = true;
        }
    }
    if changed {
        let mut seen = HashSet::new();
        list.retain(|v| seen.insert(v.clone()));
    }
    changed
}

/// Moves every reference in `data` that `redirects` names to its target, and keeps each
/// tie's ends in canonical order (`a < b`). Returns which records changed.
pub(crate) fn follow(data: &mut Dataset, redirects: &Redirects) -> Moved {
    let mut moved = Moved::default();
    if redirects.is_empty() {
        return moved;
    }
    let mut count = |kind: RecordKind, changed: bool| {
        if changed {
            *moved.counts.entry(kind.as_str()).or_default() += 1;
        }
        changed
    };
    let place = |id: &str| redirects.place(id).cloned();
    let actor = |id: &str| redirects.actor(id).cloned();
    let either = |id: &str| redirects.either(id).cloned();
    let tie = |id: &str| redirects.ties.get(id).cloned();

    for p in &mut data.places {
        let changed = swap_opt(&mut p.parent, place) | swap_opt(&mut p.seat, place);
        count(RecordKind::Place, changed);
    }
    for t in &mut data.ties {
        let changed = follow_tie(t, redirects);
        if count(RecordKind::Tie, changed) {
            moved.ties.insert(t.id.clone());
        }
    }
    for m in &mut data.memberships {
        let changed = swap(&mut m.member, either);
        count(RecordKind::Membership, changed);
    }
    for r in &mut data.relations {
        let from = swap(&mut r.from, actor);
        let to = swap(&mut r.to, either);
        count(RecordKind::Relation, from | to);
    }
    for a in &mut data.activities {
        let places = swap_list(&mut a.places, place);
        let actors = swap_list(&mut a.actors, actor);
        let ties = swap_list(&mut a.ties, tie);
        count(RecordKind::Activity, places | actors | ties);
    }
    for d in &mut data.documents {
        let mut changed = swap_list(&mut d.parties, either);
        for article in &mut d.articles {
            changed |= swap_opt(&mut article.initiated_by, either);
        }
        count(RecordKind::Document, changed);
    }
    for f in &mut data.figures {
        let changed = swap_opt(&mut f.reporter, actor);
        count(RecordKind::Figure, changed);
    }
    moved
}

/// Moves a tie's references (its ends, the acting sides and actors of its events, whose
/// list its evidence was on and the ends its distances measure), re-sorting its ends.
fn follow_tie(t: &mut Tie, redirects: &Redirects) -> bool {
    let place = |id: &str| redirects.place(id).cloned();
    let mut changed = swap(&mut t.a, place);
    changed |= swap(&mut t.b, place);
    for event in &mut t.events {
        changed |= swap_opt(&mut event.side, place);
        changed |= swap_opt(&mut event.actor, |id| redirects.actor(id).cloned());
    }
    for evidence in &mut t.evidence {
        changed |= swap_opt(&mut evidence.listed_by, place);
        // The distances are keyed by the end they measure.
        if evidence
            .source_distance_km
            .keys()
            .any(|end| redirects.place(end).is_some())
        {
            evidence.source_distance_km = std::mem::take(&mut evidence.source_distance_km)
                .into_iter()
                .map(|(end, km)| (place(&end).unwrap_or(end), km))
                .collect();
            changed = true;
        }
    }
    if t.a > t.b {
        std::mem::swap(&mut t.a, &mut t.b);
    }
    changed
}

/// Every record that points at the record of `kind` with `id`, as (kind, id or key).
pub(crate) fn referrers(data: &Dataset, kind: RecordKind, id: &str) -> Vec<(RecordKind, String)> {
    let mut out: Vec<(RecordKind, String)> = Vec::new();
    let is = |k: RecordKind, value: &str| k == kind && value == id;
    let either =
        |value: &str| (kind == RecordKind::Place || kind == RecordKind::Actor) && value == id;
    let cites = |sources: &[String]| kind == RecordKind::Source && sources.iter().any(|s| s == id);
    let mut push = |k: RecordKind, key: String, hit: bool| {
        if hit && out.last().is_none_or(|last| last != &(k, key.clone())) {
            out.push((k, key));
        }
    };
    for b in &data.batches {
        push(
            RecordKind::Batch,
            b.id.clone(),
            is(RecordKind::Source, &b.source),
        );
    }
    for p in &data.places {
        let hit = p
            .parent
            .as_deref()
            .is_some_and(|v| is(RecordKind::Place, v))
            || p.seat.as_deref().is_some_and(|v| is(RecordKind::Place, v))
            || cites(&p.sources)
            || p.names.iter().any(|n| cites(&n.sources))
            || p.country_claims.iter().any(|c| cites(&c.sources))
            || p.coordinates
                .iter()
                .any(|c| is(RecordKind::Source, &c.source))
            || p.population
                .iter()
                .any(|c| is(RecordKind::Source, &c.source));
        push(RecordKind::Place, p.id.clone(), hit);
    }
    for t in &data.ties {
        let hit = is(RecordKind::Place, &t.a)
            || is(RecordKind::Place, &t.b)
            || t.network
                .as_deref()
                .is_some_and(|v| is(RecordKind::Network, v))
            || t.documents.iter().any(|v| is(RecordKind::Document, v))
            || cites(&t.sources)
            || t.events.iter().any(|e| {
                e.actor.as_deref().is_some_and(|v| is(RecordKind::Actor, v))
                    || e.document
                        .as_deref()
                        .is_some_and(|v| is(RecordKind::Document, v))
                    || cites(&e.sources)
            })
            || t.evidence.iter().any(|e| {
                is(RecordKind::Source, &e.source)
                    || e.batch.as_deref().is_some_and(|v| is(RecordKind::Batch, v))
            });
        push(RecordKind::Tie, t.id.clone(), hit);
    }
    for n in &data.networks {
        push(RecordKind::Network, n.id.clone(), cites(&n.sources));
    }
    for m in &data.memberships {
        let hit = is(RecordKind::Network, &m.network)
            || either(&m.member)
            || m.batch.as_deref().is_some_and(|v| is(RecordKind::Batch, v))
            || cites(&m.sources);
        push(RecordKind::Membership, m.key(), hit);
    }
    for a in &data.actors {
        push(RecordKind::Actor, a.id.clone(), cites(&a.sources));
    }
    for r in &data.relations {
        let hit = is(RecordKind::Actor, &r.from) || either(&r.to) || cites(&r.sources);
        push(RecordKind::Relation, r.key(), hit);
    }
    for a in &data.activities {
        let hit = a.places.iter().any(|v| is(RecordKind::Place, v))
            || a.actors.iter().any(|v| is(RecordKind::Actor, v))
            || a.ties.iter().any(|v| is(RecordKind::Tie, v))
            || a.networks.iter().any(|v| is(RecordKind::Network, v))
            || cites(&a.sources);
        push(RecordKind::Activity, a.id.clone(), hit);
    }
    for d in &data.documents {
        let hit = d.parties.iter().any(|v| either(v))
            || d.articles
                .iter()
                .any(|a| a.initiated_by.as_deref().is_some_and(either))
            || cites(&d.sources);
        push(RecordKind::Document, d.id.clone(), hit);
    }
    for f in &data.figures {
        let hit = f
            .reporter
            .as_deref()
            .is_some_and(|v| is(RecordKind::Actor, v))
            || cites(&f.sources);
        push(RecordKind::Figure, f.id.clone(), hit);
    }
    out
}
