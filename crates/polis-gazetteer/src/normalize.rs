//! Name normalisation shared by the whole project: the folded matching key, the CJK-aware
//! search key, and qualifier stripping that keeps the administrative level a qualifier names.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{UnicodeNormalization, is_nfkc};

use crate::Level;

/// Folds a name into the key used for matching: Unicode NFKC, lower case, Latin diacritics
/// and special letters folded to ASCII (`ł`→`l`, `ß`→`ss`, `ø`→`o`, `æ`→`ae`, cedilla and
/// comma-below alike), every run of whitespace, punctuation or hyphens collapsed to one space,
/// trimmed. Letters of other scripts (Cyrillic, Han, Arabic, ...) are kept, lower-cased and
/// without combining marks: transliterating them would make false matches (布拉格 is not
/// "bu la ge"), so cross-script names match through the gazetteer's alternate names.
///
/// ```
/// use polis_gazetteer::fold;
/// assert_eq!(fold("Chişinău"), fold("Chișinău"));
/// assert_eq!(fold("Łódź"), "lodz");
/// assert_eq!(fold("  Groß-Straße "), "gross strasse");
/// assert_eq!(fold("Київ"), "київ");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`] into a reused buffer (cleared first): the index build folds about a million names.
pub(crate) fn fold_into(text: &str, out: &mut String) {
    out.clear();
    fold_once_into(text, out);
    // Removing marks can leave a sequence that NFKC composes differently (conjoining jamo
    // around a mark). Folding again makes `fold` idempotent in those rare cases.
    if !out.is_ascii() && !is_nfkc(out) {
        let first = std::mem::take(out);
        fold_once_into(&first, out);
    }
}

fn fold_once_into(text: &str, out: &mut String) {
    let mut writer = KeyWriter {
        out,
        pending_space: false,
    };
    if text.is_ascii() {
        for byte in text.bytes() {
            writer.push_ascii(byte);
        }
    } else {
        for c in text.nfkc() {
            writer.push_char(c);
        }
    }
}

/// The key for full-text search columns: [`fold`], with a space around every Han and Kana
/// character, so that a word tokenizer (SQLite FTS5 `unicode61`) indexes each one and a
/// query for `北京` finds `北京市`.
///
/// ```
/// use polis_gazetteer::search_key;
/// assert_eq!(search_key("北京市"), "北 京 市");
/// assert_eq!(search_key("Plzeň 布拉格"), "plzen 布 拉 格");
/// ```
pub fn search_key(text: &str) -> String {
    let folded = fold(text);
    if folded.is_ascii() {
        return folded;
    }
    let mut out = String::with_capacity(folded.len() + 8);
    let mut pending_space = false;
    for c in folded.chars() {
        if c == ' ' {
            pending_space = !out.is_empty();
        } else if is_han_or_kana(c) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
            pending_space = true;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether a character is a Han ideograph or Japanese kana.
pub fn is_han_or_kana(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}' // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{323AF}') // CJK extensions B and later
}

/// Characters that deunicode folds to ASCII without changing their meaning: Latin letters with
/// diacritics, Latin special letters, IPA and spacing modifiers, general punctuation.
fn is_latin_like(c: char) -> bool {
    matches!(c,
        '\u{0080}'..='\u{02FF}'
        | '\u{1D00}'..='\u{1DBF}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2000}'..='\u{206F}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}'
        | '\u{AB30}'..='\u{AB6F}')
}

struct KeyWriter<'a> {
    out: &'a mut String,
    pending_space: bool,
}

impl KeyWriter<'_> {
    fn separator(&mut self) {
        self.pending_space = !self.out.is_empty();
    }

    fn push_kept(&mut self, c: char) {
        if self.pending_space {
            self.out.push(' ');
            self.pending_space = false;
        }
        self.out.push(c);
    }

    fn push_ascii(&mut self, byte: u8) {
        if byte.is_ascii_alphanumeric() {
            self.push_kept(char::from(byte.to_ascii_lowercase()));
        } else {
            self.separator();
        }
    }

    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            // `c` is ASCII, so the cast keeps its value.
            self.push_ascii(c as u8);
        } else if is_combining_mark(c) {
            // A mark left after NFKC (no precomposed form) is dropped without splitting words.
        } else if is_latin_like(c) {
            match deunicode::deunicode_char(c) {
                Some(ascii) if !ascii.is_empty() => {
                    for byte in ascii.bytes() {
                        self.push_ascii(byte);
                    }
                }
                Some(_) => {}
                None if c.is_alphanumeric() => self.push_lowercase(c),
                None => self.separator(),
            }
        } else if c.is_alphanumeric() {
            self.push_lowercase(c);
        } else {
            self.separator();
        }
    }

    fn push_lowercase(&mut self, c: char) {
        for lower in c.to_lowercase() {
            // Case folding maps the Greek final sigma to sigma; `to_lowercase` does not.
            let lower = if lower == 'ς' { 'σ' } else { lower };
            if is_combining_mark(lower) {
                continue;
            }
            if lower.is_ascii() {
                self.push_ascii(lower as u8);
                continue;
            }
            // A capital deunicode does not know may have a small letter it does know.
            if is_latin_like(lower)
                && let Some(ascii) = deunicode::deunicode_char(lower).filter(|a| !a.is_empty())
            {
                for byte in ascii.bytes() {
                    self.push_ascii(byte);
                }
                continue;
            }
            self.push_kept(lower);
        }
    }
}

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
        c if is_han_or_kana(c) => Script::Han,
        _ => Script::Other,
    }
}
