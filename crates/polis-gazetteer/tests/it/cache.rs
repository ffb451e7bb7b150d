//! The name index cache through the public API: a load with an [`IndexCache`] writes the
//! index, a later load reads it and answers the same, and a damaged or foreign file is
//! ignored and replaced, never trusted.

use polis_gazetteer::{Gazetteer, IndexCache};

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TemporaryDir(std::path::PathBuf);

impl TemporaryDir {
    fn new(name: &str) -> TemporaryDir {
        let dir =
            std::env::temp_dir().join(format!("polis-gazetteer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TemporaryDir(dir)
    }
}

impl Drop for TemporaryDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn load(cache: &IndexCache) -> Gazetteer {
    Gazetteer::load_cached(cache).unwrap_or_else(|e| panic!("load with a cache: {e}"))
}

/// The best GeoNames id for each name, as a comparable answer.
fn answers(gazetteer: &Gazetteer) -> Vec<Option<u32>> {
    [
        "Praha",
        "布拉格",
        "Київ",
        "Chișinău",
        "서울",
        "Plzen",
        "Zhejiang Province",
    ]
    .iter()
    .map(|name| {
        gazetteer
            .resolve_best(name, None)
            .map(|c| c.place.geonameid.unwrap_or(u32::MAX))
    })
    .collect()
}

#[test]
fn a_cached_index_answers_as_a_built_one() {
    let dir = TemporaryDir::new("sound");
    let cache = IndexCache::in_dir(&dir.0);
    assert_eq!(cache.dir(), dir.0.as_path());
    let built = load(&cache);
    let file = cache.file();
    assert!(file.is_file(), "the first load writes {}", file.display());
    let written = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    assert!(
        written > 1_000_000,
        "an index of a million entries, not {written} bytes"
    );
    let read_back = load(&cache);
    assert_eq!(answers(&read_back), answers(&built));
    assert!(
        answers(&built).iter().all(Option::is_some),
        "{:?}",
        answers(&built)
    );
}

#[test]
fn a_damaged_cache_file_is_ignored_and_replaced() {
    let dir = TemporaryDir::new("damaged");
    let cache = IndexCache::in_dir(&dir.0);
    let expected = answers(&load(&cache));
    let file = cache.file();
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    // Half a file, then a file of the right length with its entries scrambled.
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answers(&load(&cache)), expected);
    assert_eq!(
        std::fs::read(&file).ok().as_deref(),
        Some(&bytes[..]),
        "rewritten"
    );
    let mut scrambled = bytes.clone();
    scrambled[24..].reverse();
    std::fs::write(&file, &scrambled).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answers(&load(&cache)), expected);
}

#[test]
fn a_load_without_a_cache_writes_nothing() {
    let dir = TemporaryDir::new("none");
    let gazetteer = Gazetteer::load().unwrap_or_else(|e| panic!("load: {e}"));
    assert!(gazetteer.n_places() > 100_000);
    assert!(!IndexCache::in_dir(&dir.0).file().exists());
}

#[test]
fn an_unwritable_cache_costs_only_time() {
    let dir = TemporaryDir::new("unwritable");
    // A file where the directory should be: creating the directory fails.
    std::fs::write(&dir.0, b"not a directory").unwrap_or_else(|e| panic!("{e}"));
    let cache = IndexCache::in_dir(dir.0.join("cache"));
    assert_eq!(answers(&load(&cache)).len(), 7);
    let _ = std::fs::remove_file(&dir.0);
}
