//! The one read path: an input read under a plan (whole, seeked to the window, in parallel
//! stretches, or followed as it grows) into the sink the run chose, every plan framing its
//! lines with the same [`LineReader`] and feeding them to a parser made the same way
//! ([`Setup::parser`]) through the same loop ([`feed`]).

use super::chunks::{self, Seen};
use super::head::{is_binary, read_head};
use super::sink::{self, Sink};
use super::tail::{Poll, Tail};
use super::{seek, Diagnostic, FileResult, Pass, Problem, Reach, Setup};
use crate::format::{FileParser, Parsed};
use crate::input::{self, Input, InputError, LineReader, Location};
use crate::time::Nanos;
use std::io::{self, Read};
use std::ops::ControlFlow;

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
    let mut parser = setup.parser(path, &mut watch, sink);
    let read = feed(&mut lines, &mut parser, sink, path, |n| {
        past.get() || matches!(reach, Reach::Head(m) if n >= m)
    });
    let read_error = head_error.or(read.err());
    // A seeked file counts whole: its prefix was counted, its tail after the window skipped.
    result.bytes = match &seek {
        Some(s) => s.len,
        None => passed_bytes + lines.bytes(),
    };
    let mut result = settle(result, parser.finish(), read_error, skipped_lines, path);
    sink.finish(&mut result, path);
    result
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
