//! OpenAPI schemas for the core types whose serde form is written by hand (partial dates and
//! the closed vocabularies), and a checker that a JSON value has the shape a schema
//! describes, so that tests can hold every schema to the JSON its type really produces.
//!
//! Only built with the `openapi` feature.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, Object, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::{PartialSchema, ToSchema};

use crate::date::PartialDate;
use crate::model::{
    ActivityKind, ActorKind, Contested, DocumentKind, EventKind, OrganisationKind, Outcome,
    PlaceLevel, RelationKind, TieKind,
};
use crate::status::TieStatus;

/// The pattern of a [`PartialDate`] as its parser reads it, exactly: a year from 1 to 9999
/// in one to four digits (zero-padding is read, `0836` being 836, but never printed), then
/// optionally a two-digit month, then optionally a two-digit day that the month has in that
/// year (29 February only in a leap year of the proleptic Gregorian calendar: divisible by
/// 4, and by 400 when divisible by 100); or a year before year 1, from 1 to 9999, followed
/// by " BC". A test holds it to the parser over every year and many generated strings.
pub const PARTIAL_DATE_PATTERN: &str = concat!(
    "^(",
    // A year, or a year and a month.
    "([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9])(-(0[1-9]|1[0-2]))?",
    // A day that every year's month has: 31 days, 30 days, or February to the 28th.
    "|([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9])-",
    "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))",
    // 29 February of a leap year: its last two digits a multiple of 4 other than 00, or
    // 00 after a multiple of 4 (400, 0400, 2000).
    "|([0-9]{0,2}(0[48]|[2468][048]|[13579][26])|[48]|(0[48]|[2468][048]|[13579][26])00|[48]00)-02-29",
    // A year before year 1.
    "|([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9]) BC",
    ")$"
);

impl PartialSchema for PartialDate {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("partial-date".to_owned())))
            .pattern(Some(PARTIAL_DATE_PATTERN))
            .description(Some(
                "A date known to a year, a month or a day: YYYY, YYYY-MM or YYYY-MM-DD, \
                 a day that month has in that year (years below 1000 are written without \
                 zero-padding, 836, and read with or without it); a year before year 1 is \
                 known to the year only and written YYYY BC (800 BC)",
            ))
            .examples(["1973", "1973-06", "2019-06-30", "800 BC"])
            .into()
    }
}

impl ToSchema for PartialDate {}

/// The schema of a closed vocabulary: a string that is one of `names`.
fn vocabulary_schema(description: &str, names: impl Iterator<Item = &'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(names))
        .build()
}

/// Implements the schema of each closed vocabulary from its own list of values, so that the
/// document names exactly what the type accepts and prints.
macro_rules! vocabulary_schemas {
    ($($name:ident: $description:literal),+ $(,)?) => {$(
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                vocabulary_schema($description, $name::ALL.iter().map(|v| v.as_str())).into()
            }
        }

        impl ToSchema for $name {}
    )+};
}

vocabulary_schemas! {
    PlaceLevel: "The level of a governed territory.",
    TieKind: "What kind of agreement a tie is.",
    EventKind: "A dated step in a tie's lifecycle.",
    ActorKind: "Whether an actor is a person or an organisation.",
    OrganisationKind: "The kind of an organisation.",
    RelationKind: "A typed relation from an actor to a place or to another actor.",
    ActivityKind: "What an activity was.",
    Outcome: "How an activity or project ended up.",
    DocumentKind: "What kind of text a document is.",
    Contested: "What a counter-claim contests: the fact's occurrence, its kind, its date, or its details.",
    TieStatus: "Where a tie stands on a date (`unknown` when the recorded dates do not decide it, `disputed` when sources disagree on an event that decides it).",
}

/// The named schemas a type refers to, with the type's own schema among them: what an
/// OpenAPI document's `components.schemas` holds for it.
pub fn components_of<T: ToSchema>() -> BTreeMap<String, RefOr<Schema>> {
    let mut schemas = Vec::new();
    T::schemas(&mut schemas);
    schemas.push((T::name().into_owned(), T::schema()));
    schemas.into_iter().collect()
}

/// A map from names to counts (`{"sister_city": 12}`), its keys described by `names`.
fn counts(names: Schema) -> Object {
    let count = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .build();
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(RefOr::T(Schema::Object(count))))
        .build();
    object.property_names = Some(Box::new(names));
    object
}

/// A map from the names of a closed vocabulary to counts, the keys listed from the
/// vocabulary's own schema (`by_kind`, `by_status`). A type whose schema is a reference
/// (which `propertyNames` cannot hold here) only constrains the keys to strings.
pub fn counts_by<T: ToSchema>() -> Object {
    counts(match T::schema() {
        RefOr::T(names) => names,
        RefOr::Ref(_) => Schema::Object(ObjectBuilder::new().schema_type(Type::String).build()),
    })
}

/// A map from the given names to counts, for keys that are a vocabulary plus a few more
/// (`unknown` beside the place levels).
pub fn counts_by_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Object {
    let names: Vec<&str> = names.into_iter().collect();
    counts(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names))
            .build(),
    ))
}

/// A map from years (`"1973"`: JSON keys are strings) to counts.
pub fn counts_by_year() -> Object {
    counts(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[1-9][0-9]{0,3}$"))
            .build(),
    ))
}

/// One place where a JSON value departs from its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// A JSON pointer to the value (`/ties/0/status`); empty for the whole value.
    pub path: String,
    /// What is wrong there.
    pub problem: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.problem)
    }
}

/// Every place where a JSON value departs from its schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the JSON does not match its schema: {}", .0.iter().map(|m| m.to_string()).collect::<Vec<_>>().join("; "))]
pub struct SchemaMismatches(pub Vec<Mismatch>);

/// Checks `value` against `schema`, resolving `$ref`s (`#/components/schemas/Name`) in
/// `components`: every key of an object is a property of its schema (or allowed by its
/// `additionalProperties`), every required property is present, every value has a type the
/// schema allows, strings match their pattern, and values of enums are among the listed
/// ones, recursively through arrays, maps and `oneOf`/`anyOf`/`allOf`.
pub fn check_against_schema(
    value: &Value,
    schema: &RefOr<Schema>,
    components: &BTreeMap<String, RefOr<Schema>>,
) -> Result<(), SchemaMismatches> {
    let mut checker = Checker {
        components,
        mismatches: Vec::new(),
    };
    checker.check(value, schema, "");
    if checker.mismatches.is_empty() {
        Ok(())
    } else {
        Err(SchemaMismatches(checker.mismatches))
    }
}

/// Serializes `value` and checks it against the schema of its type, with the schemas the
/// type refers to as components.
pub fn check_value<T: ToSchema + serde::Serialize>(value: &T) -> Result<(), SchemaMismatches> {
    let json = serde_json::to_value(value).map_err(|e| {
        SchemaMismatches(vec![Mismatch {
            path: String::new(),
            problem: format!("does not serialize: {e}"),
        }])
    })?;
    check_against_schema(&json, &T::schema(), &components_of::<T>())
}

struct Checker<'a> {
    components: &'a BTreeMap<String, RefOr<Schema>>,
    mismatches: Vec<Mismatch>,
}

/// The JSON type names a schema type allows.
fn allowed_types(schema_type: &SchemaType) -> Option<Vec<Type>> {
    match schema_type {
        SchemaType::Type(t) => Some(vec![t.clone()]),
        SchemaType::Array(types) => Some(types.clone()),
        SchemaType::AnyValue => None,
    }
}

fn has_type(value: &Value, t: &Type) -> bool {
    match t {
        Type::Object => value.is_object(),
        Type::String => value.is_string(),
        Type::Integer => value.is_i64() || value.is_u64(),
        Type::Number => value.is_number(),
        Type::Boolean => value.is_boolean(),
        Type::Array => value.is_array(),
        Type::Null => value.is_null(),
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_names(types: &[Type]) -> String {
    types
        .iter()
        .map(|t| match t {
            Type::Object => "object",
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Null => "null",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn pointer(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

impl Checker<'_> {
    fn mismatch(&mut self, path: &str, problem: String) {
        self.mismatches.push(Mismatch {
            path: path.to_owned(),
            problem,
        });
    }

    /// Checks against each alternative on its own, returning the mismatches of each.
    fn alternatives(
        &self,
        value: &Value,
        items: &[RefOr<Schema>],
        path: &str,
    ) -> Vec<Vec<Mismatch>> {
        items
            .iter()
            .map(|item| {
                let mut inner = Checker {
                    components: self.components,
                    mismatches: Vec::new(),
                };
                inner.check(value, item, path);
                inner.mismatches
            })
            .collect()
    }

    /// The properties an object schema (or the one a `$ref` names) lists; none for another
    /// kind of schema.
    fn property_names(&self, schema: &RefOr<Schema>) -> Vec<String> {
        match schema {
            RefOr::Ref(reference) => reference
                .ref_location
                .strip_prefix("#/components/schemas/")
                .and_then(|name| self.components.get(name))
                .map(|target| self.property_names(target))
                .unwrap_or_default(),
            RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
            RefOr::T(_) => Vec::new(),
        }
    }

    fn check(&mut self, value: &Value, schema: &RefOr<Schema>, path: &str) {
        match schema {
            RefOr::Ref(reference) => {
                let location = &reference.ref_location;
                let resolved = location
                    .strip_prefix("#/components/schemas/")
                    .and_then(|name| self.components.get(name));
                match resolved {
                    Some(target) => self.check(value, target, path),
                    None => self.mismatch(
                        path,
                        format!("the schema {location} is not among the components"),
                    ),
                }
            }
            RefOr::T(schema) => self.check_schema(value, schema, path),
        }
    }

    fn check_schema(&mut self, value: &Value, schema: &Schema, path: &str) {
        match schema {
            Schema::Object(object) => self.check_object(value, object, path),
            Schema::Array(array) => {
                if let Some(types) = allowed_types(&array.schema_type) {
                    if value.is_null() && types.contains(&Type::Null) {
                        return;
                    }
                    if !types.iter().any(|t| has_type(value, t)) {
                        let problem = format!(
                            "is {}, the schema wants {}",
                            json_type_name(value),
                            type_names(&types)
                        );
                        self.mismatch(path, problem);
                        return;
                    }
                }
                let Some(elements) = value.as_array() else {
                    return;
                };
                for (i, element) in elements.iter().enumerate() {
                    let element_path = format!("{path}/{i}");
                    match array.prefix_items.get(i) {
                        Some(prefix) => self.check_schema(element, prefix, &element_path),
                        None => match &array.items {
                            ArrayItems::RefOrSchema(items) => {
                                self.check(element, items, &element_path)
                            }
                            ArrayItems::False => self.mismatch(
                                &element_path,
                                format!(
                                    "is beyond the {} items the schema allows",
                                    array.prefix_items.len()
                                ),
                            ),
                        },
                    }
                }
                if let Some(min) = array.min_items
                    && elements.len() < min
                {
                    self.mismatch(
                        path,
                        format!("has {} items, fewer than {min}", elements.len()),
                    );
                }
                if let Some(max) = array.max_items
                    && elements.len() > max
                {
                    self.mismatch(
                        path,
                        format!("has {} items, more than {max}", elements.len()),
                    );
                }
            }
            Schema::OneOf(one_of) => {
                let results = self.alternatives(value, &one_of.items, path);
                let n_matching = results.iter().filter(|m| m.is_empty()).count();
                if n_matching != 1 {
                    let problem = format!(
                        "matches {n_matching} of the {} alternatives of oneOf, not exactly one{}",
                        one_of.items.len(),
                        describe_failures(&results)
                    );
                    self.mismatch(path, problem);
                }
            }
            Schema::AnyOf(any_of) => {
                let results = self.alternatives(value, &any_of.items, path);
                if !results.iter().any(Vec::is_empty) {
                    let problem = format!(
                        "matches none of the {} alternatives of anyOf{}",
                        any_of.items.len(),
                        describe_failures(&results)
                    );
                    self.mismatch(path, problem);
                }
            }
            Schema::AllOf(all_of) => {
                // serde's `flatten` gives an allOf of objects, each listing only its own
                // properties: a key belongs to the whole when a member has it, so each member
                // is checked without the keys only another member has.
                let members: Vec<Vec<String>> = all_of
                    .items
                    .iter()
                    .map(|item| self.property_names(item))
                    .collect();
                for (i, item) in all_of.items.iter().enumerate() {
                    let own = |key: &str| members[i].iter().any(|name| name == key);
                    let others = |key: &str| {
                        members
                            .iter()
                            .enumerate()
                            .any(|(j, names)| j != i && names.iter().any(|name| name == key))
                    };
                    match value.as_object() {
                        Some(fields) => {
                            let mine: serde_json::Map<String, Value> = fields
                                .iter()
                                .filter(|(key, _)| own(key) || !others(key))
                                .map(|(key, field)| (key.clone(), field.clone()))
                                .collect();
                            self.check(&Value::Object(mine), item, path);
                        }
                        None => self.check(value, item, path),
                    }
                }
            }
            // Schema is non-exhaustive: a kind this checker does not know is not checked.
            _ => {}
        }
    }

    fn check_object(&mut self, value: &Value, object: &Object, path: &str) {
        if let Some(types) = allowed_types(&object.schema_type) {
            if value.is_null() && types.contains(&Type::Null) {
                return;
            }
            if !types.iter().any(|t| has_type(value, t)) {
                let problem = format!(
                    "is {}, the schema wants {}",
                    json_type_name(value),
                    type_names(&types)
                );
                self.mismatch(path, problem);
                return;
            }
        }
        if let Some(allowed) = &object.enum_values
            && !allowed.contains(value)
        {
            let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
            self.mismatch(path, format!("{value} is not one of {}", names.join(", ")));
        }
        if let (Some(pattern), Some(text)) = (&object.pattern, value.as_str()) {
            match regex::Regex::new(pattern) {
                Ok(regex) if regex.is_match(text) => {}
                Ok(_) => self.mismatch(
                    path,
                    format!("{value} does not match the pattern {pattern}"),
                ),
                Err(e) => self.mismatch(
                    path,
                    format!("the schema's pattern {pattern} is not a regular expression: {e}"),
                ),
            }
        }
        if let Some(number) = value.as_f64() {
            if let Some(minimum) = object.minimum.as_ref().and_then(number_value)
                && number < minimum
            {
                self.mismatch(path, format!("{value} is below the minimum {minimum}"));
            }
            if let Some(maximum) = object.maximum.as_ref().and_then(number_value)
                && number > maximum
            {
                self.mismatch(path, format!("{value} is above the maximum {maximum}"));
            }
        }
        let Some(fields) = value.as_object() else {
            return;
        };
        for required in &object.required {
            if !fields.contains_key(required) {
                self.mismatch(path, format!("lacks the required property `{required}`"));
            }
        }
        for (key, field) in fields {
            let field_path = pointer(path, key);
            if let Some(names) = &object.property_names {
                self.check_schema(&Value::String(key.clone()), names, &field_path);
            }
            match object.properties.get(key) {
                Some(property) => self.check(field, property, &field_path),
                None => match object.additional_properties.as_deref() {
                    Some(AdditionalProperties::RefOr(schema)) => {
                        self.check(field, schema, &field_path)
                    }
                    Some(AdditionalProperties::FreeForm(true)) => {}
                    Some(AdditionalProperties::FreeForm(false)) | None => {
                        let known: Vec<&str> =
                            object.properties.keys().map(String::as_str).collect();
                        let problem = format!(
                            "is not a property of the schema (which has {})",
                            known.join(", ")
                        );
                        self.mismatch(&field_path, problem);
                    }
                },
            }
        }
    }
}

fn number_value(number: &utoipa::Number) -> Option<f64> {
    match number {
        utoipa::Number::Int(n) => Some(*n as f64),
        utoipa::Number::UInt(n) => Some(*n as f64),
        utoipa::Number::Float(n) => Some(*n),
    }
}

fn describe_failures(results: &[Vec<Mismatch>]) -> String {
    let failures: Vec<String> = results
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(i, m)| {
            let problems: Vec<String> = m.iter().map(Mismatch::to_string).collect();
            format!("alternative {}: {}", i + 1, problems.join("; "))
        })
        .collect();
    if failures.is_empty() {
        String::new()
    } else {
        format!(" ({})", failures.join(" | "))
    }
}

#[cfg(test)]
mod tests {
    use super::PARTIAL_DATE_PATTERN;
    use crate::date::PartialDate;

    fn pattern() -> &'static regex::Regex {
        static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(PARTIAL_DATE_PATTERN).expect("a regular expression")
        });
        &PATTERN
    }

    /// The pattern and the parser agree on `text`.
    fn agree(pattern: &regex::Regex, text: &str) -> Result<(), String> {
        let parsed = text.parse::<PartialDate>();
        if pattern.is_match(text) == parsed.is_ok() {
            Ok(())
        } else {
            Err(format!(
                "'{text}': the pattern {} it, the parser {}",
                if pattern.is_match(text) {
                    "accepts"
                } else {
                    "refuses"
                },
                match parsed {
                    Ok(_) => "accepts it".to_owned(),
                    Err(e) => format!("refuses it ({e})"),
                }
            ))
        }
    }

    /// Every year from 1 to 9999, written with and without zero-padding, with the days
    /// that decide leap years and month lengths, and BC: the pattern and the parser agree.
    #[test]
    fn the_date_pattern_accepts_exactly_what_the_parser_reads_in_every_year() {
        let pattern = pattern();
        let mut problems = Vec::new();
        for year in 0..=10_000u32 {
            let mut forms = vec![year.to_string()];
            for width in 2..=5 {
                let padded = format!("{year:0width$}");
                if !forms.contains(&padded) {
                    forms.push(padded);
                }
            }
            for form in forms {
                let mut texts = vec![form.clone(), format!("{form} BC")];
                for month_day in [
                    "02", "02-28", "02-29", "02-30", "04-30", "04-31", "12-31", "12-32", "13",
                    "00", "01-00", "1-01", "01-1",
                ] {
                    texts.push(format!("{form}-{month_day}"));
                }
                for text in texts {
                    if let Err(problem) = agree(pattern, &text) {
                        problems.push(problem);
                    }
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{} disagreements, the first: {:?}",
            problems.len(),
            &problems[..problems.len().min(10)]
        );
    }

    /// A struct that flattens another is an allOf of two objects: a key of either member
    /// belongs, a key of neither is still refused.
    #[test]
    fn a_flattened_struct_is_checked_against_the_union_of_its_members() {
        use std::collections::BTreeMap;

        use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Type};
        use utoipa::openapi::{RefOr, Schema};

        let object = |names: &[&str]| {
            let mut builder = ObjectBuilder::new();
            for name in names {
                builder = builder.property(*name, ObjectBuilder::new().schema_type(Type::String));
            }
            RefOr::T(Schema::Object(builder.build()))
        };
        let mut components = BTreeMap::new();
        components.insert("Inner".to_owned(), object(&["name", "country"]));
        let schema = RefOr::T(Schema::AllOf(
            AllOfBuilder::new()
                .item(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Inner")))
                .item(object(&["verdict"]))
                .build(),
        ));
        let whole = serde_json::json!({"name": "Simferopol", "country": "UA", "verdict": "claim"});
        assert!(super::check_against_schema(&whole, &schema, &components).is_ok());
        let stray = serde_json::json!({"name": "Simferopol", "verdict": "claim", "note": "x"});
        let problems = super::check_against_schema(&stray, &schema, &components)
            .expect_err("`note` is no member's")
            .to_string();
        assert!(problems.contains("/note"), "{problems}");
        assert!(!problems.contains("/verdict:"), "{problems}");
    }

    #[test]
    fn the_date_pattern_knows_month_lengths_and_leap_years() {
        let pattern = pattern();
        for accepted in [
            "2019-01-31",
            "2019-04-30",
            "2020-02-29",
            "2000-02-29",
            "400-02-29",
            "0400-02-29",
            "4-02-29",
            "1600-02-29",
            "836",
            "0836",
            "800 BC",
        ] {
            assert!(pattern.is_match(accepted), "{accepted}");
        }
        for refused in [
            "2019-02-30",
            "1-09-31",
            "2019-02-29",
            "1900-02-29",
            "100-02-29",
            "0-02-29",
            "0",
            "0 BC",
            "10000",
            "2019-13",
            "2019-06-31",
            "800 BC-01",
        ] {
            assert!(!pattern.is_match(refused), "{refused}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Generated dates, near-dates and garbage: the pattern accepts exactly what the
        /// parser reads.
        #[test]
        fn the_date_pattern_agrees_with_the_parser_on_generated_dates(
            year in 0u32..=10_001,
            width in 1usize..=5,
            month in proptest::option::of(0u32..=13),
            day in proptest::option::of(0u32..=32),
            bc in proptest::bool::ANY,
        ) {
            let mut text = format!("{year:0width$}");
            if let Some(month) = month {
                text.push_str(&format!("-{month:02}"));
                if let Some(day) = day {
                    text.push_str(&format!("-{day:02}"));
                }
            }
            if bc {
                text.push_str(" BC");
            }
            let pattern = pattern();
            let agreed = agree(pattern, &text);
            proptest::prop_assert!(agreed.is_ok(), "{}", agreed.unwrap_err());
        }

        #[test]
        fn the_date_pattern_agrees_with_the_parser_on_any_short_text(text in "[0-9 BC-]{0,12}") {
            let pattern = pattern();
            let agreed = agree(pattern, &text);
            proptest::prop_assert!(agreed.is_ok(), "{}", agreed.unwrap_err());
        }
    }
}
