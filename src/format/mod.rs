//! Detecting each input's format and turning its lines into [`Event`]s.
//!
//! A file's format is chosen once, from a sample of its first lines (never from its name);
//! each later line tries that format first and the others after it, so a file that mixes
//! shapes (a JSON log with plain panics in it) loses nothing. In text formats a line that no
//! format takes is a continuation (stack trace, traceback) of the event before it.

mod access;
mod alertmanager;
mod classify;
mod json;
mod k8s;
mod logfmt;
mod syslog;
mod text;
pub mod timestamp;

use crate::event::{Event, Kind, Level, SourceRef};
use crate::time::{Nanos, Zone, NANOS_PER_DAY};
use chrono::Datelike;
use serde_json::Value;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;
use timestamp::Stamp;

/// The format families, in the order they are tried when a sample is tied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Syslog,
    Access,
    Logfmt,
    Text,
}

const ALL: [Format; 5] = [
    Format::Json,
    Format::Syslog,
    Format::Access,
    Format::Logfmt,
    Format::Text,
];

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Syslog => "syslog",
            Format::Access => "access-log",
            Format::Logfmt => "logfmt",
            Format::Text => "timestamped text",
        }
    }

    /// Parses one line; `false` when the line is not in this format. Events whose time the
    /// window rejects are not built.
    fn parse(self, line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
        match self {
            Format::Json => json::parse(line, cx, out),
            Format::Syslog => syslog::parse(line, cx, out),
            Format::Access => access::parse(line, cx, out),
            Format::Logfmt => logfmt::parse(line, cx, out),
            Format::Text => text::parse(line, cx, out),
        }
    }
}

/// How to give a year to timestamps that carry none (RFC 3164 syslog).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YearAnchor {
    /// `--year`.
    Fixed(i32),
    /// The year that puts the line nearest this instant (taken from the dated logs), so a
    /// file that crosses New Year gets both years right.
    Near(Nanos),
    /// The latest year that does not put the line after this instant (the file's mtime):
    /// a line cannot be written after its file was last modified.
    NotAfter(Nanos),
}

/// What every line parser needs besides the line.
pub struct Cx<'a> {
    pub zone: Zone,
    pub years: YearAnchor,
    pub path: Arc<str>,
    /// The service a file's path names (`checkout/app.log` → `checkout`), for lines that name none.
    pub service: Option<String>,
    pub line: u64,
    /// Set once a year-less timestamp was read, so the caller knows the anchor mattered.
    yearless: Cell<bool>,
    keep: &'a mut dyn FnMut(Nanos) -> bool,
}

impl<'a> Cx<'a> {
    pub fn new(
        zone: Zone,
        years: YearAnchor,
        path: Arc<str>,
        keep: &'a mut dyn FnMut(Nanos) -> bool,
    ) -> Self {
        let service = service_from_path(&path);
        Cx {
            zone,
            years,
            path,
            service,
            line: 0,
            yearless: Cell::new(false),
            keep,
        }
    }

    /// Whether an event at `t` survives the window; parsers ask before building it.
    fn keep(&mut self, t: Nanos) -> bool {
        (self.keep)(t)
    }

    fn resolve(&self, stamp: &Stamp) -> Option<Nanos> {
        stamp.resolve(&self.zone)
    }

    /// A year-less stamp, anchored by [`YearAnchor`].
    fn resolve_yearless(&self, stamp: Stamp) -> Option<Nanos> {
        self.yearless.set(true);
        let at = |year| Stamp { year, ..stamp }.resolve(&self.zone);
        match self.years {
            YearAnchor::Fixed(y) => at(y),
            YearAnchor::Near(r) => {
                let y = self.zone.to_local(r).year();
                [y - 1, y, y + 1]
                    .into_iter()
                    .filter_map(at)
                    .min_by_key(|t| (t - r).abs())
            }
            YearAnchor::NotAfter(r) => {
                let y = self.zone.to_local(r).year();
                [y + 1, y, y - 1]
                    .into_iter()
                    .filter_map(at)
                    .find(|t| *t <= r + NANOS_PER_DAY)
            }
        }
    }

    /// Builds a log event, recognising deploy, OOM and restart lines by their wording.
    fn event(
        &self,
        time: Nanos,
        level: Option<Level>,
        service: Option<String>,
        message: String,
        fields: BTreeMap<String, Value>,
    ) -> Event {
        let mut event = Event {
            time,
            kind: Kind::Log,
            level,
            service: service.or_else(|| self.service.clone()),
            message,
            fields,
            source: SourceRef {
                path: self.path.clone(),
                line: self.line,
            },
        };
        classify::classify(&mut event);
        event
    }

    fn raw_event(
        &self,
        time: Nanos,
        kind: Kind,
        level: Option<Level>,
        service: Option<String>,
        message: String,
    ) -> Event {
        Event {
            time,
            kind,
            level,
            service: service.or_else(|| self.service.clone()),
            message,
            fields: BTreeMap::new(),
            source: SourceRef {
                path: self.path.clone(),
                line: self.line,
            },
        }
    }
}

/// File names that say nothing about the service, so the directory names it instead.
const GENERIC_STEMS: &[&str] = &[
    "access",
    "app",
    "application",
    "combined",
    "console",
    "current",
    "error",
    "events",
    "log",
    "logs",
    "main",
    "messages",
    "output",
    "server",
    "stderr",
    "stdout",
    "syslog",
    "daemon",
    "kern",
    "service",
];

/// `checkout.log.1.gz` → `checkout`; `checkout/app.log` → `checkout`; `access.log` → none.
pub fn service_from_path(path: &str) -> Option<String> {
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next()?;
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    let is_generic =
        |s: &str| s.is_empty() || GENERIC_STEMS.contains(&s.to_ascii_lowercase().as_str());
    if !is_generic(stem) {
        return Some(stem.to_string());
    }
    parts
        .next()
        .filter(|d| !is_generic(d) && *d != "." && *d != "..")
        .map(str::to_string)
}

/// Counts per file; every line read lands in exactly one of the last five.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub lines: u64,
    pub events: u64,
    pub continuations: u64,
    pub outside: u64,
    pub blank: u64,
    pub unparsed: u64,
    /// The first unparsed line, for the warning that names it.
    pub first_unparsed: Option<u64>,
}

const SAMPLE_LINES: usize = 64;
const SAMPLE_BYTES: usize = 256 * 1024;
/// A stack trace longer than this is cut in the message (its lines are still counted).
const MAX_MESSAGE: usize = 16 * 1024;

/// One input's events, in time order, and how its lines were accounted for.
pub struct Parsed {
    pub events: Vec<Event>,
    pub counts: FileCounts,
    pub format: Option<Format>,
    /// Whether any line's year came from the [`YearAnchor`].
    pub yearless: bool,
}

/// Turns one input's lines into events: samples, detects, then parses with fallback and
/// continuation folding. Feed lines in order, then [`FileParser::finish`].
pub struct FileParser<'a> {
    cx: Cx<'a>,
    format: Option<Format>,
    sample: Vec<(u64, Vec<u8>)>,
    sample_bytes: usize,
    /// The event a continuation line belongs to: `Some(Some(i))` kept at `out[i]`,
    /// `Some(None)` outside the window.
    last: Option<Option<usize>>,
    pub counts: FileCounts,
    pub events: Vec<Event>,
}

impl<'a> FileParser<'a> {
    pub fn new(cx: Cx<'a>) -> Self {
        FileParser {
            cx,
            format: None,
            sample: Vec::new(),
            sample_bytes: 0,
            last: None,
            counts: FileCounts::default(),
            events: Vec::new(),
        }
    }

    pub fn feed(&mut self, line_no: u64, line: &[u8]) {
        if self.format.is_some() {
            self.parse_line(line_no, line);
            return;
        }
        self.sample_bytes += line.len();
        self.sample.push((line_no, line.to_vec()));
        let non_blank = self
            .sample
            .iter()
            .filter(|(_, l)| !l.trim_ascii().is_empty())
            .count();
        if non_blank >= SAMPLE_LINES || self.sample_bytes >= SAMPLE_BYTES {
            self.decide();
        }
    }

    pub fn finish(mut self) -> Parsed {
        if self.format.is_none() {
            self.decide();
        }
        let mut events = self.events;
        // Alert payloads and late writers put events out of order; a stable sort keeps file
        // order among equal times.
        if !events.is_sorted_by_key(|e| e.time) {
            events.sort_by_key(|e| e.time);
        }
        Parsed {
            events,
            counts: self.counts,
            format: self.format,
            yearless: self.cx.yearless.get(),
        }
    }

    fn decide(&mut self) {
        let mut nothing = |_: Nanos| false;
        let mut probe = Cx {
            zone: self.cx.zone,
            years: self.cx.years,
            path: self.cx.path.clone(),
            service: None,
            line: 0,
            yearless: Cell::new(false),
            keep: &mut nothing,
        };
        let mut scratch = Vec::new();
        let mut best = (0usize, Format::Text);
        for format in ALL {
            let score = self
                .sample
                .iter()
                .filter(|(_, l)| {
                    format.parse(&String::from_utf8_lossy(l), &mut probe, &mut scratch)
                })
                .count();
            if score > best.0 {
                best = (score, format);
            }
        }
        self.format = Some(best.1);
        for (n, line) in std::mem::take(&mut self.sample) {
            self.parse_line(n, &line);
        }
    }

    fn parse_line(&mut self, line_no: u64, raw: &[u8]) {
        self.counts.lines += 1;
        let text = String::from_utf8_lossy(raw);
        let plain = strip_ansi(&text);
        let line = plain.trim_end();
        self.cx.line = line_no;
        let chosen = self.format.unwrap_or(Format::Text);
        if line.trim_start().is_empty() {
            self.counts.blank += 1;
            return;
        }
        let before = self.events.len();
        let recognised = std::iter::once(chosen)
            .chain(ALL.into_iter().filter(|f| *f != chosen))
            .any(|f| f.parse(line, &mut self.cx, &mut self.events));
        if recognised {
            let kept = self.events.len() - before;
            self.counts.events += kept as u64;
            if kept == 0 {
                self.counts.outside += 1;
                self.last = Some(None);
            } else {
                self.last = Some(Some(self.events.len() - 1));
            }
            return;
        }
        match self.last {
            Some(Some(i)) if chosen != Format::Json && is_crash(line) => {
                // A runtime crash has no time of its own: it is dated by the line before it.
                let before = &self.events[i];
                let (time, service) = (before.time, before.service.clone());
                let event = self.cx.event(
                    time,
                    Some(Level::Error),
                    service,
                    line.to_string(),
                    BTreeMap::new(),
                );
                self.events.push(event);
                self.counts.events += 1;
                self.last = Some(Some(self.events.len() - 1));
            }
            Some(target) if chosen != Format::Json => {
                self.counts.continuations += 1;
                if let Some(event) = target.and_then(|i| self.events.get_mut(i)) {
                    if event.message.len() < MAX_MESSAGE {
                        event.message.push('\n');
                        event.message.push_str(line);
                    }
                }
            }
            _ => {
                self.counts.unparsed += 1;
                self.counts.first_unparsed.get_or_insert(line_no);
            }
        }
    }
}

/// Lines a runtime prints when a process dies, without a timestamp: Go's `panic:` and
/// `fatal error:`. They start an error event instead of continuing the line before.
fn is_crash(line: &str) -> bool {
    line.starts_with("panic: ") || line.starts_with("fatal error: ")
}

/// Removes ANSI colour sequences (`ESC [ … m`), which tracing and others write to terminals
/// and which end up in files piped from them.
fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.clone().next() == Some('[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Parses `lines` as one file named `path`, keeping everything; the events and counts.
    pub fn parse_all(path: &str, lines: &[&str]) -> (Vec<Event>, FileCounts, Option<Format>) {
        let mut keep = |_: Nanos| true;
        let anchor = YearAnchor::Near(1_697_032_800_000_000_000);
        let cx = Cx::new(Zone::utc(), anchor, Arc::from(path), &mut keep);
        let mut parser = FileParser::new(cx);
        for (i, l) in lines.iter().enumerate() {
            parser.feed(i as u64 + 1, l.as_bytes());
        }
        let parsed = parser.finish();
        (parsed.events, parsed.counts, parsed.format)
    }

    pub fn utc(t: Nanos) -> String {
        Zone::utc().rfc3339(t)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn service_names_from_paths() {
        assert_eq!(
            service_from_path("checkout.log.1.gz").as_deref(),
            Some("checkout")
        );
        assert_eq!(
            service_from_path("checkout/app.log").as_deref(),
            Some("checkout")
        );
        assert_eq!(
            service_from_path("nginx/access.log").as_deref(),
            Some("nginx")
        );
        assert_eq!(service_from_path("access.log"), None);
    }

    #[test]
    fn stack_traces_fold_into_their_event() {
        let (events, counts, format) = parse_all(
            "api.log",
            &[
                "2023-10-11 14:00:01.123 ERROR [main] c.a.Checkout - payment failed",
                "java.lang.IllegalStateException: pool exhausted",
                "\tat com.acme.Pool.get(Pool.java:42)",
                "",
                "2023-10-11 14:00:02.000 INFO [main] c.a.Checkout - ok",
            ],
        );
        assert_eq!(format, Some(Format::Text));
        assert_eq!(events.len(), 2);
        assert!(events[0]
            .message
            .ends_with("at com.acme.Pool.get(Pool.java:42)"));
        assert_eq!(
            (
                counts.lines,
                counts.events,
                counts.continuations,
                counts.blank
            ),
            (5, 2, 2, 1)
        );
    }

    #[test]
    fn colour_codes_are_stripped() {
        let (events, _, _) = parse_all(
            "api.log",
            &["\u{1b}[2m2023-10-11T14:00:01.289898Z\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m \u{1b}[2mapi\u{1b}[0m: listening"],
        );
        assert_eq!(
            (events[0].level, events[0].message.as_str()),
            (Some(Level::Info), "api: listening")
        );
    }

    #[test]
    fn a_go_panic_is_an_error_dated_by_the_line_before() {
        let (events, counts, _) = parse_all(
            "billing.log",
            &[
                "2023/10/11 14:00:03 reconciled 12 accounts",
                "panic: runtime error: nil map write",
                "",
                "goroutine 1 [running]:",
            ],
        );
        assert_eq!(events.len(), 2);
        assert_eq!(
            (events[1].level, events[1].time),
            (Some(Level::Error), events[0].time)
        );
        assert!(events[1].message.ends_with("goroutine 1 [running]:"));
        assert_eq!(
            (counts.events, counts.continuations, counts.blank),
            (2, 1, 1)
        );
    }

    #[test]
    fn garbage_before_any_event_is_unparsed() {
        let (events, counts, _) = parse_all("junk.txt", &["hello world", "no time here"]);
        assert!(events.is_empty());
        assert_eq!((counts.unparsed, counts.first_unparsed), (2, Some(1)));
    }

    #[test]
    fn mixed_file_falls_back_per_line() {
        let (events, _, format) = parse_all(
            "svc.log",
            &[
                r#"{"time":"2023-10-11T14:00:01Z","level":"info","msg":"a"}"#,
                r#"{"time":"2023-10-11T14:00:02Z","level":"info","msg":"b"}"#,
                "2023-10-11T14:00:03Z ERROR plain line",
            ],
        );
        assert_eq!(format, Some(Format::Json));
        assert_eq!(events.len(), 3);
        assert_eq!(events[2].level, Some(Level::Error));
    }
}
