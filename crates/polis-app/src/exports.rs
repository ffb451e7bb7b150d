//! Exports of the web pages' lists: the ties of the whole registry, of a place (a dossier's
//! list) or of a country (the map filtered by country), as CSV, GeoJSON, GraphML or GEXF (the
//! same writers as `polis export`), or as a one-file bundle (the bundle writer's canonical
//! TOML, manifest first), which `polis bundle apply` and `polis propose` read back.

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

/// An exported list: its bytes and the file name a browser saves it under.
#[derive(Debug)]
pub struct ListExport {
    pub format: ListFormat,
    pub file_name: String,
    pub body: Vec<u8>,
    pub n_ties: usize,
}

impl Snapshot {
    /// The records of `scope`'s list: its ties, the places they join (with the places
    /// those lie in, which they name as parents), the documents they cite, every source and
    /// import batch. A part of the registry, it names records outside it (a document's
    /// actors): imported into a database that lacks them, the import says which.
    pub fn scoped_data(&self, scope: &ExportScope) -> Result<Dataset, AppError> {
        let data = self.data();
        let keep: Box<dyn Fn(&polis_core::Tie) -> bool> = match scope {
            ExportScope::All => return Ok(data.clone()),
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
        Ok(Dataset {
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
        })
    }

    /// A list as a file: `scope`'s ties in `format`.
    pub fn export_list(
        &self,
        format: ListFormat,
        scope: &ExportScope,
    ) -> Result<ListExport, AppError> {
        let data = self.scoped_data(scope)?;
        let stem = match scope {
            ExportScope::All => "polis".to_owned(),
            ExportScope::Place(query) => self.resolve_place(query)?.id.clone(),
            ExportScope::Country(code) => code.as_str().to_ascii_lowercase(),
        };
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

/// The ties of `data` as a file in `format`: the writers `polis export`, the API's exports
/// and the pages' list exports all share.
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
