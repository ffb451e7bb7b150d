//! Metropolitan and inter-municipal governments: French métropoles and communautés, Italian
//! metropolitan cities, British combined authorities, "Greater X", "X City Region",
//! "Área Metropolitana de X", "Metropoolregio X", "Obszar Metropolitalny X". City networks'
//! member lists name them; they are neither a city nor a region, so the gazetteer holds none
//! of them. This module recognises their designators, in English, French, Italian, Spanish,
//! German, Dutch and Polish, and finds the core city (the seat) that the rest of the name
//! names.

use polis_core::text::fold;

use crate::{Candidate, Evidence, Gazetteer, Level, Method, Place};

/// Where a designator stands in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Start,
    End,
}

/// How much a designator says on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strength {
    /// Only metropolitan or inter-municipal governments carry it ("Métropole",
    /// "Combined Authority", "Città metropolitana"): the name is one even when its core
    /// names no city.
    Strong,
    /// Ordinary names carry it too ("Grand Est", "Greater Sudbury", "Region Zuid-West-
    /// Vlaanderen"): the name is a metropolitan government only when the rest of it names
    /// a city of the stated country and the whole name names no place of its own.
    Weak,
}

struct Designator {
    /// Folded words ([`fold`]).
    words: &'static str,
    at: At,
    language: &'static str,
    strength: Strength,
    /// Countries (ISO 3166-1 alpha-2) where the designator is used; empty for any.
    countries: &'static [&'static str],
}

const fn d(words: &'static str, at: At, language: &'static str, strength: Strength) -> Designator {
    Designator {
        words,
        at,
        language,
        strength,
        countries: &[],
    }
}

const fn only(
    words: &'static str,
    at: At,
    language: &'static str,
    countries: &'static [&'static str],
) -> Designator {
    Designator {
        words,
        at,
        language,
        strength: Strength::Weak,
        countries,
    }
}

use At::{End, Start};
use Strength::{Strong, Weak};

const GERMAN_SPEAKING: &[&str] = &["DE", "AT", "CH", "LI", "LU"];
const DUTCH_SPEAKING: &[&str] = &["NL", "BE", "SR"];

/// Every designator, longer ones before the shorter ones they begin or end with.
const DESIGNATORS: &[Designator] = &[
    // English.
    d("metropolitan city of", Start, "English", Strong),
    d("metropolitan area of", Start, "English", Strong),
    d("metropolitan region of", Start, "English", Strong),
    d("metropolitan municipality of", Start, "English", Strong),
    d("metropolitan", Start, "English", Strong),
    d("greater", Start, "English", Weak),
    d("metro", Start, "English", Weak),
    d("city region combined authority", End, "English", Strong),
    d("combined authority", End, "English", Strong),
    d("city region", End, "English", Strong),
    d("metropolitan area", End, "English", Strong),
    d("metropolitan region", End, "English", Strong),
    d("metropolitan council", End, "English", Strong),
    d("metropolitan municipality", End, "English", Strong),
    d("metropolitan city", End, "English", Strong),
    d("metropolitan county", End, "English", Strong),
    d("council of governments", End, "English", Strong),
    d("urban community", End, "English", Strong),
    d("metropolis", End, "English", Weak),
    d("metro", End, "English", Weak),
    // French.
    d("metropole europeenne de", Start, "French", Strong),
    d("metropole de", Start, "French", Strong),
    d("metropole du", Start, "French", Strong),
    d("metropole des", Start, "French", Strong),
    d("metropole d", Start, "French", Strong),
    d("metropole", Start, "French", Strong),
    d("eurometropole de", Start, "French", Strong),
    d("eurometropole", Start, "French", Strong),
    d("communaute urbaine de", Start, "French", Strong),
    d("communaute urbaine du", Start, "French", Strong),
    d("communaute urbaine d", Start, "French", Strong),
    d("communaute urbaine", Start, "French", Strong),
    d("communaute d agglomeration de", Start, "French", Strong),
    d("communaute d agglomeration du", Start, "French", Strong),
    d("communaute d agglomeration des", Start, "French", Strong),
    d("communaute d agglomeration d", Start, "French", Strong),
    d("communaute d agglomeration", Start, "French", Strong),
    d("communaute de communes de", Start, "French", Strong),
    d("communaute de communes du", Start, "French", Strong),
    d("communaute de communes des", Start, "French", Strong),
    d("communaute de communes d", Start, "French", Strong),
    d("communaute de communes", Start, "French", Strong),
    d("communaute des communes de", Start, "French", Strong),
    d("communaute des communes du", Start, "French", Strong),
    d("communaute des communes", Start, "French", Strong),
    d("agglomeration de", Start, "French", Strong),
    d("agglomeration du", Start, "French", Strong),
    d("grand", Start, "French", Weak),
    d("communaute d agglomeration", End, "French", Strong),
    d("communaute urbaine", End, "French", Strong),
    d("eurometropole", End, "French", Strong),
    d("metropole", End, "French", Strong),
    d("agglomeration", End, "French", Strong),
    d("communaute", End, "French", Weak),
    // Italian.
    d("citta metropolitana di", Start, "Italian", Strong),
    d("citta metropolitana della", Start, "Italian", Strong),
    d("citta metropolitana del", Start, "Italian", Strong),
    d("citta metropolitana", Start, "Italian", Strong),
    d("area metropolitana di", Start, "Italian", Strong),
    d("unione dei comuni", Start, "Italian", Strong),
    // Spanish (and Catalan, whose "Àrea Metropolitana de" folds alike).
    d("area metropolitana de", Start, "Spanish", Strong),
    d("area metropolitana del", Start, "Spanish", Strong),
    d("zona metropolitana de", Start, "Spanish", Strong),
    d("zona metropolitana del", Start, "Spanish", Strong),
    d("region metropolitana de", Start, "Spanish", Strong),
    d("region metropolitana del", Start, "Spanish", Strong),
    d("distrito metropolitano de", Start, "Spanish", Strong),
    d("comunidad metropolitana de", Start, "Spanish", Strong),
    d("mancomunidad de", Start, "Spanish", Strong),
    d("mancomunidad del", Start, "Spanish", Strong),
    d("area metropolitana", End, "Spanish", Strong),
    // German.
    d("regionalverband grossraum", Start, "German", Strong),
    d("regionalverband", Start, "German", Strong),
    d("zweckverband grossraum", Start, "German", Strong),
    d("verband region", Start, "German", Strong),
    d("metropolregion", Start, "German", Strong),
    d("grossraum", Start, "German", Strong),
    d("stadteregion", Start, "German", Strong),
    d("stadtregion", Start, "German", Strong),
    only("region", Start, "German", GERMAN_SPEAKING),
    // Dutch.
    d("metropoolregio", Start, "Dutch", Strong),
    d("stadsregio", Start, "Dutch", Strong),
    d("vervoerregio", Start, "Dutch", Strong),
    d("agglomeratie", Start, "Dutch", Strong),
    only("regio", Start, "Dutch", DUTCH_SPEAKING),
    // Polish.
    d("obszar metropolitalny", Start, "Polish", Strong),
    d("zwiazek metropolitalny w", Start, "Polish", Strong),
    d("zwiazek metropolitalny", Start, "Polish", Strong),
    d("metropolia", Start, "Polish", Strong),
    d("aglomeracja", Start, "Polish", Strong),
    d("obszar metropolitalny", End, "Polish", Strong),
    d("zwiazek metropolitalny", End, "Polish", Strong),
    d("metropolia", End, "Polish", Strong),
];

/// Articles that may stand before a designator ("Le Grand Casablanca").
const ARTICLES: &[&str] = &["le", "la", "les", "l", "the", "il", "el", "de", "het"];

/// The designators found in a name, and what is left of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designated {
    /// The designators as folded words, in the order they were taken off ("metropole de";
    /// "metropolitan", "council of governments").
    pub designators: Vec<String>,
    /// The language of the first designator ("French").
    pub language: &'static str,
    /// Whether a designator only metropolitan governments carry was found.
    pub strong: bool,
    /// The folded rest of the name, never empty, which may name the core city ("lyon",
    /// "aix marseille provence").
    pub core: String,
}

/// Takes the metropolitan designators off a name. `country` (ISO 3166-1 alpha-2) admits the
/// designators used only in some countries ("Region Hannover" in Germany, not "Region
/// Zuid-West-Vlaanderen" in Belgium). None when the name carries none.
///
/// ```
/// use polis_gazetteer::metropolitan_designators;
/// let lyon = metropolitan_designators("Métropole de Lyon", Some("FR")).unwrap();
/// assert_eq!((lyon.core.as_str(), lyon.language), ("lyon", "French"));
/// assert!(metropolitan_designators("Lyon", Some("FR")).is_none());
/// ```
pub fn metropolitan_designators(name: &str, country: Option<&str>) -> Option<Designated> {
    let folded = fold(name);
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    // "Grand-Aigueblanche", "Grand-Bourg": a word joined to the next by a hyphen is part of
    // a commune's name; "Grand Lyon", "Grand Dole" are the designator as a word of its own.
    let hyphenated_start = name
        .split_whitespace()
        .find(|w| !ARTICLES.contains(&fold(w).as_str()))
        .is_some_and(|w| w.contains('-'));
    let mut found: Vec<&Designator> = Vec::new();
    // At most one designator at each end: "Metropolitan Washington Council of Governments".
    for at in [Start, End] {
        let mut rest = words.clone();
        if at == Start {
            while rest.len() > 1 && ARTICLES.contains(&rest[0]) {
                rest.remove(0);
            }
        }
        let hit = DESIGNATORS.iter().find(|designator| {
            designator.at == at
                && !(at == Start && designator.strength == Weak && hyphenated_start)
                && (designator.countries.is_empty()
                    || country.is_some_and(|c| designator.countries.contains(&c)))
                && {
                    let wanted: Vec<&str> = designator.words.split(' ').collect();
                    // A designator must leave a word: "Metropolis" alone is a name.
                    wanted.len() < rest.len()
                        && match at {
                            Start => rest[..wanted.len()] == wanted[..],
                            End => rest[rest.len() - wanted.len()..] == wanted[..],
                        }
                }
        });
        if let Some(designator) = hit {
            let n = designator.words.split(' ').count();
            match at {
                Start => rest.drain(..n),
                End => rest.drain(rest.len() - n..),
            };
            words = rest;
            found.push(designator);
        }
    }
    // "Grand-Montauban Communauté d'Agglomération": the end's designator leaves a start's.
    if found.len() == 1 && found[0].at == End {
        let rest_name = words.join(" ");
        if let Some(inner) = metropolitan_designators(&rest_name, country)
            .filter(|inner| inner.designators.len() == 1 && inner.core != rest_name)
        {
            let mut designators = inner.designators;
            designators.push(found[0].words.to_owned());
            return Some(Designated {
                designators,
                language: found[0].language,
                strong: found[0].strength == Strong || inner.strong,
                core: inner.core,
            });
        }
    }
    let first = found.first()?;
    // A "Metropolitan Borough" is a borough: a local council, not a metropolitan one.
    if words.first() == Some(&"borough") {
        return None;
    }
    Some(Designated {
        designators: found.iter().map(|d| d.words.to_owned()).collect(),
        language: first.language,
        strong: found.iter().any(|d| d.strength == Strong),
        core: words.join(" "),
    })
}

/// A name recognised as a metropolitan government's.
#[derive(Debug, Clone, PartialEq)]
pub struct Metropolitan {
    /// The designators and the core of the name.
    pub designated: Designated,
    /// The country (ISO 3166-1 alpha-2) the row states, or else the seat's.
    pub country: Option<String>,
    /// The core city, where the core of the name names a city of the stated country: the
    /// most populous such city among its words ("Aix-Marseille-Provence" → Marseille).
    pub seat: Option<Place>,
    /// The words of the core that named the seat.
    pub seat_words: Option<String>,
}

impl Metropolitan {
    /// The explanation shown beside the answer.
    pub fn explanation(&self) -> String {
        let designators = self
            .designated
            .designators
            .iter()
            .map(|d| format!("\"{d}\""))
            .collect::<Vec<_>>()
            .join(" and ");
        match (&self.seat, &self.seat_words) {
            (Some(seat), Some(words)) => format!(
                "a metropolitan government ({} designator {designators}); its seat, the core city, is {}, {} (from \"{words}\")",
                self.designated.language, seat.name, seat.country
            ),
            _ => format!(
                "a metropolitan government ({} designator {designators}); the rest of the name names no city of the country, so it has no seat",
                self.designated.language
            ),
        }
    }
}

/// The longest run of words the seat is looked for in, and the most words a core may have
/// for every run to be tried.
const MAX_SEAT_WORDS: usize = 4;
const MAX_CORE_WORDS: usize = 8;

/// A city named by only a part of the core must have at least this many people to be the
/// seat: the gazetteer lists villages of 500 people, and words of a territory's name are
/// often some village's name ("Bassa", "Roche", "Monts"). A core that is a city's whole
/// name needs no minimum ("Grand Dole").
const MIN_PARTIAL_SEAT_POPULATION: u64 = 15_000;

/// How far (km) a seat may lie from the coordinates a source gives for the government: the
/// largest metropolitan governments reach about this far from their core city.
pub const MAX_SEAT_KM: f64 = 100.0;

/// Whether a candidate is the named place itself in its own name: a confident exact,
/// folded or alternate-name match with nothing taken off the name.
fn names_itself(candidate: &Candidate) -> bool {
    candidate.is_confident() && names_itself_if_decided(candidate)
}

/// [`names_itself`] for a candidate that is confident or would be if the row's context
/// chose it among its namesakes.
fn names_itself_if_decided(candidate: &Candidate) -> bool {
    candidate.is_confident_if_decided()
        && matches!(
            candidate.method,
            Method::ExactName
                | Method::FoldedName
                | Method::AlternateName { .. }
                | Method::AdministrativeSuffix { .. }
                | Method::RegionName { .. }
        )
        && !candidate.evidence.iter().any(|e| {
            matches!(
                e,
                Evidence::QualifierStripped { .. }
                    | Evidence::MainTownOf { .. }
                    | Evidence::DistrictOf { .. }
                    | Evidence::ParentOfDistrict { .. }
                    | Evidence::CountryHintMismatch { .. }
            )
        })
}

impl Gazetteer {
    /// Recognises a metropolitan or inter-municipal government by its designators and finds
    /// its seat. None when the name carries no designator, or when the whole name is itself
    /// the name of a city ("Grand Rapids", "Greater Sudbury") or, for a designator that
    /// ordinary names carry too, of any place ("Grand Est"), or when such a designator's core
    /// names no city.
    pub fn resolve_metropolitan(
        &self,
        name: &str,
        country_hint: Option<&str>,
    ) -> Option<Metropolitan> {
        self.resolve_metropolitan_near(name, country_hint, None)
    }

    /// [`Gazetteer::resolve_metropolitan`] with the coordinates a source gives for the
    /// government: a seat more than [`MAX_SEAT_KM`] from them is no seat ("Unione dei
    /// Comuni Terre di Pianura" near Bologna is not seated in Pianura, a quarter of Naples).
    pub fn resolve_metropolitan_near(
        &self,
        name: &str,
        country_hint: Option<&str>,
        near: Option<(f64, f64)>,
    ) -> Option<Metropolitan> {
        let stated = country_hint
            .filter(|c| !c.trim().is_empty())
            .and_then(|c| self.resolve_country(c))
            .map(|c| c.iso2);
        // "Grand Rapids, MI": what follows a comma is context, not part of the name.
        let name = name.split(',').next().unwrap_or(name).trim();
        let designated = metropolitan_designators(name, stated.as_deref())?;
        let whole = self.resolve_without_review(name, country_hint);
        // A place the whole name names, even one of several namesakes ("Grand Island" in
        // Nebraska or New York), is what the name means: "Grand" is part of it, not a
        // designator, and the toss-up is left to the row's context.
        let named = whole.iter().find(|c| names_itself_if_decided(c));
        if let Some(best) = named {
            let is_city = matches!(best.place.level, Level::City | Level::Municipality);
            if is_city || !designated.strong {
                return None;
            }
        }
        let (seat, seat_words) = match self.seat_of(&designated.core, stated.as_deref()) {
            (Some(seat), _)
                if near
                    .zip(seat.lat.zip(seat.lon))
                    .is_some_and(|((la, lo), (sla, slo))| {
                        crate::resolve::distance_km(la, lo, sla, slo) > MAX_SEAT_KM
                    }) =>
            {
                (None, None)
            }
            found => found,
        };
        // Without a seat a government has no point to draw; a unit the whole name names
        // ("Nelson Mandela Bay Metropolitan Municipality") has one, and is the same body.
        if seat.is_none() && (!designated.strong || named.is_some()) {
            return None;
        }
        let country = stated.or_else(|| seat.as_ref().map(|s| s.country.clone()));
        Some(Metropolitan {
            designated,
            country,
            seat,
            seat_words,
        })
    }

    /// The city of the country that the whole core names, or else the most populous city of
    /// at least [`MIN_PARTIAL_SEAT_POPULATION`] people that a run of its words names.
    fn seat_of(&self, core: &str, country: Option<&str>) -> (Option<Place>, Option<String>) {
        let city = |text: &str| {
            self.resolve_without_review(text, country)
                .into_iter()
                .next()
                .filter(names_itself)
                .filter(|c| matches!(c.place.level, Level::City | Level::Municipality))
                .filter(|c| country.is_none_or(|iso| c.place.country == iso))
                .map(|c| c.place)
        };
        if let Some(place) = city(core) {
            return (Some(place), Some(core.to_owned()));
        }
        let words: Vec<&str> = core.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() > MAX_CORE_WORDS {
            return (None, None);
        }
        let mut best: Option<(Place, String)> = None;
        for len in (1..=words.len().min(MAX_SEAT_WORDS)).rev() {
            for start in 0..=words.len() - len {
                let run = &words[start..start + len];
                // A lone article or preposition names no city.
                if len == 1 && (run[0].len() < 3 || ARTICLES.contains(&run[0])) {
                    continue;
                }
                let text = run.join(" ");
                let Some(place) = city(&text) else {
                    continue;
                };
                let population = place.population.unwrap_or(0);
                if population >= MIN_PARTIAL_SEAT_POPULATION
                    && best
                        .as_ref()
                        .is_none_or(|(b, _)| population > b.population.unwrap_or(0))
                {
                    best = Some((place, text));
                }
            }
        }
        match best {
            Some((place, words)) => (Some(place), Some(words)),
            None => (None, None),
        }
    }
}
