//! The decision keys of polis before its folding functions were merged (versions up to
//! 2026-11), kept only to read decisions stored under them: that fold transliterated every
//! script but Han, Kana and Hangul to ASCII (Київ → "kiyiv"), where `polis_core::text::fold`
//! now keeps the script (Київ → "київ"). Nothing is stored under these keys any more.

use unicode_normalization::UnicodeNormalization;

/// The old key of a name or country field, exactly as the old `polis_core::text::fold` made
/// it: NFKC, every character but CJK transliterated by deunicode, lower case, one space for
/// every run of other characters, and CJK characters as tokens of their own.
pub(crate) fn legacy_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.nfkc() {
        if is_legacy_cjk(c) {
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
    out.truncate(out.trim_end().len());
    out
}

/// The old fold's CJK ranges, which differ from `polis_core::text::is_cjk` at the edges.
fn is_legacy_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F)
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
