//! The one read path: an input read under a plan (whole, seeked to the window, in parallel
//! stretches, or followed as it grows) into the sink the run chose, every plan framing its
//! lines with the same [`LineReader`] and feeding them to a parser made the same way
//! ([`Setup::parser`]) through the same loop ([`feed`]).

use super::chunks::{self, Seen};
use super::head::{is_binary, read_head};
use super::sink::{self, Numbering, Sink};
use super::tail::{Poll, Tail};
use super::{seek, Diagnostic, FileResult, Pass, Problem, Reach, Setup};
use crate::format::{FileParser, Parsed};
use crate::input::{self, Input, InputError, LineReader, Location};
use crate::time::Nanos;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::OnceLock;

/// How an input is read.
pub(super) enum Plan<'p> {
    /// Once, as far as the pass reaches: a large file wanted whole in parallel stretches,
    /// anything else in one pass, seeking to the window where the file allows.
    Once(&'p Input, &'p Pass),
    /// Followed as it grows: the lines written since the last poll (live mode).
    Followed(&'p mut Tail, Poll),
}

/// Reads an input under `plan` into `sink`.
pub(super) fn input(plan: Plan, sink: &mut dyn Sink) -> FileResult {
    let (input, pass) = match plan {
        Plan::Followed(tail, poll) => return tail.poll(poll, sink),
        Plan::Once(input, pass) => (input, pass),
    };
    if let (Reach::All, Location::File(path)) = (pass.reach, &input.location) {
        if let Some(plan) = seek::chunks(input, &pass.setup) {
            return chunks::read(input, path, &plan, pass, sink);
        }
    }
    let mut seen = Seen::default();
    let mut result = parse_input(
        input,
        &pass.setup,
        &mut |t| pass.bounds.keeps(t, &mut seen),
        pass.reach,
        sink,
    );
    result.seen = seen;
    result
}

/// Counting fewer bytes than this before a window is not worth holding its events for.
const OVERLAP_FROM: u64 = 8 << 20;

/// Reads one input in one pass into `sink`. Problems are reported, never fatal: an
/// unreadable, empty or binary input is skipped with its reason; a read error part-way (a
/// truncated gzip) keeps the lines before it.
pub(super) fn parse_input(
    input: &Input,
    setup: &Setup,
    in_range: &mut dyn FnMut(Nanos) -> bool,
    reach: Reach,
    sink: &mut dyn Sink,
) -> FileResult {
    if let Location::Table(table) = &input.location {
        return super::table::read(input, table, setup, in_range, reach, sink);
    }
    let path = &input.display;
    let seek = match reach {
        Reach::Window(lo, _) => seek::plan(input, setup, lo),
        _ => None,
    };
    let Some(seek) = seek else {
        return pass(input, setup, in_range, reach, None, sink).settle(path, sink);
    };
    // The window is parsed while another core counts the lines before it (a first run counts
    // them all): its events are numbered from the window's first line until the count is in.
    // The few bytes the line index leaves are counted first, and nothing is held.
    let count = OnceLock::new();
    let counting = seek.count(setup.index.as_deref());
    let counting = if counting.bytes() < OVERLAP_FROM {
        let _ = count.set(counting.run());
        None
    } else {
        Some(counting)
    };
    let mut numbering = Numbering::new(sink, &count);
    let mut read = rayon::in_place_scope(|s| {
        if let Some(counting) = counting {
            s.spawn(|_| {
                let _ = count.set(counting.run());
            });
        }
        pass(input, setup, in_range, reach, Some(&seek), &mut numbering)
    });
    let Some(parsed) = read.parsed.as_mut() else {
        return read.result;
    };
    let before = match count.get() {
        Some(Ok(before)) => *before,
        Some(Err(e)) => return skip(read.result, path, "cannot read", input::reason(e)),
        None => {
            let why = "the lines before the window were not counted".to_string();
            return skip(read.result, path, "cannot read", why);
        }
    };
    chunks::shift(parsed, before.lines);
    read.skipped_lines = before.lines;
    if before.lines > 0 {
        let numbered = if before.indexed {
            ", numbered from the line index"
        } else {
            ""
        };
        read.result.reading = format!("seeked past {} lines to the window{numbered}", before.lines);
    }
    read.settle(path, &mut numbering)
}

/// An input's lines read, before the result is settled.
struct Parse {
    result: FileResult,
    /// `None` when the input was skipped: the result says why.
    parsed: Option<Parsed>,
    read_error: Option<io::Error>,
    /// The lines before the first one read.
    skipped_lines: u64,
}

impl Parse {
    fn skipped(result: FileResult) -> Parse {
        Parse {
            result,
            parsed: None,
            read_error: None,
            skipped_lines: 0,
        }
    }

    fn settle(self, path: &str, sink: &mut dyn Sink) -> FileResult {
        let Some(parsed) = self.parsed else {
            return self.result;
        };
        let mut result = settle(
            self.result,
            parsed,
            self.read_error,
            self.skipped_lines,
            path,
        );
        sink.finish(&mut result, path);
        result
    }
}

/// A result that skips the input shown as `path`, saying what it is and why.
fn skip(mut result: FileResult, path: &str, what: &str, why: String) -> FileResult {
    result.warning = Some(Diagnostic::at(
        path,
        None,
        Problem::Skipped {
            what: what.to_string(),
            why,
        },
    ));
    result.skipped = Some(what.to_string());
    result
}

/// Reads the input from its start, or from the window where `seek` says, its lines numbered
/// from 1 there, into `sink`.
fn pass(
    input: &Input,
    setup: &Setup,
    in_range: &mut dyn FnMut(Nanos) -> bool,
    reach: Reach,
    seek: Option<&seek::Seek>,
    sink: &mut dyn Sink,
) -> Parse {
    let path = &input.display;
    let mut result = FileResult::nothing_yet("read from the start".to_string());
    let opened = match seek.map_or_else(|| input::open(&input.location, path), |s| s.open(path)) {
        Ok(o) => o,
        Err(InputError::Io { source, .. }) => {
            return Parse::skipped(skip(result, path, "cannot read", input::reason(&source)))
        }
        Err(e) => return Parse::skipped(skip(result, path, "cannot read", e.to_string())),
    };
    result.compressed = opened.compression.is_some();
    let mut reader = opened.reader;
    let (mut head, mut head_error) = read_head(&mut reader);
    if head.is_empty() {
        return Parse::skipped(match head_error {
            Some(e) if opened.compression.is_some() => {
                skip(result, path, "corrupt compressed file", e.to_string())
            }
            Some(e) => skip(result, path, "cannot read", input::reason(&e)),
            // Seeking found the window there: the file was cut short since.
            None if seek.is_some() => skip(
                result,
                path,
                "truncated while read",
                "it ended before the window it held when the run began".into(),
            ),
            None => skip(result, path, "empty file", "nothing to read".into()),
        });
    }
    if is_binary(&head) {
        return Parse::skipped(skip(
            result,
            path,
            "binary file",
            "its first bytes are not text (control bytes or invalid UTF-8), so it is not a text log".into(),
        ));
    }
    let mut skipped_lines = 0;
    let mut passed_bytes = 0;
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
    let stop_after = match (reach, seek) {
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
    let mut parser = setup.parser(path, &mut watch, sink);
    let read = feed(&mut lines, &mut parser, sink, path, |n| {
        past.get() || matches!(reach, Reach::Head(m) if n >= m)
    });
    let read_error = head_error.or(read.err());
    // A seeked file counts whole: its prefix was counted, its tail after the window skipped.
    result.bytes = match seek {
        Some(s) => s.size(),
        None => passed_bytes + lines.bytes(),
    };
    Parse {
        result,
        parsed: Some(parser.finish()),
        read_error,
        skipped_lines,
    }
}

/// Feeds the lines `lines` frames to `parser` until `stop` says so after one (given its
/// number), handing `sink` the events no later line can change a batch at a time, so that a
/// stream never holds a whole input's events.
pub(super) fn feed<R: Read>(
    lines: &mut LineReader<R>,
    parser: &mut FileParser,
    sink: &mut dyn Sink,
    path: &str,
    stop: impl Fn(u64) -> bool,
) -> io::Result<()> {
    lines.each(|n, line| {
        parser.feed(n, line);
        if sink::due(parser.events.len()) {
            sink.take(parser.settled(), path);
        }
        match stop(n) {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        }
    })
}

/// A file's result from what its parse gave: counts, events, and the one warning it deserves.
pub(super) fn settle(
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
    result.reader = parsed.reader;
    result.yearless = parsed.yearless;
    result.events = parsed.events;
    result.requests = parsed.requests;
    result.service = parsed.service;
    result.series = parsed.series;
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
