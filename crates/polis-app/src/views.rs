//! The questions the web pages ask that no command asked before: the map's layer (every
//! place with coordinates and every tie, with the years its status changed), a tie with
//! everything it cites, a place's whole dossier, and the stakeholder network around a
//! record. Each is also a JSON endpoint, so a page shows nothing its JSON does not hold.

use std::collections::{BTreeMap, BTreeSet};

use polis_analysis::recommend::Recommendations;
use polis_analysis::{Neighbourhood, TieRow};
use polis_core::{
    Activity, Actor, Document, PartialDate, Place, Relation, Source, StatusAsOf, Tie, TieKind,
    TieStatus, status_as_of,
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
    pub country: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// Ties at this place (of any status).
    pub degree: usize,
    /// The networks the place is a member of.
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
    pub themes: Vec<String>,
    pub network: Option<String>,
    /// The status today.
    pub status: TieStatus,
    /// The status before the first change.
    pub before: TieStatus,
    /// `[year, status at the end of that year]`, for every year an event or an
    /// observation dates; the status holds until the next entry.
    pub changes: Vec<(u16, TieStatus)>,
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
    /// The world map's layer.
    pub fn map_layer(&self) -> MapLayer {
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
        for place in &data.places {
            let place_degree = degree.get(place.id.as_str()).copied().unwrap_or(0);
            match place.shown_coordinates() {
                Some(c) => {
                    drawn.insert(&place.id);
                    places.push(MapPlace {
                        id: place.id.clone(),
                        name: place.name.clone(),
                        country: place.country.clone(),
                        lat: c.lat,
                        lon: c.lon,
                        degree: place_degree,
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
            });
        }
        let countries: BTreeSet<String> = places.iter().filter_map(|p| p.country.clone()).collect();
        MapLayer {
            places,
            ties,
            n_places_without_coordinates,
            n_ties_not_drawn,
            first_year,
            this_year: options::today().year_value(),
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
        Ok(TieView {
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
        let report = polis_analysis::quality(data, &[]);
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
            }
            cited.extend(tie.evidence.iter().map(|e| e.source.as_str()));
        }
        for activity in &activities {
            cited.extend(activity.sources.iter().map(String::as_str));
        }
        for stakeholder in &stakeholders {
            cited.extend(stakeholder.relation.sources.iter().map(String::as_str));
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
            tie_records,
            activities,
            documents,
            stakeholders,
            recommendations,
            quality_flags,
            sources,
        })
    }

    /// The stakeholder network around a record (an id or a name): every record within
    /// `depth` links, through links in force on `as_of` (all links when absent).
    pub fn neighbourhood(
        &self,
        center: &str,
        depth: usize,
        as_of: Option<PartialDate>,
    ) -> Result<Neighbourhood, AppError> {
        polis_analysis::neighbourhood(
            self.data(),
            center,
            depth.clamp(1, 4),
            as_of.as_ref(),
            MAX_NEIGHBOURHOOD_NODES,
        )
        .map_err(AppError::from)
    }
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

/// A tie's status before its first dated change, and at the end of each year an event or
/// an observation dates (the status is constant between them), as `status_as_of` derives it.
fn status_by_year(tie: &Tie) -> (TieStatus, Vec<(u16, TieStatus)>) {
    let mut years: BTreeSet<u16> = tie
        .events
        .iter()
        .filter_map(|e| e.date.as_ref().map(PartialDate::year_value))
        .collect();
    years.extend(
        tie.evidence
            .iter()
            .filter_map(|e| e.observed.as_ref().map(PartialDate::year_value)),
    );
    let end_of = |year: u16| PartialDate::new(year, Some(12), Some(31)).ok();
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
