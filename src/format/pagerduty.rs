//! PagerDuty: v3 webhooks (`{"event": {"event_type": "incident.triggered", …}}`) and the
//! entries of the REST `log_entries` response (`trigger_log_entry`, `acknowledge_log_entry`…).
//! Triggers fire an alert, resolutions resolve it, everything else is an on-call step.

use super::json::{all_fields, object, raw_at, str_at, time_value, Object};
use super::Cx;
use crate::event::{AlertState, Event, Kind, Level};

/// `None` when the object is not PagerDuty's; otherwise whether it was read.
pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if let Some(event) = obj
        .get("event")
        .and_then(|e| object(e))
        .filter(|e| e.contains_key("event_type"))
    {
        return Some(webhook(obj, &event, cx, out));
    }
    let kind = str_at(obj, &["type"]).filter(|t| t.ends_with("_log_entry"))?;
    Some(log_entry(obj, &kind, cx, out))
}

fn webhook(obj: &Object, event: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(time) = event.get("occurred_at").and_then(|v| time_value(v, cx)) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let event_type = str_at(event, &["event_type"]).unwrap_or_default();
    let title = str_at(event, &["data", "title"]).unwrap_or_else(|| "incident".into());
    let key = str_at(event, &["data", "id"]).unwrap_or_else(|| title.clone());
    let service = str_at(event, &["data", "service", "summary"]);
    let agent = str_at(event, &["agent", "summary"]);
    let started = raw_at(event, &["data", "created_at"]).and_then(|v| time_value(&v, cx));
    let urgent = str_at(event, &["data", "urgency"]).as_deref() != Some("low");
    let step = event_type
        .strip_prefix("incident.")
        .unwrap_or(&event_type)
        .replace(['_', '.'], " ");
    let (kind, level, message) = match event_type.as_str() {
        "incident.triggered" => (
            Kind::Alert {
                name: title.clone(),
                state: AlertState::Firing,
                key,
                started: started.or(Some(time)),
            },
            if urgent { Level::Error } else { Level::Warn },
            format!("{title} triggered"),
        ),
        "incident.resolved" => (
            Kind::Alert {
                name: title.clone(),
                state: AlertState::Resolved,
                key,
                started,
            },
            Level::Info,
            format!("{title} resolved{}", by(&agent)),
        ),
        _ => (
            Kind::Oncall,
            Level::Info,
            format!("{title} {step}{}", by(&agent)),
        ),
    };
    let mut e = cx.raw_event(time, kind, Some(level), service, message);
    e.fields = all_fields(obj);
    out.push(e);
    true
}

fn log_entry(obj: &Object, entry_type: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(time) = obj.get("created_at").and_then(|v| time_value(v, cx)) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let summary = str_at(obj, &["summary"]).unwrap_or_else(|| entry_type.to_string());
    let incident = str_at(obj, &["incident", "summary"]).unwrap_or_else(|| summary.clone());
    let key = str_at(obj, &["incident", "id"]).unwrap_or_else(|| incident.clone());
    let service = str_at(obj, &["service", "summary"]);
    let (kind, level) = match entry_type {
        "trigger_log_entry" => (
            Kind::Alert {
                name: incident.clone(),
                state: AlertState::Firing,
                key,
                started: Some(time),
            },
            Level::Error,
        ),
        "resolve_log_entry" => (
            Kind::Alert {
                name: incident.clone(),
                state: AlertState::Resolved,
                key,
                started: None,
            },
            Level::Info,
        ),
        _ => (Kind::Oncall, Level::Info),
    };
    let message = if summary.contains(&incident) {
        summary
    } else {
        format!("{incident}: {summary}")
    };
    let mut e = cx.raw_event(time, kind, Some(level), service, message);
    e.fields = all_fields(obj);
    out.push(e);
    true
}

fn by(agent: &Option<String>) -> String {
    agent
        .as_deref()
        .map(|a| format!(" by {a}"))
        .unwrap_or_default()
}
