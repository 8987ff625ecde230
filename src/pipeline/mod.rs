//! Wiring the stages for one run: find the inputs, anchor their years, settle the window's
//! date, parse every input in parallel (seeking to the window where a file allows), and merge.

mod batch;
mod chunks;
mod diagnostic;
mod follow;
mod head;
pub mod incidents;
mod note;
mod options;
mod read;
mod rotation;
mod seek;
mod sink;
mod stream;
mod survey;
mod table;
mod tail;

use crate::classify::Classifier;
pub use batch::run_all;
pub use follow::{follow, Live};
pub use note::{FileNote, Note};
pub use options::{Options, Render, RunError, PROGRESS_FROM};
use read::{parse_input, settle, Plan};
use survey::{anchor_years, mtime, spans, survey, Survey};

use crate::config::Config;
use crate::correlate::{open, Clock, Merged, Timed, Window};
use crate::event::Event;
use crate::format::{Cx, Dropped, FileCounts, FileParser, Format, Keep, Series, YearAnchor};
use crate::input::clickhouse::Credentials;
use crate::input::{self, discover, Input, Location};
pub use diagnostic::{Diagnostic, Problem};

use crate::stats::{InputStats, Skipped, Stats};
pub use crate::time::window::WindowTime;
use crate::time::window::{clock_window, infer_day, resolve_edges, Edges};
use crate::time::{Nanos, Zone};
use crate::traffic::{Minutes, Requests};
use chrono::NaiveDate;
use chunks::Seen;
use indicatif::ProgressDrawTarget;
use rayon::prelude::*;
use sink::{Keeper, Sink, Stream};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;
use stream::{Line, Text, Writer};

/// A run's result: the events from the look-back start to the window's end.
pub struct Run {
    pub window: Window,
    /// Each input's events, in time order: read merged where they lie ([`Run::events`]),
    /// since moving a large window's events into one fresh list cost tens of milliseconds in
    /// page faults alone. Empty when the events were written as lines ([`Options::render`]).
    runs: Vec<Vec<Event>>,
    /// With [`Options::render`]: each input's text and its lines, in time order.
    texts: Vec<Text>,
    lines: Vec<Vec<Line>>,
    pub stats: Stats,
    /// What a responder should know of the inputs, one line each on standard error.
    pub warnings: Vec<Diagnostic>,
    /// Per-file detail for `--verbose`.
    pub notes: Vec<Note>,
    /// The requests read, for a draft (none with `--events`, whose events hold them).
    pub requests: Requests,
    /// The same minute by minute, by the service each input's path names (`""` for none).
    pub traffic: BTreeMap<String, Minutes>,
    /// The metric series among the inputs, for the chart.
    pub series: Vec<Series>,
    /// The inputs whose times were shifted by the clock `reconstruct.toml` declares for them.
    pub clocks: Vec<Clock>,
}

impl Run {
    /// Every event kept, in time order.
    pub fn events(&self) -> Merged<'_> {
        Merged::new(&self.runs)
    }

    /// The stream lines of the window proper (without the look-back) that [`Options::render`]
    /// wrote, in time order; ties in input order, then in line order.
    pub fn write_stream(&self, w: &mut dyn Write) -> io::Result<()> {
        let Window { from, to, .. } = self.window;
        for (input, line) in Merged::new(&self.lines).between(from, to) {
            w.write_all(self.texts[input].line(line))?;
        }
        Ok(())
    }

    /// The events inside the window proper (without the look-back), in time order.
    pub fn window_events(&self) -> impl Iterator<Item = &Event> {
        let Window { from, to, .. } = self.window;
        self.events().between(from, to).map(|(_, e)| e)
    }
}

impl FileResult {
    /// An input planned away: it cannot hold the window.
    fn not_read(why: &str) -> FileResult {
        FileResult {
            compressed: true,
            ..FileResult::nothing_yet(format!("not read: {why}"))
        }
    }

    /// A result before anything was read: how the input is being read, and no counts.
    fn nothing_yet(reading: String) -> FileResult {
        FileResult {
            events: Vec::new(),
            counts: FileCounts::default(),
            bytes: 0,
            format: None,
            stamped: None,
            reader: None,
            yearless: false,
            skipped: None,
            warning: None,
            reading,
            compressed: false,
            seen: Seen::default(),
            requests: None,
            service: None,
            series: Vec::new(),
            dropped: Vec::new(),
            text: Text::default(),
            lines: Vec::new(),
        }
    }

    /// Writes the events as stream lines and drops them, each as soon as it is written.
    fn render(&mut self, render: Render, zone: &Zone, path: &str) {
        self.write(&mut Writer::new(render, zone), path);
    }

    /// Writes the events still held after what `writer` has (those a parse gave at its end),
    /// then takes every stream line written; an event that could not be written is the
    /// warning.
    fn write(&mut self, writer: &mut Writer, path: &str) {
        for e in std::mem::take(&mut self.events) {
            writer.write(&e, path);
        }
        let (text, lines, broken) = writer.finish();
        self.text = text;
        self.lines = lines;
        if broken.is_some() {
            self.warning = broken;
        }
    }
}

/// How much of an input a pass needs.
#[derive(Clone, Copy, Debug)]
enum Reach {
    /// Its first lines (the survey).
    Head(u64),
    /// Everything (date inference, or no lower bound).
    All,
    /// The events in `[lo, hi]`: plain files in time order are seeked to `lo` and left after `hi`.
    Window(Nanos, Nanos),
    /// The same for a stream known to be in time order (a compressed rotation): passed over
    /// block by block up to `lo`, left after `hi`.
    Ordered(Nanos, Nanos),
}

/// What one pass over one input gave.
struct FileResult {
    events: Vec<Event>,
    counts: FileCounts,
    bytes: u64,
    format: Option<Format>,
    /// The first line its format read (see [`crate::format::Parsed::stamped`]).
    stamped: Option<Arc<str>>,
    /// The reader that read most of it (see [`crate::format::Parsed::reader`]).
    reader: Option<&'static str>,
    yearless: bool,
    /// Why the input was not used, when it was not.
    skipped: Option<String>,
    warning: Option<Diagnostic>,
    /// How it was read, for `--verbose`: from the start, or seeked past so many lines.
    reading: String,
    compressed: bool,
    /// What the bounds saw of the events read (kept or, for a draft, counted and dropped).
    seen: Seen,
    /// Requests counted, for a draft.
    requests: Option<Requests>,
    /// The service the input's path names.
    service: Option<String>,
    /// The metric series it held.
    series: Vec<Series>,
    /// Events in range not kept ([`Keep::NotableAndRequests`]).
    dropped: Vec<Dropped>,
    /// The events written as stream lines ([`Options::render`]), and where each one lies.
    text: Text,
    lines: Vec<Line>,
}

/// Files up to this size are read whole to learn the span of time they cover (alert payloads
/// and the like, whose times are not in line order); larger ones by their first and last lines.
const WHOLE_SPAN_MAX: u64 = 1 << 20;

/// Lines read per file to anchor years before the real pass.
const SURVEY_LINES: u64 = 64;

pub fn run(options: &Options) -> Result<Run, RunError> {
    let mut prepared = prepare(options)?;
    let (from, to) = prepared.window(options)?;
    let bounds = bounds(options, from, to);
    let plans = prepared.plans(bounds);
    if let Some(bar) = &options.progress {
        let total = prepared.inputs.iter().map(|i| i.size).sum();
        if total < PROGRESS_FROM {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_length(total);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    }
    // The largest inputs first, one task each: the last to finish are then the smallest, and
    // the cores stop together instead of one reading a big file while the other waits.
    let mut order: Vec<usize> = (0..prepared.inputs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(prepared.inputs[i].size));
    let mut results: Vec<(usize, FileResult)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let input = &prepared.inputs[i];
            let result = match reach(&plans[i], bounds) {
                Err(why) => FileResult::not_read(why),
                Ok(reach) => {
                    let mut sink = sink(options, from);
                    prepared.read(options, i, (reach, bounds), &mut *sink)
                }
            };
            if let Some(bar) = &options.progress {
                bar.inc(input.size);
            }
            (i, result)
        })
        .collect();
    results.sort_unstable_by_key(|(i, _)| *i);
    let mut results: Vec<FileResult> = results.into_iter().map(|(_, r)| r).collect();
    if let Some(bar) = &options.progress {
        bar.finish_and_clear();
    }
    let ahead = look_ahead(options, &prepared, from, to, &mut results);
    conclude(options, prepared, results, from, to, ahead)
}

/// Reads the look-ahead after the window when something is still open at its end (see
/// [`crate::correlate::open`]), adding its events to each input's; returns where it ends.
/// Only the window and its look-back are counted and measured: the look-ahead's lines give
/// closures to the draft, not its statistics.
fn look_ahead(
    options: &Options,
    prepared: &Prepared,
    from: Option<Nanos>,
    to: Option<Nanos>,
    results: &mut [FileResult],
) -> Option<Nanos> {
    let (Some(from), Some(to)) = (from, to) else {
        return None;
    };
    let window = Window {
        lookback: from.saturating_sub(options.lookback),
        from,
        to,
        ahead: to,
    };
    let events = results.iter().flat_map(|r| &r.events);
    if options.all_events || options.lookahead <= 0 || !open::at_end(events, window) {
        return Some(to);
    }
    let ahead = to.saturating_add(options.lookahead);
    let bounds = chunks::Bounds {
        keep_from: to.saturating_add(1),
        keep_to: ahead,
        window_from: i64::MAX,
        window_to: i64::MIN,
    };
    let plans = prepared.plans(bounds);
    let more: Vec<Vec<Event>> = (0..prepared.inputs.len())
        .into_par_iter()
        .map(|i| match reach(&plans[i], bounds) {
            Err(_) => Vec::new(),
            Ok(reach) => {
                let mut keeper =
                    Keeper::new(Keep::Notable(Requests::new(Some(from), options.slow)));
                prepared
                    .read(options, i, (reach, bounds), &mut keeper)
                    .events
            }
        })
        .collect();
    for (result, more) in results.iter_mut().zip(more) {
        result.events.extend(more);
    }
    Some(ahead)
}

/// What the run makes of each input's events: the event stream's lines, or a draft's events
/// (its requests counted from `from`, the window's start).
fn sink(options: &Options, from: Option<Nanos>) -> Box<dyn Sink + '_> {
    let keep = match options.all_events {
        true if options.event_fields => Keep::All,
        true => Keep::Lines,
        false => Keep::Notable(Requests::new(from, options.slow)),
    };
    match options.render {
        Some(render) => Box::new(Stream::new(render, &options.zone, keep)),
        None => Box::new(Keeper::new(keep)),
    }
}

/// What a run keeps: from the look-back's start to the window's end (the event stream prints
/// the window alone: its look-back would only cost memory).
fn bounds(options: &Options, from: Option<Nanos>, to: Option<Nanos>) -> chunks::Bounds {
    let lookback = if options.all_events {
        0
    } else {
        options.lookback
    };
    chunks::Bounds {
        keep_from: from.map_or(i64::MIN, |f| f.saturating_sub(lookback)),
        keep_to: to.unwrap_or(i64::MAX),
        window_from: from.unwrap_or(i64::MIN),
        window_to: to.unwrap_or(i64::MAX),
    }
}

/// How far an input must be read for its plan, or why it need not be read at all.
fn reach(plan: &rotation::Plan, bounds: chunks::Bounds) -> Result<Reach, &str> {
    Ok(match (plan, bounds.keep_from) {
        (rotation::Plan::Skip(why), _) => return Err(why),
        (_, i64::MIN) => Reach::All,
        (rotation::Plan::Ordered, _) => Reach::Ordered(bounds.keep_from, bounds.keep_to),
        _ => Reach::Window(bounds.keep_from, bounds.keep_to),
    })
}

impl Prepared {
    /// Reads input `i` as far as `reach` into `sink`, which takes the events of the times
    /// `bounds` let through.
    fn read(
        &self,
        options: &Options,
        i: usize,
        (reach, bounds): (Reach, chunks::Bounds),
        sink: &mut dyn Sink,
    ) -> FileResult {
        let pass = Pass {
            setup: Setup::new(options, options.zone, options.date, self.anchors[i]),
            reach,
            bounds,
        };
        read::input(Plan::Once(&self.inputs[i], &pass), sink)
    }
}

/// The inputs of a run, found, surveyed and given their year anchors: everything known
/// before the window is settled and the real pass begins.
struct Prepared {
    inputs: Vec<Input>,
    /// Entries passed over, and why.
    skipped: Vec<(String, String)>,
    surveys: Vec<Survey>,
    anchors: Vec<YearAnchor>,
    /// Standard input and pipes, copied to files deleted when this is dropped.
    _spooled: Vec<tempfile::NamedTempFile>,
    /// What settling the window's day has to say: the other days it could fall on.
    window_said: Option<Diagnostic>,
}

fn prepare(options: &Options) -> Result<Prepared, RunError> {
    let mut found = discover(&options.paths)?;
    let spooled = spool_streams(&mut found.inputs)?;
    let copies = input::copies(&found.inputs);
    let mut kept = Vec::with_capacity(found.inputs.len());
    for (input, copy_of) in found.inputs.iter().zip(copies) {
        match copy_of {
            Some(i) => found.skipped.push((
                input.display.clone(),
                format!("the same content as {}; read once", found.inputs[i].display),
            )),
            None => kept.push(input.clone()),
        }
    }
    let mtimes: Vec<Option<Nanos>> = kept.iter().map(mtime).collect();
    let surveys = survey(&kept, &mtimes, options);
    let anchors = anchor_years(&kept, &surveys, &mtimes, options);
    Ok(Prepared {
        inputs: kept,
        skipped: found.skipped,
        surveys,
        anchors,
        _spooled: spooled,
        window_said: None,
    })
}

impl Prepared {
    /// The window as instants; a time of day is dated from the logs' spans (on the latest day
    /// it meets, the others named in a warning).
    fn window(&mut self, options: &Options) -> Result<(Option<Nanos>, Option<Nanos>), RunError> {
        let zone = options.zone;
        match resolve_edges(options.from, options.to, options.date, zone)? {
            Edges::Known(from, to) => Ok((from, to)),
            Edges::Clock(from, to) => {
                let spans = spans(&self.inputs, &self.anchors, zone, options);
                let inferred = infer_day(&spans, zone, from, to);
                if !inferred.others.is_empty() {
                    let others = inferred.others.iter().map(|d| d.to_string());
                    self.window_said = Some(Diagnostic::run(Problem::OtherDays {
                        drafted: inferred.day.to_string(),
                        others: others.collect::<Vec<_>>().join(", "),
                    }));
                }
                Ok(clock_window(zone, inferred.day, from, to)?)
            }
        }
    }

    /// Which inputs can hold what is kept: rotations that cannot are planned away.
    fn plans(&self, bounds: chunks::Bounds) -> Vec<rotation::Plan> {
        let firsts: Vec<Option<Nanos>> = self.surveys.iter().map(|s| s.first).collect();
        let compressed: Vec<bool> = self.surveys.iter().map(|s| s.compressed).collect();
        rotation::plan(
            &self.inputs,
            &firsts,
            &compressed,
            bounds.keep_from,
            bounds.keep_to,
        )
    }
}

/// How to read one input: in which zone and day, with which year anchor, how far, and which
/// times to keep.
#[derive(Clone)]
struct Pass {
    setup: Setup,
    reach: Reach,
    bounds: chunks::Bounds,
}

/// How an input is read: what dates its lines (the zone of times without one, the day of
/// times without a date, the year of dates without one), what `reconstruct.toml` says of it,
/// and where the line index that numbers its lines is kept.
#[derive(Clone)]
struct Setup {
    zone: Zone,
    day: Option<NaiveDate>,
    anchor: YearAnchor,
    config: Arc<Config>,
    index: Option<Arc<Path>>,
    credentials: Credentials,
}

impl Setup {
    /// The setup of a run under `options` for times in `zone`, on `day`, in the years `anchor`
    /// gives.
    fn new(options: &Options, zone: Zone, day: Option<NaiveDate>, anchor: YearAnchor) -> Setup {
        Setup {
            zone,
            day,
            anchor,
            config: Arc::clone(&options.config),
            index: options.index.as_deref().map(Arc::from),
            credentials: options.credentials.clone(),
        }
    }

    /// The parser of the input shown as `path`, its lines dated so, building what `sink`
    /// asks of those `keep` wants (by their times): every read path's.
    fn parser<'k>(
        &self,
        path: &str,
        keep: impl FnMut(Nanos) -> bool + 'k,
        sink: &dyn Sink,
    ) -> FileParser<'k> {
        let mut cx = Cx::new(self.zone, self.anchor, Arc::from(path), keep, &Classifier)
            .configured(Arc::clone(&self.config));
        cx.dates.fallback_day = self.day;
        FileParser::new(cx).keeping(sink.keep())
    }
}

/// The run from every input's result: statistics, warnings, and the merged events.
fn conclude(
    options: &Options,
    mut prepared: Prepared,
    results: Vec<FileResult>,
    from: Option<Nanos>,
    to: Option<Nanos>,
    ahead: Option<Nanos>,
) -> Result<Run, RunError> {
    let zone = options.zone;
    let mut stats = Stats::default();
    let mut warnings: Vec<Diagnostic> = prepared.window_said.take().into_iter().collect();
    let mut notes = Vec::new();
    for (path, reason) in prepared.skipped {
        warnings.push(Diagnostic::at(
            &path,
            None,
            Problem::NotRead {
                reason: reason.clone(),
            },
        ));
        stats.skipped.push(Skipped { path, reason });
    }
    let mut runs = Vec::with_capacity(results.len());
    let (mut texts, mut lines) = (Vec::new(), Vec::new());
    let mut requests = Requests::new(from, options.slow);
    let mut traffic = BTreeMap::new();
    let mut series = Vec::new();
    let mut seen = Seen::default();
    let mut clocks = Vec::new();
    for (input, r) in prepared.inputs.iter().zip(results) {
        let offset = options.config.for_file(&input.display).clock;
        if offset != 0 && r.skipped.is_none() {
            clocks.push(Clock {
                path: Arc::from(input.display.as_str()),
                offset,
                against: None,
                matches: 0,
                by: "reconstruct.toml",
            });
        }
        stats.bytes += r.bytes;
        stats.events += r.seen.in_window;
        seen.absorb(r.seen);
        match &r.skipped {
            Some(reason) => stats.skipped.push(Skipped {
                path: input.display.clone(),
                reason: reason.clone(),
            }),
            None => stats.files += 1,
        }
        warnings.extend(r.warning);
        let c = &r.counts;
        let name = r.format.map(|f| match r.reader {
            Some(reader) => reader.to_string(),
            None => f.name(&options.config).to_string(),
        });
        notes.push(Note::File(Box::new(FileNote {
            path: input.display.clone(),
            format: r.format.zip(name.clone()),
            stamped: r.stamped,
            reading: r.reading,
            counts: c.clone(),
        })));
        stats.totals.absorb(c);
        stats.inputs.push(InputStats {
            path: input.display.clone(),
            format: r.format,
            format_name: name,
            counts: r.counts.clone(),
        });
        if let Some(counted) = &r.requests {
            requests.absorb(counted);
            traffic
                .entry(r.service.clone().unwrap_or_default())
                .or_insert_with(Minutes::default)
                .absorb(&counted.minutes);
        }
        series.extend(r.series);
        runs.push(r.events);
        texts.push(r.text);
        lines.push(r.lines);
    }
    let silence = &options.config;
    if !options.all_events {
        let before: usize = runs.iter().map(Vec::len).sum();
        for run in &mut runs {
            run.retain(|e| !silence.silenced(e));
        }
        let silenced = before - runs.iter().map(Vec::len).sum::<usize>();
        if silenced > 0 {
            notes.push(Note::Said(format!(
                "{silenced} events silenced by reconstruct.toml's templates"
            )));
        }
    }
    // The first and last time of the events read, whether kept, written as lines or (for a
    // draft) only counted.
    let ends = run_ends(&runs).chain(run_ends(&lines)).chain(seen.span);
    let first = ends.clone().map(|(first, _)| first).min();
    let last = ends.map(|(_, last)| last).max();
    let what = if prepared.inputs.is_empty() {
        "no files found"
    } else if stats.files == 0 {
        "every input was skipped"
    } else if first.is_none() && from.is_none() && to.is_none() {
        // With no window, the window is the logs' span: without events there is none.
        "no events in any input"
    } else {
        ""
    };
    if !what.is_empty() {
        return Err(RunError::NothingReadable {
            what: what.to_string(),
            warnings,
        });
    }
    let from = from.unwrap_or(first.unwrap_or(0));
    let to = to.unwrap_or(last.unwrap_or(from));
    let window = Window {
        lookback: from.saturating_sub(options.lookback),
        from,
        to,
        ahead: ahead.map_or(to, |a| a.max(to)),
    };
    let mut run = Run {
        window,
        runs,
        texts,
        lines,
        stats,
        warnings,
        notes,
        requests,
        traffic,
        series,
        clocks,
    };
    if run.stats.events == 0 {
        run.warnings.push(Diagnostic::run(Problem::EmptyWindow {
            from: zone.rfc3339(from),
            to: zone.rfc3339(to),
        }));
    }
    Ok(run)
}

/// Standard input and named pipes cannot be read twice, so each is copied to a temporary
/// file first; the returned handles delete them when the run ends.
fn spool_streams(inputs: &mut [Input]) -> Result<Vec<tempfile::NamedTempFile>, RunError> {
    let mut spooled = Vec::new();
    for input in inputs.iter_mut() {
        let failed = |source| RunError::Stream {
            name: input.display.clone(),
            source,
        };
        let mut source: Box<dyn Read> = match &input.location {
            // An archive's member is read where it lies, never copied out.
            Location::File(_) | Location::Member(_) | Location::Table(_) => continue,
            Location::Stdin => Box::new(io::stdin().lock()),
            Location::Stream(p) => Box::new(std::fs::File::open(p).map_err(failed)?),
        };
        let mut file = tempfile::NamedTempFile::new().map_err(failed)?;
        input.size = io::copy(&mut source, &mut file).map_err(failed)?;
        // Nothing in the stream is later than now: the year anchor of year-less lines.
        input.modified = Some(std::time::SystemTime::now());
        input.location = Location::File(file.path().to_path_buf());
        spooled.push(file);
    }
    Ok(spooled)
}

/// The first and last time of each run that has any: runs are in time order.
fn run_ends<T: Timed>(runs: &[Vec<T>]) -> impl Iterator<Item = (Nanos, Nanos)> + Clone + '_ {
    runs.iter()
        .filter_map(|run| Some((run.first()?.time(), run.last()?.time())))
}
