//! Requests counted as they are read, for the draft's impact line: a day of access logs is
//! millions of requests, and the draft needs only how many there were and how many failed or
//! were slow, not the requests themselves.

use crate::event::{Event, Kind};
use crate::time::Nanos;

/// How many requests, and how many of them failed (5xx) or were slower than `--slow`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Traffic {
    pub requests: u64,
    pub failed_or_slow: u64,
}

impl Traffic {
    /// The share that failed or was slow, to four places.
    pub fn ratio(&self) -> f64 {
        (self.failed_or_slow as f64 / self.requests.max(1) as f64 * 10_000.0).round() / 10_000.0
    }
}

/// Requests in the window and in its look-back.
#[derive(Clone, Debug, PartialEq)]
pub struct Requests {
    /// Where the window starts: requests before it are the look-back's. `None` when there is
    /// no window, and every request is in it.
    from: Option<Nanos>,
    slow: Nanos,
    pub during: Traffic,
    pub before: Traffic,
    /// The same, minute by minute, for the chart's request rate.
    pub minutes: Minutes,
}

/// Requests counted per minute: a counter an increment each, the minutes kept from the first
/// counted to the last (the window and its look-back: a few hundred).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Minutes {
    /// The minute (since the epoch) of `counts[0]`.
    first: i64,
    counts: Vec<Traffic>,
}

const MINUTE: Nanos = 60_000_000_000;

impl Minutes {
    #[inline]
    fn add(&mut self, time: Nanos, failed: bool) {
        // Most requests fall in a minute already counted.
        let at = time.div_euclid(MINUTE).wrapping_sub(self.first) as usize;
        let slot = match self.counts.get_mut(at) {
            Some(slot) => slot,
            None => match self.slot(time) {
                Some(slot) => slot,
                None => return,
            },
        };
        slot.requests += 1;
        slot.failed_or_slow += u64::from(failed);
    }

    /// The counts of the minute `time` falls in, making room for it; `None` for a minute too
    /// far from the others to chart.
    #[cold]
    fn slot(&mut self, time: Nanos) -> Option<&mut Traffic> {
        let minute = time.div_euclid(MINUTE);
        if self.counts.is_empty() {
            self.first = minute;
        }
        // A request years away from the others is counted, but not charted, whether it comes
        // before them or after.
        if minute < self.first {
            // An earlier minute than any so far (a rotation read after its successor).
            let more = usize::try_from(self.first - minute)
                .ok()
                .filter(|more| more + self.counts.len() <= MAX_MINUTES)?;
            self.counts
                .splice(0..0, std::iter::repeat_n(Traffic::default(), more));
            self.first = minute;
        }
        let at = usize::try_from(minute - self.first).ok()?;
        if at >= MAX_MINUTES {
            return None;
        }
        if at >= self.counts.len() {
            self.counts.resize(at + 1, Traffic::default());
        }
        Some(&mut self.counts[at])
    }

    /// Each minute with requests: its start and its counts.
    pub fn iter(&self) -> impl Iterator<Item = (Nanos, Traffic)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, t)| t.requests > 0)
            .map(|(i, t)| ((self.first + i as i64) * MINUTE, *t))
    }

    /// Adds another file's minutes.
    pub fn absorb(&mut self, other: &Minutes) {
        for (t, traffic) in other.iter() {
            if let Some(slot) = self.slot(t) {
                slot.requests += traffic.requests;
                slot.failed_or_slow += traffic.failed_or_slow;
            }
        }
    }
}

/// Three weeks of minutes, the most one input's chart keeps.
const MAX_MINUTES: usize = 21 * 24 * 60;

impl Requests {
    pub fn new(from: Option<Nanos>, slow: Nanos) -> Requests {
        Requests {
            from,
            slow,
            during: Traffic::default(),
            before: Traffic::default(),
            minutes: Minutes::default(),
        }
    }

    /// Counts `e` if it is a request. The caller keeps only events that can matter (up to the
    /// window's end), as the parsers do.
    pub fn add(&mut self, e: &Event) {
        if let Kind::Http { status, duration } = e.kind {
            self.count(e.time, status, duration);
        }
    }

    /// Counts a request read at `time`.
    pub fn count(&mut self, time: Nanos, status: u16, duration: Option<Nanos>) {
        let side = match self.from {
            Some(from) if time < from => &mut self.before,
            _ => &mut self.during,
        };
        side.requests += 1;
        let failed = status >= 500 || duration.is_some_and(|d| d > self.slow);
        if failed {
            side.failed_or_slow += 1;
        }
        self.minutes.add(time, failed);
    }

    /// The counts so far, leaving none: counting goes on from the window's start `from`.
    pub fn take(&mut self, from: Option<Nanos>) -> Requests {
        let fresh = Requests::new(from, self.slow);
        std::mem::replace(self, fresh)
    }

    /// Adds another file's counts.
    pub fn absorb(&mut self, other: &Requests) {
        for (mine, theirs) in [
            (&mut self.during, other.during),
            (&mut self.before, other.before),
        ] {
            mine.requests += theirs.requests;
            mine.failed_or_slow += theirs.failed_or_slow;
        }
        self.minutes.absorb(&other.minutes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request dated years before the others (a mistyped year) is not charted, and makes
    /// no room for the minutes between, which for two such lines once took most of a
    /// gigabyte. One a day before is charted in its minute.
    #[test]
    fn a_minute_years_from_the_others_is_not_charted_whichever_side_it_is_on() {
        let t = 1_742_306_528 * 1_000_000_000;
        let year = 365 * 24 * 60 * MINUTE;
        let mut minutes = Minutes::default();
        minutes.add(t, false);
        minutes.add(t - 100 * year, false);
        minutes.add(t + 100 * year, true);
        assert_eq!(minutes.counts.len(), 1);
        minutes.add(t - 24 * 60 * MINUTE, true);
        assert_eq!(minutes.counts.len(), 24 * 60 + 1);
        let charted: Vec<(Nanos, u64, u64)> = minutes
            .iter()
            .map(|(at, c)| (at, c.requests, c.failed_or_slow))
            .collect();
        let minute = t.div_euclid(MINUTE) * MINUTE;
        assert_eq!(charted, [(minute - 24 * 60 * MINUTE, 1, 1), (minute, 1, 0)]);
    }
}
