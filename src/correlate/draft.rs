//! Judging the merged stream into the entries a responder would keep: alerts fired and
//! resolved (one entry each, however many notifications and sources), on-call steps, deploys
//! paired with their outcome (a deploy to an earlier version is a rollback), changes and
//! scaling (also in the look-back), restart storms and OOM kills folded with a count, the first
//! occurrence of each new error or warning template with how many followed, and the
//! milestones: when the outage began, was detected, mitigated and recovered.

use super::onset::{self, Burst};
use super::suspect::{self, NewError};
use super::template::{headline, Miner};
use super::{Entry, EntryKind, Impact, Milestone, Settings, Summary, Timeline, Window};
use crate::event::{AlertState, DeployPhase, Event, Kind, Level};
use crate::time::{human_duration, Nanos, NANOS_PER_MIN};
use crate::traffic::Requests;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde_json::Value;

/// Repeats of a restart, OOM kill or scaling this close together are one entry.
const FOLD_GAP: Nanos = 30 * NANOS_PER_MIN;
/// A deploy's start and its outcome are paired when this close.
const DEPLOY_PAIRING: Nanos = 120 * NANOS_PER_MIN;
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
    let bursts = onset::bursts(events, window);
    b.milestones(&bursts, window);
    let suspect = suspect::pick(
        &b.entries,
        &bursts,
        &new_errors_of(&b.entries, &new_errors),
        window.from - window.lookback,
    );
    if let Some(i) = suspect {
        b.entries[i].suspect = true;
    }
    let summary = summarise(&b.entries, &bursts, requests, window);
    let (entries, omitted) = rank(b.entries, settings.max_entries);
    Timeline {
        window,
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
            } => self.alert(e, name, *state, key, *started, in_window),
            Kind::Oncall if in_window => {
                self.push(entry(e, EntryKind::Oncall, "On-call", short(&e.message)));
            }
            Kind::Change if window.reaches(e.time) => {
                self.push(entry(
                    e,
                    EntryKind::Change,
                    "Change",
                    format!("{}{}", on(e), short(&e.message)),
                ));
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
            && entry.sources.iter().all(|s| s.path != e.source.path)
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

    fn alert(
        &mut self,
        e: &Event,
        name: &str,
        state: AlertState,
        key: &str,
        started: Option<Nanos>,
        in_window: bool,
    ) {
        let known = self.first_firing.get(key).cloned();
        let begun = started.or(known.as_ref().map(|k| k.0)).unwrap_or(e.time);
        if state == AlertState::Firing {
            self.first_firing
                .entry(key.to_string())
                .or_insert((begun, name.to_string()));
        }
        if !in_window {
            return;
        }
        let name = match (state, &known) {
            (AlertState::Resolved, Some((_, first_name))) => first_name.clone(),
            _ => name.to_string(),
        };
        let slot = (key.to_string(), begun, state);
        if let Some(&i) = self.alert_entries.get(&slot) {
            self.add_to(i, e);
            return;
        }
        if state == AlertState::Firing {
            // The same alert from another source (an Alertmanager alert and the page it raised).
            let words = |s: &str| s.to_ascii_lowercase();
            let twin = self.alerts.iter().find(|a| {
                a.key != key
                    && (a.started - begun).abs() <= SAME_ALERT
                    && (words(&name).contains(&words(&a.name))
                        || words(&a.name).contains(&words(&name)))
            });
            if let Some(i) = twin.map(|a| a.entry) {
                self.alert_entries.insert(slot, i);
                self.alerts.push(OpenAlert {
                    entry: i,
                    key: key.to_string(),
                    name,
                    started: begun,
                });
                self.add_to(i, e);
                return;
            }
        }
        // The firing entry this alert belongs to (its own or its twin's).
        let group = self
            .alerts
            .iter()
            .rev()
            .find(|a| a.key == key)
            .map(|a| a.entry);
        if state == AlertState::Resolved {
            if let Some(&r) = group.and_then(|g| self.resolutions.get(&g)) {
                self.alert_entries.insert(slot, r);
                self.add_to(r, e);
                return;
            }
        }
        let resolved_started =
            (state == AlertState::Firing || started.is_some() || known.is_some()).then_some(begun);
        let i = self.push(alert_entry(e, &name, state, resolved_started));
        self.alert_entries.insert(slot, i);
        if state == AlertState::Firing {
            self.alerts.push(OpenAlert {
                entry: i,
                key: key.to_string(),
                name,
                started: begun,
            });
        } else if let Some(g) = group {
            // The twins' resolutions fold into this one.
            self.resolutions.insert(g, i);
        }
    }

    fn deploy(
        &mut self,
        e: &Event,
        phase: DeployPhase,
        version: Option<&str>,
        rollback: bool,
        window: Window,
    ) {
        let service = e.service.clone();
        let earlier = version
            .zip(self.versions.get(&service))
            .is_some_and(|(v, last)| is_older(v, last));
        // A rollback is measured against the last version that went out successfully.
        if let (Some(v), DeployPhase::Finished) = (version, phase) {
            self.versions.insert(service.clone(), v.to_string());
        }
        if !window.reaches(e.time) {
            return;
        }
        let pending_key = (service.clone(), version.map(str::to_string));
        // The outcome of a rollback is a rollback's, whatever the version history now says.
        let pending_rollback = self
            .pending_deploys
            .get(&pending_key)
            .is_some_and(|&i| self.entries[i].label == "Rollback");
        let rollback = rollback || earlier || (phase != DeployPhase::Started && pending_rollback);
        let label = if rollback { "Rollback" } else { "Deploy" };
        let name = service.as_deref().unwrap_or("unknown service");
        let target = match (version, rollback) {
            (Some(v), false) => format!("{name} {v}"),
            (Some(v), true) => format!("{name} to {v}"),
            (None, _) => name.to_string(),
        };
        if phase == DeployPhase::Started {
            // The same start reported twice (a deploy log and an Argo CD event) is one entry.
            if let Some(&i) = self
                .pending_deploys
                .get(&pending_key)
                .filter(|&&i| e.time - self.entries[i].first <= SAME_DEPLOY)
            {
                self.add_to(i, e);
                return;
            }
            let text = match version {
                Some(_) => format!("{target} started"),
                None => format!("{target} started: {}", short(&e.message)),
            };
            let i = self.push(entry(e, EntryKind::Deploy, label, text));
            self.pending_deploys.insert(pending_key, i);
            return;
        }
        let outcome = if phase == DeployPhase::Failed {
            "failed"
        } else {
            "finished"
        };
        if let Some(i) = self
            .pending_deploys
            .remove(&pending_key)
            .filter(|&i| e.time - self.entries[i].first <= DEPLOY_PAIRING)
        {
            let took = human_duration(e.time - self.entries[i].first);
            let clock = e.time;
            self.add_to(i, e);
            let entry = &mut self.entries[i];
            entry.text = format!("{target} started, {outcome} {took} later");
            entry.last = clock;
            if phase == DeployPhase::Finished {
                self.finished.insert(i, clock);
            }
            return;
        }
        let text = match version {
            Some(_) => format!("{target} {outcome}"),
            None => format!("{target} {outcome}: {}", short(&e.message)),
        };
        let duplicate = self.entries.iter().position(|x| {
            x.kind == EntryKind::Deploy
                && x.label == label
                && x.text == text
                && e.time - x.last <= SAME_DEPLOY
        });
        match duplicate {
            Some(i) => self.add_to(i, e),
            None => {
                let i = self.push(entry(e, EntryKind::Deploy, label, text));
                if phase == DeployPhase::Finished {
                    self.finished.insert(i, e.time);
                }
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

    /// Marks the turning points: the outage's begin and end (as entries of their own, from
    /// the error bursts), the first alert (detected), escalations and responders joining, and
    /// the deploy or rollback after which the errors stopped (mitigation).
    fn milestones(&mut self, bursts: &[Burst], window: Window) {
        if let Some(first) = bursts.iter().min_by_key(|b| b.start) {
            let who = first.service.as_deref().unwrap_or("unattributed");
            let text = format!("{who} errors rise above their baseline");
            self.push(milestone(
                EntryKind::Error,
                "Outage begins",
                first.service.clone(),
                text,
                first.start,
                &first.first,
                Milestone::Begins,
            ));
        }
        let last = bursts.iter().max_by_key(|b| b.end);
        if let Some(last) = last.filter(|b| window.to - b.end >= RECOVERY_QUIET) {
            let who = last.service.as_deref().unwrap_or("unattributed");
            let text = format!("{who} errors back to their baseline (the last error of the burst)");
            self.push(milestone(
                EntryKind::Recovery,
                "Recovered",
                last.service.clone(),
                text,
                last.end,
                &last.last,
                Milestone::Recovered,
            ));
        }
        if let Some(i) = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntryKind::Alert)
            .min_by_key(|(_, e)| e.first)
            .map(|(i, _)| i)
        {
            self.entries[i].milestone = Some(Milestone::Detected);
        }
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.kind == EntryKind::Oncall)
        {
            let said = entry.text.to_ascii_lowercase();
            if said.contains("escalat") || said.contains("responder") {
                entry.milestone = Some(Milestone::Escalated);
            }
        }
        let (Some(start), Some(end)) = (bursts.iter().map(|b| b.start).min(), last.map(|b| b.end))
        else {
            return;
        };
        // The fix: a rollback, else a deploy, that finished after the errors began and shortly
        // before they stopped.
        let fix = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.kind == EntryKind::Deploy
                    && e.first >= start
                    && e.last <= end + MITIGATION_REACH / 6
            })
            .filter(|(i, _)| {
                self.finished
                    .get(i)
                    .is_some_and(|f| end - f <= MITIGATION_REACH)
            })
            .min_by_key(|(_, e)| (u8::from(e.label != "Rollback"), e.first))
            .map(|(i, _)| i);
        if let Some(i) = fix {
            self.entries[i].milestone = Some(Milestone::Mitigation);
        }
    }
}

/// `v4.1.3` is older than `v4.2.0`; versions that are not dotted numbers are not compared.
fn is_older(version: &str, than: &str) -> bool {
    let parts = |v: &str| -> Option<Vec<u64>> {
        let core = v.trim_start_matches('v').split(['-', '+']).next()?;
        core.split('.').map(|p| p.parse().ok()).collect()
    };
    matches!((parts(version), parts(than)), (Some(a), Some(b)) if a < b)
}

fn on(e: &Event) -> String {
    e.service
        .as_deref()
        .map(|s| format!("{s}: "))
        .unwrap_or_default()
}

fn alert_entry(e: &Event, name: &str, state: AlertState, started: Option<Nanos>) -> Entry {
    let on = e
        .service
        .as_deref()
        .map(|s| format!(" on {s}"))
        .unwrap_or_default();
    let (kind, label, text) = match state {
        AlertState::Firing => {
            let summary = e
                .fields
                .get("annotations")
                .and_then(|a| a.get("summary").or_else(|| a.get("description")))
                .and_then(Value::as_str)
                .map(|s| format!(": {}", quote_cut(s)))
                .unwrap_or_default();
            (
                EntryKind::Alert,
                "Alert",
                format!("{name} fired{on}{summary}"),
            )
        }
        AlertState::Resolved => (
            EntryKind::Recovery,
            "Resolved",
            match started {
                Some(t) => format!("{name}{on} resolved after {}", human_duration(e.time - t)),
                None => format!("{name}{on} resolved"),
            },
        ),
    };
    entry(e, kind, label, text)
}

fn entry(e: &Event, kind: EntryKind, label: &'static str, text: String) -> Entry {
    Entry {
        kind,
        label,
        service: e.service.clone(),
        text,
        count: 1,
        first: e.time,
        last: e.time,
        suspect: false,
        milestone: None,
        sources: vec![e.source.clone()],
    }
}

fn milestone(
    kind: EntryKind,
    label: &'static str,
    service: Option<String>,
    text: String,
    at: Nanos,
    source: &crate::event::SourceRef,
    milestone: Milestone,
) -> Entry {
    Entry {
        kind,
        label,
        service,
        text,
        count: 1,
        first: at,
        last: at,
        suspect: false,
        milestone: Some(milestone),
        sources: vec![source.clone()],
    }
}

/// `checkout: Back-off restarting failed container app` from a message that opens with its
/// own prefix (`BackOff pod/checkout-…: `, `checkout.service: `) and names the pod again.
fn what_happened(e: &Event) -> String {
    let first = e.message.lines().next().unwrap_or("");
    let said = first.split_once(": ").map_or(first, |(_, rest)| rest);
    let said = said.split(" in pod ").next().unwrap_or(said);
    format!("{}{}", on(e), quote_cut(said))
}

/// The message's first line, cut to a readable length.
fn short(message: &str) -> String {
    quote_cut(message.lines().next().unwrap_or(""))
}

fn quote_cut(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_QUOTE {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX_QUOTE - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Keeps the best `max` entries — milestones, the suspect, alerts and changes always first —
/// and puts them back in time order.
fn rank(entries: Vec<Entry>, max: usize) -> (Vec<Entry>, usize) {
    let total = entries.len();
    let mut order: Vec<usize> = (0..total).collect();
    let priority = |e: &Entry| {
        if e.milestone.is_some() || e.suspect {
            0
        } else {
            1 + e.kind.class()
        }
    };
    order.sort_by(|&a, &b| {
        let (x, y) = (&entries[a], &entries[b]);
        priority(x)
            .cmp(&priority(y))
            .then(y.count.cmp(&x.count))
            .then(x.first.cmp(&y.first))
            .then(a.cmp(&b))
    });
    let mut keep: Vec<usize> = order.into_iter().take(max).collect();
    keep.sort_by_key(|&i| (entries[i].first, i));
    let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    let kept: Vec<Entry> = keep.into_iter().filter_map(|i| slots[i].take()).collect();
    let omitted = total - kept.len();
    (kept, omitted)
}

/// The summary: the outage's span from the error bursts (without a burst, from the errors
/// that repeated), the first alert, the suspect, and the impact from access logs.
fn summarise(entries: &[Entry], bursts: &[Burst], requests: &Requests, window: Window) -> Summary {
    let repeated = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Restart || (e.kind == EntryKind::Error && e.count > 1));
    let start = bursts
        .iter()
        .map(|b| b.start)
        .min()
        .or_else(|| repeated.clone().map(|e| e.first).min());
    let end = bursts
        .iter()
        .map(|b| b.end)
        .max()
        .or_else(|| repeated.map(|e| e.last).max());
    let isolated = start.is_none()
        && entries.iter().any(|e| {
            matches!(e.kind, EntryKind::Error | EntryKind::Restart) && window.contains(e.first)
        });
    let detected = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Alert)
        .map(|e| e.first)
        .min();
    let (during, before) = (requests.during, requests.before);
    let impact = (during.requests > 0).then_some(Impact {
        requests: during.requests,
        failed_or_slow: during.failed_or_slow,
        ratio: during.ratio(),
        baseline: (before.requests > 0).then_some(before.ratio()),
    });
    Summary {
        start,
        end,
        isolated,
        detected,
        suspect: entries.iter().find(|e| e.suspect).cloned(),
        impact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceRef;
    use crate::time::NANOS_PER_SEC;

    fn ev(min: i64, kind: Kind, level: Option<Level>, service: &str, message: &str) -> Event {
        Event {
            time: min * NANOS_PER_MIN,
            kind,
            level,
            service: Some(service.into()),
            message: message.into(),
            fields: Default::default(),
            source: SourceRef {
                path: "x.log".into(),
                line: min as u64 + 1,
            },
        }
    }

    const WINDOW: Window = Window {
        lookback: 0,
        from: 120 * NANOS_PER_MIN,
        to: 240 * NANOS_PER_MIN,
    };
    const SETTINGS: Settings = Settings {
        max_entries: 25,
        slow: NANOS_PER_SEC,
    };

    /// Every request among the events, as a draft's run counts them.
    fn requests(events: &[Event], window: Window) -> Requests {
        let mut requests = Requests::new(Some(window.from), SETTINGS.slow);
        for e in events {
            requests.add(e);
        }
        requests
    }

    fn draft(events: &[Event], window: Window) -> Timeline {
        build(events, &requests(events, window), window, SETTINGS)
    }

    fn texts(t: &Timeline) -> Vec<String> {
        t.entries
            .iter()
            .map(|e| format!("{} {}", e.label, e.text))
            .collect()
    }

    #[test]
    fn a_flood_becomes_one_entry_and_marks_the_outage() {
        let events: Vec<_> = (130..190)
            .flat_map(|m| {
                [m, m].map(|m| {
                    ev(
                        m,
                        Kind::Log,
                        Some(Level::Error),
                        "checkout",
                        &format!("buffer of {m} KB failed"),
                    )
                })
            })
            .collect();
        let t = draft(&events, WINDOW);
        assert_eq!(
            texts(&t),
            [
                "Error checkout: first \"buffer of 130 KB failed\"",
                "Outage begins checkout errors rise above their baseline",
                "Recovered checkout errors back to their baseline (the last error of the burst)",
            ]
        );
        assert_eq!(
            (t.entries[0].count, t.entries[0].last),
            (120, 189 * NANOS_PER_MIN)
        );
        assert_eq!(
            (t.summary.start, t.summary.end),
            (Some(130 * NANOS_PER_MIN), Some(189 * NANOS_PER_MIN))
        );
    }

    #[test]
    fn steady_background_stays_out() {
        let mut events: Vec<_> = (0..240)
            .step_by(5)
            .flat_map(|m| {
                [
                    ev(m, Kind::Log, Some(Level::Error), "cron", "job 7 late"),
                    ev(
                        m,
                        Kind::Log,
                        Some(Level::Warn),
                        "db",
                        "slow query took 1200 ms",
                    ),
                ]
            })
            .collect();
        events.push(ev(
            150,
            Kind::Log,
            Some(Level::Error),
            "api",
            "pool exhausted",
        ));
        events.push(ev(151, Kind::Log, Some(Level::Warn), "api", "pool at 95%"));
        events.sort_by_key(|e| e.time);
        let t = draft(&events, WINDOW);
        assert_eq!(
            texts(&t),
            [
                "Error api: first \"pool exhausted\"",
                "Warning api: first \"pool at 95%\""
            ]
        );
    }

    fn deploy(phase: DeployPhase, version: &str) -> Kind {
        Kind::Deploy {
            phase,
            version: Some(version.into()),
            rollback: false,
        }
    }

    #[test]
    fn deploys_pair_with_their_outcome_and_earlier_versions_are_rollbacks() {
        let mut events = vec![
            ev(100, deploy(DeployPhase::Started, "v2.0.0"), None, "api", ""),
            ev(
                104,
                deploy(DeployPhase::Finished, "v2.0.0"),
                None,
                "api",
                "",
            ),
        ];
        events.extend((125..160).flat_map(|m| {
            [
                ev(m, Kind::Log, Some(Level::Error), "api", "pool exhausted"),
                ev(m, Kind::Log, Some(Level::Error), "api", "pool exhausted"),
            ]
        }));
        events.push(ev(
            150,
            deploy(DeployPhase::Started, "v1.9.3"),
            None,
            "api",
            "",
        ));
        events.push(ev(
            153,
            deploy(DeployPhase::Finished, "v1.9.3"),
            None,
            "api",
            "",
        ));
        events.sort_by_key(|e| e.time);
        let window = Window {
            lookback: 0,
            ..WINDOW
        };
        let t = draft(&events, window);
        let deploys: Vec<_> = t
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Deploy)
            .collect();
        assert_eq!(deploys[0].text, "api v2.0.0 started, finished 4m later");
        assert!(
            deploys[0].suspect,
            "the deploy before the errors on its service"
        );
        assert_eq!(
            (deploys[1].label, deploys[1].text.as_str()),
            ("Rollback", "api to v1.9.3 started, finished 3m later")
        );
        assert_eq!(deploys[1].milestone, Some(Milestone::Mitigation));
        assert_eq!(
            t.summary.suspect.as_ref().map(|s| s.text.as_str()),
            Some("api v2.0.0 started, finished 4m later")
        );
    }

    #[test]
    fn no_suspect_without_evidence() {
        let mut events = vec![ev(
            100,
            deploy(DeployPhase::Finished, "v2.0.0"),
            None,
            "search",
            "",
        )];
        events.extend((125..160).flat_map(|m| {
            [
                ev(m, Kind::Restart, Some(Level::Warn), "api", "BackOff"),
                ev(m, Kind::Restart, Some(Level::Warn), "api", "BackOff"),
            ]
        }));
        let t = draft(&events, WINDOW);
        assert!(t.summary.suspect.is_none());
        assert!(t.entries.iter().all(|e| !e.suspect));
    }

    #[test]
    fn an_alert_and_its_page_are_one_entry() {
        let am = Kind::Alert {
            name: "HighErrorRate".into(),
            state: AlertState::Firing,
            key: "fp".into(),
            started: Some(125 * NANOS_PER_MIN),
        };
        let page = Kind::Alert {
            name: "HighErrorRate checkout".into(),
            state: AlertState::Firing,
            key: "Q1".into(),
            started: Some(126 * NANOS_PER_MIN),
        };
        let resolved = Kind::Alert {
            name: "HighErrorRate".into(),
            state: AlertState::Resolved,
            key: "fp".into(),
            started: Some(125 * NANOS_PER_MIN),
        };
        let mut paged = ev(126, page, Some(Level::Error), "checkout", "");
        paged.source.path = "pd.jsonl".into();
        let events = vec![
            ev(125, am, Some(Level::Error), "checkout", ""),
            paged,
            ev(170, resolved, Some(Level::Info), "checkout", ""),
        ];
        let t = draft(&events, WINDOW);
        assert_eq!(
            texts(&t),
            [
                "Alert HighErrorRate fired on checkout",
                "Resolved HighErrorRate on checkout resolved after 45m"
            ]
        );
        assert_eq!(t.entries[0].sources.len(), 2);
        assert_eq!(t.entries[0].milestone, Some(Milestone::Detected));
    }

    #[test]
    fn max_entries_keeps_alerts_before_errors() {
        let causes = [
            "disk", "pool", "dns", "tls", "quota", "lock", "cache", "queue", "auth", "index",
        ];
        let mut events: Vec<_> = (130..140)
            .map(|m| {
                ev(
                    m,
                    Kind::Log,
                    Some(Level::Error),
                    "api",
                    &format!("failure {}", causes[m as usize - 130]),
                )
            })
            .collect();
        events.push(ev(
            200,
            Kind::Alert {
                name: "Down".into(),
                state: AlertState::Firing,
                key: "k".into(),
                started: Some(200 * NANOS_PER_MIN),
            },
            Some(Level::Error),
            "api",
            "",
        ));
        let settings = Settings {
            max_entries: 3,
            ..SETTINGS
        };
        let t = build(&events, &requests(&events, WINDOW), WINDOW, settings);
        assert_eq!(t.entries.len(), 3);
        assert!(t.entries.iter().any(|e| e.label == "Alert"));
    }

    #[test]
    fn impact_counts_failed_and_slow_requests_against_the_baseline() {
        let http = |status, secs: i64| Kind::Http {
            status,
            duration: Some(secs * NANOS_PER_SEC),
        };
        let events = vec![
            ev(30, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
            ev(31, http(503, 0), Some(Level::Error), "gw", "GET / 503"),
            ev(130, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
            ev(131, http(503, 0), Some(Level::Error), "gw", "GET / 503"),
            ev(132, http(200, 3), Some(Level::Info), "gw", "GET / 200"),
            ev(133, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
        ];
        let t = draft(&events, WINDOW);
        assert_eq!(
            t.summary.impact,
            Some(Impact {
                requests: 4,
                failed_or_slow: 2,
                ratio: 0.5,
                baseline: Some(0.5)
            })
        );
    }

    proptest::proptest! {
        /// Folding error lines into templates never changes how many there were: the counts of
        /// the error entries (milestones aside) add up to the error events in the window.
        #[test]
        fn folding_keeps_the_count(
            lines in proptest::collection::vec(
                (120i64..240, 0usize..4, 0u32..50, proptest::sample::select(vec!["api", "db"])),
                1..120,
            )
        ) {
            let shapes = [
                "connection to 10.0.0.{} refused",
                "timeout after {} ms calling bank-api",
                "user {} not found",
                "pool exhausted ({} waiting)",
            ];
            let events: Vec<Event> = {
                let mut v: Vec<Event> = lines
                    .iter()
                    .map(|&(min, shape, n, service)| {
                        let message = shapes[shape].replace("{}", &n.to_string());
                        ev(min, Kind::Log, Some(Level::Error), service, &message)
                    })
                    .collect();
                v.sort_by_key(|e| e.time);
                v
            };
            let settings = Settings { max_entries: 10_000, ..SETTINGS };
            let t = build(&events, &requests(&events, WINDOW), WINDOW, settings);
            let folded: u64 = t
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::Error && e.milestone.is_none())
                .map(|e| e.count)
                .sum();
            proptest::prop_assert_eq!(folded, events.len() as u64);
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(is_older("v4.1.3", "v4.2.0"));
        assert!(is_older("4.9.0", "4.10.0"));
        assert!(!is_older("v4.2.0", "v4.2.0"));
        assert!(!is_older("9f3c2e1", "1b2c3d4"));
    }
}
