//! The state every handler shares: the store, and an in-memory snapshot of its records that
//! reads are answered from, swapped whole by [`AppState::reload`].

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::http::HeaderValue;
use bytes::Bytes;
use polis_core::text::fold;
use polis_core::{Dataset, Place};
use polis_store::Records;
use polis_store_sqlite::SqliteStore;
use tower_governor::governor::GovernorConfig;
use tower_governor::key_extractor::PeerIpKeyExtractor;

use crate::HttpError;
use crate::config::HttpConfig;
use crate::error::ApiError;

/// The per-IP rate limiter's settings and state.
pub(crate) type RateLimiter =
    GovernorConfig<PeerIpKeyExtractor, governor::middleware::NoOpMiddleware>;

/// Everything the handlers share. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: SqliteStore,
    snapshot: RwLock<Arc<Snapshot>>,
    config: HttpConfig,
    rate_limiter: Option<Arc<RateLimiter>>,
    cors_origins: Option<Vec<HeaderValue>>,
    openapi_json: Bytes,
}

impl AppState {
    /// Checks `config` and loads the first snapshot from `store`.
    pub async fn new(store: SqliteStore, config: HttpConfig) -> Result<Self, HttpError> {
        let rate_limiter = if config.rate_per_second == 0 {
            None
        } else {
            let period_nanoseconds = 1_000_000_000 / u64::from(config.rate_per_second);
            let limiter = tower_governor::governor::GovernorConfigBuilder::default()
                .per_nanosecond(period_nanoseconds.max(1))
                .burst_size(config.burst)
                .finish()
                .ok_or_else(|| HttpError::Config {
                    setting: "burst",
                    value: config.burst.to_string(),
                    reason: "the burst must be at least 1 when rate limiting is on".to_owned(),
                })?;
            Some(Arc::new(limiter))
        };
        let cors_origins = if config.cors_allowed_origins.is_empty() {
            None
        } else {
            let origins = config
                .cors_allowed_origins
                .iter()
                .map(|origin| {
                    HeaderValue::from_str(origin).map_err(|e| HttpError::Config {
                        setting: "cors_allowed_origins",
                        value: origin.clone(),
                        reason: format!("not a valid origin ({e}); write e.g. https://example.org"),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Some(origins)
        };
        let snapshot = Snapshot::new(store.load().await?);
        let openapi_json = Bytes::from(
            serde_json::to_vec(&crate::openapi::openapi())
                .expect("the OpenAPI document serializes"),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                snapshot: RwLock::new(Arc::new(snapshot)),
                config,
                rate_limiter,
                cors_origins,
                openapi_json,
            }),
        })
    }

    /// Loads the records from the store again and swaps the snapshot; requests already
    /// running finish on the old one. Returns the number of records loaded.
    pub async fn reload(&self) -> Result<usize, HttpError> {
        let data = self.inner.store.load().await?;
        let n_records = data.len();
        let snapshot = Arc::new(Snapshot::new(data));
        *self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = snapshot;
        Ok(n_records)
    }

    /// The snapshot in force.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner
            .snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn store(&self) -> &SqliteStore {
        &self.inner.store
    }

    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    pub(crate) fn rate_limiter(&self) -> Option<Arc<RateLimiter>> {
        self.inner.rate_limiter.clone()
    }

    pub(crate) fn cors_origins(&self) -> Option<&[HeaderValue]> {
        self.inner.cors_origins.as_deref()
    }

    pub(crate) fn openapi_json(&self) -> Bytes {
        self.inner.openapi_json.clone()
    }
}

/// Every record, as loaded at one moment, with the indexes that place lookups need.
pub struct Snapshot {
    pub data: Dataset,
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
}

impl Snapshot {
    pub fn new(data: Dataset) -> Self {
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
            by_id,
            by_former_id,
            by_name_key,
            ties_by_place,
            memberships_by_member,
        }
    }

    /// The place with this id.
    pub fn place_by_id(&self, id: &str) -> Option<&polis_core::Place> {
        self.by_id
            .get(id)
            .map(|&position| &self.data.places[position])
    }

    /// The ties with `place_id` at one end, as listed rows with their status on `as_of`,
    /// sorted by id: the same rows as `polis_analysis::list_ties` with a place filter.
    pub fn tie_rows_of(
        &self,
        place_id: &str,
        as_of: Option<&polis_core::PartialDate>,
    ) -> Vec<polis_analysis::TieRow> {
        let mut rows: Vec<polis_analysis::TieRow> = self
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
    pub fn memberships_of(&self, member: &str) -> Vec<&polis_core::Membership> {
        self.memberships_by_member
            .get(member)
            .into_iter()
            .flatten()
            .map(|&position| &self.data.memberships[position])
            .collect()
    }

    /// Places whose id, former id or any name matches `query` (names compared folded:
    /// case, diacritics and script variants ignored), the exact id first, then the most
    /// populous. The same answer as `Store::find_places`, without SQL.
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

    /// Is `query` a place's id or one of its names (or blank)? How `polis graph path`
    /// chooses `ties` as the default of `--through`.
    pub fn is_place_id_or_name(&self, query: &str) -> bool {
        let key = fold(query);
        key.is_empty() || self.by_id.contains_key(query) || self.by_name_key.contains_key(&key)
    }

    /// The one place an id or name denotes, as `polis ties --place` resolves it: an exact
    /// id wins; a name of several places is ambiguous.
    pub fn resolve_place(&self, parameter: &str, query: &str) -> Result<&Place, ApiError> {
        self.resolve(&format!("query parameter `{parameter}`: "), query)
    }

    /// The one place a path segment (`/recommend/{place}`) denotes, by the same rule as
    /// [`Snapshot::resolve_place`] and `polis recommend PLACE`.
    pub fn resolve_place_in_path(&self, query: &str) -> Result<&Place, ApiError> {
        self.resolve("", query)
    }

    /// The rule of both, with `prefix` before every message.
    fn resolve(&self, prefix: &str, query: &str) -> Result<&Place, ApiError> {
        let places = self.find_places(query);
        match places.as_slice() {
            [] => Err(ApiError::NotFound(format!(
                "{prefix}no place has the id or name '{query}': try /api/v1/search?q={query}"
            ))),
            [one] => Ok(one),
            [first, ..] if first.id == query => Ok(first),
            many => Err(ApiError::Ambiguous(format!(
                "{prefix}'{query}' names {} places: {}; give an id",
                many.len(),
                many.iter()
                    .map(|p| format!("{} ({})", p.id, p.country.as_deref().unwrap_or("??")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}
