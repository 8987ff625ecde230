//! A row of a log table, as the ClickHouse source streams it: one JSON object a line, its
//! values under the names [`crate::input::clickhouse`] selects them as. The table's time
//! column dates the row; its body is read as a file's line would be (a JSON body as JSON, an
//! access-log body as a request, an alert payload as an alert); the level and service columns
//! say what the body does not; the attribute columns become fields. A row is cited by the
//! table and its time, having no line of a file.

use super::json::{object, string, Object, Raw};
use super::{is_crash, Cx, Format};
use crate::event::{Event, Fields, SourceRef};
use crate::input::clickhouse::{ROW_ATTRIBUTES, ROW_BODY, ROW_LEVEL, ROW_SERVICE, ROW_TIME};
use crate::level::Level;
use crate::time::{Nanos, Zone};
use serde_json::Value;
use std::sync::Arc;

/// Reads one row; `false` when the line is not a row, or has no time or body (a null).
pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(obj) = Object::split(super::trim_start(line)) else {
        return false;
    };
    let Some(time) = obj.get(ROW_TIME).and_then(nanos) else {
        return false;
    };
    let Some(body) = obj.get(ROW_BODY).and_then(|raw| string(raw)) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let body = super::trim_end(&body);
    let mut events = cx.read_wrapped(body, time, &BODIES);
    if events.is_empty() {
        let level = is_crash(body).then_some(Level::Error);
        events.push(cx.event(time, level, None, body.to_string(), Fields::new()));
    }
    let column = |key: &str| {
        obj.get(key)
            .and_then(|raw| string(raw))
            .filter(|s| !s.trim().is_empty())
    };
    let level = column(ROW_LEVEL).and_then(|l| Level::parse(&l));
    let service = column(ROW_SERVICE);
    // Cited by the row's own time, which finds it in the table whatever the body says.
    let cited: Arc<str> = Arc::from(format!("{}@{}", cx.path, Zone::utc().rfc3339(time)));
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
            line: 0,
        };
        out.push(event);
    }
    true
}

/// The families a row's body is tried in, before the tool's definitions and the text reader:
/// whatever a service writes to its log, a proxy's access lines among it.
const BODIES: [Format; 4] = [Format::Json, Format::Logfmt, Format::Syslog, Format::Access];

/// How far a body's own time may be from its row's and still be taken.
const BODY_TIME_MAX: u64 = 24 * 3600 * 1_000_000_000;

/// The row's time: nanoseconds since the epoch, as a number or (64-bit, quoted) a string.
fn nanos(raw: &Raw) -> Option<Nanos> {
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
