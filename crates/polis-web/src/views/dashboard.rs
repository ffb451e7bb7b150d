//! The dashboard, `/dashboard`: ties signed and terminated per year, the leading countries
//! and country pairs, partner-country concentration, reported figures against computed ones,
//! and the quality report. Charts are SVG drawn here on the server, each with a table of
//! the same numbers and links to the rows behind them.

use maud::{Markup, html};
use polis_app::{CountryBasis, Dashboard, DashboardTable};

use super::dossier::format_number;
use super::encode;
use crate::layout::{Frame, Section, page};

const WIDTH: f64 = 800.0;

pub fn dashboard_page(dashboard: &Dashboard) -> Markup {
    let basis = dashboard.country_basis;
    // The basis travels with every link whose counts depend on it; the default is left out.
    let on_basis = |separator: char| {
        if basis == CountryBasis::default() {
            String::new()
        } else {
            format!("{separator}country_basis={basis}")
        }
    };
    let json = format!("/api/v1/dashboard{}", on_basis('?'));
    let frame = Frame {
        title: "Dashboard",
        section: Section::Dashboard,
        json: &json,
        scripts: &[],
        query: "",
    };
    let stats_href =
        |country: &str| format!("/api/v1/stats?country={}{}", encode(country), on_basis('&'));
    let table_csv = |table: DashboardTable, what: &str| table_csv(table, what, &on_basis('?'));
    let body = html! {
        h1 { "Dashboard" }
        p.lede { (dashboard.n_ties) " ties recorded. " (super::export_links("every tie", "")) }
        form.country-basis method="get" action="/dashboard" {
            label for="country_basis" { "Count places in contested territories by " }
            select #country_basis name="country_basis" {
                @for name in CountryBasis::NAMES {
                    option value=(name) selected[name == basis.as_str()] { (basis_label(name)) }
                }
            }
            " "
            button type="submit" { "Count" }
            p.note {
                "A place in a contested territory (Crimea, the Golan Heights, Northern Cyprus, Taiwan, Kosovo, Western Sahara) "
                "may be in one country by ISO 3166 and in another by its sources. The country tables below count it "
                @match basis {
                    CountryBasis::Iso => { "under ISO 3166's country." }
                    CountryBasis::Claim => { "under the country its sources put it in." }
                    CountryBasis::Both => { "under each: ISO 3166's and every country a source puts it in, so a tie may count twice." }
                }
                " Reported figures are compared on ISO 3166's countries."
            }
        }
        section #per-year {
            h2 { "Ties signed and terminated per year" }
            (per_year_chart(dashboard))
            details {
                summary { "The numbers" }
                table {
                    thead { tr { th scope="col" { "Year" } th scope="col" { "Signed" } th scope="col" { "Terminated" } th scope="col" { "Rows" } } }
                    tbody {
                        @for y in &dashboard.per_year {
                            tr {
                                th scope="row" { (y.year) }
                                td.number { (y.signed) }
                                td.number { (y.terminated) }
                                td { a href=(changes_href(y.year)) { "events of " (y.year) } }
                            }
                        }
                    }
                }
            }
            (table_csv(DashboardTable::PerYear, "the signings and terminations per year"))
        }
        section #top-countries {
            h2 { "Countries with the most ties" }
            (bar_chart("Ties with an end in the country", &dashboard.top_countries.iter().map(|c| {
                (c.country.clone(), c.n_ties as f64, format!("/api/v1/ties?country={}", encode(&c.country)))
            }).collect::<Vec<_>>()))
            table {
                thead { tr { th scope="col" { "Country" } th scope="col" { "Ties" } th scope="col" { "Rows" } } }
                tbody {
                    @for c in &dashboard.top_countries {
                        tr { th scope="row" { (c.country) } td.number { (c.n_ties) }
                            td { a href={"/api/v1/ties?country=" (encode(&c.country))} { "ties" } " · "
                                a href={"/?country=" (encode(&c.country))} { "map" } } }
                    }
                }
            }
            (table_csv(DashboardTable::Countries, "the countries"))
        }
        section #country-pairs {
            h2 { "Country pairs with the most ties" }
            (bar_chart("Ties between the two countries", &dashboard.country_pairs.iter().map(|p| {
                (format!("{}–{}", p.a, p.b), p.n_ties as f64, format!("{}{}", pair_href(&p.a, &p.b), on_basis('&')))
            }).collect::<Vec<_>>()))
            table {
                thead { tr { th scope="col" { "Pair" } th scope="col" { "Ties" } th scope="col" { "Rows" } } }
                tbody {
                    @for p in &dashboard.country_pairs {
                        tr { th scope="row" { (p.a) "–" (p.b) } td.number { (p.n_ties) }
                            td { a href={(pair_href(&p.a, &p.b)) (on_basis('&'))} { "statistics" } } }
                    }
                }
            }
            (table_csv(DashboardTable::CountryPairs, "the country pairs"))
        }
        section #concentration {
            h2 { "Partner-country concentration" }
            p.note {
                "The Herfindahl-Hirschman index of a country's ties in force over its partner countries: "
                "the sum of squared shares, from 1/n when spread evenly over n countries to 1 when all go to one."
            }
            (bar_chart("HHI over partner countries", &dashboard.concentration.iter().map(|c| {
                (c.country.clone(), c.hhi.unwrap_or(0.0), stats_href(&c.country))
            }).collect::<Vec<_>>()))
            table {
                thead { tr { th scope="col" { "Country" } th scope="col" { "Ties abroad in force" } th scope="col" { "Partner countries" } th scope="col" { "HHI" } th scope="col" { "First partner" } } }
                tbody {
                    @for c in &dashboard.concentration {
                        tr {
                            th scope="row" { a href=(stats_href(&c.country)) { (c.country) } }
                            td.number { (c.n_ties) }
                            td.number { (c.n_partner_countries) }
                            td.number { @match c.hhi { Some(h) => { (format!("{h:.3}")) } None => { "–" } } }
                            td { @if let Some((country, n)) = &c.top_partner { (country) " (" (n) ")" } }
                        }
                    }
                }
            }
            (table_csv(DashboardTable::Concentration, "the concentration"))
        }
        section #figures {
            h2 { "Reported figures against the data" }
            @if dashboard.figures.is_empty() {
                p.empty { "No reported figures are recorded." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Figure" } th scope="col" { "Country" } th scope="col" { "As of" } th scope="col" { "Reported" }
                        th scope="col" { "Computed" } th scope="col" { "Coverage" } th scope="col" { "At most" } th scope="col" { "Reporter" }
                    } }
                    tbody {
                        @for f in &dashboard.figures {
                            tr {
                                td { (f.metric.replace('_', " ")) @if let Some(c) = &f.partner_continent { " (partners in " (c) ")" } }
                                td { a href={"/api/v1/stats?country=" (encode(&f.country))} { (f.country) } }
                                td { (f.as_of.to_string()) }
                                td.number { (format_number(f.reported)) }
                                td.number { @match f.computed { Some(v) => { (format_number(v)) } None => { "–" } } }
                                td.number { @match f.coverage_percent { Some(v) => { (format!("{v:.0} %")) } None => { "–" } } }
                                td.number { @match f.computed_upper { Some(v) => { (format_number(v)) } None => { "–" } } }
                                td { (f.reporter.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
                p { a href="/api/v1/figures" { "The figures as JSON" } }
                (table_csv(DashboardTable::Figures, "the figures"))
            }
        }
        section #quality {
            h2 { "Data quality" }
            p { (dashboard.quality.n_errors) " errors and " (dashboard.quality.n_warnings) " warnings. "
                a href="/api/v1/quality" { "The whole report as JSON" } }
            table {
                thead { tr { th scope="col" { "Check" } th scope="col" { "Severity" } th scope="col" { "Findings" } th scope="col" { "Examples" } } }
                tbody {
                    @for check in &dashboard.quality.checks {
                        tr class={"severity-" (severity(check))} {
                            td { strong { (check.check) } br; small { (check.description) } }
                            td { (severity(check)) }
                            td.number { (check.count) }
                            td { @for example in check.examples.iter().take(3) { div.example { (example) } } }
                        }
                    }
                }
            }
            (table_csv(DashboardTable::Quality, "the quality checks"))
        }
    };
    page(&frame, body)
}

/// The link to a table's rows as CSV, beside the table; `query` carries the country basis.
fn table_csv(table: DashboardTable, what: &str, query: &str) -> Markup {
    html! {
        p.exports { a.csv-link href={(table.href()) (query)} download { "Download " (what) " as CSV" } }
    }
}

/// What the country-basis control says for each basis.
fn basis_label(name: &str) -> &'static str {
    match name {
        "claim" => "the country their sources put them in (claim)",
        "both" => "both: ISO 3166's and each source's (both)",
        _ => "ISO 3166's country (iso, the default)",
    }
}

fn severity(check: &polis_analysis::quality::Check) -> &'static str {
    match check.severity {
        polis_analysis::quality::Severity::Error => "error",
        polis_analysis::quality::Severity::Warning => "warning",
    }
}

fn changes_href(year: u16) -> String {
    format!("/api/v1/changes?from={year:04}-01-01&to={year:04}-12-31")
}

fn pair_href(a: &str, b: &str) -> String {
    format!(
        "/api/v1/stats?country={}&partner_country={}",
        encode(a),
        encode(b)
    )
}

/// Signed (up, green) and terminated (down, red) ties per year, one linked bar for each
/// year that has either: a category axis, since a single tie dated 836 would otherwise
/// squeeze twelve centuries of empty years between it and the rest.
fn per_year_chart(dashboard: &Dashboard) -> Markup {
    let years = &dashboard.per_year;
    if years.is_empty() {
        return html! { p.empty { "No tie has a dated signing or termination." } };
    }
    let first = years.first().map_or(0, |y| y.year);
    let last = years.last().map_or(0, |y| y.year);
    let max_signed = years.iter().map(|y| y.signed).max().unwrap_or(0).max(1) as f64;
    let max_terminated = years.iter().map(|y| y.terminated).max().unwrap_or(0).max(1) as f64;
    let (left, top, up, down) = (40.0, 10.0, 160.0, 70.0);
    let axis = top + up;
    let height = top + up + down + 30.0;
    let bar = (WIDTH - left - 10.0) / years.len() as f64;
    let x = |i: usize| left + i as f64 * bar;
    let label_every = (years.len() as f64 / 12.0).ceil().max(1.0) as usize;
    html! {
        svg.chart viewBox=(format!("0 0 {WIDTH} {height}")) role="group"
            aria-labelledby="per-year-title" preserveAspectRatio="xMinYMin meet" {
            title #per-year-title { "Ties signed (above the line) and terminated (below) in each year that has either, " (first) "–" (last) }
            line x1=(left) x2=(WIDTH - 10.0) y1=(axis) y2=(axis) stroke="#444" {}
            text.axis x="2" y=(top + 10.0) { (max_signed as u64) }
            text.axis x="2" y=(axis + down) { (max_terminated as u64) }
            @for (i, y) in years.iter().enumerate() {
                a href=(changes_href(y.year)) {
                    @if y.signed > 0 {
                        @let h = up * y.signed as f64 / max_signed;
                        rect.signed x=(fmt(x(i) + 1.0)) y=(fmt(axis - h)) width=(fmt((bar - 2.0).max(1.0))) height=(fmt(h)) {
                            title { (y.year) ": " (y.signed) " signed" }
                        }
                    }
                    @if y.terminated > 0 {
                        @let h = down * y.terminated as f64 / max_terminated;
                        rect.terminated x=(fmt(x(i) + 1.0)) y=(fmt(axis)) width=(fmt((bar - 2.0).max(1.0))) height=(fmt(h)) {
                            title { (y.year) ": " (y.terminated) " terminated" }
                        }
                    }
                }
                @if i % label_every == 0 {
                    text.axis x=(fmt(x(i) + bar / 2.0)) y=(height - 8.0) text-anchor="middle" { (y.year) }
                }
            }
        }
        ul.legend {
            li { span.swatch.status-active aria-hidden="true" {} "signed" }
            li { span.swatch.status-terminated aria-hidden="true" {} "terminated" }
        }
    }
}

/// A horizontal bar chart of labelled values, each bar linking to its rows.
fn bar_chart(title: &str, rows: &[(String, f64, String)]) -> Markup {
    if rows.is_empty() {
        return html! { p.empty { "Nothing to chart." } };
    }
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let (label_width, row_height) = (110.0, 22.0);
    let height = row_height * rows.len() as f64 + 4.0;
    let room = WIDTH - label_width - 80.0;
    html! {
        svg.chart viewBox=(format!("0 0 {WIDTH} {height}")) role="group" aria-label=(title) preserveAspectRatio="xMinYMin meet" {
            title { (title) }
            @for (i, (label, value, href)) in rows.iter().enumerate() {
                @let y = 2.0 + i as f64 * row_height;
                a href=(href) {
                    text.label x=(label_width - 6.0) y=(fmt(y + 15.0)) text-anchor="end" { (label) }
                    rect.bar x=(label_width) y=(fmt(y + 3.0)) width=(fmt((room * value / max).max(1.0))) height=(row_height - 6.0) {
                        title { (label) ": " (display(*value)) }
                    }
                    text.value x=(fmt(label_width + (room * value / max).max(1.0) + 6.0)) y=(fmt(y + 15.0)) { (display(*value)) }
                }
            }
        }
    }
}

fn display(value: f64) -> String {
    if value.fract() == 0.0 {
        format_number(value)
    } else {
        format!("{value:.3}")
    }
}

fn fmt(value: f64) -> String {
    format!("{value:.1}")
}
