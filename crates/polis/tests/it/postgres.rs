//! The binary on PostgreSQL: `--db postgres://...` (here through `POLIS_DB`) selects it, and
//! init, an import, stats and `export bundle` give the same answers, byte for byte, as on
//! SQLite; `polis db copy` moves a database between the two. Each test uses a schema of its
//! own. The server is `POLIS_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`);
//! without one, the tests print why and pass, except under CI, where they fail.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::{Polis, Run, example_bundle, write_bundle};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A schema no other test uses, in the server's URL; None (and why, printed) without a
/// server. Under CI a missing server fails the test.
pub(crate) fn postgres_url() -> Option<String> {
    let base = std::env::var("POLIS_TEST_PG").unwrap_or_else(|_| DEFAULT_URL.to_owned());
    let answers = Command::new("pg_isready")
        .args(["-d", &base])
        .output()
        .map(|o| o.status.success());
    match answers {
        Ok(true) => {}
        Ok(false) | Err(_) => {
            if std::env::var_os("CI").is_some() {
                panic!("no PostgreSQL server answers at {base} (POLIS_TEST_PG), and CI is set");
            }
            eprintln!("skipped: no PostgreSQL server answers at {base} (set POLIS_TEST_PG)");
            return None;
        }
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!(
        "{base}{separator}schema=polis_cli_{}_{nanos}",
        std::process::id()
    ))
}

/// Runs polis on the database `db` (a path or a URL), with the config of `polis`.
pub(crate) fn run_on(polis: &Polis, db: &str, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_polis"))
        .args(args)
        .env("POLIS_DB", db)
        .env("POLIS_CONFIG", polis.dir.path().join("polis.toml"))
        .env_remove("POLIS_LOG")
        .env(
            "POLIS_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"),
        )
        .output()
        .expect("polis runs");
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub(crate) fn ok_on(polis: &Polis, db: &str, args: &[&str]) -> Run {
    let run = run_on(polis, db, args);
    assert!(run.ok, "polis {args:?} on {db} failed:\n{}", run.stderr);
    run
}

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("reads the export") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                out.insert(name, std::fs::read(&path).expect("reads a file"));
            }
        }
    }
    out
}

/// Drops the schema a test made (best effort: a failed test leaves it for inspection).
pub(crate) fn drop_schema(url: &str) {
    let (base, query) = url.split_once('?').expect("the URL names its schema");
    let schema = query
        .split('&')
        .find_map(|p| p.strip_prefix("schema="))
        .expect("a schema parameter");
    let _ = Command::new("psql")
        .args([
            base,
            "-qc",
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        ])
        .output();
}

/// A small list of twin towns in the Wikipedia list's format, written for this test.
const TWIN_TOWNS: &str = "city1,country1,city2,country2\n\
Prague,Czech Republic,Berlin,Germany\n\
Berlin,Germany,Praha,Czechia\n\
Chişinău,Moldova,Kyiv,Ukraine\n\
Brno,Czech Republic,Leipzig,Germany\n\
Xqzzyvillezzz,Atlantis,Paris,France\n";

#[test]
fn init_import_stats_and_export_match_sqlite_byte_for_byte() {
    let Some(url) = postgres_url() else { return };
    let polis = Polis::new();
    let list = polis.path("twin_towns.csv");
    std::fs::write(&list, TWIN_TOWNS).expect("writes the list");
    let list = list.display().to_string();
    let sqlite = polis.db().display().to_string();

    // A reading command on an empty schema says to run init, and creates nothing.
    let refused = run_on(&polis, &url, &["stats"]);
    assert!(!refused.ok);
    assert!(refused.stderr.contains("polis init"), "{}", refused.stderr);

    let mut answers = Vec::new();
    for db in [&sqlite, &url] {
        ok_on(&polis, db, &["init"]);
        ok_on(&polis, db, &["import", "bundle", &example_bundle()]);
        // The reports, without how long the import took.
        let report_of = |args: &[&str]| {
            let mut report = ok_on(&polis, db, args).json();
            report.as_object_mut().map(|r| r.remove("seconds"));
            report
        };
        let report = report_of(&["import", "wikipedia-list", &list, "--json"]);
        // Importing again changes nothing, on either backend.
        let again = report_of(&["import", "wikipedia-list", &list, "--json"]);
        let stats = ok_on(&polis, db, &["stats", "--json"]).json();
        let search = ok_on(&polis, db, &["search", "pra", "--json"]).json();
        let unresolved = ok_on(&polis, db, &["unresolved", "--json"]).json();
        let export = polis.path(&format!("export-{}", answers.len()));
        ok_on(
            &polis,
            db,
            &["export", "bundle", export.to_str().expect("a path")],
        );
        answers.push((report, again, stats, search, unresolved, files(&export)));
    }
    let (on_sqlite, on_postgres) = (&answers[0], &answers[1]);
    assert_eq!(on_sqlite.0, on_postgres.0, "the import reports");
    assert_eq!(on_sqlite.1, on_postgres.1, "the repeated import reports");
    assert_eq!(
        // Every row, the one with an unknown name too (kept through a provisional place).
        on_postgres.1["rows_already_imported"],
        5,
        "{:#}",
        on_postgres.1
    );
    assert_eq!(on_sqlite.2, on_postgres.2, "stats");
    assert_eq!(on_sqlite.3, on_postgres.3, "search hits and their order");
    assert_eq!(on_sqlite.4, on_postgres.4, "the unresolved queue");
    assert!(on_sqlite.5.len() >= 3, "{:?}", on_sqlite.5.keys());
    assert_eq!(on_sqlite.5, on_postgres.5, "the exported bundles");
    drop_schema(&url);
}

#[test]
fn db_copy_moves_everything_between_backends_and_refuses_a_full_target() {
    let Some(url) = postgres_url() else { return };
    let polis = Polis::new();
    let original = polis.db().display().to_string();
    ok_on(&polis, &original, &["init"]);
    let duplicate = write_bundle(
        &polis,
        "duplicate.toml",
        "[[place]]\nid = \"cz-praha-duplicate\"\nlevel = \"city\"\nname = \"Praha\"\ncountry = \"CZ\"\nsources = [\"deck\"]\n",
    );
    ok_on(&polis, &original, &["import", "bundle", &duplicate]);
    ok_on(
        &polis,
        &original,
        &["place", "merge", "cz-praha-duplicate", "cz-prague"],
    );
    let export = |db: &str, name: &str| {
        let path = polis.path(name);
        ok_on(
            &polis,
            db,
            &["export", "bundle", path.to_str().expect("a path")],
        );
        files(&path)
    };
    let before = export(&original, "original");

    // SQLite to PostgreSQL.
    let copied = ok_on(
        &polis,
        &original,
        &["db", "copy", &original, &url, "--json"],
    )
    .json();
    assert!(
        copied["copied"]["records"].as_u64().unwrap_or(0) > 0,
        "{copied:#}"
    );
    assert_eq!(
        copied["n_audit_entries_verified"], copied["copied"]["audit_entries"],
        "{copied:#}"
    );
    assert_eq!(export(&url, "on-postgres"), before);
    // The merge made before the copy undoes on the copy.
    ok_on(&polis, &url, &["place", "unmerge", "cz-praha-duplicate"]);

    // A target that holds data is refused, then replaced with --force.
    let refused = run_on(&polis, &original, &["db", "copy", &original, &url]);
    assert!(!refused.ok);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    ok_on(
        &polis,
        &original,
        &["db", "copy", &original, &url, "--force"],
    );
    assert_eq!(export(&url, "forced"), before);

    // And back to a new SQLite file.
    let back = polis.path("back.db").display().to_string();
    ok_on(&polis, &original, &["db", "copy", &url, &back]);
    assert_eq!(export(&back, "back"), before);
    let same = run_on(&polis, &original, &["db", "copy", &original, &original]);
    assert!(!same.ok, "copying a database onto itself is refused");
    drop_schema(&url);
}

/// Issue 13: the statement timeout as a setting reaches the database. While another
/// session holds a lock on the audit log, `polis stats` waits for it; with a statement
/// timeout, given by flag, environment variable, config file or URL, it is cancelled at
/// once instead. A pool size given differently in the URL and the settings is refused, a
/// pool of 0 names the accepted range, and a SQLite file takes the settings and ignores
/// them.
#[test]
fn statement_timeout_and_pool_size_as_settings() {
    let Some(url) = postgres_url() else { return };
    let polis = Polis::new();
    ok_on(&polis, &url, &["init", "--empty"]);
    let (base, query) = url.split_once('?').expect("a schema");
    let schema = query.trim_start_matches("schema=");

    // Another session locks the audit log for 20 s (until it is killed).
    let mut locker = Command::new("psql")
        .args([
            base,
            "-qc",
            &format!(
                "BEGIN; LOCK TABLE {schema}.audit_log IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;"
            ),
        ])
        .env("PGAPPNAME", format!("locker_{schema}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("psql starts");
    let locked = format!(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = '{schema}' AND c.relname = 'audit_log' AND l.granted"
    );
    let started = std::time::Instant::now();
    loop {
        let count = Command::new("psql")
            .args([base, "-tAc", &locked])
            .output()
            .expect("psql runs");
        if String::from_utf8_lossy(&count.stdout).trim() == "1" {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the lock was not taken"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    let config = polis.path("polis.toml");
    let timed_out = |run: Run, how: &str| {
        assert!(!run.ok, "{how}: stats waited for the lock and answered");
        assert!(
            run.stderr.contains("statement timeout"),
            "{how}: {}",
            run.stderr
        );
    };
    let limited = |args: &[&str]| {
        let asked = std::time::Instant::now();
        let run = run_on(&polis, &url, args);
        (run, asked.elapsed())
    };
    let (run, took) = limited(&["--statement-timeout-ms", "1000", "stats"]);
    timed_out(run, "the flag");
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
    std::fs::write(&config, "[postgres]\nstatement_timeout_ms = 1000\n").expect("writes");
    timed_out(run_on(&polis, &url, &["stats"]), "the config file");
    std::fs::write(&config, "").expect("writes");
    let by_env = Command::new(env!("CARGO_BIN_EXE_polis"))
        .arg("stats")
        .env("POLIS_DB", &url)
        .env("POLIS_CONFIG", &config)
        .env("POLIS_POSTGRES_STATEMENT_TIMEOUT_MS", "1000")
        .output()
        .expect("polis runs");
    timed_out(
        Run {
            ok: by_env.status.success(),
            stdout: String::from_utf8_lossy(&by_env.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&by_env.stderr).into_owned(),
        },
        "the environment",
    );
    timed_out(
        run_on(
            &polis,
            &format!("{url}&statement_timeout_ms=1000"),
            &["stats"],
        ),
        "the URL",
    );
    // Ended on the server's side: a killed psql would leave its session sleeping, and
    // holding the lock, until the sleep ends.
    let ended = Command::new("psql")
        .args([
            base,
            "-qc",
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker_{schema}'"
            ),
        ])
        .output()
        .expect("psql runs");
    assert!(ended.status.success(), "{ended:?}");
    let _ = locker.wait();
    // The lock gone, the same command answers.
    ok_on(&polis, &url, &["--statement-timeout-ms", "1000", "stats"]);

    let conflict = run_on(
        &polis,
        &format!("{url}&pool_size=4"),
        &["--pool-size", "5", "stats"],
    );
    assert!(!conflict.ok);
    assert!(
        conflict
            .stderr
            .contains("pool_size is 4 in the URL but 5 in the settings"),
        "{}",
        conflict.stderr
    );
    ok_on(
        &polis,
        &format!("{url}&pool_size=4"),
        &["--pool-size", "4", "stats"],
    );
    let zero = run_on(&polis, &url, &["--pool-size", "0", "stats"]);
    assert!(
        !zero.ok && zero.stderr.contains("from 1 to 1000"),
        "{}",
        zero.stderr
    );
    std::fs::write(
        &config,
        "[postgres]\npool_size = 2\nstatement_timeout_ms = 1000\n",
    )
    .expect("writes");
    ok_on(&polis, &url, &["stats"]);
    let sqlite = polis.db().display().to_string();
    ok_on(&polis, &sqlite, &["init", "--empty"]);
    ok_on(&polis, &sqlite, &["--pool-size", "4", "stats"]);
    std::fs::write(&config, "[postgres]\npool_sise = 2\n").expect("writes");
    let typo = run_on(&polis, &url, &["stats"]);
    assert!(
        !typo.ok && typo.stderr.contains("pool_sise"),
        "{}",
        typo.stderr
    );
    drop_schema(&url);
}
