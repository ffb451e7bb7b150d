//! The public API's edge cases and errors, Louvain on a graph with obvious communities,
//! sampled betweenness's error estimate, link-prediction evaluation and the generator.

use polis_graph::{
    EdgeWeighting, Graph, GraphError, LinkScore, LinkSplit, LouvainOptions, PagerankOptions,
    SyntheticOptions, betweenness_centrality, betweenness_from_sources, connected_components,
    core_numbers, evaluate_link_prediction, louvain, modularity, pagerank, sampled_betweenness,
    shortest_paths, split_for_link_prediction, summarize_communities, synthetic_ties,
    top_link_candidates,
};

fn synthetic(n_nodes: usize, seed: u64) -> Graph {
    let options = SyntheticOptions {
        n_nodes,
        ties_per_node: 3,
        local_share: 0.6,
        seed,
    };
    Graph::from_edges(n_nodes, &synthetic_ties(&options).unwrap()).unwrap()
}

/// Every analytic on `graph`, asserting no NaN anywhere.
fn check_no_nan(graph: &Graph) {
    let finite = |what: &str, values: &[f64]| {
        assert!(values.iter().all(|v| v.is_finite()), "{what}: {values:?}");
    };
    finite(
        "pagerank",
        &pagerank(graph, &PagerankOptions::default()).unwrap(),
    );
    finite("betweenness", &betweenness_centrality(graph));
    let sampled = sampled_betweenness(graph, 3, 1).unwrap();
    finite("sampled", &sampled.scores);
    finite("standard errors", &sampled.standard_errors);
    let partition = louvain(graph, &LouvainOptions::default()).unwrap();
    assert!(partition.modularity.is_finite());
    let labels = vec!["XX"; graph.n_nodes()];
    for summary in summarize_communities(graph, &partition.community_of, &labels, 2).unwrap() {
        assert!(summary.density.is_finite());
    }
    core_numbers(graph);
    connected_components(graph);
}

#[test]
fn empty_isolated_and_single_edge_graphs_give_no_nan() {
    check_no_nan(&Graph::from_edges(0, &[]).unwrap());
    check_no_nan(&Graph::from_edges(1, &[]).unwrap());
    check_no_nan(&Graph::from_edges(5, &[]).unwrap());
    check_no_nan(&Graph::from_edges(2, &[(0, 1, 1.0)]).unwrap());
    check_no_nan(&Graph::from_edges(4, &[(0, 1, 1.0), (2, 2, 1.0)]).unwrap());
    check_no_nan(&Graph::from_edges(3, &[(0, 1, 0.0), (1, 2, 0.0)]).unwrap());

    let isolated = Graph::from_edges(4, &[]).unwrap();
    assert_eq!(
        pagerank(&isolated, &PagerankOptions::default()).unwrap(),
        vec![0.25; 4]
    );
    assert_eq!(
        modularity(&isolated, &[0, 0, 1, 1], EdgeWeighting::Unit, 1.0).unwrap(),
        0.0
    );
    assert_eq!(connected_components(&isolated).sizes, vec![1; 4]);
}

#[test]
fn a_star_centre_carries_all_betweenness() {
    let star = Graph::from_unweighted_edges(5, &[(0, 1), (0, 2), (0, 3), (0, 4)]).unwrap();
    assert_eq!(betweenness_centrality(&star), vec![1.0, 0.0, 0.0, 0.0, 0.0]);
    let path = Graph::from_unweighted_edges(3, &[(0, 1), (1, 2), (2, 1)]).unwrap();
    assert_eq!(path.n_edges(), 2);
    assert_eq!(betweenness_centrality(&path), vec![0.0, 1.0, 0.0]);
}

#[test]
fn bad_input_gives_typed_errors() {
    assert_eq!(
        Graph::from_edges(3, &[(0, 3, 1.0)]),
        Err(GraphError::NodeOutOfRange {
            node: 3,
            n_nodes: 3
        })
    );
    assert!(matches!(
        Graph::from_edges(3, &[(0, 1, 1.0), (1, 2, f64::NAN)]),
        Err(GraphError::InvalidWeight { index: 1, .. })
    ));
    assert!(matches!(
        Graph::from_edges(3, &[(0, 1, -1.0)]),
        Err(GraphError::InvalidWeight { index: 0, .. })
    ));
    let graph = Graph::from_unweighted_edges(4, &[(0, 1), (1, 2), (2, 3)]).unwrap();
    assert!(matches!(
        graph.neighbours(4),
        Err(GraphError::NodeOutOfRange { .. })
    ));
    assert!(matches!(
        graph.degree(9),
        Err(GraphError::NodeOutOfRange { .. })
    ));
    assert!(matches!(
        shortest_paths(&graph, 0, 7, 1),
        Err(GraphError::NodeOutOfRange { .. })
    ));
    let bad_alpha = PagerankOptions {
        alpha: 1.5,
        ..Default::default()
    };
    assert!(matches!(
        pagerank(&graph, &bad_alpha),
        Err(GraphError::InvalidParameter { name: "alpha", .. })
    ));
    let too_short = PagerankOptions {
        max_iterations: 1,
        ..Default::default()
    };
    assert!(matches!(
        pagerank(&graph, &too_short),
        Err(GraphError::PagerankNotConverged {
            max_iterations: 1,
            ..
        })
    ));
    assert!(matches!(
        modularity(&graph, &[0, 1], EdgeWeighting::Unit, 1.0),
        Err(GraphError::LengthMismatch {
            len: 2,
            n_nodes: 4,
            ..
        })
    ));
    assert!(matches!(
        betweenness_from_sources(&graph, &[1, 2, 1]),
        Err(GraphError::DuplicateSource { node: 1 })
    ));
    assert!(matches!(
        sampled_betweenness(&graph, 2, 0),
        Err(GraphError::InvalidParameter {
            name: "n_sources",
            ..
        })
    ));
    assert!(matches!(
        LinkScore::AdamicAdar.score(&graph, 2, 2),
        Err(GraphError::InvalidParameter { .. })
    ));
    assert!(matches!(
        split_for_link_prediction(&graph, 1.0, 0),
        Err(GraphError::InvalidParameter { .. })
    ));
    // Errors explain themselves.
    let message = Graph::from_edges(3, &[(0, 3, 1.0)])
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("node 3") && message.contains("0..3"),
        "{message}"
    );
}

#[test]
fn louvain_finds_a_ring_of_cliques() {
    // Eight cliques of five, each joined to the next by one edge.
    let mut edges = Vec::new();
    for clique in 0..8u32 {
        let base = clique * 5;
        for a in 0..5 {
            for b in (a + 1)..5 {
                edges.push((base + a, base + b));
            }
        }
        edges.push((base, (base + 5) % 40));
    }
    let graph = Graph::from_unweighted_edges(40, &edges).unwrap();
    for seed in 0..5 {
        let partition = louvain(
            &graph,
            &LouvainOptions {
                seed,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(partition.sizes, vec![5; 8], "seed {seed}");
        for clique in 0..8 {
            let ids: Vec<u32> = (0..5)
                .map(|i| partition.community_of[clique * 5 + i])
                .collect();
            assert!(ids.iter().all(|&id| id == ids[0]));
        }
        // 8 × (10/88 − (22/176)²)
        let expected = 8.0 * (10.0 / 88.0 - (22.0f64 / 176.0).powi(2));
        assert!((partition.modularity - expected).abs() < 1e-12);
    }
}

#[test]
fn louvain_is_reproducible_per_seed_on_a_larger_graph() {
    let graph = synthetic(3_000, 5);
    let first = louvain(
        &graph,
        &LouvainOptions {
            seed: 11,
            ..Default::default()
        },
    )
    .unwrap();
    let again = louvain(
        &graph,
        &LouvainOptions {
            seed: 11,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(first, again);
    assert!(first.modularity > 0.3, "modularity {}", first.modularity);
}

#[test]
fn sampled_betweenness_is_seeded_and_its_errors_are_honest() {
    let graph = synthetic(1_500, 2);
    let exact = betweenness_centrality(&graph);
    let sampled = sampled_betweenness(&graph, 150, 42).unwrap();
    assert_eq!(sampled, sampled_betweenness(&graph, 150, 42).unwrap());
    assert_ne!(
        sampled.sources,
        sampled_betweenness(&graph, 150, 43).unwrap().sources
    );
    assert_eq!(sampled.sources.len(), 150);
    // Unbiased: averaged over seeds, the top 10% nodes' estimates centre on the exact values.
    // The standard error is a central-limit estimate from skewed per-source contributions,
    // so it is too small more often than a normal law says (see SampledBetweenness): ±3 SE
    // covered 85% of the top nodes here when this test was written. Guard that level.
    let mut ranked: Vec<usize> = (0..graph.n_nodes()).collect();
    ranked.sort_by(|&a, &b| exact[b].total_cmp(&exact[a]));
    let top = &ranked[..graph.n_nodes() / 10];
    let (mut relative_error_sum, mut inside, mut total) = (0.0, 0, 0);
    for seed in 0..20 {
        let run = sampled_betweenness(&graph, 150, seed).unwrap();
        for &node in top {
            relative_error_sum += (run.scores[node] - exact[node]) / exact[node];
            let error = (run.scores[node] - exact[node]).abs();
            inside += usize::from(error <= 3.0 * run.standard_errors[node]);
            total += 1;
        }
    }
    let bias = relative_error_sum / total as f64;
    assert!(bias.abs() < 0.02, "mean relative error {bias}");
    let coverage = inside as f64 / total as f64;
    assert!(coverage >= 0.75, "±3 SE covered only {coverage}");
    // Asking for more sources than nodes gives the exact values.
    let all = sampled_betweenness(&graph, 10_000, 0).unwrap();
    crate::assert_close("all sources", &all.scores, &exact, 1e-9);
}

#[test]
fn link_prediction_split_hides_the_answers_and_beats_chance() {
    let graph = synthetic(3_000, 9);
    let split = split_for_link_prediction(&graph, 0.1, 7).unwrap();
    let expected_held_out = (graph.n_edges() as f64 * 0.1).round() as usize;
    assert_eq!(split.held_out.len(), expected_held_out);
    assert_eq!(split.non_ties.len(), expected_held_out);
    assert_eq!(
        split.training.n_edges(),
        graph.n_edges() - expected_held_out
    );
    for &(u, v) in &split.held_out {
        assert!(graph.has_edge(u, v).unwrap());
        assert!(!split.training.has_edge(u, v).unwrap());
    }
    for &(u, v) in &split.non_ties {
        assert!(u != v && !graph.has_edge(u, v).unwrap());
    }
    let adamic_adar = evaluate_link_prediction(&split, LinkScore::AdamicAdar, 100).unwrap();
    let popularity =
        evaluate_link_prediction(&split, LinkScore::PreferentialAttachment, 100).unwrap();
    for evaluation in [adamic_adar, popularity] {
        assert!((0.0..=1.0).contains(&evaluation.auc));
        assert!((0.0..=1.0).contains(&evaluation.precision_at_k));
        assert_eq!(evaluation.k, 100);
    }
    // Half the pairs are positives, so 0.5 is chance for both measures.
    assert!(
        adamic_adar.auc > 0.5 && adamic_adar.precision_at_k > 0.5,
        "{adamic_adar:?}"
    );
    assert!(popularity.auc > 0.5, "{popularity:?}");
    // Same seed, same split.
    let again = split_for_link_prediction(&graph, 0.1, 7).unwrap();
    assert_eq!(again.held_out, split.held_out);
    assert_eq!(again.non_ties, split.non_ties);
}

#[test]
fn evaluation_counts_score_ties_as_chance() {
    // No common neighbours anywhere: every pair scores 0.
    let training = Graph::from_unweighted_edges(6, &[(0, 1), (2, 3)]).unwrap();
    let split = LinkSplit {
        training,
        held_out: vec![(0, 2)],
        non_ties: vec![(4, 5), (1, 4), (3, 5)],
    };
    let evaluation = evaluate_link_prediction(&split, LinkScore::CommonNeighbours, 2).unwrap();
    assert_eq!(evaluation.auc, 0.5);
    assert_eq!(evaluation.precision_at_k, 0.25);
    let empty = LinkSplit {
        held_out: Vec::new(),
        ..split
    };
    assert!(matches!(
        evaluate_link_prediction(&empty, LinkScore::CommonNeighbours, 2),
        Err(GraphError::NotEnoughPairs { n_positive: 0, .. })
    ));
}

#[test]
fn top_candidates_exclude_neighbours_and_self() {
    let graph =
        Graph::from_unweighted_edges(6, &[(0, 1), (0, 2), (1, 3), (2, 3), (2, 4), (4, 5)]).unwrap();
    let top = top_link_candidates(&graph, 0, LinkScore::CommonNeighbours, 10).unwrap();
    let nodes: Vec<u32> = top.iter().map(|c| c.node).collect();
    assert_eq!(nodes, vec![3, 4]);
    assert_eq!(top[0].common_neighbours, 2);
    assert_eq!(top[0].score, 2.0);
}

#[test]
fn synthetic_graphs_are_seeded_simple_and_heavy_tailed() {
    let options = SyntheticOptions {
        n_nodes: 20_000,
        ties_per_node: 5,
        local_share: 0.5,
        seed: 1,
    };
    let edges = synthetic_ties(&options).unwrap();
    assert_eq!(edges, synthetic_ties(&options).unwrap());
    let graph = Graph::from_edges(options.n_nodes, &edges).unwrap();
    assert_eq!(graph.n_edges(), edges.len(), "no repeated pairs");
    assert_eq!(graph.n_dropped_self_loops(), 0);
    assert!(edges.len() >= 5 * 20_000 - 100);
    assert_eq!(connected_components(&graph).n_components(), 1);
    let max_degree = (0..graph.n_nodes() as u32)
        .map(|v| graph.degree(v).unwrap())
        .max()
        .unwrap();
    assert!(
        max_degree > 100,
        "a preferential-attachment hub, got {max_degree}"
    );
    assert!(matches!(
        synthetic_ties(&SyntheticOptions {
            local_share: 2.0,
            ..options
        }),
        Err(GraphError::InvalidParameter {
            name: "local_share",
            ..
        })
    ));
}
