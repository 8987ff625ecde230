//! Live mode (`--follow`): the draft of an outage that is still happening. After the batch
//! run, every plain file that was read is watched for new lines, and for rotation (renamed and
//! recreated, or truncated); each new draft entry is printed as it becomes known, in the batch
//! draft's words; Ctrl-C ends it with the summary. Waiting (the poll and the signal) is tokio's;
//! new lines go through the same parsers and correlator as the batch run.

use super::{run, Options, RunError};
use crate::correlate::{build, Entry, Settings, Timeline, Window};
use crate::emit::markdown;
use crate::event::Event;
use crate::format::{Cx, FileParser, Format, Keep, YearAnchor};
#[cfg(unix)]
use crate::input::Seekable;
use crate::input::{compression, discover, LineReader, Location};
use crate::time::{Nanos, Zone, NANOS_PER_DAY};
use crate::traffic::Requests;
use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
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
    display: String,
    path: PathBuf,
    format: Format,
    file: File,
    identity: Identity,
    offset: u64,
    /// Lines before `offset`, so that citations keep the file's numbering.
    lines: u64,
    /// The start of a line not yet ended by its newline.
    partial: Vec<u8>,
}

/// The drafting state: every event the draft can use, and the entries already printed.
struct Draft {
    events: Vec<Event>,
    requests: Requests,
    window: Window,
    printed: HashSet<String>,
}

/// Runs until Ctrl-C; the batch run's warnings go to `warn` before anything is written.
pub fn follow(
    options: &Options,
    live: &Live,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> Result<(), RunError> {
    let first = run(options)?;
    for w in &first.warnings {
        warn(w);
    }
    let mut sources = watch(options, &first.stats.inputs);
    let mut draft = Draft {
        window: first.window,
        events: first.events,
        requests: first.requests,
        printed: HashSet::new(),
    };
    let zone = options.zone;
    let write = |out: &mut dyn Write, text: &str| -> Result<(), RunError> {
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(RunError::Follow)
    };
    write(
        out,
        &format!(
            "## Timeline (live)\n\nAll times {}; following {} file{}, Ctrl-C for the summary.\n",
            zone.name(),
            sources.len(),
            if sources.len() == 1 { "" } else { "s" }
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
    runtime.block_on(async {
        let mut tick = tokio::time::interval(live.poll);
        let stop = tokio::signal::ctrl_c();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return Ok::<(), RunError>(()),
                _ = tick.tick() => {
                    let mut fresh = Vec::new();
                    let mut counted = Requests::new(Some(draft.window.from), options.slow);
                    for source in &mut sources {
                        fresh.extend(source.read_new(options, &draft, &mut counted));
                    }
                    draft.requests.absorb(&counted);
                    if fresh.is_empty() {
                        continue;
                    }
                    draft.absorb(fresh);
                    for line in draft.new_lines(live, &zone) {
                        write(out, &line)?;
                    }
                }
            }
        }
    })?;
    let timeline = draft.timeline(live.settings);
    write(
        out,
        &format!("\n{}", markdown::summary_paragraph(&timeline, &zone)),
    )
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
            let lines = lines_before(&path, offset)?;
            Some(Source {
                display: input.display,
                identity: Identity::of(&file)?,
                path,
                format,
                file,
                offset,
                lines,
                partial: Vec::new(),
            })
        })
        .collect()
}

/// Lines in the file before `offset`, for citations: counted as seeking counts them.
#[cfg(unix)]
fn lines_before(path: &std::path::Path, offset: u64) -> Option<u64> {
    Seekable::open(path).ok()?.lines_before(offset).ok()
}

/// Counting for citations needs positioned reads: elsewhere nothing is followed.
#[cfg(not(unix))]
fn lines_before(_: &std::path::Path, _: u64) -> Option<u64> {
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
        let mut events = self.parse(&bytes, options, draft, requests);
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
            if !self.partial.is_empty() {
                events.extend(self.parse(b"\n", options, draft, requests));
            }
            self.identity = Identity::of(&file).unwrap_or(self.identity);
            self.file = file;
            self.offset = 0;
            self.lines = 0;
            self.partial.clear();
            let mut bytes = Vec::new();
            if let Ok(n) = self.file.read_to_end(&mut bytes) {
                self.offset = n as u64;
            }
            events.extend(self.parse(&bytes, options, draft, requests));
        }
        events
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
        let from = draft.window.lookback;
        let mut keep = |t: Nanos| t >= from;
        let anchor = options.year.map_or(
            YearAnchor::NotAfter(crate::time::now().saturating_add(NANOS_PER_DAY)),
            YearAnchor::Fixed,
        );
        let mut cx = Cx::new(
            options.zone,
            anchor,
            Arc::from(self.display.as_str()),
            &mut keep,
        );
        cx.fallback_day = options.date;
        let mut parser = FileParser::new(cx)
            .with_format(self.format)
            .keeping(Keep::Draft(Requests::new(
                Some(draft.window.from),
                options.slow,
            )));
        let mut lines = LineReader::starting_at(&complete[..], self.lines);
        while let Ok(Some((n, line))) = lines.next_line() {
            parser.feed(n, line);
            self.lines = n;
        }
        let parsed = parser.finish();
        if let Some(counted) = &parsed.requests {
            requests.absorb(counted);
        }
        parsed.events
    }
}

impl Draft {
    fn absorb(&mut self, fresh: Vec<Event>) {
        let silence = crate::config::current();
        self.events
            .extend(fresh.into_iter().filter(|e| !silence.silenced(e)));
        self.events.sort_by_key(|e| e.time);
    }

    fn timeline(&mut self, settings: Settings) -> Timeline {
        if let Some(last) = self.events.last() {
            self.window.to = self.window.to.max(last.time);
        }
        build(&self.events, &self.requests, self.window, settings)
    }

    /// The lines of entries not printed before.
    fn new_lines(&mut self, live: &Live, zone: &Zone) -> Vec<String> {
        let timeline = self.timeline(live.settings);
        let mut lines = Vec::new();
        for entry in &timeline.entries {
            if self.printed.insert(identity(entry)) {
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
