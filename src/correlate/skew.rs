//! Clocks that disagree: hosts drift, and a source whose clock runs 40 s slow shows the errors
//! a change caused before the change. Where two sources log the same thing — one request id,
//! or one and the same error line — at times that differ consistently, the difference is their
//! clocks' skew. The draft says so, and the suspect rule tolerates that much (an effect seen
//! up to the skew before its cause does not clear the cause). Nothing is shifted on an
//! estimate: only `reconstruct.toml`'s `clock` shifts a source's times.

use super::Clock;
use crate::event::{Event, Level, REQUEST_ID_KEYS};
use crate::time::{Nanos, NANOS_PER_SEC};
use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;
use std::sync::Arc;

/// Fewer shared sightings than this say nothing about two clocks.
const MIN_MATCHES: usize = 3;
/// A skew smaller than this is the time a request takes between two services, not a clock.
const MIN_SKEW: Nanos = 2 * NANOS_PER_SEC;
/// The sightings agree when this share of them lie within the spread below of their median.
const AGREEING: f64 = 0.8;
/// How far a sighting may lie from the median and still agree: a second, or a fifth of it.
fn spread(median: Nanos) -> Nanos {
    (median.abs() / 5).max(NANOS_PER_SEC)
}

/// A file's sightings of one thing: the file, the first time, how many times.
type InFile<'a> = (&'a str, Nanos, u32);
/// Two files' differences in time over the things both saw, and whether request ids were
/// among the things.
type Differences = (Vec<Nanos>, bool);

/// What a sighting is of: a request id's value, or an error line's exact words.
#[derive(Hash, PartialEq, Eq)]
enum Seen<'a> {
    Request(&'a str),
    Line(&'a str),
}

/// The skews the events show between their sources: for each pair of files that log at least
/// [`MIN_MATCHES`] of the same requests or error lines at times that differ consistently by
/// [`MIN_SKEW`] or more, the file that runs behind, how far, and the other.
pub fn estimate<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<Clock> {
    // Each sighting's first time in each file, and how often the file had it.
    let mut sightings: HashMap<Seen, Vec<InFile>> = HashMap::default();
    for e in events {
        let id = REQUEST_ID_KEYS
            .iter()
            .find_map(|k| e.fields.get(k).and_then(Value::as_str))
            .filter(|id| id.len() >= 6);
        let seen = match id {
            Some(id) => Seen::Request(id),
            None if e.level == Some(Level::Error) && e.message.len() >= 20 => {
                Seen::Line(&e.message)
            }
            None => continue,
        };
        let files = sightings.entry(seen).or_default();
        let origin = e.source.origin();
        match files.iter_mut().find(|(p, ..)| *p == origin) {
            Some((_, first, n)) => {
                *first = (*first).min(e.time);
                *n += 1;
            }
            None => files.push((origin, e.time, 1)),
        }
    }
    // The differences between each pair of files, and what they were seen by.
    let mut pairs: HashMap<(&str, &str), Differences> = HashMap::default();
    for (seen, files) in &sightings {
        // A line repeated in a file cannot say which of its times the other file's matches.
        let request = matches!(seen, Seen::Request(_));
        for (i, a) in files.iter().enumerate() {
            for b in &files[i + 1..] {
                if !request && (a.2 > 1 || b.2 > 1) {
                    continue;
                }
                let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                let slot = pairs.entry((first.0, second.0)).or_default();
                slot.0.push(second.1 - first.1);
                slot.1 |= request;
            }
        }
    }
    let mut clocks: Vec<Clock> = pairs
        .into_iter()
        .filter_map(|((a, b), (mut diffs, requests))| {
            if diffs.len() < MIN_MATCHES {
                return None;
            }
            diffs.sort_unstable();
            let median = diffs[diffs.len() / 2];
            let agreeing = diffs
                .iter()
                .filter(|d| (**d - median).abs() <= spread(median))
                .count();
            if median.abs() < MIN_SKEW || (agreeing as f64) < AGREEING * diffs.len() as f64 {
                return None;
            }
            // `b` logs the same thing `median` after `a`: `a`'s clock runs behind.
            let (behind, ahead) = if median > 0 { (a, b) } else { (b, a) };
            Some(Clock {
                path: Arc::from(behind),
                offset: median.abs(),
                against: Some(Arc::from(ahead)),
                matches: agreeing,
                // Request ids, the stronger evidence, name it where there were any.
                by: match requests {
                    true => "the same request ids",
                    false => "the same error lines",
                },
            })
        })
        .collect();
    clocks.sort_by(|x, y| x.path.cmp(&y.path).then(x.against.cmp(&y.against)));
    clocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Fields, Kind, SourceRef};

    fn event(path: &str, second: i64, id: Option<&str>, message: &str) -> Event {
        let mut fields = Fields::new();
        if let Some(id) = id {
            fields.insert("request_id", Value::String(id.to_string()));
        }
        Event {
            time: second * NANOS_PER_SEC,
            kind: Kind::Log,
            level: Some(Level::Error),
            service: None,
            message: message.to_string(),
            fields,
            source: SourceRef {
                path: path.into(),
                line: 1,
            },
        }
    }

    /// Requests the app logs at each second given and the gateway that many seconds later.
    fn requests(seen: &[(i64, i64)]) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, &(t, later)) in seen.iter().enumerate() {
            let id = format!("req-{i:04}");
            events.push(event("app.log", t, Some(&id), "failed"));
            events.push(event("gateway.log", t + later, Some(&id), "502"));
        }
        events
    }

    #[test]
    fn the_same_requests_seen_later_show_a_clock_behind() {
        let events = requests(&[(100, 40), (250, 40), (400, 40), (700, 40)]);
        let clocks = estimate(&events);
        assert_eq!(clocks.len(), 1);
        assert_eq!(&*clocks[0].path, "app.log");
        assert_eq!(clocks[0].against.as_deref(), Some("gateway.log"));
        assert_eq!(clocks[0].offset, 40 * NANOS_PER_SEC);
        assert_eq!(clocks[0].matches, 4);
    }

    #[test]
    fn latency_and_scattered_differences_are_no_skew() {
        let latency = requests(&[(100, 1), (250, 0), (400, 1), (700, 0)]);
        assert!(
            estimate(&latency).is_empty(),
            "a second is a request's time"
        );
        let scattered = requests(&[(100, 5), (250, 60), (400, 200), (700, 9)]);
        assert!(estimate(&scattered).is_empty(), "no consistent difference");
    }

    #[test]
    fn the_same_unique_error_lines_in_two_files_count_but_repeated_ones_do_not() {
        let mut events = Vec::new();
        for (i, t) in [100, 250, 400].into_iter().enumerate() {
            let line = format!("order {i} could not be priced: rule missing");
            events.push(event("syslog", t - 30, None, &line));
            events.push(event("app.log", t, None, &line));
        }
        let clocks = estimate(&events);
        assert_eq!(clocks.len(), 1);
        assert_eq!(&*clocks[0].path, "syslog");
        assert_eq!(clocks[0].by, "the same error lines");
        let repeated: Vec<Event> = [100, 250, 400]
            .into_iter()
            .flat_map(|t| {
                [
                    event("syslog", t - 30, None, "upstream timed out after 3000ms"),
                    event("app.log", t, None, "upstream timed out after 3000ms"),
                ]
            })
            .collect();
        assert!(estimate(&repeated).is_empty());
    }

    /// Two files that share both request ids and error lines are said to agree by the ids,
    /// whichever sighting the map happens to hold first.
    #[test]
    fn request_ids_name_the_evidence_over_error_lines() {
        // Lines of several wordings, so that some hash before the ids and some after.
        for wording in ["priced", "shipped", "billed", "packed", "routed", "taxed"] {
            let mut events = requests(&[(100, 40), (250, 40), (400, 40)]);
            for (i, t) in [500, 600, 700].into_iter().enumerate() {
                let line = format!("order {i} could not be {wording}: rule missing");
                events.push(event("app.log", t, None, &line));
                events.push(event("gateway.log", t + 40, None, &line));
            }
            let clocks = estimate(&events);
            assert_eq!(clocks.len(), 1);
            assert_eq!(clocks[0].matches, 6);
            assert_eq!(clocks[0].by, "the same request ids", "{wording}");
        }
    }
}
