//! Fuzzy name lookup within one country: a trigram index over the country's folded Latin
//! names, built on first use, with Levenshtein distance checked on the few keys that share
//! enough trigrams (the q-gram lemma: d edits destroy at most 3·d trigrams).

use std::collections::HashSet;

use polis_core::text::fold_into;

use crate::data::{Tables, key_hash};

/// A folded key that matched within the allowed distance.
#[derive(Debug, Clone)]
pub(crate) struct FuzzyHit {
    pub entity: u32,
    /// Soft-edit cost (0.5 per edit), see [`transliteration_cost`].
    pub cost: f32,
    pub distance: usize,
    pub key: String,
}

pub(crate) struct FuzzyIndex {
    keys: Vec<String>,
    entities: Vec<u32>,
    /// Distinct trigrams, sorted, with where their postings start in `postings`.
    trigrams: Vec<u32>,
    starts: Vec<u32>,
    postings: Vec<u32>,
}

std::thread_local! {
    /// Per-key trigram counts for one search, reused across searches.
    static COUNTS: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn trigrams(key: &str) -> impl Iterator<Item = u32> + '_ {
    let bytes = key.as_bytes();
    let padded_len = bytes.len() + 2;
    let at = move |i: usize| -> u32 {
        if i == 0 || i == padded_len - 1 {
            u32::from(b'$')
        } else {
            u32::from(bytes[i - 1])
        }
    };
    (0..padded_len.saturating_sub(2)).map(move |i| (at(i) << 16) | (at(i + 1) << 8) | at(i + 2))
}

/// The edit distance allowed for a key of this many bytes.
pub(crate) fn max_distance(len: usize) -> usize {
    // Two soft edits at most (see `transliteration_cost`); short names get none.
    if len <= 5 { 0 } else { 2 }
}

impl FuzzyIndex {
    /// Indexes the folded ASCII names of the places and regions of one country.
    pub(crate) fn build(tables: &Tables, country: [u8; 2]) -> FuzzyIndex {
        let mut keys = Vec::new();
        let mut entities = Vec::new();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut seen: HashSet<(u64, u32)> = HashSet::new();
        let mut buffer = String::new();
        let mut add = |name: &str, entity: u32| {
            fold_into(name, &mut buffer);
            if buffer.len() < 6 || !buffer.is_ascii() || !seen.insert((key_hash(&buffer), entity)) {
                return;
            }
            let id = keys.len() as u32;
            pairs.extend(trigrams(&buffer).map(|trigram| (trigram, id)));
            keys.push(buffer.clone());
            entities.push(entity);
        };
        let places = &tables.places;
        for i in 0..places.name.len() {
            if places.country[i] != country {
                continue;
            }
            add(places.name[i].get(&tables.text), i as u32);
            let alternates = places.alternate_names[i].get(&tables.text);
            if !alternates.is_empty() {
                for alt in alternates.split('|') {
                    add(alt, i as u32);
                }
            }
        }
        let offset = places.name.len() as u32;
        for (i, region) in tables.regions.iter().enumerate() {
            if region.country.as_bytes() != country {
                continue;
            }
            add(&region.name, offset + i as u32);
            for variant in region.variants(&tables.text) {
                add(variant, offset + i as u32);
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut trigram_list = Vec::new();
        let mut starts = Vec::new();
        let mut postings = Vec::with_capacity(pairs.len());
        for (trigram, id) in pairs {
            if trigram_list.last() != Some(&trigram) {
                trigram_list.push(trigram);
                starts.push(postings.len() as u32);
            }
            postings.push(id);
        }
        starts.push(postings.len() as u32);
        FuzzyIndex {
            keys,
            entities,
            trigrams: trigram_list,
            starts,
            postings,
        }
    }

    fn posting(&self, trigram: u32) -> &[u32] {
        match self.trigrams.binary_search(&trigram) {
            Ok(i) => &self.postings[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }

    /// Keys within [`max_distance`] of `folded`, nearest first.
    pub(crate) fn search(&self, folded: &str) -> Vec<FuzzyHit> {
        let allowed = max_distance(folded.len());
        if allowed == 0 || !folded.is_ascii() {
            return Vec::new();
        }
        let mut query: Vec<u32> = trigrams(folded).collect();
        query.sort_unstable();
        query.dedup();
        let needed = query.len().saturating_sub(3 * allowed).max(1);
        let mut hits = Vec::new();
        COUNTS.with(|counts| {
            let mut counts = counts.borrow_mut();
            // Counts stay zero between searches: only the touched ones are reset below.
            if counts.len() < self.keys.len() {
                counts.resize(self.keys.len(), 0);
            }
            let mut touched = Vec::new();
            for &trigram in &query {
                for &id in self.posting(trigram) {
                    let count = &mut counts[id as usize];
                    if *count == 0 {
                        touched.push(id);
                    }
                    *count = count.saturating_add(1);
                }
            }
            for id in touched {
                let count = std::mem::take(&mut counts[id as usize]);
                let key = &self.keys[id as usize];
                if usize::from(count) < needed || key.len().abs_diff(folded.len()) > allowed {
                    continue;
                }
                if let Some(cost) = transliteration_cost(folded, key) {
                    let distance = strsim::levenshtein(folded, key);
                    hits.push(FuzzyHit {
                        entity: self.entities[id as usize],
                        distance,
                        cost,
                        key: key.clone(),
                    });
                }
            }
        });
        hits.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.entity.cmp(&b.entity)));
        hits
    }
}

/// Letters whose exchange, insertion or loss is a spelling variant rather than another
/// name: vowels and the letters transliterations disagree on (Svietlahorsk / Svyetlahorsk,
/// Tiachiv / Tyachiv).
const SOFT: &[u8] = b"aeiouyjhw ";

fn soft_pair(a: u8, b: u8) -> bool {
    (SOFT.contains(&a) && SOFT.contains(&b))
        || matches!(
            (a, b),
            (b'c', b'k') | (b'k', b'c') | (b's', b'z') | (b'z', b's') | (b'v', b'w') | (b'w', b'v')
        )
}

/// The cost of turning `a` into `b` when only soft edits (0.5 each) are allowed, or `None`
/// if it needs another edit or costs more than 1 (two soft edits). Consonant changes
/// (Weinstadt / Reinstädt, Ditton / Dinton) make another place, so they are not fuzzy matches.
pub(crate) fn transliteration_cost(a: &str, b: &str) -> Option<f32> {
    const HARD: f32 = 100.0;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<f32> = (0..=b.len())
        .map(|j| {
            b[..j]
                .iter()
                .map(|c| if SOFT.contains(c) { 0.5 } else { HARD })
                .sum()
        })
        .collect();
    let mut current = vec![0.0f32; b.len() + 1];
    for i in 1..=a.len() {
        let delete = if SOFT.contains(&a[i - 1]) { 0.5 } else { HARD };
        current[0] = previous[0] + delete;
        for j in 1..=b.len() {
            let insert = if SOFT.contains(&b[j - 1]) { 0.5 } else { HARD };
            let substitute = if a[i - 1] == b[j - 1] {
                0.0
            } else if soft_pair(a[i - 1], b[j - 1]) {
                0.5
            } else {
                HARD
            };
            current[j] = (previous[j - 1] + substitute)
                .min(previous[j] + delete)
                .min(current[j - 1] + insert);
        }
        // Costs only grow down the table: once a whole row is over budget, nothing is left.
        if current.iter().all(|&c| c > 1.0) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let cost = previous[b.len()];
    (cost > 0.0 && cost <= 1.0).then_some(cost)
}
