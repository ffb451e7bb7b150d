//! Web-UI sessions: signing in with a password opens a session that IS a short-lived API
//! token (created through [`App::create_token`], so the same authentication, expiry and
//! revocation apply to a browser as to a script), and signing out revokes it. The web pages
//! keep the token's secret in a cookie; nothing else about a session is stored.
//!
//! Audit: opening and closing a session are token writes, and stay in the audit chain like
//! every write (who signed in when is worth keeping, and a chain with gaps would not be
//! tamper-evident). Their entries carry the context [`SESSION_SIGN_IN`] or
//! [`SESSION_SIGN_OUT`], which makes them a kind of their own ([`is_session_entry`]): the
//! audit log leaves them out unless asked for them (`/audit?sessions=true`,
//! `/api/v1/audit?sessions=true`), so it shows the changes to the data, each of which is
//! audited as before.

use polis_core::PartialDate;
use polis_store::chain::sha256_hex;
use rand::Rng as _;

use crate::accounts::Principal;
use crate::{App, AppError};

/// How many days after the day of signing in a session's token stays valid (token expiry is
/// a day: a session opened late in the evening still lasts into the next day). The web
/// pages' cookie lives [`SESSION_COOKIE_SECONDS`], usually less.
pub const SESSION_TOKEN_DAYS: i64 = 1;

/// How long the browser keeps a session's cookie: a working day.
pub const SESSION_COOKIE_SECONDS: u64 = 12 * 60 * 60;

/// The audit context of a session's token when it is created (signing in).
pub const SESSION_SIGN_IN: &str = "web session: signed in";
/// The audit context of a session's token when it is revoked (signing out).
pub const SESSION_SIGN_OUT: &str = "web session: signed out";

/// Whether an audit entry is a session's sign-in or sign-out (a token entry under one of the
/// session contexts).
pub fn is_session_entry(record_kind: &str, context: &str) -> bool {
    record_kind == "token" && (context == SESSION_SIGN_IN || context == SESSION_SIGN_OUT)
}

/// A session just opened: who, and the token's secret (shown to the browser once, in a
/// cookie; only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub principal: Principal,
    pub secret: String,
    /// The last day the token is valid (YYYY-MM-DD).
    pub expires: String,
}

/// 32 random bytes as hex, for a value that must not be guessed (the sign-in form's
/// anti-forgery token, before there is a session to derive one from).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    polis_store::chain::hex(&bytes)
}

/// The anti-forgery token of the session whose secret is `secret`: derived from it, so it
/// needs no storage, and useless without the cookie it comes from.
pub fn session_csrf_token(secret: &str) -> String {
    sha256_hex(format!("polis web form\0{secret}").as_bytes())[..32].to_owned()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn secrets_match(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl App {
    /// Checks the user's password and opens a session: a token for them, valid through
    /// tomorrow. A wrong name or password is the same 401 ([`App::sign_in`]).
    pub async fn open_session(&self, name: &str, password: &str) -> Result<WebSession, AppError> {
        let principal = self.sign_in(name, password).await?;
        let days_since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() / 86_400)
            .unwrap_or(0);
        let expires = PartialDate::from_days_since_epoch(
            i64::try_from(days_since_epoch).unwrap_or(0) + SESSION_TOKEN_DAYS,
        );
        let token = self
            .issue_token(
                &principal,
                &principal.user,
                Some(expires),
                SESSION_SIGN_IN.to_owned(),
            )
            .await?;
        Ok(WebSession {
            principal,
            secret: token.secret,
            expires: token.expires.unwrap_or_default(),
        })
    }

    /// The principal of a session, with the user's role as it is now; 401 when the token is
    /// unknown, revoked or expired.
    pub async fn session(&self, secret: &str) -> Result<Principal, AppError> {
        self.authenticate(secret).await
    }

    /// Signs out: revokes the session's token, so the cookie is worthless even if kept.
    pub async fn close_session(&self, secret: &str) -> Result<(), AppError> {
        let principal = self.authenticate(secret).await?;
        let id = &sha256_hex(secret.as_bytes())[..16];
        self.withdraw_token(&principal, id, SESSION_SIGN_OUT.to_owned())
            .await
    }
}
