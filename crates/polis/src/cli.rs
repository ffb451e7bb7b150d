//! The command line: every command, flag and example that `polis --help` shows.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use polis_core::{PartialDate, TieKind, TieStatus};

#[derive(Debug, Parser)]
#[command(
    name = "polis",
    version,
    about = "polis, the city-diplomacy observatory: a sourced, time-aware record of sister-city ties, networks and the people behind them.",
    after_help = "Examples:\n  polis init                          create the database with the reference dataset\n  polis place show Praha              a place by id or any of its names\n  polis ties --place cz-prague --as-of 2019-06-30\n  polis stats --country CN --as-of 2019-12-31 --json\n  polis import bundle data/example    load a bundle (all-or-nothing, repeatable)\n  polis export bundle out/            write everything as a bundle\n\nDocumentation: docs/cli.md"
)]
pub struct Cli {
    /// The database file [default: the platform's data directory, polis/polis.db]
    #[arg(long, global = true, env = "POLIS_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// A config file [default: the platform's config directory, polis/polis.toml]
    #[arg(long, global = true, env = "POLIS_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Log filter, as in RUST_LOG (e.g. info, polis=debug) [default: warn]
    #[arg(long, global = true, env = "POLIS_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and load the built-in reference dataset (repeatable: loading it
    /// again changes nothing).
    #[command(after_help = "Examples:\n  polis init\n  polis --db /tmp/polis.db init --empty")]
    Init {
        /// Create the database without loading the reference dataset.
        #[arg(long)]
        empty: bool,
    },
    /// Import data. Every import is one transaction: all of it or nothing.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Places.
    #[command(subcommand)]
    Place(PlaceCommand),
    /// List ties with their status, now or on a date.
    #[command(
        after_help = "Examples:\n  polis ties --place cz-prague\n  polis ties --country CN --status terminated\n  polis ties --as-of 1973-03-01 --json"
    )]
    Ties(TiesArgs),
    /// Counts of ties, partner places and partner countries, by kind and status.
    #[command(
        after_help = "Examples:\n  polis stats\n  polis stats --country CN --as-of 2019-12-31 --json"
    )]
    Stats(StatsArgs),
    /// Search places, actors, networks and agreement texts in any language or script.
    #[command(
        after_help = "Examples:\n  polis search Hrib\n  polis search 布拉格\n  polis search \"one china\""
    )]
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// The audit log: every change, newest first.
    Audit {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a bundle directory (or a single-file bundle); see docs/bundle-format.md.
    #[command(
        after_help = "Examples:\n  polis import bundle data/example\n  polis import bundle my-edits.toml --dry-run"
    )]
    Bundle {
        path: PathBuf,
        /// Check and report without writing anything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write every record as a bundle directory (canonical: export, import, export gives the
    /// same bytes).
    #[command(after_help = "Example:\n  polis export bundle /tmp/polis-export")]
    Bundle {
        path: PathBuf,
        /// The bundle's name in its bundle.toml.
        #[arg(long, default_value = "polis-export")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlaceCommand {
    /// Show a place by id, former id or any of its names (any language, diacritics ignored).
    #[command(
        after_help = "Examples:\n  polis place show cz-prague\n  polis place show Praha\n  polis place show 布拉格 --json"
    )]
    Show {
        place: String,
        /// Status of its ties on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now]
        #[arg(long, value_name = "DATE")]
        as_of: Option<PartialDate>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct TiesArgs {
    /// Ties of this place (id or name).
    #[arg(long)]
    pub place: Option<String>,
    /// Ties with an end in this country (ISO 3166-1 alpha-2, e.g. CZ).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Only ties of this kind (twin_town, sister_city, friendship_city, partnership,
    /// memorandum, network_pairing).
    #[arg(long)]
    pub kind: Option<TieKind>,
    /// Only ties with this status on the date (not_yet, proposed, active, suspended,
    /// terminated, unknown).
    #[arg(long)]
    pub status: Option<TieStatus>,
    /// The date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<PartialDate>,
    /// At most this many rows (0 for all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Count for this country (ISO 3166-1 alpha-2): its ties and their foreign partners.
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// The date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<PartialDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example config file.
    Example,
    /// Print the settings in force and where each came from.
    Show,
}
