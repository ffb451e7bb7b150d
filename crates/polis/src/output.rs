//! What commands print: aligned text for people, or with `--json` the JSON documented in
//! docs/cli.md.

use polis_analysis::{Stats, TieRow};
use polis_core::PartialDate;
use polis_store::{ApplyReport, SearchHit};
use serde::Serialize;

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    crate::out!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Left-aligned columns, two spaces apart.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i] - c.chars().count())))
            .collect();
        crate::out!("{}", padded.join("  ").trim_end());
    };
    line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}

#[derive(Serialize)]
struct ApplyOutput<'a> {
    bundle: &'a str,
    dry_run: bool,
    #[serde(flatten)]
    report: &'a ApplyReport,
}

pub fn apply_report(
    name: &str,
    report: &ApplyReport,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        return print_json(&ApplyOutput {
            bundle: name,
            dry_run,
            report,
        });
    }
    let verb = if dry_run { "would be" } else { "were" };
    crate::out!(
        "bundle '{name}': {} records {verb} created, {} updated, {} unchanged{}",
        report.n_created(),
        report.n_updated(),
        report.n_unchanged(),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    let mut kinds: Vec<&str> = report
        .created
        .keys()
        .chain(report.updated.keys())
        .chain(report.unchanged.keys())
        .copied()
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let rows: Vec<Vec<String>> = kinds
        .iter()
        .map(|k| {
            let n = |m: &std::collections::BTreeMap<&str, u64>| {
                m.get(k).copied().unwrap_or(0).to_string()
            };
            vec![
                k.to_string(),
                n(&report.created),
                n(&report.updated),
                n(&report.unchanged),
            ]
        })
        .collect();
    table(&["kind", "created", "updated", "unchanged"], &rows);
    Ok(())
}

pub fn place(view: &polis_app::PlaceView<'_>, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(view);
    }
    let place = view.place;
    let memberships = &view.memberships;
    let ties = &view.ties;
    crate::out!("{} ({})", place.name, place.id);
    crate::out!("  level: {}", place.level);
    if let Some(country) = &place.country {
        // Beside the sources' word on a contested place, say whose country this is.
        let whose = if place.country_claims.is_empty() {
            ""
        } else {
            " (ISO 3166)"
        };
        crate::out!("  country: {country}{whose}");
    }
    for claim in &place.country_claims {
        crate::out!(
            "  country by its sources ({}, contested): {} (sources: {})",
            claim.territory,
            claim.country,
            claim.sources.join(", ")
        );
    }
    if let Some(code) = &place.iso_code {
        crate::out!("  ISO code: {code}");
    }
    if let Some(parent) = &place.parent {
        crate::out!("  part of: {parent}");
    }
    let names: Vec<String> = place
        .names
        .iter()
        .map(|n| match &n.lang {
            Some(lang) => format!("{} [{lang}]", n.text),
            None => n.text.clone(),
        })
        .collect();
    if !names.is_empty() {
        crate::out!("  other names: {}", names.join(", "));
    }
    if let Some(c) = place.shown_coordinates() {
        crate::out!(
            "  coordinates: {:.5}, {:.5} (source: {})",
            c.lat,
            c.lon,
            c.source
        );
    }
    if let Some(p) = place.shown_population() {
        let year = p.year.map(|y| format!(" in {y}")).unwrap_or_default();
        crate::out!("  population: {}{year} (source: {})", p.value, p.source);
    }
    if let Some(q) = &place.wikidata {
        crate::out!("  Wikidata: {q}");
    }
    if let Some(g) = place.geonames {
        crate::out!("  GeoNames: {g}");
    }
    crate::out!("  sources: {}", place.sources.join(", "));
    for m in memberships.iter() {
        let span = match (&m.start, &m.end) {
            (Some(s), Some(e)) => format!(" {s} to {e}"),
            (Some(s), None) => format!(" since {s}"),
            _ => String::new(),
        };
        crate::out!("  member of: {}{span}", m.network);
    }
    if !view.also_matched.is_empty() {
        crate::out!("  the name also matches: {}", view.also_matched.join(", "));
    }
    crate::out!();
    if ties.is_empty() {
        crate::out!("no ties recorded");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = ties
        .iter()
        .map(|t| {
            let (partner, partner_country) = if t.a == place.id {
                (&t.b_name, &t.b_country)
            } else {
                (&t.a_name, &t.a_country)
            };
            vec![
                format!("{partner} ({partner_country})"),
                t.kind.to_string(),
                date_text(t.signed),
                date_text(t.terminated),
                status_text(t),
            ]
        })
        .collect();
    crate::out!("{} ties:", ties.len());
    table(&["partner", "kind", "signed", "ended", "status"], &rows);
    disputes(ties);
    Ok(())
}

/// For each disputed tie among `rows`: the status each source's account implies.
fn disputes(rows: &[TieRow]) {
    for row in rows.iter().filter(|r| !r.status.claims.is_empty()) {
        crate::out!("{} – {}: sources disagree", row.a_name, row.b_name);
        for claim in &row.status.claims {
            let status = match claim.possible.as_slice() {
                [] => claim.status.to_string(),
                possible => possible
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            match &claim.says {
                None => crate::out!(
                    "  {status}, as recorded (sources: {})",
                    claim.sources.join(", ")
                ),
                Some(says) => crate::out!(
                    "  {status}, according to {}: {says}",
                    claim.sources.join(", ")
                ),
            }
        }
    }
}

fn date_text(date: Option<PartialDate>) -> String {
    date.map(|d| d.to_string())
        .unwrap_or_else(|| "-".to_owned())
}

fn status_text(row: &TieRow) -> String {
    let mut text = row.status.status.to_string();
    if !row.status.possible.is_empty() {
        let possible: Vec<&str> = row.status.possible.iter().map(|s| s.as_str()).collect();
        text.push_str(&format!(" ({})", possible.join(" or ")));
    }
    if row.one_sided {
        text.push_str(", one-sided");
    }
    text
}

#[derive(Serialize)]
struct TiesOutput<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<PartialDate>,
    total: usize,
    ties: &'a [TieRow],
}

pub fn ties(
    rows: &[TieRow],
    total: usize,
    as_of: Option<PartialDate>,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        return print_json(&TiesOutput {
            as_of,
            total,
            ties: rows,
        });
    }
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|t| {
            vec![
                format!("{} ({})", t.a_name, t.a_country),
                format!("{} ({})", t.b_name, t.b_country),
                t.kind.to_string(),
                date_text(t.signed),
                date_text(t.terminated),
                status_text(t),
            ]
        })
        .collect();
    table(
        &["place", "partner", "kind", "signed", "ended", "status"],
        &table_rows,
    );
    disputes(rows);
    let when = as_of.map(|d| format!(" as of {d}")).unwrap_or_default();
    if rows.len() < total {
        crate::out!(
            "{} of {total} ties{when} (use --limit 0 for all)",
            rows.len()
        );
    } else {
        crate::out!("{total} ties{when}");
    }
    Ok(())
}

pub fn stats(stats: &Stats, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(stats);
    }
    let scope = match (&stats.place, &stats.country) {
        (Some(place), _) => format!(" of {place} and the places inside it"),
        (None, Some(c)) => format!(" of {c}"),
        _ => String::new(),
    };
    let when = stats
        .as_of
        .map(|d| format!(" as of {d}"))
        .unwrap_or_else(|| " now".to_owned());
    crate::out!("ties{scope}{when} (active or suspended): {}", stats.n_ties);
    if stats.country_basis != polis_app::CountryBasis::default() {
        crate::out!(
            "  places in contested territories counted by country basis: {}",
            stats.country_basis
        );
    }
    if let Some(domestic) = stats.n_domestic_ties {
        crate::out!("  of which both ends in scope: {domestic}");
    }
    let levels = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !stats.local_places_by_level.is_empty() {
        crate::out!(
            "local places with ties: {}",
            levels(&stats.local_places_by_level)
        );
    }
    crate::out!(
        "distinct partner places: {} ({})",
        stats.n_partner_places,
        levels(&stats.partner_places_by_level)
    );
    crate::out!("distinct partner countries: {}", stats.n_partner_countries);
    if stats.n_provisional_places > 0 {
        crate::out!(
            "provisional places (names no import could resolve) counted: {}, on {} of the ties; --resolved-only leaves them out",
            stats.n_provisional_places,
            stats.n_ties_with_provisional
        );
    }
    crate::out!("by kind: {}", levels(&stats.by_kind));
    crate::out!(
        "by status{when}, all ties in scope: {}",
        levels(&stats.by_status)
    );
    Ok(())
}

pub fn search(hits: &[SearchHit], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&hits);
    }
    if hits.is_empty() {
        crate::out!("nothing found");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| vec![h.kind.clone(), h.id.clone(), h.label.clone()])
        .collect();
    table(&["kind", "id", "name"], &rows);
    Ok(())
}

pub fn audit(entries: &[polis_app::AuditView], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&entries);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let action = if e.before.is_none() {
                "created"
            } else {
                "updated"
            };
            vec![
                e.seq.to_string(),
                e.at.clone(),
                e.who.clone(),
                action.to_owned(),
                format!("{} {}", e.record_kind, e.record_id),
                e.context.clone(),
            ]
        })
        .collect();
    table(&["seq", "at", "who", "action", "record", "context"], &rows);
    Ok(())
}

pub fn changes(changes: &polis_analysis::Changes, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(changes);
    }
    crate::out!(
        "from {} to {}: {} ties changed or had events",
        changes.from,
        changes.to,
        changes.ties.len()
    );
    let counts = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !changes.events_by_kind.is_empty() {
        crate::out!(
            "events inside the window: {}",
            counts(&changes.events_by_kind)
        );
    }
    if !changes.possible_events_by_kind.is_empty() {
        crate::out!(
            "events that may fall inside it (coarse dates): {}",
            counts(&changes.possible_events_by_kind)
        );
    }
    let rows: Vec<Vec<String>> = changes
        .ties
        .iter()
        .map(|t| {
            let events: Vec<String> = t
                .events
                .iter()
                .map(|e| {
                    format!(
                        "{} {}{}",
                        e.kind,
                        date_text(e.date),
                        if e.certain { "" } else { "?" }
                    )
                })
                .collect();
            vec![
                format!("{} - {}", t.a_name, t.b_name),
                t.before.status.to_string(),
                t.after.status.to_string(),
                events.join("; "),
            ]
        })
        .collect();
    table(&["tie", "before", "after", "events"], &rows);
    Ok(())
}

pub fn quality(report: &polis_analysis::QualityReport, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(report);
    }
    crate::out!(
        "{} error(s), {} warning(s)",
        report.n_errors,
        report.n_warnings
    );
    for check in &report.checks {
        let severity = match check.severity {
            polis_analysis::quality::Severity::Error => "error",
            polis_analysis::quality::Severity::Warning => "warning",
        };
        crate::out!(
            "{severity:7}  {:6}  {} ({})",
            check.count,
            check.description,
            check.check
        );
        for example in check.examples.iter().take(5) {
            crate::out!("                   {example}");
        }
        if check.count > 5 {
            crate::out!(
                "                   ... {} more (--json lists {})",
                check.count - 5,
                check.examples.len()
            );
        }
    }
    Ok(())
}

pub fn dormant(answer: &polis_app::DormantAnswer, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(answer);
    }
    let (ties, years, as_of) = (&answer.ties, answer.years, answer.as_of);
    let rows: Vec<Vec<String>> = ties
        .iter()
        .map(|t| {
            vec![
                format!("{} - {}", t.a_name, t.b_name),
                date_text(t.last_sign_of_life),
                t.last_what
                    .clone()
                    .unwrap_or_else(|| "nothing recorded".into()),
            ]
        })
        .collect();
    table(&["tie", "last sign of life", "what"], &rows);
    crate::out!(
        "{} active ties with no recorded activity in the {years} years before {as_of}",
        ties.len()
    );
    Ok(())
}

pub fn figures(rows: &[polis_analysis::FigureComparison], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&rows);
    }
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|f| {
            let scope = match &f.partner_continent {
                Some(c) => format!("{} with {c}", f.country),
                None => f.country.clone(),
            };
            vec![
                f.metric.clone(),
                scope,
                f.as_of.to_string(),
                f.reporter.clone().unwrap_or_default(),
                format!("{}", f.reported),
                f.computed
                    .map_or_else(|| "n/a".to_owned(), |c| c.to_string()),
                f.coverage_percent
                    .map_or_else(|| "n/a".to_owned(), |c| format!("{c}%")),
                f.computed_upper
                    .map_or_else(|| "n/a".to_owned(), |c| c.to_string()),
                f.coverage_upper_percent
                    .map_or_else(|| "n/a".to_owned(), |c| format!("{c}%")),
            ]
        })
        .collect();
    table(
        &[
            "metric",
            "scope",
            "as of",
            "reported by",
            "reported",
            "computed",
            "coverage",
            "with undated",
            "coverage",
        ],
        &table_rows,
    );
    crate::out!(
        "computed: ties certainly in force on the date; with undated: also the ties whose dates leave that unknown"
    );
    Ok(())
}

pub fn chains(answer: &polis_app::PathAnswer, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(answer);
    }
    let (from, to, chains) = (&answer.from, &answer.to, &answer.chains);
    if chains.is_empty() {
        crate::out!(
            "'{from}' and '{to}' are not connected by a chain whose links held at one time (--ignore-time drops that rule)"
        );
        return Ok(());
    }
    crate::out!(
        "{} shortest chain(s) of {} link(s):",
        chains.len(),
        chains[0].links.len()
    );
    for (n, chain) in chains.iter().enumerate() {
        match &chain.held {
            Some(held) => {
                let from = held.from.map_or("(open)".to_owned(), |d| d.to_string());
                let until = held.until.map_or("(open)".to_owned(), |d| d.to_string());
                let undated = match held.undated_links {
                    0 => String::new(),
                    1 => "; 1 link is undated".to_owned(),
                    k => format!("; {k} links are undated"),
                };
                crate::out!(
                    "{}. held together from {from} until {until}{undated}",
                    n + 1
                );
            }
            None => crate::out!("{}. (dates ignored)", n + 1),
        }
        crate::out!(
            "   {} [{} {}]",
            chain.nodes[0].name,
            chain.nodes[0].kind,
            chain.nodes[0].id
        );
        for (link, node) in chain.links.iter().zip(&chain.nodes[1..]) {
            let arrow = if link.reversed {
                format!("<- {} -", link.label)
            } else {
                format!("- {} ->", link.label)
            };
            let role = link
                .role
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let span = match (&link.start, &link.end) {
                (Some(s), Some(e)) => format!(" {s} to {e}"),
                (Some(s), None) => format!(" from {s}"),
                (None, Some(e)) => format!(" until {e}"),
                _ => " (undated)".to_owned(),
            };
            crate::out!(
                "     {arrow}{role}{span}  [sources: {}]",
                link.sources.join(", ")
            );
            crate::out!("   {} [{} {}]", node.name, node.kind, node.id);
        }
    }
    Ok(())
}

/// A number with thousands separators and no needless decimals: 151500000000 → 151,500,000,000.
fn grouped(value: f64) -> String {
    if value.fract() != 0.0 {
        return format!("{value}");
    }
    let digits = format!("{}", value.abs() as u128);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

pub fn totals(totals: &[polis_analysis::QuantityTotal], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&totals);
    }
    let rows: Vec<Vec<String>> = totals
        .iter()
        .map(|t| {
            vec![
                t.item.clone(),
                grouped(t.total),
                t.unit.clone(),
                date_text(t.as_of),
                t.activities.join(", "),
            ]
        })
        .collect();
    table(
        &["item", "total", "unit", "reported up to", "activities"],
        &rows,
    );
    Ok(())
}

pub fn clauses(hits: &[polis_analysis::ClauseHit], json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&hits);
    }
    if hits.is_empty() {
        crate::out!("no article matches");
        return Ok(());
    }
    for hit in hits {
        let date = hit.date.map(|d| format!(", {d}")).unwrap_or_default();
        crate::out!(
            "{} ({}{date}), article {}",
            hit.document_title,
            hit.document,
            hit.article
        );
        if let Some(heading) = &hit.heading {
            crate::out!("  {heading}");
        }
        crate::out!("  text: {}", hit.text);
        crate::out!("  tags: {}", hit.tags.join(", "));
        if let Some(by) = &hit.initiated_by {
            crate::out!("  initiated by: {by}");
        }
        for tie in &hit.ties {
            match &tie.terminated {
                Some(date) => crate::out!(
                    "  tie {}: terminated {date}{}{}{}",
                    tie.id,
                    tie.terminated_by
                        .as_ref()
                        .map(|s| format!(" by {s}"))
                        .unwrap_or_default(),
                    if tie.ended_over_clause {
                        ", over this clause"
                    } else {
                        ""
                    },
                    tie.termination_reason
                        .as_ref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                ),
                None => crate::out!("  tie {}: not terminated", tie.id),
            }
        }
        crate::out!();
    }
    crate::out!("{} article(s)", hits.len());
    Ok(())
}

pub fn metrics(m: &polis_analysis::network::GraphMetrics, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(m);
    }
    let when = m.as_of.map(|d| format!(" as of {d}")).unwrap_or_default();
    crate::out!(
        "tie network{when}: {} places, {} ties ({} with unknown status left out)",
        m.n_places,
        m.n_ties,
        m.n_ties_unknown_status
    );
    crate::out!(
        "components: {} (largest {}); max k-core {}",
        m.n_components,
        m.largest_component,
        m.max_core
    );
    crate::out!(
        "communities (Louvain, seed {}): {} with modularity {:.4}",
        m.louvain_seed,
        m.n_communities,
        m.modularity
    );
    for c in m.communities.iter().take(5) {
        let countries: Vec<String> = c
            .main_countries
            .iter()
            .map(|(cc, n)| format!("{cc} {n}"))
            .collect();
        crate::out!(
            "  #{}: {} places, density {:.4}, main countries {}",
            c.community,
            c.size,
            c.density,
            countries.join(", ")
        );
    }
    crate::out!("betweenness: {}", m.betweenness_method);
    let rows: Vec<Vec<String>> = m
        .places
        .iter()
        .map(|p| {
            let betweenness = match p.betweenness_standard_error {
                Some(se) => format!("{:.6} ± {:.6}", p.betweenness, se),
                None => format!("{:.6}", p.betweenness),
            };
            vec![
                format!("{} ({})", p.name, p.country),
                p.degree.to_string(),
                p.weighted_degree.to_string(),
                betweenness,
                format!("{:.6}", p.pagerank),
                p.core.to_string(),
                p.community.to_string(),
            ]
        })
        .collect();
    table(
        &[
            "place",
            "degree",
            "ties",
            "betweenness",
            "pagerank",
            "core",
            "community",
        ],
        &rows,
    );
    Ok(())
}

pub fn recommendations(
    r: &polis_analysis::recommend::Recommendations,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    let theme = r
        .theme
        .as_ref()
        .map(|t| format!(" for a {t} agenda"))
        .unwrap_or_default();
    crate::out!(
        "candidate partners for {} ({}){theme}: {} partners now, {} candidates scored",
        r.name,
        r.place,
        r.n_partners,
        r.n_candidates_scored
    );
    if r.candidates.is_empty() {
        crate::out!("no candidates: the place has no partners, networks or themes to start from");
    }
    for (n, c) in r.candidates.iter().enumerate() {
        crate::out!(
            "{:2}. {} ({}, {}) score {:.3}",
            n + 1,
            c.name,
            c.country,
            c.id,
            c.score
        );
        for reason in &c.reasons {
            crate::out!("      - {reason}");
        }
    }
    Ok(())
}

pub fn evaluation(e: &polis_analysis::recommend::Evaluation, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(e);
    }
    crate::out!(
        "held out {} ties ({}%, seed {}) against {} random non-ties; hit rate over {} held-out ties",
        e.n_held_out,
        e.held_out_fraction * 100.0,
        e.seed,
        e.n_non_ties,
        e.n_hit_rate_sample
    );
    let rows: Vec<Vec<String>> = e
        .methods
        .iter()
        .map(|m| {
            vec![
                m.method.clone(),
                format!("{:.4}", m.auc),
                format!("{:.2}", m.precision_at_10),
                format!("{:.4}", m.r_precision),
                format!("{:.4}", m.hit_rate_at_10),
            ]
        })
        .collect();
    table(
        &[
            "method",
            "AUC",
            "precision@10",
            "R-precision",
            "hit rate@10",
        ],
        &rows,
    );
    Ok(())
}
