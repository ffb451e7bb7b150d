//! The one error type of this crate: every way a caller's input can be wrong, named with the
//! offending value and what would have been accepted.

/// An input that the analytics cannot work with.
///
/// Every variant is a caller error: the functions in this crate have no internal failure
/// modes besides PageRank's explicit non-convergence.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// A node index is not below the graph's node count.
    #[error(
        "node {node} is out of range: the graph has {n_nodes} nodes, so valid indices are 0..{n_nodes}"
    )]
    NodeOutOfRange {
        /// The index that was passed.
        node: u64,
        /// The number of nodes in the graph.
        n_nodes: usize,
    },

    /// An edge weight is NaN, infinite or negative.
    #[error(
        "edge #{index} ({source_node}-{target_node}) has weight {weight}; weights must be finite and at least 0"
    )]
    InvalidWeight {
        /// Position of the edge in the input list.
        index: usize,
        /// First endpoint as given.
        source_node: u32,
        /// Second endpoint as given.
        target_node: u32,
        /// The rejected weight.
        weight: f64,
    },

    /// More nodes than `u32` indices can address.
    #[error("a graph can hold at most {max} nodes, got {n_nodes}")]
    TooManyNodes {
        /// The requested node count.
        n_nodes: usize,
        /// The largest supported node count.
        max: usize,
    },

    /// A numeric parameter is outside its accepted range.
    #[error("{name} = {value} is not accepted: expected {expected}")]
    InvalidParameter {
        /// The parameter's name as documented.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// What would have been accepted.
        expected: &'static str,
    },

    /// A per-node vector (a partition or a list of labels) has the wrong length.
    #[error(
        "{what} has {len} entries but the graph has {n_nodes} nodes; give exactly one per node"
    )]
    LengthMismatch {
        /// What the vector is, e.g. "the partition".
        what: &'static str,
        /// Its length.
        len: usize,
        /// The number of nodes in the graph.
        n_nodes: usize,
    },

    /// The same source node was listed twice for sampled betweenness.
    #[error("source node {node} is listed more than once; sources are sampled without replacement")]
    DuplicateSource {
        /// The repeated node.
        node: u32,
    },

    /// PageRank's power iteration did not reach the tolerance (networkx raises
    /// `PowerIterationFailedConvergence` in the same case).
    #[error(
        "PageRank did not converge in {max_iterations} iterations: last L1 change {last_change:e}, needed below {threshold:e}"
    )]
    PagerankNotConverged {
        /// The iteration budget that was used up.
        max_iterations: usize,
        /// The L1 change of the last iteration.
        last_change: f64,
        /// The convergence threshold, `n_nodes * tolerance`.
        threshold: f64,
    },

    /// Link-prediction evaluation needs at least one held-out tie and one non-tie.
    #[error(
        "link-prediction evaluation needs at least one held-out tie and one non-tie, got {n_positive} and {n_negative}"
    )]
    NotEnoughPairs {
        /// Number of held-out ties.
        n_positive: usize,
        /// Number of sampled non-ties.
        n_negative: usize,
    },
}

impl GraphError {
    pub(crate) fn invalid_parameter(
        name: &'static str,
        value: impl std::fmt::Display,
        expected: &'static str,
    ) -> Self {
        GraphError::InvalidParameter {
            name,
            value: value.to_string(),
            expected,
        }
    }
}
