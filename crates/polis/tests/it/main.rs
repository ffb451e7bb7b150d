//! End-to-end tests of the `polis` binary: each runs the real binary on a fresh database in
//! a temporary directory, as a user would.

mod bad_input;
mod browser;
mod bundles;
mod cases;
mod imports;
mod postgres;
mod queries;
mod servers;
mod team;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh database in a temporary directory, and a way to run `polis` on it.
pub struct Polis {
    pub dir: tempfile::TempDir,
}

/// What one run printed, and whether it succeeded.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        assert!(self.ok, "command failed: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Default for Polis {
    fn default() -> Self {
        Self::new()
    }
}

impl Polis {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // An empty config file, so that a developer's own config does not leak into tests.
        std::fs::write(dir.path().join("polis.toml"), "").expect("write the config");
        Self { dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("polis.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_polis"))
            .args(args)
            .env("POLIS_DB", self.db())
            .env("POLIS_CONFIG", self.dir.path().join("polis.toml"))
            .env_remove("POLIS_LOG")
            // The gazetteer's index cache, shared by the tests and kept out of the home folder.
            .env(
                "POLIS_CACHE_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"),
            )
            .output()
            .expect("polis runs");
        Run {
            ok: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs and asserts success.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert!(run.ok, "polis {args:?} failed:\n{}", run.stderr);
        run
    }
}

/// The repository's root, for the committed example and reference bundles.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

pub fn example_bundle() -> String {
    repo_root().join("data/example").display().to_string()
}

/// Writes a single-file bundle with `records` after the manifest.
pub fn write_bundle(polis: &Polis, name: &str, records: &str) -> String {
    let path = polis.path(name);
    let text = format!("format = \"polis-bundle\"\nversion = 1\nname = \"test\"\n\n{records}");
    std::fs::write(&path, text).expect("write the bundle");
    path.display().to_string()
}
