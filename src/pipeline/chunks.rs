//! One large file read whole (no window) in parallel stretches: each starts at a line that
//! carries a timestamp, is parsed in the format detected from the file's head, and the
//! stretches' events, counts and line numbers are put back together in file order. The result
//! is the same as reading the file in one pass (`tests/seek.rs` compares them); without it, one
//! big access log keeps one core busy while the others wait.

use super::seek::Chunks;
use super::sink::{Keeper, Sink};
use super::{settle, FileResult, Pass};
use crate::correlate::merge;
use crate::format::Parsed;
use crate::input::{Input, LineReader};
use crate::time::Nanos;
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// What to keep, as plain bounds (each stretch builds its own filter from them).
#[derive(Clone, Copy)]
pub struct Bounds {
    pub keep_from: Nanos,
    pub keep_to: Nanos,
    pub window_from: Nanos,
    pub window_to: Nanos,
}

impl Bounds {
    /// Whether an event at `t` is kept (the window or its look-back), noting it in `seen`.
    pub fn keeps(&self, t: Nanos, seen: &mut Seen) -> bool {
        if self.window_from <= t && t <= self.window_to {
            seen.in_window += 1;
        }
        let kept = self.keep_from <= t && t <= self.keep_to;
        if kept {
            seen.span = Some(match seen.span {
                Some((first, last)) => (first.min(t), last.max(t)),
                None => (t, t),
            });
        }
        kept
    }
}

/// What the bounds saw of an input's events as it was read, whether a draft kept each one or
/// only counted it: how many fell in the window proper, and the first and last time kept,
/// which make the window when none is given (the logs' span, not that of the few events a
/// draft keeps).
#[derive(Clone, Copy, Default)]
pub struct Seen {
    pub in_window: u64,
    pub span: Option<(Nanos, Nanos)>,
}

impl Seen {
    /// Adds what another stretch of the input, or another input, saw.
    pub fn absorb(&mut self, other: Seen) {
        self.in_window += other.in_window;
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (mine, theirs) => mine.or(theirs),
        };
    }
}

/// What one stretch gave.
struct Part {
    parsed: Parsed,
    read_error: Option<io::Error>,
    bytes: u64,
    seen: Seen,
}

/// Reads the file at `path` in the stretches `chunks` plans, each on a core of its own, into
/// `sink` once they are put back together.
pub fn read(
    input: &Input,
    path: &Path,
    chunks: &Chunks,
    pass: &Pass,
    sink: &mut dyn Sink,
) -> FileResult {
    let keep = sink.keep();
    let ends = chunks.starts.iter().skip(1).copied().chain([chunks.len]);
    let stretches: Vec<(u64, u64)> = chunks.starts.iter().copied().zip(ends).collect();
    let parts: Vec<Part> = stretches
        .par_iter()
        .map(|&(start, end)| {
            let mut seen = Seen::default();
            let mut in_bounds = |t: Nanos| pass.bounds.keeps(t, &mut seen);
            // A stretch's events are held until the stretches are joined in file order.
            let mut held = Keeper::new(keep.clone());
            let mut parser = pass
                .setup
                .parser(&input.display, &mut in_bounds, &held)
                .with_format(chunks.format)
                .with_stamped(chunks.stamped.clone());
            let (read_error, bytes) = match stretch(path, start, end) {
                Ok(reader) => {
                    let mut lines = LineReader::new(reader);
                    let read = super::read::feed(
                        &mut lines,
                        &mut parser,
                        &mut held,
                        &input.display,
                        |_| false,
                    );
                    (read.err(), lines.bytes())
                }
                Err(e) => (Some(e), 0),
            };
            let mut parsed = parser.finish();
            parsed.events = held.events(parsed.events);
            Part {
                parsed,
                read_error,
                bytes,
                seen,
            }
        })
        .collect();
    let mut result =
        FileResult::nothing_yet(format!("read in {} parallel stretches", stretches.len()));
    let (parsed, read_error) = join(parts, &mut result);
    let mut result = settle(result, parsed, read_error, 0, &input.display);
    sink.finish(&mut result, &input.display);
    result
}

fn stretch(path: &Path, start: u64, end: u64) -> io::Result<impl Read> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    // Unbuffered, as a seeked read: the line reader's own blocks are large.
    Ok(file.take(end - start))
}

/// Numbers the lines of a parse that began after `lines` lines of its file as the file does.
pub(super) fn shift(parsed: &mut Parsed, lines: u64) {
    for e in &mut parsed.events {
        e.source.line += lines;
    }
    for d in &mut parsed.dropped {
        d.line += lines;
    }
    let c = &mut parsed.counts;
    c.first_unparsed = c.first_unparsed.map(|n| n + lines);
    c.first_unparsed_in_range = c.first_unparsed_in_range.map(|n| n + lines);
}

/// The stretches as one parse: line numbers shifted by the lines before each stretch, counts
/// added, events merged in file order.
fn join(parts: Vec<Part>, result: &mut FileResult) -> (Parsed, Option<io::Error>) {
    let mut lines_before = 0u64;
    let mut runs = Vec::with_capacity(parts.len());
    let mut joined = Parsed::default();
    let mut read_error = None;
    for part in parts {
        let mut parsed = part.parsed;
        shift(&mut parsed, lines_before);
        runs.push(std::mem::take(&mut parsed.events));
        joined.dropped.append(&mut parsed.dropped);
        let c = &parsed.counts;
        let j = &mut joined.counts;
        j.first_unparsed = j.first_unparsed.or(c.first_unparsed);
        j.first_unparsed_in_range = j.first_unparsed_in_range.or(c.first_unparsed_in_range);
        j.absorb(c);
        lines_before += c.lines;
        joined.yearless |= parsed.yearless;
        joined.format = joined.format.or(parsed.format);
        joined.stamped = joined.stamped.or(parsed.stamped);
        joined.reader = joined.reader.or(parsed.reader);
        joined.problem = joined.problem.or(parsed.problem);
        joined.first_unparsed_text = joined.first_unparsed_text.or(parsed.first_unparsed_text);
        match (&mut joined.requests, parsed.requests) {
            (Some(mine), Some(theirs)) => mine.absorb(&theirs),
            (mine @ None, theirs) => *mine = theirs,
            _ => {}
        }
        result.bytes += part.bytes;
        result.seen.absorb(part.seen);
        read_error = read_error.or(part.read_error);
    }
    joined.events = merge(runs);
    (joined, read_error)
}
