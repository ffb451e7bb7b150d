//! The seed deck's questions, answered from the built-in reference dataset (issue 5). Each
//! test runs the real binary on a fresh database created by `polis init`.

use crate::Polis;

fn reference() -> Polis {
    let polis = Polis::new();
    polis.ok(&["init"]);
    polis
}

#[test]
fn prague_beijing_timeline_and_why_it_ended() {
    let polis = reference();
    let ties = polis.ok(&["ties", "--place", "cz-prague", "--json"]).json();
    let tie = ties["ties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "cn-beijing--cz-prague")
        .expect("the Prague-Beijing tie");
    assert_eq!(tie["status"]["status"], "terminated");
    assert_eq!(tie["signed"], "2016");
    assert!(tie["terminated"].as_str().unwrap().starts_with("2019-10"));
    let clauses = polis
        .ok(&["clauses", "--tag", "one_china_clause", "--json"])
        .json();
    let ended: Vec<&serde_json::Value> = clauses
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|hit| hit["ties"].as_array().unwrap())
        .filter(|t| t["ended_over_clause"] == true)
        .collect();
    assert!(
        ended
            .iter()
            .any(|t| t["id"] == "cn-beijing--cz-prague" && t["terminated_by"] == "cz-prague"),
        "{clauses:#}"
    );
}

#[test]
fn who_connects_prague_city_hall_to_cefc() {
    let polis = reference();
    let path = |extra: &[&str]| {
        let mut args = vec![
            "graph",
            "path",
            "prague-city-hall",
            "cefc-china-energy",
            "--json",
        ];
        args.extend_from_slice(extra);
        polis.ok(&args).json()
    };
    let ids = |chain: &serde_json::Value| -> Vec<String> {
        chain["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Following everything, the chains held together at one time, and say when.
    let all = path(&[]);
    let chains = all["chains"].as_array().unwrap();
    assert!(
        !chains.is_empty(),
        "no chain from the city hall to CEFC: {all}"
    );
    for chain in chains {
        let nodes = ids(chain);
        assert_eq!(nodes.first().map(String::as_str), Some("prague-city-hall"));
        assert_eq!(nodes.last().map(String::as_str), Some("cefc-china-energy"));
        assert!(chain["held"]["from"].is_string(), "{chain}");
        for link in chain["links"].as_array().unwrap() {
            assert!(!link["sources"].as_array().unwrap().is_empty(), "{link}");
        }
    }
    // issue 10: through relations alone, every shortest chain passes from Babiš to Sobotka
    // through the office one took over from the other; they never held it together.
    let relations = path(&["--through", "relations"]);
    assert_eq!(relations["chains"], serde_json::json!([]), "{relations}");
    let ignoring = path(&["--through", "relations", "--ignore-time"]);
    let misleading = ignoring["chains"].as_array().unwrap();
    assert!(!misleading.is_empty(), "{ignoring}");
    for chain in misleading {
        let nodes = ids(chain);
        assert!(
            nodes.iter().any(|n| n == "andrej-babis")
                && nodes.iter().any(|n| n == "bohuslav-sobotka"),
            "{nodes:?}"
        );
        assert!(chain.get("held").is_none(), "{chain}");
    }
}

#[test]
fn china_computed_beside_cpaffc_reported() {
    let polis = reference();
    let figures = polis.ok(&["figures", "--country", "CN", "--json"]).json();
    let pairs = figures
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["metric"] == "ties" && f["as_of"] == "2019-12-31")
        .expect("CPAFFC's 2,669 pairs");
    assert_eq!(pairs["reported"], 2669.0);
    let computed = pairs["computed"].as_f64().unwrap();
    assert!((1.0..2669.0).contains(&computed));
    let coverage = pairs["coverage_percent"].as_f64().unwrap();
    assert!(
        (coverage - (computed / 2669.0 * 100.0)).abs() < 0.1,
        "{pairs}"
    );
}

#[test]
fn the_network_in_mid_2019_and_mid_2020() {
    let polis = reference();
    let changes = polis
        .ok(&["changes", "2019-06-30", "2020-06-30", "--json"])
        .json();
    let ids: Vec<&str> = changes["ties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for expected in [
        "cn-beijing--cz-prague",
        "cn-shanghai--cz-prague",
        "cz-prague--tw-taipei",
    ] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:?}");
    }
    let before = polis
        .ok(&["stats", "--as-of", "2019-06-30", "--json"])
        .json();
    let after = polis
        .ok(&["stats", "--as-of", "2020-06-30", "--json"])
        .json();
    assert!(before["n_ties"].as_u64().unwrap() > 0 && after["n_ties"].as_u64().unwrap() > 0);
    assert!(
        after["by_status"]["terminated"].as_u64().unwrap()
            > before["by_status"]["terminated"].as_u64().unwrap_or(0)
    );
}

#[test]
fn medical_supplies_of_2020_by_item() {
    let polis = reference();
    let totals = polis
        .ok(&["activities", "totals", "--kind", "aid", "--json"])
        .json();
    let total = |item: &str| {
        totals
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["item"] == item)
            .unwrap_or_else(|| panic!("no {item}: {totals:#}"))["total"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(total("masks"), 151.5e9);
    assert_eq!(total("protective suits"), 1.4e9);
    assert_eq!(total("goggles"), 230e6);
    assert_eq!(total("ventilators"), 209_000.0);
    assert_eq!(total("test kits"), 470e6);
    assert_eq!(total("infrared thermometers"), 80.14e6);
}

#[test]
fn amsterdam_and_its_partners() {
    let polis = reference();
    let shown = polis.ok(&["place", "show", "Amsterdam", "--json"]).json();
    let partners: Vec<&str> = shown["ties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(
        partners.contains(&"cn-shenzhen--nl-amsterdam"),
        "{partners:?}"
    );
}

#[test]
fn earliest_ties_with_partial_dates() {
    let polis = reference();
    let ties = polis.ok(&["ties", "--as-of", "0900", "--json"]).json();
    let active: Vec<&str> = ties["ties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"]["status"] == "active")
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(active, ["de-paderborn--fr-le-mans"]);
    let kobe = polis
        .ok(&["ties", "--place", "Kobe", "--as-of", "1973-06-24", "--json"])
        .json();
    assert_eq!(kobe["ties"][0]["status"]["status"], "active");
    let kobe = polis
        .ok(&["ties", "--place", "Kobe", "--as-of", "1973-06-23", "--json"])
        .json();
    assert_eq!(kobe["ties"][0]["status"]["status"], "not_yet");
}

#[test]
fn the_reference_dataset_passes_the_quality_check() {
    let polis = reference();
    let report = polis.ok(&["quality", "--json"]).json();
    assert_eq!(report["n_errors"], 0, "{report:#}");
}

#[test]
fn search_finds_people_in_any_spelling() {
    let polis = reference();
    let hits = polis.ok(&["search", "Hrib", "--json"]).json();
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == "zdenek-hrib"),
        "{hits:#}"
    );
    let hits = polis.ok(&["search", "krnacova", "--json"]).json();
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == "adriana-krnacova"),
        "{hits:#}"
    );
}

#[test]
fn amsterdam_candidates_for_a_low_carbon_agenda_come_with_reasons() {
    let polis = reference();
    let found = polis
        .ok(&["recommend", "Amsterdam", "--theme", "climate", "--json"])
        .json();
    let candidates = found["candidates"].as_array().unwrap();
    assert!(!candidates.is_empty(), "{found:#}");
    for candidate in candidates {
        assert!(
            !candidate["reasons"].as_array().unwrap().is_empty(),
            "{candidate}"
        );
        assert_ne!(candidate["country"], "NL", "partners are sought abroad");
        assert_ne!(
            candidate["id"], "cn-shenzhen",
            "an existing partner is not a candidate"
        );
    }
    let scores: Vec<f64> = candidates
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
}

#[test]
fn graph_metrics_of_the_reference_network() {
    let polis = reference();
    let metrics = polis
        .ok(&["graph", "metrics", "--json", "--top", "100"])
        .json();
    let places = metrics["places"].as_array().unwrap();
    assert_eq!(places.len() as u64, metrics["n_places"].as_u64().unwrap());
    let prague = places
        .iter()
        .find(|p| p["id"] == "cz-prague")
        .expect("Prague is in the network");
    assert!(prague["degree"].as_u64().unwrap() >= 1);
    let total: f64 = places.iter().map(|p| p["pagerank"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "PageRank sums to 1: {total}");
    // The same seed gives the same communities.
    let again = polis
        .ok(&["graph", "metrics", "--json", "--top", "100"])
        .json();
    assert_eq!(metrics["communities"], again["communities"]);
    // Between two places, a path follows ties.
    let path = polis
        .ok(&["graph", "path", "Prague", "Taipei", "--json"])
        .json();
    assert_eq!(path["chains"][0]["links"][0]["label"], "tie:sister_city");
}

#[test]
fn stats_for_a_region_and_a_partner_country() {
    let polis = reference();
    // Hebei with everything inside it: its tie with Zuid-Holland.
    let hebei = polis.ok(&["stats", "--place", "Hebei", "--json"]).json();
    assert_eq!(hebei["place"], "cn-hebei");
    assert!(hebei["n_ties"].as_u64().unwrap() >= 1, "{hebei:#}");
    assert_eq!(hebei["partner_places_by_level"]["region"], 1, "{hebei:#}");
    // China's ties with Czech partners: Prague's two, both terminated by now.
    let cz = polis
        .ok(&[
            "stats",
            "--country",
            "CN",
            "--partner-country",
            "CZ",
            "--json",
        ])
        .json();
    assert_eq!(cz["n_ties"], 0, "{cz:#}");
    assert_eq!(cz["by_status"]["terminated"], 2, "{cz:#}");
    let cz_2019 = polis
        .ok(&[
            "stats",
            "--country",
            "CN",
            "--partner-country",
            "CZ",
            "--as-of",
            "2019-06-30",
            "--json",
        ])
        .json();
    assert_eq!(cz_2019["n_ties"], 2, "{cz_2019:#}");
    assert_eq!(cz_2019["n_partner_places"], 1);
    let run = polis.run(&["stats", "--place", "Hebei", "--country", "CN"]);
    assert!(
        !run.ok && run.stderr.contains("cannot be used with"),
        "{}",
        run.stderr
    );
}

/// Issue 10 §5: Gothenburg's international-relations office says the tie with Shanghai was
/// not cancelled in April 2020; news reports say it was. polis keeps both accounts and
/// derives `disputed` where they differ, never picking one.
#[test]
fn issue_10_gothenburg_shanghai_termination_is_disputed() {
    let polis = reference();
    let tie_on = |as_of: Option<&str>| {
        let mut args = vec!["ties", "--place", "Gothenburg", "--json"];
        if let Some(date) = as_of {
            args.extend(["--as-of", date]);
        }
        let ties = polis.ok(&args).json();
        ties["ties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "cn-shanghai--se-gothenburg")
            .cloned()
            .unwrap_or_else(|| panic!("no Gothenburg-Shanghai tie: {ties:#}"))
    };
    // Before the disputed termination both accounts say active, with the renewals of 2013
    // and May 2017 recorded.
    let before = tie_on(Some("2019-06-30"));
    assert_eq!(before["status"]["status"], "active", "{before:#}");
    assert!(before["status"].get("claims").is_none(), "{before:#}");

    for as_of in [None, Some("2021-01-01")] {
        let tie = tie_on(as_of);
        let status = &tie["status"];
        assert_eq!(status["status"], "disputed", "{as_of:?}: {tie:#}");
        assert_eq!(
            status["possible"],
            serde_json::json!(["active", "terminated"])
        );
        let claims = status["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "{status:#}");
        assert_eq!(claims[0]["status"], "terminated");
        assert!(claims[0].get("says").is_none());
        assert!(
            claims[0]["sources"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("chinascope-2020"))
        );
        assert_eq!(claims[1]["status"], "active");
        assert_eq!(
            claims[1]["sources"],
            serde_json::json!(["gothenburg-international-relations-2020-04"])
        );
        assert!(
            claims[1]["says"]
                .as_str()
                .unwrap()
                .contains("three-year memorandum")
        );
    }

    // The text output names both accounts and their sources.
    let text = polis.ok(&["ties", "--place", "Gothenburg"]).stdout;
    assert!(text.contains("sources disagree"), "{text}");
    assert!(
        text.contains("active, according to gothenburg-international-relations-2020-04"),
        "{text}"
    );
    assert!(text.contains("terminated, as recorded"), "{text}");

    // Counts keep the disputed tie apart: not in force, not terminated.
    let stats = polis.ok(&["stats", "--country", "SE", "--json"]).json();
    assert_eq!(stats["by_status"]["disputed"], 1, "{stats:#}");
}

/// Issue 10 §5: the deck's periods are recorded with years before year 1, which sort before
/// every later date and survive an export.
#[test]
fn issue_10_periods_before_year_one() {
    let polis = reference();
    let dir = polis.path("exported");
    polis.ok(&["export", "bundle", dir.to_str().unwrap()]);
    let activities = std::fs::read_to_string(dir.join("activities.toml")).unwrap();
    for expected in [
        "id = \"greek-polis-period\"",
        "start = \"800 BC\"",
        "end = \"146 BC\"",
        "start = \"770 BC\"",
        "end = \"403 BC\"",
    ] {
        assert!(activities.contains(expected), "{expected} in {activities}");
    }
}
