//! Exports of the tie network for other tools: CSV (one row per tie), GeoJSON (places as
//! points, ties as lines), GraphML (yEd, Gephi, networkx, igraph) and GEXF 1.3 with time
//! intervals, so that Gephi's timeline plays the ties' lives.
//!
//! Time intervals: a tie starts on the first day its signing date may denote and ends on the
//! last day its termination date may denote; an undated signing leaves the start open.

use std::fmt::Write as _;

use polis_core::{Dataset, Tie, status_as_of};
use serde_json::json;

use crate::PlaceIndex;

/// Escapes text for XML attribute values and content.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An ISO 8601 (and XML Schema 1.1) day; a year before year 1 in astronomical numbering with
/// a sign, as those formats write it: 800 BC is -0799.
fn day((y, m, d): (i32, u8, u8)) -> String {
    if y < 0 {
        format!("-{:04}-{m:02}-{d:02}", -y)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn interval(tie: &Tie) -> (Option<String>, Option<String>) {
    (
        tie.signed().map(|d| day(d.first_day())),
        tie.terminated().map(|d| day(d.last_day())),
    )
}

/// The places that are an end of at least one tie, in id order.
fn tied_places(data: &Dataset) -> Vec<&polis_core::Place> {
    let mut ids: Vec<&str> = data
        .ties
        .iter()
        .flat_map(|t| [t.a.as_str(), t.b.as_str()])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let places = PlaceIndex::new(data);
    ids.into_iter().filter_map(|id| places.get(id)).collect()
}

/// One row per tie: ids, names, countries, kind, dates, current status, sources.
pub fn ties_csv(data: &Dataset) -> Result<String, csv::Error> {
    let places = PlaceIndex::new(data);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "id",
        "a",
        "a_name",
        "a_country",
        "b",
        "b_name",
        "b_country",
        "kind",
        "signed",
        "terminated",
        "status",
        "one_sided",
        "sources",
    ])?;
    for tie in &data.ties {
        let name = |id: &str| places.get(id).map_or_else(String::new, |p| p.name.clone());
        let mut sources: Vec<&str> = tie
            .sources
            .iter()
            .map(String::as_str)
            .chain(tie.evidence.iter().map(|e| e.source.as_str()))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        writer.write_record([
            tie.id.as_str(),
            &tie.a,
            &name(&tie.a),
            places.country_of(&tie.a),
            &tie.b,
            &name(&tie.b),
            places.country_of(&tie.b),
            tie.kind.as_str(),
            &tie.signed().map(|d| d.to_string()).unwrap_or_default(),
            &tie.terminated().map(|d| d.to_string()).unwrap_or_default(),
            status_as_of(tie, None).status.as_str(),
            if tie.is_one_sided() { "true" } else { "false" },
            &sources.join(";"),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

/// A GeoJSON FeatureCollection: a Point per place with coordinates, and a LineString per tie
/// whose two ends both have coordinates. A place without coordinates of its own (a district
/// the gazetteer does not list, a metropolitan government no source locates) is drawn at the
/// place it lies in or at its seat, with `coordinates_from_parent: true`. Ties with an end still lacking coordinates are counted
/// in the collection's `ties_without_coordinates` property rather than dropped silently.
pub fn geojson(data: &Dataset) -> serde_json::Value {
    let places = PlaceIndex::new(data);
    let mut features = Vec::new();
    for place in tied_places(data) {
        if let Some((lat, lon, from_parent)) = places.position(&place.id) {
            features.push(json!({
                "type": "Feature",
                "id": place.id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"kind": "place", "name": place.name, "level": place.level, "country": place.country, "coordinates_from_parent": from_parent},
            }));
        }
    }
    let mut without = 0;
    for tie in &data.ties {
        let (Some((a_lat, a_lon, _)), Some((b_lat, b_lon, _))) =
            (places.position(&tie.a), places.position(&tie.b))
        else {
            without += 1;
            continue;
        };
        let (start, end) = interval(tie);
        features.push(json!({
            "type": "Feature",
            "id": tie.id,
            "geometry": {"type": "LineString", "coordinates": [[a_lon, a_lat], [b_lon, b_lat]]},
            "properties": {"kind": "tie", "tie_kind": tie.kind, "a": tie.a, "b": tie.b, "status": status_as_of(tie, None).status, "start": start, "end": end},
        }));
    }
    json!({"type": "FeatureCollection", "properties": {"ties_without_coordinates": without}, "features": features})
}

/// GraphML: places as nodes (name, country, level, lat, lon), ties as undirected edges
/// (kind, status, start, end).
pub fn graphml(data: &Dataset) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
    );
    for (id, target, name, kind) in [
        ("name", "node", "name", "string"),
        ("country", "node", "country", "string"),
        ("level", "node", "level", "string"),
        ("lat", "node", "lat", "double"),
        ("lon", "node", "lon", "double"),
        ("kind", "edge", "kind", "string"),
        ("status", "edge", "status", "string"),
        ("start", "edge", "start", "string"),
        ("end", "edge", "end", "string"),
    ] {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{target}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
        );
    }
    out.push_str("  <graph id=\"ties\" edgedefault=\"undirected\">\n");
    for place in tied_places(data) {
        let _ = write!(
            out,
            "    <node id=\"{}\"><data key=\"name\">{}</data><data key=\"country\">{}</data><data key=\"level\">{}</data>",
            xml(&place.id),
            xml(&place.name),
            xml(place.country.as_deref().unwrap_or("")),
            place.level
        );
        if let Some(c) = place.shown_coordinates() {
            let _ = write!(
                out,
                "<data key=\"lat\">{}</data><data key=\"lon\">{}</data>",
                c.lat, c.lon
            );
        }
        out.push_str("</node>\n");
    }
    for tie in &data.ties {
        let (start, end) = interval(tie);
        let _ = write!(
            out,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\"><data key=\"kind\">{}</data><data key=\"status\">{}</data>",
            xml(&tie.id),
            xml(&tie.a),
            xml(&tie.b),
            tie.kind,
            status_as_of(tie, None).status
        );
        if let Some(s) = start {
            let _ = write!(out, "<data key=\"start\">{s}</data>");
        }
        if let Some(e) = end {
            let _ = write!(out, "<data key=\"end\">{e}</data>");
        }
        out.push_str("</edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// GEXF 1.3 with a dynamic graph: each tie is an edge with `start` and `end` dates.
pub fn gexf(data: &Dataset) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n  <meta><creator>polis</creator><description>City ties; edge intervals run from signing to termination</description></meta>\n  <graph mode=\"dynamic\" defaultedgetype=\"undirected\" timeformat=\"date\">\n",
    );
    out.push_str("    <attributes class=\"node\"><attribute id=\"country\" title=\"country\" type=\"string\"/><attribute id=\"level\" title=\"level\" type=\"string\"/><attribute id=\"lat\" title=\"lat\" type=\"double\"/><attribute id=\"lon\" title=\"lon\" type=\"double\"/></attributes>\n");
    out.push_str("    <attributes class=\"edge\"><attribute id=\"kind\" title=\"kind\" type=\"string\"/><attribute id=\"status\" title=\"status\" type=\"string\"/></attributes>\n    <nodes>\n");
    for place in tied_places(data) {
        let _ = write!(
            out,
            "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"country\" value=\"{}\"/><attvalue for=\"level\" value=\"{}\"/>",
            xml(&place.id),
            xml(&place.name),
            xml(place.country.as_deref().unwrap_or("")),
            place.level
        );
        if let Some(c) = place.shown_coordinates() {
            let _ = write!(
                out,
                "<attvalue for=\"lat\" value=\"{}\"/><attvalue for=\"lon\" value=\"{}\"/>",
                c.lat, c.lon
            );
        }
        out.push_str("</attvalues></node>\n");
    }
    out.push_str("    </nodes>\n    <edges>\n");
    for tie in &data.ties {
        let (start, end) = interval(tie);
        let _ = write!(
            out,
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\"",
            xml(&tie.id),
            xml(&tie.a),
            xml(&tie.b)
        );
        if let Some(s) = start {
            let _ = write!(out, " start=\"{s}\"");
        }
        if let Some(e) = end {
            let _ = write!(out, " end=\"{e}\"");
        }
        let _ = writeln!(
            out,
            "><attvalues><attvalue for=\"kind\" value=\"{}\"/><attvalue for=\"status\" value=\"{}\"/></attvalues></edge>",
            tie.kind,
            status_as_of(tie, None).status
        );
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}
