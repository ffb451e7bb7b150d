//! The conformance suite of `polis_store::conformance` run against PostgreSQL, each property
//! in a schema of its own (so the tests run in parallel), plus what only a server has:
//! schemas chosen by URL, several stores on one schema writing one after another, and
//! copies to and from SQLite.
//!
//! The server is `POLIS_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`). Where
//! no server answers, each test prints why and passes, except under CI (`CI` set), where it
//! fails.

use std::sync::atomic::{AtomicU32, Ordering};

use polis_store::{ChangeContext, Records, Search, Transfer};
use polis_store_postgres::{PgLocation, PgStore};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn server_url() -> String {
    std::env::var("POLIS_TEST_PG").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// A schema name no other test (in this run or another) uses.
fn unique_schema() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "polis_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether the server answers; when it does not, prints why, and fails under CI.
async fn server_answers() -> bool {
    let url = server_url();
    let location = PgLocation::parse(&url).expect("POLIS_TEST_PG is a PostgreSQL URL");
    match PgStore::connect(&location).await {
        Ok(_) => true,
        Err(error) => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "no PostgreSQL server answers at {url} (POLIS_TEST_PG), and CI is set: {error}"
                );
            }
            eprintln!(
                "skipped: no PostgreSQL server answers at {url} (set POLIS_TEST_PG): {error}"
            );
            false
        }
    }
}

/// A fresh store in a schema of its own, or None (with the reason printed) without a server.
async fn fresh() -> Option<PgStore> {
    if !server_answers().await {
        return None;
    }
    Some(
        PgStore::open_in_schema(&server_url(), &unique_schema())
            .await
            .expect("a fresh schema opens"),
    )
}

macro_rules! conformance {
    ($($property:ident),+ $(,)?) => {
        mod conformance {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    let Some(store) = super::fresh().await else { return };
                    polis_store::conformance::$property(&store).await;
                    store.drop_schema().await.expect("the schema drops");
                }
            )+
        }
    };
}

conformance!(
    apply,
    idempotence,
    all_or_nothing,
    audit,
    search,
    search_order,
    resolution_queue,
    merge_redirect_unmerge,
    delete,
    version,
    audit_chain,
    accounts,
    proposals,
);

fn change(context: &str) -> ChangeContext {
    ChangeContext {
        who: "test".into(),
        context: context.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_between_two_postgresql_schemas() {
    let (Some(from), Some(to)) = (fresh().await, fresh().await) else {
        return;
    };
    polis_store::conformance::transfer(&from, &to).await;
    from.drop_schema().await.expect("drops");
    to.drop_schema().await.expect("drops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_from_sqlite_to_postgresql_and_back() {
    let Some(postgres) = fresh().await else {
        return;
    };
    let sqlite = polis_store_sqlite::SqliteStore::open_in_memory()
        .await
        .expect("opens");
    polis_store::conformance::transfer(&sqlite, &postgres).await;
    let back = polis_store_sqlite::SqliteStore::open_in_memory()
        .await
        .expect("opens");
    back.replace_all(&postgres.read_all().await.expect("reads"))
        .await
        .expect("writes");
    assert_eq!(
        back.read_all().await.expect("reads"),
        postgres.read_all().await.expect("reads")
    );
    postgres.drop_schema().await.expect("drops");
}

/// The schema comes from the URL's `schema` parameter; a second store opened on the same
/// URL sees what the first wrote, and the schema's tables are not in `public`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_url_chooses_the_schema() {
    if !server_answers().await {
        return;
    }
    let schema = unique_schema();
    let url = format!("{}?schema={schema}&pool_size=2", server_url());
    let first = PgStore::open(&url).await.expect("opens");
    assert_eq!(first.schema(), schema);
    polis_store::conformance::seed(&first).await;
    let second = PgStore::open(&url).await.expect("opens again");
    assert_eq!(
        second.load().await.expect("loads"),
        first.load().await.expect("loads")
    );
    let elsewhere = PgStore::connect(
        &PgLocation::parse(&format!("{}?schema={}", server_url(), unique_schema()))
            .expect("parses"),
    )
    .await
    .expect("connects");
    assert!(!elsewhere.is_initialised().await.expect("asks"));
    assert!(second.is_initialised().await.expect("asks"));
    for bad in ["Public", "1x", "a-b", "a;drop", "", "pg_team"] {
        let refused = PgLocation::parse(&format!("{}?schema={bad}", server_url()));
        assert!(refused.is_err(), "schema {bad:?} must be refused");
    }
    first.drop_schema().await.expect("drops");
}

/// Two stores on one schema (two servers), each with its own copy of the records, each
/// following the other's writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_handles_on_one_schema() {
    let Some(first) = fresh().await else { return };
    let url = format!("{}?schema={}", server_url(), first.schema());
    let second = PgStore::open(&url).await.expect("opens");
    polis_store::conformance::two_handles(&first, &second).await;
    first.drop_schema().await.expect("the schema drops");
}

/// Two stores on one schema (two servers) writing at once: the advisory lock makes them
/// write one after another, so every write lands, the audit chain has no fork, and each
/// sees the other's records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_write_one_after_another() {
    let Some(first) = fresh().await else { return };
    polis_store::conformance::seed(&first).await;
    let url = format!("{}?schema={}", server_url(), first.schema());
    let second = PgStore::open(&url).await.expect("opens");
    let data = first.load().await.expect("loads");
    let rename = |store: PgStore, name: &'static str| {
        let mut edit = polis_core::Dataset::default();
        let mut place = data
            .places
            .iter()
            .find(|p| p.id == "taipei")
            .cloned()
            .expect("taipei");
        place.name = name.into();
        edit.places.push(place);
        tokio::spawn(async move {
            for i in 0..5 {
                let mut edit = edit.clone();
                edit.places[0].name = format!("{name} {i}");
                store.apply(&edit, &change(name)).await.expect("applies");
            }
        })
    };
    let a = rename(first.clone(), "Taipei A");
    let b = rename(second.clone(), "Taipei B");
    a.await.expect("runs");
    b.await.expect("runs");
    let mut verifier = polis_store::chain::Verifier::default();
    let rows = polis_store::Audit::audit_chain(&second, 0, u32::MAX)
        .await
        .expect("reads");
    rows.iter().for_each(|r| verifier.push(r));
    let report = verifier.finish();
    assert!(report.is_intact(), "{report:?}");
    let updates = rows
        .iter()
        .filter(|r| r.record_id == "taipei" && r.action.as_deref() == Some("updated"))
        .count();
    assert_eq!(updates, 10, "every write landed");
    assert_eq!(
        first.load().await.expect("loads"),
        second.load().await.expect("loads")
    );
    let hits = second.search("taipei", 5).await.expect("searches");
    assert_eq!(hits.len(), 1, "{hits:?}");
    first.drop_schema().await.expect("drops");
}

/// A change committed through one store reaches a listener on another (a second server)
/// within a second, carrying the new version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_hears_another_servers_commit() {
    let Some(first) = fresh().await else { return };
    let url = format!("{}?schema={}", server_url(), first.schema());
    let second = PgStore::open(&url).await.expect("opens");
    let mut listener = second
        .change_listener()
        .await
        .expect("listens")
        .expect("PostgreSQL pushes changes");
    polis_store::conformance::seed(&first).await;
    let version = first.version().await.expect("version");
    let heard = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        // Notifications of other schemas in the same database may come first.
        loop {
            match listener.next_change().await {
                Some(v) if v == version => return Some(v),
                Some(_) => continue,
                None => return None,
            }
        }
    })
    .await
    .expect("heard within a second");
    assert_eq!(heard, Some(version));
    assert!(
        polis_store_sqlite::SqliteStore::open_in_memory()
            .await
            .expect("opens")
            .change_listener()
            .await
            .expect("answers")
            .is_none(),
        "SQLite has no listener: its readers poll"
    );
    first.drop_schema().await.expect("drops");
}

/// The pool size and statement timeout come from the URL or from the settings; both agree
/// or the location is refused naming both values; values out of range are refused with
/// the accepted range; `to_url` reads back as the same location. No server needed.
#[test]
fn pool_size_and_statement_timeout_from_the_url_or_the_settings() {
    use polis_store_postgres::{DEFAULT_POOL_SIZE, PgSettings};
    let base = "postgres://polis:secret@db.example:5432/polis";
    let none = PgSettings::default();
    let both = PgSettings {
        pool_size: Some(16),
        statement_timeout_ms: Some(30_000),
    };
    let parse = |url: &str, settings: &PgSettings| PgLocation::parse_with(url, settings);

    let plain = parse(base, &none).expect("parses");
    assert_eq!(plain.pool_size, DEFAULT_POOL_SIZE);
    assert_eq!(plain.statement_timeout_ms, None);
    assert_eq!(plain.schema, "public");

    let from_settings = parse(&format!("{base}?sslmode=disable"), &both).expect("parses");
    assert_eq!(from_settings.pool_size, 16);
    assert_eq!(from_settings.statement_timeout_ms, Some(30_000));
    assert_eq!(from_settings.url, format!("{base}?sslmode=disable"));

    let in_url = format!("{base}?pool_size=16&schema=team&statement_timeout_ms=30000");
    let from_url = parse(&in_url, &none).expect("parses");
    assert_eq!(from_url.pool_size, 16);
    assert_eq!(from_url.statement_timeout_ms, Some(30_000));
    assert_eq!(from_url.schema, "team");
    assert_eq!(
        parse(&in_url, &both).expect("the same values agree"),
        from_url
    );
    let round_trip = PgLocation::parse(&from_settings.to_url()).expect("reads back");
    assert_eq!(round_trip, from_settings);

    let conflict = parse(&format!("{base}?pool_size=4"), &both)
        .expect_err("4 in the URL, 16 in the settings")
        .to_string();
    assert!(
        conflict.contains("pool_size is 4 in the URL but 16 in the settings"),
        "{conflict}"
    );
    assert!(!conflict.contains("secret"), "no password: {conflict}");
    let conflict = parse(&format!("{base}?statement_timeout_ms=10"), &both)
        .expect_err("10 in the URL, 30000 in the settings")
        .to_string();
    assert!(
        conflict.contains("statement_timeout_ms is 10"),
        "{conflict}"
    );

    for (settings, accepted) in [
        (
            PgSettings {
                pool_size: Some(0),
                statement_timeout_ms: None,
            },
            "from 1 to 1000",
        ),
        (
            PgSettings {
                pool_size: Some(1001),
                statement_timeout_ms: None,
            },
            "from 1 to 1000",
        ),
        (
            PgSettings {
                pool_size: None,
                statement_timeout_ms: Some(0),
            },
            "above 0",
        ),
    ] {
        let refused = parse(base, &settings)
            .expect_err("out of range")
            .to_string();
        assert!(
            refused.contains("the setting") && refused.contains(accepted),
            "{refused}"
        );
    }
    let refused = parse(&format!("{base}?pool_size=many"), &none)
        .expect_err("not a number")
        .to_string();
    assert!(refused.contains("the URL's pool_size 'many'"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_while_writing() {
    let Some(store) = fresh().await else { return };
    polis_store::conformance::readers_while_writing(&store, &|| store.n_full_loads()).await;
    store.drop_schema().await.expect("the schema drops");
}
