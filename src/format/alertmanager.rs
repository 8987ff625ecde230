//! Alertmanager webhook payloads: one event per entry of `alerts[]`, timed by when the alert
//! started (`startsAt`) and, once resolved, ended (`endsAt`) — not by when the payload was
//! logged, since notifications repeat and arrive late.

use super::json::{object, string, time_value, Object, Raw};
use super::Cx;
use crate::event::{AlertState, Event, Fields, Kind, Level};
use serde_json::value::RawValue;

/// The Prometheus labels that name a service, in the order they are taken: an alert's labels
/// and a metric series' are the same labels (an alerting rule's series keeps them), so that
/// both name a service alike.
pub(super) const SERVICE_LABELS: &[&str] = &[
    "service",
    "service_name",
    "app",
    "application",
    "job",
    "container",
    "namespace",
];

pub fn is_payload(obj: &Object) -> bool {
    obj.get("alerts").is_some_and(|a| a.get().starts_with('['))
        && ["receiver", "groupKey", "version", "status"]
            .iter()
            .any(|k| obj.contains_key(k))
}

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(alerts) = obj
        .get("alerts")
        .and_then(|a| serde_json::from_str::<Vec<&RawValue>>(a.get()).ok())
    else {
        return false;
    };
    for raw in alerts {
        let Some(alert) = object(&Raw::from(raw)) else {
            continue;
        };
        let Some(started) = alert.get("startsAt").and_then(|v| time_value(v, cx)) else {
            continue;
        };
        let labels = alert
            .get("labels")
            .and_then(|v| object(v))
            .unwrap_or_default();
        let label = |k: &str| {
            labels
                .get(k)
                .and_then(|v| string(v))
                .map(|s| s.into_owned())
        };
        let name = label("alertname").unwrap_or_else(|| "alert".to_string());
        let ended = alert
            .get("endsAt")
            .and_then(|v| time_value(v, cx))
            .filter(|t| *t > started)
            .filter(|_| alert.get("status").and_then(|v| string(v)).as_deref() == Some("resolved"));
        let key = alert
            .get("fingerprint")
            .and_then(|v| string(v))
            .map(|s| s.into_owned())
            .unwrap_or_else(|| {
                let mut pairs: Vec<String> = labels
                    .iter()
                    .filter_map(|(k, v)| Some(format!("{}={}", k.0, string(v)?)))
                    .collect();
                pairs.sort();
                pairs.join(",")
            });
        let service = SERVICE_LABELS.iter().find_map(|k| label(k));
        let severity = label("severity").unwrap_or_default();
        let level = match severity.as_str() {
            "critical" | "page" | "error" | "high" => Level::Error,
            "warning" | "warn" | "medium" => Level::Warn,
            _ => Level::Info,
        };
        let annotations = alert
            .get("annotations")
            .and_then(|v| object(v))
            .unwrap_or_default();
        let summary = ["summary", "description", "message"].iter().find_map(|k| {
            annotations
                .get(k)
                .and_then(|v| string(v))
                .map(|s| s.into_owned())
        });
        for (state, time) in [
            (AlertState::Firing, Some(started)),
            (AlertState::Resolved, ended),
        ] {
            let Some(time) = time.filter(|t| cx.keep(*t)) else {
                continue;
            };
            let (level, message) = match state {
                AlertState::Firing => (
                    level,
                    format!(
                        "{name} firing{}",
                        summary
                            .as_deref()
                            .map(|s| format!(": {s}"))
                            .unwrap_or_default()
                    ),
                ),
                AlertState::Resolved => (Level::Info, format!("{name} resolved")),
            };
            let mut event = cx.raw_event(
                time,
                Kind::Alert {
                    name: name.clone(),
                    state,
                    key: key.clone(),
                    started: Some(started),
                },
                Some(level),
                service.clone(),
                message,
            );
            event.fields = fields(&alert);
            out.push(event);
        }
    }
    true
}

fn fields(alert: &Object) -> Fields {
    [
        "labels",
        "annotations",
        "fingerprint",
        "startsAt",
        "endsAt",
        "status",
        "generatorURL",
    ]
    .iter()
    .filter_map(|k| {
        Some((
            k.to_string(),
            serde_json::from_str(alert.get(k)?.get()).ok()?,
        ))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::event::{AlertState, Kind};
    use crate::format::testing::*;

    const RESOLVED: &str = r#"{"version":"4","groupKey":"{}:{alertname=\"HighErrorRate\"}","status":"resolved","receiver":"ops","alerts":[{"status":"resolved","labels":{"alertname":"HighErrorRate","service":"checkout","severity":"critical"},"annotations":{"summary":"5xx > 5%"},"startsAt":"2023-10-11T14:00:01.12Z","endsAt":"2023-10-11T14:12:31.004Z","fingerprint":"3b1f0c9a7d2e4f61"}]}"#;
    const FIRING: &str = r#"{"version":"4","status":"firing","receiver":"ops","alerts":[{"status":"firing","labels":{"alertname":"DiskFull","instance":"db-1"},"annotations":{},"startsAt":"2023-10-11T14:05:00Z","endsAt":"0001-01-01T00:00:00Z"}]}"#;

    #[test]
    fn timed_by_starts_and_ends_not_by_the_log() {
        let (events, _, _) = parse_all("alerts.jsonl", &[RESOLVED, FIRING]);
        let got: Vec<_> = events
            .iter()
            .map(|e| match &e.kind {
                Kind::Alert { name, state, .. } => (utc(e.time), name.clone(), *state),
                other => panic!("not an alert: {other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "2023-10-11T14:00:01.120Z".into(),
                    "HighErrorRate".into(),
                    AlertState::Firing
                ),
                (
                    "2023-10-11T14:05:00Z".into(),
                    "DiskFull".into(),
                    AlertState::Firing
                ),
                (
                    "2023-10-11T14:12:31.004Z".into(),
                    "HighErrorRate".into(),
                    AlertState::Resolved
                ),
            ]
        );
        assert_eq!(events[0].service.as_deref(), Some("checkout"));
        assert_eq!(events[0].message, "HighErrorRate firing: 5xx > 5%");
        assert_eq!(events[0].source.line, 1);
        assert_eq!(events[2].source.line, 1);
    }
}
