//! Accounts: users with a role, and API tokens stored only as the SHA-256 of their secret.
//! The [`Accounts`] trait only stores and finds rows; every rule (who may change a role,
//! the last admin, expiry) lives in the service layer, so each backend only keeps rows.

use serde::Serialize;

use crate::{BoxFuture, ChangeContext, StoreError};
use polis_core::UnknownValue;

/// What a user may do; each role can do everything the roles below it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads (when reading needs a token).
    Viewer,
    /// Proposes changes.
    Editor,
    /// Approves or rejects other people's proposals.
    Reviewer,
    /// Manages users and tokens, reads the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Reviewer, Role::Admin];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .iter()
            .find(|r| r.as_str() == text)
            .copied()
            .ok_or_else(|| UnknownValue {
                what: "role",
                value: text.to_owned(),
                accepted: "viewer, editor, reviewer, admin".to_owned(),
            })
    }
}

/// A stored user. The password hash is argon2's PHC string, never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub created_at: String,
}

/// A stored API token: its public id, its owner, the SHA-256 (hex) of its secret, and when
/// it expires (a `YYYY-MM-DD` date, valid through that day) or was revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: String,
    pub user: String,
    pub sha256: String,
    pub created_at: String,
    pub expires: Option<String>,
    pub revoked_at: Option<String>,
}

/// Users and tokens. Each write is audited in its own transaction (record kinds `user` and
/// `token`; a token's audit entry never holds its hash).
pub trait Accounts: Send + Sync {
    /// Adds a user; [`StoreError::Conflict`] when the name is taken.
    fn add_user<'a>(
        &'a self,
        user: &'a User,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Every user, by name.
    fn users(&self) -> BoxFuture<'_, Result<Vec<User>, StoreError>>;
    fn user<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Option<User>, StoreError>>;
    /// Sets a user's role; [`StoreError::Missing`] for an unknown user, and
    /// [`StoreError::Conflict`] (writing nothing) when it would demote the last admin: the
    /// count of admins is read in the same transaction as the write (one writer at a time),
    /// so two simultaneous demotions cannot both pass.
    fn set_role<'a>(
        &'a self,
        name: &'a str,
        role: Role,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Sets (or clears) a user's password hash.
    fn set_password<'a>(
        &'a self,
        name: &'a str,
        password_hash: Option<&'a str>,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Stores a new token; [`StoreError::Missing`] for an unknown user.
    fn add_token<'a>(
        &'a self,
        token: &'a Token,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Every token, newest first.
    fn tokens(&self) -> BoxFuture<'_, Result<Vec<Token>, StoreError>>;
    /// The token whose secret has this SHA-256 (hex), revoked or not.
    fn token_by_hash<'a>(
        &'a self,
        sha256: &'a str,
    ) -> BoxFuture<'a, Result<Option<Token>, StoreError>>;
    /// Marks a token revoked at `at`; [`StoreError::Missing`] for an unknown id,
    /// [`StoreError::Conflict`] when it was revoked already.
    fn revoke_token<'a>(
        &'a self,
        id: &'a str,
        at: &'a str,
        change: &'a ChangeContext,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// The JSON the audit log keeps of a user: never the password hash.
pub fn user_audit_json(user: &User) -> String {
    serde_json::json!({
        "name": user.name,
        "role": user.role.as_str(),
        "has_password": user.password_hash.is_some(),
    })
    .to_string()
}

/// The JSON the audit log keeps of a token: never its hash.
pub fn token_audit_json(token: &Token) -> String {
    serde_json::json!({
        "id": token.id,
        "user": token.user,
        "expires": token.expires,
        "revoked_at": token.revoked_at,
    })
    .to_string()
}
