//! The team commands (`user`, `token`, `propose`, `review`, `audit verify`): each parses its
//! flags, calls the service layer as the acting principal, and prints the answer. The rules
//! (who may do what, staleness, the last admin) are all in `polis_app`.

use std::io::Read as _;

use anyhow::Context as _;
use polis_app::{
    App, AuditVerification, ChangeView, Principal, ProposalStatus, ProposalView, ProposedChange,
    RecordKind, RecordWrite, ReviewOutcome,
};
use polis_core::TieEvent;

use crate::OrCli as _;
use crate::cli::{Acting, AuditCommand, ProposeArgs, ReviewCommand, TokenCommand, UserCommand};
use crate::output::{print_json, table};

/// The principal a command acts as: `--as USER` (a stored user, with their role), or the
/// local admin `cli:<OS user>`, who may do anything the rules let an admin do.
async fn principal(app: &App, acting: &Acting) -> anyhow::Result<Principal> {
    match &acting.as_user {
        Some(name) => app.act_as(name).await.cli(),
        None => Ok(Principal::local_admin(&crate::who())),
    }
}

pub async fn user(app: &App, command: UserCommand) -> anyhow::Result<()> {
    let admin = Principal::local_admin(&crate::who());
    match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
            json,
        } => {
            let password = if password_stdin {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("cannot read the password from standard input")?;
                Some(text.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let user = app
                .add_user(&admin, &name, role, password.as_deref())
                .await
                .cli()?;
            if json {
                return print_json(&user);
            }
            out!("added user {} as {}", user.name, user.role);
            Ok(())
        }
        UserCommand::List { json } => {
            let users = app.users(&admin).await.cli()?;
            if json {
                return print_json(&users);
            }
            let rows: Vec<Vec<String>> = users
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.role.clone(),
                        if u.has_password { "yes" } else { "no" }.to_owned(),
                        u.created_at.clone(),
                    ]
                })
                .collect();
            table(&["name", "role", "password", "created"], &rows);
            out!("{} user(s)", users.len());
            Ok(())
        }
        UserCommand::SetRole {
            name,
            role,
            acting,
            json,
        } => {
            let principal = principal(app, &acting).await?;
            let user = app.set_role(&principal, &name, role).await.cli()?;
            if json {
                return print_json(&user);
            }
            out!("{} is now {}", user.name, user.role);
            Ok(())
        }
    }
}

pub async fn token(app: &App, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            user,
            expires,
            acting,
            json,
        } => {
            let principal = principal(app, &acting).await?;
            let created = app.create_token(&principal, &user, expires).await.cli()?;
            if json {
                return print_json(&created);
            }
            out!("{}", created.secret);
            eprintln!(
                "token {} for {} ({}): the secret above is shown once and not stored; send it as `Authorization: Bearer <secret>`",
                created.id,
                created.user,
                match &created.expires {
                    Some(day) => format!("valid through {day}"),
                    None => "no expiry".to_owned(),
                }
            );
            Ok(())
        }
        TokenCommand::List { acting, json } => {
            let principal = principal(app, &acting).await?;
            let tokens = app.tokens(&principal).await.cli()?;
            if json {
                return print_json(&tokens);
            }
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.clone(),
                        t.user.clone(),
                        t.created_at.clone(),
                        t.expires.clone().unwrap_or_else(|| "-".to_owned()),
                        t.revoked_at.clone().unwrap_or_else(|| "-".to_owned()),
                    ]
                })
                .collect();
            table(&["id", "user", "created", "expires", "revoked"], &rows);
            out!("{} token(s)", tokens.len());
            Ok(())
        }
        TokenCommand::Revoke { id, acting } => {
            let principal = principal(app, &acting).await?;
            app.revoke_token(&principal, &id).await.cli()?;
            out!("revoked token {id}");
            Ok(())
        }
    }
}

fn kind(text: &str) -> anyhow::Result<RecordKind> {
    text.parse::<RecordKind>().map_err(anyhow::Error::new)
}

pub async fn propose(app: &App, args: ProposeArgs) -> anyhow::Result<()> {
    if let Some(tie) = &args.event {
        let event = TieEvent {
            kind: args
                .event_kind
                .context("--event needs --event-kind: what happened")?,
            date: args.date,
            side: args.side.clone(),
            actor: args.actor.clone(),
            reason: args.reason.clone(),
            document: args.document.clone(),
            sources: args.sources.clone(),
            disputed_by: Vec::new(),
        };
        let principal = principal(app, &args.acting).await?;
        let snapshot = app.snapshot().await.cli()?;
        let write = RecordWrite::AddTieEvent {
            tie: tie.clone(),
            event,
        };
        let proposal = app
            .propose_write(&principal, &snapshot, write, &args.comment, false)
            .await
            .cli()?;
        return print_proposed(&proposal, args.json);
    }
    let change = match (&args.file, &args.delete, &args.merge, &args.unmerge) {
        (Some(path), ..) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the bundle fragment {}", path.display()))?;
            let bundle = String::from_utf8(bytes)
                .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
            ProposedChange::Apply { bundle }
        }
        (None, Some(values), ..) => ProposedChange::Delete {
            kind: kind(&values[0])?,
            id: values[1].clone(),
        },
        (None, None, Some(values), _) => ProposedChange::Merge {
            kind: kind(&values[0])?,
            old: values[1].clone(),
            into: values[2].clone(),
        },
        (None, None, None, Some(values)) => ProposedChange::Unmerge {
            kind: kind(&values[0])?,
            old: values[1].clone(),
        },
        (None, None, None, None) => {
            anyhow::bail!("give a bundle fragment FILE, or --delete, --merge or --unmerge")
        }
    };
    let principal = principal(app, &args.acting).await?;
    // The command line never applies directly: that is a server setting for reviewers.
    let proposal = app
        .propose(&principal, change, &args.comment, false)
        .await
        .cli()?;
    print_proposed(&proposal, args.json)
}

fn print_proposed(proposal: &ProposalView, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(proposal);
    }
    out!(
        "proposal {} by {} ({}): {} record(s) would change; waiting for review (polis review show {})",
        proposal.id,
        proposal.author,
        proposal.operation,
        proposal.diff.len(),
        proposal.id
    );
    Ok(())
}

fn print_outcome(outcome: &ReviewOutcome, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(outcome);
    }
    out!(
        "proposal {} {}: {} created, {} updated, {} removed",
        outcome.id,
        outcome.status,
        outcome.n_created,
        outcome.n_updated,
        outcome.n_removed
    );
    Ok(())
}

fn print_changes(label: &str, changes: &[ChangeView]) {
    out!("{label}:");
    if changes.is_empty() {
        out!("  (nothing)");
    }
    for change in changes {
        let action = match (&change.before, &change.after) {
            (None, Some(_)) => "create",
            (Some(_), None) => "remove",
            _ => "update",
        };
        out!("  {action} {} {}", change.kind, change.key);
        if let Some(before) = &change.before {
            out!("    before: {before}");
        }
        if let Some(after) = &change.after {
            out!("    after:  {after}");
        }
    }
}

fn print_proposal(proposal: &ProposalView) {
    out!(
        "proposal {} ({}) by {} at {}: {}",
        proposal.id,
        proposal.status,
        proposal.author,
        proposal.created_at,
        proposal.operation
    );
    out!("comment: {}", proposal.comment);
    if let Some(reviewer) = &proposal.reviewer {
        out!(
            "reviewed by {reviewer} at {}: {}",
            proposal.reviewed_at.as_deref().unwrap_or("-"),
            proposal.review_comment.as_deref().unwrap_or("")
        );
    }
    print_changes("diff when proposed", &proposal.diff);
}

pub async fn review(app: &App, command: ReviewCommand) -> anyhow::Result<()> {
    match command {
        ReviewCommand::List {
            status,
            acting,
            json,
        } => {
            let principal = principal(app, &acting).await?;
            let status = status.as_deref().and_then(ProposalStatus::parse);
            let proposals = app.proposals(&principal, status).await.cli()?;
            if json {
                return print_json(&proposals);
            }
            let rows: Vec<Vec<String>> = proposals
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.status.clone(),
                        p.author.clone(),
                        p.operation.clone(),
                        p.diff.len().to_string(),
                        p.created_at.clone(),
                        p.comment.clone(),
                    ]
                })
                .collect();
            table(
                &[
                    "id",
                    "status",
                    "author",
                    "operation",
                    "records",
                    "created",
                    "comment",
                ],
                &rows,
            );
            out!("{} proposal(s)", proposals.len());
            Ok(())
        }
        ReviewCommand::Show { id, acting, json } => {
            let principal = principal(app, &acting).await?;
            let proposal = app.proposal(&principal, id).await.cli()?;
            if json {
                return print_json(&proposal);
            }
            print_proposal(&proposal);
            Ok(())
        }
        ReviewCommand::Approve {
            id,
            comment,
            acting,
            json,
        } => {
            let principal = principal(app, &acting).await?;
            match app.approve(&principal, id, &comment).await {
                Ok(outcome) => print_outcome(&outcome, json),
                Err(polis_app::AppError::Stale {
                    message,
                    proposed,
                    current,
                }) => {
                    if json {
                        print_json(&serde_json::json!({
                            "error": message,
                            "proposed": proposed,
                            "current": current,
                        }))?;
                    } else {
                        print_changes("proposed (the diff when it was proposed)", &proposed);
                        print_changes("current (the diff it would make now)", &current);
                    }
                    anyhow::bail!("{message}")
                }
                Err(error) => Err(error).cli(),
            }
        }
        ReviewCommand::Reject {
            id,
            comment,
            acting,
            json,
        } => {
            let principal = principal(app, &acting).await?;
            let outcome = app.reject(&principal, id, &comment).await.cli()?;
            print_outcome(&outcome, json)
        }
    }
}

pub async fn audit(app: &App, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { json } => {
            let admin = Principal::local_admin(&crate::who());
            let verification: AuditVerification = app.verify_audit(&admin).await.cli()?;
            if json {
                print_json(&verification)?;
            } else if verification.intact {
                out!(
                    "the audit log is intact: {} entries, each hashing the one before",
                    verification.n_entries
                );
            }
            if !verification.intact {
                anyhow::bail!(
                    "the audit log was tampered with at entry {} ({}): {}",
                    verification
                        .first_broken_seq
                        .map_or_else(|| "?".to_owned(), |seq| seq.to_string()),
                    verification.problem.as_deref().unwrap_or("?"),
                    verification.message.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
    }
}
