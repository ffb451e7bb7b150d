//! Users and API tokens on SQLite: rows only, each write audited in its transaction. The
//! rules about them live in the service layer.

use std::sync::Arc;

use polis_store::accounts::{token_audit_json, user_audit_json};
use polis_store::plan::{Action, AuditRow};
use polis_store::{Accounts, BoxFuture, ChangeContext, Role, StoreError, Token, User};
use sqlx::Row as _;

use super::{SqliteStore, db, insert_audit, now};

fn parse_role(text: &str, name: &str) -> Result<Role, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt {
        kind: "user",
        id: name.to_owned(),
        message: format!("unknown role '{text}'"),
    })
}

fn user_from(row: sqlx::sqlite::SqliteRow) -> Result<User, StoreError> {
    let name: String = row.try_get(0).map_err(db)?;
    let role: String = row.try_get(1).map_err(db)?;
    Ok(User {
        role: parse_role(&role, &name)?,
        name,
        password_hash: row.try_get(2).map_err(db)?,
        created_at: row.try_get(3).map_err(db)?,
    })
}

fn token_from(row: sqlx::sqlite::SqliteRow) -> Result<Token, StoreError> {
    Ok(Token {
        id: row.try_get(0).map_err(db)?,
        user: row.try_get(1).map_err(db)?,
        sha256: row.try_get(2).map_err(db)?,
        created_at: row.try_get(3).map_err(db)?,
        expires: row.try_get(4).map_err(db)?,
        revoked_at: row.try_get(5).map_err(db)?,
    })
}

const USER_COLUMNS: &str = "SELECT name, role, password_hash, created_at FROM users";
const TOKEN_COLUMNS: &str = "SELECT id, user, sha256, created_at, expires, revoked_at FROM tokens";

impl SqliteStore {
    async fn update_user(
        &self,
        name: &str,
        apply: impl FnOnce(&mut User),
        change: &ChangeContext,
    ) -> Result<(), StoreError> {
        // The write lock first, so the count of admins below cannot change before the
        // write: two simultaneous demotions of the last two admins cannot both pass.
        let mut tx = self
            .pool()
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{USER_COLUMNS} WHERE name = ?"
        )))
        .bind(name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(row) = row else {
            return Err(StoreError::Missing {
                what: "user",
                id: name.to_owned(),
            });
        };
        let before = user_from(row)?;
        let mut after = before.clone();
        apply(&mut after);
        if before.role == Role::Admin && after.role != Role::Admin {
            let n_admins: i64 =
                sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
            if n_admins <= 1 {
                return Err(StoreError::Conflict(format!(
                    "'{name}' is the last admin: make another user admin first"
                )));
            }
        }
        sqlx::query("UPDATE users SET role = ?, password_hash = ? WHERE name = ?")
            .bind(after.role.as_str())
            .bind(&after.password_hash)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let audit = AuditRow {
            record_kind: "user",
            key: name.to_owned(),
            action: Action::Updated,
            before: Some(user_audit_json(&before)),
            after: Some(Arc::from(user_audit_json(&after))),
        };
        insert_audit(&mut tx, &now(), change, std::slice::from_ref(&audit))
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }
}

impl Accounts for SqliteStore {
    fn add_user<'a>(
        &'a self,
        user: &'a User,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = self.pool().begin().await.map_err(db)?;
            let inserted = sqlx::query(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT(name) DO NOTHING",
            )
            .bind(&user.name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(&user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "a user named '{}' exists already",
                    user.name
                )));
            }
            let audit = AuditRow {
                record_kind: "user",
                key: user.name.clone(),
                action: Action::Created,
                before: None,
                after: Some(Arc::from(user_audit_json(user))),
            };
            insert_audit(&mut tx, &now(), change, std::slice::from_ref(&audit))
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)
        })
    }

    fn users(&self) -> BoxFuture<'_, Result<Vec<User>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} ORDER BY name")))
                .fetch_all(self.pool())
                .await
                .map_err(db)?;
            rows.into_iter().map(user_from).collect()
        })
    }

    fn user<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Option<User>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{USER_COLUMNS} WHERE name = ?"
            )))
            .bind(name)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?;
            row.map(user_from).transpose()
        })
    }

    fn set_role<'a>(
        &'a self,
        name: &'a str,
        role: Role,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.update_user(name, move |user| user.role = role, change))
    }

    fn set_password<'a>(
        &'a self,
        name: &'a str,
        password_hash: Option<&'a str>,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.update_user(
            name,
            move |user| user.password_hash = password_hash.map(str::to_owned),
            change,
        ))
    }

    fn add_token<'a>(
        &'a self,
        token: &'a Token,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            // The write lock first: this reads before it writes, and a read transaction
            // cannot take the write lock once another write has committed (SQLITE_BUSY).
            let mut tx = self
                .pool()
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(db)?;
            let known: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE name = ?")
                .bind(&token.user)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
            if known.is_none() {
                return Err(StoreError::Missing {
                    what: "user",
                    id: token.user.clone(),
                });
            }
            sqlx::query(
                "INSERT INTO tokens (id, user, sha256, created_at, expires, revoked_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&token.id)
            .bind(&token.user)
            .bind(&token.sha256)
            .bind(&token.created_at)
            .bind(&token.expires)
            .bind(&token.revoked_at)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let audit = AuditRow {
                record_kind: "token",
                key: token.id.clone(),
                action: Action::Created,
                before: None,
                after: Some(Arc::from(token_audit_json(token))),
            };
            insert_audit(&mut tx, &now(), change, std::slice::from_ref(&audit))
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)
        })
    }

    fn tokens(&self) -> BoxFuture<'_, Result<Vec<Token>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{TOKEN_COLUMNS} ORDER BY created_at DESC, id"
            )))
            .fetch_all(self.pool())
            .await
            .map_err(db)?;
            rows.into_iter().map(token_from).collect()
        })
    }

    fn token_by_hash<'a>(
        &'a self,
        sha256: &'a str,
    ) -> BoxFuture<'a, Result<Option<Token>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{TOKEN_COLUMNS} WHERE sha256 = ?"
            )))
            .bind(sha256)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?;
            row.map(token_from).transpose()
        })
    }

    fn revoke_token<'a>(
        &'a self,
        id: &'a str,
        at: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            // The write lock first: this reads before it writes, and a read transaction
            // cannot take the write lock once another write has committed (SQLITE_BUSY).
            let mut tx = self
                .pool()
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(db)?;
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("{TOKEN_COLUMNS} WHERE id = ?")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
            let Some(row) = row else {
                return Err(StoreError::Missing {
                    what: "token",
                    id: id.to_owned(),
                });
            };
            let before = token_from(row)?;
            if before.revoked_at.is_some() {
                return Err(StoreError::Conflict(format!(
                    "the token '{id}' was revoked already"
                )));
            }
            sqlx::query("UPDATE tokens SET revoked_at = ? WHERE id = ?")
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            let mut after = before.clone();
            after.revoked_at = Some(at.to_owned());
            let audit = AuditRow {
                record_kind: "token",
                key: id.to_owned(),
                action: Action::Updated,
                before: Some(token_audit_json(&before)),
                after: Some(Arc::from(token_audit_json(&after))),
            };
            insert_audit(&mut tx, &now(), change, std::slice::from_ref(&audit))
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)
        })
    }
}
