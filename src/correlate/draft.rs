//! Judging the merged stream into the entries a responder would keep: alerts fired and
//! resolved, deploys and rollbacks (also in the look-back before the window), restarts, OOM
//! kills and scaling, and the first occurrence of each new error with how many followed.

use super::template::{headline, template};
use crate::event::{AlertState, DeployPhase, Event, Kind, Level, SourceRef};
use crate::time::{Nanos, NANOS_PER_MIN};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The outage window, and the start of the look-back before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub lookback: Nanos,
    pub from: Nanos,
    pub to: Nanos,
}

impl Window {
    pub fn contains(&self, t: Nanos) -> bool {
        self.from <= t && t <= self.to
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
            EntryKind::Info => "info",
        }
    }

    /// Which entries survive `--max-entries` first: what changed and what paged, then what
    /// crashed, then scaling, then errors (by how many there were).
    fn class(self) -> u8 {
        match self {
            EntryKind::Alert
            | EntryKind::Recovery
            | EntryKind::Deploy
            | EntryKind::Change
            | EntryKind::Oncall => 0,
            EntryKind::Restart => 1,
            EntryKind::Scale => 2,
            EntryKind::Error | EntryKind::Warning | EntryKind::Info => 3,
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
    /// The first event of the entry in each file it drew on, in time order (at most three).
    pub sources: Vec<SourceRef>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Impact {
    pub requests: u64,
    pub failed_or_slow: u64,
    pub ratio: f64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Summary {
    /// The first symptom in the window (error, crash, OOM kill).
    pub start: Option<Nanos>,
    /// The last symptom in the window.
    pub end: Option<Nanos>,
    /// The first alert that fired in the window.
    pub detected: Option<Nanos>,
    pub suspect: Option<Entry>,
    pub impact: Option<Impact>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub window: Window,
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

/// Repeats of a restart, OOM kill or scaling this close together are one entry.
const FOLD_GAP: Nanos = 30 * NANOS_PER_MIN;
/// The same deploy step reported by two sources (a deploy log and a Kubernetes event).
const SAME_DEPLOY: Nanos = 10 * NANOS_PER_MIN;
/// An error seen in the look-back is background unless its rate in the window is this many
/// times its rate before.
const BACKGROUND_JUMP: f64 = 3.0;
const MAX_SOURCES: usize = 3;
const MAX_QUOTE: usize = 140;

#[derive(Hash, PartialEq, Eq)]
struct FoldKey {
    kind: EntryKind,
    service: Option<String>,
    what: String,
}

struct Builder {
    window: Window,
    entries: Vec<Entry>,
    open: HashMap<FoldKey, usize>,
}

pub fn build(events: &[Event], window: Window, settings: Settings) -> Timeline {
    let mut b = Builder {
        window,
        entries: Vec::new(),
        open: HashMap::new(),
    };
    // Each alert's entry by (key, start, state): repeated notifications fold into it.
    let mut alerts_seen: HashMap<(&str, Nanos, AlertState), usize> = HashMap::new();
    // The first firing of each alert: its start and name, for resolutions that carry neither
    // (Zabbix recoveries, PagerDuty log entries).
    let mut firing: HashMap<&str, (Nanos, &str)> = HashMap::new();
    for e in events {
        let in_window = window.contains(e.time);
        match &e.kind {
            Kind::Alert {
                name,
                state,
                key,
                started,
            } => {
                let known = firing.get(key.as_str()).copied();
                let begun = started.or(known.map(|(t, _)| t)).unwrap_or(e.time);
                if *state == AlertState::Firing {
                    firing.entry(key.as_str()).or_insert((begun, name.as_str()));
                }
                if !in_window {
                    continue;
                }
                let name = match (state, known) {
                    (AlertState::Resolved, Some((_, first_name))) => first_name,
                    _ => name.as_str(),
                };
                match alerts_seen.get(&(key.as_str(), begun, *state)) {
                    Some(&i) => b.add_to(i, e),
                    None => {
                        let started =
                            (*state == AlertState::Firing || started.is_some() || known.is_some())
                                .then_some(begun);
                        alerts_seen.insert((key.as_str(), begun, *state), b.entries.len());
                        b.push(alert_entry(e, name, *state, started));
                    }
                }
            }
            Kind::Oncall if in_window => {
                b.push(entry(e, EntryKind::Oncall, "On-call", short(&e.message)))
            }
            Kind::Change if e.time >= window.lookback && e.time <= window.to => {
                let on = e
                    .service
                    .as_deref()
                    .map(|s| format!("{s}: "))
                    .unwrap_or_default();
                b.push(entry(
                    e,
                    EntryKind::Change,
                    "Change",
                    format!("{on}{}", short(&e.message)),
                ))
            }
            Kind::Deploy {
                phase,
                version,
                rollback,
            } => b.deploy(e, *phase, version.as_deref(), *rollback),
            Kind::Restart if in_window => b.fold(
                e,
                EntryKind::Restart,
                "Restart",
                what_happened(e),
                String::new(),
            ),
            Kind::Oom if in_window => {
                let host = e
                    .fields
                    .get("host")
                    .and_then(Value::as_str)
                    .map(|h| format!(" on {h}"))
                    .unwrap_or_default();
                let process = e.service.clone().unwrap_or_else(|| "a process".into());
                b.fold(
                    e,
                    EntryKind::Restart,
                    "OOM kill",
                    format!("{process} killed by the kernel OOM killer{host}"),
                    "oom".into(),
                );
            }
            Kind::Scale if e.time >= window.lookback && e.time <= window.to => b.fold(
                e,
                EntryKind::Scale,
                "Scale",
                what_happened(e),
                String::new(),
            ),
            Kind::Log | Kind::Http { .. } if in_window && is_error_line(e) => b.error(e),
            _ => {}
        }
    }
    let background = b.background(events);
    let entries: Vec<Entry> = b
        .entries
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !background.contains(i))
        .map(|(_, e)| e)
        .collect();
    let summary = summarise(&entries, events, window, settings.slow);
    let (entries, omitted) = rank(entries, settings.max_entries);
    Timeline {
        window,
        entries,
        omitted,
        summary,
    }
}

fn is_error_line(e: &Event) -> bool {
    matches!(e.kind, Kind::Log | Kind::Http { .. }) && e.level == Some(Level::Error)
}

/// What makes two errors the same: the template, or for HTTP the method, path shape and status.
fn error_what(e: &Event) -> String {
    template(&e.message)
        + &match e.kind {
            Kind::Http { status, .. } => format!(" {status}"),
            _ => String::new(),
        }
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
                Some(t) => format!(
                    "{name}{on} resolved after {}",
                    crate::time::human_duration(e.time - t)
                ),
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
        sources: vec![e.source.clone()],
    }
}

/// `checkout: Back-off restarting failed container app` from a message that opens with its
/// own prefix (`BackOff pod/checkout-…: `, `checkout.service: `) and names the pod again.
fn what_happened(e: &Event) -> String {
    let first = e.message.lines().next().unwrap_or("");
    let said = first.split_once(": ").map_or(first, |(_, rest)| rest);
    let said = said.split(" in pod ").next().unwrap_or(said);
    match &e.service {
        Some(s) => format!("{s}: {}", quote_cut(said)),
        None => quote_cut(said),
    }
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

impl Builder {
    /// The error entries that are background: their template already occurred in the
    /// look-back, and the window's rate is not a jump over the look-back's rate.
    fn background(&self, events: &[Event]) -> HashSet<usize> {
        let before = self.window.from - self.window.lookback;
        let during = (self.window.to - self.window.from).max(NANOS_PER_MIN);
        let mut seen: HashMap<FoldKey, u64> = HashMap::new();
        for e in events
            .iter()
            .filter(|e| e.time < self.window.from && is_error_line(e))
        {
            let key = FoldKey {
                kind: EntryKind::Error,
                service: e.service.clone(),
                what: error_what(e),
            };
            *seen.entry(key).or_default() += 1;
        }
        seen.iter()
            .filter_map(|(key, &n)| {
                let i = *self.open.get(key)?;
                let rate_before = n as f64 / before.max(NANOS_PER_MIN) as f64;
                let rate_during = self.entries[i].count as f64 / during as f64;
                (rate_during < BACKGROUND_JUMP * rate_before).then_some(i)
            })
            .collect()
    }

    fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
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

    fn fold(
        &mut self,
        e: &Event,
        kind: EntryKind,
        label: &'static str,
        text: String,
        what: String,
    ) {
        let key = FoldKey {
            kind,
            service: e.service.clone(),
            what: if what.is_empty() {
                label.to_string()
            } else {
                what
            },
        };
        match self.open.get(&key) {
            Some(&i) if e.time - self.entries[i].last <= FOLD_GAP => self.add_to(i, e),
            _ => {
                self.open.insert(key, self.entries.len());
                self.push(entry(e, kind, label, text));
            }
        }
    }

    fn deploy(&mut self, e: &Event, phase: DeployPhase, version: Option<&str>, rollback: bool) {
        if e.time < self.window.lookback || e.time > self.window.to {
            return;
        }
        let service = e.service.as_deref().unwrap_or("unknown service");
        let step = match phase {
            DeployPhase::Started => "started",
            DeployPhase::Finished => "finished",
            DeployPhase::Failed => "failed",
        };
        let text = match (version, rollback) {
            (Some(v), false) => format!("{service} {v} {step}"),
            (Some(v), true) => format!("{service} to {v} {step}"),
            (None, _) => format!("{service} {step}: {}", short(&e.message)),
        };
        let label = if rollback { "Rollback" } else { "Deploy" };
        let duplicate = self.entries.iter().position(|x| {
            x.kind == EntryKind::Deploy
                && x.label == label
                && x.text == text
                && e.time - x.last <= SAME_DEPLOY
        });
        match duplicate {
            Some(i) => self.add_to(i, e),
            None => self.push(entry(e, EntryKind::Deploy, label, text)),
        }
    }

    fn error(&mut self, e: &Event) {
        let what = error_what(e);
        let key = FoldKey {
            kind: EntryKind::Error,
            service: e.service.clone(),
            what,
        };
        if let Some(&i) = self.open.get(&key) {
            self.add_to(i, e);
            return;
        }
        let service = e
            .service
            .as_deref()
            .map(|s| format!("{s}: "))
            .unwrap_or_default();
        let text = match e.kind {
            Kind::Http { status, .. } => {
                let request = e
                    .message
                    .rsplit_once(' ')
                    .map_or(e.message.as_str(), |(r, _)| r);
                format!("{service}first HTTP {status} on {request}")
            }
            _ => format!("{service}first \"{}\"", quote_cut(&headline(&e.message))),
        };
        self.open.insert(key, self.entries.len());
        self.push(entry(e, EntryKind::Error, "Error", text));
    }
}

/// Keeps the best `max` entries and puts them back in time order.
fn rank(mut entries: Vec<Entry>, max: usize) -> (Vec<Entry>, usize) {
    let total = entries.len();
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&entries[a], &entries[b]);
        x.kind
            .class()
            .cmp(&y.kind.class())
            .then(y.count.cmp(&x.count))
            .then(x.first.cmp(&y.first))
            .then(a.cmp(&b))
    });
    let mut keep: Vec<usize> = order.into_iter().take(max).collect();
    keep.sort_by_key(|&i| (entries[i].first, i));
    let mut slots: Vec<Option<Entry>> = entries.drain(..).map(Some).collect();
    let kept: Vec<Entry> = keep.into_iter().filter_map(|i| slots[i].take()).collect();
    let omitted = total - kept.len();
    (kept, omitted)
}

/// The summary's figures. Symptoms are crashes and OOM kills, and errors that repeated: one
/// stray 500 an hour after recovery does not stretch the outage.
fn summarise(entries: &[Entry], events: &[Event], window: Window, slow: Nanos) -> Summary {
    let symptoms = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Restart || (e.kind == EntryKind::Error && e.count > 1));
    let start = symptoms.clone().map(|e| e.first).min();
    let end = symptoms.map(|e| e.last).max();
    let detected = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Alert)
        .map(|e| e.first)
        .min();
    let mut requests = 0u64;
    let mut bad = 0u64;
    for e in events.iter().filter(|e| window.contains(e.time)) {
        if let Kind::Http { status, duration } = e.kind {
            requests += 1;
            if status >= 500 || duration.is_some_and(|d| d > slow) {
                bad += 1;
            }
        }
    }
    let impact = (requests > 0).then(|| Impact {
        requests,
        failed_or_slow: bad,
        ratio: (bad as f64 / requests as f64 * 10_000.0).round() / 10_000.0,
    });
    Summary {
        start,
        end,
        detected,
        suspect: None,
        impact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn a_flood_becomes_one_entry_with_a_count() {
        let events: Vec<_> = (130..190)
            .map(|m| {
                ev(
                    m,
                    Kind::Log,
                    Some(Level::Error),
                    "checkout",
                    &format!("buffer of {m} KB failed"),
                )
            })
            .collect();
        let t = build(&events, WINDOW, SETTINGS);
        assert_eq!(t.entries.len(), 1);
        let e = &t.entries[0];
        assert_eq!(
            (e.count, e.first, e.last),
            (60, 130 * NANOS_PER_MIN, 189 * NANOS_PER_MIN)
        );
        assert_eq!(e.text, "checkout: first \"buffer of 130 KB failed\"");
        assert_eq!(t.summary.start, Some(130 * NANOS_PER_MIN));
    }

    #[test]
    fn steady_background_errors_stay_out() {
        let mut events: Vec<_> = (0..240)
            .step_by(5)
            .map(|m| ev(m, Kind::Log, Some(Level::Error), "cron", "job 7 late"))
            .collect();
        events.push(ev(
            150,
            Kind::Log,
            Some(Level::Error),
            "api",
            "pool exhausted",
        ));
        events.sort_by_key(|e| e.time);
        let t = build(&events, WINDOW, SETTINGS);
        let texts: Vec<_> = t.entries.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["api: first \"pool exhausted\""]);
    }

    #[test]
    fn deploys_in_the_lookback_and_alerts_deduplicated() {
        let deploy = Kind::Deploy {
            phase: DeployPhase::Finished,
            version: Some("v2".into()),
            rollback: false,
        };
        let firing = Kind::Alert {
            name: "HighErrorRate".into(),
            state: AlertState::Firing,
            key: "fp".into(),
            started: Some(125 * NANOS_PER_MIN),
        };
        let resolved = Kind::Alert {
            name: "HighErrorRate".into(),
            state: AlertState::Resolved,
            key: "fp".into(),
            started: Some(125 * NANOS_PER_MIN),
        };
        let mut again = ev(125, firing.clone(), Some(Level::Error), "api", "");
        again.source.line = 99;
        let events = vec![
            ev(100, deploy, None, "api", "deploy api v2 finished"),
            ev(125, firing, Some(Level::Error), "api", ""),
            again,
            ev(170, resolved, Some(Level::Info), "api", ""),
        ];
        let t = build(&events, WINDOW, SETTINGS);
        let got: Vec<_> = t
            .entries
            .iter()
            .map(|e| (e.label, e.text.as_str(), e.count))
            .collect();
        assert_eq!(
            got,
            [
                ("Deploy", "api v2 finished", 1),
                ("Alert", "HighErrorRate fired on api", 2),
                ("Resolved", "HighErrorRate on api resolved after 45m", 1)
            ]
        );
        assert_eq!(t.summary.detected, Some(125 * NANOS_PER_MIN));
    }

    #[test]
    fn max_entries_keeps_alerts_before_errors() {
        let mut events: Vec<_> = (130..140)
            .map(|m| {
                ev(
                    m,
                    Kind::Log,
                    Some(Level::Error),
                    "api",
                    &format!("distinct failure kind{}", "x".repeat(m as usize - 129)),
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
        let t = build(
            &events,
            WINDOW,
            Settings {
                max_entries: 3,
                ..SETTINGS
            },
        );
        assert_eq!(t.entries.len(), 3);
        assert_eq!(t.omitted, 8);
        assert_eq!(t.entries[2].label, "Alert");
    }

    #[test]
    fn impact_counts_failed_and_slow_requests() {
        let http = |status, secs: i64| Kind::Http {
            status,
            duration: Some(secs * NANOS_PER_SEC),
        };
        let events = vec![
            ev(130, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
            ev(131, http(503, 0), Some(Level::Error), "gw", "GET / 503"),
            ev(132, http(200, 3), Some(Level::Info), "gw", "GET / 200"),
            ev(133, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
        ];
        let t = build(&events, WINDOW, SETTINGS);
        assert_eq!(
            t.summary.impact,
            Some(Impact {
                requests: 4,
                failed_or_slow: 2,
                ratio: 0.5
            })
        );
        assert_eq!(t.entries[0].text, "gw: first HTTP 503 on GET /");
    }
}
