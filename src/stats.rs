//! What was read, for the `stats` block and `--verbose`: a responder must be able to see that
//! nothing was silently lost.

/// Totals over all inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    pub lines: u64,
    /// Events in the window.
    pub events: u64,
    pub unparsed_lines: u64,
    /// Inputs not used, with the reason.
    pub skipped: Vec<Skipped>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}
