//! The dashboard's numbers: ties signed and terminated per year, the countries and country
//! pairs with the most ties, how concentrated each leading country's partners are, reported
//! figures beside computed ones, and the quality report. The page draws them; nothing on it
//! is computed anywhere else.

use std::collections::{BTreeMap, BTreeSet};

use polis_analysis::{FigureComparison, QualityReport};
use serde::Serialize;

use crate::options::{CountryBasis, CountryCode};
use crate::snapshot::{Snapshot, StatsRequest};

/// How many countries and country pairs the dashboard lists.
pub const DASHBOARD_TOP: usize = 15;

/// Everything the dashboard shows: `/dashboard`, `/api/v1/dashboard`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Which country each place counts under in the country tables (`iso`, `claim` or
    /// `both`; see `polis stats --country-basis`). Reported figures are always compared on
    /// ISO 3166's countries.
    pub country_basis: CountryBasis,
    /// Every tie, whatever its status.
    pub n_ties: usize,
    /// Ties signed and terminated in each year that has either.
    pub per_year: Vec<YearCounts>,
    /// Countries by the number of ties with an end in them, most first.
    pub top_countries: Vec<CountryTies>,
    /// Pairs of countries (in code order, a domestic pair once) by ties between them.
    pub country_pairs: Vec<CountryPair>,
    /// For the leading countries: how their ties in force spread over partner countries.
    pub concentration: Vec<Concentration>,
    /// Reported figures beside the values computed from the data.
    pub figures: Vec<FigureComparison>,
    pub quality: QualityReport,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearCounts {
    pub year: u16,
    pub signed: u64,
    pub terminated: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryTies {
    pub country: String,
    pub n_ties: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryPair {
    pub a: String,
    pub b: String,
    pub n_ties: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Concentration {
    pub country: String,
    /// Ties in force today with a partner abroad.
    pub n_ties: u64,
    pub n_partner_countries: u64,
    /// Herfindahl-Hirschman index over partner countries (1/n evenly spread .. 1).
    pub hhi: Option<f64>,
    /// The partner country with the most ties, and its share of them.
    pub top_partner: Option<(String, u64)>,
}

impl Snapshot {
    /// The dashboard over every tie, with `quality` (the report with the unresolved queue,
    /// which the caller reads from the store), counting places by country on `basis`. The
    /// numbers are computed once per snapshot and basis.
    pub fn dashboard(&self, quality: QualityReport, basis: CountryBasis) -> Dashboard {
        let mut dashboard = self.dashboard_numbers(basis).clone();
        dashboard.quality = quality;
        dashboard
    }

    fn dashboard_numbers(&self, basis: CountryBasis) -> &Dashboard {
        let slot = CountryBasis::NAMES
            .iter()
            .position(|name| *name == basis.as_str())
            .unwrap_or(0);
        self.dashboard[slot].get_or_init(|| {
            self.build_dashboard(
                QualityReport {
                    n_errors: 0,
                    n_warnings: 0,
                    checks: Vec::new(),
                },
                basis,
            )
        })
    }

    /// Computes what the pages keep per snapshot (the map's layer, the dashboard's numbers,
    /// the quality checks of the records), so that the first visit after a change does not
    /// wait for them: `polis serve` calls it on a thread of its own after each new snapshot.
    pub fn warm(&self) {
        self.map_layer();
        self.quality_of_records();
        self.dashboard_numbers(CountryBasis::default());
    }

    /// How the ties in force of each of `countries` spread over partner countries.
    fn concentration(&self, countries: &[String], basis: CountryBasis) -> Vec<Concentration> {
        countries
            .iter()
            .filter_map(|country| {
                let code: CountryCode = country.parse().ok()?;
                let stats = self
                    .stats(&StatsRequest {
                        country: Some(code),
                        country_basis: basis,
                        ..StatsRequest::default()
                    })
                    .ok()?;
                let foreign = stats.n_ties - stats.n_domestic_ties.unwrap_or(0);
                Some(Concentration {
                    country: country.clone(),
                    n_ties: foreign,
                    n_partner_countries: stats.n_partner_countries,
                    hhi: stats.hhi_partner_countries,
                    top_partner: stats.top_partner_countries.first().cloned(),
                })
            })
            .collect()
    }

    fn build_dashboard(&self, quality: QualityReport, basis: CountryBasis) -> Dashboard {
        let data = self.data();
        let countries_of = |id: &str| basis.countries_of(self.place_by_id(id));
        let mut by_country: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_pair: BTreeMap<(String, String), u64> = BTreeMap::new();
        for tie in &data.ties {
            let (a, b) = (countries_of(&tie.a), countries_of(&tie.b));
            // A tie counts once under each country either end is in, and once for each
            // pair of them: on the basis `both`, a place in a contested territory is in two.
            let mut ends: BTreeSet<&str> = a.iter().collect();
            ends.extend(b.iter());
            for country in ends {
                *by_country.entry(country.to_owned()).or_default() += 1;
            }
            let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
            for x in a.iter() {
                for y in b.iter() {
                    pairs.insert(if x <= y { (x, y) } else { (y, x) });
                }
            }
            for (x, y) in pairs {
                *by_pair.entry((x.to_owned(), y.to_owned())).or_default() += 1;
            }
        }
        let mut top_countries: Vec<CountryTies> = by_country
            .into_iter()
            .filter(|(country, _)| country != "??")
            .map(|(country, n_ties)| CountryTies { country, n_ties })
            .collect();
        top_countries.sort_by(|x, y| y.n_ties.cmp(&x.n_ties).then(x.country.cmp(&y.country)));
        top_countries.truncate(DASHBOARD_TOP);
        let mut country_pairs: Vec<CountryPair> = by_pair
            .into_iter()
            .map(|((a, b), n_ties)| CountryPair { a, b, n_ties })
            .collect();
        country_pairs.sort_by(|x, y| {
            y.n_ties
                .cmp(&x.n_ties)
                .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
        });
        country_pairs.truncate(DASHBOARD_TOP);

        // The three costly parts each scan every tie (the figures once per figure, for both
        // the certain and the upper count); they run side by side, on threads of their own,
        // and the first render waits for the slowest instead of their sum.
        let leading: Vec<String> = top_countries
            .iter()
            .take(10)
            .map(|c| c.country.clone())
            .collect();
        let (all, concentration, figures) = std::thread::scope(|scope| {
            let all = scope.spawn(|| self.stats(&StatsRequest::default()).ok());
            let figures = scope.spawn(|| self.figures(None, false));
            let concentration = self.concentration(&leading, basis);
            (
                all.join().ok().flatten(),
                concentration,
                figures.join().unwrap_or_default(),
            )
        });
        let mut years: BTreeMap<u16, YearCounts> = BTreeMap::new();
        if let Some(all) = &all {
            // The chart's years run from year 1; a year before it (800 BC) is not drawn.
            for (year, &n) in &all.signed_by_year {
                let Ok(year) = u16::try_from(*year) else {
                    continue;
                };
                years
                    .entry(year)
                    .or_insert(YearCounts {
                        year,
                        signed: 0,
                        terminated: 0,
                    })
                    .signed = n;
            }
            for (year, &n) in &all.terminated_by_year {
                let Ok(year) = u16::try_from(*year) else {
                    continue;
                };
                years
                    .entry(year)
                    .or_insert(YearCounts {
                        year,
                        signed: 0,
                        terminated: 0,
                    })
                    .terminated = n;
            }
        }
        Dashboard {
            country_basis: basis,
            n_ties: data.ties.len(),
            per_year: years.into_values().collect(),
            top_countries,
            country_pairs,
            concentration,
            figures,
            quality,
        }
    }
}
