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

schema_from_fn! {
    /// Which country a place in a contested territory counts under.
    CountryBasis => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_app::CountryBasis::NAMES))
        .default(Some(polis_app::CountryBasis::default().as_str().into()))
        .build()
}

/// An id as `polis_core::is_valid_id` accepts it (`polis_core::ID_RULE`).
pub(crate) const ID: &str = "[a-z0-9][a-z0-9._/-]{0,199}";

/// A date as `polis_core::PartialDate` reads it, without anchors.
fn partial_date() -> &'static str {
    polis_core::openapi::PARTIAL_DATE_PATTERN
        .trim_start_matches('^')
        .trim_end_matches('$')
}

/// A record's key in a path: an id, or a membership's or relation's `|`-separated key.
fn key_schema(pattern: String, description: &str, example: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .examples([example])
        .build()
}

schema_from_fn! {
    /// A record's id in a path.
    RecordId => key_schema(
        format!("^{ID}$"),
        "A record's id: 1 to 200 characters of a-z, 0-9, '-', '_', '.' and '/', starting with a letter or digit",
        "cz-prague",
    )
}

schema_from_fn! {
    /// A membership's key in a path: `network|member` or `network|member|start`.
    MembershipKey => key_schema(
        format!("^{ID}\\|{ID}(\\|{})?$", partial_date()),
        "A membership's key: `network|member`, or `network|member|start` when it has a start date (URL-encoded: `|` is `%7C`)",
        "c40|cn-beijing",
    )
}

schema_from_fn! {
    /// A relation's key in a path: `from|kind|to|start`, the start possibly empty.
    RelationKey => key_schema(
        format!(
            "^{ID}\\|({})\\|{ID}\\|({})?$",
            polis_core::RelationKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("|"),
            partial_date()
        ),
        "A relation's key: `from|kind|to|start`, the start empty when it has none (URL-encoded: `|` is `%7C`)",
        "xi-jinping|chairs|cpc-foreign-affairs-commission|2018-03",
    )
}

schema_from_fn! {
    /// A place in a path where a name will do: an id, a former id or a name in any script.
    PlaceRef => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(polis_app::NOT_BLANK_PATTERN))
        .description(Some("An id (`cz-prague`), a former id, or a name in any script (`Praha`, `布拉格`), URL-encoded"))
        .examples(["cz-prague"])
        .build()
}

schema_from_fn! {
    /// Text that must not be blank (a required query parameter: a search, a comment):
    /// [`polis_app::NOT_BLANK_PATTERN`], the rule `polis_app::is_blank` refuses.
    NonBlank => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(polis_app::NOT_BLANK_PATTERN))
        .build()
}

schema_from_fn! {
    /// A record kind as bundles and proposals name it.
    RecordKindName => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_app::RecordKind::ALL.iter().map(|k| k.as_str())))
        .build()
}

schema_from_fn! {
    /// The file name of one of the dashboard's tables.
    DashboardTableFile => {
        let names: Vec<&str> = polis_app::DashboardTable::ALL.iter().map(|t| t.name()).collect();
        let mut object = key_schema(
            format!("^({})\\.csv$", names.join("|")),
            "The table's file name",
            "countries.csv",
        );
        object.enum_values = Some(
            names
                .iter()
                .map(|n| serde_json::Value::from(format!("{n}.csv")))
                .collect(),
        );
        object
    }
}
