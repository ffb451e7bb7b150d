//! Accounts, tokens, proposals and the audit chain: each rule of the team server is tried
//! against the service layer, checking both the answer and that nothing was written.

use std::path::{Path, PathBuf};

use polis_app::{
    App, AppError, Location, Principal, ProposalStatus, ProposedChange, RecordKind, Role,
};
use polis_store::{ChangeContext, StoreError, Token};

/// A small base: one source and two places.
const BASE: &str = r#"
[[source]]
id = "notes"
title = "Test notes"

[[place]]
id = "xx-alpha"
level = "city"
name = "Alpha"
country = "CZ"
sources = ["notes"]

[[place]]
id = "xx-beta"
level = "city"
name = "Beta"
country = "CZ"
sources = ["notes"]
"#;

/// A bundle fragment renaming Alpha.
fn renaming_alpha(name: &str) -> ProposedChange {
    ProposedChange::Apply {
        bundle: format!(
            "[[place]]\nid = \"xx-alpha\"\nlevel = \"city\"\nname = \"{name}\"\ncountry = \"CZ\"\nsources = [\"notes\"]\n"
        ),
    }
}

struct Team {
    _dir: tempfile::TempDir,
    path: PathBuf,
    app: App,
    /// The command line's principal (not a stored user).
    root: Principal,
}

impl Team {
    async fn principal(&self, name: &str) -> Principal {
        let token = self
            .app
            .create_token(&self.root, name, None)
            .await
            .expect("a token");
        self.app
            .authenticate(&token.secret)
            .await
            .expect("authenticates")
    }

    async fn version(&self) -> i64 {
        self.app.store().version().await.expect("a version")
    }

    async fn alpha_name(&self) -> String {
        self.app.refresh().await.expect("refreshes");
        let snapshot = self.app.snapshot().await.expect("a snapshot");
        snapshot
            .data()
            .places
            .iter()
            .find(|p| p.id == "xx-alpha")
            .expect("alpha")
            .name
            .clone()
    }

    async fn role_of(&self, name: &str) -> Role {
        self.app
            .store()
            .user(name)
            .await
            .expect("reads")
            .expect("the user")
            .role
    }
}

/// A fresh database with the base records and ada (admin), eddie (editor), rita and rex
/// (reviewers) and vic (viewer).
async fn team() -> Team {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("polis.db");
    let app = App::open(Location::sqlite(&path), Default::default())
        .await
        .expect("opens");
    let base = polis_app::proposals::read_fragment(BASE).expect("the base reads");
    app.apply_bundle(&base, Path::new("base.toml"), false, "test")
        .await
        .expect("the base applies");
    let root = Principal::local_admin("root");
    for (name, role) in [
        ("ada", Role::Admin),
        ("eddie", Role::Editor),
        ("rita", Role::Reviewer),
        ("rex", Role::Reviewer),
        ("vic", Role::Viewer),
    ] {
        app.add_user(&root, name, role, None)
            .await
            .expect("adds the user");
    }
    Team {
        _dir: dir,
        path,
        app,
        root,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_admin_cannot_be_demoted() {
    let team = team().await;
    let ada = team.principal("ada").await;
    let version = team.version().await;
    let refused = team.app.set_role(&ada, "ada", Role::Editor).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    let refused = team.app.set_role(&team.root, "ada", Role::Viewer).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    assert_eq!(team.role_of("ada").await, Role::Admin);
    assert_eq!(team.version().await, version, "nothing was written");
    // With a second admin, one of them may go, but not both, even at the same time: the
    // store counts the admins inside the write's transaction.
    team.app
        .set_role(&ada, "rita", Role::Admin)
        .await
        .expect("rita becomes admin");
    let store = team.app.store().clone();
    let change = |who: &str| ChangeContext {
        who: who.to_owned(),
        context: "demote".to_owned(),
    };
    let (by_rita, by_ada) = (change("rita"), change("ada"));
    let (first, second) = tokio::join!(
        store.set_role("ada", Role::Editor, &by_rita),
        store.set_role("rita", Role::Editor, &by_ada),
    );
    assert_eq!(
        [first.is_ok(), second.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "exactly one demotion passes: {first:?} {second:?}"
    );
    let refused = if first.is_err() { first } else { second };
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    let users = team.app.users(&team.root).await.expect("lists");
    assert_eq!(users.iter().filter(|u| u.role == "admin").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_one_raises_their_own_role() {
    let team = team().await;
    let eddie = team.principal("eddie").await;
    let version = team.version().await;
    // An editor may not set roles at all.
    let refused = team.app.set_role(&eddie, "eddie", Role::Admin).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    // Acting with every right (the command line as the OS user eddie) is not enough either.
    let local_eddie = Principal::local_admin("eddie");
    let refused = team
        .app
        .set_role(&local_eddie, "eddie", Role::Reviewer)
        .await;
    assert!(
        matches!(&refused, Err(AppError::Forbidden(m)) if m.contains("own role")),
        "{refused:?}"
    );
    assert_eq!(team.role_of("eddie").await, Role::Editor);
    assert_eq!(team.version().await, version, "nothing was written");
    // Lowering one's own role is allowed.
    team.app
        .set_role(&local_eddie, "eddie", Role::Viewer)
        .await
        .expect("lowers");
    assert_eq!(team.role_of("eddie").await, Role::Viewer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_cannot_propose_and_nobody_approves_their_own_proposal() {
    let team = team().await;
    let vic = team.principal("vic").await;
    let refused = team
        .app
        .propose(&vic, renaming_alpha("Alpha by vic"), "rename", false)
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let rita = team.principal("rita").await;
    assert!(
        team.app
            .proposals(&rita, None)
            .await
            .expect("lists")
            .is_empty()
    );

    let proposal = team
        .app
        .propose(&rita, renaming_alpha("Alpha by rita"), "rename", false)
        .await
        .expect("a reviewer proposes");
    let eddie = team.principal("eddie").await;
    let version = team.version().await;
    let refused = team.app.approve(&rita, proposal.id, "mine").await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let refused = team.app.approve(&eddie, proposal.id, "an editor").await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    assert_eq!(team.version().await, version, "nothing was written");
    assert_eq!(team.alpha_name().await, "Alpha");
    let stored = team.app.proposal(&rita, proposal.id).await.expect("reads");
    assert_eq!(stored.status, "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_proposal_applies_once_and_its_audit_names_both() {
    let team = team().await;
    let eddie = team.principal("eddie").await;
    let rita = team.principal("rita").await;
    let proposal = team
        .app
        .propose(&eddie, renaming_alpha("Alpha Nova"), "new name", false)
        .await
        .expect("proposes");
    assert_eq!(proposal.diff.len(), 1);
    assert_eq!(
        team.alpha_name().await,
        "Alpha",
        "not applied before review"
    );
    let outcome = team
        .app
        .approve(&rita, proposal.id, "checked")
        .await
        .expect("approves");
    assert_eq!((outcome.n_updated, outcome.n_created), (1, 0));
    assert_eq!(team.alpha_name().await, "Alpha Nova");
    let again = team.app.approve(&rita, proposal.id, "twice").await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let audit = team.app.audit_for(&team.root, 50).await.expect("reads");
    let entry = audit
        .iter()
        .find(|e| e.record_kind == "place" && e.record_id == "xx-alpha" && e.who == "rita")
        .expect("the change is audited");
    assert!(
        entry.context.contains(&format!("proposal {}", proposal.id))
            && entry.context.contains("eddie"),
        "{}",
        entry.context
    );
    let refused = team.app.audit_for(&eddie, 50).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    // A rejection needs a comment.
    let second = team
        .app
        .propose(&eddie, renaming_alpha("Alpha Prime"), "another", false)
        .await
        .expect("proposes");
    let refused = team.app.reject(&rita, second.id, "  ").await;
    assert!(matches!(refused, Err(AppError::BadInput(_))), "{refused:?}");
    team.app
        .reject(&rita, second.id, "keep Nova")
        .await
        .expect("rejects");
    let rejected = team
        .app
        .proposals(&rita, Some(ProposalStatus::Rejected))
        .await
        .expect("lists");
    assert_eq!(rejected.len(), 1);
    assert_eq!(team.alpha_name().await, "Alpha Nova");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_approval_shows_both_diffs_and_writes_nothing() {
    let team = team().await;
    let eddie = team.principal("eddie").await;
    let rita = team.principal("rita").await;
    let proposal = team
        .app
        .propose(&eddie, renaming_alpha("Alpha by eddie"), "rename", false)
        .await
        .expect("proposes");
    // Someone else changes Alpha in the meantime, directly.
    let other = polis_app::proposals::read_fragment(
        "[[place]]\nid = \"xx-alpha\"\nlevel = \"city\"\nname = \"Alpha by import\"\ncountry = \"CZ\"\nsources = [\"notes\"]\n",
    )
    .expect("reads");
    team.app
        .apply_bundle(&other, Path::new("other.toml"), false, "importer")
        .await
        .expect("applies");
    let version = team.version().await;
    let stale = team.app.approve(&rita, proposal.id, "looks fine").await;
    let Err(AppError::Stale {
        proposed, current, ..
    }) = stale
    else {
        panic!("expected Stale, got {stale:?}");
    };
    let name = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| v["name"].as_str())
            .map(str::to_owned)
    };
    assert_eq!(name(&proposed[0].before).as_deref(), Some("Alpha"));
    assert_eq!(name(&current[0].before).as_deref(), Some("Alpha by import"));
    assert_eq!(
        name(&current[0].after).as_deref(),
        Some("Alpha by eddie"),
        "the current diff shows what approving would now do"
    );
    assert_eq!(team.version().await, version, "nothing was written");
    assert_eq!(team.alpha_name().await, "Alpha by import");
    let stored = team.app.proposal(&rita, proposal.id).await.expect("reads");
    assert_eq!(stored.status, "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_refuses_a_stale_approval_inside_its_transaction() {
    // The service layer's check passed long ago; a change lands before the store's
    // transaction. The store itself must refuse, seeing the records as they are.
    let team = team().await;
    let eddie = team.principal("eddie").await;
    let proposal = team
        .app
        .propose(
            &eddie,
            ProposedChange::Delete {
                kind: RecordKind::Place,
                id: "xx-beta".into(),
            },
            "remove beta",
            false,
        )
        .await
        .expect("proposes");
    let beta_then = proposal.diff[0].before.clone().expect("beta existed");
    let renamed = polis_app::proposals::read_fragment(
        "[[place]]\nid = \"xx-beta\"\nlevel = \"city\"\nname = \"Beta renamed\"\ncountry = \"CZ\"\nsources = [\"notes\"]\n",
    )
    .expect("reads");
    team.app
        .apply_bundle(&renamed, Path::new("renamed.toml"), false, "importer")
        .await
        .expect("applies");
    let version = team.version().await;
    let expected = [polis_store::ExpectedRecord {
        kind: RecordKind::Place,
        key: "xx-beta".into(),
        json: Some(beta_then.to_string()),
    }];
    let review = polis_store::Review {
        id: proposal.id,
        reviewer: "rita",
        comment: "ok",
        at: "2026-01-01T00:00:00Z",
    };
    let refused = team
        .app
        .store()
        .approve_proposal(
            review,
            polis_store::Approved::Delete {
                kind: RecordKind::Place,
                id: "xx-beta",
            },
            &expected,
            &ChangeContext {
                who: "rita".into(),
                context: "approve".into(),
            },
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Stale { records }) if records == &[(RecordKind::Place, "xx-beta".to_owned())]),
        "{refused:?}"
    );
    assert_eq!(team.version().await, version, "nothing was written");
    let stored = team.app.proposal(&eddie, proposal.id).await.expect("reads");
    assert_eq!(stored.status, "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_revoked_and_unknown_tokens_are_refused() {
    let team = team().await;
    let created = team
        .app
        .create_token(&team.root, "eddie", None)
        .await
        .expect("creates");
    assert!(created.secret.starts_with("polis_"));
    team.app
        .authenticate(&created.secret)
        .await
        .expect("a fresh token works");
    team.app
        .revoke_token(&team.root, &created.id)
        .await
        .expect("revokes");
    let refused = team.app.authenticate(&created.secret).await;
    assert!(
        matches!(&refused, Err(AppError::Unauthenticated(m)) if m.contains("revoked")),
        "{refused:?}"
    );
    // A token past its day, stored as an older polis would have (creating one in the past
    // is refused).
    let past = team
        .app
        .create_token(
            &team.root,
            "eddie",
            Some("2020-01-01".parse().expect("a date")),
        )
        .await;
    assert!(matches!(past, Err(AppError::BadInput(_))), "{past:?}");
    let secret = format!("polis_{}", "ab".repeat(32));
    let sha256 = polis_store::chain::sha256_hex(secret.as_bytes());
    let expired = Token {
        id: sha256[..16].to_owned(),
        user: "eddie".into(),
        sha256,
        created_at: "2019-01-01T00:00:00Z".into(),
        expires: Some("2020-01-01".into()),
        revoked_at: None,
    };
    team.app
        .store()
        .add_token(
            &expired,
            &ChangeContext {
                who: "test".into(),
                context: "old token".into(),
            },
        )
        .await
        .expect("stores");
    let refused = team.app.authenticate(&secret).await;
    assert!(
        matches!(&refused, Err(AppError::Unauthenticated(m)) if m.contains("expired")),
        "{refused:?}"
    );
    for unknown in [
        "polis_nothing",
        "Bearer x",
        "",
        &format!("polis_{}", "cd".repeat(32)),
    ] {
        let refused = team.app.authenticate(unknown).await;
        assert!(
            matches!(refused, Err(AppError::Unauthenticated(_))),
            "{unknown}: {refused:?}"
        );
    }
    // A token valid through today works, and follows its user's current role.
    let today = team
        .app
        .create_token(&team.root, "vic", Some(polis_app::today()))
        .await
        .expect("creates");
    let vic = team.app.authenticate(&today.secret).await.expect("works");
    assert_eq!(vic.role, Role::Viewer);
    team.app
        .set_role(&team.root, "vic", Role::Editor)
        .await
        .expect("sets");
    let vic = team.app.authenticate(&today.secret).await.expect("works");
    assert_eq!(vic.role, Role::Editor);
}

/// Opens the database file beside the app, as someone with the file would.
async fn raw_connection(path: &Path) -> sqlx::SqliteConnection {
    use sqlx::Connection as _;
    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connects")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_an_audit_entry_edited_in_the_database() {
    let team = team().await;
    let eddie = team.principal("eddie").await;
    let rita = team.principal("rita").await;
    let proposal = team
        .app
        .propose(&eddie, renaming_alpha("Alpha Nova"), "new name", false)
        .await
        .expect("proposes");
    team.app
        .approve(&rita, proposal.id, "ok")
        .await
        .expect("approves");
    let verified = team.app.verify_audit(&team.root).await.expect("verifies");
    assert!(verified.intact, "{verified:?}");
    assert!(verified.n_entries > 5);
    let refused = team.app.verify_audit(&rita).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );

    // Rewrite who approved the rename, directly in the file.
    let mut connection = raw_connection(&team.path).await;
    let seq: i64 = sqlx::query_scalar(
        "SELECT seq FROM audit_log WHERE record_kind = 'place' AND record_id = 'xx-alpha' \
         AND who = 'rita'",
    )
    .fetch_one(&mut connection)
    .await
    .expect("the entry");
    sqlx::query("UPDATE audit_log SET who = 'mallory' WHERE seq = ?")
        .bind(seq)
        .execute(&mut connection)
        .await
        .expect("tampers");
    let verified = team.app.verify_audit(&team.root).await.expect("verifies");
    assert!(!verified.intact);
    assert_eq!(verified.first_broken_seq, Some(seq), "{verified:?}");
    assert_eq!(verified.problem.as_deref(), Some("altered"));
    // Put it back, and delete an earlier entry instead: the gap is named.
    sqlx::query("UPDATE audit_log SET who = 'rita' WHERE seq = ?")
        .bind(seq)
        .execute(&mut connection)
        .await
        .expect("restores");
    assert!(
        team.app
            .verify_audit(&team.root)
            .await
            .expect("verifies")
            .intact
    );
    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(&mut connection)
        .await
        .expect("deletes");
    let verified = team.app.verify_audit(&team.root).await.expect("verifies");
    assert!(!verified.intact);
    assert_eq!(verified.first_broken_seq, Some(4), "{verified:?}");
    assert_eq!(verified.problem.as_deref(), Some("missing"));
}

/// Issue 11 (a viewer's schemathesis run saw 404, 409 and 422 where 403 was due): a use case
/// refuses a caller whose role is too low before it reads anything. Each request below
/// names records that do not exist, a key that is taken, an id that is not well-formed or
/// a blank comment, each of which would be another error had the use case looked at it
/// first; every one is 403, and nothing was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_too_low_is_refused_before_any_record_is_read() {
    use polis_app::{Permission, Record, RecordWrite};
    let team = team().await;
    let vic = team.principal("vic").await;
    let eddie = team.principal("eddie").await;
    let rita = team.principal("rita").await;
    let version = team.version().await;
    let snapshot = team.app.snapshot().await.expect("a snapshot");
    let place = |id: &str| {
        let bundle = polis_app::proposals::read_fragment(&format!(
            "[[place]]\nid = \"{id}\"\nlevel = \"city\"\nname = \"X\"\ncountry = \"CZ\"\nsources = [\"no-such-source\"]\n"
        ))
        .expect("reads");
        Record::Place(bundle.data.places[0].clone())
    };
    let event: polis_core::TieEvent =
        serde_json::from_str(r#"{"kind": "renewed", "sources": ["no-such-source"]}"#)
            .expect("an event");
    let writes = [
        RecordWrite::Create(place("xx-alpha")),
        RecordWrite::Replace {
            key: "no-such-place".into(),
            record: place("no-such-place"),
        },
        RecordWrite::Delete {
            kind: RecordKind::Network,
            key: "no-such-network".into(),
        },
        RecordWrite::Merge {
            kind: RecordKind::Place,
            old: "Not An Id!".into(),
            into: "xx-beta".into(),
        },
        RecordWrite::Unmerge {
            kind: RecordKind::Actor,
            old: "no-such-actor".into(),
        },
        RecordWrite::AddTieEvent {
            tie: "no-such-tie".into(),
            event,
        },
    ];
    let mut refusals = Vec::new();
    for write in writes {
        let what = format!("{write:?}");
        let answer = team
            .app
            .propose_write(&vic, &snapshot, write, "", true)
            .await;
        refusals.push((what, answer.map(|_| ())));
    }
    let delete_nothing = ProposedChange::Delete {
        kind: RecordKind::Tie,
        id: "no-such-tie".into(),
    };
    let answer = team.app.propose(&vic, delete_nothing, "", true).await;
    refusals.push(("a proposal by a viewer".into(), answer.map(|_| ())));
    for (what, answer) in [
        (
            "an editor approving no proposal",
            team.app.approve(&eddie, 999, "").await.map(|_| ()),
        ),
        (
            "an editor rejecting no proposal, blank",
            team.app.reject(&eddie, 999, " ").await.map(|_| ()),
        ),
        (
            "a reviewer setting the role of nobody",
            team.app
                .set_role(&rita, "nobody", Role::Admin)
                .await
                .map(|_| ()),
        ),
        (
            "a reviewer adding a user of no valid name",
            team.app
                .add_user(&rita, "not a name!", Role::Admin, Some("short"))
                .await
                .map(|_| ()),
        ),
        (
            "an editor making a token for nobody",
            team.app
                .create_token(&eddie, "nobody", None)
                .await
                .map(|_| ()),
        ),
        (
            "a viewer setting another's password, too short",
            team.app.set_password(&vic, "nobody", "x").await,
        ),
    ] {
        refusals.push((what.into(), answer));
    }
    for (what, answer) in refusals {
        assert!(
            matches!(&answer, Err(AppError::Forbidden(m)) if m.contains("needs the role")),
            "{what}: {answer:?}"
        );
    }
    assert_eq!(team.version().await, version, "nothing was written");
    // The table the refusals come from: each permission needs its role, and no lower one.
    for permission in [
        Permission::ReadProposals,
        Permission::OwnTokens,
        Permission::Propose,
        Permission::Review,
        Permission::Decide,
        Permission::ManageUsers,
        Permission::OthersTokens,
        Permission::Audit,
    ] {
        for role in [Role::Viewer, Role::Editor, Role::Reviewer, Role::Admin] {
            let principal = Principal {
                user: "someone".into(),
                role,
            };
            assert_eq!(
                principal.check(permission).is_ok(),
                role >= permission.role(),
                "{permission:?} as {role}"
            );
        }
    }
}
