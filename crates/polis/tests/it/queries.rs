//! Read commands: places by any name, ties on a date across partial dates, statistics, and
//! the JSON shapes documented in docs/cli.md (snapshots).

use crate::{Polis, example_bundle, write_bundle};

fn example() -> Polis {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    polis.ok(&["import", "bundle", &example_bundle()]);
    polis
}

fn status_on(polis: &Polis, tie: &str, date: &str) -> String {
    let ties = polis.ok(&["ties", "--as-of", date, "--json"]).json();
    let row = ties["ties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == tie)
        .unwrap_or_else(|| panic!("no tie {tie}"));
    row["status"]["status"].as_str().unwrap().to_owned()
}

#[test]
fn a_tie_signed_in_a_year_is_unknown_inside_that_year() {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    let records = "[[source]]\nid = \"s\"\ntitle = \"A source\"\n\n[[place]]\nid = \"xa-one\"\nlevel = \"city\"\nname = \"One\"\nsources = [\"s\"]\n\n[[place]]\nid = \"xb-two\"\nlevel = \"city\"\nname = \"Two\"\nsources = [\"s\"]\n\n[[tie]]\nid = \"xa-one--xb-two\"\na = \"xa-one\"\nb = \"xb-two\"\nkind = \"sister_city\"\nsources = [\"s\"]\n\n[[tie.events]]\nkind = \"signed\"\ndate = \"1973\"\nsources = [\"s\"]\n";
    let path = write_bundle(&polis, "year.toml", records);
    polis.ok(&["import", "bundle", &path]);
    assert_eq!(status_on(&polis, "xa-one--xb-two", "1973-12-31"), "active");
    assert_eq!(status_on(&polis, "xa-one--xb-two", "1973-03-01"), "unknown");
    assert_eq!(status_on(&polis, "xa-one--xb-two", "1972-12-31"), "not_yet");
    assert_eq!(status_on(&polis, "xa-one--xb-two", "1974"), "active");
    let ties = polis
        .ok(&["ties", "--as-of", "1973-03-01", "--json"])
        .json();
    assert_eq!(
        ties["ties"][0]["status"]["possible"],
        serde_json::json!(["not_yet", "active"])
    );
}

#[test]
fn prague_beijing_across_its_termination() {
    let polis = example();
    assert_eq!(
        status_on(&polis, "cn-beijing--cz-prague", "2019-06-30"),
        "active"
    );
    assert_eq!(
        status_on(&polis, "cn-beijing--cz-prague", "2019-10-15"),
        "unknown"
    );
    assert_eq!(
        status_on(&polis, "cn-beijing--cz-prague", "2020-06-30"),
        "terminated"
    );
    assert_eq!(
        status_on(&polis, "cz-prague--tw-taipei", "2020-01-12"),
        "not_yet"
    );
    assert_eq!(
        status_on(&polis, "cz-prague--tw-taipei", "2020-01-13"),
        "active"
    );
}

#[test]
fn a_place_is_found_by_any_of_its_names() {
    let polis = example();
    for name in ["cz-prague", "Prague", "praha", "PRAHA", "布拉格", "Prag"] {
        let shown = polis.ok(&["place", "show", name, "--json"]).json();
        assert_eq!(shown["place"]["id"], "cz-prague", "for {name}");
    }
    let run = polis.run(&["place", "show", "Atlantis"]);
    assert!(
        !run.ok
            && run
                .stderr
                .contains("no place has the id or name 'Atlantis'"),
        "{}",
        run.stderr
    );
}

#[test]
fn search_ignores_diacritics_and_scripts() {
    let polis = example();
    let hits = polis.ok(&["search", "拉格", "--json"]).json();
    assert_eq!(hits[0]["id"], "cz-prague");
    let hits = polis.ok(&["search", "北京", "--json"]).json();
    assert_eq!(hits[0]["id"], "cn-beijing");
    let hits = polis.ok(&["search", "zuid", "--json"]).json();
    assert_eq!(hits[0]["id"], "nl-zuid-holland");
    let hits = polis.ok(&["search", "\"*(", "--json"]).json();
    assert!(hits.as_array().unwrap().is_empty());
}

#[test]
fn stats_count_partners_by_level_and_country() {
    let polis = example();
    let stats = polis.ok(&["stats", "--country", "CN", "--json"]).json();
    insta::assert_json_snapshot!("stats_cn_now", stats);
    let stats = polis
        .ok(&[
            "stats",
            "--country",
            "cn",
            "--as-of",
            "2019-06-30",
            "--json",
        ])
        .json();
    insta::assert_json_snapshot!("stats_cn_2019", stats);
}

#[test]
fn json_shapes() {
    let polis = example();
    insta::assert_json_snapshot!(
        "ties_prague",
        polis.ok(&["ties", "--place", "Prague", "--json"]).json()
    );
    insta::assert_json_snapshot!(
        "place_show_beijing",
        polis
            .ok(&[
                "place",
                "show",
                "Beijing",
                "--as-of",
                "2019-06-30",
                "--json"
            ])
            .json()
    );
    insta::assert_json_snapshot!("stats_all", polis.ok(&["stats", "--json"]).json());
}

#[test]
fn exports_carry_every_tie_and_its_time_interval() {
    let polis = example();
    let path = |name: &str| polis.path(name).to_str().unwrap().to_owned();
    polis.ok(&["export", "csv", &path("ties.csv")]);
    polis.ok(&["export", "geojson", &path("ties.geojson")]);
    polis.ok(&["export", "graphml", &path("ties.graphml")]);
    polis.ok(&["export", "gexf", &path("ties.gexf")]);
    let read = |name: &str| std::fs::read_to_string(polis.path(name)).unwrap();

    let csv = read("ties.csv");
    assert_eq!(csv.lines().count(), 1 + 7);
    assert!(csv.lines().any(|l| l.starts_with("cn-beijing--cz-prague,cn-beijing,Beijing,CN,cz-prague,Prague,CZ,sister_city,2016,2019-10,terminated,")), "{csv}");

    let geojson: serde_json::Value = serde_json::from_str(&read("ties.geojson")).unwrap();
    let features = geojson["features"].as_array().unwrap();
    let lines = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .count();
    let without = geojson["properties"]["ties_without_coordinates"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(
        lines + without,
        7,
        "every tie is a line or counted as lacking coordinates"
    );
    assert_eq!(
        without, 1,
        "Hebei - Zuid-Holland has no coordinates in the example"
    );

    let graphml = read("ties.graphml");
    assert_eq!(graphml.matches("<edge ").count(), 7);
    assert!(graphml.contains(
        "<edge id=\"cn-beijing--cz-prague\" source=\"cn-beijing\" target=\"cz-prague\">"
    ));

    let gexf = read("ties.gexf");
    assert_eq!(gexf.matches("<edge ").count(), 7);
    // A year-precision signing starts on its first day; a month-precision end ends on its last.
    assert!(gexf.contains("<edge id=\"cn-beijing--cz-prague\" source=\"cn-beijing\" target=\"cz-prague\" start=\"2016-01-01\" end=\"2019-10-31\">"), "{gexf}");
    assert!(
        gexf.contains("start=\"0836-01-01\""),
        "Paderborn - Le Mans starts in 836"
    );
}

#[test]
fn changes_between_two_dates() {
    let polis = example();
    let changes = polis
        .ok(&["changes", "2019-06-30", "2020-06-30", "--json"])
        .json();
    insta::assert_json_snapshot!("changes_2019_2020", changes);
}

/// Issue 9: a place merged into another keeps working as a redirect for `place show` and
/// `ties --place`, the merge can be undone, and deleting a place that ties reference is
/// refused with the referrers.
#[test]
fn issue_9_merge_redirects_unmerge_restores_and_delete_names_referrers() {
    let polis = Polis::new();
    polis.ok(&["init"]);
    let duplicate = write_bundle(
        &polis,
        "duplicate.toml",
        "[[place]]\nid = \"cz-praha-duplicate\"\nlevel = \"city\"\nname = \"Praha (duplicate)\"\ncountry = \"CZ\"\nsources = [\"deck\"]\n",
    );
    polis.ok(&["import", "bundle", &duplicate]);
    let before = polis.ok(&["ties", "--place", "cz-prague", "--json"]).json();

    polis.ok(&["place", "merge", "cz-praha-duplicate", "cz-prague"]);
    let shown = polis
        .ok(&["place", "show", "cz-praha-duplicate", "--json"])
        .json();
    assert_eq!(shown["place"]["id"], "cz-prague", "{shown:#}");
    let via_redirect = polis
        .ok(&["ties", "--place", "cz-praha-duplicate", "--json"])
        .json();
    assert_eq!(via_redirect["total"], before["total"]);

    polis.ok(&["place", "unmerge", "cz-praha-duplicate"]);
    let restored = polis
        .ok(&["place", "show", "cz-praha-duplicate", "--json"])
        .json();
    assert_eq!(
        restored["place"]["id"], "cz-praha-duplicate",
        "{restored:#}"
    );

    let refused = polis.run(&["place", "delete", "cz-prague"]);
    assert!(!refused.ok, "deleting a referenced place must fail");
    assert!(refused.stderr.contains("tie"), "{}", refused.stderr);
    assert!(polis.run(&["place", "show", "cz-prague"]).ok);

    polis.ok(&["place", "delete", "cz-praha-duplicate"]);
    let gone = polis.run(&["place", "show", "cz-praha-duplicate"]);
    assert!(!gone.ok, "the deleted place is gone");
    assert!(gone.stderr.contains("no place"), "{}", gone.stderr);
}

/// Issue 9: actors merge, unmerge and delete as places do: references move, the old id
/// redirects in bundles, and a referenced actor cannot be deleted.
#[test]
fn issue_9_actors_merge_unmerge_and_refuse_deletion_while_referenced() {
    let polis = Polis::new();
    polis.ok(&["init"]);
    let duplicate = write_bundle(
        &polis,
        "duplicate-actor.toml",
        "[[actor]]\nid = \"cefc-duplicate\"\nkind = \"organisation\"\norganisation = \"company\"\nname = \"CEFC (duplicate)\"\ncountry = \"CN\"\nsources = [\"deck\"]\n\n[[relation]]\nfrom = \"cefc-duplicate\"\nkind = \"owns\"\nto = \"cefc-europe\"\nsources = [\"deck\"]\n",
    );
    polis.ok(&["import", "bundle", &duplicate]);

    let refused = polis.run(&["actor", "delete", "cefc-duplicate"]);
    assert!(!refused.ok, "deleting a referenced actor must fail");
    assert!(refused.stderr.contains("relation"), "{}", refused.stderr);

    let merged = polis.ok(&["actor", "merge", "cefc-duplicate", "cefc-china-energy"]);
    assert!(merged.stdout.contains("now redirects"), "{}", merged.stdout);
    let export = polis.path("merged");
    polis.ok(&["export", "bundle", export.to_str().unwrap()]);
    let actors = std::fs::read_to_string(export.join("actors.toml")).expect("actors exported");
    assert!(!actors.contains("id = \"cefc-duplicate\""), "{actors}");
    assert!(
        actors.contains("former_ids = [\"cefc-duplicate\"]"),
        "{actors}"
    );
    // Relations are written with the actors.
    assert!(!actors.contains("from = \"cefc-duplicate\""), "{actors}");
    assert!(
        actors.contains("from = \"cefc-china-energy\"\nkind = \"owns\"\nto = \"cefc-europe\""),
        "the relation moved: {actors}"
    );

    polis.ok(&["actor", "unmerge", "cefc-duplicate"]);
    let again = polis.path("unmerged");
    polis.ok(&["export", "bundle", again.to_str().unwrap()]);
    let actors = std::fs::read_to_string(again.join("actors.toml")).expect("actors exported");
    assert!(actors.contains("id = \"cefc-duplicate\""), "{actors}");
    assert!(actors.contains("from = \"cefc-duplicate\""), "{actors}");

    let unknown = polis.run(&["actor", "merge", "nobody-at-all", "cefc-china-energy"]);
    assert!(!unknown.ok);
    assert!(
        unknown.stderr.contains("nobody-at-all"),
        "{}",
        unknown.stderr
    );
}
