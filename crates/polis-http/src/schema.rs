//! Schemas for the OpenAPI document: closed vocabularies described from the core's own
//! lists (so the document cannot drift from what the parameters accept), and the shapes of
//! the response bodies, which a test checks against real responses.
// The two body types are never built: they describe the JSON of the store's search hits
// and queue entries.
#![expect(dead_code, reason = "schema-only types: described, never constructed")]

use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};

/// Declares a schema-only type whose schema is built by a function, so that closed
/// vocabularies come from the core's own lists.
macro_rules! schema_from_fn {
    ($(#[$meta:meta])* $name:ident => $build:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let object: Object = $build;
                RefOr::T(Schema::Object(object))
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

schema_from_fn! {
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[A-Za-z]{2}$"))
        .description(Some("An ISO 3166-1 alpha-2 country code, any case"))
        .examples(["CZ"])
        .build()
}

schema_from_fn! {
    /// What a path may follow.
    Through => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_app::Through::NAMES))
        .build()
}

schema_from_fn! {
    /// What orders the places of the network metrics.
    MetricSort => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_app::MetricSort::NAMES))
        .build()
}

/// One hit of a full-text search.
#[derive(ToSchema)]
pub struct SearchHit {
    /// `place`, `actor`, `network` or `document`.
    kind: String,
    id: String,
    label: String,
}
/// A name waiting in the unresolved queue.
#[derive(ToSchema)]
pub struct UnresolvedName {
    /// The folded name and country field: what a decision is remembered under.
    key: String,
    name: String,
    #[schema(nullable)]
    country: Option<String>,
    /// The import batch that last saw it.
    batch: String,
    /// The first line of that batch's file that names it.
    line: i64,
    /// How many times that file names it: what resolving it would unlock.
    occurrences: i64,
    /// The best candidate below the confidence threshold, in words.
    #[schema(nullable)]
    best_guess: Option<String>,
}
