//! A row of a log table, as the ClickHouse source streams it: one JSON object a line, its
//! values under the names [`crate::input::clickhouse`] selects them as. The table's time
//! column dates the row; its body is read as a file's line would be (a JSON body as JSON, an
//! access-log body as a request, an alert payload as an alert); the level and service columns
//! say what the body does not; the attribute columns become fields. A row is cited by the
//! table and its time, having no line of a file.

use super::json::{object, string, Object, Raw};
use super::{is_crash, Cx, BODIES};
use crate::event::{Event, Fields, SourceRef};
use crate::input::clickhouse::{
    ROW_ATTRIBUTES, ROW_BODY, ROW_LEVEL, ROW_NUMBER, ROW_SERVICE, ROW_TIME,
};
use crate::level::Level;
use crate::time::Zone;
use serde_json::Value;
use std::sync::Arc;

/// Reads one row; `false` when the line is not a row, or has no time or body (a null).
pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(obj) = Object::split(super::trim_start(line)) else {
        return false;
    };
    let Some(time) = obj.get(ROW_TIME).and_then(integer) else {
        return false;
    };
    let Some(body) = obj.get(ROW_BODY).and_then(|raw| string(raw)) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let body = super::trim_end(&body);
    let column = |key: &str| {
        obj.get(key)
            .and_then(|raw| string(raw))
            .filter(|s| !s.trim().is_empty())
    };
    let level = column(ROW_LEVEL).and_then(|l| Level::parse(&l));
    let service = column(ROW_SERVICE);
    let named = service.as_deref().unwrap_or("");
    let first = cx.bodies.get(named).copied();
    // What the draft only counts is counted by the body's reader, as a file's line is; unless
    // the level column makes the row stand out, which the reader cannot see.
    let (mut events, read_by, counted) = match Level::stands_out(level) {
        false => cx.read_counting(body, Some(time), &BODIES, first),
        true => {
            let (events, read_by) = cx.read_wrapped(body, Some(time), &BODIES, first);
            (events, read_by, false)
        }
    };
    match read_by {
        Some(format) if first.is_none() => {
            cx.bodies.insert(named.to_string(), format);
        }
        None => {
            let level = is_crash(body).then_some(Level::Error);
            events.push(cx.event(time, level, None, body.to_string(), Fields::new()));
        }
        Some(_) => {}
    }
    if counted {
        return true;
    }
    // Cited by the row's own time, which finds it in the table whatever the body says, and by
    // its number where the table has a column that numbers its rows.
    let cited: Arc<str> = Arc::from(format!("{}@{}", cx.path, Zone::utc().rfc3339(time)));
    let line = obj
        .get(ROW_NUMBER)
        .and_then(integer)
        .map_or(0, |n| n.max(0) as u64);
    for mut event in events {
        // The body's own time is finer than a `DateTime` column's second, and an alert
        // payload's is when the alert began or ended; a body's time far from the row's is
        // misread (a year-less stamp), and the row's stands.
        if event.time.abs_diff(time) > BODY_TIME_MAX {
            event.time = time;
        }
        if let Some(level) = level {
            event.level.get_or_insert(level);
        }
        if let Some(service) = &service {
            event.service = Some(service.to_string());
        }
        for (key, raw) in obj.iter() {
            if key.0.starts_with(ROW_ATTRIBUTES) {
                attributes(raw, &mut event);
            }
        }
        event.source = SourceRef {
            path: Arc::clone(&cited),
            line,
        };
        out.push(event);
    }
    true
}

/// How far a body's own time may be from its row's and still be taken.
const BODY_TIME_MAX: u64 = 24 * 3600 * 1_000_000_000;

/// A 64-bit integer, as a number or (as ClickHouse writes 64-bit integers) a quoted string:
/// the row's time in nanoseconds since the epoch, its number.
fn integer(raw: &Raw) -> Option<i64> {
    let text = raw.get().trim_matches('"');
    text.parse().ok()
}

/// An attribute column's keys as fields: a `Map` arrives as an object, a `String` column
/// holds one as text. Fields the body gave stay as the body gave them.
fn attributes(raw: &Raw, event: &mut Event) {
    let text;
    let obj = match object(raw) {
        Some(obj) => obj,
        None => {
            let Some(inner) = string(raw) else {
                return;
            };
            text = inner;
            match Object::split(text.trim()) {
                Some(obj) => obj,
                None => return,
            }
        }
    };
    for (key, value) in obj.iter() {
        if event.fields.contains_key(&key.0) {
            continue;
        }
        if let Ok(value) = serde_json::from_str::<Value>(value.get()) {
            event.fields.insert(key.0.as_ref(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::parse_as;
    use super::super::{Format, Keep};
    use crate::event::Kind;

    /// Rows as the ClickHouse source streams them (`JSONEachRow`, the columns under the
    /// names `input::clickhouse` selects them as), their bodies real lines: a Pino JSON line,
    /// an nginx combined access line, an Alertmanager webhook payload (Alertmanager's
    /// documented `webhook_config` body), a Spring Boot error.
    const ROWS: [&str; 6] = [
        r#"{"__time":"1742306527000000000","__body":"{\"level\":50,\"time\":1742306527412,\"msg\":\"payment declined by acquirer\",\"pid\":1,\"hostname\":\"pay-1\"}","__level":"","__service":"payments","__attributes_0":{"k8s.pod.name":"pay-1"},"__attributes_1":{"request_id":"7f3a9c21"}}"#,
        r#"{"__time":"1742306528000000000","__body":"10.0.0.7 - - [18/Mar/2025:14:02:08 +0000] \"POST /api/checkout HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\" 0.031","__level":"","__service":"gateway","__attributes_0":"{\"host\":\"gw-2\"}"}"#,
        r#"{"__time":"1742306670000000000","__body":"{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"pager\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"HighErrorRate\",\"service\":\"gateway\"},\"annotations\":{\"summary\":\"5xx above 5%\"},\"startsAt\":\"2025-03-18T14:04:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}]}","__level":"","__service":"alertmanager"}"#,
        r#"{"__time":"1742306529000000000","__body":"2025-03-18T14:02:09.120Z ERROR 1 --- [nio-8080-exec-3] c.e.checkout.CartService : Failed to allocate session buffer\njava.lang.OutOfMemoryError: Java heap space\n\tat c.e.checkout.CartService.add(CartService.java:88)","__level":"ERROR","__service":"checkout"}"#,
        r#"{"__time":"1742306530000000000","__body":null,"__level":"ERROR","__service":"checkout"}"#,
        r#"{"__time":"1742306531000000000","__body":"connection reset by peer","__level":"WARN","__service":"checkout","__row":"42"}"#,
    ];

    #[test]
    fn a_rows_body_is_read_as_its_line_would_be_and_cited_by_the_rows_time() {
        let parsed = parse_as("clickhouse:otel.logs", Some(Format::Row), &ROWS, Keep::All);
        let events = parsed.events;
        assert_eq!(parsed.counts.unrecognised, 1, "the null body, counted");
        assert_eq!(
            parsed.counts.continuations, 0,
            "a row is never a continuation"
        );
        let by = |service: &str| {
            events
                .iter()
                .find(|e| e.service.as_deref() == Some(service))
                .unwrap_or_else(|| panic!("{service}: {events:?}"))
        };
        let pay = by("payments");
        assert_eq!(pay.message, "payment declined by acquirer");
        assert_eq!(pay.level, Some(crate::level::Level::Error), "Pino's 50");
        assert_eq!(pay.time, 1_742_306_527_412_000_000, "the body's finer time");
        assert_eq!(
            pay.fields.get("request_id").and_then(|v| v.as_str()),
            Some("7f3a9c21")
        );
        assert_eq!(
            pay.fields.get("k8s.pod.name").and_then(|v| v.as_str()),
            Some("pay-1")
        );
        assert_eq!(
            &*pay.source.path,
            "clickhouse:otel.logs@2025-03-18T14:02:07Z"
        );
        assert_eq!(pay.source.line(), None);
        let gw = by("gateway");
        assert!(
            matches!(gw.kind, Kind::Http { status: 502, .. }),
            "{:?}",
            gw.kind
        );
        assert_eq!(gw.fields.get("host").and_then(|v| v.as_str()), Some("gw-2"));
        let alert = events
            .iter()
            .find(|e| matches!(e.kind, Kind::Alert { .. }))
            .expect("the payload's alert");
        assert_eq!(alert.time, 1_742_306_640_000_000_000, "at startsAt");
        let checkout: Vec<_> = events
            .iter()
            .filter(|e| e.service.as_deref() == Some("checkout"))
            .collect();
        assert_eq!(checkout.len(), 2);
        assert!(
            checkout[0].message.contains("\njava.lang.OutOfMemoryError"),
            "the trace kept"
        );
        assert_eq!(checkout[1].message, "connection reset by peer");
        assert_eq!(
            checkout[1].level,
            Some(crate::level::Level::Warn),
            "the level column's"
        );
        assert_eq!(
            checkout[1].time, 1_742_306_531_000_000_000,
            "the row's time"
        );
        assert_eq!(
            checkout[1].source.to_string(),
            "clickhouse:otel.logs@2025-03-18T14:02:11Z:42",
            "a table's own row number is the line"
        );
        assert_eq!(checkout[1].source.origin(), "clickhouse:otel.logs");
    }
}
