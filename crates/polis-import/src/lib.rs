//! Importers of real sources. Each format (one module in `formats/`) reads a file into
//! [`RawRow`]s and [`RawMembership`]s, rejecting bad rows with their line and reason; then
//! [`build`] resolves every name against the embedded gazetteer and the places already in
//! the registry, merges rows that are the same tie (within the file and with what is stored)
//! into one tie with a piece of evidence per row, and returns the records to store together
//! with an [`ImportReport`]. Storing them is the caller's job (one transaction), so an import
//! is all-or-nothing, and repeating it adds nothing: evidence is keyed by batch and line.
//!
//! No IO happens here beyond what the caller hands in: formats read bytes, not files.

pub mod build;
pub mod formats;
mod legacy_key;
pub mod report;
pub mod resolve;

pub use build::{Decision, ImportInput, ImportOutput, build};
pub use formats::{Format, parse};
pub use report::{ImportReport, Rejected, Unresolved};

use polis_core::{EventKind, PartialDate, TieKind};

/// One end of a tie as a source gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawEnd {
    pub name: String,
    /// The country field as written ("England, United Kingdom", "CZE", "Czech Republic").
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub population: Option<u64>,
    pub population_year: Option<u16>,
    /// A Wikidata Q-id, where the source gives one.
    pub wikidata: Option<String>,
    /// Labels in other languages, (language, text).
    pub labels: Vec<(String, String)>,
}

impl RawEnd {
    /// Whether the end says nothing but a name and a country field.
    pub fn is_plain(&self) -> bool {
        self.lat.is_none()
            && self.lon.is_none()
            && self.population.is_none()
            && self.wikidata.is_none()
            && self.labels.is_empty()
    }
}

/// One row that states a tie.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based line of the row in the file (the header is line 1).
    pub line: u64,
    pub a: RawEnd,
    pub b: RawEnd,
    pub kind: TieKind,
    /// Lifecycle events the source dates (Wikidata's start and end time qualifiers).
    pub events: Vec<(EventKind, PartialDate)>,
    /// True when the row comes from end `a`'s own list (a Wikipedia country page, a Wikidata
    /// query over origin cities), so the tie's evidence says whose list it was on.
    pub listed_by_a: bool,
}

/// One row that states memberships of networks.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMembership {
    pub line: u64,
    pub member: RawEnd,
    /// Whether the member is a region rather than a city, where the source says.
    pub is_region: Option<bool>,
    /// The network tags as written ("C40Cities2022", "Carbonn (ICLEI)").
    pub tags: Vec<String>,
}

/// What a format read from a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub n_rows: u64,
    pub rows: Vec<RawRow>,
    pub memberships: Vec<RawMembership>,
    pub rejected: Vec<Rejected>,
}

/// A problem with the file as a whole: nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}:{line}: {message}")]
    Line {
        file: String,
        line: u64,
        message: String,
    },
    #[error("the gazetteer cannot be loaded: {0}")]
    Gazetteer(String),
}

/// The SHA-256 of a file's bytes, in hex, to recognise a repeated import.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
