//! What `-v` says of each input.

use crate::format::{FileCounts, Format};
use std::sync::Arc;

/// A line of detail for `--verbose`, written out only when printed: naming a file's time
/// layout runs the locator, whose table is compiled on first use.
pub enum Note {
    File(Box<FileNote>),
    Said(String),
}

/// How one input was read.
pub struct FileNote {
    pub(super) path: String,
    /// The format detected and its name (a site's as `reconstruct.toml` names it).
    pub(super) format: Option<(Format, String)>,
    /// The first line its format read, where the time's layout is named.
    pub(super) stamped: Option<Arc<str>>,
    pub(super) reading: String,
    pub(super) counts: FileCounts,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = match self {
            Note::Said(said) => return f.write_str(said),
            Note::File(file) => file,
        };
        let c = &file.counts;
        write!(
            f,
            "{}: {}, {}, {} lines: {} parsed in range, {} outside, {} continuation, {} blank, {} unparsed",
            file.path,
            match &file.format {
                Some((format, name)) => name.clone() + &format.details(file.stamped.as_deref()),
                None => "no format".to_string(),
            },
            file.reading,
            c.lines,
            c.parsed,
            c.outside,
            c.continuations,
            c.blank,
            c.unparsed()
        )
    }
}
