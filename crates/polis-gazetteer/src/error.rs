//! The crate's error type. Resolution never fails (an unknown name gives no candidates), so
//! the only errors are about the embedded data, which would mean a broken build.

/// Why the embedded gazetteer could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerError {
    /// The embedded `gazetteer.tsv.gz` is not a valid gzip stream.
    #[error("embedded gazetteer data could not be decompressed: {message}")]
    Decompress {
        /// The decompressor's message.
        message: String,
    },
    /// A line of the embedded data does not have the expected shape.
    #[error("embedded gazetteer data, line {line}: {message}")]
    Format {
        /// 1-based line number in the decompressed text.
        line: usize,
        /// What was expected and what was found.
        message: String,
    },
}
