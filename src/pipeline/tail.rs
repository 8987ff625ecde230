//! An input followed as it grows (live mode's plan of the read path): the lines written since
//! the last poll, framed and fed to the parser kept from the poll before, so that a stack
//! trace written across two polls stays one event and a time of day is dated by the line
//! before it. A line still being written waits for its newline; a file renamed and recreated,
//! or truncated, is read to its end and its successor from the start.

use super::read::feed;
use super::sink::Sink;
use super::{FileResult, Setup};
use crate::event::{Event, SourceRef};
use crate::format::{FileParser, Format};
use crate::input::LineReader;
use crate::input::Seekable;
use crate::time::Nanos;
use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::rc::Rc;

/// One followed input: where its bytes come from, and its lines as they come.
pub(super) struct Tail {
    /// The file followed; standard input's bytes are given ([`Tail::give`]).
    file: Option<Followed>,
    display: String,
    /// How its lines are dated and what `reconstruct.toml` says of it.
    setup: Setup,
    /// Made on the first poll and kept.
    parser: Option<FileParser<'static>>,
    /// The format once known, in which a file that replaces this one on rotation is read.
    format: Option<Format>,
    /// The earliest time the draft keeps, which the parser reads before each poll's lines.
    floor: Rc<Cell<Nanos>>,
    /// Lines read before (so that citations keep the file's numbering).
    count: u64,
    /// The bytes after the last newline: a line still being written.
    partial: Vec<u8>,
    /// The event the last poll left open: its line, time and message length.
    open: Option<(SourceRef, Nanos, usize)>,
    /// Events given before that lines since have continued, for the draft to replace.
    grown: Vec<Event>,
}

/// A followed file: where reading stopped, and which file that was (to notice rotation).
struct Followed {
    path: PathBuf,
    file: File,
    identity: Identity,
    offset: u64,
}

/// What one poll asks of a tail.
#[derive(Clone, Copy)]
pub(super) struct Poll {
    /// The earliest time kept (the draft's look-back).
    pub(super) floor: Nanos,
    /// The window's start, from which requests are counted.
    pub(super) from: Nanos,
    /// The input has ended: its last line, cut without a newline, is still a line.
    pub(super) last: bool,
}

impl Tail {
    /// The file at `path` (open as `file`), shown as `display`, followed from its end, where
    /// `format` read it (`None`: detected from its first lines). Its lines are numbered on
    /// from those before, counted in `file` as seeking counts them (with the line index in
    /// `setup`), whatever `path` names by then.
    pub(super) fn file(
        display: String,
        path: PathBuf,
        file: File,
        format: Option<Format>,
        setup: Setup,
    ) -> Option<Tail> {
        let counted = Seekable::of(file.try_clone().ok()?).ok()?;
        let offset = counted.size();
        let count = counted
            .lines_before(offset, setup.index.as_deref())
            .ok()?
            .lines;
        let mut tail = Tail::given(display, format, setup);
        tail.count = count;
        tail.file = Some(Followed {
            identity: Identity::of(&file)?,
            path,
            file,
            offset,
        });
        Some(tail)
    }

    /// An input whose bytes are given as they come (standard input).
    pub(super) fn given(display: String, format: Option<Format>, setup: Setup) -> Tail {
        Tail {
            file: None,
            display,
            setup,
            parser: None,
            format,
            floor: Rc::new(Cell::new(i64::MIN)),
            count: 0,
            partial: Vec::new(),
            open: None,
            grown: Vec::new(),
        }
    }

    /// Bytes written to a given input since the last poll.
    pub(super) fn give(&mut self, bytes: &[u8]) {
        self.partial.extend_from_slice(bytes);
    }

    /// Events given by earlier polls that lines since have continued, grown.
    pub(super) fn grown(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.grown)
    }

    /// The lines written since the last poll, into `sink`, which gives them back in the
    /// result (live mode's [`Keeper`](super::sink::Keeper)): a file's new bytes first, then,
    /// when it was rotated, the rest of it and its successor from the start.
    pub(super) fn poll(&mut self, poll: Poll, sink: &mut dyn Sink) -> FileResult {
        let mut result = FileResult::nothing_yet("followed".into());
        let open = self.open.take();
        let rotated = self
            .file
            .as_mut()
            .and_then(|f| f.read_new(&mut self.partial));
        self.lines(
            Poll {
                last: poll.last || rotated.is_some(),
                ..poll
            },
            sink,
            &mut result,
        );
        if let (Some(mut file), Some(followed)) = (rotated, &mut self.file) {
            followed.identity = Identity::of(&file).unwrap_or(followed.identity);
            followed.offset = match file.read_to_end(&mut self.partial) {
                Ok(n) => n as u64,
                Err(_) => 0,
            };
            followed.file = file;
            // Its successor is read from its first line, in the same format.
            self.parser = None;
            self.count = 0;
            self.open = None;
            self.lines(poll, sink, &mut result);
        }
        sink.finish(&mut result, &self.display);
        // The event the last poll left open was given then: grown, it replaces it.
        // Continuation lines only ever lengthen it.
        if let Some((source, time, len)) = open {
            let same = |e: &Event| e.source == source && e.time == time;
            if let Some(i) = result.events.iter().position(same) {
                let now = result.events.remove(i);
                if now.message.len() != len {
                    self.grown.push(now);
                }
            }
        }
        result
    }

    /// Parses the complete lines waiting (with `poll.last`, the cut last one too), adding
    /// to `result` the events the parser gives at the poll's end and the requests counted.
    fn lines(&mut self, poll: Poll, sink: &mut dyn Sink, result: &mut FileResult) {
        if poll.last && !self.partial.is_empty() && !self.partial.ends_with(b"\n") {
            self.partial.push(b'\n');
        }
        let Some(end) = memchr::memrchr(b'\n', &self.partial) else {
            return;
        };
        let complete: Vec<u8> = self.partial.drain(..=end).collect();
        let mut lines = LineReader::starting_at(&complete[..], self.count);
        self.floor.set(poll.floor);
        let parser = self.parser.get_or_insert_with(|| {
            let floor = Rc::clone(&self.floor);
            let parser = self
                .setup
                .parser(&self.display, move |t: Nanos| t >= floor.get(), sink);
            // A stream's format is detected from its first lines, then kept.
            match self.format {
                Some(format) => parser.with_format(format),
                None => parser,
            }
        });
        // Complete lines from memory: reading them cannot fail.
        let _ = feed(&mut lines, parser, sink, &self.display, |_| false);
        self.count = lines.lines();
        let (events, counted) = parser.poll(Some(poll.from));
        self.format = self.format.or(parser.format());
        self.open = parser
            .open()
            .map(|e| (e.source.clone(), e.time, e.message.len()));
        if let Some(counted) = counted {
            match &mut result.requests {
                Some(requests) => requests.absorb(&counted),
                None => result.requests = Some(counted),
            }
        }
        result.events.extend(events);
    }
}

impl Followed {
    /// Reads what was written since the last look onto the end of `partial`, and gives the
    /// file now at the path when this one was rotated.
    fn read_new(&mut self, partial: &mut Vec<u8>) -> Option<File> {
        let _ = self.file.seek(SeekFrom::Start(self.offset));
        if let Ok(n) = self.file.read_to_end(partial) {
            self.offset += n as u64;
        }
        self.rotated()
    }

    /// The file now at the path, when it is not the one read (renamed and recreated) or the
    /// one read was truncated.
    fn rotated(&self) -> Option<File> {
        let now = std::fs::metadata(&self.path).ok()?;
        let file = File::open(&self.path).ok()?;
        let truncated = now.len() < self.offset;
        let replaced = Identity::of(&file).is_some_and(|id| id != self.identity);
        (truncated || replaced).then_some(file)
    }
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
