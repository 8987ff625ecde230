//! Datadog monitor notifications: the default webhook payload (`title`, `body`, `date` in
//! epoch milliseconds, every value a string) and Events API v1 events (`date_happened` in
//! seconds, `alert_type`). Titles open with the transition: `[Triggered on {service:x}] …`,
//! `[Recovered …]`, `[Warn …]`.

use super::json::{all_fields, number_at, str_at, Object};
use super::Cx;
use crate::event::{AlertState, Event, Kind, Level};
use crate::time::{Nanos, NANOS_PER_SEC};

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let title = str_at(obj, &["title"])?;
    let time: Nanos = if obj.contains_key("date_happened") {
        (number_at(obj, &["date_happened"])? * NANOS_PER_SEC as f64) as Nanos
    } else if obj.contains_key("date")
        && (obj.contains_key("event_type") || obj.contains_key("body"))
    {
        (number_at(obj, &["date"])? * 1_000_000.0) as Nanos
    } else {
        return None;
    };
    if !cx.keep(time) {
        return Some(true);
    }
    let transition = str_at(obj, &["alert_transition"]).unwrap_or_else(|| {
        title
            .strip_prefix('[')
            .and_then(|t| t.split([']', ' ']).next())
            .unwrap_or("")
            .to_string()
    });
    let name = title
        .split_once("] ")
        .map_or(title.as_str(), |(_, n)| n)
        .to_string();
    let key = ["alert_cycle_key", "alert_id", "aggregation_key"]
        .iter()
        .find_map(|k| str_at(obj, &[k]))
        .unwrap_or_else(|| name.clone());
    let service = scope_service(&title).or_else(|| tag_service(obj));
    let alert_type = str_at(obj, &["alert_type"]).unwrap_or_default();
    let (kind, level) = match transition.as_str() {
        "Triggered" | "Re-Triggered" | "Renotify" => (
            Kind::alert_at(name.clone(), key, AlertState::Firing, time),
            Level::Error,
        ),
        "Warn" | "Re-Warn" => (
            Kind::alert_at(name.clone(), key, AlertState::Firing, time),
            Level::Warn,
        ),
        "Recovered" => (
            Kind::alert_at(name.clone(), key, AlertState::Resolved, time),
            Level::Info,
        ),
        _ => (
            Kind::Log,
            match alert_type.as_str() {
                "error" => Level::Error,
                "warning" => Level::Warn,
                _ => Level::Info,
            },
        ),
    };
    let message = match &kind {
        Kind::Alert {
            state: AlertState::Resolved,
            ..
        } => format!("{name} recovered"),
        Kind::Alert { .. } => format!("{name} triggered"),
        _ => title.clone(),
    };
    // Plain events (deploy markers among them) are read like a log line.
    let mut e = if kind == Kind::Log {
        cx.event(time, Some(level), service, message, Default::default())
    } else {
        cx.raw_event(time, kind, Some(level), service, message)
    };
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}

/// `[Triggered on {service:checkout,env:prod}] …` → `checkout`.
fn scope_service(title: &str) -> Option<String> {
    let scope = title.split_once('{')?.1.split_once('}')?.0;
    scope
        .split(',')
        .find_map(|kv| kv.trim().strip_prefix("service:"))
        .map(str::to_string)
}

fn tag_service(obj: &Object) -> Option<String> {
    let tags: Vec<String> = serde_json::from_str(obj.get("tags")?.get()).ok()?;
    tags.iter()
        .find_map(|t| t.strip_prefix("service:"))
        .map(str::to_string)
}
