//! The command line: every command, flag and example that `polis --help` shows.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use polis_app::options::{self, CountryBasis, CountryCode, MetricSort, Through};
use polis_core::{EventKind, PartialDate, TieKind, TieStatus};

/// A parser for an option type of the service layer: its names are the possible values
/// that `--help` lists, and its own `FromStr` turns the chosen one into the value.
fn one_of<T>(names: &'static [&'static str]) -> impl TypedValueParser<Value = T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    PossibleValuesParser::new(names).try_map(|name| name.parse::<T>())
}

#[derive(Debug, Parser)]
#[command(
    name = "polis",
    version,
    about = "polis, the city-diplomacy observatory: a sourced, time-aware record of sister-city ties, networks and the people behind them.",
    after_help = "Examples:\n  polis init                          create the database with the reference dataset\n  polis place show Praha              a place by id or any of its names\n  polis ties --place cz-prague --as-of 2019-06-30\n  polis stats --country CN --as-of 2019-12-31 --json\n  polis import wikipedia-list twin_cities_raw.csv   import a real list, names resolved\n  polis export bundle out/            write everything as an editable bundle\n  polis import bundle out/            load it back (all-or-nothing, repeatable)\n\nDocumentation: docs/cli.md"
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
    /// PostgreSQL: connections each polis process keeps open, 1 to 1000 [default: 8]
    #[arg(
        long,
        global = true,
        env = "POLIS_POSTGRES_POOL_SIZE",
        value_name = "N"
    )]
    pub pool_size: Option<u32>,
    /// PostgreSQL: cancel a statement that runs longer, in milliseconds [default: none]
    #[arg(
        long,
        global = true,
        env = "POLIS_POSTGRES_STATEMENT_TIMEOUT_MS",
        value_name = "MS"
    )]
    pub statement_timeout_ms: Option<u64>,
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
    /// Serve the web UI (the world map, dossiers, the network explorer, the dashboard) and
    /// the REST API (docs/api.md) on the database. On first run, when the database does not
    /// exist, it is created with the built-in reference dataset, as `polis init` does. The
    /// URL is printed once the server listens.
    #[command(
        after_help = "Examples:\n  polis serve                        then open the URL it prints (the map)\n  polis serve --open                 and open it in a browser where there is one\n  polis serve --addr 0.0.0.0:8080\n  polis serve --addr 127.0.0.1:0     any free port\n  curl http://127.0.0.1:8080/api/v1/places/Praha"
    )]
    Serve {
        /// The address to listen on (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:8080", env = "POLIS_ADDR")]
        addr: std::net::SocketAddr,
        /// Open the web UI in a browser once the server listens (the `BROWSER` variable, else
        /// the system's opener). Where none starts, the URL is printed and serving goes on.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        limits: ServeLimits,
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
    /// Merge, unmerge or delete people and organisations.
    #[command(subcommand)]
    Actor(EditCommand),
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
    /// What changed between two dates: ties whose status differs, and the events in between.
    #[command(
        after_help = "Examples:\n  polis changes 2019-06-30 2020-06-30\n  polis changes 2019 2020 --json"
    )]
    Changes {
        from: PartialDate,
        to: PartialDate,
        #[arg(long)]
        json: bool,
    },
    /// The data-quality report: one-sided ties, unresolved names, missing dates and sources,
    /// conflicting values, likely duplicates, ties with a place's own parent. Exits 1 when it
    /// finds errors.
    #[command(after_help = "Examples:\n  polis quality\n  polis quality --json")]
    Quality {
        #[arg(long)]
        json: bool,
    },
    /// Active ties with no recorded activity for N years.
    #[command(
        after_help = "Examples:\n  polis dormant --years 5\n  polis dormant --years 3 --as-of 2020-01-01 --json"
    )]
    Dormant {
        #[arg(long, default_value_t = options::DEFAULT_DORMANT_YEARS)]
        years: u16,
        /// The reference date [default: today]
        #[arg(long, value_name = "DATE")]
        as_of: Option<PartialDate>,
        #[arg(long)]
        json: bool,
    },
    /// Network questions.
    #[command(subcommand)]
    Graph(GraphCommand),
    /// Candidate partners for a place, each with its reasons; or, with --evaluate, how well
    /// the finder recovers held-out real ties.
    #[command(
        after_help = "Examples:\n  polis recommend Amsterdam --theme climate\n  polis recommend de-bochum --top 5 --json\n  polis recommend --evaluate --seed 1"
    )]
    Recommend {
        /// The place (id or name).
        #[arg(required_unless_present = "evaluate")]
        place: Option<String>,
        #[arg(long, default_value_t = options::DEFAULT_RECOMMEND_TOP)]
        top: usize,
        /// Favour candidates working on this theme (e.g. climate, economy, culture).
        #[arg(long)]
        theme: Option<String>,
        #[arg(long, value_name = "DATE")]
        as_of: Option<PartialDate>,
        /// Hold out a share of real ties and report AUC, precision@10 and hit rate@10 against
        /// the popularity baseline.
        #[arg(long, conflicts_with = "place")]
        evaluate: bool,
        /// The share of ties held out by --evaluate.
        #[arg(long, default_value_t = options::DEFAULT_HELD_OUT_FRACTION)]
        fraction: f64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Reported figures (such as CPAFFC's counts) beside the values polis computes.
    #[command(after_help = "Examples:\n  polis figures\n  polis figures --country CN --json")]
    Figures {
        #[arg(long, value_name = "CC")]
        country: Option<CountryCode>,
        /// Leave out provisional places (names no import could resolve) and their ties; by
        /// default they are counted, and the answer says how many they are.
        #[arg(long)]
        resolved_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Activities: the ledger of visits, aid, projects and their quantities.
    #[command(subcommand)]
    Activities(ActivitiesCommand),
    /// Agreement articles by tag or text, with the ties they belong to and how those ended.
    #[command(
        after_help = "Examples:\n  polis clauses --tag one_china_clause\n  polis clauses --text taiwan --json"
    )]
    Clauses {
        /// Articles with this tag (e.g. one_china_clause, termination_clause).
        #[arg(long)]
        tag: Option<String>,
        /// Articles whose text contains this (case, diacritics and punctuation ignored).
        #[arg(long)]
        text: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Fetch data from live public sources.
    #[command(subcommand)]
    Fetch(FetchCommand),
    /// Resolve names to places with the embedded gazetteer, or record what a name means.
    #[command(
        after_help = "Examples:\n  polis resolve Praha\n  polis resolve \"Zhejiang Province\" --country China --json\n  polis resolve Springfield --country \"United States\" --lat 42.10 --lon -72.59\n  polis resolve Halle --country Germany --population 237000\n  polis resolve --file names.csv\n  polis resolve \"Wiener Neustadt\" --country Austria --confirm-geonames 2761524\n  polis resolve \"Hradec\" --country CZ --confirm-place cz-hradec-kralove"
    )]
    Resolve(ResolveArgs),
    /// The names imports could not resolve, waiting for a decision.
    #[command(after_help = "Examples:\n  polis unresolved\n  polis unresolved --limit 1000 --json")]
    Unresolved {
        #[arg(long, default_value_t = options::DEFAULT_UNRESOLVED_LIMIT)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Search places, actors, networks and agreement texts in any language or script.
    #[command(
        after_help = "Examples:\n  polis search Hrib\n  polis search 布拉格\n  polis search \"one china\""
    )]
    Search {
        query: String,
        #[arg(long, default_value_t = options::DEFAULT_SEARCH_LIMIT)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    // --- db copy (PostgreSQL helper) ---
    /// The database as a whole: copy it to another one, on any backend.
    #[command(subcommand)]
    Db(DbCommand),
    // --- end db copy ---
    /// The audit log: every change, newest first; `audit verify` checks its hash chain.
    #[command(
        after_help = "Examples:\n  polis audit --limit 20\n  polis audit verify\n  polis audit verify --json"
    )]
    Audit {
        #[command(subcommand)]
        command: Option<AuditCommand>,
        #[arg(long, default_value_t = options::DEFAULT_AUDIT_LIMIT)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Users of the team server and their roles (viewer < editor < reviewer < admin).
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens: `Authorization: Bearer polis_...` on the REST API.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Propose a change for review: a bundle fragment, a delete, merge or unmerge, or one
    /// lifecycle event added to a tie.
    #[command(
        after_help = "Examples:\n  polis propose new-tie.toml --comment \"signed 2024-05-02, see the council minutes\" --as eddie\n  polis propose --delete place xx-duplicate --comment \"a duplicate of cz-prague\" --as eddie\n  polis propose --merge place cz-praha-duplicate cz-prague --comment \"same city\" --as eddie\n  polis propose --event cn-beijing--cz-prague --event-kind terminated --date 2019-10-07 --side cz-prague --source deck --comment \"the council ended it\" --as eddie\n\nNothing changes until a reviewer approves it: polis review list; polis review approve ID."
    )]
    Propose(ProposeArgs),
    /// Review proposals: list, show, approve or reject them.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// The server's limits; each overrides the `[http]` table of the config file (docs/api.md).
#[derive(Debug, Args, Default)]
pub struct ServeLimits {
    /// Requests per second each client address may make on average; 0 turns the limit off
    /// [default: 100].
    #[arg(long, env = "POLIS_HTTP_RATE_PER_SECOND", value_name = "N")]
    pub rate_per_second: Option<u32>,
    /// Requests a client may make at once before the average applies [default: 200].
    #[arg(long, env = "POLIS_HTTP_BURST", value_name = "N")]
    pub burst: Option<u32>,
    /// The largest request body accepted, in bytes [default: 1048576].
    #[arg(long, env = "POLIS_HTTP_BODY_LIMIT_BYTES", value_name = "BYTES")]
    pub body_limit_bytes: Option<usize>,
    /// How long a request may take, in seconds, before it gets 503 [default: 30].
    #[arg(
        long,
        env = "POLIS_HTTP_REQUEST_TIMEOUT_SECONDS",
        value_name = "SECONDS"
    )]
    pub request_timeout_seconds: Option<u64>,
    /// How often to look for changes made by other processes, in milliseconds [default: 500].
    #[arg(long, env = "POLIS_HTTP_SNAPSHOT_POLL_MILLISECONDS", value_name = "MS")]
    pub snapshot_poll_milliseconds: Option<u64>,
    /// Whether reading the API needs a token (any role) [default: false: reading is public].
    #[arg(long, env = "POLIS_HTTP_READ_REQUIRES_TOKEN", value_name = "BOOL")]
    pub read_requires_token: Option<bool>,
    /// Writes per minute each client address may make on average; 0 turns this limit off
    /// [default: 60].
    #[arg(long, env = "POLIS_HTTP_WRITE_RATE_PER_MINUTE", value_name = "N")]
    pub write_rate_per_minute: Option<u32>,
    /// Writes a client may make at once before the write average applies [default: 10].
    #[arg(long, env = "POLIS_HTTP_WRITE_BURST", value_name = "N")]
    pub write_burst: Option<u32>,
    /// Whether a reviewer's or admin's proposal applies at once [default: false].
    #[arg(
        long,
        env = "POLIS_HTTP_DIRECT_APPLY_FOR_REVIEWERS",
        value_name = "BOOL"
    )]
    pub direct_apply_for_reviewers: Option<bool>,
}

impl ServeLimits {
    /// The limits the `POLIS_HTTP_*` variables set, for commands other than `serve` (which
    /// clap reads them for). A value that is not a whole number is an error naming it.
    pub fn from_env() -> anyhow::Result<Self> {
        fn var<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
            match std::env::var(name) {
                Ok(value) => value.trim().parse().map(Some).map_err(|_| {
                    anyhow::anyhow!(
                        "{name}='{value}' is not accepted: give a whole number (or true or false for a switch)"
                    )
                }),
                Err(_) => Ok(None),
            }
        }
        Ok(Self {
            rate_per_second: var("POLIS_HTTP_RATE_PER_SECOND")?,
            burst: var("POLIS_HTTP_BURST")?,
            body_limit_bytes: var("POLIS_HTTP_BODY_LIMIT_BYTES")?,
            request_timeout_seconds: var("POLIS_HTTP_REQUEST_TIMEOUT_SECONDS")?,
            snapshot_poll_milliseconds: var("POLIS_HTTP_SNAPSHOT_POLL_MILLISECONDS")?,
            read_requires_token: var("POLIS_HTTP_READ_REQUIRES_TOKEN")?,
            write_rate_per_minute: var("POLIS_HTTP_WRITE_RATE_PER_MINUTE")?,
            write_burst: var("POLIS_HTTP_WRITE_BURST")?,
            direct_apply_for_reviewers: var("POLIS_HTTP_DIRECT_APPLY_FOR_REVIEWERS")?,
        })
    }
}

/// Options every importer of a real source takes.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import.
    pub path: PathBuf,
    /// Resolve and report without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// The title of the source the file is (default: one per format).
    #[arg(long)]
    pub source_title: Option<String>,
    /// Where the file comes from.
    #[arg(long)]
    pub source_url: Option<String>,
    /// When the source saw its ties as existing (e.g. the date a list was scraped): undated
    /// ties then count as active from that date on.
    #[arg(long, value_name = "DATE")]
    pub observed: Option<polis_core::PartialDate>,
    /// Print the whole report as JSON (every rejected row and unresolved name).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Wikipedia's twin-town lists: `city1,country1,city2,country2`.
    #[command(
        name = "wikipedia-list",
        after_help = "Example:\n  polis import wikipedia-list ../shared/data/wikipedia-twin-towns/twin_cities_raw.csv"
    )]
    WikipediaList(ImportArgs),
    /// Wikidata P190 query results as TSV (origincityLabel, origincountry, originlat, ...).
    #[command(
        name = "wikidata-tsv",
        after_help = "Example:\n  polis import wikidata-tsv ../shared/data/wikidata-eu-sistercities/sistercities.tsv"
    )]
    WikidataTsv(ImportArgs),
    /// Wikidata P190 results in the SPARQL 1.1 JSON results format, with Q-ids and the
    /// P580/P582 start and end qualifiers (see docs/importers.md for the query).
    #[command(
        name = "wikidata-json",
        after_help = "Example:\n  polis import wikidata-json results.json"
    )]
    WikidataJson(ImportArgs),
    /// A network membership table (ClimActor's layout); network tags are normalised.
    #[command(
        after_help = "Example:\n  polis import memberships ../shared/data/climate-networks/subnational_contextuals_database_Dec2022.csv"
    )]
    Memberships(ImportArgs),
    /// Any CSV or TSV of ties, with a mapping file that says which column is which field.
    #[command(
        after_help = "Example:\n  polis import csv ties.csv --mapping mapping.toml\n\nThe mapping format is in docs/importers.md."
    )]
    Csv {
        #[command(flatten)]
        args: ImportArgs,
        /// The mapping file (TOML).
        #[arg(long)]
        mapping: PathBuf,
    },
    /// Network tables as Gephi imports them: a nodes table (id, label, and where known a
    /// Wikidata id, a country and coordinates) and an edges table (source, target). An edge
    /// given in both directions is one tie listed by both sides; given once, it is one-sided.
    #[command(
        name = "nodes-edges",
        after_help = "Examples:\n  polis import nodes-edges --nodes nodes.csv --edges edges.csv\n  polis import nodes-edges --nodes knoten.csv --edges kanten.csv --mapping tables.toml\n\nColumns are matched without regard to case by their usual names (Id, Label, Wikidata, country, lat, lon; Source, Target, kind); a mapping file names others. See docs/importers.md."
    )]
    NodesEdges {
        /// The nodes table (CSV or TSV).
        #[arg(long)]
        nodes: PathBuf,
        /// The edges table (CSV or TSV).
        #[arg(long)]
        edges: PathBuf,
        /// A mapping file (TOML) naming the tables' columns, delimiters and the ties' kind.
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// Resolve and report without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// The title of the source the tables are.
        #[arg(long)]
        source_title: Option<String>,
        /// Where the tables come from.
        #[arg(long)]
        source_url: Option<String>,
        /// When the source saw its ties as existing.
        #[arg(long, value_name = "DATE")]
        observed: Option<polis_core::PartialDate>,
        /// Print the whole report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a bundle directory (or a single-file bundle); see docs/bundle-format.md.
    #[command(
        after_help = "Examples:\n  polis import bundle my-edits.toml --dry-run\n  polis import bundle my-edits.toml\n\nA bundle's records replace the stored records with the same ids."
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
pub enum FetchCommand {
    /// Run the Wikidata P190 (twinned administrative body) query against a SPARQL endpoint,
    /// paged, rate-limited and retried, and write the SPARQL JSON results (then import them
    /// with --import, or later with `polis import wikidata-json FILE`).
    #[command(
        after_help = "Examples:\n  polis fetch wikidata --country CZ --out cz-p190.json --contact you@example.org\n  polis fetch wikidata --country NL --out nl.json --import"
    )]
    Wikidata {
        /// Where to write the results.
        #[arg(long)]
        out: PathBuf,
        /// Only origin cities in this country (ISO 3166-1 alpha-2).
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// The SPARQL endpoint [default: the Wikidata Query Service].
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
        /// Contact details for the User-Agent, as Wikimedia's policy asks (env POLIS_CONTACT).
        #[arg(long, env = "POLIS_CONTACT")]
        contact: Option<String>,
        /// Rows per request.
        #[arg(long, default_value_t = 5000)]
        page_size: usize,
        /// Import the results once fetched.
        #[arg(long)]
        import: bool,
    },
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The name to resolve.
    #[arg(required_unless_present = "file")]
    pub name: Option<String>,
    /// The country (a name, an ISO code, or a field like "England, United Kingdom").
    #[arg(long)]
    pub country: Option<String>,
    /// Resolve every row of a CSV with a `name` column and an optional `country` column.
    #[arg(long, conflicts_with = "name")]
    pub file: Option<PathBuf>,
    /// Record that NAME (with --country) means this registry place, on every later import.
    #[arg(long, value_name = "PLACE_ID", requires = "name")]
    pub confirm_place: Option<String>,
    /// Record that NAME (with --country) means this GeoNames place, on every later import.
    #[arg(
        long,
        value_name = "GEONAMES_ID",
        requires = "name",
        conflicts_with = "confirm_place"
    )]
    pub confirm_geonames: Option<u32>,
    /// The source's latitude (with --lon): the coordinates choose among the places of the
    /// name, as an import's do.
    #[arg(
        long,
        requires = "lon",
        conflicts_with = "file",
        allow_negative_numbers = true
    )]
    pub lat: Option<f64>,
    /// The source's longitude (with --lat).
    #[arg(
        long,
        requires = "lat",
        conflicts_with = "file",
        allow_negative_numbers = true
    )]
    pub lon: Option<f64>,
    /// The source's population: where no coordinates are given, it chooses among the places
    /// of the name, and a count ten times off the answer by name makes it a guess.
    #[arg(long, conflicts_with = "file")]
    pub population: Option<u64>,
    /// At most this many candidates.
    #[arg(long, default_value_t = options::DEFAULT_CANDIDATES)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ActivitiesCommand {
    /// Totals of recorded quantities by item and unit (only like with like is added).
    #[command(after_help = "Examples:\n  polis activities totals --kind aid")]
    Totals {
        /// Only activities of this kind (delegation_visit, aid, conference, business_project,
        /// cultural_exchange, advocacy, programme, speech).
        #[arg(long)]
        kind: Option<polis_core::ActivityKind>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Degree, weighted degree, betweenness, PageRank, components, k-cores and Louvain
    /// communities of the tie network on a date.
    #[command(
        after_help = "Examples:\n  polis graph metrics --top 20\n  polis graph metrics --country CZ --sort pagerank --json\n  polis graph metrics --sampled 500 --seed 7"
    )]
    Metrics {
        /// List this many places.
        #[arg(long, default_value_t = options::DEFAULT_METRICS_TOP)]
        top: usize,
        /// List only places of this country (metrics are computed on the whole network).
        #[arg(long, value_name = "CC")]
        country: Option<CountryCode>,
        /// The network on this date [default: now].
        #[arg(long, value_name = "DATE")]
        as_of: Option<PartialDate>,
        /// Order the places by this metric.
        #[arg(long, value_parser = one_of::<MetricSort>(&MetricSort::NAMES), default_value_t = MetricSort::default())]
        sort: MetricSort,
        /// Estimate betweenness from this many random sources instead of exactly.
        #[arg(long, value_name = "K")]
        sampled: Option<usize>,
        /// Seed for Louvain and sampling: the same seed gives the same answer.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Leave out provisional places (names no import could resolve) and their ties; by
        /// default they are counted, and the answer says how many they are.
        #[arg(long)]
        resolved_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// The shortest chains between two records. Between two places it follows ties only
    /// (unless --through all); otherwise it follows relations, ties, memberships and
    /// activities, answering "who connects X to Y". A chain counts only when all its dated
    /// links were in force at one time; the answer gives that window and marks undated links.
    #[command(
        after_help = "Examples:\n  polis graph path Prague Beijing\n  polis graph path prague-city-hall cefc-china-energy --through relations\n  polis graph path prague-city-hall cefc-china-energy --during 2016..2017\n  polis graph path \"Zdeněk Hřib\" Taipei --as-of 2020-02-01 --json"
    )]
    Path {
        from: String,
        to: String,
        /// What to follow: `ties` (place to place), `relations` (people and organisations'
        /// relations only), or `all` (relations, ties, memberships, activities).
        #[arg(long, value_parser = one_of::<Through>(&Through::NAMES))]
        through: Option<Through>,
        /// Only links in force on this date.
        #[arg(long, value_name = "DATE")]
        as_of: Option<PartialDate>,
        /// Only chains that held together at some time within FROM..TO (e.g. 2015..2018-06).
        #[arg(long, value_name = "FROM..TO", conflicts_with = "ignore_time")]
        during: Option<polis_app::DateWindow>,
        /// Ignore dates: any chain of links, even of people never in office together.
        #[arg(long)]
        ignore_time: bool,
        /// At most this many chains of the shortest length.
        #[arg(long, default_value_t = options::DEFAULT_MAX_CHAINS)]
        max: usize,
        #[arg(long)]
        json: bool,
    },
}

/// Which ties an export holds: `polis export`'s scope, as the API's and the pages' exports
/// take it.
#[derive(Debug, Args)]
pub struct ExportScopeArgs {
    /// Only the ties of this place (an id or a name), with the places and documents they cite.
    #[arg(long, conflicts_with = "country")]
    pub place: Option<String>,
    /// Only the ties with an end in this country (ISO code).
    #[arg(long)]
    pub country: Option<CountryCode>,
    /// Leave out provisional places (names no import could resolve) and their ties.
    #[arg(long)]
    pub resolved_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the records as a bundle: a directory (canonical: export, import, export gives
    /// the same bytes), or one file when PATH ends in `.toml`. With a scope, the scope's ties
    /// with the places and documents they cite, and every source.
    #[command(
        after_help = "Examples:\n  polis export bundle /tmp/polis-export\n  polis export bundle prague.toml --place cz-prague"
    )]
    Bundle {
        path: PathBuf,
        /// The bundle's name in its bundle.toml.
        #[arg(long, default_value = "polis-export")]
        name: String,
        #[command(flatten)]
        scope: ExportScopeArgs,
    },
    /// One row per tie (CSV), for R, pandas or a spreadsheet.
    #[command(after_help = "Example:\n  polis export csv cz.csv --country CZ --resolved-only")]
    Csv {
        path: PathBuf,
        #[command(flatten)]
        scope: ExportScopeArgs,
    },
    /// Places as points and ties as lines (GeoJSON).
    Geojson {
        path: PathBuf,
        #[command(flatten)]
        scope: ExportScopeArgs,
    },
    /// The tie network as GraphML (Gephi, yEd, networkx, igraph).
    Graphml {
        path: PathBuf,
        #[command(flatten)]
        scope: ExportScopeArgs,
    },
    /// The tie network as GEXF 1.3 with time intervals, for Gephi's timeline.
    Gexf {
        path: PathBuf,
        #[command(flatten)]
        scope: ExportScopeArgs,
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
    #[command(flatten)]
    Edit(EditCommand),
}

/// Merge, unmerge and delete, for places and actors alike.
#[derive(Debug, Subcommand)]
pub enum EditCommand {
    /// Merge OLD into INTO: every reference to OLD (ties, memberships, relations,
    /// activities, documents) moves to INTO in one transaction, and OLD keeps working as a
    /// redirect (undo with `unmerge`).
    #[command(
        after_help = "Examples:\n  polis place merge cz-brunn cz-brno\n  polis actor merge cefc-china-energy-co cefc-china-energy"
    )]
    Merge { old: String, into: String },
    /// Undo the merge of OLD exactly (refused when the records were edited since).
    Unmerge { old: String },
    /// Delete a record that nothing references (otherwise the referrers are listed).
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct TiesArgs {
    /// Ties of this place (id or name).
    #[arg(long)]
    pub place: Option<String>,
    /// Ties with an end in this country (ISO 3166-1 alpha-2, e.g. CZ).
    #[arg(long, value_name = "CC")]
    pub country: Option<CountryCode>,
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
    #[arg(long, value_name = "CC", conflicts_with = "place")]
    pub country: Option<CountryCode>,
    /// Count for this place (id or name) and every place inside it: a region with its
    /// cities, or one city.
    #[arg(long)]
    pub place: Option<String>,
    /// Count only ties with a partner in this country (ISO 3166-1 alpha-2).
    #[arg(long, value_name = "CC")]
    pub partner_country: Option<CountryCode>,
    /// The date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<PartialDate>,
    /// Leave out provisional places (names no import could resolve) and their ties; by
    /// default they are counted, and the answer says how many they are.
    #[arg(long)]
    pub resolved_only: bool,
    /// Which country a place in a contested territory (Crimea, Taiwan, Kosovo, ...) counts
    /// under: iso (ISO 3166's), claim (the country its sources put it in) or both (each).
    #[arg(long, value_name = "BASIS", value_parser = one_of::<CountryBasis>(&CountryBasis::NAMES), default_value_t = CountryBasis::default())]
    pub country_basis: CountryBasis,
    #[arg(long)]
    pub json: bool,
}

// --- db copy (PostgreSQL helper) ---
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy everything (records, redirects and merges, decisions, the unresolved queue,
    /// import runs, users, tokens, proposals and the audit log with its hash chain) from one
    /// database to another, unchanged. FROM and TO are SQLite paths or postgres:// URLs; TO
    /// is created when missing and refused when it holds anything, unless --force.
    #[command(
        after_help = "Examples:\n  polis db copy ~/.local/share/polis/polis.db postgres://polis@db.example/polis\n  polis db copy 'postgres://polis@db.example/polis?schema=team' backup.db --force"
    )]
    Copy {
        from: String,
        to: String,
        /// Replace everything in a target that is not empty.
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}
// --- end db copy ---

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example config file.
    Example,
    /// Print the settings in force and where each came from.
    Show,
}

/// Who a team command acts as. Without `--as` the command line acts as the local admin
/// `cli:<OS user>`: whoever can open the database file can change it anyway.
#[derive(Debug, Args, Default, Clone)]
pub struct Acting {
    /// Act as this stored user, with their role and its limits (an editor proposes, another
    /// user reviews) [default: the local admin cli:$USER]
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain; exits 1 naming the first entry that was altered,
    /// deleted or moved.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user with a role; with --password-stdin, a web-UI password read from standard
    /// input (at least 8 characters; stored as an argon2 hash).
    #[command(
        after_help = "Examples:\n  polis user add ada --role admin\n  polis user add eddie --role editor\n  printf '%s' \"$PASSWORD\" | polis user add rita --role reviewer --password-stdin"
    )]
    Add {
        name: String,
        #[arg(long, value_parser = one_of::<polis_app::Role>(&["viewer", "editor", "reviewer", "admin"]))]
        role: polis_app::Role,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Every user and their role.
    #[command(after_help = "Examples:\n  polis user list\n  polis user list --json")]
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a user's role. No one raises their own role, and the last admin stays admin.
    #[command(
        name = "set-role",
        after_help = "Examples:\n  polis user set-role eddie reviewer\n  polis user set-role rita viewer --as ada"
    )]
    SetRole {
        name: String,
        #[arg(value_parser = one_of::<polis_app::Role>(&["viewer", "editor", "reviewer", "admin"]))]
        role: polis_app::Role,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user. The secret is printed once; only its SHA-256 is kept.
    #[command(
        after_help = "Examples:\n  polis token create eddie\n  polis token create eddie --expires 2027-06-30 --json\n  curl -H \"Authorization: Bearer polis_...\" http://127.0.0.1:8080/api/v1/proposals"
    )]
    Create {
        user: String,
        /// The last day the token works (YYYY-MM-DD) [default: never expires]
        #[arg(long, value_name = "DATE")]
        expires: Option<PartialDate>,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
    /// Every token (never its secret), newest first.
    #[command(after_help = "Examples:\n  polis token list\n  polis token list --json")]
    List {
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (from `polis token list`).
    #[command(after_help = "Example:\n  polis token revoke 3f2a9c0d1e4b5a6c")]
    Revoke {
        id: String,
        #[command(flatten)]
        acting: Acting,
    },
}

#[derive(Debug, Args)]
pub struct ProposeArgs {
    /// A bundle fragment: one TOML file of the bundle format (docs/bundle-format.md) whose
    /// records are laid over the stored ones.
    #[arg(required_unless_present_any = ["delete", "merge", "unmerge", "event"], conflicts_with_all = ["delete", "merge", "unmerge", "event"])]
    pub file: Option<PathBuf>,
    /// Propose deleting a record.
    #[arg(long, num_args = 2, value_names = ["KIND", "ID"], conflicts_with_all = ["merge", "unmerge"])]
    pub delete: Option<Vec<String>>,
    /// Propose merging record OLD into INTO (places and actors).
    #[arg(long, num_args = 3, value_names = ["KIND", "OLD", "INTO"], conflicts_with = "unmerge")]
    pub merge: Option<Vec<String>>,
    /// Propose undoing the merge of OLD.
    #[arg(long, num_args = 2, value_names = ["KIND", "OLD"], conflicts_with = "event")]
    pub unmerge: Option<Vec<String>>,
    /// Propose adding one lifecycle event to the tie TIE (a renewal, a suspension, a
    /// termination), described by --event-kind, --source and the optional --date, --side,
    /// --actor, --reason and --document; as `POST /api/v1/ties/{tie}/events`.
    #[arg(long, value_name = "TIE", conflicts_with_all = ["delete", "merge"], requires_all = ["event_kind", "sources"])]
    pub event: Option<String>,
    /// With --event: what happened (proposed, signed, renewed, suspended, terminated, reinstated).
    #[arg(long, requires = "event")]
    pub event_kind: Option<EventKind>,
    /// With --event: when (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, requires = "event")]
    pub date: Option<PartialDate>,
    /// With --event: the place whose side acted (for a termination, the side that ended it).
    #[arg(long, requires = "event")]
    pub side: Option<String>,
    /// With --event: the actor that acted.
    #[arg(long, requires = "event")]
    pub actor: Option<String>,
    /// With --event: why.
    #[arg(long, requires = "event")]
    pub reason: Option<String>,
    /// With --event: the document that records the step.
    #[arg(long, requires = "event")]
    pub document: Option<String>,
    /// With --event: a source of the event (an id; repeat for several).
    #[arg(long = "source", value_name = "SOURCE", requires = "event")]
    pub sources: Vec<String>,
    /// Why: what the change is and where it comes from.
    #[arg(long)]
    pub comment: String,
    #[command(flatten)]
    pub acting: Acting,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Proposals, newest first.
    #[command(
        after_help = "Examples:\n  polis review list\n  polis review list --status open --json"
    )]
    List {
        /// Only proposals with this status.
        #[arg(long, value_parser = PossibleValuesParser::new(["open", "approved", "rejected"]))]
        status: Option<String>,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
    /// A proposal with its diff against the records when it was proposed.
    #[command(after_help = "Examples:\n  polis review show 4\n  polis review show 4 --json")]
    Show {
        id: i64,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
    /// Approve a proposal: validated again against the records as they are now, refused
    /// with both diffs when they changed since, then applied in one transaction and audited.
    #[command(
        after_help = "Examples:\n  polis review approve 4 --comment \"checked the minutes\" --as rita\n  polis review approve 4 --json"
    )]
    Approve {
        id: i64,
        #[arg(long, default_value = "")]
        comment: String,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
    /// Reject a proposal, saying why.
    #[command(
        after_help = "Example:\n  polis review reject 4 --comment \"no source for the 2024 date\" --as rita"
    )]
    Reject {
        id: i64,
        #[arg(long)]
        comment: String,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        json: bool,
    },
}
