//! Wiring for `polis import FORMAT PATH` and `polis resolve`: read the file, load what the
//! registry has, let polis-import resolve and merge, and store the result in one transaction.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use polis_import::{Decision, Format, ImportInput, ImportReport};
use polis_store::{ChangeContext, NameDecision, QueuedName, Records, ResolutionQueue};
use polis_store_sqlite::SqliteStore;
use serde::Serialize;

use crate::cli::{ImportArgs, ResolveArgs};
use crate::output::{print_json, table};

/// The largest file an importer reads (the biggest real source is a few MB).
const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

fn gazetteer() -> anyhow::Result<&'static polis_gazetteer::Gazetteer> {
    polis_gazetteer::Gazetteer::embedded()
        .map_err(|e| anyhow::anyhow!("the embedded gazetteer does not load: {e}"))
}

fn progress_bar(message: &str) -> indicatif::ProgressBar {
    // Bars only on a terminal; elsewhere (logs, CI) they stay hidden.
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} rows ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(message.to_owned());
    bar
}

async fn decisions(store: &SqliteStore) -> anyhow::Result<HashMap<String, Decision>> {
    Ok(store
        .decisions()
        .await?
        .into_iter()
        .map(|(key, d)| {
            let decision = match d {
                NameDecision::Place(id) => Decision::Place(id),
                NameDecision::Geonames(g) => Decision::Geonames(g),
            };
            (key, decision)
        })
        .collect())
}

#[derive(Serialize)]
struct ImportOutput<'a> {
    dry_run: bool,
    seconds: f64,
    #[serde(flatten)]
    report: &'a ImportReport,
    stored: &'a polis_store::ApplyReport,
}

pub async fn import(
    store: &SqliteStore,
    format: Format,
    args: &ImportArgs,
    who: String,
) -> anyhow::Result<()> {
    let started = Instant::now();
    // Loading the gazetteer takes longer than reading the file and the registry: start it now,
    // on its own thread; `gazetteer()` below waits for it.
    std::thread::spawn(|| gazetteer().is_ok());
    let path = &args.path;
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > MAX_IMPORT_BYTES {
        bail!(
            "{}: {size} bytes; an import file holds at most {MAX_IMPORT_BYTES} bytes",
            path.display()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file_label = path.display().to_string();
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file")
        .to_owned();
    let parsed = polis_import::parse(&format, &file_label, &bytes)?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        rows = parsed.n_rows,
        "parsed"
    );
    let existing = store.load().await?;
    let decisions = decisions(store).await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        records = existing.len(),
        "registry loaded"
    );
    let gazetteer = gazetteer()?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "gazetteer loaded"
    );
    let sha256 = polis_import::sha256_hex(&bytes);
    let bar = progress_bar("resolving");
    bar.set_length(parsed.rows.len() as u64 + parsed.memberships.len() as u64);
    let tick = |n: u64| bar.set_position(n);
    let input = ImportInput {
        format: format.name(),
        file: &file_name,
        sha256: &sha256,
        source_title: args
            .source_title
            .clone()
            .unwrap_or_else(|| format.default_source_title().to_owned()),
        source_url: args.source_url.clone(),
        observed: args.observed,
        gazetteer,
        existing: &existing,
        decisions: &decisions,
        progress: &tick,
    };
    let output = polis_import::build(&input, parsed);
    bar.finish_and_clear();
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "resolved and merged"
    );
    let queue: Vec<QueuedName> = output
        .queue
        .iter()
        .map(|(key, u)| QueuedName {
            key: key.clone(),
            name: u.name.clone(),
            country: u.country.clone(),
            batch: output.report.batch.clone(),
            line: u.line as i64,
            occurrences: i64::try_from(u.occurrences).unwrap_or(i64::MAX),
            best_guess: u.best_guess.clone(),
        })
        .collect();
    let change = ChangeContext {
        who,
        context: format!("import {} {}", format.name(), file_name),
    };
    let run = polis_store::ImportRun {
        format: format.name().to_owned(),
        file: file_name.clone(),
        sha256: sha256.clone(),
        report: serde_json::to_value(&output.report)?,
    };
    let stored = if args.dry_run {
        store.check(&output.records).await?
    } else {
        store
            .apply_import(
                polis_store::ImportWrite {
                    records: &output.records,
                    batch: &output.report.batch,
                    queue: &queue,
                    run: &run,
                },
                &change,
            )
            .await?
    };
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "stored");
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        return print_json(&ImportOutput {
            dry_run: args.dry_run,
            seconds,
            report: &output.report,
            stored: &stored,
        });
    }
    print_report(&output.report, &stored, args.dry_run, seconds);
    // The process ends after an import: freeing tens of thousands of records one by one would
    // only make the user wait.
    std::mem::forget((existing, output));
    Ok(())
}

fn print_report(r: &ImportReport, stored: &polis_store::ApplyReport, dry_run: bool, seconds: f64) {
    let mode = if dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    };
    crate::out!("{} {} in {seconds:.2} s{mode}", r.format, r.file);
    crate::out!("  rows read:                      {}", r.rows_read);
    crate::out!("  ties created:                   {}", r.ties_created);
    crate::out!(
        "  ties merged with the registry:  {}",
        r.ties_merged_with_registry
    );
    crate::out!(
        "  rows merged within the file:    {}",
        r.rows_merged_within_file
    );
    crate::out!(
        "  rows already imported:          {}",
        r.rows_already_imported
    );
    crate::out!("  one-sided ties:                 {}", r.ties_one_sided);
    if r.memberships_created > 0 || !r.network_tags.is_empty() {
        crate::out!(
            "  memberships created:            {}",
            r.memberships_created
        );
        let tags: Vec<String> = r
            .network_tags
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        crate::out!("  networks recognised:            {}", tags.join(", "));
        if !r.networks_created.is_empty() {
            crate::out!(
                "  networks new to the registry:   {}",
                r.networks_created.join(", ")
            );
        }
    }
    crate::out!("  rows rejected:                  {}", r.rejected.len());
    crate::out!("  rows with an unresolved name:   {}", r.rows_unresolved);
    crate::out!(
        "  names resolved:                 {} of {} ({:.1}%), {} places created",
        r.names_resolved,
        r.names_resolved + r.names_unresolved,
        r.resolved_percent(),
        r.places_created
    );
    for (method, n) in &r.resolved_by_method {
        crate::out!("    {method}: {n}");
    }
    crate::out!(
        "  records {}: {} created, {} updated, {} unchanged",
        if dry_run {
            "that would be stored"
        } else {
            "stored"
        },
        stored.n_created(),
        stored.n_updated(),
        stored.n_unchanged()
    );
    if !r.rejected.is_empty() {
        crate::out!("rejected rows (first 10; --json lists all):");
        for rejected in r.rejected.iter().take(10) {
            crate::out!("  {}:{}: {}", r.file, rejected.line, rejected.reason);
        }
    }
    if !r.unresolved.is_empty() {
        crate::out!(
            "unresolved names (the 10 named most often; `polis unresolved` lists the queue):"
        );
        let mut most = r.unresolved.iter().collect::<Vec<_>>();
        most.sort_by(|x, y| y.occurrences.cmp(&x.occurrences).then(x.line.cmp(&y.line)));
        for u in most.into_iter().take(10) {
            let guess = u
                .best_guess
                .as_ref()
                .map(|g| format!("; best guess {g}"))
                .unwrap_or_default();
            crate::out!(
                "  {}:{}: '{}' ({}), {} time(s){guess}",
                r.file,
                u.line,
                u.name,
                u.country.as_deref().unwrap_or("no country"),
                u.occurrences
            );
        }
    }
}

fn candidates(
    name: &str,
    country: Option<&str>,
    limit: usize,
) -> anyhow::Result<Vec<polis_import::resolve::CandidateView>> {
    Ok(polis_import::resolve::candidate_views(
        gazetteer()?,
        name,
        country,
        limit,
    ))
}

pub async fn resolve(
    settings_db: &Path,
    store: Option<&SqliteStore>,
    args: &ResolveArgs,
    who: String,
) -> anyhow::Result<()> {
    if let Some(file) = &args.file {
        return resolve_file(file, args.json);
    }
    let name = args.name.as_deref().unwrap_or_default();
    if args.confirm_place.is_some() || args.confirm_geonames.is_some() {
        let Some(store) = store else {
            bail!(
                "no database at {}: run `polis init` first",
                settings_db.display()
            );
        };
        let decision = match (&args.confirm_place, args.confirm_geonames) {
            (Some(place), _) => {
                if store
                    .find_places(place)
                    .await?
                    .iter()
                    .all(|p| p.id != *place)
                {
                    bail!(
                        "no place has the id '{place}': give a registry place id (see `polis search`)"
                    );
                }
                NameDecision::Place(place.clone())
            }
            (None, Some(g)) => {
                if gazetteer()?.place_by_geonameid(g).is_none() {
                    bail!(
                        "the gazetteer has no GeoNames id {g}: pick one from `polis resolve '{name}'`"
                    );
                }
                NameDecision::Geonames(g)
            }
            (None, None) => unreachable!("checked above"),
        };
        let key = polis_import::resolve::decision_key(name, args.country.as_deref());
        store
            .record_decision(
                &key,
                &decision,
                &ChangeContext {
                    who,
                    context: format!("resolve '{name}'"),
                },
            )
            .await?;
        crate::out!(
            "remembered: '{name}' ({}) means {decision:?}; later imports use it",
            args.country.as_deref().unwrap_or("any country")
        );
        return Ok(());
    }
    let found = candidates(name, args.country.as_deref(), args.limit)?;
    if args.json {
        return print_json(&found);
    }
    if found.is_empty() {
        crate::out!("no candidate for '{name}'");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|c| {
            vec![
                format!(
                    "{:.2}{}",
                    c.confidence,
                    if c.confident { "" } else { " (low)" }
                ),
                c.name.clone(),
                c.level.to_owned(),
                [c.admin1.clone(), Some(c.country.clone())]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                c.lat
                    .zip(c.lon)
                    .map(|(la, lo)| format!("{la:.4}, {lo:.4}"))
                    .unwrap_or_default(),
                c.population.map(|p| p.to_string()).unwrap_or_default(),
                c.geonames
                    .map(|g| g.to_string())
                    .or_else(|| c.subdivision.clone())
                    .unwrap_or_default(),
                c.explanation.clone(),
            ]
        })
        .collect();
    table(
        &[
            "confidence",
            "name",
            "level",
            "where",
            "coordinates",
            "population",
            "id",
            "why",
        ],
        &rows,
    );
    Ok(())
}

fn resolve_file(path: &Path, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .clone();
    let Some(name_column) = header.iter().position(|h| h.trim() == "name") else {
        bail!(
            "{}:1: no `name` column; the file needs a header with `name` and optionally `country`, found {:?}",
            path.display(),
            header.iter().collect::<Vec<_>>()
        );
    };
    let country_column = header.iter().position(|h| h.trim() == "country");
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: cannot read a row", path.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        let name = record.get(name_column).unwrap_or("").trim().to_owned();
        let country = country_column
            .and_then(|c| record.get(c))
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        let best = if name.is_empty() {
            None
        } else {
            candidates(&name, country.as_deref(), 1)?
                .into_iter()
                .next()
                .filter(|c| c.confident)
        };
        out.push(serde_json::json!({"line": line, "name": name, "country": country, "resolved": best.is_some(), "best": best}));
    }
    if json {
        return print_json(&out);
    }
    let rows: Vec<Vec<String>> = out
        .iter()
        .map(|r| {
            let best = &r["best"];
            vec![
                r["line"].to_string(),
                r["name"].as_str().unwrap_or("").to_owned(),
                r["country"].as_str().unwrap_or("").to_owned(),
                if best.is_null() {
                    "unresolved".to_owned()
                } else {
                    format!(
                        "{}, {} ({})",
                        best["name"].as_str().unwrap_or(""),
                        best["country"].as_str().unwrap_or(""),
                        best["geonames"]
                    )
                },
                if best.is_null() {
                    String::new()
                } else {
                    format!("{:.2}", best["confidence"].as_f64().unwrap_or(0.0))
                },
            ]
        })
        .collect();
    table(
        &["line", "name", "country", "best candidate", "confidence"],
        &rows,
    );
    let n_resolved = out.iter().filter(|r| r["resolved"] == true).count();
    crate::out!("{n_resolved} of {} rows resolved", out.len());
    Ok(())
}

pub async fn unresolved(store: &SqliteStore, limit: u32, json: bool) -> anyhow::Result<()> {
    let queue = store.unresolved(limit).await?;
    if json {
        return print_json(&queue);
    }
    let rows: Vec<Vec<String>> = queue
        .iter()
        .map(|q| {
            vec![
                q.name.clone(),
                q.country.clone().unwrap_or_default(),
                q.occurrences.to_string(),
                format!("{}:{}", q.batch, q.line),
                q.best_guess.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "name",
            "country",
            "times",
            "first seen at",
            "best guess (below the threshold)",
        ],
        &rows,
    );
    crate::out!(
        "{} name(s) shown; record a decision with `polis resolve NAME --country C --confirm-geonames ID`",
        queue.len()
    );
    Ok(())
}

/// `polis fetch wikidata`: the paged, rate-limited, retried P190 query, written as SPARQL JSON.
pub async fn fetch_wikidata(
    out: &Path,
    country: Option<String>,
    endpoint: Option<String>,
    contact: Option<String>,
    page_size: usize,
) -> anyhow::Result<()> {
    let mut config = polis_fetch::FetchConfig {
        country,
        page_size,
        user_agent: polis_fetch::user_agent(contact.as_deref()),
        ..polis_fetch::FetchConfig::default()
    };
    if let Some(endpoint) = endpoint {
        config.endpoint = endpoint;
    }
    let bar = progress_bar("fetching");
    bar.set_length(0);
    let result = {
        let bar = bar.clone();
        tokio::task::spawn_blocking(move || {
            polis_fetch::fetch(&config, &|progress| match progress {
                polis_fetch::FetchProgress::Page { total_rows, .. } => {
                    bar.set_position(total_rows as u64)
                }
                other => tracing::info!(?other, "fetch"),
            })
        })
        .await
        .context("the fetch task failed")??
    };
    bar.finish_and_clear();
    std::fs::write(out, serde_json::to_vec_pretty(&result.document)?)
        .with_context(|| format!("cannot write {}", out.display()))?;
    let s = &result.stats;
    crate::out!(
        "fetched {} rows in {} page(s) from {} ({} retries, {:.1} s){}; wrote {}",
        s.rows,
        s.pages,
        s.endpoint,
        s.retries,
        s.elapsed.as_secs_f64(),
        if s.stopped_at_max_pages {
            ", stopped at the page limit"
        } else {
            ""
        },
        out.display()
    );
    Ok(())
}
