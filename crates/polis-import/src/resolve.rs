//! Resolving a name as a source writes it to one place: first the registry (by Wikidata id,
//! then by a decision a user recorded), then the embedded gazetteer, ranked by country,
//! admin region, coordinates (when the source gives them) and population. A name below the
//! gazetteer's confidence threshold is left unresolved, never guessed.

use std::collections::HashMap;

use foldhash::{HashMap as FastMap, HashSet as FastSet};

use polis_core::text::fold;
use polis_core::{Dataset, PlaceLevel};
use polis_gazetteer::{Candidate, Gazetteer, Level, thousands};

use crate::RawEnd;

/// How far (km) a gazetteer candidate may lie from the coordinates a source gives and still
/// be taken as the same place.
pub const SAME_PLACE_KM: f64 = 30.0;

/// A candidate below the gazetteer's threshold is still taken when the source's own
/// coordinates put it within [`CONFIRMED_KM`] and its confidence is at least this.
pub const CONFIRMED_MIN_CONFIDENCE: f32 = 0.25;
/// See [`CONFIRMED_MIN_CONFIDENCE`].
pub const CONFIRMED_KM: f64 = 10.0;

/// A place's population agrees with the one a source gives when neither is more than this
/// many times the other: the source's population then chooses it among the places of its
/// name ([`choose`]). Counts of different years and boundaries differ by a few tens of
/// per cent; namesakes mostly by more.
pub const POPULATION_AGREES: f64 = 1.5;
/// The answer by name stands when its population is within this factor of the source's.
pub const POPULATION_CONSISTENT: f64 = 2.0;
/// An answer by name whose population is more than this many times the source's, or less
/// than its this-many-th part, is not confident when no place of the name agrees: the source
/// means another place of the name, one the gazetteer may not list (chosen on the tune half
/// of `bench/resolve_eval.py --population`; see `crates/polis-gazetteer/README.md`).
pub const POPULATION_CONTRADICTS: f64 = 10.0;

/// The score a guess shows at most: just under the gazetteer's threshold.
const MIN_GUESS_SCORE: f32 = polis_gazetteer::MIN_CONFIDENCE - 0.01;

/// What a source says of a name besides the name and its country: its coordinates and its
/// population, where it gives them. Both choose among the places of a name; coordinates
/// first.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SourceHints {
    pub coordinates: Option<(f64, f64)>,
    pub population: Option<u64>,
}

impl SourceHints {
    /// The hints of an end of a row; a population of zero says nothing.
    pub fn of(end: &RawEnd) -> Self {
        Self {
            coordinates: end.lat.zip(end.lon),
            population: end.population.filter(|p| *p > 0),
        }
    }
}

/// A user's decision about a name, remembered across imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The name means this registry place.
    Place(String),
    /// The name means this GeoNames place of the gazetteer.
    Geonames(u32),
}

/// The key a decision is remembered under: the folded name and the folded country field.
/// Names whose letters are Latin or CJK have the key they had before polis's two folds were
/// merged; for names in other scripts see [`legacy_decision_key`].
pub fn decision_key(name: &str, country: Option<&str>) -> String {
    format!("{}|{}", fold(name), country.map(fold).unwrap_or_default())
}

/// The key an older polis remembered a decision under, where it differs from
/// [`decision_key`]: names and country fields with Cyrillic, Greek, Arabic or other letters
/// that the old fold transliterated (Київ → "kiyiv"). Only read, never written, so that a
/// database's decisions keep working; ASCII text never has one.
pub fn legacy_decision_key(name: &str, country: Option<&str>) -> Option<String> {
    if name.is_ascii() && country.is_none_or(str::is_ascii) {
        return None;
    }
    let legacy = format!(
        "{}|{}",
        crate::legacy_key::legacy_fold(name),
        country
            .map(crate::legacy_key::legacy_fold)
            .unwrap_or_default()
    );
    (legacy != decision_key(name, country)).then_some(legacy)
}

/// The decision remembered for a name and country field: under its [`decision_key`], or
/// else under the [`legacy_decision_key`] an older polis recorded it with.
pub fn find_decision<'d>(
    decisions: &'d HashMap<String, Decision>,
    name: &str,
    country: Option<&str>,
) -> Option<&'d Decision> {
    decisions
        .get(&decision_key(name, country))
        .or_else(|| decisions.get(&legacy_decision_key(name, country)?))
}

/// Where a resolved name points.
#[derive(Debug, Clone)]
pub enum Target {
    /// A place already in the registry.
    Registry(String),
    /// A gazetteer place (new to the registry unless its GeoNames id or ISO code is there).
    Gazetteer(Box<polis_gazetteer::Place>),
    /// A district the gazetteer does not list, inside a gazetteer place ("Prague 1" in
    /// Prague): it becomes a district place of its own, so its ties stay its own.
    District {
        name: String,
        parent: Box<polis_gazetteer::Place>,
    },
    /// A metropolitan or inter-municipal government the gazetteer cannot hold ("Métropole
    /// de Lyon", "Greater Manchester"): it becomes a metropolitan place of its own, with its
    /// core city as seat where the name names one.
    Metropolitan {
        name: String,
        metropolitan: Box<polis_gazetteer::Metropolitan>,
    },
}

#[derive(Debug, Clone)]
pub struct Resolution {
    pub target: Target,
    /// The method, for the report: `registry:wikidata_id`, `decision`, `gazetteer:exact_name`...
    /// A gazetteer method ends in `+coordinates` when the source's coordinates chose the place
    /// among others of its name, and in `+far_from_source_coordinates` when the place was
    /// chosen by name and country although it lies more than [`SAME_PLACE_KM`] from them.
    pub method: String,
    pub confidence: f32,
    /// How far the place lies from the coordinates the source gave, where both are known.
    pub source_distance_km: Option<f64>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Resolved(Resolution),
    Unresolved { best_guess: Option<String> },
}

/// What an answer is remembered under: name, country field, level hint, rounded coordinates,
/// the source's population.
type CacheKey = (
    String,
    Option<String>,
    Option<bool>,
    Option<(i32, i32)>,
    Option<u64>,
);

/// [`CacheKey`] borrowed from the end.
type BorrowedKey<'e> = (
    &'e str,
    Option<&'e str>,
    Option<bool>,
    Option<(i32, i32)>,
    Option<u64>,
);

/// The end's coordinates to a tenth of a degree, as answers are remembered.
fn rounded(end: &RawEnd) -> Option<(i32, i32)> {
    end.lat
        .zip(end.lon)
        .map(|(la, lo)| ((la * 10.0) as i32, (lo * 10.0) as i32))
}

fn cache_key(end: &RawEnd, is_region: Option<bool>) -> CacheKey {
    (
        end.name.clone(),
        end.country.clone(),
        is_region,
        rounded(end),
        SourceHints::of(end).population,
    )
}

/// Resolves names, remembering every answer for the run.
pub struct Resolver<'a> {
    gazetteer: &'a Gazetteer,
    by_wikidata: HashMap<&'a str, &'a str>,
    decisions: &'a HashMap<String, Decision>,
    cache: FastMap<CacheKey, Outcome>,
    /// What the rows given to [`Resolver::prefill`] say about each other.
    file_context: FileContext,
}

/// A method's name for the report.
fn method_name(candidate: &Candidate) -> String {
    let method = format!("{:?}", candidate.method);
    let variant = method
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("unknown");
    let mut snake = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    format!("gazetteer:{snake}")
}

/// Whether a candidate lies in the country the row states (or a territory associated with
/// it), or the row states none: only then may the source's coordinates choose it.
fn in_stated_country(candidate: &Candidate) -> bool {
    !candidate
        .evidence
        .iter()
        .any(|e| matches!(e, polis_gazetteer::Evidence::CountryHintMismatch { .. }))
}

/// A district target when the gazetteer answered with the parent of a district it lacks.
fn district_of(candidate: &Candidate) -> Option<Target> {
    candidate.evidence.iter().find_map(|e| match e {
        polis_gazetteer::Evidence::ParentOfDistrict { district } => Some(Target::District {
            name: district.trim().to_owned(),
            parent: Box::new(candidate.place.clone()),
        }),
        _ => None,
    })
}

/// The polis level of a gazetteer level: second-level units (counties) count as regions.
pub fn place_level(level: Level) -> PlaceLevel {
    match level {
        Level::City | Level::Municipality => PlaceLevel::City,
        Level::County | Level::Region => PlaceLevel::Region,
        Level::Country => PlaceLevel::Country,
    }
}

impl<'a> Resolver<'a> {
    pub fn new(
        gazetteer: &'a Gazetteer,
        existing: &'a Dataset,
        decisions: &'a HashMap<String, Decision>,
    ) -> Self {
        // A provisional place is not an answer: its name must keep waiting in the queue.
        let by_wikidata = existing
            .places
            .iter()
            .filter(|p| !p.provisional)
            .filter_map(|p| p.wikidata.as_deref().map(|q| (q, p.id.as_str())))
            .collect();
        Self {
            gazetteer,
            by_wikidata,
            decisions,
            cache: FastMap::default(),
            file_context: FileContext::default(),
        }
    }

    pub fn gazetteer(&self) -> &'a Gazetteer {
        self.gazetteer
    }

    /// Resolves one end; `is_region` is the source's own word on the level, where it has one.
    pub fn resolve(&mut self, end: &RawEnd, is_region: Option<bool>) -> Outcome {
        if let Some(outcome) = self.known(end) {
            return outcome;
        }
        let key = cache_key(end, is_region);
        if let Some(outcome) = self.cache.get(&key) {
            return outcome.clone();
        }
        let (outcome, _) = self.resolve_fresh(end, is_region);
        self.cache.insert(key, outcome.clone());
        outcome
    }

    /// Resolves the distinct names among `ends` in the gazetteer on all cores, so that
    /// [`Resolver::resolve`] then finds them remembered. `ends` are the rows of one file: a
    /// name the row alone leaves unresolved may then be decided by the other rows
    /// ([`FileContext`]); every other answer is the same as resolving one by one.
    pub fn prefill<'e>(&mut self, ends: impl IntoIterator<Item = (&'e RawEnd, Option<bool>)>) {
        let mut seen: FastSet<BorrowedKey> = FastSet::default();
        let mut todo: Vec<(&RawEnd, Option<bool>)> = Vec::new();
        for (end, is_region) in ends {
            if self.known(end).is_some() {
                continue;
            }
            let key = (
                end.name.as_str(),
                end.country.as_deref(),
                is_region,
                rounded(end),
                SourceHints::of(end).population,
            );
            if seen.insert(key) && !self.cache.contains_key(&cache_key(end, is_region)) {
                todo.push((end, is_region));
            }
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 8);
        // Below a few hundred names the threads cost more than they save.
        let chunk = todo.len().div_ceil(threads).max(256);
        let this = &*self;
        let answers: Vec<Vec<(Outcome, Option<NameSignal>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = todo
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(end, is_region)| this.resolve_fresh(end, *is_region))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                // Resolution reads compiled-in data only; a panic there is a bug, not input.
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let answers: Vec<(Outcome, Option<NameSignal>)> = answers.into_iter().flatten().collect();
        self.file_context = FileContext::new(
            self.gazetteer,
            answers.iter().filter_map(|(_, s)| s.as_ref()),
        );
        for ((end, is_region), (outcome, _)) in todo.into_iter().zip(answers) {
            let outcome = match outcome {
                Outcome::Unresolved { .. } if !self.file_context.is_empty() => {
                    self.decided_by_file(end, is_region).unwrap_or(outcome)
                }
                outcome => outcome,
            };
            self.cache.insert(cache_key(end, is_region), outcome);
        }
    }

    /// The answer the file's other rows give a name its own row leaves unresolved, if any.
    fn decided_by_file(&self, end: &RawEnd, is_region: Option<bool>) -> Option<Outcome> {
        let candidates = self
            .gazetteer
            .resolve_without_review(&end.name, end.country.as_deref());
        let coordinates = end.lat.zip(end.lon);
        let chosen = self.file_context.decide(
            self.gazetteer,
            &end.name,
            end.country.as_deref(),
            &candidates,
            false,
        )?;
        let level_fits = match is_region {
            Some(region) => (place_level(chosen.place.level) == PlaceLevel::Region) == region,
            None => true,
        };
        let km = distance_to(&chosen, coordinates);
        if !level_fits || km.is_some_and(|d| d > SAME_PLACE_KM) {
            return None;
        }
        Some(Outcome::Resolved(Resolution {
            target: district_of(&chosen)
                .unwrap_or_else(|| Target::Gazetteer(Box::new(chosen.place.clone()))),
            method: format!("{}+file_context", method_name(&chosen)),
            confidence: chosen.confidence,
            source_distance_km: km,
        }))
    }

    /// The answer from the registry (a known Wikidata id) or from a user's decision, if any.
    fn known(&self, end: &RawEnd) -> Option<Outcome> {
        if let Some(q) = &end.wikidata
            && let Some(id) = self.by_wikidata.get(q.as_str())
        {
            return Some(Outcome::Resolved(Resolution {
                target: Target::Registry((*id).to_owned()),
                method: "registry:wikidata_id".into(),
                confidence: 1.0,
                source_distance_km: None,
            }));
        }
        // Folding the name for the decision key costs as much as a lookup: only when there
        // are decisions at all.
        if self.decisions.is_empty() {
            return None;
        }
        // A decision recorded with the country's code (`--country TR`) holds for every field
        // that names that country ("Turkey", "Türkiye").
        let decision =
            find_decision(self.decisions, &end.name, end.country.as_deref()).or_else(|| {
                let code = self
                    .gazetteer
                    .resolve_country(end.country.as_deref()?)?
                    .iso2;
                find_decision(self.decisions, &end.name, Some(&code))
            })?;
        let target = match decision {
            Decision::Place(id) => Some(Target::Registry(id.clone())),
            Decision::Geonames(g) => self
                .gazetteer
                .place_by_geonameid(*g)
                .map(|p| Target::Gazetteer(Box::new(p))),
        }?;
        Some(Outcome::Resolved(Resolution {
            target,
            method: "decision".into(),
            confidence: 1.0,
            source_distance_km: None,
        }))
    }

    /// A name the registry does not know: a metropolitan government by its designators,
    /// or else a place of the gazetteer.
    fn resolve_fresh(
        &self,
        end: &RawEnd,
        is_region: Option<bool>,
    ) -> (Outcome, Option<NameSignal>) {
        if let Some(metropolitan) = self.gazetteer.resolve_metropolitan_near(
            &end.name,
            end.country.as_deref(),
            end.lat.zip(end.lon),
        ) {
            let method = if metropolitan.seat.is_some() {
                "metropolitan:designator+seat"
            } else {
                "metropolitan:designator"
            };
            let outcome = Outcome::Resolved(Resolution {
                // A designator only such governments carry says more than one ordinary
                // names carry too ("Greater", "Grand").
                confidence: if metropolitan.designated.strong {
                    0.9
                } else {
                    0.7
                },
                target: Target::Metropolitan {
                    name: end.name.trim().to_owned(),
                    metropolitan: Box::new(metropolitan),
                },
                method: method.into(),
                source_distance_km: None,
            });
            return (outcome, None);
        }
        self.resolve_in_gazetteer(end, is_region, SourceHints::of(end))
    }

    fn resolve_in_gazetteer(
        &self,
        end: &RawEnd,
        is_region: Option<bool>,
        hints: SourceHints,
    ) -> (Outcome, Option<NameSignal>) {
        let coordinates = hints.coordinates;
        // Review-only candidates (fuzzy spellings) are never confident, and building their index
        // costs more than the whole import; `polis resolve NAME` shows them.
        let candidates = self
            .gazetteer
            .resolve_without_review(&end.name, end.country.as_deref());
        let near = |c: &Candidate| distance_to(c, coordinates);
        let (chosen, suffix) = choose(&candidates, is_region, hints);
        let signal = NameSignal::of(self.gazetteer, end.country.as_deref(), &candidates);
        (
            self.outcome(chosen, &candidates, suffix, hints, &near),
            Some(signal),
        )
    }

    /// The answer for a chosen candidate (or none), with the best guess for the queue.
    fn outcome(
        &self,
        chosen: Option<&Candidate>,
        candidates: &[Candidate],
        method_suffix: &str,
        hints: SourceHints,
        near: &dyn Fn(&Candidate) -> Option<f64>,
    ) -> Outcome {
        match chosen {
            Some(candidate) => Outcome::Resolved(Resolution {
                target: district_of(candidate)
                    .unwrap_or_else(|| Target::Gazetteer(Box::new(candidate.place.clone()))),
                method: format!("{}{method_suffix}", method_name(candidate)),
                confidence: candidate.confidence,
                source_distance_km: near(candidate),
            }),
            None => Outcome::Unresolved {
                best_guess: candidates.first().map(|c| {
                    let admin = c
                        .place
                        .admin1_name
                        .as_deref()
                        .map(|a| format!(", {a}"))
                        .unwrap_or_default();
                    let ambiguous = if c.ambiguous_with().is_empty() {
                        String::new()
                    } else {
                        format!("; ambiguous with {}", c.ambiguous_with().join("; "))
                    };
                    let distance = near(c)
                        .map(|km| format!(", {km:.0} km from the source's coordinates"))
                        .unwrap_or_default();
                    let population = match (method_suffix, hints.population) {
                        ("+population_disagrees", Some(given)) => format!(
                            "; the source gives {} people, the place has {}",
                            thousands(given),
                            thousands(c.place.population.unwrap_or_default())
                        ),
                        _ => String::new(),
                    };
                    format!(
                        "{}{admin}, {} ({:.2}{distance}{ambiguous}{population})",
                        c.place.name, c.place.country, c.confidence
                    )
                }),
            },
        }
    }
}

/// How far a candidate lies from the source's coordinates, where both are known.
fn distance_to(candidate: &Candidate, coordinates: Option<(f64, f64)>) -> Option<f64> {
    match (coordinates, candidate.place.lat.zip(candidate.place.lon)) {
        (Some((la, lo)), Some((pla, plo))) => Some(polis_core::geo::haversine_km(la, lo, pla, plo)),
        _ => None,
    }
}

/// The candidate an import takes for a name, and the suffix of its method: `""`,
/// `"+coordinates"` when the source's coordinates chose it, or
/// `"+far_from_source_coordinates"` when it was chosen by name and country although it lies
/// more than [`SAME_PLACE_KM`] from them; without coordinates, `"+population"` when the
/// source's population chose it, and `"+population_disagrees"` (with no candidate) when the
/// answer by name has a population far from the source's and no place of the name agrees
/// with it ([`by_population`]). `is_region` is the source's word on the level.
pub fn choose(
    candidates: &[Candidate],
    is_region: Option<bool>,
    hints: SourceHints,
) -> (Option<&Candidate>, &'static str) {
    let coordinates = hints.coordinates;
    let near = |c: &Candidate| distance_to(c, coordinates);
    let level_fits = |c: &Candidate| match is_region {
        Some(true) => place_level(c.place.level) == PlaceLevel::Region,
        Some(false) => place_level(c.place.level) == PlaceLevel::City,
        None => true,
    };
    // The gazetteer's ranking by name, country and hints.
    let by_name = candidates
        .iter()
        .find(|c| c.is_confident() && level_fits(c))
        .or_else(|| candidates.iter().find(|c| c.is_confident()));
    if coordinates.is_none() {
        return match hints.population {
            Some(population) => by_population(candidates, by_name, &level_fits, population),
            None => (by_name, ""),
        };
    }
    // The source's coordinates choose among the places of the name in the stated country
    // (Frankfurt am Main or Frankfurt (Oder); Springfield, Massachusetts or Illinois), but
    // never move a name to another country: a geocoder that put Perth, Scotland in
    // Australia is wrong about the coordinates, not the country.
    let nearest = |allowed: &dyn Fn(&Candidate) -> bool, km: f64| {
        candidates
            .iter()
            .filter(|c| in_stated_country(c) && allowed(c))
            .filter_map(|c| near(c).filter(|d| *d <= km).map(|d| (c, d)))
            .min_by(|x, y| x.1.total_cmp(&y.1))
            .map(|(c, _)| c)
    };
    if let Some(candidate) = nearest(&Candidate::is_confident_if_decided, SAME_PLACE_KM) {
        let suffix = if candidate.is_confident() {
            ""
        } else {
            "+coordinates"
        };
        return (Some(candidate), suffix);
    }
    // A weaker name match that the source's coordinates confirm is the same place.
    if let Some(candidate) = nearest(
        &|c: &Candidate| c.confidence >= CONFIRMED_MIN_CONFIDENCE,
        CONFIRMED_KM,
    ) {
        return (Some(candidate), "+coordinates");
    }
    // No place of the name lies near: the best match by name and country stands, flagged
    // with its distance; the source's coordinates stay that source's value.
    let suffix = if by_name.and_then(near).is_some_and(|km| km > SAME_PLACE_KM) {
        "+far_from_source_coordinates"
    } else {
        ""
    };
    (by_name, suffix)
}

/// How many times the larger of two populations is the smaller.
fn population_ratio(a: u64, b: u64) -> f64 {
    let (a, b) = (a.max(1) as f64, b.max(1) as f64);
    a.max(b) / a.min(b)
}

/// The source's population among the places of a name, when the source gives no
/// coordinates. The answer by name stands when its population is within
/// [`POPULATION_CONSISTENT`] of the source's. Otherwise the one place of the name in the
/// stated country whose population is within [`POPULATION_AGREES`] of the source's is the
/// answer ("Halle" of 237,000 people is Halle (Saale), not Halle (Westf.) of 21,000; a
/// "Washington" of 14,000 is not the capital). Only places the name designates count: the
/// answer by name and the places of a toss-up, never a fuzzy or shortened match. With no
/// such place, an answer by name whose population is more than [`POPULATION_CONTRADICTS`]
/// times off is not confident: the source means a namesake the gazetteer may not list.
fn by_population<'c>(
    candidates: &'c [Candidate],
    by_name: Option<&'c Candidate>,
    level_fits: &dyn Fn(&Candidate) -> bool,
    population: u64,
) -> (Option<&'c Candidate>, &'static str) {
    let ratio = |c: &Candidate| {
        c.place
            .population
            .filter(|p| *p > 0)
            .map(|p| population_ratio(p, population))
    };
    // An answer whose population is unknown (a unit) is not second-guessed by a count.
    if by_name.is_some_and(|c| ratio(c).is_none_or(|r| r <= POPULATION_CONSISTENT)) {
        return (by_name, "");
    }
    let mut agreeing: Vec<&Candidate> = Vec::new();
    for candidate in candidates.iter().filter(|c| {
        in_stated_country(c)
            && level_fits(c)
            && c.is_confident_if_decided()
            && ratio(c).is_some_and(|r| r <= POPULATION_AGREES)
    }) {
        // Two entries of one place (a town and its municipality) are one answer.
        let same_as_one = agreeing.iter().any(|other| {
            let (Some(a), Some(b)) = (
                candidate.place.lat.zip(candidate.place.lon),
                other.place.lat.zip(other.place.lon),
            ) else {
                return false;
            };
            polis_core::geo::haversine_km(a.0, a.1, b.0, b.1) <= SAME_PLACE_KM
        });
        if !same_as_one {
            agreeing.push(candidate);
        }
    }
    if let [only] = agreeing.as_slice() {
        let suffix = if by_name.is_some_and(|c| std::ptr::eq(c, *only)) {
            ""
        } else {
            "+population"
        };
        return (Some(*only), suffix);
    }
    if agreeing.is_empty()
        && by_name.is_some_and(|c| ratio(c).is_some_and(|r| r > POPULATION_CONTRADICTS))
    {
        return (None, "+population_disagrees");
    }
    (by_name, "")
}

/// A file's country field is taken to name a neighbouring country when at least this many of
/// its names lie only there ...
pub const CROSSED_MIN_NAMES: usize = 5;
/// ... and they are at least this share of the field's names. Sources that give a border
/// town its neighbour's country do so for well under 1% of their names (Germany 0.2% and
/// France 0.3% on the Wikidata evaluation); a field whose names lie across a border by the
/// dozen is the source's label for that other country (the Wikidata query results label 177
/// of 302 Swedish places "Denmark").
pub const CROSSED_MIN_SHARE: f64 = 0.2;
/// A toss-up is decided by the file when at least this many of the file's confident places
/// in the country ...
pub const DOMINANT_MIN_NAMES: usize = 5;
/// ... hold at least this share in one first-level unit (a list page of one state) ...
pub const DOMINANT_MIN_SHARE: f64 = 2.0 / 3.0;
/// ... and that unit holds at most this share of the country's places in the gazetteer: a
/// file of British places lies mostly in England because the country does, which says
/// nothing about a Wick (on the Wikidata evaluation the file's English majority chose Wick,
/// England for the Wick in Scotland).
pub const DOMINANT_MAX_PRIOR: f64 = 1.0 / 3.0;

/// What one distinct name's candidates say about the file it is in (see [`FileContext`]).
#[derive(Debug, Clone, Default)]
pub struct NameSignal {
    /// The country field as written.
    field: Option<String>,
    /// The country the field names (ISO 3166-1), as the candidates' evidence says.
    stated: Option<String>,
    /// The neighbouring country the likeliest place lies in, when no place of the name lies
    /// in the stated country (or a territory associated with it).
    only_across: Option<String>,
    /// The country and first-level unit of a confident answer in the stated country.
    settled_in: Option<(String, String)>,
}

/// The country a candidate's evidence says the row stated.
fn stated_country(candidate: &Candidate) -> Option<&str> {
    candidate.evidence.iter().find_map(|e| match e {
        polis_gazetteer::Evidence::CountryHint { iso2 }
        | polis_gazetteer::Evidence::CountryFromName { iso2 } => Some(iso2.as_str()),
        polis_gazetteer::Evidence::CountryHintMismatch { hinted }
        | polis_gazetteer::Evidence::AssociatedTerritory { hinted } => Some(hinted.as_str()),
        polis_gazetteer::Evidence::SovereigntyClaim { claimed_by, .. } => Some(claimed_by.as_str()),
        _ => None,
    })
}

impl NameSignal {
    /// The signal of a name with this country field and these candidates (best first).
    pub fn of(gazetteer: &Gazetteer, field: Option<&str>, candidates: &[Candidate]) -> Self {
        let stated = candidates.iter().find_map(stated_country);
        let mut signal = NameSignal {
            field: field.map(|f| f.trim().to_owned()),
            stated: stated.map(str::to_owned),
            ..NameSignal::default()
        };
        let (Some(stated), Some(top)) = (stated, candidates.first()) else {
            return signal;
        };
        if top.is_confident() && top.place.country == stated {
            signal.settled_in = top
                .place
                .admin1_name
                .clone()
                .map(|admin1| (stated.to_owned(), admin1));
        }
        if !top.is_confident()
            && candidates.iter().all(|c| !in_stated_country(c))
            && gazetteer.are_neighbours(stated, &top.place.country)
        {
            signal.only_across = Some(top.place.country.clone());
        }
        signal
    }
}

/// What the rows of one file say about each other (issue 14: "the other rows of the same
/// file"), for the names a row alone leaves open:
/// - a country field most of whose names lie only in one neighbouring country names that
///   country in this file (at least [`CROSSED_MIN_NAMES`] names and [`CROSSED_MIN_SHARE`] of
///   the field's names): a name of that field found only there is taken there;
/// - a country most of whose confident places in the file lie in one first-level unit (at
///   least [`DOMINANT_MIN_NAMES`], [`DOMINANT_MIN_SHARE`] of them: a list page of one state),
///   a unit that is no such majority of the country itself ([`DOMINANT_MAX_PRIOR`]): a
///   toss-up with exactly one candidate in that unit is decided for it.
///
/// Both are said in the answer's explanation ([`polis_gazetteer::Evidence::FileContext`]).
/// `polis resolve --file` and every import share it.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    /// Country field as written → (the neighbour its names lie in, how many, of how many).
    crossed: HashMap<String, (String, usize, usize)>,
    /// Stated country → (the unit most confident places lie in, how many, of how many).
    dominant: HashMap<String, (String, usize, usize)>,
}

impl FileContext {
    /// The context of a file from the signals of its distinct names.
    pub fn new<'s>(
        gazetteer: &Gazetteer,
        signals: impl IntoIterator<Item = &'s NameSignal>,
    ) -> Self {
        let mut per_field: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
        let mut per_country: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
        for signal in signals {
            if let (Some(field), Some(_)) = (&signal.field, &signal.stated) {
                let entry = per_field.entry(field.as_str()).or_default();
                entry.0 += 1;
                if let Some(across) = &signal.only_across {
                    *entry.1.entry(across.as_str()).or_default() += 1;
                }
            }
            if let Some((country, admin1)) = &signal.settled_in {
                let entry = per_country.entry(country.as_str()).or_default();
                entry.0 += 1;
                *entry.1.entry(admin1.as_str()).or_default() += 1;
            }
        }
        // The largest count, ties broken by name so that the answer never depends on order.
        let largest = |counts: &HashMap<&str, usize>| {
            counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(k, n)| ((*k).to_owned(), *n))
        };
        let crossed = per_field
            .iter()
            .filter_map(|(field, (all, counts))| {
                let (across, n) = largest(counts)?;
                (n >= CROSSED_MIN_NAMES && n as f64 >= CROSSED_MIN_SHARE * *all as f64)
                    .then(|| ((*field).to_owned(), (across, n, *all)))
            })
            .collect();
        let dominant = per_country
            .iter()
            .filter_map(|(country, (all, counts))| {
                let (unit, n) = largest(counts)?;
                (n >= DOMINANT_MIN_NAMES
                    && n as f64 >= DOMINANT_MIN_SHARE * *all as f64
                    && gazetteer.admin1_share(country, &unit) <= DOMINANT_MAX_PRIOR)
                    .then(|| ((*country).to_owned(), (unit, n, *all)))
            })
            .collect();
        FileContext { crossed, dominant }
    }

    /// Whether the file's rows say nothing that decides a name.
    pub fn is_empty(&self) -> bool {
        self.crossed.is_empty() && self.dominant.is_empty()
    }

    /// The candidate the file's other rows choose for a name its row leaves unresolved
    /// (`candidates` are its candidates by name and country field, best first), with
    /// [`polis_gazetteer::Evidence::FileContext`] saying why; `None` when they do not decide.
    /// `review` asks for the candidates a person reviews too, as [`Gazetteer::resolve`] does.
    pub fn decide(
        &self,
        gazetteer: &Gazetteer,
        name: &str,
        field: Option<&str>,
        candidates: &[Candidate],
        review: bool,
    ) -> Option<Candidate> {
        if candidates.first().is_none_or(Candidate::is_confident) {
            return None;
        }
        let signal = NameSignal::of(gazetteer, field, candidates);
        if let (Some(field), Some(across)) = (&signal.field, &signal.only_across)
            && let Some((neighbour, n, all)) = self.crossed.get(field)
            && neighbour == across
        {
            let there = if review {
                gazetteer.resolve(name, Some(neighbour))
            } else {
                gazetteer.resolve_without_review(name, Some(neighbour))
            };
            let mut chosen = there
                .into_iter()
                .next()
                .filter(|c| c.is_confident() && c.place.country == *neighbour)?;
            chosen.evidence.push(polis_gazetteer::Evidence::FileContext {
                reason: format!(
                    "{n} of the {all} names the file gives as {field:?} lie only in {neighbour}, a neighbouring country, as this one does; the source's country stays its own word"
                ),
            });
            return Some(chosen);
        }
        let stated = signal.stated.as_deref()?;
        let (unit, n, all) = self.dominant.get(stated)?;
        let if_decided = |c: &Candidate| {
            c.evidence.iter().find_map(|e| match e {
                polis_gazetteer::Evidence::Ambiguous { if_decided, .. } => Some(*if_decided),
                _ => None,
            })
        };
        let mut in_unit = candidates.iter().filter(|c| {
            if_decided(c).is_some_and(|d| d >= polis_gazetteer::MIN_CONFIDENCE)
                && c.place.country == stated
                && c.place.admin1_name.as_deref() == Some(unit.as_str())
        });
        let (Some(only), None) = (in_unit.next(), in_unit.next()) else {
            return None;
        };
        let mut chosen = only.clone();
        chosen.confidence = if_decided(only).unwrap_or(chosen.confidence);
        chosen.evidence.push(polis_gazetteer::Evidence::FileContext {
            reason: format!(
                "{n} of the file's {all} confident places in {stated} lie in {unit}, and this is the one place of the name there"
            ),
        });
        Some(chosen)
    }
}

/// What `polis resolve --file` says about one row: the candidate an import would take
/// without a flag (`best`), or else the best guess for a person to review. A row with
/// coordinates is answered as an import answers it ([`choose`]); a place chosen by name
/// although it lies more than [`SAME_PLACE_KM`] from them is a guess here, with its
/// distance: an import takes it, flagged `+far_from_source_coordinates`.
#[derive(Debug, Clone, Default)]
pub struct RowAnswer {
    pub best: Option<CandidateView>,
    pub best_guess: Option<CandidateView>,
    /// How far the answer (or the guess) lies from the row's coordinates.
    pub source_distance_km: Option<f64>,
    /// The coordinates chose the answer among places of the name.
    pub by_coordinates: bool,
    /// No place of the name lies within [`SAME_PLACE_KM`] of the row's coordinates.
    pub far_from_source_coordinates: bool,
    /// The row's population chose the answer among places of the name.
    pub by_population: bool,
    /// The answer by name has a population more than [`POPULATION_CONTRADICTS`] times off
    /// the row's, and no place of the name agrees with it: a guess here.
    pub population_disagrees: bool,
}

/// [`RowAnswer`] for a name, a country field and the row's coordinates and population, from
/// the row alone.
pub fn row_answer(
    gazetteer: &Gazetteer,
    name: &str,
    country: Option<&str>,
    hints: SourceHints,
) -> RowAnswer {
    row_answer_and_signal(gazetteer, name, country, hints).0
}

/// [`row_answer`], with what the name says about its file ([`FileContext`]), if anything.
pub fn row_answer_and_signal(
    gazetteer: &Gazetteer,
    name: &str,
    country: Option<&str>,
    hints: SourceHints,
) -> (RowAnswer, Option<NameSignal>) {
    if let Some(metropolitan) = metropolitan_view(gazetteer, name, country, hints.coordinates) {
        let answer = RowAnswer {
            best: Some(metropolitan),
            ..RowAnswer::default()
        };
        return (answer, None);
    }
    let candidates = gazetteer.resolve(name, country);
    let signal = NameSignal::of(gazetteer, country, &candidates);
    (row_answer_from(&candidates, hints), Some(signal))
}

/// The answer the file's other rows give a row that its own name, country and coordinates
/// leave unresolved ([`FileContext::decide`]); `None` when they do not decide it, or when
/// the row's coordinates lie more than [`SAME_PLACE_KM`] from their choice.
pub fn row_answer_by_file(
    gazetteer: &Gazetteer,
    name: &str,
    country: Option<&str>,
    coordinates: Option<(f64, f64)>,
    context: &FileContext,
) -> Option<RowAnswer> {
    if context.is_empty() {
        return None;
    }
    let candidates = gazetteer.resolve(name, country);
    let chosen = context.decide(gazetteer, name, country, &candidates, true)?;
    let km = distance_to(&chosen, coordinates);
    if km.is_some_and(|d| d > SAME_PLACE_KM) {
        return None;
    }
    Some(RowAnswer {
        source_distance_km: km.map(|d| (d * 10.0).round() / 10.0),
        best: Some(view(chosen)),
        ..RowAnswer::default()
    })
}

/// [`RowAnswer`] from a name's candidates and the row's coordinates and population.
fn row_answer_from(candidates: &[Candidate], hints: SourceHints) -> RowAnswer {
    let (chosen, suffix) = choose(candidates, None, hints);
    let km = |c: &Candidate| distance_to(c, hints.coordinates).map(|d| (d * 10.0).round() / 10.0);
    match chosen {
        Some(c) if suffix != "+far_from_source_coordinates" => RowAnswer {
            source_distance_km: km(c),
            by_coordinates: suffix == "+coordinates",
            by_population: suffix == "+population",
            best: Some(match suffix {
                "+coordinates" => decided_view(c, "the row's coordinates chose it"),
                "+population" => decided_view(
                    c,
                    &format!(
                        "the row's population ({}) chose it",
                        thousands(hints.population.unwrap_or_default())
                    ),
                ),
                _ => view(c.clone()),
            }),
            ..RowAnswer::default()
        },
        chosen => {
            let population_disagrees = suffix == "+population_disagrees";
            // The answer by name is the guess when the population says it is not confident.
            let guess = chosen
                .or_else(|| {
                    population_disagrees
                        .then(|| candidates.iter().find(|c| c.is_confident()))
                        .flatten()
                })
                .or(candidates.first());
            let best_guess = guess.map(|c| {
                if population_disagrees {
                    // A guess, whatever its score by name.
                    guess_view(c, &population_disagrees_why(c, hints))
                } else {
                    view(c.clone())
                }
            });
            RowAnswer {
                source_distance_km: guess.and_then(km),
                far_from_source_coordinates: chosen.is_some(),
                population_disagrees,
                best_guess,
                ..RowAnswer::default()
            }
        }
    }
}

/// One ranked candidate for a name, as `polis resolve --json` and the API's `/resolve` show it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateView {
    /// The name as GeoNames (or ISO 3166-2 for subdivisions) writes it.
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The first-level unit (state, province, region) the place is in, where known.
    pub admin1: Option<String>,
    /// The second-level unit (county, district) the place is in, where known.
    pub admin2: Option<String>,
    /// ISO 3166-2 code of the first-level unit the place is in, or of the unit itself.
    pub subdivision: Option<String>,
    /// `city`, `municipality`, `county`, `region` or `country`; `metropolitan` for a
    /// metropolitan government that an import would make of the name, with its seat's place.
    #[cfg_attr(feature = "openapi", schema(schema_with = level_schema))]
    pub level: &'static str,
    /// Latitude in WGS 84 degrees, where known.
    pub lat: Option<f64>,
    /// Longitude in WGS 84 degrees, where known.
    pub lon: Option<f64>,
    /// Inhabitants, as GeoNames counts them, where known.
    pub population: Option<u64>,
    /// The GeoNames id.
    pub geonames: Option<u32>,
    /// From 0 to 1; imports accept a candidate from 0.5 ([`Candidate::is_confident`]).
    pub confidence: f32,
    /// Whether an import would take the candidate (its confidence is 0.5 or more).
    pub confident: bool,
    /// Why the candidate matched and how it was ranked, in words.
    pub explanation: String,
    /// When the name alone does not decide: the other places that match it as well and are
    /// about as likely ("Springfield, Massachusetts, US (155,929 people)"). The candidate is
    /// then not confident; a qualifier, the source's coordinates or a decision settles it.
    pub ambiguous_with: Vec<String>,
    /// When the source puts the place in a country that claims the contested territory
    /// ISO 3166 files it under (Simferopol in Russia): the source's country, kept as that
    /// source's claim beside `country`, which stays ISO 3166's. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sovereignty_claim: Option<SovereigntyClaimView>,
    /// When the candidate lies not in the country the source named but in a neighbour of
    /// it (a border town given its neighbour's country): the country the source named (ISO
    /// 3166-1 alpha-2). A guess, never confident on that alone. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neighbouring_country: Option<String>,
}

/// A source's country for a place in a contested territory, beside the gazetteer's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SovereigntyClaimView {
    /// The country the source names (ISO 3166-1 alpha-2): its claim.
    pub claimed_by: String,
    /// The country ISO 3166 (and the gazetteer) files the place under.
    pub filed_under: String,
    /// The contested territory, in words ("Crimea").
    pub territory: String,
}

/// The schema of [`CandidateView::level`]: the names of every gazetteer level.
#[cfg(feature = "openapi")]
fn level_schema() -> utoipa::openapi::schema::Object {
    use polis_gazetteer::Level;
    // The match fails to compile when the gazetteer gains a level, so the list cannot drift.
    let every_level = |level: Level| match level {
        Level::City | Level::Municipality | Level::County | Level::Region | Level::Country => level,
    };
    let levels = [
        Level::City,
        Level::Municipality,
        Level::County,
        Level::Region,
        Level::Country,
    ];
    // An import makes a metropolitan government of a name with a designator ("Métropole
    // de Lyon"); the gazetteer holds none.
    let names = levels
        .map(|l| every_level(l).as_str())
        .into_iter()
        .chain(["metropolitan"]);
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(names))
        .build()
}

/// The best `limit` candidates for `name`, with an optional country field ("Czech Republic",
/// "CZ", "England, United Kingdom"), fuzzy spellings included for a person to review.
pub fn candidate_views(
    gazetteer: &Gazetteer,
    name: &str,
    country: Option<&str>,
    limit: usize,
) -> Vec<CandidateView> {
    // A metropolitan government is what an import makes of the name: it comes first.
    metropolitan_view(gazetteer, name, country, None)
        .into_iter()
        .chain(gazetteer.resolve(name, country).into_iter().map(view))
        .take(limit)
        .collect()
}

/// [`candidate_views`] with a source's coordinates and population applied as an import
/// applies them ([`choose`]): the place they choose comes first, confident, saying what
/// chose it; the answer by name lying more than [`SAME_PLACE_KM`] from the coordinates, or
/// with a population [`POPULATION_CONTRADICTS`] times off, is a guess, saying why. Without
/// hints, the same as [`candidate_views`].
pub fn candidate_views_in_context(
    gazetteer: &Gazetteer,
    name: &str,
    country: Option<&str>,
    hints: SourceHints,
    limit: usize,
) -> Vec<CandidateView> {
    if hints == SourceHints::default() {
        return candidate_views(gazetteer, name, country, limit);
    }
    if let Some(metropolitan) = metropolitan_view(gazetteer, name, country, hints.coordinates) {
        return std::iter::once(metropolitan)
            .chain(gazetteer.resolve(name, country).into_iter().map(view))
            .take(limit)
            .collect();
    }
    let candidates = gazetteer.resolve(name, country);
    let (chosen, suffix) = choose(&candidates, None, hints);
    let answer_by_name = candidates.iter().position(Candidate::is_confident);
    let chosen_at = chosen.and_then(|c| candidates.iter().position(|o| std::ptr::eq(o, c)));
    let km = |c: &Candidate| distance_to(c, hints.coordinates);
    let mut views: Vec<(usize, CandidateView)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let picked = Some(i) == chosen_at;
            let shown = match suffix {
                "+coordinates" if picked => decided_view(
                    c,
                    &format!(
                        "the source's coordinates chose it ({:.0} km away)",
                        km(c).unwrap_or_default()
                    ),
                ),
                "+population" if picked => decided_view(
                    c,
                    &format!(
                        "the source's population ({}) chose it",
                        thousands(hints.population.unwrap_or_default())
                    ),
                ),
                "+far_from_source_coordinates" if picked => guess_view(
                    c,
                    &format!(
                        "it lies {:.0} km from the source's coordinates, and no place of the name lies within {SAME_PLACE_KM:.0} km",
                        km(c).unwrap_or_default()
                    ),
                ),
                "+population_disagrees" if Some(i) == answer_by_name => {
                    guess_view(c, &population_disagrees_why(c, hints))
                }
                // An answer by name that the context passed over is no answer here.
                "+coordinates" | "+population" if c.is_confident() => guess_view(
                    c,
                    if suffix == "+coordinates" {
                        "the source's coordinates chose another place of the name"
                    } else {
                        "the source's population chose another place of the name"
                    },
                ),
                _ => view(c.clone()),
            };
            (i, shown)
        })
        .collect();
    // What the context chose comes first; the rest keep the gazetteer's order.
    views.sort_by_key(|(i, _)| (Some(*i) != chosen_at, *i));
    views.into_iter().map(|(_, v)| v).take(limit).collect()
}

/// Why a source's population makes the answer by name a guess, in words.
fn population_disagrees_why(c: &Candidate, hints: SourceHints) -> String {
    format!(
        "the source gives {} people, this place has {}, and no place of the name has about as many",
        thousands(hints.population.unwrap_or_default()),
        thousands(c.place.population.unwrap_or_default())
    )
}

/// The view of the answer by name when the source's own context says it is not confident:
/// a guess, at most just under the threshold, saying why.
fn guess_view(c: &Candidate, why: &str) -> CandidateView {
    let mut guess = view(c.clone());
    guess.confident = false;
    guess.confidence = guess.confidence.min(MIN_GUESS_SCORE);
    guess
        .explanation
        .push_str(&format!("; not confident: {why}"));
    guess
}

/// The metropolitan government an import makes of `name`, as a candidate, where its
/// designators make it one: drawn at its seat, confident.
fn metropolitan_view(
    gazetteer: &Gazetteer,
    name: &str,
    country: Option<&str>,
    near: Option<(f64, f64)>,
) -> Option<CandidateView> {
    gazetteer
        .resolve_metropolitan_near(name, country, near)
        .map(|m| CandidateView {
            name: name.trim().to_owned(),
            country: m.country.clone().unwrap_or_default(),
            admin1: m.seat.as_ref().and_then(|s| s.admin1_name.clone()),
            admin2: None,
            subdivision: m.seat.as_ref().and_then(|s| s.subdivision.clone()),
            level: "metropolitan",
            lat: m.seat.as_ref().and_then(|s| s.lat),
            lon: m.seat.as_ref().and_then(|s| s.lon),
            population: None,
            geonames: None,
            confidence: if m.designated.strong { 0.9 } else { 0.7 },
            confident: true,
            explanation: m.explanation(),
            ambiguous_with: Vec::new(),
            sovereignty_claim: None,
            neighbouring_country: None,
        })
}

/// The view of a candidate the row's own context chose among the places of its name (a
/// toss-up's member, or a weaker match the coordinates confirm): taken, as an import takes
/// it, at the score it has once chosen, and saying why.
fn decided_view(c: &Candidate, why: &str) -> CandidateView {
    let if_decided = c.evidence.iter().find_map(|e| match e {
        polis_gazetteer::Evidence::Ambiguous { if_decided, .. } => Some(*if_decided),
        _ => None,
    });
    let mut chosen = view(c.clone());
    if let Some(score) = if_decided.filter(|s| *s > c.confidence) {
        chosen.confidence = (score * 1000.0).round() / 1000.0;
    }
    chosen.confident = true;
    chosen.explanation.push_str(&format!("; {why}"));
    chosen
}

fn view(c: Candidate) -> CandidateView {
    let sovereignty_claim = c.evidence.iter().find_map(|e| match e {
        polis_gazetteer::Evidence::SovereigntyClaim {
            claimed_by,
            filed_under,
            territory,
        } => Some(SovereigntyClaimView {
            claimed_by: claimed_by.clone(),
            filed_under: filed_under.clone(),
            territory: territory.clone(),
        }),
        _ => None,
    });
    let neighbouring_country = c.evidence.iter().find_map(|e| match e {
        polis_gazetteer::Evidence::NeighbouringCountry { hinted, .. } => Some(hinted.clone()),
        _ => None,
    });
    CandidateView {
        sovereignty_claim,
        neighbouring_country,
        confident: c.is_confident(),
        explanation: c.explanation(),
        ambiguous_with: c.ambiguous_with().to_vec(),
        name: c.place.name,
        country: c.place.country,
        admin1: c.place.admin1_name,
        admin2: c.place.admin2_name,
        subdivision: c.place.subdivision,
        level: c.place.level.as_str(),
        lat: c.place.lat,
        lon: c.place.lon,
        population: c.place.population,
        geonames: c.place.geonameid,
        // Three decimals: the ranking's precision, without f32 noise (0.79050004).
        confidence: (c.confidence * 1000.0).round() / 1000.0,
    }
}
