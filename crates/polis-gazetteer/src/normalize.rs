//! Qualifier stripping that keeps the administrative level a qualifier names, and the script
//! of a name for explanations. Folding itself is `polis_core::text::fold`, shared with the
//! importer, the store and the analyses.

use polis_core::text::{fold, is_cjk};

use crate::Level;

/// What a qualifier in a name says about the kind of place it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LevelHint {
    /// "(rural gmina)": a Polish rural commune, named after its seat village or town.
    RuralGmina,
    /// "(urban gmina)": a Polish town that is a commune of its own.
    UrbanGmina,
    /// "(urban-rural gmina)": a Polish town with its surrounding villages.
    UrbanRuralGmina,
    /// "Gmina X" or "(gmina)".
    Gmina,
    /// "Municipality", "Municipality of X".
    Municipality,
    /// "District": a second-level unit (Japanese gun, Russian raion, German Kreis).
    District,
    /// "County": a second-level unit, or first-level in Ireland, Norway, Sweden and others.
    County,
    /// "Raion" / "Rayon".
    Raion,
    /// "Department" / "Département".
    Department,
    /// "Borough".
    Borough,
    /// "Canton".
    Canton,
    /// "Province".
    Province,
    /// "Prefecture".
    Prefecture,
    /// "Oblast".
    Oblast,
    /// "Krai".
    Krai,
    /// "Region".
    Region,
    /// "State".
    State,
    /// "Voivodeship".
    Voivodeship,
    /// "Governorate".
    Governorate,
    /// "City", "City of X".
    City,
    /// "Town", "Town of X".
    Town,
    /// "Village".
    Village,
    /// "(country)", as in "Georgia (country)".
    Country,
}

impl LevelHint {
    /// The gazetteer level this hint points to.
    pub fn level(self) -> Level {
        match self {
            LevelHint::RuralGmina
            | LevelHint::UrbanRuralGmina
            | LevelHint::Gmina
            | LevelHint::Municipality => Level::Municipality,
            LevelHint::District
            | LevelHint::County
            | LevelHint::Raion
            | LevelHint::Department
            | LevelHint::Borough
            | LevelHint::Canton => Level::County,
            LevelHint::Province
            | LevelHint::Prefecture
            | LevelHint::Oblast
            | LevelHint::Krai
            | LevelHint::Region
            | LevelHint::State
            | LevelHint::Voivodeship
            | LevelHint::Governorate => Level::Region,
            LevelHint::UrbanGmina | LevelHint::City | LevelHint::Town | LevelHint::Village => {
                Level::City
            }
            LevelHint::Country => Level::Country,
        }
    }

    /// Whether the hint names an administrative unit rather than a settlement.
    pub fn is_admin_unit(self) -> bool {
        matches!(self.level(), Level::County | Level::Region)
    }
}

/// A name with its qualifiers taken off and what they said kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualified {
    /// The name without qualifiers, in its original spelling, trimmed.
    pub name: String,
    /// The level a qualifier names, if any ("Zhejiang Province" → [`LevelHint::Province`]).
    pub level_hint: Option<LevelHint>,
    /// Parenthesised text that is not a level word: "Wales" in "Newport (Wales)", "Soure" in
    /// "Samuel (Soure)". It may name a country, a region or a parent place.
    pub disambiguator: Option<String>,
    /// The removed text, in order, for explanations ("rural gmina", "Province").
    pub removed: Vec<String>,
}

/// Level words that may stand in parentheses, lower case, longest first.
const PAREN_LEVELS: &[(&str, LevelHint)] = &[
    ("urban-rural gmina", LevelHint::UrbanRuralGmina),
    ("urban rural gmina", LevelHint::UrbanRuralGmina),
    ("rural gmina", LevelHint::RuralGmina),
    ("urban gmina", LevelHint::UrbanGmina),
    ("gmina", LevelHint::Gmina),
    ("municipality", LevelHint::Municipality),
    ("district", LevelHint::District),
    ("county", LevelHint::County),
    ("raion", LevelHint::Raion),
    ("rayon", LevelHint::Raion),
    ("department", LevelHint::Department),
    ("borough", LevelHint::Borough),
    ("canton", LevelHint::Canton),
    ("province", LevelHint::Province),
    ("prefecture", LevelHint::Prefecture),
    ("oblast", LevelHint::Oblast),
    ("krai", LevelHint::Krai),
    ("region", LevelHint::Region),
    ("state", LevelHint::State),
    ("voivodeship", LevelHint::Voivodeship),
    ("governorate", LevelHint::Governorate),
    ("city", LevelHint::City),
    ("town", LevelHint::Town),
    ("village", LevelHint::Village),
    ("country", LevelHint::Country),
];

/// Level words that may end a name ("Chesterfield County"), as folded word sequences.
const SUFFIX_LEVELS: &[(&str, LevelHint)] = &[
    ("district municipality", LevelHint::Municipality),
    ("rural municipality", LevelHint::Municipality),
    ("urban municipality", LevelHint::Municipality),
    ("municipality", LevelHint::Municipality),
    ("regional council", LevelHint::Municipality),
    ("local council", LevelHint::Municipality),
    ("municipal district", LevelHint::District),
    ("district", LevelHint::District),
    ("partido", LevelHint::District),
    ("county", LevelHint::County),
    ("raion", LevelHint::Raion),
    ("rayon", LevelHint::Raion),
    ("department", LevelHint::Department),
    ("borough", LevelHint::Borough),
    ("canton", LevelHint::Canton),
    ("province", LevelHint::Province),
    ("prefecture", LevelHint::Prefecture),
    ("oblast", LevelHint::Oblast),
    ("krai", LevelHint::Krai),
    ("kray", LevelHint::Krai),
    ("region", LevelHint::Region),
    ("state", LevelHint::State),
    ("voivodeship", LevelHint::Voivodeship),
    ("governorate", LevelHint::Governorate),
    ("city", LevelHint::City),
    ("town", LevelHint::Town),
    ("village", LevelHint::Village),
];

/// Level words that may begin a name ("County Kilkenny", "City of Westminster"), longer ones
/// before their prefixes.
const PREFIX_LEVELS: &[(&str, LevelHint)] = &[
    ("county of", LevelHint::County),
    ("county", LevelHint::County),
    ("gmina", LevelHint::Gmina),
    ("city of", LevelHint::City),
    ("town of", LevelHint::Town),
    ("municipality of", LevelHint::Municipality),
    ("borough of", LevelHint::Borough),
    ("district of", LevelHint::District),
    ("province of", LevelHint::Province),
    ("canton of", LevelHint::Canton),
    ("state of", LevelHint::State),
    ("department of", LevelHint::Department),
    ("prefecture of", LevelHint::Prefecture),
    ("region of", LevelHint::Region),
    // Designators of GeoNames second-level units in their own languages: "Partido de
    // Almirante Brown", "Departamento de Almirante Brown", "Bashkia Dropull", "Dimos Athens".
    ("partido de", LevelHint::District),
    ("partido del", LevelHint::District),
    ("departamento de", LevelHint::Department),
    ("departamento del", LevelHint::Department),
    ("provincia de", LevelHint::Province),
    ("provincia di", LevelHint::Province),
    ("bashkia e", LevelHint::Municipality),
    ("bashkia", LevelHint::Municipality),
    ("dimos", LevelHint::Municipality),
    ("obshtina", LevelHint::Municipality),
    ("municipio de", LevelHint::Municipality),
    ("comune di", LevelHint::Municipality),
    ("powiat", LevelHint::County),
    ("landkreis", LevelHint::District),
];

/// Takes qualifiers off a name and returns what they said instead of dropping it.
///
/// Handles a trailing parenthesis (a level word such as "(rural gmina)" becomes a
/// [`LevelHint`]; anything else becomes the [`Qualified::disambiguator`]), one trailing level
/// word ("Zhejiang Province", "Chesterfield County", "Kyoto Prefecture", "Malacca City") and one
/// leading level word ("County Kilkenny", "City of London"). A qualifier is only removed if a
/// name is left. Callers that match names should also try the unstripped name first: "Mexico
/// City" and "Quezon City" are names, not qualified names.
///
/// ```
/// use polis_gazetteer::{strip_qualifiers, LevelHint};
/// let q = strip_qualifiers("Gmina Zamość (rural gmina)");
/// assert_eq!(q.name, "Zamość");
/// assert_eq!(q.level_hint, Some(LevelHint::RuralGmina));
/// let q = strip_qualifiers("Newport (Wales)");
/// assert_eq!((q.name.as_str(), q.disambiguator.as_deref()), ("Newport", Some("Wales")));
/// ```
pub fn strip_qualifiers(name: &str) -> Qualified {
    let mut rest = name.trim().to_string();
    let mut level_hint = None;
    let mut disambiguator = None;
    let mut removed = Vec::new();

    // A trailing parenthesis, possibly after a closing one was forgotten.
    if let Some(open) = rest.rfind('(') {
        let inner_end = rest[open..].find(')').map_or(rest.len(), |i| open + i);
        let inner = rest[open + 1..inner_end].trim().to_string();
        let before = rest[..open].trim().to_string();
        let after = rest.get(inner_end + 1..).unwrap_or("").trim().to_string();
        if !before.is_empty() && after.is_empty() {
            let folded_inner = fold(&inner);
            // The table's words are already folded except for the hyphen.
            match PAREN_LEVELS
                .iter()
                .find(|(word, _)| word.replace('-', " ") == folded_inner)
            {
                Some(&(_, hint)) => level_hint = Some(hint),
                None if !inner.is_empty() => disambiguator = Some(inner.clone()),
                None => {}
            }
            if !inner.is_empty() {
                removed.push(inner);
            }
            rest = before;
        }
    }

    let words: Vec<&str> = rest.split_whitespace().collect();
    let folded_words: Vec<String> = words.iter().map(|w| fold(w)).collect();

    // A leading level word: "County Kilkenny", "Gmina Zamość".
    let mut start = 0;
    // The tables are compared word by word without collecting them: this runs for every name
    // an import resolves.
    for &(prefix, hint) in PREFIX_LEVELS {
        let n = prefix.split(' ').count();
        if words.len() > n
            && folded_words
                .iter()
                .zip(prefix.split(' '))
                .all(|(a, b)| a == b)
        {
            start = n;
            removed.push(words[..start].join(" "));
            level_hint = level_hint.or(Some(hint));
            break;
        }
    }

    // A trailing level word: "Zhejiang Province".
    let mut end = words.len();
    if start == 0 {
        for &(suffix, hint) in SUFFIX_LEVELS {
            let n = suffix.split(' ').count();
            if words.len() > n
                && folded_words[words.len() - n..]
                    .iter()
                    .zip(suffix.split(' '))
                    .all(|(a, b)| a == b)
            {
                end = words.len() - n;
                removed.push(words[end..].join(" "));
                level_hint = level_hint.or(Some(hint));
                break;
            }
        }
    }

    if start > 0 || end < words.len() {
        rest = words[start..end].join(" ");
    }

    Qualified {
        name: rest,
        level_hint,
        disambiguator,
        removed,
    }
}

/// The writing system of a name, judged by its first letter. GeoNames' alternate names carry
/// no language tags, so the script is what an explanation can say about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin letters, with or without diacritics.
    Latin,
    /// Cyrillic.
    Cyrillic,
    /// Greek.
    Greek,
    /// Han ideographs (Chinese, Japanese kanji).
    Han,
    /// Japanese hiragana or katakana.
    Kana,
    /// Korean hangul.
    Hangul,
    /// Arabic script (Arabic, Persian, Urdu).
    Arabic,
    /// Hebrew.
    Hebrew,
    /// Georgian.
    Georgian,
    /// Armenian.
    Armenian,
    /// Thai.
    Thai,
    /// Anything else, or no letter at all.
    Other,
}

/// The script of the first letter of `text`.
pub fn script_of(text: &str) -> Script {
    let Some(c) = text.chars().find(|c| c.is_alphabetic()) else {
        return Script::Other;
    };
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => Script::Latin,
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        '\u{0400}'..='\u{052F}' => Script::Cyrillic,
        '\u{0530}'..='\u{058F}' => Script::Armenian,
        '\u{0590}'..='\u{05FF}' => Script::Hebrew,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FEFF}' => {
            Script::Arabic
        }
        '\u{0E00}'..='\u{0E7F}' => Script::Thai,
        '\u{10A0}'..='\u{10FF}' => Script::Georgian,
        '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}' => {
            Script::Hangul
        }
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => Script::Kana,
        // Kana and Hangul are matched above, so what is left of CJK is Han.
        c if is_cjk(c) => Script::Han,
        _ => Script::Other,
    }
}
