//! Benchmark of polis-graph, driven by `bench/graph_bench.py`, which compares it with networkx
//! and python-igraph. Prints one JSON object: median timings and the results needed to
//! cross-check them.
//!
//! ```text
//! graph_bench wikipedia <twin_cities_raw.csv> [--repeats N] [--betweenness-repeats N]
//!                       [--modularity-seeds N]
//! graph_bench scale <n_nodes> [--ties-per-node K] [--sources S] [--repeats N]
//! ```
//!
//! `wikipedia` builds the twin-town graph (node key `city|country` as in the file, numbered by
//! first appearance, self-pairs dropped: the same rule as the Python side) and times every
//! analytic. `scale` times a synthetic graph of `n_nodes` nodes and `K` ties per node and
//! reports the peak resident memory (VmHWM) of the process.

use std::collections::HashMap;
use std::time::Instant;

use polis_graph::{
    BetweennessMethod, Graph, LouvainOptions, PagerankOptions, SyntheticOptions,
    betweenness_centrality_with, connected_components, core_numbers, louvain, pagerank,
    sampled_betweenness, synthetic_ties,
};
use serde_json::{Value, json};

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let result = match arguments.first().map(String::as_str) {
        Some("wikipedia") if arguments.len() >= 2 => wikipedia(&arguments[1], &arguments[2..]),
        Some("scale") if arguments.len() >= 2 => scale(&arguments[1], &arguments[2..]),
        _ => Err(
            "usage: graph_bench wikipedia <csv> [--repeats N] [--betweenness-repeats N] \
                  | graph_bench scale <n_nodes> [--ties-per-node K] [--sources S] [--repeats N]"
                .to_string(),
        ),
    };
    match result {
        Ok(report) => println!("{report}"),
        Err(message) => {
            eprintln!("graph_bench: {message}");
            std::process::exit(2);
        }
    }
}

/// The value of `--name` among `options`, or `default`.
fn option(options: &[String], name: &str, default: usize) -> Result<usize, String> {
    match options.iter().position(|option| option == name) {
        None => Ok(default),
        Some(index) => options
            .get(index + 1)
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("{name} needs a whole number")),
    }
}

/// Runs `work` `repeats` times; returns the median seconds, every run's seconds, and the last
/// result.
fn timed<T>(repeats: usize, mut work: impl FnMut(usize) -> T) -> (f64, Vec<f64>, T) {
    let mut seconds = Vec::new();
    let mut last = None;
    for run in 0..repeats.max(1) {
        let start = Instant::now();
        let result = work(run);
        seconds.push(start.elapsed().as_secs_f64());
        last = Some(result);
    }
    let mut sorted = seconds.clone();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    (median, seconds, last.expect("at least one run"))
}

fn timing(median: f64, runs: &[f64]) -> Value {
    json!({ "median_s": median, "runs_s": runs })
}

fn single_thread_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
}

fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

fn wikipedia(path: &str, options: &[String]) -> Result<String, String> {
    let repeats = option(options, "--repeats", 5)?;
    let betweenness_repeats = option(options, "--betweenness-repeats", 3)?;
    let modularity_seeds = option(options, "--modularity-seeds", 20)?;

    let start = Instant::now();
    let (n_nodes, edges) = read_twin_towns(path)?;
    let read_s = start.elapsed().as_secs_f64();
    let (build_median, build_runs, graph) = timed(repeats, |_| {
        Graph::from_edges(n_nodes, &edges).map_err(|e| e.to_string())
    });
    let graph = graph?;
    let one_thread = single_thread_pool();

    let (components_median, components_runs, components) =
        timed(repeats, |_| connected_components(&graph));
    let (pagerank_median, pagerank_runs, ranks) = timed(repeats, |_| {
        pagerank(&graph, &PagerankOptions::default()).expect("converges")
    });
    let (pagerank_1t_median, pagerank_1t_runs, _) = timed(repeats, |_| {
        one_thread.install(|| pagerank(&graph, &PagerankOptions::default()).expect("converges"))
    });
    let (cores_median, cores_runs, cores) = timed(repeats, |_| core_numbers(&graph));
    let (louvain_median, louvain_runs, _) = timed(repeats, |run| {
        let options = LouvainOptions {
            seed: run as u64,
            ..Default::default()
        };
        louvain(&graph, &options).expect("valid options")
    });
    // Quality varies with the seed: report it over more seeds than the timing runs.
    let (modularities, community_counts): (Vec<f64>, Vec<usize>) = (0..modularity_seeds as u64)
        .map(|seed| {
            let options = LouvainOptions {
                seed,
                ..Default::default()
            };
            let partition = louvain(&graph, &options).expect("valid options");
            (partition.modularity, partition.sizes.len())
        })
        .unzip();
    let (betweenness_median, betweenness_runs, betweenness) = timed(betweenness_repeats, |_| {
        betweenness_centrality_with(&graph, BetweennessMethod::LeafFolding)
    });
    let (betweenness_1t_median, betweenness_1t_runs, _) = timed(betweenness_repeats, |_| {
        one_thread.install(|| betweenness_centrality_with(&graph, BetweennessMethod::LeafFolding))
    });
    let (brandes_median, brandes_runs, brandes) = timed(betweenness_repeats, |_| {
        betweenness_centrality_with(&graph, BetweennessMethod::Brandes)
    });
    let folding_vs_plain = betweenness
        .iter()
        .zip(&brandes)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let (sampled_median, sampled_runs, sampled) = timed(repeats, |run| {
        sampled_betweenness(&graph, 500, run as u64).expect("valid k")
    });

    let report = json!({
        "mode": "wikipedia",
        "threads": rayon::current_num_threads(),
        "n_nodes": graph.n_nodes(),
        "n_edges": graph.n_edges(),
        "timings": {
            "read_csv": timing(read_s, &[read_s]),
            "build": timing(build_median, &build_runs),
            "components": timing(components_median, &components_runs),
            "pagerank": timing(pagerank_median, &pagerank_runs),
            "pagerank_1_thread": timing(pagerank_1t_median, &pagerank_1t_runs),
            "core_numbers": timing(cores_median, &cores_runs),
            "louvain": timing(louvain_median, &louvain_runs),
            "betweenness": timing(betweenness_median, &betweenness_runs),
            "betweenness_1_thread": timing(betweenness_1t_median, &betweenness_1t_runs),
            "betweenness_plain_brandes": timing(brandes_median, &brandes_runs),
            "sampled_betweenness_500": timing(sampled_median, &sampled_runs),
        },
        "results": {
            "n_components": components.n_components(),
            "largest_component": components.largest_size(),
            "max_core": cores.iter().max(),
            "louvain_modularity_per_seed": modularities,
            "louvain_communities_per_seed": community_counts,
            "pagerank": ranks,
            "betweenness": betweenness,
            "betweenness_leaf_folding_vs_plain_max_abs_diff": folding_vs_plain,
            "sampled_betweenness_500_max_standard_error":
                sampled.standard_errors.iter().copied().fold(0.0, f64::max),
        },
        "peak_memory_bytes": peak_memory_bytes(),
    });
    Ok(report.to_string())
}

/// An input edge: two node indices and a weight.
type Edge = (u32, u32, f64);

/// Reads the twin-town CSV into `(n_nodes, edges)`: nodes keyed `city|country`, numbered by
/// first appearance, rows pairing a key with itself dropped.
fn read_twin_towns(path: &str) -> Result<(usize, Vec<Edge>), String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    let mut index_of: HashMap<String, u32> = HashMap::new();
    let mut edges = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{path}: row {}: {e}", line + 2))?;
        let first = format!("{}|{}", &record[0], &record[1]);
        let second = format!("{}|{}", &record[2], &record[3]);
        if first == second {
            continue;
        }
        let mut index = |key: String| {
            let next = index_of.len() as u32;
            *index_of.entry(key).or_insert(next)
        };
        let (u, v) = (index(first), index(second));
        edges.push((u, v, 1.0));
    }
    Ok((index_of.len(), edges))
}

fn scale(n_nodes: &str, options: &[String]) -> Result<String, String> {
    let n_nodes: usize = n_nodes
        .parse()
        .map_err(|_| format!("n_nodes must be a whole number, got {n_nodes}"))?;
    let ties_per_node = option(options, "--ties-per-node", 5)? as u32;
    let n_sources = option(options, "--sources", 100)?;
    let repeats = option(options, "--repeats", 3)?;
    let synthetic = SyntheticOptions {
        n_nodes,
        ties_per_node,
        local_share: 0.5,
        seed: 1,
    };
    let start = Instant::now();
    let edges = synthetic_ties(&synthetic).map_err(|e| e.to_string())?;
    let generate_s = start.elapsed().as_secs_f64();
    let (build_median, build_runs, graph) = timed(repeats, |_| {
        Graph::from_edges(n_nodes, &edges).expect("valid edges")
    });
    drop(edges);
    let (components_median, components_runs, components) =
        timed(repeats, |_| connected_components(&graph));
    let (pagerank_median, pagerank_runs, _) = timed(repeats, |_| {
        pagerank(&graph, &PagerankOptions::default()).expect("converges")
    });
    // networkx's rule stops at an L1 change below n * tolerance, which is loose on big graphs
    // (1.0 at a million nodes); also time a strict run.
    let strict = PagerankOptions {
        tolerance: 1e-10,
        max_iterations: 1_000,
        ..Default::default()
    };
    let (strict_median, strict_runs, _) =
        timed(repeats, |_| pagerank(&graph, &strict).expect("converges"));
    let (cores_median, cores_runs, cores) = timed(repeats, |_| core_numbers(&graph));
    let (sampled_median, sampled_runs, sampled) = timed(repeats, |run| {
        sampled_betweenness(&graph, n_sources, run as u64).expect("valid k")
    });
    let (louvain_median, louvain_runs, partition) = timed(repeats, |run| {
        let options = LouvainOptions {
            seed: run as u64,
            ..Default::default()
        };
        louvain(&graph, &options).expect("valid options")
    });
    let report = json!({
        "mode": "scale",
        "threads": rayon::current_num_threads(),
        "n_nodes": graph.n_nodes(),
        "n_edges": graph.n_edges(),
        "sampled_sources": n_sources,
        "timings": {
            "generate": timing(generate_s, &[generate_s]),
            "build": timing(build_median, &build_runs),
            "components": timing(components_median, &components_runs),
            "pagerank": timing(pagerank_median, &pagerank_runs),
            "pagerank_tolerance_1e-10": timing(strict_median, &strict_runs),
            "core_numbers": timing(cores_median, &cores_runs),
            "sampled_betweenness": timing(sampled_median, &sampled_runs),
            "louvain": timing(louvain_median, &louvain_runs),
        },
        "results": {
            "n_components": components.n_components(),
            "largest_component": components.largest_size(),
            "max_core": cores.iter().max(),
            "max_sampled_betweenness": sampled.scores.iter().copied().fold(0.0, f64::max),
            "louvain_modularity": partition.modularity,
            "louvain_communities": partition.sizes.len(),
        },
        "peak_memory_bytes": peak_memory_bytes(),
    });
    Ok(report.to_string())
}
