//! Where reading a plain file starts: at the window, found by bisection, when the file is
//! large, in time order, and in a format whose lines can be placed one by one. Anything else
//! is read from the start: seeking must never miss a line that a full scan would find. A
//! compressed rotation, which cannot be seeked, is passed over block by block up to the window.
//! `RECONSTRUCT_FULL_SCAN=1` turns seeking, parallel stretches (and skipping rotations) off,
//! to compare.

use super::Setup;
use crate::classify::Classifier;
use crate::format::{Clock, Cx, Format};
use crate::input::{compression, Count, Input, InputError, Location, Opened, Seekable, TimeOf};
use crate::time::{Nanos, NANOS_PER_MIN};
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

/// How far a file's lines may run out of time order; also how far before the window reading
/// starts and after it reading stops.
pub const SKEW: Nanos = 10 * NANOS_PER_MIN;
/// Smaller files are read whole: seeking would save little.
const SEEK_MIN: u64 = 8 << 20;
const SAMPLE_BYTES: usize = 256 * 1024;
const SAMPLE_LINES: usize = 64;

pub struct Seek {
    pub offset: u64,
    file: Seekable,
}

impl Seek {
    /// The file, positioned at the window: the one bisected, whose lines before it are
    /// counted.
    pub fn open(&self, display: &str) -> Result<Opened, InputError> {
        let file = self
            .file
            .reader_from(self.offset)
            .map_err(|source| InputError::Io {
                path: display.to_string(),
                source,
            })?;
        Ok(Opened {
            // Unbuffered: the line reader reads in large blocks of its own, and a buffer
            // between them would only copy every byte once more.
            reader: Box::new(file),
            compression: None,
        })
    }

    /// The file's length when it was opened.
    pub fn size(&self) -> u64 {
        self.file.size()
    }

    /// The lines before the window, to be counted from where the line index leaves off.
    pub fn count(&self, index: Option<&Path>) -> Count<'_> {
        self.file.count_to(self.offset, index)
    }
}

#[cfg(unix)]
pub fn plan(input: &Input, setup: &Setup, lo: Nanos) -> Option<Seek> {
    let file = narrowable(input, SEEK_MIN)?;
    let offset = with_clock(&file, &input.display, setup, |_, time_of| {
        if !file.ordered(SKEW, time_of).ok()? {
            return None;
        }
        let offset = file.bisect(lo.saturating_sub(SKEW), time_of).ok()?;
        (offset > 0).then_some(offset)
    })?;
    Some(Seek { offset, file })
}

/// A large plain file read whole (no window) is read in this many stretches per thread, in
/// parallel; smaller files are not split.
const CHUNKS_PER_THREAD: u64 = 2;
const CHUNK_MIN: u64 = 16 << 20;

/// How to read a large file in parallel stretches: its format (detected from its head, as a
/// whole read would) and where each stretch starts.
pub struct Chunks {
    pub format: Format,
    /// The first line of the head the format read (see [`crate::format::Parsed::stamped`]).
    pub stamped: Option<Arc<str>>,
    pub starts: Vec<u64>,
    pub len: u64,
}

/// Stretches for a plain file of at least [`CHUNK_MIN`] in a format whose lines can be placed
/// one by one; `None` otherwise (and under `RECONSTRUCT_FULL_SCAN`).
#[cfg(unix)]
pub fn chunks(input: &Input, setup: &Setup) -> Option<Chunks> {
    let file = narrowable(input, CHUNK_MIN)?;
    let n = rayon::current_num_threads() as u64 * CHUNKS_PER_THREAD;
    with_clock(
        &file,
        &input.display,
        setup,
        |(format, stamped), time_of| {
            let starts = file.starts(n, time_of).ok()?;
            (starts.len() > 1).then_some(Chunks {
                format,
                stamped,
                starts,
                len: file.size(),
            })
        },
    )
}

/// Whether the input is a plain file large enough that [`plan`] may seek in it (a batch reads
/// such a file once per window, each read from its own window; others once from the start).
#[cfg(unix)]
pub fn seekable(input: &Input) -> bool {
    narrowable(input, SEEK_MIN).is_some()
}

#[cfg(not(unix))]
pub fn seekable(_: &Input) -> bool {
    false
}

/// The file, when it is at least `min` bytes and reading it otherwise than in one pass from
/// the start is allowed.
#[cfg(unix)]
fn narrowable(input: &Input, min: u64) -> Option<Seekable> {
    let Location::File(path) = &input.location else {
        return None;
    };
    // The size discovery found: a small file is not even opened.
    if input.size < min || std::env::var_os("RECONSTRUCT_FULL_SCAN").is_some() {
        return None;
    }
    let file = Seekable::open(path).ok()?;
    (file.size() >= min).then_some(file)
}

/// The time of the last timestamped line of a plain file in a format whose lines can be
/// placed one by one, read from its tail.
#[cfg(unix)]
pub fn last_time(path: &Path, display: &str, setup: &Setup) -> Option<Nanos> {
    let file = Seekable::open(path).ok()?;
    with_clock(&file, display, setup, |_, time_of| {
        let tail = file.tail(SAMPLE_BYTES).ok()?;
        tail.split(|c| *c == b'\n').rev().find_map(time_of)
    })
}

/// A file's format, as detected from its head, and the first line of it the format read.
type Detected = (Format, Option<Arc<str>>);

/// Runs `work` with the file's format and the time of single lines in it, when the file is
/// plain text whose lines can be placed one by one (see [`Clock`]).
#[cfg(unix)]
fn with_clock<T>(
    file: &Seekable,
    display: &str,
    setup: &Setup,
    work: impl FnOnce(Detected, &mut TimeOf) -> Option<T>,
) -> Option<T> {
    let head = file.head(SAMPLE_BYTES).ok()?;
    if compression(&head).is_some() {
        return None;
    }
    sample_clock(&head, display, setup, work)
}

/// [`with_clock`] for a sample already read (the decompressed head of a stream).
fn sample_clock<T>(
    head: &[u8],
    display: &str,
    setup: &Setup,
    work: impl FnOnce(Detected, &mut TimeOf) -> Option<T>,
) -> Option<T> {
    use std::cell::Cell;
    if memchr::memchr(0, head).is_some() {
        return None;
    }
    // A sample ends mid-line: keep the whole lines.
    let whole = memchr::memrchr(b'\n', head).map_or(head, |i| &head[..i]);
    let sample: Vec<&[u8]> = whole.split(|c| *c == b'\n').take(SAMPLE_LINES).collect();
    let found = Cell::new(None);
    let mut capture = |t: Nanos| {
        if found.get().is_none() {
            found.set(Some(t));
        }
        false
    };
    let mut cx = Cx::new(
        setup.zone,
        setup.anchor,
        Arc::from(display),
        &mut capture,
        &Classifier,
    )
    .configured(Arc::clone(&setup.config));
    cx.dates.fallback_day = setup.day;
    let mut clock = Clock::new(cx, &sample)?;
    let detected = (clock.format(), clock.stamped());
    let mut time_of = |line: &[u8]| {
        found.set(None);
        clock.feed(line);
        found.get()
    };
    work(detected, &mut time_of)
}

/// Blocks of a stream that [`fast_forward`] passes over whole.
const FORWARD_BLOCK: usize = 64 * 1024;

/// What passing over the start of a stream gave.
pub struct Forwarded {
    pub lines: u64,
    pub bytes: u64,
    /// The read error that ended the stream while passing over it.
    pub error: Option<io::Error>,
}

/// Passes over the start of a stream known to be in time order (a compressed rotation), up to
/// the window: block by block, while the last whole line of a block is earlier than `lo` by
/// more than the skew allowed, the block's lines are counted, not parsed. `head` holds what was
/// read of the stream already, and is left holding where parsing must start (a line's start).
/// `None`, with nothing read, when single lines cannot be placed in time: the stream is then
/// parsed from its start.
#[allow(clippy::too_many_arguments)]
pub fn fast_forward(
    reader: &mut dyn Read,
    head: &mut Vec<u8>,
    display: &str,
    setup: &Setup,
    lo: Nanos,
) -> Option<Forwarded> {
    if std::env::var_os("RECONSTRUCT_FULL_SCAN").is_some() {
        return None;
    }
    let sample = head.clone();
    sample_clock(&sample, display, setup, |_, time_of| {
        let mut done = Forwarded {
            lines: 0,
            bytes: 0,
            error: None,
        };
        let mut eof = false;
        loop {
            while !eof && head.len() < FORWARD_BLOCK {
                let at = head.len();
                head.resize(FORWARD_BLOCK, 0);
                let read = reader.read(&mut head[at..]);
                head.truncate(at + *read.as_ref().unwrap_or(&0));
                match read {
                    Ok(0) => eof = true,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        done.error = Some(e);
                        eof = true;
                    }
                }
            }
            let Some(end) = memchr::memrchr(b'\n', head) else {
                break;
            };
            let start = memchr::memrchr(b'\n', &head[..end]).map_or(0, |i| i + 1);
            match time_of(&head[start..end]) {
                Some(t) if t < lo.saturating_sub(SKEW) => {}
                _ => break,
            }
            done.lines += bytecount::count(&head[..=end], b'\n') as u64;
            done.bytes += end as u64 + 1;
            head.drain(..=end);
            if eof {
                break;
            }
        }
        Some(done)
    })
}

#[cfg(not(unix))]
pub fn last_time(_: &Path, _: &str, _: Zone, _: Option<NaiveDate>, _: YearAnchor) -> Option<Nanos> {
    None
}

#[cfg(not(unix))]
pub fn chunks(_: &Input, _: Zone, _: Option<NaiveDate>, _: YearAnchor) -> Option<Chunks> {
    None
}

#[cfg(not(unix))]
pub fn plan(_: &Input, _: Zone, _: Option<NaiveDate>, _: YearAnchor, _: Nanos) -> Option<Seek> {
    None
}
