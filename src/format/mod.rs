//! Detecting each input's format and turning its lines into [`Event`]s.
//!
//! A file's format is chosen once, from a sample of its first lines (never from its name);
//! each later line tries that format first and the others after it, so a file that mixes
//! shapes (a JSON log with plain panics in it) loses nothing. In text formats a line that no
//! format takes is a continuation (stack trace, traceback) of the event before it.

mod access;
mod alb;
mod alertmanager;
mod builtin;
pub(crate) mod classify;
mod cri;
mod custom;
mod datadog;
mod docker;
mod document;
mod github;
mod grafana;
mod haproxy;
mod helm;
mod heroku;
mod json;
mod k8s;
mod located;
mod logfmt;
mod nagios;
mod opsgenie;
mod pagerduty;
mod spinnaker;
mod syslog;
mod text;
pub use crate::time::stamp as timestamp;
pub use text::LevelPlace;
mod zabbix;

use crate::config::{self, Config, FileRules, LineFormat};
use crate::event::Fields;
use crate::event::{Event, Kind, Level, SourceRef};
use crate::input::{Line, LineReader};
pub use crate::time::calendar::YearAnchor;
use crate::time::calendar::{self, anchor_year, day_in_name, LastDay};
use crate::time::layout::{self, Reading};
use crate::time::locate;
use crate::time::lock::{Declared, Lock};
use crate::time::stamp::Shape;
use crate::time::{Nanos, Zone};
use crate::traffic::Requests;
use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::Cell;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::Arc;
use timestamp::Stamp;

/// The format families, in the order they are tried when a sample is tied (see [`ALL`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Syslog,
    Access,
    Logfmt,
    /// Lines that open with a time, and where the file states its level.
    Text(LevelPlace),
    /// A format defined as data: a site's in `reconstruct.toml` (its index there), then the
    /// tool's own (the definitions in `src/format/defs/`), numbered after the site's.
    Custom(u8),
    /// Text whose stamps the hand-written readers miss, read where the file's lock puts them.
    Located(Lock),
}

pub const ALL: [Format; 5] = [
    Format::Json,
    Format::Syslog,
    Format::Access,
    Format::Logfmt,
    Format::Text(LevelPlace::Anywhere),
];

impl Format {
    /// The name `--stats` and `-v` show: a site's format by the name `config` gives it.
    pub fn name(self, config: &Config) -> &str {
        match self {
            Format::Json => "json",
            Format::Syslog => "syslog",
            Format::Access => "access-log",
            Format::Logfmt => "logfmt",
            Format::Text(_) | Format::Located(_) => "timestamped text",
            Format::Custom(i) => {
                line_format(config, usize::from(i)).map_or("custom", |f| f.name.as_str())
            }
        }
    }

    /// Parses one line; `false` when the line is not in this format. Events whose time the
    /// window rejects are not built. Public for the fuzz targets, which drive each family
    /// alone.
    pub fn parse(self, line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
        match self {
            Format::Json => json::parse(line, cx, out),
            Format::Syslog => syslog::parse(line, cx, out),
            Format::Access => access::parse(line, cx, out),
            Format::Logfmt => logfmt::parse(line, cx, out),
            Format::Text(place) => text::parse(line, place, cx, out),
            Format::Custom(i) => custom::parse(usize::from(i), line, cx, out),
            Format::Located(lock) => located::parse(&lock, line, cx, out),
        }
    }

    /// What `-v` says after the name: the layout of the time (as the locator reads it in
    /// `stamped`, a line this format read), and for text where its lock or reader settled the
    /// time and the level.
    pub fn details(self, stamped: Option<&str>) -> String {
        let mut said = String::new();
        if let Format::Located(lock) = self {
            said += &format!(
                ", time as {} at token {}",
                lock.layout_text(),
                lock.ordinal + 1
            );
            said += match lock.declared {
                Declared::No => "",
                Declared::W3c => ", as its #Fields header declares",
                Declared::Header => ", the column its header row names",
            };
            said += &match lock.level {
                Some(-1) => ", level the word before it".to_string(),
                Some(1) => ", level the word after it".to_string(),
                Some(n) if n < 0 => format!(", level {} words before it", -n),
                Some(n) => format!(", level {n} words after it"),
                None => String::new(),
            };
            return said;
        }
        let layout = stamped
            .and_then(|line| layout_of(line.as_bytes()))
            .and_then(|index| layout::table().get(index));
        if let Some(layout) = layout {
            said += &format!(", time as {}", layout.text);
        }
        match self {
            Format::Text(LevelPlace::At(k)) => {
                said += &format!(", level at token {} after it", k + 1);
            }
            Format::Text(LevelPlace::Marked) => {
                said += ", levels only in capitals or brackets";
            }
            _ => {}
        }
        said
    }

    /// The formats a line this format does not read is tried in next. A file whose stamps
    /// only its lock reads is not handed to the text reader, which would take a time from the
    /// head of a continuation line.
    fn fallbacks(self) -> impl Iterator<Item = Format> {
        ALL.into_iter().filter(move |f| {
            *f != self && !(matches!(self, Format::Located(_)) && matches!(f, Format::Text(_)))
        })
    }
}

/// What every line parser needs besides the line.
pub struct Cx<'a> {
    /// What `reconstruct.toml` says (see [`Cx::configured`]).
    config: Arc<Config>,
    pub zone: Zone,
    years: YearAnchor,
    /// The local year of the anchor's instant, the middle of the years a year-less stamp is
    /// tried in: worked out once, not for every line.
    anchor_year: i32,
    pub path: Arc<str>,
    /// The service a file's path names (`checkout/app.log` → `checkout`), for lines that name none.
    pub service: Option<String>,
    pub line: u64,
    /// The time a line's prefix gave to the JSON embedded after it (`logcli` output), or
    /// a container runtime gave to the line it wrapped.
    given_time: Option<Nanos>,
    /// Set once a year-less timestamp was read, so the caller knows the anchor mattered.
    yearless: Cell<bool>,
    /// The hour and minutes of the stamps before, which most lines share.
    recent: timestamp::Recent,
    /// The last dated line, which dates the time-only lines after it.
    day: Option<LastDay>,
    /// A date in the file's name (`app-2023-10-11.log`), the next best context.
    name_day: Option<NaiveDate>,
    /// `--date`, the last resort for time-only lines.
    pub fallback_day: Option<NaiveDate>,
    /// Time-only lines that nothing could date.
    undatable: u64,
    /// Whether any line had only a time of day (its date depends on the lines before it).
    time_only: bool,
    /// The start of a line split into partial records (CRI `P`, Docker without `\n`).
    carry: Option<String>,
    /// Parsing for a draft, which counts ordinary requests and keeps nothing else of them.
    draft: bool,
    /// Whether a draft's ordinary lines may go unbuilt (see [`Cx::only_counted`]): in the
    /// file's own parse, not in the trial parses of detection and of wrapped lines, whose
    /// events the caller inspects.
    count_only: bool,
    /// Whether only the fields that decide an event's kind (and the configured service
    /// fields) are wanted: see [`Cx::wants_field`].
    lean: bool,
    /// Each event only counted since the file's parser last looked.
    counted: Vec<Dropped>,
    /// With [`Keep::Draft`] (and only then), the file's requests counted so far.
    requests: Option<Requests>,
    /// What `reconstruct.toml` says about this file.
    rules: FileRules,
    /// Where the last JSON lines' keys put what the JSON parser looks up.
    json: json::Layouts,
    keep: &'a mut dyn FnMut(Nanos) -> bool,
}

/// Format `index` of those defined as data: the site's, then the tool's own.
fn line_format(config: &Config, index: usize) -> Option<&LineFormat> {
    match config.formats.get(index) {
        Some(format) => Some(format),
        None => builtin::formats().get(index - config.formats.len()),
    }
}

/// The tool's own formats defined as data, numbered after the site's.
fn defined(config: &Config) -> impl Iterator<Item = Format> {
    let site = config.formats.len();
    (site..site + builtin::formats().len()).filter_map(|i| u8::try_from(i).ok().map(Format::Custom))
}

/// Whether the field `key` is wanted of every event, even where a draft would drop it:
/// [`classify`] reads it, or `reconstruct.toml` says it names the service.
fn always_wanted(config: &Config, key: &str) -> bool {
    classify::DRAFT_READS.contains(&key) || config.service_fields.iter().any(|f| f == key)
}

impl<'a> Cx<'a> {
    pub fn new(
        zone: Zone,
        years: YearAnchor,
        path: Arc<str>,
        keep: &'a mut dyn FnMut(Nanos) -> bool,
    ) -> Self {
        let config = Config::none();
        let rules = config.for_file(&path);
        let service = rules.service.clone().or_else(|| service_from_path(&path));
        let name_day = day_in_name(&path);
        Cx {
            config,
            zone,
            years,
            anchor_year: anchor_year(years, &zone),
            path,
            service,
            line: 0,
            given_time: None,
            yearless: Cell::new(false),
            recent: timestamp::Recent::default(),
            day: None,
            name_day,
            fallback_day: None,
            undatable: 0,
            time_only: false,
            carry: None,
            draft: false,
            count_only: false,
            lean: false,
            counted: Vec::new(),
            requests: None,
            rules,
            json: json::Layouts::default(),
            keep,
        }
    }

    /// Reads the file as `config` says: its format, service and kind by its path, the fields
    /// that name services, a site's formats among those detection tries.
    pub fn configured(mut self, config: Arc<Config>) -> Self {
        self.rules = config.for_file(&self.path);
        self.service = self
            .rules
            .service
            .clone()
            .or_else(|| service_from_path(&self.path));
        self.config = config;
        self
    }

    /// A context with this one's settings and another window, for trial parses.
    fn probe<'b>(&self, keep: &'b mut dyn FnMut(Nanos) -> bool) -> Cx<'b> {
        Cx {
            config: Arc::clone(&self.config),
            zone: self.zone,
            years: self.years,
            anchor_year: self.anchor_year,
            path: self.path.clone(),
            service: self.service.clone(),
            line: self.line,
            given_time: None,
            yearless: Cell::new(false),
            recent: timestamp::Recent::default(),
            day: self.day,
            name_day: self.name_day,
            fallback_day: self.fallback_day,
            undatable: 0,
            time_only: false,
            carry: None,
            draft: self.draft,
            count_only: false,
            lean: self.lean,
            counted: Vec::new(),
            requests: None,
            rules: self.rules.clone(),
            json: json::Layouts::default(),
            keep,
        }
    }

    /// An ISO 8601 stamp at the start of `b` ([`timestamp::iso`]), the bytes it takes and its
    /// instant (`None` for an impossible date); `None` when there is none. A stamp in the last
    /// one's minute is dated from it ([`timestamp::Minute`]).
    fn iso_time(&self, b: &[u8]) -> Option<(Option<Nanos>, usize)> {
        if let Some((t, used)) = self.recent.iso.recall(b) {
            return Some((Some(t), used));
        }
        let (stamp, used) = timestamp::iso(b)?;
        let t = self.resolve(&stamp);
        if let Some(t) = t {
            self.recent.iso.remember(b, &stamp, t, &self.zone);
        }
        Some((t, used))
    }

    /// [`Cx::iso_time`] of a line's leading stamp, remembered as the context for time-only
    /// lines after it, as [`Cx::resolve_dated`] remembers.
    fn iso_dated(&mut self, b: &[u8]) -> Option<(Option<Nanos>, usize)> {
        let (t, used) = self.iso_time(b)?;
        if let Some(t) = t {
            self.day = Some(LastDay::At(t));
        }
        Some((t, used))
    }

    /// The instant of an access-log stamp ([`timestamp::clf`]), dated as [`Cx::iso_time`]
    /// dates ISO 8601.
    fn clf_time(&self, b: &[u8]) -> Option<Nanos> {
        if let Some((t, _)) = self.recent.clf.recall(b) {
            return Some(t);
        }
        let (stamp, _) = timestamp::clf(b)?;
        let t = self.resolve(&stamp)?;
        self.recent.clf.remember(b, &stamp, t, &self.zone);
        Some(t)
    }

    /// A dated stamp, remembered as the context for time-only lines after it.
    fn resolve_dated(&mut self, stamp: &Stamp) -> Option<Nanos> {
        let t = self.resolve(stamp)?;
        self.day = Some(LastDay::At(t));
        Some(t)
    }

    /// A time of day, dated by the last dated line (rolling over midnight when the clock
    /// goes back by more than twelve hours), else by the file's name, else by `--date`.
    /// `None` when nothing dates it: a guess would put it at a wrong minute.
    fn resolve_time_only(&mut self, stamp: Stamp) -> Option<Nanos> {
        self.time_only = true;
        let (day, last) = calendar::day_of(
            &stamp,
            self.day,
            self.name_day,
            self.fallback_day,
            &self.zone,
        )?;
        self.day = Some(last);
        self.resolve(&Stamp {
            year: day.year(),
            month: day.month(),
            day: day.day(),
            ..stamp
        })
    }

    /// Reads what a container runtime wrapped (CRI, Docker) as a line of its own, for its
    /// level, message, service and kind; the runtime's time, which is exact, stays.
    fn reparse(&self, content: &str, time: Nanos) -> Event {
        let mut all = |_: Nanos| true;
        let mut inner = self.probe(&mut all);
        inner.given_time = Some(time);
        let mut found = Vec::new();
        // The tool's definitions before the text reader: a Kubernetes component's klog line,
        // an nginx container's error line, are theirs whole.
        let families = [Format::Json, Format::Logfmt, Format::Syslog];
        let text = Format::Text(LevelPlace::Anywhere);
        let formats = families
            .into_iter()
            .chain(defined(&self.config))
            .chain([text]);
        for format in formats {
            if format.parse(content, &mut inner, &mut found) && !found.is_empty() {
                break;
            }
            found.clear();
        }
        match found.into_iter().next() {
            Some(mut event) => {
                event.time = time;
                event
            }
            None => {
                let level = is_crash(content).then_some(Level::Error);
                self.event(time, level, None, content.to_string(), Fields::new())
            }
        }
    }

    /// Whether an event at `t` survives the window; parsers ask before building it.
    fn keep(&mut self, t: Nanos) -> bool {
        (self.keep)(t)
    }

    /// A line's time, if the line goes on to become an event; else what the parser answers:
    /// `false` for a time of day that nothing dates (counted here), `true` for a line read but
    /// outside the window (not built).
    fn admit(&mut self, time: Option<Nanos>) -> Result<Nanos, bool> {
        let Some(time) = time else {
            self.undatable += 1;
            return Err(false);
        };
        if !self.keep(time) {
            return Err(true);
        }
        Ok(time)
    }

    fn resolve(&self, stamp: &Stamp) -> Option<Nanos> {
        self.recent.hours.resolve(stamp, &self.zone)
    }

    /// The instant of a stamp of any shape, each as its own method dates it: `None` for an
    /// impossible date, `Some(None)` for a time of day that nothing dates.
    fn resolve_shaped(&mut self, stamp: Stamp, shape: Shape) -> Option<Option<Nanos>> {
        Some(match shape {
            Shape::Dated => Some(self.resolve_dated(&stamp)?),
            Shape::YearLess => Some(self.resolve_yearless(stamp)?),
            Shape::TimeOnly => self.resolve_time_only(stamp),
        })
    }

    /// A year-less stamp, anchored by [`YearAnchor`].
    fn resolve_yearless(&self, stamp: Stamp) -> Option<Nanos> {
        self.yearless.set(true);
        calendar::in_year(self.years, self.anchor_year, |year| {
            self.resolve(&Stamp { year, ..stamp })
        })
    }

    /// Builds a log event, recognising deploy, OOM and restart lines by their wording.
    fn event(
        &self,
        time: Nanos,
        level: Option<Level>,
        service: Option<String>,
        message: String,
        fields: Fields,
    ) -> Event {
        let mut event = self.own_event(time, Kind::Log, level, message);
        event.service = service;
        event.fields = fields;
        classify::classify(&mut event);
        if let Some(service) = self
            .config
            .service_fields
            .iter()
            .find_map(|f| event.fields.get(f).and_then(Value::as_str))
        {
            event.service = Some(service.to_string());
        }
        if let Some(kind) = self.rules.kind {
            config::mark(&mut event, kind);
        }
        // Most lines a draft reads it only counts: the file's service is copied for the others.
        if event.service.is_none() && (!self.draft || event.matters_to_draft()) {
            event.service = self.service.clone();
        }
        event
    }

    /// Whether a parser builds the field `key` of a plain log line or request: all of them for
    /// an event kept whole; only those [`classify`] reads and the configured service fields
    /// when nothing prints the rest ([`Cx::kind_only`]).
    fn wants_field(&self, key: &str) -> bool {
        !self.kind_only() || always_wanted(&self.config, key)
    }

    /// Whether only the fields that decide a kind are wanted of an event: for the text event
    /// stream, which prints no fields, and for a draft, which reads a plain line's fields only
    /// to decide its kind. An error a draft keeps would otherwise hold all its fields until
    /// the draft is built, much of what a week's errors and warnings weigh. A file that
    /// `reconstruct.toml` marks as alerts or deploys keeps them all: a marked alert's summary
    /// is a field.
    fn kind_only(&self) -> bool {
        self.lean || (self.draft && self.rules.kind.is_none())
    }

    /// The format `reconstruct.toml` names for this file, which detection then does not guess.
    fn named_format(&self) -> Option<Format> {
        self.rules
            .format
            .and_then(|i| u8::try_from(i).ok())
            .map(Format::Custom)
    }

    /// Whether a draft would only count the event of this line, an ordinary log line (info or
    /// below, and nothing in its wording or the fields `field` gives that [`classify`] reads):
    /// then it is counted and the parser builds nothing. Parsers ask with what they borrowed
    /// from the line, before copying its message and fields.
    fn only_counted<'f>(
        &mut self,
        time: Nanos,
        level: Option<Level>,
        message: &str,
        field: impl Fn(&str) -> Option<Cow<'f, str>>,
    ) -> bool {
        let ordinary = self.count_only
            && !Level::stands_out(level)
            && self.rules.kind.is_none()
            && classify::is_ordinary(cut(message), field);
        if ordinary {
            self.counted.push(Dropped {
                time,
                line: self.line,
                request: None,
            });
        }
        ordinary
    }

    /// A request that did not fail, read for a draft, needs only its time, status and duration
    /// (see [`Requests`]), and no event is built: a file's draft counts it here, and a batch's
    /// drafts (which count each request against each incident) get the three to count. A trial
    /// parse, whose events its caller reads, gets an event of nothing else. `false` when the
    /// whole event is wanted.
    fn count_request(
        &mut self,
        time: Nanos,
        status: u16,
        duration: Option<Nanos>,
        out: &mut Vec<Event>,
    ) -> bool {
        if !self.draft || status >= 500 {
            return false;
        }
        if !self.count_only {
            out.push(self.own_event(
                time,
                Kind::Http { status, duration },
                Some(Level::Info),
                String::new(),
            ));
            return true;
        }
        let request = match &mut self.requests {
            Some(requests) => {
                requests.count(time, status, duration);
                None
            }
            None => Some((status, duration)),
        };
        self.counted.push(Dropped {
            time,
            line: self.line,
            request,
        });
        true
    }

    fn raw_event(
        &self,
        time: Nanos,
        kind: Kind,
        level: Option<Level>,
        service: Option<String>,
        message: String,
    ) -> Event {
        let mut event = self.own_event(time, kind, level, message);
        event.service = service.or_else(|| self.service.clone());
        event
    }

    /// An event of this line without a service.
    fn own_event(&self, time: Nanos, kind: Kind, level: Option<Level>, message: String) -> Event {
        Event {
            time,
            kind,
            level,
            service: None,
            message: capped(message),
            fields: Fields::new(),
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

const SAMPLE_LINES: usize = 64;
const SAMPLE_BYTES: usize = 256 * 1024;
/// A whole-document JSON input (an API response) larger than this is not read past it.
const MAX_DOCUMENT: usize = 512 << 20;
/// A message (a line, or a stack trace gathered under it) longer than this is cut: the lines
/// are still counted, and the draft and the event stream stay readable.
const MAX_MESSAGE: usize = 16 * 1024;

/// The message, cut at [`MAX_MESSAGE`] (on a character boundary) and marked as cut.
fn capped(mut message: String) -> String {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    message.truncate(cut(&message).len());
    message.push_str(" … [cut at 16 KiB]");
    message
}

/// `str::trim_start`, byte by byte over ASCII white space: the parsers trim several times a
/// line, and the standard one decodes a character at a time. Past a byte outside ASCII (which
/// may begin a wider space) the standard one decides.
fn trim_start(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|&b| matches!(b, b' ' | b'\t'..=b'\r'))
        .count();
    // White space in ASCII is one byte a character: `n` is a character boundary.
    let rest = &s[n..];
    match rest.as_bytes().first() {
        Some(&b) if b >= 0x80 => rest.trim_start(),
        _ => rest,
    }
}

/// `str::trim_end` for a line or a message, which nearly always ends in a byte that is neither
/// white space nor part of a character outside ASCII: that byte is all that is looked at.
fn trim_end(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(&b) if b < 0x80 && !matches!(b, b' ' | b'\t'..=b'\r') => s,
        _ => s.trim_end(),
    }
}

/// The first 80 characters of a line, for a warning that quotes it.
fn opening(line: &str) -> String {
    let mut text: String = line.chars().take(80).collect();
    if text.len() < line.len() {
        text.push('…');
    }
    text
}

/// What is kept of a message: its first [`MAX_MESSAGE`] bytes, ending on a character.
fn cut(message: &str) -> &str {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    let end = (0..=MAX_MESSAGE)
        .rev()
        .find(|&i| message.is_char_boundary(i))
        .unwrap_or(0);
    &message[..end]
}

/// One input's events, in time order, and how its lines were accounted for.
#[derive(Default)]
pub struct Parsed {
    pub events: Vec<Event>,
    pub counts: FileCounts,
    pub format: Option<Format>,
    /// The first line of the sample the format read, where `-v` names the time's layout.
    pub stamped: Option<Arc<str>>,
    /// For a read that [`FileParser::continuing`] began: where the last line left off, for the
    /// next read to go on from. `None` before any event, `Some(None)` after one not kept, else
    /// the event a continuation line would join.
    pub open: Option<Option<Event>>,
    /// Whether any line's year came from the [`YearAnchor`].
    pub yearless: bool,
    /// Why part of the input could not be read (a broken JSON document), for a warning.
    pub problem: Option<String>,
    /// The requests counted, when parsing for a draft.
    pub requests: Option<Requests>,
    /// With [`Keep::Drafts`]: each event in range that was not kept, so that each incident of
    /// a batch can count its own lines, events and requests.
    pub dropped: Vec<Dropped>,
    /// The opening of the first unparsed line, for the warning that quotes it.
    pub first_unparsed_text: Option<String>,
}

/// An event in range that a parse counted and did not keep: its time and line, and for an
/// ordinary request its status and duration (which a batch's incidents count each in their own
/// window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropped {
    pub time: Nanos,
    pub line: u64,
    pub request: Option<(u16, Option<Nanos>)>,
}

/// Whether the last parsed line was in range, and the unparsed lines since it: an unparsed
/// line is in range when a parsed neighbour is (for `--strict`).
#[derive(Default)]
struct Near {
    last_in_range: Option<bool>,
    pending: u64,
    first_pending: Option<u64>,
}

/// Turns one input's lines into events: samples, detects, then parses with fallback and
/// continuation folding. Feed lines in order, then [`FileParser::finish`].
pub struct FileParser<'a> {
    cx: Cx<'a>,
    format: Option<Format>,
    /// See [`Parsed::stamped`].
    stamped: Option<Arc<str>>,
    sample: Vec<(u64, Vec<u8>)>,
    sample_bytes: usize,
    /// The event a continuation line belongs to: `Some(Some(i))` kept at `out[i]`,
    /// `Some(None)` outside the window.
    last: Option<Option<usize>>,
    /// A whole JSON document being gathered, with the line it starts on.
    document: Option<(u64, String)>,
    /// Why part of the input could not be read, when it could not.
    problem: Option<String>,
    /// Unparsed lines waiting for a parsed neighbour to say whether they are in range.
    near: Near,
    pub counts: FileCounts,
    pub events: Vec<Event>,
    /// What is kept of the events: for drafts, only what they use, so that memory grows with
    /// the window's errors, not its lines.
    keep: Keep,
    /// With [`Keep::Drafts`], each event not kept.
    dropped: Vec<Dropped>,
    /// The opening of the first unparsed line, which a warning quotes.
    first_unparsed_text: Option<String>,
    /// Whether the lines continue a read before and may be continued by a read after (live
    /// mode): then [`Parsed::open`] says where the last line left off.
    continued: bool,
}

/// How much of what it reads in range a parse keeps.
#[derive(Clone, Copy, Debug)]
pub enum Keep {
    /// Every event, whole: the event stream.
    All,
    /// Every event, without the fields the text event stream does not print.
    Lines,
    /// What one draft uses (see [`Event::matters_to_draft`]); requests are counted, starting
    /// from these counts, and dropped.
    Draft(Requests),
    /// What drafts use, and every request without its fields: a batch's incidents count them
    /// each against their own window.
    Drafts,
}

impl<'a> FileParser<'a> {
    pub fn new(cx: Cx<'a>) -> Self {
        FileParser {
            format: cx.named_format(),
            stamped: None,
            cx,
            sample: Vec::new(),
            sample_bytes: 0,
            last: None,
            continued: false,
            document: None,
            problem: None,
            near: Near::default(),
            counts: FileCounts::default(),
            events: Vec::new(),
            keep: Keep::All,
            dropped: Vec::new(),
            first_unparsed_text: None,
        }
    }

    /// Reads every line in `format` without sampling first: for a chunk of a large file, whose
    /// format was detected from the file's head, as a whole-file read would have.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Reads lines that go on from a read before, in live mode: `open` is where that read left
    /// off ([`Parsed::open`]), so that a stack trace written across two reads stays with the
    /// event it belongs to. The event given comes back among the events, with the lines that
    /// continue it.
    pub fn continuing(mut self, open: Option<Option<Event>>) -> Self {
        self.continued = true;
        self.last = open.map(|event| {
            event.map(|event| {
                self.events.push(event);
                self.events.len() - 1
            })
        });
        self
    }

    /// Gives the line of the file's head its format read first (for a chunk's
    /// [`Parsed::stamped`]).
    pub fn with_stamped(mut self, stamped: Option<Arc<str>>) -> Self {
        self.stamped = stamped;
        self
    }

    /// Keeps what `keep` asks for of the events in range (all are counted either way).
    pub fn keeping(mut self, keep: Keep) -> Self {
        self.cx.draft = !matches!(keep, Keep::All | Keep::Lines);
        self.cx.count_only = self.cx.draft;
        self.cx.lean = matches!(keep, Keep::Lines);
        self.cx.requests = match keep {
            Keep::Draft(requests) => Some(requests),
            _ => None,
        };
        self.keep = keep;
        self
    }

    /// Takes the events kept that no later line can change: all but the last, which a
    /// continuation line may still extend or a crash line date. A stream writes them as it
    /// reads, so that a window's events are never held all at once.
    pub fn settled(&mut self) -> std::vec::Drain<'_, Event> {
        let open = match self.last {
            Some(Some(last)) => {
                self.last = Some(Some(0));
                last
            }
            _ => self.events.len(),
        };
        self.events.drain(..open)
    }

    /// How many events the last parse only counted; a batch notes each as dropped.
    fn take_counted(&mut self) -> usize {
        let counted = self.cx.counted.len();
        if matches!(self.keep, Keep::Drafts) {
            self.dropped.append(&mut self.cx.counted);
        } else {
            self.cx.counted.clear();
        }
        counted
    }

    fn slim_from(&mut self, start: usize) {
        // A draft's lines are mostly only counted, and leave nothing to slim.
        if self.events.len() == start {
            return;
        }
        let keep_requests = match &mut self.keep {
            Keep::All | Keep::Lines => return,
            Keep::Draft(_) => {
                if let Some(requests) = &mut self.cx.requests {
                    for e in &self.events[start..] {
                        requests.add(e);
                    }
                }
                false
            }
            Keep::Drafts => true,
        };
        let dropped = &mut self.dropped;
        let mut slim = |e: &mut Event| {
            let kept = e.slim_for_draft() || (keep_requests && matches!(e.kind, Kind::Http { .. }));
            if !kept && keep_requests {
                dropped.push(Dropped {
                    time: e.time,
                    line: e.source.line,
                    request: None,
                });
            }
            kept
        };
        // Most lines are one event: no allocation for them.
        if self.events.len() == start + 1 {
            if !slim(&mut self.events[start]) {
                self.events.pop();
            }
            return;
        }
        let fresh = self.events.split_off(start);
        self.events.extend(
            fresh
                .into_iter()
                .filter_map(|mut e| slim(&mut e).then_some(e)),
        );
    }

    /// Takes every line `lines` frames, to the end of the stream or its first read error.
    pub fn read_all<R: Read>(&mut self, lines: &mut LineReader<R>) -> io::Result<()> {
        lines.each(|n, line| {
            self.feed(n, line);
            ControlFlow::Continue(())
        })
    }

    /// Takes the next line (1-based number, without its newline).
    pub fn feed(&mut self, line_no: u64, line: Line<'_>) {
        if let Some((_, doc)) = &mut self.document {
            self.counts.lines += 1;
            if doc.len() + line.bytes().len() > MAX_DOCUMENT {
                self.counts.too_large += 1;
                self.counts.unparsed_in_range += 1;
                self.counts.first_unparsed.get_or_insert(line_no);
                self.counts.first_unparsed_in_range.get_or_insert(line_no);
                self.problem.get_or_insert_with(|| {
                    format!("JSON document larger than {} MiB", MAX_DOCUMENT >> 20)
                });
                return;
            }
            if line.bytes().trim_ascii().is_empty() {
                self.counts.blank += 1;
            }
            match line {
                Line::Text(text) => doc.push_str(text),
                Line::Bytes(raw) => doc.push_str(&String::from_utf8_lossy(raw)),
            }
            doc.push('\n');
            return;
        }
        if self.format.is_some() {
            self.parse_line(line_no, line);
            return;
        }
        self.sample_bytes += line.bytes().len();
        self.sample.push((line_no, line.bytes().to_vec()));
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
        if let Some((first, doc)) = self.document.take() {
            let before = self.events.len();
            let broken = document::parse(
                &doc,
                first,
                &mut self.cx,
                &mut self.events,
                &mut self.counts,
            );
            if let Some(at) = broken {
                self.problem
                    .get_or_insert_with(|| format!("invalid JSON at line {at}"));
            }
            self.take_counted();
            self.slim_from(before);
        }
        // Unparsed lines in a file with no parsed line at all: nothing says they are out of range.
        if self.near.last_in_range.is_none() {
            self.settle_near();
        }
        let open = self.continued.then(|| {
            self.last
                .map(|target| target.and_then(|i| self.events.get(i).cloned()))
        });
        let mut events = self.events;
        // Alert payloads and late writers put events out of order; a stable sort keeps file
        // order among equal times.
        if !events.is_sorted_by_key(|e| e.time) {
            events.sort_by_key(|e| e.time);
        }
        Parsed {
            open: open.flatten(),
            events,
            counts: self.counts,
            format: self.format,
            yearless: self.cx.yearless.get(),
            problem: self.problem,
            requests: self.cx.requests,
            dropped: self.dropped,
            first_unparsed_text: self.first_unparsed_text,
            stamped: self.stamped,
        }
    }

    fn decide(&mut self) {
        let lines: Vec<&[u8]> = self.sample.iter().map(|(_, l)| l.as_slice()).collect();
        let (format, document, stamped) = detect(&self.cx, &lines);
        self.format = Some(format);
        self.stamped = stamped;
        if document {
            let first = self
                .sample
                .iter()
                .find(|(_, l)| !l.trim_ascii().is_empty())
                .map_or(1, |(n, _)| *n);
            self.document = Some((first, String::new()));
        }
        for (n, line) in std::mem::take(&mut self.sample) {
            if self.document.is_some() {
                self.feed(n, Line::Bytes(&line));
            } else {
                self.parse_line(n, Line::Bytes(&line));
            }
        }
    }

    fn parse_line(&mut self, line_no: u64, line: Line<'_>) {
        self.counts.lines += 1;
        let text = match line {
            Line::Text(text) => Cow::Borrowed(text),
            Line::Bytes(raw) => readable(raw),
        };
        let line = trim_end(&text);
        self.cx.line = line_no;
        let chosen = self.format.unwrap_or(Format::Text(LevelPlace::Anywhere));
        if trim_start(line).is_empty()
            || matches!(chosen, Format::Located(lock) if self.directive(lock, line))
        {
            self.counts.blank += 1;
            return;
        }
        let before = self.events.len();
        let undatable = self.cx.undatable;
        let recognised = chosen.parse(line, &mut self.cx, &mut self.events)
            || chosen
                .fallbacks()
                .any(|f| f.parse(line, &mut self.cx, &mut self.events));
        if recognised {
            let kept = self.events.len() - before + self.take_counted();
            self.counts.events += kept as u64;
            self.slim_from(before);
            self.parsed_line(kept > 0);
            if kept == 0 {
                self.last = Some(None);
            } else if self.events.len() == before {
                // Read and counted, but not kept: its continuation lines go with it.
                self.last = Some(None);
            } else {
                self.last = Some(Some(self.events.len() - 1));
            }
            return;
        }
        if self.cx.undatable > undatable {
            self.counts.undatable += 1;
            self.unparsed_line(line_no, line);
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
                    Fields::new(),
                );
                self.events.push(event);
                self.counts.events += 1;
                self.parsed_line(true);
                self.last = Some(Some(self.events.len() - 1));
            }
            Some(target) if chosen != Format::Json => {
                self.counts.continuations += 1;
                if let Some(event) = target.and_then(|i| self.events.get_mut(i)) {
                    if event.message.len() < MAX_MESSAGE {
                        event.message.push('\n');
                        event.message.push_str(line);
                        event.message = capped(std::mem::take(&mut event.message));
                    }
                }
            }
            _ => {
                self.counts.unrecognised += 1;
                self.unparsed_line(line_no, line);
            }
        }
    }

    /// Whether `line` is a directive of a W3C extended log's header, which is counted with the
    /// blank lines: it says how the log is written and is no line of it. `#Date:` dates the
    /// times of day after it.
    #[cold]
    #[inline(never)]
    fn directive(&mut self, lock: Lock, line: &str) -> bool {
        directive(&mut self.cx, &lock, line)
    }

    /// Counts a line that gave events, in range or not.
    fn parsed_line(&mut self, in_range: bool) {
        if in_range {
            self.counts.parsed += 1;
            self.settle_near();
        } else {
            self.counts.outside += 1;
        }
        self.near = Near {
            last_in_range: Some(in_range),
            ..Near::default()
        };
    }

    /// Notes an unparsed line (its reason already counted).
    fn unparsed_line(&mut self, line_no: u64, line: &str) {
        if self.counts.first_unparsed.is_none() {
            self.first_unparsed_text = Some(opening(line));
        }
        self.counts.first_unparsed.get_or_insert(line_no);
        self.near.pending += 1;
        self.near.first_pending.get_or_insert(line_no);
        if self.near.last_in_range == Some(true) {
            self.settle_near();
        }
    }

    /// The unparsed lines pending are in range.
    fn settle_near(&mut self) {
        let c = &mut self.counts;
        c.unparsed_in_range += self.near.pending;
        if let Some(first) = self.near.first_pending {
            c.first_unparsed_in_range.get_or_insert(first);
        }
        self.near.pending = 0;
        self.near.first_pending = None;
    }
}

/// Whether `line` is a directive of the header that declared `lock` (see
/// [`Lock::directive`]); a W3C `#Date:` dates the times of day after it.
fn directive(cx: &mut Cx, lock: &Lock, line: &str) -> bool {
    if !lock.directive(line.as_bytes()) {
        return false;
    }
    if let Some(Reading::Stamp(stamp, Shape::Dated)) = line
        .strip_prefix("#Date:")
        .and_then(|date| locate::best(date.as_bytes()))
        .map(|found| found.reading)
    {
        // Taken as written, in GMT as the log's times are, whatever --tz says.
        if let Some(day) = LastDay::as_written(&stamp) {
            cx.day = Some(day);
        }
    }
    true
}

/// The format that reads most of a sample, whether the sample opens a whole JSON document, and
/// the first line the format read (see [`Parsed::stamped`]).
fn detect(cx: &Cx, sample: &[&[u8]]) -> (Format, bool, Option<Arc<str>>) {
    let mut nothing = |_: Nanos| false;
    let mut probe = cx.probe(&mut nothing);
    let mut scratch = Vec::new();
    let lines: Vec<String> = sample
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    if let Some(named) = cx.named_format() {
        return (named, false, None);
    }
    let mut best = (0usize, Format::Text(LevelPlace::Anywhere));
    // A site's formats without `files` are tried after the built-in families: one wins only
    // by reading more of the sample, so a loose pattern cannot take over files it was not for.
    // The tool's own definitions come last and win ties too: each says one program's layout
    // whole, where a family takes what fits it (syslog takes a csvlog line for a host and a
    // tag).
    let site = cx.config.formats.len();
    let sites = (0..site)
        .filter(|&i| !cx.config.formats[i].named_files())
        .filter_map(|i| u8::try_from(i).ok().map(Format::Custom));
    // Whether the text reader read only times of day, dated by the lines or the name around.
    let mut text_time_only = false;
    // Which lines the best format read.
    let mut best_read = vec![false; lines.len()];
    for format in ALL.into_iter().chain(sites).chain(defined(&cx.config)) {
        probe.time_only = false;
        let read: Vec<bool> = lines
            .iter()
            .map(|l| format.parse(l, &mut probe, &mut scratch))
            .collect();
        let score = read.iter().filter(|r| **r).count();
        if matches!(format, Format::Text(_)) {
            text_time_only = probe.time_only;
        }
        let built_in = matches!(format, Format::Custom(i) if usize::from(i) >= site);
        if score > best.0 || (built_in && score == best.0 && score > 0) {
            best = (score, format);
            best_read = read;
        }
    }
    let non_blank: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
    // Where no hand-written reader takes most lines, the file's lock may: tried last, and
    // taken when it reads more of the sample than every format before it, or as much as the
    // text reader did with only a time of day where the lock reads a date (`E231011 14:00:01`,
    // `11/10/2023 14:00:01`: the text reader takes the clock after the first token).
    // A lock can read more only where a line the best format leaves has a stamp of some
    // layout (a stack trace has none), or where the text reader read only clocks, or a header
    // declares the layout: other samples, most files, are spared the table's cost.
    let clocks_only = matches!(best.1, Format::Text(_)) && text_time_only;
    let raw: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
    let worth_a_lock = clocks_only
        || Lock::from_fields_header(&raw).is_some()
        || lines
            .iter()
            .zip(&best_read)
            .any(|(l, read)| !read && !l.trim().is_empty() && locate::best(l.as_bytes()).is_some());
    if let Some((lock, _)) = worth_a_lock.then(|| Lock::settle(&raw)).flatten() {
        let located = Format::Located(lock);
        let score = lines
            .iter()
            .filter(|l| {
                !directive(&mut probe, &lock, l) && located.parse(l, &mut probe, &mut scratch)
            })
            .count();
        let dates_more = matches!(best.1, Format::Text(_)) && text_time_only && lock.dated();
        // A header that declares the layout decides, where the lock reads most lines that are
        // not its directives.
        let data = lines
            .iter()
            .filter(|l| !l.trim().is_empty() && !lock.directive(l.as_bytes()))
            .count();
        let declared = lock.declared != Declared::No && score > 0 && score * 2 >= data;
        if declared || score > best.0 || (score == best.0 && score > 0 && dates_more) {
            best = (score, located);
        }
    }
    if matches!(best.1, Format::Text(_)) {
        best.1 = Format::Text(text::level_place(&lines, &mut probe));
    }
    let document =
        non_blank.first().is_some_and(|l| document::looks_like(l)) && best.0 * 2 < non_blank.len();
    if document {
        return (Format::Json, true, None);
    }
    // Where `-v` names the layout the hand-written readers do not: named only when asked, as
    // the locator's table is compiled on first use.
    let stamped = lines
        .iter()
        .zip(&best_read)
        .find(|(_, read)| **read)
        .map(|(line, _)| Arc::from(line.as_str()));
    (best.1, false, stamped)
}

/// The layout of the time in a line, as the locator reads it: in the line's head, else at the
/// first JSON value further on that is a stamp (`"lastTimestamp":"2025-…"` past the head of a
/// Kubernetes event, `"ts":1697032801.123`).
fn layout_of(line: &[u8]) -> Option<usize> {
    if let Some(found) = locate::best(line) {
        return Some(found.layout);
    }
    memchr::memmem::find_iter(line, b"\":")
        .map(|at| at + 2 + usize::from(line.get(at + 2) == Some(&b'"')))
        .find_map(|value| {
            let found = locate::best(line.get(value..)?)?;
            (found.start == 0).then_some(found.layout)
        })
}

/// Reads the time of single lines in a file's format, so that a reader can seek by time. The
/// time reaches the caller through the context's window closure, which sees every event's time.
pub struct Clock<'a> {
    cx: Cx<'a>,
    format: Format,
    stamped: Option<Arc<str>>,
    scratch: Vec<Event>,
}

impl<'a> Clock<'a> {
    /// `None` when single lines cannot be placed on their own: no format reads the sample, the
    /// file is a JSON document, or its lines carry only a time of day (dated by the lines
    /// before them).
    pub fn new(cx: Cx<'a>, sample: &[&[u8]]) -> Option<Clock<'a>> {
        let (format, document, stamped) = detect(&cx, sample);
        let mut clock = Clock {
            cx,
            format,
            stamped,
            scratch: Vec::new(),
        };
        let read = sample.iter().filter(|l| clock.feed(l)).count();
        (!document && read > 0 && !clock.cx.time_only).then_some(clock)
    }

    /// The format detected from the sample.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The first line of the sample the format read (see [`Parsed::stamped`]).
    pub fn stamped(&self) -> Option<Arc<str>> {
        self.stamped.clone()
    }

    /// Parses one line (its events are discarded); whether any format read it.
    pub fn feed(&mut self, line: &[u8]) -> bool {
        let text = String::from_utf8_lossy(line);
        let plain = strip_ansi(&text);
        let chosen = self.format;
        let line = plain.trim_end();
        let read = chosen.parse(line, &mut self.cx, &mut self.scratch)
            || chosen
                .fallbacks()
                .any(|f| f.parse(line, &mut self.cx, &mut self.scratch));
        self.scratch.clear();
        read
    }
}

/// Lines a runtime prints when a process dies, without a timestamp: Go's `panic:` and
/// `fatal error:`. They start an error event instead of continuing the line before.
fn is_crash(line: &str) -> bool {
    line.starts_with("panic: ") || line.starts_with("fatal error: ")
}

/// A line framing could not hand out as text, as text: NUL runs trimmed (where a crash lost
/// writes, the text around them still counts), invalid UTF-8 replaced, ANSI escapes removed.
fn readable(raw: &[u8]) -> Cow<'_, str> {
    let raw = match memchr::memchr(0, raw) {
        Some(_) => {
            let start = raw.iter().position(|&b| b != 0).unwrap_or(raw.len());
            let end = raw.iter().rposition(|&b| b != 0).map_or(start, |e| e + 1);
            &raw[start..end]
        }
        None => raw,
    };
    // Valid UTF-8 is the rule: checking it first is faster than the lossy scan.
    let text = match simdutf8::basic::from_utf8(raw) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(raw),
    };
    match strip_ansi(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(plain) => Cow::Owned(plain),
    }
}

/// Removes ANSI colour sequences (`ESC [ … m`), which tracing and others write to terminals
/// and which end up in files piped from them.
fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr(0x1b, text.as_bytes()).is_none() {
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
        let parsed = parse_keeping(path, lines, Keep::All);
        (parsed.events, parsed.counts, parsed.format)
    }

    /// The status and duration of each request in `text`, read as one file named `path`.
    pub fn requests(path: &str, text: &str) -> Vec<(u16, Option<Nanos>)> {
        let lines: Vec<&str> = text.lines().collect();
        let (events, ..) = parse_all(path, &lines);
        events
            .iter()
            .filter_map(|e| match e.kind {
                Kind::Http { status, duration } => Some((status, duration)),
                _ => None,
            })
            .collect()
    }

    /// Parses `lines` as one file named `path`, keeping what `keep` asks for.
    pub fn parse_keeping(path: &str, lines: &[&str], keep: Keep) -> Parsed {
        parse_as(path, None, lines, keep)
    }

    /// Parses `lines` as one file named `path` in `format` (detected when `None`).
    pub fn parse_as(path: &str, format: Option<Format>, lines: &[&str], keep: Keep) -> Parsed {
        parse_with(path, format, lines, keep, |_| {})
    }

    /// [`parse_as`], handing the parser to `after` after every line.
    pub fn parse_with(
        path: &str,
        format: Option<Format>,
        lines: &[&str],
        keep: Keep,
        mut after: impl FnMut(&mut FileParser),
    ) -> Parsed {
        let mut window = |_: Nanos| true;
        let anchor = YearAnchor::Near(1_697_032_800_000_000_000);
        let cx = Cx::new(Zone::utc(), anchor, Arc::from(path), &mut window);
        let mut parser = FileParser::new(cx).keeping(keep);
        if let Some(format) = format {
            parser = parser.with_format(format);
        }
        for (i, l) in lines.iter().enumerate() {
            parser.feed(i as u64 + 1, Line::Bytes(l.as_bytes()));
            after(&mut parser);
        }
        parser.finish()
    }

    pub fn utc(t: Nanos) -> String {
        Zone::utc().rfc3339(t)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::time::NANOS_PER_DAY;

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
        assert!(matches!(format, Some(Format::Text(_))));
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
    fn events_taken_as_they_settle_are_those_of_a_whole_parse() {
        let files: [&[&str]; 2] = [
            &[
                "2023-10-11 14:00:01.123 ERROR [main] c.a.Checkout - payment failed",
                "2023-10-11 14:00:01.200 ERROR [main] c.a.Checkout - retry failed",
                "java.lang.IllegalStateException: pool exhausted",
                "\tat com.acme.Pool.get(Pool.java:42)",
                "2023-10-11 14:00:02.000 INFO [main] c.a.Checkout - ok",
                "\tat com.acme.Pool.get(Pool.java:43)",
            ],
            &[
                "2023/10/11 14:00:03 reconciled 12 accounts",
                "panic: runtime error: nil map write",
                "",
                "goroutine 1 [running]:",
                "2023/10/11 14:00:04 restarted",
            ],
        ];
        for lines in files {
            let (whole, _, format) = parse_all("app.log", lines);
            // Told its format, the parser reads each line as it comes rather than sampling.
            let mut taken = Vec::new();
            let rest = parse_with("app.log", format, lines, Keep::All, |parser| {
                taken.extend(parser.settled());
            });
            taken.extend(rest.events);
            assert_eq!(taken, whole);
        }
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
        assert_eq!((counts.unrecognised, counts.first_unparsed), (2, Some(1)));
    }

    /// The fields that decide an event's kind, all a draft or the text event stream builds of
    /// a line whose level does not stand out.
    fn kind_fields(fields: &Fields) -> Fields {
        fields
            .iter()
            .filter(|(k, _)| classify::DRAFT_READS.contains(k))
            .map(|(k, v)| (k, v.clone()))
            .collect()
    }

    /// A draft's parse builds no event for the ordinary lines it only counts, and must still
    /// keep every line whose wording or fields make it more (a deploy, an Argo CD sync, a
    /// Terraform apply, an OOM kill, a restart), with the counts of a parse that keeps all.
    /// What it keeps has only the fields that decide a kind, whether it is kept for its kind
    /// or for its level.
    #[test]
    fn a_draft_keeps_what_a_whole_parse_would_and_counts_the_rest() {
        // Each file with how many of its events a draft keeps and how many it only counts.
        let files: [(&str, &[&str], (usize, usize)); 4] = [
            (
                "svc.jsonl",
                &[
                    r#"{"time":"2023-10-11T14:00:01Z","level":"info","msg":"order placed"}"#,
                    r#"{"time":"2023-10-11T14:00:02Z","level":"info","msg":"deploy checkout v1.2.3 started"}"#,
                    r#"{"time":"2023-10-11T14:00:03Z","level":"info","msg":"sync","reason":"Operation\u0053tarted","application":"cart"}"#,
                    r#"{"time":"2023-10-11T14:00:04Z","level":"info","message":"Apply complete","type":"apply_complete","@module":"terraform.ui"}"#,
                    r#"{"time":"2023-10-11T14:00:05Z","msg":"Out of memory: Killed process 12 (java)"}"#,
                    r#"{"time":"2023-10-11T14:00:06Z","level":"info","msg":"cache warm","type":"note"}"#,
                    r#"{"time":"2023-10-11T14:00:07Z","level":"warn","msg":"slow query","db":"orders"}"#,
                ],
                (5, 2),
            ),
            (
                "worker.log",
                &[
                    r#"time=2023-10-11T14:00:01Z level=info msg="job processed" queue=emails"#,
                    r#"time=2023-10-11T14:00:02Z level=info msg="rollback payments to v2.0.1 finished""#,
                    r#"time=2023-10-11T14:00:03Z level=info msg="deploy \"checkout\" v1.2.3 started""#,
                    r#"time=2023-10-11T14:00:04Z level=info msg=sync reason=OperationCompleted type=Warning"#,
                    r#"time=2023-10-11T14:00:05Z level=info msg="applied" type=apply_errored @module=terraform.ui"#,
                    r#"time=2023-10-11T14:00:06Z level=debug job=1 a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 type=change_summary @module=tf"#,
                    r#"time=2023-10-11T14:00:07Z level=bogus msg="job processed""#,
                ],
                (5, 2),
            ),
            (
                "checkout/app.log",
                &[
                    "2023-10-11 14:00:01.000  INFO 1 --- [main] c.a.Order : Order 7 placed",
                    "2023-10-11 14:00:02.000  INFO 1 --- [main] c.a.Deploy : Deploying checkout v4.2.0",
                    "2023-10-11 14:00:03.000  INFO 1 --- [main] c.a.Order : Order 8 placed",
                    "    at com.example.Order.place(Order.java:42)",
                    "2023-10-11 14:00:04.000 ERROR 1 --- [main] c.a.Order : Order 9 failed",
                ],
                (2, 2),
            ),
            (
                "nodes/syslog",
                &[
                    "Oct 11 14:00:01 node-1 app[2]: all good",
                    "Oct 11 14:00:02 node-1 systemd[1]: checkout.service: Scheduled restart job, restart counter is at 3.",
                    "Oct 11 14:00:03 node-1 kernel: Out of memory: Killed process 4242 (java) total-vm:1kB",
                    "Oct 11 14:00:04 node-1 app[2]: still good",
                ],
                (2, 2),
            ),
        ];
        for (path, lines, (keeps, counts)) in files {
            let whole = parse_keeping(path, lines, Keep::All);
            let draft = parse_keeping(path, lines, Keep::Drafts);
            let (kept, dropped): (Vec<Event>, Vec<Event>) =
                whole.events.into_iter().partition(Event::matters_to_draft);
            let by_kind = |events: &[Event]| -> Vec<Event> {
                let lean = |e: &Event| Event {
                    fields: kind_fields(&e.fields),
                    ..e.clone()
                };
                events.iter().map(lean).collect()
            };
            assert_eq!(by_kind(&draft.events), by_kind(&kept), "{path}");
            for (lean, full) in draft.events.iter().zip(&kept) {
                if lean.kind == Kind::Log {
                    let read = kind_fields(&full.fields);
                    assert_eq!(lean.fields, read, "{path}: kept for its level");
                }
            }
            let lines_of = |events: &[Event]| -> Vec<Dropped> {
                let dropped = |e: &Event| Dropped {
                    time: e.time,
                    line: e.source.line,
                    request: None,
                };
                events.iter().map(dropped).collect()
            };
            assert_eq!(draft.dropped, lines_of(&dropped), "{path}");
            assert_eq!(draft.counts, whole.counts, "{path}");
            assert_eq!((kept.len(), dropped.len()), (keeps, counts), "{path}");
            assert_eq!(whole.counts.unparsed(), 0, "{path}");
        }
    }

    /// The text event stream prints no fields: its parse builds only those that decide a
    /// kind, and every event is otherwise the whole parse's.
    #[test]
    fn the_text_stream_keeps_every_event_without_the_fields_it_does_not_print() {
        let files: [(&str, &[&str]); 3] = [
            (
                "gateway/access.log",
                &[
                    r#"10.1.2.3 - - [11/Oct/2023:14:00:01 +0000] "GET /a HTTP/1.1" 503 162 "-" "curl/8" 0.2"#,
                ],
            ),
            (
                "svc.jsonl",
                &[
                    r#"{"time":"2023-10-11T14:00:01Z","level":"info","msg":"ok","route":"/a","reason":"Backoff"}"#,
                ],
            ),
            (
                "worker.log",
                &[r#"time=2023-10-11T14:00:01Z level=error msg="job failed" queue=emails type=x"#],
            ),
        ];
        for (path, lines) in files {
            let whole = parse_keeping(path, lines, Keep::All);
            let lines = parse_keeping(path, lines, Keep::Lines);
            assert_eq!(lines.counts, whole.counts, "{path}");
            assert_eq!(lines.events.len(), whole.events.len(), "{path}");
            for (lean, full) in lines.events.iter().zip(&whole.events) {
                assert!(!full.fields.is_empty(), "{path}");
                assert_eq!(lean.fields, kind_fields(&full.fields), "{path}");
                let without_fields = Event {
                    fields: Fields::new(),
                    ..full.clone()
                };
                assert_eq!(
                    Event {
                        fields: Fields::new(),
                        ..lean.clone()
                    },
                    without_fields,
                    "{path}"
                );
            }
        }
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

    /// Fractions and zones after a clock, well formed or not.
    const FRACTIONS: &[&str] = &["", "", ".5", ",123", ".123456789012", ":123", ":12", "."];
    const ZONES: &[&str] = &[
        "", "", "Z", "+02:00", "+0200", " +0200", "-0730", "+2", "+25:00",
    ];

    proptest::proptest! {
        /// A year-less stamp takes the year that puts it nearest the anchor, or the latest
        /// not after the file's time, as if all three candidate years were tried: whatever the
        /// day (29 February too), time and zone.
        #[test]
        fn a_yearless_stamp_takes_the_year_its_anchor_gives(
            r in proptest::prop_oneof![
                946_684_800_000_000_000i64..4_102_444_800_000_000_000,
                // Around New Year, where the candidate years come closest.
                proptest::strategy::Strategy::prop_map((2000i32..2100, -3 * NANOS_PER_DAY..3 * NANOS_PER_DAY), |(y, d)| {
                    crate::time::days_from_civil(y, 1, 1) * NANOS_PER_DAY + d
                }),
            ],
            (month, day) in proptest::prop_oneof![
                (1u32..=12, 1u32..=31),
                proptest::strategy::Just((1, 1)),
                proptest::strategy::Just((12, 31)),
                proptest::strategy::Just((2, 29)),
            ],
            second in 0u32..86_400,
            zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "America/St_Johns", "+14:00"]),
        ) {
            let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let mut window = |_: Nanos| true;
            let cx = Cx::new(zone, YearAnchor::Near(r), Arc::from("node/syslog"), &mut window);
            let stamp = Stamp {
                year: 0,
                month,
                day,
                hour: second / 3600,
                minute: second / 60 % 60,
                second: second % 60,
                nanos: 0,
                offset: None,
            };
            let y = cx.anchor_year;
            let nearest = [y - 1, y, y + 1]
                .into_iter()
                .filter_map(|year| Stamp { year, ..stamp }.resolve(&zone))
                .min_by_key(|t| (t - r).abs());
            proptest::prop_assert_eq!(cx.resolve_yearless(stamp), nearest);
            let mut window = |_: Nanos| true;
            let cx = Cx::new(zone, YearAnchor::NotAfter(r), Arc::from("node/syslog"), &mut window);
            let y = cx.anchor_year;
            let latest = [y + 1, y, y - 1]
                .into_iter()
                .filter_map(|year| Stamp { year, ..stamp }.resolve(&zone))
                .find(|t| *t <= r + NANOS_PER_DAY);
            proptest::prop_assert_eq!(cx.resolve_yearless(stamp), latest);
        }

        /// A stamp in the minute of the one before is dated as parsing and resolving it afresh
        /// dates it, whatever its seconds (a leap second, a bad digit), fraction and zone
        /// (written or not, another offset, a zone with daylight saving) and whatever follows,
        /// and whether the minute before was an impossible date or one at the end of the years
        /// a time holds.
        #[test]
        fn stamps_in_the_last_minute_date_as_each_stamp_does(
            stamps in proptest::collection::vec(
                (
                    0usize..6,
                    proptest::prop_oneof![0u32..61, 59u32..61],
                    proptest::sample::select(FRACTIONS),
                    proptest::sample::select(ZONES),
                    proptest::sample::select(vec!["", " msg", "x", "5"]),
                ),
                1..30,
            ),
            zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "+05:30"]),
        ) {
            const ISO: [&str; 6] = [
                "2025-06-01T14:00:",
                "2025-06-01 14:00:",
                "2025-06-01T14:01:",
                "2025-02-30T10:00:",
                "2262-04-11T23:47:",
                "2023-10-11-14.00.",
            ];
            const CLF: [&str; 6] = [
                "01/Jun/2025:14:00:",
                "01/jun/2025:14:00:",
                "01/Jun/2025:14:01:",
                "30/Feb/2025:10:00:",
                "11/Apr/2262:23:47:",
                "01/Jun/2025:14:00.",
            ];
            let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let mut window = |_: Nanos| true;
            let cx = Cx::new(zone, YearAnchor::Fixed(2025), Arc::from("app.log"), &mut window);
            for (minute, second, fraction, offset, rest) in stamps {
                // 59 stands for a bad digit; 60 is a leap second.
                let second = if second == 59 { "5a".to_string() } else { format!("{second:02}") };
                let tail = format!("{second}{fraction}{offset}{rest}");
                let iso = format!("{}{tail}", ISO[minute]);
                let afresh = timestamp::iso(iso.as_bytes());
                let afresh = afresh.map(|(s, used)| (s.resolve(&zone), used));
                proptest::prop_assert_eq!(cx.iso_time(iso.as_bytes()), afresh, "{}", iso);
                let clf = format!("{}{tail}", CLF[minute]);
                let afresh = timestamp::clf(clf.as_bytes()).and_then(|(s, _)| s.resolve(&zone));
                proptest::prop_assert_eq!(cx.clf_time(clf.as_bytes()), afresh, "{}", clf);
            }
        }

        /// The parsers' trim is the standard one: over ASCII and wider white space, other
        /// characters and nothing.
        #[test]
        fn trims_are_the_standard_ones(s in "[- \t\n\r\x0b\x0c\x1c\u{a0}\u{3000}\u{85}aé]{0,8}") {
            proptest::prop_assert_eq!(trim_start(&s), s.trim_start());
            proptest::prop_assert_eq!(trim_end(&s), s.trim_end());
        }
    }
}
