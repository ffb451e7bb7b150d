//! The team cycle from the command line: users and tokens, a proposal by an editor, its
//! review by someone else, the change applied and audited, and the audit chain verified.

use crate::{Polis, example_bundle};

const PLZEN: &str = r#"[[place]]
id = "cz-plzen"
level = "city"
name = "Plzeň"
country = "CZ"
sources = ["deck"]
"#;

fn team() -> Polis {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    polis.ok(&["import", "bundle", &example_bundle()]);
    for (name, role) in [("ada", "admin"), ("eddie", "editor"), ("rita", "reviewer")] {
        let added = polis
            .ok(&["user", "add", name, "--role", role, "--json"])
            .json();
        assert_eq!(added["role"], role);
    }
    polis
}

#[test]
fn propose_review_approve_audit_verify() {
    let polis = team();
    let users = polis.ok(&["user", "list", "--json"]).json();
    assert_eq!(users.as_array().map(Vec::len), Some(3));

    let fragment = polis.path("plzen.toml");
    std::fs::write(&fragment, PLZEN).expect("writes");
    let fragment = fragment.display().to_string();
    let proposal = polis
        .ok(&[
            "propose",
            &fragment,
            "--comment",
            "Plzeň, for its ties",
            "--as",
            "eddie",
            "--json",
        ])
        .json();
    let id = proposal["id"].as_i64().expect("an id").to_string();
    assert_eq!(proposal["status"], "open");
    assert_eq!(proposal["author"], "eddie");
    assert_eq!(proposal["diff"][0]["key"], "cz-plzen");
    // Not applied before review.
    assert!(!polis.run(&["place", "show", "cz-plzen"]).ok);

    let open = polis
        .ok(&["review", "list", "--status", "open", "--json"])
        .json();
    assert_eq!(open[0]["id"].as_i64(), proposal["id"].as_i64());
    let shown = polis.ok(&["review", "show", &id]);
    assert!(
        shown.stdout.contains("create place cz-plzen"),
        "{}",
        shown.stdout
    );

    // The author cannot approve it, and an editor cannot approve at all.
    let own = polis.run(&["review", "approve", &id, "--as", "eddie"]);
    assert!(!own.ok);
    assert!(own.stderr.contains("reviewer"), "{}", own.stderr);
    assert!(!polis.run(&["place", "show", "cz-plzen"]).ok);

    let approved = polis
        .ok(&[
            "review",
            "approve",
            &id,
            "--comment",
            "checked",
            "--as",
            "rita",
            "--json",
        ])
        .json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["n_created"], 1);
    let place = polis.ok(&["place", "show", "cz-plzen", "--json"]).json();
    assert_eq!(place["place"]["name"], "Plzeň", "{place}");
    let again = polis.run(&["review", "approve", &id, "--as", "rita"]);
    assert!(
        !again.ok && again.stderr.contains("not open"),
        "{}",
        again.stderr
    );

    let audit = polis.ok(&["audit", "--limit", "20", "--json"]).json();
    let entry = audit
        .as_array()
        .expect("a list")
        .iter()
        .find(|e| e["record_id"] == "cz-plzen")
        .expect("the change is audited");
    assert_eq!(entry["who"], "rita");
    assert!(
        entry["context"]
            .as_str()
            .is_some_and(|c| c.contains(&format!("proposal {id} by eddie"))),
        "{entry}"
    );
    let verified = polis.ok(&["audit", "verify", "--json"]).json();
    assert_eq!(verified["intact"], true);
    let verified = polis.ok(&["audit", "verify"]);
    assert!(verified.stdout.contains("intact"), "{}", verified.stdout);
}

#[test]
fn rejection_delete_and_a_stale_approval() {
    let polis = team();
    let delete = polis
        .ok(&[
            "propose",
            "--delete",
            "place",
            "cz-prague",
            "--comment",
            "test",
            "--as",
            "eddie",
            "--json",
        ])
        .json();
    let id = delete["id"].as_i64().expect("an id").to_string();
    let missing_comment = polis.run(&["review", "reject", &id, "--as", "rita"]);
    assert!(!missing_comment.ok, "--comment is required");
    let rejected = polis
        .ok(&[
            "review",
            "reject",
            &id,
            "--comment",
            "Prague stays",
            "--as",
            "rita",
            "--json",
        ])
        .json();
    assert_eq!(rejected["status"], "rejected");
    polis.ok(&["place", "show", "cz-prague"]);

    // A proposal whose record is changed by someone else before approval is stale.
    let fragment = polis.path("plzen.toml");
    std::fs::write(&fragment, PLZEN).expect("writes");
    let proposal = polis
        .ok(&[
            "propose",
            &fragment.display().to_string(),
            "--comment",
            "add Plzeň",
            "--as",
            "eddie",
            "--json",
        ])
        .json();
    let id = proposal["id"].as_i64().expect("an id").to_string();
    let other = crate::write_bundle(&polis, "other.toml", &PLZEN.replace("Plzeň", "Pilsen"));
    polis.ok(&["import", "bundle", &other]);
    let stale = polis.run(&["review", "approve", &id, "--as", "rita"]);
    assert!(!stale.ok);
    assert!(stale.stderr.contains("changed since"), "{}", stale.stderr);
    assert!(stale.stdout.contains("Pilsen"), "{}", stale.stdout);
    let place = polis.ok(&["place", "show", "cz-plzen", "--json"]).json();
    assert_eq!(place["place"]["name"], "Pilsen", "nothing was written");
    let status = polis.ok(&["review", "show", &id, "--json"]).json();
    assert_eq!(status["status"], "open");
}

#[test]
fn tokens_roles_and_clear_errors() {
    let polis = team();
    let created = polis
        .ok(&[
            "token",
            "create",
            "eddie",
            "--expires",
            "2099-12-31",
            "--json",
        ])
        .json();
    assert!(
        created["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("polis_"))
    );
    let token_id = created["id"].as_str().expect("an id").to_owned();
    let listed = polis.ok(&["token", "list", "--json"]).json();
    assert_eq!(listed[0]["id"], token_id.as_str());
    assert!(
        !polis.ok(&["token", "list"]).stdout.contains("polis_"),
        "the secret is never listed"
    );
    polis.ok(&["token", "revoke", &token_id]);
    let twice = polis.run(&["token", "revoke", &token_id]);
    assert!(
        !twice.ok && twice.stderr.contains("revoked already"),
        "{}",
        twice.stderr
    );
    let past = polis.run(&["token", "create", "eddie", "--expires", "2001-01-01"]);
    assert!(
        !past.ok && past.stderr.contains("in the past"),
        "{}",
        past.stderr
    );

    // No one raises their own role; the last admin stays.
    let raise = polis.run(&["user", "set-role", "eddie", "admin", "--as", "eddie"]);
    assert!(!raise.ok);
    let last = polis.run(&["user", "set-role", "ada", "editor"]);
    assert!(
        !last.ok && last.stderr.contains("last admin"),
        "{}",
        last.stderr
    );
    let users = polis.ok(&["user", "list", "--json"]).json();
    assert_eq!(users[0]["name"], "ada");
    assert_eq!(users[0]["role"], "admin");
    polis.ok(&["user", "set-role", "eddie", "reviewer"]);

    let bad_role = polis.run(&["user", "add", "zed", "--role", "boss"]);
    assert!(
        !bad_role.ok && bad_role.stderr.contains("editor"),
        "{}",
        bad_role.stderr
    );
    let bad_kind = polis.run(&[
        "propose",
        "--delete",
        "planet",
        "x",
        "--comment",
        "c",
        "--as",
        "eddie",
    ]);
    assert!(
        !bad_kind.ok && bad_kind.stderr.contains("place"),
        "{}",
        bad_kind.stderr
    );
    let nobody = polis.run(&["review", "list", "--as", "nobody"]);
    assert!(
        !nobody.ok && nobody.stderr.contains("nobody"),
        "{}",
        nobody.stderr
    );
    let duplicate = polis.run(&["user", "add", "eddie", "--role", "viewer"]);
    assert!(
        !duplicate.ok && duplicate.stderr.contains("exists"),
        "{}",
        duplicate.stderr
    );
}
