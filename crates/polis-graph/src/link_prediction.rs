//! Link prediction: neighbourhood scores for a pair of nodes as networkx defines them, the
//! best-scoring non-neighbours of a node, and an honest evaluation (held-out ties against
//! sampled non-ties, precision@k and AUC) to compare a score with the popularity baseline.

use std::collections::HashSet;

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use crate::graph::pair_key;
use crate::{Graph, GraphError, MergedEdge};

/// A score for a candidate tie between two nodes, computed on the simple graph (degrees count
/// distinct neighbours). Names and formulas follow networkx's `link_prediction` module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkScore {
    /// `|N(u) ∩ N(v)|`, networkx `common_neighbors`.
    CommonNeighbours,
    /// `Σ 1 / ln(deg w)` over common neighbours `w`, networkx `adamic_adar_index`.
    AdamicAdar,
    /// `Σ 1 / deg w` over common neighbours `w`, networkx `resource_allocation_index`.
    ResourceAllocation,
    /// `deg u · deg v`, networkx `preferential_attachment`: the popularity baseline.
    PreferentialAttachment,
}

impl LinkScore {
    /// The score of the pair `(u, v)`.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`]; [`GraphError::InvalidParameter`] when `u == v`, which is
    /// no candidate tie (and would make Adamic–Adar divide by `ln 1 = 0`).
    pub fn score(self, graph: &Graph, u: u32, v: u32) -> Result<f64, GraphError> {
        graph.check(u)?;
        graph.check(v)?;
        if u == v {
            return Err(GraphError::invalid_parameter(
                "v",
                v,
                "a node other than u: a node is no candidate tie of itself",
            ));
        }
        Ok(self.score_unchecked(graph, u, v))
    }

    fn score_unchecked(self, graph: &Graph, u: u32, v: u32) -> f64 {
        if self == LinkScore::PreferentialAttachment {
            return graph.degree_of(u) as f64 * graph.degree_of(v) as f64;
        }
        let (mut left, mut right) = (graph.row(u), graph.row(v));
        let mut total = 0.0;
        while let (Some(&a), Some(&b)) = (left.first(), right.first()) {
            match a.cmp(&b) {
                std::cmp::Ordering::Less => left = &left[1..],
                std::cmp::Ordering::Greater => right = &right[1..],
                std::cmp::Ordering::Equal => {
                    total += self.via(graph.degree_of(a));
                    left = &left[1..];
                    right = &right[1..];
                }
            }
        }
        total
    }

    /// What one common neighbour of degree `degree` (at least 2) adds to the score.
    fn via(self, degree: usize) -> f64 {
        match self {
            LinkScore::CommonNeighbours => 1.0,
            LinkScore::AdamicAdar => 1.0 / (degree as f64).ln(),
            LinkScore::ResourceAllocation => 1.0 / degree as f64,
            LinkScore::PreferentialAttachment => 0.0,
        }
    }
}

/// A suggested tie for a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkCandidate {
    /// The suggested partner.
    pub node: u32,
    /// Its score under the requested [`LinkScore`].
    pub score: f64,
    /// How many neighbours the two share (at least 1).
    pub common_neighbours: u32,
}

/// The `n` best-scoring candidates for a new tie of `node`: the nodes at distance exactly 2
/// (neighbours of neighbours that are not already neighbours), highest score first, ties by
/// more common neighbours and then by smaller index. Costs one pass over the neighbours'
/// neighbour lists, not a search of the whole graph.
///
/// # Errors
/// [`GraphError::NodeOutOfRange`].
pub fn top_link_candidates(
    graph: &Graph,
    node: u32,
    score: LinkScore,
    n: usize,
) -> Result<Vec<LinkCandidate>, GraphError> {
    graph.check(node)?;
    let neighbours = graph.row(node);
    let mut candidates: Vec<LinkCandidate> = Vec::new();
    let mut slot_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for &middle in neighbours {
        let contribution = score.via(graph.degree_of(middle));
        for &far in graph.row(middle) {
            if far == node || neighbours.binary_search(&far).is_ok() {
                continue;
            }
            let slot = *slot_of.entry(far).or_insert_with(|| {
                candidates.push(LinkCandidate {
                    node: far,
                    score: 0.0,
                    common_neighbours: 0,
                });
                candidates.len() - 1
            });
            candidates[slot].score += contribution;
            candidates[slot].common_neighbours += 1;
        }
    }
    if score == LinkScore::PreferentialAttachment {
        for candidate in &mut candidates {
            candidate.score = score.score_unchecked(graph, node, candidate.node);
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.common_neighbours.cmp(&a.common_neighbours))
            .then(a.node.cmp(&b.node))
    });
    candidates.truncate(n);
    Ok(candidates)
}

/// A graph split for evaluating link prediction without peeking at the answers.
#[derive(Debug, Clone)]
pub struct LinkSplit {
    /// The graph without the held-out ties: scores must be computed on this.
    pub training: Graph,
    /// Ties removed from the graph: the positives to recover.
    pub held_out: Vec<(u32, u32)>,
    /// As many node pairs that are not tied in the full graph: the negatives.
    pub non_ties: Vec<(u32, u32)>,
}

/// Holds out a seeded random `held_out_fraction` of the merged edges (at least one when there
/// are two or more edges) and samples as many node pairs that are not tied in the full graph,
/// uniformly among pairs of distinct nodes. A held-out tie may leave a node isolated in
/// training; it is then honestly hard to predict. Fewer negatives come back only when the graph
/// is so dense that random pairs keep hitting ties.
///
/// # Errors
/// [`GraphError::InvalidParameter`] unless `0 < held_out_fraction < 1`.
pub fn split_for_link_prediction(
    graph: &Graph,
    held_out_fraction: f64,
    seed: u64,
) -> Result<LinkSplit, GraphError> {
    if !(held_out_fraction > 0.0 && held_out_fraction < 1.0) {
        return Err(GraphError::invalid_parameter(
            "held_out_fraction",
            held_out_fraction,
            "a fraction strictly between 0 and 1, such as 0.1",
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut edges: Vec<MergedEdge> = graph.edges().collect();
    let n_held_out = if edges.len() >= 2 {
        ((edges.len() as f64 * held_out_fraction).round() as usize).clamp(1, edges.len() - 1)
    } else {
        0
    };
    edges.shuffle(&mut rng);
    let held_out: Vec<(u32, u32)> = edges[..n_held_out]
        .iter()
        .map(|edge| (edge.smaller, edge.larger))
        .collect();
    let mut kept = edges[n_held_out..].to_vec();
    kept.sort_by_key(|edge| (edge.smaller, edge.larger));
    let training = Graph::from_sorted_merged(graph.n_nodes(), &kept);

    let n_nodes = graph.n_nodes();
    let mut non_ties = Vec::with_capacity(n_held_out);
    let mut seen: HashSet<u64> = HashSet::new();
    let max_attempts = 100 * n_held_out + 1000;
    let mut attempts = 0;
    while non_ties.len() < n_held_out && attempts < max_attempts && n_nodes >= 2 {
        attempts += 1;
        let u = rng.random_range(0..n_nodes as u32);
        let v = rng.random_range(0..n_nodes as u32);
        if u == v || graph.adjacent(u, v) || !seen.insert(pair_key(u, v)) {
            continue;
        }
        non_ties.push((u.min(v), u.max(v)));
    }
    Ok(LinkSplit {
        training,
        held_out,
        non_ties,
    })
}

/// How well a score separates held-out ties from non-ties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkEvaluation {
    /// Probability that a random held-out tie scores above a random non-tie, ties counting
    /// one half (the Mann–Whitney statistic). 0.5 is chance.
    pub auc: f64,
    /// Share of held-out ties among the `k` best-scoring pairs of held-out ties and non-ties.
    /// Pairs tied in score at the cut-off count by their share of positives (the expectation
    /// under random tie-breaking), so many zero scores cannot flatter a method.
    pub precision_at_k: f64,
    /// The `k` used: the requested one, capped at the number of pairs.
    pub k: usize,
}

/// Scores every held-out tie and non-tie of `split` on the training graph and measures AUC and
/// precision@k. Run it once with the method under study and once with
/// [`LinkScore::PreferentialAttachment`] for the popularity baseline.
///
/// # Errors
/// [`GraphError::NotEnoughPairs`] without at least one held-out tie and one non-tie;
/// [`GraphError::InvalidParameter`] for `k == 0`; [`GraphError::NodeOutOfRange`] if the
/// split's pairs do not belong to its training graph.
pub fn evaluate_link_prediction(
    split: &LinkSplit,
    score: LinkScore,
    k: usize,
) -> Result<LinkEvaluation, GraphError> {
    // evaluate_scores checks the pair counts and k; scoring first is harmless.
    let mut positives = Vec::with_capacity(split.held_out.len());
    let mut negatives = Vec::with_capacity(split.non_ties.len());
    for &(u, v) in &split.held_out {
        positives.push(score.score(&split.training, u, v)?);
    }
    for &(u, v) in &split.non_ties {
        negatives.push(score.score(&split.training, u, v)?);
    }
    evaluate_scores(&positives, &negatives, k)
}

/// AUC and precision@k of any scores: those of the held-out ties (`positives`) against those
/// of the non-ties (`negatives`), with the tie handling of [`evaluate_link_prediction`]. Use it
/// for a score that is not a [`LinkScore`], such as a blend of graph and attribute features.
///
/// # Errors
/// [`GraphError::NotEnoughPairs`] without at least one score on each side;
/// [`GraphError::InvalidParameter`] for `k == 0` or a NaN score.
pub fn evaluate_scores(
    positives: &[f64],
    negatives: &[f64],
    k: usize,
) -> Result<LinkEvaluation, GraphError> {
    let (n_positive, n_negative) = (positives.len(), negatives.len());
    if n_positive == 0 || n_negative == 0 {
        return Err(GraphError::NotEnoughPairs {
            n_positive,
            n_negative,
        });
    }
    if k == 0 {
        return Err(GraphError::invalid_parameter(
            "k",
            k,
            "at least 1 pair for precision@k",
        ));
    }
    if let Some(nan) = positives.iter().chain(negatives).find(|s| s.is_nan()) {
        return Err(GraphError::invalid_parameter(
            "score",
            nan,
            "a number, not NaN",
        ));
    }
    let mut scored: Vec<(f64, bool)> = Vec::with_capacity(n_positive + n_negative);
    scored.extend(positives.iter().map(|s| (*s, true)));
    scored.extend(negatives.iter().map(|s| (*s, false)));
    // Highest score first; groups of equal score are handled as one block below.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let k = k.min(scored.len());
    let mut positives_in_top = 0.0;
    let mut negatives_below = n_negative as f64;
    let mut positive_wins = 0.0;
    let mut start = 0;
    while start < scored.len() {
        let mut end = start;
        while end < scored.len() && scored[end].0 == scored[start].0 {
            end += 1;
        }
        let group_positive = scored[start..end].iter().filter(|entry| entry.1).count() as f64;
        let group_size = (end - start) as f64;
        let group_negative = group_size - group_positive;
        negatives_below -= group_negative;
        positive_wins += group_positive * (negatives_below + 0.5 * group_negative);
        if start < k {
            let taken = (k.min(end) - start) as f64;
            positives_in_top += taken * group_positive / group_size;
        }
        start = end;
    }
    Ok(LinkEvaluation {
        auc: positive_wins / (n_positive as f64 * n_negative as f64),
        precision_at_k: positives_in_top / k as f64,
        k,
    })
}
