//! Accounts, roles and API tokens: every rule about them (who may add users and set roles,
//! that no one raises their own role, that the last admin stays, token expiry and
//! revocation) is here, once; the store only keeps rows.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use polis_core::PartialDate;
use polis_store::chain::sha256_hex;
use polis_store::{ChangeContext, Role, StoreError, Token, User};
use rand::Rng as _;

use crate::{App, AppError};

/// Who is acting, as the edges establish it: a user with their current role. The CLI acts
/// as a local admin (whoever can open the database file can change it anyway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: String,
    pub role: Role,
}

impl Principal {
    /// The command line's principal: the OS user, with every right.
    pub fn local_admin(os_user: &str) -> Self {
        Self {
            user: os_user.to_owned(),
            role: Role::Admin,
        }
    }

    /// Refuses (403) unless the principal's role is at least the one `permission` needs.
    /// Every use case checks its permission with this before it reads anything, and the
    /// edges call it too before they parse the rest of a request, so a caller whose role is
    /// too low learns only that, whatever else the request holds.
    pub fn check(&self, permission: Permission) -> Result<(), AppError> {
        let role = permission.role();
        if self.may(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "{} needs the role {role} or higher; '{}' is {}",
                permission.action(),
                self.user,
                self.role
            )))
        }
    }

    /// Whether the principal's role has `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        self.role >= permission.role()
    }

    pub(crate) fn change(&self, context: String) -> ChangeContext {
        ChangeContext {
            who: self.user.clone(),
            context,
        }
    }
}

/// What a principal may do: each action of the team server and the least role it needs,
/// in one table ([`Permission::role`]), checked by one function ([`Principal::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Reading proposals: any user.
    ReadProposals,
    /// Making and revoking one's own API tokens: any user.
    OwnTokens,
    /// Proposing a change: a record's create, replace, delete, merge or unmerge, a tie's
    /// event, a bundle fragment.
    Propose,
    /// Approving or rejecting a proposal.
    Review,
    /// Recording what a name means: applied at once, not proposed (every later import uses
    /// it, and the provisional place kept for the name may be merged into the place decided
    /// on), so it needs the role that may approve a change.
    Decide,
    /// Adding users, listing them, setting their roles and others' passwords.
    ManageUsers,
    /// Making or revoking another user's token.
    OthersTokens,
    /// Reading and verifying the audit log.
    Audit,
}

impl Permission {
    /// The least role that may do it.
    pub const fn role(self) -> Role {
        match self {
            Permission::ReadProposals | Permission::OwnTokens => Role::Viewer,
            Permission::Propose => Role::Editor,
            Permission::Review | Permission::Decide => Role::Reviewer,
            Permission::ManageUsers | Permission::OthersTokens | Permission::Audit => Role::Admin,
        }
    }

    /// What it is, as the refusal says it.
    pub const fn action(self) -> &'static str {
        match self {
            Permission::ReadProposals => "reading proposals",
            Permission::OwnTokens => "making or revoking one's own token",
            Permission::Propose => "proposing a change",
            Permission::Review => "reviewing a proposal",
            Permission::Decide => "recording what a name means",
            Permission::ManageUsers => "managing users and their roles",
            Permission::OthersTokens => "making or revoking another user's token",
            Permission::Audit => "reading the audit log",
        }
    }
}

/// A user as listed: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub name: String,
    pub role: String,
    pub has_password: bool,
    pub created_at: String,
}

/// A token as listed: never its secret or hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenView {
    pub id: String,
    pub user: String,
    pub created_at: String,
    pub expires: Option<String>,
    pub revoked_at: Option<String>,
}

/// A token just created: the secret is shown this once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub id: String,
    pub user: String,
    pub secret: String,
    pub expires: Option<String>,
}

/// The prefix of every token secret, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "polis_";

/// The current time as an RFC 3339 UTC timestamp (seconds).
pub(crate) fn now_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let date = PartialDate::from_days_since_epoch((seconds / 86_400) as i64);
    let (y, m, d) = date.first_day();
    let secs = seconds % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn user_view(user: User) -> UserView {
    UserView {
        name: user.name,
        role: user.role.as_str().to_owned(),
        has_password: user.password_hash.is_some(),
        created_at: user.created_at,
    }
}

/// The rule of a user name: 1 to 64 ASCII letters, digits, `.`, `_`, `-` or `@`. The
/// validation below matches it, and the OpenAPI document gives it as the name's `pattern`.
pub const USER_NAME_PATTERN: &str = "^[A-Za-z0-9._@-]{1,64}$";

/// The fewest characters (Unicode scalar values, as JSON Schema's `minLength` counts them)
/// a web-UI password has; the OpenAPI document gives it as the password's `minLength`.
pub const MIN_PASSWORD_CHARS: usize = 8;

fn check_name(name: &str) -> Result<(), AppError> {
    static RULE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(USER_NAME_PATTERN).expect("the user-name pattern compiles")
    });
    if RULE.is_match(name) {
        Ok(())
    } else {
        Err(AppError::BadInput(format!(
            "'{name}' is not a user name: use 1 to 64 ASCII letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadInput(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

fn missing_user(error: StoreError) -> AppError {
    match error {
        StoreError::Missing { what, id } => AppError::NotFound { what, query: id },
        StoreError::Conflict(message) => AppError::Conflict(message),
        other => other.into(),
    }
}

impl App {
    /// Adds a user (admins only), with an optional web-UI password hashed with argon2.
    pub async fn add_user(
        &self,
        principal: &Principal,
        name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<UserView, AppError> {
        principal.check(Permission::ManageUsers)?;
        check_name(name)?;
        let password_hash = password.map(hash_password).transpose()?;
        let user = User {
            name: name.to_owned(),
            role,
            password_hash,
            created_at: now_utc(),
        };
        self.store()
            .add_user(
                &user,
                &principal.change(format!("add user {name} as {role}")),
            )
            .await
            .map_err(missing_user)?;
        Ok(user_view(user))
    }

    /// Every user, by name (admins only).
    pub async fn users(&self, principal: &Principal) -> Result<Vec<UserView>, AppError> {
        principal.check(Permission::ManageUsers)?;
        Ok(self
            .store()
            .users()
            .await?
            .into_iter()
            .map(user_view)
            .collect())
    }

    /// Sets a user's role (admins only). No one raises their own role, and the last admin
    /// cannot be demoted.
    pub async fn set_role(
        &self,
        principal: &Principal,
        name: &str,
        role: Role,
    ) -> Result<UserView, AppError> {
        principal.check(Permission::ManageUsers)?;
        let users = self.store().users().await?;
        let Some(user) = users.iter().find(|u| u.name == name) else {
            return Err(AppError::NotFound {
                what: "user",
                query: name.to_owned(),
            });
        };
        if user.name == principal.user && role > user.role {
            return Err(AppError::Forbidden(format!(
                "no one raises their own role: '{name}' is {}; another admin must do it",
                user.role
            )));
        }
        let n_admins = users.iter().filter(|u| u.role == Role::Admin).count();
        if user.role == Role::Admin && role < Role::Admin && n_admins == 1 {
            return Err(AppError::Conflict(format!(
                "'{name}' is the last admin: make another user admin first"
            )));
        }
        self.store()
            .set_role(
                name,
                role,
                &principal.change(format!("set role of {name} to {role}")),
            )
            .await
            .map_err(missing_user)?;
        let mut updated = user.clone();
        updated.role = role;
        Ok(user_view(updated))
    }

    /// Sets a user's web-UI password: the user themselves or an admin.
    pub async fn set_password(
        &self,
        principal: &Principal,
        name: &str,
        password: &str,
    ) -> Result<(), AppError> {
        if principal.user != name {
            principal.check(Permission::ManageUsers)?;
        }
        let hash = hash_password(password)?;
        self.store()
            .set_password(
                name,
                Some(&hash),
                &principal.change(format!("set password of {name}")),
            )
            .await
            .map_err(missing_user)
    }

    /// Checks a user's password (for the web UI's sign-in); a wrong name or password is
    /// the same 401.
    pub async fn sign_in(&self, name: &str, password: &str) -> Result<Principal, AppError> {
        let refused = || AppError::Unauthenticated("wrong user name or password".to_owned());
        let user = self.store().user(name).await?.ok_or_else(refused)?;
        let stored = user.password_hash.as_deref().ok_or_else(refused)?;
        let parsed = PasswordHash::new(stored).map_err(AppError::internal)?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .map_err(|_| refused())?;
        Ok(Principal {
            user: user.name,
            role: user.role,
        })
    }

    /// Creates an API token for `user` (the user themselves, or an admin for anyone), valid
    /// through `expires` when given. The secret is returned once; only its SHA-256 is kept.
    pub async fn create_token(
        &self,
        principal: &Principal,
        user: &str,
        expires: Option<PartialDate>,
    ) -> Result<CreatedToken, AppError> {
        let context = format!("create token for {user}");
        self.issue_token(principal, user, expires, context).await
    }

    /// [`App::create_token`], audited under `context`.
    pub(crate) async fn issue_token(
        &self,
        principal: &Principal,
        user: &str,
        expires: Option<PartialDate>,
        context: String,
    ) -> Result<CreatedToken, AppError> {
        principal.check(Permission::OwnTokens)?;
        if principal.user != user {
            principal.check(Permission::OthersTokens)?;
        }
        let expires = match expires {
            None => None,
            Some(date) if date.precision() == polis_core::Precision::Day => {
                if date < crate::today() {
                    return Err(AppError::BadInput(format!(
                        "--expires {date} is in the past: give today or a later day"
                    )));
                }
                Some(date.to_string())
            }
            Some(date) => {
                return Err(AppError::BadInput(format!(
                    "--expires {date}: give a day, as YYYY-MM-DD"
                )));
            }
        };
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = format!("{TOKEN_PREFIX}{}", polis_store::chain::hex(&bytes));
        let sha256 = sha256_hex(secret.as_bytes());
        let token = Token {
            id: sha256[..16].to_owned(),
            user: user.to_owned(),
            sha256,
            created_at: now_utc(),
            expires: expires.clone(),
            revoked_at: None,
        };
        self.store()
            .add_token(&token, &principal.change(context))
            .await
            .map_err(missing_user)?;
        Ok(CreatedToken {
            id: token.id,
            user: token.user,
            secret,
            expires,
        })
    }

    /// Every token (admins), or the principal's own.
    pub async fn tokens(&self, principal: &Principal) -> Result<Vec<TokenView>, AppError> {
        let all = principal.role >= Role::Admin;
        Ok(self
            .store()
            .tokens()
            .await?
            .into_iter()
            .filter(|t| all || t.user == principal.user)
            .map(|t| TokenView {
                id: t.id,
                user: t.user,
                created_at: t.created_at,
                expires: t.expires,
                revoked_at: t.revoked_at,
            })
            .collect())
    }

    /// Revokes a token: its owner or an admin.
    pub async fn revoke_token(&self, principal: &Principal, id: &str) -> Result<(), AppError> {
        self.withdraw_token(principal, id, format!("revoke token {id}"))
            .await
    }

    /// [`App::revoke_token`], audited under `context`.
    pub(crate) async fn withdraw_token(
        &self,
        principal: &Principal,
        id: &str,
        context: String,
    ) -> Result<(), AppError> {
        principal.check(Permission::OwnTokens)?;
        let token = self
            .store()
            .tokens()
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::NotFound {
                what: "token",
                query: id.to_owned(),
            })?;
        if token.user != principal.user {
            principal.check(Permission::OthersTokens)?;
        }
        self.store()
            .revoke_token(id, &now_utc(), &principal.change(context))
            .await
            .map_err(missing_user)
    }

    /// The stored user `name` with their current role, for the command line's `--as USER`:
    /// whoever can open the database file can change it anyway, so this checks no secret;
    /// it lets one shell act as an editor and then as a reviewer, with every rule of their
    /// roles applied.
    pub async fn act_as(&self, name: &str) -> Result<Principal, AppError> {
        let user = self
            .store()
            .user(name)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "user",
                query: name.to_owned(),
            })?;
        Ok(Principal {
            user: user.name,
            role: user.role,
        })
    }

    /// The principal a bearer token stands for, with the user's role as it is now; 401 for
    /// an unknown, revoked or expired token.
    pub async fn authenticate(&self, secret: &str) -> Result<Principal, AppError> {
        let refused = |why: &str| AppError::Unauthenticated(format!("the token {why}"));
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(refused("is not a polis token"));
        }
        let token = self
            .store()
            .token_by_hash(&sha256_hex(secret.as_bytes()))
            .await?
            .ok_or_else(|| refused("is not known"))?;
        if token.revoked_at.is_some() {
            return Err(refused("was revoked"));
        }
        if let Some(expires) = &token.expires {
            let expires: PartialDate = expires.parse().map_err(AppError::internal)?;
            if crate::today() > expires {
                return Err(refused("has expired"));
            }
        }
        let user = self
            .store()
            .user(&token.user)
            .await?
            .ok_or_else(|| refused("belongs to no user"))?;
        Ok(Principal {
            user: user.name,
            role: user.role,
        })
    }
}
