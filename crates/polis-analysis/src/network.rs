//! The tie network as a graph: a snapshot of the ties in force on a date (active or
//! suspended; ties whose status the dates leave unknown are left out and counted), and the
//! metrics of issue 4 over it: degree, weighted degree, exact or sampled betweenness,
//! PageRank, components, k-cores and Louvain communities with per-community summaries.
//! The algorithms are polis-graph's; this module maps place ids to nodes and back.

use std::collections::{BTreeMap, HashMap};

use polis_core::{Dataset, PartialDate, TieStatus, status_as_of};
use polis_graph::{EdgeWeighting, Graph, GraphError, LouvainOptions, PagerankOptions};
use serde::Serialize;

use crate::PlaceIndex;

/// The graph of ties in force on a date, with place ids for its nodes.
pub struct Snapshot {
    /// Place id of every node.
    pub place_ids: Vec<String>,
    pub index: HashMap<String, u32>,
    pub graph: Graph,
    /// Ties left out because their status on the date is unknown or disputed.
    pub n_unknown: u64,
}

impl Snapshot {
    /// Builds the snapshot: one node per place with a tie in force, one edge per tie (ties of
    /// different kinds between the same pair merge into one edge of multiplicity 2).
    pub fn build(data: &Dataset, as_of: Option<&PartialDate>) -> Result<Snapshot, GraphError> {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut place_ids: Vec<String> = Vec::new();
        let mut edges = Vec::with_capacity(data.ties.len());
        let mut n_unknown = 0;
        let node =
            |id: &str, index: &mut HashMap<String, u32>, place_ids: &mut Vec<String>| -> u32 {
                if let Some(&n) = index.get(id) {
                    return n;
                }
                let n = place_ids.len() as u32;
                index.insert(id.to_owned(), n);
                place_ids.push(id.to_owned());
                n
            };
        for tie in &data.ties {
            match status_as_of(tie, as_of).status {
                TieStatus::Active | TieStatus::Suspended => {
                    let a = node(&tie.a, &mut index, &mut place_ids);
                    let b = node(&tie.b, &mut index, &mut place_ids);
                    edges.push((a, b, 1.0));
                }
                TieStatus::Unknown | TieStatus::Disputed => n_unknown += 1,
                _ => {}
            }
        }
        let graph = Graph::from_edges(place_ids.len(), &edges)?;
        Ok(Snapshot {
            place_ids,
            index,
            graph,
            n_unknown,
        })
    }
}

/// The metrics of one place.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceMetrics {
    pub id: String,
    pub name: String,
    pub country: String,
    /// Distinct partners.
    pub degree: usize,
    /// Ties, counting two ties with the same partner twice.
    pub weighted_degree: f64,
    /// Normalised like networkx's `betweenness_centrality`.
    pub betweenness: f64,
    /// Standard error of a sampled betweenness estimate (absent when exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub betweenness_standard_error: Option<f64>,
    pub pagerank: f64,
    pub core: u32,
    pub community: u32,
    /// Size of the connected component the place is in.
    pub component_size: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityMetrics {
    pub community: u32,
    pub size: usize,
    pub density: f64,
    pub n_internal_ties: usize,
    pub n_boundary_ties: usize,
    /// The most common countries and how many places of each.
    pub main_countries: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphMetrics {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    pub n_places: usize,
    pub n_ties: usize,
    pub n_ties_unknown_status: u64,
    pub n_components: usize,
    pub largest_component: usize,
    pub max_core: u32,
    /// "exact" or "sampled (k sources, seed s)".
    pub betweenness_method: String,
    pub louvain_seed: u64,
    pub modularity: f64,
    pub n_communities: usize,
    pub communities: Vec<CommunityMetrics>,
    /// The places, best first by `sort_by`, at most `top`.
    pub places: Vec<PlaceMetrics>,
}

/// Which metric orders the listed places, as `polis graph metrics --sort` and
/// `/graph/metrics?sort=` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Betweenness,
    Pagerank,
    Degree,
}

impl SortBy {
    /// Every accepted value, in the order help texts list them.
    pub const NAMES: [&'static str; 3] = ["betweenness", "pagerank", "degree"];

    pub const fn as_str(self) -> &'static str {
        match self {
            SortBy::Betweenness => "betweenness",
            SortBy::Pagerank => "pagerank",
            SortBy::Degree => "degree",
        }
    }
}

impl std::fmt::Display for SortBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SortBy {
    type Err = polis_core::UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "betweenness" => Ok(SortBy::Betweenness),
            "pagerank" => Ok(SortBy::Pagerank),
            "degree" => Ok(SortBy::Degree),
            _ => Err(polis_core::UnknownValue {
                what: "sort",
                value: text.to_owned(),
                accepted: Self::NAMES.join(", "),
            }),
        }
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct MetricsQuery {
    pub as_of: Option<PartialDate>,
    /// List only places of this country (metrics are always computed on the whole graph).
    pub country: Option<String>,
    pub top: usize,
    pub sort_by: SortBy,
    /// Estimate betweenness from this many sources instead of computing it exactly.
    pub sampled_sources: Option<usize>,
    pub seed: u64,
}

/// Computes every metric over the network on `query.as_of`.
pub fn metrics(data: &Dataset, query: &MetricsQuery) -> Result<GraphMetrics, GraphError> {
    metrics_on(data, &Snapshot::build(data, query.as_of.as_ref())?, query)
}

/// [`metrics`] over a snapshot the caller already built from `data` for `query.as_of`.
pub fn metrics_on(
    data: &Dataset,
    snapshot: &Snapshot,
    query: &MetricsQuery,
) -> Result<GraphMetrics, GraphError> {
    let g = &snapshot.graph;
    let places = PlaceIndex::new(data);
    let components = polis_graph::connected_components(g);
    let cores = polis_graph::core_numbers(g);
    let pagerank = polis_graph::pagerank(g, &PagerankOptions::default())?;
    let (betweenness, errors, method) = match query.sampled_sources {
        Some(k) if k < g.n_nodes() => {
            let sampled = polis_graph::sampled_betweenness(g, k.max(3), query.seed)?;
            (
                sampled.scores,
                Some(sampled.standard_errors),
                format!("sampled ({} sources, seed {})", k.max(3), query.seed),
            )
        }
        _ => (
            polis_graph::betweenness_centrality(g),
            None,
            "exact".to_owned(),
        ),
    };
    let partition = polis_graph::louvain(
        g,
        &LouvainOptions {
            seed: query.seed,
            ..LouvainOptions::default()
        },
    )?;
    let countries: Vec<String> = snapshot
        .place_ids
        .iter()
        .map(|id| places.country_of(id).to_owned())
        .collect();
    let summaries = polis_graph::summarize_communities(g, &partition.community_of, &countries, 3)?;
    let mut listed: Vec<PlaceMetrics> = Vec::new();
    for (n, id) in snapshot.place_ids.iter().enumerate() {
        if query.country.as_ref().is_some_and(|c| countries[n] != *c) {
            continue;
        }
        let node = n as u32;
        listed.push(PlaceMetrics {
            id: id.clone(),
            name: places
                .get(id)
                .map_or_else(|| id.clone(), |p| p.name.clone()),
            country: countries[n].clone(),
            degree: g.degree(node)?,
            weighted_degree: g.weighted_degree(node, EdgeWeighting::Multiplicity)?,
            betweenness: betweenness[n],
            betweenness_standard_error: errors.as_ref().map(|e| e[n]),
            pagerank: pagerank[n],
            core: cores[n],
            community: partition.community_of[n],
            component_size: components.sizes[components.component_of[n] as usize],
        });
    }
    let key = |m: &PlaceMetrics| match query.sort_by {
        SortBy::Betweenness => m.betweenness,
        SortBy::Pagerank => m.pagerank,
        SortBy::Degree => m.degree as f64,
    };
    listed.sort_by(|x, y| key(y).total_cmp(&key(x)).then(x.id.cmp(&y.id)));
    listed.truncate(query.top);
    Ok(GraphMetrics {
        as_of: query.as_of,
        n_places: g.n_nodes(),
        n_ties: g.n_edges(),
        n_ties_unknown_status: snapshot.n_unknown,
        n_components: components.n_components(),
        largest_component: components.largest_size(),
        max_core: cores.iter().copied().max().unwrap_or(0),
        betweenness_method: method,
        louvain_seed: query.seed,
        modularity: partition.modularity,
        n_communities: partition.sizes.len(),
        communities: summaries
            .into_iter()
            .take(10)
            .map(|s| CommunityMetrics {
                community: s.community,
                size: s.size,
                density: s.density,
                n_internal_ties: s.n_internal_edges,
                n_boundary_ties: s.n_boundary_edges,
                main_countries: s.top_labels,
            })
            .collect(),
        places: listed,
    })
}

/// Ties between every pair of countries, for the country-pair reason of the partner finder.
pub(crate) fn country_pair_counts(
    snapshot: &Snapshot,
    places: &PlaceIndex,
) -> BTreeMap<(String, String), u64> {
    let mut counts = BTreeMap::new();
    for edge in snapshot.graph.edges() {
        let a = places
            .country_of(&snapshot.place_ids[edge.smaller as usize])
            .to_owned();
        let b = places
            .country_of(&snapshot.place_ids[edge.larger as usize])
            .to_owned();
        let key = if a <= b { (a, b) } else { (b, a) };
        *counts.entry(key).or_default() += 1;
    }
    counts
}
