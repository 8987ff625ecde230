//! Heroku log drains: `<time> app[web.1]: message`, `<time> heroku[router]: at=… status=…`,
//! `<time> app[api]: Release v42 created by user …`. A drain carries one app, and the app is
//! the service: its deploys (`app[api]`, the platform's own lines) and its dynos' errors must
//! be one name for the draft to tie them. The app is the router's `host`
//! (`shop.herokuapp.com`), else the file's service; the dyno (`web.1`) stays in its field.
//! Router lines are HTTP requests.

use super::Cx;
use crate::event::Fields;
use crate::event::{Event, Kind, Level};
use crate::time::{Nanos, NANOS_PER_SEC};
use serde_json::Value;

pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    // Every timestamped text line is asked: the prefix is checked before any search.
    if !rest.starts_with("app[") && !rest.starts_with("heroku[") {
        return None;
    }
    let (source, after) = rest.split_once('[')?;
    let (dyno, message) = after.split_once("]: ")?;
    if source == "heroku" && dyno == "router" {
        return Some(router(time, message, cx, out));
    }
    let level =
        if message.contains("State changed from up to crashed") || message.starts_with("Error R") {
            Some(Level::Error)
        } else {
            None
        };
    let mut e = cx.event(time, level, None, message.to_string(), Fields::new());
    if e.kind == Kind::Log
        && message.contains("Process exited with status")
        && !message.ends_with(" 0")
    {
        e.level = Some(Level::Warn);
    }
    e.fields.insert("dyno", Value::String(dyno.to_string()));
    out.push(e);
    Some(true)
}

/// `at=error code=H12 desc="Request timeout" method=GET path="/" … service=30000ms status=503`.
fn router(time: Nanos, message: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let mut fields = Fields::new();
    for pair in message.split(' ') {
        if let Some((k, v)) = pair.split_once('=') {
            fields.insert(
                k.to_string(),
                Value::String(v.trim_matches('"').to_string()),
            );
        }
    }
    let get = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let app = get("host")
        .strip_suffix(".herokuapp.com")
        .map(str::to_string);
    let Ok(status) = get("status").parse::<u16>() else {
        out.push(cx.event(time, Some(Level::Warn), app, message.to_string(), fields));
        return true;
    };
    let duration = get("service")
        .strip_suffix("ms")
        .and_then(|ms| ms.parse::<f64>().ok())
        .map(|ms| (ms * NANOS_PER_SEC as f64 / 1000.0) as Nanos);
    let level = if status >= 500 || get("at") == "error" {
        Level::Error
    } else {
        Level::Info
    };
    let summary = format!("{} {} {status}", get("method"), get("path"));
    let mut e = cx.raw_event(
        time,
        Kind::Http { status, duration },
        Some(level),
        app,
        summary,
    );
    e.fields = fields;
    out.push(e);
    true
}
