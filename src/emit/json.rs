//! JSON output in the shapes of CONTRACT.md: the draft as one object, the event stream as
//! JSON Lines. Key order is fixed, so the same input gives byte-identical output.

use super::{clock_words, words};
use crate::correlate::{Entry, Timeline};
use crate::event::{Event, Fields};
use crate::format::FileCounts;
use crate::stats::Stats;
use crate::time::{Nanos, StreamClock, Zone};
use serde::Serialize;
use serde_json::{json, Value};
use std::io::{self, Write};

pub fn draft(w: &mut dyn Write, timeline: &Timeline, zone: &Zone, stats: &Stats) -> io::Result<()> {
    let time = |t: Option<Nanos>| t.map_or(Value::Null, |t| Value::String(zone.rfc3339(t)));
    let s = &timeline.summary;
    let mut doc = json!({
        "window": {
            "from": zone.rfc3339(timeline.window.from),
            "to": zone.rfc3339(timeline.window.to),
            "timezone": zone.name(),
        },
        "entries": timeline.entries.iter().map(|e| entry(e, zone)).collect::<Vec<_>>(),
        "summary": {
            "start": time(s.start),
            "end": time(s.end),
            "detected": time(s.detected),
            "suspect": s.suspect.as_ref().map_or(Value::Null, |e| entry(e, zone)),
            "also_possible": s.others.iter().map(|e| candidate(e, zone)).collect::<Vec<_>>(),
            "impact": s.impact.as_ref().map_or(Value::Null, |i| json!({
                "requests": i.requests,
                "failed_or_slow": i.failed_or_slow,
                "ratio": i.ratio,
            })),
        },
        "stats": {
            "files": stats.files,
            "bytes": stats.bytes,
            "lines": stats.totals.lines,
            "events": stats.events,
            "unparsed_lines": stats.totals.unparsed(),
            "skipped": stats.skipped.iter().map(|s| json!({"path": s.path, "reason": s.reason})).collect::<Vec<_>>(),
            "lines_by_outcome": counts(&stats.totals),
            "inputs": stats.inputs.iter().map(|i| {
                let mut row = json!({"path": i.path, "format": i.format_name});
                if let (Value::Object(row), Value::Object(counts)) = (&mut row, counts(&i.counts)) {
                    row.extend(counts);
                }
                row
            }).collect::<Vec<_>>(),
        },
    });
    // Only a draft with clocks that are off carries them.
    if let (false, Some(map)) = (timeline.clocks.is_empty(), doc.as_object_mut()) {
        let clocks = timeline.clocks.iter().map(|c| {
            json!({
                "path": &*c.path,
                "offset_seconds": c.offset as f64 / 1e9,
                "against": c.against.as_deref(),
                "declared": c.against.is_none(),
                "summary": clock_words(c),
            })
        });
        map.insert("clocks".to_string(), Value::Array(clocks.collect()));
    }
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

/// What became of the lines: the parts add up to `lines`.
fn counts(c: &FileCounts) -> Value {
    json!({
        "lines": c.lines,
        "parsed": c.parsed,
        "outside": c.outside,
        "continuations": c.continuations,
        "blank": c.blank,
        "unparsed": {
            "unrecognised": c.unrecognised,
            "undatable": c.undatable,
            "too_large": c.too_large,
        },
        "unparsed_in_range": c.unparsed_in_range,
        "events": c.events,
    })
}

fn entry(e: &Entry, zone: &Zone) -> Value {
    let (label, text, notes) = words(e, zone, false);
    let notes: String = notes.iter().map(|n| format!(" — {n}")).collect();
    let mut value = json!({
        "time": zone.rfc3339(e.first),
        "kind": e.kind.name(),
        "service": e.service,
        "summary": format!("{label} {text}{notes}"),
        "count": e.count,
        "first": zone.rfc3339(e.first),
        "last": zone.rfc3339(e.last),
        "suspect": e.suspect,
        "sources": e.sources.iter().map(|s| json!({"path": &*s.path, "line": s.line()})).collect::<Vec<_>>(),
    });
    // Optional in the contract: only the look-ahead's closures carry it.
    if let (true, Some(map)) = (e.after_window, value.as_object_mut()) {
        map.insert("after_window".to_string(), Value::Bool(true));
    }
    value
}

/// A change the summary names as also possible, with what ties it to the outage.
fn candidate(e: &Entry, zone: &Zone) -> Value {
    let mut value = entry(e, zone);
    if let (Some(map), Some(evidence)) = (value.as_object_mut(), &e.evidence) {
        map.insert("evidence".to_string(), json!(evidence.words));
    }
    value
}

/// `--events --format json`: one event per line, serialized from the event where it lies
/// (a `json!` value per event copied its message and fields first).
pub fn event_line(text: &mut Vec<u8>, e: &Event, clock: &mut StreamClock) -> io::Result<()> {
    #[derive(Serialize)]
    struct Source<'e> {
        path: &'e str,
        line: Option<u64>,
    }
    #[derive(Serialize)]
    struct Line<'e> {
        time: String,
        kind: &'static str,
        level: Option<&'static str>,
        service: &'e Option<String>,
        message: &'e str,
        source: Source<'e>,
        fields: &'e Fields,
    }
    let line = Line {
        time: clock.zone().rfc3339(e.time),
        kind: e.kind.name(),
        level: e.level.map(|l| l.as_str()),
        service: &e.service,
        message: &e.message,
        source: Source {
            path: &e.source.path,
            line: e.source.line(),
        },
        fields: &e.fields,
    };
    super::json_line(text, &line)
}

#[cfg(test)]
mod tests {
    use super::event_line;
    use crate::event::{Event, Fields, Kind, Level, SourceRef};
    use crate::time::{StreamClock, Zone};
    use serde_json::Value;

    /// A stream line is one JSON object in a fixed key order, the message escaped, its fields
    /// by key, and null for what the event lacks.
    #[test]
    fn a_stream_line_is_one_object_in_key_order() {
        let mut fields = Fields::new();
        fields.insert("status", Value::from(503));
        fields.insert("route", Value::from("/api"));
        let e = Event {
            time: 1_749_132_001_123_000_000,
            kind: Kind::Log,
            level: Some(Level::Error),
            service: None,
            message: "bank said \"no\"\n\tat a.b".to_string(),
            fields,
            source: SourceRef {
                path: "pay/app.jsonl".into(),
                line: 7,
            },
        };
        let zone = Zone::utc();
        let mut text = Vec::new();
        event_line(&mut text, &e, &mut StreamClock::new(&zone)).expect("written into memory");
        assert_eq!(
            String::from_utf8(text).expect("UTF-8"),
            concat!(
                r#"{"time":"2025-06-05T14:00:01.123Z","kind":"log","level":"error","service":null,"#,
                r#""message":"bank said \"no\"\n\tat a.b","source":{"path":"pay/app.jsonl","line":7},"#,
                r#""fields":{"route":"/api","status":503}}"#,
                "\n"
            )
        );
    }
}
