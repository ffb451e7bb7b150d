//! Editing from the browser: signing in and out (`/sign-in`, `/sign-out`), the editor's
//! page (`/edit`: who one is, the forms, one's proposals), and the forms that propose a new
//! tie, a lifecycle event, an activity, a source or a correction (`/propose/{form}`). Each
//! form goes through the service layer's `propose_edit`, which writes the same bundle
//! fragment `polis propose` and `POST /api/v1/proposals` send; its problems come back by
//! field and are shown beside their inputs.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use polis_app::{
    ActivityForm, CorrectionForm, Edit, EditError, EventForm, FieldErrors, SourceForm, TieForm,
};
use polis_web::views::edit::{FormContext, SignInPage, edit_page, propose_page, sign_in_page};
use serde::Deserialize;

use super::session::{
    MaybeSignedIn, Posted, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, SignedIn, clear_cookie, cookie,
    forged, session_cookie, set_cookie, with_cookies,
};
use super::{PageError, PageQuery, html};
use crate::state::AppState;

/// How long the sign-in form's anti-forgery cookie lives: time enough to type a password.
const SIGN_IN_FORM_SECONDS: u64 = 60 * 60;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignInParams {
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignInFields {
    name: String,
    password: String,
    next: String,
}

/// Only a path of this site: never `//host` or `https://host`, so a link cannot send a
/// user who signs in to another site.
fn local_path(next: &str) -> &str {
    let next = next.trim();
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/edit"
    }
}

fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            axum::http::HeaderValue::from_str(to)
                .unwrap_or_else(|_| axum::http::HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// The sign-in form with a fresh anti-forgery token, in its cookie and its hidden field.
pub(crate) fn sign_in_response(
    status: StatusCode,
    next: &str,
    name: &str,
    error: Option<&str>,
) -> Response {
    let csrf = polis_app::sessions::random_secret();
    let page = SignInPage {
        next: local_path(next),
        name,
        csrf: &csrf,
        error,
    };
    with_cookies(
        html(status, sign_in_page(&page)),
        &[set_cookie(SIGN_IN_CSRF_COOKIE, &csrf, SIGN_IN_FORM_SECONDS)],
    )
}

pub(crate) async fn sign_in_form(
    MaybeSignedIn(signed_in): MaybeSignedIn,
    PageQuery(params): PageQuery<SignInParams>,
) -> Response {
    if signed_in.is_some() {
        return see_other(local_path(&params.next));
    }
    sign_in_response(StatusCode::OK, &params.next, "", None)
}

pub(crate) async fn sign_in(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    posted: Posted<SignInFields>,
) -> Result<Response, PageError> {
    let expected = cookie(&headers, SIGN_IN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !polis_app::sessions::secrets_match(&posted.csrf, &expected) {
        return Err(forged());
    }
    let fields = posted.form;
    match state
        .app()
        .open_session(fields.name.trim(), &fields.password)
        .await
    {
        Ok(session) => {
            tracing::info!(user = %session.principal.user, "signed in on the web");
            Ok(with_cookies(
                see_other(local_path(&fields.next)),
                &[
                    session_cookie(&session.secret),
                    clear_cookie(SIGN_IN_CSRF_COOKIE),
                ],
            ))
        }
        Err(polis_app::AppError::Unauthenticated(message)) => Ok(sign_in_response(
            StatusCode::UNAUTHORIZED,
            &fields.next,
            fields.name.trim(),
            Some(&format!("Cannot sign in: {message}.")),
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct NoFields {}

pub(crate) async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
    posted: Posted<NoFields>,
) -> Result<Response, PageError> {
    signed_in.check_csrf(&posted.csrf)?;
    state.app().close_session(signed_in.secret()).await?;
    Ok(with_cookies(
        see_other("/"),
        &[clear_cookie(SESSION_COOKIE)],
    ))
}

/// The editor's page: who one is, the forms one may use, and one's proposals.
pub(crate) async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let proposals = state.app().proposals(&signed_in.principal, None).await?;
    let mine: Vec<_> = proposals
        .iter()
        .filter(|p| p.author == signed_in.principal.user)
        .take(50)
        .collect();
    let n_open = proposals.iter().filter(|p| p.status == "open").count();
    Ok(html(
        StatusCode::OK,
        edit_page(&signed_in.user_bar(), &mine, n_open),
    ))
}

/// The form named in the path, from the query string (a link that starts it filled in:
/// `/propose/event?tie=...`) or the posted fields. Fields a form does not have are ignored.
fn edit_of(name: &str, fields: &Fields) -> Result<Edit, PageError> {
    fn read<T: serde::de::DeserializeOwned>(fields: &Fields) -> Result<T, PageError> {
        let object = fields
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect::<serde_json::Map<_, _>>();
        serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| PageError::BadRequest(format!("the form's fields do not read: {e}")))
    }
    Ok(match name {
        "tie" => Edit::Tie(read::<TieForm>(fields)?),
        "event" => Edit::Event(read::<EventForm>(fields)?),
        "activity" => Edit::Activity(read::<ActivityForm>(fields)?),
        "source" => Edit::Source(read::<SourceForm>(fields)?),
        "correction" => Edit::Correction(read::<CorrectionForm>(fields)?),
        other => {
            return Err(PageError::NotFound(format!(
                "There is no form named '{other}': the forms are tie, event, activity, source and correction."
            )));
        }
    })
}

/// A form's fields as text, by name.
type Fields = std::collections::BTreeMap<String, String>;

/// What the forms offer to choose from: the sources, a tie's two ends.
fn context(snapshot: &polis_app::Snapshot, edit: &Edit) -> FormContext {
    let sources = snapshot
        .data()
        .sources
        .iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .collect();
    let tie_ends = match edit {
        Edit::Event(form) => snapshot
            .data()
            .ties
            .iter()
            .find(|t| t.id == form.tie.trim())
            .map(|tie| {
                let name = |id: &str| {
                    snapshot
                        .place_by_id(id)
                        .map_or_else(|| id.to_owned(), |p| p.name.clone())
                };
                vec![(tie.a.clone(), name(&tie.a)), (tie.b.clone(), name(&tie.b))]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    FormContext { sources, tie_ends }
}

pub(crate) async fn propose_form(
    State(state): State<AppState>,
    Path(name): Path<String>,
    signed_in: SignedIn,
    PageQuery(query): PageQuery<Fields>,
) -> Result<Response, PageError> {
    signed_in.check(polis_app::Permission::Propose)?;
    let mut edit = edit_of(&name, &query)?;
    let snapshot = state.app().snapshot().await?;
    // A correction starts from the record as it is stored.
    if let Edit::Correction(form) = &mut edit
        && form.record.trim().is_empty()
        && let Ok(kind) = form.kind.trim().parse::<polis_app::RecordKind>()
        && let Some(text) = snapshot.record_toml(kind, form.id.trim())?
    {
        form.record = text;
    }
    let context = context(&snapshot, &edit);
    Ok(html(
        StatusCode::OK,
        propose_page(
            &signed_in.user_bar(),
            &edit,
            &FieldErrors::default(),
            &context,
        ),
    ))
}

pub(crate) async fn propose(
    State(state): State<AppState>,
    Path(name): Path<String>,
    signed_in: SignedIn,
    posted: Posted<Fields>,
) -> Result<Response, PageError> {
    signed_in.check_csrf(&posted.csrf)?;
    signed_in.check(polis_app::Permission::Propose)?;
    let edit = edit_of(&name, &posted.form)?;
    match state
        .app()
        .propose_edit(
            &signed_in.principal,
            &edit,
            state.config().direct_apply_for_reviewers,
        )
        .await
    {
        Ok(proposal) => Ok(see_other(&format!(
            "/review/{}?done={}",
            proposal.id,
            if proposal.status == "approved" {
                "approved"
            } else {
                "proposed"
            }
        ))),
        Err(EditError::Fields(errors)) => {
            let snapshot = state.app().snapshot().await?;
            let context = context(&snapshot, &edit);
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                propose_page(&signed_in.user_bar(), &edit, &errors, &context),
            ))
        }
        Err(EditError::App(error)) => Err(error.into()),
    }
}
