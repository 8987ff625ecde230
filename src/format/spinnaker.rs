//! Spinnaker (Echo) pipeline events: `details.type` is `orca:pipeline:starting`, `…:complete`
//! or `…:failed`; `details.created` is epoch milliseconds as a string.

use super::json::{all_fields, number_at, object, str_at, Object};
use super::Cx;
use crate::event::{DeployPhase, Event, Kind};
use crate::time::Nanos;

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let details = obj.get("details").and_then(|d| object(d))?;
    let event_type = str_at(&details, &["type"]).filter(|t| t.starts_with("orca:"))?;
    let time = (number_at(&details, &["created"])? * 1_000_000.0) as Nanos;
    if !cx.keep(time) {
        return Some(true);
    }
    let application = str_at(&details, &["application"]);
    let pipeline =
        str_at(obj, &["content", "execution", "name"]).unwrap_or_else(|| "pipeline".into());
    let phase = match event_type.as_str() {
        "orca:pipeline:starting" => Some(DeployPhase::Started),
        "orca:pipeline:complete" => Some(DeployPhase::Finished),
        "orca:pipeline:failed" => Some(DeployPhase::Failed),
        _ => None,
    };
    let mut parts = event_type.split(':').skip(1);
    let (what, step) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let message = match str_at(obj, &["content", "name"]).filter(|_| what == "stage") {
        Some(stage) => format!("{pipeline}: stage {stage} {step}"),
        None => format!("{pipeline} {step}"),
    };
    let rollback = pipeline.to_ascii_lowercase().contains("rollback");
    let (kind, level) = Kind::step_or_log(phase, None, rollback);
    let mut e = cx.raw_event(time, kind, Some(level), application, message);
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}
