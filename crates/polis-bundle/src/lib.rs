//! The bundle format (`docs/bundle-format.md`): a directory holding `bundle.toml` and any
//! number of other `.toml` files, each with arrays of records (`[[place]]`, `[[tie]]`, ...).
//! Reading maps every record back to its file and line, so that errors can name them;
//! writing is canonical (sorted, one file per record kind), so that export, import, export
//! gives the same bytes.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use polis_core::{
    Activity, Actor, Batch, Dataset, Document, Membership, Network, Place, Relation,
    ReportedFigure, Source, Tie, Violation,
};
use serde::{Deserialize, Serialize};

/// The format name every `bundle.toml` declares.
pub const FORMAT: &str = "polis-bundle";
/// The format version this build reads and writes.
pub const VERSION: u32 = 1;
/// The largest file a bundle may hold, to keep a mistaken path from eating memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What `bundle.toml` says about the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    pub name: String,
    pub description: Option<String>,
}

/// Where a record was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line of the record's `[[kind]]` header, where there is one.
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// Why a bundle could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a polis bundle: {problem}")]
    NotABundle { path: PathBuf, problem: String },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    source: Vec<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    batch: Vec<Batch>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    place: Vec<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tie: Vec<Tie>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    network: Vec<Network>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    membership: Vec<Membership>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    actor: Vec<Actor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    relation: Vec<Relation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    activity: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    document: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    figure: Vec<ReportedFigure>,
}

/// The record kinds, as bundles name their tables.
const KINDS: &[&str] = &[
    "source",
    "batch",
    "place",
    "tie",
    "network",
    "membership",
    "actor",
    "relation",
    "activity",
    "document",
    "figure",
];

/// A bundle read from disk: its records and where each came from.
#[derive(Debug, Default)]
pub struct Bundle {
    pub manifest: Manifest,
    pub data: Dataset,
    origins: BTreeMap<&'static str, Vec<Location>>,
}

impl Bundle {
    /// Where the `index`-th record of kind `record` (as in a [`Violation`]) was read from.
    pub fn locate(&self, record: &str, index: usize) -> Option<&Location> {
        self.origins.get(record).and_then(|list| list.get(index))
    }

    /// A violation, prefixed with the file and line of its record when it came from here.
    pub fn describe(&self, violation: &Violation) -> String {
        match self.locate(violation.record, violation.index) {
            Some(location) => format!("{location}: {violation}"),
            None => format!("(in the database): {violation}"),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads a bundle: a directory with `bundle.toml`, or a single `.toml` file that declares
/// `format` and `version` itself. Files are read in path order, subdirectories included.
pub fn read(path: &Path) -> Result<Bundle, BundleError> {
    let metadata = std::fs::metadata(path).map_err(io(path))?;
    let (manifest_path, files) = if metadata.is_dir() {
        let manifest_path = path.join("bundle.toml");
        if !manifest_path.is_file() {
            return Err(BundleError::NotABundle {
                path: path.to_owned(),
                problem: "the directory has no bundle.toml; a bundle directory starts with one that says format = \"polis-bundle\" and version = 1".into(),
            });
        }
        let mut files = Vec::new();
        collect_toml_files(path, &mut files)?;
        files.sort();
        (manifest_path, files)
    } else {
        (path.to_owned(), vec![path.to_owned()])
    };

    let mut contents = Vec::with_capacity(files.len());
    for file_path in files {
        let size = std::fs::metadata(&file_path).map_err(io(&file_path))?.len();
        if size > MAX_FILE_BYTES {
            return Err(BundleError::Invalid {
                path: file_path,
                message: format!(
                    "the file is {size} bytes; bundle files hold at most {MAX_FILE_BYTES}: split it"
                ),
            });
        }
        let bytes = std::fs::read(&file_path).map_err(io(&file_path))?;
        contents.push((file_path, bytes));
    }
    read_files(path, &manifest_path, contents)
}

/// Reads a bundle from files already in memory (an embedded bundle): `manifest_path` names
/// the `bundle.toml` among `files`, and `path` names the bundle in errors.
pub fn read_files(
    path: &Path,
    manifest_path: &Path,
    files: Vec<(PathBuf, Vec<u8>)>,
) -> Result<Bundle, BundleError> {
    let mut bundle = Bundle::default();
    for kind in KINDS {
        bundle.origins.insert(kind, Vec::new());
    }
    let mut saw_manifest = false;
    for (file_path, bytes) in files {
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            BundleError::Syntax {
                path: file_path.clone(),
                line,
                message: "invalid UTF-8: bundle files are UTF-8 text".into(),
            }
        })?;
        // A byte-order mark is no text: TOML would reject it and it would hide the first
        // line's `[[kind]]` header from the line count.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let file: File = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|span| 1 + text[..span.start.min(text.len())].matches('\n').count())
                .unwrap_or(1);
            BundleError::Syntax {
                path: file_path.clone(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        let is_manifest = file_path == manifest_path;
        if is_manifest {
            saw_manifest = true;
            check_manifest(&file_path, &file)?;
            bundle.manifest = Manifest {
                name: file.name.clone().unwrap_or_default(),
                description: file.description.clone(),
            };
        } else if file.format.is_some() || file.version.is_some() {
            return Err(BundleError::Invalid {
                path: file_path,
                message: "`format` and `version` belong in bundle.toml only".into(),
            });
        }
        add_file(&mut bundle, &file_path, &text, file);
    }
    if !saw_manifest {
        return Err(BundleError::NotABundle {
            path: path.to_owned(),
            problem: "no manifest was read".into(),
        });
    }
    Ok(bundle)
}

fn check_manifest(path: &Path, file: &File) -> Result<(), BundleError> {
    match file.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(BundleError::NotABundle {
                path: path.to_owned(),
                problem: format!("format = \"{other}\"; expected format = \"{FORMAT}\""),
            });
        }
        None => {
            return Err(BundleError::NotABundle {
                path: path.to_owned(),
                problem: format!(
                    "no `format` key; add format = \"{FORMAT}\" and version = {VERSION}"
                ),
            });
        }
    }
    match file.version {
        Some(VERSION) => Ok(()),
        Some(other) => Err(BundleError::NotABundle {
            path: path.to_owned(),
            problem: format!("version = {other}; this polis reads version {VERSION}"),
        }),
        None => Err(BundleError::NotABundle {
            path: path.to_owned(),
            problem: format!("no `version` key; add version = {VERSION}"),
        }),
    }
}

fn collect_toml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), BundleError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(io(&path))?;
        if file_type.is_dir() {
            collect_toml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// The 1-based lines of every `[[kind]]` header in a file, in order.
fn header_lines(text: &str, kind: &str) -> Vec<usize> {
    let header = format!("[[{kind}]]");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            line == header || line.starts_with(&format!("{header} "))
        })
        .map(|(n, _)| n + 1)
        .collect()
}

fn add_file(bundle: &mut Bundle, path: &Path, text: &str, file: File) {
    let mut note = |kind: &'static str, count: usize| {
        let lines = header_lines(text, kind);
        let list = bundle.origins.get_mut(kind).expect("every kind has a list");
        for i in 0..count {
            list.push(Location {
                file: path.to_owned(),
                // Headers and records line up unless the file wrote records inline.
                line: (lines.len() == count).then(|| lines[i]),
            });
        }
    };
    note("source", file.source.len());
    note("batch", file.batch.len());
    note("place", file.place.len());
    note("tie", file.tie.len());
    note("network", file.network.len());
    note("membership", file.membership.len());
    note("actor", file.actor.len());
    note("relation", file.relation.len());
    note("activity", file.activity.len());
    note("document", file.document.len());
    note("figure", file.figure.len());
    let data = &mut bundle.data;
    data.sources.extend(file.source);
    data.batches.extend(file.batch);
    data.places.extend(file.place);
    data.ties.extend(file.tie);
    data.networks.extend(file.network);
    data.memberships.extend(file.membership);
    data.actors.extend(file.actor);
    data.relations.extend(file.relation);
    data.activities.extend(file.activity);
    data.documents.extend(file.document);
    data.figures.extend(file.figure);
}

/// The canonical files of a bundle holding `data`: names and contents, in writing order.
/// Records are sorted by id; a kind with no records gets no file.
pub fn to_files(manifest: &Manifest, data: &Dataset) -> Result<Vec<(String, String)>, BundleError> {
    let mut data = data.clone();
    data.sort();
    let header =
        "# A polis bundle: see docs/bundle-format.md. Written by `polis export bundle`.\n\n";
    let manifest_file = File {
        format: Some(FORMAT.into()),
        version: Some(VERSION),
        name: Some(manifest.name.clone()),
        description: manifest.description.clone(),
        ..File::default()
    };
    let mut files = vec![("bundle.toml".to_owned(), manifest_file)];
    let mut add = |name: &str, file: File| files.push((name.to_owned(), file));
    add(
        "sources.toml",
        File {
            source: data.sources,
            ..File::default()
        },
    );
    add(
        "batches.toml",
        File {
            batch: data.batches,
            ..File::default()
        },
    );
    add(
        "places.toml",
        File {
            place: data.places,
            ..File::default()
        },
    );
    add(
        "ties.toml",
        File {
            tie: data.ties,
            ..File::default()
        },
    );
    add(
        "networks.toml",
        File {
            network: data.networks,
            membership: data.memberships,
            ..File::default()
        },
    );
    add(
        "actors.toml",
        File {
            actor: data.actors,
            relation: data.relations,
            ..File::default()
        },
    );
    add(
        "activities.toml",
        File {
            activity: data.activities,
            ..File::default()
        },
    );
    add(
        "documents.toml",
        File {
            document: data.documents,
            ..File::default()
        },
    );
    add(
        "figures.toml",
        File {
            figure: data.figures,
            ..File::default()
        },
    );
    let mut out = Vec::new();
    for (name, file) in files {
        let is_empty = name != "bundle.toml"
            && toml::to_string(&file)
                .map(|t| t.trim().is_empty())
                .unwrap_or(false);
        if is_empty {
            continue;
        }
        let body = toml::to_string_pretty(&file).map_err(|e| BundleError::Invalid {
            path: PathBuf::from(&name),
            message: format!("cannot write: {e}"),
        })?;
        out.push((name, format!("{header}{body}")));
    }
    Ok(out)
}

/// Writes `data` as a bundle directory at `path`. The directory must not exist, be empty,
/// or be an earlier bundle (it has a `bundle.toml`), whose `.toml` files are replaced. The
/// new files are written beside it first and moved in place, so a failure leaves the old
/// bundle as it was.
pub fn write(path: &Path, manifest: &Manifest, data: &Dataset) -> Result<usize, BundleError> {
    let files = to_files(manifest, data)?;
    if path.exists() {
        let is_bundle = path.join("bundle.toml").is_file();
        let is_empty = std::fs::read_dir(path).map_err(io(path))?.next().is_none();
        if !path.is_dir() || !(is_bundle || is_empty) {
            return Err(BundleError::Invalid {
                path: path.to_owned(),
                message: "exists and is not a bundle directory; give a new or empty directory, or an earlier export".into(),
            });
        }
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = parent.join(format!(
        ".{}.writing-{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("bundle"),
        std::process::id()
    ));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    for (name, contents) in &files {
        let file_path = staging.join(name);
        std::fs::write(&file_path, contents).map_err(io(&file_path))?;
    }
    if path.exists() {
        let mut old = Vec::new();
        collect_toml_files(path, &mut old)?;
        for file in old {
            std::fs::remove_file(&file).map_err(io(&file))?;
        }
        for (name, _) in &files {
            let from = staging.join(name);
            let to = path.join(name);
            std::fs::rename(&from, &to).map_err(io(&to))?;
        }
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    } else {
        std::fs::rename(&staging, path).map_err(io(path))?;
    }
    Ok(files.len())
}
