//! k-core decomposition: every node's core number by the Batagelj–Zaversnik bucket algorithm
//! in O(n + m).

use crate::Graph;

/// The core number of every node: the largest k such that the node belongs to a subgraph in
/// which every node has at least k neighbours.
///
/// Degrees count distinct neighbours, as networkx's `core_number` does on a simple `Graph`
/// (parallel edges do not raise a core number). Batagelj & Zaversnik, "An O(m) Algorithm for
/// Cores Decomposition of Networks" (2003).
pub fn core_numbers(graph: &Graph) -> Vec<u32> {
    let n_nodes = graph.n_nodes();
    let mut degree: Vec<u32> = (0..n_nodes as u32)
        .map(|node| graph.degree_of(node) as u32)
        .collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0) as usize;
    // bin_start[d]: first position in `order` of the nodes whose current degree is d.
    let mut bin_start = vec![0usize; max_degree + 2];
    for &d in &degree {
        bin_start[d as usize + 1] += 1;
    }
    for d in 0..=max_degree {
        bin_start[d + 1] += bin_start[d];
    }
    let mut order = vec![0u32; n_nodes];
    let mut position = vec![0usize; n_nodes];
    {
        let mut next_slot = bin_start.clone();
        for node in 0..n_nodes {
            let d = degree[node] as usize;
            position[node] = next_slot[d];
            order[next_slot[d]] = node as u32;
            next_slot[d] += 1;
        }
    }
    for index in 0..n_nodes {
        let node = order[index];
        let node_degree = degree[node as usize];
        for &neighbour in graph.row(node) {
            let neighbour_degree = degree[neighbour as usize];
            if neighbour_degree > node_degree {
                // Move the neighbour to the front of its bin, then shrink the bin by one.
                let bin_first = bin_start[neighbour_degree as usize];
                let first_node = order[bin_first];
                let neighbour_position = position[neighbour as usize];
                if first_node != neighbour {
                    order[neighbour_position] = first_node;
                    position[first_node as usize] = neighbour_position;
                    order[bin_first] = neighbour;
                    position[neighbour as usize] = bin_first;
                }
                bin_start[neighbour_degree as usize] += 1;
                degree[neighbour as usize] -= 1;
            }
        }
    }
    degree
}
