//! The `polis` binary: parses the command line, opens the store, and wires the library
//! crates together. Errors print with their chain and exit with status 1 (2 for usage
//! errors, from clap).

/// Prints a line to standard output. A closed pipe (`polis ties | head`) ends the program
/// quietly with success instead of panicking as `println!` would.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout(), $($arg)*) {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write the output: {error}");
            std::process::exit(1);
        }
    }};
}

// Imports and the gazetteer allocate millions of small strings from several threads; glibc's
// allocator spent a third of an import's time (measured with perf; bench/README.md).
// mimalloc v2 without transparent huge pages: with them (and in v3), the resident memory of
// a gazetteer load doubled, to 163 MB against glibc's 76 MB; without, 81 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod importing;
mod output;
mod serving;
mod settings;
mod team;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use polis_app::{
    App, AppError, ExportFormat, ExportRequest, ListFormat, Location, MetricsRequest, PathQuery,
    Resolver, Snapshot, StatsRequest, TiesQuery,
};
use polis_bundle::Manifest;

use crate::cli::{
    ActivitiesCommand, Cli, Command, ConfigCommand, EditCommand, ExportCommand, FetchCommand,
    GraphCommand, ImportCommand, PlaceCommand,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let postgres_flags = polis_app::PgSettings {
        pool_size: cli.pool_size,
        statement_timeout_ms: cli.statement_timeout_ms,
    };
    let settings = match settings::resolve(
        cli.config.as_deref(),
        cli.db.clone(),
        cli.log.clone(),
        postgres_flags,
    ) {
        Ok(settings) => settings,
        Err(error) => return report(&error),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&settings.log).unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return report(&anyhow::Error::from(error).context("cannot start the async runtime"));
        }
    };
    match runtime.block_on(run(cli.command, &settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

fn report(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::FAILURE
}

/// Who makes a change from the command line, for the audit log.
fn who() -> String {
    std::env::var("USER")
        .map(|u| format!("cli:{u}"))
        .unwrap_or_else(|_| "cli".to_owned())
}

/// A use case's error as the command line says it: a name that matches nothing points to
/// `polis search`.
fn cli_error(error: AppError) -> anyhow::Error {
    match &error {
        AppError::NotFound {
            what: "place",
            query,
        } => {
            anyhow::anyhow!("{error}: try `polis search {query}`")
        }
        AppError::NotFound { query, .. } => {
            anyhow::anyhow!("{error}: give an id (see `polis search {query}`)")
        }
        _ => anyhow::Error::new(error),
    }
}

trait OrCli<T> {
    /// The error as the command line says it.
    fn cli(self) -> anyhow::Result<T>;
}

impl<T> OrCli<T> for Result<T, AppError> {
    fn cli(self) -> anyhow::Result<T> {
        self.map_err(cli_error)
    }
}

/// `polis import FORMAT FILE`, by the one import use case.
async fn run_import(
    settings: &settings::Settings,
    format: polis_import::Format,
    args: &crate::cli::ImportArgs,
) -> anyhow::Result<()> {
    importing::import(&opened(settings).await?, format, args, &who()).await
}

/// `place merge|unmerge|delete` and `actor merge|unmerge|delete`.
async fn record_edit(
    settings: &settings::Settings,
    kind: polis_store::RecordKind,
    edit: EditCommand,
) -> anyhow::Result<()> {
    let app = existing(settings).await?;
    match edit {
        EditCommand::Merge { old, into } => {
            let report = app.merge(kind, &old, &into, &who()).await.cli()?;
            out!(
                "merged {} into {}: {} reference(s) moved, {} tie(s) combined; '{}' now redirects",
                report.old_id,
                report.into,
                report.moved.values().sum::<u64>(),
                report.combined_ties.len(),
                report.old_id
            );
        }
        EditCommand::Unmerge { old } => {
            let report = app.unmerge(kind, &old, &who()).await.cli()?;
            out!("unmerged {} from {}", report.old_id, report.into);
        }
        EditCommand::Delete { id } => {
            app.delete(kind, &id, &who()).await.cli()?;
            out!("deleted {} {id}", kind.as_str());
        }
    }
    Ok(())
}

/// The database the settings name: a `postgres://` URL (with the settings' pool size and
/// statement timeout), or a SQLite file.
fn location(settings: &settings::Settings) -> anyhow::Result<Location> {
    location_of(&settings.db.to_string_lossy(), settings)
}

/// The database `text` names, connected as the settings say.
fn location_of(text: &str, settings: &settings::Settings) -> anyhow::Result<Location> {
    Location::parse_with(text, &settings.postgres).cli()
}

/// Name resolution, with the gazetteer's index cached where the settings say.
fn resolver(settings: &settings::Settings) -> Resolver {
    Resolver::new(settings.cache_dir.clone())
}

/// The app over an existing database, for commands that read.
async fn existing(settings: &settings::Settings) -> anyhow::Result<App> {
    App::open_existing(location(settings)?, resolver(settings))
        .await
        .cli()
}

/// The app over the database, created when missing, for commands that write.
async fn opened(settings: &settings::Settings) -> anyhow::Result<App> {
    App::open(location(settings)?, resolver(settings))
        .await
        .cli()
}

async fn run(command: Command, settings: &settings::Settings) -> anyhow::Result<()> {
    match command {
        Command::Init { empty } => {
            let app = opened(settings).await?;
            eprintln!("database: {}", app.location());
            if empty {
                eprintln!("created without the reference dataset (--empty)");
                return Ok(());
            }
            let (name, report) = app.load_reference(&who()).await.cli()?;
            output::apply_report(&name, &report, false, false)
        }
        Command::Serve { addr, limits, open } => {
            serving::serve(settings, addr, settings.http(&limits), open).await
        }
        Command::Import(ImportCommand::WikipediaList(args)) => {
            run_import(settings, polis_import::Format::WikipediaList, &args).await
        }
        Command::Import(ImportCommand::WikidataTsv(args)) => {
            run_import(settings, polis_import::Format::WikidataTsv, &args).await
        }
        Command::Import(ImportCommand::WikidataJson(args)) => {
            run_import(settings, polis_import::Format::WikidataJson, &args).await
        }
        Command::Import(ImportCommand::Memberships(args)) => {
            run_import(settings, polis_import::Format::Memberships, &args).await
        }
        Command::Import(ImportCommand::Csv { args, mapping }) => {
            let text = std::fs::read_to_string(&mapping)
                .with_context(|| format!("cannot read the mapping file {}", mapping.display()))?;
            let mapping = polis_import::formats::mapped_csv::Mapping::from_toml(
                &mapping.display().to_string(),
                &text,
            )?;
            run_import(settings, polis_import::Format::MappedCsv(mapping), &args).await
        }
        Command::Import(ImportCommand::NodesEdges {
            nodes,
            edges,
            mapping,
            dry_run,
            source_title,
            source_url,
            observed,
            json,
        }) => {
            let mapping = match mapping {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).with_context(|| {
                        format!("cannot read the mapping file {}", path.display())
                    })?;
                    polis_import::formats::nodes_edges::TablesMapping::from_toml(
                        &path.display().to_string(),
                        &text,
                    )?
                }
                None => Default::default(),
            };
            let bytes = std::fs::read(&nodes)
                .with_context(|| format!("cannot read the nodes file {}", nodes.display()))?;
            let table = polis_import::formats::nodes_edges::parse_nodes(
                &nodes.display().to_string(),
                &bytes,
                &mapping,
            )?;
            let args = crate::cli::ImportArgs {
                path: edges,
                dry_run,
                source_title,
                source_url,
                observed,
                json,
            };
            run_import(
                settings,
                polis_import::Format::NodesEdges(Box::new(table)),
                &args,
            )
            .await
        }
        Command::Fetch(FetchCommand::Wikidata {
            out,
            country,
            endpoint,
            contact,
            page_size,
            import,
        }) => {
            importing::fetch_wikidata(&out, country, endpoint, contact, page_size).await?;
            if import {
                let args = crate::cli::ImportArgs {
                    path: out,
                    dry_run: false,
                    source_title: None,
                    source_url: None,
                    observed: None,
                    json: false,
                };
                run_import(settings, polis_import::Format::WikidataJson, &args).await?;
            }
            Ok(())
        }
        Command::Resolve(args) => {
            let app = if settings.db.exists() {
                Some(opened(settings).await?)
            } else {
                None
            };
            importing::resolve(
                &settings.db,
                &resolver(settings),
                app.as_ref(),
                &args,
                &who(),
            )
            .await
        }
        Command::Unresolved { limit, json } => {
            let page = existing(settings)
                .await?
                .unresolved_page(limit)
                .await
                .cli()?;
            importing::unresolved(&page, json)
        }
        Command::Import(ImportCommand::Bundle {
            path,
            dry_run,
            json,
        }) => {
            let bundle = polis_bundle::read(&path)?;
            let app = opened(settings).await?;
            let report = app
                .apply_bundle(&bundle, &path, dry_run, &who())
                .await
                .cli()?;
            output::apply_report(&bundle.manifest.name, &report, dry_run, json)
        }
        Command::Export(ExportCommand::Bundle { path, name, scope }) => {
            let request = export_request(ListFormat::Bundle, scope)?;
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            if path.extension().is_some_and(|e| e == "toml") {
                return write_export(&snapshot, &request, &path);
            }
            let data = snapshot
                .export_data(&request.scope, request.resolved_only)
                .cli()?;
            let manifest = Manifest {
                name,
                description: None,
            };
            let n_files = polis_bundle::write(&path, &manifest, &data)?;
            eprintln!(
                "wrote {} records in {n_files} files to {}",
                data.len(),
                path.display()
            );
            Ok(())
        }
        Command::Place(PlaceCommand::Show { place, as_of, json }) => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            output::place(&snapshot.place(&place, as_of).cli()?, json)
        }
        Command::Place(PlaceCommand::Edit(edit)) => {
            record_edit(settings, polis_store::RecordKind::Place, edit).await
        }
        Command::Actor(edit) => record_edit(settings, polis_store::RecordKind::Actor, edit).await,
        Command::Ties(args) => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            let mut rows = snapshot
                .ties(&TiesQuery {
                    place: args.place,
                    country: args.country,
                    kind: args.kind,
                    status: args.status,
                    as_of: args.as_of,
                })
                .cli()?;
            let total = rows.len();
            if args.limit > 0 {
                rows.truncate(args.limit);
            }
            output::ties(&rows, total, args.as_of, args.json)
        }
        Command::Stats(args) => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            let stats = snapshot
                .stats(&StatsRequest {
                    place: args.place,
                    country: args.country,
                    partner_country: args.partner_country,
                    as_of: args.as_of,
                    resolved_only: args.resolved_only,
                    country_basis: args.country_basis,
                })
                .cli()?;
            output::stats(&stats, args.json)
        }
        Command::Changes { from, to, json } => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            output::changes(&snapshot.changes(from, to), json)
        }
        Command::Quality { json } => {
            let report = existing(settings).await?.quality().await.cli()?;
            output::quality(&report, json)?;
            if report.n_errors > 0 {
                anyhow::bail!("the data has {} error(s)", report.n_errors);
            }
            Ok(())
        }
        Command::Dormant { years, as_of, json } => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            output::dormant(&snapshot.dormant(years, as_of), json)
        }
        Command::Figures {
            country,
            resolved_only,
            json,
        } => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            output::figures(&snapshot.figures(country.as_ref(), resolved_only), json)
        }
        Command::Graph(GraphCommand::Path {
            from,
            to,
            through,
            as_of,
            during,
            ignore_time,
            max,
            json,
        }) => {
            let time = polis_app::path_time(during, ignore_time).cli()?;
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            let answer = snapshot
                .path(&PathQuery {
                    from,
                    to,
                    through,
                    as_of,
                    time,
                    max_chains: max,
                })
                .cli()?;
            output::chains(&answer, json)
        }
        Command::Graph(GraphCommand::Metrics {
            top,
            country,
            as_of,
            sort,
            sampled,
            seed,
            resolved_only,
            json,
        }) => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            let metrics = snapshot
                .metrics(&MetricsRequest {
                    top,
                    country,
                    as_of,
                    sort,
                    sampled,
                    seed,
                    resolved_only,
                })
                .cli()?;
            output::metrics(&metrics, json)
        }
        Command::Recommend {
            place,
            top,
            theme,
            as_of,
            evaluate,
            fraction,
            seed,
            json,
        } => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            if evaluate {
                let evaluation = snapshot
                    .evaluate_recommendations(fraction, seed, as_of)
                    .cli()?;
                return output::evaluation(&evaluation, json);
            }
            let recommendations = snapshot
                .recommend(
                    place.as_deref().unwrap_or_default(),
                    top,
                    theme.as_deref(),
                    as_of,
                )
                .cli()?;
            output::recommendations(&recommendations, json)
        }
        Command::Export(ExportCommand::Csv { path, scope }) => {
            export(settings, ExportFormat::Csv, &path, scope).await
        }
        Command::Export(ExportCommand::Geojson { path, scope }) => {
            export(settings, ExportFormat::Geojson, &path, scope).await
        }
        Command::Export(ExportCommand::Graphml { path, scope }) => {
            export(settings, ExportFormat::Graphml, &path, scope).await
        }
        Command::Export(ExportCommand::Gexf { path, scope }) => {
            export(settings, ExportFormat::Gexf, &path, scope).await
        }
        Command::Activities(ActivitiesCommand::Totals { kind, json }) => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            output::totals(&snapshot.activity_totals(kind), json)
        }
        Command::Clauses { tag, text, json } => {
            let snapshot = existing(settings).await?.snapshot().await.cli()?;
            output::clauses(
                &snapshot.clauses(tag.as_deref(), text.as_deref()).cli()?,
                json,
            )
        }
        Command::Search { query, limit, json } => {
            let hits = existing(settings)
                .await?
                .search(&query, limit)
                .await
                .cli()?;
            output::search(&hits, json)
        }
        Command::Audit {
            command: Some(command),
            ..
        } => team::audit(&existing(settings).await?, command).await,
        Command::Audit {
            command: None,
            limit,
            json,
        } => {
            let entries = existing(settings).await?.audit(limit).await.cli()?;
            output::audit(&entries, json)
        }
        Command::User(command) => team::user(&existing(settings).await?, command).await,
        Command::Token(command) => team::token(&existing(settings).await?, command).await,
        Command::Propose(args) => team::propose(&existing(settings).await?, args).await,
        Command::Review(command) => team::review(&existing(settings).await?, command).await,

        // --- db copy (PostgreSQL helper) ---
        Command::Db(cli::DbCommand::Copy {
            from,
            to,
            force,
            json,
        }) => {
            let (from, to) = (location_of(&from, settings)?, location_of(&to, settings)?);
            let report = polis_app::copy_database(&from, &to, force).await.cli()?;
            if json {
                out!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                out!("copied {} to {}", report.from, report.to);
                for (part, n) in &report.copied {
                    out!("  {part}: {n}");
                }
                out!(
                    "audit chain verified on the copy: {} entries",
                    report.n_audit_entries_verified
                );
            }
            Ok(())
        }
        // --- end db copy ---
        Command::Config(ConfigCommand::Example) => {
            out!("{}", settings::EXAMPLE.trim_end());
            Ok(())
        }
        Command::Config(ConfigCommand::Show) => {
            out!("db = {:?}", settings.db.display().to_string());
            out!("log = {:?}", settings.log);
            let cache = settings.cache_dir.as_ref().map(|d| d.display().to_string());
            out!("cache_dir = {:?}", cache.unwrap_or_default());
            // The server's settings with `POLIS_HTTP_*` applied, as `polis serve` would use
            // them without flags.
            let http = settings.http(&cli::ServeLimits::from_env()?);
            out!();
            out!("[http]");
            out!("{}", toml::to_string(&http)?.trim_end());
            Ok(())
        }
    }
}

/// The export use case's request from `polis export`'s options.
fn export_request(
    format: ListFormat,
    scope: cli::ExportScopeArgs,
) -> anyhow::Result<ExportRequest> {
    Ok(ExportRequest {
        format,
        scope: ExportRequest::scope_of(scope.place, scope.country).cli()?,
        resolved_only: scope.resolved_only,
    })
}

/// Writes one export to `path`.
fn write_export(snapshot: &Snapshot, request: &ExportRequest, path: &Path) -> anyhow::Result<()> {
    let export = snapshot.export(request).cli()?;
    std::fs::write(path, &export.body)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {} ties to {}", export.n_ties, path.display());
    Ok(())
}

/// `polis export csv|geojson|graphml|gexf PATH [--place|--country] [--resolved-only]`.
async fn export(
    settings: &settings::Settings,
    format: ExportFormat,
    path: &Path,
    scope: cli::ExportScopeArgs,
) -> anyhow::Result<()> {
    let request = export_request(ListFormat::Ties(format), scope)?;
    let snapshot = existing(settings).await?.snapshot().await.cli()?;
    write_export(&snapshot, &request, path)
}
