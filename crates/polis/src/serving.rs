//! `polis serve`: the web UI and the REST API over the database. A first run creates the
//! database with the reference dataset; the URL is printed once the server really listens,
//! and `--open` hands it to a browser where one can start.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context;

use crate::settings::Settings;
use crate::{OrCli, location, resolver, who};

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(
    settings: &Settings,
    addr: SocketAddr,
    config: polis_http::HttpConfig,
    open: bool,
) -> anyhow::Result<()> {
    let app = app_created_on_first_run(settings).await?;
    let addr = with_a_port(addr)?;
    eprintln!("database: {}", app.location());
    let server = tokio::spawn(polis_http::serve_with_config(app, addr, config));
    // The server loads its snapshot before it binds, which takes seconds on a large
    // database: the URL is printed (and the browser opened) only once a connection succeeds,
    // so that whoever follows it finds a server answering.
    let reachable = reachable_address(addr);
    while tokio::net::TcpStream::connect(reachable).await.is_err() {
        if server.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if !server.is_finished() {
        let url = format!("http://{reachable}/");
        crate::out!("{url}");
        eprintln!(
            "polis serves the web UI on {url} (the map) and the API on {url}api/v1; Ctrl-C stops it"
        );
        if open {
            open_in_a_browser(&url);
        }
    }
    server
        .await
        .context("the server's task failed")?
        .context("the server stopped")
}

/// The app over the database; where there is no database yet (no SQLite file, or a
/// PostgreSQL schema without a polis store), creates it and loads the built-in reference
/// dataset as `polis init` does, so that a new user sees data at once. An existing database
/// is used as it is: the reference dataset is never laid again over a store that others
/// (another server on the same PostgreSQL schema) may have changed since.
async fn app_created_on_first_run(settings: &Settings) -> anyhow::Result<polis_app::App> {
    let location = location(settings)?;
    match polis_app::App::open_existing(location.clone(), resolver(settings)).await {
        Ok(app) => return Ok(app),
        Err(polis_app::AppError::NoDatabase(_)) => {}
        Err(error) => return Err(error).cli(),
    }
    eprintln!(
        "no database at {location}: creating it with the built-in reference dataset (as `polis init`)"
    );
    let app = polis_app::App::open(location.clone(), resolver(settings))
        .await
        .cli()?;
    let (name, report) = app.load_reference(&who()).await.cli().with_context(|| {
        format!(
            "the database {location} was created but the reference dataset did not load; `polis init` retries"
        )
    })?;
    eprintln!(
        "loaded the reference dataset '{name}': {} records",
        report.n_created() + report.n_updated() + report.n_unchanged()
    );
    Ok(app)
}

/// `addr` with a concrete port: port 0 asks the system for a free one. The server binds the
/// address itself (polis-http owns the listener), so the free port is found here, by binding
/// and releasing it, and the printed URL names the port the server then takes.
fn with_a_port(addr: SocketAddr) -> anyhow::Result<SocketAddr> {
    if addr.port() != 0 {
        return Ok(addr);
    }
    let probe = std::net::TcpListener::bind(addr)
        .with_context(|| format!("cannot find a free port on {}", addr.ip()))?;
    Ok(SocketAddr::new(addr.ip(), probe.local_addr()?.port()))
}

/// Where a browser on this machine reaches the server: an unspecified address (`0.0.0.0`,
/// `::`) listens on loopback too, and loopback is what a local browser can open.
fn reachable_address(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// The commands that may open a URL, in the order tried: each entry of `BROWSER` (a list
/// separated by `:`, where `%s` stands for the URL, else the URL comes last), then the
/// system's own opener.
fn browser_commands(url: &str, browser_variable: Option<&str>) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    for entry in browser_variable.unwrap_or("").split(':') {
        let mut words: Vec<String> = entry.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|word| word.contains("%s")) {
            for word in &mut words {
                *word = word.replace("%s", url);
            }
        } else {
            words.push(url.to_owned());
        }
        commands.push(words);
    }
    let system: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        // `start` is a built-in of cmd; its first quoted argument is a window title.
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let mut opener: Vec<String> = system.iter().map(|word| (*word).to_owned()).collect();
    opener.push(url.to_owned());
    commands.push(opener);
    commands
}

/// Hands `url` to the first browser command that starts. Never fails: where none starts, or
/// the one that started reports an error, it says so and the server goes on.
fn open_in_a_browser(url: &str) {
    let browser_variable = std::env::var("BROWSER").ok();
    for command in browser_commands(url, browser_variable.as_deref()) {
        let started = Command::new(&command[0])
            .args(&command[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = started else {
            continue;
        };
        let program = command[0].clone();
        let url = url.to_owned();
        // The opener usually returns at once; waiting on its own thread reaps it and reports
        // its failure without holding up the server.
        std::thread::spawn(move || match child.wait() {
            Ok(status) if status.success() => {}
            Ok(status) => eprintln!("{program} could not open a browser ({status}): open {url}"),
            Err(error) => eprintln!("{program} could not open a browser ({error}): open {url}"),
        });
        return;
    }
    eprintln!("no browser could be started (set BROWSER to choose one): open {url}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_variable_entries_come_first_with_the_url_in_place_of_percent_s() {
        let commands =
            browser_commands("http://127.0.0.1:8080/", Some("firefox --new-tab %s:lynx"));
        assert_eq!(
            commands[0],
            ["firefox", "--new-tab", "http://127.0.0.1:8080/"]
        );
        assert_eq!(commands[1], ["lynx", "http://127.0.0.1:8080/"]);
        assert_eq!(commands.len(), 3, "then the system's opener: {commands:?}");
        assert_eq!(
            commands[2].last().map(String::as_str),
            Some("http://127.0.0.1:8080/")
        );
    }

    #[test]
    fn an_unspecified_address_is_reached_on_loopback() {
        let addr: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(reachable_address(addr), "127.0.0.1:8080".parse().unwrap());
        let addr: SocketAddr = "192.0.2.1:80".parse().unwrap();
        assert_eq!(reachable_address(addr), addr);
    }

    #[test]
    fn port_zero_becomes_a_free_port() {
        let addr = with_a_port("127.0.0.1:0".parse().unwrap()).unwrap();
        assert_ne!(addr.port(), 0);
        assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
}
