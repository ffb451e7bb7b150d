//! The endpoints answer what the command line answers: places by any name, ties a page at a
//! time with their status on a date, paths, statistics, search, the audit log and exports.

use std::path::PathBuf;

use polis_store::ChangeContext;
use reqwest::StatusCode;
use serde_json::Value;

use crate::Server;

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn status_of(ties: &Value, id: &str) -> String {
    ties.as_array()
        .expect("a list of ties")
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no tie {id} in {ties}"))["status"]["status"]
        .as_str()
        .expect("a status")
        .to_owned()
}

#[tokio::test]
async fn a_place_is_found_by_id_and_by_its_names_in_any_script() {
    let server = Server::start().await;
    for path in [
        "/api/v1/places/cz-prague",
        "/api/v1/places/Praha",
        "/api/v1/places/PRAHA",
        "/api/v1/places/%E5%B8%83%E6%8B%89%E6%A0%BC", // 布拉格
    ] {
        let body = server.get(path).await.ok_json();
        assert_eq!(body["place"]["id"], "cz-prague", "{path}");
        assert!(
            !body["ties"].as_array().expect("ties").is_empty(),
            "{path}: {body}"
        );
        assert!(body["also_matched"].is_array(), "{path}");
        assert!(body["memberships"].is_array(), "{path}");
    }
}

#[tokio::test]
async fn a_place_shows_the_status_of_its_ties_on_a_date() {
    let server = Server::start().await;
    let before = server
        .get("/api/v1/places/cz-prague?as_of=2019-06-30")
        .await
        .ok_json();
    assert_eq!(
        status_of(&before["ties"], "cn-beijing--cz-prague"),
        "active"
    );
    let after = server
        .get("/api/v1/places/cz-prague?as_of=2020-06-30")
        .await
        .ok_json();
    assert_eq!(
        status_of(&after["ties"], "cn-beijing--cz-prague"),
        "terminated"
    );
}

#[tokio::test]
async fn ties_have_their_status_on_the_date_asked() {
    let server = Server::start().await;
    let page = server
        .get("/api/v1/ties?place=Prague&as_of=2019-06-30")
        .await
        .ok_json();
    assert_eq!(page["as_of"], "2019-06-30");
    assert_eq!(status_of(&page["items"], "cn-beijing--cz-prague"), "active");
    insta::assert_json_snapshot!("prague_ties_2019_06_30", page);
    let page = server
        .get("/api/v1/ties?place=cz-prague&as_of=2020-06-30")
        .await
        .ok_json();
    assert_eq!(
        status_of(&page["items"], "cn-beijing--cz-prague"),
        "terminated"
    );
    let terminated = server
        .get("/api/v1/ties?status=terminated&as_of=2020-06-30&country=cz")
        .await
        .ok_json();
    assert!(
        ids(&terminated["items"]).contains(&"cn-beijing--cz-prague".to_owned()),
        "{terminated}"
    );
    let active = server
        .get("/api/v1/ties?status=active&as_of=2020-06-30&country=CZ")
        .await
        .ok_json();
    assert!(!ids(&active["items"]).contains(&"cn-beijing--cz-prague".to_owned()));
}

#[tokio::test]
async fn ties_come_a_page_at_a_time_with_a_stable_total() {
    let server = Server::start().await;
    let all = server.get("/api/v1/ties").await.ok_json();
    assert_eq!(all["limit"], 100);
    assert_eq!(all["offset"], 0);
    let total = all["total"].as_u64().expect("a total");
    assert!(total >= 5, "the reference data has more ties: {total}");
    let all_ids = ids(&all["items"]);
    assert_eq!(all_ids.len() as u64, total);
    let mut sorted = all_ids.clone();
    sorted.sort();
    assert_eq!(all_ids, sorted, "ties are sorted by id");

    let mut paged = Vec::new();
    let mut offset = 0;
    while offset < total + 2 {
        let page = server
            .get(&format!("/api/v1/ties?limit=2&offset={offset}"))
            .await
            .ok_json();
        assert_eq!(page["total"], total, "offset {offset}");
        assert_eq!(page["limit"], 2);
        assert_eq!(page["offset"], offset);
        let items = ids(&page["items"]);
        assert_eq!(
            items.len() as u64,
            2.min(total.saturating_sub(offset)),
            "offset {offset}"
        );
        paged.extend(items);
        offset += 2;
    }
    assert_eq!(paged, all_ids, "the pages put together are the whole list");

    let window = server.get("/api/v1/ties?limit=3&offset=1").await.ok_json();
    assert_eq!(ids(&window["items"]), all_ids[1..4]);
    let beyond = server
        .get(&format!("/api/v1/ties?offset={}", total + 10))
        .await
        .ok_json();
    assert_eq!(beyond["items"], Value::Array(vec![]));
    assert_eq!(beyond["total"], total);
}

#[tokio::test]
async fn issue_10_a_path_holds_together_in_time_unless_time_is_ignored() {
    let server = Server::start().await;
    // Through relations alone, the only chains pass from Babiš to Sobotka through the
    // office one took over from the other: never in office together, so no connection.
    let together = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy&through=relations")
        .await
        .ok_json();
    assert_eq!(together["chains"], Value::Array(vec![]), "{together}");
    // Through everything, the chains that held together come with their window.
    let all = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy")
        .await
        .ok_json();
    let chains = all["chains"].as_array().expect("chains");
    assert!(!chains.is_empty(), "{all}");
    for chain in chains {
        assert!(chain["held"].is_object(), "{chain}");
    }
    // A window in which none of them held finds none.
    let before = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy&during=2000..2005")
        .await
        .ok_json();
    assert_eq!(before["chains"], Value::Array(vec![]), "{before}");
    for (url, needle) in [
        (
            "/api/v1/path?from=prague-city-hall&to=cefc-china-energy&during=2019",
            "`during`",
        ),
        (
            "/api/v1/path?from=prague-city-hall&to=cefc-china-energy&during=2020..2019",
            "ends before it starts",
        ),
        (
            "/api/v1/path?from=prague-city-hall&to=cefc-china-energy&ignore_time=yes",
            "true or false",
        ),
        (
            "/api/v1/path?from=prague-city-hall&to=cefc-china-energy&during=2019..2020&ignore_time=true",
            "exclude each other",
        ),
    ] {
        let refused = server.get(url).await;
        crate::check_error(&refused, StatusCode::BAD_REQUEST, "bad_request");
        assert!(refused.body.contains(needle), "{url}: {}", refused.body);
    }
    // Ignoring time gives the chains through relations that do not hold together.
    let body = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy&through=relations&ignore_time=true")
        .await
        .ok_json();
    assert_eq!(body["through"], "relations");
    let chains = body["chains"].as_array().expect("chains");
    assert!(!chains.is_empty(), "{body}");
    assert!(
        chains.iter().all(|c| c.get("held").is_none()),
        "no window when time is ignored: {body}"
    );
    for chain in chains {
        let nodes = chain["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.first().expect("a start")["id"], "prague-city-hall");
        assert_eq!(nodes.last().expect("an end")["id"], "cefc-china-energy");
        for link in chain["links"].as_array().expect("links") {
            let label = link["label"].as_str().expect("a label");
            assert!(
                !label.starts_with("tie:")
                    && label != "member_of_network"
                    && label != "took_part_in",
                "through=relations followed {label}"
            );
        }
    }
    // Between two places the default follows ties only; the command line does the same.
    let places = server
        .get("/api/v1/path?from=Prague&to=Beijing")
        .await
        .ok_json();
    assert_eq!(places["through"], "ties");
    // An actor is not in the ties-only graph.
    let missing = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy&through=ties")
        .await;
    crate::check_error(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn the_analyses_answer_as_the_command_line_does() {
    let server = Server::start().await;
    let stats = server
        .get("/api/v1/stats?country=cz&as_of=2019-12-31")
        .await
        .ok_json();
    assert_eq!(stats["country"], "CZ");
    assert!(stats["n_ties"].as_u64().is_some(), "{stats}");

    let changes = server
        .get("/api/v1/changes?from=2019-06-30&to=2020-06-30")
        .await
        .ok_json();
    assert!(
        ids(&changes["ties"]).contains(&"cn-beijing--cz-prague".to_owned()),
        "{changes}"
    );

    let quality = server.get("/api/v1/quality").await.ok_json();
    assert!(quality["checks"].is_array());

    let dormant = server
        .get("/api/v1/dormant?years=3&as_of=2020-01-01")
        .await
        .ok_json();
    assert_eq!(dormant["years"], 3);
    assert_eq!(dormant["as_of"], "2020-01-01");
    assert!(dormant["ties"].is_array());

    let figures = server.get("/api/v1/figures?country=CN").await.ok_json();
    assert!(!figures.as_array().expect("a list").is_empty(), "{figures}");
    assert!(
        figures
            .as_array()
            .expect("a list")
            .iter()
            .all(|f| f["country"] == "CN")
    );

    let health = server.get("/api/v1/health").await.ok_json();
    assert_eq!(health["status"], "ok");
    assert!(health["n_records"].as_u64().unwrap_or(0) > 0);
}

#[tokio::test]
async fn search_finds_places_in_any_script_and_the_audit_log_embeds_records() {
    let server = Server::start().await;
    let hits = server
        .get("/api/v1/search?q=%E6%8B%89%E6%A0%BC&limit=5") // 拉格
        .await
        .ok_json();
    assert!(ids(&hits).contains(&"cz-prague".to_owned()), "{hits}");

    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    let audit = server
        .get_as("/api/v1/audit?limit=3", &admin)
        .await
        .ok_json();
    let entries = audit.as_array().expect("a list");
    assert_eq!(entries.len(), 3);
    assert!(entries[0]["after"].is_object(), "{audit}");
    assert!(
        entries[0]["before"].is_null(),
        "created records have no `before`"
    );
    assert!(entries[0]["seq"].as_i64() > entries[1]["seq"].as_i64());
}

#[tokio::test]
async fn exports_have_their_content_types() {
    let server = Server::start().await;
    let ties = server.get("/api/v1/ties").await.ok_json();
    let n_ties = ties["total"].as_u64().expect("a total") as usize;

    let csv = server.get("/api/v1/export/ties.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert_eq!(
        csv.body.lines().count(),
        n_ties + 1,
        "a header and one row per tie"
    );
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains("ties.csv")
    );

    let geojson = server.get("/api/v1/export/ties.geojson").await;
    assert_eq!(geojson.content_type(), "application/geo+json");
    assert_eq!(geojson.ok_json()["type"], "FeatureCollection");

    let graphml = server.get("/api/v1/export/ties.graphml").await;
    assert_eq!(graphml.status, StatusCode::OK);
    assert_eq!(graphml.content_type(), "application/graphml+xml");
    assert!(graphml.body.contains("<graphml"));

    let gexf = server.get("/api/v1/export/ties.gexf").await;
    assert_eq!(gexf.status, StatusCode::OK);
    assert_eq!(gexf.content_type(), "application/gexf+xml");
    assert!(gexf.body.contains("<gexf"));
}

#[tokio::test]
async fn a_write_through_the_store_is_seen_by_the_running_server_and_redirects() {
    let server = Server::start().await;
    let before = server.get("/api/v1/places/cz-brunn").await;
    crate::check_error(&before, StatusCode::NOT_FOUND, "not_found");

    let extra = r#"format = "polis-bundle"
version = 1
name = "merged"

[[place]]
id = "cz-brno"
level = "city"
name = "Brno"
country = "CZ"
former_ids = ["cz-brunn"]
sources = ["deck"]
"#;
    let path = PathBuf::from("merged.toml");
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
                context: "a merged place".into(),
            },
        )
        .await
        .expect("the extra bundle applies");
    // Written behind the server's back, as another process would: the server follows the
    // store's version and swaps in a new snapshot on its own, without a restart or SIGHUP.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let redirected = loop {
        let answer = server.get("/api/v1/places/cz-brunn").await;
        if answer.status == StatusCode::OK {
            break answer.ok_json();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the change was not seen within 5 s: {}",
            answer.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(redirected["place"]["id"], "cz-brno");
    // SIGHUP's reload still works, and changes nothing more.
    server.state.reload().await.expect("the snapshot reloads");
    let again = server.get("/api/v1/places/cz-brunn").await.ok_json();
    assert_eq!(again["place"]["id"], "cz-brno");
}

/// Issue 9: after a real merge through the service layer, the API follows the old id for
/// the place and its ties, and after unmerge the old place answers as itself again.
#[tokio::test]
async fn issue_9_the_api_follows_a_merged_place_and_forgets_it_after_unmerge() {
    let server = Server::start().await;
    let app = server.state.app();
    let duplicate = r#"format = "polis-bundle"
version = 1
name = "duplicate"

[[place]]
id = "cz-praha-duplicate"
level = "city"
name = "Praha (duplicate)"
country = "CZ"
sources = ["deck"]

[[tie]]
id = "cz-praha-duplicate--de-duisburg"
a = "cz-praha-duplicate"
b = "de-duisburg"
kind = "friendship_city"
sources = ["deck"]
"#;
    let path = PathBuf::from("duplicate.toml");
    let bundle = polis_bundle::read_files(&path, &path, vec![(path.clone(), duplicate.into())])
        .expect("the duplicate bundle reads");
    app.apply_bundle(&bundle, &path, false, "test")
        .await
        .expect("the duplicate applies");
    let ties_before = server.get("/api/v1/ties?place=cz-prague").await.ok_json();

    app.merge(
        polis_store::RecordKind::Place,
        "cz-praha-duplicate",
        "cz-prague",
        "test",
    )
    .await
    .expect("the merge applies");
    let merged = server
        .get("/api/v1/places/cz-praha-duplicate")
        .await
        .ok_json();
    assert_eq!(merged["place"]["id"], "cz-prague", "{merged:#}");
    assert!(
        merged["place"]["former_ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == "cz-praha-duplicate")),
        "{merged:#}"
    );
    let via_old = server
        .get("/api/v1/ties?place=cz-praha-duplicate")
        .await
        .ok_json();
    let via_new = server.get("/api/v1/ties?place=cz-prague").await.ok_json();
    assert_eq!(via_old, via_new, "the old id gives the survivor's ties");
    assert_eq!(
        via_new["total"].as_u64().expect("a total"),
        ties_before["total"].as_u64().expect("a total") + 1,
        "the duplicate's tie moved to Prague: {via_new:#}"
    );

    app.unmerge(polis_store::RecordKind::Place, "cz-praha-duplicate", "test")
        .await
        .expect("the unmerge applies");
    let restored = server
        .get("/api/v1/places/cz-praha-duplicate")
        .await
        .ok_json();
    assert_eq!(
        restored["place"]["id"], "cz-praha-duplicate",
        "{restored:#}"
    );
    let after = server.get("/api/v1/ties?place=cz-prague").await.ok_json();
    assert_eq!(after["total"], ties_before["total"]);
}

#[tokio::test]
async fn resolve_ranks_and_explains_gazetteer_candidates() {
    let server = Server::start().await;
    let praha = server.get("/api/v1/resolve?name=Praha").await.ok_json();
    assert_eq!(praha[0]["geonames"], 3067696, "{praha:#}");
    assert_eq!(praha[0]["country"], "CZ");
    assert_eq!(praha[0]["confident"], true);
    assert!(
        praha[0]["lat"]
            .as_f64()
            .is_some_and(|lat| (lat - 50.09).abs() < 0.1)
    );
    assert!(!praha[0]["explanation"].as_str().unwrap().is_empty());

    // Another script, and a qualifier that names the level.
    let han = server
        .get("/api/v1/resolve?name=%E5%B8%83%E6%8B%89%E6%A0%BC") // 布拉格
        .await
        .ok_json();
    assert_eq!(han[0]["geonames"], 3067696, "{han:#}");
    let zhejiang = server
        .get("/api/v1/resolve?name=Zhejiang%20Province&country=China&limit=2")
        .await
        .ok_json();
    assert_eq!(zhejiang[0]["level"], "region", "{zhejiang:#}");
    assert_eq!(zhejiang[0]["subdivision"], "CN-ZJ");
    assert!(zhejiang.as_array().unwrap().len() <= 2);

    // Nothing like it: an empty list, not an error.
    let none = server
        .get("/api/v1/resolve?name=Qxzvwq%20Jjjkkk")
        .await
        .ok_json();
    assert_eq!(none, serde_json::json!([]));

    for (query, word) in [
        ("/api/v1/resolve", "`name` is required"),
        ("/api/v1/resolve?name=%20", "`name` is blank"),
        ("/api/v1/resolve?name=Praha&limit=0", "`limit`"),
        ("/api/v1/resolve?name=Praha&limit=51", "`limit`"),
        ("/api/v1/resolve?name=Praha&cuntry=CZ", "cuntry"),
    ] {
        let answer = server.get(query).await;
        assert_eq!(answer.status, reqwest::StatusCode::BAD_REQUEST, "{query}");
        let body = answer.json();
        assert_eq!(body["error"]["code"], "bad_request", "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(word), "{query}: {message}");
    }
}

#[tokio::test]
async fn the_unresolved_queue_is_served_most_often_named_first() {
    let server = Server::start().await;
    assert_eq!(
        server.get("/api/v1/unresolved").await.ok_json(),
        serde_json::json!([])
    );
    let queued = |line: i64, occurrences: i64, name: &str| polis_store::QueuedName {
        key: format!("{}|france", name.to_lowercase()),
        name: name.to_owned(),
        country: Some("France".into()),
        batch: "wikipedia-list-000000000000".into(),
        line,
        occurrences,
        best_guess: (line == 7).then(|| "Somewhere, FR (0.41)".to_owned()),
    };
    crate::names::queue(
        &server,
        &[
            queued(9, 1, "Plévenon"),
            queued(7, 1, "Murbach"),
            queued(12, 3, "Guidel"),
        ],
    )
    .await;
    let queue = server.get("/api/v1/unresolved?limit=10").await.ok_json();
    let names: Vec<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    // The name named most often first, then by line.
    assert_eq!(names, ["Guidel", "Murbach", "Plévenon"], "{queue:#}");
    assert_eq!(queue[0]["occurrences"], 3);
    assert_eq!(queue[1]["best_guess"], "Somewhere, FR (0.41)");
    assert_eq!(queue[1]["line"], 7);
    let first = server.get("/api/v1/unresolved?limit=1").await.ok_json();
    assert_eq!(first.as_array().unwrap().len(), 1);
}
