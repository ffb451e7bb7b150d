//! The one folding function of polis: [`fold`] makes the key that two spellings of one name
//! share (Chişinău with a cedilla and Chișinău with a comma below, Łódź and Lodz, Straße and
//! Strasse), and the gazetteer's index, name resolution, remembered decisions, the store's
//! name table and full-text index, and the analyses all use it. Latin letters are folded to
//! ASCII; other scripts are kept (lower case, without marks); every Han, Kana and Hangul
//! character is a token of its own, so a word index finds 北京 in 北京市.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{UnicodeNormalization, is_nfkc};

/// Is `c` a character of a script that writes words without spaces between them (Han
/// ideographs, Hiragana, Katakana) or compounds names of syllables (Hangul: 서울특별시)?
/// [`fold`] makes each such letter a token of its own.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'   // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{20000}'..='\u{323AF}') // CJK extensions B and later
}

/// Names whose keys show how [`fold`] treats each script. Whatever stores folded keys
/// (the gazetteer's cached index, a database's search index) records [`fold_fingerprint`]
/// and rebuilds its keys when a build folds differently.
pub const FOLD_PROBES: &[&str] = &[
    "Chişinău Chișinău Łódź Straße Tromsø Ærø Þórshöfn İstanbul Ｔｏｋｙｏ L'Aquila",
    "Київ ΑΘΗΝΑΣ Αθήνα القاهرة ירושלים თბილისი Երևան กรุงเทพ",
    "北京市 布拉格 プラハ ニューヨーク・シティ 서울특별시 Plze\u{30c}",
];

/// A 31-bit FNV-1a hash of the folds of [`FOLD_PROBES`]: equal for two builds that fold
/// every script alike. Positive, so it fits SQLite's `user_version`.
pub fn fold_fingerprint() -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for probe in FOLD_PROBES {
        for byte in fold(probe).bytes().chain([b'|']) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    i32::try_from(hash >> 1).unwrap_or(i32::MAX)
}

/// Folds a name into the key used for matching and search: Unicode NFKC, lower case, Latin
/// diacritics and special letters folded to ASCII (`ł`→`l`, `ß`→`ss`, `ø`→`o`, `æ`→`ae`,
/// cedilla and comma below alike), every run of whitespace, punctuation or hyphens collapsed
/// to one space, trimmed. Letters of other scripts (Cyrillic, Greek, Arabic, ...) are kept,
/// lower-cased and without combining marks: transliterating them would make false matches
/// (布拉格 is not "bu la ge"), so cross-script names match through the gazetteer's alternate
/// names. Every Han, Kana and Hangul letter stands alone between spaces ([`is_cjk`]), so
/// that a word tokenizer (SQLite FTS5 `unicode61`) indexes each one and `拉格` finds 布拉格.
///
/// ```
/// use polis_core::text::fold;
/// assert_eq!(fold("Chişinău"), fold("Chișinău"));
/// assert_eq!(fold("  Groß-Straße "), "gross strasse");
/// assert_eq!(fold("Київ"), "київ");
/// assert_eq!(fold("北京市"), "北 京 市");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    fold_into(text, &mut out);
    out
}

/// [`fold`] into a reused buffer (cleared first): the gazetteer's index folds about a
/// million names, and one buffer spares a million allocations.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    fold_once_into(text, out);
    // Removing marks can leave a sequence that NFKC composes differently (conjoining jamo
    // around a mark). Folding again makes `fold` idempotent in those rare cases.
    if !out.is_ascii() && !is_nfkc(out) {
        let first = std::mem::take(out);
        fold_once_into(&first, out);
    }
}

/// The key the full-text index stores for a text: the same key as [`fold`], named for where
/// it goes.
pub fn search_key(text: &str) -> String {
    fold(text)
}

fn fold_once_into(text: &str, out: &mut String) {
    let mut writer = KeyWriter {
        out,
        pending_space: false,
    };
    // Most names are ASCII: they need neither normalisation nor a look-up per character.
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

/// Writes a key: kept characters, with one space where a separator (or a CJK letter) was.
struct KeyWriter<'a> {
    out: &'a mut String,
    /// A separator was seen since the last kept character; written only before the next one,
    /// so the key never starts or ends with a space.
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

    /// A CJK letter is a word of its own: a space before it (unless it starts the key) and a
    /// pending one after it.
    fn push_token(&mut self, c: char) {
        self.separator();
        self.push_kept(c);
        self.pending_space = true;
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
        } else if is_cjk(c) {
            // Kana punctuation (the middle dot of ニューヨーク・シティ) separates words.
            if c.is_alphanumeric() {
                self.push_token(c);
            } else {
                self.separator();
            }
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

#[cfg(test)]
mod tests {
    use super::{fold, fold_into, search_key};
    use proptest::prelude::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(fold(input), expected, "fold({input:?})");
    }

    #[test]
    fn latin_spellings_fold_together() {
        check("Chişinău", "chisinau"); // s-cedilla, a-breve
        check("Chișinău", "chisinau"); // s-comma-below
        check("Timişoara", "timisoara");
        check("Târgu Mureș", "targu mures");
        check("Constanţa", "constanta"); // t-cedilla
        check("Constanța", "constanta"); // t-comma-below
        check("Łódź", "lodz");
        check("Straße", "strasse");
        check("Großräschen", "grossraschen");
        check("Tromsø", "tromso");
        check("Ærø", "aero");
        check("Plzeň", "plzen");
        check("Hřib", "hrib");
        check("Þórshöfn", "thorshofn");
        check("Saint-Étienne", "saint etienne");
        check("  Saint-Étienne!! ", "saint etienne");
        check("  L'Aquila ", "l aquila");
        check("Frankfurt (Oder)", "frankfurt oder");
        check("İstanbul", "istanbul");
        check("Tōkyō", "tokyo");
        check("Hà Nội", "ha noi");
        check("Ｔｏｋｙｏ", "tokyo"); // full-width, NFKC
        check("Ｐｒａｈａ", "praha");
        check("Plze\u{0148}", "plzen"); // precomposed ň
        check("Plzen\u{030C}", "plzen"); // n + combining caron
        check("", "");
        check(" - ", "");
    }

    #[test]
    fn cyrillic_greek_arabic_and_hebrew_keep_their_script() {
        check("Київ", "київ");
        check("МОСКВА", "москва");
        check("Санкт-Петербург", "санкт петербург");
        check("Й", "й"); // NFKC composes и + breve back, so the letter is not stripped
        check("ΑΘΗΝΑΣ", "αθηνασ"); // final sigma folds like sigma
        check("Αθήνα", "αθήνα"); // NFKC keeps the precomposed letter
        check("القاهرة", "القاهرة");
        check("دمشق، سوريا", "دمشق سوريا"); // the Arabic comma separates
        check("ירושלים", "ירושלים");
        // Not transliterated: a Latin spelling is the gazetteer's alternate names' job.
        assert_ne!(fold("Прага"), fold("Praga"));
    }

    #[test]
    fn han_kana_and_hangul_letters_are_tokens() {
        check("北京市", "北 京 市");
        check("布拉格", "布 拉 格");
        check("東京都 Tokyo", "東 京 都 tokyo");
        check("Plzeň 布拉格", "plzen 布 拉 格");
        check("プラハ", "プ ラ ハ");
        check("ニューヨーク・シティ", "ニ ュ ー ヨ ー ク シ テ ィ");
        check("서울특별시", "서 울 특 별 시");
        check("서울", "서 울");
        // Not "bu la ge": transliteration would match unrelated Latin names.
        assert_ne!(fold("布拉格"), fold("Bu La Ge"));
        // A query's tokens are a run of the name's tokens.
        assert!(fold("北京市").starts_with(&fold("北京")));
        assert!(fold("布拉格").ends_with(&fold("拉格")));
    }

    #[test]
    fn fold_into_reuses_and_clears_its_buffer() {
        let mut buffer = String::from("left over");
        fold_into("Łódź", &mut buffer);
        assert_eq!(buffer, "lodz");
        fold_into("北京", &mut buffer);
        assert_eq!(buffer, "北 京");
    }

    #[test]
    fn search_key_is_the_fold() {
        for text in ["Plzeň", "北京市", "Київ", "Saint-Étienne"] {
            assert_eq!(search_key(text), fold(text));
        }
    }

    fn assert_sound(once: &str) -> Result<(), TestCaseError> {
        prop_assert_eq!(fold(once), once);
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        Ok(())
    }

    proptest! {
        #[test]
        fn fold_is_idempotent_on_printable_text(text in "\\PC{0,40}") {
            assert_sound(&fold(&text))?;
        }

        #[test]
        fn fold_is_idempotent_on_any_text(text in any::<String>()) {
            assert_sound(&fold(&text))?;
        }

        #[test]
        fn fold_is_idempotent_on_mixed_scripts(
            text in "[a-zA-ZÀ-ÿĀ-žȘșȚțßłŁøæ北京市プラハ・КиївΑΘΗΝΑΣςقاهرة서울특별시ᄀ-ᇿ\u{0300}-\u{036F} ()\\-'’.,]{0,30}"
        ) {
            assert_sound(&fold(&text))?;
        }

        #[test]
        fn latin_keys_are_ascii(text in "[a-zA-ZÀ-ÿĀ-žȘșȚțßłŁøæ ()\\-'’.,]{0,30}") {
            prop_assert!(fold(&text).is_ascii());
        }

        #[test]
        fn cjk_letters_stand_alone(text in "[北京市布拉格プラハ서울 a-z]{0,20}") {
            let folded = fold(&text);
            for word in folded.split(' ') {
                let n_cjk = word.chars().filter(|&c| super::is_cjk(c)).count();
                prop_assert!(n_cjk == 0 || word.chars().count() == 1, "{:?} in {:?}", word, folded);
            }
        }
    }
}
