//! Unweighted shortest paths between two nodes by breadth-first search: the distance, how many
//! shortest paths there are, and up to k of them.

use crate::{Graph, GraphError};

/// The shortest paths between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortestPaths {
    /// Number of edges on every shortest path.
    pub distance: u32,
    /// How many distinct shortest paths exist (a float: the count can exceed `u64`).
    pub n_paths: f64,
    /// Up to the requested number of shortest paths, each from source to target inclusive: the
    /// first ones in lexicographic order of their node indices.
    pub paths: Vec<Vec<u32>>,
}

/// The distance between `source` and `target`, the number of shortest paths and up to
/// `max_paths` of them; `None` when `target` cannot be reached. Edges are unweighted and
/// parallel edges count once. The search stops at the pair's distance, so a near pair is
/// cheap even in a large graph.
///
/// # Errors
/// [`GraphError::NodeOutOfRange`].
pub fn shortest_paths(
    graph: &Graph,
    source: u32,
    target: u32,
    max_paths: usize,
) -> Result<Option<ShortestPaths>, GraphError> {
    graph.check(source)?;
    graph.check(target)?;
    if source == target {
        return Ok(Some(ShortestPaths {
            distance: 0,
            n_paths: 1.0,
            paths: if max_paths > 0 {
                vec![vec![source]]
            } else {
                Vec::new()
            },
        }));
    }
    // Search from the target, so that walking forward from the source along decreasing
    // distance yields the paths source-first in lexicographic order.
    let unreached = u32::MAX;
    let mut distance = vec![unreached; graph.n_nodes()];
    let mut path_count = vec![0.0f64; graph.n_nodes()];
    let mut queue = vec![target];
    distance[target as usize] = 0;
    path_count[target as usize] = 1.0;
    let mut head = 0;
    while head < queue.len() {
        let node = queue[head];
        head += 1;
        let next_distance = distance[node as usize] + 1;
        if distance[source as usize] != unreached && next_distance > distance[source as usize] {
            break;
        }
        for &next in graph.row(node) {
            if distance[next as usize] == unreached {
                distance[next as usize] = next_distance;
                path_count[next as usize] = path_count[node as usize];
                queue.push(next);
            } else if distance[next as usize] == next_distance {
                path_count[next as usize] += path_count[node as usize];
            }
        }
    }
    let source_distance = distance[source as usize];
    if source_distance == unreached {
        return Ok(None);
    }

    // Depth-first walk from the source to neighbours one step closer to the target, smallest
    // index first. Each frame is (node, next neighbour slot to try).
    let mut paths = Vec::new();
    let mut stack: Vec<(u32, usize)> = vec![(source, 0)];
    while let Some(&mut (node, ref mut next_slot)) = stack.last_mut() {
        if paths.len() >= max_paths {
            break;
        }
        if node == target {
            paths.push(stack.iter().map(|&(step, _)| step).collect());
            stack.pop();
            continue;
        }
        let wanted = distance[node as usize] - 1;
        let row = graph.row(node);
        match row[*next_slot..]
            .iter()
            .position(|&closer| distance[closer as usize] == wanted)
        {
            Some(found) => {
                let closer = row[*next_slot + found];
                *next_slot += found + 1;
                stack.push((closer, 0));
            }
            None => {
                stack.pop();
            }
        }
    }
    Ok(Some(ShortestPaths {
        distance: source_distance,
        n_paths: path_count[source as usize],
        paths,
    }))
}
