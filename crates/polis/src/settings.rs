//! The one settings struct: defaults, then the config file, then `POLIS_*` environment
//! variables, then command-line flags (clap reads the last two).

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Settings read from the config file. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// Path of the database file.
    pub db: Option<PathBuf>,
    /// Log filter, as in `RUST_LOG` (`info`, `polis=debug`).
    pub log: Option<String>,
    /// Directory for derived data (the gazetteer's name index); empty: no cache.
    pub cache_dir: Option<PathBuf>,
    /// The server's limits and CORS (`polis serve`).
    pub http: Option<polis_http::HttpConfig>,
    /// The connections to a PostgreSQL database (`db = "postgres://..."`).
    pub postgres: Option<PostgresSettings>,
}

/// The `[postgres]` table: how polis connects to a PostgreSQL server. A SQLite file ignores
/// it. The URL's parameters of the same names may give these instead (not both, unless
/// they agree).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresSettings {
    /// Connections each polis process keeps open (1 to 1000).
    pub pool_size: Option<u32>,
    /// PostgreSQL's `statement_timeout` for every connection, in milliseconds.
    pub statement_timeout_ms: Option<u64>,
}

/// The settings in force.
#[derive(Debug)]
pub struct Settings {
    pub db: PathBuf,
    pub log: String,
    /// Where derived data is cached, if anywhere.
    pub cache_dir: Option<PathBuf>,
    /// The server's settings from the file (flags and `POLIS_HTTP_*` are laid over them by
    /// [`Settings::http`]).
    pub http: polis_http::HttpConfig,
    /// The PostgreSQL pool size and statement timeout: flags and `POLIS_POSTGRES_*` over
    /// the file's `[postgres]` table.
    pub postgres: polis_app::PgSettings,
}

impl Settings {
    /// The server's settings: the file's `[http]` table with the flags and environment
    /// variables of `polis serve` over it.
    pub fn http(&self, limits: &crate::cli::ServeLimits) -> polis_http::HttpConfig {
        let mut http = self.http.clone();
        if let Some(rate) = limits.rate_per_second {
            http.rate_per_second = rate;
        }
        if let Some(burst) = limits.burst {
            http.burst = burst;
        }
        if let Some(bytes) = limits.body_limit_bytes {
            http.body_limit_bytes = bytes;
        }
        if let Some(seconds) = limits.request_timeout_seconds {
            http.request_timeout_seconds = seconds;
        }
        if let Some(milliseconds) = limits.snapshot_poll_milliseconds {
            http.snapshot_poll_milliseconds = milliseconds;
        }
        if let Some(required) = limits.read_requires_token {
            http.read_requires_token = required;
        }
        if let Some(rate) = limits.write_rate_per_minute {
            http.write_rate_per_minute = rate;
        }
        if let Some(burst) = limits.write_burst {
            http.write_burst = burst;
        }
        if let Some(direct) = limits.direct_apply_for_reviewers {
            http.direct_apply_for_reviewers = direct;
        }
        http
    }
}

/// Where the config file is by default: `$XDG_CONFIG_HOME/polis/polis.toml` on Linux, the
/// platform's equivalent elsewhere.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "polis", "polis")
        .map(|d| d.config_dir().join("polis.toml"))
}

/// Where caches go by default: `$XDG_CACHE_HOME/polis` on Linux (usually `~/.cache/polis`),
/// the platform's equivalent elsewhere. Only derived data goes there (the gazetteer's name
/// index); deleting it is safe.
pub fn default_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "polis", "polis").map(|d| d.cache_dir().to_path_buf())
}

/// Where the database is by default: `$XDG_DATA_HOME/polis/polis.db` on Linux (usually
/// `~/.local/share/polis/polis.db`), the platform's equivalent elsewhere.
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("org", "polis", "polis")
        .map(|d| d.data_dir().join("polis.db"))
        .unwrap_or_else(|| PathBuf::from("polis.db"))
}

/// Reads the config file (the given one must exist; the default one may be absent) and lays
/// environment variables and flags, already merged by clap, over it.
pub fn resolve(
    config: Option<&Path>,
    db_flag: Option<PathBuf>,
    log_flag: Option<String>,
    postgres_flags: polis_app::PgSettings,
) -> anyhow::Result<Settings> {
    let file = match config {
        Some(path) => read_file(path)?,
        None => match default_config_path() {
            Some(path) if path.is_file() => read_file(&path)?,
            _ => FileSettings::default(),
        },
    };
    // No flag for the cache: `POLIS_CACHE_DIR` over the file over the default, and an empty
    // value at either level turns the cache off.
    let cache_dir = match std::env::var_os("POLIS_CACHE_DIR").map(PathBuf::from) {
        Some(dir) => Some(dir),
        None => file.cache_dir.or_else(default_cache_dir),
    }
    .filter(|dir| !dir.as_os_str().is_empty());
    let postgres = file.postgres.unwrap_or_default();
    Ok(Settings {
        db: db_flag.or(file.db).unwrap_or_else(default_db_path),
        log: log_flag.or(file.log).unwrap_or_else(|| "warn".to_owned()),
        cache_dir,
        http: file.http.unwrap_or_default(),
        postgres: polis_app::PgSettings {
            pool_size: postgres_flags.pool_size.or(postgres.pool_size),
            statement_timeout_ms: postgres_flags
                .statement_timeout_ms
                .or(postgres.statement_timeout_ms),
        },
    })
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| {
        format!(
            "{}: not a valid polis config file (see `polis config example`)",
            path.display()
        )
    })
}

/// A commented example config file.
pub const EXAMPLE: &str = r#"# polis configuration. Every key is optional. Precedence, lowest first: built-in
# defaults, this file, POLIS_* environment variables, command-line flags.
# Default location: $XDG_CONFIG_HOME/polis/polis.toml (~/.config/polis/polis.toml);
# another file can be named with --config or POLIS_CONFIG.

# The database file. Env: POLIS_DB. Flag: --db.
# Default: $XDG_DATA_HOME/polis/polis.db (~/.local/share/polis/polis.db).
# db = "/var/lib/polis/polis.db"

# Log filter, as in RUST_LOG. Env: POLIS_LOG. Flag: --log.
# log = "info"

# Where derived data is cached (the gazetteer's name index, about 12 MB); "" turns the cache
# off. Env: POLIS_CACHE_DIR. Default: $XDG_CACHE_HOME/polis (~/.cache/polis).
# cache_dir = "/var/cache/polis"

# A PostgreSQL database (db = "postgres://..."; docs/deploy.md). A SQLite file ignores
# these. The URL may give them instead, as ?pool_size=16&statement_timeout_ms=30000 (not
# both, unless they agree).
[postgres]
# Connections each polis process keeps open, 1 to 1000. Env: POLIS_POSTGRES_POOL_SIZE.
# Flag: --pool-size.
# pool_size = 8
# Cancel any statement that runs longer, in milliseconds (PostgreSQL's statement_timeout);
# default none. Env: POLIS_POSTGRES_STATEMENT_TIMEOUT_MS. Flag: --statement-timeout-ms.
# statement_timeout_ms = 30000

# The server (`polis serve`); docs/api.md. Each key also has an environment variable
# (POLIS_HTTP_RATE_PER_SECOND, ...) and a flag of `polis serve` (--rate-per-second, ...).
[http]
# Requests per second each client IP address may make on average; 0 turns the limit off.
# rate_per_second = 100
# Requests a client may make at once before the average applies.
# burst = 200
# The largest request body accepted, in bytes; larger ones get 413.
# body_limit_bytes = 1048576
# How long a request may take, in seconds, before it gets 503 `timeout`.
# request_timeout_seconds = 30
# Origins whose browser pages may call the API (CORS); empty turns CORS off.
# cors_allowed_origins = ["https://example.org"]
# How often to look for changes made by other processes (imports), in milliseconds.
# snapshot_poll_milliseconds = 500
# Whether reading the API needs a token (any role); false: reading is public. The audit log,
# users and proposals always need one.
# read_requires_token = false
# Writes (proposals, reviews, roles) per minute each client address may make on average,
# and at once; 0 turns this limit off.
# write_rate_per_minute = 60
# write_burst = 10
# Whether a reviewer's or admin's proposal applies at once instead of waiting for review.
# direct_apply_for_reviewers = false
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the example shows, uncommented, is a key the settings take.
    #[test]
    fn the_example_uncommented_is_a_valid_config_file() {
        let uncommented: String = EXAMPLE
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(key, _)| {
                        key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    }) =>
                {
                    rest
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let file: FileSettings = toml::from_str(&uncommented).expect("the example parses");
        let postgres = file.postgres.expect("a [postgres] table");
        assert_eq!(postgres.pool_size, Some(8));
        assert_eq!(postgres.statement_timeout_ms, Some(30000));
        assert!(file.http.is_some() && file.db.is_some());
    }
}
