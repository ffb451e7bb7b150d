//! Integration tests of polis-analysis through its public API. With the `openapi` feature,
//! the schemas of the result types are checked against the JSON real results produce.

mod country_basis;
mod paths;
mod quality;
#[cfg(feature = "openapi")]
mod schemas;
