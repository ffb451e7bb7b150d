//! Integration tests of polis-gazetteer through its public API: the index cache, qualifiers, country
//! resolution, place resolution, and a real-data check on the Wikipedia twin-town list.

mod cache;
mod country;
mod metro;
mod normalize;
mod real_data;
mod resolve;
mod trust;

use polis_gazetteer::Gazetteer;

/// The process-wide gazetteer; loading it once keeps the test binary fast.
pub fn gazetteer() -> &'static Gazetteer {
    match Gazetteer::embedded() {
        Ok(gazetteer) => gazetteer,
        Err(error) => panic!("embedded gazetteer failed to load: {error}"),
    }
}
