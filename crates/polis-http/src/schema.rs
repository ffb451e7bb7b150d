//! Schemas of the OpenAPI document's parameters: closed vocabularies described from the
//! core's own lists, so the document cannot drift from what the parameters accept. Response
//! bodies use the answer types' own derived schemas.

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
