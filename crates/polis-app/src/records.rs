//! Lists and single records of every kind, as the API's collections serve them: each kind
//! filtered by the fields people look records up by, ordered by key (a record's id, or the
//! key of a membership or relation), a page at a time. A page ends with an opaque
//! [`Cursor`] naming the last key it holds, so the next page starts after that key: records
//! added or removed meanwhile neither repeat nor skip the others.

use std::borrow::Cow;

use polis_core::text::fold;
use polis_core::{
    Activity, ActivityKind, Actor, ActorKind, Document, DocumentKind, Membership, Network, Place,
    PlaceLevel, Relation, RelationKind, ReportedFigure, Source,
};
use polis_store::RecordKind;
use serde::Serialize;

use crate::options::{CountryCode, MAX_PAGE_SIZE};
use crate::{AppError, Snapshot};

/// Where a page starts: after the record with this key, in a list of this kind. Clients see
/// it as opaque text (`next_cursor`) and hand it back as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    kind: RecordKind,
    after: String,
}

/// The prefix of every cursor, so that a cursor of a later format is told apart.
const CURSOR_PREFIX: &str = "c1";

impl Cursor {
    /// The cursor after `key` in a list of `kind`.
    pub fn after(kind: RecordKind, key: &str) -> Self {
        Self {
            kind,
            after: key.to_owned(),
        }
    }

    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// The key the page before ended with.
    pub fn key(&self) -> &str {
        &self.after
    }

    /// A regular expression for every cursor of a list of `kind`: the prefix, then, in hex,
    /// the kind, `:` and a key of printable ASCII (as every key is). Any such cursor is
    /// accepted, including one this server never gave: it names a place in the key order.
    pub fn pattern(kind: RecordKind) -> String {
        let mut pattern = format!("^{CURSOR_PREFIX}");
        for byte in kind.as_str().bytes().chain([b':']) {
            pattern.push_str(&format!("{byte:02x}"));
        }
        pattern.push_str("([2-7][0-9a-f])*$");
        pattern
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(CURSOR_PREFIX)?;
        for byte in self
            .kind
            .as_str()
            .bytes()
            .chain([b':'])
            .chain(self.after.bytes())
        {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Cursor {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refused = || {
            format!(
                "'{}' is not a cursor of polis: give the `next_cursor` of the page before, as it was sent",
                text.chars().take(80).collect::<String>()
            )
        };
        let hex = text.strip_prefix(CURSOR_PREFIX).ok_or_else(refused)?;
        // Exactly what `pattern` describes: lower-case hex of the kind, `:` and a key of
        // printable ASCII.
        if hex.len() % 2 != 0
            || hex.len() > 4096
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(refused());
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| refused())?;
        let decoded = String::from_utf8(bytes).map_err(|_| refused())?;
        let (kind, after) = decoded.split_once(':').ok_or_else(refused)?;
        if !after.bytes().all(|b| (0x20..=0x7f).contains(&b)) {
            return Err(refused());
        }
        let kind: RecordKind = kind.parse().map_err(|_| refused())?;
        Ok(Self {
            kind,
            after: after.to_owned(),
        })
    }
}

/// How much of a list to answer with: at most `limit` records (1 to [`MAX_PAGE_SIZE`]),
/// after `cursor` (from the start when none).
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: usize,
    pub cursor: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: crate::options::DEFAULT_PAGE_SIZE,
            cursor: None,
        }
    }
}

/// One page of a list of records, in key order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordPage<T> {
    /// How many records pass the filters, on every page together.
    pub total: usize,
    pub limit: usize,
    /// The records of this page, in key order, as the bundle format writes them.
    pub items: Vec<T>,
    /// Give this as `cursor` for the next page; none on the last page.
    pub next_cursor: Option<String>,
}

/// Which places to list.
#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    pub country: Option<CountryCode>,
    pub level: Option<PlaceLevel>,
    /// Places directly inside this one (its id).
    pub parent: Option<String>,
    /// Places with this name, in any script (compared folded, as lookups are).
    pub name: Option<String>,
}

/// Which networks to list.
#[derive(Debug, Clone, Default)]
pub struct NetworkFilter {
    pub theme: Option<String>,
    pub tag: Option<String>,
}

/// Which memberships to list.
#[derive(Debug, Clone, Default)]
pub struct MembershipFilter {
    /// A network's id.
    pub network: Option<String>,
    /// A member's id (a place or an actor).
    pub member: Option<String>,
}

/// Which actors to list.
#[derive(Debug, Clone, Default)]
pub struct ActorFilter {
    pub kind: Option<ActorKind>,
    pub country: Option<CountryCode>,
}

/// Which relations to list.
#[derive(Debug, Clone, Default)]
pub struct RelationFilter {
    pub kind: Option<RelationKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Relations with this record at either end.
    pub involving: Option<String>,
}

/// Which activities to list.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub kind: Option<ActivityKind>,
    /// Activities of this place: an id or a name (a name of several places is refused).
    pub place: Option<String>,
    pub actor: Option<String>,
    pub tie: Option<String>,
    pub network: Option<String>,
    pub theme: Option<String>,
}

/// Which documents to list.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub kind: Option<DocumentKind>,
    /// Documents with this party (a place's or an actor's id).
    pub party: Option<String>,
    /// Documents with this tag, or with an article tagged so.
    pub tag: Option<String>,
}

/// Which sources to list.
#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    /// Sources by this publisher (compared folded).
    pub publisher: Option<String>,
}

/// Which reported figures to list.
#[derive(Debug, Clone, Default)]
pub struct FigureFilter {
    pub country: Option<CountryCode>,
    pub metric: Option<String>,
}

/// The records of `kind` in `records` that pass `keep`, a page at a time, by key.
fn paginate<'a, T: Clone + 'a>(
    kind: RecordKind,
    records: &'a [T],
    key_of: impl Fn(&'a T) -> Cow<'a, str>,
    keep: impl Fn(&'a T) -> bool,
    page: &PageRequest,
) -> Result<RecordPage<T>, AppError> {
    if !(1..=MAX_PAGE_SIZE).contains(&page.limit) {
        return Err(AppError::BadInput(format!(
            "a page holds 1 to {MAX_PAGE_SIZE} records, not {}",
            page.limit
        )));
    }
    if let Some(cursor) = &page.cursor
        && cursor.kind != kind
    {
        return Err(AppError::BadInput(format!(
            "the cursor belongs to a list of {}s, not of {}s: give the `next_cursor` of this list's page before",
            cursor.kind, kind
        )));
    }
    let mut matching: Vec<(Cow<'a, str>, &'a T)> = records
        .iter()
        .filter(|r| keep(r))
        .map(|r| (key_of(r), r))
        .collect();
    // The store loads every kind in key order, so this is usually a check.
    if !matching.is_sorted_by(|x, y| x.0 <= y.0) {
        matching.sort_by(|x, y| x.0.cmp(&y.0));
    }
    let start = match &page.cursor {
        Some(cursor) => matching.partition_point(|(key, _)| key.as_ref() <= cursor.key()),
        None => 0,
    };
    let end = start.saturating_add(page.limit).min(matching.len());
    let items: Vec<T> = matching[start..end]
        .iter()
        .map(|(_, r)| (*r).clone())
        .collect();
    let next_cursor = (end < matching.len() && end > start)
        .then(|| Cursor::after(kind, &matching[end - 1].0).to_string());
    Ok(RecordPage {
        total: matching.len(),
        limit: page.limit,
        items,
        next_cursor,
    })
}

fn id_key<T: HasId>(record: &T) -> Cow<'_, str> {
    Cow::Borrowed(record.id())
}

/// Records with a stable id.
trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($type:ty),*) => {$(impl HasId for $type { fn id(&self) -> &str { &self.id } })*};
}
has_id!(
    Place,
    Network,
    Actor,
    Activity,
    Document,
    Source,
    ReportedFigure
);

fn same_text(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

impl Snapshot {
    /// A place's id from an id or a name given as a filter (a name of several places is
    /// refused, listing them).
    fn place_id_of(&self, query: &Option<String>) -> Result<Option<String>, AppError> {
        query
            .as_deref()
            .map(|q| self.resolve_place(q).map(|p| p.id.clone()))
            .transpose()
    }

    /// Places that pass the filter, by id.
    pub fn places_page(
        &self,
        filter: &PlaceFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Place>, AppError> {
        let named: Option<Vec<String>> = filter.name.as_deref().map(|name| {
            self.find_places(name)
                .into_iter()
                .filter(|p| p.all_names().any(|n| same_text(n, name)))
                .map(|p| p.id.clone())
                .collect()
        });
        paginate(
            RecordKind::Place,
            &self.data().places,
            id_key,
            |p| {
                filter
                    .country
                    .as_ref()
                    .is_none_or(|c| p.country.as_deref() == Some(c.as_str()))
                    && filter.level.is_none_or(|l| p.level == l)
                    && filter
                        .parent
                        .as_ref()
                        .is_none_or(|parent| p.parent.as_ref() == Some(parent))
                    && named.as_ref().is_none_or(|ids| ids.contains(&p.id))
            },
            page,
        )
    }

    /// Networks that pass the filter, by id.
    pub fn networks_page(
        &self,
        filter: &NetworkFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Network>, AppError> {
        paginate(
            RecordKind::Network,
            &self.data().networks,
            id_key,
            |n| {
                filter
                    .theme
                    .as_ref()
                    .is_none_or(|t| n.themes.iter().any(|x| same_text(x, t)))
                    && filter
                        .tag
                        .as_ref()
                        .is_none_or(|t| n.tags.iter().any(|x| same_text(x, t)))
            },
            page,
        )
    }

    /// Memberships that pass the filter, by key (network, member, start).
    pub fn memberships_page(
        &self,
        filter: &MembershipFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Membership>, AppError> {
        paginate(
            RecordKind::Membership,
            &self.data().memberships,
            |m| Cow::Owned(m.key()),
            |m| {
                filter.network.as_ref().is_none_or(|n| &m.network == n)
                    && filter.member.as_ref().is_none_or(|x| &m.member == x)
            },
            page,
        )
    }

    /// Actors that pass the filter, by id.
    pub fn actors_page(
        &self,
        filter: &ActorFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Actor>, AppError> {
        paginate(
            RecordKind::Actor,
            &self.data().actors,
            id_key,
            |a| {
                filter.kind.is_none_or(|k| a.kind == k)
                    && filter
                        .country
                        .as_ref()
                        .is_none_or(|c| a.country.as_deref() == Some(c.as_str()))
            },
            page,
        )
    }

    /// Relations that pass the filter, by key (from, kind, to, start).
    pub fn relations_page(
        &self,
        filter: &RelationFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Relation>, AppError> {
        paginate(
            RecordKind::Relation,
            &self.data().relations,
            |r| Cow::Owned(r.key()),
            |r| {
                filter.kind.is_none_or(|k| r.kind == k)
                    && filter.from.as_ref().is_none_or(|f| &r.from == f)
                    && filter.to.as_ref().is_none_or(|t| &r.to == t)
                    && filter
                        .involving
                        .as_ref()
                        .is_none_or(|x| &r.from == x || &r.to == x)
            },
            page,
        )
    }

    /// Activities that pass the filter, by id.
    pub fn activities_page(
        &self,
        filter: &ActivityFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Activity>, AppError> {
        let place = self.place_id_of(&filter.place)?;
        paginate(
            RecordKind::Activity,
            &self.data().activities,
            id_key,
            |a| {
                filter.kind.is_none_or(|k| a.kind == k)
                    && place.as_ref().is_none_or(|p| a.places.contains(p))
                    && filter.actor.as_ref().is_none_or(|x| a.actors.contains(x))
                    && filter.tie.as_ref().is_none_or(|x| a.ties.contains(x))
                    && filter
                        .network
                        .as_ref()
                        .is_none_or(|x| a.networks.contains(x))
                    && filter
                        .theme
                        .as_ref()
                        .is_none_or(|t| a.themes.iter().any(|x| same_text(x, t)))
            },
            page,
        )
    }

    /// Documents that pass the filter, by id.
    pub fn documents_page(
        &self,
        filter: &DocumentFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Document>, AppError> {
        paginate(
            RecordKind::Document,
            &self.data().documents,
            id_key,
            |d| {
                filter.kind.is_none_or(|k| d.kind == k)
                    && filter.party.as_ref().is_none_or(|p| d.parties.contains(p))
                    && filter.tag.as_ref().is_none_or(|t| {
                        d.tags.iter().any(|x| same_text(x, t))
                            || d.articles
                                .iter()
                                .any(|a| a.tags.iter().any(|x| same_text(x, t)))
                    })
            },
            page,
        )
    }

    /// Sources that pass the filter, by id.
    pub fn sources_page(
        &self,
        filter: &SourceFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<Source>, AppError> {
        paginate(
            RecordKind::Source,
            &self.data().sources,
            id_key,
            |s| {
                filter.publisher.as_ref().is_none_or(|p| {
                    s.publisher
                        .as_deref()
                        .is_some_and(|publisher| same_text(publisher, p))
                })
            },
            page,
        )
    }

    /// Reported figures that pass the filter, by id.
    pub fn figures_page(
        &self,
        filter: &FigureFilter,
        page: &PageRequest,
    ) -> Result<RecordPage<ReportedFigure>, AppError> {
        paginate(
            RecordKind::Figure,
            &self.data().figures,
            id_key,
            |f| {
                filter
                    .country
                    .as_ref()
                    .is_none_or(|c| f.country == c.as_str())
                    && filter.metric.as_ref().is_none_or(|m| &f.metric == m)
            },
            page,
        )
    }

    /// The ties [`Snapshot::ties`] lists, a page at a time after `cursor`; the rows are in
    /// id order.
    ///
    /// After the cursor (if any), `offset` more ties are skipped. Only the page's ties become
    /// rows (names, countries, sources): the others are only filtered and counted, so that a
    /// page of a large list costs a walk over the ties, not a row for each.
    pub fn ties_page(
        &self,
        query: &crate::TiesQuery,
        offset: usize,
        page: &PageRequest,
    ) -> Result<RecordPage<polis_analysis::TieRow>, AppError> {
        if let Some(cursor) = &page.cursor
            && cursor.kind != RecordKind::Tie
        {
            return Err(AppError::BadInput(format!(
                "the cursor belongs to a list of {}s, not of ties: give the `next_cursor` of this list's page before",
                cursor.kind
            )));
        }
        let place = match &query.place {
            Some(place) => Some(self.resolve_place(place)?.id.clone()),
            None => None,
        };
        let country_of = |id: &str| self.place_by_id(id).and_then(|p| p.country.as_deref());
        let mut matching: Vec<&polis_core::Tie> = self
            .data()
            .ties
            .iter()
            .filter(|t| place.as_ref().is_none_or(|p| t.a == *p || t.b == *p))
            .filter(|t| {
                query.country.as_ref().is_none_or(|cc| {
                    country_of(&t.a) == Some(cc.as_str()) || country_of(&t.b) == Some(cc.as_str())
                })
            })
            .filter(|t| query.kind.is_none_or(|k| t.kind == k))
            .filter(|t| {
                query
                    .status
                    .is_none_or(|s| polis_core::status_as_of(t, query.as_of.as_ref()).status == s)
            })
            .collect();
        // The store loads ties in id order, so this is usually a check.
        if !matching.is_sorted_by(|x, y| x.id <= y.id) {
            matching.sort_by(|x, y| x.id.cmp(&y.id));
        }
        let after_cursor = match &page.cursor {
            Some(cursor) => matching.partition_point(|t| t.id.as_str() <= cursor.key()),
            None => 0,
        };
        let start = after_cursor.saturating_add(offset).min(matching.len());
        let end = start.saturating_add(page.limit).min(matching.len());
        let items = matching[start..end]
            .iter()
            .map(|t| polis_analysis::tie_row(t, &|id| self.place_by_id(id), query.as_of.as_ref()))
            .collect();
        let next_cursor = (end < matching.len() && end > start)
            .then(|| Cursor::after(RecordKind::Tie, &matching[end - 1].id).to_string());
        Ok(RecordPage {
            total: matching.len(),
            limit: page.limit,
            items,
            next_cursor,
        })
    }

    /// The stored JSON of the record of `kind` with `key` (an id, or the key of a membership
    /// or relation): what a record's own endpoint answers with, and what its version is the
    /// hash of.
    pub fn record_json(&self, kind: RecordKind, key: &str) -> Option<String> {
        polis_store::proposals::record_json(self.data(), kind, key)
    }

    /// The record of `kind` with `key`, or a not-found error naming both.
    pub fn record(&self, kind: RecordKind, key: &str) -> Result<String, AppError> {
        self.record_json(kind, key)
            .ok_or_else(|| AppError::NotFound {
                what: kind.as_str(),
                query: key.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cursor_matches_its_kinds_pattern_and_reads_back() {
        for kind in [
            RecordKind::Place,
            RecordKind::Membership,
            RecordKind::Relation,
        ] {
            let pattern = regex::Regex::new(&Cursor::pattern(kind)).expect("a regex");
            for key in ["cz-prague", "c40|cn-beijing|2009", "", "a b~"] {
                let text = Cursor::after(kind, key).to_string();
                assert!(pattern.is_match(&text), "{text} !~ {pattern}");
                assert_eq!(text.parse::<Cursor>(), Ok(Cursor::after(kind, key)));
            }
        }
        // Outside the pattern: upper-case hex, a key that is not printable ASCII.
        let place = Cursor::pattern(RecordKind::Place);
        for text in ["c1706C6163653A", "c1706c6163653ac3a9", "c1706c6163653a0a"] {
            assert!(!regex::Regex::new(&place).unwrap().is_match(text), "{text}");
            assert!(text.parse::<Cursor>().is_err(), "{text} was read");
        }
    }

    #[test]
    fn a_cursor_reads_back_and_garbage_is_refused() {
        let cursor = Cursor::after(RecordKind::Membership, "n|cz-prague|2001");
        let text = cursor.to_string();
        assert_eq!(text.parse::<Cursor>(), Ok(cursor));
        for garbage in [
            "",
            "c1",
            "c1zz",
            "c1abc",
            "xyz",
            "c16e6f7065",
            "' OR 1=1 --",
        ] {
            assert!(garbage.parse::<Cursor>().is_err(), "{garbage}");
        }
    }

    fn places(ids: &[&str]) -> Vec<Place> {
        ids.iter()
            .map(|id| {
                serde_json::from_value(serde_json::json!({
                    "id": id, "level": "city", "name": id, "sources": ["s"],
                }))
                .expect("a place")
            })
            .collect()
    }

    #[test]
    fn pages_follow_each_other_without_repeating_or_skipping() {
        let all = places(&["c", "a", "e", "b", "d"]);
        let mut seen = Vec::new();
        let mut page = PageRequest {
            limit: 2,
            cursor: None,
        };
        loop {
            let answer =
                paginate(RecordKind::Place, &all, id_key, |_| true, &page).expect("a page");
            assert_eq!(answer.total, 5);
            seen.extend(answer.items.iter().map(|p| p.id.clone()));
            match answer.next_cursor {
                Some(next) => page.cursor = Some(next.parse().expect("reads back")),
                None => break,
            }
        }
        assert_eq!(seen, ["a", "b", "c", "d", "e"]);
        let wrong_kind = PageRequest {
            limit: 2,
            cursor: Some(Cursor::after(RecordKind::Actor, "a")),
        };
        assert!(paginate(RecordKind::Place, &all, id_key, |_| true, &wrong_kind).is_err());
        for limit in [0, MAX_PAGE_SIZE + 1] {
            let page = PageRequest {
                limit,
                cursor: None,
            };
            assert!(paginate(RecordKind::Place, &all, id_key, |_| true, &page).is_err());
        }
    }
}
