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
use crate::input::Counted;
use crate::time::Zone;
use std::io;
use std::sync::OnceLock;
use std::time::Duration;
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
        result.write(&mut self.writer, path);
    }
}

/// A sink in front of another for a window parsed while the lines before it are counted (see
/// [`super::read`]): events are held, numbered from the window's first line, until the count
/// is in, then numbered as the file numbers them and handed on. Past [`HOLD_MAX`] held, the
/// parse waits for the count, helping with it, so that memory holds a bounded part of the
/// window however long the count takes.
pub(super) struct Numbering<'s> {
    inner: &'s mut dyn Sink,
    count: &'s OnceLock<io::Result<Counted>>,
    held: Vec<Event>,
}

/// Events a [`Numbering`] holds before it waits for the count.
const HOLD_MAX: usize = 4 * BATCH;

impl<'s> Numbering<'s> {
    pub(super) fn new(inner: &'s mut dyn Sink, count: &'s OnceLock<io::Result<Counted>>) -> Self {
        Numbering {
            inner,
            count,
            held: Vec::new(),
        }
    }

    /// Hands the held events on, numbered as the file numbers them, once the count is in; a
    /// count that failed leaves them unnumbered, and the read skips the input.
    fn hand_on(&mut self, path: &str) {
        match self.count.get() {
            Some(Ok(before)) => {
                for e in &mut self.held {
                    e.source.line += before.lines;
                }
                self.inner.take(self.held.drain(..), path);
            }
            Some(Err(_)) => self.held.clear(),
            None => {}
        }
    }
}

impl Sink for Numbering<'_> {
    fn keep(&self) -> Keep {
        self.inner.keep()
    }

    fn take(&mut self, events: Drain<'_, Event>, path: &str) {
        self.held.extend(events);
        if self.held.len() >= HOLD_MAX {
            while self.count.get().is_none() {
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    std::thread::sleep(WAIT);
                }
            }
        }
        self.hand_on(path);
    }

    /// Called once the count is in: what is still held goes before the parse's last events.
    fn finish(&mut self, result: &mut FileResult, path: &str) {
        self.hand_on(path);
        self.inner.finish(result, path);
    }
}

/// How long a parse waiting for a count sleeps when there is no work to help with.
const WAIT: Duration = Duration::from_micros(50);

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

    /// A window parsed while the lines before it are counted: nothing reaches the sink before
    /// the count, everything after it numbered as the file numbers it, in the order read.
    #[test]
    fn numbering_holds_events_until_the_count_then_shifts_them() {
        let mut keeper = Keeper::new(Keep::All);
        let count = OnceLock::new();
        let mut numbering = Numbering::new(&mut keeper, &count);
        numbering.take(vec![event(1, 10), event(2, 20)].drain(..), "app.log");
        assert_eq!(numbering.held.len(), 2, "held until the count is in");
        let _ = count.set(Ok(Counted {
            lines: 100,
            indexed: false,
        }));
        numbering.take(vec![event(3, 30)].drain(..), "app.log");
        assert!(numbering.held.is_empty(), "handed on once it is in");
        let mut result = FileResult::nothing_yet(String::new());
        // The parse's last events, which the read numbers itself once the count is in.
        result.events = vec![event(104, 40)];
        numbering.finish(&mut result, "app.log");
        assert_eq!(lines(&result.events), [101, 102, 103, 104]);
    }

    /// A count that failed numbers nothing: the events reach no sink and are not kept.
    #[test]
    fn numbering_drops_what_a_failed_count_cannot_number() {
        let mut keeper = Keeper::new(Keep::All);
        let count = OnceLock::new();
        let _ = count.set(Err(io::Error::other("read error")));
        let mut numbering = Numbering::new(&mut keeper, &count);
        numbering.take(vec![event(1, 10)].drain(..), "app.log");
        assert!(numbering.held.is_empty());
        assert!(keeper.held.is_empty());
    }

    /// Past the events it may hold, a parse waits for the count rather than hold the window.
    #[test]
    fn numbering_waits_for_the_count_past_what_it_may_hold() {
        let mut keeper = Keeper::new(Keep::All);
        let count = OnceLock::new();
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(20));
                let _ = count.set(Ok(Counted {
                    lines: 7,
                    indexed: false,
                }));
            });
            let mut numbering = Numbering::new(&mut keeper, &count);
            let mut many: Vec<Event> = (1..=HOLD_MAX as u64).map(|n| event(n, 0)).collect();
            numbering.take(many.drain(..), "app.log");
            assert!(
                count.get().is_some(),
                "the take returned only once the count was in"
            );
            assert!(numbering.held.is_empty());
        });
        assert_eq!(keeper.held.len(), HOLD_MAX);
        assert_eq!(keeper.held[0].source.line, 8);
    }
}
