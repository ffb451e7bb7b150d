//! Integration tests of polis-core through its public API. With the `openapi` feature, the
//! schemas of the core's types are checked against the JSON real records produce.

#[cfg(feature = "openapi")]
mod schemas;
