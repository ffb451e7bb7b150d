//! Exports, one use case for every edge: [`ExportRequest`] names a format, a scope (every
//! tie, a place's, a country's) and whether provisional places are left out; `polis export`,
//! `/api/v1/export/...` and the pages' download links (which lead there) all ask
//! [`Snapshot::export`]. The ties go out as CSV, GeoJSON, GraphML or GEXF, or as a one-file
//! bundle (the bundle writer's canonical TOML, manifest first), which `polis bundle apply`
//! and `polis propose` read back. The other lists of the pages have their CSV here too: the
//! search hits ([`search_hits_csv`]) and each table of the dashboard ([`DashboardTable`]).

use std::borrow::Cow;
use std::collections::BTreeSet;

use polis_core::Dataset;

use crate::options::{CountryCode, ExportFormat};
use crate::{AppError, Snapshot};

/// Which ties a list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    All,
    /// The ties of one place (an id or a name).
    Place(String),
    /// The ties with an end in one country.
    Country(CountryCode),
}

/// What a list is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Ties(ExportFormat),
    /// The records themselves: a one-file bundle.
    Bundle,
}

impl ListFormat {
    /// Every format, by the file name the download has (`ties.csv`, `bundle.toml`).
    pub const FILE_NAMES: [&'static str; 5] = [
        "ties.csv",
        "ties.geojson",
        "ties.gexf",
        "ties.graphml",
        "bundle.toml",
    ];

    /// The format a file name asks for.
    pub fn from_file_name(name: &str) -> Result<Self, AppError> {
        match name {
            "bundle.toml" => Ok(ListFormat::Bundle),
            other => ExportFormat::ALL
                .into_iter()
                .find(|f| f.file_name() == other)
                .map(ListFormat::Ties)
                .ok_or_else(|| {
                    AppError::BadInput(format!(
                        "'{other}' is not an export: use one of {}",
                        Self::FILE_NAMES.join(", ")
                    ))
                }),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ListFormat::Ties(format) => format.content_type(),
            ListFormat::Bundle => "application/toml; charset=utf-8",
        }
    }
}

/// One export: what, of which ties, and whether provisional places (names no import could
/// resolve) and their ties are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub format: ListFormat,
    pub scope: ExportScope,
    pub resolved_only: bool,
}

impl ExportRequest {
    /// Every tie in `format`, provisional places included.
    pub fn all(format: ListFormat) -> Self {
        ExportRequest {
            format,
            scope: ExportScope::All,
            resolved_only: false,
        }
    }

    /// The scope given by a place and a country, at most one of them (as the CLI, the API
    /// and the pages take them).
    pub fn scope_of(
        place: Option<String>,
        country: Option<CountryCode>,
    ) -> Result<ExportScope, AppError> {
        match (place.filter(|p| !p.trim().is_empty()), country) {
            (Some(_), Some(_)) => Err(AppError::BadInput(
                "give a place or a country to export, not both".to_owned(),
            )),
            (Some(place), None) => Ok(ExportScope::Place(place.trim().to_owned())),
            (None, Some(country)) => Ok(ExportScope::Country(country)),
            (None, None) => Ok(ExportScope::All),
        }
    }
}

/// An exported list: its bytes and the file name a browser saves it under.
#[derive(Debug)]
pub struct ListExport {
    pub format: ListFormat,
    pub file_name: String,
    pub body: Vec<u8>,
    pub n_ties: usize,
}

impl Snapshot {
    /// The records an export holds: `scope`'s ties (without provisional places and their
    /// ties when `resolved_only`), the places they join (with the places those lie in, which
    /// they name as parents), the documents they cite, every source and import batch. A
    /// part of the registry names records outside it (a document's actors): imported into a
    /// database that lacks them, the import says which. Every tie: every record.
    pub fn export_data(
        &self,
        scope: &ExportScope,
        resolved_only: bool,
    ) -> Result<Cow<'_, Dataset>, AppError> {
        if let ExportScope::Place(query) = scope {
            let place = self.resolve_place(query)?;
            if resolved_only && place.provisional {
                return Err(AppError::BadInput(format!(
                    "{} is a provisional place (a name no import could resolve), which \
                     resolved_only leaves out: export it without resolved_only, or decide the name first",
                    place.id
                )));
            }
        }
        self.scoped(resolved_only).scoped_data(scope)
    }

    fn scoped_data(&self, scope: &ExportScope) -> Result<Cow<'_, Dataset>, AppError> {
        let data = self.data();
        let keep: Box<dyn Fn(&polis_core::Tie) -> bool> = match scope {
            ExportScope::All => return Ok(Cow::Borrowed(data)),
            ExportScope::Place(query) => {
                let id = self.resolve_place(query)?.id.clone();
                Box::new(move |tie| tie.a == id || tie.b == id)
            }
            ExportScope::Country(code) => {
                let code = code.as_str().to_owned();
                Box::new(move |tie| {
                    [&tie.a, &tie.b].into_iter().any(|end| {
                        self.place_by_id(end)
                            .and_then(|p| p.country.as_deref())
                            .is_some_and(|c| c == code)
                    })
                })
            }
        };
        let ties: Vec<polis_core::Tie> = data.ties.iter().filter(|t| keep(t)).cloned().collect();
        let mut places: BTreeSet<&str> = BTreeSet::new();
        for tie in &ties {
            for end in [&tie.a, &tie.b] {
                let mut at = self.place_by_id(end);
                while let Some(place) = at {
                    if !places.insert(place.id.as_str()) {
                        break;
                    }
                    at = place.parent.as_deref().and_then(|p| self.place_by_id(p));
                }
            }
        }
        let documents: BTreeSet<&str> = ties
            .iter()
            .flat_map(|t| {
                t.documents
                    .iter()
                    .chain(t.events.iter().filter_map(|e| e.document.as_ref()))
            })
            .map(String::as_str)
            .collect();
        Ok(Cow::Owned(Dataset {
            sources: data.sources.clone(),
            batches: data.batches.clone(),
            places: data
                .places
                .iter()
                .filter(|p| places.contains(p.id.as_str()))
                .cloned()
                .collect(),
            documents: data
                .documents
                .iter()
                .filter(|d| documents.contains(d.id.as_str()))
                .cloned()
                .collect(),
            ties,
            ..Dataset::default()
        }))
    }

    /// An export as a file: the request's ties in its format, named for a download
    /// (`polis-ties.csv`, `cz-prague-bundle.toml`, `cz-resolved-ties.gexf`).
    pub fn export(&self, request: &ExportRequest) -> Result<ListExport, AppError> {
        let ExportRequest {
            format,
            scope,
            resolved_only,
        } = request;
        let format = *format;
        let data = self.export_data(scope, *resolved_only)?;
        let mut stem = match scope {
            ExportScope::All => "polis".to_owned(),
            ExportScope::Place(query) => self.resolve_place(query)?.id.clone(),
            ExportScope::Country(code) => code.as_str().to_ascii_lowercase(),
        };
        if *resolved_only {
            stem.push_str("-resolved");
        }
        let body = match format {
            ListFormat::Ties(format) => ties_file(&data, format)?,
            ListFormat::Bundle => {
                let manifest = polis_bundle::Manifest {
                    name: format!("{stem}-export"),
                    description: Some(
                        "Exported from polis: the listed ties with the records they cite."
                            .to_owned(),
                    ),
                };
                polis_bundle::to_files(&manifest, &data)
                    .map_err(AppError::internal)?
                    .into_iter()
                    .map(|(_, text)| text)
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes()
            }
        };
        let file_name = match format {
            ListFormat::Ties(f) => format!("{stem}-{}", f.file_name()),
            ListFormat::Bundle => format!("{stem}-bundle.toml"),
        };
        Ok(ListExport {
            format,
            file_name,
            body,
            n_ties: data.ties.len(),
        })
    }
}

/// The ties of `data` as a file in `format`: the writers every export shares.
pub(crate) fn ties_file(data: &Dataset, format: ExportFormat) -> Result<Vec<u8>, AppError> {
    Ok(match format {
        ExportFormat::Csv => polis_analysis::export::ties_csv(data)
            .map_err(AppError::internal)?
            .into_bytes(),
        ExportFormat::Geojson => serde_json::to_vec(&polis_analysis::export::geojson(data))
            .map_err(AppError::internal)?,
        ExportFormat::Graphml => polis_analysis::export::graphml(data).into_bytes(),
        ExportFormat::Gexf => polis_analysis::export::gexf(data).into_bytes(),
    })
}

/// The search hits as CSV (`kind,id,label`), the file the search page links beside them.
pub fn search_hits_csv(hits: &[polis_store::SearchHit]) -> Result<Vec<u8>, AppError> {
    csv_file(
        &["kind", "id", "label"],
        hits.iter()
            .map(|h| vec![h.kind.clone(), h.id.clone(), h.label.clone()]),
    )
}

/// Rows with a header as CSV.
fn csv_file(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(AppError::internal)?;
    for row in rows {
        writer.write_record(&row).map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(AppError::internal)
}

/// A table of the dashboard, exported as CSV beside it (`/api/v1/export/dashboard/{name}.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardTable {
    /// Ties signed and terminated per year.
    PerYear,
    /// The countries with the most ties.
    Countries,
    /// The country pairs with the most ties.
    CountryPairs,
    /// The leading countries' partner-country concentration.
    Concentration,
    /// Reported figures beside computed ones.
    Figures,
    /// The quality report's checks.
    Quality,
}

impl DashboardTable {
    pub const ALL: [DashboardTable; 6] = [
        DashboardTable::PerYear,
        DashboardTable::Countries,
        DashboardTable::CountryPairs,
        DashboardTable::Concentration,
        DashboardTable::Figures,
        DashboardTable::Quality,
    ];

    /// The table's name in its URL and file name.
    pub fn name(self) -> &'static str {
        match self {
            DashboardTable::PerYear => "per-year",
            DashboardTable::Countries => "countries",
            DashboardTable::CountryPairs => "country-pairs",
            DashboardTable::Concentration => "concentration",
            DashboardTable::Figures => "figures",
            DashboardTable::Quality => "quality",
        }
    }

    /// Where the table's CSV is served.
    pub fn href(self) -> String {
        format!("/api/v1/export/dashboard/{}.csv", self.name())
    }

    /// The table a file name (`countries.csv`) asks for.
    pub fn from_file_name(file: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|t| file.strip_suffix(".csv") == Some(t.name()))
            .ok_or_else(|| AppError::NotFound {
                what: "dashboard table",
                query: format!(
                    "{file} (the tables are {})",
                    Self::ALL
                        .iter()
                        .map(|t| format!("{}.csv", t.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }
}

impl crate::Dashboard {
    /// One of the dashboard's tables as CSV: the rows the page shows, one per line.
    pub fn table_csv(&self, table: DashboardTable) -> Result<Vec<u8>, AppError> {
        let number = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        match table {
            DashboardTable::PerYear => csv_file(
                &["year", "signed", "terminated"],
                self.per_year.iter().map(|y| {
                    vec![
                        y.year.to_string(),
                        y.signed.to_string(),
                        y.terminated.to_string(),
                    ]
                }),
            ),
            DashboardTable::Countries => csv_file(
                &["country", "ties"],
                self.top_countries
                    .iter()
                    .map(|c| vec![c.country.clone(), c.n_ties.to_string()]),
            ),
            DashboardTable::CountryPairs => csv_file(
                &["country_a", "country_b", "ties"],
                self.country_pairs
                    .iter()
                    .map(|p| vec![p.a.clone(), p.b.clone(), p.n_ties.to_string()]),
            ),
            DashboardTable::Concentration => csv_file(
                &[
                    "country",
                    "ties_abroad_in_force",
                    "partner_countries",
                    "hhi",
                    "top_partner",
                    "top_partner_ties",
                ],
                self.concentration.iter().map(|c| {
                    vec![
                        c.country.clone(),
                        c.n_ties.to_string(),
                        c.n_partner_countries.to_string(),
                        number(c.hhi),
                        c.top_partner
                            .as_ref()
                            .map(|p| p.0.clone())
                            .unwrap_or_default(),
                        c.top_partner
                            .as_ref()
                            .map(|p| p.1.to_string())
                            .unwrap_or_default(),
                    ]
                }),
            ),
            DashboardTable::Figures => csv_file(
                &[
                    "id",
                    "metric",
                    "country",
                    "partner_continent",
                    "as_of",
                    "reporter",
                    "reported",
                    "computed",
                    "coverage_percent",
                    "computed_upper",
                    "coverage_upper_percent",
                    "sources",
                ],
                self.figures.iter().map(|f| {
                    vec![
                        f.id.clone(),
                        f.metric.clone(),
                        f.country.clone(),
                        f.partner_continent.clone().unwrap_or_default(),
                        f.as_of.to_string(),
                        f.reporter.clone().unwrap_or_default(),
                        f.reported.to_string(),
                        number(f.computed),
                        number(f.coverage_percent),
                        number(f.computed_upper),
                        number(f.coverage_upper_percent),
                        f.sources.join(" "),
                    ]
                }),
            ),
            DashboardTable::Quality => csv_file(
                &["check", "severity", "description", "count", "examples"],
                self.quality.checks.iter().map(|c| {
                    vec![
                        c.check.to_owned(),
                        format!("{:?}", c.severity).to_lowercase(),
                        c.description.to_owned(),
                        c.count.to_string(),
                        c.examples.join(" | "),
                    ]
                }),
            ),
        }
    }
}
