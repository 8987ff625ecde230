//! The context every line parser reads with: the file's dating (zone, years, the last day
//! seen), its service and rules, and what the run keeps of its events.

use super::metrics::Series;
use super::{
    builtin, capped, cut, is_crash, json, service_from_path, Classify, Declaration, Dropped,
    Format, Keeping, LevelPlace, YearAnchor,
};
use crate::config::{Config, FileRules, LineFormat};
use crate::event::{Event, Fields, Kind, Level, SourceRef, REQUEST_ID_KEYS};
use crate::time::dating::Dating;
use crate::time::{Nanos, Zone};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// What every line parser needs besides the line.
pub struct Cx<'a> {
    /// What `reconstruct.toml` says (see [`Cx::configured`]).
    pub(super) config: Arc<Config>,
    /// How the file's stamps become instants.
    pub dates: Dating,
    pub path: Arc<str>,
    /// The service a file's path names (`checkout/app.log` → `checkout`), for lines that name none.
    pub service: Option<String>,
    pub line: u64,
    /// The time a line's prefix gave to the JSON embedded after it (`logcli` output), or
    /// a container runtime gave to the line it wrapped.
    pub(super) given_time: Option<Nanos>,
    /// The start of a line split into partial records (CRI `P`, Docker without `\n`).
    pub(super) carry: Option<String>,
    /// What the run keeps of the lines read.
    pub(super) keeping: Keeping,
    /// What `reconstruct.toml` says about this file.
    pub(super) rules: FileRules,
    /// Where the last JSON lines' keys put what the JSON parser looks up.
    pub(super) json: json::Layouts,
    /// Whether the run wants a line of this time: owned, so that a parser can outlive the
    /// call that made it (live mode keeps one between polls).
    pub(super) keep: Box<dyn FnMut(Nanos) -> bool + 'a>,
    /// The reader inside the family that read the last line, where one did: the parser
    /// tallies them to name the file's format.
    pub(super) reader: Option<&'static Declaration>,
    /// The stage above that says what the lines' words mean.
    pub(super) classes: &'a dyn Classify,
    /// Its [`Classify::gating_fields`], asked for once, when a line is first offered: a run
    /// that reads no plain line never builds the vocabulary.
    gating: Option<&'a [String]>,
    /// A table's services, each with the format its first body was read in (see
    /// `row.rs`): a service's later bodies try it first, as a file's later lines try the
    /// format detected from its first.
    pub(super) bodies: HashMap<String, Format>,
    /// The metric series read (`metrics.rs`), for the chart.
    pub(super) series: Vec<Series>,
}

/// Format `index` of those defined as data: the site's, then the tool's own.
pub(super) fn line_format(config: &Config, index: usize) -> Option<&LineFormat> {
    match config.formats.get(index) {
        Some(format) => Some(format),
        None => builtin::formats().get(index - config.formats.len()),
    }
}

/// The tool's own formats defined as data that may read any of `lines` (one of their
/// expressions matches it: see [`builtin::matching`]), numbered after the site's. The others
/// would read none of them, and are not tried.
pub(super) fn defined<'l>(
    config: &Config,
    lines: impl Iterator<Item = &'l str>,
) -> impl Iterator<Item = Format> {
    let site = config.formats.len();
    let mut found: Vec<usize> = lines.flat_map(builtin::matching).collect();
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .filter_map(move |i| u8::try_from(site + i).ok().map(Format::Custom))
}

/// The service of a file's lines that name none: as `reconstruct.toml` says, else as its path
/// names it, by its canonical name ([`Classify::canonical`]).
fn file_service(
    classes: &dyn Classify,
    config: &Config,
    rules: &FileRules,
    path: &str,
) -> Option<String> {
    let named = rules.service.clone().or_else(|| service_from_path(path))?;
    Some(classes.canonical(&named, config).unwrap_or(named))
}

/// Whether the field `key` is wanted of every event, even where a draft would drop it:
/// classification reads it, or `reconstruct.toml` says it names the service.
pub(super) fn always_wanted(classes: &dyn Classify, config: &Config, key: &str) -> bool {
    classes.reads(key)
        || REQUEST_ID_KEYS.contains(&key)
        || config.service_fields.iter().any(|f| f == key)
}

impl<'a> Cx<'a> {
    pub fn new(
        zone: Zone,
        years: YearAnchor,
        path: Arc<str>,
        keep: impl FnMut(Nanos) -> bool + 'a,
        classes: &'a dyn Classify,
    ) -> Self {
        let config = Config::none();
        let rules = config.for_file(&path);
        let service = file_service(classes, &config, &rules, &path);
        Cx {
            config,
            dates: Dating::new(zone, years, &path),
            path,
            service,
            line: 0,
            given_time: None,
            carry: None,
            keeping: Keeping::default(),
            rules,
            json: json::Layouts::default(),
            keep: Box::new(keep),
            reader: None,
            classes,
            gating: None,
            bodies: HashMap::new(),
            series: Vec::new(),
        }
    }

    /// Reads the file as `config` says: its format, service and kind by its path, the fields
    /// that name services, a site's formats among those detection tries.
    pub fn configured(mut self, config: Arc<Config>) -> Self {
        self.rules = config.for_file(&self.path);
        self.service = file_service(self.classes, &config, &self.rules, &self.path);
        self.config = config;
        self
    }

    /// A context with this one's settings and another window, for trial parses.
    pub(super) fn probe<'b>(&self, keep: impl FnMut(Nanos) -> bool + 'b) -> Cx<'b>
    where
        'a: 'b,
    {
        Cx {
            config: Arc::clone(&self.config),
            dates: self.dates.trial(),
            path: self.path.clone(),
            service: self.service.clone(),
            line: self.line,
            given_time: None,
            carry: None,
            keeping: self.keeping.trial(),
            rules: self.rules.clone(),
            json: json::Layouts::default(),
            keep: Box::new(keep),
            reader: None,
            classes: self.classes,
            gating: self.gating,
            bodies: HashMap::new(),
            series: Vec::new(),
        }
    }

    /// Reads what a container runtime wrapped (CRI, Docker) as a line of its own, for its
    /// level, message, service and kind; the runtime's time, which is exact, stays.
    pub(super) fn reparse(&self, content: &str, time: Nanos) -> Event {
        let families = [Format::Json, Format::Logfmt, Format::Syslog];
        match self
            .read_wrapped(content, Some(time), &families, None)
            .0
            .into_iter()
            .next()
        {
            Some(mut event) => {
                event.time = time.saturating_add(self.rules.clock);
                event
            }
            None => {
                let level = is_crash(content).then_some(Level::Error);
                self.event(time, level, None, content.to_string(), Fields::new())
            }
        }
    }

    /// Every event `content` gives, read as a line of its own by the first of `families`,
    /// the tool's definitions or the text reader that reads it (`first` before them all);
    /// each at the time it states, or `time` where it states none (if given); and the format
    /// that read it. Nothing when none reads it.
    pub(super) fn read_wrapped(
        &self,
        content: &str,
        time: Option<Nanos>,
        families: &[Format],
        first: Option<Format>,
    ) -> (Vec<Event>, Option<Format>) {
        let mut inner = self.probe(|_| true);
        self.read_in(&mut inner, content, time, families, first)
    }

    /// [`Cx::read_wrapped`] under this parse's own keeping: what the run only counts is
    /// counted here and not built, as a file's line is. The events built, the format that
    /// read `content`, and whether it was counted instead.
    pub(super) fn read_counting(
        &mut self,
        content: &str,
        time: Option<Nanos>,
        families: &[Format],
        first: Option<Format>,
    ) -> (Vec<Event>, Option<Format>, bool) {
        let mut inner = self.probe(|_| true);
        inner.keeping = std::mem::take(&mut self.keeping);
        let counted = inner.keeping.counted.len();
        let (found, format) = self.read_in(&mut inner, content, time, families, first);
        self.keeping = std::mem::take(&mut inner.keeping);
        let only_counted = found.is_empty() && self.keeping.counted.len() > counted;
        (found, format, only_counted)
    }

    fn read_in(
        &self,
        inner: &mut Cx,
        content: &str,
        time: Option<Nanos>,
        families: &[Format],
        first: Option<Format>,
    ) -> (Vec<Event>, Option<Format>) {
        inner.given_time = time;
        let mut found = Vec::new();
        // The tool's definitions before the text reader: a Kubernetes component's klog line,
        // an nginx container's error line, are theirs whole.
        let text = Format::Text(LevelPlace::Anywhere);
        let site = self.config.formats.len();
        // Matched only when the families before them have not read it.
        let defined = std::iter::once_with(|| {
            builtin::matching(content)
                .filter_map(move |i| u8::try_from(site + i).ok().map(Format::Custom))
        })
        .flatten();
        let formats = first
            .into_iter()
            .chain(families.iter().copied().filter(|f| Some(*f) != first))
            .chain(defined)
            .chain([text]);
        for format in formats {
            let counted = inner.keeping.counted.len();
            if format.parse(content, inner, &mut found)
                && (!found.is_empty() || inner.keeping.counted.len() > counted)
            {
                return (found, Some(format));
            }
            found.clear();
            inner.keeping.counted.truncate(counted);
        }
        (found, None)
    }

    /// Notes that `declared`'s reader read the line (for the name of the file's format), and
    /// passes on what it answered.
    pub(super) fn read_by(&mut self, declared: &'static Declaration, read: bool) -> bool {
        self.reader = Some(declared);
        read
    }

    /// Whether an event at `t` survives the window; parsers ask before building it.
    /// Whether the window keeps a line of time `t`, as the file's clock read it (the
    /// correction `reconstruct.toml` declares for its clock is added first, as to its events).
    pub(super) fn keep(&mut self, t: Nanos) -> bool {
        (self.keep)(t.saturating_add(self.rules.clock))
    }

    /// A line's time, if the line goes on to become an event; else what the parser answers:
    /// `false` for a time of day that nothing dates (counted here), `true` for a line read but
    /// outside the window (not built).
    pub(super) fn admit(&mut self, time: Option<Nanos>) -> Result<Nanos, bool> {
        let Some(time) = time else {
            self.dates.undatable += 1;
            return Err(false);
        };
        if !self.keep(time) {
            return Err(true);
        }
        Ok(time)
    }

    /// Builds a log event, recognising deploy, OOM and restart lines by their wording.
    pub(super) fn event(
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
        self.classes.classify(&mut event);
        if let Some(service) = self
            .config
            .service_fields
            .iter()
            .find_map(|f| event.fields.get(f).and_then(Value::as_str))
        {
            event.service = Some(service.to_string());
        }
        if let Some(kind) = self.rules.kind {
            self.classes.mark(&mut event, kind);
        }
        // Most lines a draft reads it only counts: the file's service is copied for the others.
        if event.service.is_none() && (!self.keeping.notable || event.is_notable()) {
            event.service = self.service.clone();
        }
        event
    }

    /// Whether a parser builds the field `key` of a plain log line or request: all of them for
    /// an event kept whole; only those classification reads and the configured service fields
    /// when nothing prints the rest ([`Cx::kind_only`]).
    pub(super) fn wants_field(&self, key: &str) -> bool {
        !self.kind_only() || always_wanted(self.classes, &self.config, key)
    }

    /// Whether only the fields that decide a kind are wanted of an event: for the text event
    /// stream, which prints no fields, and for a draft, which reads a plain line's fields only
    /// to decide its kind. An error a draft keeps would otherwise hold all its fields until
    /// the draft is built, much of what a week's errors and warnings weigh. A file that
    /// `reconstruct.toml` marks as alerts or deploys keeps them all: a marked alert's summary
    /// is a field.
    pub(super) fn kind_only(&self) -> bool {
        self.keeping.lean || (self.keeping.notable && self.rules.kind.is_none())
    }

    /// The format `reconstruct.toml` names for this file, which detection then does not guess.
    pub(super) fn named_format(&self) -> Option<Format> {
        self.rules
            .format
            .and_then(|i| u8::try_from(i).ok())
            .map(Format::Custom)
    }

    /// Whether a draft would only count the event of this line, an ordinary log line (info or
    /// below, and nothing in its wording or the fields `field` gives that classification reads):
    /// then it is counted and the parser builds nothing. Parsers ask with what they borrowed
    /// from the line, before copying its message and fields. Inlined always: every line of a
    /// draft asks it, and since more readers call it the compiler left it out of line.
    #[inline(always)]
    pub(super) fn only_counted<'f>(
        &mut self,
        time: Nanos,
        level: Option<Level>,
        message: &str,
        field: impl Fn(&str) -> Option<Cow<'f, str>>,
    ) -> bool {
        let ordinary = self.keeping.count_only
            && !Level::stands_out(level)
            && self.rules.kind.is_none()
            && self.is_ordinary(message, &field);
        if ordinary {
            self.keeping.counted.push(Dropped {
                time: time.saturating_add(self.rules.clock),
                line: self.line,
                request: None,
            });
        }
        ordinary
    }

    /// [`Classify::is_ordinary`], told whether the line has one of the fields classification
    /// gates on ([`Classify::gating_fields`]): they are looked up here, where the lookup is the
    /// parser's own code, folded into it, and not a call through a pointer for each.
    fn is_ordinary<'f>(
        &mut self,
        message: &str,
        field: &impl Fn(&str) -> Option<Cow<'f, str>>,
    ) -> bool {
        let classes = self.classes;
        let gating = *self.gating.get_or_insert_with(|| classes.gating_fields());
        let gated = gating.iter().any(|k| field(k).is_some());
        classes.is_ordinary(cut(message), field, gated)
    }

    /// A request that did not fail, read for a draft, needs only its time, status and duration
    /// (see [`Requests`]), and no event is built: a file's draft counts it here, and a batch's
    /// drafts (which count each request against each incident) get the three to count. A trial
    /// parse, whose events its caller reads, gets an event of nothing else. `false` when the
    /// whole event is wanted.
    pub(super) fn count_request(
        &mut self,
        time: Nanos,
        status: u16,
        duration: Option<Nanos>,
        out: &mut Vec<Event>,
    ) -> bool {
        if !self.keeping.notable || status >= 500 {
            return false;
        }
        if !self.keeping.count_only {
            out.push(self.own_event(
                time,
                Kind::Http { status, duration },
                Some(Level::Info),
                String::new(),
            ));
            return true;
        }
        let time = time.saturating_add(self.rules.clock);
        let request = match &mut self.keeping.requests {
            Some(requests) => {
                requests.count(time, status, duration);
                None
            }
            None => Some((status, duration)),
        };
        self.keeping.counted.push(Dropped {
            time,
            line: self.line,
            request,
        });
        true
    }

    pub(super) fn raw_event(
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
    pub(super) fn own_event(
        &self,
        time: Nanos,
        kind: Kind,
        level: Option<Level>,
        message: String,
    ) -> Event {
        Event {
            time: time.saturating_add(self.rules.clock),
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
