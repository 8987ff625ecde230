//! Judging the merged stream into the entries a responder would keep: alerts fired and
//! resolved (one entry each, however many notifications and sources), on-call steps, deploys
//! paired with their outcome (a deploy to an earlier version is a rollback), changes and
//! scaling (also in the look-back), restart storms and OOM kills folded with a count, the first
//! occurrence of each new error or warning template with how many followed, and the
//! milestones: when the outage began, was detected, mitigated and recovered.

mod alerts;
mod deploys;
mod entries;
mod milestones;
mod summary;
#[cfg(test)]
mod tests;

use super::onset;
use super::skew;
use super::suspect::{self, NewError};
use super::template::{headline, Miner};
use super::{Entry, EntryKind, Settings, Timeline, Window};
use crate::event::{AlertState, Event, Kind, Level};
use crate::time::{Nanos, NANOS_PER_MIN};
use crate::traffic::Requests;
use entries::{entry, on, quote_cut, short, what_happened};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde_json::Value;
use summary::{rank, summarise};

/// Repeats of a restart, OOM kill or scaling this close together are one entry.
const FOLD_GAP: Nanos = 30 * NANOS_PER_MIN;
/// A deploy's start and its outcome are paired when this close.
pub(super) const DEPLOY_PAIRING: Nanos = 120 * NANOS_PER_MIN;
/// The same deploy step reported by two sources (a deploy log and a Kubernetes event).
const SAME_DEPLOY: Nanos = 10 * NANOS_PER_MIN;
/// Two alerts that name each other and start this close are one (an alert and its page).
const SAME_ALERT: Nanos = 10 * NANOS_PER_MIN;
/// A template seen in the look-back is background unless its rate in the window is this
/// many times its rate before.
const BACKGROUND_JUMP: f64 = 3.0;
/// Errors are back to their baseline when this long passes without them before the window ends.
const RECOVERY_QUIET: Nanos = 5 * NANOS_PER_MIN;
/// A fix is one that the recovery follows within this long.
const MITIGATION_REACH: Nanos = 30 * NANOS_PER_MIN;
const MAX_SOURCES: usize = 5;
const MAX_QUOTE: usize = 140;

#[derive(Hash, PartialEq, Eq, Clone)]
struct FoldKey {
    kind: EntryKind,
    service: Option<String>,
    what: String,
}

/// A firing alert's entry, for folding other notifications of it.
struct OpenAlert {
    entry: usize,
    key: String,
    name: String,
    started: Nanos,
}

#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    open: HashMap<FoldKey, usize>,
    miner: Miner,
    /// Template occurrences in the look-back, by fold key.
    before: HashMap<FoldKey, u64>,
    alerts: Vec<OpenAlert>,
    /// Each alert's entry by (key, start, state).
    alert_entries: HashMap<(String, Nanos, AlertState), usize>,
    /// The first firing of each alert key: its start and name, for resolutions that carry
    /// neither (Zabbix recoveries, PagerDuty log entries).
    first_firing: HashMap<String, (Nanos, String)>,
    /// Deploy entries waiting for their outcome, by (service, version).
    pending_deploys: HashMap<(Option<String>, Option<String>), usize>,
    /// Deploy entries paired with their outcome, by (service, version): the same outcome
    /// from a second tool (the deploy log and Argo CD) is folded into them.
    closed_deploys: HashMap<(Option<String>, Option<String>), usize>,
    /// The last version each service ran, to tell a rollback.
    versions: HashMap<Option<String>, String>,
    /// When each deploy entry's rollout finished successfully, by entry index.
    finished: HashMap<usize, Nanos>,
    /// The resolution entry of each firing entry, so that twins resolve once.
    resolutions: HashMap<usize, usize>,
}

/// Drafts the timeline of `window` from the merged `events`; `requests` are counted apart (see
/// [`Requests`]), because a draft's run does not keep ordinary requests as events.
pub fn build<'a, I>(events: I, requests: &Requests, window: Window, settings: Settings) -> Timeline
where
    I: IntoIterator<Item = &'a Event>,
    I::IntoIter: Clone,
{
    let events = events.into_iter();
    let mut b = Builder::default();
    for e in events.clone() {
        b.take(e, window);
    }
    let new_errors = b.drop_background(window);
    let bursts = onset::bursts(events.clone(), window);
    b.milestones(&bursts, window);
    let clocks = skew::estimate(events);
    let verdict = suspect::judge(
        &b.entries,
        &bursts,
        &new_errors_of(&b.entries, &new_errors),
        window.from - window.lookback,
        clocks.iter().map(|c| c.offset).max().unwrap_or(0),
    );
    for (rank, (i, evidence)) in verdict.ranked.iter().enumerate() {
        b.entries[*i].suspect = rank == 0;
        b.entries[*i].evidence = Some(evidence.clone());
    }
    let summary = summarise(&b.entries, &bursts, requests, window, &verdict);
    let (entries, omitted) = rank(b.entries, settings.max_entries);
    Timeline {
        window,
        clocks,
        entries,
        omitted,
        summary,
    }
}

fn new_errors_of<'a>(entries: &'a [Entry], new: &[usize]) -> Vec<NewError<'a>> {
    new.iter()
        .filter_map(|&i| entries.get(i))
        .map(|e| NewError {
            service: e.service.as_deref(),
            first: e.first,
        })
        .collect()
}

impl Builder {
    fn take(&mut self, e: &Event, window: Window) {
        let in_window = window.contains(e.time);
        match &e.kind {
            Kind::Alert {
                name,
                state,
                key,
                started,
            } => self.alert(e, name, *state, key, *started, window),
            Kind::Oncall if in_window => {
                self.push(entry(e, EntryKind::Oncall, "On-call", short(&e.message)));
            }
            Kind::Change if window.reaches(e.time) => {
                let i = self.push(entry(
                    e,
                    EntryKind::Change,
                    "Change",
                    format!("{}{}", on(e), short(&e.message)),
                ));
                self.entries[i].failed = e.level == Some(Level::Error);
            }
            Kind::Deploy {
                phase,
                version,
                rollback,
            } => self.deploy(e, *phase, version.as_deref(), *rollback, window),
            Kind::Restart if in_window => self.fold(
                e,
                EntryKind::Restart,
                "Restart",
                what_happened(e),
                "restart",
            ),
            Kind::Oom if in_window => {
                let host = e
                    .fields
                    .get("host")
                    .and_then(Value::as_str)
                    .map(|h| format!(" on {h}"))
                    .unwrap_or_default();
                let process = e.service.clone().unwrap_or_else(|| "a process".into());
                self.fold(
                    e,
                    EntryKind::Restart,
                    "OOM kill",
                    format!("{process} killed by the kernel OOM killer{host}"),
                    "oom",
                );
            }
            Kind::Scale if window.reaches(e.time) => {
                self.fold(e, EntryKind::Scale, "Scale", what_happened(e), "scale")
            }
            Kind::Metric { until } if window.reaches(e.time) => {
                let i = self.push(entry(e, EntryKind::Metric, "Metric", e.message.clone()));
                self.entries[i].last = *until;
            }
            Kind::Log | Kind::Http { .. } => self.message(e, window),
            _ => {}
        }
    }

    fn push(&mut self, entry: Entry) -> usize {
        self.entries.push(entry);
        self.entries.len() - 1
    }

    fn add_to(&mut self, i: usize, e: &Event) {
        let entry = &mut self.entries[i];
        entry.count += 1;
        entry.last = entry.last.max(e.time);
        if entry.sources.len() < MAX_SOURCES
            && entry
                .sources
                .iter()
                .all(|s| s.origin() != e.source.origin())
        {
            entry.sources.push(e.source.clone());
        }
    }

    fn fold(&mut self, e: &Event, kind: EntryKind, label: &'static str, text: String, what: &str) {
        let key = FoldKey {
            kind,
            service: e.service.clone(),
            what: what.to_string(),
        };
        match self.open.get(&key) {
            Some(&i) if e.time - self.entries[i].last <= FOLD_GAP => self.add_to(i, e),
            _ => {
                let i = self.push(entry(e, kind, label, text));
                self.open.insert(key, i);
            }
        }
    }

    /// Error and warning lines, folded by template; counted before the window for the
    /// baseline, entered in the window.
    fn message(&mut self, e: &Event, window: Window) {
        let kind = match e.level {
            Some(Level::Error) => EntryKind::Error,
            Some(Level::Warn) if matches!(e.kind, Kind::Log) => EntryKind::Warning,
            _ => return,
        };
        let what = match e.kind {
            // One entry per request shape and status class: 502s and 503s are one failure.
            Kind::Http { status, .. } => {
                format!(
                    "HTTP {}xx {}",
                    status / 100,
                    super::template::mask(&e.message)
                )
            }
            _ => format!("t{}", self.miner.place(e.service.as_deref(), &e.message)),
        };
        let key = FoldKey {
            kind,
            service: e.service.clone(),
            what,
        };
        if e.time < window.from {
            *self.before.entry(key).or_default() += 1;
            return;
        }
        if !window.contains(e.time) {
            return;
        }
        if let Some(&i) = self.open.get(&key) {
            self.add_to(i, e);
            return;
        }
        let text = match e.kind {
            Kind::Http { status, .. } => {
                let request = e
                    .message
                    .rsplit_once(' ')
                    .map_or(e.message.as_str(), |(r, _)| r);
                format!(
                    "{}HTTP {}xx on {request}, first a {status}",
                    on(e),
                    status / 100
                )
            }
            _ => format!("{}first \"{}\"", on(e), quote_cut(&headline(&e.message))),
        };
        let label = if kind == EntryKind::Error {
            "Error"
        } else {
            "Warning"
        };
        let i = self.push(entry(e, kind, label, text));
        self.open.insert(key, i);
    }

    /// Removes error and warning entries that were already there before the window at a
    /// similar rate (warnings: at all). Returns the indexes, after removal, of the new ones.
    fn drop_background(&mut self, window: Window) -> Vec<usize> {
        let before_minutes = ((window.from - window.lookback) / NANOS_PER_MIN).max(1) as f64;
        let during_minutes = ((window.to - window.from) / NANOS_PER_MIN).max(1) as f64;
        let mut background = HashSet::default();
        let mut new = HashSet::default();
        for (key, &i) in &self.open {
            if !matches!(key.kind, EntryKind::Error | EntryKind::Warning) {
                continue;
            }
            match self.before.get(key) {
                None => {
                    new.insert(i);
                }
                Some(&n) => {
                    let jump = self.entries[i].count as f64 / during_minutes
                        >= BACKGROUND_JUMP * n as f64 / before_minutes;
                    if key.kind == EntryKind::Warning || !jump {
                        background.insert(i);
                    }
                }
            }
        }
        let mut kept = Vec::new();
        let mut new_after = Vec::new();
        let mut finished = HashMap::default();
        for (i, entry) in std::mem::take(&mut self.entries).into_iter().enumerate() {
            if background.contains(&i) {
                continue;
            }
            if new.contains(&i) {
                new_after.push(kept.len());
            }
            if let Some(&t) = self.finished.get(&i) {
                finished.insert(kept.len(), t);
            }
            kept.push(entry);
        }
        self.entries = kept;
        self.finished = finished;
        self.open.clear();
        new_after
    }
}
