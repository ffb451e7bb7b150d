//! A bundle exported after a merge carries the merge's redirects (the survivors'
//! `former_ids`), so export, import into a fresh store, and export again give the same
//! bytes; and the bundle from before the merge imports into the merged store unchanged.

use polis_bundle::{Manifest, read, to_files, write};
use polis_store::{ChangeContext, RecordKind, Records, fixture};
use polis_store_sqlite::SqliteStore;

fn change(context: &str) -> ChangeContext {
    ChangeContext {
        who: "test".into(),
        context: context.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_export_is_byte_identical_after_a_merge() {
    let manifest = Manifest {
        name: "merged".into(),
        description: None,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let before_merge = dir.path().join("before");
    let merged_store = SqliteStore::open_in_memory().await.expect("opens");
    merged_store
        .apply(&fixture::dataset(), &change("seed"))
        .await
        .expect("applies");
    write(
        &before_merge,
        &manifest,
        &merged_store.load().await.expect("loads"),
    )
    .expect("writes");
    merged_store
        .merge(RecordKind::Place, "prag", "praha", &change("merge"))
        .await
        .expect("merges");
    merged_store
        .merge(RecordKind::Actor, "zdenek-hrib", "hrib", &change("merge"))
        .await
        .expect("merges");
    let exported =
        to_files(&manifest, &merged_store.load().await.expect("loads")).expect("exports");
    assert!(
        exported
            .iter()
            .any(|(_, text)| text.contains("former_ids = [\"prag\"]"))
    );
    assert!(
        exported
            .iter()
            .any(|(_, text)| text.contains("former_ids = [\"zdenek-hrib\"]"))
    );

    let path = dir.path().join("after");
    write(&path, &manifest, &merged_store.load().await.expect("loads")).expect("writes");
    let fresh = SqliteStore::open_in_memory().await.expect("opens");
    fresh
        .apply(&read(&path).expect("reads").data, &change("import"))
        .await
        .expect("the exported bundle imports");
    let again = to_files(&manifest, &fresh.load().await.expect("loads")).expect("exports");
    assert_eq!(again, exported);

    // The bundle from before the merge: its records are redirected or recognised.
    let old = read(&before_merge).expect("reads");
    let report = merged_store
        .apply(&old.data, &change("old bundle"))
        .await
        .expect("the bundle from before the merge imports");
    assert_eq!(report.n_created() + report.n_updated(), 0, "{report:?}");
    let unchanged =
        to_files(&manifest, &merged_store.load().await.expect("loads")).expect("exports");
    assert_eq!(unchanged, exported);
}
