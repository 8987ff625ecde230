//! Lines in a site's own format, described in `reconstruct.toml` by a pattern with named
//! fields or a regular expression with named captures: `time` (required), `level` (read
//! through the format's `levels`; else a level word leading the message), `service`,
//! `message` (else the whole line), `status` with `duration`, `method` and `target` (a
//! request), and any other name, kept as a field. A format's `fields` table says which field
//! plays a part under another name.

use super::access::{self, Heard};
use super::{text, Cx};
use crate::config::{self, LineFormat};
use crate::event::{Event, Fields};
use crate::time::Nanos;
use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Arc;

/// Parses `line` in the site's format `index` (of the configuration's formats). Out of line:
/// a site format's lines are the few, and inlined where every line is parsed it would crowd
/// the built-in readers.
#[cold]
#[inline(never)]
pub fn parse(index: usize, line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    // Its own handle on the configuration: the format is read while `cx` is lent.
    let config = Arc::clone(&cx.config);
    match super::line_format(&config, index) {
        Some(format) => parse_in(format, line, cx, out),
        None => false,
    }
}

fn parse_in(format: &LineFormat, line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(captures) = format.pattern.captures(line) else {
        return false;
    };
    let captures: Vec<(&str, Cow<str>)> = captures
        .into_iter()
        .map(|(name, v)| (name, unquoted(v.trim(), format.csv_quoted)))
        .collect();
    let value = |part: &str| {
        let name = format.field_for(part);
        captures
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
    };
    let Some(time) = value("time").and_then(|t| time_of(format, t, cx)) else {
        return false;
    };
    let time = match cx.admit(time) {
        Ok(time) => time,
        Err(recognised) => return recognised,
    };
    let service = value("service")
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut fields = Fields::new();
    let parts: Vec<&str> = config::PARTS.iter().map(|p| format.field_for(p)).collect();
    for (name, v) in &captures {
        if !parts.contains(name) {
            fields.insert(*name, Value::String(v.to_string()));
        }
    }
    if let Some(status) = value("status").and_then(|s| s.parse::<u16>().ok()) {
        let duration = value("duration")
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| (d * format.duration_unit as f64) as i64);
        if cx.count_request(time, status, duration, out) {
            return true;
        }
        let heard = Heard {
            time,
            method: value("method").unwrap_or(""),
            target: value("target").unwrap_or(""),
            status,
            duration,
        };
        access::push_request(heard, service, fields, cx, out);
        return true;
    }
    let message = value("message").unwrap_or(line);
    // Without a level field, a level word leading the message is read as text lines' is.
    let (level, message) = match value("level") {
        Some(word) => (format.level_of(word), message),
        None => text::split_level(message),
    };
    let mut event = cx.event(time, level, service, message.to_string(), fields);
    if let Some(kind) = format.kind {
        config::mark(&mut event, kind);
    }
    out.push(event);
    true
}

/// A field as its format quotes it: CSV's way, without the quotes around it and with each
/// doubled quote inside one.
fn unquoted(v: &str, csv: bool) -> Cow<'_, str> {
    if !csv {
        return Cow::Borrowed(v);
    }
    let inner = v
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v);
    match inner.contains("\"\"") {
        true => Cow::Owned(inner.replace("\"\"", "\"")),
        false => Cow::Borrowed(inner),
    }
}

/// The instant of a `{time}` field: by the format's layout (in `--tz` unless it has an
/// offset), else as any timestamp the tool reads. `Some(None)` for a time of day that
/// nothing dates.
fn time_of(format: &LineFormat, text: &str, cx: &mut Cx) -> Option<Option<Nanos>> {
    let Some(layout) = &format.time else {
        return match text::stamped(text, cx) {
            Some((time, rest)) if rest.trim().is_empty() => Some(time),
            _ => None,
        };
    };
    if let Ok(t) = DateTime::parse_from_str(text, layout) {
        return t.timestamp_nanos_opt().map(Some);
    }
    let local = match NaiveDateTime::parse_from_str(text, layout) {
        Ok(local) => local,
        // An epoch layout (`%s`) gives an instant, with no zone to apply.
        Err(_) => {
            return DateTime::parse_from_str(&format!("{text} +0000"), &format!("{layout} %z"))
                .ok()?
                .timestamp_nanos_opt()
                .map(Some)
        }
    };
    cx.zone.to_utc(local).map(Some)
}
