//! Text keys for matching and search: `fold` makes the key two spellings of one name share
//! (Chişinău with a cedilla and Chișinău with a comma below, Łódź and Lodz, Straße and
//! Strasse), and `search_key` makes the key the full-text index stores, which keeps Han,
//! Kana and Hangul characters as single-character tokens so that 北京 finds 北京市.

use unicode_normalization::UnicodeNormalization;

/// Is `c` a character that CJK text writes without spaces between words?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // CJK Extensions B and on
}

/// The matching key of a name: NFKC, ASCII-folded (diacritics dropped, ł → l, ß → ss),
/// lower case, with every run of punctuation and space turned into one space. CJK
/// characters are kept as they are, one per token.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.nfkc() {
        if is_cjk(c) {
            push_token_break(&mut out);
            out.push(c);
            out.push(' ');
        } else if c.is_ascii() {
            push_ascii(&mut out, c);
        } else {
            for folded in deunicode::deunicode(c.encode_utf8(&mut buffer)).chars() {
                push_ascii(&mut out, folded);
            }
        }
    }
    let trimmed = out.trim_end();
    trimmed.to_owned()
}

fn push_ascii(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c.to_ascii_lowercase());
    } else {
        push_token_break(out);
    }
}

fn push_token_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// The key the full-text index stores for a text: the same as [`fold`].
pub fn search_key(text: &str) -> String {
    fold(text)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_spellings_together() {
        assert_eq!(fold("Chişinău"), fold("Chișinău"));
        assert_eq!(fold("Chişinău"), "chisinau");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Hřib"), "hrib");
        assert_eq!(fold("  Saint-Étienne!! "), "saint etienne");
        assert_eq!(fold("布拉格"), "布 拉 格");
        assert_eq!(fold("北京市"), "北 京 市");
        assert_eq!(fold("Ｐｒａｈａ"), "praha");
    }

    proptest::proptest! {
        #[test]
        fn fold_is_idempotent(text in "\\PC{0,24}") {
            let once = fold(&text);
            proptest::prop_assert_eq!(fold(&once), once);
        }
    }
}
