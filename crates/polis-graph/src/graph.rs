//! The compact undirected graph every analytic works on: compressed sparse rows (CSR) with
//! sorted neighbour lists, parallel edges merged into one entry that keeps their summed weight
//! and their count.

use rayon::slice::ParallelSliceMut;

use crate::GraphError;

/// Above this many input edges the sort runs on the rayon pool.
const PARALLEL_SORT_THRESHOLD: usize = 200_000;

/// How an analytic weighs a merged edge between two nodes.
///
/// A merged edge stands for one or more input edges between the same two nodes. networkx users
/// meet the same choice as "a `Graph` or a `MultiGraph`, with or without a `weight` attribute".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgeWeighting {
    /// Every merged edge counts 1, however many input edges it merged: networkx on a simple
    /// `Graph` without weights, igraph after `simplify()`.
    #[default]
    Unit,
    /// A merged edge counts as many times as it was listed: networkx on a `MultiGraph`.
    Multiplicity,
    /// A merged edge counts its summed input weights: networkx on a `Graph` whose `weight`
    /// attribute holds that sum. With every input weight 1 this equals [`Self::Multiplicity`].
    Weight,
}

/// One merged undirected edge, reported with `smaller < larger`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergedEdge {
    /// The endpoint with the smaller index.
    pub smaller: u32,
    /// The endpoint with the larger index.
    pub larger: u32,
    /// Sum of the weights of the input edges that were merged.
    pub weight: f64,
    /// How many input edges were merged.
    pub multiplicity: u32,
}

/// An undirected graph in compressed sparse row form.
///
/// Nodes are `0..n_nodes` (`u32`). Self-loops are dropped at construction, parallel edges are
/// merged, and every neighbour list is sorted ascending, so each undirected edge appears twice
/// (once in each endpoint's list) with the same weight and multiplicity.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// `offsets[v]..offsets[v + 1]` is node `v`'s range in the arrays below.
    offsets: Vec<usize>,
    neighbours: Vec<u32>,
    weights: Vec<f64>,
    multiplicities: Vec<u32>,
    n_dropped_self_loops: usize,
}

impl Graph {
    /// Builds a graph with nodes `0..n_nodes` from `(node, node, weight)` edges.
    ///
    /// Self-loops are dropped (and counted, see [`Graph::n_dropped_self_loops`]); parallel
    /// edges, in either direction, are merged with their weights summed and their count kept.
    /// Construction sorts the edges once: O(m log m).
    ///
    /// # Errors
    /// [`GraphError::TooManyNodes`] past `u32::MAX` nodes, [`GraphError::NodeOutOfRange`] for
    /// an endpoint `>= n_nodes`, [`GraphError::InvalidWeight`] for a NaN, infinite or negative
    /// weight.
    pub fn from_edges(n_nodes: usize, edges: &[(u32, u32, f64)]) -> Result<Self, GraphError> {
        check_node_count(n_nodes)?;
        let mut keyed: Vec<(u64, f64)> = Vec::with_capacity(edges.len());
        let mut n_dropped_self_loops = 0;
        for (index, &(source_node, target_node, weight)) in edges.iter().enumerate() {
            for node in [source_node, target_node] {
                check_node(node, n_nodes)?;
            }
            if !weight.is_finite() || weight < 0.0 {
                return Err(GraphError::InvalidWeight {
                    index,
                    source_node,
                    target_node,
                    weight,
                });
            }
            if source_node == target_node {
                n_dropped_self_loops += 1;
                continue;
            }
            keyed.push((pair_key(source_node, target_node), weight));
        }
        if keyed.len() >= PARALLEL_SORT_THRESHOLD {
            keyed.par_sort_unstable_by_key(|&(key, _)| key);
        } else {
            keyed.sort_unstable_by_key(|&(key, _)| key);
        }
        let mut merged: Vec<MergedEdge> = Vec::with_capacity(keyed.len());
        for (key, weight) in keyed {
            let (smaller, larger) = split_key(key);
            match merged.last_mut() {
                Some(last) if last.smaller == smaller && last.larger == larger => {
                    last.weight += weight;
                    last.multiplicity += 1;
                }
                _ => merged.push(MergedEdge {
                    smaller,
                    larger,
                    weight,
                    multiplicity: 1,
                }),
            }
        }
        let mut graph = Self::from_sorted_merged(n_nodes, &merged);
        graph.n_dropped_self_loops = n_dropped_self_loops;
        Ok(graph)
    }

    /// Builds a graph from unweighted edges: every edge gets weight 1, so a merged edge's
    /// weight equals its multiplicity.
    ///
    /// # Errors
    /// As [`Graph::from_edges`].
    pub fn from_unweighted_edges(n_nodes: usize, edges: &[(u32, u32)]) -> Result<Self, GraphError> {
        let weighted: Vec<(u32, u32, f64)> = edges.iter().map(|&(u, v)| (u, v, 1.0)).collect();
        Self::from_edges(n_nodes, &weighted)
    }

    /// Builds the CSR arrays from merged edges sorted by `(smaller, larger)` without repeats.
    ///
    /// Filling both endpoints' rows in that order leaves every row sorted: a node's smaller
    /// neighbours arrive (ascending) before the edges it starts, whose larger ends ascend.
    pub(crate) fn from_sorted_merged(n_nodes: usize, merged: &[MergedEdge]) -> Self {
        let mut offsets = vec![0usize; n_nodes + 1];
        for edge in merged {
            offsets[edge.smaller as usize + 1] += 1;
            offsets[edge.larger as usize + 1] += 1;
        }
        for node in 0..n_nodes {
            offsets[node + 1] += offsets[node];
        }
        let n_arcs = offsets[n_nodes];
        let mut neighbours = vec![0u32; n_arcs];
        let mut weights = vec![0f64; n_arcs];
        let mut multiplicities = vec![0u32; n_arcs];
        let mut cursor: Vec<usize> = offsets[..n_nodes].to_vec();
        for edge in merged {
            for (from, to) in [(edge.smaller, edge.larger), (edge.larger, edge.smaller)] {
                let slot = cursor[from as usize];
                neighbours[slot] = to;
                weights[slot] = edge.weight;
                multiplicities[slot] = edge.multiplicity;
                cursor[from as usize] += 1;
            }
        }
        Graph {
            offsets,
            neighbours,
            weights,
            multiplicities,
            n_dropped_self_loops: 0,
        }
    }

    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of merged undirected edges (distinct node pairs joined by at least one edge).
    pub fn n_edges(&self) -> usize {
        self.neighbours.len() / 2
    }

    /// Number of self-loops that construction dropped.
    pub fn n_dropped_self_loops(&self) -> usize {
        self.n_dropped_self_loops
    }

    /// The sorted distinct neighbours of `node`.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn neighbours(&self, node: u32) -> Result<&[u32], GraphError> {
        self.check(node)?;
        Ok(self.row(node))
    }

    /// The summed weights of `node`'s merged edges, aligned with [`Graph::neighbours`].
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn edge_weights(&self, node: u32) -> Result<&[f64], GraphError> {
        self.check(node)?;
        Ok(&self.weights[self.range(node)])
    }

    /// How many input edges each of `node`'s merged edges stands for, aligned with
    /// [`Graph::neighbours`].
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn edge_multiplicities(&self, node: u32) -> Result<&[u32], GraphError> {
        self.check(node)?;
        Ok(&self.multiplicities[self.range(node)])
    }

    /// Number of distinct neighbours of `node` (networkx's degree on a simple `Graph`).
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn degree(&self, node: u32) -> Result<usize, GraphError> {
        self.check(node)?;
        Ok(self.degree_of(node))
    }

    /// Sum of `node`'s edge weights under `weighting`; with [`EdgeWeighting::Unit`] this is
    /// the degree, with [`EdgeWeighting::Multiplicity`] the multigraph degree.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn weighted_degree(&self, node: u32, weighting: EdgeWeighting) -> Result<f64, GraphError> {
        self.check(node)?;
        Ok(self.strength(node, weighting))
    }

    /// Whether `u` and `v` are joined by an edge (binary search in the shorter list).
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn has_edge(&self, u: u32, v: u32) -> Result<bool, GraphError> {
        self.check(u)?;
        self.check(v)?;
        Ok(self.adjacent(u, v))
    }

    /// Every merged edge once, with `smaller < larger`, in ascending `(smaller, larger)` order.
    pub fn edges(&self) -> impl Iterator<Item = MergedEdge> + '_ {
        (0..self.n_nodes() as u32).flat_map(move |smaller| {
            let range = self.range(smaller);
            let start = range.start;
            self.neighbours[range]
                .iter()
                .enumerate()
                .filter(move |&(_, &larger)| larger > smaller)
                .map(move |(offset, &larger)| MergedEdge {
                    smaller,
                    larger,
                    weight: self.weights[start + offset],
                    multiplicity: self.multiplicities[start + offset],
                })
        })
    }

    /// Returns an error unless `node < n_nodes`.
    pub(crate) fn check(&self, node: u32) -> Result<(), GraphError> {
        check_node(node, self.n_nodes())
    }

    pub(crate) fn range(&self, node: u32) -> std::ops::Range<usize> {
        self.offsets[node as usize]..self.offsets[node as usize + 1]
    }

    pub(crate) fn row(&self, node: u32) -> &[u32] {
        &self.neighbours[self.range(node)]
    }

    pub(crate) fn degree_of(&self, node: u32) -> usize {
        self.offsets[node as usize + 1] - self.offsets[node as usize]
    }

    pub(crate) fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    pub(crate) fn all_neighbours(&self) -> &[u32] {
        &self.neighbours
    }

    /// Per-arc weights under `weighting`, aligned with the neighbour array.
    pub(crate) fn arc_weights(&self, weighting: EdgeWeighting) -> std::borrow::Cow<'_, [f64]> {
        match weighting {
            EdgeWeighting::Unit => vec![1.0; self.neighbours.len()].into(),
            EdgeWeighting::Multiplicity => self
                .multiplicities
                .iter()
                .map(|&count| f64::from(count))
                .collect::<Vec<f64>>()
                .into(),
            EdgeWeighting::Weight => self.weights.as_slice().into(),
        }
    }

    pub(crate) fn strength(&self, node: u32, weighting: EdgeWeighting) -> f64 {
        let range = self.range(node);
        match weighting {
            EdgeWeighting::Unit => range.len() as f64,
            EdgeWeighting::Multiplicity => self.multiplicities[range]
                .iter()
                .map(|&count| f64::from(count))
                .sum(),
            EdgeWeighting::Weight => self.weights[range].iter().sum(),
        }
    }

    pub(crate) fn adjacent(&self, u: u32, v: u32) -> bool {
        let (short, other) = if self.degree_of(u) <= self.degree_of(v) {
            (u, v)
        } else {
            (v, u)
        };
        self.row(short).binary_search(&other).is_ok()
    }
}

pub(crate) fn check_node(node: u32, n_nodes: usize) -> Result<(), GraphError> {
    if (node as usize) < n_nodes {
        Ok(())
    } else {
        Err(GraphError::NodeOutOfRange {
            node: u64::from(node),
            n_nodes,
        })
    }
}

pub(crate) fn check_node_count(n_nodes: usize) -> Result<(), GraphError> {
    let max = u32::MAX as usize;
    if n_nodes > max {
        return Err(GraphError::TooManyNodes { n_nodes, max });
    }
    Ok(())
}

pub(crate) fn pair_key(u: u32, v: u32) -> u64 {
    let (smaller, larger) = if u < v { (u, v) } else { (v, u) };
    (u64::from(smaller) << 32) | u64::from(larger)
}

pub(crate) fn split_key(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}
