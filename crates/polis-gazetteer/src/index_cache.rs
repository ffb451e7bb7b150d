//! An on-disk copy of the name index, so that a process does not fold a million names again.
//!
//! Building the index (folding every name and sorting about a million entries) is two thirds
//! of the gazetteer's load time. The index depends on nothing but the embedded data and this
//! crate's code, so a load given an [`IndexCache`] ([`crate::Gazetteer::load_cached`]) writes
//! it to a file in the cache's directory the first time and reads it back later. The file is
//! named by a fingerprint of the embedded data and of the crate's version, so a new build
//! never reads an old index; a file that is short, damaged or inconsistent with the data is
//! ignored and rewritten. This is the gazetteer's only file: a load without a cache (the
//! library's default, and in tests) touches none.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::data::{EMBEDDED, IndexEntry, KeyKind};

/// What the file starts with, before the fingerprint and the number of entries.
const MAGIC: &[u8; 8] = b"polisgz1";
/// Bytes an entry takes: hash, entity, slot, kind, padding.
const ENTRY_BYTES: usize = 16;

/// Where the name index is kept across processes: a directory the program chooses (polis
/// uses its cache directory setting). Give it to [`crate::Gazetteer::load_cached`] or
/// [`crate::Gazetteer::embedded_cached`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexCache {
    dir: PathBuf,
}

impl IndexCache {
    /// A cache in `dir`, created on the first write if it does not exist.
    pub fn in_dir(dir: impl Into<PathBuf>) -> IndexCache {
        IndexCache { dir: dir.into() }
    }

    /// The directory the index file is kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file holding the index of this build's data.
    pub fn file(&self) -> PathBuf {
        path_in(&self.dir, fingerprint())
    }

    /// The cached index entries, if the directory holds a sound copy for this data.
    /// `n_entities` bounds the entity numbers; the entries must be sorted as the index needs.
    pub(crate) fn read(&self, n_entities: usize) -> Option<Vec<IndexEntry>> {
        let fingerprint = fingerprint();
        let bytes = std::fs::read(path_in(&self.dir, fingerprint)).ok()?;
        decode(&bytes, fingerprint, n_entities)
    }

    /// Writes the index for later loads. Failing to write (a read-only home, a full disk)
    /// costs only the next load's time, so it is not an error.
    pub(crate) fn write(&self, entries: &[IndexEntry]) {
        let dir = &self.dir;
        let fingerprint = fingerprint();
        let bytes = encode(entries, fingerprint);
        let path = path_in(dir, fingerprint);
        // Written under a temporary name and renamed, so a reader never sees half a file.
        let temporary = dir.join(format!(
            "gazetteer-index-{fingerprint:016x}.{}.tmp",
            std::process::id()
        ));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::File::create(&temporary))
            .and_then(|mut file| file.write_all(&bytes))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

/// FNV-1a of the embedded data, the crate version and the index layout: what the cached index
/// was built from. Computed once per process (a load that misses reads and then writes).
fn fingerprint() -> u64 {
    static FINGERPRINT: OnceLock<u64> = OnceLock::new();
    *FINGERPRINT.get_or_init(compute_fingerprint)
}

fn compute_fingerprint() -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let probes: Vec<String> = polis_core::text::FOLD_PROBES
        .iter()
        .map(|probe| polis_core::text::fold(probe))
        .collect();
    let layout = format!(
        "{}|{}|{}|{}|{}",
        env!("CARGO_PKG_VERSION"),
        crate::data::INDEX_VERSION,
        crate::data::PREFIX_BITS,
        ENTRY_BYTES,
        probes.join("|")
    );
    // Eight bytes at a time: the data is 6 MB, and a byte-wise loop would cost 20 ms.
    let mut chunks = EMBEDDED.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash ^= u64::from_le_bytes(word);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &byte in chunks.remainder().iter().chain(layout.as_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn path_in(dir: &Path, fingerprint: u64) -> PathBuf {
    dir.join(format!("gazetteer-index-{fingerprint:016x}.bin"))
}

fn decode(bytes: &[u8], fingerprint: u64, n_entities: usize) -> Option<Vec<IndexEntry>> {
    let header = bytes.get(..24)?;
    if &header[..8] != MAGIC || u64_at(header, 8) != fingerprint {
        return None;
    }
    let n = usize::try_from(u64_at(header, 16)).ok()?;
    let body = bytes.get(24..)?;
    if body.len() != n.checked_mul(ENTRY_BYTES)? {
        return None;
    }
    let mut entries = Vec::with_capacity(n);
    let mut previous = (0u64, 0u32, 0u16);
    for raw in body.chunks_exact(ENTRY_BYTES) {
        let entry = IndexEntry {
            hash: u64_at(raw, 0),
            entity: u32::from_le_bytes([raw[8], raw[9], raw[10], raw[11]]),
            slot: u16::from_le_bytes([raw[12], raw[13]]),
            kind: match raw[14] {
                0 => KeyKind::Primary,
                1 => KeyKind::Alternate,
                2 => KeyKind::SuffixStripped,
                _ => return None,
            },
        };
        let order = (entry.hash, entry.entity, entry.slot);
        if entry.entity as usize >= n_entities || (!entries.is_empty() && order <= previous) {
            return None;
        }
        previous = order;
        entries.push(entry);
    }
    Some(entries)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The file's bytes: magic, fingerprint, number of entries, then the entries.
fn encode(entries: &[IndexEntry], fingerprint: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(24 + entries.len() * ENTRY_BYTES);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&fingerprint.to_le_bytes());
    bytes.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for entry in entries {
        bytes.extend_from_slice(&entry.hash.to_le_bytes());
        bytes.extend_from_slice(&entry.entity.to_le_bytes());
        bytes.extend_from_slice(&entry.slot.to_le_bytes());
        bytes.push(match entry.kind {
            KeyKind::Primary => 0,
            KeyKind::Alternate => 1,
            KeyKind::SuffixStripped => 2,
        });
        bytes.push(0);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<IndexEntry> {
        vec![
            IndexEntry {
                hash: 1,
                entity: 0,
                slot: 0,
                kind: KeyKind::Primary,
            },
            IndexEntry {
                hash: 1,
                entity: 5,
                slot: 2,
                kind: KeyKind::Alternate,
            },
            IndexEntry {
                hash: u64::MAX,
                entity: 9,
                slot: 0,
                kind: KeyKind::SuffixStripped,
            },
        ]
    }

    #[test]
    fn a_sound_file_decodes_to_the_same_entries() {
        let bytes = encode(&entries(), 42);
        let decoded = decode(&bytes, 42, 10).expect("sound file");
        assert_eq!(decoded.len(), 3);
        assert_eq!(decoded[1].entity, 5);
        assert_eq!(decoded[1].slot, 2);
        assert_eq!(decoded[2].kind, KeyKind::SuffixStripped);
    }

    #[test]
    fn damaged_or_foreign_files_are_ignored() {
        let bytes = encode(&entries(), 42);
        assert!(decode(&bytes, 43, 10).is_none(), "another fingerprint");
        assert!(
            decode(&bytes[..bytes.len() - 1], 42, 10).is_none(),
            "truncated"
        );
        assert!(decode(&bytes, 42, 9).is_none(), "entity out of range");
        let mut bad_kind = bytes.clone();
        bad_kind[24 + 14] = 7;
        assert!(decode(&bad_kind, 42, 10).is_none(), "unknown kind");
        let mut unsorted = entries();
        unsorted.swap(0, 2);
        assert!(decode(&encode(&unsorted, 42), 42, 10).is_none(), "unsorted");
        assert!(decode(b"polisgz1", 42, 10).is_none(), "header only");
        assert!(decode(&[], 42, 10).is_none(), "empty");
    }

    proptest::proptest! {
        /// Any file, damaged anywhere, decodes to a sound index or to nothing; never a panic.
        #[test]
        fn any_bytes_decode_or_are_ignored(
            flips in proptest::collection::vec((0usize..24 + 3 * ENTRY_BYTES, proptest::num::u8::ANY), 0..6),
            cut in 0usize..24 + 3 * ENTRY_BYTES + 1,
        ) {
            let mut bytes = encode(&entries(), 42);
            for (at, value) in flips {
                bytes[at] = value;
            }
            bytes.truncate(cut);
            if let Some(decoded) = decode(&bytes, 42, 10) {
                proptest::prop_assert!(decoded.iter().all(|e| e.entity < 10));
                let sorted = decoded
                    .windows(2)
                    .all(|w| (w[0].hash, w[0].entity, w[0].slot) < (w[1].hash, w[1].entity, w[1].slot));
                proptest::prop_assert!(sorted);
            }
        }
    }
}
