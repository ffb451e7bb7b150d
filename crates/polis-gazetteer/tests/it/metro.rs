//! Metropolitan and inter-municipal governments: their designators in seven languages, and
//! the core city that becomes the seat.

use polis_gazetteer::metropolitan_designators;

use crate::gazetteer;

/// The designators taken off, the folded core left, and whether a designator only such
/// governments carry was among them.
fn designators(name: &str, country: Option<&str>) -> Option<(Vec<String>, String, bool)> {
    metropolitan_designators(name, country).map(|d| (d.designators, d.core, d.strong))
}

fn has(name: &str, country: Option<&str>, wanted: &[&str], core: &str, strong: bool) {
    let got = designators(name, country);
    let wanted = Some((
        wanted.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>(),
        core.to_owned(),
        strong,
    ));
    assert_eq!(got, wanted, "{name:?} in {country:?}");
}

#[test]
fn english_designators() {
    has(
        "Greater Manchester",
        Some("GB"),
        &["greater"],
        "manchester",
        false,
    );
    has(
        "Liverpool City Region",
        Some("GB"),
        &["city region"],
        "liverpool",
        true,
    );
    has(
        "West Midlands Combined Authority",
        Some("GB"),
        &["combined authority"],
        "west midlands",
        true,
    );
    has(
        "Liverpool City Region Combined Authority",
        Some("GB"),
        &["city region combined authority"],
        "liverpool",
        true,
    );
    has(
        "Metropolitan Washington Council of Governments",
        Some("US"),
        &["metropolitan", "council of governments"],
        "washington",
        true,
    );
    has(
        "Izmir Metropolitan Municipality",
        Some("TR"),
        &["metropolitan municipality"],
        "izmir",
        true,
    );
    has(
        "Metro Vancouver",
        Some("CA"),
        &["metro"],
        "vancouver",
        false,
    );
    has(
        "Tokyo Metropolitan Area",
        Some("JP"),
        &["metropolitan area"],
        "tokyo",
        true,
    );
    // A metropolitan borough is a borough, not a metropolitan government.
    assert_eq!(
        designators("Metropolitan Borough of Wirral", Some("GB")),
        None
    );
}

#[test]
fn french_designators() {
    has(
        "Métropole de Lyon",
        Some("FR"),
        &["metropole de"],
        "lyon",
        true,
    );
    has(
        "Métropole Européenne de Lille",
        Some("FR"),
        &["metropole europeenne de"],
        "lille",
        true,
    );
    has(
        "Aix-Marseille-Provence Métropole",
        Some("FR"),
        &["metropole"],
        "aix marseille provence",
        true,
    );
    has(
        "Eurométropole de Strasbourg",
        Some("FR"),
        &["eurometropole de"],
        "strasbourg",
        true,
    );
    has(
        "Communauté urbaine de Dunkerque",
        Some("FR"),
        &["communaute urbaine de"],
        "dunkerque",
        true,
    );
    has(
        "Communauté d'agglomération du Muretain",
        Some("FR"),
        &["communaute d agglomeration du"],
        "muretain",
        true,
    );
    has(
        "Lorient Agglomération",
        Some("FR"),
        &["agglomeration"],
        "lorient",
        true,
    );
    has("Grand Lyon", Some("FR"), &["grand"], "lyon", false);
    has(
        "Le Grand Casablanca",
        Some("MA"),
        &["grand"],
        "casablanca",
        false,
    );
    // An end's designator that leaves a start's: both come off.
    has(
        "Grand-Montauban Communauté d'Agglomération",
        Some("FR"),
        &["grand", "communaute d agglomeration"],
        "montauban",
        true,
    );
    has(
        "Quimper Communauté",
        Some("FR"),
        &["communaute"],
        "quimper",
        false,
    );
}

#[test]
fn italian_spanish_german_dutch_and_polish_designators() {
    has(
        "Città metropolitana di Roma Capitale",
        Some("IT"),
        &["citta metropolitana di"],
        "roma capitale",
        true,
    );
    has(
        "Città Metropolitana di Milano",
        Some("IT"),
        &["citta metropolitana di"],
        "milano",
        true,
    );
    has(
        "Área Metropolitana de Barcelona",
        Some("ES"),
        &["area metropolitana de"],
        "barcelona",
        true,
    );
    // Catalan writes it with a grave accent; it folds alike.
    has(
        "Àrea Metropolitana de Barcelona",
        Some("ES"),
        &["area metropolitana de"],
        "barcelona",
        true,
    );
    has(
        "Zona Metropolitana de Guadalajara",
        Some("MX"),
        &["zona metropolitana de"],
        "guadalajara",
        true,
    );
    has(
        "Distrito Metropolitano de Quito",
        Some("EC"),
        &["distrito metropolitano de"],
        "quito",
        true,
    );
    has(
        "Region Hannover",
        Some("DE"),
        &["region"],
        "hannover",
        false,
    );
    has(
        "Städteregion Aachen",
        Some("DE"),
        &["stadteregion"],
        "aachen",
        true,
    );
    has(
        "Regionalverband Ruhr",
        Some("DE"),
        &["regionalverband"],
        "ruhr",
        true,
    );
    has(
        "Verband Region Stuttgart",
        Some("DE"),
        &["verband region"],
        "stuttgart",
        true,
    );
    has(
        "Metropolregion Rhein-Neckar",
        Some("DE"),
        &["metropolregion"],
        "rhein neckar",
        true,
    );
    has(
        "Metropoolregio Rotterdam Den Haag",
        Some("NL"),
        &["metropoolregio"],
        "rotterdam den haag",
        true,
    );
    has(
        "Vervoerregio Amsterdam",
        Some("NL"),
        &["vervoerregio"],
        "amsterdam",
        true,
    );
    has(
        "Obszar Metropolitalny Gdańsk Gdynia Sopot",
        Some("PL"),
        &["obszar metropolitalny"],
        "gdansk gdynia sopot",
        true,
    );
    has(
        "Górnośląsko-Zagłębiowska Metropolia",
        Some("PL"),
        &["metropolia"],
        "gornoslasko zaglebiowska",
        true,
    );
    has(
        "Związek Metropolitalny w Warszawie",
        Some("PL"),
        &["zwiazek metropolitalny w"],
        "warszawie",
        true,
    );
}

#[test]
fn designators_used_in_some_countries_only_count_there() {
    // "Region" is a German designator, "Regio" a Dutch one; a Belgian region is not one.
    assert_eq!(designators("Region Zuid-West-Vlaanderen", Some("BE")), None);
    assert_eq!(designators("Region Hannover", None), None);
    has("Regio Twente", Some("NL"), &["regio"], "twente", false);
    assert_eq!(designators("Regio Twente", Some("DE")), None);
}

#[test]
fn ordinary_names_carry_no_designator() {
    for name in [
        "Lyon",
        "Città di Castello",
        "Metropolis",
        "Grandview",
        "Greaterville",
        "Metropole",
    ] {
        // A designator alone leaves no name: "Metropolis", "Metropole".
        assert_eq!(designators(name, Some("FR")), None, "{name}");
    }
}

/// The seat's name and country, or None for a government without a seat; the outer None
/// when the name is not a metropolitan government's.
fn seat(name: &str, country: &str) -> Option<Option<(String, String)>> {
    gazetteer()
        .resolve_metropolitan(name, Some(country))
        .map(|m| m.seat.map(|s| (s.name, s.country)))
}

fn seat_is(name: &str, country: &str, city: &str, code: &str) {
    assert_eq!(
        seat(name, country),
        Some(Some((city.to_owned(), code.to_owned()))),
        "{name:?}, {country:?}"
    );
}

#[test]
fn the_core_city_becomes_the_seat() {
    seat_is("Métropole de Lyon", "France", "Lyon", "FR");
    seat_is("Grand Lyon", "FR", "Lyon", "FR");
    seat_is("Nantes Métropole", "France", "Nantes", "FR");
    // The most populous city the core names.
    seat_is(
        "Aix-Marseille-Provence Métropole",
        "France",
        "Marseille",
        "FR",
    );
    seat_is("Greater Manchester", "United Kingdom", "Manchester", "GB");
    seat_is("Liverpool City Region", "GBR", "Liverpool", "GB");
    seat_is(
        "Città metropolitana di Roma Capitale",
        "Italy",
        "Rome",
        "IT",
    );
    seat_is(
        "Área Metropolitana de Barcelona",
        "Spain",
        "Barcelona",
        "ES",
    );
    seat_is("Region Hannover", "Germany", "Hannover", "DE");
    seat_is(
        "Metropoolregio Rotterdam Den Haag",
        "Netherlands",
        "Rotterdam",
        "NL",
    );
    seat_is(
        "Obszar Metropolitalny Gdańsk Gdynia Sopot",
        "Poland",
        "Gdańsk",
        "PL",
    );
    seat_is("Izmir Metropolitan Municipality", "Turkey", "İzmir", "TR");
}

#[test]
fn a_strong_designator_without_a_city_is_a_government_without_a_seat() {
    assert_eq!(
        seat("Górnośląsko-Zagłębiowska Metropolia", "Poland"),
        Some(None)
    );
    assert_eq!(seat("Regionalverband Ruhr", "Germany"), Some(None));
    let explanation = gazetteer()
        .resolve_metropolitan("Regionalverband Ruhr", Some("DE"))
        .map(|m| m.explanation())
        .unwrap_or_default();
    assert!(
        explanation.contains("German") && explanation.contains("no seat"),
        "{explanation}"
    );
}

#[test]
fn a_city_named_like_a_government_stays_the_city() {
    // The whole name is a city's; "Grand" and "Greater" say nothing then.
    assert_eq!(seat("Grand Rapids", "United States"), None);
    assert_eq!(seat("Greater Sudbury", "Canada"), None);
    // A weak designator whose core names no city: the name is something else.
    assert_eq!(seat("Grand Est", "France"), None);
    assert_eq!(seat("Lyon", "France"), None);
}

#[test]
fn context_after_a_comma_and_villages_named_like_words_do_not_make_a_seat() {
    // "Grand Rapids, MI" is Grand Rapids with its state, not a government of "Rapids".
    assert_eq!(seat("Grand Rapids, MI", "United States"), None);
    assert_eq!(seat("Greater Sudbury, ON", "Canada"), None);
    // The words of a territory's name are often a village's name somewhere in the country
    // ("Bassa", "Roche"); such a village is no seat.
    assert_eq!(
        seat("Unione dei Comuni della Bassa Reggiana", "Italy"),
        Some(None)
    );
    assert_eq!(
        seat(
            "Communauté de communes Au Pays de la Roche aux Fées",
            "France"
        ),
        Some(None)
    );
    // A city of its own name can be small: the whole core names it.
    seat_is("Grand Dole", "France", "Dole", "FR");
    // "Grand-" joined by a hyphen begins a commune's name, not a government's.
    assert_eq!(seat("Grand-Aigueblanche", "France"), None);
    assert_eq!(
        designators("Grand-Bourg de Marie-Galante", Some("FR")),
        None
    );
    // A strong designator still counts after a hyphenated word.
    seat_is(
        "Grand-Montauban Communauté d'Agglomération",
        "France",
        "Montauban",
        "FR",
    );
}

/// Real data: every member name of ClimActor's table of 14,706 cities and regions in climate
/// networks, with its country. The governments it names are recognised, each with a seat in
/// its own country; the cities named like them are not.
#[test]
fn real_network_member_list() {
    let Some(dir) = crate::real_data::shared_data() else {
        return;
    };
    let path = dir.join("climate-networks/subnational_contextuals_database_Dec2022.csv");
    // One line holds an invalid UTF-8 byte (the README's quirk): read it leniently.
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (name, country) = (column("name"), column("country"));
    let (lat, lng) = (column("lat"), column("lng"));
    let mut found: std::collections::BTreeMap<String, Option<String>> = Default::default();
    for row in reader.records() {
        let row = row.unwrap();
        let near = row[lat]
            .parse::<f64>()
            .ok()
            .zip(row[lng].parse::<f64>().ok());
        let Some(m) = gazetteer().resolve_metropolitan_near(&row[name], Some(&row[country]), near)
        else {
            continue;
        };
        if let (Some(seat), Some(code)) = (&m.seat, &m.country) {
            assert_eq!(
                &seat.country, code,
                "{}: seat {} abroad",
                &row[name], seat.name
            );
        }
        found.insert(row[name].to_owned(), m.seat.map(|s| s.name));
    }
    println!("{} metropolitan governments: {found:#?}", found.len());
    for (government, seat) in [
        ("Greater Manchester", Some("Manchester")),
        ("Liverpool City Region", Some("Liverpool")),
        ("Sheffield City Region", Some("Sheffield")),
        ("West Midlands Combined Authority", None),
        ("Nantes Metropole", Some("Nantes")),
        ("Eurometropole de STRASBOURG", Some("Strasbourg")),
        ("Izmir Metropolitan Municipality", Some("İzmir")),
        ("Metro Vancouver, BC", Some("Vancouver")),
        // Pianura is a quarter of Naples; this union of communes lies near Bologna.
        ("Unione dei Comuni Terre di Pianura", None),
    ] {
        assert_eq!(
            found.get(government).map(|s| s.as_deref()),
            Some(seat),
            "{government}"
        );
    }
    for city in [
        "Grand Rapids, MI",
        "Greater Sudbury, ON",
        "Grand Est",
        "Zwijndrecht",
    ] {
        assert!(
            !found.contains_key(city),
            "{city} is taken for a government"
        );
    }
    assert!(found.len() >= 60, "only {} found", found.len());
}
