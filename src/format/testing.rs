//! Parsing lines in tests, as a file's parse does.

use super::{Cx, Event, FileCounts, FileParser, Format, Keep, Parsed, YearAnchor};
use crate::classify::Classifier;
use crate::event::Kind;
use crate::input::Line;
use crate::time::{Nanos, Zone};
use std::sync::Arc;

/// Parses `lines` as one file named `path`, keeping everything; the events and counts.
pub fn parse_all(path: &str, lines: &[&str]) -> (Vec<Event>, FileCounts, Option<Format>) {
    let parsed = parse_keeping(path, lines, Keep::All);
    (parsed.events, parsed.counts, parsed.format)
}

/// The status and duration of each request in `text`, read as one file named `path`.
pub fn requests(path: &str, text: &str) -> Vec<(u16, Option<Nanos>)> {
    let lines: Vec<&str> = text.lines().collect();
    let (events, ..) = parse_all(path, &lines);
    events
        .iter()
        .filter_map(|e| match e.kind {
            Kind::Http { status, duration } => Some((status, duration)),
            _ => None,
        })
        .collect()
}

/// Parses `lines` as one file named `path`, keeping what `keep` asks for.
pub fn parse_keeping(path: &str, lines: &[&str], keep: Keep) -> Parsed {
    parse_as(path, None, lines, keep)
}

/// Parses `lines` as one file named `path` in `format` (detected when `None`).
pub fn parse_as(path: &str, format: Option<Format>, lines: &[&str], keep: Keep) -> Parsed {
    parse_with(path, format, lines, keep, |_| {})
}

/// [`parse_as`], handing the parser to `after` after every line.
pub fn parse_with(
    path: &str,
    format: Option<Format>,
    lines: &[&str],
    keep: Keep,
    mut after: impl FnMut(&mut FileParser),
) -> Parsed {
    let mut window = |_: Nanos| true;
    let anchor = YearAnchor::Near(1_697_032_800_000_000_000);
    let cx = Cx::new(
        Zone::utc(),
        anchor,
        Arc::from(path),
        &mut window,
        &Classifier,
    );
    let mut parser = FileParser::new(cx).keeping(keep);
    if let Some(format) = format {
        parser = parser.with_format(format);
    }
    for (i, l) in lines.iter().enumerate() {
        parser.feed(i as u64 + 1, Line::Bytes(l.as_bytes()));
        after(&mut parser);
    }
    parser.finish()
}

pub fn utc(t: Nanos) -> String {
    Zone::utc().rfc3339(t)
}
