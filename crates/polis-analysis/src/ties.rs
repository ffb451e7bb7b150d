//! Listing ties with their status on a date, filtered by place, country, kind and status.

use polis_core::{Dataset, PartialDate, StatusAsOf, Tie, TieKind, TieStatus, status_as_of};
use serde::Serialize;

use crate::PlaceIndex;

/// Which ties to list. Every field narrows the list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct TieFilter {
    /// A place id: ties with this place at one end.
    pub place: Option<String>,
    /// An ISO 3166-1 alpha-2 code: ties with an end in this country.
    pub country: Option<String>,
    pub kind: Option<TieKind>,
    /// Keep ties with this status on `as_of` (or now).
    pub status: Option<TieStatus>,
    pub as_of: Option<PartialDate>,
}

/// One tie as listed: its ends, names, countries and status on the date.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TieRow {
    pub id: String,
    pub kind: TieKind,
    pub a: String,
    pub a_name: String,
    pub a_country: String,
    pub b: String,
    pub b_name: String,
    pub b_country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated: Option<PartialDate>,
    pub status: StatusAsOf,
    pub one_sided: bool,
    pub n_sources: usize,
}

/// The ties that pass `filter`, sorted by id, each with its status on `filter.as_of`.
pub fn list_ties(data: &Dataset, filter: &TieFilter) -> Vec<TieRow> {
    let places = PlaceIndex::new(data);
    let mut rows: Vec<TieRow> = data
        .ties
        .iter()
        .filter(|t| filter.place.as_ref().is_none_or(|p| t.a == *p || t.b == *p))
        .filter(|t| {
            filter.country.as_ref().is_none_or(|cc| {
                places.country_of(&t.a) == cc.as_str() || places.country_of(&t.b) == cc.as_str()
            })
        })
        .filter(|t| filter.kind.is_none_or(|k| t.kind == k))
        .map(|t| tie_row(t, &|id| places.get(id), filter.as_of.as_ref()))
        .filter(|r| filter.status.is_none_or(|s| r.status.status == s))
        .collect();
    rows.sort_by(|x, y| x.id.cmp(&y.id));
    rows
}

/// One tie as listed, looking places up with `place` (an index the caller keeps, so that a
/// server can list one place's ties without walking the whole dataset).
pub fn tie_row<'a>(
    tie: &Tie,
    place: &dyn Fn(&str) -> Option<&'a polis_core::Place>,
    as_of: Option<&PartialDate>,
) -> TieRow {
    let country_of = |id: &str| place(id).and_then(|p| p.country.as_deref()).unwrap_or("??");
    let name = |id: &str| place(id).map_or_else(|| id.to_owned(), |p| p.name.clone());
    let mut sources: Vec<&str> = tie.sources.iter().map(String::as_str).collect();
    sources.extend(tie.evidence.iter().map(|e| e.source.as_str()));
    sources.extend(
        tie.events
            .iter()
            .flat_map(|e| e.sources.iter().map(String::as_str)),
    );
    sources.sort_unstable();
    sources.dedup();
    TieRow {
        id: tie.id.clone(),
        kind: tie.kind,
        a: tie.a.clone(),
        a_name: name(&tie.a),
        a_country: country_of(&tie.a).to_owned(),
        b: tie.b.clone(),
        b_name: name(&tie.b),
        b_country: country_of(&tie.b).to_owned(),
        signed: tie.signed(),
        terminated: tie.terminated(),
        status: status_as_of(tie, as_of),
        one_sided: tie.is_one_sided(),
        n_sources: sources.len(),
    }
}
