//! The built-in reference dataset (`data/reference/`), compiled into the binary so that
//! `polis init` and a first `polis serve` need no files.

use std::path::{Path, PathBuf};

use crate::AppError;

/// How the reference dataset is named in the audit log and in errors.
pub(crate) const LABEL: &str = "data/reference";

#[derive(rust_embed::Embed)]
#[folder = "../../data/reference/"]
#[include = "*.toml"]
#[include = "**/*.toml"]
struct ReferenceDataset;

/// The reference dataset, read as a bundle.
pub(crate) fn bundle() -> Result<polis_bundle::Bundle, AppError> {
    let root = Path::new(LABEL);
    let files: Vec<(PathBuf, Vec<u8>)> = ReferenceDataset::iter()
        .filter_map(|name| {
            ReferenceDataset::get(&name)
                .map(|file| (root.join(name.as_ref()), file.data.into_owned()))
        })
        .collect();
    polis_bundle::read_files(root, &root.join("bundle.toml"), files).map_err(|error| {
        AppError::Internal(format!(
            "the built-in reference dataset does not read; this is a bug in this build: {error}"
        ))
    })
}
