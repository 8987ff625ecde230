//! Opsgenie webhooks: `action` says what happened to `alert`. `createdAt` is epoch
//! milliseconds, `updatedAt` (the action's time) epoch **nanoseconds**.

use super::json::{all_fields, object, str_at, time_value, Object};
use super::Cx;
use crate::event::{AlertState, Event, Kind, Level};

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let action = str_at(obj, &["action"])?;
    let alert = obj
        .get("alert")
        .and_then(|a| object(a))
        .filter(|a| a.contains_key("alertId") || a.contains_key("alias"))?;
    let created = alert.get("createdAt").and_then(|v| time_value(v, cx));
    let updated = alert.get("updatedAt").and_then(|v| time_value(v, cx));
    let time = if action == "Create" {
        created.or(updated)
    } else {
        updated.or(created)
    };
    let Some(time) = time else { return Some(false) };
    if !cx.keep(time) {
        return Some(true);
    }
    let name = str_at(&alert, &["message"]).unwrap_or_else(|| "alert".into());
    let key = str_at(&alert, &["alertId"])
        .or_else(|| str_at(&alert, &["alias"]))
        .unwrap_or_else(|| name.clone());
    let service = str_at(&alert, &["entity"]);
    let user = str_at(&alert, &["username"])
        .map(|u| format!(" by {u}"))
        .unwrap_or_default();
    let priority_high = str_at(&alert, &["priority"]).is_none_or(|p| p == "P1" || p == "P2");
    let (kind, level, message) = match action.as_str() {
        "Create" => (
            Kind::Alert {
                name: name.clone(),
                state: AlertState::Firing,
                key,
                started: Some(time),
            },
            if priority_high {
                Level::Error
            } else {
                Level::Warn
            },
            format!("{name} created"),
        ),
        "Close" => (
            Kind::Alert {
                name: name.clone(),
                state: AlertState::Resolved,
                key,
                started: created,
            },
            Level::Info,
            format!("{name} closed{user}"),
        ),
        _ => (Kind::Oncall, Level::Info, format!("{name}: {action}{user}")),
    };
    let mut e = cx.raw_event(time, kind, Some(level), service, message);
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}
