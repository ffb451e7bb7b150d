//! PageRank by power iteration with networkx's exact semantics: uniform teleport, dangling
//! nodes' rank spread uniformly, stop when the L1 change drops below `n_nodes * tolerance`.

use rayon::prelude::*;

use crate::{EdgeWeighting, Graph, GraphError};

/// Nodes per parallel work item; graphs smaller than this run on one thread.
const PARALLEL_CHUNK: usize = 16_384;

/// Parameters of [`pagerank`]; the defaults are networkx's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PagerankOptions {
    /// Damping factor, the probability of following an edge rather than teleporting
    /// (networkx `alpha`, default 0.85). Accepted: `0.0..=1.0`.
    pub alpha: f64,
    /// Per-node tolerance: iteration stops when the L1 change is below
    /// `n_nodes * tolerance` (networkx `tol`, default 1e-6). Accepted: finite and > 0.
    pub tolerance: f64,
    /// Iteration budget (networkx `max_iter`, default 100).
    pub max_iterations: usize,
    /// How merged parallel edges weigh in the transition probabilities; see [`EdgeWeighting`].
    /// Default [`EdgeWeighting::Unit`], networkx on a simple unweighted `Graph`.
    pub weighting: EdgeWeighting,
}

impl Default for PagerankOptions {
    fn default() -> Self {
        PagerankOptions {
            alpha: 0.85,
            tolerance: 1e-6,
            max_iterations: 100,
            weighting: EdgeWeighting::Unit,
        }
    }
}

/// PageRank of every node, summing to 1 (an empty vector for an empty graph).
///
/// This is networkx's `pagerank(G, alpha, max_iter=max_iterations, tol=tolerance)` on the
/// undirected graph, iterated the same way: start uniform, each step
/// `x' = alpha * (x P + dangling_mass / n) + (1 - alpha) / n` where `P` is the row-normalised
/// weight matrix, and stop at the first step whose L1 change is below `n * tolerance`. The
/// result matches networkx to floating-point rounding (far inside 1e-6 per node).
///
/// # Errors
/// [`GraphError::InvalidParameter`] for `alpha` outside `0..=1` or a tolerance that is not a
/// positive finite number; [`GraphError::PagerankNotConverged`] when `max_iterations` is used
/// up, as networkx raises `PowerIterationFailedConvergence`.
pub fn pagerank(graph: &Graph, options: &PagerankOptions) -> Result<Vec<f64>, GraphError> {
    let PagerankOptions {
        alpha,
        tolerance,
        max_iterations,
        weighting,
    } = *options;
    if !(0.0..=1.0).contains(&alpha) {
        return Err(GraphError::invalid_parameter(
            "alpha",
            alpha,
            "a damping factor between 0 and 1",
        ));
    }
    if !(tolerance.is_finite() && tolerance > 0.0) {
        return Err(GraphError::invalid_parameter(
            "tolerance",
            tolerance,
            "a finite number greater than 0",
        ));
    }
    let n_nodes = graph.n_nodes();
    if n_nodes == 0 {
        return Ok(Vec::new());
    }
    let uniform = 1.0 / n_nodes as f64;
    let threshold = n_nodes as f64 * tolerance;
    let arc_weights = match weighting {
        EdgeWeighting::Unit => None,
        other => Some(graph.arc_weights(other)),
    };
    // Inverse out-strength, 0 for dangling nodes (no edges, or only zero-weight edges).
    let inverse_strength: Vec<f64> = (0..n_nodes as u32)
        .map(|node| {
            let strength = graph.strength(node, weighting);
            if strength > 0.0 { 1.0 / strength } else { 0.0 }
        })
        .collect();
    let dangling: Vec<u32> = (0..n_nodes as u32)
        .filter(|&node| inverse_strength[node as usize] == 0.0)
        .collect();

    let offsets = graph.offsets();
    let neighbours = graph.all_neighbours();
    let mut rank = vec![uniform; n_nodes];
    let mut next = vec![0.0; n_nodes];
    let mut outflow = vec![0.0; n_nodes];
    let mut last_change = f64::INFINITY;
    for _ in 0..max_iterations {
        let dangling_mass: f64 = dangling.iter().map(|&node| rank[node as usize]).sum();
        let base = alpha * dangling_mass * uniform + (1.0 - alpha) * uniform;
        for ((out, &r), &inverse) in outflow.iter_mut().zip(&rank).zip(&inverse_strength) {
            *out = r * inverse;
        }
        let update_chunk = |chunk_index: usize, chunk: &mut [f64]| -> f64 {
            let first = chunk_index * PARALLEL_CHUNK;
            let mut change = 0.0;
            for (offset, value) in chunk.iter_mut().enumerate() {
                let node = first + offset;
                let arcs = offsets[node]..offsets[node + 1];
                let inflow: f64 = match &arc_weights {
                    None => neighbours[arcs]
                        .iter()
                        .map(|&from| outflow[from as usize])
                        .sum(),
                    Some(weights) => neighbours[arcs.clone()]
                        .iter()
                        .zip(&weights[arcs])
                        .map(|(&from, &weight)| outflow[from as usize] * weight)
                        .sum(),
                };
                *value = alpha * inflow + base;
                change += (*value - rank[node]).abs();
            }
            change
        };
        // Per-chunk changes are summed in chunk order, so the result does not depend on the
        // number of threads.
        let chunk_changes: Vec<f64> = if n_nodes > PARALLEL_CHUNK {
            next.par_chunks_mut(PARALLEL_CHUNK)
                .enumerate()
                .map(|(chunk_index, chunk)| update_chunk(chunk_index, chunk))
                .collect()
        } else {
            vec![update_chunk(0, &mut next)]
        };
        last_change = chunk_changes.iter().sum();
        std::mem::swap(&mut rank, &mut next);
        if last_change < threshold {
            return Ok(rank);
        }
    }
    Err(GraphError::PagerankNotConverged {
        max_iterations,
        last_change,
        threshold,
    })
}
