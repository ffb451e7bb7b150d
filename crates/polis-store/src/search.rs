//! What a search matches and in what order, backend-neutral, so that SQLite and PostgreSQL
//! give the same hits in the same order: SQLite's FTS5 ranks by bm25, which PostgreSQL
//! cannot reproduce, so each backend only uses its index to find the candidate rows (every
//! row whose folded key has a word starting with each word of the query) and [`rank`]
//! filters and orders them here.
//!
//! The rule: the query is folded with `polis_core::text::fold` (so diacritics, case and
//! scripts are handled as in the index, and every character that is not a letter or a digit,
//! including the search syntax of either backend, is a separator and stays inert); a row
//! matches when every word of the query is a prefix of some word of its key. Hits are
//! ordered by
//! 1. how many query words are whole words of the key (most first),
//! 2. whether the key starts with the query's words in order (those first),
//! 3. how many words the key has (fewest first: "Praha" before "Praha 1"),
//! 4. the kind (place, actor, network, document, article),
//! 5. the label, then the id, by bytes.

use polis_core::text::fold;

use crate::SearchHit;

/// The words of a query, as the index compares them: folded, without repeats, in order.
/// Empty when the query has no letter or digit.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in fold(query).split(' ').filter(|t| !t.is_empty()) {
        if !terms.iter().any(|t| t == term) {
            terms.push(term.to_owned());
        }
    }
    terms
}

/// The words of a stored search key (`plan::SearchRow::key`, a folded text).
pub fn key_words(key: &str) -> impl Iterator<Item = &str> {
    key.split(' ').filter(|w| !w.is_empty())
}

/// One row a backend's index found, before [`rank`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub kind: String,
    pub id: String,
    pub label: String,
    /// The folded key the row was indexed under.
    pub key: String,
}

fn kind_order(kind: &str) -> u8 {
    match kind {
        "place" => 0,
        "actor" => 1,
        "network" => 2,
        "document" => 3,
        "article" => 4,
        _ => 5,
    }
}

/// Keeps the candidates that match every term, orders them by the rule of this module, and
/// returns at most `limit`.
pub fn rank(terms: &[String], candidates: Vec<Candidate>, limit: usize) -> Vec<SearchHit> {
    if terms.is_empty() {
        return Vec::new();
    }
    let phrase = terms.join(" ");
    let mut scored: Vec<((usize, bool, usize, u8), Candidate)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let words: Vec<&str> = key_words(&candidate.key).collect();
            let mut n_whole = 0;
            for term in terms {
                if !words.iter().any(|w| w.starts_with(term.as_str())) {
                    return None;
                }
                if words.iter().any(|w| w == term) {
                    n_whole += 1;
                }
            }
            let starts = candidate.key.starts_with(&phrase);
            let score = (n_whole, starts, words.len(), kind_order(&candidate.kind));
            Some((score, candidate))
        })
        .collect();
    scored.sort_by(|(x, a), (y, b)| {
        y.0.cmp(&x.0)
            .then(y.1.cmp(&x.1))
            .then(x.2.cmp(&y.2))
            .then(x.3.cmp(&y.3))
            .then_with(|| a.label.as_bytes().cmp(b.label.as_bytes()))
            .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
    });
    scored.dedup_by(|(_, a), (_, b)| a.kind == b.kind && a.id == b.id);
    scored
        .into_iter()
        .take(limit)
        .map(|(_, c)| SearchHit {
            kind: c.kind,
            id: c.id,
            label: c.label,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(kind: &str, id: &str, label: &str) -> Candidate {
        Candidate {
            kind: kind.into(),
            id: id.into(),
            label: label.into(),
            key: fold(label),
        }
    }

    fn check(query: &str, labels: &[&str], expected: &[&str]) {
        let candidates = labels
            .iter()
            .map(|l| candidate("place", l, l))
            .collect::<Vec<_>>();
        let hits = rank(&query_terms(query), candidates, 10);
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, expected, "query {query:?}");
    }

    #[test]
    fn whole_words_and_short_keys_come_first() {
        check(
            "praha",
            &["Praha 1", "Prahatown", "Praha"],
            &["Praha", "Praha 1", "Prahatown"],
        );
        check(
            "pra",
            &["Praha 1", "Prague", "Praha"],
            &["Prague", "Praha", "Praha 1"],
        );
        check(
            "hol zuid",
            &["Zuid-Holland", "Noord-Holland"],
            &["Zuid-Holland"],
        );
        check(
            "Plzeň",
            &["Plzen", "Plzen-Sever"],
            &["Plzen", "Plzen-Sever"],
        );
    }

    #[test]
    fn search_syntax_in_user_text_is_inert() {
        check("\"*(", &["Praha"], &[]);
        check("pra* OR \"x", &["Praha"], &[]);
        check("praha\" OR \"", &["Praha", "Praha or"], &["Praha or"]);
        assert!(query_terms("  ").is_empty());
    }

    #[test]
    fn cjk_letters_are_words() {
        check("拉格", &["布拉格", "拉萨"], &["布拉格"]);
        check("北京", &["北京市", "南京"], &["北京市"]);
    }
}
