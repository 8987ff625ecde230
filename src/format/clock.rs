//! The time of single lines, for a reader that seeks by time.

use super::{detect, strip_ansi, Cx, Format};
use crate::event::Event;
use std::sync::Arc;

/// Reads the time of single lines in a file's format, so that a reader can seek by time. The
/// time reaches the caller through the context's window closure, which sees every event's time.
pub struct Clock<'a> {
    pub(super) cx: Cx<'a>,
    pub(super) format: Format,
    pub(super) stamped: Option<Arc<str>>,
    pub(super) scratch: Vec<Event>,
}

impl<'a> Clock<'a> {
    /// `None` when single lines cannot be placed on their own: no format reads the sample, the
    /// file is a JSON document, or its lines carry only a time of day (dated by the lines
    /// before them).
    pub fn new(cx: Cx<'a>, sample: &[&[u8]]) -> Option<Clock<'a>> {
        let (format, document, stamped) = detect(&cx, sample);
        let mut clock = Clock {
            cx,
            format,
            stamped,
            scratch: Vec::new(),
        };
        let read = sample.iter().filter(|l| clock.feed(l)).count();
        (!document && read > 0 && !clock.cx.dates.time_only).then_some(clock)
    }

    /// The format detected from the sample.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The first line of the sample the format read (see [`Parsed::stamped`](super::Parsed::stamped)).
    pub fn stamped(&self) -> Option<Arc<str>> {
        self.stamped.clone()
    }

    /// Parses one line (its events are discarded); whether any format read it.
    pub fn feed(&mut self, line: &[u8]) -> bool {
        let text = String::from_utf8_lossy(line);
        let plain = strip_ansi(&text);
        let chosen = self.format;
        let line = plain.trim_end();
        let read = chosen.parse(line, &mut self.cx, &mut self.scratch)
            || chosen
                .fallbacks()
                .any(|f| f.parse(line, &mut self.cx, &mut self.scratch));
        self.scratch.clear();
        read
    }
}
