//! Stable, readable record ids: lower-case slugs such as `cz-prague` for a place and
//! `cn-beijing--cz-prague` for the tie between two places.

/// Is `id` a well-formed id? Ids are 1 to 200 characters of `a-z`, `0-9`, `-`, `_`, `.`
/// and `/`, and start with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./".contains(&b))
}

/// Explains what an id may contain, for error messages.
pub const ID_RULE: &str =
    "1 to 200 characters of a-z, 0-9, '-', '_', '.' and '/', starting with a letter or digit";

/// A slug from free text: ASCII-folded (`Plzeň` → `plzen`, `Łódź` → `lodz`), lower case,
/// with runs of anything else turned into one `-`.
pub fn slug(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(120);
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// The id of a place: its country code and a slug of its name (`cz-prague`), or the
/// country code alone for a country.
pub fn place_id(country: Option<&str>, name: &str) -> String {
    match country {
        Some(cc) if !cc.is_empty() => format!("{}-{}", cc.to_ascii_lowercase(), slug(name)),
        _ => format!("xx-{}", slug(name)),
    }
}

/// The two ends of a tie in canonical order.
pub fn canonical_pair<'a>(x: &'a str, y: &'a str) -> (&'a str, &'a str) {
    if x <= y { (x, y) } else { (y, x) }
}

/// The default id of the tie between two places: `a--b` with the ends in canonical order.
pub fn tie_id(x: &str, y: &str) -> String {
    let (a, b) = canonical_pair(x, y);
    format!("{a}--{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_diacritics_and_scripts() {
        assert_eq!(slug("Plzeň"), "plzen");
        assert_eq!(slug("Łódź"), "lodz");
        assert_eq!(slug("Chişinău"), slug("Chișinău"));
        assert_eq!(slug("  São Paulo (city) "), "sao-paulo-city");
        assert_eq!(slug("!!!"), "x");
        assert!(is_valid_id(&slug("布拉格")));
    }

    #[test]
    fn tie_ids_do_not_depend_on_order() {
        assert_eq!(
            tie_id("cz-prague", "cn-beijing"),
            tie_id("cn-beijing", "cz-prague")
        );
        assert_eq!(tie_id("cz-prague", "cn-beijing"), "cn-beijing--cz-prague");
    }

    #[test]
    fn id_rule() {
        assert!(is_valid_id("cz-prague"));
        assert!(!is_valid_id("CZ-Prague"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a b"));
    }
}
