//! The audit log's hash chain, backend-neutral: each entry's `hash` is the SHA-256 of the
//! previous entry's hash and of every field of the entry (seq, at, who, context, action,
//! kind, key, before, after). A backend computes it with [`link`] in the transaction that
//! writes the entries, and [`Verifier`] walks the stored entries in order and names the first
//! one that was altered, deleted or moved.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `previous hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored, with its hash (none for rows not yet chained).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub seq: i64,
    pub at: String,
    pub who: String,
    pub context: String,
    pub action: Option<String>,
    pub record_kind: String,
    pub record_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: Option<String>,
}

/// The fields of one entry that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct EntryFields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub who: &'a str,
    pub context: &'a str,
    pub action: Option<&'a str>,
    pub record_kind: &'a str,
    pub record_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl ChainRow {
    pub fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            seq: self.seq,
            at: &self.at,
            who: &self.who,
            context: &self.context,
            action: self.action.as_deref(),
            record_kind: &self.record_kind,
            record_id: &self.record_id,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// The hash of an entry after the entry whose hash is `previous`. Every field is
/// length-prefixed, and an absent one is told from an empty one, so no two different
/// entries hash alike by moving bytes between fields.
pub fn entry_hash(previous: &str, entry: EntryFields<'_>) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: Option<&[u8]>| match value {
        None => hasher.update([0u8]),
        Some(bytes) => {
            hasher.update([1u8]);
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
    };
    field(Some(previous.as_bytes()));
    field(Some(&entry.seq.to_be_bytes()));
    field(Some(entry.at.as_bytes()));
    field(Some(entry.who.as_bytes()));
    field(Some(entry.context.as_bytes()));
    field(entry.action.map(str::as_bytes));
    field(Some(entry.record_kind.as_bytes()));
    field(Some(entry.record_id.as_bytes()));
    field(entry.before.map(str::as_bytes));
    field(entry.after.map(str::as_bytes));
    hex(&hasher.finalize())
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 15)] as char);
    }
    text
}

/// SHA-256 of bytes, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The chain's end: the last entry's seq and hash (0 and [`GENESIS`] for an empty log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl Default for ChainHead {
    fn default() -> Self {
        Self {
            seq: 0,
            hash: GENESIS.to_owned(),
        }
    }
}

impl ChainHead {
    /// Links the next entry: returns its seq and hash, and moves the head to it. Entries are
    /// numbered without gaps, so a deleted entry shows as a gap.
    pub fn link(&mut self, entry: EntryFieldsOwned<'_>) -> (i64, String) {
        let seq = self.seq + 1;
        let hash = entry_hash(&self.hash, entry.borrowed(seq));
        self.seq = seq;
        self.hash = hash.clone();
        (seq, hash)
    }
}

/// [`EntryFields`] without the seq, for [`ChainHead::link`].
#[derive(Debug, Clone, Copy)]
pub struct EntryFieldsOwned<'a> {
    pub at: &'a str,
    pub who: &'a str,
    pub context: &'a str,
    pub action: Option<&'a str>,
    pub record_kind: &'a str,
    pub record_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl<'a> EntryFieldsOwned<'a> {
    fn borrowed(self, seq: i64) -> EntryFields<'a> {
        EntryFields {
            seq,
            at: self.at,
            who: self.who,
            context: self.context,
            action: self.action,
            record_kind: self.record_kind,
            record_id: self.record_id,
            before: self.before,
            after: self.after,
        }
    }
}

/// What `polis audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// How many entries were checked.
    pub n_entries: u64,
    /// The first entry that does not chain, if any.
    pub first_broken: Option<BrokenEntry>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none()
    }
}

/// The first entry where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenEntry {
    pub seq: i64,
    /// `altered` (its fields or its predecessor's no longer hash to its hash), `missing`
    /// (entries before it were deleted: its seq does not follow the previous one),
    /// `unchained` (it has no hash).
    pub problem: String,
    pub message: String,
}

/// Walks stored entries in seq order and finds the first one that breaks the chain.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    head: ChainHead,
    n_entries: u64,
    broken: Option<BrokenEntry>,
}

impl Verifier {
    /// Checks the next stored entry. Once broken, later entries are not checked.
    pub fn push(&mut self, row: &ChainRow) {
        if self.broken.is_some() {
            return;
        }
        self.n_entries += 1;
        let expected_seq = self.head.seq + 1;
        let broken = |problem: &str, message: String| BrokenEntry {
            seq: row.seq,
            problem: problem.to_owned(),
            message,
        };
        if row.seq != expected_seq {
            self.broken = Some(broken(
                "missing",
                format!(
                    "entry {} follows entry {}: entries {expected_seq}..{} were deleted or moved",
                    row.seq,
                    self.head.seq,
                    row.seq - 1
                ),
            ));
            return;
        }
        let Some(stored) = &row.hash else {
            self.broken = Some(broken(
                "unchained",
                format!("entry {} has no hash", row.seq),
            ));
            return;
        };
        let computed = entry_hash(&self.head.hash, row.fields());
        if &computed != stored {
            self.broken = Some(broken(
                "altered",
                format!(
                    "entry {} was altered (or an entry before it was replaced or moved): its fields do not hash to its stored hash",
                    row.seq
                ),
            ));
            return;
        }
        self.head = ChainHead {
            seq: row.seq,
            hash: computed,
        };
    }

    pub fn finish(self) -> ChainReport {
        ChainReport {
            n_entries: self.n_entries,
            first_broken: self.broken,
        }
    }
}
