//! "Who connects X to Y": shortest chains between any two records (actors, places, networks,
//! activities) across relations, ties, memberships and activity participation, optionally
//! only through links in force on a date.
//!
//! By default a chain must have held as a whole: there must be a time at which every dated
//! link of it was certainly in force ([`TimeRule::Together`]). Two office-holders who
//! followed each other in one office are not connected through it. With partial dates
//! "certainly" is read strictly: a link that ends in `2017-12` and one that starts in
//! `2017-12` may not have overlapped, so they do not join. Undated links (no start and no
//! end) constrain nothing and are marked `undated` in the answer.

use std::collections::{HashMap, VecDeque};

use polis_core::text::fold;
use polis_core::{Dataset, PartialDate, Tri, status_as_of};
use serde::Serialize;

/// A node of the stakeholder graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Node {
    /// `actor`, `place`, `network` or `activity`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// One link of a chain, read from `from` to `to`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Link {
    pub from: String,
    pub to: String,
    /// What the link is: a relation kind (`adviser_to`), `tie:sister_city`, `member_of_network`,
    /// `took_part_in`.
    pub label: String,
    /// The title held, for relations that are offices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// True when the link was recorded in the opposite direction (`to` → `from`).
    pub reversed: bool,
    /// True when the link has neither a start nor an end date: it constrains no time window,
    /// and a chain through it holds only as far as the undated link does.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undated: bool,
    pub sources: Vec<String>,
}

/// When a chain held as a whole: from the latest start of its dated links to the earliest
/// end. `None` for an open side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldWindow {
    /// The latest start of the chain's dated links; absent when none has a start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<PartialDate>,
    /// The earliest end of the chain's dated links; absent when none has ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<PartialDate>,
    /// How many links of the chain are undated, so the window does not cover them.
    pub undated_links: usize,
}

/// How time limits a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeRule {
    /// Every dated link of the chain was certainly in force at one time (the default).
    #[default]
    Together,
    /// As `Together`, and that time falls within `from ..= until` (each side's whole span:
    /// `2015..2016` is 2015-01-01 to 2016-12-31).
    Within {
        from: PartialDate,
        until: PartialDate,
    },
    /// Dates are ignored: any chain of links (what paths were before time was followed).
    Ignore,
}

/// A chain from the start to the end.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chain {
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
    /// When the whole chain held; absent when time was ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<HeldWindow>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error(
        "nothing has the id or name '{0}': give an actor, place, network or activity id (see `polis search`)"
    )]
    NotFound(String),
    #[error("'{query}' names {} records: {}; give an id", .ids.len(), .ids.join(", "))]
    Ambiguous { query: String, ids: Vec<String> },
}

/// A step of a walk: the node reached, the link used, and whether it was used backwards.
type Step = (usize, usize, bool);

struct Graph {
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    /// For each node: (neighbour, link index, reversed).
    adjacency: Vec<Vec<Step>>,
    links: Vec<Link>,
}

impl Graph {
    fn add_node(&mut self, kind: &'static str, id: &str, name: &str) {
        if !self.index.contains_key(id) {
            self.index.insert(id.to_owned(), self.nodes.len());
            self.nodes.push(Node {
                kind,
                id: id.to_owned(),
                name: name.to_owned(),
            });
            self.adjacency.push(Vec::new());
        }
    }

    fn add_link(&mut self, mut link: Link) {
        let (Some(&x), Some(&y)) = (self.index.get(&link.from), self.index.get(&link.to)) else {
            return;
        };
        link.undated = link.start.is_none() && link.end.is_none();
        let n = self.links.len();
        self.adjacency[x].push((y, n, false));
        self.adjacency[y].push((x, n, true));
        self.links.push(link);
    }
}

/// Which links a graph keeps, by when they were in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkTime {
    /// Every link, whatever its dates.
    #[default]
    Any,
    /// The links in force on a date (possibly: a partial date that may fall inside counts).
    On(PartialDate),
    /// The links in force at some time within `from ..= until` (each side's whole span:
    /// `2015..2016` is 2015-01-01 to 2016-12-31); a link that ended before `from` or began
    /// after `until` is left out.
    During {
        from: PartialDate,
        until: PartialDate,
    },
}

impl LinkTime {
    /// `as_of` as a link time: on that date, or any time when absent.
    pub fn as_of(as_of: Option<&PartialDate>) -> Self {
        as_of.map_or(LinkTime::Any, |date| LinkTime::On(*date))
    }
}

/// Whether a link from `start` to `end` (either open) may have been in force at `when`.
fn in_force(start: Option<&PartialDate>, end: Option<&PartialDate>, when: &LinkTime) -> bool {
    let (first, last) = match when {
        LinkTime::Any => return true,
        LinkTime::On(date) => (date, date),
        LinkTime::During { from, until } => (from, until),
    };
    let started = start.is_none_or(|s| s.on_or_before(last) != Tri::No);
    let not_ended = end.is_none_or(|e| e.before(first) != Tri::Yes);
    started && not_ended
}

/// Whether a tie was in force at `when`: in force (or undecided) on the date, or for a
/// window, at its end or terminated within it.
fn tie_in_force(tie: &polis_core::Tie, when: &LinkTime) -> bool {
    use polis_core::TieStatus;
    let holds = |status: TieStatus| {
        matches!(
            status,
            TieStatus::Active | TieStatus::Suspended | TieStatus::Disputed | TieStatus::Unknown
        )
    };
    match when {
        LinkTime::Any => true,
        LinkTime::On(date) => holds(status_as_of(tie, Some(date)).status),
        LinkTime::During { from, until } => match status_as_of(tie, Some(until)).status {
            TieStatus::Terminated => tie
                .terminated()
                .is_none_or(|end| end.before(from) != Tri::Yes),
            status => holds(status),
        },
    }
}

fn build(data: &Dataset, as_of: Option<&PartialDate>) -> Graph {
    build_at(data, &LinkTime::as_of(as_of))
}

fn build_at(data: &Dataset, as_of: &LinkTime) -> Graph {
    let mut g = Graph {
        nodes: Vec::new(),
        index: HashMap::new(),
        adjacency: Vec::new(),
        links: Vec::new(),
    };
    for actor in &data.actors {
        g.add_node("actor", &actor.id, &actor.name);
    }
    for place in &data.places {
        g.add_node("place", &place.id, &place.name);
    }
    for network in &data.networks {
        g.add_node("network", &network.id, &network.name);
    }
    for activity in &data.activities {
        g.add_node("activity", &activity.id, &activity.title);
    }
    for r in &data.relations {
        if in_force(r.start.as_ref(), r.end.as_ref(), as_of) {
            g.add_link(Link {
                from: r.from.clone(),
                to: r.to.clone(),
                label: r.kind.as_str().to_owned(),
                role: r.role.clone(),
                start: r.start,
                end: r.end,
                reversed: false,
                undated: false,
                sources: r.sources.clone(),
            });
        }
    }
    for tie in &data.ties {
        if !tie_in_force(tie, as_of) {
            continue;
        }
        let mut sources = tie.sources.clone();
        sources.extend(tie.evidence.iter().map(|e| e.source.clone()));
        g.add_link(Link {
            from: tie.a.clone(),
            to: tie.b.clone(),
            label: format!("tie:{}", tie.kind),
            role: None,
            start: tie.signed(),
            end: tie.terminated(),
            reversed: false,
            undated: false,
            sources,
        });
    }
    for m in &data.memberships {
        if in_force(m.start.as_ref(), m.end.as_ref(), as_of) {
            g.add_link(Link {
                from: m.member.clone(),
                to: m.network.clone(),
                label: "member_of_network".into(),
                role: m.role.clone(),
                start: m.start,
                end: m.end,
                reversed: false,
                undated: false,
                sources: m.sources.clone(),
            });
        }
    }
    for activity in &data.activities {
        if !in_force(activity.start.as_ref(), None, as_of) {
            continue;
        }
        for participant in activity.actors.iter().chain(&activity.places) {
            g.add_link(Link {
                from: participant.clone(),
                to: activity.id.clone(),
                label: "took_part_in".into(),
                role: None,
                start: activity.start,
                end: activity.end,
                reversed: false,
                undated: false,
                sources: activity.sources.clone(),
            });
        }
    }
    g
}

/// The node a query names: an id, or a name (folded) of exactly one record.
fn find(g: &Graph, data: &Dataset, query: &str) -> Result<usize, PathError> {
    if let Some(&i) = g.index.get(query) {
        return Ok(i);
    }
    let key = fold(query);
    let mut matches: Vec<usize> = Vec::new();
    let mut consider = |id: &str, names: Vec<&str>| {
        if names.iter().any(|n| fold(n) == key)
            && let Some(&i) = g.index.get(id)
            && !matches.contains(&i)
        {
            matches.push(i);
        }
    };
    for a in &data.actors {
        consider(
            &a.id,
            std::iter::once(a.name.as_str())
                .chain(a.names.iter().map(|n| n.text.as_str()))
                .collect(),
        );
    }
    for p in &data.places {
        consider(&p.id, p.all_names().collect());
    }
    for n in &data.networks {
        consider(&n.id, vec![n.name.as_str()]);
    }
    match matches.as_slice() {
        [] => Err(PathError::NotFound(query.to_owned())),
        [one] => Ok(*one),
        many => Err(PathError::Ambiguous {
            query: query.to_owned(),
            ids: many.iter().map(|&i| g.nodes[i].id.clone()).collect(),
        }),
    }
}

/// Up to `max_chains` shortest chains from `from` to `to` (ids or names), under `time`. An
/// empty list means they are not connected (at any one time, unless time is ignored).
pub fn connect(
    data: &Dataset,
    from: &str,
    to: &str,
    as_of: Option<&PartialDate>,
    time: TimeRule,
    max_chains: usize,
) -> Result<Vec<Chain>, PathError> {
    let g = build(data, as_of);
    let (source, target) = (find(&g, data, from)?, find(&g, data, to)?);
    if source == target {
        return Ok(vec![Chain {
            nodes: vec![g.nodes[source].clone()],
            links: Vec::new(),
            held: (time != TimeRule::Ignore).then_some(HeldWindow {
                from: None,
                until: None,
                undated_links: 0,
            }),
        }]);
    }
    let steps = match time {
        TimeRule::Ignore => shortest_ignoring_time(&g, source, target, max_chains),
        TimeRule::Together => shortest_held_together(&g, source, target, Bounds::OPEN, max_chains),
        TimeRule::Within { from, until } => {
            let bounds = Bounds {
                latest_start: Some(from.first_day()),
                earliest_end: Some(until.last_day()),
            };
            shortest_held_together(&g, source, target, bounds, max_chains)
        }
    };
    Ok(steps
        .into_iter()
        .map(|steps| {
            let mut nodes = vec![g.nodes[source].clone()];
            let mut links = Vec::new();
            for &(w, link, reversed) in &steps {
                nodes.push(g.nodes[w].clone());
                let mut l = g.links[link].clone();
                l.reversed = reversed;
                links.push(l);
            }
            let held = (time != TimeRule::Ignore).then(|| held_window(&links));
            Chain { nodes, links, held }
        })
        .collect())
}

/// The window in which every dated link of a chain held: from the latest start to the
/// earliest end.
fn held_window(links: &[Link]) -> HeldWindow {
    let from = links
        .iter()
        .filter_map(|l| l.start)
        .max_by_key(|d| d.last_day());
    let until = links
        .iter()
        .filter_map(|l| l.end)
        .min_by_key(|d| d.first_day());
    HeldWindow {
        from,
        until,
        undated_links: links.iter().filter(|l| l.undated).count(),
    }
}

/// A day as (year, month, day), comparable.
type Day = (i32, u8, u8);

/// What a partial chain demands of the next link: every link so far certainly started by
/// `latest_start` (the last day its start may denote) and certainly lasted until
/// `earliest_end` (the first day its end may denote). `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bounds {
    latest_start: Option<Day>,
    earliest_end: Option<Day>,
}

impl Bounds {
    const OPEN: Bounds = Bounds {
        latest_start: None,
        earliest_end: None,
    };

    /// The bounds after adding `link`, or `None` when the link and some link already in the
    /// chain were not certainly in force at one time. Checking the new link against the
    /// chain's latest start and earliest end checks it against every link of the chain
    /// (intervals on a line that overlap pairwise share a point).
    fn with(self, link: &Link) -> Option<Bounds> {
        let start = link.start.map(|d| d.last_day());
        let end = link.end.map(|d| d.first_day());
        if let (Some(s), Some(e)) = (start, self.earliest_end)
            && s > e
        {
            return None;
        }
        if let (Some(s), Some(e)) = (self.latest_start, end)
            && s > e
        {
            return None;
        }
        Some(Bounds {
            latest_start: self.latest_start.max(start),
            earliest_end: match (self.earliest_end, end) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        })
    }

    /// True when every link that `self` would accept, `other` accepts too: `self` is at
    /// least as strict, so a chain with `other` can do whatever one with `self` can.
    fn at_least_as_strict_as(self, other: Bounds) -> bool {
        let start_ok = match (self.latest_start, other.latest_start) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a >= b,
        };
        let end_ok = match (self.earliest_end, other.earliest_end) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a <= b,
        };
        start_ok && end_ok
    }
}

/// One partial chain in the time-aware search.
struct Label {
    node: usize,
    level: usize,
    bounds: Bounds,
    /// The label this one extends, and the link used.
    parent: Option<(usize, usize, bool)>,
}

/// At most this many partial chains are explored, so that a dense, heavily dated graph
/// cannot make one question run for minutes; the search answers with what it found.
const MAX_LABELS: usize = 2_000_000;

/// The shortest chains from `source` to `target` whose links all held at one time (within
/// `initial`). A breadth-first search over partial chains, where a node may be reached again
/// by a longer chain only when that chain leaves a wider window than every shorter one did:
/// the shortest chain that holds together may be longer than the shortest chain.
fn shortest_held_together(
    g: &Graph,
    source: usize,
    target: usize,
    initial: Bounds,
    max_chains: usize,
) -> Vec<Vec<Step>> {
    let mut labels = vec![Label {
        node: source,
        level: 0,
        bounds: initial,
        parent: None,
    }];
    // Per node, the labels that reached it (indexes into `labels`).
    let mut at: Vec<Vec<usize>> = vec![Vec::new(); g.nodes.len()];
    at[source].push(0);
    let mut frontier = vec![0usize];
    let mut found: Vec<usize> = Vec::new();
    while !frontier.is_empty() && found.is_empty() && labels.len() < MAX_LABELS {
        let mut next = Vec::new();
        for &l in &frontier {
            let (node, level, bounds) = (labels[l].node, labels[l].level, labels[l].bounds);
            for &(w, link, reversed) in &g.adjacency[node] {
                if on_chain(&labels, l, w) {
                    continue;
                }
                let Some(extended) = bounds.with(&g.links[link]) else {
                    continue;
                };
                // Drop the new chain when a shorter one reached `w` with a window at least as
                // wide, or when `max_chains` of the same length already did.
                let mut same_level_as_wide = 0;
                let dominated = at[w].iter().any(|&other| {
                    let other = &labels[other];
                    if !extended.at_least_as_strict_as(other.bounds) {
                        return false;
                    }
                    if other.level < level + 1 {
                        return true;
                    }
                    same_level_as_wide += 1;
                    same_level_as_wide >= max_chains
                });
                if dominated {
                    continue;
                }
                let index = labels.len();
                labels.push(Label {
                    node: w,
                    level: level + 1,
                    bounds: extended,
                    parent: Some((l, link, reversed)),
                });
                at[w].push(index);
                if w == target {
                    found.push(index);
                } else {
                    next.push(index);
                }
            }
        }
        frontier = next;
    }
    found
        .into_iter()
        .take(max_chains)
        .map(|mut l| {
            let mut steps = Vec::new();
            while let Some((parent, link, reversed)) = labels[l].parent {
                steps.push((labels[l].node, link, reversed));
                l = parent;
            }
            steps.reverse();
            steps
        })
        .collect()
}

/// Is `node` already on the chain that ends at label `l`?
fn on_chain(labels: &[Label], mut l: usize, node: usize) -> bool {
    loop {
        if labels[l].node == node {
            return true;
        }
        match labels[l].parent {
            Some((parent, _, _)) => l = parent,
            None => return false,
        }
    }
}

/// The shortest chains, whatever their dates: a breadth-first search recording every
/// shortest-path predecessor, then up to `max_chains` walks back from the target.
fn shortest_ignoring_time(
    g: &Graph,
    source: usize,
    target: usize,
    max_chains: usize,
) -> Vec<Vec<Step>> {
    let n = g.nodes.len();
    let mut distance = vec![usize::MAX; n];
    let mut predecessors: Vec<Vec<Step>> = vec![Vec::new(); n];
    distance[source] = 0;
    let mut queue = VecDeque::from([source]);
    while let Some(v) = queue.pop_front() {
        if distance[v] >= distance[target] {
            break;
        }
        for &(w, link, reversed) in &g.adjacency[v] {
            if distance[w] == usize::MAX {
                distance[w] = distance[v] + 1;
                queue.push_back(w);
            }
            if distance[w] == distance[v] + 1 {
                predecessors[w].push((v, link, reversed));
            }
        }
    }
    if distance[target] == usize::MAX {
        return Vec::new();
    }
    // Walk the predecessors back from the target, depth first, until enough chains.
    let mut chains = Vec::new();
    let mut stack: Vec<(usize, Vec<Step>)> = vec![(target, Vec::new())];
    while let Some((v, suffix)) = stack.pop() {
        if chains.len() >= max_chains {
            break;
        }
        if v == source {
            // `suffix` holds (node reached, link, reversed) from the target back.
            chains.push(suffix.into_iter().rev().collect());
            continue;
        }
        for &(p, link, reversed) in predecessors[v].iter().rev() {
            let mut next = suffix.clone();
            next.push((v, link, reversed));
            stack.push((p, next));
        }
    }
    chains
}

/// The records within a few links of one record, and the links among them: the stakeholder
/// network the web explorer draws around a case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Neighbourhood {
    /// The record the walk started from.
    pub center: Node,
    /// How many links away the walk went.
    pub depth: usize,
    /// The records reached, the centre first, then by distance.
    pub nodes: Vec<Node>,
    /// Every link (in force at the time asked) between two records reached.
    pub links: Vec<Link>,
    /// True when the walk stopped at `max_nodes` records.
    pub truncated: bool,
}

/// The records within `depth` links of `center` (an id or a name), through links in force
/// at `when` (a date, a window, or any time), stopping at `max_nodes` records.
pub fn neighbourhood(
    data: &Dataset,
    center: &str,
    depth: usize,
    when: &LinkTime,
    max_nodes: usize,
) -> Result<Neighbourhood, PathError> {
    let g = build_at(data, when);
    let start = find(&g, data, center)?;
    let mut distance = vec![usize::MAX; g.nodes.len()];
    distance[start] = 0;
    let mut reached = vec![start];
    let mut queue = VecDeque::from([start]);
    let mut truncated = false;
    'walk: while let Some(v) = queue.pop_front() {
        if distance[v] >= depth {
            continue;
        }
        for &(w, _, _) in &g.adjacency[v] {
            if distance[w] == usize::MAX {
                if reached.len() >= max_nodes {
                    truncated = true;
                    break 'walk;
                }
                distance[w] = distance[v] + 1;
                reached.push(w);
                queue.push_back(w);
            }
        }
    }
    let mut seen_links = vec![false; g.links.len()];
    let mut links = Vec::new();
    for &v in &reached {
        for &(w, link, _) in &g.adjacency[v] {
            if distance[w] != usize::MAX && !seen_links[link] {
                seen_links[link] = true;
                links.push(g.links[link].clone());
            }
        }
    }
    Ok(Neighbourhood {
        center: g.nodes[start].clone(),
        depth,
        nodes: reached.iter().map(|&i| g.nodes[i].clone()).collect(),
        links,
        truncated,
    })
}
