//! Properties that must hold on any small graph, checked on random ones.

use polis_graph::{
    BetweennessMethod, EdgeWeighting, Graph, LouvainOptions, PagerankOptions,
    betweenness_centrality_with, betweenness_from_sources, connected_components, core_numbers,
    louvain, modularity, pagerank, shortest_paths,
};
use proptest::prelude::*;

use crate::assert_close;

/// Random graphs of up to 30 nodes, sparse enough to have leaves, pendant trees and several
/// components, with repeated and self-loop edges mixed in.
fn small_graph() -> impl Strategy<Value = Graph> {
    (0usize..30).prop_flat_map(|n_nodes| {
        let node = 0..(n_nodes.max(1) as u32);
        let edges =
            proptest::collection::vec((node.clone(), node, 0.0f64..3.0), 0..(2 * n_nodes + 1));
        (Just(n_nodes), edges).prop_map(|(n_nodes, edges)| {
            let edges: Vec<(u32, u32, f64)> = if n_nodes == 0 { Vec::new() } else { edges };
            Graph::from_edges(n_nodes, &edges).expect("valid random graph")
        })
    })
}

/// Reference k-core numbers by repeatedly peeling a node of minimum remaining degree.
fn peeled_core_numbers(graph: &Graph) -> Vec<u32> {
    let n_nodes = graph.n_nodes();
    let mut degree: Vec<usize> = (0..n_nodes as u32)
        .map(|v| graph.degree(v).unwrap())
        .collect();
    let mut removed = vec![false; n_nodes];
    let mut core = vec![0u32; n_nodes];
    let mut level = 0;
    for _ in 0..n_nodes {
        let node = (0..n_nodes)
            .filter(|&v| !removed[v])
            .min_by_key(|&v| degree[v])
            .unwrap();
        level = level.max(degree[node]);
        core[node] = level as u32;
        removed[node] = true;
        for &next in graph.neighbours(node as u32).unwrap() {
            if !removed[next as usize] {
                degree[next as usize] -= 1;
            }
        }
    }
    core
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn leaf_folding_equals_plain_brandes(graph in small_graph()) {
        let folded = betweenness_centrality_with(&graph, BetweennessMethod::LeafFolding);
        let plain = betweenness_centrality_with(&graph, BetweennessMethod::Brandes);
        assert_close("leaf folding vs Brandes", &folded, &plain, 1e-9);
        prop_assert!(folded.iter().all(|b| b.is_finite() && *b >= 0.0 && *b <= 1.0 + 1e-12));
    }

    #[test]
    fn sampling_every_node_gives_exact_betweenness(graph in small_graph()) {
        let everyone: Vec<u32> = (0..graph.n_nodes() as u32).collect();
        prop_assume!(everyone.len() >= 2);
        let sampled = betweenness_from_sources(&graph, &everyone).unwrap();
        let exact = betweenness_centrality_with(&graph, BetweennessMethod::Brandes);
        assert_close("all sources vs exact", &sampled.scores, &exact, 1e-9);
        prop_assert!(sampled.standard_errors.iter().all(|e| *e == 0.0));
    }

    #[test]
    fn components_partition_the_nodes(graph in small_graph()) {
        let components = connected_components(&graph);
        prop_assert_eq!(components.component_of.len(), graph.n_nodes());
        prop_assert_eq!(components.sizes.iter().sum::<usize>(), graph.n_nodes());
        prop_assert!(components.sizes.is_sorted_by(|a, b| a >= b));
        prop_assert!(components.sizes.iter().all(|&size| size > 0));
        for (id, &size) in components.sizes.iter().enumerate() {
            let members = components.component_of.iter().filter(|&&c| c as usize == id).count();
            prop_assert_eq!(members, size);
        }
        for edge in graph.edges() {
            prop_assert_eq!(
                components.component_of[edge.smaller as usize],
                components.component_of[edge.larger as usize]
            );
        }
        // Nodes of one component are connected: a path exists from its first member.
        for node in 0..graph.n_nodes() as u32 {
            let first = components.component_of
                .iter()
                .position(|&c| c == components.component_of[node as usize])
                .unwrap() as u32;
            prop_assert!(shortest_paths(&graph, first, node, 1).unwrap().is_some());
        }
    }

    #[test]
    fn pagerank_is_a_distribution(graph in small_graph()) {
        for weighting in [EdgeWeighting::Unit, EdgeWeighting::Weight, EdgeWeighting::Multiplicity] {
            let options = PagerankOptions { weighting, ..Default::default() };
            let ranks = pagerank(&graph, &options).unwrap();
            prop_assert_eq!(ranks.len(), graph.n_nodes());
            prop_assert!(ranks.iter().all(|r| r.is_finite() && *r > 0.0));
            if !ranks.is_empty() {
                prop_assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn core_numbers_equal_peeling(graph in small_graph()) {
        prop_assert_eq!(core_numbers(&graph), peeled_core_numbers(&graph));
    }

    #[test]
    fn louvain_reports_the_modularity_of_its_partition(graph in small_graph(), seed in 0u64..4) {
        let options = LouvainOptions { seed, ..Default::default() };
        let partition = louvain(&graph, &options).unwrap();
        prop_assert_eq!(&partition, &louvain(&graph, &options).unwrap());
        let recomputed = modularity(&graph, &partition.community_of, EdgeWeighting::Unit, 1.0).unwrap();
        prop_assert!((recomputed - partition.modularity).abs() < 1e-12);
        prop_assert!(partition.modularity.is_finite() && partition.modularity <= 1.0);
        // Never worse than every node alone.
        let singletons: Vec<u32> = (0..graph.n_nodes() as u32).collect();
        let alone = modularity(&graph, &singletons, EdgeWeighting::Unit, 1.0).unwrap();
        prop_assert!(partition.modularity >= alone - 1e-12);
    }

    #[test]
    fn shortest_paths_are_valid_and_minimal(graph in small_graph(), a in 0u32..30, b in 0u32..30) {
        prop_assume!(graph.n_nodes() > 0);
        let (source, target) = (a % graph.n_nodes() as u32, b % graph.n_nodes() as u32);
        if let Some(found) = shortest_paths(&graph, source, target, 10).unwrap() {
            prop_assert!(!found.paths.is_empty());
            prop_assert!(found.paths.len() as f64 <= found.n_paths);
            prop_assert!(found.paths.is_sorted());
            for path in &found.paths {
                prop_assert_eq!(path.len(), found.distance as usize + 1);
                prop_assert_eq!(path[0], source);
                prop_assert_eq!(*path.last().unwrap(), target);
                for step in path.windows(2) {
                    prop_assert!(graph.has_edge(step[0], step[1]).unwrap());
                }
            }
        } else {
            let components = connected_components(&graph);
            prop_assert_ne!(
                components.component_of[source as usize],
                components.component_of[target as usize]
            );
        }
    }
}
