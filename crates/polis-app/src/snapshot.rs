//! One in-memory snapshot of every record, with the indexes that lookups need (places by id,
//! former id and folded name; ties and memberships by place), and every question that is
//! answered from it. The CLI builds one per run; the server keeps one and swaps in a new one
//! after every committed change (see [`crate::App`]).

use std::collections::{BTreeSet, HashMap};

use polis_analysis::network::MetricsQuery;
use polis_analysis::{StatsQuery, TieFilter, TieRow};
use polis_core::text::fold;
use polis_core::{ActivityKind, Dataset, Membership, PartialDate, Place, TieKind, TieStatus};
use serde::Serialize;

use crate::error::{AppError, graph_error, recommend_error};
use crate::options::{self, CountryBasis, CountryCode, MetricSort, Through};

/// Every record, as loaded at one moment (the store's `version`), with its indexes.
pub struct Snapshot {
    data: Dataset,
    version: i64,
    /// Place positions by id.
    by_id: HashMap<String, usize>,
    /// Place positions by former id (redirects after a merge).
    by_former_id: HashMap<String, Vec<usize>>,
    /// Place positions by the folded key of each of their names.
    by_name_key: HashMap<String, Vec<usize>>,
    /// Tie positions by the id of each end, so a place's ties are found without a scan.
    ties_by_place: HashMap<String, Vec<usize>>,
    /// Membership positions by member id.
    memberships_by_member: HashMap<String, Vec<usize>>,
    /// The world map's layer, built on first use and kept while this snapshot is in force
    /// (the map page and its JSON both ask for it; see `views.rs`).
    pub(crate) map_layer: std::sync::OnceLock<std::sync::Arc<crate::views::MapLayer>>,
    /// The dashboard's numbers, built on first use: with the world dataset they take
    /// seconds (every reported figure runs the statistics; see `dashboard.rs`).
    /// One per country basis, in the order of `CountryBasis::NAMES`.
    pub(crate) dashboard: [std::sync::OnceLock<crate::dashboard::Dashboard>; 3],
    /// The quality report without the unresolved queue (what a dossier's flags come from).
    pub(crate) quality_of_records: std::sync::OnceLock<polis_analysis::QualityReport>,
    /// This snapshot without its provisional places, built on first use (`--resolved-only`).
    resolved_only: std::sync::OnceLock<Box<Snapshot>>,
    /// Every place's betweenness rank and community, for the dossiers (see `views.rs`).
    pub(crate) place_ranks: std::sync::OnceLock<crate::views::PlaceRanksTable>,
}

impl Drop for Snapshot {
    /// Every record and its indexes take tens of milliseconds to free on the world dataset.
    /// The last holder of a replaced snapshot is often a request on a runtime worker, which
    /// would hold up every request queued behind it: inside a runtime, they are freed on
    /// its blocking pool instead.
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let heavy = (
            std::mem::take(&mut self.data),
            std::mem::take(&mut self.by_id),
            std::mem::take(&mut self.by_former_id),
            std::mem::take(&mut self.by_name_key),
            std::mem::take(&mut self.ties_by_place),
            std::mem::take(&mut self.memberships_by_member),
            self.map_layer.take(),
            self.dashboard.each_mut().map(std::sync::OnceLock::take),
            self.quality_of_records.take(),
            self.resolved_only.take(),
            self.place_ranks.take(),
        );
        drop(runtime.spawn_blocking(move || drop(heavy)));
    }
}

/// A place with its ties and memberships: `polis place show`, `/places/{place}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceView<'a> {
    pub place: &'a Place,
    /// The other places the query matched (a name several places share).
    pub also_matched: Vec<&'a str>,
    pub ties: Vec<TieRow>,
    pub memberships: Vec<&'a Membership>,
}

/// Which ties to list: `polis ties`, `/ties`.
#[derive(Debug, Clone, Default)]
pub struct TiesQuery {
    /// An id or a name of a place (an ambiguous name is refused).
    pub place: Option<String>,
    pub country: Option<CountryCode>,
    pub kind: Option<TieKind>,
    pub status: Option<TieStatus>,
    pub as_of: Option<PartialDate>,
}

/// The statistics asked for: `polis stats`, `/stats`.
#[derive(Debug, Clone, Default)]
pub struct StatsRequest {
    /// A place (an id or a name): it and everything inside it.
    pub place: Option<String>,
    pub country: Option<CountryCode>,
    pub partner_country: Option<CountryCode>,
    pub as_of: Option<PartialDate>,
    /// Leave out provisional places and their ties (see [`Snapshot::scoped`]).
    pub resolved_only: bool,
    /// Which country a place counts under [default: ISO 3166's].
    pub country_basis: CountryBasis,
}

/// "Who connects X to Y": `polis graph path`, `/path`.
#[derive(Debug, Clone)]
pub struct PathQuery {
    pub from: String,
    pub to: String,
    /// What to follow [default: ties when both ends are places, else all].
    pub through: Option<Through>,
    pub as_of: Option<PartialDate>,
    /// Whether the chain's links must have held at one time [default: they must].
    pub time: polis_analysis::TimeRule,
    pub max_chains: usize,
}

/// The chains found, with what was followed.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathAnswer {
    pub from: String,
    pub to: String,
    /// What the chains follow: `ties`, `relations` or `all`.
    #[cfg_attr(feature = "openapi", schema(schema_with = through_schema))]
    pub through: &'static str,
    pub chains: Vec<polis_analysis::Chain>,
}

#[cfg(feature = "openapi")]
fn through_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Through::NAMES))
        .build()
}

/// The network metrics asked for: `polis graph metrics`, `/graph/metrics`.
#[derive(Debug, Clone)]
pub struct MetricsRequest {
    pub top: usize,
    pub country: Option<CountryCode>,
    pub as_of: Option<PartialDate>,
    pub sort: MetricSort,
    pub sampled: Option<usize>,
    pub seed: u64,
    /// Leave out provisional places and their ties (see [`Snapshot::scoped`]).
    pub resolved_only: bool,
}

impl Default for MetricsRequest {
    fn default() -> Self {
        Self {
            top: options::DEFAULT_METRICS_TOP,
            country: None,
            as_of: None,
            sort: MetricSort::default(),
            sampled: None,
            seed: 0,
            resolved_only: false,
        }
    }
}

/// Dormant ties on a date: `polis dormant`, `/dormant`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DormantAnswer {
    pub years: u16,
    pub as_of: PartialDate,
    pub ties: Vec<polis_analysis::DormantTie>,
}

impl Snapshot {
    /// Indexes `data`, loaded when the store was at `version`.
    pub fn new(data: Dataset, version: i64) -> Self {
        let mut by_id = HashMap::with_capacity(data.places.len());
        let mut by_former_id: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, place) in data.places.iter().enumerate() {
            by_id.insert(place.id.clone(), position);
            for former in &place.former_ids {
                by_former_id
                    .entry(former.clone())
                    .or_default()
                    .push(position);
            }
            for name in place.all_names() {
                let positions = by_name_key.entry(fold(name)).or_default();
                if positions.last() != Some(&position) {
                    positions.push(position);
                }
            }
        }
        let mut ties_by_place: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, tie) in data.ties.iter().enumerate() {
            ties_by_place
                .entry(tie.a.clone())
                .or_default()
                .push(position);
            ties_by_place
                .entry(tie.b.clone())
                .or_default()
                .push(position);
        }
        let mut memberships_by_member: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, membership) in data.memberships.iter().enumerate() {
            memberships_by_member
                .entry(membership.member.clone())
                .or_default()
                .push(position);
        }
        Self {
            data,
            version,
            by_id,
            by_former_id,
            by_name_key,
            ties_by_place,
            memberships_by_member,
            map_layer: std::sync::OnceLock::new(),
            dashboard: Default::default(),
            quality_of_records: std::sync::OnceLock::new(),
            resolved_only: std::sync::OnceLock::new(),
            place_ranks: std::sync::OnceLock::new(),
        }
    }

    /// The records to count: all of them, provisional places included (the default), or,
    /// with `resolved_only`, the records without the provisional places (names no import
    /// could resolve) and without their ties, memberships and relations.
    pub fn scoped(&self, resolved_only: bool) -> &Snapshot {
        if !resolved_only || !self.data.places.iter().any(|p| p.provisional) {
            return self;
        }
        self.resolved_only
            .get_or_init(|| Box::new(Snapshot::new(without_provisional(&self.data), self.version)))
    }

    /// Every record.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The store's version when the records were loaded.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// The place with this id.
    pub fn place_by_id(&self, id: &str) -> Option<&Place> {
        self.by_id
            .get(id)
            .map(|&position| &self.data.places[position])
    }

    /// Places whose id, former id or any name matches `query` (names compared folded:
    /// case, diacritics and script variants ignored): the exact id first, then the most
    /// populous, then by id.
    pub fn find_places(&self, query: &str) -> Vec<&Place> {
        let mut positions: Vec<usize> = Vec::new();
        positions.extend(self.by_id.get(query));
        positions.extend(self.by_former_id.get(query).into_iter().flatten());
        positions.extend(self.by_name_key.get(&fold(query)).into_iter().flatten());
        positions.sort_unstable();
        positions.dedup();
        let mut places: Vec<&Place> = positions.iter().map(|&i| &self.data.places[i]).collect();
        let population = |p: &Place| p.shown_population().map_or(0, |p| p.value);
        places.sort_by(|x, y| {
            (y.id == query)
                .cmp(&(x.id == query))
                .then_with(|| population(y).cmp(&population(x)))
                .then_with(|| x.id.cmp(&y.id))
        });
        places
    }

    /// The one place an id, a former id or a name denotes: an exact id wins, a former id
    /// leads to the place it was merged into, and a name of several places is ambiguous.
    pub fn resolve_place(&self, query: &str) -> Result<&Place, AppError> {
        let places = self.find_places(query);
        match places.as_slice() {
            [] => Err(AppError::NotFound {
                what: "place",
                query: query.to_owned(),
            }),
            [one] => Ok(one),
            [first, ..] if first.id == query => Ok(first),
            many => Err(AppError::Ambiguous {
                what: "place",
                query: query.to_owned(),
                choices: many
                    .iter()
                    .map(|p| format!("{} ({})", p.id, p.country.as_deref().unwrap_or("??")))
                    .collect(),
            }),
        }
    }

    /// Is `query` a place's id or one of its names (or blank)? How a path question chooses
    /// `ties` as the default of what it follows.
    pub fn is_place_id_or_name(&self, query: &str) -> bool {
        let key = fold(query);
        key.is_empty()
            || self.by_id.contains_key(query)
            || self.by_former_id.contains_key(query)
            || self.by_name_key.contains_key(&key)
    }

    /// The ties with `place_id` at one end, with their status on `as_of`, sorted by id: the
    /// rows `polis_analysis::list_ties` gives with a place filter, found through the index.
    pub fn tie_rows_of(&self, place_id: &str, as_of: Option<&PartialDate>) -> Vec<TieRow> {
        let mut rows: Vec<TieRow> = self
            .ties_by_place
            .get(place_id)
            .into_iter()
            .flatten()
            .map(|&position| {
                polis_analysis::tie_row(
                    &self.data.ties[position],
                    &|id| self.place_by_id(id),
                    as_of,
                )
            })
            .collect();
        rows.sort_by(|x, y| x.id.cmp(&y.id));
        rows
    }

    /// The memberships of a place or actor.
    pub fn memberships_of(&self, member: &str) -> Vec<&Membership> {
        self.memberships_by_member
            .get(member)
            .into_iter()
            .flatten()
            .map(|&position| &self.data.memberships[position])
            .collect()
    }

    /// A place by id, former id or any name, with its ties on `as_of` and its memberships.
    /// A name several places share answers with the most populous and lists the others.
    pub fn place(
        &self,
        query: &str,
        as_of: Option<PartialDate>,
    ) -> Result<PlaceView<'_>, AppError> {
        let places = self.find_places(query);
        let Some(first) = places.first() else {
            return Err(AppError::NotFound {
                what: "place",
                query: query.to_owned(),
            });
        };
        Ok(PlaceView {
            place: first,
            also_matched: places[1..].iter().map(|p| p.id.as_str()).collect(),
            ties: self.tie_rows_of(&first.id, as_of.as_ref()),
            memberships: self.memberships_of(&first.id),
        })
    }

    /// The ties that pass the filters, sorted by id, each with its status on the date.
    pub fn ties(&self, query: &TiesQuery) -> Result<Vec<TieRow>, AppError> {
        let place = match &query.place {
            Some(place) => Some(self.resolve_place(place)?.id.clone()),
            None => None,
        };
        // A place's ties come from the index; other filters walk the dataset.
        if let Some(place) = &place
            && query.country.is_none()
            && query.kind.is_none()
            && query.status.is_none()
        {
            return Ok(self.tie_rows_of(place, query.as_of.as_ref()));
        }
        let filter = TieFilter {
            place,
            country: query.country.as_ref().map(|c| c.as_str().to_owned()),
            kind: query.kind,
            status: query.status,
            as_of: query.as_of,
        };
        Ok(polis_analysis::list_ties(&self.data, &filter))
    }

    /// Counts of ties, partner places and partner countries, by kind, status and year.
    pub fn stats(&self, request: &StatsRequest) -> Result<polis_analysis::Stats, AppError> {
        let this = self.scoped(request.resolved_only);
        let place = match &request.place {
            Some(place) => Some(self.resolve_place(place)?.id.clone()),
            None => None,
        };
        let query = StatsQuery {
            place,
            country: request.country.as_ref().map(|c| c.as_str().to_owned()),
            as_of: request.as_of,
            partner_countries: request
                .partner_country
                .as_ref()
                .map(|c| BTreeSet::from([c.as_str().to_owned()])),
            count_unknown: false,
            country_basis: request.country_basis,
        };
        Ok(polis_analysis::stats(&this.data, &query))
    }

    /// What changed between two dates.
    pub fn changes(&self, from: PartialDate, to: PartialDate) -> polis_analysis::Changes {
        polis_analysis::changes(&self.data, from, to)
    }

    /// Active ties with no recorded activity for `years` years before `as_of` [default:
    /// today].
    pub fn dormant(&self, years: u16, as_of: Option<PartialDate>) -> DormantAnswer {
        let as_of = as_of.unwrap_or_else(options::today);
        DormantAnswer {
            years,
            as_of,
            ties: polis_analysis::dormant(&self.data, years, as_of),
        }
    }

    /// Reported figures beside the values computed from the data, for one country or all;
    /// `resolved_only` leaves provisional places out of the computed values.
    pub fn figures(
        &self,
        country: Option<&CountryCode>,
        resolved_only: bool,
    ) -> Vec<polis_analysis::FigureComparison> {
        polis_analysis::compare_figures(
            &self.scoped(resolved_only).data,
            country.map(CountryCode::as_str),
            &polis_analysis::geo::continent_countries,
        )
    }

    /// The shortest chains between two records. What is followed defaults to ties when both
    /// ends are places, and to everything otherwise.
    pub fn path(&self, query: &PathQuery) -> Result<PathAnswer, AppError> {
        let through = query.through.unwrap_or_else(|| {
            if self.is_place_id_or_name(&query.from) && self.is_place_id_or_name(&query.to) {
                Through::Ties
            } else {
                Through::All
            }
        });
        let data = followed(&self.data, through);
        let chains = polis_analysis::connect(
            &data,
            &query.from,
            &query.to,
            query.as_of.as_ref(),
            query.time,
            query.max_chains.max(1),
        )
        .map_err(AppError::from)?;
        Ok(PathAnswer {
            from: query.from.clone(),
            to: query.to.clone(),
            through: through.as_str(),
            chains,
        })
    }

    /// Degree, betweenness, PageRank, components, k-cores and communities of the tie network
    /// on a date.
    pub fn metrics(
        &self,
        request: &MetricsRequest,
    ) -> Result<polis_analysis::network::GraphMetrics, AppError> {
        let started = std::time::Instant::now();
        let this = self.scoped(request.resolved_only);
        let network = polis_analysis::network::Snapshot::build(&this.data, request.as_of.as_ref())
            .map_err(graph_error)?;
        tracing::info!(
            snapshot_ms = started.elapsed().as_secs_f64() * 1e3,
            places = network.place_ids.len(),
            ties = network.graph.n_edges(),
            "network snapshot built"
        );
        let query = MetricsQuery {
            as_of: request.as_of,
            country: request.country.as_ref().map(|c| c.as_str().to_owned()),
            top: request.top,
            sort_by: request.sort,
            sampled_sources: request.sampled,
            seed: request.seed,
        };
        polis_analysis::network::metrics_on(&this.data, &network, &query).map_err(graph_error)
    }

    /// Candidate partners for a place (an id or a name), each with its reasons.
    pub fn recommend(
        &self,
        place: &str,
        top: usize,
        theme: Option<&str>,
        as_of: Option<PartialDate>,
    ) -> Result<polis_analysis::recommend::Recommendations, AppError> {
        let place = self.resolve_place(place)?;
        polis_analysis::recommend::recommend(&self.data, &place.id, top, theme, as_of.as_ref())
            .map_err(recommend_error)
    }

    /// How well the partner finder recovers a held-out share of real ties.
    pub fn evaluate_recommendations(
        &self,
        fraction: f64,
        seed: u64,
        as_of: Option<PartialDate>,
    ) -> Result<polis_analysis::recommend::Evaluation, AppError> {
        polis_analysis::recommend::evaluate(&self.data, fraction, seed, as_of.as_ref())
            .map_err(recommend_error)
    }

    /// Totals of recorded quantities by item and unit.
    pub fn activity_totals(
        &self,
        kind: Option<ActivityKind>,
    ) -> Vec<polis_analysis::QuantityTotal> {
        polis_analysis::quantity_totals(&self.data, kind)
    }

    /// Agreement articles by tag, text or both (one of them must be given).
    pub fn clauses(
        &self,
        tag: Option<&str>,
        text: Option<&str>,
    ) -> Result<Vec<polis_analysis::ClauseHit>, AppError> {
        if tag.is_none() && text.is_none() {
            return Err(AppError::BadInput(
                "give a tag or a text to look for (or both), e.g. the tag one_china_clause or the text taiwan"
                    .to_owned(),
            ));
        }
        Ok(polis_analysis::clause_search(&self.data, tag, text))
    }

    /// The data-quality report, with the names waiting in the unresolved queue (the checks
    /// of the records are computed once per snapshot; the queue is the one given).
    pub fn quality(&self, unresolved: &[polis_store::QueuedName]) -> polis_analysis::QualityReport {
        let unresolved: Vec<String> = unresolved
            .iter()
            .map(|q| {
                format!(
                    "{} ({}) at {}:{}",
                    q.name,
                    q.country.as_deref().unwrap_or_default(),
                    q.batch,
                    q.line
                )
            })
            .collect();
        self.quality_of_records().with_unresolved(&unresolved)
    }

    /// The quality report's checks of the records (the unresolved queue left empty),
    /// computed once per snapshot: the dossiers' flags and, with the queue, the dashboard's
    /// and `/api/v1/quality`'s report.
    pub(crate) fn quality_of_records(&self) -> &polis_analysis::QualityReport {
        self.quality_of_records
            .get_or_init(|| polis_analysis::quality(&self.data, &[]))
    }
}

/// The records a path may follow: `ties` keeps places and ties, `relations` keeps actors,
/// places, networks and relations, `all` keeps everything a chain can pass through.
fn followed(data: &Dataset, through: Through) -> Dataset {
    let places = data.places.clone();
    match through {
        Through::Ties => Dataset {
            places,
            ties: data.ties.clone(),
            ..Dataset::default()
        },
        Through::Relations => Dataset {
            places,
            actors: data.actors.clone(),
            networks: data.networks.clone(),
            relations: data.relations.clone(),
            ..Dataset::default()
        },
        Through::All => Dataset {
            places,
            ties: data.ties.clone(),
            actors: data.actors.clone(),
            networks: data.networks.clone(),
            relations: data.relations.clone(),
            memberships: data.memberships.clone(),
            activities: data.activities.clone(),
            ..Dataset::default()
        },
    }
}

/// `data` without provisional places and what refers to them: their ties, memberships and
/// relations, and their mentions in activities.
fn without_provisional(data: &Dataset) -> Dataset {
    let provisional: std::collections::HashSet<&str> = data
        .places
        .iter()
        .filter(|p| p.provisional)
        .map(|p| p.id.as_str())
        .collect();
    let kept = |id: &String| !provisional.contains(id.as_str());
    let mut out = data.clone();
    out.places.retain(|p| !p.provisional);
    out.ties.retain(|t| kept(&t.a) && kept(&t.b));
    out.memberships.retain(|m| kept(&m.member));
    out.relations.retain(|r| kept(&r.from) && kept(&r.to));
    let tie_ids: std::collections::HashSet<&str> = out.ties.iter().map(|t| t.id.as_str()).collect();
    for activity in &mut out.activities {
        activity.places.retain(kept);
        activity.ties.retain(|t| tie_ids.contains(t.as_str()));
    }
    out
}
