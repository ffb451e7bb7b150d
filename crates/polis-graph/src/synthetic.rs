//! A seeded generator of sister-city-like graphs for tests and scale benchmarks: preferential
//! attachment (a few hubs gather many ties, as capitals do) mixed with geographic proximity
//! (most ties are regional, which gives clustering).

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::GraphError;

/// Parameters of [`synthetic_ties`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticOptions {
    /// Number of nodes. Accepted: up to `u32::MAX`.
    pub n_nodes: usize,
    /// Ties each new node makes with earlier nodes (fewer for the first nodes), so the graph
    /// has about `n_nodes * ties_per_node` edges. Accepted: at least 1.
    pub ties_per_node: u32,
    /// Share of ties made to a nearby node instead of by preferential attachment.
    /// Accepted: `0.0..=1.0`.
    pub local_share: f64,
    /// Seed of the ChaCha8 generator: the same options give the same edges.
    pub seed: u64,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        SyntheticOptions {
            n_nodes: 10_000,
            ties_per_node: 5,
            local_share: 0.5,
            seed: 0,
        }
    }
}

/// Generates the edge list (weight 1 each, no self-loops, no repeated pairs) of a growing
/// graph: nodes arrive one by one at uniform random points of the unit square, and each makes
/// `ties_per_node` ties to distinct earlier nodes. Each tie goes, with probability
/// `local_share`, to a random earlier node in the same or an adjacent grid cell (cells hold
/// about eight nodes at the end), otherwise to the end of a random earlier tie, which is
/// Barabási–Albert preferential attachment and gives a power-law degree tail. Runs in O(n·k).
///
/// # Errors
/// [`GraphError::TooManyNodes`] and [`GraphError::InvalidParameter`] for options outside their
/// accepted ranges.
pub fn synthetic_ties(options: &SyntheticOptions) -> Result<Vec<(u32, u32, f64)>, GraphError> {
    let SyntheticOptions {
        n_nodes,
        ties_per_node,
        local_share,
        seed,
    } = *options;
    crate::graph::check_node_count(n_nodes)?;
    if ties_per_node == 0 {
        return Err(GraphError::invalid_parameter(
            "ties_per_node",
            ties_per_node,
            "at least 1",
        ));
    }
    if !(0.0..=1.0).contains(&local_share) {
        return Err(GraphError::invalid_parameter(
            "local_share",
            local_share,
            "a share between 0 and 1",
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let cells_per_side = ((n_nodes as f64 / 8.0).sqrt().ceil() as usize).max(1);
    let mut cell_members: Vec<Vec<u32>> = vec![Vec::new(); cells_per_side * cells_per_side];
    let mut edges: Vec<(u32, u32, f64)> =
        Vec::with_capacity(n_nodes.saturating_mul(ties_per_node as usize));
    // Both ends of every tie so far: a uniform pick from it is a degree-proportional pick.
    let mut tie_ends: Vec<u32> = Vec::with_capacity(2 * edges.capacity());
    let mut chosen: Vec<u32> = Vec::with_capacity(ties_per_node as usize);
    let mut nearby: Vec<usize> = Vec::with_capacity(9);
    for node in 0..n_nodes as u32 {
        let cell_x =
            ((rng.random::<f64>() * cells_per_side as f64) as usize).min(cells_per_side - 1);
        let cell_y =
            ((rng.random::<f64>() * cells_per_side as f64) as usize).min(cells_per_side - 1);
        nearby.clear();
        for dy in [-1isize, 0, 1] {
            for dx in [-1isize, 0, 1] {
                let (x, y) = (cell_x as isize + dx, cell_y as isize + dy);
                if (0..cells_per_side as isize).contains(&x)
                    && (0..cells_per_side as isize).contains(&y)
                {
                    nearby.push(y as usize * cells_per_side + x as usize);
                }
            }
        }
        let n_nearby: usize = nearby.iter().map(|&cell| cell_members[cell].len()).sum();
        let wanted = (ties_per_node as usize).min(node as usize);
        chosen.clear();
        let mut attempts = 0;
        while chosen.len() < wanted && attempts < 20 * ties_per_node as usize + 20 {
            attempts += 1;
            let partner = if n_nearby > 0 && rng.random_bool(local_share) {
                let mut pick = rng.random_range(0..n_nearby);
                let mut found = 0;
                for &cell in &nearby {
                    let members = &cell_members[cell];
                    if pick < members.len() {
                        found = members[pick];
                        break;
                    }
                    pick -= members.len();
                }
                found
            } else if tie_ends.is_empty() {
                rng.random_range(0..node)
            } else {
                tie_ends[rng.random_range(0..tie_ends.len())]
            };
            if !chosen.contains(&partner) {
                chosen.push(partner);
            }
        }
        for &partner in &chosen {
            edges.push((partner, node, 1.0));
            tie_ends.push(partner);
            tie_ends.push(node);
        }
        cell_members[cell_y * cells_per_side + cell_x].push(node);
    }
    Ok(edges)
}
