//! JSON lines: application logs under whatever keys their library uses, plus the JSON shapes
//! that carry alerts (Alertmanager payloads) and changes (Kubernetes events).
//!
//! A line is split into borrowed keys and raw values without building a DOM; only the time
//! is decoded before the window decides, and the other fields only for events that survive.

use super::{
    alertmanager, classify, datadog, docker, github, grafana, helm, k8s, opsgenie, pagerduty,
    spinnaker, timestamp, zabbix, Cx,
};
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::time::Nanos;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::{Borrow, Cow};
use std::fmt;
use std::marker::PhantomData;

/// A key or string borrowed from the line unless it had escapes.
#[derive(Deserialize, Hash, PartialEq, Eq, Debug)]
pub struct Text<'a>(#[serde(borrow)] pub Cow<'a, str>);

impl Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A line's top-level keys, in the line's order. Built for every JSON line, and a log line has
/// a handful of keys: a short list searched from its end (so that a repeated key's last value
/// wins, as in a map) costs less than hashing every key into a table.
#[derive(Debug, Default)]
pub struct Object<'a>(Vec<(Text<'a>, &'a RawValue)>);

impl<'a> Object<'a> {
    pub fn get(&self, key: &str) -> Option<&&'a RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k.0 == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Text<'a>, &&'a RawValue)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Object<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Keys<'a> {
            type Value = Object<'a>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Object<'a>, M::Error> {
                let mut keys = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry::<Text<'a>, &'a RawValue>()? {
                    keys.push(entry);
                }
                Ok(Object(keys))
            }
        }
        deserializer.deserialize_map(Keys(PhantomData))
    }
}

/// Keys that hold the time, most specific first.
const TIME_KEYS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "time",
    "ts",
    "datetime",
    "date",
    "t",
    "eventTime",
    "__REALTIME_TIMESTAMP",
    "_time",
    "@t",
    "created_at",
    "createdAt",
    "occurred_at",
    "asctime",
];
const MESSAGE_KEYS: &[&str] = &[
    "message", "msg", "MESSAGE", "@message", "@m", "log", "text", "body", "event",
];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "lvl",
    "severity",
    "log.level",
    "levelname",
    "loglevel",
    "@level",
    "@l",
    "PRIORITY",
];
const SERVICE_KEYS: &[&str] = &[
    "service",
    "service.name",
    "app",
    "application",
    "app_name",
    "_SYSTEMD_UNIT",
    "SYSLOG_IDENTIFIER",
    "name",
];

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let trimmed = line.trim_start();
    if !trimmed.starts_with('{') {
        return false;
    }
    let Ok(obj) = serde_json::from_str::<Object>(trimmed) else {
        return false;
    };
    if alertmanager::is_payload(&obj) {
        return alertmanager::parse(&obj, cx, out);
    }
    if k8s::is_event(&obj) {
        return k8s::parse(&obj, cx, out);
    }
    if let Some(recognised) = [
        docker::parse,
        pagerduty::parse,
        opsgenie::parse,
        datadog::parse,
        zabbix::parse,
        grafana::parse,
        github::parse,
        spinnaker::parse,
        helm::parse,
    ]
    .iter()
    .find_map(|shape| shape(&obj, cx, out))
    {
        return recognised;
    }
    let Some((time_key, time)) = TIME_KEYS
        .iter()
        .find_map(|k| Some((*k, time_value(obj.get(k)?, cx)?)))
        .or(cx.given_time.map(|t| ("", t)))
    else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let message_key = MESSAGE_KEYS
        .iter()
        .find(|k| obj.get(k).and_then(|v| string(v)).is_some());
    let mut message = message_key
        .and_then(|k| obj.get(k).and_then(|v| string(v)))
        .map(|m| m.trim_end().to_string())
        .or_else(|| nested_message(&obj))
        .unwrap_or_else(|| trimmed.to_string());
    if let Some(trace) = stack_trace(&obj) {
        message.push('\n');
        message.push_str(trace.trim_end());
    }
    let level_key = LEVEL_KEYS
        .iter()
        .find(|k| obj.get(k).and_then(|v| level(v)).is_some());
    let lvl = level_key.and_then(|k| obj.get(k).and_then(|v| level(v)));
    let service_key = SERVICE_KEYS
        .iter()
        .find(|k| obj.get(k).and_then(|v| service(v)).is_some());
    let svc = service_key.and_then(|k| obj.get(k).and_then(|v| service(v)));
    let used = [
        Some(time_key),
        message_key.copied(),
        level_key.copied(),
        service_key.copied(),
    ];
    // An ordinary line read for a draft is counted and dropped unless its wording or fields
    // make it a deploy, a change or an OOM kill: only the fields that can decide that are built.
    let ordinary = cx.draft() && !matches!(lvl, Some(Level::Error | Level::Warn));
    let fields: Fields = obj
        .iter()
        .filter(|(k, _)| !used.contains(&Some(k.0.as_ref())))
        .filter(|(k, _)| {
            !ordinary || classify::DRAFT_READS.contains(&k.0.as_ref()) || cx.names_service(&k.0)
        })
        .filter_map(|(k, v)| Some((k.0.to_string(), serde_json::from_str(v.get()).ok()?)))
        .collect();
    out.push(cx.event(time, lvl, svc, message, fields));
    true
}

/// tracing-subscriber's JSON puts the message under `fields`.
fn nested_message(obj: &Object) -> Option<String> {
    let fields = object(obj.get("fields")?)?;
    fields
        .get("message")
        .and_then(|v| string(v))
        .map(|m| m.into_owned())
}

/// The stack trace a JSON logger put beside the message: logstash's `stack_trace`, zap's
/// `stacktrace`, or `stack` inside Bunyan's and Pino's `err` object.
fn stack_trace<'a>(obj: &'a Object) -> Option<Cow<'a, str>> {
    ["stack_trace", "stacktrace", "exception"]
        .iter()
        .find_map(|k| obj.get(k).and_then(|v| string(v)))
        .or_else(|| {
            ["err", "error", "exception"].iter().find_map(|k| {
                let inner = object(obj.get(k)?)?;
                let trace = ["stack", "stack_trace"]
                    .iter()
                    .find_map(|s| inner.get(s).and_then(|v| string(v)))?;
                Some(Cow::Owned(trace.into_owned()))
            })
        })
}

/// A string value, borrowed when it has no escapes.
pub fn string<'a>(raw: &'a RawValue) -> Option<Cow<'a, str>> {
    if !raw.get().starts_with('"') {
        return None;
    }
    serde_json::from_str::<Text>(raw.get()).ok().map(|t| t.0)
}

/// The raw value at a path of keys: `raw_at(obj, &["event", "data", "title"])`.
pub fn raw_at<'a>(obj: &Object<'a>, path: &[&str]) -> Option<&'a RawValue> {
    let (first, rest) = path.split_first()?;
    let mut raw: &'a RawValue = obj.get(first)?;
    for key in rest {
        raw = object(raw)?.get(key).copied()?;
    }
    Some(raw)
}

/// The string at a path of keys.
pub fn str_at(obj: &Object, path: &[&str]) -> Option<String> {
    string(raw_at(obj, path)?)
        .map(Cow::into_owned)
        .filter(|s| !s.is_empty())
}

/// A number at a path of keys, written as a number or as a string of digits.
pub fn number_at(obj: &Object, path: &[&str]) -> Option<f64> {
    let raw = raw_at(obj, path)?;
    string(raw).map_or_else(|| raw.get().parse().ok(), |s| s.parse().ok())
}

/// Every top-level key as a field, for the event stream.
pub fn all_fields(obj: &Object) -> Fields {
    obj.iter()
        .filter_map(|(k, v)| Some((k.0.to_string(), serde_json::from_str(v.get()).ok()?)))
        .collect()
}

/// A nested object, split like the line itself.
pub fn object<'a>(raw: &'a RawValue) -> Option<Object<'a>> {
    raw.get()
        .starts_with('{')
        .then(|| serde_json::from_str(raw.get()).ok())
        .flatten()
}

/// An RFC 3339 string, or epoch seconds/ms/µs/ns as a number or a string of digits.
pub fn time_value(raw: &RawValue, cx: &Cx) -> Option<Nanos> {
    let text = raw.get();
    if let Some(s) = string(raw) {
        if let Some((stamp, used)) = timestamp::iso(s.as_bytes()) {
            return (used == s.len()).then(|| cx.resolve(&stamp)).flatten();
        }
        return timestamp::epoch(&s);
    }
    timestamp::epoch(text)
}

fn level(raw: &RawValue) -> Option<Level> {
    if let Some(s) = string(raw) {
        if let Ok(n) = s.parse::<u8>() {
            return (n <= 7).then(|| Level::from_syslog(n));
        }
        return Level::parse(&s);
    }
    // Bunyan and Pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    let n: u32 = raw.get().parse().ok()?;
    Some(match n {
        50.. => Level::Error,
        40..=49 => Level::Warn,
        30..=39 => Level::Info,
        _ => Level::Debug,
    })
}

/// A service name, from a string or from ECS's `{"service": {"name": …}}`.
fn service(raw: &RawValue) -> Option<String> {
    if let Some(s) = string(raw) {
        let s = s.strip_suffix(".service").unwrap_or(&s);
        return (!s.is_empty()).then(|| s.to_string());
    }
    object(raw).and_then(|o| {
        o.get("name")
            .and_then(|v| string(v))
            .map(|s| s.into_owned())
    })
}

#[cfg(test)]
mod tests {
    use crate::event::Level;
    use crate::format::testing::*;

    #[test]
    fn common_keys_and_epoch_units() {
        let (events, counts, _) = parse_all(
            "svc.jsonl",
            &[
                r#"{"@timestamp":"2023-10-11T14:00:01.5Z","log.level":"ERROR","message":"db down","service.name":"orders"}"#,
                r#"{"level":50,"time":1697032802123,"pid":1,"hostname":"h","msg":"pino error"}"#,
                r#"{"__REALTIME_TIMESTAMP":"1697032803123456","PRIORITY":"3","_SYSTEMD_UNIT":"checkout.service","MESSAGE":"pool exhausted"}"#,
                r#"{"ts":1697032804.25,"level":"warn","msg":"slow","user":{"id":7}}"#,
                r#"{"no_time":true}"#,
            ],
        );
        assert_eq!(counts.unrecognised, 1);
        let got: Vec<_> = events
            .iter()
            .map(|e| {
                (
                    utc(e.time),
                    e.level,
                    e.service.clone().unwrap_or_default(),
                    e.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            got[0],
            (
                "2023-10-11T14:00:01.500Z".into(),
                Some(Level::Error),
                "orders".into(),
                "db down".into()
            )
        );
        assert_eq!(
            got[1],
            (
                "2023-10-11T14:00:02.123Z".into(),
                Some(Level::Error),
                "svc".into(),
                "pino error".into()
            )
        );
        assert_eq!(
            got[2],
            (
                "2023-10-11T14:00:03.123456Z".into(),
                Some(Level::Error),
                "checkout".into(),
                "pool exhausted".into()
            )
        );
        assert_eq!(got[3].0, "2023-10-11T14:00:04.250Z");
        assert_eq!(
            events[3]
                .fields
                .get("user")
                .map(|v| v.to_string())
                .as_deref(),
            Some(r#"{"id":7}"#)
        );
    }

    #[test]
    fn broken_json_is_not_an_event() {
        let (events, counts, _) =
            parse_all("x.jsonl", &[r#"{"time":"2023-10-11T14:00:01Z","msg":"cut"#]);
        assert!(events.is_empty());
        assert_eq!(counts.unrecognised, 1);
    }
}
