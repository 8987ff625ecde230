//! Live mode (`--follow`): the draft of an outage that is still happening. After the batch
//! run, every plain file that was read is watched for new lines, and for rotation (renamed and
//! recreated, or truncated); each new draft entry is printed as it becomes known, in the batch
//! draft's words, and again each time its count doubles; Ctrl-C ends it with the summary.
//! Waiting (the poll and the signal) is tokio's; new lines go through the same parsers and
//! correlator as the batch run, each input's parse going on from where the last poll's left
//! off, so that a stack trace cut by a poll stays one event.

use super::read::{self, Plan};
use super::sink::Keeper;
use super::tail::{Poll, Tail};
use super::{run, Diagnostic, Options, RunError, Setup};
use crate::config::Config;
use crate::correlate::{build, merge, Entry, Settings, Timeline, Window};
use crate::emit::markdown;
use crate::event::Event;
use crate::format::{Keep, YearAnchor};
use crate::input::{compression, discover, Location};
use crate::time::window::{clock_window, resolve_edges, Edges};
use crate::time::{Nanos, Zone, NANOS_PER_DAY};
use crate::traffic::Requests;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
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
    let (mut draft, mut tails) = match files.paths.is_empty() {
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
    let mut piped = stdin.then(|| Tail::given("stdin".into(), None, live_setup(options)));
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
            following(tails.len(), stdin)
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
    runtime.block_on(async {
        let mut tick = tokio::time::interval(live.poll);
        let stop = tokio::signal::ctrl_c();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return Ok::<(), RunError>(()),
                chunk = async { received.as_mut()?.recv().await }, if received.is_some() => {
                    match chunk {
                        Some(bytes) => {
                            if let Some(tail) = &mut piped {
                                tail.give(&bytes);
                            }
                        }
                        // Standard input closed: with nothing else to follow, the run is over.
                        None => {
                            received = None;
                            if tails.is_empty() {
                                return Ok(());
                            }
                        }
                    }
                }
                _ = tick.tick() => {
                    if draft.poll(tails.iter_mut().chain(piped.as_mut()), options.slow, false) {
                        for line in draft.new_lines(live, &zone) {
                            write(out, &line)?;
                        }
                    }
                }
            }
        }
    })?;
    // What standard input gave after the last poll, and its last line without a newline.
    if draft.poll(piped.iter_mut(), options.slow, true) {
        for line in draft.new_lines(live, &zone) {
            write(out, &line)?;
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

/// How a followed input's lines are dated: as the batch run's, except that a year-less
/// line's year is the one that puts it no later than tomorrow (the logs are being written now).
fn live_setup(options: &Options) -> Setup {
    let anchor = options.year.map_or(
        YearAnchor::NotAfter(crate::time::now().saturating_add(NANOS_PER_DAY)),
        YearAnchor::Fixed,
    );
    Setup::new(options, options.zone, options.date, anchor)
}

/// The plain files the batch run read in a format: compressed rotations do not grow.
fn watch(options: &Options, read: &[crate::stats::InputStats]) -> Vec<Tail> {
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
            Tail::file(input.display, path, file, Some(format), live_setup(options))
        })
        .collect()
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

    /// Reads the lines each of `tails` was given since the last poll (with `last`, their
    /// last lines without a newline too) through the read path's followed plan; whether the
    /// draft changed.
    fn poll<'t>(
        &mut self,
        tails: impl Iterator<Item = &'t mut Tail>,
        slow: Nanos,
        last: bool,
    ) -> bool {
        let poll = Poll {
            floor: self.window.lookback,
            from: self.window.from,
            last,
        };
        let (mut fresh, mut grown) = (Vec::new(), Vec::new());
        for tail in tails {
            let mut held = Keeper::new(Keep::Notable(Requests::new(Some(poll.from), slow)));
            let result = read::input(Plan::Followed(tail, poll), &mut held);
            if let Some(counted) = &result.requests {
                self.requests.absorb(counted);
            }
            fresh.extend(result.events);
            grown.extend(tail.grown());
        }
        if fresh.is_empty() && grown.is_empty() {
            return false;
        }
        self.replace(grown);
        self.absorb(fresh);
        true
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

#[cfg(test)]
mod tests;
