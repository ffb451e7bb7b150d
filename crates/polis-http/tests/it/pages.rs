//! The web pages, from the server's side: each page answers HTML with the elements the UI
//! contract names (the frame, the JSON link, each page's sections), unknown pages get the
//! HTML 404 page while unknown API paths keep the JSON error, a former id redirects, the
//! assets are cached for a year and gzipped when accepted, and no page loads anything from
//! another host.

use polis_store::ChangeContext;
use reqwest::StatusCode;
use reqwest::header;

use crate::{Answer, Server};

/// Asserts `answer` is a page (200, HTML) with the shared frame, and returns its body.
fn check_page(answer: &Answer, path: &str) -> String {
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    assert!(
        answer.content_type().starts_with("text/html"),
        "{path}: {}",
        answer.content_type()
    );
    let body = &answer.body;
    for needle in [
        "<main",
        "id=\"search\"",
        "hx-get=\"/search/suggest\"",
        "id=\"suggestions\"",
        "class=\"json-link\"",
        "rel=\"alternate\" type=\"application/json\"",
        "href=\"/dashboard\"",
        "href=\"/explore\"",
        "<h1",
    ] {
        assert!(body.contains(needle), "{path} lacks {needle}");
    }
    no_other_host(path, body);
    body.clone()
}

/// Every `src` and `href` of a page's head and scripts points at this server; links to
/// other sites (sources, Wikidata) are only `<a>`s, which load nothing.
fn no_other_host(path: &str, body: &str) {
    for attribute in ["src=\"", "<link rel=\"stylesheet\" href=\""] {
        for (at, _) in body.match_indices(attribute) {
            let value = &body[at + attribute.len()..];
            assert!(
                value.starts_with('/') && !value.starts_with("//"),
                "{path} loads {} from elsewhere",
                &value[..value.find('"').unwrap_or(value.len())]
            );
        }
    }
}

fn count(body: &str, needle: &str) -> usize {
    body.matches(needle).count()
}

#[tokio::test]
async fn every_page_has_the_frame_and_answers_html() {
    let server = Server::start().await;
    for path in [
        "/",
        "/places/cz-prague",
        "/ties/cn-beijing--cz-prague",
        "/explore",
        "/dashboard",
        "/search?q=Praha",
        "/resolve",
        "/resolve?name=Springfield&country=United+States",
        "/unresolved",
    ] {
        let answer = server.get(path).await;
        check_page(&answer, path);
        let policy = answer
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
    }
}

#[tokio::test]
async fn the_map_page_has_its_slider_panels_and_counts() {
    let server = Server::start().await;
    let body = check_page(&server.get("/").await, "/");
    for needle in [
        "id=\"map-canvas\"",
        "id=\"year-slider\" type=\"range\"",
        "id=\"play\"",
        "id=\"map-counts\"",
        "id=\"place-panel\"",
        "id=\"year-events\"",
        "id=\"map-table\"",
        "href=\"/api/v1/export/ties.csv\"",
        "href=\"/api/v1/export/bundle.toml\"",
    ] {
        assert!(body.contains(needle), "/ lacks {needle}");
    }
    let layer = server.get("/api/v1/map").await.ok_json();
    let this_year = layer["this_year"].as_u64().expect("this year");
    assert!(
        body.contains(&format!(
            "max=\"{this_year}\" step=\"1\" value=\"{this_year}\""
        )),
        "the slider ends and stands at this year"
    );
    assert!(
        body.contains(&format!(
            "min=\"{}\"",
            layer["first_year"].as_u64().expect("a first year")
        )),
        "the slider starts at the first dated year"
    );
}

#[tokio::test]
async fn the_map_lists_prague_beijing_as_active_in_2018_and_terminated_in_2020() {
    let server = Server::start().await;
    let before = server.get("/?place=cz-prague&year=2018").await;
    let before = check_page(&before, "/?place=cz-prague&year=2018");
    assert!(
        before.contains(r#"data-tie="cn-beijing--cz-prague" data-status="active""#),
        "2018: {before}"
    );
    let after = check_page(
        &server.get("/?place=cz-prague&year=2020").await,
        "/?place=cz-prague&year=2020",
    );
    assert!(
        after.contains(r#"data-tie="cn-beijing--cz-prague" data-status="terminated""#),
        "2020"
    );
    assert!(
        after.contains("href=\"/places/cn-beijing\""),
        "the partner links to its dossier"
    );
    let in_2019 = check_page(&server.get("/?year=2019").await, "/?year=2019");
    assert!(
        in_2019.contains(r#"data-tie="cn-beijing--cz-prague" data-event="terminated""#),
        "the termination is among 2019's events"
    );
    let filtered = server
        .get("/?place=cz-prague&year=2020&status=active")
        .await;
    assert!(
        !filtered
            .body
            .contains(r#"data-tie="cn-beijing--cz-prague""#),
        "the status filter leaves out the ended tie"
    );
    let bad = server.get("/?kind=cousins").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("twin_town"),
        "says what is accepted: {}",
        bad.body
    );
}

#[tokio::test]
async fn the_dossier_of_prague_has_every_section() {
    let server = Server::start().await;
    let body = check_page(&server.get("/places/cz-prague").await, "/places/cz-prague");
    for section in [
        "names",
        "ties",
        "memberships",
        "activities",
        "documents",
        "stakeholders",
        "metrics",
        "partners",
        "quality",
    ] {
        assert!(
            body.contains(&format!("<section id=\"{section}\"")),
            "no section#{section}"
        );
    }
    assert!(body.contains("布拉格"), "the names in every script");
    assert!(body.contains(r#"data-tie="cn-beijing--cz-prague""#));
    assert!(body.contains(r#"class="event" data-event="terminated""#));
    assert!(body.contains("href=\"/api/v1/places/cz-prague/dossier\""));
    assert!(count(&body, "class=\"tie\"") >= 2, "one li.tie per tie");
}

#[tokio::test]
async fn the_tie_page_tells_the_termination_with_its_side_reason_and_source() {
    let server = Server::start().await;
    let body = check_page(
        &server.get("/ties/cn-beijing--cz-prague").await,
        "/ties/cn-beijing--cz-prague",
    );
    assert!(body.contains("<ol id=\"events\""));
    let terminated = body
        .find(r#"data-event="terminated""#)
        .expect("a termination event");
    let event = &body[terminated
        ..body[terminated..]
            .find("</li>")
            .map_or(body.len(), |e| terminated + e)];
    assert!(event.contains("class=\"side\""), "{event}");
    assert!(event.contains("Prague"), "Prague's side acted: {event}");
    assert!(event.contains("class=\"reason\""), "{event}");
    assert!(event.contains("class=\"source\""), "{event}");
    assert!(body.contains("<section id=\"evidence\""));
    assert!(body.contains("<section id=\"documents\""));
    let missing = server.get("/ties/no-such--tie").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_explorer_lists_who_connects_city_hall_to_cefc_in_order() {
    let server = Server::start().await;
    let body = check_page(
        &server
            .get("/explore?from=prague-city-hall&to=cefc-china-energy")
            .await,
        "/explore",
    );
    for needle in [
        "id=\"path-form\"",
        "id=\"from\"",
        "id=\"to\"",
        "id=\"find-path\"",
        "id=\"graph\"",
        "id=\"path-result\"",
    ] {
        assert!(body.contains(needle), "lacks {needle}");
    }
    let path = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy")
        .await
        .ok_json();
    let nodes: Vec<String> = path["chains"][0]["nodes"]
        .as_array()
        .expect("a chain")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_owned())
        .collect();
    let list = &body[body.find("id=\"path-result\"").expect("the list")..];
    let mut at = 0;
    for id in &nodes {
        let found = list[at..]
            .find(&format!("data-id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} missing or out of order"));
        at += found;
    }
    let unknown = server
        .get("/explore?from=nobody-at-all&to=cefc-china-energy")
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(
        unknown.body.contains("role=\"alert\""),
        "the error is shown by the form"
    );
}

#[tokio::test]
async fn the_dashboard_draws_its_charts_with_tables_and_links() {
    let server = Server::start().await;
    let body = check_page(&server.get("/dashboard").await, "/dashboard");
    for section in [
        "per-year",
        "top-countries",
        "country-pairs",
        "concentration",
        "figures",
        "quality",
    ] {
        assert!(
            body.contains(&format!("<section id=\"{section}\"")),
            "no section#{section}"
        );
    }
    assert!(count(&body, "<svg") >= 3, "server-side charts");
    assert!(count(&body, "<table") >= 5, "a table beside each chart");
    assert!(body.contains("href=\"/api/v1/changes?from=2019-01-01&amp;to=2019-12-31\""));
    let json = server.get("/api/v1/dashboard").await.ok_json();
    let terminated_2019 = json["per_year"]
        .as_array()
        .expect("per year")
        .iter()
        .find(|y| y["year"] == 2019)
        .expect("2019 has a termination")["terminated"]
        .as_u64()
        .expect("a count");
    assert!(terminated_2019 >= 1);
}

#[tokio::test]
async fn search_finds_prague_in_any_script_and_suggests_as_one_types() {
    let server = Server::start().await;
    for query in ["Praha", "%E5%B8%83%E6%8B%89%E6%A0%BC", "prague"] {
        let body = check_page(&server.get(&format!("/search?q={query}")).await, query);
        let results = &body[body.find("id=\"results\"").expect("ol#results")..];
        assert!(
            results.contains("href=\"/places/cz-prague\""),
            "{query}: {results}"
        );
    }
    let hrib = check_page(&server.get("/search?q=Hrib").await, "Hrib");
    assert!(hrib.contains("data-kind=\"actor\""), "Hřib is an actor");
    let suggestions = server.get("/search/suggest?q=Prah").await;
    assert_eq!(suggestions.status, StatusCode::OK);
    assert!(
        suggestions.body.starts_with("<ul id=\"suggestions\""),
        "{}",
        suggestions.body
    );
    assert!(
        suggestions
            .body
            .contains("<li><a href=\"/places/cz-prague\""),
        "{}",
        suggestions.body
    );
    let empty = server.get("/search/suggest?q=").await;
    assert_eq!(
        empty.body,
        "<ul id=\"suggestions\" aria-live=\"polite\"></ul>"
    );
}

#[tokio::test]
async fn unknown_pages_get_the_404_page_and_unknown_api_paths_the_json_error() {
    let server = Server::start().await;
    for path in ["/no/such/page", "/places/no-such-place-anywhere"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(answer.content_type().starts_with("text/html"), "{path}");
        assert!(answer.body.contains("<h1>"), "{path}");
        assert!(
            answer.body.contains("action=\"/search\""),
            "{path}: a search form"
        );
        assert!(
            !answer.body.contains("panicked") && !answer.body.contains("src/"),
            "{path}"
        );
    }
    let api = server.get("/api/v1/no-such-endpoint").await;
    crate::check_error(&api, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_former_id_redirects_for_good_and_a_name_to_the_id() {
    let server = Server::start().await;
    // Give Prague a former id, as a merge would.
    let snapshot = server.state.app().snapshot().await.expect("a snapshot");
    let mut data = polis_core::Dataset::default();
    let mut prague = snapshot.place_by_id("cz-prague").expect("Prague").clone();
    prague.former_ids.push("cz-praha-old".to_owned());
    data.places.push(prague);
    server
        .state
        .app()
        .store()
        .apply(
            &data,
            &ChangeContext {
                who: "test".into(),
                context: "a former id".into(),
            },
        )
        .await
        .expect("the change applies");
    server.state.reload().await.expect("the snapshot reloads");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let answer = server
        .send(client.get(format!("{}/places/cz-praha-old", server.base)))
        .await;
    assert_eq!(answer.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        answer
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/places/cz-prague")
    );
    let by_name = server
        .send(client.get(format!("{}/places/Praha", server.base)))
        .await;
    assert_eq!(by_name.status, StatusCode::FOUND);
    assert_eq!(
        by_name
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/places/cz-prague")
    );
}

#[tokio::test]
async fn assets_are_cached_for_a_year_and_gzipped_when_accepted() {
    let server = Server::start().await;
    let page = server.get("/").await.body;
    let start = page.find("/assets/polis.").expect("the stylesheet's URL");
    let url = &page[start..start + page[start..].find('"').expect("the URL's end")];
    let plain_client = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("a client");
    let plain = server
        .send(plain_client.get(format!("{}{url}", server.base)))
        .await;
    assert_eq!(plain.status, StatusCode::OK, "{url}");
    assert_eq!(
        plain
            .headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );
    assert!(plain.content_type().starts_with("text/css"));
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.body.contains("@media print"), "the print stylesheet");
    let gzipped = server
        .send(
            plain_client
                .get(format!("{}{url}", server.base))
                .header(header::ACCEPT_ENCODING, "gzip, br"),
        )
        .await;
    assert_eq!(
        gzipped
            .headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let missing = server.get("/assets/polis.0000.css").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// The JSON behind the map is megabytes with the world dataset: a client that accepts gzip
/// gets it gzipped (and the same JSON once inflated); one that does not gets it plain.
#[tokio::test]
async fn api_answers_are_gzipped_for_clients_that_accept_it() {
    use std::io::Read as _;
    let server = Server::start().await;
    let client = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("a client");
    for path in [
        "/api/v1/map",
        "/api/v1/places/cz-prague/dossier",
        "/dashboard",
    ] {
        let url = format!("{}{path}", server.base);
        let plain = client.get(&url).send().await.unwrap();
        assert_eq!(plain.status(), StatusCode::OK, "{path}");
        assert!(
            plain.headers().get(header::CONTENT_ENCODING).is_none(),
            "{path}"
        );
        let plain = plain.bytes().await.unwrap();
        let gzipped = client
            .get(&url)
            .header(header::ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(gzipped.status(), StatusCode::OK, "{path}");
        assert_eq!(
            gzipped
                .headers()
                .get(header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
            Some("gzip"),
            "{path}"
        );
        let compressed = gzipped.bytes().await.unwrap();
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut inflated)
            .expect("valid gzip");
        assert_eq!(inflated, plain, "{path}: the same answer once inflated");
        assert!(
            compressed.len() * 2 < plain.len(),
            "{path}: {} bytes gzipped against {} plain",
            compressed.len(),
            plain.len()
        );
    }
    // An API error is still the JSON error body, gzipped or not.
    let missing = client
        .get(format!("{}/api/v1/places/nowhere", server.base))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let compressed = missing.bytes().await.unwrap();
    let mut inflated = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut inflated)
        .expect("valid gzip");
    assert!(inflated.starts_with("{\"error\":"), "{inflated}");
}

/// Every list of ties offers its exports: the dossier's ties of that place, the map's of its
/// country, the dashboard's of every tie; the files hold exactly that list, and the bundle
/// reads back as a bundle with the same ties.
#[tokio::test]
async fn every_list_of_ties_exports_exactly_its_ties_and_the_bundle_reads_back() {
    let server = Server::start().await;
    let dossier = server.get("/places/cz-prague").await.body;
    for file in [
        "ties.csv",
        "ties.geojson",
        "ties.gexf",
        "ties.graphml",
        "bundle.toml",
    ] {
        assert!(
            dossier.contains(&format!("href=\"/api/v1/export/{file}?place=cz-prague\"")),
            "the dossier links its {file}"
        );
    }
    let map = server.get("/?country=CZ").await.body;
    assert!(map.contains("href=\"/api/v1/export/ties.csv?country=CZ\""));
    let dashboard = server.get("/dashboard").await.body;
    assert!(dashboard.contains("href=\"/api/v1/export/bundle.toml\""));

    let prague_ties = server
        .get("/api/v1/ties?place=cz-prague&limit=1000")
        .await
        .ok_json();
    let n_prague = prague_ties["total"].as_u64().unwrap() as usize;
    assert!(n_prague >= 3, "{prague_ties}");

    let csv = server.get("/api/v1/export/ties.csv?place=cz-prague").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.content_type().starts_with("text/csv"));
    let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("cz-prague-ties.csv"), "{disposition}");
    let rows: Vec<&str> = csv.body.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), n_prague, "{}", csv.body);
    assert!(
        rows.iter().all(|row| row.contains("cz-prague")),
        "{}",
        csv.body
    );

    let geojson = server.get("/api/v1/export/ties.geojson?place=Praha").await;
    assert_eq!(
        geojson.status,
        StatusCode::OK,
        "a name works as well as an id"
    );

    let dir = tempfile::tempdir().unwrap();
    for (query, expected) in [("?place=cz-prague", Some(n_prague)), ("", None)] {
        let bundle = server
            .get(&format!("/api/v1/export/bundle.toml{query}"))
            .await;
        assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.body);
        let path = dir.path().join(format!("export{}.toml", query.len()));
        std::fs::write(&path, &bundle.body).unwrap();
        let read = polis_bundle::read(&path).expect("the export is a bundle");
        match expected {
            Some(n) => {
                assert_eq!(read.data.ties.len(), n);
                assert!(
                    read.data
                        .ties
                        .iter()
                        .all(|t| t.a == "cz-prague" || t.b == "cz-prague")
                );
                // The places the ties join are there, with the places they lie in.
                for tie in &read.data.ties {
                    for end in [&tie.a, &tie.b] {
                        assert!(read.data.places.iter().any(|p| &p.id == end), "{end}");
                    }
                }
            }
            None => {
                let all = server.get("/api/v1/dashboard").await.ok_json();
                assert_eq!(read.data.ties.len() as u64, all["n_ties"].as_u64().unwrap());
            }
        }
    }
    let nowhere = server.get("/api/v1/export/ties.csv?place=nowhere").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    let both = server
        .get("/api/v1/export/ties.csv?place=cz-prague&country=CZ")
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST, "{}", both.body);
    // The country's list holds exactly the ties with an end in it.
    let cz = server.get("/api/v1/export/ties.csv?country=CZ").await;
    let n_cz = server.get("/api/v1/ties?country=CZ").await.ok_json()["total"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(
        cz.body.lines().skip(1).filter(|l| !l.is_empty()).count(),
        n_cz
    );
}

/// The pages' former export URLs lead to the API's, with their query; a name that is no
/// export says which are.
#[tokio::test]
async fn the_former_export_urls_redirect_to_the_api() {
    let server = Server::start().await;
    let staying = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get_raw = |path: &str| server.send(staying.get(format!("{}{path}", server.base)));
    let old = get_raw("/export/ties.csv?place=cz-prague").await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        old.headers[header::LOCATION],
        "/api/v1/export/ties.csv?place=cz-prague"
    );
    let bare = get_raw("/export/bundle.toml").await;
    assert_eq!(bare.headers[header::LOCATION], "/api/v1/export/bundle.toml");
    // Followed, the redirect gives the file.
    let followed = server.get("/export/ties.csv?place=cz-prague").await;
    assert_eq!(followed.status, StatusCode::OK);
    assert!(followed.content_type().starts_with("text/csv"));
    let unknown = server.get("/export/ties.xlsx").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("bundle.toml"), "{}", unknown.body);
}

/// The search page's hits and each table of the dashboard are files too, linked beside
/// them, holding the rows the page shows.
#[tokio::test]
async fn the_search_hits_and_the_dashboard_tables_export_as_csv() {
    let server = Server::start().await;
    let page = server.get("/search?q=Praha").await.body;
    assert!(
        page.contains("href=\"/api/v1/export/search.csv?q=Praha&amp;limit=50\""),
        "{page}"
    );
    assert!(page.contains("href=\"/api/v1/search?q=Praha&amp;limit=50\""));
    let hits = server
        .get("/api/v1/search?q=Praha&limit=50")
        .await
        .ok_json();
    let csv = server
        .get("/api/v1/export/search.csv?q=Praha&limit=50")
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.content_type().starts_with("text/csv"));
    let rows: Vec<&str> = csv.body.lines().collect();
    assert_eq!(rows[0], "kind,id,label");
    assert_eq!(rows.len() - 1, hits.as_array().unwrap().len());
    assert!(
        rows.iter().any(|r| r.starts_with("place,cz-prague,")),
        "{}",
        csv.body
    );

    let dashboard = server.get("/dashboard").await.body;
    let json = server.get("/api/v1/dashboard").await.ok_json();
    for (table, key) in [
        ("per-year", "per_year"),
        ("countries", "top_countries"),
        ("country-pairs", "country_pairs"),
        ("concentration", "concentration"),
        ("figures", "figures"),
    ] {
        let href = format!("/api/v1/export/dashboard/{table}.csv");
        assert!(dashboard.contains(&format!("href=\"{href}\"")), "{table}");
        let file = server.get(&href).await;
        assert_eq!(file.status, StatusCode::OK, "{table}: {}", file.body);
        assert_eq!(
            file.body.lines().count() - 1,
            json[key].as_array().unwrap().len(),
            "{table}: one row per row of the dashboard"
        );
    }
    let quality = server.get("/api/v1/export/dashboard/quality.csv").await;
    assert_eq!(
        quality.body.lines().count() - 1,
        json["quality"]["checks"].as_array().unwrap().len()
    );
    let first_country = &json["top_countries"][0];
    let countries = server.get("/api/v1/export/dashboard/countries.csv").await;
    assert_eq!(
        countries.body.lines().nth(1).unwrap(),
        format!(
            "{},{}",
            first_country["country"].as_str().unwrap(),
            first_country["n_ties"]
        )
    );
    let unknown = server.get("/api/v1/export/dashboard/nothing.csv").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// The dossier loads its network metrics once it shows: the place's betweenness rank is
/// its position in the API's network metrics sorted by betweenness.
#[tokio::test]
async fn the_dossier_shows_the_betweenness_rank_and_community_of_the_metrics() {
    let server = Server::start().await;
    let dossier = server.get("/places/cz-prague").await.body;
    assert!(dossier.contains("hx-get=\"/places/cz-prague/metrics\""));
    let fragment = server.get("/places/cz-prague/metrics").await;
    assert_eq!(fragment.status, StatusCode::OK, "{}", fragment.body);
    let metrics = server
        .get("/api/v1/graph/metrics?top=1000&sort=betweenness")
        .await
        .ok_json();
    let places = metrics["places"].as_array().unwrap();
    let position = places
        .iter()
        .position(|p| p["id"] == "cz-prague")
        .expect("Prague has a tie in force");
    let expected = format!("{} of {} places", position + 1, places.len());
    assert!(
        fragment.body.contains(&expected),
        "the rank should read '{expected}': {}",
        fragment.body
    );
    let community = places[position]["community"].as_u64().unwrap();
    assert!(
        fragment.body.contains(&format!("no. {community},")),
        "{}",
        fragment.body
    );
}

/// The explorer's depth control: the network is drawn from the neighbourhood the chosen
/// depth asks for, which is smaller at one link than at three; a depth out of range says
/// what is accepted.
#[tokio::test]
async fn the_explorer_draws_the_neighbourhood_at_the_depth_chosen() {
    let server = Server::start().await;
    let page = server.get("/explore?of=cz-prague&depth=1").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "data-neighbourhood=\"/api/v1/graph/neighbourhood?of=cz-prague&amp;depth=1\""
        ),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<option value=\"1\" selected>1</option>")
    );
    let near = server
        .get("/api/v1/graph/neighbourhood?of=cz-prague&depth=1")
        .await
        .ok_json();
    let far = server
        .get("/api/v1/graph/neighbourhood?of=cz-prague&depth=3")
        .await
        .ok_json();
    assert!(
        near["nodes"].as_array().unwrap().len() < far["nodes"].as_array().unwrap().len(),
        "one link away reaches fewer records than three"
    );
    let default = server.get("/explore?of=cz-prague").await.body;
    assert!(default.contains("data-neighbourhood=\"/api/v1/graph/neighbourhood?of=cz-prague\""));
    let refused = server.get("/explore?of=cz-prague&depth=9").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("from 1 to 4"), "{}", refused.body);
}

#[tokio::test]
async fn a_provisional_place_says_so_on_its_dossier_and_how_to_decide_it() {
    let server = Server::start().await;
    // A place as an import keeps a name it could not resolve: spelling and country only.
    add_bare_place(&server, "cz-zzyqton-provisional", "Zzyqton", |place| {
        place.provisional = true;
    })
    .await;
    let path = "/places/cz-zzyqton-provisional";
    let body = check_page(&server.get(path).await, path);
    assert!(body.contains("Provisional place."), "{body}");
    assert!(
        body.contains("href=\"/resolve?name=Zzyqton&amp;country=CZ\""),
        "a reviewer decides it among the name's candidates: {body}"
    );
    assert!(
        body.contains("polis resolve &#39;Zzyqton&#39; --country CZ --confirm-geonames ID")
            || body.contains("polis resolve 'Zzyqton' --country CZ --confirm-geonames ID"),
        "{body}"
    );
    // A resolved place has no such note.
    let prague = check_page(&server.get("/places/cz-prague").await, "/places/cz-prague");
    assert!(!prague.contains("Provisional place."));
}

/// A provisional place with coordinates and a tie is drawn hollow on the map: the layer
/// marks it, the page counts it and its legend explains it; a resolved place is not marked.
#[tokio::test]
async fn the_map_marks_provisional_places_and_counts_them() {
    let server = Server::start().await;
    let before = server.get("/").await.body;
    assert!(before.contains("data-count=\"provisional\">0<"), "{before}");
    let snapshot = server.state.app().snapshot().await.expect("a snapshot");
    let mut place = snapshot.place_by_id("cz-prague").expect("Prague").clone();
    place.id = "cz-zzyqton-provisional".to_owned();
    place.name = "Zzyqton".to_owned();
    place.names.clear();
    place.wikidata = None;
    place.geonames = None;
    place.iso_code = None;
    place.parent = None;
    place.former_ids.clear();
    place.provisional = true;
    let mut tie = snapshot.data().ties[0].clone();
    tie.events.clear();
    tie.evidence.clear();
    tie.documents.clear();
    // Both ends in canonical order: a partner with coordinates whose id sorts first.
    tie.a = snapshot
        .data()
        .places
        .iter()
        .find(|p| !p.provisional && p.shown_coordinates().is_some() && p.id < place.id)
        .expect("a place with coordinates")
        .id
        .clone();
    tie.b = place.id.clone();
    tie.id = format!("{}--{}", tie.a, tie.b);
    let data = polis_core::Dataset {
        places: vec![place],
        ties: vec![tie],
        ..polis_core::Dataset::default()
    };
    server
        .state
        .app()
        .store()
        .apply(
            &data,
            &ChangeContext {
                who: "test".into(),
                context: "a provisional place with a tie".into(),
            },
        )
        .await
        .expect("the change applies");
    server.state.reload().await.expect("the snapshot reloads");
    let layer = server.get("/api/v1/map").await.ok_json();
    assert_eq!(
        layer["n_provisional_places"], 1,
        "{}",
        layer["n_provisional_places"]
    );
    let places = layer["places"].as_array().unwrap();
    let marked: Vec<&str> = places
        .iter()
        .filter(|p| p["provisional"] == true)
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["cz-zzyqton-provisional"]);
    let page = server.get("/").await.body;
    assert!(page.contains("data-count=\"provisional\">1<"), "{page}");
    assert!(
        page.contains("swatch place-provisional"),
        "the legend explains the ring"
    );
}

/// The explorer takes a window of time as well as a date: the neighbourhood and the chains
/// keep only the links in force within it; a date and a window together are refused beside
/// the form.
#[tokio::test]
async fn the_explorer_keeps_the_links_in_force_within_a_window() {
    let server = Server::start().await;
    let page = server.get("/explore?of=cz-prague&during=2016..2018").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "data-neighbourhood=\"/api/v1/graph/neighbourhood?of=cz-prague&amp;during=2016..2018\""
        ),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"during\""));
    let count = |json: &serde_json::Value| json["links"].as_array().unwrap().len();
    let all = server
        .get("/api/v1/graph/neighbourhood?of=cz-prague")
        .await
        .ok_json();
    let window = server
        .get("/api/v1/graph/neighbourhood?of=cz-prague&during=2016..2018")
        .await
        .ok_json();
    let later = server
        .get("/api/v1/graph/neighbourhood?of=cz-prague&during=2021..2022")
        .await
        .ok_json();
    assert!(count(&window) <= count(&all));
    // Prague–Beijing was in force in 2016–2018 and had ended by 2021.
    let has_beijing = |json: &serde_json::Value| {
        json["links"].as_array().unwrap().iter().any(|l| {
            l["label"].as_str().unwrap_or("").starts_with("tie:")
                && [&l["from"], &l["to"]]
                    .iter()
                    .any(|e| e.as_str() == Some("cn-beijing"))
        })
    };
    assert!(has_beijing(&all));
    assert!(has_beijing(&window), "{window}");
    assert!(!has_beijing(&later), "{later}");
    // Every link of the window's neighbourhood may have been in force within it.
    for link in window["links"].as_array().unwrap() {
        if let Some(start) = link["start"].as_str() {
            assert!(&start[..4] <= "2018", "{link}");
        }
        if let Some(end) = link["end"].as_str() {
            assert!(&end[..4] >= "2016", "{link}");
        }
    }
    let both = server
        .get("/api/v1/graph/neighbourhood?of=cz-prague&as_of=2017&during=2016..2018")
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    let refused = server
        .get("/explore?of=cz-prague&as_of=2017&during=2016..2018")
        .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(
        refused.body.contains("exclude each other"),
        "{}",
        refused.body
    );
    let path = server
        .get("/explore?from=prague-city-hall&to=cefc-china-energy&during=2015..2018")
        .await;
    assert_eq!(path.status, StatusCode::OK, "{}", path.body);
    assert!(
        path.body.contains("during=2015..2018"),
        "the path's JSON link keeps the window"
    );
}

/// Issue 10 §3: a metropolitan government's dossier names its seat, links it, and says the
/// map draws it there when no source locates it; the map layer draws it at the seat.
#[tokio::test]
async fn a_metropolitan_government_shows_its_seat_and_is_drawn_there() {
    let server = Server::start().await;
    add_bare_place(
        &server,
        "cz-metropolitni-oblast-praha",
        "Metropolitní oblast Praha",
        |place| {
            place.level = polis_core::PlaceLevel::Metropolitan;
            place.seat = Some("cz-prague".to_owned());
        },
    )
    .await;
    let path = "/places/cz-metropolitni-oblast-praha";
    let body = check_page(&server.get(path).await, path);
    assert!(body.contains("Seat (core city)"), "{body}");
    assert!(body.contains("href=\"/places/cz-prague\""), "{body}");
    assert!(body.contains("drawn there on the map"), "{body}");
    let snapshot = server.state.app().snapshot().await.expect("a snapshot");
    let layer = snapshot.map_layer();
    let drawn = layer
        .places
        .iter()
        .find(|p| p.id == "cz-metropolitni-oblast-praha")
        .expect("drawn at its seat");
    let prague = layer
        .places
        .iter()
        .find(|p| p.id == "cz-prague")
        .expect("Prague");
    assert_eq!((drawn.lat, drawn.lon), (prague.lat, prague.lon));
}

/// Stores a place with only Prague's country and sources, an id and a name, changed by
/// `shape`, and reloads the snapshot: what an import makes of a name alone.
pub(crate) async fn add_bare_place(
    server: &Server,
    id: &str,
    name: &str,
    shape: impl FnOnce(&mut polis_core::Place),
) {
    let snapshot = server.state.app().snapshot().await.expect("a snapshot");
    let mut place = snapshot.place_by_id("cz-prague").expect("Prague").clone();
    place.id = id.to_owned();
    place.name = name.to_owned();
    place.names.clear();
    place.coordinates.clear();
    place.population.clear();
    place.wikidata = None;
    place.geonames = None;
    place.iso_code = None;
    place.parent = None;
    place.former_ids.clear();
    shape(&mut place);
    let data = polis_core::Dataset {
        places: vec![place],
        ..polis_core::Dataset::default()
    };
    server
        .state
        .app()
        .store()
        .apply(
            &data,
            &ChangeContext {
                who: "test".into(),
                context: format!("a place made of a name alone: {name}"),
            },
        )
        .await
        .expect("the change applies");
    server.state.reload().await.expect("the snapshot reloads");
}
