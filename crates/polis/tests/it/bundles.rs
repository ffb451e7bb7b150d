//! Bundle import and export: round trips, repeat imports, dry runs.

use crate::{Polis, example_bundle, repo_root};

fn read_dir_sorted(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn export_import_export_is_byte_identical() {
    let first = Polis::new();
    first.ok(&["init"]);
    first.ok(&["import", "bundle", &example_bundle()]);
    let export_a = first.path("a");
    first.ok(&["export", "bundle", export_a.to_str().unwrap()]);

    let second = Polis::new();
    second.ok(&["init", "--empty"]);
    second.ok(&["import", "bundle", export_a.to_str().unwrap()]);
    let export_b = second.path("b");
    second.ok(&["export", "bundle", export_b.to_str().unwrap()]);

    let (a, b) = (read_dir_sorted(&export_a), read_dir_sorted(&export_b));
    assert!(a.len() >= 5, "expected several files, got {}", a.len());
    assert_eq!(a, b);
    // Exporting over an earlier export replaces it with the same bytes.
    second.ok(&["export", "bundle", export_a.to_str().unwrap()]);
    assert_eq!(read_dir_sorted(&export_a), b);
}

#[test]
fn importing_the_same_bundle_twice_changes_nothing() {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    let first = polis
        .ok(&["import", "bundle", &example_bundle(), "--json"])
        .json();
    assert!(first["created"]["tie"].as_u64().unwrap() >= 7);
    let second = polis
        .ok(&["import", "bundle", &example_bundle(), "--json"])
        .json();
    assert_eq!(second["created"], serde_json::json!({}));
    assert_eq!(second["updated"], serde_json::json!({}));
    assert_eq!(second["unchanged"]["tie"], first["created"]["tie"]);
    // The audit log holds the first import's changes only.
    let audit = polis.ok(&["audit", "--limit", "1000", "--json"]).json();
    let n_created: u64 = first["created"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(audit.as_array().unwrap().len() as u64, n_created);
}

#[test]
fn the_audit_log_shows_each_change_with_its_states() {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    let bundle = polis.path("bundle");
    std::fs::create_dir(&bundle).unwrap();
    for entry in std::fs::read_dir(example_bundle()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), bundle.join(entry.file_name())).unwrap();
    }
    let bundle = bundle.display().to_string();
    polis.ok(&["import", "bundle", &bundle]);
    let entry_of = |audit: &serde_json::Value, seq_order: usize| -> serde_json::Value {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["record_id"] == "cn-beijing")
            .nth(seq_order)
            .cloned()
            .unwrap_or_else(|| panic!("no audit entry {seq_order} for cn-beijing: {audit:#}"))
    };
    // A creation shows the record it created, although only the change is logged.
    let audit = polis.ok(&["audit", "--limit", "1000", "--json"]).json();
    let created = entry_of(&audit, 0);
    assert!(created["before"].is_null(), "{created:#}");
    // The states are embedded as JSON objects, as the API shows them.
    let state = &created["after"];
    assert!(state.is_object(), "a created state: {created:#}");
    assert_eq!(state["name"], "Beijing");

    // After an update, the creation still shows what it created, and the update both states.
    let places = std::path::Path::new(&bundle).join("places.toml");
    let text = std::fs::read_to_string(&places).unwrap();
    std::fs::write(
        &places,
        text.replace("name = \"Beijing\"", "name = \"Beijing Municipality\""),
    )
    .unwrap();
    let second = polis.ok(&["import", "bundle", &bundle, "--json"]).json();
    assert_eq!(second["updated"]["place"], 1, "{second:#}");
    let audit = polis.ok(&["audit", "--limit", "1000", "--json"]).json();
    // Newest first: the update, then the creation.
    let (updated, created) = (entry_of(&audit, 0), entry_of(&audit, 1));
    let state = |e: &serde_json::Value, field: &str| -> serde_json::Value {
        assert!(e[field].is_object(), "a state: {e:#}");
        e[field].clone()
    };
    assert_eq!(state(&created, "after")["name"], "Beijing");
    assert_eq!(state(&updated, "before")["name"], "Beijing");
    assert_eq!(state(&updated, "after")["name"], "Beijing Municipality");
    assert_eq!(created["after"], updated["before"]);
}

#[test]
fn dry_run_writes_nothing() {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    let report = polis
        .ok(&["import", "bundle", &example_bundle(), "--dry-run", "--json"])
        .json();
    assert_eq!(report["dry_run"], true);
    assert!(report["created"]["place"].as_u64().unwrap() > 0);
    let ties = polis.ok(&["ties", "--json"]).json();
    assert_eq!(ties["total"], 0);
}

#[test]
fn init_loads_the_reference_dataset_and_is_repeatable() {
    let polis = Polis::new();
    polis.ok(&["init"]);
    let stats = polis.ok(&["stats", "--json"]).json();
    assert!(stats["n_ties"].as_u64().unwrap() > 0);
    let again = polis.ok(&["init"]);
    assert!(
        again.stdout.contains("0 records were created, 0 updated"),
        "{}",
        again.stdout
    );
    // The committed reference bundle validates on its own as well.
    let reference = repo_root().join("data/reference");
    let fresh = Polis::new();
    fresh.ok(&["init", "--empty"]);
    fresh.ok(&["import", "bundle", reference.to_str().unwrap(), "--dry-run"]);
}

/// `polis export` takes the scope the API and the pages take: a place's or a country's
/// ties, as a file; the one-file bundle reads back with exactly those ties; a place and a
/// country together are refused.
#[test]
fn export_takes_a_place_or_a_country_and_a_bundle_file() {
    let polis = Polis::new();
    polis.ok(&["init"]);
    let all = polis.path("all.csv");
    polis.ok(&["export", "csv", all.to_str().unwrap()]);
    let prague = polis.path("prague.csv");
    let run = polis.ok(&[
        "export",
        "csv",
        prague.to_str().unwrap(),
        "--place",
        "Praha",
    ]);
    let rows = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let prague_rows = rows(&prague);
    assert!(prague_rows.len() >= 3, "{}", run.stderr);
    assert!(prague_rows.len() < rows(&all).len());
    assert!(prague_rows.iter().all(|r| r.contains("cz-prague")));
    assert!(
        run.stderr
            .contains(&format!("wrote {} ties", prague_rows.len()))
    );

    let file = polis.path("prague.toml");
    polis.ok(&[
        "export",
        "bundle",
        file.to_str().unwrap(),
        "--place",
        "cz-prague",
    ]);
    let read = polis_bundle::read(&file).expect("a one-file bundle");
    assert_eq!(read.data.ties.len(), prague_rows.len());
    let dir = polis.path("cz");
    polis.ok(&["export", "bundle", dir.to_str().unwrap(), "--country", "CZ"]);
    let cz = polis_bundle::read(&dir).expect("a bundle directory");
    assert!(cz.data.ties.len() >= prague_rows.len());

    let both = polis.run(&[
        "export",
        "csv",
        all.to_str().unwrap(),
        "--place",
        "cz-prague",
        "--country",
        "CZ",
    ]);
    assert!(!both.ok);
    assert!(both.stderr.contains("--country"), "{}", both.stderr);
}
