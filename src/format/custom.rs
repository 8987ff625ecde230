//! Lines in a site's own format, described in `reconstruct.toml` by a pattern with named
//! fields or a regular expression with named captures: `time` (required), `level` (read
//! through the format's `levels`; else a level word leading the message), `service`,
//! `message` (else the whole line), `status` with `duration`, `method` and `target` (a
//! request), and any other name, kept as a field. A format's `fields` table says which field
//! plays a part under another name.

use super::access::{self, Heard};
use super::{text, Cx};
use crate::config::LineFormat;
use crate::event::{Event, Fields};
use crate::time::stamp::{Shape, Stamp};
use crate::time::Nanos;
use chrono::format::Parsed;
use chrono::{Timelike, Utc};
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
    let csv = format.csv_quoted;
    let field = |name: &str| {
        captures
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| unquoted(v, csv))
    };
    let value = |part: &str| field(format.field_for(part));
    let Some(time) = value("time").and_then(|t| time_of(format, &t, cx)) else {
        return false;
    };
    let time = match cx.admit(time) {
        Ok(time) => time,
        Err(recognised) => return recognised,
    };
    // Kept of a line only what its use needs: a request a draft counts, an ordinary line it
    // only counts, are not built, as every reader's are not.
    let fields = || {
        let mut fields = Fields::new();
        for (name, v) in &captures {
            if !format.plays_a_part(name) {
                let v = unquoted(v, csv);
                let v = format.value_of(name, &v).to_string();
                fields.insert(*name, Value::String(v));
            }
        }
        fields
    };
    let service = || {
        value("service")
            .filter(|s| !s.is_empty())
            .map(Cow::into_owned)
    };
    if let Some(status) = value("status").and_then(|s| s.parse::<u16>().ok()) {
        let duration = value("duration")
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| (d * format.duration_unit as f64) as i64);
        if cx.count_request(time, status, duration, out) {
            return true;
        }
        let (method, target) = (value("method"), value("target"));
        let heard = Heard {
            time,
            method: method.as_deref().unwrap_or(""),
            target: target.as_deref().unwrap_or(""),
            status,
            duration,
        };
        access::push_request(heard, service(), fields(), cx, out);
        return true;
    }
    let composed = format.template.as_ref().and_then(|t| t.render(field));
    let message = composed.map(Cow::Owned).or_else(|| value("message"));
    let message = message.as_deref().unwrap_or(line);
    // Without a level field, a level word leading the message is read as text lines' is.
    let (level, message) = match value("level") {
        Some(word) => (format.level_of(&word), message),
        None => text::split_level(message),
    };
    if format.kind.is_none() && cx.only_counted(time, level, message, field) {
        return true;
    }
    let mut event = cx.event(time, level, service(), message.to_string(), fields());
    if let Some(kind) = format.kind {
        cx.classes.mark(&mut event, kind);
    }
    out.push(event);
    true
}

/// A field as its format quotes it, trimmed: CSV's way, without the quotes around it and
/// with each doubled quote inside one.
fn unquoted(v: &str, csv: bool) -> Cow<'_, str> {
    let v = v.trim();
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
/// offset), else as any timestamp the tool reads. A layout without a year, or without a date,
/// is dated as the tool dates such stamps (see [`Cx::resolve_shaped`]). `Some(None)` for a
/// time of day that nothing dates.
fn time_of(format: &LineFormat, text: &str, cx: &mut Cx) -> Option<Option<Nanos>> {
    let Some(layout) = &format.time else {
        return match text::stamped(text, cx) {
            Some((time, rest)) if rest.trim().is_empty() => Some(time),
            _ => None,
        };
    };
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, text, layout.items.iter()).ok()?;
    if layout.shape != Shape::Dated {
        return cx
            .dates
            .resolve_shaped(undated(&parsed, layout.shape)?, layout.shape);
    }
    // An offset or an epoch (`%s`) gives an instant; anything else is a local time, in --tz.
    let instant = match (parsed.offset(), parsed.timestamp()) {
        (Some(_), _) => parsed.to_datetime().ok()?.timestamp_nanos_opt(),
        (None, Some(_)) => parsed
            .to_datetime_with_timezone(&Utc)
            .ok()?
            .timestamp_nanos_opt(),
        (None, None) => {
            return cx
                .dates
                .zone
                .to_utc(parsed.to_naive_datetime_with_offset(0).ok()?)
                .map(Some)
        }
    };
    instant.map(Some)
}

/// A stamp of a layout that states no year (`%m%d %H:%M:%S`), or no date at all: its year
/// (and, for a time of day, its date) left for the context to give.
fn undated(parsed: &Parsed, shape: Shape) -> Option<Stamp> {
    let clock = parsed.to_naive_time().ok()?;
    let (month, day) = match shape {
        Shape::YearLess => (parsed.month()?, parsed.day()?),
        _ => (1, 1),
    };
    Some(Stamp {
        year: 0,
        month,
        day,
        hour: clock.hour(),
        minute: clock.minute(),
        second: clock.second(),
        nanos: clock.nanosecond(),
        offset: parsed.offset(),
    })
}
