//! polis-graph against networkx on the fixture graph of `tests/fixtures/` (see
//! `make_expected.py` there for how the expected values were made).

use polis_graph::{
    BetweennessMethod, EdgeWeighting, Graph, LinkScore, PagerankOptions, betweenness_centrality,
    betweenness_centrality_with, betweenness_from_sources, connected_components, core_numbers,
    louvain, modularity, pagerank, shortest_paths, summarize_communities, top_link_candidates,
};
use serde::Deserialize;

use crate::assert_close;

#[derive(Deserialize)]
struct FixtureGraph {
    n_nodes: usize,
    countries: Vec<String>,
    edges: Vec<(u32, u32, f64)>,
}

#[derive(Deserialize)]
struct Expected {
    n_nodes: usize,
    n_edges: usize,
    n_input_edges_without_self_loops: u32,
    degree: Vec<usize>,
    weighted_degree: Vec<f64>,
    component_of: Vec<u32>,
    component_sizes: Vec<usize>,
    core_number: Vec<u32>,
    pagerank_unit: Vec<f64>,
    pagerank_weight: Vec<f64>,
    pagerank_multiplicity: Vec<f64>,
    betweenness: Vec<f64>,
    sampled_betweenness: SampledExpected,
    partition: Vec<u32>,
    modularity_unit: f64,
    modularity_weight: f64,
    modularity_multiplicity: f64,
    modularity_unit_resolution_0_5: f64,
    link_scores: Vec<LinkScoresExpected>,
    shortest_paths: Vec<PathsExpected>,
}

#[derive(Deserialize)]
struct SampledExpected {
    sources: Vec<u32>,
    values: Vec<f64>,
}

#[derive(Deserialize)]
struct LinkScoresExpected {
    pair: (u32, u32),
    common_neighbours: usize,
    adamic_adar: f64,
    resource_allocation: f64,
    preferential_attachment: f64,
}

#[derive(Deserialize)]
struct PathsExpected {
    pair: (u32, u32),
    distance: Option<u32>,
    paths: Vec<Vec<u32>>,
}

fn load() -> (FixtureGraph, Graph, Expected) {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |name: &str| {
        std::fs::read_to_string(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let fixture: FixtureGraph = serde_json::from_str(&read("graph.json")).expect("graph.json");
    let expected: Expected = serde_json::from_str(&read("expected.json")).expect("expected.json");
    let graph = Graph::from_edges(fixture.n_nodes, &fixture.edges).expect("valid fixture");
    (fixture, graph, expected)
}

#[test]
fn construction_merges_parallel_edges_and_drops_self_loops() {
    let (_, graph, expected) = load();
    assert_eq!(graph.n_nodes(), expected.n_nodes);
    assert_eq!(graph.n_edges(), expected.n_edges);
    assert_eq!(graph.n_dropped_self_loops(), 1);
    let total_multiplicity: u32 = graph.edges().map(|edge| edge.multiplicity).sum();
    assert_eq!(
        total_multiplicity,
        expected.n_input_edges_without_self_loops
    );
    for node in 0..graph.n_nodes() as u32 {
        assert_eq!(graph.degree(node).unwrap(), expected.degree[node as usize]);
        let weighted = graph.weighted_degree(node, EdgeWeighting::Weight).unwrap();
        assert!((weighted - expected.weighted_degree[node as usize]).abs() < 1e-12);
        assert!(graph.neighbours(node).unwrap().is_sorted());
    }
}

#[test]
fn components_match_networkx() {
    let (_, graph, expected) = load();
    let components = connected_components(&graph);
    assert_eq!(components.sizes, expected.component_sizes);
    assert_eq!(components.component_of, expected.component_of);
}

#[test]
fn core_numbers_match_networkx() {
    let (_, graph, expected) = load();
    assert_eq!(core_numbers(&graph), expected.core_number);
}

#[test]
fn pagerank_matches_networkx_for_each_weighting() {
    let (_, graph, expected) = load();
    for (weighting, values) in [
        (EdgeWeighting::Unit, &expected.pagerank_unit),
        (EdgeWeighting::Weight, &expected.pagerank_weight),
        (EdgeWeighting::Multiplicity, &expected.pagerank_multiplicity),
    ] {
        let options = PagerankOptions {
            weighting,
            ..PagerankOptions::default()
        };
        let ranks = pagerank(&graph, &options).unwrap();
        assert_close(&format!("pagerank {weighting:?}"), &ranks, values, 1e-6);
        // Same iteration as networkx, so far closer than the 1e-6 contract.
        assert_close(&format!("pagerank {weighting:?}"), &ranks, values, 1e-12);
    }
}

#[test]
fn exact_betweenness_matches_networkx_with_either_method() {
    let (_, graph, expected) = load();
    assert_close(
        "betweenness (leaf folding)",
        &betweenness_centrality(&graph),
        &expected.betweenness,
        1e-9,
    );
    assert_close(
        "betweenness (Brandes)",
        &betweenness_centrality_with(&graph, BetweennessMethod::Brandes),
        &expected.betweenness,
        1e-9,
    );
}

#[test]
fn sampled_betweenness_matches_networkx_on_its_sources() {
    let (_, graph, expected) = load();
    let sampled = betweenness_from_sources(&graph, &expected.sampled_betweenness.sources).unwrap();
    assert_close(
        "sampled betweenness",
        &sampled.scores,
        &expected.sampled_betweenness.values,
        1e-9,
    );
    assert!(
        sampled
            .standard_errors
            .iter()
            .all(|e| e.is_finite() && *e >= 0.0)
    );
}

#[test]
fn modularity_matches_networkx() {
    let (_, graph, expected) = load();
    let partition = &expected.partition;
    for (weighting, resolution, value) in [
        (EdgeWeighting::Unit, 1.0, expected.modularity_unit),
        (EdgeWeighting::Weight, 1.0, expected.modularity_weight),
        (
            EdgeWeighting::Multiplicity,
            1.0,
            expected.modularity_multiplicity,
        ),
        (
            EdgeWeighting::Unit,
            0.5,
            expected.modularity_unit_resolution_0_5,
        ),
    ] {
        let ours = modularity(&graph, partition, weighting, resolution).unwrap();
        assert!(
            (ours - value).abs() < 1e-12,
            "{weighting:?} γ={resolution}: {ours} vs networkx {value}"
        );
    }
}

#[test]
fn louvain_is_about_as_good_as_networkx_and_reproducible() {
    let (_, graph, expected) = load();
    let options = polis_graph::LouvainOptions {
        seed: 3,
        ..Default::default()
    };
    let first = louvain(&graph, &options).unwrap();
    let again = louvain(&graph, &options).unwrap();
    assert_eq!(first, again);
    assert!(
        first.modularity >= expected.modularity_unit - 0.02,
        "louvain modularity {} well below networkx's {}",
        first.modularity,
        expected.modularity_unit
    );
    let recomputed = modularity(&graph, &first.community_of, EdgeWeighting::Unit, 1.0).unwrap();
    assert!((recomputed - first.modularity).abs() < 1e-12);
    assert_eq!(first.sizes.iter().sum::<usize>(), graph.n_nodes());
    assert!(first.sizes.is_sorted_by(|a, b| a >= b));
}

#[test]
fn community_summaries_count_sizes_edges_and_labels() {
    let (fixture, graph, expected) = load();
    let summaries =
        summarize_communities(&graph, &expected.partition, &fixture.countries, 3).unwrap();
    assert_eq!(
        summaries.iter().map(|s| s.size).sum::<usize>(),
        graph.n_nodes()
    );
    let internal: usize = summaries.iter().map(|s| s.n_internal_edges).sum();
    let boundary: usize = summaries.iter().map(|s| s.n_boundary_edges).sum();
    assert_eq!(internal + boundary / 2, graph.n_edges());
    assert!(summaries.is_sorted_by(|a, b| a.size >= b.size));
    for summary in &summaries {
        assert!((0.0..=1.0).contains(&summary.density));
        assert!(summary.top_labels.len() <= 3);
        assert!(summary.top_labels.is_sorted_by(|a, b| a.1 >= b.1));
        let members: Vec<usize> = (0..graph.n_nodes())
            .filter(|&node| expected.partition[node] == summary.community)
            .collect();
        let top = &summary.top_labels[0];
        let count = members
            .iter()
            .filter(|&&node| fixture.countries[node] == top.0)
            .count();
        assert_eq!(count, top.1);
    }
}

#[test]
fn link_scores_match_networkx() {
    let (_, graph, expected) = load();
    for case in &expected.link_scores {
        let (u, v) = case.pair;
        let check = |score: LinkScore, value: f64| {
            let ours = score.score(&graph, u, v).unwrap();
            assert!(
                (ours - value).abs() < 1e-12,
                "{score:?} {u}-{v}: {ours} vs {value}"
            );
        };
        check(LinkScore::CommonNeighbours, case.common_neighbours as f64);
        check(LinkScore::AdamicAdar, case.adamic_adar);
        check(LinkScore::ResourceAllocation, case.resource_allocation);
        check(
            LinkScore::PreferentialAttachment,
            case.preferential_attachment,
        );
    }
}

#[test]
fn top_candidates_are_the_best_scoring_nodes_at_distance_two() {
    let (_, graph, _) = load();
    for node in [0u32, 5, 37, 110] {
        for score in [LinkScore::AdamicAdar, LinkScore::ResourceAllocation] {
            let top = top_link_candidates(&graph, node, score, 5).unwrap();
            // Brute force over every other non-neighbour with a common neighbour.
            let mut brute: Vec<(u32, f64)> = (0..graph.n_nodes() as u32)
                .filter(|&other| other != node && !graph.has_edge(node, other).unwrap())
                .map(|other| (other, score.score(&graph, node, other).unwrap()))
                .filter(|&(other, _)| {
                    LinkScore::CommonNeighbours
                        .score(&graph, node, other)
                        .unwrap()
                        > 0.0
                })
                .collect();
            brute.sort_by(|a, b| b.1.total_cmp(&a.1));
            assert_eq!(top.len(), brute.len().min(5));
            for (candidate, (_, best)) in top.iter().zip(&brute) {
                assert!((candidate.score - best).abs() < 1e-12);
                let direct = score.score(&graph, node, candidate.node).unwrap();
                assert!((candidate.score - direct).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn shortest_paths_match_networkx() {
    let (_, graph, expected) = load();
    for case in &expected.shortest_paths {
        let (source, target) = case.pair;
        let found = shortest_paths(&graph, source, target, 100).unwrap();
        match case.distance {
            None => assert!(found.is_none(), "{source}-{target} should be unreachable"),
            Some(distance) => {
                let found = found.expect("reachable");
                assert_eq!(found.distance, distance);
                assert_eq!(found.paths, case.paths);
                assert_eq!(found.n_paths, case.paths.len() as f64);
                let first_two = shortest_paths(&graph, source, target, 2).unwrap().unwrap();
                assert_eq!(first_two.paths[..], case.paths[..case.paths.len().min(2)]);
            }
        }
    }
}
