//! Resolving a name, as every edge shows it: the gazetteer's ranked candidates for a name
//! and a country field, each with a verdict (confident, a toss-up, a best guess, a
//! sovereignty claim, a neighbouring country) and a note in words, and the answer as a
//! whole; a file of names, row by row; and the queue of names imports could not resolve,
//! each with its candidates. `polis resolve`, `polis unresolved`, `/api/v1/resolve`,
//! `/api/v1/unresolved` and the pages `/resolve` and `/unresolved` call these and only
//! format the answer.

use std::collections::HashMap;

use polis_import::resolve::CandidateView;
use polis_store::QueuedName;
use serde::Serialize;

use crate::imports::{CandidateRow, Resolver};
use crate::{App, AppError, Snapshot};

/// The longest name or country field a question may give, in characters: the longest
/// place names in the gazetteer are under 100.
pub const MAX_NAME_CHARS: usize = 200;
/// The most candidates a question may ask for.
pub const MAX_CANDIDATES: usize = 50;
/// Candidates shown for each name of the unresolved queue.
pub const QUEUE_CANDIDATES: usize = 3;

/// What a candidate is worth, in one word: what an import would do with it, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    /// Confident: an import takes it.
    Confident,
    /// Confident, in a contested territory the source puts in another country than ISO 3166
    /// does: an import takes it and keeps the source's country as its claim.
    Claim,
    /// As good a match as other places of the name, and about as likely: not confident until
    /// the row's context (a qualifier, coordinates, a decision) chooses.
    TossUp,
    /// Found only in a country bordering the one the source named: a guess.
    Neighbouring,
    /// Below the confidence threshold for another reason (a fuzzy spelling, another
    /// country): offered for review, never taken.
    BestGuess,
}

impl Verdict {
    /// The names the JSON answers use, in the order of the variants.
    pub const NAMES: [&'static str; 5] = [
        "confident",
        "claim",
        "toss_up",
        "neighbouring",
        "best_guess",
    ];

    /// The verdict's name in the JSON answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Confident => Self::NAMES[0],
            Verdict::Claim => Self::NAMES[1],
            Verdict::TossUp => Self::NAMES[2],
            Verdict::Neighbouring => Self::NAMES[3],
            Verdict::BestGuess => Self::NAMES[4],
        }
    }

    /// The verdict as people read it ("toss-up").
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Confident => "confident",
            Verdict::Claim => "claim",
            Verdict::TossUp => "toss-up",
            Verdict::Neighbouring => "neighbouring country",
            Verdict::BestGuess => "best guess",
        }
    }

    /// Whether an import takes a candidate with this verdict.
    pub fn is_confident(self) -> bool {
        matches!(self, Verdict::Confident | Verdict::Claim)
    }

    /// The one rule: a toss-up first (never confident unless the row's own context chose
    /// it), then what an import does.
    fn of(candidate: &CandidateView) -> Self {
        if !candidate.ambiguous_with.is_empty() && !candidate.confident {
            Verdict::TossUp
        } else if candidate.confident && candidate.sovereignty_claim.is_some() {
            Verdict::Claim
        } else if candidate.confident {
            Verdict::Confident
        } else if candidate.neighbouring_country.is_some() {
            Verdict::Neighbouring
        } else {
            Verdict::BestGuess
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One candidate with its verdict, its note and the registry's place of it, if any.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedCandidate {
    #[serde(flatten)]
    pub candidate: CandidateView,
    pub verdict: Verdict,
    /// The verdict in words, for people: a toss-up's note opens "A toss-up:" and names the
    /// places it cannot choose between.
    pub note: String,
    /// The id of the registry's place with this GeoNames id, when the registry has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

impl ResolvedCandidate {
    fn new(candidate: CandidateView) -> Self {
        let verdict = Verdict::of(&candidate);
        let note = note(&candidate, verdict);
        Self {
            candidate,
            verdict,
            note,
            place: None,
        }
    }

    /// "Springfield, Missouri, US": the name, its first-level unit and its country.
    pub fn where_label(&self) -> String {
        let c = &self.candidate;
        [
            Some(c.name.as_str()),
            c.admin1.as_deref(),
            Some(c.country.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// A candidate's verdict in words.
fn note(c: &CandidateView, verdict: Verdict) -> String {
    match verdict {
        Verdict::TossUp => format!(
            "A toss-up: {} matches as well as {}, and none holds most of their combined population, so the name alone does not decide. A qualifier in the name (\"{}, {}\"), the source's coordinates or a recorded decision settles it.",
            c.name,
            c.ambiguous_with.join("; "),
            c.name,
            c.admin1.as_deref().unwrap_or(&c.country),
        ),
        Verdict::Claim => match &c.sovereignty_claim {
            Some(claim) => format!(
                "Confident, in a contested territory ({}): the source puts it in {}, ISO 3166 files it under {}. An import takes the place and keeps {} as the source's claim beside {}; polis takes no position.",
                claim.territory,
                claim.claimed_by,
                claim.filed_under,
                claim.claimed_by,
                claim.filed_under
            ),
            None => "Confident: an import takes it.".to_owned(),
        },
        Verdict::Confident => "Confident: an import takes it.".to_owned(),
        Verdict::Neighbouring => format!(
            "A guess: no place of the name in {}, and this one lies in {}, a neighbour of it (a source may give a border town its neighbour's country). Never taken on that alone: record a decision if it is right.",
            c.neighbouring_country
                .as_deref()
                .unwrap_or("the named country"),
            c.country
        ),
        Verdict::BestGuess => format!(
            "A best guess, below the confidence threshold ({:.2}): offered for review; an import queues the name instead.",
            polis_gazetteer::MIN_CONFIDENCE
        ),
    }
}

/// A name and a country field, checked: what every edge asks the resolver; with, where
/// the asker has them, the coordinates and the population a source gives, which choose
/// among the places of the name as an import's rows do.
#[derive(Debug, Clone, PartialEq)]
pub struct NameQuery {
    name: String,
    country: Option<String>,
    hints: polis_import::resolve::SourceHints,
}

/// Why a [`NameQuery`] was refused: the field (`name` or `country`) and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}`: {message}")]
pub struct NameQueryError {
    pub field: &'static str,
    pub message: String,
}

impl From<NameQueryError> for AppError {
    fn from(error: NameQueryError) -> Self {
        AppError::BadInput(error.to_string())
    }
}

impl NameQuery {
    /// A name (required) and a country field (blank: none), trimmed; each at most
    /// [`MAX_NAME_CHARS`] characters.
    pub fn new(name: &str, country: Option<&str>) -> Result<Self, NameQueryError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(NameQueryError {
                field: "name",
                message: "give the place name to resolve, in any spelling, language or script"
                    .to_owned(),
            });
        }
        let too_long = |field: &'static str, text: &str| {
            let chars = text.chars().count();
            (chars > MAX_NAME_CHARS).then(|| NameQueryError {
                field,
                message: format!("{chars} characters is too long; give at most {MAX_NAME_CHARS}"),
            })
        };
        if let Some(error) = too_long("name", name) {
            return Err(error);
        }
        let country = country.map(str::trim).filter(|c| !c.is_empty());
        if let Some(error) = country.and_then(|c| too_long("country", c)) {
            return Err(error);
        }
        Ok(Self {
            name: name.to_owned(),
            country: country.map(str::to_owned),
            hints: polis_import::resolve::SourceHints::default(),
        })
    }

    /// The query with a source's coordinates (`lat` and `lon` together, in WGS 84 degrees)
    /// and population (zero: none), as a row of an import would give them.
    pub fn with_context(
        mut self,
        lat: Option<f64>,
        lon: Option<f64>,
        population: Option<u64>,
    ) -> Result<Self, NameQueryError> {
        let degrees = |field: &'static str, what: &str, value: Option<f64>, range: f64| match value
        {
            Some(v) if !v.is_finite() || v.abs() > range => Err(NameQueryError {
                field,
                message: format!("{v} is not a {what}; give degrees from -{range} to {range}"),
            }),
            _ => Ok(value),
        };
        let lat = degrees("lat", "latitude", lat, 90.0)?;
        let lon = degrees("lon", "longitude", lon, 180.0)?;
        let coordinates = match (lat, lon) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(NameQueryError {
                    field: "lon",
                    message: "give `lon` with `lat`: a point needs both".to_owned(),
                });
            }
            (None, Some(_)) => {
                return Err(NameQueryError {
                    field: "lat",
                    message: "give `lat` with `lon`: a point needs both".to_owned(),
                });
            }
        };
        self.hints = polis_import::resolve::SourceHints {
            coordinates,
            population: population.filter(|p| *p > 0),
        };
        Ok(self)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The source's coordinates, where given.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.hints.coordinates
    }

    /// The source's population, where given.
    pub fn population(&self) -> Option<u64> {
        self.hints.population
    }

    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }
}

/// The answer to "what does this name mean?": the candidates, best first, and the
/// verdict and summary of the answer as a whole (the best candidate's).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub name: String,
    pub country: Option<String>,
    /// The source's latitude the question gave, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// The source's longitude the question gave, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// The source's population the question gave, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    pub candidates: Vec<ResolvedCandidate>,
    /// The best candidate's verdict; absent when nothing matches.
    pub verdict: Option<Verdict>,
    /// What an import would do with the name, in words.
    pub summary: String,
}

impl Resolution {
    fn new(query: &NameQuery, views: Vec<CandidateView>) -> Self {
        let candidates: Vec<ResolvedCandidate> =
            views.into_iter().map(ResolvedCandidate::new).collect();
        let verdict = candidates.first().map(|c| c.verdict);
        let summary = summary(query.name(), &candidates);
        Self {
            name: query.name.clone(),
            country: query.country.clone(),
            lat: query.hints.coordinates.map(|c| c.0),
            lon: query.hints.coordinates.map(|c| c.1),
            population: query.hints.population,
            candidates,
            verdict,
            summary,
        }
    }

    /// Links each candidate to the registry's place with its GeoNames id.
    fn link_places(&mut self, snapshot: &Snapshot) {
        let ids: Vec<u64> = self
            .candidates
            .iter()
            .filter_map(|c| c.candidate.geonames.map(u64::from))
            .collect();
        let places = snapshot.places_by_geonames(&ids);
        for candidate in &mut self.candidates {
            candidate.place = candidate
                .candidate
                .geonames
                .and_then(|g| places.get(&u64::from(g)).cloned());
        }
    }
}

/// The most rivals the gazetteer names for a toss-up (its likeliest five places, less the
/// candidate itself): a candidate with this many may have more.
const MAX_NAMED_RIVALS: usize = 4;

/// How many places a toss-up is between, in words: "2" when the gazetteer named every rival,
/// "at least 7" when it named only the likeliest (the toss-up candidates listed count too).
fn toss_up_size(best: &ResolvedCandidate, candidates: &[ResolvedCandidate]) -> String {
    let named = best.candidate.ambiguous_with.len() + 1;
    if best.candidate.ambiguous_with.len() < MAX_NAMED_RIVALS {
        return named.to_string();
    }
    let listed = candidates
        .iter()
        .filter(|c| c.verdict == Verdict::TossUp)
        .count();
    format!("at least {}", named.max(listed))
}

/// The answer as a whole, from its best candidate.
fn summary(name: &str, candidates: &[ResolvedCandidate]) -> String {
    let Some(best) = candidates.first() else {
        return format!(
            "No candidate for '{name}': an import queues it as a provisional place. Check the spelling, or give the country."
        );
    };
    match best.verdict {
        Verdict::TossUp => format!(
            "A toss-up: '{name}' matches {} places about equally well, so no candidate is confident; say which in the name (\"{name}, {}\"), give the source's coordinates, or record a decision: polis resolve --confirm-geonames ID, or a reviewer's \"This is the place\" on the page /resolve.",
            toss_up_size(best, candidates),
            best.candidate
                .admin1
                .as_deref()
                .unwrap_or(&best.candidate.country)
        ),
        Verdict::Confident => format!(
            "An import takes {} ({:.2}).",
            best.where_label(),
            best.candidate.confidence
        ),
        Verdict::Claim => match &best.candidate.sovereignty_claim {
            Some(claim) => format!(
                "An import takes {} ({:.2}) and keeps {} as the source's claim beside ISO 3166's {}: {} is contested, and polis takes no position.",
                best.where_label(),
                best.candidate.confidence,
                claim.claimed_by,
                claim.filed_under,
                claim.territory
            ),
            None => format!(
                "An import takes {} ({:.2}).",
                best.where_label(),
                best.candidate.confidence
            ),
        },
        Verdict::Neighbouring | Verdict::BestGuess => format!(
            "Not resolved: an import queues '{name}' for a decision. The best guess is {} ({:.2}). {}",
            best.where_label(),
            best.candidate.confidence,
            best.note
        ),
    }
}

/// A row of a file of names, with the verdict of its answer and the answer in words.
#[derive(Debug, Serialize)]
pub struct ResolvedRow {
    #[serde(flatten)]
    pub row: CandidateRow,
    /// The verdict of the answer (or of the guess); absent when nothing matches.
    pub verdict: Option<Verdict>,
    /// The answer in words: the place taken, or why none was.
    pub summary: String,
}

impl ResolvedRow {
    fn new(row: CandidateRow) -> Self {
        let (verdict, summary) = match (&row.best, &row.best_guess) {
            (Some(best), _) => (
                Some(Verdict::of(best)),
                format!(
                    "{}, {}{} ({}){}",
                    best.name,
                    best.admin1
                        .as_deref()
                        .filter(|a| *a != best.name)
                        .map(|a| format!("{a}, "))
                        .unwrap_or_default(),
                    best.country,
                    best.geonames
                        .map_or_else(|| "null".to_owned(), |g| g.to_string()),
                    match (row.by_coordinates, row.by_population) {
                        (true, _) => format!(
                            ", chosen by the row's coordinates ({:.0} km away)",
                            row.source_distance_km.unwrap_or_default()
                        ),
                        (false, true) => ", chosen by the row's population".to_owned(),
                        (false, false) => String::new(),
                    }
                ),
            ),
            (None, Some(guess)) if row.far_from_source_coordinates => (
                Some(Verdict::BestGuess),
                format!(
                    "not confident: {}, {} lies {:.0} km from the row's coordinates, and no place of the name is nearer",
                    guess.name,
                    guess.country,
                    row.source_distance_km.unwrap_or_default()
                ),
            ),
            (None, Some(guess)) if row.population_disagrees => (
                Some(Verdict::BestGuess),
                format!(
                    "not confident: {}, {} has {} people, far from the row's population, and no place of the name has about as many",
                    guess.name,
                    guess.country,
                    polis_gazetteer::thousands(guess.population.unwrap_or_default())
                ),
            ),
            (None, Some(guess)) => {
                let verdict = Verdict::of(guess);
                let summary = match verdict {
                    Verdict::TossUp => format!(
                        "unresolved: a toss-up, {}, {} or {}",
                        guess.name,
                        guess.admin1.as_deref().unwrap_or(&guess.country),
                        guess.ambiguous_with.join(" or ")
                    ),
                    Verdict::Neighbouring => format!(
                        "unresolved (best guess {}, {}, a neighbour of {})",
                        guess.name,
                        guess.country,
                        guess.neighbouring_country.as_deref().unwrap_or_default()
                    ),
                    _ => format!("unresolved (best guess {}, {})", guess.name, guess.country),
                };
                (Some(verdict), summary)
            }
            (None, None) => (None, "unresolved".to_owned()),
        };
        Self {
            row,
            verdict,
            summary,
        }
    }
}

/// A name of the unresolved queue, with its candidates.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    #[serde(flatten)]
    pub queued: QueuedName,
    /// The gazetteer's best candidates for it now (at most [`QUEUE_CANDIDATES`]), each with
    /// its verdict: none is confident, or an import would have taken it.
    pub candidates: Vec<ResolvedCandidate>,
}

/// The unresolved queue, the names named most often first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnresolvedPage {
    pub names: Vec<QueueEntry>,
    /// How many names were asked for at most.
    pub limit: usize,
}

impl Resolver {
    /// The candidates for a name, best first (at most `limit`, from 1 to
    /// [`MAX_CANDIDATES`]), each with its verdict and note.
    pub fn resolution(&self, query: &NameQuery, limit: usize) -> Result<Resolution, AppError> {
        let views = polis_import::resolve::candidate_views_in_context(
            self.gazetteer()?,
            query.name(),
            query.country(),
            query.hints,
            limit.clamp(1, MAX_CANDIDATES),
        );
        Ok(Resolution::new(query, views))
    }

    /// Every row of a CSV of names answered as an import would, each with its verdict and
    /// its answer in words (see [`Resolver::resolve_rows`]).
    pub fn resolve_file(
        &self,
        file_label: &str,
        bytes: &[u8],
    ) -> Result<Vec<ResolvedRow>, AppError> {
        Ok(self
            .resolve_rows(file_label, bytes)?
            .into_iter()
            .map(ResolvedRow::new)
            .collect())
    }
}

impl App {
    /// [`Resolver::resolution`], off the async threads (the first question may wait for the
    /// gazetteer to load), with each candidate linked to the registry's place of it.
    pub async fn resolution(&self, query: NameQuery, limit: usize) -> Result<Resolution, AppError> {
        let resolver = self.resolver().clone();
        let mut resolution =
            tokio::task::spawn_blocking(move || resolver.resolution(&query, limit))
                .await
                .map_err(AppError::internal)??;
        let snapshot = self.snapshot().await?;
        resolution.link_places(&snapshot);
        Ok(resolution)
    }

    /// The unresolved queue (at most `limit` names, the names named most often first), each
    /// with the gazetteer's best candidates for it, as a person deciding needs them.
    pub async fn unresolved_page(&self, limit: usize) -> Result<UnresolvedPage, AppError> {
        let queue = self.unresolved(limit).await?;
        let resolver = self.resolver().clone();
        let snapshot = self.snapshot().await?;
        tokio::task::spawn_blocking(move || {
            let mut names = Vec::with_capacity(queue.len());
            let mut cache: HashMap<(String, Option<String>), Vec<ResolvedCandidate>> =
                HashMap::new();
            for queued in queue {
                let key = (queued.name.clone(), queued.country.clone());
                let candidates = match cache.get(&key) {
                    Some(candidates) => candidates.clone(),
                    None => {
                        let candidates =
                            match NameQuery::new(&queued.name, queued.country.as_deref()) {
                                Ok(query) => {
                                    let mut resolution =
                                        resolver.resolution(&query, QUEUE_CANDIDATES)?;
                                    resolution.link_places(&snapshot);
                                    resolution.candidates
                                }
                                // A stored name the resolver cannot take has no candidates.
                                Err(_) => Vec::new(),
                            };
                        cache.insert(key, candidates.clone());
                        candidates
                    }
                };
                names.push(QueueEntry { queued, candidates });
            }
            Ok(UnresolvedPage { names, limit })
        })
        .await
        .map_err(AppError::internal)?
    }
}

impl Snapshot {
    /// The registry's place with each of these GeoNames ids, where it has one (a
    /// provisional place never counts: it is what is waiting to be resolved).
    pub fn places_by_geonames(&self, ids: &[u64]) -> HashMap<u64, String> {
        if ids.is_empty() {
            return HashMap::new();
        }
        self.data()
            .places
            .iter()
            .filter(|p| !p.provisional)
            .filter_map(|p| {
                p.geonames
                    .filter(|g| ids.contains(g))
                    .map(|g| (g, p.id.clone()))
            })
            .collect()
    }
}
