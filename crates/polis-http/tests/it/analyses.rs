//! The network and partner analyses, the activity ledger and the clause search answer what
//! the command line answers: the same functions of polis-analysis over the same data, with
//! the command's defaults.

use std::path::PathBuf;

use polis_analysis::network::{MetricsQuery, SortBy};
use polis_store::ChangeContext;
use reqwest::StatusCode;
use serde_json::Value;

use crate::{Server, check_error};

fn list<'a>(value: &'a Value, field: &str) -> &'a Vec<Value> {
    value[field]
        .as_array()
        .unwrap_or_else(|| panic!("no list `{field}` in {value}"))
}

/// The values of `field` in every item, as numbers.
fn numbers(items: &[Value], field: &str) -> Vec<f64> {
    items
        .iter()
        .map(|item| {
            item[field]
                .as_f64()
                .unwrap_or_else(|| panic!("no number `{field}` in {item}"))
        })
        .collect()
}

fn non_increasing(values: &[f64]) -> bool {
    values.windows(2).all(|w| w[0] >= w[1])
}

#[tokio::test]
async fn partners_for_amsterdam_on_climate_are_abroad_new_and_explained() {
    let server = Server::start().await;
    let answer = server
        .get("/api/v1/recommend/Amsterdam?theme=climate")
        .await;
    let body = answer.ok_json();
    assert_eq!(body["place"], "nl-amsterdam");
    assert_eq!(body["theme"], "climate");
    let candidates = list(&body, "candidates");
    assert!(!candidates.is_empty(), "{body}");
    assert!(candidates.len() <= 10, "the default top is 10");
    for candidate in candidates {
        assert_ne!(candidate["country"], "NL", "a partner at home: {candidate}");
        assert_ne!(
            candidate["id"], "cn-shenzhen",
            "Shenzhen is already Amsterdam's partner"
        );
        assert!(
            !list(candidate, "reasons").is_empty(),
            "a candidate without reasons: {candidate}"
        );
    }
    assert!(non_increasing(&numbers(candidates, "score")), "{body}");
    assert!(
        candidates
            .iter()
            .any(|c| list(c, "reasons").iter().any(|r| r == "works on climate")),
        "no candidate works on climate: {body}"
    );

    // The command's function, with its defaults, gives the same bytes.
    let snapshot = server.state.app().current().expect("a snapshot");
    let data = snapshot.data();
    let expected =
        polis_analysis::recommend::recommend(data, "nl-amsterdam", 10, Some("climate"), None)
            .expect("the finder answers");
    assert_eq!(
        answer.body,
        serde_json::to_string(&expected).expect("serializes")
    );

    let top = server
        .get("/api/v1/recommend/nl-amsterdam?top=2&as_of=2020-01-01")
        .await
        .ok_json();
    assert_eq!(list(&top, "candidates").len(), 2, "{top}");
    assert!(top.get("theme").is_none(), "no theme was asked for: {top}");
}

#[tokio::test]
async fn a_place_to_recommend_for_is_found_by_name_and_an_ambiguous_name_is_refused() {
    let server = Server::start().await;
    let by_name = server.get("/api/v1/recommend/Praha?top=1").await.ok_json();
    assert_eq!(by_name["place"], "cz-prague");
    let missing = server.get("/api/v1/recommend/atlantis").await;
    let message = check_error(&missing, StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("'atlantis'"), "{message}");

    // A second Amsterdam makes the name ambiguous; the id still answers.
    let extra = r#"format = "polis-bundle"
version = 1
name = "another amsterdam"

[[place]]
id = "us-amsterdam-ny"
level = "city"
name = "Amsterdam"
country = "US"
sources = ["deck"]
"#;
    let path = PathBuf::from("another.toml");
    let bundle = polis_bundle::read_files(&path, &path, vec![(path.clone(), extra.into())])
        .expect("the extra bundle reads");
    server
        .state
        .app()
        .store()
        .apply(
            &bundle.data,
            &ChangeContext {
                who: "test".into(),
                context: "a second Amsterdam".into(),
            },
        )
        .await
        .expect("the extra bundle applies");
    server.state.reload().await.expect("the snapshot reloads");
    let ambiguous = server.get("/api/v1/recommend/Amsterdam").await;
    let message = check_error(&ambiguous, StatusCode::BAD_REQUEST, "ambiguous");
    assert!(
        message.contains("nl-amsterdam (NL)") && message.contains("us-amsterdam-ny (US)"),
        "{message}"
    );
    let by_id = server.get("/api/v1/recommend/nl-amsterdam").await.ok_json();
    assert_eq!(by_id["place"], "nl-amsterdam");
}

#[tokio::test]
async fn the_evaluation_compares_three_methods_and_is_reproducible() {
    let server = Server::start().await;
    let answer = server.get("/api/v1/recommend-evaluation").await;
    let body = answer.ok_json();
    assert_eq!(body["seed"], 0);
    assert_eq!(body["held_out_fraction"], 0.1);
    let methods: Vec<&str> = list(&body, "methods")
        .iter()
        .map(|m| m["method"].as_str().expect("a method name"))
        .collect();
    assert_eq!(
        methods,
        [
            "blended (partner finder)",
            "shared partners (resource allocation)",
            "popularity baseline (preferential attachment)",
        ]
    );
    for figure in ["auc", "precision_at_10", "r_precision", "hit_rate_at_10"] {
        for value in numbers(list(&body, "methods"), figure) {
            assert!((0.0..=1.0).contains(&value), "{figure} = {value}");
        }
    }
    let snapshot = server.state.app().current().expect("a snapshot");
    let data = snapshot.data();
    let expected =
        polis_analysis::recommend::evaluate(data, 0.1, 0, None).expect("the evaluation runs");
    assert_eq!(
        answer.body,
        serde_json::to_string(&expected).expect("serializes")
    );

    let path = "/api/v1/recommend-evaluation?fraction=0.3&seed=5&as_of=2021";
    let first = server.get(path).await;
    let body = first.ok_json();
    assert_eq!(body["seed"], 5);
    assert_eq!(body["held_out_fraction"], 0.3);
    assert_eq!(
        server.get(path).await.body,
        first.body,
        "the same seed gives the same answer"
    );
}

#[tokio::test]
async fn network_metrics_list_every_place_with_a_pagerank_summing_to_one() {
    let server = Server::start().await;
    let answer = server.get("/api/v1/graph/metrics?top=100").await;
    let body = answer.ok_json();
    let places = list(&body, "places");
    let n_places = body["n_places"].as_u64().expect("n_places");
    assert!(n_places > 2, "{body}");
    assert_eq!(places.len() as u64, n_places, "top=100 lists every place");
    let pagerank: f64 = numbers(places, "pagerank").iter().sum();
    assert!((pagerank - 1.0).abs() < 1e-9, "PageRank sums to {pagerank}");
    assert_eq!(body["betweenness_method"], "exact");
    assert!(
        places
            .iter()
            .all(|p| p.get("betweenness_standard_error").is_none())
    );
    assert!(non_increasing(&numbers(places, "betweenness")));

    // The defaults are the command's: top 20, betweenness, exact, seed 0.
    let default = server.get("/api/v1/graph/metrics").await;
    let snapshot = server.state.app().current().expect("a snapshot");
    let data = snapshot.data();
    let expected = polis_analysis::network::metrics(
        data,
        &MetricsQuery {
            as_of: None,
            country: None,
            top: 20,
            sort_by: SortBy::Betweenness,
            sampled_sources: None,
            seed: 0,
        },
    )
    .expect("the metrics compute");
    assert_eq!(
        default.body,
        serde_json::to_string(&expected).expect("serializes")
    );

    let by_degree = server
        .get("/api/v1/graph/metrics?sort=degree&top=3")
        .await
        .ok_json();
    assert_eq!(list(&by_degree, "places").len(), 3);
    assert!(non_increasing(&numbers(
        list(&by_degree, "places"),
        "degree"
    )));
    let by_pagerank = server
        .get("/api/v1/graph/metrics?sort=pagerank")
        .await
        .ok_json();
    assert!(non_increasing(&numbers(
        list(&by_pagerank, "places"),
        "pagerank"
    )));

    let chinese = server
        .get("/api/v1/graph/metrics?country=cn&top=100")
        .await
        .ok_json();
    assert_eq!(
        chinese["n_places"], n_places,
        "metrics of the whole network"
    );
    let chinese_places = list(&chinese, "places");
    assert!(!chinese_places.is_empty());
    assert!(chinese_places.iter().all(|p| p["country"] == "CN"));

    let sampled = server
        .get("/api/v1/graph/metrics?sampled=3&seed=7")
        .await
        .ok_json();
    assert_eq!(sampled["betweenness_method"], "sampled (3 sources, seed 7)");
    assert_eq!(sampled["louvain_seed"], 7);
    assert!(
        list(&sampled, "places")
            .iter()
            .all(|p| p["betweenness_standard_error"].is_number()),
        "{sampled}"
    );

    let early = server
        .get("/api/v1/graph/metrics?as_of=0100")
        .await
        .ok_json();
    assert_eq!(early["as_of"], "100");
    assert_eq!(early["n_places"], 0, "no tie was in force in the year 100");
    assert_eq!(list(&early, "places").len(), 0);
}

#[tokio::test]
async fn activity_totals_add_like_with_like() {
    let server = Server::start().await;
    let aid = server
        .get("/api/v1/activities/totals?kind=aid")
        .await
        .ok_json();
    let aid = aid.as_array().expect("a list");
    let masks = aid
        .iter()
        .find(|t| t["item"] == "masks")
        .unwrap_or_else(|| panic!("no masks in {aid:?}"));
    assert_eq!(masks["unit"], "piece");
    assert_eq!(masks["total"].as_f64(), Some(151_500_000_000.0));
    assert_eq!(masks["as_of"], "2020-09-06");
    assert!(list(masks, "activities").contains(&Value::from("covid-19-medical-supplies-2020")));

    let all = server.get("/api/v1/activities/totals").await.ok_json();
    let all = all.as_array().expect("a list");
    assert!(all.len() >= aid.len());
    for total in aid {
        assert!(
            all.iter()
                .any(|t| t["item"] == total["item"] && t["unit"] == total["unit"]),
            "{total} is missing from the totals of every kind"
        );
    }
}

#[tokio::test]
async fn clauses_by_tag_show_how_their_ties_ended() {
    let server = Server::start().await;
    let hits = server
        .get("/api/v1/clauses?tag=one_china_clause")
        .await
        .ok_json();
    let hits = hits.as_array().expect("a list");
    assert!(!hits.is_empty());
    for hit in hits {
        assert!(
            list(hit, "tags").contains(&Value::from("one_china_clause")),
            "{hit}"
        );
    }
    let prague_beijing = hits
        .iter()
        .flat_map(|hit| list(hit, "ties"))
        .find(|tie| tie["id"] == "cn-beijing--cz-prague")
        .unwrap_or_else(|| panic!("no cn-beijing--cz-prague tie in {hits:?}"));
    assert_eq!(prague_beijing["ended_over_clause"], true);
    assert_eq!(prague_beijing["terminated"], "2019-10");

    let text = server.get("/api/v1/clauses?text=TAIWAN").await.ok_json();
    assert!(
        text.as_array()
            .expect("a list")
            .iter()
            .any(|hit| hit["document"] == "prague-beijing-partnership-agreement-2016"),
        "{text}"
    );
    let both = server
        .get("/api/v1/clauses?tag=one_china_clause&text=tibet")
        .await
        .ok_json();
    let both = both.as_array().expect("a list");
    assert!(!both.is_empty() && both.len() < hits.len(), "{both:?}");
}
