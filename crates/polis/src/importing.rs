//! `polis import FORMAT PATH` and `polis resolve` at the command line: read the file, call
//! the service layer with a progress bar, and print its report.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use polis_app::{App, DecisionRequest, ImportRequest, Resolver};
use polis_import::{Format, ImportReport};

use crate::OrCli;
use crate::cli::{ImportArgs, ResolveArgs};
use crate::output::{print_json, table};

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

pub async fn import(app: &App, format: Format, args: &ImportArgs, who: &str) -> anyhow::Result<()> {
    let path = &args.path;
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > polis_app::MAX_IMPORT_BYTES as u64 {
        bail!(
            "{}: {size} bytes; an import file holds at most {} bytes",
            path.display(),
            polis_app::MAX_IMPORT_BYTES
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let request = ImportRequest {
        format,
        file_label: path.display().to_string(),
        file_name: path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file")
            .to_owned(),
        bytes,
        source_title: args.source_title.clone(),
        source_url: args.source_url.clone(),
        observed: args.observed,
        dry_run: args.dry_run,
    };
    let bar = progress_bar("resolving");
    let tick = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let outcome = app.import(request, who, &tick).await.cli()?;
    bar.finish_and_clear();
    if args.json {
        return print_json(&outcome);
    }
    print_report(
        &outcome.report,
        &outcome.stored,
        outcome.dry_run,
        outcome.seconds,
    );
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
    crate::out!(
        "  rows with an unresolved name:   {} (kept as ties through provisional places)",
        r.rows_unresolved
    );
    crate::out!(
        "  names resolved:                 {} of {} ({:.1}%), {} places created, {} of them provisional",
        r.names_resolved,
        r.names_resolved + r.names_unresolved,
        r.resolved_percent(),
        r.places_created,
        r.provisional_places_created
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

pub async fn resolve(
    db: &Path,
    resolver: &Resolver,
    app: Option<&App>,
    args: &ResolveArgs,
    who: &str,
) -> anyhow::Result<()> {
    if let Some(file) = &args.file {
        return resolve_file(resolver, file, args.json);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let decision = match (&args.confirm_place, args.confirm_geonames) {
        (Some(place), _) => Some(DecisionRequest::Place(place.clone())),
        (None, Some(id)) => Some(DecisionRequest::Geonames(id)),
        (None, None) => None,
    };
    if let Some(decision) = decision {
        let Some(app) = app else {
            bail!("no database at {}: run `polis init` first", db.display());
        };
        let query = polis_app::NameQuery::new(name, args.country.as_deref())
            .map_err(polis_app::AppError::from)
            .cli()?;
        // The command line acts as the local admin, who may record decisions.
        let decided = app
            .decide(&polis_app::Principal::local_admin(who), &query, decision)
            .await
            .cli()?;
        crate::out!(
            "remembered: '{}' ({}) means {}; later imports use it",
            decided.name,
            decided.country.as_deref().unwrap_or("any country"),
            decided.means
        );
        if let Some(merged) = &decided.merged {
            crate::out!(
                "merged the provisional place {} into {} ({} ties moved); {} redirects there",
                merged.provisional,
                merged.into,
                merged.moved.get("tie").copied().unwrap_or(0),
                merged.provisional
            );
        }
        return Ok(());
    }
    let query = polis_app::NameQuery::new(name, args.country.as_deref())
        .and_then(|q| q.with_context(args.lat, args.lon, args.population))
        .map_err(polis_app::AppError::from)
        .cli()?;
    let resolution = match app {
        Some(app) => app.resolution(query, args.limit).await,
        None => resolver.resolution(&query, args.limit),
    }
    .cli()?;
    if args.json {
        return print_json(&resolution.candidates);
    }
    if resolution.candidates.is_empty() {
        crate::out!("no candidate for '{name}'");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = resolution
        .candidates
        .iter()
        .map(|resolved| {
            let c = &resolved.candidate;
            vec![
                format!("{:.2}", c.confidence),
                resolved.verdict.label().to_owned(),
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
            "verdict",
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
    crate::out!("{}", resolution.summary);
    Ok(())
}

fn resolve_file(resolver: &Resolver, path: &Path, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let rows = resolver
        .resolve_file(&path.display().to_string(), &bytes)
        .cli()?;
    if json {
        return print_json(&rows);
    }
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let confidence = r
                .row
                .best
                .as_ref()
                .or(r.row.best_guess.as_ref())
                .map(|c| format!("{:.2}", c.confidence))
                .unwrap_or_default();
            vec![
                r.row.line.to_string(),
                r.row.name.clone(),
                r.row.country.clone().unwrap_or_default(),
                r.summary.clone(),
                confidence,
                r.verdict.map(|v| v.label().to_owned()).unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "line",
            "name",
            "country",
            "best candidate",
            "confidence",
            "verdict",
        ],
        &table_rows,
    );
    let n_resolved = rows.iter().filter(|r| r.row.resolved).count();
    crate::out!("{n_resolved} of {} rows resolved", rows.len());
    Ok(())
}

pub fn unresolved(page: &polis_app::UnresolvedPage, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&page.names);
    }
    let rows: Vec<Vec<String>> = page
        .names
        .iter()
        .map(|entry| {
            let q = &entry.queued;
            let best = entry.candidates.first();
            vec![
                q.name.clone(),
                q.country.clone().unwrap_or_default(),
                q.occurrences.to_string(),
                format!("{}:{}", q.batch, q.line),
                best.map(|c| format!("{} ({:.2})", c.where_label(), c.candidate.confidence))
                    .or_else(|| q.best_guess.clone())
                    .unwrap_or_default(),
                best.map(|c| c.verdict.label().to_owned())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "name",
            "country",
            "times",
            "first seen at",
            "best candidate (below the threshold)",
            "verdict",
        ],
        &rows,
    );
    crate::out!(
        "{} name(s) shown; record a decision with `polis resolve NAME --country C --confirm-geonames ID`",
        page.names.len()
    );
    Ok(())
}

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
