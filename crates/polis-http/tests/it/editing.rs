//! Editing in the browser, from the server's side: signing in opens a session whose cookie
//! is Secure, HttpOnly and SameSite=Strict and whose secret is an API token (so signing out
//! revokes it everywhere); every form refuses a post without its anti-forgery token or from
//! another origin; the pages that need a role answer the sign-in form or a "not allowed"
//! page; a form's problems come back beside its fields, with the validation of the API; and
//! an editor's tie, proposed on the form, is approved by a reviewer and shows in the admin's
//! audit log.

use polis_store::Role;
use reqwest::StatusCode;
use reqwest::header;

use crate::{Answer, Server};

/// A browser without a cookie jar or redirects: the test sees every answer and sends the
/// cookies it means to.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

fn encode(text: &str) -> String {
    polis_web::views::encode(text)
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the hidden field `csrf` of the first form on a page.
pub(crate) fn csrf_field(body: &str) -> String {
    let at = body
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no csrf field in:\n{body}"));
    let rest = &body[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The `name=value` of each `Set-Cookie` named `name`, with its attributes.
fn set_cookie<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// One person in the browser: their session cookie once signed in.
pub(crate) struct Browser<'a> {
    server: &'a Server,
    client: reqwest::Client,
    pub(crate) session: Option<String>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(server: &'a Server) -> Self {
        Browser {
            server,
            client: client(),
            session: None,
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        let mut request = self.client.get(format!("{}{path}", self.server.base));
        if let Some(session) = &self.session {
            request = request.header(header::COOKIE, format!("polis_session={session}"));
        }
        self.server.send(request).await
    }

    pub(crate) async fn post(&self, path: &str, cookies: &str, fields: &[(&str, &str)]) -> Answer {
        let mut cookie = cookies.to_owned();
        if let Some(session) = &self.session {
            cookie = format!("{cookie}; polis_session={session}");
        }
        let request = self
            .client
            .post(format!("{}{path}", self.server.base))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(form_body(fields));
        self.server.send(request).await
    }

    /// Signs in through the form, as a browser does: the form, then its post.
    pub(crate) async fn sign_in(&mut self, name: &str, password: &str) -> Answer {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let csrf_cookie = cookie_value(set_cookie(&form, "polis_csrf").expect("a csrf cookie"));
        let csrf = csrf_field(&form.body);
        assert_eq!(csrf, csrf_cookie, "the form's field is its cookie's value");
        let answer = self
            .post(
                "/sign-in",
                &format!("polis_csrf={csrf_cookie}"),
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("password", password),
                    ("next", "/edit"),
                ],
            )
            .await;
        if let Some(cookie) = set_cookie(&answer, "polis_session") {
            self.session = Some(cookie_value(cookie));
        }
        answer
    }

    /// The anti-forgery token of the forms on `path`.
    async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        csrf_field(&page.body)
    }
}

pub(crate) async fn add_user(server: &Server, name: &str, role: Role) {
    let admin = polis_app::Principal::local_admin("test");
    server
        .state
        .app()
        .add_user(&admin, name, role, Some("correct horse battery"))
        .await
        .expect("adds the user");
}

/// The store's version: it moves with every write.
async fn version(server: &Server) -> i64 {
    server.state.app().store().version().await.unwrap()
}

#[tokio::test]
async fn signing_in_opens_a_strict_secure_session_that_signing_out_revokes() {
    let server = Server::start().await;
    add_user(&server, "eddie", Role::Editor).await;
    let mut browser = Browser::new(&server);

    // A wrong password: the form again, 401, the name kept, no session.
    let refused = browser.sign_in("eddie", "wrong password").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    assert!(
        refused.body.contains("wrong user name or password"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"eddie\""));
    assert!(set_cookie(&refused, "polis_session").is_none());

    // Without the form's anti-forgery token: refused, whatever the password.
    let forged = browser
        .post(
            "/sign-in",
            "polis_csrf=abc",
            &[
                ("csrf", "xyz"),
                ("name", "eddie"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert!(set_cookie(&forged, "polis_session").is_none());

    let signed_in = browser.sign_in("eddie", "correct horse battery").await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.headers[header::LOCATION], "/edit");
    let cookie = set_cookie(&signed_in, "polis_session").expect("a session cookie");
    for attribute in [
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let secret = browser.session.clone().unwrap();
    assert!(secret.starts_with("polis_"), "the session is an API token");

    let edit = browser.get("/edit").await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    assert!(edit.body.contains("eddie") && edit.body.contains("editor"));
    // The same token works on the API, as any token.
    let api = server.get_as("/api/v1/proposals", &secret).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);

    // Signing out needs the session's anti-forgery token too.
    let no_token = browser.post("/sign-out", "", &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/edit").await.status, StatusCode::OK);
    let csrf = browser.csrf("/edit").await;
    let out = browser.post("/sign-out", "", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    let cleared = set_cookie(&out, "polis_session").expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The token is revoked: the kept cookie and the API both refuse it.
    let after = browser.get("/edit").await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert!(after.body.contains("session has ended"), "{}", after.body);
    let api = server.get_as("/api/v1/proposals", &secret).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pages_that_need_a_role_answer_the_sign_in_form_or_a_not_allowed_page() {
    let server = Server::start().await;
    add_user(&server, "vic", Role::Viewer).await;
    add_user(&server, "eddie", Role::Editor).await;
    let anonymous = Browser::new(&server);
    for path in ["/edit", "/propose/tie", "/review", "/review/1", "/audit"] {
        let answer = anonymous.get(path).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(answer.content_type().starts_with("text/html"), "{path}");
        assert!(
            answer.body.contains("<h1>Sign in</h1>"),
            "{path}: {}",
            answer.body
        );
        // Back to the page asked for once signed in.
        assert!(
            answer
                .body
                .contains(&format!("name=\"next\" value=\"{path}\"")),
            "{path}"
        );
    }
    let mut viewer = Browser::new(&server);
    viewer.sign_in("vic", "correct horse battery").await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;
    for (browser, path, role) in [
        (&viewer, "/propose/tie", "editor"),
        (&editor, "/review", "reviewer"),
        (&editor, "/audit", "admin"),
    ] {
        let answer = browser.get(path).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            answer.body
        );
        assert!(answer.body.contains("Not allowed"), "{path}");
        assert!(
            answer.body.contains(&format!("needs the role {role}")),
            "{path}: {}",
            answer.body
        );
        assert!(!answer.body.contains("panicked") && !answer.body.contains("src/"));
    }
}

#[tokio::test]
async fn a_form_shows_each_problem_beside_its_field_and_proposes_nothing() {
    let server = Server::start().await;
    add_user(&server, "eddie", Role::Editor).await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;
    let csrf = editor.csrf("/propose/tie").await;
    let before = version(&server).await;
    let answer = editor
        .post(
            "/propose/tie",
            "",
            &[
                ("csrf", &csrf),
                ("a", "de-duisburg"),
                ("b", "Nowhereville"),
                ("kind", "pen_pals"),
                ("signed", "2019-13-01"),
                ("source", "deck"),
            ],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let body = &answer.body;
    // Each problem sits in its field's block, named by the input's aria-describedby.
    for (field, words) in [
        ("b", "Nowhereville"),
        ("kind", "pen_pals"),
        ("signed", "month"),
    ] {
        let block = field_block(body, field);
        assert!(block.contains("has-error"), "{field}: {block}");
        assert!(
            block.contains(&format!("id=\"{field}-error\"")),
            "{field}: {block}"
        );
        assert!(block.contains("aria-invalid=\"true\""), "{field}: {block}");
        assert!(
            block.contains(words),
            "{field} should mention {words}: {block}"
        );
    }
    assert!(!field_block(body, "a").contains("has-error"));
    // What was typed stays.
    assert!(body.contains("value=\"Nowhereville\""));

    // Rules the API checks come back by field too: an unknown source, a tie that exists.
    let answer = editor
        .post(
            "/propose/tie",
            "",
            &[
                ("csrf", &csrf),
                ("a", "de-duisburg"),
                ("b", "fr-le-mans"),
                ("kind", "twin_town"),
                ("source", "no-such-source"),
            ],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let source = field_block(&answer.body, "source");
    assert!(source.contains("unknown source"), "{source}");
    let answer = editor
        .post(
            "/propose/tie",
            "",
            &[
                ("csrf", &csrf),
                ("a", "Beijing"),
                ("b", "cz-prague"),
                ("kind", "sister_city"),
                ("source", "deck"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_block(&answer.body, "b").contains("cn-beijing--cz-prague"));
    assert_eq!(version(&server).await, before, "nothing was written");
    let admin = polis_app::Principal::local_admin("test");
    assert!(
        server
            .state
            .app()
            .proposals(&admin, None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The `div.form-field` of `field`.
fn field_block<'a>(body: &'a str, field: &str) -> &'a str {
    let marker = format!("data-field=\"{field}\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {field} in:\n{body}"));
    let start = body[..at].rfind("<div").unwrap();
    let end = body[at..]
        .find("</div>")
        .map_or(body.len(), |e| at + e + "</div>".len());
    &body[start..end]
}

#[tokio::test]
async fn a_form_post_without_its_token_or_from_another_site_is_refused() {
    let server = Server::start().await;
    add_user(&server, "eddie", Role::Editor).await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;
    let csrf = editor.csrf("/propose/source").await;
    let before = version(&server).await;
    let fields = |token: &'static str| {
        vec![
            ("csrf", token),
            ("title", "Council minutes of 12 May"),
            ("url", "https://example.org/minutes"),
        ]
    };
    for token in ["", "0123456789abcdef0123456789abcdef"] {
        let answer = editor.post("/propose/source", "", &fields(token)).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "token '{token}': {}",
            answer.body
        );
        assert!(answer.body.contains("anti-forgery"), "{}", answer.body);
    }
    // The right token, but posted by a page of another site.
    let csrf_static: &'static str = Box::leak(csrf.into_boxed_str());
    let request = editor
        .client
        .post(format!("{}/propose/source", server.base))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://elsewhere.example")
        .header(
            header::COOKIE,
            format!("polis_session={}", editor.session.clone().unwrap()),
        )
        .body(form_body(&fields(csrf_static)));
    let answer = server.send(request).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(version(&server).await, before, "nothing was written");
    // The same post from this site goes through.
    let answer = editor
        .post("/propose/source", "", &fields(csrf_static))
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
}

#[tokio::test]
async fn an_editors_tie_is_approved_by_a_reviewer_and_audited_for_the_admin() {
    let server = Server::start().await;
    add_user(&server, "eddie", Role::Editor).await;
    add_user(&server, "rita", Role::Reviewer).await;
    add_user(&server, "ada", Role::Admin).await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;
    let csrf = editor.csrf("/propose/tie?a=de-duisburg").await;
    let answer = editor
        .post(
            "/propose/tie",
            "",
            &[
                ("csrf", &csrf),
                ("a", "de-duisburg"),
                ("b", "Le Mans"),
                ("kind", "twin_town"),
                ("themes", "culture, sport"),
                ("signed", "2021-06"),
                ("new_source_title", "Duisburg council minutes, June 2021"),
                ("new_source_url", "https://example.org/duisburg/2021-06"),
                ("comment", "from the council minutes"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.starts_with("/review/"), "{location}");
    let id: i64 = location["/review/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // The proposal is the bundle fragment the API would have stored: its diff names the
    // new tie, in canonical order, with its signing, and the new source.
    let admin = polis_app::Principal::local_admin("test");
    let proposal = server.state.app().proposal(&admin, id).await.unwrap();
    assert_eq!(proposal.status, "open");
    assert_eq!(proposal.author, "eddie");
    let tie = proposal
        .diff
        .iter()
        .find(|c| c.kind == "tie")
        .expect("the tie is in the diff");
    assert_eq!(tie.key, "de-duisburg--fr-le-mans");
    let after = tie.after.as_ref().unwrap();
    assert_eq!(after["kind"], "twin_town");
    assert_eq!(after["themes"], serde_json::json!(["culture", "sport"]));
    assert_eq!(after["events"][0]["kind"], "signed");
    assert_eq!(after["events"][0]["date"], "2021-06");
    assert!(proposal.diff.iter().any(|c| c.kind == "source"));
    let bundle = proposal.change["bundle"].as_str().unwrap();
    let read = polis_app::proposals::read_fragment(bundle).expect("the fragment reads");
    assert_eq!(read.data.ties.len(), 1);

    // The editor sees it, and no review buttons: nobody reviews their own.
    let page = editor.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("de-duisburg--fr-le-mans"));
    assert!(!page.body.contains("id=\"approve\""));

    // The reviewer finds it in the queue, and approves it with a comment.
    let mut reviewer = Browser::new(&server);
    reviewer.sign_in("rita", "correct horse battery").await;
    let queue = reviewer.get("/review").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains(&format!("href=\"/review/{id}\"")),
        "{}",
        queue.body
    );
    let page = reviewer.get(&format!("/review/{id}")).await;
    assert!(page.body.contains("id=\"approve\""), "{}", page.body);
    let csrf = csrf_field(&page.body[page.body.find("id=\"review-form\"").unwrap()..]);
    let answer = reviewer
        .post(
            &format!("/review/{id}/approve"),
            "",
            &[("csrf", &csrf), ("comment", "checked the minutes")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let tie = server.get("/api/v1/ties/de-duisburg--fr-le-mans").await;
    assert_eq!(
        tie.status,
        StatusCode::OK,
        "the tie exists once approved: {}",
        tie.body
    );
    // Approving again is refused on the page, in words.
    let again = reviewer
        .post(
            &format!("/review/{id}/approve"),
            "",
            &[("csrf", &csrf), ("comment", "")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("not open"), "{}", again.body);

    // The admin reads the audit entry: the tie, by the reviewer, naming the proposal.
    let mut admin_browser = Browser::new(&server);
    admin_browser.sign_in("ada", "correct horse battery").await;
    let audit = admin_browser.get("/audit").await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let row_at = audit
        .body
        .find("data-kind=\"tie\" data-id=\"de-duisburg--fr-le-mans\"")
        .expect("the tie's audit entry");
    let row = &audit.body[row_at..row_at + audit.body[row_at..].find("</tr>").unwrap()];
    assert!(row.contains(&format!("proposal {id}")), "{row}");
}

#[tokio::test]
async fn an_event_and_a_correction_start_from_the_stored_tie() {
    let server = Server::start().await;
    add_user(&server, "eddie", Role::Editor).await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;

    // The event form offers the tie's two ends as the side that acted.
    let form = editor
        .get("/propose/event?tie=cn-shanghai--cz-prague")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("<option value=\"cz-prague\""),
        "{}",
        form.body
    );
    let csrf = csrf_field(&form.body[form.body.find("id=\"propose\"").unwrap()..]);
    let answer = editor
        .post(
            "/propose/event",
            "",
            &[
                ("csrf", &csrf),
                ("tie", "cn-shanghai--cz-prague"),
                ("kind", "suspended"),
                ("date", "1990"),
                ("side", "de-duisburg"),
                ("source", "deck"),
            ],
        )
        .await;
    // Out of order and a side that is not an end: both beside their fields.
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        field_block(&answer.body, "side").contains("acting side"),
        "{}",
        answer.body
    );

    // A correction opens with the record's TOML, and a change to it is proposed.
    let form = editor
        .get("/propose/correction?kind=tie&id=cn-shanghai--cz-prague")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("[[tie]]"), "{}", form.body);
    assert!(
        form.body
            .contains("id = &quot;cn-shanghai--cz-prague&quot;"),
        "{}",
        form.body
    );
    let record = {
        let start = form.body.find("name=\"record\"").unwrap();
        let open = start + form.body[start..].find('>').unwrap() + 1;
        let close = open + form.body[open..].find("</textarea>").unwrap();
        html_unescape(&form.body[open..close])
    };
    assert!(record.contains("kind = \"sister_city\""), "{record}");
    let corrected = record.replace("kind = \"sister_city\"", "kind = \"twin_town\"");
    let csrf = csrf_field(&form.body[form.body.find("id=\"propose\"").unwrap()..]);
    let unchanged = editor
        .post(
            "/propose/correction",
            "",
            &[
                ("csrf", &csrf),
                ("kind", "tie"),
                ("id", "cn-shanghai--cz-prague"),
                ("record", &record),
            ],
        )
        .await;
    assert_eq!(unchanged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_block(&unchanged.body, "record").contains("changes nothing"));
    let answer = editor
        .post(
            "/propose/correction",
            "",
            &[
                ("csrf", &csrf),
                ("kind", "tie"),
                ("id", "cn-shanghai--cz-prague"),
                ("record", &corrected),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let admin = polis_app::Principal::local_admin("test");
    let proposals = server.state.app().proposals(&admin, None).await.unwrap();
    assert_eq!(proposals.len(), 1);
    let change = &proposals[0].diff[0];
    assert_eq!(change.key, "cn-shanghai--cz-prague");
    assert_eq!(change.before.as_ref().unwrap()["kind"], "sister_city");
    assert_eq!(change.after.as_ref().unwrap()["kind"], "twin_town");
}

fn html_unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn an_activity_with_a_quantity_is_proposed_with_its_places_resolved_by_name() {
    let server = Server::start().await;
    add_user(&server, "eddie", Role::Editor).await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;
    let form = editor.get("/propose/activity?places=cz-prague").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("value=\"cz-prague\""),
        "the link fills the places in"
    );
    let csrf = csrf_field(&form.body[form.body.find("id=\"propose\"").unwrap()..]);
    let fields = |value: &'static str| {
        vec![
            ("kind", "aid"),
            ("title", "Masks for Duisburg"),
            ("start", "2020-04"),
            ("places", "Praha, de-duisburg"),
            ("quantity_item", "face masks"),
            ("quantity_value", value),
            ("quantity_unit", "pieces"),
            ("source", "deck"),
        ]
    };
    let mut bad = fields("lots");
    bad.push(("csrf", &csrf));
    let answer = editor.post("/propose/activity", "", &bad).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(field_block(&answer.body, "quantity_value").contains("'lots' is not a number"));
    let mut good = fields("20000");
    good.push(("csrf", &csrf));
    let answer = editor.post("/propose/activity", "", &good).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let admin = polis_app::Principal::local_admin("test");
    let proposals = server.state.app().proposals(&admin, None).await.unwrap();
    let change = &proposals[0].diff[0];
    assert_eq!(change.kind, "activity");
    assert_eq!(
        change.key, "masks-for-duisburg-2020",
        "a slug of the title and the year"
    );
    let after = change.after.as_ref().unwrap();
    assert_eq!(
        after["places"],
        serde_json::json!(["cz-prague", "de-duisburg"])
    );
    assert_eq!(after["quantities"][0]["value"], 20000.0);
    assert_eq!(after["quantities"][0]["unit"], "pieces");
}

/// Signing in and out stays in the audit chain (the chain verifies), under the sessions'
/// own context; the audit log leaves those entries out unless asked for them, so the
/// changes to the data are what an admin reads first.
#[tokio::test]
async fn sign_ins_are_chained_and_left_out_of_the_audit_log_unless_asked_for() {
    let server = Server::start().await;
    add_user(&server, "ada", Role::Admin).await;
    add_user(&server, "eddie", Role::Editor).await;
    let mut editor = Browser::new(&server);
    editor.sign_in("eddie", "correct horse battery").await;
    let csrf = editor.csrf("/edit").await;
    let out = editor.post("/sign-out", "", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    let mut admin = Browser::new(&server);
    admin.sign_in("ada", "correct horse battery").await;

    let admin_principal = polis_app::Principal::local_admin("test");
    let app = server.state.app();
    let everything = app
        .audit_entries_for(&admin_principal, 1000, true)
        .await
        .expect("the log");
    let sessions: Vec<_> = everything
        .iter()
        .filter(|e| polis_app::sessions::is_session_entry(&e.record_kind, &e.context))
        .collect();
    assert_eq!(
        sessions
            .iter()
            .map(|e| e.context.as_str())
            .collect::<Vec<_>>(),
        [
            polis_app::sessions::SESSION_SIGN_IN,
            polis_app::sessions::SESSION_SIGN_OUT,
            polis_app::sessions::SESSION_SIGN_IN
        ],
        "ada in; eddie out; eddie in (newest first)"
    );
    let without = app
        .audit_entries_for(&admin_principal, 1000, false)
        .await
        .expect("the log");
    assert_eq!(without.len(), everything.len() - 3);
    // The users' creation is there: only the sessions are left out.
    assert!(
        without
            .iter()
            .any(|e| e.record_kind == "user" && e.record_id == "eddie")
    );
    // A small page still fills up with the other entries.
    let two = app
        .audit_entries_for(&admin_principal, 2, false)
        .await
        .expect("the log");
    assert_eq!(two.len(), 2);
    assert!(two.iter().all(|e| e.record_kind != "token"), "{two:?}");
    let verified = app.verify_audit(&admin_principal).await.expect("verifies");
    assert!(verified.intact, "{verified:?}");

    let page = admin.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains(polis_app::sessions::SESSION_SIGN_IN));
    assert!(
        page.body.contains("/api/v1/audit?limit=50\""),
        "its JSON leaves them out too"
    );
    let with = admin.get("/audit?sessions=true").await;
    assert!(with.body.contains(polis_app::sessions::SESSION_SIGN_OUT));
    assert!(
        with.body
            .contains("/api/v1/audit?limit=50&amp;sessions=true")
    );
}
