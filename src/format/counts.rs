//! How one input's lines were accounted for.

/// How one input's lines were accounted for: every line read (or counted while seeking past
/// it) is exactly one of parsed, outside, continuation, blank or unparsed for one of three
/// reasons, so that a responder can see that nothing was silently lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub lines: u64,
    /// Lines that gave events in range (the window and its look-back).
    pub parsed: u64,
    /// Lines whose time fell outside the range, or that were seeked past.
    pub outside: u64,
    /// Lines folded into the event before them: stack traces, wrapped messages, the inner
    /// lines of a JSON document.
    pub continuations: u64,
    pub blank: u64,
    /// Unparsed: in no format that could be recognised (or past a JSON document's break).
    pub unrecognised: u64,
    /// Unparsed: only a time of day, and nothing to date it.
    pub undatable: u64,
    /// Unparsed: past the size limit of a whole JSON document.
    pub too_large: u64,
    /// Events the parsed lines gave (an alert payload can give two).
    pub events: u64,
    /// Unparsed lines next to a parsed line in range (before or after it), for `--strict`.
    pub unparsed_in_range: u64,
    /// The first of them.
    pub first_unparsed_in_range: Option<u64>,
    /// The first unparsed line, for the warning that names it.
    pub first_unparsed: Option<u64>,
}

impl FileCounts {
    pub fn unparsed(&self) -> u64 {
        self.unrecognised + self.undatable + self.too_large
    }

    /// Whether the parts add up to the lines: the check that nothing was lost.
    pub fn adds_up(&self) -> bool {
        self.parsed + self.outside + self.continuations + self.blank + self.unparsed() == self.lines
    }

    /// Adds another input's counts (for totals).
    pub fn absorb(&mut self, other: &FileCounts) {
        self.lines += other.lines;
        self.parsed += other.parsed;
        self.outside += other.outside;
        self.continuations += other.continuations;
        self.blank += other.blank;
        self.unrecognised += other.unrecognised;
        self.undatable += other.undatable;
        self.too_large += other.too_large;
        self.events += other.events;
        self.unparsed_in_range += other.unparsed_in_range;
    }
}
