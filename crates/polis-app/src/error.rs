//! What can go wrong in a use case: the user's errors (a name that matches nothing or too
//! much, input that breaks a rule, a record others still reference) kept apart from the
//! internal ones (the store, a computation), so that every edge can answer each correctly.

use polis_store::StoreError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing has this id or name. `what` is the kind of thing looked for ("place").
    #[error("no {what} has the id or name '{query}'")]
    NotFound { what: &'static str, query: String },
    /// A name denotes several records; `choices` lists them as `id (country)`.
    #[error("'{query}' names {} {what}s: {}; give an id", .choices.len(), .choices.join(", "))]
    Ambiguous {
        what: &'static str,
        query: String,
        choices: Vec<String>,
    },
    /// A value the use case cannot take, with what would be accepted.
    #[error("{0}")]
    BadInput(String),
    /// The database the settings name does not exist yet.
    #[error("no database at {0}: run `polis init` first (or give --db / POLIS_DB)")]
    NoDatabase(String),
    /// The data would break a rule; nothing was written. The message lists the violations.
    #[error("{0}")]
    Invalid(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import could not read its input.
    #[error(transparent)]
    Import(#[from] polis_import::ImportError),
    /// A graph computation failed for a reason of the request's own values.
    #[error("{0}")]
    Graph(#[source] polis_graph::GraphError),
    /// No token, or one that is unknown, revoked or expired.
    #[error("{0}")]
    Unauthenticated(String),
    /// The principal's role does not allow this, or a rule forbids it (approving one's own
    /// proposal, raising one's own role).
    #[error("{0}")]
    Forbidden(String),
    /// The change conflicts with the state of things (the last admin, a reviewed proposal).
    #[error("{0}")]
    Conflict(String),
    /// A proposal's records changed since it was proposed: both diffs, to compare.
    #[error("{message}")]
    Stale {
        message: String,
        proposed: Vec<crate::proposals::ChangeView>,
        current: Vec<crate::proposals::ChangeView>,
    },
    /// Something that is not the user's fault: a computation, the gazetteer, a task.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// Is the error the user's (to be answered with a message), not the server's?
    pub fn is_users(&self) -> bool {
        match self {
            AppError::NotFound { .. }
            | AppError::Ambiguous { .. }
            | AppError::BadInput(_)
            | AppError::NoDatabase(_)
            | AppError::Invalid(_)
            | AppError::Import(_)
            | AppError::Graph(_)
            | AppError::Unauthenticated(_)
            | AppError::Forbidden(_)
            | AppError::Conflict(_)
            | AppError::Stale { .. } => true,
            AppError::Store(error) if error.is_user_error() => true,
            AppError::Store(_) | AppError::Internal(_) => false,
        }
    }

    pub(crate) fn internal(error: impl std::fmt::Display) -> Self {
        AppError::Internal(error.to_string())
    }
}

/// The answer to a failed graph computation: the user's when the request's own values make
/// it impossible (a parameter the analysis refuses; too few ties in force on the date to
/// evaluate anything), internal otherwise (a weight, an index, a partition or a convergence
/// failure is polis's fault, not the user's).
pub(crate) fn graph_error(error: polis_graph::GraphError) -> AppError {
    use polis_graph::GraphError;
    match error {
        GraphError::InvalidParameter {
            name: "held_out_fraction" | "n_sources",
            ..
        } => AppError::Graph(error),
        GraphError::NotEnoughPairs { .. } => AppError::BadInput(format!(
            "{error}: too few ties are in force on the date to hold some out; try a later `as_of`"
        )),
        other => AppError::internal(other),
    }
}

/// The answer to a failed recommendation: not found for an unknown place, else as
/// [`graph_error`].
pub(crate) fn recommend_error(error: polis_analysis::recommend::RecommendError) -> AppError {
    use polis_analysis::recommend::RecommendError;
    match error {
        RecommendError::UnknownPlace(id) => AppError::NotFound {
            what: "place",
            query: id,
        },
        RecommendError::Graph(graph) => graph_error(graph),
    }
}

/// A path or neighbourhood whose end is unknown or names several records.
impl From<polis_analysis::PathError> for AppError {
    fn from(error: polis_analysis::PathError) -> Self {
        match error {
            polis_analysis::PathError::NotFound(query) => AppError::NotFound {
                what: "actor, place, network or activity",
                query,
            },
            polis_analysis::PathError::Ambiguous { query, ids } => AppError::Ambiguous {
                what: "record",
                query,
                choices: ids,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polis_analysis::recommend::RecommendError;
    use polis_graph::GraphError;

    #[test]
    fn analysis_errors_are_the_users_only_when_its_values_cause_them() {
        assert!(matches!(
            recommend_error(RecommendError::UnknownPlace("nowhere".into())),
            AppError::NotFound { .. }
        ));
        for name in ["held_out_fraction", "n_sources"] {
            let error = GraphError::InvalidParameter {
                name,
                value: "0".into(),
                expected: "more",
            };
            assert!(recommend_error(error.into()).is_users(), "{name}");
        }
        let not_enough = GraphError::NotEnoughPairs {
            n_positive: 0,
            n_negative: 0,
        };
        assert!(graph_error(not_enough).is_users());
        // Values polis chose, or failures of the computation, are polis's.
        let internal = [
            GraphError::InvalidParameter {
                name: "resolution",
                value: "-1".into(),
                expected: "a positive number",
            },
            GraphError::PagerankNotConverged {
                max_iterations: 100,
                last_change: 1.0,
                threshold: 1e-6,
            },
            GraphError::NodeOutOfRange {
                node: 7,
                n_nodes: 3,
            },
        ];
        for error in internal {
            assert!(!graph_error(error).is_users());
        }
    }
}
