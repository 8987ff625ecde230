//! Zabbix real-time export (`problems-*.ndjson`): a problem is `value: 1` with its name,
//! severity and hosts; its recovery is `value: 0` pointing back with `p_eventid`. Times are
//! `clock` seconds plus `ns`.

use super::json::{all_fields, number_at, str_at, Object};
use super::Cx;
use crate::event::{AlertState, Event, Kind, Level};
use crate::time::{Nanos, NANOS_PER_SEC};

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if !(obj.contains_key("clock") && obj.contains_key("value") && obj.contains_key("eventid")) {
        return None;
    }
    // Checked: a clock that is no Unix time (the fuzzer found one) is not a Zabbix event.
    let time = (number_at(obj, &["clock"])? as Nanos)
        .checked_mul(NANOS_PER_SEC)?
        .checked_add(number_at(obj, &["ns"]).unwrap_or(0.0) as Nanos)?;
    if !cx.keep(time) {
        return Some(true);
    }
    let id = |k: &str| {
        number_at(obj, &[k])
            .map(|n| format!("{n}"))
            .or_else(|| str_at(obj, &[k]))
    };
    let problem = number_at(obj, &["value"]) == Some(1.0);
    let key = if problem {
        id("eventid")
    } else {
        id("p_eventid").or_else(|| id("eventid"))
    }
    .unwrap_or_default();
    let name = str_at(obj, &["name"]).unwrap_or_else(|| format!("Zabbix problem {key}"));
    let service = tag(obj, "service").or_else(|| host(obj));
    let severity = number_at(obj, &["severity"]).unwrap_or(0.0);
    let (state, level, message) = if problem {
        let level = match severity as u8 {
            4.. => Level::Error,
            2 | 3 => Level::Warn,
            _ => Level::Info,
        };
        (AlertState::Firing, level, format!("{name} problem"))
    } else {
        (
            AlertState::Resolved,
            Level::Info,
            format!("{name} recovered"),
        )
    };
    let started = problem.then_some(time);
    let mut e = cx.raw_event(
        time,
        Kind::Alert {
            name,
            state,
            key,
            started,
        },
        Some(level),
        service,
        message,
    );
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}

fn tag(obj: &Object, name: &str) -> Option<String> {
    let tags: Vec<serde_json::Value> = serde_json::from_str(obj.get("tags")?.get()).ok()?;
    tags.iter()
        .find(|t| t["tag"] == name)
        .and_then(|t| t["value"].as_str())
        .map(str::to_string)
}

fn host(obj: &Object) -> Option<String> {
    let hosts: Vec<serde_json::Value> = serde_json::from_str(obj.get("hosts")?.get()).ok()?;
    hosts
        .first()
        .and_then(|h| h["host"].as_str())
        .map(str::to_string)
}
