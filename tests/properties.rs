//! Properties of the whole pipeline, over generated logs: narrowing to a window gives the same
//! events as reading everything and filtering, whatever the window, disorder, gaps and
//! time-less lines. (Merge, time round-trips and folding have their properties beside them.)

use proptest::prelude::*;
use reconstruct::emit::json;
use reconstruct::pipeline::{run, Options, Render, WindowTime};
use reconstruct::time::{StreamClock, Zone};
use std::fmt::Write;

const BASE: i64 = 1_697_032_800; // 2023-10-11T14:00:00Z
const NANOS: i64 = 1_000_000_000;

/// A log line: seconds after BASE (a line out of order by a few seconds is allowed), or a
/// line with no time (a stack frame, or garbage).
#[derive(Clone, Debug)]
enum Line {
    Timed(i64),
    Frame,
    Garbage,
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        8 => (0i64..7200).prop_map(Line::Timed),
        1 => Just(Line::Frame),
        1 => Just(Line::Garbage),
    ]
}

/// Mostly ordered: timed lines sorted, then a few nudged back, as late writers do.
fn text(lines: &[Line], jitter: &[i64]) -> String {
    let mut times: Vec<i64> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Timed(t) => Some(*t),
            _ => None,
        })
        .collect();
    times.sort_unstable();
    for (t, j) in times.iter_mut().zip(jitter.iter().cycle()) {
        *t = (*t - j).max(0);
    }
    let mut times = times.into_iter();
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let _ = match l {
            Line::Timed(_) => {
                let t = BASE + times.next().unwrap_or(0);
                let stamp = chrono::DateTime::from_timestamp(t, 0)
                    .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default();
                let level = ["INFO", "WARN", "ERROR"][i % 3];
                writeln!(out, "{stamp} {level} [main] svc - request {i} handled")
            }
            Line::Frame => writeln!(out, "\tat com.acme.Handler.run(Handler.java:{i})"),
            Line::Garbage => writeln!(out, "~~ {i} ~~"),
        };
    }
    out
}

/// The options of an event stream over `dir`, in a window or over everything.
fn stream(dir: &std::path::Path, window: Option<(i64, i64)>, render: Option<Render>) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        from: window.map(|(f, _)| WindowTime::Exact(f)),
        to: window.map(|(_, t)| WindowTime::Exact(t)),
        date: None,
        zone: Zone::utc(),
        lookback: 0,
        lookahead: 0,
        year: None,
        all_events: true,
        event_fields: true,
        slow: NANOS,
        progress: None,
        render,
        config: Default::default(),
        index: None,
        credentials: Default::default(),
    }
}

fn events(
    dir: &std::path::Path,
    window: Option<(i64, i64)>,
) -> Result<Vec<(i64, u64, String)>, TestCaseError> {
    let r = run(&stream(dir, window, None)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    Ok(r.window_events()
        .map(|e| (e.time, e.source.line, e.message.clone()))
        .collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_window_gives_the_events_of_the_full_stream_it_covers(
        lines in proptest::collection::vec(line(), 1..300),
        jitter in proptest::collection::vec(0i64..5, 1..8),
        from in 0i64..7200,
        len in 0i64..3600,
    ) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        std::fs::write(dir.path().join("app.log"), text(&lines, &jitter))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        // A file of garbage alone is skipped, with an error: nothing to narrow.
        let all = events(dir.path(), None);
        prop_assume!(all.as_ref().is_ok_and(|a| !a.is_empty()));
        let all = all?;
        let (from, to) = ((BASE + from) * NANOS, (BASE + from + len) * NANOS);
        let expected: Vec<_> = all.into_iter().filter(|(t, _, _)| from <= *t && *t <= to).collect();
        prop_assert_eq!(events(dir.path(), Some((from, to)))?, expected);
    }

    /// An event stream written file by file as the files are read, then interleaved, is the
    /// stream of the merged events written one by one: same lines, same order (ties in file
    /// order, then line order), same window.
    #[test]
    fn a_stream_written_as_read_is_the_merged_events_written(
        files in proptest::collection::vec(proptest::collection::vec(line(), 1..120), 1..4),
        jitter in proptest::collection::vec(0i64..5, 1..8),
        from in 0i64..7200,
        len in 0i64..7200,
    ) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (i, lines) in files.iter().enumerate() {
            std::fs::write(dir.path().join(format!("app-{i}.log")), text(lines, &jitter))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let window = Some(((BASE + from) * NANOS, (BASE + from + len) * NANOS));
        let (kept, written) = match (
            run(&stream(dir.path(), window, None)),
            run(&stream(dir.path(), window, Some(json::event_line))),
        ) {
            (Ok(kept), Ok(written)) => (kept, written),
            // Files of garbage alone are skipped, with the same error either way.
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.to_string(), b.to_string());
                return Ok(());
            }
            (a, b) => {
                return Err(TestCaseError::fail(format!(
                    "one way read the files, the other did not: {:?} / {:?}",
                    a.err().map(|e| e.to_string()),
                    b.err().map(|e| e.to_string())
                )))
            }
        };
        let mut expected = Vec::new();
        let utc = Zone::utc();
        let mut clock = StreamClock::new(&utc);
        for e in kept.window_events() {
            json::event_line(&mut expected, e, &mut clock).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let mut got = Vec::new();
        written.write_stream(&mut got).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&expected));
    }
}
