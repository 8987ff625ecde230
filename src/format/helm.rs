//! Entries of `helm history -o json`: each revision with its `updated` time (RFC 3339; `""`
//! when zero), `status`, `chart`, `app_version` and `description` ("Upgrade complete",
//! "Rollback to 5", "… failed …").

use super::json::{all_fields, number_at, str_at, time_value, Object};
use super::Cx;
use crate::event::{DeployPhase, Event, Kind};

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if !(obj.contains_key("revision") && obj.contains_key("chart") && obj.contains_key("status")) {
        return None;
    }
    // Helm writes `"updated": ""` for a zero time: the revision cannot be placed.
    let time = obj.get("updated").and_then(|v| time_value(v, cx))?;
    if !cx.keep(time) {
        return Some(true);
    }
    let status = str_at(obj, &["status"]).unwrap_or_default();
    let description = str_at(obj, &["description"]).unwrap_or_default();
    let chart = str_at(obj, &["chart"]).unwrap_or_default();
    let service = chart
        .rsplit_once('-')
        .map_or(chart.as_str(), |(name, _)| name)
        .to_string();
    let version = str_at(obj, &["app_version"])
        .or_else(|| chart.rsplit_once('-').map(|(_, v)| v.to_string()));
    let revision = number_at(obj, &["revision"]).unwrap_or(0.0);
    let phase = if status == "failed" || description.contains("failed") {
        DeployPhase::Failed
    } else if status.starts_with("pending") {
        DeployPhase::Started
    } else {
        DeployPhase::Finished
    };
    let rollback = description.starts_with("Rollback") || status == "pending-rollback";
    let level = phase.level();
    let message = format!("revision {revision} {status}: {description}");
    let mut e = cx.raw_event(
        time,
        Kind::Deploy {
            phase,
            version,
            rollback,
        },
        Some(level),
        Some(service),
        message,
    );
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}
