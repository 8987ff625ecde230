//! PagerDuty: v3 webhooks (`{"event": {"event_type": "incident.triggered", …}}`) and the
//! entries of the REST `log_entries` response (`trigger_log_entry`, `acknowledge_log_entry`…).
//! Triggers fire an alert, resolutions resolve it, everything else is an on-call step, saying
//! who where the payload does: whom an escalation or a reassignment went to (the incident's
//! `assignees`), who was asked to respond (an `incident_responder`'s `user`, or its
//! escalation policy) and what they answered.

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
    // A responder event's data is the request, which names its incident.
    let title = str_at(event, &["data", "title"])
        .or_else(|| str_at(event, &["data", "incident", "summary"]))
        .unwrap_or_else(|| "incident".into());
    let key = str_at(event, &["data", "id"])
        .or_else(|| str_at(event, &["data", "incident", "id"]))
        .unwrap_or_else(|| title.clone());
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
            format!("{title} {}{}", who(event, &event_type, step), by(&agent)),
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

/// An on-call step in words, with whom it concerned where the payload names them.
fn who(event: &Object, event_type: &str, step: String) -> String {
    let responder = || {
        str_at(event, &["data", "user", "summary"])
            .or_else(|| str_at(event, &["data", "escalation_policy", "summary"]))
    };
    let assignees = || {
        let raw = raw_at(event, &["data", "assignees"])?;
        let list: Vec<serde_json::Value> = serde_json::from_str(raw.get()).ok()?;
        let names: Vec<&str> = list.iter().filter_map(|a| a["summary"].as_str()).collect();
        (!names.is_empty()).then(|| names.join(", "))
    };
    let said = match event_type {
        "incident.responder.added" => responder().map(|r| format!("responder {r} requested")),
        "incident.responder.replied" => responder().map(|r| {
            let state = str_at(event, &["data", "state"]).unwrap_or_else(|| "replied".into());
            format!("responder {r} {state}")
        }),
        "incident.escalated" => assignees().map(|a| format!("escalated to {a}")),
        "incident.reassigned" => assignees().map(|a| format!("reassigned to {a}")),
        _ => None,
    };
    said.unwrap_or(step)
}

fn by(agent: &Option<String>) -> String {
    agent
        .as_deref()
        .map(|a| format!(" by {a}"))
        .unwrap_or_default()
}
