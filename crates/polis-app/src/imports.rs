//! Importing real sources and resolving names: read what the registry has, let
//! `polis-import` resolve and merge, and store the result with its unresolved queue and its
//! run record in one transaction; the gazetteer's candidates for a name or a file of names;
//! a person's decision about what a name means.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use polis_import::{Decision, Format, ImportInput, ImportReport};
use polis_store::{ApplyReport, ChangeContext, ImportWrite, NameDecision, QueuedName};
use serde::Serialize;

use crate::{App, AppError, NameQuery, Permission, Principal};

/// The largest file an importer reads (the biggest real source is a few MB).
pub const MAX_IMPORT_BYTES: usize = 512 * 1024 * 1024;

/// Reports how far a long job has come: `(done, total)`.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// One import: the file's bytes as read by the edge, and the options every importer takes.
pub struct ImportRequest {
    pub format: Format,
    /// How to name the file in errors (the path as the user gave it).
    pub file_label: String,
    /// The file's own name, recorded on the batch.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub source_title: Option<String>,
    pub source_url: Option<String>,
    /// When the source saw its ties as existing.
    pub observed: Option<polis_core::PartialDate>,
    /// Resolve and report without writing anything.
    pub dry_run: bool,
}

/// What an import did.
#[derive(Debug, Serialize)]
pub struct ImportOutcome {
    pub dry_run: bool,
    pub seconds: f64,
    #[serde(flatten)]
    pub report: ImportReport,
    pub stored: ApplyReport,
}

/// Name resolution against the embedded gazetteer, whose name index is cached in a
/// directory (when one is given) so that later processes load it in a third of the time.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    cache_dir: Option<PathBuf>,
}

impl Resolver {
    /// A resolver that caches the gazetteer's name index in `cache_dir` (none: no cache).
    pub fn new(cache_dir: Option<PathBuf>) -> Self {
        Self { cache_dir }
    }

    /// The gazetteer, loaded on first use (by this call or a [`Resolver::preload`]).
    pub fn gazetteer(&self) -> Result<&'static polis_gazetteer::Gazetteer, AppError> {
        match &self.cache_dir {
            Some(dir) => polis_gazetteer::Gazetteer::embedded_cached(
                &polis_gazetteer::IndexCache::in_dir(dir),
            ),
            None => polis_gazetteer::Gazetteer::embedded(),
        }
        .map_err(|e| AppError::Internal(format!("the embedded gazetteer does not load: {e}")))
    }

    /// Starts loading the gazetteer on its own thread, so that the first question that needs
    /// it waits less (or not at all); later calls of [`Resolver::gazetteer`] wait for it.
    pub fn preload(&self) {
        match &self.cache_dir {
            Some(dir) => polis_gazetteer::Gazetteer::preload_embedded(
                polis_gazetteer::IndexCache::in_dir(dir),
            ),
            None => {
                std::thread::spawn(|| polis_gazetteer::Gazetteer::embedded().is_ok());
            }
        }
    }

    /// Ranked candidates for a name from the embedded gazetteer, each with why it matched.
    pub fn candidates(
        &self,
        name: &str,
        country: Option<&str>,
        limit: usize,
    ) -> Result<Vec<polis_import::resolve::CandidateView>, AppError> {
        Ok(polis_import::resolve::candidate_views(
            self.gazetteer()?,
            name,
            country,
            limit,
        ))
    }

    /// Resolves every row of a CSV with a `name` column, an optional `country` column,
    /// optional `lat`/`lon` columns (`latitude`, `lng`, `longitude`) and an optional
    /// `population` column, as an import would.
    pub fn resolve_rows(
        &self,
        file_label: &str,
        bytes: &[u8],
    ) -> Result<Vec<CandidateRow>, AppError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|e| AppError::BadInput(format!("{file_label}: cannot read the header: {e}")))?
            .clone();
        // A byte-order mark before the first column's name is no part of it.
        let column_name = |h: &str| h.trim_start_matches('\u{feff}').trim().to_owned();
        let Some(name_column) = header.iter().position(|h| column_name(h) == "name") else {
            return Err(AppError::BadInput(format!(
                "{file_label}:1: no `name` column; the file needs a header with `name` and optionally `country`, found {:?}",
                header.iter().collect::<Vec<_>>()
            )));
        };
        let country_column = header.iter().position(|h| column_name(h) == "country");
        // Optional coordinates, answered as an import answers them.
        let column_of = |names: &[&str]| {
            header
                .iter()
                .position(|h| names.contains(&column_name(h).to_lowercase().as_str()))
        };
        let lat_column = column_of(&["lat", "latitude"]);
        let lon_column = column_of(&["lon", "lng", "long", "longitude"]);
        let population_column = column_of(&["population", "pop", "inhabitants"]);
        let mut lines = polis_import::formats::LineCounter::new(bytes);
        let mut rows = Vec::new();
        let mut coordinates = Vec::new();
        let mut signals = HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_of_record(p.byte()));
                    return Err(AppError::BadInput(format!(
                        "{file_label}:{line}: cannot read the row: {e}; the file must be UTF-8 CSV with a `name` column"
                    )));
                }
            };
            let line = record
                .position()
                .map_or(0, |p| lines.line_of_record(p.byte()));
            let name = record.get(name_column).unwrap_or("").trim().to_owned();
            let country = country_column
                .and_then(|c| record.get(c))
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
            let coordinate = |column: Option<usize>, range: f64, field: &str| {
                let text = column
                    .and_then(|c| record.get(c))
                    .map(str::trim)
                    .unwrap_or("");
                if text.is_empty() {
                    return Ok(None);
                }
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v.abs() <= range => Ok(Some(v)),
                    _ => Err(AppError::BadInput(format!(
                        "{file_label}:{line}: field `{field}` is {text:?}; expected a number of degrees from -{range} to {range}, or nothing"
                    ))),
                }
            };
            let lat = coordinate(lat_column, 90.0, "lat")?;
            let lon = coordinate(lon_column, 180.0, "lon")?;
            // Read as every import reads a count; zero says nothing.
            let population = polis_import::formats::optional_population(
                population_column.and_then(|c| record.get(c)).unwrap_or(""),
                "population",
            )
            .map_err(|e| {
                AppError::BadInput(format!(
                    "{file_label}:{line}: {e}; give a whole number of people, or nothing"
                ))
            })?
            .filter(|n| *n > 0);
            let answer = if name.is_empty() {
                polis_import::resolve::RowAnswer::default()
            } else {
                let (answer, signal) = polis_import::resolve::row_answer_and_signal(
                    self.gazetteer()?,
                    &name,
                    country.as_deref(),
                    polis_import::resolve::SourceHints {
                        coordinates: lat.zip(lon),
                        population,
                    },
                );
                // One signal per distinct name and country field, as an import counts them.
                if let Some(signal) = signal {
                    signals
                        .entry((name.clone(), country.clone()))
                        .or_insert(signal);
                }
                answer
            };
            coordinates.push(lat.zip(lon));
            rows.push(CandidateRow {
                line,
                name,
                country,
                resolved: answer.best.is_some(),
                best: answer.best,
                best_guess: answer.best_guess,
                source_distance_km: answer.source_distance_km,
                by_coordinates: answer.by_coordinates,
                far_from_source_coordinates: answer.far_from_source_coordinates,
                by_population: answer.by_population,
                population_disagrees: answer.population_disagrees,
            });
        }
        // The names a row alone leaves open, as the file's other rows decide them (the same
        // rule as an import's).
        let context = polis_import::resolve::FileContext::new(self.gazetteer()?, signals.values());
        if !context.is_empty() {
            for (row, near) in rows.iter_mut().zip(coordinates) {
                if row.resolved
                    || row.far_from_source_coordinates
                    || row.population_disagrees
                    || row.name.is_empty()
                {
                    continue;
                }
                if let Some(answer) = polis_import::resolve::row_answer_by_file(
                    self.gazetteer()?,
                    &row.name,
                    row.country.as_deref(),
                    near,
                    &context,
                ) {
                    row.resolved = true;
                    row.best = answer.best;
                    row.best_guess = None;
                    row.source_distance_km = answer.source_distance_km;
                }
            }
        }
        Ok(rows)
    }
}

impl App {
    /// Imports a file of a real source: every name resolved against the registry and the
    /// gazetteer, rows merged into ties with per-row evidence, the unknown names queued,
    /// all in one transaction (or nothing, with `dry_run`).
    pub async fn import(
        &self,
        request: ImportRequest,
        who: &str,
        progress: Progress<'_>,
    ) -> Result<ImportOutcome, AppError> {
        let started = Instant::now();
        // Loading the gazetteer takes longer than reading the file and the registry: start it
        // now, on its own thread; `gazetteer()` below waits for it.
        self.resolver().preload();
        if request.bytes.len() > MAX_IMPORT_BYTES {
            return Err(AppError::BadInput(format!(
                "{}: {} bytes; an import file holds at most {MAX_IMPORT_BYTES} bytes",
                request.file_label,
                request.bytes.len()
            )));
        }
        let format = request.format;
        let parsed = polis_import::parse(&format, &request.file_label, &request.bytes)?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            rows = parsed.n_rows,
            "parsed"
        );
        let store = self.store();
        let existing = store.load().await?;
        let decisions: HashMap<String, Decision> = store
            .decisions()
            .await?
            .into_iter()
            .map(|(key, d)| {
                let decision = match d {
                    NameDecision::Place(id) => Decision::Place(id),
                    NameDecision::Geonames(g) => Decision::Geonames(g),
                };
                (key, decision)
            })
            .collect();
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            records = existing.len(),
            "registry loaded"
        );
        let gazetteer = self.resolver().gazetteer()?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "gazetteer loaded"
        );
        let sha256 = polis_import::sha256_hex(&request.bytes);
        let total = parsed.rows.len() as u64 + parsed.memberships.len() as u64;
        let tick = |done: u64| progress(done, total);
        let input = ImportInput {
            format: format.name(),
            file: &request.file_name,
            sha256: &sha256,
            source_title: request
                .source_title
                .clone()
                .unwrap_or_else(|| format.default_source_title().to_owned()),
            source_url: request.source_url.clone(),
            observed: request.observed,
            gazetteer,
            existing: &existing,
            decisions: &decisions,
            progress: &tick,
        };
        let output = polis_import::build(&input, parsed);
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "resolved and merged"
        );
        let queue: Vec<QueuedName> = output
            .queue
            .iter()
            .map(|(key, u)| QueuedName {
                key: key.clone(),
                name: u.name.clone(),
                country: u.country.clone(),
                batch: output.report.batch.clone(),
                line: i64::try_from(u.line).unwrap_or(i64::MAX),
                occurrences: i64::try_from(u.occurrences).unwrap_or(i64::MAX),
                best_guess: u.best_guess.clone(),
            })
            .collect();
        let change = ChangeContext {
            who: who.to_owned(),
            context: format!("import {} {}", format.name(), request.file_name),
        };
        let stored = if request.dry_run {
            store.check(&output.records).await?
        } else {
            // The records, the queue of this batch and the run's record: one transaction.
            let run = polis_store::ImportRun {
                format: format.name().to_owned(),
                file: request.file_name.clone(),
                sha256: sha256.clone(),
                report: serde_json::to_value(&output.report).map_err(AppError::internal)?,
            };
            let stored = store
                .apply_import(
                    ImportWrite {
                        records: &output.records,
                        batch: &output.report.batch,
                        queue: &queue,
                        run: &run,
                    },
                    &change,
                )
                .await?;
            self.changed().await?;
            stored
        };
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "stored");
        let polis_import::ImportOutput {
            records, report, ..
        } = output;
        // An import of the whole world holds tens of thousands of records: free them on
        // another thread rather than make the caller wait for it.
        std::thread::spawn(move || drop((existing, records)));
        Ok(ImportOutcome {
            dry_run: request.dry_run,
            seconds: started.elapsed().as_secs_f64(),
            report,
            stored,
        })
    }

    /// Remembers what a name (with its country field) means, for every later import, and
    /// takes it off the unresolved queue. The provisional place an import kept for the name
    /// (the same spelling in the same country) is merged into the place decided on, which
    /// keeps the provisional place's spellings and its sources' coordinates; its id lives on
    /// as a redirect. Applied at once and audited, so it needs [`Permission::Decide`]
    /// (reviewers and above; the command line's local admin has it).
    pub async fn decide(
        &self,
        principal: &Principal,
        query: &NameQuery,
        decision: DecisionRequest,
    ) -> Result<Decided, AppError> {
        principal.check(Permission::Decide)?;
        let who = principal.user.as_str();
        let (name, country) = (query.name(), query.country());
        let gazetteer = self.resolver().gazetteer()?;
        let (decision, field) = match decision {
            DecisionRequest::Place(place) => (NameDecision::Place(place), "place"),
            DecisionRequest::Geonames(id) => (NameDecision::Geonames(id), "geonames"),
        };
        let Some((means, _)) = self.described(&decision).await? else {
            return Err(AppError::Invalid(match &decision {
                NameDecision::Place(place) => format!(
                    "`{field}`: no place has the id '{place}': give the id of a place of the registry (see `polis search` or /search)"
                ),
                NameDecision::Geonames(id) => format!(
                    "`{field}`: the gazetteer has no GeoNames id {id}: pick one of the candidates of '{name}' (`polis resolve`, /resolve)"
                ),
            }));
        };
        // Checked before anything is written: a decision whose merge would fail is refused.
        let provisional = self.provisional_merge(name, country, &decision).await?;
        // The decision is remembered under the name and country as given, under the
        // country's code (so `--country TR` and a source's "Turkey" meet), and under the key
        // of every queued spelling of the name in that country, which leaves the queue.
        let code = |field: Option<&str>| {
            field
                .and_then(|f| gazetteer.resolve_country(f))
                .map(|found| found.iso2)
        };
        let wanted_code = code(country);
        let folded = polis_core::text::fold(name);
        let mut keys = vec![polis_import::resolve::decision_key(name, country)];
        if let Some(iso2) = &wanted_code {
            keys.push(polis_import::resolve::decision_key(name, Some(iso2)));
        }
        for queued in self.unresolved(usize::MAX).await? {
            if polis_core::text::fold(queued.name.trim()) == folded
                && (code(queued.country.as_deref()) == wanted_code
                    || queued.country.as_deref() == country)
            {
                keys.push(queued.key);
            }
        }
        keys.sort();
        keys.dedup();
        for key in &keys {
            self.store()
                .record_decision(
                    key,
                    &decision,
                    &principal.change(format!("resolve '{name}'")),
                )
                .await?;
        }
        self.changed().await?;
        let merged = match provisional {
            Some((old, survivor)) => Some(self.merge_provisional(name, old, survivor, who).await?),
            None => None,
        };
        let place = match &merged {
            Some(merged) => Some(merged.into.clone()),
            None => self
                .described(&decision)
                .await?
                .and_then(|(_, place)| place),
        };
        let geonames = match &decision {
            NameDecision::Geonames(g) => Some(*g),
            NameDecision::Place(_) => None,
        };
        Ok(Decided {
            name: name.to_owned(),
            country: country.map(str::to_owned),
            geonames,
            place,
            means,
            keys,
            merged,
        })
    }

    /// What `query` (a name with its country field, exactly as given) is remembered to mean,
    /// if a decision was recorded for it: as [`App::decide`] answered, with the one key it
    /// is found under and no merge. The pages confirm a decision with it, so that what they
    /// say is what is stored.
    pub async fn remembered(&self, query: &NameQuery) -> Result<Option<Decided>, AppError> {
        let key = polis_import::resolve::decision_key(query.name(), query.country());
        let Some((_, decision)) = self
            .store()
            .decisions()
            .await?
            .into_iter()
            .find(|(k, _)| *k == key)
        else {
            return Ok(None);
        };
        let Some((means, place)) = self.described(&decision).await? else {
            return Ok(None);
        };
        Ok(Some(Decided {
            name: query.name().to_owned(),
            country: query.country().map(str::to_owned),
            geonames: match decision {
                NameDecision::Geonames(g) => Some(g),
                NameDecision::Place(_) => None,
            },
            place,
            means,
            keys: vec![key],
            merged: None,
        }))
    }

    /// The place a decision names, in words ("Springfield, Massachusetts, US"), and the id
    /// of the registry's place of it, if the registry has one; None when no place has the
    /// decision's id.
    async fn described(
        &self,
        decision: &NameDecision,
    ) -> Result<Option<(String, Option<String>)>, AppError> {
        let snapshot = self.snapshot().await?;
        Ok(match decision {
            NameDecision::Place(id) => snapshot.place_by_id(id).map(|found| {
                let means = match &found.country {
                    Some(country) => format!("{}, {country} ({})", found.name, found.id),
                    None => format!("{} ({})", found.name, found.id),
                };
                (means, Some(found.id.clone()))
            }),
            NameDecision::Geonames(id) => {
                self.resolver()
                    .gazetteer()?
                    .place_by_geonameid(*id)
                    .map(|found| {
                        let means = [
                            Some(found.name.as_str()),
                            found.admin1_name.as_deref().filter(|a| *a != found.name),
                            Some(found.country.as_str()),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ");
                        let place = snapshot
                            .places_by_geonames(&[u64::from(*id)])
                            .remove(&u64::from(*id));
                        (means, place)
                    })
            }
        })
    }

    /// The provisional place an import made for `name` in `country`, if any, and the place
    /// `decision` names, with what the sources said of the provisional place added (created
    /// from the gazetteer when the registry does not have it yet). Refuses when the two
    /// places are tied to each other: the merge would tie a place with itself.
    async fn provisional_merge(
        &self,
        name: &str,
        country: Option<&str>,
        decision: &NameDecision,
    ) -> Result<Option<(String, polis_core::Place)>, AppError> {
        let gazetteer = self.resolver().gazetteer()?;
        let key = polis_import::build::provisional_key(gazetteer, name, country);
        let snapshot = self.snapshot().await?;
        let data = snapshot.data();
        let Some(provisional) = data
            .places
            .iter()
            .find(|p| p.provisional && polis_import::build::provisional_key_of(p) == key)
        else {
            return Ok(None);
        };
        let mut survivor = match decision {
            NameDecision::Place(id) => snapshot
                .place_by_id(id)
                .cloned()
                .ok_or_else(|| AppError::BadInput(format!("no place has the id '{id}'")))?,
            NameDecision::Geonames(g) => {
                match data
                    .places
                    .iter()
                    .find(|p| !p.provisional && p.geonames == Some(u64::from(*g)))
                {
                    Some(place) => place.clone(),
                    None => {
                        let place = gazetteer.place_by_geonameid(*g).ok_or_else(|| {
                            AppError::BadInput(format!("the gazetteer has no GeoNames id {g}"))
                        })?;
                        let used: foldhash::HashSet<String> = data
                            .places
                            .iter()
                            .flat_map(|p| std::iter::once(&p.id).chain(&p.former_ids))
                            .cloned()
                            .collect();
                        polis_import::build::gazetteer_record(&place, &used)
                    }
                }
            }
        };
        if survivor.id == provisional.id {
            return Ok(None);
        }
        // What the sources said about the provisional place stays, each with its source.
        for text in
            std::iter::once(&provisional.name).chain(provisional.names.iter().map(|n| &n.text))
        {
            if !survivor.all_names().any(|n| n == text) {
                survivor.names.push(polis_core::Name {
                    text: text.clone(),
                    lang: provisional
                        .names
                        .iter()
                        .find(|n| &n.text == text)
                        .and_then(|n| n.lang.clone()),
                    sources: provisional.sources.clone(),
                });
            }
        }
        for c in &provisional.coordinates {
            if !survivor.coordinates.iter().any(|s| s.source == c.source) {
                survivor.coordinates.push(c.clone());
            }
        }
        for p in &provisional.population {
            if !survivor.population.iter().any(|s| s.source == p.source) {
                survivor.population.push(p.clone());
            }
        }
        if survivor.wikidata.is_none() {
            survivor.wikidata = provisional.wikidata.clone();
        }
        for source in &provisional.sources {
            if !survivor.sources.contains(source) {
                survivor.sources.push(source.clone());
            }
        }
        if let Some(tie) = data.ties.iter().find(|t| {
            (t.a == provisional.id && t.b == survivor.id)
                || (t.b == provisional.id && t.a == survivor.id)
        }) {
            return Err(AppError::BadInput(format!(
                "'{name}' cannot mean {} ({}): the provisional place {} kept for it is tied to that place (tie {}), and a place cannot be tied to itself; delete that tie first (`polis propose --delete tie {}`, then approve it) or choose another place",
                survivor.name, survivor.id, provisional.id, tie.id, tie.id
            )));
        }
        Ok(Some((provisional.id.clone(), survivor)))
    }

    /// Stores `survivor` with what it took from the provisional place `old`, and merges
    /// `old` into it.
    async fn merge_provisional(
        &self,
        name: &str,
        old: String,
        survivor: polis_core::Place,
        who: &str,
    ) -> Result<ProvisionalMerge, AppError> {
        let into = survivor.id.clone();
        let change = ChangeContext {
            who: who.to_owned(),
            context: format!(
                "resolve '{name}': the place {into} takes what the sources said of {old}"
            ),
        };
        self.store()
            .apply(
                &polis_core::Dataset {
                    places: vec![survivor],
                    ..polis_core::Dataset::default()
                },
                &change,
            )
            .await?;
        let report = self
            .merge(polis_store::RecordKind::Place, &old, &into, who)
            .await?;
        Ok(ProvisionalMerge {
            provisional: old,
            into,
            moved: report
                .moved
                .iter()
                .map(|(kind, n)| ((*kind).to_owned(), *n))
                .collect(),
            combined_ties: report.combined_ties,
        })
    }
}

/// What a decision about a name did: what is remembered now, in words and by id, and the
/// merge of the provisional place, if an import had made one. The answer of `polis resolve
/// --confirm-*`, `POST /api/v1/decisions` and the pages' "This is the place".
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decided {
    /// The name, as given (trimmed).
    #[cfg_attr(feature = "openapi", schema(example = "Springfield"))]
    pub name: String,
    /// The country field, as given; null: whatever country a source gives.
    #[cfg_attr(feature = "openapi", schema(example = "United States"))]
    pub country: Option<String>,
    /// The GeoNames id decided on; null when the decision names a registry place.
    #[cfg_attr(feature = "openapi", schema(example = 4951788))]
    pub geonames: Option<u32>,
    /// The registry's place the name means, by id: the one decided on, or the one with the
    /// GeoNames id decided on (null when the registry has none yet: the next import that
    /// names it creates it from the gazetteer).
    pub place: Option<String>,
    /// The place decided on, in words: "Springfield, Massachusetts, US".
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Springfield, Massachusetts, US")
    )]
    pub means: String,
    /// The keys the decision is remembered under (the name with the country as given, with
    /// its ISO code, and every queued spelling of it), as imports look them up.
    pub keys: Vec<String>,
    /// The provisional place merged into the place decided on; null when there was none.
    pub merged: Option<ProvisionalMerge>,
}

/// A provisional place merged into the place a person decided its name means.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionalMerge {
    /// The provisional place's id, now a redirect.
    pub provisional: String,
    /// The place it was merged into.
    pub into: String,
    /// How many records of each kind had a reference moved (`{"tie": 3}`).
    pub moved: std::collections::BTreeMap<String, u64>,
    /// Ties that became one with another tie of the same two places and kind, each as
    /// `removed-tie-id -> surviving-tie-id`.
    pub combined_ties: Vec<String>,
}

/// What a person decided a name means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionRequest {
    /// A place of the registry, by id.
    Place(String),
    /// A place of the gazetteer, by GeoNames id.
    Geonames(u32),
}

impl DecisionRequest {
    /// The decision a request names by its two fields, `geonames` and `place`: exactly one
    /// of them (a blank `place` counts as absent), or a refusal that names the fields.
    pub fn one_of(geonames: Option<u32>, place: Option<&str>) -> Result<Self, AppError> {
        let place = place.map(str::trim).filter(|p| !p.is_empty());
        match (geonames, place) {
            (Some(id), None) => Ok(DecisionRequest::Geonames(id)),
            (None, Some(place)) => Ok(DecisionRequest::Place(place.to_owned())),
            (Some(_), Some(_)) => Err(AppError::Invalid(
                "`geonames`, `place`: give one of them, not both: the GeoNames id of a place of the gazetteer, or the id of a place of the registry".to_owned(),
            )),
            (None, None) => Err(AppError::Invalid(
                "`geonames`, `place`: give one of them: the GeoNames id of a place of the gazetteer (a candidate of the name), or the id of a place of the registry".to_owned(),
            )),
        }
    }
}

/// One row of a file of names, with its best confident candidate.
#[derive(Debug, Serialize)]
pub struct CandidateRow {
    pub line: u64,
    pub name: String,
    pub country: Option<String>,
    pub resolved: bool,
    /// The best candidate, when it is confident.
    pub best: Option<polis_import::resolve::CandidateView>,
    /// The best candidate when it is not confident (an ambiguous name, a guess in a
    /// neighbouring country, a fuzzy spelling), for a person to review.
    pub best_guess: Option<polis_import::resolve::CandidateView>,
    /// With `lat`/`lon` columns: how far the answer (or guess) lies from the row's point.
    pub source_distance_km: Option<f64>,
    /// The row's coordinates chose the answer among places of the name.
    pub by_coordinates: bool,
    /// No place of the name lies within 30 km of the row's coordinates: the best match by
    /// name and country is a guess here (an import takes it, flagged with the distance).
    pub far_from_source_coordinates: bool,
    /// With a `population` column: the row's population chose the answer among the
    /// places of the name.
    pub by_population: bool,
    /// With a `population` column: the place the name and country point to has a
    /// population more than ten times off the row's, and no place of the name agrees; the
    /// guess is not confident.
    pub population_disagrees: bool,
}
