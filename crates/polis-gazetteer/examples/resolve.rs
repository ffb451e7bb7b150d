//! Resolves one name from the command line and prints the ranked candidates:
//! `cargo run --release -p polis-gazetteer --example resolve -- "Praha" "Czech Republic"`.

use std::io::Write;

use polis_gazetteer::Gazetteer;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        eprintln!("usage: resolve NAME [COUNTRY]");
        std::process::exit(2);
    };
    let country = args.next();
    let gazetteer = match Gazetteer::embedded() {
        Ok(gazetteer) => gazetteer,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    // Writing stops quietly when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    if let Some(country) = &country {
        let found = gazetteer.resolve_country(country);
        if writeln!(out, "country field {country:?} -> {found:?}").is_err() {
            return;
        }
    }
    for candidate in gazetteer.resolve(&name, country.as_deref()) {
        let place = &candidate.place;
        let written = writeln!(
            out,
            "{:.3}  {} [{}] {} / {} / {}  ({:?}, {:?})  pop {:?}  id {:?}  {:?}\n       {}",
            candidate.confidence,
            place.name,
            place.level.as_str(),
            place.country,
            place.admin1_name.as_deref().unwrap_or("-"),
            place.admin2_name.as_deref().unwrap_or("-"),
            place.lat,
            place.lon,
            place.population,
            place.geonameid,
            place.subdivision,
            candidate.explanation()
        );
        if written.is_err() {
            return;
        }
    }
}
