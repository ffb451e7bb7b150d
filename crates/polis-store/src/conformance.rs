//! The conformance suite: the properties every backend must have, one async function per
//! property, each taking a fresh, empty store. A backend's integration test calls every one
//! (see `polis-store-sqlite/tests/it/main.rs`). They panic with a message when a property
//! fails, as tests do.

use polis_core::Dataset;

use crate::fixture;
use crate::{
    ChangeContext, ImportRun, ImportWrite, NameDecision, QueuedName, RecordKind, Store, StoreError,
};

fn change(context: &str) -> ChangeContext {
    ChangeContext {
        who: "conformance".into(),
        context: context.into(),
    }
}

fn sorted(mut data: Dataset) -> Dataset {
    data.sort();
    data
}

/// Applies the fixture to `store` and returns it, sorted as a store loads it.
pub async fn seed(store: &dyn Store) -> Dataset {
    let data = fixture::dataset();
    store
        .apply(&data, &change("seed"))
        .await
        .expect("the fixture applies");
    sorted(data)
}

/// An apply stores every record as given and reports each as created.
pub async fn apply(store: &dyn Store) {
    let data = fixture::dataset();
    let report = store.apply(&data, &change("apply")).await.expect("applies");
    assert_eq!(report.n_created() as usize, data.len(), "{report:?}");
    assert_eq!(
        report.n_updated() + report.n_unchanged() + report.n_removed(),
        0
    );
    assert_eq!(store.load().await.expect("loads"), sorted(data));
}

/// Applying the same records twice changes nothing the second time.
pub async fn idempotence(store: &dyn Store) {
    let data = seed(store).await;
    let version = store.version().await.expect("version");
    let again = store.apply(&data, &change("again")).await.expect("applies");
    assert_eq!(again.n_unchanged() as usize, data.len(), "{again:?}");
    assert_eq!(again.n_created() + again.n_updated() + again.n_removed(), 0);
    assert_eq!(store.version().await.expect("version"), version);
    assert_eq!(store.load().await.expect("loads"), data);
}

/// An apply with one invalid record writes nothing at all, and says what is wrong.
pub async fn all_or_nothing(store: &dyn Store) {
    let mut data = fixture::dataset();
    data.ties[0].b = "nowhere".into();
    match store.apply(&data, &change("invalid")).await {
        Err(StoreError::Invalid(invalid)) => {
            assert!(
                invalid
                    .0
                    .iter()
                    .any(|v| v.value == "nowhere" && v.field == "b"),
                "{invalid:?}"
            );
        }
        other => panic!("an invalid apply must be refused, got {other:?}"),
    }
    assert!(store.load().await.expect("loads").is_empty());
    assert_eq!(store.version().await.expect("version"), 0);
    assert!(store.audit_log(10).await.expect("audit").is_empty());
    // The same through an import: the queue and the run are not written either.
    let queue = [queued("ghost|cz", "Ghost", 3)];
    let run = import_run();
    let import = ImportWrite {
        records: &data,
        batch: "b1",
        queue: &queue,
        run: &run,
    };
    assert!(
        store
            .apply_import(import, &change("invalid import"))
            .await
            .is_err()
    );
    assert!(store.unresolved(10).await.expect("queue").is_empty());
}

/// Every created, updated and removed record has an audit entry with its states.
pub async fn audit(store: &dyn Store) {
    let data = seed(store).await;
    let log = store.audit_log(1000).await.expect("audit");
    assert_eq!(log.len(), data.len());
    assert!(
        log.iter()
            .all(|e| e.action == "created" && e.before.is_none())
    );
    let praha = log
        .iter()
        .find(|e| e.record_kind == "place" && e.record_id == "praha")
        .expect("the creation of praha is logged");
    assert!(praha.after.as_deref().is_some_and(|a| a.contains("Prague")));

    let mut edited = Dataset::default();
    let mut place = data
        .places
        .iter()
        .find(|p| p.id == "taipei")
        .cloned()
        .expect("taipei");
    place.name = "Taipei City".into();
    edited.places.push(place);
    let report = store
        .apply(&edited, &change("rename"))
        .await
        .expect("applies");
    assert_eq!(report.n_updated(), 1);
    let newest = &store.audit_log(1).await.expect("audit")[0];
    assert_eq!(
        (newest.action.as_str(), newest.record_id.as_str()),
        ("updated", "taipei")
    );
    assert!(
        newest
            .before
            .as_deref()
            .is_some_and(|b| b.contains("\"Taipei\""))
    );
    assert!(
        newest
            .after
            .as_deref()
            .is_some_and(|a| a.contains("Taipei City"))
    );
    assert_eq!(newest.context, "rename");

    store
        .delete(RecordKind::Figure, "cz-ties-2019", &change("delete"))
        .await
        .expect("an unreferenced record deletes");
    let newest = &store.audit_log(1).await.expect("audit")[0];
    assert_eq!(
        (newest.action.as_str(), newest.record_id.as_str()),
        ("removed", "cz-ties-2019")
    );
    assert!(
        newest
            .before
            .as_deref()
            .is_some_and(|b| b.contains("\"ties\""))
    );
    assert!(newest.after.is_none());
}

/// Search ignores diacritics and finds names in any script, by part of a name.
pub async fn search(store: &dyn Store) {
    seed(store).await;
    let ids = |hits: Vec<crate::SearchHit>| hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    assert!(ids(store.search("Hrib", 10).await.expect("searches")).contains(&"hrib".to_owned()));
    assert!(ids(store.search("布拉格", 10).await.expect("searches")).contains(&"praha".to_owned()));
    assert!(ids(store.search("北京", 10).await.expect("searches")).contains(&"beijing".to_owned()));
    assert!(store.search("zzzz", 10).await.expect("searches").is_empty());
    assert!(store.search("  ", 10).await.expect("searches").is_empty());
}

fn queued(key: &str, name: &str, occurrences: i64) -> QueuedName {
    QueuedName {
        key: key.into(),
        name: name.into(),
        country: Some("CZ".into()),
        batch: "b1".into(),
        line: 2,
        occurrences,
        best_guess: None,
    }
}

fn import_run() -> ImportRun {
    ImportRun {
        format: "test".into(),
        file: "test.csv".into(),
        sha256: "0".repeat(64),
        report: serde_json::json!({"rows": 1}),
    }
}

/// The unresolved queue lists the most named first; an import replaces its batch's
/// entries; a decision is remembered and takes its name off the queue.
pub async fn resolution_queue(store: &dyn Store) {
    let run = import_run();
    let empty = Dataset::default();
    let first = [queued("brno|cz", "Brno", 1), queued("plzen|cz", "Plzeň", 5)];
    let import = ImportWrite {
        records: &empty,
        batch: "b1",
        queue: &first,
        run: &run,
    };
    store
        .apply_import(import, &change("import"))
        .await
        .expect("imports");
    let names: Vec<String> = store
        .unresolved(10)
        .await
        .expect("queue")
        .into_iter()
        .map(|q| q.name)
        .collect();
    assert_eq!(names, ["Plzeň", "Brno"]);
    assert_eq!(store.unresolved(1).await.expect("queue").len(), 1);

    let second = [queued("brno|cz", "Brno", 2)];
    let import = ImportWrite {
        records: &empty,
        batch: "b1",
        queue: &second,
        run: &run,
    };
    store
        .apply_import(import, &change("again"))
        .await
        .expect("imports");
    assert_eq!(store.unresolved(10).await.expect("queue"), second.to_vec());

    let version = store.version().await.expect("version");
    let decision = NameDecision::Geonames(3_078_610);
    store
        .record_decision("brno|cz", &decision, &change("decide"))
        .await
        .expect("decides");
    assert!(store.unresolved(10).await.expect("queue").is_empty());
    assert_eq!(
        store.decisions().await.expect("decisions"),
        [("brno|cz".to_owned(), decision)]
    );
    let replaced = NameDecision::Place("praha".into());
    store
        .record_decision("brno|cz", &replaced, &change("decide again"))
        .await
        .expect("decides");
    assert_eq!(
        store.decisions().await.expect("decisions"),
        [("brno|cz".to_owned(), replaced)]
    );
    assert!(store.version().await.expect("version") > version);
    let newest = &store.audit_log(1).await.expect("audit")[0];
    assert_eq!(newest.action, "decided");
    assert_eq!(newest.before.as_deref(), Some("3078610"));
}

/// A merge moves every reference and combines ties that become one; data from before the
/// merge re-applies without changing anything; a merged id is redirected; unmerge restores
/// exactly what was there, and refuses when the records changed since.
pub async fn merge_redirect_unmerge(store: &dyn Store) {
    let before = seed(store).await;
    let report = store
        .merge(RecordKind::Place, "prag", "praha", &change("merge"))
        .await
        .expect("merges");
    assert_eq!(report.combined_ties, ["beijing--prag -> beijing--praha"]);
    assert_eq!(report.moved.get("tie"), Some(&2));
    let after = store.load().await.expect("loads");
    assert!(after.places.iter().all(|p| p.id != "prag"));
    let praha = after
        .places
        .iter()
        .find(|p| p.id == "praha")
        .expect("praha");
    assert_eq!(praha.former_ids, ["prag"]);
    let mut without_redirects = after.clone();
    without_redirects
        .places
        .iter_mut()
        .for_each(|p| p.former_ids.clear());
    let text = format!("{without_redirects:?}");
    assert!(
        !text.contains("\"prag\""),
        "a reference to prag is left: {text}"
    );
    let tie = after
        .ties
        .iter()
        .find(|t| t.id == "beijing--praha")
        .expect("the combined tie");
    assert_eq!(tie.themes, ["culture", "economy"]);
    assert_eq!(tie.evidence[0].listed_by.as_deref(), Some("praha"));
    assert_eq!(after.memberships.len(), 1);
    assert_eq!(after.memberships[0].sources, ["s1", "s2"]);
    let moved = after
        .ties
        .iter()
        .find(|t| t.id == "prag--taipei")
        .expect("moved tie");
    assert_eq!((moved.a.as_str(), moved.b.as_str()), ("praha", "taipei"));
    assert!(
        store
            .audit_log(100)
            .await
            .expect("audit")
            .iter()
            .any(|e| e.action == "merged")
    );

    // The data from before the merge changes nothing now.
    let again = store
        .apply(&before, &change("old data"))
        .await
        .expect("old data applies");
    assert_eq!(again.n_created() + again.n_updated(), 0, "{again:?}");
    assert_eq!(store.load().await.expect("loads"), after);
    // A new record naming the merged id is redirected.
    let mut new = Dataset::default();
    new.places.push(
        serde_json::from_value(serde_json::json!({"id": "praha-2", "level": "district",
            "name": "Praha 2", "parent": "prag", "sources": ["s1"]}))
        .expect("a place"),
    );
    store
        .apply(&new, &change("redirect"))
        .await
        .expect("applies");
    let loaded = store.load().await.expect("loads");
    let district = loaded
        .places
        .iter()
        .find(|p| p.id == "praha-2")
        .expect("stored");
    assert_eq!(district.parent.as_deref(), Some("praha"));
    // Other content under the merged id is refused, naming the merge.
    let mut changed = Dataset::default();
    let mut prag = before
        .places
        .iter()
        .find(|p| p.id == "prag")
        .cloned()
        .expect("prag");
    prag.name = "Prag (edited)".into();
    changed.places.push(prag);
    match store.apply(&changed, &change("edit merged")).await {
        Err(StoreError::Invalid(invalid)) => {
            assert!(
                invalid.0.iter().any(|v| v.problem.contains("unmerge")),
                "{invalid:?}"
            );
        }
        other => panic!("editing a merged record must be refused, got {other:?}"),
    }
    store
        .delete(RecordKind::Place, "praha-2", &change("tidy"))
        .await
        .expect("deletes");

    // An edit since the merge blocks the unmerge.
    let mut edit = Dataset::default();
    let mut moved = moved.clone();
    moved.themes.push("trade".into());
    edit.ties.push(moved.clone());
    store.apply(&edit, &change("edit")).await.expect("applies");
    match store
        .unmerge(RecordKind::Place, "prag", &change("unmerge"))
        .await
    {
        Err(StoreError::Conflict(message)) => {
            assert!(message.contains("prag--taipei"), "{message}")
        }
        other => panic!("unmerge after an edit must conflict, got {other:?}"),
    }
    moved.themes.pop();
    let mut undo = Dataset::default();
    undo.ties.push(moved);
    store
        .apply(&undo, &change("undo edit"))
        .await
        .expect("applies");

    store
        .unmerge(RecordKind::Place, "prag", &change("unmerge"))
        .await
        .expect("unmerges");
    assert_eq!(store.load().await.expect("loads"), before);
    assert!(matches!(
        store
            .unmerge(RecordKind::Place, "prag", &change("twice"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .merge(
                RecordKind::Tie,
                "beijing--prag",
                "beijing--praha",
                &change("tie")
            )
            .await,
        Err(StoreError::Unsupported { .. })
    ));
    assert!(matches!(
        store
            .merge(RecordKind::Place, "nowhere", "praha", &change("unknown"))
            .await,
        Err(StoreError::NotFound { .. })
    ));

    // Actors merge too.
    store
        .merge(
            RecordKind::Actor,
            "zdenek-hrib",
            "hrib",
            &change("merge actor"),
        )
        .await
        .expect("merges actors");
    let merged = store.load().await.expect("loads");
    assert_eq!(merged.actors.len(), 1);
    assert_eq!(merged.actors[0].former_ids, ["zdenek-hrib"]);
    assert_eq!(merged.figures[0].reporter.as_deref(), Some("hrib"));
    assert!(merged.relations.iter().all(|r| r.from == "hrib"));
}

/// A referenced record cannot be deleted, and the refusal lists every referrer; an
/// unreferenced one can.
pub async fn delete(store: &dyn Store) {
    seed(store).await;
    match store
        .delete(RecordKind::Place, "prag", &change("delete"))
        .await
    {
        Err(error @ StoreError::Referenced { .. }) => {
            assert!(error.is_user_error());
            let StoreError::Referenced { referrers, .. } = error else {
                unreachable!("matched above")
            };
            for expected in [
                (RecordKind::Place, "praha-1"),
                (RecordKind::Tie, "beijing--prag"),
                (RecordKind::Tie, "prag--taipei"),
                (RecordKind::Membership, "c40|prag"),
                (RecordKind::Relation, "hrib|mayor_of|prag|2018-11"),
                (RecordKind::Activity, "visit-2019"),
                (RecordKind::Document, "agreement-2016"),
            ] {
                assert!(
                    referrers
                        .iter()
                        .any(|(k, id)| (*k, id.as_str()) == expected),
                    "{expected:?} missing from {referrers:?}"
                );
            }
        }
        other => panic!("deleting a referenced place must be refused, got {other:?}"),
    }
    assert!(
        store
            .load()
            .await
            .expect("loads")
            .places
            .iter()
            .any(|p| p.id == "prag")
    );
    let report = store
        .delete(RecordKind::Place, "praha-1", &change("delete"))
        .await
        .expect("an unreferenced place deletes");
    assert_eq!(report.removed.get("place"), Some(&1));
    assert!(
        store
            .load()
            .await
            .expect("loads")
            .places
            .iter()
            .all(|p| p.id != "praha-1")
    );
    assert!(matches!(
        store
            .delete(RecordKind::Place, "praha-1", &change("again"))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

/// The version grows with every write that changes something, and only then.
pub async fn version(store: &dyn Store) {
    let start = store.version().await.expect("version");
    seed(store).await;
    let seeded_version = store.version().await.expect("version");
    assert!(seeded_version > start);
    store
        .apply(&fixture::dataset(), &change("again"))
        .await
        .expect("applies");
    assert_eq!(store.version().await.expect("version"), seeded_version);
    store
        .delete(RecordKind::Figure, "cz-ties-2019", &change("delete"))
        .await
        .expect("deletes");
    let deleted = store.version().await.expect("version");
    assert!(deleted > seeded_version);
    store
        .merge(RecordKind::Place, "prag", "praha", &change("merge"))
        .await
        .expect("merges");
    assert!(store.version().await.expect("version") > deleted);
}

/// Every stored audit entry chains to the one before it, across every kind of write
/// (records, decisions, users, tokens, proposals), and the chain verifies.
pub async fn audit_chain(store: &dyn Store) {
    use crate::chain::Verifier;
    seed(store).await;
    let user = crate::User {
        name: "ana".into(),
        role: crate::Role::Editor,
        password_hash: None,
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    store.add_user(&user, &change("user")).await.expect("adds");
    store
        .delete(
            RecordKind::Figure,
            &fixture::dataset().figures[0].id,
            &change("delete"),
        )
        .await
        .expect("deletes");
    let rows = store.audit_chain(0, u32::MAX).await.expect("reads");
    assert!(rows.len() > 2, "{rows:?}");
    let mut verifier = Verifier::default();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.seq, i as i64 + 1, "entries are numbered without gaps");
        assert!(row.hash.is_some(), "entry {} has a hash", row.seq);
        verifier.push(row);
    }
    let report = verifier.finish();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.n_entries as usize, rows.len());
    // Paging: the entries after a seq.
    let tail = store
        .audit_chain(rows.len() as i64 - 1, 10)
        .await
        .expect("reads");
    assert_eq!(tail, rows[rows.len() - 1..].to_vec());
    // A changed field breaks the chain at that entry.
    let mut altered = rows.clone();
    altered[1].who = "mallory".into();
    let mut verifier = Verifier::default();
    altered.iter().for_each(|r| verifier.push(r));
    assert_eq!(verifier.finish().first_broken.expect("broken").seq, 2);
}

/// Users and tokens are stored as given, found by name and by hash, and each change is
/// audited without secrets.
pub async fn accounts(store: &dyn Store) {
    use crate::{Role, Token, User};
    let ana = User {
        name: "ana".into(),
        role: Role::Editor,
        password_hash: Some("$argon2id$v=19$secret".into()),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    store.add_user(&ana, &change("user")).await.expect("adds");
    let again = store.add_user(&ana, &change("user")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.user("ana").await.expect("reads"), Some(ana.clone()));
    assert_eq!(store.user("bob").await.expect("reads"), None);
    store
        .set_role("ana", Role::Reviewer, &change("role"))
        .await
        .expect("sets");
    assert_eq!(store.users().await.expect("lists")[0].role, Role::Reviewer);
    let missing = store.set_role("bob", Role::Admin, &change("role")).await;
    assert!(
        matches!(missing, Err(StoreError::Missing { .. })),
        "{missing:?}"
    );
    // The last admin cannot be demoted, by the store itself (atomically); a second admin
    // makes it possible.
    store
        .set_role("ana", Role::Admin, &change("role"))
        .await
        .expect("sets");
    let version = store.version().await.expect("version");
    let last = store.set_role("ana", Role::Editor, &change("role")).await;
    assert!(matches!(last, Err(StoreError::Conflict(_))), "{last:?}");
    assert_eq!(store.version().await.expect("version"), version);
    assert_eq!(
        store.user("ana").await.expect("reads").expect("ana").role,
        Role::Admin
    );
    let bob = User {
        name: "bob".into(),
        role: Role::Admin,
        password_hash: None,
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    store.add_user(&bob, &change("user")).await.expect("adds");
    store
        .set_role("ana", Role::Reviewer, &change("role"))
        .await
        .expect("another admin remains");
    let last = store.set_role("bob", Role::Viewer, &change("role")).await;
    assert!(matches!(last, Err(StoreError::Conflict(_))), "{last:?}");
    store
        .set_password("ana", None, &change("password"))
        .await
        .expect("clears");
    assert_eq!(
        store
            .user("ana")
            .await
            .expect("reads")
            .expect("ana")
            .password_hash,
        None
    );

    let token = Token {
        id: "t1".into(),
        user: "ana".into(),
        sha256: "ab".repeat(32),
        created_at: "2026-01-01T00:00:00Z".into(),
        expires: Some("2027-01-01".into()),
        revoked_at: None,
    };
    store
        .add_token(&token, &change("token"))
        .await
        .expect("adds");
    let orphan = Token {
        id: "t2".into(),
        user: "nobody".into(),
        sha256: "cd".repeat(32),
        ..token.clone()
    };
    assert!(matches!(
        store.add_token(&orphan, &change("token")).await,
        Err(StoreError::Missing { .. })
    ));
    assert_eq!(
        store.token_by_hash(&token.sha256).await.expect("finds"),
        Some(token.clone())
    );
    assert_eq!(
        store.token_by_hash(&"00".repeat(32)).await.expect("finds"),
        None
    );
    store
        .revoke_token("t1", "2026-02-01T00:00:00Z", &change("revoke"))
        .await
        .expect("revokes");
    let revoked = store
        .token_by_hash(&token.sha256)
        .await
        .expect("finds")
        .expect("kept");
    assert_eq!(revoked.revoked_at.as_deref(), Some("2026-02-01T00:00:00Z"));
    assert!(matches!(
        store
            .revoke_token("t1", "2026-02-02T00:00:00Z", &change("revoke"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .revoke_token("t9", "2026-02-02T00:00:00Z", &change("revoke"))
            .await,
        Err(StoreError::Missing { .. })
    ));
    assert_eq!(store.tokens().await.expect("lists").len(), 1);
    let log = store.audit_log(100).await.expect("reads");
    assert!(
        log.iter()
            .any(|e| e.record_kind == "user" && e.record_id == "ana")
    );
    assert!(
        log.iter()
            .any(|e| e.record_kind == "token" && e.record_id == "t1")
    );
    for entry in &log {
        for state in [&entry.before, &entry.after].into_iter().flatten() {
            assert!(
                !state.contains("argon2") && !state.contains(&token.sha256),
                "{state}"
            );
        }
    }
}

/// A proposal is stored open; approving it applies its change and marks it approved in one
/// transaction, and a reviewed proposal cannot be reviewed again.
pub async fn proposals(store: &dyn Store) {
    use crate::{Approved, Proposal, ProposalStatus, Review};
    let data = fixture::dataset();
    let new = |comment: &str| Proposal {
        id: 0,
        author: "ana".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        comment: comment.into(),
        change: r#"{"operation":"apply","bundle":""}"#.into(),
        diff: "[]".into(),
        status: ProposalStatus::Open,
        reviewer: None,
        review_comment: None,
        reviewed_at: None,
    };
    let first = store
        .add_proposal(&new("first"), &change("propose"))
        .await
        .expect("adds");
    let second = store
        .add_proposal(&new("second"), &change("propose"))
        .await
        .expect("adds");
    assert_ne!(first, second);
    let open = store
        .proposals(Some(ProposalStatus::Open))
        .await
        .expect("lists");
    assert_eq!(
        open.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    let review = |id| Review {
        id,
        reviewer: "rita",
        comment: "fine",
        at: "2026-01-02T00:00:00Z",
    };
    let report = store
        .approve_proposal(
            review(first),
            Approved::Apply(&data),
            &[],
            &change("approve"),
        )
        .await
        .expect("approves");
    assert!(
        matches!(report, crate::ApprovedReport::Applied(r) if r.n_created() as usize == data.len())
    );
    assert_eq!(store.load().await.expect("loads"), sorted(data.clone()));
    let stored = store.proposal(first).await.expect("reads").expect("kept");
    assert_eq!(stored.status, ProposalStatus::Approved);
    assert_eq!(stored.reviewer.as_deref(), Some("rita"));
    // Approving again is refused, and applies nothing.
    let version = store.version().await.expect("version");
    let again = store
        .approve_proposal(
            review(first),
            Approved::Apply(&Dataset::default()),
            &[],
            &change("again"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.version().await.expect("version"), version);
    // An approval that expects a record in another state than the stored one is refused as
    // stale, inside its transaction, and writes nothing.
    let place = &data.places[0];
    let expected = [crate::ExpectedRecord {
        kind: crate::RecordKind::Place,
        key: place.id.to_string(),
        json: None,
    }];
    let mut renamed = data.clone();
    renamed.places[0].name = format!("{} (renamed)", place.name);
    let stale = store
        .approve_proposal(
            review(second),
            Approved::Apply(&renamed),
            &expected,
            &change("approve"),
        )
        .await;
    assert!(
        matches!(&stale, Err(StoreError::Stale { records }) if records.len() == 1),
        "{stale:?}"
    );
    assert_eq!(store.version().await.expect("version"), version);
    assert_eq!(store.load().await.expect("loads"), sorted(data.clone()));
    // A failing change leaves the proposal open.
    let mut invalid = data.clone();
    invalid.ties[0].a = "nowhere".into();
    let failed = store
        .approve_proposal(
            review(second),
            Approved::Apply(&invalid),
            &[],
            &change("approve"),
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(
        store
            .proposal(second)
            .await
            .expect("reads")
            .expect("kept")
            .status,
        ProposalStatus::Open
    );
    store
        .reject_proposal(review(second), &change("reject"))
        .await
        .expect("rejects");
    assert_eq!(
        store
            .proposal(second)
            .await
            .expect("reads")
            .expect("kept")
            .status,
        ProposalStatus::Rejected
    );
    assert!(matches!(
        store
            .reject_proposal(review(second), &change("reject"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.reject_proposal(review(999), &change("reject")).await,
        Err(StoreError::Missing { .. })
    ));
    assert_eq!(store.proposal(999).await.expect("reads"), None);
}

/// Searches give the same hits in the same order on every backend (the rule of
/// `polis_store::search`): Latin with diacritics, Cyrillic, Han, prefixes, several words,
/// and search syntax of either backend in user text, which stays inert.
pub async fn search_order(store: &dyn Store) {
    seed(store).await;
    let more = Dataset {
        places: serde_json::from_value(serde_json::json!([
            {"id": "plzen", "level": "city", "name": "Plzeň", "country": "CZ", "sources": ["s1"]},
            {"id": "plzen-sever", "level": "district", "name": "Plzeň-Sever", "country": "CZ",
             "parent": "plzen", "sources": ["s1"]},
            {"id": "kyiv", "level": "city", "name": "Київ", "country": "UA",
             "names": [{"text": "Kyiv", "lang": "en"}], "sources": ["s1"]},
        ]))
        .expect("places"),
        ..Dataset::default()
    };
    store
        .apply(&more, &change("more places"))
        .await
        .expect("applies");
    let cases: &[(&str, &[&str])] = &[
        ("Plzen", &["plzen", "plzen-sever"]),
        ("plz", &["plzen", "plzen-sever"]),
        ("PLZEŇ", &["plzen", "plzen-sever"]),
        ("sever plzeň", &["plzen-sever"]),
        ("КИЇВ", &["kyiv"]),
        ("ки", &["kyiv"]),
        ("kyi", &["kyiv"]),
        ("布拉格", &["praha"]),
        ("拉", &["praha"]),
        ("北京", &["beijing"]),
        ("pra", &["prag", "praha-1", "praha"]),
        ("praha", &["praha-1", "praha"]),
        ("hrib", &["zdenek-hrib", "hrib"]),
        ("Hřib Zdeněk", &["zdenek-hrib", "hrib"]),
        ("sister-city", &["agreement-2016"]),
        ("friendship", &["agreement-2016#1"]),
        ("c40 \"", &["c40"]),
        ("\"pra*\" OR (", &[]),
        ("pra* NEAR(x)", &[]),
        ("pra:* & !", &["prag", "praha-1", "praha"]),
        ("'praha' | \\", &["praha-1", "praha"]),
        ("*", &[]),
        ("zzzz", &[]),
    ];
    for (query, expected) in cases {
        let hits = store.search(query, 10).await.expect("searches");
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(&ids, expected, "search {query:?}");
    }
    let limited = store.search("pra", 2).await.expect("searches");
    assert_eq!(
        limited.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["prag", "praha-1"]
    );
}

/// Everything one store holds, copied into another (`Transfer`), is read back the same,
/// loads the same records, keeps a verifying audit chain, and the copy keeps working:
/// an unmerge of a merge made before the copy, new proposals numbered after the copied.
pub async fn transfer(from: &dyn Store, to: &dyn Store) {
    use crate::chain::Verifier;
    assert!(
        from.is_empty().await.expect("asks"),
        "the source starts empty"
    );
    assert!(
        to.is_empty().await.expect("asks"),
        "the target starts empty"
    );
    seed(from).await;
    from.merge(RecordKind::Place, "prag", "praha", &change("merge"))
        .await
        .expect("merges");
    let run = import_run();
    let queue = [queued("plzen|cz", "Plzeň", 4)];
    from.apply_import(
        ImportWrite {
            records: &Dataset::default(),
            batch: "b1",
            queue: &queue,
            run: &run,
        },
        &change("import"),
    )
    .await
    .expect("imports");
    from.record_decision(
        "brno|cz",
        &NameDecision::Geonames(3_078_610),
        &change("decide"),
    )
    .await
    .expect("decides");
    let ana = crate::User {
        name: "ana".into(),
        role: crate::Role::Editor,
        password_hash: Some("$argon2id$v=19$x".into()),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    from.add_user(&ana, &change("user")).await.expect("adds");
    let token = crate::Token {
        id: "t1".into(),
        user: "ana".into(),
        sha256: "ab".repeat(32),
        created_at: "2026-01-01T00:00:00Z".into(),
        expires: None,
        revoked_at: None,
    };
    from.add_token(&token, &change("token"))
        .await
        .expect("adds");
    let proposal = crate::Proposal {
        id: 0,
        author: "ana".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        comment: "a comment, with \"quotes\"".into(),
        change: r#"{"operation":"apply","bundle":""}"#.into(),
        diff: "[]".into(),
        status: crate::ProposalStatus::Open,
        reviewer: None,
        review_comment: None,
        reviewed_at: None,
    };
    let first = from
        .add_proposal(&proposal, &change("propose"))
        .await
        .expect("proposes");
    assert!(!from.is_empty().await.expect("asks"));

    let contents = from.read_all().await.expect("reads");
    to.replace_all(&contents).await.expect("writes");
    assert!(!to.is_empty().await.expect("asks"));
    assert_eq!(to.read_all().await.expect("reads"), contents);
    assert_eq!(
        to.load().await.expect("loads"),
        from.load().await.expect("loads")
    );
    assert_eq!(
        to.version().await.expect("version"),
        from.version().await.expect("version")
    );
    assert_eq!(
        to.search("布拉格", 10).await.expect("searches"),
        from.search("布拉格", 10).await.expect("searches")
    );
    let mut verifier = Verifier::default();
    for row in to.audit_chain(0, u32::MAX).await.expect("reads") {
        verifier.push(&row);
    }
    let report = verifier.finish();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.n_entries as usize, contents.audit.len());

    // The copy goes on where the original stopped.
    let second = to
        .add_proposal(&proposal, &change("propose"))
        .await
        .expect("proposes");
    assert!(second > first, "{second} after {first}");
    to.unmerge(RecordKind::Place, "prag", &change("unmerge"))
        .await
        .expect("the merge made before the copy undoes");
    let mut verifier = Verifier::default();
    for row in to.audit_chain(0, u32::MAX).await.expect("reads") {
        verifier.push(&row);
    }
    assert!(verifier.finish().is_intact());
    // Replacing a store that is not empty replaces everything in it.
    to.replace_all(&contents).await.expect("writes again");
    assert_eq!(to.read_all().await.expect("reads"), contents);
}

/// Two handles on one database (two servers, or a server and the command line), each
/// keeping its own copy of the records between operations (`crate::cache`): each sees the
/// other's writes, so what either loads is always what the database holds; the search
/// index follows single edits (a document's articles with it); an entry that changes no
/// record leaves `data_version` where it was, and one that does moves it.
pub async fn two_handles(a: &dyn Store, b: &dyn Store) {
    async fn held(store: &dyn Store) -> Dataset {
        store.read_all().await.expect("reads everything").records
    }
    async fn hits(store: &dyn Store, query: &str) -> Vec<String> {
        let hits = store.search(query, 10).await.expect("searches");
        hits.into_iter().map(|h| h.id).collect()
    }
    let data = seed(a).await;
    assert_eq!(a.load().await.expect("loads"), data);
    assert_eq!(b.load().await.expect("loads"), data);
    let before = a.data_version().await.expect("data version");

    // No record changes: the data version stays, the version moves.
    let version = a.version().await.expect("version");
    b.record_decision(
        "ghost|cz",
        &NameDecision::Place("praha".into()),
        &change("decide"),
    )
    .await
    .expect("decides");
    assert!(a.version().await.expect("version") > version);
    assert_eq!(a.data_version().await.expect("data version"), before);
    assert_eq!(a.load().await.expect("loads"), data);

    // b renames a place and a document and adds a place; a sees all three.
    let mut edited = Dataset::default();
    let mut taipei = data
        .places
        .iter()
        .find(|p| p.id == "taipei")
        .cloned()
        .expect("taipei");
    taipei.name = "Taipei City".into();
    let mut added = taipei.clone();
    added.id = "kaohsiung".into();
    added.name = "Kaohsiung".into();
    edited.places = vec![taipei, added];
    let mut agreement = data.documents[0].clone();
    agreement.title = "Friendship charter".into();
    agreement.articles[0].text = "Eternal cooperation.".into();
    edited.documents.push(agreement);
    b.apply(&edited, &change("edit")).await.expect("applies");
    let after_edit = a.data_version().await.expect("data version");
    assert!(after_edit > before);
    let loaded = a.load().await.expect("loads");
    assert_eq!(loaded, held(b).await);
    assert!(loaded.places.iter().any(|p| p.name == "Taipei City"));
    assert!(loaded.places.iter().any(|p| p.id == "kaohsiung"));
    for store in [a, b] {
        assert_eq!(hits(store, "kaohsiung").await, ["kaohsiung"]);
        assert_eq!(hits(store, "taipei city").await, ["taipei"]);
        assert_eq!(hits(store, "eternal").await, ["agreement-2016#1"]);
        assert!(
            hits(store, "friendship")
                .await
                .iter()
                .all(|id| id != "agreement-2016#1")
        );
        assert_eq!(hits(store, "charter").await, ["agreement-2016"]);
    }

    // a writes next, on its caught-up copy; b deletes; a merges; b sees each.
    let mut renamed = Dataset::default();
    let mut beijing = loaded
        .places
        .iter()
        .find(|p| p.id == "beijing")
        .cloned()
        .expect("beijing");
    beijing.name = "Peking".into();
    renamed.places.push(beijing);
    a.apply(&renamed, &change("rename")).await.expect("applies");
    assert_eq!(b.load().await.expect("loads"), held(a).await);
    b.delete(RecordKind::Place, "kaohsiung", &change("delete"))
        .await
        .expect("deletes");
    assert_eq!(a.load().await.expect("loads"), held(a).await);
    assert!(hits(a, "kaohsiung").await.is_empty());
    // b keeps a copy again (a write that changes nothing), which must learn of a's merge.
    b.apply(&renamed, &change("again")).await.expect("applies");
    a.merge(RecordKind::Place, "prag", "praha", &change("merge"))
        .await
        .expect("merges");
    assert_eq!(b.load().await.expect("loads"), held(b).await);
    b.unmerge(RecordKind::Place, "prag", &change("unmerge"))
        .await
        .expect("unmerges");
    assert_eq!(a.load().await.expect("loads"), held(a).await);

    // A refused write leaves both copies right.
    let mut invalid = Dataset::default();
    let mut tie = data.ties[0].clone();
    tie.b = "nowhere".into();
    invalid.ties.push(tie);
    assert!(a.apply(&invalid, &change("invalid")).await.is_err());
    assert_eq!(a.load().await.expect("loads"), held(a).await);
    assert_eq!(b.load().await.expect("loads"), held(a).await);
}

/// Readers of one handle (version checks, checks of a change, full loads) while a writer of
/// the same handle applies changes: each reads the copy of the records the handle keeps
/// between operations, and none reads every record from the database again because the
/// writer had the copy taken (a version check did that, hundreds of milliseconds of
/// decoding on the world dataset for every change a server approved). `n_full_loads`
/// counts the handle's reads of every record.
pub async fn readers_while_writing(store: &dyn Store, n_full_loads: &(dyn Fn() -> u64 + Sync)) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let data = seed(store).await;
    let first = store.data_version().await.expect("data version");
    let before = n_full_loads();
    let template = data
        .places
        .iter()
        .find(|p| p.id == "taipei")
        .cloned()
        .expect("taipei");
    let with_place = |id: String| {
        let mut place = template.clone();
        place.name = format!("Place {id}");
        place.id = id;
        Dataset {
            places: vec![place],
            ..Dataset::default()
        }
    };
    let done = AtomicBool::new(false);
    let n_reads = AtomicUsize::new(0);
    let writing = async {
        for n in 0..10 {
            store
                .apply(&with_place(format!("written-{n}")), &change("write"))
                .await
                .expect("applies");
        }
        done.store(true, Ordering::SeqCst);
    };
    let reading = async {
        while !done.load(Ordering::SeqCst) {
            let version = store.data_version().await.expect("data version");
            assert!(version >= first);
            let loaded = store.load().await.expect("loads");
            assert!(loaded.places.len() >= data.places.len());
            store
                .check(&with_place("checked".into()))
                .await
                .expect("checks");
            n_reads.fetch_add(1, Ordering::SeqCst);
        }
    };
    tokio::join!(writing, reading);
    assert!(n_reads.load(Ordering::SeqCst) > 0, "no reader ran");
    assert_eq!(
        n_full_loads(),
        before,
        "readers read every record again while a writer had the copy taken"
    );
    let loaded = store.load().await.expect("loads");
    assert_eq!(loaded.places.len(), data.places.len() + 10);
    assert!(store.data_version().await.expect("data version") > first);
}
