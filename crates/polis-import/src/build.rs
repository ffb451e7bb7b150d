//! Turning parsed rows into registry records: resolve both ends of every row, merge rows
//! that state the same tie, add a piece of evidence per row, and put it all in one
//! [`Dataset`] of records to store, with the report.

use std::collections::BTreeMap;

// Hashing keys is a good part of an import's work: a fast hash, as the keys come from files
// the user chose to import.
use foldhash::{HashMap, HashSet};

use polis_core::ids::{place_id, slug, tie_id};
use polis_core::text::fold;
use polis_core::{
    Batch, Coordinates, CountryClaim, Dataset, EventKind, Evidence, Membership, Name, Network,
    Place, Population, Source, Tie, TieEvent,
};
use polis_gazetteer::Gazetteer;

pub use crate::resolve::Decision;
use crate::resolve::{Outcome, Resolver, Target, place_level};
use crate::{Parsed, RawEnd, RawMembership, Unresolved, report::ImportReport};

/// The id of the source record for the embedded gazetteer.
pub const GAZETTEER_SOURCE: &str = "geonames-gazetteer";

/// What an import needs besides the parsed rows.
pub struct ImportInput<'a> {
    pub format: &'a str,
    /// The file's name as the user gave it (not a full path).
    pub file: &'a str,
    pub sha256: &'a str,
    pub source_title: String,
    pub source_url: Option<String>,
    /// When the source saw its ties as existing, recorded on each piece of evidence.
    pub observed: Option<polis_core::PartialDate>,
    pub gazetteer: &'a Gazetteer,
    /// Everything already in the registry.
    pub existing: &'a Dataset,
    /// Users' decisions about names, by [`crate::resolve::decision_key`].
    pub decisions: &'a std::collections::HashMap<String, Decision>,
    /// Called with the number of rows done, every 1,000 rows and at the end.
    pub progress: &'a (dyn Fn(u64) + Sync),
}

/// The records to store and the report.
pub struct ImportOutput {
    /// New and changed records only; the store lays them over what it has.
    pub records: Dataset,
    pub report: ImportReport,
    /// Names to put in the unresolved queue: (decision key, name, country field, line).
    pub queue: Vec<(String, Unresolved)>,
}

/// Where a plain end came to: a registry id, and its queue key when that is a provisional
/// place.
type PlainEnd = (String, Option<String>);

/// Places by (country, folded name), each with its id and coordinates.
type NameIndex = HashMap<(String, String), Vec<(String, Option<(f64, f64)>)>>;

struct Builder<'a> {
    input: &'a ImportInput<'a>,
    batch: String,
    existing_places: HashMap<&'a str, &'a Place>,
    by_geonames: HashMap<u64, String>,
    by_iso_code: HashMap<&'a str, &'a str>,
    /// Places by country and folded name, with coordinates: how a gazetteer place without a
    /// GeoNames id is recognised again.
    by_name: NameIndex,
    used_ids: HashSet<String>,
    /// Places created or changed by this import, by id.
    places: BTreeMap<String, Place>,
    ties: BTreeMap<String, Tie>,
    report: ImportReport,
    resolved_names: HashMap<(String, Option<String>), String>,
    unresolved_names: HashMap<String, Unresolved>,
    /// Provisional places by (country code or "", folded name): the same spelling in the
    /// same country is the same provisional place, in this file and across imports.
    provisional: HashMap<(String, String), String>,
    /// Places and the countries this file puts them in as claims, counted once each in the
    /// report.
    claimed: HashSet<(String, String)>,
}

impl<'a> Builder<'a> {
    /// The registry id for a resolution target, creating the place record if it is new.
    fn place_for(&mut self, target: &Target, end: &RawEnd, method: &str) -> String {
        let id = match target {
            Target::Registry(id) => id.clone(),
            Target::District { name, parent } => {
                let parent_id = self.gazetteer_place(parent);
                self.district(&parent_id, name)
            }
            Target::Gazetteer(place) => self.gazetteer_place(place),
            Target::Metropolitan { name, metropolitan } => self.metropolitan(name, metropolitan),
        };
        self.note_end(&id, end, method);
        self.note_claim(&id, target, end);
        id
    }

    /// Keeps the country the source gives a place in a contested territory as that source's
    /// claim, beside ISO 3166's (see [`polis_core::CountryClaim`]): a gazetteer place by the
    /// territory the gazetteer finds it in, a registry place when a claim is already recorded
    /// on it. Only ISO 3166's country or a claimant's counts: a field that names neither is
    /// not a claim about the territory.
    fn note_claim(&mut self, id: &str, target: &Target, end: &RawEnd) {
        let Some(field) = end.country.as_deref() else {
            return;
        };
        let (territory, countries): (String, Vec<String>) = match target {
            Target::Gazetteer(place) => {
                let Some(contested) = polis_gazetteer::contested_territory(place) else {
                    return;
                };
                (
                    contested.name.to_owned(),
                    std::iter::once(place.country.clone())
                        .chain(contested.claimants.iter().map(|c| (*c).to_owned()))
                        .collect(),
                )
            }
            Target::Registry(_) => {
                let Some(place) = self
                    .places
                    .get(id)
                    .or_else(|| self.existing_places.get(id).copied())
                else {
                    return;
                };
                let Some(first) = place.country_claims.first() else {
                    return;
                };
                (
                    first.territory.clone(),
                    place
                        .country
                        .iter()
                        .chain(place.country_claims.iter().map(|c| &c.country))
                        .cloned()
                        .collect(),
                )
            }
            Target::District { .. } | Target::Metropolitan { .. } => return,
        };
        let Some(stated) = self.input.gazetteer.resolve_country(field) else {
            return;
        };
        if !countries.contains(&stated.iso2) {
            return;
        }
        let source = self.batch.clone();
        // `note_end` has put the place among this import's records when it is stored.
        let Some(place) = self.places.get_mut(id) else {
            return;
        };
        let at = place
            .country_claims
            .binary_search_by(|c| c.country.cmp(&stated.iso2));
        let changed = match at {
            Ok(n) if place.country_claims[n].sources.contains(&source) => false,
            Ok(n) => {
                place.country_claims[n].sources.push(source.clone());
                true
            }
            Err(n) => {
                place.country_claims.insert(
                    n,
                    CountryClaim {
                        country: stated.iso2.clone(),
                        territory,
                        sources: vec![source.clone()],
                    },
                );
                true
            }
        };
        if self.claimed.insert((id.to_owned(), stated.iso2.clone())) {
            *self.report.country_claims.entry(stated.iso2).or_default() += 1;
        }
        if changed && !place.sources.contains(&source) {
            place.sources.push(source);
        }
    }

    /// A place this import makes of a name alone: its id, level, name and country, cited to
    /// the batch, nothing else known yet.
    fn bare(
        &self,
        id: &str,
        level: polis_core::PlaceLevel,
        name: &str,
        country: Option<String>,
    ) -> Place {
        Place {
            id: id.to_owned(),
            level,
            name: name.to_owned(),
            country,
            country_claims: Vec::new(),
            iso_code: None,
            parent: None,
            seat: None,
            wikidata: None,
            geonames: None,
            names: Vec::new(),
            coordinates: Vec::new(),
            population: Vec::new(),
            former_ids: Vec::new(),
            provisional: false,
            sources: vec![self.batch.clone()],
        }
    }

    /// Keeps a place this import created, counting it; returns its id.
    fn created(&mut self, place: Place) -> String {
        let id = place.id.clone();
        self.report.places_created += 1;
        self.places.insert(id.clone(), place);
        id
    }

    /// The district `name` inside the registry place `parent_id`, created when new. It has no
    /// coordinates of its own: the gazetteer does not list it.
    fn district(&mut self, parent_id: &str, name: &str) -> String {
        let id = format!("{parent_id}-{}", slug(name));
        if self.used_ids.contains(&id) {
            return id;
        }
        self.used_ids.insert(id.clone());
        let parent = self
            .places
            .get(parent_id)
            .or_else(|| self.existing_places.get(parent_id).copied());
        let country = parent.and_then(|p| p.country.clone());
        self.created(Place {
            parent: Some(parent_id.to_owned()),
            ..self.bare(&id, polis_core::PlaceLevel::District, name, country)
        })
    }

    /// The metropolitan government `name`, created when new: the country its row states,
    /// its core city as seat (itself created from the gazetteer when new), and no
    /// coordinates of its own but those its sources give; it is drawn at its seat until a
    /// source locates it.
    fn metropolitan(&mut self, name: &str, metropolitan: &polis_gazetteer::Metropolitan) -> String {
        let base = place_id(metropolitan.country.as_deref(), name);
        let mut id = base.clone();
        let mut n = 2;
        loop {
            let known = self
                .places
                .get(&id)
                .or_else(|| self.existing_places.get(id.as_str()).copied());
            match known {
                // The same name in the same country is the same government.
                Some(place) if place.level == polis_core::PlaceLevel::Metropolitan => return id,
                None if !self.used_ids.contains(&id) => break,
                // Another kind of place has the id: the government takes the next free one.
                _ => {
                    id = format!("{base}-{n}");
                    n += 1;
                }
            }
        }
        let seat = metropolitan
            .seat
            .as_ref()
            .map(|seat| self.gazetteer_place(seat));
        self.used_ids.insert(id.clone());
        self.created(Place {
            seat,
            ..self.bare(
                &id,
                polis_core::PlaceLevel::Metropolitan,
                name,
                metropolitan.country.clone(),
            )
        })
    }

    /// The registry id of a gazetteer place, creating the place when it is new.
    fn gazetteer_place(&mut self, place: &polis_gazetteer::Place) -> String {
        let by_geonames = place
            .geonameid
            .and_then(|g| self.by_geonames.get(&u64::from(g)).cloned());
        // Without a GeoNames id, a first-level unit is known by its ISO 3166-2 code, and
        // anything else by its country, folded name and position.
        let by_code = || {
            place
                .subdivision
                .as_deref()
                .filter(|_| {
                    place.geonameid.is_none() && place.level == polis_gazetteer::Level::Region
                })
                .and_then(|code| self.by_iso_code.get(code).map(|id| id.to_string()))
        };
        let known = by_geonames.or_else(by_code).or_else(|| {
            place
                .geonameid
                .is_none()
                .then(|| self.same_place_by_name(place))
                .flatten()
        });
        match known {
            Some(id) => id,
            None => self.new_place(place),
        }
    }

    /// An existing or new place with the same country, folded name and level, within 2 km.
    fn same_place_by_name(&self, g: &polis_gazetteer::Place) -> Option<String> {
        let key = (g.country.clone(), fold(&g.name));
        let here = g.lat.zip(g.lon);
        self.by_name
            .get(&key)?
            .iter()
            .find_map(|(id, at)| match (here, at) {
                (Some((la, lo)), Some((pla, plo))) => {
                    (polis_core::geo::haversine_km(la, lo, *pla, *plo) <= 2.0).then(|| id.clone())
                }
                (None, None) => Some(id.clone()),
                _ => None,
            })
    }

    fn new_place(&mut self, g: &polis_gazetteer::Place) -> String {
        let place = gazetteer_record(g, &self.used_ids);
        let id = place.id.clone();
        self.used_ids.insert(id.clone());
        if let Some(geonameid) = g.geonameid {
            self.by_geonames.insert(u64::from(geonameid), id.clone());
        }
        self.by_name
            .entry((g.country.clone(), fold(&g.name)))
            .or_default()
            .push((id.clone(), g.lat.zip(g.lon)));
        self.report.places_created += 1;
        self.places.insert(id.clone(), place);
        id
    }

    /// The provisional place for a name that did not resolve: the country its row gives,
    /// the spelling, and the source's coordinates where it has them; created when new.
    fn provisional_place(&mut self, end: &RawEnd, is_region: Option<bool>) -> String {
        let key = provisional_key(self.input.gazetteer, &end.name, end.country.as_deref());
        let country = Some(key.0.clone()).filter(|c| !c.is_empty());
        let name = end.name.trim();
        if let Some(id) = self.provisional.get(&key).cloned() {
            self.note_source(&id, end);
            return id;
        }
        let stem = if slug(name).is_empty() {
            place_id(country.as_deref(), "unnamed")
        } else {
            place_id(country.as_deref(), name)
        };
        let base = format!("{stem}-provisional");
        let mut id = base.clone();
        let mut n = 2;
        while self.used_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used_ids.insert(id.clone());
        self.provisional.insert(key, id.clone());
        let level = if is_region == Some(true) {
            polis_core::PlaceLevel::Region
        } else {
            polis_core::PlaceLevel::City
        };
        self.created(Place {
            provisional: true,
            ..self.bare(&id, level, name, country)
        });
        self.report.provisional_places_created += 1;
        self.note_source(&id, end);
        id
    }

    /// Records what the source says about a resolved place (see [`Builder::note_source`])
    /// and counts the name as resolved by `method`.
    fn note_end(&mut self, id: &str, end: &RawEnd, method: &str) {
        if !self.note_source(id, end) {
            return;
        }
        // Distinct names are counted as written (with their country field).
        if let std::collections::hash_map::Entry::Vacant(slot) = self
            .resolved_names
            .entry((end.name.clone(), end.country.clone()))
        {
            slot.insert(method.to_owned());
            *self
                .report
                .resolved_by_method
                .entry(method.to_owned())
                .or_default() += 1;
        }
    }

    /// Records what the source says about a place: its spelling, labels, Wikidata id,
    /// coordinates and population, each kept with the source. False when the place is
    /// neither new nor in the registry.
    fn note_source(&mut self, id: &str, end: &RawEnd) -> bool {
        let source = self.batch.clone();
        if !self.places.contains_key(id) {
            match self.existing_places.get(id) {
                Some(existing) => {
                    self.places.insert(id.to_owned(), (*existing).clone());
                }
                None => return false,
            }
        }
        let place = self.places.get_mut(id).expect("inserted above");
        let mut changed = false;
        let mut spellings: Vec<(Option<&str>, &str)> = vec![(None, end.name.as_str())];
        spellings.extend(
            end.labels
                .iter()
                .map(|(lang, text)| (Some(lang.as_str()).filter(|l| *l != "und"), text.as_str())),
        );
        for (lang, text) in spellings {
            let text = text.trim();
            if text.is_empty() || place.all_names().any(|n| n == text) {
                continue;
            }
            place.names.push(Name {
                text: text.to_owned(),
                lang: lang.map(str::to_owned),
                sources: vec![source.clone()],
            });
            changed = true;
        }
        if place.wikidata.is_none() && end.wikidata.is_some() {
            place.wikidata = end.wikidata.clone();
            changed = true;
        }
        if let (Some(lat), Some(lon)) = (end.lat, end.lon)
            && !place.coordinates.iter().any(|c| c.source == source)
        {
            place.coordinates.push(Coordinates {
                lat,
                lon,
                source: source.clone(),
            });
            changed = true;
        }
        if let Some(value) = end.population.filter(|p| *p > 0)
            && !place
                .population
                .iter()
                .any(|p| p.source == source && p.value == value)
        {
            place.population.push(Population {
                value,
                year: end.population_year,
                source: source.clone(),
            });
            changed = true;
        }
        if changed && !place.sources.contains(&source) {
            place.sources.push(source);
        }
        true
    }

    /// How far, in km to a tenth, the place `id` is shown from the coordinates the source
    /// gives `end`: the distance a reader judges the resolution by. None without the
    /// source's coordinates, for a provisional place (which is where its source puts it),
    /// and for a place drawn at this source's own point.
    fn source_distance_km(&self, id: &str, end: &RawEnd) -> Option<f64> {
        let (lat, lon) = end.lat.zip(end.lon)?;
        let place = self
            .places
            .get(id)
            .or_else(|| self.existing_places.get(id).copied())?;
        if place.provisional {
            return None;
        }
        let shown = place
            .shown_coordinates()
            .filter(|c| c.source != self.batch)?;
        let km = polis_core::geo::haversine_km(lat, lon, shown.lat, shown.lon);
        Some((km * 10.0).round() / 10.0)
    }

    /// Queues a name that did not resolve (or counts it again); returns its queue key.
    fn unresolved(&mut self, end: &RawEnd, line: u64, best_guess: Option<String>) -> String {
        let key = crate::resolve::decision_key(&end.name, end.country.as_deref());
        self.unresolved_names
            .entry(key.clone())
            .or_insert(Unresolved {
                name: end.name.clone(),
                country: end.country.clone(),
                line,
                occurrences: 0,
                best_guess,
            })
            .occurrences += 1;
        key
    }
}

/// Whether the row's other end (than `end`) resolves, near its own coordinates or by name
/// alone, to `target`.
fn other_end_is(
    resolver: &mut Resolver<'_>,
    row: &crate::RawRow,
    end: &RawEnd,
    target: &Target,
) -> bool {
    let other = if std::ptr::eq(end, &row.a) {
        &row.b
    } else {
        &row.a
    };
    match resolver.resolve(other, None) {
        Outcome::Resolved(resolution) => {
            !resolution.method.ends_with("+far_from_source_coordinates")
                && same_target(&resolution.target, target)
        }
        Outcome::Unresolved { .. } => false,
    }
}

/// Whether two answers are the same place.
fn same_target(a: &Target, b: &Target) -> bool {
    match (a, b) {
        (Target::Registry(x), Target::Registry(y)) => x == y,
        (Target::Gazetteer(x), Target::Gazetteer(y)) => {
            x.geonameid.is_some() && x.geonameid == y.geonameid
        }
        _ => false,
    }
}

/// The queue's best guess for an end that [`other_end_is`] made provisional.
fn namesake_guess(resolution: &crate::resolve::Resolution) -> String {
    let place = match &resolution.target {
        Target::Gazetteer(place) => format!(
            "{}{}, {}",
            place.name,
            place
                .admin1_name
                .as_deref()
                .map(|a| format!(", {a}"))
                .unwrap_or_default(),
            place.country
        ),
        Target::Registry(id) => id.clone(),
        _ => "the place of the name".to_owned(),
    };
    format!(
        "{place} ({:.2}, {:.0} km from the source's coordinates; the row's other end is that place, so this end is a namesake the gazetteer does not list)",
        resolution.confidence,
        resolution.source_distance_km.unwrap_or_default()
    )
}

/// Resolves, merges and assembles the records of one import.
pub fn build(input: &ImportInput, parsed: Parsed) -> ImportOutput {
    let batch = format!(
        "{}-{}",
        input.format,
        &input.sha256[..12.min(input.sha256.len())]
    );
    let mut b = Builder {
        input,
        batch: batch.clone(),
        existing_places: input
            .existing
            .places
            .iter()
            .map(|p| (p.id.as_str(), p))
            .collect(),
        by_geonames: input
            .existing
            .places
            .iter()
            .filter_map(|p| p.geonames.map(|g| (g, p.id.clone())))
            .collect(),
        by_iso_code: input
            .existing
            .places
            .iter()
            .filter_map(|p| p.iso_code.as_deref().map(|c| (c, p.id.as_str())))
            .collect(),
        by_name: {
            let mut by_name: NameIndex = HashMap::default();
            for p in input.existing.places.iter().filter(|p| !p.provisional) {
                if let Some(country) = &p.country {
                    by_name
                        .entry((country.clone(), fold(&p.name)))
                        .or_default()
                        .push((p.id.clone(), p.shown_coordinates().map(|c| (c.lat, c.lon))));
                }
            }
            by_name
        },
        used_ids: input
            .existing
            .places
            .iter()
            .flat_map(|p| std::iter::once(p.id.clone()).chain(p.former_ids.iter().cloned()))
            .collect(),
        places: BTreeMap::new(),
        ties: BTreeMap::new(),
        report: ImportReport {
            format: input.format.to_owned(),
            file: input.file.to_owned(),
            batch: batch.clone(),
            rows_read: parsed.n_rows,
            rejected: parsed.rejected.clone(),
            ..ImportReport::default()
        },
        resolved_names: HashMap::default(),
        unresolved_names: HashMap::default(),
        provisional: input
            .existing
            .places
            .iter()
            .filter(|p| p.provisional)
            .map(|p| (provisional_key_of(p), p.id.clone()))
            .collect(),
        claimed: HashSet::default(),
    };
    let mut resolver = Resolver::new(input.gazetteer, input.existing, input.decisions);
    let existing_ties: HashMap<&str, &Tie> = input
        .existing
        .ties
        .iter()
        .map(|t| (t.id.as_str(), t))
        .collect();
    let existing_by_pair: HashMap<(&str, &str, polis_core::TieKind), &Tie> = input
        .existing
        .ties
        .iter()
        .map(|t| ((t.a.as_str(), t.b.as_str(), t.kind), t))
        .collect();
    let mut touched: HashSet<String> = HashSet::default();

    resolver.prefill(
        parsed
            .rows
            .iter()
            .flat_map(|row| [(&row.a, None), (&row.b, None)]),
    );
    // The registry id each plain end (a name and a country field, nothing else) came to,
    // with its key in the unresolved queue when that id is a provisional place, so that a
    // name listed on many rows is resolved and noted once: noting the same end again changes
    // nothing but the queue's count.
    let mut plain_ends: HashMap<(&str, Option<&str>), PlainEnd> = HashMap::default();
    for (n, row) in parsed.rows.iter().enumerate() {
        if n % 1000 == 0 {
            (input.progress)(n as u64);
        }
        let mut ids = Vec::with_capacity(2);
        let mut provisional_end = false;
        for end in [&row.a, &row.b] {
            let plain = end.is_plain();
            if plain
                && let Some((id, queued)) =
                    plain_ends.get(&(end.name.as_str(), end.country.as_deref()))
            {
                if let Some(key) = queued {
                    provisional_end = true;
                    if let Some(queued) = b.unresolved_names.get_mut(key) {
                        queued.occurrences += 1;
                    }
                }
                ids.push(id.clone());
                continue;
            }
            let outcome = match resolver.resolve(end, None) {
                // A name taken by name and country although its coordinates lie far from
                // the place, which the row's other end is, names a namesake the gazetteer
                // lacks ("Felsberg" in the Saarland twinned with Felsberg in Hesse): it
                // waits as a provisional place, so the tie is kept, not refused as one
                // place tied to itself.
                Outcome::Resolved(resolution)
                    if resolution.method.ends_with("+far_from_source_coordinates")
                        && other_end_is(&mut resolver, row, end, &resolution.target) =>
                {
                    Outcome::Unresolved {
                        best_guess: Some(namesake_guess(&resolution)),
                    }
                }
                outcome => outcome,
            };
            let (id, queued) = match outcome {
                Outcome::Resolved(resolution) => (
                    b.place_for(&resolution.target, end, &resolution.method),
                    None,
                ),
                // Not guessed, not dropped: the name waits in the queue, and its ties are
                // kept through a provisional place.
                Outcome::Unresolved { best_guess } => {
                    let key = b.unresolved(end, row.line, best_guess);
                    provisional_end = true;
                    (b.provisional_place(end, None), Some(key))
                }
            };
            if plain {
                plain_ends.insert(
                    (end.name.as_str(), end.country.as_deref()),
                    (id.clone(), queued),
                );
            }
            ids.push(id);
        }
        if provisional_end {
            b.report.rows_unresolved += 1;
        }
        let [a, other] = ids.as_slice() else {
            continue;
        };
        if a == other {
            b.report.rejected.push(crate::Rejected {
                line: row.line,
                reason: format!(
                    "'{}' and '{}' both resolve to the place {a}: a tie joins two different places",
                    row.a.name, row.b.name
                ),
            });
            continue;
        }
        let (first, second) = polis_core::ids::canonical_pair(a, other);
        // A tie keeps its id when one of its places is merged into another (a provisional
        // place confirmed as a real one), so the registry's tie for this pair may have
        // another id than the pair would give it today.
        let id = {
            let id = tie_id(a, other);
            if existing_ties.contains_key(id.as_str()) {
                id
            } else {
                existing_by_pair
                    .get(&(first, second, row.kind))
                    .map_or(id, |t| t.id.clone())
            }
        };
        let evidence = Evidence {
            source: batch.clone(),
            batch: Some(batch.clone()),
            listed_by: row.listed_by_a.then(|| a.clone()),
            as_written: [&row.a, &row.b]
                .iter()
                .map(|e| match &e.country {
                    Some(c) => format!("{} ({c})", e.name),
                    None => e.name.clone(),
                })
                .collect(),
            line: Some(row.line),
            observed: input.observed,
            source_distance_km: [&row.a, &row.b]
                .into_iter()
                .zip([a, other])
                .filter_map(|(end, id)| Some((id.clone(), b.source_distance_km(id, end)?)))
                .collect(),
        };
        let events: Vec<TieEvent> = {
            let mut events: Vec<TieEvent> = row
                .events
                .iter()
                .map(|(kind, date)| TieEvent {
                    kind: *kind,
                    date: Some(*date),
                    side: None,
                    actor: None,
                    reason: None,
                    document: None,
                    sources: vec![batch.clone()],
                    disputed_by: Vec::new(),
                })
                .collect();
            // A termination without a signing gets an undated signing, so the lifecycle can
            // happen.
            if events
                .first()
                .is_some_and(|e| e.kind == EventKind::Terminated)
            {
                events.insert(
                    0,
                    TieEvent {
                        kind: EventKind::Signed,
                        date: None,
                        side: None,
                        actor: None,
                        reason: None,
                        document: None,
                        sources: vec![batch.clone()],
                        disputed_by: Vec::new(),
                    },
                );
            }
            events
        };
        let is_new_in_file = !b.ties.contains_key(&id);
        let tie =
            b.ties
                .entry(id.clone())
                .or_insert_with(|| match existing_ties.get(id.as_str()) {
                    Some(existing) => (*existing).clone(),
                    None => Tie {
                        id: id.clone(),
                        a: first.to_owned(),
                        b: second.to_owned(),
                        kind: row.kind,
                        themes: Vec::new(),
                        motives: Vec::new(),
                        network: None,
                        documents: Vec::new(),
                        note: None,
                        events: Vec::new(),
                        evidence: Vec::new(),
                        sources: Vec::new(),
                    },
                });
        if tie
            .evidence
            .iter()
            .any(|e| e.batch.as_deref() == Some(batch.as_str()) && e.line == Some(row.line))
        {
            b.report.rows_already_imported += 1;
            continue;
        }
        if is_new_in_file {
            if existing_ties.contains_key(id.as_str()) {
                b.report.ties_merged_with_registry += 1;
            } else {
                b.report.ties_created += 1;
            }
        } else {
            b.report.rows_merged_within_file += 1;
        }
        tie.evidence.push(evidence);
        if tie.events.is_empty() {
            tie.events = events;
        }
        touched.insert(id);
    }

    (input.progress)(parsed.rows.len() as u64);
    let mut networks: BTreeMap<String, Network> = BTreeMap::new();
    let mut memberships: BTreeMap<String, Membership> = BTreeMap::new();
    build_memberships(
        &mut b,
        &mut resolver,
        &parsed.memberships,
        &mut networks,
        &mut memberships,
    );

    b.report.ties_one_sided = touched
        .iter()
        .filter(|id| b.ties.get(*id).is_some_and(|t| t.is_one_sided()))
        .count() as u64;
    b.report.names_resolved = b.resolved_names.len() as u64;
    b.report.names_unresolved = b.unresolved_names.len() as u64;
    let mut queue: Vec<(String, Unresolved)> = b.unresolved_names.into_iter().collect();
    queue.sort_by(|x, y| x.1.line.cmp(&y.1.line).then(x.0.cmp(&y.0)));
    b.report.unresolved = queue.iter().map(|(_, u)| u.clone()).collect();
    b.report.rejected.sort_by_key(|r| r.line);

    let source = Source {
        id: batch.clone(),
        title: format!("{} (file {})", input.source_title, input.file),
        publisher: None,
        author: None,
        url: input.source_url.clone(),
        published: None,
        accessed: None,
        outside_deck: false,
        note: Some(format!(
            "Imported by polis with the {} importer",
            input.format
        )),
    };
    let gazetteer_source = Source {
        id: GAZETTEER_SOURCE.into(),
        title: "GeoNames gazetteer, as embedded in polis".into(),
        publisher: Some("GeoNames".into()),
        author: None,
        url: None,
        published: None,
        accessed: None,
        outside_deck: true,
        note: Some(
            "CC BY 4.0. Place names, coordinates and populations of resolved places.".into(),
        ),
    };
    let records = Dataset {
        sources: vec![gazetteer_source, source],
        batches: vec![Batch {
            id: batch.clone(),
            format: input.format.to_owned(),
            file: input.file.to_owned(),
            sha256: input.sha256.to_owned(),
            source: batch.clone(),
            rows: parsed.n_rows,
        }],
        places: b.places.into_values().collect(),
        ties: b.ties.into_values().collect(),
        networks: networks.into_values().collect(),
        memberships: memberships.into_values().collect(),
        ..Dataset::default()
    };
    ImportOutput {
        records,
        report: b.report,
        queue,
    }
}

/// The registry record of a gazetteer place, with an id none of `used_ids` has: the
/// country and name, then the first-level unit, then the GeoNames id tell homonyms apart.
pub fn gazetteer_record(g: &polis_gazetteer::Place, used_ids: &HashSet<String>) -> Place {
    let base = place_id(Some(&g.country), &g.name);
    let mut id = base.clone();
    if used_ids.contains(&id) {
        id = match &g.admin1_name {
            Some(admin) => format!("{base}-{}", slug(admin)),
            None => base.clone(),
        };
    }
    if used_ids.contains(&id) {
        id = format!(
            "{base}-{}",
            g.geonameid.map_or_else(
                || slug(g.subdivision.as_deref().unwrap_or("x")),
                |n| n.to_string()
            )
        );
    }
    let level = place_level(g.level);
    Place {
        id,
        level,
        name: g.name.clone(),
        country: Some(g.country.clone()),
        country_claims: Vec::new(),
        // Only a first-level unit is its subdivision; a county merely lies in one.
        iso_code: if g.level == polis_gazetteer::Level::Region {
            g.subdivision.clone()
        } else {
            None
        },
        parent: None,
        seat: None,
        wikidata: None,
        geonames: g.geonameid.map(u64::from),
        names: Vec::new(),
        coordinates: g
            .lat
            .zip(g.lon)
            .map(|(lat, lon)| Coordinates {
                lat,
                lon,
                source: GAZETTEER_SOURCE.into(),
            })
            .into_iter()
            .collect(),
        population: g
            .population
            .filter(|p| *p > 0)
            .map(|value| Population {
                value,
                year: None,
                source: GAZETTEER_SOURCE.into(),
            })
            .into_iter()
            .collect(),
        former_ids: Vec::new(),
        provisional: false,
        sources: vec![GAZETTEER_SOURCE.into()],
    }
}

/// What tells provisional places apart: the country code the country field resolves to
/// ("" when it has none or it does not resolve) and the folded name. The same spelling in
/// the same country is the same provisional place.
pub fn provisional_key(
    gazetteer: &Gazetteer,
    name: &str,
    country_field: Option<&str>,
) -> (String, String) {
    let country = country_field
        .and_then(|field| gazetteer.resolve_country(field))
        .map(|found| found.iso2)
        .unwrap_or_default();
    (country, fold(name.trim()))
}

/// The key of a provisional place already stored, as [`provisional_key`] gives it.
pub fn provisional_key_of(place: &Place) -> (String, String) {
    (
        place.country.clone().unwrap_or_default(),
        fold(place.name.trim()),
    )
}

/// The key a network tag is matched on: folded, without spaces, and without a trailing year
/// or version ("C40Cities2022" and "C40Cities" are the same tag).
pub fn tag_key(tag: &str) -> String {
    let folded: String = fold(tag).chars().filter(|c| c.is_alphanumeric()).collect();
    folded
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_owned()
}

/// Tags that name a network under another word than its own tags and names.
const TAG_ALIASES: &[(&str, &str)] = &[
    ("carbonn", "iclei"),
    ("carbonniclei", "iclei"),
    ("c40", "c40"),
    ("c40cities", "c40"),
    ("gcom", "gcom"),
    ("globalcovenantofmayors", "gcom"),
    ("gcomeuropeancommission", "gcom"),
    ("gcomharmonized", "gcom"),
    ("gcomcdp", "gcom"),
];

fn build_memberships(
    b: &mut Builder,
    resolver: &mut Resolver,
    rows: &[RawMembership],
    networks: &mut BTreeMap<String, Network>,
    memberships: &mut BTreeMap<String, Membership>,
) {
    if rows.is_empty() {
        return;
    }
    let mut by_tag: HashMap<String, String> = HashMap::default();
    for network in &b.input.existing.networks {
        for text in network
            .tags
            .iter()
            .chain(std::iter::once(&network.name))
            .chain(network.names.iter().map(|n| &n.text))
        {
            by_tag
                .entry(tag_key(text))
                .or_insert_with(|| network.id.clone());
        }
    }
    let known: HashSet<&str> = b
        .input
        .existing
        .networks
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    for (alias, id) in TAG_ALIASES {
        if known.contains(id) {
            by_tag
                .entry((*alias).to_owned())
                .or_insert_with(|| (*id).to_owned());
        }
    }
    let existing_memberships: HashSet<String> = b
        .input
        .existing
        .memberships
        .iter()
        .map(Membership::key)
        .collect();
    resolver.prefill(rows.iter().map(|row| (&row.member, row.is_region)));
    for row in rows {
        let id = match resolver.resolve(&row.member, row.is_region) {
            Outcome::Resolved(resolution) => {
                b.place_for(&resolution.target, &row.member, &resolution.method)
            }
            Outcome::Unresolved { best_guess } => {
                b.unresolved(&row.member, row.line, best_guess);
                b.report.rows_unresolved += 1;
                b.provisional_place(&row.member, row.is_region)
            }
        };
        for tag in &row.tags {
            let key = tag_key(tag);
            if key.is_empty() {
                continue;
            }
            let network_id = match by_tag.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let id = slug(&key);
                    let name = tag
                        .trim()
                        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
                        .trim()
                        .to_owned();
                    networks.entry(id.clone()).or_insert_with(|| {
                        b.report.networks_created.push(id.clone());
                        Network {
                            id: id.clone(),
                            name,
                            names: Vec::new(),
                            founded: None,
                            themes: Vec::new(),
                            tags: vec![tag.trim().to_owned()],
                            note: None,
                            sources: vec![b.batch.clone()],
                        }
                    });
                    by_tag.insert(key.clone(), id.clone());
                    id
                }
            };
            *b.report.network_tags.entry(network_id.clone()).or_default() += 1;
            let membership = Membership {
                network: network_id,
                member: id.clone(),
                role: None,
                start: None,
                end: None,
                batch: Some(b.batch.clone()),
                sources: vec![b.batch.clone()],
            };
            let key = membership.key();
            if existing_memberships.contains(&key) || memberships.contains_key(&key) {
                continue;
            }
            b.report.memberships_created += 1;
            memberships.insert(key, membership);
        }
    }
}
