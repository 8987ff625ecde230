//! When each service's errors rose above their baseline and when they returned to it.
//!
//! Errors (error-level lines, 5xx responses, crashes and OOM kills) are counted per service
//! per minute. A minute is bad when it holds at least two errors and three times the
//! look-back's rate; a burst runs from the first bad minute until ten quiet minutes follow.
//! The burst's first and last errors are the outage's begin and end for that service.

use super::Window;
use crate::event::{Event, Kind, Level, SourceRef};
use crate::time::{Nanos, NANOS_PER_MIN};
use std::collections::BTreeMap;

pub(super) const QUIET_MINUTES: i64 = 10;

#[derive(Clone, Debug, PartialEq)]
pub struct Burst {
    pub service: Option<String>,
    pub start: Nanos,
    pub end: Nanos,
    pub first: SourceRef,
    pub last: SourceRef,
    pub count: u64,
    /// Errors per minute in the look-back.
    pub baseline: f64,
}

pub(super) fn is_symptom(e: &Event) -> bool {
    match e.kind {
        Kind::Log | Kind::Http { .. } => e.level == Some(Level::Error),
        Kind::Restart | Kind::Oom => true,
        _ => false,
    }
}

/// The first burst of each service in the window, earliest first.
pub fn bursts<'a>(events: impl IntoIterator<Item = &'a Event>, window: Window) -> Vec<Burst> {
    let lookback_minutes = ((window.from - window.lookback) / NANOS_PER_MIN).max(1) as f64;
    let mut per_service: BTreeMap<Option<&str>, (u64, Vec<&Event>)> = BTreeMap::new();
    for e in events.into_iter().filter(|e| is_symptom(e)) {
        let slot = per_service.entry(e.service.as_deref()).or_default();
        if e.time < window.from {
            slot.0 += 1;
        } else if e.time <= window.ahead {
            slot.1.push(e);
        }
    }
    let mut found: Vec<Burst> = per_service
        .into_iter()
        .filter_map(|(service, (before, during))| {
            let baseline = before as f64 / lookback_minutes;
            burst(service, &during, baseline, window.from)
        })
        // A burst runs on into the look-ahead to its end, but one that began there is not
        // the window's.
        .filter(|b| b.start <= window.to)
        .collect();
    found.sort_by_key(|b| b.start);
    found
}

fn burst(service: Option<&str>, during: &[&Event], baseline: f64, from: Nanos) -> Option<Burst> {
    let minute = |e: &Event| (e.time - from) / NANOS_PER_MIN;
    let mut counts: BTreeMap<i64, u64> = BTreeMap::new();
    for e in during {
        *counts.entry(minute(e)).or_default() += 1;
    }
    let threshold = (3.0 * baseline).max(2.0);
    let bad: Vec<i64> = counts
        .iter()
        .filter(|(_, n)| **n as f64 >= threshold)
        .map(|(m, _)| *m)
        .collect();
    let first_bad = *bad.first()?;
    let mut last_bad = first_bad;
    for m in &bad[1..] {
        if m - last_bad > QUIET_MINUTES {
            break;
        }
        last_bad = *m;
    }
    let inside: Vec<&&Event> = during
        .iter()
        .filter(|e| (first_bad..=last_bad).contains(&minute(e)))
        .collect();
    let (first, last) = (inside.first()?, inside.last()?);
    Some(Burst {
        service: service.map(str::to_string),
        start: first.time,
        end: last.time,
        first: first.source.clone(),
        last: last.source.clone(),
        count: inside.len() as u64,
        baseline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(min: i64, sec: i64, service: &str) -> Event {
        Event {
            time: min * NANOS_PER_MIN + sec * 1_000_000_000,
            kind: Kind::Log,
            level: Some(Level::Error),
            service: Some(service.into()),
            message: "boom".into(),
            fields: Default::default(),
            source: SourceRef {
                path: "x".into(),
                line: (min * 100 + sec) as u64,
            },
        }
    }

    #[test]
    fn a_burst_above_baseline_and_its_end() {
        let window = Window {
            lookback: 0,
            from: 60 * NANOS_PER_MIN,
            to: 180 * NANOS_PER_MIN,
            ahead: 180 * NANOS_PER_MIN,
        };
        let mut events: Vec<Event> = (0..60).step_by(20).map(|m| err(m, 0, "api")).collect();
        events.push(err(70, 5, "api"));
        for m in 90..110 {
            events.extend([err(m, 1, "api"), err(m, 30, "api")]);
        }
        events.push(err(150, 0, "api"));
        let found = bursts(&events, window);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].start, found[0].end),
            (
                90 * NANOS_PER_MIN + 1_000_000_000,
                109 * NANOS_PER_MIN + 30_000_000_000
            )
        );
        assert_eq!(found[0].count, 40);
    }

    #[test]
    fn steady_errors_make_no_burst() {
        let window = Window {
            lookback: 0,
            from: 60 * NANOS_PER_MIN,
            to: 180 * NANOS_PER_MIN,
            ahead: 180 * NANOS_PER_MIN,
        };
        let events: Vec<Event> = (0..180)
            .flat_map(|m| [err(m, 1, "cron"), err(m, 2, "cron")])
            .collect();
        assert!(bursts(&events, window).is_empty());
    }
}
