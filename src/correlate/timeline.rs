//! What the correlator produces: the window, the entries of the draft, and the summary.

use crate::event::SourceRef;
use crate::time::Nanos;
use std::sync::Arc;

/// The outage window, the start of the look-back before it and the end of the look-ahead
/// after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub lookback: Nanos,
    pub from: Nanos,
    pub to: Nanos,
    /// Where the look-ahead ends: the closures of what opened in the window (an alert's
    /// resolution, the errors' recovery, a rollback's end) are looked for until then. `to`
    /// when nothing was open at the window's end, and the look-ahead was not read.
    pub ahead: Nanos,
}

impl Window {
    pub fn contains(&self, t: Nanos) -> bool {
        self.from <= t && t <= self.to
    }

    /// The window or its look-back: where changes are looked for.
    pub fn reaches(&self, t: Nanos) -> bool {
        self.lookback <= t && t <= self.to
    }

    /// In the look-ahead: after the window, where only closures are drafted.
    pub fn after(&self, t: Nanos) -> bool {
        self.to < t && t <= self.ahead
    }
}

/// The entry kinds of CONTRACT.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    Alert,
    Deploy,
    Change,
    Error,
    Warning,
    Recovery,
    Restart,
    Scale,
    Oncall,
    Info,
    /// A metric series past its threshold or baseline.
    Metric,
}

impl EntryKind {
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Alert => "alert",
            EntryKind::Deploy => "deploy",
            EntryKind::Change => "change",
            EntryKind::Error => "error",
            EntryKind::Warning => "warning",
            EntryKind::Recovery => "recovery",
            EntryKind::Restart => "restart",
            EntryKind::Scale => "scale",
            EntryKind::Oncall => "oncall",
            EntryKind::Metric => "metric",
            EntryKind::Info => "info",
        }
    }

    /// Which entries survive `--max-entries` first: what changed and what paged, then what
    /// crashed, then errors (by how many there were), then scaling, then warnings.
    pub(super) fn class(self) -> u8 {
        match self {
            EntryKind::Alert
            | EntryKind::Recovery
            | EntryKind::Deploy
            | EntryKind::Change
            | EntryKind::Oncall => 0,
            EntryKind::Restart => 1,
            EntryKind::Error | EntryKind::Info => 2,
            EntryKind::Scale | EntryKind::Metric => 3,
            EntryKind::Warning => 4,
        }
    }

    /// Entries whose count is a flood worth stating ("2,341 more until 15:35").
    pub fn folds(self) -> bool {
        matches!(
            self,
            EntryKind::Error | EntryKind::Warning | EntryKind::Restart | EntryKind::Scale
        )
    }
}

/// The turning points of an outage that a postmortem's timeline is built around.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Milestone {
    Begins,
    Detected,
    /// The incident was escalated or a responder joined.
    Escalated,
    Mitigation,
    Recovered,
}

impl Milestone {
    pub fn words(self) -> &'static str {
        match self {
            Milestone::Begins => "outage begins",
            Milestone::Detected => "detected",
            Milestone::Escalated => "escalated",
            Milestone::Mitigation => "mitigation",
            Milestone::Recovered => "recovered",
        }
    }
}

/// One line of the draft.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: EntryKind,
    /// The bold word that opens the line: `Alert`, `Deploy`, `Rollback`, `OOM kill`…
    pub label: &'static str,
    pub service: Option<String>,
    /// What happened, without the time, the count or the citation.
    pub text: String,
    pub count: u64,
    pub first: Nanos,
    pub last: Nanos,
    pub suspect: bool,
    /// Why a change is suspected of triggering the outage (the suspect and the other
    /// candidates with evidence).
    pub evidence: Option<Evidence>,
    /// A change that failed (a deploy's outcome, an errored apply): evidence of its own.
    pub failed: bool,
    pub milestone: Option<Milestone>,
    /// A closure found in the look-ahead, after the window's end.
    pub after_window: bool,
    /// For an alert that fired: when the draft found it resolved (the chart's bar ends there).
    pub resolved: Option<Nanos>,
    /// The first event of the entry in each file it drew on (at most five).
    pub sources: Vec<SourceRef>,
}

impl Entry {
    /// An entry of one occurrence at `time`, citing `sources`, of which nothing more is said
    /// yet (no suspect, milestone or resolution): the draft says the rest as it learns it.
    pub fn new(
        kind: EntryKind,
        label: &'static str,
        service: Option<String>,
        text: String,
        time: Nanos,
        sources: Vec<SourceRef>,
    ) -> Entry {
        Entry {
            kind,
            label,
            service,
            text,
            count: 1,
            first: time,
            last: time,
            suspect: false,
            evidence: None,
            failed: false,
            milestone: None,
            after_window: false,
            resolved: None,
            sources,
        }
    }
}

/// What ties a change to the outage, as the draft says it.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// Strong enough for "suspected trigger"; else "possible trigger".
    pub likely: bool,
    /// `checkout's errors began 21 minutes after it; it failed`.
    pub words: String,
}

impl Evidence {
    /// `suspected trigger` or `possible trigger`, as evidence allows.
    pub fn hedge(&self) -> &'static str {
        if self.likely {
            "suspected trigger"
        } else {
            "possible trigger"
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Impact {
    pub requests: u64,
    pub failed_or_slow: u64,
    pub ratio: f64,
    /// The same ratio over the look-back, when it had requests.
    pub baseline: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Summary {
    /// When errors rose above their baseline (or, without a baseline, the first symptom).
    pub start: Option<Nanos>,
    /// When they returned to it.
    pub end: Option<Nanos>,
    /// Without a start: whether the window still holds errors, crashes or OOM kills, none of
    /// which repeated or rose above their baseline (the draft must not say there were none).
    pub isolated: bool,
    /// The first alert or page in the window.
    pub detected: Option<Nanos>,
    pub suspect: Option<Entry>,
    /// Other changes with evidence, next in rank after the suspect (at most two).
    pub others: Vec<Entry>,
    /// With an outage: how many changes lay in the look-back before it (of which none was
    /// tied to it, when there is no suspect). `None` without an outage.
    pub changes_before: Option<usize>,
    pub impact: Option<Impact>,
}

/// A source's clock that is off: declared in `reconstruct.toml` (and corrected), or estimated
/// from what two sources both logged (and only said).
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    /// The source, as cited.
    pub path: Arc<str>,
    /// Declared: what was added to its times. Estimated: how far it runs behind `against`.
    pub offset: Nanos,
    /// The source it was compared with, when estimated.
    pub against: Option<Arc<str>>,
    /// How many sightings agree on the estimate.
    pub matches: usize,
    /// What the sightings were: `the same request ids`, `the same error lines`.
    pub by: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub window: Window,
    /// Clocks that are off, declared first, then estimated.
    pub clocks: Vec<Clock>,
    pub entries: Vec<Entry>,
    /// Candidate entries cut by `--max-entries`.
    pub omitted: usize,
    pub summary: Summary,
}

/// Drafting settings from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub max_entries: usize,
    /// A request slower than this counts as affected.
    pub slow: Nanos,
}
