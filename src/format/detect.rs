//! Which format a file is in, from a sample of its first lines.

use super::{defined, directive, document, metrics, text, Cx, Format, LevelPlace, ALL};
use crate::time::locate;
use crate::time::lock::{Declared, Lock};
use std::sync::Arc;

/// The format that reads most of a sample, whether the sample opens a whole JSON document, and
/// the first line the format read (see [`Parsed::stamped`]).
pub(super) fn detect(cx: &Cx, sample: &[&[u8]]) -> (Format, bool, Option<Arc<str>>) {
    let mut probe = cx.probe(|_| false);
    let mut scratch = Vec::new();
    let lines: Vec<String> = sample
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    if let Some(named) = cx.named_format() {
        return (named, false, None);
    }
    let mut best = (0usize, Format::Text(LevelPlace::Anywhere));
    // A site's formats without `files` are tried after the built-in families: one wins only
    // by reading more of the sample, so a loose pattern cannot take over files it was not for.
    // The tool's own definitions come last and win ties too: each says one program's layout
    // whole, where a family takes what fits it (syslog takes a csvlog line for a host and a
    // tag).
    let site = cx.config.formats.len();
    let sites = (0..site)
        .filter(|&i| !cx.config.formats[i].named_files())
        .filter_map(|i| u8::try_from(i).ok().map(Format::Custom));
    // Whether the text reader read only times of day, dated by the lines or the name around.
    let mut text_time_only = false;
    // Which lines the best format read.
    let mut best_read = vec![false; lines.len()];
    let defined = defined(&cx.config, lines.iter().map(String::as_str));
    for format in ALL.into_iter().chain(sites).chain(defined) {
        probe.dates.time_only = false;
        let read: Vec<bool> = lines
            .iter()
            .map(|l| format.parse(l, &mut probe, &mut scratch))
            .collect();
        let score = read.iter().filter(|r| **r).count();
        if matches!(format, Format::Text(_)) {
            text_time_only = probe.dates.time_only;
        }
        let built_in = matches!(format, Format::Custom(i) if usize::from(i) >= site);
        if score > best.0 || (built_in && score == best.0 && score > 0) {
            best = (score, format);
            best_read = read;
        }
    }
    let non_blank: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
    // Where no hand-written reader takes most lines, the file's lock may: tried last, and
    // taken when it reads more of the sample than every format before it, or as much as the
    // text reader did with only a time of day where the lock reads a date (`E231011 14:00:01`,
    // `11/10/2023 14:00:01`: the text reader takes the clock after the first token).
    // A lock can read more only where a line the best format leaves has a stamp of some
    // layout (a stack trace has none), or where the text reader read only clocks, or a header
    // declares the layout: other samples, most files, are spared the table's cost.
    let clocks_only = matches!(best.1, Format::Text(_)) && text_time_only;
    let raw: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
    let worth_a_lock = clocks_only
        || Lock::from_fields_header(&raw).is_some()
        || lines
            .iter()
            .zip(&best_read)
            .any(|(l, read)| !read && !l.trim().is_empty() && locate::best(l.as_bytes()).is_some());
    if let Some((lock, _)) = worth_a_lock.then(|| Lock::settle(&raw)).flatten() {
        let located = Format::Located(lock);
        let score = lines
            .iter()
            .filter(|l| {
                !directive(&mut probe, &lock, l) && located.parse(l, &mut probe, &mut scratch)
            })
            .count();
        let dates_more = matches!(best.1, Format::Text(_)) && text_time_only && lock.dated();
        // A header that declares the layout decides, where the lock reads most lines that are
        // not its directives.
        let data = lines
            .iter()
            .filter(|l| !l.trim().is_empty() && !lock.directive(l.as_bytes()))
            .count();
        let declared = lock.declared != Declared::No && score > 0 && score * 2 >= data;
        if declared || score > best.0 || (score == best.0 && score > 0 && dates_more) {
            best = (score, located);
        }
    }
    if matches!(best.1, Format::Text(_)) {
        best.1 = Format::Text(text::level_place(&lines, &mut probe));
    }
    let csv = matches!(non_blank.as_slice(), [header, row, ..] if metrics::is_csv(header, row));
    // A bracket alone on the first line opens a document whatever the lines after it look like
    // (a data frame's epoch milliseconds, one a line, read as times).
    let bracket = non_blank
        .first()
        .is_some_and(|l| matches!(l.trim(), "[" | "{"));
    let document = csv
        || bracket
        || non_blank.first().is_some_and(|l| document::looks_like(l))
            && best.0 * 2 < non_blank.len();
    if document {
        return (Format::Json, true, None);
    }
    // Where `-v` names the layout the hand-written readers do not: named only when asked, as
    // the locator's table is compiled on first use.
    let stamped = lines
        .iter()
        .zip(&best_read)
        .find(|(_, read)| **read)
        .map(|(line, _)| Arc::from(line.as_str()));
    (best.1, false, stamped)
}

/// The layout of the time in a line, as the locator reads it: in the line's head, else at the
/// first JSON value further on that is a stamp (`"lastTimestamp":"2025-…"` past the head of a
/// Kubernetes event, `"ts":1697032801.123`).
pub(super) fn layout_of(line: &[u8]) -> Option<usize> {
    if let Some(found) = locate::best(line) {
        return Some(found.layout);
    }
    memchr::memmem::find_iter(line, b"\":")
        .map(|at| at + 2 + usize::from(line.get(at + 2) == Some(&b'"')))
        .find_map(|value| {
            let found = locate::best(line.get(value..)?)?;
            (found.start == 0).then_some(found.layout)
        })
}
