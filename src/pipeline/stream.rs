//! An input's events written as event-stream lines ([`Options::render`](super::Options)): as
//! the input is read, so that memory holds the text of the window's lines and not their
//! events too (holding each input's events until its end raised the peak and was no faster).

use super::{Diagnostic, Problem, Render};
use crate::correlate::Timed;
use crate::event::Event;
use crate::time::{Nanos, StreamClock, Zone};

/// An input's text is kept in blocks, each written once and never moved: the text grows by
/// new blocks rather than by copying itself into ever larger ones, whose fresh pages cost more
/// than the copy. The first block is small and each next one twice the last, up to the
/// largest: an input with a few lines in the window does not take (and fault in) a large one.
const FIRST_BLOCK: usize = 64 << 10;
const BLOCK: usize = 1 << 20;
/// A block with less room than this left is full: most lines fit in what remains, and one
/// that does not grows its block (once) rather than failing.
const ROOM: usize = 16 << 10;

/// One event written as a stream line: where it lies in its input's text, and its time.
#[derive(Clone, Copy)]
pub struct Line {
    pub time: Nanos,
    block: usize,
    start: usize,
    end: usize,
}

/// An input's stream lines' text.
#[derive(Default)]
pub struct Text(Vec<Vec<u8>>);

impl Text {
    pub fn line(&self, line: &Line) -> &[u8] {
        &self.0[line.block][line.start..line.end]
    }
}

impl Timed for Line {
    fn time(&self) -> Nanos {
        self.time
    }
}

/// An input's text so far and where each line lies in it, in the order written.
pub struct Writer<'z> {
    render: Render,
    clock: StreamClock<'z>,
    text: Text,
    lines: Vec<Line>,
    /// Why an event could not be written: the rest of the input is not.
    broken: Option<Diagnostic>,
}

impl<'z> Writer<'z> {
    pub fn new(render: Render, zone: &'z Zone) -> Writer<'z> {
        Writer {
            render,
            clock: StreamClock::new(zone),
            text: Text::default(),
            lines: Vec::new(),
            broken: None,
        }
    }

    /// Writes one event of the input at `path`. An event that cannot be written ends the
    /// input's part of the stream, with a warning.
    pub fn write(&mut self, e: &Event, path: &str) {
        if self.broken.is_some() {
            return;
        }
        let blocks = &mut self.text.0;
        if blocks.last().is_none_or(|b| b.capacity() - b.len() < ROOM) {
            let size = blocks
                .last()
                .map_or(FIRST_BLOCK, |b| (2 * b.capacity()).min(BLOCK));
            blocks.push(Vec::with_capacity(size));
        }
        let block = blocks.len() - 1;
        let text = &mut blocks[block];
        let start = text.len();
        match (self.render)(text, e, &mut self.clock) {
            Ok(()) => self.lines.push(Line {
                time: e.time,
                block,
                start,
                end: text.len(),
            }),
            Err(why) => {
                text.truncate(start);
                self.broken = Some(Diagnostic::at(
                    path,
                    Some(e.source.line),
                    Problem::Unwritable {
                        why: why.to_string(),
                    },
                ));
            }
        }
    }

    /// The text, its lines in time order (equal times in the order written, as a stable sort
    /// of the events would have them), and the warning if an event could not be written.
    pub fn finish(&mut self) -> (Text, Vec<Line>, Option<Diagnostic>) {
        if !self.lines.is_sorted_by_key(|l| l.time) {
            self.lines.sort_by_key(|l| l.time);
        }
        let text = std::mem::take(&mut self.text);
        (text, std::mem::take(&mut self.lines), self.broken.take())
    }
}
