#!/usr/bin/env python3
"""Side-by-side benchmark of polis-graph against networkx and python-igraph.

Builds the Wikipedia twin-town graph from one CSV in networkx and igraph (node key
`city|country` exactly as in the file, numbered by first appearance, self-pairs dropped),
runs components, PageRank, k-core, Louvain/multilevel with modularity and exact betweenness,
runs the Rust example `graph_bench` on the same file, cross-checks the results and prints a
table of medians and ratios. `--scale` instead times synthetic graphs of 10k, 100k and 1M
nodes (5 ties per node) in polis-graph alone, with peak memory.

    python3 -m venv bench/.venv
    bench/.venv/bin/pip install networkx scipy python-igraph
    bench/.venv/bin/python bench/graph_bench.py                 # Wikipedia comparison
    bench/.venv/bin/python bench/graph_bench.py --with-networkx-betweenness   # + ~20 min
    bench/.venv/bin/python bench/graph_bench.py --scale         # 10k / 100k / 1M nodes

The Rust side is built with `cargo build --release -p polis-graph --example graph_bench`
(honouring CARGO_TARGET_DIR). Raw results go to bench/out/ (not committed).
"""

import argparse
import csv
import json
import os
import pathlib
import platform
import random
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_CSV = REPO.parent / "shared/data/wikipedia-twin-towns/twin_cities_raw.csv"
OUT = REPO / "bench/out"
ARGS = None


def load_edges(path):
    """Edges as index pairs, with the node-key rule shared with the Rust example."""
    index_of = {}
    edges = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            first, second = f"{row[0]}|{row[1]}", f"{row[2]}|{row[3]}"
            if first == second:
                continue
            for key in (first, second):
                if key not in index_of:
                    index_of[key] = len(index_of)
            edges.append((index_of[first], index_of[second]))
    return len(index_of), edges


def timed(repeats, work):
    """Median seconds over `repeats` runs, and the last result."""
    seconds = []
    result = None
    for run in range(repeats):
        start = time.perf_counter()
        result = work(run)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def rust_binary():
    if ARGS.polis_binary:
        return ARGS.polis_binary
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    command = ["cargo", "build", "--release", "-p", "polis-graph", "--example", "graph_bench"]
    subprocess.run(command, cwd=REPO, check=True)
    return target / "release/examples/graph_bench"


def run_rust(arguments):
    output = subprocess.run(
        [str(rust_binary()), *arguments], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def top(values, count=20):
    return sorted(range(len(values)), key=lambda node: (-values[node], node))[:count]


def max_abs_diff(a, b):
    return max(abs(x - y) for x, y in zip(a, b))


def ratio(theirs, ours):
    return f"{theirs / ours:.1f}x" if theirs and ours else "-"


def milliseconds(seconds):
    return f"{seconds * 1000:.1f}" if seconds is not None else "-"


def wikipedia(args):
    import igraph as ig
    import networkx as nx

    n_nodes, edges = load_edges(args.csv)
    repeats = args.repeats
    report = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count()}

    build_nx, graph = timed(repeats, lambda _: build_networkx(nx, n_nodes, edges))
    build_ig, igraph_graph = timed(repeats, lambda _: build_igraph(ig, n_nodes, edges))
    assert igraph_graph.vcount() == graph.number_of_nodes()
    assert igraph_graph.ecount() == graph.number_of_edges()

    nx_times, ig_times, nx_results, ig_results = {}, {}, {}, {}
    nx_times["build"], ig_times["build"] = build_nx, build_ig

    nx_times["components"], components = timed(
        repeats, lambda _: list(nx.connected_components(graph))
    )
    nx_results["components"] = sorted((len(c) for c in components), reverse=True)
    ig_times["components"], ig_components = timed(
        repeats, lambda _: igraph_graph.connected_components()
    )
    ig_results["components"] = sorted(ig_components.sizes(), reverse=True)

    nx_times["pagerank"], ranks = timed(repeats, lambda _: nx.pagerank(graph))
    nx_results["pagerank"] = [ranks[node] for node in range(n_nodes)]
    ig_times["pagerank"], ig_results["pagerank"] = timed(
        repeats, lambda _: igraph_graph.pagerank()
    )
    ig_times["pagerank_arpack"], _ = timed(
        repeats, lambda _: igraph_graph.pagerank(implementation="arpack")
    )

    nx_times["core_numbers"], cores = timed(repeats, lambda _: nx.core_number(graph))
    nx_results["max_core"] = max(cores.values())
    ig_times["core_numbers"], ig_cores = timed(repeats, lambda _: igraph_graph.coreness())
    ig_results["max_core"] = max(ig_cores)

    def nx_louvain(run):
        communities = nx.community.louvain_communities(graph, seed=run)
        return nx.community.modularity(graph, communities)

    def ig_multilevel(run):
        random.seed(run)
        return igraph_graph.community_multilevel().modularity

    nx_modularities = []
    nx_times["louvain"], _ = timed(
        repeats, lambda run: nx_modularities.append(nx_louvain(run))
    )
    ig_times["louvain"], _ = timed(repeats, ig_multilevel)
    # Quality varies with the seed: igraph over as many seeds as polis (networkx is too slow).
    ig_modularities = [ig_multilevel(seed) for seed in range(args.modularity_seeds)]
    nx_results["modularity"], ig_results["modularity"] = nx_modularities, ig_modularities

    scale = 2.0 / ((n_nodes - 1) * (n_nodes - 2))
    ig_times["betweenness"], raw = timed(
        args.betweenness_repeats, lambda _: igraph_graph.betweenness(directed=False)
    )
    ig_results["betweenness"] = [value * scale for value in raw]
    if args.with_networkx_betweenness:
        nx_times["betweenness"], values = timed(
            1, lambda _: nx.betweenness_centrality(graph, normalized=True)
        )
        nx_results["betweenness"] = [values[node] for node in range(n_nodes)]

    polis = run_rust(
        [
            "wikipedia",
            str(args.csv),
            "--repeats",
            str(repeats),
            "--betweenness-repeats",
            str(args.betweenness_repeats),
            "--modularity-seeds",
            str(args.modularity_seeds),
        ]
    )
    polis_times = {name: value["median_s"] for name, value in polis["timings"].items()}
    results = polis["results"]

    checks = {
        "nodes": (polis["n_nodes"], graph.number_of_nodes()),
        "edges": (polis["n_edges"], graph.number_of_edges()),
        "components": (results["n_components"], len(nx_results["components"])),
        "largest component": (results["largest_component"], nx_results["components"][0]),
        "components (igraph)": (results["n_components"], len(ig_results["components"])),
        "max core": (results["max_core"], nx_results["max_core"]),
        "max core (igraph)": (results["max_core"], ig_results["max_core"]),
    }
    cross = {name: {"polis": ours, "reference": theirs, "equal": ours == theirs}
             for name, (ours, theirs) in checks.items()}
    cross["pagerank max abs diff vs networkx"] = max_abs_diff(
        results["pagerank"], nx_results["pagerank"]
    )
    cross["pagerank max abs diff vs igraph (PRPACK, exact solve)"] = max_abs_diff(
        results["pagerank"], ig_results["pagerank"]
    )
    cross["betweenness max abs diff vs igraph"] = max_abs_diff(
        results["betweenness"], ig_results["betweenness"]
    )
    cross["betweenness top-20 equal to igraph"] = top(results["betweenness"]) == top(
        ig_results["betweenness"]
    )
    if "betweenness" in nx_results:
        cross["betweenness max abs diff vs networkx"] = max_abs_diff(
            results["betweenness"], nx_results["betweenness"]
        )
        cross["betweenness top-20 equal to networkx"] = top(results["betweenness"]) == top(
            nx_results["betweenness"]
        )
    polis_modularities = results["louvain_modularity_per_seed"]
    for name, values in [
        (f"polis, seeds 0-{args.modularity_seeds - 1}", polis_modularities),
        (f"igraph, seeds 0-{args.modularity_seeds - 1}", ig_modularities),
        (f"networkx, seeds 0-{repeats - 1}", nx_modularities),
    ]:
        cross[f"modularity {name}: median / min / max"] = [
            round(statistics.median(values), 4), round(min(values), 4), round(max(values), 4)
        ]

    rows = [
        ("build graph from parsed edge list", "build", "build", "build"),
        ("connected components", "components", "components", "components"),
        ("PageRank (2 threads)", "pagerank", "pagerank", "pagerank"),
        ("PageRank (1 thread)", "pagerank_1_thread", "pagerank", "pagerank"),
        ("PageRank vs igraph ARPACK", "pagerank", "pagerank_arpack", None),
        ("k-core numbers", "core_numbers", "core_numbers", "core_numbers"),
        ("Louvain / multilevel", "louvain", "louvain", "louvain"),
        ("exact betweenness (2 threads)", "betweenness", "betweenness", "betweenness"),
        ("exact betweenness (1 thread)", "betweenness_1_thread", "betweenness", "betweenness"),
        ("  plain Brandes, no folding (2 thr.)", "betweenness_plain_brandes", "betweenness",
         "betweenness"),
        ("sampled betweenness, k=500", "sampled_betweenness_500", None, None),
    ]
    lines = [
        "| algorithm | polis ms | igraph ms | networkx ms | igraph / polis | networkx / polis |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, ours, theirs_ig, theirs_nx in rows:
        p = polis_times.get(ours)
        i = ig_times.get(theirs_ig) if theirs_ig else None
        n = nx_times.get(theirs_nx) if theirs_nx else None
        lines.append(
            f"| {label} | {milliseconds(p)} | {milliseconds(i)} | {milliseconds(n)} "
            f"| {ratio(i, p)} | {ratio(n, p)} |"
        )
    table = "\n".join(lines)
    print(table)
    print()
    for name, value in cross.items():
        print(f"{name}: {value}")

    OUT.mkdir(parents=True, exist_ok=True)
    report.update(
        {
            "n_nodes": n_nodes,
            "n_edges": graph.number_of_edges(),
            "repeats": repeats,
            "betweenness_repeats": args.betweenness_repeats,
            "median_seconds": {"polis": polis_times, "igraph": ig_times, "networkx": nx_times},
            "cross_checks": cross,
            "polis_threads": polis["threads"],
            "polis_peak_memory_bytes": polis["peak_memory_bytes"],
            "table": table,
        }
    )
    (OUT / "graph_bench_wikipedia.json").write_text(json.dumps(report, indent=1) + "\n")
    failed = [name for name, value in cross.items() if isinstance(value, dict) and not value["equal"]]
    if failed or cross["betweenness max abs diff vs igraph"] > 1e-9:
        print(f"CROSS-CHECK FAILED: {failed}", file=sys.stderr)
        sys.exit(1)


def build_networkx(nx, n_nodes, edges):
    graph = nx.Graph()
    graph.add_nodes_from(range(n_nodes))
    graph.add_edges_from(edges)
    return graph


def build_igraph(ig, n_nodes, edges):
    graph = ig.Graph(n=n_nodes, edges=edges)
    # Same as polis and networkx' Graph: parallel edges merged, no self-loops.
    graph.simplify()
    return graph


def scale(args):
    lines = [
        "| nodes | edges | generate s | build s | components s | PageRank s "
        "| PageRank tol 1e-10 s | k-core s "
        f"| sampled betweenness (k={args.sources}) s | Louvain s | peak memory MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reports = []
    for n_nodes in args.scale_sizes:
        repeats = 3 if n_nodes <= 100_000 else 1
        report = run_rust(
            ["scale", str(n_nodes), "--ties-per-node", "5", "--sources", str(args.sources),
             "--repeats", str(repeats)]
        )
        reports.append(report)
        t = {name: value["median_s"] for name, value in report["timings"].items()}
        memory = report["peak_memory_bytes"] / 2**20
        cells = [
            t[name]
            for name in [
                "generate", "build", "components", "pagerank", "pagerank_tolerance_1e-10",
                "core_numbers", "sampled_betweenness", "louvain",
            ]
        ]
        lines.append(
            f"| {report['n_nodes']:,} | {report['n_edges']:,} | "
            + " | ".join(f"{value:.3g}" for value in cells)
            + f" | {memory:.0f} |"
        )
        print(lines[-1], flush=True)
    table = "\n".join(lines)
    print()
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "graph_bench_scale.json").write_text(
        json.dumps({"runs": reports, "table": table}, indent=1) + "\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=pathlib.Path, default=DEFAULT_CSV)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--betweenness-repeats", type=int, default=3)
    parser.add_argument("--modularity-seeds", type=int, default=20)
    parser.add_argument(
        "--with-networkx-betweenness",
        action="store_true",
        help="also time networkx's exact betweenness (about 20 minutes here)",
    )
    parser.add_argument("--scale", action="store_true", help="synthetic scale runs instead")
    parser.add_argument(
        "--scale-sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000]
    )
    parser.add_argument("--sources", type=int, default=100, help="sources for --scale")
    parser.add_argument(
        "--polis-binary", type=pathlib.Path, help="use this graph_bench build instead of cargo's"
    )
    global ARGS
    args = ARGS = parser.parse_args()
    if args.scale:
        scale(args)
    else:
        if not args.csv.exists():
            sys.exit(f"{args.csv} not found: pass --csv path/to/twin_cities_raw.csv")
        wikipedia(args)


if __name__ == "__main__":
    main()
