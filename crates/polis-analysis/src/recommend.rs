//! The partner finder: candidate partners for a place, each with the reasons behind it, and
//! an honest evaluation on held-out real ties.
//!
//! Score, from 0 to 1, a weighted sum of features that are each between 0 and 1:
//! - 0.50 × shared partners: resource allocation (the sum of 1/degree over common partners),
//!   divided by the best candidate's;
//! - 0.15 × shared networks: networks both are members of, three or more counting fully;
//! - 0.15 × themes: with `--theme`, 1 when the candidate's ties or networks carry the theme;
//!   otherwise the themes the two places' ties share, three or more counting fully;
//! - 0.10 × similar size: 1 − |log10(population ratio)| / 2, floored at 0;
//! - 0.10 × country pair: ln(1 + ties already between the two countries), divided by the
//!   largest such value among the candidates.
//!
//! Distance is reported as a reason but not scored: near and far partners both have their
//! uses. Candidates are places in other countries that are not partners yet: partners of
//! partners, fellow members of the place's networks, places whose ties carry the theme, and
//! places in countries the place's country already pairs with.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use polis_core::text::fold;
use polis_core::{Dataset, PartialDate};
use polis_graph::{Graph, GraphError, LinkScore};
use serde::Serialize;

use crate::PlaceIndex;
use crate::geo::haversine_km;
use crate::network::{Snapshot, country_pair_counts};

pub const WEIGHT_SHARED_PARTNERS: f64 = 0.50;
pub const WEIGHT_NETWORKS: f64 = 0.15;
pub const WEIGHT_THEMES: f64 = 0.15;
pub const WEIGHT_SIZE: f64 = 0.10;
pub const WEIGHT_COUNTRY_PAIR: f64 = 0.10;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecommendError {
    #[error("no place has the id '{0}'")]
    UnknownPlace(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub id: String,
    pub name: String,
    pub country: String,
    pub score: f64,
    /// Plain-language reasons, strongest first.
    pub reasons: Vec<String>,
    pub shared_partners: Vec<String>,
    pub shared_networks: Vec<String>,
    pub shared_themes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population_ratio: Option<f64>,
    pub country_pair_ties: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendations {
    pub place: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    pub n_partners: usize,
    pub n_candidates_scored: usize,
    pub candidates: Vec<Recommendation>,
}

/// What the features need, computed once per dataset.
struct Context<'a> {
    places: PlaceIndex<'a>,
    snapshot: Snapshot,
    networks_of: HashMap<&'a str, BTreeSet<&'a str>>,
    members_of: HashMap<&'a str, Vec<&'a str>>,
    themes_of: HashMap<&'a str, BTreeSet<String>>,
    network_names: HashMap<&'a str, &'a str>,
    country_pairs: BTreeMap<(String, String), u64>,
}

fn population(places: &PlaceIndex, id: &str) -> Option<f64> {
    places
        .get(id)
        .and_then(|p| p.shown_population())
        .map(|p| p.value as f64)
        .filter(|v| *v > 0.0)
}

impl<'a> Context<'a> {
    fn new(data: &'a Dataset, as_of: Option<&PartialDate>) -> Result<Self, GraphError> {
        let places = PlaceIndex::new(data);
        let snapshot = Snapshot::build(data, as_of)?;
        let mut networks_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        let mut members_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for m in &data.memberships {
            networks_of
                .entry(m.member.as_str())
                .or_default()
                .insert(m.network.as_str());
            members_of
                .entry(m.network.as_str())
                .or_default()
                .push(m.member.as_str());
        }
        let network_themes: HashMap<&str, &Vec<String>> = data
            .networks
            .iter()
            .map(|n| (n.id.as_str(), &n.themes))
            .collect();
        let mut themes_of: HashMap<&str, BTreeSet<String>> = HashMap::new();
        for tie in &data.ties {
            for theme in &tie.themes {
                themes_of
                    .entry(tie.a.as_str())
                    .or_default()
                    .insert(fold(theme));
                themes_of
                    .entry(tie.b.as_str())
                    .or_default()
                    .insert(fold(theme));
            }
        }
        for (member, networks) in &networks_of {
            for network in networks {
                for theme in network_themes
                    .get(network)
                    .into_iter()
                    .flat_map(|t| t.iter())
                {
                    themes_of.entry(member).or_default().insert(fold(theme));
                }
            }
        }
        let country_pairs = country_pair_counts(&snapshot, &places);
        Ok(Context {
            network_names: data
                .networks
                .iter()
                .map(|n| (n.id.as_str(), n.name.as_str()))
                .collect(),
            places,
            snapshot,
            networks_of,
            members_of,
            themes_of,
            country_pairs,
        })
    }

    fn country_pair(&self, a: &str, b: &str) -> u64 {
        let (x, y) = (
            self.places.country_of(a).to_owned(),
            self.places.country_of(b).to_owned(),
        );
        let key = if x <= y { (x, y) } else { (y, x) };
        self.country_pairs.get(&key).copied().unwrap_or(0)
    }
}

fn size_similarity(p: Option<f64>, q: Option<f64>) -> Option<f64> {
    let (p, q) = (p?, q?);
    Some((1.0 - (p / q).log10().abs() / 2.0).max(0.0))
}

/// Resource allocation between two nodes of a graph (0 when either is not in it).
fn resource_allocation(graph: &Graph, u: Option<u32>, v: Option<u32>) -> f64 {
    match (u, v) {
        (Some(u), Some(v)) => LinkScore::ResourceAllocation
            .score(graph, u, v)
            .unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Up to `top` candidate partners for `place_id`, best first.
pub fn recommend(
    data: &Dataset,
    place_id: &str,
    top: usize,
    theme: Option<&str>,
    as_of: Option<&PartialDate>,
) -> Result<Recommendations, RecommendError> {
    let ctx = Context::new(data, as_of)?;
    let place = ctx
        .places
        .get(place_id)
        .ok_or_else(|| RecommendError::UnknownPlace(place_id.to_owned()))?;
    let own_country = ctx.places.country_of(place_id);
    let node = ctx.snapshot.index.get(place_id).copied();
    let g = &ctx.snapshot.graph;
    let partners: HashSet<&str> = match node {
        Some(n) => g
            .neighbours(n)?
            .iter()
            .map(|&m| ctx.snapshot.place_ids[m as usize].as_str())
            .collect(),
        None => HashSet::new(),
    };
    let theme_key = theme.map(fold);

    // The candidate pool.
    let mut pool: BTreeSet<&str> = BTreeSet::new();
    if let Some(n) = node {
        for &partner in g.neighbours(n)? {
            for &second in g.neighbours(partner)? {
                pool.insert(ctx.snapshot.place_ids[second as usize].as_str());
            }
        }
    }
    for network in ctx.networks_of.get(place_id).into_iter().flatten() {
        pool.extend(ctx.members_of.get(network).into_iter().flatten().copied());
    }
    if let Some(key) = &theme_key {
        pool.extend(
            ctx.themes_of
                .iter()
                .filter(|(_, themes)| themes.contains(key))
                .map(|(id, _)| *id),
        );
    }
    if pool.len() < top * 5 {
        // Places in the countries this country already pairs with, most tied first.
        let mut by_degree: Vec<(usize, &str)> = ctx
            .snapshot
            .place_ids
            .iter()
            .enumerate()
            .filter(|(i, id)| ctx.country_pair(place_id, id) > 0 && g.degree(*i as u32).is_ok())
            .map(|(i, id)| (g.degree(i as u32).unwrap_or(0), id.as_str()))
            .collect();
        by_degree.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
        pool.extend(by_degree.into_iter().take(top * 20).map(|(_, id)| id));
    }
    pool.retain(|id| {
        *id != place_id
            && !partners.contains(id)
            && ctx.places.country_of(id) != own_country
            && ctx.places.get(id).is_some()
    });

    let own_themes = ctx.themes_of.get(place_id).cloned().unwrap_or_default();
    let own_networks = ctx.networks_of.get(place_id).cloned().unwrap_or_default();
    let own_population = population(&ctx.places, place_id);
    let own_coordinates = place.shown_coordinates();
    struct Raw<'b> {
        id: &'b str,
        ra: f64,
        shared_partners: Vec<String>,
        shared_networks: Vec<String>,
        shared_themes: Vec<String>,
        theme_hit: bool,
        size: Option<f64>,
        pair: u64,
        distance: Option<f64>,
        ratio: Option<f64>,
    }
    let mut raws: Vec<Raw> = pool
        .iter()
        .map(|id| {
            let other = ctx.snapshot.index.get(*id).copied();
            let shared_partners: Vec<String> = match (node, other) {
                (Some(_), Some(o)) => g
                    .neighbours(o)
                    .map(|ns| {
                        ns.iter()
                            .map(|&m| ctx.snapshot.place_ids[m as usize].as_str())
                            .filter(|p| partners.contains(p))
                            .map(|p| ctx.places.get(p).map_or(p.to_owned(), |x| x.name.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let their_networks = ctx.networks_of.get(id).cloned().unwrap_or_default();
            let their_themes = ctx.themes_of.get(id).cloned().unwrap_or_default();
            let their_population = population(&ctx.places, id);
            Raw {
                id,
                ra: resource_allocation(g, node, other),
                shared_partners,
                shared_networks: own_networks
                    .intersection(&their_networks)
                    .map(|n| ctx.network_names.get(n).copied().unwrap_or(n).to_owned())
                    .collect(),
                shared_themes: own_themes.intersection(&their_themes).cloned().collect(),
                theme_hit: theme_key.as_ref().is_some_and(|k| their_themes.contains(k)),
                size: size_similarity(own_population, their_population),
                pair: ctx.country_pair(place_id, id),
                distance: own_coordinates
                    .zip(ctx.places.get(id).and_then(|p| p.shown_coordinates()))
                    .map(|(a, b)| (haversine_km(a.lat, a.lon, b.lat, b.lon) * 10.0).round() / 10.0),
                ratio: own_population
                    .zip(their_population)
                    .map(|(p, q)| ((q / p) * 100.0).round() / 100.0),
            }
        })
        .collect();
    let max_ra = raws.iter().map(|r| r.ra).fold(0.0, f64::max);
    let max_pair = raws
        .iter()
        .map(|r| ((1 + r.pair) as f64).ln())
        .fold(0.0, f64::max);
    let mut scored: Vec<Recommendation> = raws
        .drain(..)
        .map(|r| {
            let f_shared = if max_ra > 0.0 { r.ra / max_ra } else { 0.0 };
            let f_networks = (r.shared_networks.len() as f64 / 3.0).min(1.0);
            let f_themes = if theme_key.is_some() {
                f64::from(u8::from(r.theme_hit))
            } else {
                (r.shared_themes.len() as f64 / 3.0).min(1.0)
            };
            let f_size = r.size.unwrap_or(0.0);
            let f_pair = if max_pair > 0.0 {
                ((1 + r.pair) as f64).ln() / max_pair
            } else {
                0.0
            };
            let score = WEIGHT_SHARED_PARTNERS * f_shared
                + WEIGHT_NETWORKS * f_networks
                + WEIGHT_THEMES * f_themes
                + WEIGHT_SIZE * f_size
                + WEIGHT_COUNTRY_PAIR * f_pair;
            let mut reasons: Vec<(f64, String)> = Vec::new();
            if !r.shared_partners.is_empty() {
                let names: Vec<&str> = r
                    .shared_partners
                    .iter()
                    .take(5)
                    .map(String::as_str)
                    .collect();
                reasons.push((
                    WEIGHT_SHARED_PARTNERS * f_shared,
                    format!(
                        "{} shared partner(s): {}",
                        r.shared_partners.len(),
                        names.join(", ")
                    ),
                ));
            }
            if !r.shared_networks.is_empty() {
                reasons.push((
                    WEIGHT_NETWORKS * f_networks,
                    format!("both in {}", r.shared_networks.join(", ")),
                ));
            }
            if r.theme_hit {
                reasons.push((
                    WEIGHT_THEMES,
                    format!("works on {}", theme.unwrap_or_default()),
                ));
            } else if !r.shared_themes.is_empty() {
                reasons.push((
                    WEIGHT_THEMES * f_themes,
                    format!("shared themes: {}", r.shared_themes.join(", ")),
                ));
            }
            if let (Some(ratio), Some(size)) = (r.ratio, r.size)
                && size >= 0.75
            {
                reasons.push((
                    WEIGHT_SIZE * f_size,
                    format!("similar size (population ratio {ratio})"),
                ));
            }
            if r.pair > 0 {
                reasons.push((
                    WEIGHT_COUNTRY_PAIR * f_pair,
                    format!(
                        "{} existing ties between {} and {}",
                        r.pair,
                        own_country,
                        ctx.places.country_of(r.id)
                    ),
                ));
            }
            reasons.sort_by(|x, y| y.0.total_cmp(&x.0));
            let mut reasons: Vec<String> = reasons.into_iter().map(|(_, text)| text).collect();
            if let Some(km) = r.distance {
                reasons.push(format!("{km:.0} km away"));
            }
            Recommendation {
                id: r.id.to_owned(),
                name: ctx
                    .places
                    .get(r.id)
                    .map_or_else(|| r.id.to_owned(), |p| p.name.clone()),
                country: ctx.places.country_of(r.id).to_owned(),
                score: (score * 1e4).round() / 1e4,
                reasons,
                shared_partners: r.shared_partners,
                shared_networks: r.shared_networks,
                shared_themes: r.shared_themes,
                distance_km: r.distance,
                population_ratio: r.ratio,
                country_pair_ties: r.pair,
            }
        })
        .collect();
    let n_scored = scored.len();
    scored.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.id.cmp(&y.id)));
    scored.truncate(top);
    Ok(Recommendations {
        place: place_id.to_owned(),
        name: place.name.clone(),
        theme: theme.map(str::to_owned),
        n_partners: partners.len(),
        n_candidates_scored: n_scored,
        candidates: scored,
    })
}

/// A score of a pair of nodes.
type PairScore<'a> = &'a dyn Fn(u32, u32) -> f64;

/// One method's figures on held-out ties.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodEvaluation {
    pub method: String,
    /// Probability that a held-out tie outscores a random non-tie (0.5 is chance).
    pub auc: f64,
    /// Share of held-out ties among the 10 best-scoring pairs of held-out ties and non-ties.
    pub precision_at_10: f64,
    /// Share of held-out ties among the best-scoring pairs, as many as there are held-out
    /// ties (R-precision).
    pub r_precision: f64,
    /// For sampled held-out ties (u, v): how often v is among u's 10 best candidates.
    pub hit_rate_at_10: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub seed: u64,
    pub held_out_fraction: f64,
    pub n_held_out: usize,
    pub n_non_ties: usize,
    pub n_hit_rate_sample: usize,
    pub methods: Vec<MethodEvaluation>,
}

/// Holds out `fraction` of the ties in force, scores them against as many random non-ties on
/// the remaining graph, and compares the blended score (without themes, which the held-out
/// ties' own records would leak), shared partners alone, and the popularity baseline
/// (preferential attachment).
pub fn evaluate(
    data: &Dataset,
    fraction: f64,
    seed: u64,
    as_of: Option<&PartialDate>,
) -> Result<Evaluation, RecommendError> {
    let full = Context::new(data, as_of)?;
    let split = polis_graph::split_for_link_prediction(&full.snapshot.graph, fraction, seed)?;
    let training = &split.training;
    let ids = &full.snapshot.place_ids;
    // Country-pair counts from the training ties only.
    let mut pairs: HashMap<(&str, &str), u64> = HashMap::new();
    for edge in training.edges() {
        let (a, b) = (
            full.places.country_of(&ids[edge.smaller as usize]),
            full.places.country_of(&ids[edge.larger as usize]),
        );
        *pairs
            .entry(if a <= b { (a, b) } else { (b, a) })
            .or_default() += 1;
    }
    let max_pair = pairs
        .values()
        .map(|n| ((1 + n) as f64).ln())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let ra = |u: u32, v: u32| {
        LinkScore::ResourceAllocation
            .score(training, u, v)
            .unwrap_or(0.0)
    };
    // RA is normalised by a fixed scale here (not per query): 1 / (1 + 1/RA) maps it to 0..1.
    let blended = |u: u32, v: u32| {
        let (a, b) = (ids[u as usize].as_str(), ids[v as usize].as_str());
        let r = ra(u, v);
        let f_shared = r / (r + 0.1);
        let networks_a = full.networks_of.get(a);
        let shared_networks = match (networks_a, full.networks_of.get(b)) {
            (Some(x), Some(y)) => x.intersection(y).count(),
            _ => 0,
        };
        let f_networks = (shared_networks as f64 / 3.0).min(1.0);
        let f_size = size_similarity(population(&full.places, a), population(&full.places, b))
            .unwrap_or(0.0);
        let (ca, cb) = (full.places.country_of(a), full.places.country_of(b));
        let pair = pairs
            .get(&if ca <= cb { (ca, cb) } else { (cb, ca) })
            .copied()
            .unwrap_or(0);
        let f_pair = ((1 + pair) as f64).ln() / max_pair;
        WEIGHT_SHARED_PARTNERS * f_shared
            + WEIGHT_NETWORKS * f_networks
            + WEIGHT_SIZE * f_size
            + WEIGHT_COUNTRY_PAIR * f_pair
    };
    let popularity = |u: u32, v: u32| {
        LinkScore::PreferentialAttachment
            .score(training, u, v)
            .unwrap_or(0.0)
    };
    let methods: [(&str, PairScore); 3] = [
        ("blended (partner finder)", &blended),
        ("shared partners (resource allocation)", &ra),
        ("popularity baseline (preferential attachment)", &popularity),
    ];

    // Hit rate: for a sample of held-out ties, rank u's candidates (partners of partners and
    // places in paired countries) and see whether v makes the top 10.
    let sample: Vec<(u32, u32)> = split.held_out.iter().copied().take(300).collect();
    let mut results = Vec::new();
    for (name, score) in methods {
        let positives: Vec<f64> = split.held_out.iter().map(|&(u, v)| score(u, v)).collect();
        let negatives: Vec<f64> = split.non_ties.iter().map(|&(u, v)| score(u, v)).collect();
        let at_10 = polis_graph::evaluate_scores(&positives, &negatives, 10)?;
        let at_r = polis_graph::evaluate_scores(&positives, &negatives, positives.len())?;
        let mut hits = 0;
        for &(u, v) in &sample {
            let candidates = candidate_nodes(training, u);
            let mut ranked: Vec<(f64, u32)> =
                candidates.into_iter().map(|c| (score(u, c), c)).collect();
            ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            if ranked.iter().take(10).any(|(_, c)| *c == v) {
                hits += 1;
            }
        }
        results.push(MethodEvaluation {
            method: name.to_owned(),
            auc: (at_10.auc * 1e4).round() / 1e4,
            precision_at_10: at_10.precision_at_k,
            r_precision: (at_r.precision_at_k * 1e4).round() / 1e4,
            hit_rate_at_10: if sample.is_empty() {
                0.0
            } else {
                (hits as f64 / sample.len() as f64 * 1e4).round() / 1e4
            },
        });
    }
    Ok(Evaluation {
        seed,
        held_out_fraction: fraction,
        n_held_out: split.held_out.len(),
        n_non_ties: split.non_ties.len(),
        n_hit_rate_sample: sample.len(),
        methods: results,
    })
}

/// The nodes a recommendation for `u` ranks: partners of partners, and the 200 best-connected
/// nodes (so that the popularity baseline has its own candidates), minus u and its partners.
fn candidate_nodes(graph: &Graph, u: u32) -> Vec<u32> {
    let partners: HashSet<u32> = graph
        .neighbours(u)
        .map(|n| n.iter().copied().collect())
        .unwrap_or_default();
    let mut pool: BTreeSet<u32> = BTreeSet::new();
    for &p in &partners {
        if let Ok(next) = graph.neighbours(p) {
            pool.extend(next.iter().copied());
        }
    }
    let mut by_degree: Vec<(usize, u32)> = (0..graph.n_nodes() as u32)
        .map(|n| (graph.degree(n).unwrap_or(0), n))
        .collect();
    by_degree.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    pool.extend(by_degree.into_iter().take(200).map(|(_, n)| n));
    pool.into_iter()
        .filter(|c| *c != u && !partners.contains(c))
        .collect()
}
