//! Live mode (`--follow`): the draft of an outage that is still happening. After the batch
//! run, every plain file that was read is watched for new lines, and for rotation (renamed and
//! recreated, or truncated); each new draft entry is printed as it becomes known, in the batch
//! draft's words, and again each time its count doubles; Ctrl-C ends it with the summary.
//! Waiting (the poll and the signal) is tokio's; new lines go through the same parsers and
//! correlator as the batch run, each input's parse going on from where the last poll's left
//! off, so that a stack trace cut by a poll stays one event.

use super::sink::{Keeper, Sink};
use super::{run, Diagnostic, Options, RunError};
use crate::classify::Classifier;
use crate::config::Config;
use crate::correlate::{build, merge, Entry, Settings, Timeline, Window};
use crate::emit::markdown;
use crate::event::{Event, SourceRef};
use crate::format::{Cx, FileParser, Format, Keep, YearAnchor};
#[cfg(unix)]
use crate::input::Seekable;
use crate::input::{compression, discover, LineReader, Location};
use crate::time::window::{clock_window, resolve_edges, Edges};
use crate::time::{Nanos, Zone, NANOS_PER_DAY};
use crate::traffic::Requests;
use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// How the live draft is written.
#[derive(Clone, Copy, Debug)]
pub struct Live {
    pub settings: Settings,
    pub color: bool,
    /// How often the files are looked at.
    pub poll: Duration,
}

/// One watched file: where reading stopped, and which file that was (to notice rotation).
struct Source {
    path: PathBuf,
    file: File,
    identity: Identity,
    offset: u64,
    lines: Lines,
}

/// A growing input's lines as they come: its parser, kept between polls (see
/// [`FileParser::poll`]), how many lines came before (so citations keep its numbering), a
/// line not yet ended by its newline, and the event the last poll left open.
struct Lines {
    display: String,
    parser: Option<(FileParser<'static>, Keeper)>,
    /// The format once known, in which a file that replaces this one on rotation is read.
    format: Option<Format>,
    /// The earliest time the draft keeps, which the parser reads before each poll's lines.
    floor: Rc<Cell<Nanos>>,
    count: u64,
    partial: Vec<u8>,
    /// The event the last poll left open: its line, time and message length.
    open: Option<(SourceRef, Nanos, usize)>,
    /// Events printed before that lines since have continued, for the draft to replace.
    grown: Vec<Event>,
}

/// The drafting state: every event the draft can use, and the entries already printed, each
/// with the count it was printed with.
struct Draft {
    events: Vec<Event>,
    requests: Requests,
    /// Starts at `i64::MIN` while it is not known: without `--from`, a stream's first event
    /// gives it.
    window: Window,
    printed: HashMap<String, u64>,
    /// `reconstruct.toml`, whose templates silence events.
    config: Arc<Config>,
}

/// Runs until Ctrl-C; the batch run's warnings go to `warn` before anything is written.
pub fn follow(
    options: &Options,
    live: &Live,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&Diagnostic),
) -> Result<(), RunError> {
    // Standard input is not read by a batch run first (a live pipe has no end): its lines
    // come as they are written, while the files are followed.
    let stdin = options.paths.iter().any(|p| p.as_os_str() == "-");
    let files = Options {
        paths: options
            .paths
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .cloned()
            .collect(),
        ..options.clone()
    };
    let (mut draft, mut sources) = match files.paths.is_empty() {
        true => (Draft::empty(options)?, Vec::new()),
        false => {
            let first = run(&files)?;
            for w in &first.warnings {
                warn(w);
            }
            let draft = Draft {
                window: first.window,
                events: merge(first.runs),
                requests: first.requests,
                printed: HashMap::new(),
                config: Arc::clone(&files.config),
            };
            (draft, watch(&files, &first.stats.inputs))
        }
    };
    let mut piped = stdin.then(|| Lines::new("stdin".into(), None, 0));
    let zone = options.zone;
    let write = |out: &mut dyn Write, text: &str| -> Result<(), RunError> {
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(RunError::Follow)
    };
    write(
        out,
        &format!(
            "## Timeline (live)\n\nAll times {}; following {}, Ctrl-C for the summary.\n",
            zone.name(),
            following(sources.len(), stdin)
        ),
    )?;
    for line in draft.new_lines(live, &zone) {
        write(out, &line)?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .map_err(RunError::Follow)?;
    let mut received = stdin.then(read_stdin);
    let mut pending = Vec::new();
    runtime.block_on(async {
        let mut tick = tokio::time::interval(live.poll);
        let stop = tokio::signal::ctrl_c();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return Ok::<(), RunError>(()),
                chunk = async { received.as_mut()?.recv().await }, if received.is_some() => {
                    match chunk {
                        Some(bytes) => pending.extend_from_slice(&bytes),
                        // Standard input closed: with nothing else to follow, the run is over.
                        None => {
                            received = None;
                            if sources.is_empty() {
                                return Ok(());
                            }
                        }
                    }
                }
                _ = tick.tick() => {
                    let mut fresh = Vec::new();
                    let mut counted = Requests::new(Some(draft.window.from), options.slow);
                    for source in &mut sources {
                        fresh.extend(source.read_new(options, &draft, &mut counted));
                    }
                    if let Some(lines) = &mut piped {
                        let bytes = std::mem::take(&mut pending);
                        fresh.extend(lines.parse(&bytes, options, &draft, &mut counted));
                    }
                    draft.requests.absorb(&counted);
                    let grown: Vec<Event> = sources
                        .iter_mut()
                        .map(|s| &mut s.lines)
                        .chain(piped.as_mut())
                        .flat_map(|lines| std::mem::take(&mut lines.grown))
                        .collect();
                    if fresh.is_empty() && grown.is_empty() {
                        continue;
                    }
                    draft.replace(grown);
                    draft.absorb(fresh);
                    for line in draft.new_lines(live, &zone) {
                        write(out, &line)?;
                    }
                }
            }
        }
    })?;
    // What standard input gave after the last poll, and its last line without a newline.
    if let Some(lines) = &mut piped {
        let mut counted = Requests::new(Some(draft.window.from), options.slow);
        let mut fresh = lines.parse(&std::mem::take(&mut pending), options, &draft, &mut counted);
        fresh.extend(lines.finish(options, &draft, &mut counted));
        draft.requests.absorb(&counted);
        let grown = std::mem::take(&mut lines.grown);
        if !fresh.is_empty() || !grown.is_empty() {
            draft.replace(grown);
            draft.absorb(fresh);
            for line in draft.new_lines(live, &zone) {
                write(out, &line)?;
            }
        }
    }
    let timeline = draft.timeline(live.settings);
    write(
        out,
        &format!("\n{}", markdown::summary_paragraph(&timeline, &zone)),
    )
}

/// "2 files and standard input", for the header.
fn following(files: usize, stdin: bool) -> String {
    let files = match files {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    match stdin {
        true if files == "0 files" => "standard input".into(),
        true => format!("{files} and standard input"),
        false => files,
    }
}

/// Standard input as it is written, in chunks, from a thread of its own: a blocking read of a
/// terminal or pipe cannot be cancelled, and the thread ends with the process.
fn read_stdin() -> tokio::sync::mpsc::UnboundedReceiver<Vec<u8>> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0; 64 * 1024];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
    rx
}

/// The plain files the batch run read in a format: compressed rotations do not grow.
fn watch(options: &Options, read: &[crate::stats::InputStats]) -> Vec<Source> {
    let Ok(found) = discover(&options.paths) else {
        return Vec::new();
    };
    found
        .inputs
        .into_iter()
        .filter_map(|input| {
            let Location::File(path) = input.location else {
                return None;
            };
            let format = read.iter().find(|i| i.path == input.display)?.format?;
            let mut file = File::open(&path).ok()?;
            let mut head = [0u8; 4];
            let n = file.read(&mut head).ok()?;
            if compression(&head[..n]).is_some() {
                return None;
            }
            let offset = file.metadata().ok()?.len();
            let lines = lines_before(&path, offset, options.index.as_deref())?;
            Some(Source {
                identity: Identity::of(&file)?,
                path,
                file,
                offset,
                lines: Lines::new(input.display, Some(format), lines),
            })
        })
        .collect()
}

/// Lines in the file before `offset`, for citations: counted as seeking counts them.
#[cfg(unix)]
fn lines_before(
    path: &std::path::Path,
    offset: u64,
    index: Option<&std::path::Path>,
) -> Option<u64> {
    Some(
        Seekable::open(path)
            .ok()?
            .lines_before(offset, index)
            .ok()?
            .lines,
    )
}

/// Counting for citations needs positioned reads: elsewhere nothing is followed.
#[cfg(not(unix))]
fn lines_before(_: &std::path::Path, _: u64, _: Option<&std::path::Path>) -> Option<u64> {
    None
}

impl Source {
    /// The events of the lines written since the last look, following a rotation: the rest
    /// of the renamed file first, then the new one from its start.
    fn read_new(
        &mut self,
        options: &Options,
        draft: &Draft,
        requests: &mut Requests,
    ) -> Vec<Event> {
        let mut bytes = Vec::new();
        let _ = self.file.seek(SeekFrom::Start(self.offset));
        if let Ok(n) = self.file.read_to_end(&mut bytes) {
            self.offset += n as u64;
        }
        let mut events = self.lines.parse(&bytes, options, draft, requests);
        let now = std::fs::metadata(&self.path).ok();
        let rotated = match (&now, File::open(&self.path).ok()) {
            (Some(meta), Some(file)) => {
                let truncated = meta.len() < self.offset;
                let replaced = Identity::of(&file).is_some_and(|id| id != self.identity);
                (truncated || replaced).then_some(file)
            }
            _ => None,
        };
        if let Some(file) = rotated {
            // The old file's last line, cut without its newline, is still a line.
            events.extend(self.lines.finish(options, draft, requests));
            self.identity = Identity::of(&file).unwrap_or(self.identity);
            self.file = file;
            self.offset = 0;
            self.lines.rotated();
            let mut bytes = Vec::new();
            if let Ok(n) = self.file.read_to_end(&mut bytes) {
                self.offset = n as u64;
            }
            events.extend(self.lines.parse(&bytes, options, draft, requests));
        }
        events
    }
}

impl Lines {
    /// An input with `count` lines read before, in `format` once known.
    fn new(display: String, format: Option<Format>, count: u64) -> Lines {
        Lines {
            display,
            parser: None,
            format,
            floor: Rc::new(Cell::new(i64::MIN)),
            count,
            partial: Vec::new(),
            open: None,
            grown: Vec::new(),
        }
    }

    /// The file was replaced: its successor is read from its first line, in the same format.
    fn rotated(&mut self) {
        self.parser = None;
        self.count = 0;
        self.open = None;
    }

    /// The parser that goes on from the last poll's lines, made on the first, and the sink
    /// that holds what it gives until the poll's end.
    fn parser(
        &mut self,
        options: &Options,
        draft: &Draft,
    ) -> (&mut FileParser<'static>, &mut Keeper) {
        self.floor.set(draft.window.lookback);
        let (display, format, floor) = (&self.display, self.format, &self.floor);
        let (parser, held) = self.parser.get_or_insert_with(|| {
            let floor = Rc::clone(floor);
            let anchor = options.year.map_or(
                YearAnchor::NotAfter(crate::time::now().saturating_add(NANOS_PER_DAY)),
                YearAnchor::Fixed,
            );
            let mut cx = Cx::new(
                options.zone,
                anchor,
                Arc::from(display.as_str()),
                move |t: Nanos| t >= floor.get(),
                &Classifier,
            )
            .configured(Arc::clone(&options.config));
            cx.dates.fallback_day = options.date;
            let held = Keeper::new(Keep::Draft(Requests::new(
                Some(draft.window.from),
                options.slow,
            )));
            let parser = FileParser::new(cx).keeping(held.keep());
            // A stream's format is detected from its first lines, then kept.
            let parser = match format {
                Some(format) => parser.with_format(format),
                None => parser,
            };
            (parser, held)
        });
        (parser, held)
    }

    /// The last line, cut without its newline, is still a line.
    fn finish(&mut self, options: &Options, draft: &Draft, requests: &mut Requests) -> Vec<Event> {
        if self.partial.is_empty() {
            return Vec::new();
        }
        self.parse(b"\n", options, draft, requests)
    }

    /// Complete lines only: a line still being written waits for its newline.
    fn parse(
        &mut self,
        bytes: &[u8],
        options: &Options,
        draft: &Draft,
        requests: &mut Requests,
    ) -> Vec<Event> {
        self.partial.extend_from_slice(bytes);
        let Some(end) = memchr::memrchr(b'\n', &self.partial) else {
            return Vec::new();
        };
        let complete: Vec<u8> = self.partial.drain(..=end).collect();
        let mut lines = LineReader::starting_at(&complete[..], self.count);
        let (parser, held) = self.parser(options, draft);
        // Complete lines from memory, through the loop every read feeds its parser with:
        // reading them cannot fail. The events that settle during the poll are held until
        // its end, and given with those the parser gives then.
        let _ = super::read::feed(&mut lines, parser, held, "", |_| false);
        let count = lines.lines();
        let (events, counted) = parser.poll(Some(draft.window.from));
        let mut events = held.events(events);
        let format = parser.format();
        let open = parser
            .open()
            .map(|e| (e.source.clone(), e.time, e.message.len()));
        self.count = count;
        self.format = self.format.or(format);
        if let Some(counted) = &counted {
            requests.absorb(counted);
        }
        // The event the last poll left open is in the draft already: grown, it replaces it
        // there. Continuation lines only ever lengthen it.
        if let Some((source, time, len)) = self.open.take() {
            let same = |e: &Event| e.source == source && e.time == time;
            if let Some(i) = events.iter().position(same) {
                let now = events.remove(i);
                if now.message.len() != len {
                    self.grown.push(now);
                }
            }
        }
        self.open = open;
        events
    }
}

impl Draft {
    /// Before anything is read (standard input alone): the window from `--from`/`--since`
    /// (a time of day on `--date`, else today), else from the first event.
    fn empty(options: &Options) -> Result<Draft, RunError> {
        let zone = options.zone;
        let day = options
            .date
            .unwrap_or_else(|| zone.to_local(crate::time::now()).date());
        let (from, to) = match resolve_edges(options.from, options.to, Some(day), zone)? {
            Edges::Known(from, to) => (from, to),
            Edges::Clock(from, to) => clock_window(zone, day, from, to)?,
        };
        // Live, the window grows with the logs: there is no look-ahead past its end.
        let window = match from {
            Some(from) => Window {
                lookback: from.saturating_sub(options.lookback),
                from,
                to: to.unwrap_or(from),
                ahead: to.unwrap_or(from),
            },
            // Everything is kept until the first event says where the window starts.
            None => Window {
                lookback: i64::MIN,
                from: i64::MIN,
                to: i64::MIN,
                ahead: i64::MIN,
            },
        };
        Ok(Draft {
            events: Vec::new(),
            requests: Requests::new(from, options.slow),
            window,
            printed: HashMap::new(),
            config: Arc::clone(&options.config),
        })
    }

    /// Adds the events of a poll: an event already there (the same line and time: one a
    /// stack trace went on growing) is replaced.
    fn absorb(&mut self, fresh: Vec<Event>) {
        if self.window.from == i64::MIN {
            if let Some(first) = fresh.iter().map(|e| e.time).min() {
                self.window = Window {
                    lookback: first,
                    from: first,
                    to: first,
                    ahead: first,
                };
            }
        }
        let silence = &self.config;
        self.events
            .extend(fresh.into_iter().filter(|e| !silence.silenced(e)));
        self.events.sort_by_key(|e| e.time);
    }

    /// Puts each event that lines of a later poll continued in place of what it was.
    fn replace(&mut self, grown: Vec<Event>) {
        for event in grown {
            let from = self.events.partition_point(|e| e.time < event.time);
            let same = self.events[from..]
                .iter()
                .take_while(|e| e.time == event.time)
                .position(|e| e.source == event.source);
            if let Some(i) = same {
                self.events[from + i] = event;
            }
        }
    }

    fn timeline(&mut self, settings: Settings) -> Timeline {
        if let Some(last) = self.events.last() {
            self.window.to = self.window.to.max(last.time);
            self.window.ahead = self.window.to;
        }
        build(&self.events, &self.requests, self.window, settings)
    }

    /// The lines of entries not printed before, and of those whose count has at least doubled
    /// since they were: a flood's count grows on the screen as its lines arrive, a line per
    /// doubling rather than one per poll.
    fn new_lines(&mut self, live: &Live, zone: &Zone) -> Vec<String> {
        let timeline = self.timeline(live.settings);
        let mut lines = Vec::new();
        for entry in &timeline.entries {
            let key = identity(entry);
            let again = self
                .printed
                .get(&key)
                .is_none_or(|&count| entry.count > count && entry.count >= 2 * count);
            if again {
                self.printed.insert(key, entry.count);
                lines.push(markdown::entry_line(&timeline, entry, zone, live.color));
            }
        }
        lines
    }
}

/// An entry is the same entry while its kind, label, service, first time and citation are.
fn identity(entry: &Entry) -> String {
    format!(
        "{}|{}|{:?}|{}|{:?}",
        entry.kind.name(),
        entry.label,
        entry.service,
        entry.first,
        entry.sources.first()
    )
}

/// Which file a path names: a rotation renames it and creates another under the same path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity(u64, u64);

impl Identity {
    #[cfg(unix)]
    fn of(file: &File) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata().ok()?;
        Some(Identity(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn of(_: &File) -> Option<Identity> {
        Some(Identity(0, 0))
    }
}

#[cfg(test)]
mod tests;
