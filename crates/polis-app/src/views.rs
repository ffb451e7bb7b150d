//! The questions the web pages ask that no command asked before: the map's layer (every
//! place with coordinates and every tie, with the years its status changed), a tie with
//! everything it cites, a place's whole dossier, and the stakeholder network around a
//! record. Each is also a JSON endpoint, so a page shows nothing its JSON does not hold.

use std::collections::{BTreeMap, BTreeSet};

use polis_analysis::recommend::Recommendations;
use polis_analysis::{Neighbourhood, TieRow};
use polis_core::{
    Activity, Actor, Document, EventKind, PartialDate, Place, Relation, Source, StatusAsOf, Tie,
    TieKind, TieStatus, status_as_of,
};
use serde::Serialize;

use crate::error::AppError;
use crate::options;
use crate::snapshot::{PlaceView, Snapshot};

/// Every place with coordinates and every tie between two of them, for the world map.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapLayer {
    pub places: Vec<MapPlace>,
    pub ties: Vec<MapTie>,
    /// Places that have ties but no coordinates: counted, not drawn.
    pub n_places_without_coordinates: usize,
    /// Ties with an end that has no coordinates: counted, not drawn.
    pub n_ties_not_drawn: usize,
    /// Provisional places drawn (names no import could resolve, kept with their ties and
    /// placed where the import guessed): the map draws them hollow.
    pub n_provisional_places: usize,
    /// The first year any tie's status changed, and this year: the slider's range.
    pub first_year: Option<u16>,
    pub this_year: u16,
    /// The values the filters offer.
    pub countries: Vec<String>,
    pub kinds: Vec<TieKind>,
    pub themes: Vec<String>,
    pub networks: Vec<MapNetwork>,
}

/// A place on the map.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapPlace {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// Ties at this place (of any status).
    pub degree: usize,
    /// True for a provisional place: a name no import could resolve, kept with its ties
    /// (absent when false).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub provisional: bool,
    /// The networks the place is a member of (absent when none: the layer of the world
    /// dataset stays smaller).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub networks: Vec<String>,
}

/// A network a map filter offers.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapNetwork {
    pub id: String,
    pub name: String,
}

/// A tie on the map, with its status now and at the end of every year its status changed.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapTie {
    pub id: String,
    pub a: String,
    pub b: String,
    pub kind: TieKind,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// The status today.
    pub status: TieStatus,
    /// The status before the first change.
    pub before: TieStatus,
    /// `[year, status at the end of that year]`, for every year an event or an
    /// observation dates; the status holds until the next entry (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<(u16, TieStatus)>,
    /// `[year, event kind]` of every dated lifecycle event, in order: what the map lists as
    /// the year's signings and terminations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<(u16, EventKind)>,
}

impl MapTie {
    /// The status at the end of `year`: that of the last change dated `year` or before, or
    /// the status before the first change. The map's script looks statuses up the same way.
    /// For the current year (not yet ended) use [`MapLayer::status_in`], which gives the
    /// status today.
    pub fn status_at_end_of(&self, year: u16) -> TieStatus {
        self.changes
            .iter()
            .rev()
            .find(|(changed, _)| *changed <= year)
            .map_or(self.before, |&(_, status)| status)
    }

    /// The other end of the tie, seen from `place`.
    pub fn partner_of(&self, place: &str) -> &str {
        if self.a == place { &self.b } else { &self.a }
    }
}

/// The filters the map offers; an empty filter admits everything.
#[derive(Debug, Clone, Default)]
pub struct MapFilter {
    /// Ties with an end in this country (ISO code, upper case).
    pub country: Option<String>,
    pub kind: Option<TieKind>,
    /// Ties with this status at the end of the year shown.
    pub status: Option<TieStatus>,
    /// Ties of this network, or between two of its members.
    pub network: Option<String>,
}

impl MapLayer {
    /// A tie's status in `year` as the map shows it: today's status in this year (which has
    /// not ended: an undated tie a source lists counts as in force now), else its status
    /// at the end of `year`. The map's script applies the same rule.
    pub fn status_in(&self, tie: &MapTie, year: u16) -> TieStatus {
        if year >= self.this_year {
            tie.status
        } else {
            tie.status_at_end_of(year)
        }
    }

    /// The place on the map with this id.
    pub fn place(&self, id: &str) -> Option<&MapPlace> {
        self.places.iter().find(|p| p.id == id)
    }

    /// Does `tie` pass `filter` in `year`? The map's script applies the same tests.
    pub fn admits(&self, filter: &MapFilter, tie: &MapTie, year: u16) -> bool {
        let place = |id: &str| self.place(id);
        filter.kind.is_none_or(|kind| tie.kind == kind)
            && filter
                .status
                .is_none_or(|status| self.status_in(tie, year) == status)
            && filter.country.as_deref().is_none_or(|country| {
                [&tie.a, &tie.b]
                    .iter()
                    .any(|id| place(id).and_then(|p| p.country.as_deref()) == Some(country))
            })
            && filter.network.as_deref().is_none_or(|network| {
                tie.network.as_deref() == Some(network)
                    || [&tie.a, &tie.b].iter().all(|id| {
                        place(id).is_some_and(|p| p.networks.iter().any(|n| n == network))
                    })
            })
    }

    /// The ties at `place` that pass `filter` in `year`, by partner name.
    pub fn ties_of(&self, place: &str, filter: &MapFilter, year: u16) -> Vec<&MapTie> {
        let mut ties: Vec<&MapTie> = self
            .ties
            .iter()
            .filter(|t| t.a == place || t.b == place)
            .filter(|t| self.admits(filter, t, year))
            .collect();
        let name = |t: &MapTie| self.place(t.partner_of(place)).map(|p| p.name.clone());
        ties.sort_by_key(|t| name(t));
        ties
    }

    /// The ties with a lifecycle event dated `year` that pass `filter`, with the event.
    pub fn events_in(&self, year: u16, filter: &MapFilter) -> Vec<(&MapTie, EventKind)> {
        self.ties
            .iter()
            .filter(|t| self.admits(filter, t, year))
            .flat_map(|t| {
                t.events
                    .iter()
                    .filter(move |(dated, _)| *dated == year)
                    .map(move |&(_, kind)| (t, kind))
            })
            .collect()
    }

    /// The `n` places with the most ties, most first (then by name).
    pub fn top_places(&self, n: usize) -> Vec<&MapPlace> {
        let mut places: Vec<&MapPlace> = self.places.iter().filter(|p| p.degree > 0).collect();
        places.sort_by(|x, y| y.degree.cmp(&x.degree).then_with(|| x.name.cmp(&y.name)));
        places.truncate(n);
        places
    }

    /// The slider's range: the first year any tie's status changed (this year when none
    /// did) to this year.
    pub fn year_range(&self) -> (u16, u16) {
        let first = self
            .first_year
            .unwrap_or(self.this_year)
            .min(self.this_year);
        (first, self.this_year)
    }
}

/// A tie with both places, its status, and every source, document and actor it cites:
/// the tie page, `/ties/{tie}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TieView<'a> {
    pub tie: &'a Tie,
    pub a: &'a Place,
    pub b: &'a Place,
    pub status: StatusAsOf,
    pub sources: Vec<&'a Source>,
    pub documents: Vec<&'a Document>,
    pub actors: Vec<&'a Actor>,
    /// The tie's evidence grouped by the source it came from, in source order.
    pub evidence_by_source: Vec<SourceEvidence<'a>>,
    /// Where the sources do not tell the same story, in words.
    pub disagreements: Vec<String>,
}

/// What one source says about a tie: the rows of it that name the tie.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceEvidence<'a> {
    pub source: String,
    /// Whose list each row was seen on (a place id), when the source is a per-place list.
    pub listed_by: Vec<String>,
    /// The names as the source wrote them.
    pub as_written: Vec<String>,
    /// The latest date the source observed the tie.
    pub observed: Option<PartialDate>,
    /// For each end whose coordinates the source gives, the farthest the place lies from
    /// them in any of the source's rows (km): how far a reader should trust the resolution.
    pub source_distance_km: BTreeMap<String, f64>,
    pub rows: Vec<&'a polis_core::Evidence>,
}

/// An actor's relation to a place, with the actor.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stakeholder<'a> {
    pub actor: &'a Actor,
    pub relation: &'a Relation,
}

/// A data-quality finding that names a place.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityFlag {
    pub check: &'static str,
    pub description: &'static str,
    pub finding: String,
}

/// Everything known about a place: the dossier page, `/places/{place}/dossier`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dossier<'a> {
    /// What `/places/{place}` answers.
    pub view: PlaceView<'a>,
    /// The places it lies in, nearest first.
    pub parents: Vec<&'a Place>,
    /// A metropolitan government's seat: its core city.
    pub seat: Option<&'a Place>,
    /// Its ties in full (events, evidence), in the order of `ties`.
    pub tie_records: Vec<&'a Tie>,
    pub activities: Vec<&'a Activity>,
    pub documents: Vec<&'a Document>,
    pub stakeholders: Vec<Stakeholder<'a>>,
    /// Ties at this place, and the number of distinct partner countries.
    pub degree: usize,
    pub n_partner_countries: usize,
    /// Candidate partners with reasons (absent when the finder has nothing to go on).
    pub recommendations: Option<Recommendations>,
    pub quality_flags: Vec<QualityFlag>,
    /// Every source the records above cite.
    pub sources: Vec<&'a Source>,
}

/// How many records the explorer's network may hold.
pub const MAX_NEIGHBOURHOOD_NODES: usize = 300;
/// How many links away the explorer walks when not told.
pub const DEFAULT_NEIGHBOURHOOD_DEPTH: usize = 2;

impl Snapshot {
    /// The world map's layer, built once per snapshot (about a third of a second with the
    /// world dataset) and shared by the map page and `/api/v1/map`.
    pub fn map_layer(&self) -> std::sync::Arc<MapLayer> {
        self.map_layer
            .get_or_init(|| std::sync::Arc::new(self.build_map_layer()))
            .clone()
    }

    fn build_map_layer(&self) -> MapLayer {
        let data = self.data();
        let mut degree: BTreeMap<&str, usize> = BTreeMap::new();
        for tie in &data.ties {
            *degree.entry(&tie.a).or_default() += 1;
            *degree.entry(&tie.b).or_default() += 1;
        }
        let mut networks_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for membership in &data.memberships {
            networks_of
                .entry(&membership.member)
                .or_default()
                .push(membership.network.clone());
        }
        let mut places = Vec::new();
        let mut drawn: BTreeSet<&str> = BTreeSet::new();
        let mut n_places_without_coordinates = 0;
        // A district or a metropolitan government without coordinates of its own is drawn
        // where the place it lies in, or its seat, is.
        let index = polis_analysis::PlaceIndex::new(data);
        for place in &data.places {
            let place_degree = degree.get(place.id.as_str()).copied().unwrap_or(0);
            match index.position(&place.id) {
                Some((lat, lon, _)) => {
                    drawn.insert(&place.id);
                    places.push(MapPlace {
                        id: place.id.clone(),
                        name: place.name.clone(),
                        country: place.country.clone(),
                        lat,
                        lon,
                        degree: place_degree,
                        provisional: place.provisional,
                        networks: networks_of.remove(place.id.as_str()).unwrap_or_default(),
                    });
                }
                None if place_degree > 0 => n_places_without_coordinates += 1,
                None => {}
            }
        }
        let mut ties = Vec::new();
        let mut n_ties_not_drawn = 0;
        let mut first_year: Option<u16> = None;
        let mut themes = BTreeSet::new();
        let mut kinds = BTreeSet::new();
        for tie in &data.ties {
            if !drawn.contains(tie.a.as_str()) || !drawn.contains(tie.b.as_str()) {
                n_ties_not_drawn += 1;
                continue;
            }
            let (before, changes) = status_by_year(tie);
            if let Some(&(year, _)) = changes.first() {
                first_year = Some(first_year.map_or(year, |y| y.min(year)));
            }
            themes.extend(tie.themes.iter().cloned());
            kinds.insert(tie.kind);
            ties.push(MapTie {
                id: tie.id.clone(),
                a: tie.a.clone(),
                b: tie.b.clone(),
                kind: tie.kind,
                themes: tie.themes.clone(),
                network: tie.network.clone(),
                status: status_as_of(tie, None).status,
                before,
                changes,
                events: tie
                    .events
                    .iter()
                    .filter_map(|e| Some((map_year(e.date.as_ref()?)?, e.kind)))
                    .collect(),
            });
        }
        let countries: BTreeSet<String> = places.iter().filter_map(|p| p.country.clone()).collect();
        let n_provisional_places = places.iter().filter(|p| p.provisional).count();
        MapLayer {
            places,
            ties,
            n_places_without_coordinates,
            n_ties_not_drawn,
            n_provisional_places,
            first_year,
            this_year: map_year(&options::today()).unwrap_or(1),
            countries: countries.into_iter().collect(),
            kinds: kinds.into_iter().collect(),
            themes: themes.into_iter().collect(),
            networks: data
                .networks
                .iter()
                .map(|n| MapNetwork {
                    id: n.id.clone(),
                    name: n.name.clone(),
                })
                .collect(),
        }
    }

    /// A tie by id, with its places and what it cites; its status on `as_of` [default: now].
    pub fn tie(&self, id: &str, as_of: Option<PartialDate>) -> Result<TieView<'_>, AppError> {
        let data = self.data();
        let tie = data
            .ties
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::NotFound {
                what: "tie",
                query: id.to_owned(),
            })?;
        let place = |id: &str| {
            self.place_by_id(id).ok_or_else(|| AppError::NotFound {
                what: "place",
                query: id.to_owned(),
            })
        };
        let mut cited: BTreeSet<&str> = tie.sources.iter().map(String::as_str).collect();
        for event in &tie.events {
            cited.extend(event.sources.iter().map(String::as_str));
            for claim in &event.disputed_by {
                cited.extend(claim.sources.iter().map(String::as_str));
            }
        }
        cited.extend(tie.evidence.iter().map(|e| e.source.as_str()));
        let mut document_ids: BTreeSet<&str> = tie.documents.iter().map(String::as_str).collect();
        document_ids.extend(tie.events.iter().filter_map(|e| e.document.as_deref()));
        let documents: Vec<&Document> = data
            .documents
            .iter()
            .filter(|d| document_ids.contains(d.id.as_str()))
            .collect();
        for document in &documents {
            cited.extend(document.sources.iter().map(String::as_str));
        }
        let actor_ids: BTreeSet<&str> = tie
            .events
            .iter()
            .filter_map(|e| e.actor.as_deref())
            .collect();
        let (evidence_by_source, disagreements) = evidence_and_disagreements(tie);
        Ok(TieView {
            evidence_by_source,
            disagreements,
            tie,
            a: place(&tie.a)?,
            b: place(&tie.b)?,
            status: status_as_of(tie, as_of.as_ref()),
            sources: sources_named(self, &cited),
            documents,
            actors: data
                .actors
                .iter()
                .filter(|a| actor_ids.contains(a.id.as_str()))
                .collect(),
        })
    }

    /// A place's dossier (by id, former id or any name): the place view and everything
    /// else that names the place.
    pub fn dossier(
        &self,
        query: &str,
        as_of: Option<PartialDate>,
    ) -> Result<Dossier<'_>, AppError> {
        let view = self.place(query, as_of)?;
        let data = self.data();
        let place = view.place;
        let id = place.id.as_str();
        let mut parents = Vec::new();
        let mut next = place.parent.as_deref();
        while let Some(parent) = next.and_then(|p| self.place_by_id(p)) {
            if parents.iter().any(|p: &&Place| p.id == parent.id) {
                break;
            }
            parents.push(parent);
            next = parent.parent.as_deref();
        }
        let seat = place.seat.as_deref().and_then(|s| self.place_by_id(s));
        let tie_records: Vec<&Tie> = view
            .ties
            .iter()
            .filter_map(|row| data.ties.iter().find(|t| t.id == row.id))
            .collect();
        let tie_ids: BTreeSet<&str> = tie_records.iter().map(|t| t.id.as_str()).collect();
        let activities: Vec<&Activity> = data
            .activities
            .iter()
            .filter(|a| {
                a.places.iter().any(|p| p == id)
                    || a.ties.iter().any(|t| tie_ids.contains(t.as_str()))
            })
            .collect();
        let tie_documents: BTreeSet<&str> = tie_records
            .iter()
            .flat_map(|t| t.documents.iter().map(String::as_str))
            .collect();
        let documents: Vec<&Document> = data
            .documents
            .iter()
            .filter(|d| d.parties.iter().any(|p| p == id) || tie_documents.contains(d.id.as_str()))
            .collect();
        let stakeholders: Vec<Stakeholder> = data
            .relations
            .iter()
            .filter(|r| r.to == id || r.from == id)
            .filter_map(|relation| {
                let other = if relation.to == id {
                    &relation.from
                } else {
                    &relation.to
                };
                data.actors
                    .iter()
                    .find(|a| &a.id == other)
                    .map(|actor| Stakeholder { actor, relation })
            })
            .collect();
        let partner_countries: BTreeSet<&str> = view
            .ties
            .iter()
            .map(|row: &TieRow| {
                if row.a == id {
                    row.b_country.as_str()
                } else {
                    row.a_country.as_str()
                }
            })
            .collect();
        let recommendations = self
            .recommend(id, options::DEFAULT_RECOMMEND_TOP, None, as_of)
            .ok();
        let report = self.quality_of_records();
        let quality_flags = report
            .checks
            .iter()
            .flat_map(|check| {
                check
                    .examples
                    .iter()
                    .filter(|finding| finding.contains(id))
                    .map(|finding| QualityFlag {
                        check: check.check,
                        description: check.description,
                        finding: finding.clone(),
                    })
            })
            .collect();
        let mut cited: BTreeSet<&str> = place.sources.iter().map(String::as_str).collect();
        for tie in &tie_records {
            cited.extend(tie.sources.iter().map(String::as_str));
            for event in &tie.events {
                cited.extend(event.sources.iter().map(String::as_str));
                for claim in &event.disputed_by {
                    cited.extend(claim.sources.iter().map(String::as_str));
                }
            }
            cited.extend(tie.evidence.iter().map(|e| e.source.as_str()));
        }
        for activity in &activities {
            cited.extend(activity.sources.iter().map(String::as_str));
        }
        for stakeholder in &stakeholders {
            cited.extend(stakeholder.relation.sources.iter().map(String::as_str));
            for claim in &stakeholder.relation.disputed_by {
                cited.extend(claim.sources.iter().map(String::as_str));
            }
        }
        for membership in &view.memberships {
            cited.extend(membership.sources.iter().map(String::as_str));
        }
        let sources = sources_named(self, &cited);
        Ok(Dossier {
            degree: view.ties.len(),
            n_partner_countries: partner_countries.len(),
            view,
            parents,
            seat,
            tie_records,
            activities,
            documents,
            stakeholders,
            recommendations,
            quality_flags,
            sources,
        })
    }

    /// The place a former id (of a place merged into another) now names, when `query` is
    /// one: the pages redirect such an address to the survivor's.
    pub fn place_redirect(&self, query: &str) -> Option<&str> {
        if self.place_by_id(query).is_some() {
            return None;
        }
        self.data()
            .places
            .iter()
            .find(|p| p.former_ids.iter().any(|f| f == query))
            .map(|p| p.id.as_str())
    }

    /// The place a document is best read from (its first party that is a place, else a
    /// place of a tie that cites it): where a search hit on a document leads.
    pub fn document_place(&self, document: &str) -> Option<&str> {
        let data = self.data();
        data.documents
            .iter()
            .find(|d| d.id == document)
            .and_then(|d| {
                d.parties
                    .iter()
                    .find(|p| self.place_by_id(p).is_some())
                    .map(String::as_str)
            })
            .or_else(|| {
                data.ties
                    .iter()
                    .find(|t| {
                        t.documents.iter().any(|d| d == document)
                            || t.events
                                .iter()
                                .any(|e| e.document.as_deref() == Some(document))
                    })
                    .map(|t| t.a.as_str())
            })
    }

    /// The stakeholder network around a record (an id or a name): every record within
    /// `depth` links, through links in force at `when` (on a date, within a window, or at
    /// any time; see [`crate::neighbourhood_time`]).
    pub fn neighbourhood(
        &self,
        center: &str,
        depth: usize,
        when: &polis_analysis::LinkTime,
    ) -> Result<Neighbourhood, AppError> {
        polis_analysis::neighbourhood(
            self.data(),
            center,
            depth.clamp(1, 4),
            when,
            MAX_NEIGHBOURHOOD_NODES,
        )
        .map_err(AppError::from)
    }
}

/// A tie's evidence by source, and where the sources disagree: a tie that only one side's
/// list names, and a source that still lists a tie after its recorded termination.
fn evidence_and_disagreements(tie: &Tie) -> (Vec<SourceEvidence<'_>>, Vec<String>) {
    let mut by_source: BTreeMap<&str, SourceEvidence> = BTreeMap::new();
    for row in &tie.evidence {
        let entry = by_source
            .entry(row.source.as_str())
            .or_insert_with(|| SourceEvidence {
                source: row.source.clone(),
                listed_by: Vec::new(),
                as_written: Vec::new(),
                observed: None,
                source_distance_km: BTreeMap::new(),
                rows: Vec::new(),
            });
        for (end, km) in &row.source_distance_km {
            let farthest = entry.source_distance_km.entry(end.clone()).or_insert(*km);
            *farthest = farthest.max(*km);
        }
        if let Some(side) = &row.listed_by
            && !entry.listed_by.contains(side)
        {
            entry.listed_by.push(side.clone());
        }
        for name in &row.as_written {
            if !entry.as_written.contains(name) {
                entry.as_written.push(name.clone());
            }
        }
        if let Some(observed) = row.observed {
            entry.observed = Some(entry.observed.map_or(observed, |o| o.max(observed)));
        }
        entry.rows.push(row);
    }
    let mut disagreements = Vec::new();
    if tie.is_one_sided() {
        let side = tie
            .evidence
            .iter()
            .find_map(|e| e.listed_by.as_deref())
            .unwrap_or_default();
        let other = if side == tie.a { &tie.b } else { &tie.a };
        disagreements.push(format!(
            "only the list of {side} names this tie; no source from {other}'s side confirms it"
        ));
    }
    if let Some(terminated) = tie.terminated() {
        for evidence in by_source.values() {
            if let Some(observed) = evidence.observed
                && observed.year_value() > terminated.year_value()
            {
                disagreements.push(format!(
                    "{} still lists the tie in {observed}, after its termination in {terminated}",
                    evidence.source
                ));
            }
        }
    }
    (by_source.into_values().collect(), disagreements)
}

/// The sources with these ids, in id order.
fn sources_named<'a>(snapshot: &'a Snapshot, ids: &BTreeSet<&str>) -> Vec<&'a Source> {
    snapshot
        .data()
        .sources
        .iter()
        .filter(|s| ids.contains(s.id.as_str()))
        .collect()
}

/// A date's year on the map's timeline, which runs from year 1: the years before it (800 BC)
/// are not drawn there.
fn map_year(date: &PartialDate) -> Option<u16> {
    u16::try_from(date.year_value()).ok().filter(|y| *y >= 1)
}

/// A tie's status before its first dated change, and at the end of each year an event or
/// an observation dates (the status is constant between them), as `status_as_of` derives it.
fn status_by_year(tie: &Tie) -> (TieStatus, Vec<(u16, TieStatus)>) {
    let mut years: BTreeSet<u16> = tie
        .events
        .iter()
        .filter_map(|e| map_year(e.date.as_ref()?))
        .collect();
    years.extend(
        tie.evidence
            .iter()
            .filter_map(|e| map_year(e.observed.as_ref()?)),
    );
    let end_of = |year: u16| PartialDate::new(i32::from(year), Some(12), Some(31)).ok();
    let before = years
        .first()
        .and_then(|&y| end_of(y.saturating_sub(1)))
        .map_or(TieStatus::Unknown, |d| status_as_of(tie, Some(&d)).status);
    let mut changes: Vec<(u16, TieStatus)> = Vec::new();
    for year in years {
        if let Some(date) = end_of(year) {
            let status = status_as_of(tie, Some(&date)).status;
            if changes.last().is_none_or(|&(_, s)| s != status) {
                changes.push((year, status));
            }
        }
    }
    (before, changes)
}

/// A place's standing in the tie network in force today: where it ranks by betweenness
/// (1: the most in between), and the community Louvain puts it in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceRanks {
    pub betweenness_rank: usize,
    /// Places ranked (those with a tie in force).
    pub n_ranked: usize,
    pub betweenness: f64,
    pub community: u32,
    pub community_size: usize,
    /// Its community's most common countries.
    pub community_countries: Vec<(String, usize)>,
    /// "exact" or "sampled (...)".
    pub method: String,
}

/// Every ranked place's [`PlaceRanks`], or why there are none.
pub type PlaceRanksTable = Result<std::collections::HashMap<String, PlaceRanks>, String>;

/// Above this many places the dossiers' betweenness is estimated from a sample of sources
/// (with its standard error in `/api/v1/graph/metrics?sampled=`), so that the first dossier
/// of a snapshot does not wait seconds for the exact value.
pub const EXACT_BETWEENNESS_MAX_PLACES: usize = 5_000;
/// Sources sampled above that size.
pub const DOSSIER_BETWEENNESS_SAMPLES: usize = 500;

impl Snapshot {
    /// The betweenness rank and community of `place` in today's network, computed once per
    /// snapshot for every place (none: the place has no tie in force).
    pub fn place_ranks(&self, place: &str) -> Result<Option<PlaceRanks>, AppError> {
        let table = self.place_ranks.get_or_init(|| {
            let sampled = (self.data().places.len() > EXACT_BETWEENNESS_MAX_PLACES)
                .then_some(DOSSIER_BETWEENNESS_SAMPLES);
            let request = crate::MetricsRequest {
                top: usize::MAX,
                sampled,
                ..crate::MetricsRequest::default()
            };
            let metrics = self.metrics(&request).map_err(|e| e.to_string())?;
            let communities: std::collections::HashMap<
                u32,
                &polis_analysis::network::CommunityMetrics,
            > = metrics
                .communities
                .iter()
                .map(|c| (c.community, c))
                .collect();
            let n_ranked = metrics.places.len();
            Ok(metrics
                .places
                .iter()
                .enumerate()
                .map(|(n, p)| {
                    let community = communities.get(&p.community);
                    (
                        p.id.clone(),
                        PlaceRanks {
                            betweenness_rank: n + 1,
                            n_ranked,
                            betweenness: p.betweenness,
                            community: p.community,
                            community_size: community.map_or(0, |c| c.size),
                            community_countries: community
                                .map(|c| c.main_countries.iter().take(3).cloned().collect())
                                .unwrap_or_default(),
                            method: metrics.betweenness_method.clone(),
                        },
                    )
                })
                .collect())
        });
        match table {
            Ok(table) => Ok(table.get(place).cloned()),
            Err(message) => Err(AppError::Internal(message.clone())),
        }
    }
}
