//! GitHub `deployment_status` webhook payloads: queued/pending/in_progress start a deploy,
//! success finishes it, failure/error fail it. The version is the deployment's ref (a tag)
//! or its short commit.

use super::json::{all_fields, object, str_at, time_value, Object};
use super::Cx;
use crate::event::{DeployPhase, Event, Kind};

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let status = obj.get("deployment_status").and_then(|s| object(s))?;
    let Some(time) = status.get("created_at").and_then(|v| time_value(v, cx)) else {
        return Some(false);
    };
    if !cx.keep(time) {
        return Some(true);
    }
    let state = str_at(&status, &["state"]).unwrap_or_default();
    let phase = match state.as_str() {
        "queued" | "pending" | "in_progress" => Some(DeployPhase::Started),
        "success" => Some(DeployPhase::Finished),
        "failure" | "error" => Some(DeployPhase::Failed),
        _ => None,
    };
    let repo = str_at(obj, &["repository", "full_name"]).unwrap_or_default();
    let service = repo
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let reference = str_at(obj, &["deployment", "ref"]);
    let sha = str_at(obj, &["deployment", "sha"]).map(|s| s.chars().take(7).collect::<String>());
    let version = reference
        .filter(|r| r.starts_with('v') || r.contains('.'))
        .or(sha);
    let environment =
        str_at(&status, &["environment"]).or_else(|| str_at(obj, &["deployment", "environment"]));
    let message = format!(
        "deployment of {} {} to {}: {state}",
        service.as_deref().unwrap_or("repository"),
        version.as_deref().unwrap_or("?"),
        environment.as_deref().unwrap_or("?")
    );
    let (kind, level) = Kind::step_or_log(phase, version, false);
    let mut e = cx.raw_event(time, kind, Some(level), service, message);
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}
