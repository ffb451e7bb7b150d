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
mod settings;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use polis_analysis::{StatsQuery, TieFilter};
use polis_bundle::Manifest;
use polis_store::{Audit, ChangeContext, Records, ResolutionQueue, Search, StoreError};
use polis_store_sqlite::SqliteStore;

use crate::cli::{
    ActivitiesCommand, Cli, Command, ConfigCommand, ExportCommand, FetchCommand, GraphCommand,
    ImportCommand, PlaceCommand, SortBy, Through,
};

/// The reference dataset, compiled into the binary so that `polis init` needs no files.
#[derive(rust_embed::Embed)]
#[folder = "../../data/reference/"]
#[include = "*.toml"]
#[include = "**/*.toml"]
struct ReferenceDataset;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match settings::resolve(cli.config.as_deref(), cli.db.clone(), cli.log.clone()) {
        Ok(settings) => settings,
        Err(error) => return report(&error),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&settings.log).unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // The gazetteer's name index is cached across runs: building it is most of its load time.
    if let Some(dir) = &settings.cache_dir {
        polis_gazetteer::Gazetteer::cache_index_in(dir.clone());
    }
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

fn who() -> String {
    std::env::var("USER")
        .map(|u| format!("cli:{u}"))
        .unwrap_or_else(|_| "cli".to_owned())
}

async fn open(settings: &settings::Settings) -> anyhow::Result<SqliteStore> {
    Ok(SqliteStore::open(&settings.db).await?)
}

/// Opens the store for reading, saying how to create it when it does not exist yet.
async fn open_existing(settings: &settings::Settings) -> anyhow::Result<SqliteStore> {
    if !settings.db.exists() {
        bail!(
            "no database at {}: run `polis init` first (or give --db / POLIS_DB)",
            settings.db.display()
        );
    }
    open(settings).await
}

async fn run(command: Command, settings: &settings::Settings) -> anyhow::Result<()> {
    match command {
        Command::Init { empty } => init(settings, empty).await,
        Command::Serve { addr } => {
            let store = open_existing(settings).await?;
            eprintln!(
                "polis API on http://{addr}/api/v1 (database {}); Ctrl-C stops it",
                settings.db.display()
            );
            polis_http::serve(store, addr).await?;
            Ok(())
        }
        Command::Import(ImportCommand::WikipediaList(args)) => {
            importing::import(
                &open(settings).await?,
                polis_import::Format::WikipediaList,
                &args,
                who(),
            )
            .await
        }
        Command::Import(ImportCommand::WikidataTsv(args)) => {
            importing::import(
                &open(settings).await?,
                polis_import::Format::WikidataTsv,
                &args,
                who(),
            )
            .await
        }
        Command::Import(ImportCommand::WikidataJson(args)) => {
            importing::import(
                &open(settings).await?,
                polis_import::Format::WikidataJson,
                &args,
                who(),
            )
            .await
        }
        Command::Import(ImportCommand::Memberships(args)) => {
            importing::import(
                &open(settings).await?,
                polis_import::Format::Memberships,
                &args,
                who(),
            )
            .await
        }
        Command::Import(ImportCommand::Csv { args, mapping }) => {
            let text = std::fs::read_to_string(&mapping)
                .with_context(|| format!("cannot read the mapping file {}", mapping.display()))?;
            let mapping = polis_import::formats::mapped_csv::Mapping::from_toml(
                &mapping.display().to_string(),
                &text,
            )?;
            importing::import(
                &open(settings).await?,
                polis_import::Format::MappedCsv(mapping),
                &args,
                who(),
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
                importing::import(
                    &open(settings).await?,
                    polis_import::Format::WikidataJson,
                    &args,
                    who(),
                )
                .await?;
            }
            Ok(())
        }
        Command::Resolve(args) => {
            let store = if settings.db.exists() {
                Some(open(settings).await?)
            } else {
                None
            };
            importing::resolve(&settings.db, store.as_ref(), &args, who()).await
        }
        Command::Unresolved { limit, json } => {
            importing::unresolved(&open_existing(settings).await?, limit, json).await
        }
        Command::Import(ImportCommand::Bundle {
            path,
            dry_run,
            json,
        }) => {
            let bundle = polis_bundle::read(&path)?;
            let store = open(settings).await?;
            apply_bundle(&store, &bundle, &path, dry_run, json).await
        }
        Command::Export(ExportCommand::Bundle { path, name }) => {
            let store = open_existing(settings).await?;
            let data = store.load().await?;
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
            let store = open_existing(settings).await?;
            let places = store.find_places(&place).await?;
            let Some(first) = places.first() else {
                bail!("no place has the id or name '{place}': try `polis search {place}`");
            };
            let data = store.load().await?;
            let filter = TieFilter {
                place: Some(first.id.clone()),
                as_of,
                ..TieFilter::default()
            };
            let ties = polis_analysis::list_ties(&data, &filter);
            output::place(first, &places[1..], &ties, &data, json)
        }
        Command::Ties(args) => {
            let store = open_existing(settings).await?;
            let place = match &args.place {
                Some(query) => Some(resolve_place(&store, query).await?),
                None => None,
            };
            let data = store.load().await?;
            let filter = TieFilter {
                place,
                country: args.country.map(|c| c.to_ascii_uppercase()),
                kind: args.kind,
                status: args.status,
                as_of: args.as_of,
            };
            let mut rows = polis_analysis::list_ties(&data, &filter);
            let total = rows.len();
            if args.limit > 0 {
                rows.truncate(args.limit);
            }
            output::ties(&rows, total, args.as_of, args.json)
        }
        Command::Stats(args) => {
            let store = open_existing(settings).await?;
            let place = match &args.place {
                Some(query) => Some(resolve_place(&store, query).await?),
                None => None,
            };
            let data = store.load().await?;
            let query = StatsQuery {
                place,
                country: args.country.map(|c| c.to_ascii_uppercase()),
                as_of: args.as_of,
                partner_countries: args
                    .partner_country
                    .map(|c| std::collections::BTreeSet::from([c.to_ascii_uppercase()])),
                count_unknown: false,
            };
            output::stats(&polis_analysis::stats(&data, &query), args.json)
        }
        Command::Changes { from, to, json } => {
            let data = open_existing(settings).await?.load().await?;
            output::changes(&polis_analysis::changes(&data, from, to), json)
        }
        Command::Quality { json } => {
            let store = open_existing(settings).await?;
            let data = store.load().await?;
            let unresolved: Vec<String> = store
                .unresolved(u32::MAX)
                .await?
                .into_iter()
                .map(|q| {
                    format!(
                        "{} ({}) at {}:{}",
                        q.name,
                        q.country.unwrap_or_default(),
                        q.batch,
                        q.line
                    )
                })
                .collect();
            let report = polis_analysis::quality(&data, &unresolved);
            output::quality(&report, json)?;
            if report.n_errors > 0 {
                bail!("the data has {} error(s)", report.n_errors);
            }
            Ok(())
        }
        Command::Dormant { years, as_of, json } => {
            let data = open_existing(settings).await?.load().await?;
            let as_of = as_of.unwrap_or_else(today);
            output::dormant(
                &polis_analysis::dormant(&data, years, as_of),
                years,
                as_of,
                json,
            )
        }
        Command::Figures { country, json } => {
            let data = open_existing(settings).await?.load().await?;
            let country = country.map(|c| c.to_ascii_uppercase());
            let rows = polis_analysis::compare_figures(
                &data,
                country.as_deref(),
                &polis_analysis::geo::continent_countries,
            );
            output::figures(&rows, json)
        }
        Command::Graph(GraphCommand::Path {
            from,
            to,
            through,
            as_of,
            max,
            json,
        }) => {
            let mut data = open_existing(settings).await?.load().await?;
            let through = match through {
                Some(through) => through,
                None => {
                    let is_place = |q: &str| {
                        polis_core::text::fold(q).is_empty()
                            || data.places.iter().any(|p| {
                                p.id == q
                                    || p.all_names().any(|n| {
                                        polis_core::text::fold(n) == polis_core::text::fold(q)
                                    })
                            })
                    };
                    if is_place(&from) && is_place(&to) {
                        Through::Ties
                    } else {
                        Through::All
                    }
                }
            };
            match through {
                Through::Ties => {
                    data.relations.clear();
                    data.memberships.clear();
                    data.activities.clear();
                    data.actors.clear();
                    data.networks.clear();
                }
                Through::Relations => {
                    data.ties.clear();
                    data.memberships.clear();
                    data.activities.clear();
                }
                Through::All => {}
            }
            let chains = polis_analysis::connect(&data, &from, &to, as_of.as_ref(), max.max(1))?;
            output::chains(&from, &to, &chains, json)
        }
        Command::Graph(GraphCommand::Metrics {
            top,
            country,
            as_of,
            sort,
            sampled,
            seed,
            json,
        }) => {
            let started = std::time::Instant::now();
            let data = open_existing(settings).await?.load().await?;
            let loaded = started.elapsed();
            let snapshot = polis_analysis::network::Snapshot::build(&data, as_of.as_ref())?;
            tracing::info!(
                load_ms = loaded.as_secs_f64() * 1e3,
                snapshot_ms = started.elapsed().as_secs_f64() * 1e3,
                places = snapshot.place_ids.len(),
                ties = snapshot.graph.n_edges(),
                "network snapshot built from the store"
            );
            let query = polis_analysis::network::MetricsQuery {
                as_of,
                country: country.map(|c| c.to_ascii_uppercase()),
                top,
                sort_by: match sort {
                    SortBy::Betweenness => polis_analysis::network::SortBy::Betweenness,
                    SortBy::Pagerank => polis_analysis::network::SortBy::Pagerank,
                    SortBy::Degree => polis_analysis::network::SortBy::Degree,
                },
                sampled_sources: sampled,
                seed,
            };
            output::metrics(
                &polis_analysis::network::metrics_on(&data, &snapshot, &query)?,
                json,
            )
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
            let store = open_existing(settings).await?;
            if evaluate {
                let data = store.load().await?;
                return output::evaluation(
                    &polis_analysis::recommend::evaluate(&data, fraction, seed, as_of.as_ref())?,
                    json,
                );
            }
            let place = resolve_place(&store, place.as_deref().unwrap_or_default()).await?;
            let data = store.load().await?;
            output::recommendations(
                &polis_analysis::recommend::recommend(
                    &data,
                    &place,
                    top,
                    theme.as_deref(),
                    as_of.as_ref(),
                )?,
                json,
            )
        }
        Command::Export(ExportCommand::Csv { path }) => {
            let data = open_existing(settings).await?.load().await?;
            write_export(
                &path,
                &polis_analysis::export::ties_csv(&data)?,
                data.ties.len(),
            )
        }
        Command::Export(ExportCommand::Geojson { path }) => {
            let data = open_existing(settings).await?.load().await?;
            write_export(
                &path,
                &serde_json::to_string(&polis_analysis::export::geojson(&data))?,
                data.ties.len(),
            )
        }
        Command::Export(ExportCommand::Graphml { path }) => {
            let data = open_existing(settings).await?.load().await?;
            write_export(
                &path,
                &polis_analysis::export::graphml(&data),
                data.ties.len(),
            )
        }
        Command::Export(ExportCommand::Gexf { path }) => {
            let data = open_existing(settings).await?.load().await?;
            write_export(&path, &polis_analysis::export::gexf(&data), data.ties.len())
        }
        Command::Activities(ActivitiesCommand::Totals { kind, json }) => {
            let data = open_existing(settings).await?.load().await?;
            output::totals(&polis_analysis::quantity_totals(&data, kind), json)
        }
        Command::Clauses { tag, text, json } => {
            if tag.is_none() && text.is_none() {
                bail!("give --tag or --text (or both), e.g. --tag one_china_clause");
            }
            let data = open_existing(settings).await?.load().await?;
            output::clauses(
                &polis_analysis::clause_search(&data, tag.as_deref(), text.as_deref()),
                json,
            )
        }
        Command::Search { query, limit, json } => {
            let store = open_existing(settings).await?;
            output::search(&store.search(&query, limit).await?, json)
        }
        Command::Audit { limit, json } => {
            let store = open_existing(settings).await?;
            output::audit(&store.audit_log(limit).await?, json)
        }
        Command::Config(ConfigCommand::Example) => {
            out!("{}", settings::EXAMPLE.trim_end());
            Ok(())
        }
        Command::Config(ConfigCommand::Show) => {
            out!("db = {:?}", settings.db.display().to_string());
            out!("log = {:?}", settings.log);
            let cache = settings.cache_dir.as_ref().map(|d| d.display().to_string());
            out!("cache_dir = {:?}", cache.unwrap_or_default());
            Ok(())
        }
    }
}

fn write_export(path: &Path, contents: &str, n_ties: usize) -> anyhow::Result<()> {
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {n_ties} ties to {}", path.display());
    Ok(())
}

/// Today's date (UTC).
fn today() -> polis_core::PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    polis_core::PartialDate::from_days_since_epoch(days)
}

/// A place id from an id or a name; an ambiguous name is an error that lists the choices.
async fn resolve_place(store: &SqliteStore, query: &str) -> anyhow::Result<String> {
    let places = store.find_places(query).await?;
    match places.as_slice() {
        [] => bail!("no place has the id or name '{query}': try `polis search {query}`"),
        [one] => Ok(one.id.clone()),
        [first, ..] if first.id == query => Ok(first.id.clone()),
        many => bail!(
            "'{query}' names {} places: {}; give an id",
            many.len(),
            many.iter()
                .map(|p| format!("{} ({})", p.id, p.country.as_deref().unwrap_or("??")))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

async fn init(settings: &settings::Settings, empty: bool) -> anyhow::Result<()> {
    let store = open(settings).await?;
    eprintln!("database: {}", settings.db.display());
    if empty {
        eprintln!("created without the reference dataset (--empty)");
        return Ok(());
    }
    let root = Path::new("data/reference");
    let files: Vec<(PathBuf, Vec<u8>)> = ReferenceDataset::iter()
        .filter_map(|name| {
            ReferenceDataset::get(&name)
                .map(|file| (root.join(name.as_ref()), file.data.into_owned()))
        })
        .collect();
    let bundle = polis_bundle::read_files(root, &root.join("bundle.toml"), files)
        .context("the built-in reference dataset does not read; this is a bug in this build")?;
    apply_bundle(&store, &bundle, root, false, false).await
}

async fn apply_bundle(
    store: &SqliteStore,
    bundle: &polis_bundle::Bundle,
    path: &Path,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    let change = ChangeContext {
        who: who(),
        context: format!("import bundle {}", path.display()),
    };
    let result = if dry_run {
        store.check(&bundle.data).await
    } else {
        store.apply(&bundle.data, &change).await
    };
    match result {
        Ok(report) => output::apply_report(&bundle.manifest.name, &report, dry_run, json),
        Err(StoreError::Invalid(invalid)) => {
            let shown = 50;
            let mut message = format!(
                "{}: {} problem(s); nothing was written:",
                path.display(),
                invalid.0.len()
            );
            for violation in invalid.0.iter().take(shown) {
                message.push_str("\n  ");
                message.push_str(&bundle.describe(violation));
            }
            if invalid.0.len() > shown {
                message.push_str(&format!("\n  ... and {} more", invalid.0.len() - shown));
            }
            bail!(message)
        }
        Err(other) => Err(other.into()),
    }
}
