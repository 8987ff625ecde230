//! One input's lines turned into events: sampled, detected, then parsed with fallback and
//! continuation folding.

use super::metrics::Series;
use super::{
    capped, detect, dialects, document, is_crash, metrics, opening, readable, registry, trim_end,
    trim_start, Cx, Declaration, FileCounts, Format, Keeping, LevelPlace, MAX_MESSAGE,
};
use crate::event::{Event, Fields, Kind, Level};
use crate::input::{Line, LineReader};
use crate::time::calendar::LastDay;
use crate::time::layout::Reading;
use crate::time::locate;
use crate::time::lock::Lock;
use crate::time::stamp::Shape;
use crate::time::Nanos;
use crate::traffic::Requests;
use serde_json::Value;
use std::borrow::Cow;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::Arc;

pub(super) const SAMPLE_LINES: usize = 64;
pub(super) const SAMPLE_BYTES: usize = 256 * 1024;
/// A whole-document JSON input (an API response) larger than this is not read past it.
pub(super) const MAX_DOCUMENT: usize = 512 << 20;

/// One input's events, in time order, and how its lines were accounted for.
#[derive(Default)]
pub struct Parsed {
    pub events: Vec<Event>,
    pub counts: FileCounts,
    pub format: Option<Format>,
    /// The first line of the sample the format read, where `-v` names the time's layout.
    pub stamped: Option<Arc<str>>,
    /// The name of the reader inside the format's family that read most of the lines, where
    /// one read at least half of them: `-v` and `--stats` name the file's format by it.
    pub reader: Option<&'static str>,
    /// Whether any line's year came from the [`YearAnchor`](super::YearAnchor).
    pub yearless: bool,
    /// Why part of the input could not be read (a broken JSON document), for a warning.
    pub problem: Option<String>,
    /// The requests counted, when parsing for a draft.
    pub requests: Option<Requests>,
    /// With [`Keep::NotableAndRequests`]: each event in range that was not kept, so that each
    /// incident of a batch can count its own lines, events and requests.
    pub dropped: Vec<Dropped>,
    /// The opening of the first unparsed line, for the warning that quotes it.
    pub first_unparsed_text: Option<String>,
    /// The service the input's path names, whose requests its counts are.
    pub service: Option<String>,
    /// The metric series it held, whole.
    pub series: Vec<Series>,
}

/// An event in range that a parse counted and did not keep: its time and line, and for an
/// ordinary request its status and duration (which a batch's incidents count each in their own
/// window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropped {
    pub time: Nanos,
    pub line: u64,
    pub request: Option<(u16, Option<Nanos>)>,
}

/// Whether the last parsed line was in range, and the unparsed lines since it: an unparsed
/// line is in range when a parsed neighbour is (for `--strict`).
#[derive(Default)]
pub(super) struct Near {
    pub(super) last_in_range: Option<bool>,
    pub(super) pending: u64,
    pub(super) first_pending: Option<u64>,
}

/// Turns one input's lines into events: samples, detects, then parses with fallback and
/// continuation folding. Feed lines in order, then [`FileParser::finish`].
pub struct FileParser<'a> {
    pub(super) cx: Cx<'a>,
    pub(super) format: Option<Format>,
    /// The lines each reader inside a family read (see [`Declaration`]), and the lines read
    /// at all: the file's format is named by a reader that read at least half of them.
    pub(super) readers: Vec<(&'static Declaration, u64)>,
    pub(super) read: u64,
    /// See [`Parsed::stamped`].
    pub(super) stamped: Option<Arc<str>>,
    pub(super) sample: Vec<(u64, Vec<u8>)>,
    pub(super) sample_bytes: usize,
    /// The event a continuation line belongs to: `Some(Some(i))` kept at `out[i]`,
    /// `Some(None)` outside the window.
    pub(super) last: Option<Option<usize>>,
    /// A whole JSON document being gathered, with the line it starts on.
    pub(super) document: Option<(u64, String)>,
    /// Why part of the input could not be read, when it could not.
    pub(super) problem: Option<String>,
    /// Unparsed lines waiting for a parsed neighbour to say whether they are in range.
    pub(super) near: Near,
    pub counts: FileCounts,
    pub events: Vec<Event>,
    /// What is kept of the events: for drafts, only what they use, so that memory grows with
    /// the window's errors, not its lines.
    pub(super) keep: Keep,
    /// With [`Keep::NotableAndRequests`], each event not kept.
    pub(super) dropped: Vec<Dropped>,
    /// The opening of the first unparsed line, which a warning quotes.
    pub(super) first_unparsed_text: Option<String>,
}

/// How much of what it reads in range a parse builds and keeps, as the run's sink asks: the
/// parser knows what each choice builds, not what the run makes of the events.
#[derive(Clone, Debug)]
pub enum Keep {
    /// Every event, whole (the JSON and Timesketch event streams).
    All,
    /// Every event, without the fields the text event stream does not print.
    Lines,
    /// The notable events ([`Event::is_notable`], what a draft uses); requests are counted,
    /// starting from these counts, and dropped.
    Notable(Requests),
    /// The notable events, and every request without its fields, each other event noted as
    /// dropped: a batch's incidents count them each against their own window.
    NotableAndRequests,
}

impl<'a> FileParser<'a> {
    pub fn new(cx: Cx<'a>) -> Self {
        FileParser {
            format: cx.named_format(),
            stamped: None,
            cx,
            sample: Vec::new(),
            sample_bytes: 0,
            last: None,
            readers: Vec::new(),
            read: 0,
            document: None,
            problem: None,
            near: Near::default(),
            counts: FileCounts::default(),
            events: Vec::new(),
            keep: Keep::All,
            dropped: Vec::new(),
            first_unparsed_text: None,
        }
    }

    /// Reads every line in `format` without sampling first: for a chunk of a large file, whose
    /// format was detected from the file's head, as a whole-file read would have.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// In live mode, after a poll's lines: the events kept since the last poll, in time order,
    /// and the requests counted (counting goes on from the window's start `from`). The parser
    /// lives on between polls, so that a stack trace written across two of them stays with its
    /// event, and a time of day is dated by the line before it. The last event, which later
    /// lines may still continue, is given again by the next poll, grown or not. A sample too
    /// short to have chosen the format chooses it now, as the end of a read would.
    pub fn poll(&mut self, from: Option<Nanos>) -> (Vec<Event>, Option<Requests>) {
        if self.format.is_none() && !self.sample.is_empty() {
            self.decide();
        }
        let mut events = std::mem::take(&mut self.events);
        if let Some(Some(i)) = self.last {
            if let Some(open) = events.get(i) {
                self.events.push(open.clone());
                self.last = Some(Some(0));
            }
        }
        if !events.is_sorted_by_key(|e| e.time) {
            events.sort_by_key(|e| e.time);
        }
        let requests = self.cx.keeping.requests.as_mut().map(|r| r.take(from));
        (events, requests)
    }

    /// The event that later lines may still continue, where there is one.
    pub fn open(&self) -> Option<&Event> {
        match self.last {
            Some(Some(i)) => self.events.get(i),
            _ => None,
        }
    }

    /// The format the lines are read in, once chosen.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// Gives the line of the file's head its format read first (for a chunk's
    /// [`Parsed::stamped`]).
    pub fn with_stamped(mut self, stamped: Option<Arc<str>>) -> Self {
        self.stamped = stamped;
        self
    }

    /// Keeps what `keep` asks for of the events in range (all are counted either way).
    pub fn keeping(mut self, keep: Keep) -> Self {
        self.cx.keeping = Keeping::of(keep.clone());
        self.keep = keep;
        self
    }

    /// Takes the events kept that no later line can change: all but the last, which a
    /// continuation line may still extend or a crash line date. A stream writes them as it
    /// reads, so that a window's events are never held all at once.
    pub fn settled(&mut self) -> std::vec::Drain<'_, Event> {
        let open = match self.last {
            Some(Some(last)) => {
                self.last = Some(Some(0));
                last
            }
            _ => self.events.len(),
        };
        self.events.drain(..open)
    }

    /// How many events the last parse only counted; a batch notes each as dropped.
    pub(super) fn take_counted(&mut self) -> usize {
        let counted = self.cx.keeping.counted.len();
        if matches!(self.keep, Keep::NotableAndRequests) {
            self.dropped.append(&mut self.cx.keeping.counted);
        } else {
            self.cx.keeping.counted.clear();
        }
        counted
    }

    /// Gives the events from `start` their service's canonical name ([`identity`]), keeping
    /// the name the line used as the field `service_original`.
    fn name_services(&mut self, start: usize) {
        for e in &mut self.events[start..] {
            let Some(name) = e.service.as_deref() else {
                continue;
            };
            // Most events carry the file's service, already canonical.
            if self.cx.service.as_deref() == Some(name) {
                continue;
            }
            if let Some(canonical) = self.cx.classes.canonical(name, &self.cx.config) {
                let original = e.service.replace(canonical).unwrap_or_default();
                e.fields.insert("service_original", Value::String(original));
            }
        }
    }

    pub(super) fn slim_from(&mut self, start: usize) {
        // A draft's lines are mostly only counted, and leave nothing to slim.
        if self.events.len() == start {
            return;
        }
        let keep_requests = match &mut self.keep {
            Keep::All | Keep::Lines => return,
            Keep::Notable(_) => {
                if let Some(requests) = &mut self.cx.keeping.requests {
                    for e in &self.events[start..] {
                        requests.add(e);
                    }
                }
                false
            }
            Keep::NotableAndRequests => true,
        };
        let dropped = &mut self.dropped;
        let mut slim = |e: &mut Event| {
            let kept =
                e.slim_to_notable() || (keep_requests && matches!(e.kind, Kind::Http { .. }));
            if !kept && keep_requests {
                dropped.push(Dropped {
                    time: e.time,
                    line: e.source.line,
                    request: None,
                });
            }
            kept
        };
        // Most lines are one event: no allocation for them.
        if self.events.len() == start + 1 {
            if !slim(&mut self.events[start]) {
                self.events.pop();
            }
            return;
        }
        let fresh = self.events.split_off(start);
        self.events.extend(
            fresh
                .into_iter()
                .filter_map(|mut e| slim(&mut e).then_some(e)),
        );
    }

    /// Takes every line `lines` frames, to the end of the stream or its first read error.
    pub fn read_all<R: Read>(&mut self, lines: &mut LineReader<R>) -> io::Result<()> {
        lines.each(|n, line| {
            self.feed(n, line);
            ControlFlow::Continue(())
        })
    }

    /// Takes the next line (1-based number, without its newline).
    pub fn feed(&mut self, line_no: u64, line: Line<'_>) {
        if let Some((_, doc)) = &mut self.document {
            self.counts.lines += 1;
            if doc.len() + line.bytes().len() > MAX_DOCUMENT {
                self.counts.too_large += 1;
                self.counts.unparsed_in_range += 1;
                self.counts.first_unparsed.get_or_insert(line_no);
                self.counts.first_unparsed_in_range.get_or_insert(line_no);
                self.problem.get_or_insert_with(|| {
                    format!("JSON document larger than {} MiB", MAX_DOCUMENT >> 20)
                });
                return;
            }
            if line.bytes().trim_ascii().is_empty() {
                self.counts.blank += 1;
            }
            match line {
                Line::Text(text) => doc.push_str(text),
                Line::Bytes(raw) => doc.push_str(&String::from_utf8_lossy(raw)),
            }
            doc.push('\n');
            return;
        }
        if self.format.is_some() {
            self.parse_line(line_no, line);
            return;
        }
        self.sample_bytes += line.bytes().len();
        self.sample.push((line_no, line.bytes().to_vec()));
        let non_blank = self
            .sample
            .iter()
            .filter(|(_, l)| !l.trim_ascii().is_empty())
            .count();
        if non_blank >= SAMPLE_LINES || self.sample_bytes >= SAMPLE_BYTES {
            self.decide();
        }
    }

    pub fn finish(mut self) -> Parsed {
        if self.format.is_none() {
            self.decide();
        }
        if let Some((first, doc)) = self.document.take() {
            let before = self.events.len();
            let lines_before = self.counts.lines;
            // A metrics CSV is read whole too: its series' breaches are its events.
            if let Some(series) = metrics::csv(&doc, first, &self.cx, &mut self.counts) {
                // Cited at the header, which names the series.
                self.cx.line = first;
                metrics::events(&series, &mut self.cx, &mut self.events);
                self.counts.events += (self.events.len() - before) as u64;
                self.tally(
                    Some(&registry::METRICS_CSV),
                    self.counts.lines - lines_before,
                );
            } else {
                let broken = document::parse(
                    &doc,
                    first,
                    &mut self.cx,
                    &mut self.events,
                    &mut self.counts,
                );
                if let Some(at) = broken {
                    self.problem
                        .get_or_insert_with(|| format!("invalid JSON at line {at}"));
                }
                self.take_counted();
                self.slim_from(before);
                // A document is its items' format: its lines are counted as read by their
                // reader.
                let reader = self.cx.reader.take();
                self.tally(reader, (self.counts.lines - lines_before).max(1));
            }
        }
        // Unparsed lines in a file with no parsed line at all: nothing says they are out of range.
        if self.near.last_in_range.is_none() {
            self.settle_near();
        }
        let mut events = self.events;
        // Alert payloads and late writers put events out of order; a stable sort keeps file
        // order among equal times.
        if !events.is_sorted_by_key(|e| e.time) {
            events.sort_by_key(|e| e.time);
        }
        // A file the text reader read is named by the program its first line shows.
        let text = matches!(self.format, Some(Format::Text(_) | Format::Located(_)));
        let dialect = self
            .stamped
            .as_deref()
            .filter(|_| text)
            .and_then(dialects::name_of);
        Parsed {
            events,
            counts: self.counts,
            format: self.format,
            yearless: self.cx.dates.yearless.get(),
            problem: self.problem,
            requests: self.cx.keeping.requests,
            service: self.cx.service,
            series: self.cx.series,
            dropped: self.dropped,
            first_unparsed_text: self.first_unparsed_text,
            stamped: self.stamped,
            reader: self
                .readers
                .iter()
                .max_by_key(|(_, lines)| *lines)
                .filter(|(_, lines)| lines * 2 >= self.read)
                .map(|(declared, _)| declared.name)
                .or(dialect),
        }
    }

    /// Counts `lines` read, and for the reader that read them, if one inside a family did.
    fn tally(&mut self, reader: Option<&'static Declaration>, lines: u64) {
        self.read += lines;
        let Some(declared) = reader else {
            return;
        };
        match self
            .readers
            .iter_mut()
            .find(|(d, _)| std::ptr::eq(*d, declared))
        {
            Some((_, n)) => *n += lines,
            None => self.readers.push((declared, lines)),
        }
    }

    pub(super) fn decide(&mut self) {
        let lines: Vec<&[u8]> = self.sample.iter().map(|(_, l)| l.as_slice()).collect();
        let (format, document, stamped) = detect(&self.cx, &lines);
        self.format = Some(format);
        self.stamped = stamped;
        if document {
            let first = self
                .sample
                .iter()
                .find(|(_, l)| !l.trim_ascii().is_empty())
                .map_or(1, |(n, _)| *n);
            self.document = Some((first, String::new()));
        }
        for (n, line) in std::mem::take(&mut self.sample) {
            if self.document.is_some() {
                self.feed(n, Line::Bytes(&line));
            } else {
                self.parse_line(n, Line::Bytes(&line));
            }
        }
    }

    pub(super) fn parse_line(&mut self, line_no: u64, line: Line<'_>) {
        self.counts.lines += 1;
        let text = match line {
            Line::Text(text) => Cow::Borrowed(text),
            Line::Bytes(raw) => readable(raw),
        };
        let line = trim_end(&text);
        self.cx.line = line_no;
        let chosen = self.format.unwrap_or(Format::Text(LevelPlace::Anywhere));
        if trim_start(line).is_empty()
            || matches!(chosen, Format::Located(lock) if self.directive(lock, line))
        {
            self.counts.blank += 1;
            return;
        }
        let before = self.events.len();
        let undatable = self.cx.dates.undatable;
        let recognised = chosen.parse(line, &mut self.cx, &mut self.events)
            || chosen
                .fallbacks()
                .any(|f| f.parse(line, &mut self.cx, &mut self.events));
        // Taken whatever the line gave: a reader that turned the line down names no later one.
        let reader = self.cx.reader.take();
        if recognised {
            self.tally(reader, 1);
            let kept = self.events.len() - before + self.take_counted();
            self.counts.events += kept as u64;
            self.name_services(before);
            self.slim_from(before);
            self.parsed_line(kept > 0);
            if kept == 0 {
                self.last = Some(None);
            } else if self.events.len() == before {
                // Read and counted, but not kept: its continuation lines go with it.
                self.last = Some(None);
            } else {
                self.last = Some(Some(self.events.len() - 1));
            }
            return;
        }
        if self.cx.dates.undatable > undatable {
            self.counts.undatable += 1;
            self.unparsed_line(line_no, line);
            return;
        }
        match self.last {
            Some(Some(i)) if chosen.continues() && is_crash(line) => {
                // A runtime crash has no time of its own: it is dated by the line before it.
                let before = &self.events[i];
                let (time, service) = (before.time, before.service.clone());
                let event = self.cx.event(
                    time,
                    Some(Level::Error),
                    service,
                    line.to_string(),
                    Fields::new(),
                );
                self.events.push(event);
                self.counts.events += 1;
                self.parsed_line(true);
                self.last = Some(Some(self.events.len() - 1));
            }
            Some(target) if chosen.continues() => {
                self.counts.continuations += 1;
                if let Some(event) = target.and_then(|i| self.events.get_mut(i)) {
                    if event.message.len() < MAX_MESSAGE {
                        event.message.push('\n');
                        event.message.push_str(line);
                        event.message = capped(std::mem::take(&mut event.message));
                    }
                }
            }
            _ => {
                self.counts.unrecognised += 1;
                self.unparsed_line(line_no, line);
            }
        }
    }

    /// Whether `line` is a directive of a W3C extended log's header, which is counted with the
    /// blank lines: it says how the log is written and is no line of it. `#Date:` dates the
    /// times of day after it.
    #[cold]
    #[inline(never)]
    pub(super) fn directive(&mut self, lock: Lock, line: &str) -> bool {
        directive(&mut self.cx, &lock, line)
    }

    /// Counts a line that gave events, in range or not.
    pub(super) fn parsed_line(&mut self, in_range: bool) {
        if in_range {
            self.counts.parsed += 1;
            self.settle_near();
        } else {
            self.counts.outside += 1;
        }
        self.near = Near {
            last_in_range: Some(in_range),
            ..Near::default()
        };
    }

    /// Notes an unparsed line (its reason already counted).
    pub(super) fn unparsed_line(&mut self, line_no: u64, line: &str) {
        if self.counts.first_unparsed.is_none() {
            self.first_unparsed_text = Some(opening(line));
        }
        self.counts.first_unparsed.get_or_insert(line_no);
        self.near.pending += 1;
        self.near.first_pending.get_or_insert(line_no);
        if self.near.last_in_range == Some(true) {
            self.settle_near();
        }
    }

    /// The unparsed lines pending are in range.
    pub(super) fn settle_near(&mut self) {
        let c = &mut self.counts;
        c.unparsed_in_range += self.near.pending;
        if let Some(first) = self.near.first_pending {
            c.first_unparsed_in_range.get_or_insert(first);
        }
        self.near.pending = 0;
        self.near.first_pending = None;
    }
}

/// Whether `line` is a directive of the header that declared `lock` (see
/// [`Lock::directive`]); a W3C `#Date:` dates the times of day after it.
pub(super) fn directive(cx: &mut Cx, lock: &Lock, line: &str) -> bool {
    if !lock.directive(line.as_bytes()) {
        return false;
    }
    if let Some(Reading::Stamp(stamp, Shape::Dated)) = line
        .strip_prefix("#Date:")
        .and_then(|date| locate::best(date.as_bytes()))
        .map(|found| found.reading)
    {
        // Taken as written, in GMT as the log's times are, whatever --tz says.
        if let Some(day) = LastDay::as_written(&stamp) {
            cx.dates.day = Some(day);
        }
    }
    true
}
