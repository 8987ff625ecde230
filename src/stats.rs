//! What was read, for the `stats` block, `--stats` and `--verbose`: a responder must be able
//! to see that nothing was silently lost.

use crate::format::{FileCounts, Format};

/// Totals over all inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    /// Events in the window.
    pub events: u64,
    /// Inputs not used, with the reason.
    pub skipped: Vec<Skipped>,
    /// Every line read, by what became of it, over all inputs (`lines` and `unparsed()` are
    /// the JSON block's `lines` and `unparsed_lines`).
    pub totals: FileCounts,
    /// The same for each input read, in the order they were found.
    pub inputs: Vec<InputStats>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputStats {
    pub path: String,
    /// The format detected, when one was.
    pub format: Option<Format>,
    /// Its name, a site's format by the name `reconstruct.toml` gives it.
    pub format_name: Option<String>,
    pub counts: FileCounts,
}

impl Stats {
    /// The first input with unparsed lines in range, and the first such line: where to look.
    pub fn first_unparsed_in_range(&self) -> Option<(&str, u64)> {
        self.inputs.iter().find_map(|i| {
            let line = i.counts.first_unparsed_in_range?;
            Some((i.path.as_str(), line))
        })
    }
}
