//! Graph analytics for polis: pure functions over a compact, in-memory, undirected graph of
//! ties between cities. This crate does no IO, no async and no SQL; callers map their own
//! ids to node indices `0..n` and back.
//!
//! # The graph
//! [`Graph::from_edges`] builds compressed sparse rows from `(u32, u32, f64)` edges: self-loops
//! are dropped, parallel edges are merged (weights summed, count kept as the multiplicity).
//! [`EdgeWeighting`] says how a merged edge weighs where weights matter (PageRank, Louvain,
//! modularity): [`EdgeWeighting::Unit`] is networkx on a simple `Graph`,
//! [`EdgeWeighting::Multiplicity`] is networkx on a `MultiGraph` (polis treats a tie listed
//! twice as weight 2), [`EdgeWeighting::Weight`] uses the summed weights. Degrees, k-cores,
//! betweenness, paths and link scores use the simple graph.
//!
//! ```
//! use polis_graph::{Graph, LouvainOptions, PagerankOptions};
//!
//! // Two triangles joined by one tie; the tie 0-1 is listed twice.
//! let ties = [(0, 1), (1, 0), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)];
//! let graph = Graph::from_unweighted_edges(6, &ties)?;
//! assert_eq!(graph.n_edges(), 7);
//!
//! let ranks = polis_graph::pagerank(&graph, &PagerankOptions::default())?;
//! assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//!
//! let betweenness = polis_graph::betweenness_centrality(&graph);
//! assert!((betweenness[2] - 0.6).abs() < 1e-12); // 2 and 3 bridge the triangles
//!
//! let partition = polis_graph::louvain(&graph, &LouvainOptions::default())?;
//! assert_eq!(partition.sizes, vec![3, 3]);
//! # Ok::<(), polis_graph::GraphError>(())
//! ```
//!
//! # Analytics
//! | function | result | reference semantics |
//! |---|---|---|
//! | [`connected_components`] | component id per node, sizes largest first | networkx `connected_components` |
//! | [`core_numbers`] | k-core number per node, O(m) | networkx `core_number` |
//! | [`pagerank`] | PageRank per node | networkx `pagerank`, same iteration and stopping rule |
//! | [`betweenness_centrality`] | exact normalised betweenness | networkx `betweenness_centrality(normalized=True)` |
//! | [`sampled_betweenness`], [`betweenness_from_sources`] | estimate and standard error | networkx `betweenness_centrality(k=...)` (3.6 scaling) |
//! | [`louvain`] | seeded communities and their modularity | Louvain as in networkx `louvain_communities` |
//! | [`modularity`] | modularity of any partition | networkx `community.modularity` |
//! | [`summarize_communities`] | size, density, boundary and main labels per community | — |
//! | [`shortest_paths`] | distance, number and up to k shortest paths between two nodes | networkx `all_shortest_paths` |
//! | [`LinkScore::score`], [`top_link_candidates`] | common neighbours, Adamic–Adar, resource allocation, preferential attachment | networkx `link_prediction` |
//! | [`split_for_link_prediction`], [`evaluate_link_prediction`] | held-out ties vs non-ties: AUC, precision@k | — |
//! | [`synthetic_ties`] | seeded preferential-attachment + geographic graph | — |
//!
//! Inputs that can be wrong (a node index out of range, a NaN weight, a parameter outside its
//! range, a partition of the wrong length) give a [`GraphError`]; nothing panics on input and
//! no result holds a NaN. Randomised functions take a `u64` seed and are reproducible.
//! Betweenness and large PageRank runs use the rayon thread pool; wrap a call in
//! `rayon::ThreadPool::install` to bound its threads.

mod betweenness;
mod community;
mod components;
mod cores;
mod error;
mod graph;
mod link_prediction;
mod pagerank;
mod paths;
mod synthetic;

pub use betweenness::{
    BetweennessMethod, SampledBetweenness, betweenness_centrality, betweenness_centrality_with,
    betweenness_from_sources, sampled_betweenness,
};
pub use community::{
    CommunitySummary, LouvainOptions, Partition, louvain, modularity, summarize_communities,
};
pub use components::{Components, connected_components};
pub use cores::core_numbers;
pub use error::GraphError;
pub use graph::{EdgeWeighting, Graph, MergedEdge};
pub use link_prediction::{
    LinkCandidate, LinkEvaluation, LinkScore, LinkSplit, evaluate_link_prediction, evaluate_scores,
    split_for_link_prediction, top_link_candidates,
};
pub use pagerank::{PagerankOptions, pagerank};
pub use paths::{ShortestPaths, shortest_paths};
pub use synthetic::{SyntheticOptions, synthetic_ties};
