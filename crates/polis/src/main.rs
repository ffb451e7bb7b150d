//! The `polis` binary: parses the command line, opens the store, and wires the library
//! crates together. Errors print with their chain and exit with status 1 (2 for usage
//! errors, from clap).

mod cli;
mod output;
mod settings;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use polis_analysis::{StatsQuery, TieFilter};
use polis_bundle::Manifest;
use polis_store::{ChangeContext, SqliteStore, Store, StoreError};

use crate::cli::{Cli, Command, ConfigCommand, ExportCommand, ImportCommand, PlaceCommand};

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
            let data = store.load().await?;
            let query = StatsQuery {
                country: args.country.map(|c| c.to_ascii_uppercase()),
                as_of: args.as_of,
            };
            output::stats(&polis_analysis::stats(&data, &query), args.json)
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
            print!("{}", settings::EXAMPLE);
            Ok(())
        }
        Command::Config(ConfigCommand::Show) => {
            println!("db = {:?}", settings.db.display().to_string());
            println!("log = {:?}", settings.log);
            Ok(())
        }
    }
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
