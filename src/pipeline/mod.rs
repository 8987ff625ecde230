//! Wiring the stages for one run: find the inputs, anchor their years, settle the window's
//! date, parse every input in parallel (seeking to the window where a file allows), and merge.

mod batch;
mod chunks;
mod diagnostic;
mod follow;
mod rotation;
mod seek;
mod stream;

pub use batch::run_all;
pub use follow::{follow, Live};

use crate::config::Config;
use crate::correlate::{Merged, Timed, Window};
use crate::event::Event;
use crate::format::{Cx, Dropped, FileCounts, FileParser, Format, Keep, Parsed, YearAnchor};
use crate::input::{self, discover, Input, InputError, LineReader, Location};
pub use diagnostic::{Diagnostic, Problem};

use crate::stats::{InputStats, Skipped, Stats};
pub use crate::time::window::WindowTime;
use crate::time::window::{clock_window, infer_day, resolve_edges, Edges, WindowError};
use crate::time::{Nanos, StreamClock, Zone};
use crate::traffic::Requests;
use chrono::NaiveDate;
use chunks::Seen;
use indicatif::{ProgressBar, ProgressDrawTarget};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stream::{Line, Text, Writer};
use thiserror::Error;

#[derive(Clone, Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub from: Option<WindowTime>,
    pub to: Option<WindowTime>,
    pub date: Option<NaiveDate>,
    pub zone: Zone,
    pub lookback: Nanos,
    pub year: Option<i32>,
    /// Whether every event is wanted (`--events`), or only what the draft uses: ordinary
    /// info lines and requests are then counted and dropped as they are read.
    pub all_events: bool,
    /// Whether the event stream's output prints fields (JSON, Timesketch). The text stream
    /// prints none, and its parse builds only those that decide an event's kind.
    pub event_fields: bool,
    /// For a draft's impact line: a request slower than this was affected.
    pub slow: Nanos,
    /// For the event stream: how one event is written as one line (the output's format),
    /// in the run's zone. Each input's events are then written while it is read (every
    /// 2,048 events), on the core that reads it, and dropped: the run holds the
    /// window's text, not its events, and [`Run::write_stream`] only interleaves lines.
    /// Without it the run keeps the events.
    pub render: Option<Render>,
    /// A bar to advance by each input's bytes as it is done; shown only when the input is
    /// large (see [`PROGRESS_FROM`]), cleared before the run returns.
    pub progress: Option<ProgressBar>,
    /// What `reconstruct.toml` says: every input is read as it says.
    pub config: Arc<Config>,
    /// Where the line index is kept (`None`: none is read or written; see
    /// [`crate::input::line_index`]).
    pub index: Option<PathBuf>,
}

/// Writes one event as one line of a stream, newline included. JSON's serializer answers with
/// a `Result` even into memory; no event of ours makes it fail.
pub type Render = fn(&mut Vec<u8>, &Event, &mut StreamClock) -> io::Result<()>;

/// Inputs smaller than this finish before a progress bar would be worth drawing.
pub const PROGRESS_FROM: u64 = 256 << 20;

#[derive(Debug, Error)]
pub enum RunError {
    #[error("{0}: check the path")]
    Input(#[from] InputError),
    #[error(transparent)]
    Window(#[from] WindowError),
    /// The warnings say why each input gave nothing; they are printed before this error.
    #[error("nothing could be read ({what}): check the paths and permissions")]
    NothingReadable {
        what: String,
        warnings: Vec<Diagnostic>,
    },
    #[error("cannot follow the files (live mode): {}", input::reason(.0))]
    Follow(io::Error),
    #[error("cannot read ({name}): {}", input::reason(source))]
    Stream { name: String, source: io::Error },
}

impl RunError {
    /// What was noticed on the way to the error, for standard error before it.
    pub fn warnings(&self) -> &[Diagnostic] {
        match self {
            RunError::NothingReadable { warnings, .. } => warnings,
            _ => &[],
        }
    }

    /// Whether the user's command line was at fault (exit 2) rather than the run (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            RunError::Input(InputError::Missing(_)) | RunError::Window(_)
        )
    }
}

/// A line of detail for `--verbose`, written out only when printed: naming a file's time
/// layout runs the locator, whose table is compiled on first use.
pub enum Note {
    File(Box<FileNote>),
    Said(String),
}

/// How one input was read.
pub struct FileNote {
    path: String,
    /// The format detected and its name (a site's as `reconstruct.toml` names it).
    format: Option<(Format, String)>,
    /// The first line its format read, where the time's layout is named.
    stamped: Option<Arc<str>>,
    reading: String,
    counts: FileCounts,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = match self {
            Note::Said(said) => return f.write_str(said),
            Note::File(file) => file,
        };
        let c = &file.counts;
        write!(
            f,
            "{}: {}, {}, {} lines: {} parsed in range, {} outside, {} continuation, {} blank, {} unparsed",
            file.path,
            match &file.format {
                Some((format, name)) => name.clone() + &format.details(file.stamped.as_deref()),
                None => "no format".to_string(),
            },
            file.reading,
            c.lines,
            c.parsed,
            c.outside,
            c.continuations,
            c.blank,
            c.unparsed()
        )
    }
}

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
            yearless: false,
            skipped: None,
            warning: None,
            reading,
            compressed: false,
            seen: Seen::default(),
            requests: None,
            dropped: Vec::new(),
            text: Text::default(),
            lines: Vec::new(),
        }
    }

    /// Writes the events as stream lines and drops them, each as soon as it is written.
    fn render(&mut self, render: Render, zone: &Zone, path: &str) {
        let mut writer = Writer::new(render, zone);
        self.write_rest(&mut writer, path);
        self.written(writer);
    }

    /// Writes the events still held (those a parse gave at its end) after what `writer` has.
    fn write_rest(&mut self, writer: &mut Writer, path: &str) {
        for e in std::mem::take(&mut self.events) {
            writer.write(&e, path);
        }
    }

    /// Takes the stream lines written; an event that could not be written is the warning.
    fn written(&mut self, writer: Writer) {
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
    /// Events in range not kept ([`Keep::Drafts`]).
    dropped: Vec<Dropped>,
    /// The events written as stream lines ([`Options::render`]), and where each one lies.
    text: Text,
    lines: Vec<Line>,
}

const BINARY_PROBE: usize = 8 * 1024;
/// Files up to this size are read whole to learn the span of time they cover (alert payloads
/// and the like, whose times are not in line order); larger ones by their first and last lines.
const WHOLE_SPAN_MAX: u64 = 1 << 20;
/// Events a stream's parse holds before it writes them: enough that parsing and writing each
/// run long, few enough that the list stays small and warm.
const WRITE_EVERY: usize = 2048;
/// Lines read per file to anchor years before the real pass.
const SURVEY_LINES: u64 = 64;

pub fn run(options: &Options) -> Result<Run, RunError> {
    let prepared = prepare(options)?;
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
            let (input, anchor, plan) = (&prepared.inputs[i], &prepared.anchors[i], &plans[i]);
            let result = match reach(plan, bounds) {
                Err(why) => FileResult::not_read(why),
                Ok(reach) => {
                    // Events in the window proper are counted: the draft keeps only some.
                    let keep = match options.all_events {
                        true if options.event_fields => Keep::All,
                        true => Keep::Lines,
                        false => Keep::Draft(Requests::new(from, options.slow)),
                    };
                    let pass = Pass {
                        setup: Setup::new(options, options.zone, options.date, *anchor),
                        reach,
                        bounds,
                        render: options.render,
                    };
                    pass.input(input, keep)
                }
            };
            if let Some(bar) = &options.progress {
                bar.inc(input.size);
            }
            (i, result)
        })
        .collect();
    results.sort_unstable_by_key(|(i, _)| *i);
    let results = results.into_iter().map(|(_, r)| r).collect();
    if let Some(bar) = &options.progress {
        bar.finish_and_clear();
    }
    conclude(options, prepared, results, from, to)
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
    })
}

impl Prepared {
    /// The window as instants; a time of day is dated from the logs' spans.
    fn window(&self, options: &Options) -> Result<(Option<Nanos>, Option<Nanos>), RunError> {
        let zone = options.zone;
        match resolve_edges(options.from, options.to, options.date, zone)? {
            Edges::Known(from, to) => Ok((from, to)),
            Edges::Clock(from, to) => {
                let spans = spans(&self.inputs, &self.anchors, zone, options);
                let day = infer_day(&spans, zone, from, to)?;
                Ok(clock_window(zone, day, from, to)?)
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

/// How to read one input: in which zone and day, with which year anchor, how far, and what
/// to keep.
#[derive(Clone)]
struct Pass {
    setup: Setup,
    reach: Reach,
    bounds: chunks::Bounds,
    /// Writes the events kept as stream lines.
    render: Option<Render>,
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
        }
    }

    /// A parse's context for the input shown as `path`, setup its lines so.
    fn cx<'k>(&self, path: &str, keep: &'k mut dyn FnMut(Nanos) -> bool) -> Cx<'k> {
        let mut cx = Cx::new(self.zone, self.anchor, Arc::from(path), keep)
            .configured(Arc::clone(&self.config));
        cx.fallback_day = self.day;
        cx
    }
}

impl Pass {
    /// Reads `input`: a large file wanted whole in parallel stretches, anything else in one
    /// pass (seeking to the window where the file allows).
    fn input(&self, input: &Input, keep: Keep) -> FileResult {
        let zone = self.setup.zone;
        if let (Reach::All, Location::File(path)) = (self.reach, &input.location) {
            if let Some(plan) = seek::chunks(input, &self.setup) {
                let mut result = chunks::read(input, path, &plan, self, keep);
                if let Some(render) = self.render {
                    result.render(render, &zone, &input.display);
                }
                return result;
            }
        }
        let mut seen = Seen::default();
        let mut result = parse_input(
            input,
            &self.setup,
            &mut |t| self.bounds.keeps(t, &mut seen),
            self.reach,
            keep,
            self.render,
        );
        result.seen = seen;
        result
    }
}

/// The run from every input's result: statistics, warnings, and the merged events.
fn conclude(
    options: &Options,
    prepared: Prepared,
    results: Vec<FileResult>,
    from: Option<Nanos>,
    to: Option<Nanos>,
) -> Result<Run, RunError> {
    let zone = options.zone;
    let mut stats = Stats::default();
    let mut warnings = Vec::new();
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
    let mut seen = Seen::default();
    for (input, r) in prepared.inputs.iter().zip(results) {
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
        let name = r.format.map(|f| f.name(&options.config).to_string());
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
        }
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
            Location::File(_) => continue,
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

fn mtime(input: &Input) -> Option<Nanos> {
    let since = input.modified?.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}

/// What the first lines of an input tell before the real pass.
struct Survey {
    first: Option<Nanos>,
    yearless: bool,
    compressed: bool,
}

/// Reads the first lines of every input (year-less lines anchored, for now, by the file's
/// modification time).
fn survey(inputs: &[Input], mtimes: &[Option<Nanos>], options: &Options) -> Vec<Survey> {
    inputs
        .par_iter()
        .zip(mtimes.par_iter())
        .map(|(input, m)| {
            let mut first = None;
            let anchor = options.year.map_or(
                YearAnchor::NotAfter(m.unwrap_or(i64::MAX / 2)),
                YearAnchor::Fixed,
            );
            let setup = Setup::new(options, options.zone, options.date, anchor);
            let r = parse_input(
                input,
                &setup,
                &mut |t| {
                    first = Some(first.map_or(t, |f: Nanos| f.min(t)));
                    false
                },
                Reach::Head(SURVEY_LINES),
                Keep::All,
                None,
            );
            Survey {
                first,
                yearless: r.yearless,
                compressed: r.compressed,
            }
        })
        .collect()
}

/// The year for year-less lines: `--year`; else near the time the dated inputs in the same
/// directory show, else all dated inputs (read from the first lines of each); else no later
/// than the file's modification time.
fn anchor_years(
    inputs: &[Input],
    surveys: &[Survey],
    mtimes: &[Option<Nanos>],
    options: &Options,
) -> Vec<YearAnchor> {
    if let Some(y) = options.year {
        return vec![YearAnchor::Fixed(y); inputs.len()];
    }
    let fallback = |m: &Option<Nanos>| YearAnchor::NotAfter(m.unwrap_or(i64::MAX / 2));
    // The dated inputs' first times, per directory and over all.
    let dir = |i: &Input| {
        i.display
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string())
    };
    let mut by_dir: HashMap<String, Vec<Nanos>> = HashMap::new();
    let mut all = Vec::new();
    for (input, survey) in inputs.iter().zip(surveys) {
        if let (Some(t), false) = (survey.first, survey.yearless) {
            by_dir.entry(dir(input)).or_default().push(t);
            all.push(t);
        }
    }
    let median = |v: &mut Vec<Nanos>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    };
    let overall = median(&mut all);
    let dir_medians: HashMap<String, Nanos> = by_dir
        .into_iter()
        .filter_map(|(d, mut v)| Some((d, median(&mut v)?)))
        .collect();
    inputs
        .iter()
        .zip(mtimes)
        .map(
            |(input, m)| match dir_medians.get(&dir(input)).copied().or(overall) {
                Some(near) => YearAnchor::Near(near),
                None => fallback(m),
            },
        )
        .collect()
}

/// The span of time each input covers: small files are read whole; larger ones give their
/// first lines and, when plain, the last timestamped line of their tail. A compressed file's
/// span is its first time only: its end is not known without reading it.
fn spans(
    inputs: &[Input],
    anchors: &[YearAnchor],
    zone: Zone,
    options: &Options,
) -> Vec<Option<(Nanos, Nanos)>> {
    let date = options.date;
    inputs
        .par_iter()
        .zip(anchors.par_iter())
        .map(|(input, anchor)| {
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            let small = match &input.location {
                Location::File(_) => input.size <= WHOLE_SPAN_MAX,
                Location::Stdin | Location::Stream(_) => true,
            };
            let reach = if small {
                Reach::All
            } else {
                Reach::Head(SURVEY_LINES)
            };
            let mut record = |t: Nanos| {
                lo = lo.min(t);
                hi = hi.max(t);
                false
            };
            let setup = Setup::new(options, zone, date, *anchor);
            parse_input(input, &setup, &mut record, reach, Keep::All, None);
            if let (false, Location::File(p)) = (small, &input.location) {
                if let Some(last) = seek::last_time(p, &input.display, &setup) {
                    hi = hi.max(last);
                }
            }
            (lo <= hi).then_some((lo, hi))
        })
        .collect()
}

/// The first bytes of a stream, to tell text from binary; an error part-way (a truncated
/// gzip) keeps what came before it.
fn read_head(reader: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
    let mut head = vec![0; BINARY_PROBE];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                head.truncate(filled);
                return (head, Some(e));
            }
        }
    }
    head.truncate(filled);
    (head, None)
}

/// Whether the head of an input is binary rather than text. NUL bytes alone do not make it
/// so: a log written through a crash often holds a run of them where the lost writes were,
/// and its lines before and after still count. More than one byte in ten that is a control
/// byte or not UTF-8 does.
fn is_binary(head: &[u8]) -> bool {
    let mut text = 0usize;
    let mut odd = 0usize;
    for chunk in head.utf8_chunks() {
        for b in chunk.valid().bytes() {
            match b {
                0 => {}
                b'\t' | b'\n' | b'\r' | 0x0c | 0x1b => text += 1,
                0x01..=0x1f | 0x7f => odd += 1,
                _ => text += 1,
            }
        }
        odd += chunk.invalid().len();
    }
    // A chunk cut at the probe's end is not evidence.
    let odd = odd.saturating_sub(3);
    odd * 10 > text + odd
}

/// Reads one input through a [`FileParser`]. Problems are reported, never fatal: an
/// unreadable, empty or binary input is skipped with its reason; a read error part-way (a
/// truncated gzip) keeps the lines before it.
fn parse_input(
    input: &Input,
    setup: &Setup,
    in_range: &mut dyn FnMut(Nanos) -> bool,
    reach: Reach,
    keeping: Keep,
    render: Option<Render>,
) -> FileResult {
    let zone = setup.zone;
    let path = &input.display;
    let mut result = FileResult::nothing_yet("read from the start".to_string());
    let skip = |mut r: FileResult, what: &str, why: String| {
        r.warning = Some(Diagnostic::at(
            path,
            None,
            Problem::Skipped {
                what: what.to_string(),
                why,
            },
        ));
        r.skipped = Some(what.to_string());
        r
    };
    let seek = match reach {
        Reach::Window(lo, _) => seek::plan(input, setup, lo),
        _ => None,
    };
    let opened = match seek
        .as_ref()
        .map_or_else(|| input::open(&input.location, path), |s| s.open(path))
    {
        Ok(o) => o,
        Err(InputError::Io { source, .. }) => {
            return skip(result, "cannot read", input::reason(&source))
        }
        Err(e) => return skip(result, "cannot read", e.to_string()),
    };
    result.compressed = opened.compression.is_some();
    let mut reader = opened.reader;
    let (mut head, mut head_error) = read_head(&mut reader);
    if head.is_empty() {
        return match head_error {
            Some(e) if opened.compression.is_some() => {
                skip(result, "corrupt compressed file", e.to_string())
            }
            Some(e) => skip(result, "cannot read", input::reason(&e)),
            None => skip(result, "empty file", "nothing to read".into()),
        };
    }
    if is_binary(&head) {
        return skip(
            result,
            "binary file",
            "its first bytes are not text (control bytes or invalid UTF-8), so it is not a text log".into(),
        );
    }
    let mut skipped_lines = seek.as_ref().map_or(0, |s| s.before.lines);
    let mut passed_bytes = 0;
    if let Some(s) = seek.as_ref().filter(|_| skipped_lines > 0) {
        let numbered = if s.before.indexed {
            ", numbered from the line index"
        } else {
            ""
        };
        result.reading = format!("seeked past {skipped_lines} lines to the window{numbered}");
    }
    if let (Reach::Ordered(lo, _), None) = (reach, &head_error) {
        if let Some(passed) = seek::fast_forward(&mut reader, &mut head, path, setup, lo) {
            skipped_lines = passed.lines;
            passed_bytes = passed.bytes;
            head_error = passed.error;
            if skipped_lines > 0 {
                result.reading = format!("passed over {skipped_lines} lines to the window");
            }
        }
    }
    let rest: Box<dyn Read> = if head_error.is_some() {
        Box::new(io::empty())
    } else {
        Box::new(reader)
    };
    let mut lines = LineReader::starting_at(io::Cursor::new(head).chain(rest), skipped_lines);
    // A seeked file is in time order: once a line is past the window (by more than the skew
    // allowed), nothing after it can be in.
    let past = std::cell::Cell::new(false);
    let stop_after = match (reach, &seek) {
        (Reach::Window(_, hi), Some(_)) | (Reach::Ordered(_, hi), _) => {
            hi.saturating_add(seek::SKEW)
        }
        _ => i64::MAX,
    };
    let mut watch = |t: Nanos| {
        if t > stop_after {
            past.set(true);
        }
        in_range(t)
    };
    let mut parser = FileParser::new(setup.cx(path, &mut watch)).keeping(keeping);
    let mut writer = render.map(|render| Writer::new(render, &zone));
    let read = lines.each(|n, line| {
        parser.feed(n, line);
        if let Some(w) = writer
            .as_mut()
            .filter(|_| parser.events.len() >= WRITE_EVERY)
        {
            for e in parser.settled() {
                w.write(&e, path);
            }
        }
        match past.get() || matches!(reach, Reach::Head(m) if n >= m) {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        }
    });
    let read_error = head_error.or(read.err());
    // A seeked file counts whole: its prefix was counted, its tail after the window skipped.
    result.bytes = match &seek {
        Some(s) => s.len,
        None => passed_bytes + lines.bytes(),
    };
    let mut result = settle(result, parser.finish(), read_error, skipped_lines, path);
    if let Some(mut w) = writer {
        result.write_rest(&mut w, path);
        result.written(w);
    }
    result
}

/// The first and last time of each run that has any: runs are in time order.
fn run_ends<T: Timed>(runs: &[Vec<T>]) -> impl Iterator<Item = (Nanos, Nanos)> + Clone + '_ {
    runs.iter()
        .filter_map(|run| Some((run.first()?.time(), run.last()?.time())))
}

/// A file's result from what its parse gave: counts, events, and the one warning it deserves.
fn settle(
    mut result: FileResult,
    parsed: Parsed,
    read_error: Option<io::Error>,
    skipped_lines: u64,
    path: &str,
) -> FileResult {
    result.counts = parsed.counts;
    // The lines seeked past were not read, but they were counted: they are outside the window.
    result.counts.lines += skipped_lines;
    result.counts.outside += skipped_lines;
    result.format = parsed.format;
    result.stamped = parsed.stamped;
    result.yearless = parsed.yearless;
    result.events = parsed.events;
    result.requests = parsed.requests;
    result.dropped = parsed.dropped;
    let c = &result.counts;
    if let Some(problem) = parsed.problem {
        let at = c.first_unparsed.unwrap_or(1);
        result.warning = Some(Diagnostic::at(path, Some(at), Problem::Broken { problem }));
    } else if let Some(e) = read_error {
        let at = c.lines + 1;
        result.warning = Some(Diagnostic::at(
            path,
            Some(at),
            Problem::ReadError {
                reason: input::reason(&e),
                kept: c.lines,
            },
        ));
    } else if c.undatable > 0 {
        let first = c.first_unparsed.unwrap_or(1);
        result.warning = Some(Diagnostic::at(
            path,
            Some(first),
            Problem::Undatable { lines: c.undatable },
        ));
    } else if c.unrecognised > 0 && c.parsed == 0 && c.outside == 0 {
        let first = c.first_unparsed.unwrap_or(1);
        let opening = parsed.first_unparsed_text.unwrap_or_default();
        result.warning = Some(Diagnostic::at(
            path,
            Some(first),
            Problem::NoFormat {
                lines: c.unrecognised,
                opening,
            },
        ));
        result.skipped = Some("no log format recognised".into());
    } else if c.unrecognised > 0 {
        let first = c.first_unparsed.unwrap_or(1);
        result.warning = Some(Diagnostic::at(
            path,
            Some(first),
            Problem::Unrecognised {
                lines: c.unrecognised,
            },
        ));
    }
    result
}
