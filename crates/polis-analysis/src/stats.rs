//! The headline statistics: ties, distinct partner places by level, distinct partner
//! countries, and ties by kind and status, for the whole registry or one country, now or on
//! a date.
//!
//! Counting rule: a tie counts when its status on the date is `active` (or `suspended`: a
//! suspended tie still exists). Ties whose status the recorded dates do not decide are not
//! counted, but appear under `by_status.unknown`, so nothing is silently dropped.
//! For a country, the partners are the ends outside that country; ties with both ends inside
//! it are counted apart as `n_domestic_ties`.
//!
//! Country basis: a place in a contested territory may be in one country by ISO 3166 and in
//! another by what its sources say (`Place::country_claims`). [`CountryBasis`] says which
//! counts: ISO 3166's (the default), the sources' claims, or both, where a place counts
//! under each of its countries (so a tie may count under two partner countries).

use std::collections::{BTreeMap, BTreeSet};

use polis_core::{Dataset, PartialDate, Place, TieStatus, status_as_of};
use serde::Serialize;

use crate::PlaceIndex;
use crate::geo::haversine_km;

/// Which country a place counts under, as `polis stats --country-basis` and
/// `/stats?country_basis=` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CountryBasis {
    /// The country ISO 3166 (and GeoNames) files the place under: the neutral reference,
    /// and the default.
    #[default]
    Iso,
    /// The country or countries the place's sources put it in, where a source's word is
    /// recorded (a place in a contested territory); ISO 3166's for every other place.
    Claim,
    /// ISO 3166's country and every country a source puts the place in: a contested place
    /// counts under each.
    Both,
}

impl CountryBasis {
    /// Every accepted value, the default first.
    pub const NAMES: [&'static str; 3] = ["iso", "claim", "both"];

    pub const fn as_str(self) -> &'static str {
        match self {
            CountryBasis::Iso => "iso",
            CountryBasis::Claim => "claim",
            CountryBasis::Both => "both",
        }
    }

    /// The countries `place` counts under on this basis (`??` for a place without one).
    pub fn countries_of(self, place: Option<&Place>) -> PlaceCountries<'_> {
        let iso = place.and_then(|p| p.country.as_deref()).unwrap_or("??");
        let claims = place.map_or(&[][..], |p| p.country_claims.as_slice());
        match self {
            CountryBasis::Iso => PlaceCountries {
                iso: Some(iso),
                claims: &[],
            },
            CountryBasis::Claim if !claims.is_empty() => PlaceCountries { iso: None, claims },
            CountryBasis::Claim => PlaceCountries {
                iso: Some(iso),
                claims: &[],
            },
            CountryBasis::Both => PlaceCountries {
                iso: Some(iso),
                // A source that names ISO 3166's own country adds nothing here.
                claims,
            },
        }
    }
}

impl std::fmt::Display for CountryBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CountryBasis {
    type Err = polis_core::UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "iso" => Ok(CountryBasis::Iso),
            "claim" => Ok(CountryBasis::Claim),
            "both" => Ok(CountryBasis::Both),
            _ => Err(polis_core::UnknownValue {
                what: "country basis",
                value: text.to_owned(),
                accepted: Self::NAMES.join(", "),
            }),
        }
    }
}

/// The countries a place counts under on one [`CountryBasis`], each once.
#[derive(Debug, Clone, Copy)]
pub struct PlaceCountries<'a> {
    iso: Option<&'a str>,
    claims: &'a [polis_core::CountryClaim],
}

impl<'a> PlaceCountries<'a> {
    /// Each country once, ISO 3166's first where it counts.
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        let iso = self.iso;
        iso.into_iter().chain(
            self.claims
                .iter()
                .map(|c| c.country.as_str())
                .filter(move |c| Some(*c) != iso),
        )
    }

    pub fn contains(self, country: &str) -> bool {
        self.iter().any(|c| c == country)
    }
}

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    /// ISO 3166-1 alpha-2 code; `None` for the whole registry.
    pub country: Option<String>,
    /// A place id: the ties of this place and of every place inside it (a region's cities),
    /// instead of a country's.
    pub place: Option<String>,
    pub as_of: Option<PartialDate>,
    /// Only ties with a partner in one of these countries (ISO codes), e.g. a continent's.
    pub partner_countries: Option<BTreeSet<String>>,
    /// Also count ties whose status on the date is unknown or disputed between sources but
    /// may be active (an upper bound rather than a certain count).
    pub count_unknown: bool,
    /// Which country a place counts under: for `country`, `partner_countries` and every
    /// count by country.
    pub country_basis: CountryBasis,
}

/// The counts, in the shape the seed deck quotes ("2,669 pairs with 549 provinces and
/// 1,694 cities in 138 countries").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Which country each place counted under (`iso`, `claim` or `both`).
    pub country_basis: CountryBasis,
    /// The place whose ties (with those of every place inside it) are counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    /// Ties counted (active or suspended on the date).
    pub n_ties: u64,
    /// Of those, ties with both ends in the country (country scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_domestic_ties: Option<u64>,
    /// Distinct partner places.
    pub n_partner_places: u64,
    /// Distinct partner places by level (`country`, `region`, `city`, `district`).
    #[cfg_attr(feature = "openapi", schema(schema_with = places_by_level_schema))]
    pub partner_places_by_level: BTreeMap<String, u64>,
    /// Distinct countries of the partner places.
    pub n_partner_countries: u64,
    /// Distinct places in the country with a counted tie (country scope only), by level.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(schema_with = places_by_level_schema))]
    pub local_places_by_level: BTreeMap<String, u64>,
    /// Counted ties by kind.
    #[cfg_attr(feature = "openapi", schema(schema_with = polis_core::openapi::counts_by::<polis_core::TieKind>))]
    pub by_kind: BTreeMap<String, u64>,
    /// Every tie in scope by its status on the date, counted or not.
    #[cfg_attr(feature = "openapi", schema(schema_with = polis_core::openapi::counts_by::<polis_core::TieStatus>))]
    pub by_status: BTreeMap<String, u64>,
    /// Ties in scope by the year they were signed (ties with a signing date).
    #[cfg_attr(feature = "openapi", schema(schema_with = polis_core::openapi::counts_by_year))]
    pub signed_by_year: BTreeMap<i32, u64>,
    /// Ties in scope by the year they were terminated.
    #[cfg_attr(feature = "openapi", schema(schema_with = polis_core::openapi::counts_by_year))]
    pub terminated_by_year: BTreeMap<i32, u64>,
    /// The counted partners' countries, most ties first (at most 20).
    pub top_partner_countries: Vec<(String, u64)>,
    /// Herfindahl-Hirschman index of the counted ties over partner countries: the sum of
    /// squared shares, from 1/n (evenly spread) to 1 (one country). `None` without ties.
    pub hhi_partner_countries: Option<f64>,
    /// Great-circle distances between the ends of counted ties with coordinates.
    pub distance_km: Option<Distances>,
    /// Of the counted ties, those with a provisional end (a name no import could resolve,
    /// kept rather than dropped).
    pub n_ties_with_provisional: u64,
    /// Distinct provisional places among the counted ties' ends.
    pub n_provisional_places: u64,
}

/// The distribution of distances between partners.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Distances {
    /// Ties measured (both ends with coordinates).
    pub n: u64,
    /// Counted ties left out for lack of coordinates.
    pub n_without_coordinates: u64,
    pub median: f64,
    pub p25: f64,
    pub p75: f64,
    pub max: f64,
    /// Ties per band: `<100`, `100-500`, `500-1000`, `1000-2000`, `2000-5000`, `5000-10000`,
    /// `>=10000` km.
    #[cfg_attr(feature = "openapi", schema(schema_with = bands_schema))]
    pub bands: BTreeMap<String, u64>,
}

/// The keys of `partner_places_by_level`: the place levels, and `unknown` for a partner
/// the registry has no record of.
#[cfg(feature = "openapi")]
fn places_by_level_schema() -> utoipa::openapi::schema::Object {
    polis_core::openapi::counts_by_names(
        polis_core::PlaceLevel::ALL
            .iter()
            .map(|level| level.as_str())
            .chain(["unknown"]),
    )
}

/// The keys of `Distances::bands`, from the list the histogram is built from.
#[cfg(feature = "openapi")]
fn bands_schema() -> utoipa::openapi::schema::Object {
    polis_core::openapi::counts_by_names(BANDS.iter().map(|(_, name)| *name))
}

/// Bands of the distance histogram, upper bounds in km.
const BANDS: &[(f64, &str)] = &[
    (100.0, "a: <100"),
    (500.0, "b: 100-500"),
    (1000.0, "c: 500-1000"),
    (2000.0, "d: 1000-2000"),
    (5000.0, "e: 2000-5000"),
    (10000.0, "f: 5000-10000"),
    (f64::INFINITY, "g: >=10000"),
];

/// The `q` quantile of sorted values, by linear interpolation (numpy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

fn distances(values: &mut [f64], n_without: u64) -> Option<Distances> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mut bands: BTreeMap<String, u64> = BTreeMap::new();
    for v in values.iter() {
        let band = BANDS
            .iter()
            .find(|(upper, _)| v < upper)
            .map_or("g: >=10000", |(_, name)| name);
        *bands.entry(band.to_owned()).or_default() += 1;
    }
    let round = |x: f64| (x * 10.0).round() / 10.0;
    Some(Distances {
        n: values.len() as u64,
        n_without_coordinates: n_without,
        median: round(quantile(values, 0.5)),
        p25: round(quantile(values, 0.25)),
        p75: round(quantile(values, 0.75)),
        max: round(values[values.len() - 1]),
        bands,
    })
}

/// Computes [`Stats`] for `query`.
pub fn stats(data: &Dataset, query: &StatsQuery) -> Stats {
    stats_with_bounds(data, query, false).0
}

/// The counts of one tie counted in force: where its ends are, how far apart, of what kind.
#[derive(Default)]
struct Tally<'a> {
    n_ties: u64,
    n_domestic: u64,
    partners: BTreeSet<&'a str>,
    locals: BTreeSet<&'a str>,
    partner_countries: BTreeSet<&'a str>,
    by_kind: BTreeMap<String, u64>,
    ties_by_partner_country: BTreeMap<&'a str, u64>,
    distance_values: Vec<f64>,
    n_without_coordinates: u64,
    provisional: BTreeSet<&'a str>,
    n_with_provisional: u64,
}

/// Where a counted tie lies in the scope: both ends inside, one, or no scope at all.
struct Ends<'a> {
    in_a: bool,
    in_b: bool,
    country_a: PlaceCountries<'a>,
    country_b: PlaceCountries<'a>,
}

impl<'a> Tally<'a> {
    fn add(
        &mut self,
        tie: &'a polis_core::Tie,
        ends: &Ends<'a>,
        places: &PlaceIndex<'a>,
        scoped: bool,
    ) {
        let Ends {
            in_a,
            in_b,
            country_a,
            country_b,
        } = *ends;
        self.n_ties += 1;
        let mut provisional_end = false;
        for end in [&tie.a, &tie.b] {
            if places.get(end).is_some_and(|p| p.provisional) {
                provisional_end = true;
                self.provisional.insert(end.as_str());
            }
        }
        self.n_with_provisional += u64::from(provisional_end);
        // A district without coordinates of its own is measured from the place it lies in.
        match (places.position(&tie.a), places.position(&tie.b)) {
            (Some((x_lat, x_lon, _)), Some((y_lat, y_lon, _))) => self
                .distance_values
                .push(haversine_km(x_lat, x_lon, y_lat, y_lon)),
            _ => self.n_without_coordinates += 1,
        }
        *self
            .by_kind
            .entry(tie.kind.as_str().to_owned())
            .or_default() += 1;
        if !scoped {
            for (end, countries) in [(&tie.a, country_a), (&tie.b, country_b)] {
                self.partners.insert(end.as_str());
                for country in countries.iter() {
                    self.partner_countries.insert(country);
                    *self.ties_by_partner_country.entry(country).or_default() += 1;
                }
            }
        } else if in_a && in_b {
            self.n_domestic += 1;
            self.locals.insert(tie.a.as_str());
            self.locals.insert(tie.b.as_str());
        } else {
            let (local, partner, partner_country) = if in_a {
                (&tie.a, &tie.b, country_b)
            } else {
                (&tie.b, &tie.a, country_a)
            };
            self.locals.insert(local.as_str());
            self.partners.insert(partner.as_str());
            for country in partner_country.iter() {
                self.partner_countries.insert(country);
                *self.ties_by_partner_country.entry(country).or_default() += 1;
            }
        }
    }
}

/// The counts of `query`, and, with `bounds`, in the same pass over the ties, the counts
/// that also take ties whose status is unknown on the date (the upper bound; `query`'s own
/// `count_unknown` decides the first).
fn stats_with_bounds(data: &Dataset, query: &StatsQuery, bounds: bool) -> (Stats, Option<Stats>) {
    let places = PlaceIndex::new(data);
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut signed_by_year: BTreeMap<i32, u64> = BTreeMap::new();
    let mut terminated_by_year: BTreeMap<i32, u64> = BTreeMap::new();
    let mut counted_tally = Tally::default();
    let mut upper_tally = bounds.then(Tally::default);
    // The scope: a place and everything inside it, or a country, or the whole registry.
    let inside = |id: &str| {
        let Some(target) = query.place.as_deref() else {
            return false;
        };
        let mut at = Some(id);
        for _ in 0..64 {
            match at {
                Some(current) if current == target => return true,
                Some(current) => at = places.get(current).and_then(|p| p.parent.as_deref()),
                None => return false,
            }
        }
        false
    };
    let scope: Option<()> = (query.place.is_some() || query.country.is_some()).then_some(());
    let scoped = scope.is_some();
    for tie in &data.ties {
        let basis = query.country_basis;
        let (country_a, country_b) = (
            basis.countries_of(places.get(&tie.a)),
            basis.countries_of(places.get(&tie.b)),
        );
        let (in_a, in_b) = match (&query.place, &query.country) {
            (Some(_), _) => (inside(&tie.a), inside(&tie.b)),
            (None, Some(cc)) => (country_a.contains(cc), country_b.contains(cc)),
            (None, None) => (false, false),
        };
        if scoped && !in_a && !in_b {
            continue;
        }
        if let Some(allowed) = &query.partner_countries {
            let admits = |countries: PlaceCountries| countries.iter().any(|c| allowed.contains(c));
            let partner_ok = match scope {
                Some(_) if in_a && !in_b => admits(country_b),
                Some(_) if in_b && !in_a => admits(country_a),
                _ => admits(country_a) || admits(country_b),
            };
            if !partner_ok {
                continue;
            }
        }
        if let Some(date) = tie.signed() {
            *signed_by_year.entry(date.year_value()).or_default() += 1;
        }
        if let Some(date) = tie.terminated() {
            *terminated_by_year.entry(date.year_value()).or_default() += 1;
        }
        let status = status_as_of(tie, query.as_of.as_ref()).status;
        *by_status.entry(status.as_str().to_owned()).or_default() += 1;
        let (counted, in_upper) = match status {
            TieStatus::Active | TieStatus::Suspended => (true, true),
            // A disputed tie may or may not be in force: counted as an unknown one is.
            TieStatus::Unknown | TieStatus::Disputed => (query.count_unknown, true),
            _ => (false, false),
        };
        let ends = Ends {
            in_a,
            in_b,
            country_a,
            country_b,
        };
        if counted {
            counted_tally.add(tie, &ends, &places, scoped);
        }
        if in_upper && let Some(upper) = upper_tally.as_mut() {
            upper.add(tie, &ends, &places, scoped);
        }
    }
    let level_of = |id: &str| {
        places
            .get(id)
            .map_or("unknown", |p| p.level.as_str())
            .to_owned()
    };
    let by_level = |ids: &BTreeSet<&str>| {
        let mut levels: BTreeMap<String, u64> = BTreeMap::new();
        for id in ids {
            *levels.entry(level_of(id)).or_default() += 1;
        }
        levels
    };
    let finish = |mut tally: Tally| {
        let total: u64 = tally.ties_by_partner_country.values().sum();
        let hhi_partner_countries = (total > 0).then(|| {
            let hhi: f64 = tally
                .ties_by_partner_country
                .values()
                .map(|n| (*n as f64 / total as f64).powi(2))
                .sum();
            (hhi * 1e6).round() / 1e6
        });
        let mut top_partner_countries: Vec<(String, u64)> = tally
            .ties_by_partner_country
            .iter()
            .map(|(c, n)| (c.to_string(), *n))
            .collect();
        top_partner_countries.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        top_partner_countries.truncate(20);
        Stats {
            country: query.country.clone(),
            country_basis: query.country_basis,
            as_of: query.as_of,
            n_ties: tally.n_ties,
            n_domestic_ties: scope.map(|_| tally.n_domestic),
            n_partner_places: tally.partners.len() as u64,
            partner_places_by_level: by_level(&tally.partners),
            n_partner_countries: tally.partner_countries.len() as u64,
            place: query.place.clone(),
            local_places_by_level: if scoped {
                by_level(&tally.locals)
            } else {
                BTreeMap::new()
            },
            by_kind: tally.by_kind,
            by_status: by_status.clone(),
            signed_by_year: signed_by_year.clone(),
            terminated_by_year: terminated_by_year.clone(),
            top_partner_countries,
            hhi_partner_countries,
            distance_km: distances(&mut tally.distance_values, tally.n_without_coordinates),
            n_ties_with_provisional: tally.n_with_provisional,
            n_provisional_places: tally.provisional.len() as u64,
        }
    };
    let upper = upper_tally.map(&finish);
    (finish(counted_tally), upper)
}

/// A reported figure beside the value polis computes for the same metric, scope and date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FigureComparison {
    pub id: String,
    pub metric: String,
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_continent: Option<String>,
    pub as_of: PartialDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    pub reported: f64,
    /// `None` when polis cannot compute this metric or scope (an unknown metric, or a
    /// continent it has no country list for). Counts ties certainly in force on the date.
    pub computed: Option<f64>,
    /// computed / reported, as a percentage.
    pub coverage_percent: Option<f64>,
    /// The same count including ties whose dates leave their status unknown on the date (an
    /// undated tie from a list): the most the registry could hold.
    pub computed_upper: Option<f64>,
    pub coverage_upper_percent: Option<f64>,
    pub sources: Vec<String>,
}

/// Every reported figure (of `country`, when given) beside the computed value.
/// `continent_countries` gives the ISO codes of a continent's countries.
pub fn compare_figures(
    data: &Dataset,
    country: Option<&str>,
    continent_countries: &dyn Fn(&str) -> Option<BTreeSet<String>>,
) -> Vec<FigureComparison> {
    let mut out = Vec::new();
    for figure in &data.figures {
        if country.is_some_and(|c| c != figure.country) {
            continue;
        }
        let partner_countries = match &figure.partner_continent {
            Some(continent) => match continent_countries(continent) {
                Some(countries) => Some(countries),
                None => {
                    out.push(comparison(figure, None));
                    continue;
                }
            },
            None => None,
        };
        let level = |m: &BTreeMap<String, u64>, l: &str| m.get(l).copied().unwrap_or(0) as f64;
        let value_of = |computed: &Stats| match figure.metric.as_str() {
            "ties" => Some(computed.n_ties as f64),
            "partner_countries" => Some(computed.n_partner_countries as f64),
            "partner_regions" => Some(level(&computed.partner_places_by_level, "region")),
            "partner_cities" => Some(
                level(&computed.partner_places_by_level, "city")
                    + level(&computed.partner_places_by_level, "district"),
            ),
            "local_regions" => Some(level(&computed.local_places_by_level, "region")),
            "local_cities" => Some(
                level(&computed.local_places_by_level, "city")
                    + level(&computed.local_places_by_level, "district"),
            ),
            _ => None,
        };
        let query = StatsQuery {
            place: None,
            country: Some(figure.country.clone()),
            as_of: Some(figure.as_of),
            partner_countries,
            count_unknown: false,
            country_basis: CountryBasis::Iso,
        };
        // The certain count and the upper one, from one pass over the ties.
        let (certain, upper) = stats_with_bounds(data, &query, true);
        let certain = value_of(&certain);
        let upper = upper.as_ref().and_then(value_of);
        let mut row = comparison(figure, certain);
        row.computed_upper = upper;
        row.coverage_upper_percent = upper
            .filter(|_| figure.value > 0.0)
            .map(|c| (c / figure.value * 1000.0).round() / 10.0);
        out.push(row);
    }
    out
}

fn comparison(figure: &polis_core::ReportedFigure, computed: Option<f64>) -> FigureComparison {
    FigureComparison {
        id: figure.id.clone(),
        metric: figure.metric.clone(),
        country: figure.country.clone(),
        partner_continent: figure.partner_continent.clone(),
        as_of: figure.as_of,
        reporter: figure.reporter.clone(),
        reported: figure.value,
        computed,
        coverage_percent: computed
            .filter(|_| figure.value > 0.0)
            .map(|c| (c / figure.value * 1000.0).round() / 10.0),
        computed_upper: None,
        coverage_upper_percent: None,
        sources: figure.sources.clone(),
    }
}
