//! The one integration-test binary of polis-graph: results checked against networkx on a small
//! fixture, properties on random graphs, API edge cases, and the real twin-town graph.

mod api;
mod fixture;
mod properties;
mod real_data;

/// Asserts two equally long vectors agree within `tolerance` everywhere, naming the worst node.
pub fn assert_close(what: &str, actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    let worst = actual
        .iter()
        .zip(expected)
        .enumerate()
        .map(|(node, (a, e))| (node, (a - e).abs()))
        .max_by(|x, y| x.1.total_cmp(&y.1));
    if let Some((node, difference)) = worst {
        assert!(
            difference <= tolerance,
            "{what}: node {node} is {} but expected {} (difference {difference:e} > {tolerance:e})",
            actual[node],
            expected[node]
        );
    }
}
