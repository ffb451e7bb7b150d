//! The domain of polis: partial dates, the records polis keeps (places, ties with their
//! lifecycle, networks, actors, activities, documents, sources, reported figures), the rule
//! that derives a tie's status on a date, and the validation rules every dataset obeys.
//!
//! This crate does no IO: no files, no network, no SQL, no async.

pub mod date;
pub mod geo;
pub mod ids;
pub mod model;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod status;
pub mod text;
pub mod validate;

pub use date::{DateError, PartialDate, Precision, Tri};
pub use model::*;
pub use status::{ClaimedStatus, StatusAsOf, TieStatus, status_as_of};
pub use validate::{ValidationError, Violation, validate};

/// A word that is not in one of polis's closed vocabularies (a tie kind, a status, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a known {what}: use one of {accepted}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub accepted: String,
}
