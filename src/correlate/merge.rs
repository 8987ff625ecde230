//! Merging per-source runs into one time-ordered stream.

use crate::event::Event;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Merges runs that are each sorted by time into one stream sorted by time.
///
/// Ties keep a stable, documented order: events at the same instant come in the order of
/// their runs (the order the inputs were given and walked: arguments left to right, each
/// directory in byte order of its paths), and within a run in the order the file had them.
pub fn merge(runs: Vec<Vec<Event>>) -> Vec<Event> {
    let total = runs.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    let mut iters: Vec<_> = runs.into_iter().map(|r| r.into_iter().peekable()).collect();
    let mut heap: BinaryHeap<Reverse<(i64, usize)>> = iters
        .iter_mut()
        .enumerate()
        .filter_map(|(i, it)| it.peek().map(|e| Reverse((e.time, i))))
        .collect();
    while let Some(Reverse((_, i))) = heap.pop() {
        if let Some(event) = iters[i].next() {
            out.push(event);
        }
        if let Some(next) = iters[i].peek() {
            heap.push(Reverse((next.time, i)));
        }
    }
    out
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
