//! The options every edge takes, defined once: each parses with `FromStr` (clap, the HTTP
//! parameters and the UI's forms all use it) and names what it accepts when a value is
//! refused. The defaults of every flag and parameter live here too.

use std::str::FromStr;

use polis_core::PartialDate;

pub use polis_analysis::network::SortBy as MetricSort;
/// Which country a place counts under in statistics, the dashboard's country tables
/// included: `iso` (ISO 3166's, the default), `claim` (the country its sources put it in,
/// where recorded) or `both` (each of them).
pub use polis_analysis::stats::CountryBasis;

/// The whitespace a blank text is made of: ASCII's (tab, line feed, vertical tab, form
/// feed, carriage return, space), which every regex dialect's `\s` includes, so that the
/// OpenAPI document's [`NOT_BLANK_PATTERN`] and the server refuse the same texts (Rust's,
/// ECMAScript's and Python's `\s` disagree beyond ASCII).
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0B' | '\x0C' | '\r' | ' ')
}

/// A text is blank when it is empty or holds only ASCII whitespace. Where a text is required
/// (a search, a comment, a query value that is given), a blank one is refused.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_space)
}

/// `text` without the ASCII whitespace around it.
pub fn trim_blank(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// The rule [`is_blank`] refuses, as a JSON Schema `pattern` (unanchored): at least one
/// character that is not ASCII whitespace.
pub const NOT_BLANK_PATTERN: &str = "[^\\t\\n\\v\\f\\r ]";

/// How many ties `polis ties` prints and `/ties` answers when not told: the CLI prints every
/// one, the API pages by this many.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The most items one page (ties, hits, audit entries, metric rows) may hold over the API.
pub const MAX_PAGE_SIZE: usize = 1000;
/// Years without recorded activity that make an active tie dormant.
pub const DEFAULT_DORMANT_YEARS: u16 = 5;
/// Places listed by the network metrics.
pub const DEFAULT_METRICS_TOP: usize = 20;
/// Chains of the shortest length that a path question answers with.
pub const DEFAULT_MAX_CHAINS: usize = 3;
/// Candidate partners the partner finder lists.
pub const DEFAULT_RECOMMEND_TOP: usize = 10;
/// The share of real ties the partner finder's evaluation holds out.
pub const DEFAULT_HELD_OUT_FRACTION: f64 = 0.1;
/// Hits a search answers with.
pub const DEFAULT_SEARCH_LIMIT: usize = 20;
/// Audit entries listed.
pub const DEFAULT_AUDIT_LIMIT: usize = 20;
/// Names of the unresolved queue listed.
pub const DEFAULT_UNRESOLVED_LIMIT: usize = 50;
/// Gazetteer candidates listed for a name.
pub const DEFAULT_CANDIDATES: usize = 5;

/// Today's date (UTC): the default reference date of every question that needs one.
pub fn today() -> PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    PartialDate::from_days_since_epoch(i64::try_from(days).unwrap_or(0))
}

/// A window of time, `FROM..TO` (each YYYY, YYYY-MM or YYYY-MM-DD, each side covering its
/// whole span: `2015..2016` is 2015-01-01 to 2016-12-31), as `polis graph path --during` and
/// `/path?during=` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    pub from: PartialDate,
    pub until: PartialDate,
}

impl FromStr for DateWindow {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let accepted =
            "FROM..TO, each YYYY, YYYY-MM or YYYY-MM-DD, FROM not after TO (e.g. 2015..2018-06)";
        let Some((from, until)) = text.split_once("..") else {
            return Err(format!("'{text}' is not a window of time: give {accepted}"));
        };
        let parse = |side: &str, what: &str| {
            side.trim().parse::<PartialDate>().map_err(|error| {
                format!(
                    "'{text}' is not a window of time: its {what} '{side}' {error}; give {accepted}"
                )
            })
        };
        let (from, until) = (parse(from, "start")?, parse(until, "end")?);
        if from.first_day() > until.last_day() {
            return Err(format!(
                "'{text}' is not a window of time: it ends before it starts; give {accepted}"
            ));
        }
        Ok(Self { from, until })
    }
}

/// How a path question treats time: chains that held together (the default), within a
/// window, or dates ignored.
pub fn path_time(
    during: Option<DateWindow>,
    ignore_time: bool,
) -> Result<polis_analysis::TimeRule, crate::AppError> {
    match (during, ignore_time) {
        (Some(_), true) => Err(crate::AppError::BadInput(
            "a window of time (during) and ignoring time (ignore_time) exclude each other: give one".into(),
        )),
        (Some(window), false) => Ok(polis_analysis::TimeRule::Within {
            from: window.from,
            until: window.until,
        }),
        (None, true) => Ok(polis_analysis::TimeRule::Ignore),
        (None, false) => Ok(polis_analysis::TimeRule::Together),
    }
}

/// When the links of a neighbourhood must have been in force: on `as_of`, at some time
/// within `during`, or at any time; as `/graph/neighbourhood?as_of=|during=` and the
/// explorer take them.
pub fn neighbourhood_time(
    as_of: Option<PartialDate>,
    during: Option<DateWindow>,
) -> Result<polis_analysis::LinkTime, crate::AppError> {
    match (as_of, during) {
        (Some(_), Some(_)) => Err(crate::AppError::BadInput(
            "a date (as_of) and a window of time (during) exclude each other: give one".into(),
        )),
        (Some(date), None) => Ok(polis_analysis::LinkTime::On(date)),
        (None, Some(window)) => Ok(polis_analysis::LinkTime::During {
            from: window.from,
            until: window.until,
        }),
        (None, None) => Ok(polis_analysis::LinkTime::Any),
    }
}

/// What a path may follow, as `polis graph path --through` and `/path?through=` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// Places and ties only.
    Ties,
    /// Actors' relations only (and the actors, places and networks they name).
    Relations,
    /// Relations, ties, memberships and activities.
    All,
}

impl Through {
    /// Every accepted value.
    pub const NAMES: [&'static str; 3] = ["ties", "relations", "all"];

    pub const fn as_str(self) -> &'static str {
        match self {
            Through::Ties => "ties",
            Through::Relations => "relations",
            Through::All => "all",
        }
    }
}

impl FromStr for Through {
    type Err = polis_core::UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "ties" => Ok(Through::Ties),
            "relations" => Ok(Through::Relations),
            "all" => Ok(Through::All),
            _ => Err(polis_core::UnknownValue {
                what: "through",
                value: text.to_owned(),
                accepted: Self::NAMES.join(", "),
            }),
        }
    }
}

/// An ISO 3166-1 alpha-2 country code, upper-cased (`cz` → `CZ`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CountryCode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(CountryCode(text.to_ascii_uppercase()))
        } else {
            Err(format!(
                "'{text}' is not a country code: use an ISO 3166-1 alpha-2 code such as CZ or CN"
            ))
        }
    }
}

/// The formats the tie network exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Geojson,
    Graphml,
    Gexf,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Csv,
        ExportFormat::Geojson,
        ExportFormat::Graphml,
        ExportFormat::Gexf,
    ];

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Geojson => "application/geo+json",
            ExportFormat::Graphml => "application/graphml+xml",
            ExportFormat::Gexf => "application/gexf+xml",
        }
    }

    /// The file name a browser saves it under.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "ties.csv",
            ExportFormat::Geojson => "ties.geojson",
            ExportFormat::Graphml => "ties.graphml",
            ExportFormat::Gexf => "ties.gexf",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option type parses each of its listed names back to itself, and refuses an
    /// unknown one with a message that lists them all.
    #[test]
    fn options_parse_what_they_list_and_name_it_when_refusing() {
        for name in Through::NAMES {
            assert_eq!(name.parse::<Through>().unwrap().as_str(), name);
        }
        for name in MetricSort::NAMES {
            assert_eq!(name.parse::<MetricSort>().unwrap().as_str(), name);
        }
        for name in CountryBasis::NAMES {
            assert_eq!(name.parse::<CountryBasis>().unwrap().as_str(), name);
        }
        assert_eq!(CountryBasis::default().as_str(), CountryBasis::NAMES[0]);
        let refused = "de_facto".parse::<CountryBasis>().unwrap_err().to_string();
        assert!(refused.contains("iso, claim, both"), "{refused}");
        let refused = "shortest".parse::<Through>().unwrap_err().to_string();
        assert!(refused.contains("ties, relations, all"), "{refused}");
        let refused = "rank".parse::<MetricSort>().unwrap_err().to_string();
        assert!(
            refused.contains("betweenness, pagerank, degree"),
            "{refused}"
        );
    }

    #[test]
    fn country_codes_are_two_letters_upper_cased() {
        assert_eq!("cz".parse::<CountryCode>().unwrap().as_str(), "CZ");
        for bad in ["CZE", "C", "1Z", "", "Česko"] {
            assert!(bad.parse::<CountryCode>().is_err(), "{bad}");
        }
    }
}
