//! Kubernetes Event objects, one JSON object per line (`kubectl get events -o json | jq -c
//! '.items[]'`, event exporters). Reasons map to the kinds a timeline cares about: scaling,
//! back-off restarts, OOM kills, and Argo CD / Flux rollouts.

use super::json::{object, str_at, string, time_value, Object};
use super::Cx;
use crate::event::Fields;
use crate::event::{DeployPhase, Event, Kind, Level};
use serde_json::Value;

pub fn is_event(obj: &Object) -> bool {
    obj.contains_key("involvedObject") && obj.contains_key("reason")
}

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let text = |k: &str| {
        obj.get(k)
            .and_then(|v| string(v))
            .map(|s| s.into_owned())
            .unwrap_or_default()
    };
    // The first occurrence is what a timeline needs; `lastTimestamp` only when that is missing.
    let metadata = obj
        .get("metadata")
        .and_then(|v| object(v))
        .unwrap_or_default();
    let Some(time) = ["firstTimestamp", "eventTime", "lastTimestamp", "timestamp"]
        .iter()
        .find_map(|k| obj.get(k).and_then(|v| time_value(v, cx)))
        .or_else(|| {
            metadata
                .get("creationTimestamp")
                .and_then(|v| time_value(v, cx))
        })
    else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let field = |k: &str| str_at(obj, &["involvedObject", k]).unwrap_or_default();
    let (object_kind, name) = (field("kind"), field("name"));
    let (reason, message) = (text("reason"), text("message"));
    // Flux's notification payloads say `severity: error` where Kubernetes says `type: Warning`.
    let warning = text("type") == "Warning" || text("severity") == "error";
    let revision = str_at(obj, &["metadata", "revision"]);
    let deploy = |phase, rollback| Kind::Deploy {
        phase,
        version: cx
            .classes
            .version_in(&message)
            .or_else(|| revision.as_deref().map(short_revision)),
        rollback,
    };
    let (kind, level) = match reason.as_str() {
        "ScalingReplicaSet" | "SuccessfulRescale" => (Kind::Scale, Level::Info),
        "BackOff" | "CrashLoopBackOff" => (Kind::Restart, Level::Warn),
        "OOMKilling" | "SystemOOM" | "OOMKilled" => (Kind::Oom, Level::Error),
        "OperationStarted" => (deploy(DeployPhase::Started, false), Level::Info),
        "OperationCompleted" if warning || message.contains("failed") => {
            (deploy(DeployPhase::Failed, false), Level::Error)
        }
        "OperationCompleted" | "InstallSucceeded" | "UpgradeSucceeded" => {
            (deploy(DeployPhase::Finished, false), Level::Info)
        }
        "InstallFailed" | "UpgradeFailed" | "RollbackFailed" => {
            (deploy(DeployPhase::Failed, false), Level::Error)
        }
        "RollbackSucceeded" => (deploy(DeployPhase::Finished, true), Level::Info),
        "ReconciliationFailed" => (Kind::Change, Level::Error),
        _ if warning => (Kind::Log, Level::Warn),
        _ => (Kind::Log, Level::Info),
    };
    let kind_lower = object_kind.to_ascii_lowercase();
    let mut event = cx.raw_event(
        time,
        kind,
        Some(level),
        Some(workload(&object_kind, &name)),
        format!("{reason} {kind_lower}/{name}: {message}"),
    );
    event.fields = [
        "involvedObject",
        "count",
        "source",
        "type",
        "lastTimestamp",
        "reportingComponent",
        "reportingController",
        "metadata",
    ]
    .iter()
    .filter_map(|k| {
        Some((
            k.to_string(),
            serde_json::from_str::<Value>(obj.get(k)?.get()).ok()?,
        ))
    })
    .filter(|(_, v)| !v.is_null())
    .collect::<Fields>();
    out.push(event);
    true
}

/// Flux revisions: `main@sha1:9f3c2e1a…` → `9f3c2e1`, `1.4.2` stays.
fn short_revision(revision: &str) -> String {
    match revision.rsplit_once(':') {
        Some((_, sha)) => sha.chars().take(7).collect(),
        None => revision.to_string(),
    }
}

/// The workload behind a generated name: pod `checkout-7d4b9c8f6-x2k9p` and replica set
/// `checkout-7d4b9c8f6` both belong to `checkout`; a StatefulSet pod `db-0` to `db`.
fn workload(kind: &str, name: &str) -> String {
    let hashy = |s: &str| {
        (5..=10).contains(&s.len())
            && s.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.bytes().any(|c| c.is_ascii_digit())
    };
    let mut parts: Vec<&str> = name.split('-').collect();
    match kind {
        "Pod" => {
            if parts.len() > 1
                && parts
                    .last()
                    .is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit()))
            {
                parts.pop();
            } else {
                for _ in 0..2 {
                    if parts.len() > 1 && parts.last().is_some_and(|p| hashy(p) || p.len() == 5) {
                        parts.pop();
                    }
                }
            }
        }
        "ReplicaSet" if parts.len() > 1 && parts.last().is_some_and(|p| hashy(p)) => {
            parts.pop();
        }
        _ => {}
    }
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::workload;
    use crate::event::{DeployPhase, Kind};
    use crate::format::testing::*;

    #[test]
    fn generated_names_map_to_workloads() {
        assert_eq!(workload("Pod", "checkout-7d4b9c8f6-x2k9p"), "checkout");
        assert_eq!(workload("ReplicaSet", "checkout-7d4b9c8f6"), "checkout");
        assert_eq!(workload("Pod", "db-0"), "db");
        assert_eq!(workload("Deployment", "checkout-api"), "checkout-api");
    }

    #[test]
    fn reasons_become_kinds() {
        let (events, _, _) = parse_all(
            "k8s/events.jsonl",
            &[
                r#"{"kind":"Event","involvedObject":{"kind":"Deployment","namespace":"prod","name":"checkout"},"reason":"ScalingReplicaSet","message":"Scaled up replica set checkout-7d4b9c8f6 from 0 to 3","type":"Normal","firstTimestamp":"2023-10-11T13:41:00Z","lastTimestamp":"2023-10-11T13:41:00Z","count":1}"#,
                r#"{"kind":"Event","involvedObject":{"kind":"Pod","name":"checkout-7d4b9c8f6-x2k9p"},"reason":"BackOff","message":"Back-off restarting failed container app","type":"Warning","firstTimestamp":"2023-10-11T14:09:00Z","lastTimestamp":"2023-10-11T14:20:00Z","count":9}"#,
                r#"{"kind":"Event","involvedObject":{"kind":"Application","name":"checkout"},"reason":"OperationCompleted","message":"Sync operation to v4.2.0 succeeded","type":"Normal","firstTimestamp":"2023-10-11T13:44:00Z"}"#,
            ],
        );
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].kind, Kind::Scale);
        assert_eq!(
            (utc(events[2].time), events[2].kind.clone()),
            ("2023-10-11T14:09:00Z".into(), Kind::Restart)
        );
        assert_eq!(events[2].service.as_deref(), Some("checkout"));
        assert_eq!(
            events[1].kind,
            Kind::Deploy {
                phase: DeployPhase::Finished,
                version: Some("v4.2.0".into()),
                rollback: false
            }
        );
    }
}
