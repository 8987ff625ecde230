//! Where a read puts what its parser gives, as ripgrep's `Searcher` hands its matches to a
//! `Sink`: the reading (framing, seeking, parsing) is the same for every run, and the sink the
//! run chose decides what the parser builds of the lines in range ([`Sink::keep`]) and what
//! becomes of the events: held for a draft ([`Keeper`]), or written as event-stream lines as
//! they settle and dropped ([`Stream`]).
//!
//! The sink is handed events a batch at a time, never asked per line: a line's path through
//! the parser reads the sink's choice as data ([`Keep`]).

use super::stream::Writer;
use super::{FileResult, Render};
use crate::event::Event;
use crate::format::Keep;
use crate::time::Zone;
use std::vec::Drain;

/// Events a parse holds before it hands over those that have settled: enough that parsing
/// and writing each run long, few enough that the list stays small and warm.
const BATCH: usize = 2048;

pub(super) trait Sink {
    /// What the parser builds of the lines in range, asked once where the parser is made.
    fn keep(&self) -> Keep;

    /// Events no later line can change, in the order the input gave them; handed over
    /// whenever [`BATCH`] are waiting.
    fn take(&mut self, events: Drain<'_, Event>, path: &str);

    /// The read of the input shown as `path` is over, and `result` holds the events its
    /// parse gave at the end, in time order: the sink puts there what it made of them all.
    fn finish(&mut self, result: &mut FileResult, path: &str);
}

/// Whether a parse holding `waiting` events hands the settled ones over now.
pub(super) fn due(waiting: usize) -> bool {
    waiting >= BATCH
}

/// Holds the events for the run to use: a draft's (what drafts use, see [`Keep::Notable`] and
/// [`Keep::NotableAndRequests`]), or every event where no stream is written.
pub(super) struct Keeper {
    keep: Keep,
    /// Events handed over before the end, in the order read.
    held: Vec<Event>,
}

impl Keeper {
    pub(super) fn new(keep: Keep) -> Keeper {
        Keeper {
            keep,
            held: Vec::new(),
        }
    }

    /// Every event: those held, then the parse's last ones (`rest`), in time order by a
    /// stable sort, so that equal times keep the order read as the parse's own sort does.
    pub(super) fn events(&mut self, rest: Vec<Event>) -> Vec<Event> {
        if self.held.is_empty() {
            return rest;
        }
        let mut events = std::mem::take(&mut self.held);
        events.extend(rest);
        if !events.is_sorted_by_key(|e| e.time) {
            events.sort_by_key(|e| e.time);
        }
        events
    }
}

impl Sink for Keeper {
    fn keep(&self) -> Keep {
        self.keep.clone()
    }

    fn take(&mut self, events: Drain<'_, Event>, _: &str) {
        self.held.extend(events);
    }

    fn finish(&mut self, result: &mut FileResult, _: &str) {
        result.events = self.events(std::mem::take(&mut result.events));
    }
}

/// Writes the events as event-stream lines as they settle, and drops them: the run holds the
/// window's text, not its events.
pub(super) struct Stream<'z> {
    keep: Keep,
    writer: Writer<'z>,
}

impl<'z> Stream<'z> {
    /// Lines written by `render` in `zone`, of events built as `keep` says (with or without
    /// the fields the output does not print).
    pub(super) fn new(render: Render, zone: &'z Zone, keep: Keep) -> Stream<'z> {
        Stream {
            keep,
            writer: Writer::new(render, zone),
        }
    }
}

impl Sink for Stream<'_> {
    fn keep(&self) -> Keep {
        self.keep.clone()
    }

    fn take(&mut self, events: Drain<'_, Event>, path: &str) {
        for e in events {
            self.writer.write(&e, path);
        }
    }

    fn finish(&mut self, result: &mut FileResult, path: &str) {
        self.take(result.events.drain(..), path);
        result.written(&mut self.writer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Fields, Kind, SourceRef};
    use std::sync::Arc;

    fn event(line: u64, time: i64) -> Event {
        Event {
            time,
            kind: Kind::Log,
            level: None,
            service: None,
            message: format!("line {line}"),
            fields: Fields::new(),
            source: SourceRef {
                path: Arc::from("app.log"),
                line,
            },
        }
    }

    fn lines(events: &[Event]) -> Vec<u64> {
        events.iter().map(|e| e.source.line).collect()
    }

    /// Events handed over before the end go before the parse's last ones, and all in time
    /// order, equal times in the order read: as if the parse had held them all.
    #[test]
    fn a_keeper_gives_what_it_held_and_the_rest_in_time_order() {
        let mut keeper = Keeper::new(Keep::All);
        let mut settled = vec![event(1, 10), event(2, 30), event(3, 20)];
        keeper.take(settled.drain(..), "app.log");
        let rest = vec![event(4, 20), event(5, 5)];
        assert_eq!(lines(&keeper.events(rest)), [5, 1, 3, 4, 2]);
        // Nothing held: the parse's events as they are.
        assert_eq!(lines(&keeper.events(vec![event(6, 9)])), [6]);
    }
}
