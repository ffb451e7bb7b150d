//! "Who connects X to Y": shortest chains between any two records (actors, places, networks,
//! activities) across relations, ties, memberships and activity participation, optionally
//! only through links in force on a date.

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
    pub sources: Vec<String>,
}

/// A chain from the start to the end.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chain {
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
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

    fn add_link(&mut self, link: Link) {
        let (Some(&x), Some(&y)) = (self.index.get(&link.from), self.index.get(&link.to)) else {
            return;
        };
        let n = self.links.len();
        self.adjacency[x].push((y, n, false));
        self.adjacency[y].push((x, n, true));
        self.links.push(link);
    }
}

fn in_force(
    start: Option<&PartialDate>,
    end: Option<&PartialDate>,
    as_of: Option<&PartialDate>,
) -> bool {
    let Some(date) = as_of else { return true };
    let started = start.is_none_or(|s| s.on_or_before(date) != Tri::No);
    let not_ended = end.is_none_or(|e| e.before(date) != Tri::Yes);
    started && not_ended
}

fn build(data: &Dataset, as_of: Option<&PartialDate>) -> Graph {
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
                sources: r.sources.clone(),
            });
        }
    }
    for tie in &data.ties {
        let status = status_as_of(tie, as_of).status;
        if as_of.is_some()
            && !matches!(
                status,
                polis_core::TieStatus::Active
                    | polis_core::TieStatus::Suspended
                    | polis_core::TieStatus::Unknown
            )
        {
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

/// Up to `max_chains` shortest chains from `from` to `to` (ids or names). An empty list
/// means they are not connected.
pub fn connect(
    data: &Dataset,
    from: &str,
    to: &str,
    as_of: Option<&PartialDate>,
    max_chains: usize,
) -> Result<Vec<Chain>, PathError> {
    let g = build(data, as_of);
    let (source, target) = (find(&g, data, from)?, find(&g, data, to)?);
    if source == target {
        return Ok(vec![Chain {
            nodes: vec![g.nodes[source].clone()],
            links: Vec::new(),
        }]);
    }
    // Breadth-first search recording every shortest-path predecessor.
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
        return Ok(Vec::new());
    }
    // Walk the predecessors back from the target, depth first, until enough chains.
    let mut chains = Vec::new();
    let mut stack: Vec<(usize, Vec<Step>)> = vec![(target, Vec::new())];
    while let Some((v, suffix)) = stack.pop() {
        if chains.len() >= max_chains {
            break;
        }
        if v == source {
            let mut nodes = vec![g.nodes[source].clone()];
            let mut links = Vec::new();
            for &(w, link, reversed) in suffix.iter().rev() {
                nodes.push(g.nodes[w].clone());
                let mut l = g.links[link].clone();
                l.reversed = reversed;
                links.push(l);
            }
            chains.push(Chain { nodes, links });
            continue;
        }
        for &(p, link, reversed) in predecessors[v].iter().rev() {
            let mut next = suffix.clone();
            next.push((v, link, reversed));
            stack.push((p, next));
        }
    }
    Ok(chains)
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
    /// Every link (in force on the date) between two records reached.
    pub links: Vec<Link>,
    /// True when the walk stopped at `max_nodes` records.
    pub truncated: bool,
}

/// The records within `depth` links of `center` (an id or a name), through links in force
/// on `as_of`, stopping at `max_nodes` records.
pub fn neighbourhood(
    data: &Dataset,
    center: &str,
    depth: usize,
    as_of: Option<&PartialDate>,
    max_nodes: usize,
) -> Result<Neighbourhood, PathError> {
    let g = build(data, as_of);
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
