//! Error pages for people: a page that does not exist (with a search form), and the server
//! failing to answer (the database missing, locked or broken), with what to do and no
//! internal details.

use maud::{Markup, html};

use crate::layout::{Frame, Section, page, search_form};

/// The 404 page: what was not found, and a search form.
pub fn not_found_page(what: &str) -> Markup {
    let frame = Frame {
        title: "Not found",
        section: Section::Other,
        json: "/api/v1/openapi.json",
        scripts: &[],
        query: "",
    };
    page(
        &frame,
        html! {
            h1 { "Not found" }
            p { (what) }
            p { "Search for it instead, or start from the " a href="/" { "map" } "." }
            (search_form(""))
        },
    )
}

/// A request that cannot be answered as asked (a date that does not parse, a name of
/// several places): the message says what would be accepted.
pub fn bad_request_page(message: &str) -> Markup {
    let frame = Frame {
        title: "Cannot show this",
        section: Section::Other,
        json: "/api/v1/openapi.json",
        scripts: &[],
        query: "",
    };
    page(
        &frame,
        html! {
            h1 { "Cannot show this page" }
            p.error role="alert" { (message) }
            (search_form(""))
        },
    )
}

/// Why the server cannot answer now, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// There is no database yet.
    NoDatabase,
    /// The database is busy or locked by another program.
    Locked,
    /// Anything else; the details are in the server's log.
    Failed,
}

pub fn unavailable_page(why: Unavailable) -> Markup {
    let frame = Frame {
        title: "Cannot answer",
        section: Section::Other,
        json: "/api/v1/health",
        scripts: &[],
        query: "",
    };
    page(
        &frame,
        html! {
            h1 { "polis cannot answer right now" }
            @match why {
                Unavailable::NoDatabase => {
                    p { "There is no database to read from. Create one with " code { "polis init" }
                        " (it loads the reference dataset), or start the server with " code { "--db" }
                        " pointing at an existing database." }
                }
                Unavailable::Locked => {
                    p { "The database is locked by another program (an import, perhaps). "
                        "Wait until it finishes and reload this page." }
                }
                Unavailable::Failed => {
                    p { "The server failed to read the data. The details are in its log; "
                        "reload the page, and if it fails again, tell whoever runs this server." }
                }
            }
        },
    )
}
