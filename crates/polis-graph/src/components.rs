//! Connected components by breadth-first search, numbered from the largest down.

use crate::Graph;

/// The connected components of a graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components {
    /// Component id of every node. Id 0 is the largest component; ties in size are ordered by
    /// their smallest node index, so the numbering is deterministic.
    pub component_of: Vec<u32>,
    /// Size of every component, indexed by id, so largest first.
    pub sizes: Vec<usize>,
}

impl Components {
    /// Number of components (isolated nodes count as components of size 1).
    pub fn n_components(&self) -> usize {
        self.sizes.len()
    }

    /// Size of the largest component, 0 for an empty graph.
    pub fn largest_size(&self) -> usize {
        self.sizes.first().copied().unwrap_or(0)
    }
}

/// Labels every node with its connected component in O(n + m).
pub fn connected_components(graph: &Graph) -> Components {
    let n_nodes = graph.n_nodes();
    let unlabelled = u32::MAX;
    // First pass: ids in order of each component's smallest node.
    let mut discovery_id = vec![unlabelled; n_nodes];
    let mut discovery_sizes: Vec<usize> = Vec::new();
    let mut queue: Vec<u32> = Vec::new();
    for start in 0..n_nodes as u32 {
        if discovery_id[start as usize] != unlabelled {
            continue;
        }
        let id = discovery_sizes.len() as u32;
        discovery_id[start as usize] = id;
        queue.clear();
        queue.push(start);
        let mut head = 0;
        while head < queue.len() {
            let node = queue[head];
            head += 1;
            for &next in graph.row(node) {
                if discovery_id[next as usize] == unlabelled {
                    discovery_id[next as usize] = id;
                    queue.push(next);
                }
            }
        }
        discovery_sizes.push(queue.len());
    }
    // Second pass: renumber by size, largest first; the stable sort keeps discovery order
    // (smallest node first) among equal sizes.
    let mut by_size: Vec<u32> = (0..discovery_sizes.len() as u32).collect();
    by_size.sort_by_key(|&id| std::cmp::Reverse(discovery_sizes[id as usize]));
    let mut rank_of = vec![0u32; by_size.len()];
    for (rank, &id) in by_size.iter().enumerate() {
        rank_of[id as usize] = rank as u32;
    }
    Components {
        component_of: discovery_id
            .into_iter()
            .map(|id| rank_of[id as usize])
            .collect(),
        sizes: by_size
            .iter()
            .map(|&id| discovery_sizes[id as usize])
            .collect(),
    }
}
