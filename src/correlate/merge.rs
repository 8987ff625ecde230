//! Merging per-source runs into one time-ordered stream.

use crate::event::Event;
use crate::time::Nanos;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What a run is sorted by.
pub trait Timed {
    fn time(&self) -> Nanos;
}

impl Timed for Event {
    fn time(&self) -> Nanos {
        self.time
    }
}

/// Runs that are each sorted by time, read by reference as one stream sorted by time.
///
/// Ties keep a stable, documented order: events at the same instant come in the order of
/// their runs (the order the inputs were given and walked: arguments left to right, each
/// directory in byte order of its paths), and within a run in the order the file had them.
///
/// Reading in place, rather than moving every event into one list, is what keeps a large
/// window's event stream fast: the merge runs on one core, and a fresh list of a window's
/// events cost most of it in page faults. A stretch of one run that comes before every other
/// run's next event is read without asking the heap again.
#[derive(Clone)]
pub struct Merged<'a, T = Event> {
    runs: Vec<&'a [T]>,
    /// The next time of each run not being read, with the run's index for ties.
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    /// The run being read while it stays ahead of the heap.
    current: Option<usize>,
    left: usize,
}

impl<'a, T: Timed> Merged<'a, T> {
    pub fn new(runs: &'a [Vec<T>]) -> Merged<'a, T> {
        let heap = runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| Some(Reverse((run.first()?.time(), i))))
            .collect();
        Merged {
            runs: runs.iter().map(Vec::as_slice).collect(),
            heap,
            current: None,
            left: runs.iter().map(Vec::len).sum(),
        }
    }

    /// Each item with the index of its run.
    pub fn indexed(mut self) -> impl Iterator<Item = (usize, &'a T)> {
        std::iter::from_fn(move || self.step())
    }

    /// Each item from `from` to `to` (both included) with the index of its run: the stream is
    /// in time order, so reading stops at the first item past `to`.
    pub fn between(self, from: Nanos, to: Nanos) -> impl Iterator<Item = (usize, &'a T)> {
        self.indexed()
            .skip_while(move |(_, item)| item.time() < from)
            .take_while(move |(_, item)| item.time() <= to)
    }

    /// The next item and the index of its run.
    fn step(&mut self) -> Option<(usize, &'a T)> {
        let i = match self.current {
            Some(i) => i,
            None => self.heap.pop()?.0 .1,
        };
        let (first, rest) = self.runs[i].split_first()?;
        self.runs[i] = rest;
        self.left -= 1;
        self.current = match rest.first().map(|next| (next.time(), i)) {
            Some(key) if self.heap.peek().is_none_or(|&Reverse(b)| key < b) => Some(i),
            Some(key) => {
                self.heap.push(Reverse(key));
                None
            }
            None => None,
        };
        Some((i, first))
    }
}

impl<'a, T: Timed> Iterator for Merged<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        self.step().map(|(_, e)| e)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// The runs merged as [`Merged`] reads them, moved into one list (one file's stretches read in
/// parallel, which later passes take as one run).
pub fn merge(runs: Vec<Vec<Event>>) -> Vec<Event> {
    let order: Vec<usize> = Merged::new(&runs).indexed().map(|(i, _)| i).collect();
    let mut runs: Vec<_> = runs.into_iter().map(Vec::into_iter).collect();
    order.into_iter().filter_map(|i| runs[i].next()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Kind, SourceRef};

    fn ev(time: i64, path: &str, line: u64) -> Event {
        Event {
            time,
            kind: Kind::Log,
            level: None,
            service: None,
            message: String::new(),
            fields: Default::default(),
            source: SourceRef {
                path: path.into(),
                line,
            },
        }
    }

    #[test]
    fn ordered_and_stable_on_ties() {
        let a = vec![ev(1, "a", 1), ev(5, "a", 2), ev(5, "a", 3)];
        let b = vec![ev(0, "b", 1), ev(5, "b", 2), ev(9, "b", 3)];
        let merged = merge(vec![a, b]);
        let order: Vec<_> = merged
            .iter()
            .map(|e| format!("{}{}", e.source.path, e.source.line))
            .collect();
        assert_eq!(order, ["b1", "a1", "a2", "a3", "b2", "b3"]);
    }

    proptest::proptest! {
        /// Every input event comes out exactly once, in non-decreasing time, and ties keep
        /// run order, then line order.
        #[test]
        fn every_event_once_in_order_stable_on_ties(
            runs in proptest::collection::vec(proptest::collection::vec(0i64..20, 0..30), 0..6)
        ) {
            let runs: Vec<Vec<Event>> = runs
                .into_iter()
                .enumerate()
                .map(|(r, mut times)| {
                    times.sort_unstable();
                    times
                        .into_iter()
                        .zip(1..)
                        .map(|(t, line)| ev(t, &r.to_string(), line))
                        .collect()
                })
                .collect();
            let total: usize = runs.iter().map(Vec::len).sum();
            let merged = merge(runs);
            proptest::prop_assert_eq!(merged.len(), total);
            let key = |e: &Event| (e.time, e.source.path.parse::<usize>().unwrap_or(usize::MAX), e.source.line);
            for pair in merged.windows(2) {
                proptest::prop_assert!(key(&pair[0]) < key(&pair[1]), "{:?} then {:?}", key(&pair[0]), key(&pair[1]));
            }
        }
    }
}
