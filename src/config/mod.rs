//! Files the user writes for the tool: the `--incidents` list of a batch run, and the
//! `reconstruct.toml` that teaches it a site's logs. Both are TOML; a mistake in either is one
//! error naming the file and line.

mod file;
pub mod pattern;

pub use file::ConfigError;
pub(crate) use file::Source;

use crate::event::{Event, Level};
use crate::input::clickhouse::Mapping;
use crate::time::stamp::Shape;
use crate::time::Nanos;
use pattern::{Glob, Matcher, Pattern, Template};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use toml::Spanned;

/// The name the configuration is found by in a log directory (which input leaves unread).
pub use crate::input::SETTINGS as FILE_NAME;

const HINT: &str = "see \"Configuration\" in the README";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    format: Vec<Spanned<FormatEntry>>,
    #[serde(default)]
    service: Vec<Spanned<ServiceEntry>>,
    #[serde(default)]
    source: Vec<Spanned<SourceEntry>>,
    silence: Option<SilenceEntry>,
    clickhouse: Option<Mapping>,
    #[serde(default)]
    metric: Vec<Spanned<MetricEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatEntry {
    name: Spanned<String>,
    pattern: Option<Spanned<String>>,
    regex: Option<Spanned<Regexes>>,
    time: Option<Spanned<String>>,
    #[serde(default)]
    files: Vec<String>,
    /// Level words as the format writes them, and the level each means.
    levels: Option<Spanned<BTreeMap<String, String>>>,
    /// Which field plays which part, where the field is named otherwise.
    fields: Option<Spanned<BTreeMap<String, String>>>,
    /// What a kept field's words mean (Redis's role `M` is `master`), field by field.
    values: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// The message made of fields (`{label}: {text}`), where the line has each it names.
    template: Option<Spanned<String>>,
    duration_unit: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    /// How the format quotes fields: `"csv"`, a field in double quotes doubles the ones in it.
    unquote: Option<Spanned<String>>,
    /// Real lines of the format, which a test reads with it.
    #[serde(default)]
    samples: Vec<String>,
}

/// A format's `regex`: one expression, or one for each layout its program writes.
#[derive(Deserialize)]
#[serde(untagged)]
enum Regexes {
    One(String),
    Many(Vec<String>),
}

impl Regexes {
    fn texts(&self) -> &[String] {
        match self {
            Regexes::One(text) => std::slice::from_ref(text),
            Regexes::Many(texts) => texts,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntry {
    name: Option<String>,
    #[serde(default)]
    files: Vec<String>,
    field: Option<String>,
    /// Other names of this service in other sources: a deploy tool's, a pod's, a host's.
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    files: Vec<String>,
    kind: Option<Spanned<String>>,
    /// How far the source's clock is off, as the correction to add to its times: `"+40s"`
    /// for a clock 40 seconds slow.
    clock: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SilenceEntry {
    templates: Vec<String>,
}

/// `[[metric]]`: a threshold for the series whose names `series` matches.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricEntry {
    series: String,
    above: Option<f64>,
    below: Option<f64>,
}

/// What a metric series' breach is measured against, where the site says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MetricLimit {
    Above(f64),
    Below(f64),
}

/// A site's line format: lines matching `pattern` give events with its named fields.
#[derive(Debug)]
pub struct LineFormat {
    /// Printed where a built-in format's name would be (`--stats`, `--verbose`).
    pub name: String,
    pub pattern: Matcher,
    /// A chrono layout for `{time}` (`%d.%m.%Y %H:%M:%S`); without one, any timestamp form the
    /// tool reads.
    pub time: Option<TimeLayout>,
    files: Vec<Glob>,
    /// Level words as the format writes them (`E`, `SEV3`), and their levels.
    levels: Vec<(String, Level)>,
    /// Fields that play a part under another name: (the part, the field's name).
    renamed: Vec<(&'static str, String)>,
    /// What a kept field's words mean: (the field, its words and their meanings).
    values: Vec<(String, Vec<(String, String)>)>,
    /// The message made of the line's fields, used where the line has every field it names
    /// (else the `message` part is): PostgreSQL's `DETAIL:  text` is `DETAIL: text`.
    pub template: Option<Template>,
    /// Nanoseconds in one unit of the `duration` field.
    pub duration_unit: i64,
    /// What every event of the format is (a deploy tool's, an alerting system's).
    pub kind: Option<SourceKind>,
    /// Whether fields are quoted CSV's way: the quotes around a field go, and doubled ones
    /// inside it are one.
    pub csv_quoted: bool,
    /// Real lines of the format, which a test reads with it.
    pub samples: Vec<String>,
}

/// The parts a format's fields can play; any other field is kept as a field of the event.
pub const PARTS: [&str; 8] = [
    "time", "level", "service", "message", "status", "duration", "method", "target",
];

impl LineFormat {
    /// Whether the format names its files (and is used for them only).
    pub fn named_files(&self) -> bool {
        !self.files.is_empty()
    }

    /// The name of the field that plays `part` (one of [`PARTS`]).
    pub fn field_for<'a>(&'a self, part: &'a str) -> &'a str {
        self.renamed
            .iter()
            .find(|(p, _)| *p == part)
            .map_or(part, |(_, field)| field.as_str())
    }

    /// Whether the field `name` plays one of the [`PARTS`], or is part of the message
    /// template (and is not kept as a field).
    pub fn plays_a_part(&self, name: &str) -> bool {
        PARTS.iter().any(|part| self.field_for(part) == name)
            || self.template.as_ref().is_some_and(|t| t.names(name))
    }

    /// A kept field's value, as the format's `values` say its word reads.
    pub fn value_of<'v>(&'v self, field: &str, word: &'v str) -> &'v str {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .and_then(|(_, words)| words.iter().find(|(w, _)| w == word))
            .map_or(word, |(_, meaning)| meaning.as_str())
    }

    /// The level a level field's word means: as the format's `levels` say, else as the tool
    /// reads level words.
    pub fn level_of(&self, word: &str) -> Option<Level> {
        match self.levels.iter().find(|(w, _)| w == word) {
            Some((_, level)) => Some(*level),
            None => Level::parse(word),
        }
    }
}

/// A format's chrono layout, read once when the configuration is: its items, and what its
/// stamps state.
#[derive(Debug)]
pub struct TimeLayout {
    pub items: Vec<chrono::format::Item<'static>>,
    /// A date with its year (or an epoch), a date without one (`%m%d`, dated as the tool dates
    /// year-less stamps), or only a time of day.
    pub shape: Shape,
}

/// Events from a file marked as a source of deploys or of alerts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SourceKind {
    Deploy,
    Alert,
}

/// What `reconstruct.toml` says. The default says nothing: every rule is opt-in.
#[derive(Debug, Default)]
pub struct Config {
    pub formats: Vec<LineFormat>,
    /// Services by path: the first rule whose glob matches names the file's service.
    services: Vec<(Glob, String)>,
    /// Fields whose value names an event's service, in order of preference.
    pub service_fields: Vec<String>,
    /// Other names of a service (lower-cased) and the name they stand for, from
    /// `[[service]]`'s `aliases`.
    aliases: HashMap<String, String>,
    sources: Vec<(Glob, SourceKind)>,
    /// Corrections to sources' clocks, by path.
    clocks: Vec<(Glob, Nanos)>,
    silence: Vec<Glob>,
    /// Which columns of a ClickHouse table hold what (`[clickhouse]`).
    pub clickhouse: Mapping,
    /// Thresholds of metric series, by their names (`[[metric]]`).
    metrics: Vec<(Glob, MetricLimit)>,
}

/// What the configuration says about one file.
#[derive(Clone, Debug, Default)]
pub struct FileRules {
    /// The custom format the file is named for (an index into [`Config::formats`]).
    pub format: Option<usize>,
    pub service: Option<String>,
    pub kind: Option<SourceKind>,
    /// What to add to the file's times: its clock's declared error, corrected.
    pub clock: Nanos,
}

/// `reconstruct.toml` in the first directory among `paths` that has one.
pub fn find(paths: &[PathBuf]) -> Option<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| p.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl Config {
    /// The configuration that says nothing, shared: a parse context starts with it, and
    /// building one per file would allocate for nothing.
    pub fn none() -> Arc<Config> {
        static NONE: LazyLock<Arc<Config>> = LazyLock::new(|| Arc::new(Config::default()));
        Arc::clone(&NONE)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let source = Source::read(path, HINT)?;
        let file: File = source.parse()?;
        let mut config = Config::default();
        let formats = line_formats(&source, &file.format)?;
        if formats.len() > usize::from(u8::MAX) {
            return Err(source.error("more than 255 formats", None));
        }
        config.formats = formats;
        for entry in &file.service {
            let e = entry.get_ref();
            let named = e.files.is_empty() && e.aliases.is_empty();
            match (&e.name, named, &e.field) {
                (Some(name), false, None) => {
                    config
                        .services
                        .extend(e.files.iter().map(|f| (Glob::path(f), name.clone())));
                    for alias in &e.aliases {
                        let taken = config
                            .aliases
                            .insert(alias.to_lowercase(), name.clone())
                            .filter(|other| other != name);
                        if let Some(other) = taken {
                            return Err(source.error(
                                format!("the alias {alias:?} names both {other:?} and {name:?}"),
                                Some(entry.span()),
                            ));
                        }
                    }
                }
                (None, true, Some(field)) => config.service_fields.push(field.clone()),
                _ => return Err(source.error(
                    "a [[service]] is either `name` with `files` or `aliases`, or a `field` alone",
                    Some(entry.span()),
                )),
            }
        }
        for entry in &file.source {
            let e = entry.get_ref();
            if e.kind.is_none() && e.clock.is_none() {
                return Err(source.error(
                    "a [[source]] says its files' `kind`, their `clock`, or both",
                    Some(entry.span()),
                ));
            }
            if let Some(kind) = &e.kind {
                let kind =
                    source_kind(kind.get_ref()).map_err(|m| source.error(m, Some(kind.span())))?;
                config
                    .sources
                    .extend(e.files.iter().map(|f| (Glob::path(f), kind)));
            }
            if let Some(clock) = &e.clock {
                let offset =
                    clock_offset(clock.get_ref()).map_err(|m| source.mistake(&m, clock.span()))?;
                config
                    .clocks
                    .extend(e.files.iter().map(|f| (Glob::path(f), offset)));
            }
        }
        if let Some(s) = &file.silence {
            config.silence = s.templates.iter().map(|t| Glob::text(t)).collect();
        }
        for entry in &file.metric {
            let e = entry.get_ref();
            let limit =
                match (e.above, e.below) {
                    (Some(x), None) if x.is_finite() => MetricLimit::Above(x),
                    (None, Some(x)) if x.is_finite() => MetricLimit::Below(x),
                    _ => return Err(source.error(
                        "a [[metric]] gives its `series` and one of `above` or `below`, a number",
                        Some(entry.span()),
                    )),
                };
            config.metrics.push((Glob::text(&e.series), limit));
        }
        if let Some(mapping) = file.clickhouse {
            if mapping.time.is_empty() || mapping.body.is_empty() {
                return Err(source.error("[clickhouse] needs a `time` and a `body` column", None));
            }
            config.clickhouse = mapping;
        }
        Ok(config)
    }

    /// The rules for the file cited as `display` (relative to its `PATH` argument).
    pub fn for_file(&self, display: &str) -> FileRules {
        let matching = |globs: &[Glob]| globs.iter().any(|g| g.matches(display));
        FileRules {
            format: self.formats.iter().position(|f| matching(&f.files)),
            service: self
                .services
                .iter()
                .find(|(g, _)| g.matches(display))
                .map(|(_, s)| s.clone()),
            kind: self
                .sources
                .iter()
                .find(|(g, _)| g.matches(display))
                .map(|(_, k)| *k),
            clock: self
                .clocks
                .iter()
                .find(|(g, _)| g.matches(display))
                .map_or(0, |(_, c)| *c),
        }
    }

    /// The service `name` (any case) is an alias of, if `[[service]]` says so.
    pub fn alias(&self, name: &str) -> Option<&str> {
        if self.aliases.is_empty() {
            return None;
        }
        self.aliases.get(&name.to_lowercase()).map(String::as_str)
    }

    /// Whether the draft leaves `event` out: its message matches a silenced template.
    pub fn silenced(&self, event: &Event) -> bool {
        self.silence.iter().any(|g| g.matches(&event.message))
    }

    /// The threshold `[[metric]]` gives the series named `name`, if one does.
    pub fn metric_limit(&self, name: &str) -> Option<MetricLimit> {
        self.metrics
            .iter()
            .find(|(g, _)| g.matches(name))
            .map(|(_, limit)| *limit)
    }
}

/// The line formats of `entries`, each checked, or the first mistake with its line.
fn line_formats(
    source: &Source,
    entries: &[Spanned<FormatEntry>],
) -> Result<Vec<LineFormat>, ConfigError> {
    let mut formats = Vec::new();
    for entry in entries {
        let e = entry.get_ref();
        let renamed = match &e.fields {
            Some(fields) => parts_renamed(fields.get_ref())
                .map_err(|m| source.error(format!("fields: {m}"), Some(fields.span())))?,
            None => Vec::new(),
        };
        let time_field = renamed
            .iter()
            .find(|(p, _)| *p == "time")
            .map_or("time", |(_, f)| f.as_str());
        let pattern = match (&e.pattern, &e.regex) {
            (Some(p), None) => Matcher::Fields(
                Pattern::compile(p.get_ref())
                    .map_err(|m| source.error(format!("pattern: {m}"), Some(p.span())))?,
            ),
            (None, Some(r)) => Matcher::compile_regexes(r.get_ref().texts(), time_field)
                .map_err(|m| source.error(format!("regex: {m}"), Some(r.span())))?,
            _ => {
                return Err(source.error(
                    "a format has either a `pattern` or a `regex`",
                    Some(entry.span()),
                ))
            }
        };
        let levels = e
            .levels
            .iter()
            .flat_map(|levels| levels.get_ref().iter().map(move |l| (l, levels.span())))
            .map(|((word, level), span)| match Level::parse(level) {
                Some(l) => Ok((word.clone(), l)),
                None => Err(source.error(
                    format!("levels: '{level}' is no level (error, warn, info, debug, …)"),
                    Some(span),
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let duration_unit = match e
            .duration_unit
            .as_ref()
            .map(|u| (u.get_ref().as_str(), u.span()))
        {
            None | Some(("ms", _)) => 1_000_000,
            Some(("s", _)) => 1_000_000_000,
            Some(("us" | "µs", _)) => 1_000,
            Some(("ns", _)) => 1,
            Some((other, span)) => {
                return Err(source.error(
                    format!("duration_unit '{other}' is none of \"s\", \"ms\", \"us\", \"ns\""),
                    Some(span),
                ))
            }
        };
        let kind = e
            .kind
            .as_ref()
            .map(|k| source_kind(k.get_ref()).map_err(|m| source.error(m, Some(k.span()))))
            .transpose()?;
        let time = match &e.time {
            Some(t) => Some(
                check_layout(t.get_ref())
                    .map_err(|m| source.error(format!("time: {m}"), Some(t.span())))?,
            ),
            None => None,
        };
        let name = e.name.get_ref().trim();
        if name.is_empty() {
            return Err(source.error("a format needs a name", Some(e.name.span())));
        }
        let csv_quoted = match e.unquote.as_ref().map(|u| (u.get_ref().as_str(), u.span())) {
            None => false,
            Some(("csv", _)) => true,
            Some((other, span)) => {
                return Err(source.error(format!("unquote '{other}' is not \"csv\""), Some(span)))
            }
        };
        let template = e
            .template
            .as_ref()
            .map(|t| {
                Template::compile(t.get_ref())
                    .map_err(|m| source.error(format!("template: {m}"), Some(t.span())))
            })
            .transpose()?;
        formats.push(LineFormat {
            name: name.to_string(),
            pattern,
            time,
            template,
            files: e.files.iter().map(|f| Glob::path(f)).collect(),
            levels,
            renamed,
            values: e
                .values
                .iter()
                .flatten()
                .map(|(field, words)| {
                    let words = words.iter().map(|(w, m)| (w.clone(), m.clone()));
                    (field.clone(), words.collect())
                })
                .collect(),
            duration_unit,
            kind,
            csv_quoted,
            samples: e.samples.clone(),
        });
    }
    Ok(formats)
}

/// The line formats a definition built into the tool holds (`[[format]]` tables alone), read
/// by the engine that reads a site's: `name` says which, in an error.
pub fn definitions(name: &str, text: &str) -> Result<Vec<LineFormat>, ConfigError> {
    let source = Source::of(name, text, "a definition built into the tool");
    let file: File = source.parse()?;
    line_formats(&source, &file.format)
}

/// The kind a `[[source]]` or a format gives its events.
/// `+40s`, `-1m30s`, `40s`: a duration with its sign, what a source's times need added.
fn clock_offset(text: &str) -> Result<Nanos, String> {
    let t = text.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    crate::time::read_duration(rest)
        .map(|d| sign * d)
        .map_err(|e| {
            format!("clock '{text}': {e}, with + or - before it (\"+40s\" for a clock 40 s slow)")
        })
}

fn source_kind(kind: &str) -> Result<SourceKind, String> {
    match kind {
        "deploy" => Ok(SourceKind::Deploy),
        "alert" => Ok(SourceKind::Alert),
        other => Err(format!(
            "kind '{other}' is neither \"deploy\" nor \"alert\""
        )),
    }
}

/// A format's `fields` table (part → the field that plays it), checked: each part one of
/// [`PARTS`].
fn parts_renamed(fields: &BTreeMap<String, String>) -> Result<Vec<(&'static str, String)>, String> {
    fields
        .iter()
        .map(
            |(part, field)| match PARTS.iter().find(|p| **p == part.as_str()) {
                Some(p) => Ok((*p, field.clone())),
                None => Err(format!("'{part}' is none of {}", PARTS.join(", "))),
            },
        )
        .collect()
}

/// Refuses a chrono layout that cannot give an instant (a typo'd specifier, or no hour), and
/// says what its stamps state: a year (or an epoch), a day without its year, or neither.
fn check_layout(layout: &str) -> Result<TimeLayout, String> {
    use chrono::format::{Fixed, Item, Numeric, StrftimeItems};
    let Ok(items) = StrftimeItems::new(layout).parse_to_owned() else {
        return Err(format!(
            "'{layout}' is not a chrono layout (%Y-%m-%d %H:%M:%S and the like)"
        ));
    };
    if !layout.contains("%H")
        && !layout.contains("%T")
        && !layout.contains("%s")
        && !layout.contains("%I")
    {
        return Err(format!("'{layout}' has no hour (%H, %I, %T) or epoch (%s)"));
    }
    let states = |wanted: &dyn Fn(&Item) -> bool| items.iter().any(wanted);
    let year = |i: &Item| match i {
        Item::Numeric(n, _) => matches!(
            n,
            Numeric::Year
                | Numeric::YearDiv100
                | Numeric::YearMod100
                | Numeric::IsoYear
                | Numeric::IsoYearDiv100
                | Numeric::IsoYearMod100
                | Numeric::Timestamp
        ),
        Item::Fixed(f) => matches!(f, Fixed::RFC2822 | Fixed::RFC3339),
        _ => false,
    };
    let day = |i: &Item| match i {
        Item::Numeric(n, _) => matches!(n, Numeric::Month | Numeric::Day | Numeric::Ordinal),
        Item::Fixed(f) => matches!(f, Fixed::ShortMonthName | Fixed::LongMonthName),
        _ => false,
    };
    let shape = if states(&year) {
        Shape::Dated
    } else if states(&day) {
        Shape::YearLess
    } else {
        Shape::TimeOnly
    };
    Ok(TimeLayout { items, shape })
}
