//! The rules every dataset must satisfy before it is stored: well-formed and unique ids,
//! references that resolve, ties between two different places, lifecycle events in a
//! possible order, memberships and relations that end after they start, coordinates on the
//! globe, and a source behind every fact.

// foldhash, not SipHash: validation hashes every id of the dataset on every write, and
// the keys are the dataset's own, not an attacker's choice of many colliding ones.
use foldhash::{HashMap, HashSet, HashSetExt as _};
use std::fmt;

use crate::date::{PartialDate, Tri};
use crate::ids::{ID_RULE, is_valid_id};
use crate::model::{Contested, CounterClaim, Dataset, Tie};
use crate::status::{TieStatus, counter_account, transition};

/// One broken rule, naming the record, the field and the value, and saying what would be
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The record kind as bundles name it (`tie`, `place`, ...).
    pub record: &'static str,
    /// The record's id or key.
    pub id: String,
    /// Position of the record in its list, for mapping back to a file and line.
    pub index: usize,
    pub field: String,
    pub value: String,
    pub problem: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} '{}': field `{}` = '{}': {}",
            self.record, self.id, self.field, self.value, self.problem
        )
    }
}

/// All violations found, in record order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the data; first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
pub struct ValidationError(pub Vec<Violation>);

struct Checker<'a> {
    violations: Vec<Violation>,
    sources: HashSet<&'a str>,
    batches: HashSet<&'a str>,
    places: HashSet<&'a str>,
    actors: HashSet<&'a str>,
    networks: HashSet<&'a str>,
    ties: HashSet<&'a str>,
    documents: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    fn push(
        &mut self,
        record: &'static str,
        id: &str,
        index: usize,
        field: &str,
        value: &str,
        problem: String,
    ) {
        self.violations.push(Violation {
            record,
            id: id.to_owned(),
            index,
            field: field.to_owned(),
            value: value.to_owned(),
            problem,
        });
    }

    fn sources(
        &mut self,
        record: &'static str,
        id: &str,
        index: usize,
        field: &str,
        sources: &[String],
    ) {
        for source in sources {
            if !self.sources.contains(source.as_str()) {
                self.push(
                    record,
                    id,
                    index,
                    field,
                    source,
                    "unknown source: add a [[source]] with this id, or cite one that exists".into(),
                );
            }
        }
    }

    /// An end date must not be certainly before the start date.
    fn span(
        &mut self,
        record: &'static str,
        id: &str,
        index: usize,
        start: &Option<PartialDate>,
        end: &Option<PartialDate>,
    ) {
        if let (Some(start), Some(end)) = (start, end)
            && end.before(start) == Tri::Yes
        {
            self.push(
                record,
                id,
                index,
                "end",
                &end.to_string(),
                format!("ends before it starts ({start}): the end must be on or after the start"),
            );
        }
    }

    fn reference(
        &mut self,
        record: &'static str,
        id: &str,
        index: usize,
        field: &str,
        value: &str,
        kinds: &[&str],
    ) {
        let found = kinds.iter().any(|kind| match *kind {
            "place" => self.places.contains(value),
            "actor" => self.actors.contains(value),
            "network" => self.networks.contains(value),
            "tie" => self.ties.contains(value),
            "document" => self.documents.contains(value),
            "source" => self.sources.contains(value),
            "batch" => self.batches.contains(value),
            _ => false,
        });
        if !found {
            let expected = kinds.join(" or ");
            self.push(
                record,
                id,
                index,
                field,
                value,
                format!("unknown {expected}: it must be the id of a {expected} in the data"),
            );
        }
    }
}

fn ids<'a, T>(
    checker: &mut Checker<'a>,
    record: &'static str,
    items: &'a [T],
    id_of: impl Fn(&'a T) -> &'a str,
) -> HashSet<&'a str> {
    let mut seen = HashSet::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let id = id_of(item);
        if !is_valid_id(id) {
            checker.push(
                record,
                id,
                index,
                "id",
                id,
                format!("not a valid id: use {ID_RULE}"),
            );
        }
        if !seen.insert(id) {
            checker.push(
                record,
                id,
                index,
                "id",
                id,
                format!("duplicate id: another {record} already has it"),
            );
        }
    }
    seen
}

/// Checks every rule over the whole dataset and returns every violation, not just the first.
pub fn validate(data: &Dataset) -> Result<(), ValidationError> {
    let mut c = Checker {
        violations: Vec::new(),
        sources: HashSet::new(),
        batches: HashSet::new(),
        places: HashSet::new(),
        actors: HashSet::new(),
        networks: HashSet::new(),
        ties: HashSet::new(),
        documents: HashSet::new(),
    };
    c.sources = ids(&mut c, "source", &data.sources, |s| &s.id);
    c.batches = ids(&mut c, "batch", &data.batches, |b| &b.id);
    c.places = ids(&mut c, "place", &data.places, |p| &p.id);
    c.actors = ids(&mut c, "actor", &data.actors, |a| &a.id);
    c.networks = ids(&mut c, "network", &data.networks, |n| &n.id);
    c.ties = ids(&mut c, "tie", &data.ties, |t| &t.id);
    c.documents = ids(&mut c, "document", &data.documents, |d| &d.id);
    ids(&mut c, "activity", &data.activities, |a| &a.id);
    ids(&mut c, "figure", &data.figures, |f| &f.id);

    // Former ids of merged places must not collide with live ids: they redirect.
    for (i, place) in data.places.iter().enumerate() {
        for former in &place.former_ids {
            if c.places.contains(former.as_str()) {
                c.push(
                    "place",
                    &place.id,
                    i,
                    "former_ids",
                    former,
                    "a former id must not also be a live place id".into(),
                );
            }
        }
    }

    for (i, actor) in data.actors.iter().enumerate() {
        for former in &actor.former_ids {
            if c.actors.contains(former.as_str()) {
                c.push(
                    "actor",
                    &actor.id,
                    i,
                    "former_ids",
                    former,
                    "a former id must not also be a live actor id".into(),
                );
            }
        }
    }

    for (i, batch) in data.batches.iter().enumerate() {
        c.reference("batch", &batch.id, i, "source", &batch.source, &["source"]);
    }
    check_places(&mut c, data);
    for (i, tie) in data.ties.iter().enumerate() {
        check_tie(&mut c, i, tie);
    }
    for (i, network) in data.networks.iter().enumerate() {
        require_sources(&mut c, "network", &network.id, i, &network.sources);
    }
    for (i, m) in data.memberships.iter().enumerate() {
        let key = m.key();
        c.reference("membership", &key, i, "network", &m.network, &["network"]);
        c.reference(
            "membership",
            &key,
            i,
            "member",
            &m.member,
            &["place", "actor"],
        );
        if let Some(batch) = &m.batch {
            c.reference("membership", &key, i, "batch", batch, &["batch"]);
        }
        c.span("membership", &key, i, &m.start, &m.end);
        if m.batch.is_none() {
            require_sources(&mut c, "membership", &key, i, &m.sources);
        } else {
            c.sources("membership", &key, i, "sources", &m.sources);
        }
    }
    for (i, actor) in data.actors.iter().enumerate() {
        if actor.kind == crate::model::ActorKind::Person && actor.organisation.is_some() {
            c.push("actor", &actor.id, i, "organisation", "set", "a person has no organisation kind: remove the field or make the actor an organisation".into());
        }
        require_sources(&mut c, "actor", &actor.id, i, &actor.sources);
    }
    for (i, r) in data.relations.iter().enumerate() {
        let key = r.key();
        c.reference("relation", &key, i, "from", &r.from, &["actor"]);
        c.reference("relation", &key, i, "to", &r.to, &["actor", "place"]);
        if r.from == r.to {
            c.push(
                "relation",
                &key,
                i,
                "to",
                &r.to,
                "a relation joins two different records".into(),
            );
        }
        c.span("relation", &key, i, &r.start, &r.end);
        require_sources(&mut c, "relation", &key, i, &r.sources);
        if let Some(inferred_from) = &r.inferred_from
            && inferred_from.trim().is_empty()
        {
            c.push(
                "relation",
                &key,
                i,
                "inferred_from",
                "",
                "say what the relation is inferred from (\"the deck's generic chart\"), or leave the field out".into(),
            );
        }
        for (n, claim) in r.disputed_by.iter().enumerate() {
            let field = format!("disputed_by[{n}]");
            check_claim(&mut c, "relation", &key, i, &field, claim);
            if matches!(claim.contests, Contested::Kind | Contested::Date) {
                c.push(
                    "relation",
                    &key,
                    i,
                    &format!("{field}.contests"),
                    claim.contests.as_str(),
                    "a counter-claim on a relation contests its occurrence or its details (role, dates): use contests = \"occurrence\" or \"details\"".into(),
                );
            }
        }
    }
    for (i, a) in data.activities.iter().enumerate() {
        for p in &a.places {
            c.reference("activity", &a.id, i, "places", p, &["place"]);
        }
        for p in &a.actors {
            c.reference("activity", &a.id, i, "actors", p, &["actor"]);
        }
        for t in &a.ties {
            c.reference("activity", &a.id, i, "ties", t, &["tie"]);
        }
        for n in &a.networks {
            c.reference("activity", &a.id, i, "networks", n, &["network"]);
        }
        for q in &a.quantities {
            if !q.value.is_finite() || q.value < 0.0 {
                c.push(
                    "activity",
                    &a.id,
                    i,
                    "quantities.value",
                    &q.value.to_string(),
                    "a quantity is a finite number, zero or more".into(),
                );
            }
            if q.unit.trim().is_empty() || q.item.trim().is_empty() {
                c.push(
                    "activity",
                    &a.id,
                    i,
                    "quantities",
                    &q.item,
                    "a quantity needs an item and a unit".into(),
                );
            }
        }
        c.span("activity", &a.id, i, &a.start, &a.end);
        require_sources(&mut c, "activity", &a.id, i, &a.sources);
    }
    for (i, d) in data.documents.iter().enumerate() {
        for p in &d.parties {
            c.reference("document", &d.id, i, "parties", p, &["place", "actor"]);
        }
        let mut numbers = HashSet::new();
        for article in &d.articles {
            if !numbers.insert(article.number.as_str()) {
                c.push(
                    "document",
                    &d.id,
                    i,
                    "articles.number",
                    &article.number,
                    "two articles have the same number".into(),
                );
            }
            if let Some(by) = &article.initiated_by {
                c.reference(
                    "document",
                    &d.id,
                    i,
                    "articles.initiated_by",
                    by,
                    &["place", "actor"],
                );
            }
        }
        require_sources(&mut c, "document", &d.id, i, &d.sources);
    }
    for (i, f) in data.figures.iter().enumerate() {
        if !f.value.is_finite() {
            c.push(
                "figure",
                &f.id,
                i,
                "value",
                &f.value.to_string(),
                "a figure is a finite number".into(),
            );
        }
        if let Some(reporter) = &f.reporter {
            c.reference("figure", &f.id, i, "reporter", reporter, &["actor"]);
        }
        require_sources(&mut c, "figure", &f.id, i, &f.sources);
    }

    if c.violations.is_empty() {
        Ok(())
    } else {
        Err(ValidationError(c.violations))
    }
}

fn require_sources(
    c: &mut Checker,
    record: &'static str,
    id: &str,
    index: usize,
    sources: &[String],
) {
    if sources.is_empty() {
        c.push(
            record,
            id,
            index,
            "sources",
            "[]",
            "every fact needs a source: list at least one source id".into(),
        );
    }
    c.sources(record, id, index, "sources", sources);
}

/// The rules every counter-claim obeys, wherever it is attached: it says something, cites
/// known sources, and gives a `kind` or a `date` exactly when it contests one.
fn check_claim(
    c: &mut Checker,
    record: &'static str,
    id: &str,
    index: usize,
    field: &str,
    claim: &CounterClaim,
) {
    if claim.says.trim().is_empty() {
        c.push(
            record,
            id,
            index,
            &format!("{field}.says"),
            "",
            "say in a sentence what the other source says instead".into(),
        );
    }
    if claim.sources.is_empty() {
        c.push(
            record,
            id,
            index,
            &format!("{field}.sources"),
            "[]",
            "a counter-claim needs the source that makes it: list at least one source id".into(),
        );
    }
    c.sources(
        record,
        id,
        index,
        &format!("{field}.sources"),
        &claim.sources,
    );
    match (claim.contests, &claim.kind) {
        (Contested::Kind, None) => c.push(
            record,
            id,
            index,
            &format!("{field}.kind"),
            "",
            format!(
                "contests = \"kind\" needs the step that took place instead: one of {}",
                crate::model::EventKind::accepted()
            ),
        ),
        (Contested::Kind, Some(_)) | (_, None) => {}
        (other, Some(kind)) => c.push(
            record,
            id,
            index,
            &format!("{field}.kind"),
            kind.as_str(),
            format!("a kind belongs only to contests = \"kind\", not \"{other}\": remove it or change `contests`"),
        ),
    }
    match (claim.contests, &claim.date) {
        (Contested::Date, None) => c.push(
            record,
            id,
            index,
            &format!("{field}.date"),
            "",
            "contests = \"date\" needs the date the other source gives".into(),
        ),
        (Contested::Date, Some(_)) | (_, None) => {}
        (other, Some(date)) => c.push(
            record,
            id,
            index,
            &format!("{field}.date"),
            &date.to_string(),
            format!("a date belongs only to contests = \"date\", not \"{other}\": remove it or change `contests`"),
        ),
    }
}

/// A counter-claim that changes a tie's lifecycle must leave a lifecycle that can happen:
/// the steps of its account in a possible order, no step dated before the one above it.
fn check_counter_account(
    c: &mut Checker,
    i: usize,
    tie: &Tie,
    event_index: usize,
    claim_index: usize,
    claim: &CounterClaim,
) {
    let Some(steps) = counter_account(tie, event_index, claim) else {
        return;
    };
    let field = format!("events[{event_index}].disputed_by[{claim_index}]");
    let mut status = TieStatus::NotYet;
    let mut previous: Option<crate::date::PartialDate> = None;
    for (kind, date) in steps {
        match transition(status, kind) {
            Some(next) => status = next,
            None => {
                c.push("tie", &tie.id, i, &format!("{field}.contests"), claim.contests.as_str(), format!("the lifecycle this claim tells cannot happen: '{kind}' cannot follow status '{status}'; a counter-claim removes, replaces or redates one event, and the rest must still fit"));
                return;
            }
        }
        if let Some(date) = date {
            if let Some(before) = previous
                && date.before(&before) == Tri::Yes
            {
                c.push("tie", &tie.id, i, &format!("{field}.date"), &date.to_string(), format!("in the lifecycle this claim tells, an event falls before the one above it ({before}): give a date in order"));
                return;
            }
            previous = Some(date);
        }
    }
}

fn check_places(c: &mut Checker, data: &Dataset) {
    let parents: HashMap<&str, &str> = data
        .places
        .iter()
        .filter_map(|p| p.parent.as_deref().map(|parent| (p.id.as_str(), parent)))
        .collect();
    for (i, place) in data.places.iter().enumerate() {
        if place.name.trim().is_empty() {
            c.push(
                "place",
                &place.id,
                i,
                "name",
                "",
                "a place needs a name".into(),
            );
        }
        if let Some(parent) = &place.parent {
            c.reference("place", &place.id, i, "parent", parent, &["place"]);
            // Follow the parent chain; a chain that comes back to the start is a cycle.
            let mut at = parent.as_str();
            for _ in 0..64 {
                if at == place.id {
                    c.push(
                        "place",
                        &place.id,
                        i,
                        "parent",
                        parent,
                        "parents form a cycle: a place cannot be inside itself".into(),
                    );
                    break;
                }
                match parents.get(at) {
                    Some(next) => at = next,
                    None => break,
                }
            }
        }
        if let Some(seat) = &place.seat {
            c.reference("place", &place.id, i, "seat", seat, &["place"]);
            if *seat == place.id {
                c.push(
                    "place",
                    &place.id,
                    i,
                    "seat",
                    seat,
                    "a place cannot be its own seat: the seat is the core city of a metropolitan government".into(),
                );
            }
        }
        if let Some(cc) = &place.country
            && !(cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_uppercase()))
        {
            c.push(
                "place",
                &place.id,
                i,
                "country",
                cc,
                "an ISO 3166-1 alpha-2 code in capitals, e.g. CZ".into(),
            );
        }
        let mut claimed: HashSet<&str> = HashSet::new();
        for (n, claim) in place.country_claims.iter().enumerate() {
            let field = format!("country_claims[{n}]");
            if !(claim.country.len() == 2 && claim.country.bytes().all(|b| b.is_ascii_uppercase()))
            {
                c.push(
                    "place",
                    &place.id,
                    i,
                    &format!("{field}.country"),
                    &claim.country,
                    "an ISO 3166-1 alpha-2 code in capitals, e.g. UA".into(),
                );
            } else if !claimed.insert(claim.country.as_str()) {
                c.push(
                    "place",
                    &place.id,
                    i,
                    &format!("{field}.country"),
                    &claim.country,
                    "is claimed twice: list each country once, with every source that puts the place there".into(),
                );
            }
            if claim.territory.trim().is_empty() {
                c.push(
                    "place",
                    &place.id,
                    i,
                    &format!("{field}.territory"),
                    "",
                    "name the contested territory the claim is about (e.g. Crimea)".into(),
                );
            }
            if claim.sources.is_empty() {
                c.push(
                    "place",
                    &place.id,
                    i,
                    &format!("{field}.sources"),
                    "[]",
                    "a claim is a source's word: list at least one source id".into(),
                );
            }
            c.sources(
                "place",
                &place.id,
                i,
                &format!("{field}.sources"),
                &claim.sources,
            );
        }
        for coordinates in &place.coordinates {
            let ok = coordinates.lat.is_finite()
                && coordinates.lon.is_finite()
                && (-90.0..=90.0).contains(&coordinates.lat)
                && (-180.0..=180.0).contains(&coordinates.lon);
            if !ok {
                c.push(
                    "place",
                    &place.id,
                    i,
                    "coordinates",
                    &format!("{}, {}", coordinates.lat, coordinates.lon),
                    "latitude from -90 to 90 and longitude from -180 to 180, in degrees".into(),
                );
            }
            c.sources(
                "place",
                &place.id,
                i,
                "coordinates.source",
                std::slice::from_ref(&coordinates.source),
            );
        }
        for population in &place.population {
            c.sources(
                "place",
                &place.id,
                i,
                "population.source",
                std::slice::from_ref(&population.source),
            );
        }
        for name in &place.names {
            c.sources("place", &place.id, i, "names.sources", &name.sources);
        }
        require_sources(c, "place", &place.id, i, &place.sources);
    }
}

fn check_tie(c: &mut Checker, i: usize, tie: &Tie) {
    let id = tie.id.as_str();
    c.reference("tie", id, i, "a", &tie.a, &["place"]);
    c.reference("tie", id, i, "b", &tie.b, &["place"]);
    if tie.a == tie.b {
        c.push(
            "tie",
            id,
            i,
            "b",
            &tie.b,
            "a tie joins two different places, not a place with itself".into(),
        );
    } else if tie.a > tie.b {
        c.push(
            "tie",
            id,
            i,
            "a",
            &tie.a,
            format!(
                "the ends are stored in canonical order: a must sort before b ('{}')",
                tie.b
            ),
        );
    }
    if let Some(network) = &tie.network {
        c.reference("tie", id, i, "network", network, &["network"]);
    }
    for document in &tie.documents {
        c.reference("tie", id, i, "documents", document, &["document"]);
    }
    let mut status = TieStatus::NotYet;
    let mut previous: Option<&crate::date::PartialDate> = None;
    for (n, event) in tie.events.iter().enumerate() {
        let field = format!("events[{n}]");
        match transition(status, event.kind) {
            Some(next) => status = next,
            None => {
                c.push("tie", id, i, &format!("{field}.kind"), event.kind.as_str(), format!("cannot follow status '{status}': events must be listed in the order they happened (signed before renewed, suspended before reinstated)"));
                status = TieStatus::Unknown;
            }
        }
        if let Some(date) = &event.date {
            if let Some(before) = previous
                && date.before(before) == Tri::Yes
            {
                c.push("tie", id, i, &format!("{field}.date"), &date.to_string(), format!("is before the previous event ({before}): list events in the order they happened"));
            }
            previous = Some(date);
        }
        if let Some(side) = &event.side
            && side != &tie.a
            && side != &tie.b
        {
            c.push(
                "tie",
                id,
                i,
                &format!("{field}.side"),
                side,
                format!(
                    "the acting side must be one of the tie's ends: '{}' or '{}'",
                    tie.a, tie.b
                ),
            );
        }
        if let Some(actor) = &event.actor {
            c.reference("tie", id, i, &format!("{field}.actor"), actor, &["actor"]);
        }
        if let Some(document) = &event.document {
            c.reference(
                "tie",
                id,
                i,
                &format!("{field}.document"),
                document,
                &["document"],
            );
        }
        if event.sources.is_empty() {
            c.push(
                "tie",
                id,
                i,
                &format!("{field}.sources"),
                "[]",
                "every event needs a source: list at least one source id".into(),
            );
        }
        c.sources("tie", id, i, &format!("{field}.sources"), &event.sources);
        for (m, claim) in event.disputed_by.iter().enumerate() {
            let claim_field = format!("{field}.disputed_by[{m}]");
            check_claim(c, "tie", id, i, &claim_field, claim);
            if claim.contests == Contested::Kind && claim.kind == Some(event.kind) {
                c.push(
                    "tie",
                    id,
                    i,
                    &format!("{claim_field}.kind"),
                    event.kind.as_str(),
                    "is the event's own kind: a claim of another step names a different one".into(),
                );
            }
            if claim.contests == Contested::Date && claim.date.is_some() && claim.date == event.date
            {
                c.push(
                    "tie",
                    id,
                    i,
                    &format!("{claim_field}.date"),
                    &event.date.map(|d| d.to_string()).unwrap_or_default(),
                    "is the event's own date: a claim of another date gives a different one".into(),
                );
            }
        }
    }
    for (n, event) in tie.events.iter().enumerate() {
        for (m, claim) in event.disputed_by.iter().enumerate() {
            check_counter_account(c, i, tie, n, m, claim);
        }
    }
    for (n, evidence) in tie.evidence.iter().enumerate() {
        c.sources(
            "tie",
            id,
            i,
            &format!("evidence[{n}].source"),
            std::slice::from_ref(&evidence.source),
        );
        if let Some(batch) = &evidence.batch {
            c.reference(
                "tie",
                id,
                i,
                &format!("evidence[{n}].batch"),
                batch,
                &["batch"],
            );
        }
        for (end, km) in &evidence.source_distance_km {
            if end != &tie.a && end != &tie.b {
                c.push(
                    "tie",
                    id,
                    i,
                    &format!("evidence[{n}].source_distance_km"),
                    end,
                    format!("must be one of the tie's ends: '{}' or '{}'", tie.a, tie.b),
                );
            }
            if !(km.is_finite() && *km >= 0.0) {
                c.push(
                    "tie",
                    id,
                    i,
                    &format!("evidence[{n}].source_distance_km.{end}"),
                    &km.to_string(),
                    "a distance in km, zero or more".into(),
                );
            }
        }
        if let Some(side) = &evidence.listed_by
            && side != &tie.a
            && side != &tie.b
        {
            c.push(
                "tie",
                id,
                i,
                &format!("evidence[{n}].listed_by"),
                side,
                format!("must be one of the tie's ends: '{}' or '{}'", tie.a, tie.b),
            );
        }
    }
    if tie.sources.is_empty() && tie.evidence.is_empty() {
        c.push(
            "tie",
            id,
            i,
            "sources",
            "[]",
            "every tie needs a source: list a source id or a piece of evidence".into(),
        );
    }
    c.sources("tie", id, i, "sources", &tie.sources);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, ActorKind, CounterClaim, EventKind, Place, Relation, RelationKind, Source, TieEvent,
        TieKind,
    };

    fn source(id: &str) -> Source {
        Source {
            id: id.into(),
            title: id.into(),
            publisher: None,
            author: None,
            url: None,
            published: None,
            accessed: None,
            outside_deck: false,
            note: None,
        }
    }

    fn place(id: &str) -> Place {
        serde_json::from_value(serde_json::json!({
            "id": id, "level": "city", "name": id, "sources": ["s"]
        }))
        .unwrap()
    }

    fn event(kind: EventKind, date: &str) -> TieEvent {
        TieEvent {
            kind,
            date: Some(date.parse().unwrap()),
            side: None,
            actor: None,
            reason: None,
            document: None,
            sources: vec!["s".into()],
            disputed_by: vec![],
        }
    }

    fn claim(contests: Contested) -> CounterClaim {
        CounterClaim {
            says: "not so".into(),
            contests,
            kind: None,
            date: None,
            sources: vec!["other".into()],
        }
    }

    /// A dataset of one tie, signed in 1986 and terminated in 2020-04, whose events get
    /// `claims` (signing, termination), and one relation with `relation_claims`.
    fn dataset(claims: [Vec<CounterClaim>; 2], relation_claims: Vec<CounterClaim>) -> Dataset {
        let [on_signing, on_termination] = claims;
        let mut signed = event(EventKind::Signed, "1986");
        signed.disputed_by = on_signing;
        let mut terminated = event(EventKind::Terminated, "2020-04");
        terminated.disputed_by = on_termination;
        Dataset {
            sources: vec![source("s"), source("other")],
            places: vec![place("a"), place("b")],
            ties: vec![Tie {
                id: "a--b".into(),
                a: "a".into(),
                b: "b".into(),
                kind: TieKind::SisterCity,
                themes: vec![],
                motives: vec![],
                network: None,
                documents: vec![],
                note: None,
                events: vec![signed, terminated],
                evidence: vec![],
                sources: vec!["s".into()],
            }],
            actors: vec![Actor {
                id: "p".into(),
                kind: ActorKind::Person,
                organisation: None,
                name: "P".into(),
                names: vec![],
                country: None,
                note: None,
                former_ids: vec![],
                sources: vec!["s".into()],
            }],
            relations: vec![Relation {
                from: "p".into(),
                kind: RelationKind::MayorOf,
                to: "a".into(),
                role: None,
                start: Some("800 BC".parse().unwrap()),
                end: Some("146 BC".parse().unwrap()),
                sources: vec!["s".into()],
                inferred_from: Some("a generic chart".into()),
                disputed_by: relation_claims,
            }],
            ..Dataset::default()
        }
    }

    /// The fields of every violation, in order.
    fn fields(data: &Dataset) -> Vec<String> {
        match validate(data) {
            Ok(()) => vec![],
            Err(e) => e.0.into_iter().map(|v| v.field).collect(),
        }
    }

    #[test]
    fn well_formed_counter_claims_pass() {
        let mut suspended = claim(Contested::Kind);
        suspended.kind = Some(EventKind::Suspended);
        let mut later = claim(Contested::Date);
        later.date = Some("2021".parse().unwrap());
        let data = dataset(
            [
                vec![claim(Contested::Details)],
                vec![claim(Contested::Occurrence), suspended, later],
            ],
            vec![claim(Contested::Occurrence), claim(Contested::Details)],
        );
        assert_eq!(fields(&data), Vec::<String>::new());
    }

    #[test]
    fn a_claim_names_what_it_contests_says_something_and_cites_a_known_source() {
        let mut silent = claim(Contested::Kind);
        silent.says = " ".into();
        silent.sources = vec!["nobody".into()];
        let mut stray_date = claim(Contested::Occurrence);
        stray_date.date = Some("2019".parse().unwrap());
        let mut own_kind = claim(Contested::Kind);
        own_kind.kind = Some(EventKind::Terminated);
        let data = dataset([vec![], vec![silent, stray_date, own_kind]], vec![]);
        assert_eq!(
            fields(&data),
            [
                "events[1].disputed_by[0].says",
                "events[1].disputed_by[0].sources",
                "events[1].disputed_by[0].kind",
                "events[1].disputed_by[1].date",
                "events[1].disputed_by[2].kind",
            ]
        );
    }

    #[test]
    fn the_lifecycle_a_claim_tells_must_be_possible() {
        // Without the signing, the termination would follow nothing.
        let data = dataset([vec![claim(Contested::Occurrence)], vec![]], vec![]);
        assert_eq!(fields(&data), ["events[0].disputed_by[0].contests"]);
        // A termination redated before the signing.
        let mut earlier = claim(Contested::Date);
        earlier.date = Some("1900".parse().unwrap());
        let data = dataset([vec![], vec![earlier]], vec![]);
        assert_eq!(fields(&data), ["events[1].disputed_by[0].date"]);
    }

    #[test]
    fn a_claim_on_a_relation_contests_its_occurrence_or_details_only() {
        let mut kind = claim(Contested::Kind);
        kind.kind = Some(EventKind::Signed);
        let data = dataset([vec![], vec![]], vec![kind]);
        assert_eq!(fields(&data), ["disputed_by[0].contests"]);
    }

    #[test]
    fn an_inference_says_what_it_is_inferred_from() {
        let mut data = dataset([vec![], vec![]], vec![]);
        data.relations[0].inferred_from = Some(String::new());
        assert_eq!(fields(&data), ["inferred_from"]);
    }

    /// Issue 14 §4: a country claim names a country once, in ISO 3166-1 alpha-2 capitals,
    /// with its territory and a known source; a distance in evidence measures an end.
    #[test]
    fn issue_14_country_claims_and_source_distances_are_checked() {
        let mut data = dataset([vec![], vec![]], vec![]);
        let claim = |country: &str, territory: &str, sources: &[&str]| crate::CountryClaim {
            country: country.into(),
            territory: territory.into(),
            sources: sources.iter().map(|s| (*s).to_owned()).collect(),
        };
        data.places[0].country = Some("UA".into());
        data.places[0].country_claims = vec![
            claim("RU", "Crimea", &["s"]),
            claim("UA", "Crimea", &["other"]),
        ];
        data.ties[0].evidence.push(crate::Evidence {
            source: "s".into(),
            batch: None,
            listed_by: None,
            as_written: vec![],
            line: None,
            observed: None,
            source_distance_km: [("a".to_owned(), 1.5), ("b".to_owned(), 0.0)].into(),
        });
        assert_eq!(fields(&data), Vec::<String>::new());
        data.places[0].country_claims = vec![
            claim("ru", "Crimea", &["s"]),
            claim("UA", "", &[]),
            claim("UA", "Crimea", &["nobody"]),
        ];
        data.ties[0].evidence[0].source_distance_km =
            [("c".to_owned(), 1.0), ("a".to_owned(), f64::NAN)].into();
        assert_eq!(
            fields(&data),
            [
                "country_claims[0].country",
                "country_claims[1].territory",
                "country_claims[1].sources",
                "country_claims[2].country",
                "country_claims[2].sources",
                "evidence[0].source_distance_km.a",
                "evidence[0].source_distance_km",
            ]
        );
    }
}
