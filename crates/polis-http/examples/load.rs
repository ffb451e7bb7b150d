//! A bounded load benchmark: serves the reference dataset on 127.0.0.1 (loopback only) from
//! a fresh temporary database, then drives one endpoint with `wrk` (Debian's `wrk` package)
//! for a warm-up second and three timed runs, and prints each run's requests per second and
//! 99th-percentile latency, and their medians.
//!
//! ```text
//! cargo run --release -p polis-http --example load -- [--seconds 10] [--connections 32]
//!     [--threads 1] [--path /api/v1/places/cz-prague] [--serve-only] [--db PATH]
//! ```
//!
//! `--serve-only` prints the address and serves until Ctrl-C, for driving it by hand. The
//! rate limiter stays on (with a limit no benchmark reaches), so its cost is measured too.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use polis_http::{AppState, HttpConfig};
use polis_store::{ChangeContext, Records};
use polis_store_sqlite::SqliteStore;

struct Options {
    seconds: u64,
    connections: u32,
    threads: u32,
    path: String,
    serve_only: bool,
    /// An existing database to serve instead of a fresh one with the reference dataset.
    db: Option<std::path::PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 10,
        connections: 32,
        threads: 1,
        path: "/api/v1/places/cz-prague".to_owned(),
        serve_only: false,
        db: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--seconds" => {
                options.seconds = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--seconds takes a number"))
            }
            "--connections" => {
                options.connections = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--connections takes a number"))
            }
            "--threads" => {
                options.threads = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--threads takes a number"))
            }
            "--path" => options.path = value(),
            "--serve-only" => options.serve_only = true,
            "--db" => options.db = Some(value().into()),
            other => usage(&format!("unknown flag {other}")),
        }
    }
    if !(1..=10).contains(&options.seconds) {
        usage("--seconds must be from 1 to 10: the benchmark is bounded in time");
    }
    options
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "error: {problem}\nusage: load [--seconds 1-10] [--connections N] [--threads N] [--path /api/v1/...] [--serve-only]"
    );
    std::process::exit(2)
}

/// One wrk run: requests per second and the 99th-percentile latency in milliseconds.
struct Run {
    requests_per_second: f64,
    p99_ms: f64,
}

/// A wrk latency (`812.00us`, `1.23ms`, `2.00s`) in milliseconds.
fn milliseconds(text: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

fn wrk(url: &str, seconds: u64, options: &Options) -> Run {
    let output = Command::new("wrk")
        .args([
            &format!("-t{}", options.threads),
            &format!("-c{}", options.connections),
            &format!("-d{seconds}s"),
            "--latency",
            url,
        ])
        .output()
        .unwrap_or_else(|e| {
            eprintln!("error: cannot run wrk ({e}): install it with `apt-get install wrk`");
            std::process::exit(1)
        });
    let text = String::from_utf8_lossy(&output.stdout);
    let requests_per_second = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok());
    let p99_ms = text
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("99%"))
        .and_then(|v| milliseconds(v.trim()));
    let non_2xx = text.lines().find(|l| l.contains("Non-2xx"));
    if let Some(line) = non_2xx {
        eprintln!("warning: {}", line.trim());
    }
    match (requests_per_second, p99_ms) {
        (Some(requests_per_second), Some(p99_ms)) => Run {
            requests_per_second,
            p99_ms,
        },
        _ => {
            eprintln!("error: cannot read wrk's output:\n{text}");
            std::process::exit(1)
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn reference_state() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let existing = options().db;
    let store = SqliteStore::open(existing.as_deref().unwrap_or(&dir.path().join("polis.db")))
        .await
        .expect("the database opens");
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/reference");
    let bundle = polis_bundle::read(&reference).expect("the reference bundle reads");
    // With --db, serve that database as it is (e.g. with the Wikipedia list imported).
    let bundle_data = if existing.is_some() {
        polis_core::Dataset::default()
    } else {
        bundle.data
    };
    store
        .apply(
            &bundle_data,
            &ChangeContext {
                who: "load".into(),
                context: "load benchmark".into(),
            },
        )
        .await
        .expect("the reference bundle applies");
    let config = HttpConfig {
        rate_per_second: 1_000_000,
        burst: 1_000_000,
        ..HttpConfig::default()
    };
    let app = polis_app::App::with_store(
        std::sync::Arc::new(store),
        polis_app::Location::sqlite(existing.unwrap_or_else(|| dir.path().join("polis.db"))),
    );
    let state = AppState::new(app, config).await.expect("the state loads");
    (dir, state)
}

fn main() {
    let options = options();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (_dir, state) = runtime.block_on(reference_state());
    let listener = runtime
        .block_on(polis_http::bind(SocketAddr::from(([127, 0, 0, 1], 0))))
        .expect("a free port on 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    let url = format!("http://{address}{}", options.path);
    if options.serve_only {
        println!("serving the reference data on http://{address}/api/v1 (Ctrl-C stops)");
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        runtime
            .block_on(polis_http::serve_on(listener, state, stop))
            .expect("the server runs");
        return;
    }
    runtime.spawn(polis_http::serve_on(
        listener,
        state,
        std::future::pending(),
    ));
    std::thread::sleep(Duration::from_millis(100));
    println!(
        "wrk -t{} -c{} -d{}s --latency {url}",
        options.threads, options.connections, options.seconds
    );
    wrk(&url, 1, &options); // warm-up
    let runs: Vec<Run> = (1..=3)
        .map(|n| {
            let run = wrk(&url, options.seconds, &options);
            println!(
                "run {n}: {:.0} requests/s, p99 {:.2} ms",
                run.requests_per_second, run.p99_ms
            );
            run
        })
        .collect();
    println!(
        "median of 3: {:.0} requests/s, p99 {:.2} ms",
        median(runs.iter().map(|r| r.requests_per_second).collect()),
        median(runs.iter().map(|r| r.p99_ms).collect())
    );
    runtime.shutdown_timeout(Duration::from_secs(1));
}
