//! The records a backend last read or wrote, kept between operations so that a write (or
//! a reload of the server's snapshot) does not read and decode every record again.
//!
//! A cached copy is valid for one head of the audit log (its last entry's sequence number
//! and hash): every change of a record is audited in its own transaction, so while the
//! head is the same, so are the records. When the head has moved, the entries since the
//! cached one say which records changed: only those are read again ([`RecordSource::rows`])
//! and laid over the copy. Entries that change no record (proposals, accounts, sessions,
//! name decisions) leave it as it is. A merge or an unmerge, an entry chain that no longer
//! passes through the cached head (the log was replaced, say by `polis db copy --force`),
//! or too many changed records, and everything is read again.
//!
//! The orchestration is written once here; a backend only answers the questions of
//! [`RecordSource`] inside its transaction.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use crate::cpu::{drop_off_runtime, off_runtime};
use crate::plan::{RawRecords, Stored, StoredMerge};
use crate::records::{kind_named, remove_record};
use crate::{RecordKind, StoreError};

/// More changed records than this since the cached head, and everything is read again:
/// one pass over the tables is then cheaper than a query per record.
pub const MAX_CAUGHT_UP: usize = 2_000;

/// The last entry of the audit log: its sequence number and its hash (`None` before the
/// first entry is chained).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: Option<String>,
}

/// One audit entry after a head, as far as the cache needs it.
#[derive(Debug, Clone)]
pub struct Mark {
    pub seq: i64,
    pub action: Option<String>,
    pub record_kind: String,
    pub record_id: String,
}

/// What a backend answers, inside one transaction, for the cache.
pub trait RecordSource: Send {
    /// The audit log's head.
    fn head(&mut self) -> impl Future<Output = Result<Head, StoreError>> + Send;
    /// The hash of the entry `seq` (`None` when there is no such entry).
    fn hash_at(
        &mut self,
        seq: i64,
    ) -> impl Future<Output = Result<Option<Option<String>>, StoreError>> + Send;
    /// Every audit entry after `seq`, in order.
    fn marks_since(
        &mut self,
        seq: i64,
    ) -> impl Future<Output = Result<Vec<Mark>, StoreError>> + Send;
    /// The stored JSON of the records of `kind` with these keys (absent ones left out).
    fn rows(
        &mut self,
        kind: RecordKind,
        keys: &[String],
    ) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;
    /// Every record and the merges in effect, as the backend's full load gives them.
    fn load_all(&mut self) -> impl Future<Output = Result<Stored, StoreError>> + Send;
}

#[derive(Clone)]
struct Cached {
    head: Head,
    /// The sequence number of the last entry that changed a record (or a full load's head).
    data_seq: i64,
    stored: Arc<Stored>,
}

/// The cached records of one store, shared by its operations.
#[derive(Default)]
pub struct StoredCache {
    slot: Mutex<Option<Cached>>,
    /// Everyone who reads the cached copy through one handle takes turns here, before
    /// taking a connection. A writer holds its turn from before its transaction begins
    /// until it has committed and put the copy back: waiting for the database's write lock,
    /// writers would hold connections that others then wait for. A reader (a version
    /// check, a check of a proposal, a full load) holds it only while it reads the copy:
    /// one that came while a writer had the copy taken would find the slot empty and read
    /// every record again, hundreds of milliseconds of decoding on the world dataset.
    turn: tokio::sync::Mutex<()>,
    /// How many times every record was read from the database.
    n_full_loads: std::sync::atomic::AtomicU64,
}

/// The records as of a head, from [`StoredCache::current`].
pub struct Current {
    pub head: Head,
    /// The sequence number of the last entry that changed a record: the records' version.
    pub data_seq: i64,
    pub stored: Arc<Stored>,
}

impl Current {
    /// The records to plan on, owned: without a copy when nothing else holds them.
    pub fn into_stored(self) -> Stored {
        owned(self.stored)
    }
}

/// The records behind `stored`, owned: moved out when nothing else holds them, else copied
/// (off the runtime's workers: a copy of the world dataset takes tens of milliseconds).
fn owned(stored: Arc<Stored>) -> Stored {
    Arc::try_unwrap(stored).unwrap_or_else(|shared| off_runtime(|| (*shared).clone()))
}

/// What the entries since a cached head mean for the cached copy.
#[derive(Debug, PartialEq, Eq)]
enum CatchUp {
    /// No record changed.
    Nothing,
    /// These records changed (created, updated or removed), the last at `last_seq`.
    Records {
        keys: BTreeSet<(RecordKind, String)>,
        last_seq: i64,
    },
    /// Read everything again.
    Reload,
}

fn catch_up(marks: &[Mark]) -> CatchUp {
    let mut keys = BTreeSet::new();
    let mut last_seq = 0;
    for mark in marks {
        // A merge or unmerge (its marker's kind is `merge`) also changes the merges in
        // effect, which are not patched.
        if matches!(mark.action.as_deref(), Some("merged" | "unmerged")) {
            return CatchUp::Reload;
        }
        let Some(kind) = kind_named(&mark.record_kind) else {
            // Proposals, users, tokens, sessions, name decisions: no record changes.
            continue;
        };
        match mark.action.as_deref() {
            Some("created" | "updated" | "removed") => {
                keys.insert((kind, mark.record_id.clone()));
                last_seq = mark.seq;
            }
            // An entry of a record without an action predates actions: not patched.
            _ => return CatchUp::Reload,
        }
        if keys.len() > MAX_CAUGHT_UP {
            return CatchUp::Reload;
        }
    }
    if keys.is_empty() {
        CatchUp::Nothing
    } else {
        CatchUp::Records { keys, last_seq }
    }
}

impl StoredCache {
    /// This handle's turn with the cached copy (see [`StoredCache`]'s `turn`): a writer
    /// holds it from before its transaction begins until it has committed (or failed); a
    /// reader from before its transaction begins until it has read [`StoredCache::current`].
    pub async fn turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.turn.lock().await
    }

    /// The records as of the store's head now, read through `source` (inside the caller's
    /// transaction, so the head and the records agree). With `take`, the cached copy is
    /// handed over rather than shared, so that a write can change it without copying; the
    /// caller puts the result back with [`StoredCache::put`] once it has committed.
    pub async fn current(
        &self,
        source: &mut impl RecordSource,
        take: bool,
    ) -> Result<Current, StoreError> {
        let head = source.head().await?;
        let cached = {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            if take { slot.take() } else { slot.clone() }
        };
        let current = match cached {
            Some(cached) if cached.head == head => Current {
                head,
                data_seq: cached.data_seq,
                stored: cached.stored,
            },
            Some(cached)
                if cached.head.seq < head.seq
                    && source.hash_at(cached.head.seq).await? == Some(cached.head.hash.clone()) =>
            {
                match catch_up(&source.marks_since(cached.head.seq).await?) {
                    CatchUp::Nothing => Current {
                        head,
                        data_seq: cached.data_seq,
                        stored: cached.stored,
                    },
                    CatchUp::Records { keys, last_seq } => {
                        let mut stored = owned(cached.stored);
                        patch(&mut stored, source, &keys).await?;
                        Current {
                            head,
                            data_seq: last_seq,
                            stored: Arc::new(stored),
                        }
                    }
                    CatchUp::Reload => self.load(source, head).await?,
                }
            }
            _ => self.load(source, head).await?,
        };
        if !take {
            self.put_arc(
                current.head.clone(),
                current.data_seq,
                current.stored.clone(),
            );
        }
        Ok(current)
    }

    async fn load(
        &self,
        source: &mut impl RecordSource,
        head: Head,
    ) -> Result<Current, StoreError> {
        self.n_full_loads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let stored = source.load_all().await?;
        Ok(Current {
            data_seq: head.seq,
            head,
            stored: Arc::new(stored),
        })
    }

    /// How many times this handle has read every record from the database (rather than
    /// keep or patch its copy): for tests and diagnostics.
    pub fn n_full_loads(&self) -> u64 {
        self.n_full_loads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps `stored` as the records as of `head`, unless a newer copy is already kept.
    pub fn put(&self, head: Head, data_seq: i64, stored: Stored) {
        self.put_arc(head, data_seq, Arc::new(stored));
    }

    fn put_arc(&self, head: Head, data_seq: i64, stored: Arc<Stored>) {
        let replaced = {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.as_ref().is_none_or(|kept| kept.head.seq <= head.seq) {
                slot.replace(Cached {
                    head,
                    data_seq,
                    stored,
                })
            } else {
                None
            }
        };
        // Often the last holder of an older copy of every record.
        drop_off_runtime(replaced);
    }

    /// Forgets the cached copy (after a write the cache cannot follow cheaply).
    pub fn clear(&self) {
        let cleared = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop_off_runtime(cleared);
    }
}

/// Lays the stored state of `keys` over `stored`: each record is read again, replacing the
/// cached one, or removed when it is gone.
async fn patch(
    stored: &mut Stored,
    source: &mut impl RecordSource,
    keys: &BTreeSet<(RecordKind, String)>,
) -> Result<(), StoreError> {
    // The rows first (the queries), then every change to the copy at once, off the
    // runtime's workers: removing a record walks its kind's list, and the copy is sorted.
    let mut read = Vec::new();
    for kind in RecordKind::ALL {
        let wanted: Vec<String> = keys
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, key)| key.clone())
            .collect();
        if !wanted.is_empty() {
            let rows = source.rows(kind, &wanted).await?;
            read.push((kind, wanted, rows));
        }
    }
    off_runtime(|| {
        let raw = Arc::make_mut(&mut stored.raw);
        for (kind, wanted, rows) in read {
            for key in &wanted {
                remove_record(&mut stored.data, kind, key);
                raw.remove(&(kind, key.clone()));
            }
            for (key, json) in rows {
                let canonical = crate::plan::decode_canonical(&mut stored.data, kind, &json)
                    .map_err(|e| StoreError::Corrupt {
                        kind: kind.as_str(),
                        id: key.clone(),
                        message: e.to_string(),
                    })?;
                raw.insert((kind, key), canonical);
            }
        }
        // In the order a backend reads its tables.
        stored.data.sort();
        Ok(())
    })
}

/// The records after an apply has committed: the validated result of the overlay, in the
/// stored order, and the stored JSON with the plan's rows laid over it.
pub fn after_apply(
    data: polis_core::Dataset,
    raw: Arc<RawRecords>,
    merges: Arc<Vec<StoredMerge>>,
    plan: &crate::plan::Plan,
) -> Stored {
    off_runtime(move || after_apply_here(data, raw, merges, plan))
}

fn after_apply_here(
    mut data: polis_core::Dataset,
    mut raw: Arc<RawRecords>,
    merges: Arc<Vec<StoredMerge>>,
    plan: &crate::plan::Plan,
) -> Stored {
    data.sort();
    let map = Arc::make_mut(&mut raw);
    for (kind, rows) in &plan.upserts {
        for row in rows {
            map.insert((*kind, row.key.clone()), row.json.to_string());
        }
    }
    for (kind, keys) in &plan.deletes {
        for key in keys {
            map.remove(&(*kind, key.clone()));
        }
    }
    Stored { data, raw, merges }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(seq: i64, action: &str, kind: &str, id: &str) -> Mark {
        Mark {
            seq,
            action: Some(action.to_owned()),
            record_kind: kind.to_owned(),
            record_id: id.to_owned(),
        }
    }

    #[test]
    fn entries_that_change_no_record_leave_the_copy_as_it_is() {
        let marks = [
            mark(5, "created", "proposal", "3"),
            mark(6, "updated", "user", "eddie"),
            mark(7, "decided", "name_decision", "praha|cz"),
        ];
        assert_eq!(catch_up(&marks), CatchUp::Nothing);
    }

    #[test]
    fn changed_records_are_read_again_and_merges_reload_everything() {
        let marks = [
            mark(5, "created", "place", "cz-a"),
            mark(6, "created", "proposal", "3"),
            mark(7, "removed", "tie", "t1"),
        ];
        let CatchUp::Records { keys, last_seq } = catch_up(&marks) else {
            panic!("records expected");
        };
        assert_eq!(last_seq, 7);
        assert!(keys.contains(&(RecordKind::Place, "cz-a".to_owned())));
        assert!(keys.contains(&(RecordKind::Tie, "t1".to_owned())));
        assert_eq!(
            catch_up(&[mark(8, "merged", "merge", "cz-a")]),
            CatchUp::Reload
        );
        assert_eq!(
            catch_up(&[mark(9, "unmerged", "merge", "cz-a")]),
            CatchUp::Reload
        );
        let many: Vec<Mark> = (0..=MAX_CAUGHT_UP as i64)
            .map(|i| mark(i, "created", "place", &format!("p{i}")))
            .collect();
        assert_eq!(catch_up(&many), CatchUp::Reload);
    }
}
