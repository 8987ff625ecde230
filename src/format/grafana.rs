//! Grafana alert state history (the Loki-backed historian): one JSON line per transition,
//! `previous` → `current`. The time is the Loki entry's, so these lines arrive with a
//! timestamp in front (`logcli` output) or under a time key.

use super::json::{all_fields, str_at, time_value, Object};
use super::Cx;
use crate::event::{AlertState, Event, Kind, Level};
use crate::time::Nanos;

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if !(obj.contains_key("schemaVersion")
        && obj.contains_key("current")
        && obj.contains_key("previous"))
    {
        return None;
    }
    let time: Nanos = ["time", "timestamp", "ts"]
        .iter()
        .find_map(|k| obj.get(k).and_then(|v| time_value(v, cx)))
        .or(cx.given_time)?;
    if !cx.keep(time) {
        return Some(true);
    }
    let current = str_at(obj, &["current"]).unwrap_or_default();
    let previous = str_at(obj, &["previous"]).unwrap_or_default();
    let name = str_at(obj, &["ruleTitle"])
        .or_else(|| str_at(obj, &["labels", "alertname"]))
        .unwrap_or_else(|| "Grafana alert".into());
    let key = str_at(obj, &["fingerprint"])
        .or_else(|| str_at(obj, &["ruleUID"]))
        .unwrap_or_else(|| name.clone());
    let service = str_at(obj, &["labels", "service"]);
    let state = |s: &str| s.split(' ').next().unwrap_or("").to_string();
    let (kind, level) = match (state(&previous).as_str(), state(&current).as_str()) {
        (_, "Alerting") => (
            Kind::alert_at(name.clone(), key, AlertState::Firing, time),
            Level::Error,
        ),
        ("Alerting", "Normal") => (
            Kind::alert_at(name.clone(), key, AlertState::Resolved, time),
            Level::Info,
        ),
        (_, "Error" | "NoData") => (Kind::Log, Level::Warn),
        _ => (Kind::Log, Level::Info),
    };
    let message = format!("{name}: {previous} → {current}");
    let mut e = cx.raw_event(time, kind, Some(level), service, message);
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}
