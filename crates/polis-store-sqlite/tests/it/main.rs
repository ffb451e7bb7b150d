//! The conformance suite of `polis_store::conformance` run against SQLite, each property on
//! a fresh file-backed database and on a fresh in-memory one, plus what only SQLite has:
//! `Arc<dyn Store>`, reopening a file, and databases made by older versions.

use std::sync::Arc;

use polis_store::{ChangeContext, Records, Search, Store, conformance};
use polis_store_sqlite::SqliteStore;

async fn on_file() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(&dir.path().join("polis.db"))
        .await
        .expect("opens");
    (dir, store)
}

macro_rules! conformance {
    ($($property:ident),+ $(,)?) => {
        mod file {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    let (_dir, store) = super::on_file().await;
                    polis_store::conformance::$property(&store).await;
                }
            )+
        }
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    let store = polis_store_sqlite::SqliteStore::open_in_memory().await.expect("opens");
                    polis_store::conformance::$property(&store).await;
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

/// Two handles on one file, as two processes have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_handles_on_one_file() {
    let (dir, a) = on_file().await;
    let b = SqliteStore::open(&dir.path().join("polis.db"))
        .await
        .expect("opens again");
    conformance::two_handles(&a, &b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_as_arc_dyn_store() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().await.expect("opens"));
    let shared = Arc::clone(&store);
    let applied = tokio::spawn(async move {
        let change = ChangeContext {
            who: "test".into(),
            context: "dyn".into(),
        };
        shared
            .apply(&polis_store::fixture::dataset(), &change)
            .await
            .map(|r| r.n_created())
    })
    .await
    .expect("the task runs")
    .expect("applies");
    assert!(applied > 0);
    let hits = store.search("Hrib", 5).await.expect("searches");
    assert!(hits.iter().any(|h| h.id == "hrib"), "{hits:?}");
    assert_eq!(store.load().await.expect("loads").len(), applied as usize);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_reopens_with_its_records_and_merges() {
    let (dir, store) = on_file().await;
    conformance::seed(&store).await;
    let change = ChangeContext {
        who: "test".into(),
        context: "reopen".into(),
    };
    store
        .merge(polis_store::RecordKind::Place, "prag", "praha", &change)
        .await
        .expect("merges");
    let loaded = store.load().await.expect("loads");
    drop(store);
    let reopened = SqliteStore::open(&dir.path().join("polis.db"))
        .await
        .expect("reopens");
    assert_eq!(reopened.load().await.expect("loads"), loaded);
    reopened
        .unmerge(polis_store::RecordKind::Place, "prag", &change)
        .await
        .expect("the merge survives a reopen");
}

/// A database whose search index was written by a build that folded names differently is
/// re-indexed when it is opened, once: the fold's fingerprint is kept in `user_version`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_index_from_another_fold_is_rebuilt_on_open() {
    let (dir, store) = on_file().await;
    conformance::seed(&store).await;
    drop(store);
    let path = dir.path().join("polis.db");
    let raw = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("a raw connection");
    // What an older build left: other keys, and no fingerprint.
    sqlx::query("UPDATE search SET key = 'stale' WHERE id = 'praha'")
        .execute(&raw)
        .await
        .expect("the index is edited");
    sqlx::query("PRAGMA user_version = 0")
        .execute(&raw)
        .await
        .expect("the fingerprint is cleared");
    let stale: Vec<String> =
        sqlx::query_scalar("SELECT id FROM search WHERE search MATCH '\"praha\"'")
            .fetch_all(&raw)
            .await
            .expect("the index answers");
    assert!(!stale.contains(&"praha".to_owned()), "{stale:?}");
    raw.close().await;

    let reopened = SqliteStore::open(&path).await.expect("reopens");
    let hits = reopened.search("Praha", 5).await.expect("searches");
    assert!(hits.iter().any(|h| h.id == "praha"), "{hits:?}");
    drop(reopened);
    let raw = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("a raw connection");
    let version: i32 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&raw)
        .await
        .expect("the pragma answers");
    assert_eq!(version, polis_core::text::fold_fingerprint());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_everything_to_another_database() {
    let (_from_dir, from) = on_file().await;
    let (_to_dir, to) = on_file().await;
    conformance::transfer(&from, &to).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_while_writing() {
    let (_dir, store) = on_file().await;
    conformance::readers_while_writing(&store, &|| store.n_full_loads()).await;
}
