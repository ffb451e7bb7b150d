//! The conformance suite of `polis_store::conformance` run against SQLite, each property on
//! a fresh file-backed database and on a fresh in-memory one, plus what only SQLite has:
//! `Arc<dyn Store>`, reopening a file, and databases made by older versions.

use std::sync::Arc;

use polis_store::{ChangeContext, Records, Store, conformance};
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
    resolution_queue,
    merge_redirect_unmerge,
    delete,
    version,
    audit_chain,
    accounts,
    proposals,
);

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
