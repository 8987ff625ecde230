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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Requests {
    /// Where the window starts: requests before it are the look-back's. `None` when there is
    /// no window, and every request is in it.
    from: Option<Nanos>,
    slow: Nanos,
    pub during: Traffic,
    pub before: Traffic,
}

impl Requests {
    pub fn new(from: Option<Nanos>, slow: Nanos) -> Requests {
        Requests {
            from,
            slow,
            during: Traffic::default(),
            before: Traffic::default(),
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
        if status >= 500 || duration.is_some_and(|d| d > self.slow) {
            side.failed_or_slow += 1;
        }
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
    }
}
