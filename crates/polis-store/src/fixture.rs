//! A small hand-written dataset for the planner's tests and the conformance suite: Prague
//! entered twice (as `praha` and as `prag`, the duplicate to merge), Beijing, Taipei, a
//! network, an actor with diacritics, and records of every kind that point at `prag`.

use polis_core::Dataset;
use serde_json::{Value, json};

fn list<T: serde::de::DeserializeOwned>(values: Vec<Value>) -> Vec<T> {
    values
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("the fixture matches the model"))
        .collect()
}

/// The fixture, valid as a whole.
pub fn dataset() -> Dataset {
    Dataset {
        sources: list(vec![
            json!({"id": "s1", "title": "A list of twin towns"}),
            json!({"id": "s2", "title": "A second list"}),
        ]),
        places: list(vec![
            json!({"id": "cz", "level": "country", "name": "Czechia", "country": "CZ", "sources": ["s1"]}),
            json!({"id": "praha", "level": "city", "name": "Prague", "country": "CZ", "parent": "cz",
                   "names": [{"text": "Praha", "lang": "cs"}, {"text": "布拉格", "lang": "zh"}], "sources": ["s1"]}),
            json!({"id": "prag", "level": "city", "name": "Prag", "country": "CZ", "sources": ["s2"]}),
            json!({"id": "beijing", "level": "city", "name": "Beijing", "country": "CN",
                   "names": [{"text": "北京市", "lang": "zh"}], "sources": ["s1"]}),
            json!({"id": "taipei", "level": "city", "name": "Taipei", "country": "TW", "sources": ["s1"]}),
            json!({"id": "praha-1", "level": "district", "name": "Praha 1", "country": "CZ", "parent": "prag", "sources": ["s2"]}),
        ]),
        ties: list(vec![
            json!({"id": "beijing--praha", "a": "beijing", "b": "praha", "kind": "sister_city",
                   "themes": ["culture"],
                   "events": [{"kind": "signed", "date": "2016", "sources": ["s1"]}], "sources": ["s1"]}),
            json!({"id": "beijing--prag", "a": "beijing", "b": "prag", "kind": "sister_city",
                   "themes": ["economy"],
                   "evidence": [{"source": "s2", "listed_by": "prag"}], "sources": ["s2"]}),
            json!({"id": "prag--taipei", "a": "prag", "b": "taipei", "kind": "sister_city",
                   "events": [{"kind": "signed", "date": "2020-01-13", "side": "prag", "actor": "hrib", "sources": ["s2"]}],
                   "sources": ["s2"]}),
        ]),
        networks: list(vec![
            json!({"id": "c40", "name": "C40 Cities", "sources": ["s1"]}),
        ]),
        memberships: list(vec![
            json!({"network": "c40", "member": "praha", "sources": ["s1"]}),
            json!({"network": "c40", "member": "prag", "sources": ["s2"]}),
        ]),
        actors: list(vec![
            json!({"id": "hrib", "kind": "person", "name": "Zdeněk Hřib", "sources": ["s1"]}),
            json!({"id": "zdenek-hrib", "kind": "person", "name": "Zdenek Hrib", "sources": ["s2"]}),
        ]),
        relations: list(vec![
            json!({"from": "hrib", "kind": "mayor_of", "to": "prag", "start": "2018-11", "sources": ["s2"]}),
            json!({"from": "zdenek-hrib", "kind": "mayor_of", "to": "praha", "sources": ["s2"]}),
        ]),
        activities: list(vec![
            json!({"id": "visit-2019", "kind": "delegation_visit", "title": "A visit",
                   "places": ["prag", "beijing"], "actors": ["hrib"], "ties": ["beijing--prag"], "sources": ["s2"]}),
        ]),
        documents: list(vec![
            json!({"id": "agreement-2016", "kind": "agreement", "title": "Sister-city agreement",
                   "parties": ["prag", "beijing"],
                   "articles": [{"number": "1", "text": "Friendship.", "initiated_by": "prag"}], "sources": ["s1"]}),
        ]),
        figures: list(vec![
            json!({"id": "cz-ties-2019", "metric": "ties", "value": 3.0, "country": "CZ", "as_of": "2019",
                   "reporter": "zdenek-hrib", "sources": ["s1"]}),
        ]),
        batches: Vec::new(),
    }
}
