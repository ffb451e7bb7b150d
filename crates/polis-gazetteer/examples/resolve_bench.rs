//! Times loading the embedded gazetteer and resolving every name of the Wikipedia twin-town
//! list (26,114 pairs, 52,228 lookups), single-threaded, and reports the median of several
//! runs:
//!
//! ```text
//! cargo run --release -p polis-gazetteer --example resolve_bench -- \
//!     [--data ../shared/data] [--runs 5] [--unresolved FILE]
//! ```
//!
//! `--unresolved FILE` writes the names left unresolved (count, name, country) for review.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use polis_gazetteer::Gazetteer;

struct Options {
    data: PathBuf,
    runs: usize,
    unresolved: Option<PathBuf>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        data: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        runs: 5,
        unresolved: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--data" => options.data = PathBuf::from(value()?),
            "--runs" => {
                let text = value()?;
                options.runs = text
                    .parse()
                    .map_err(|_| format!("--runs takes a number, not {text:?}"))?;
            }
            "--unresolved" => options.unresolved = Some(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown argument {other:?}; accepted: --data DIR, --runs N, --unresolved FILE"
                ));
            }
        }
    }
    Ok(options)
}

/// This process's CPU time (user + system) from `/proc/self/stat`, where there is one: on a
/// shared machine it is steadier than wall-clock time, which also counts waiting for a core.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, which is 100 on every mainstream configuration.
    Some(Duration::from_millis(ticks * 10))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let options = parse_options()?;
    let path = options
        .data
        .join("wikipedia-twin-towns/twin_cities_raw.csv");
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lookups: Vec<(String, String)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        lookups.push((record[0].to_string(), record[1].to_string()));
        lookups.push((record[2].to_string(), record[3].to_string()));
    }

    let mut load_times = Vec::new();
    let mut load_cpu = Vec::new();
    let mut gazetteer = None;
    for _ in 0..options.runs.max(1) {
        let (start, cpu_start) = (Instant::now(), cpu_time());
        let loaded = Gazetteer::load().map_err(|e| e.to_string())?;
        load_times.push(start.elapsed());
        if let (Some(a), Some(b)) = (cpu_start, cpu_time()) {
            load_cpu.push(b.saturating_sub(a));
        }
        gazetteer = Some(loaded);
    }
    let Some(gazetteer) = gazetteer else {
        return Err("no run".into());
    };

    let mut resolve_times = Vec::new();
    let mut resolved = 0usize;
    let mut unresolved: HashMap<(String, String), usize> = HashMap::new();
    let mut resolve_cpu = Vec::new();
    for run in 0..options.runs.max(1) {
        let (start, cpu_start) = (Instant::now(), cpu_time());
        let mut n_resolved = 0usize;
        for (name, country) in &lookups {
            let hint = (!country.is_empty()).then_some(country.as_str());
            let best = gazetteer.resolve_best(name, hint);
            if best.as_ref().is_some_and(|c| c.place.lat.is_some()) {
                n_resolved += 1;
            } else if run == 0 {
                *unresolved
                    .entry((name.clone(), country.clone()))
                    .or_default() += 1;
            }
        }
        resolve_times.push(start.elapsed());
        if let (Some(a), Some(b)) = (cpu_start, cpu_time()) {
            resolve_cpu.push(b.saturating_sub(a));
        }
        resolved = n_resolved;
    }
    // Breakdown: the country fields alone.
    let start = Instant::now();
    let mut n_countries = 0usize;
    for (_, country) in &lookups {
        n_countries += usize::from(gazetteer.resolve_country(country).is_some());
    }
    let country_time = start.elapsed();
    println!(
        "country fields alone: {n_countries} of {} resolved in {:.0} ms",
        lookups.len(),
        country_time.as_secs_f64() * 1e3
    );
    let first = resolve_times[0];
    let load = median(load_times);
    let resolve = median(resolve_times);
    println!(
        "gazetteer: {} places, {} regions, {} countries ({})",
        gazetteer.n_places(),
        gazetteer.n_regions(),
        gazetteer.n_countries(),
        gazetteer.source()
    );
    println!(
        "load (decompress + index), median of {}: {:.0} ms",
        options.runs,
        load.as_secs_f64() * 1e3
    );
    println!(
        "resolve {} names (twin_cities_raw.csv, both ends, with country field), median of {}: {:.0} ms \
         ({:.1} µs per name; first run: {:.0} ms)",
        lookups.len(),
        options.runs,
        resolve.as_secs_f64() * 1e3,
        resolve.as_secs_f64() * 1e6 / lookups.len() as f64,
        first.as_secs_f64() * 1e3
    );
    if !load_cpu.is_empty() && !resolve_cpu.is_empty() {
        println!(
            "CPU time (this process, 10 ms resolution), median of {}: load {:.0} ms, resolve {:.0} ms",
            options.runs,
            median(load_cpu).as_secs_f64() * 1e3,
            median(resolve_cpu).as_secs_f64() * 1e3
        );
    }
    println!(
        "resolved with coordinates at confidence >= {}: {} of {} names ({:.2}%)",
        polis_gazetteer::MIN_CONFIDENCE,
        resolved,
        lookups.len(),
        100.0 * resolved as f64 / lookups.len() as f64
    );
    // Accuracy spot check, as in the real-data test: distinct names resolved within 30 km of
    // the list's own geocoding.
    let geocoded = options
        .data
        .join("wikipedia-twin-towns/twin_cities_geocoded.csv");
    if let Ok(mut reader) = csv::Reader::from_path(&geocoded) {
        let (mut checked, mut near) = (0usize, 0usize);
        let mut seen = std::collections::HashSet::new();
        for record in reader.records().flatten() {
            for (n, c, la, lo) in [(0, 1, 2, 3), (4, 5, 6, 7)] {
                if !seen.insert((record[n].to_string(), record[c].to_string())) {
                    continue;
                }
                let (Ok(lat), Ok(lon)) = (record[la].parse::<f64>(), record[lo].parse::<f64>())
                else {
                    continue;
                };
                let hint = (!record[c].is_empty()).then_some(&record[c]);
                let Some(best) = gazetteer.resolve_best(&record[n], hint) else {
                    continue;
                };
                let (Some(our_lat), Some(our_lon)) = (best.place.lat, best.place.lon) else {
                    continue;
                };
                checked += 1;
                near += usize::from(distance_km(lat, lon, our_lat, our_lon) <= 30.0);
            }
        }
        println!(
            "accuracy: {near} of {checked} distinct resolved names ({:.2}%) within 30 km of twin_cities_geocoded.csv",
            100.0 * near as f64 / checked.max(1) as f64
        );
    }
    if let Some(out) = options.unresolved {
        let mut list: Vec<_> = unresolved.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut file =
            std::fs::File::create(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        for ((name, country), n) in list {
            let hint = (!country.is_empty()).then_some(country.as_str());
            let best = gazetteer
                .resolve(&name, hint)
                .into_iter()
                .next()
                .map_or_else(
                    || "no candidate".to_string(),
                    |c| {
                        format!(
                            "{:.2} {} ({}) {}: {}",
                            c.confidence,
                            c.place.name,
                            c.place.country,
                            c.place.level.as_str(),
                            c.explanation()
                        )
                    },
                );
            writeln!(file, "{n}\t{name}\t{country}\t{best}")
                .map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    Ok(())
}

fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let a = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((lon2 - lon1).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}
