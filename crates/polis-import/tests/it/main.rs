//! Integration tests of polis-import through its public API. With the `openapi` feature,
//! the schema of the resolution candidates is checked against real candidates.

#[cfg(feature = "openapi")]
mod schemas;
