//! JSON lines: application logs under whatever keys their library uses, plus the JSON shapes
//! that carry alerts (Alertmanager payloads) and changes (Kubernetes events).
//!
//! A line is split into borrowed keys and raw values without building a DOM; only the time
//! is decoded before the window decides, and the other fields only for events that survive.

use super::{
    alertmanager, always_wanted, datadog, docker, github, grafana, helm, k8s, metrics, opsgenie,
    otlp, pagerduty, registry, spinnaker, timestamp, trim_end, zabbix, Cx, Declaration,
};
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::time::{Nanos, NANOS_PER_SEC};
use std::borrow::Cow;

mod audit;
mod layout;
mod object;
mod request;
mod rows;
#[cfg(test)]
mod tests;

pub use layout::Layouts;
use layout::{LEVEL, MESSAGE, SERVICE, TIME};
pub use object::{all_fields, number_at, object, raw_at, str_at, string, Object, Raw};
use request::cloud_service;

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let trimmed = super::trim_start(line);
    if !trimmed.starts_with('{') {
        return false;
    }
    let keys = cx.json.spare();
    let Some((obj, known)) = Object::split_knowing(trimmed, Some(cx.json.current()), keys) else {
        return false;
    };
    if !known {
        cx.json.fit(&obj, cx.classes, &cx.config);
    }
    let recognised = parse_object(&obj, trimmed, cx, out);
    cx.json.give_back(obj);
    recognised
}

/// The event of a line split into `obj` (`trimmed`, its text), if it is one.
fn parse_object(obj: &Object, trimmed: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    if cx.json.current().shape {
        if let Some(recognised) = shape(obj, cx, out) {
            return recognised;
        }
    }
    let Some((time_key, time)) = first(obj, &cx.json.current().at[TIME], |v| time_value(v, cx))
        .or(cx.given_time.map(|t| ("", t)))
    else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let (message_key, message) = first(obj, &cx.json.current().at[MESSAGE], |v| string(v)).unzip();
    let (level_key, lvl) = first(obj, &cx.json.current().at[LEVEL], |v| level(v)).unzip();
    let trace = cx.json.current().trace.then(|| stack_trace(obj)).flatten();
    let request = cx
        .json
        .current()
        .request
        .and_then(|r| request::REQUESTS.get(r))
        .and_then(|r| r.read(obj, message.is_some(), time, cx, out));
    if let Some(recognised) = request {
        return recognised;
    }
    let audit = cx
        .json
        .current()
        .audit
        .and_then(|a| audit::AUDITS.get(a))
        .and_then(|a| a.read(obj, time, cx, out));
    if let Some(recognised) = audit {
        return recognised;
    }
    if let (Some(text), None) = (&message, &trace) {
        // The service keys, not yet looked up, are none of those classifying reads.
        // A layout without a key that classifying reads (most) asks for no field at all: the
        // vocabulary's gating fields are then known absent without a lookup each.
        let counted = if cx.json.current().classified {
            let field = |k: &str| {
                let used = [time_key, message_key.unwrap_or(""), level_key.unwrap_or("")];
                (!used.contains(&k))
                    .then(|| obj.get(k))
                    .flatten()
                    .and_then(string)
            };
            cx.only_counted(time, lvl, trim_end(text), field)
        } else {
            cx.only_counted(time, lvl, trim_end(text), |_| None)
        };
        if counted {
            return true;
        }
    }
    let nested = message.is_none().then(|| nested_message(obj)).flatten();
    let cloud_entry = message_key == Some("textPayload") || nested.as_ref().is_some_and(|n| n.0);
    let mut message = message
        .map(|m| trim_end(&m).to_string())
        .or(nested.map(|n| n.1))
        .unwrap_or_else(|| trimmed.to_string());
    if let Some(trace) = trace {
        message.push('\n');
        message.push_str(trace.trim_end());
    }
    let (service_key, mut svc) = first(obj, &cx.json.current().at[SERVICE], |v| service(v)).unzip();
    if svc.is_none() && cloud_entry {
        svc = cloud_service(obj);
    }
    let used = [Some(time_key), message_key, level_key, service_key];
    let kind_only = cx.kind_only();
    let fields: Fields = obj
        .iter()
        .zip(&cx.json.current().always)
        .filter(|((k, _), &always)| (always || !kind_only) && !used.contains(&Some(k.0.as_ref())))
        .filter_map(|((k, v), _)| Some((k.0.to_string(), serde_json::from_str(v.get()).ok()?)))
        .collect();
    out.push(cx.event(time, lvl, svc, message, fields));
    true
}

/// The keys without which no alerting or deploy shape is read (see [`shape`]): most lines are
/// application logs that have none of them, and are spared a dozen shapes' lookups.
const SHAPE_KEYS: &[&str] = &[
    "alerts",
    "involvedObject",
    "log",
    "event",
    "type",
    "action",
    "title",
    "clock",
    "schemaVersion",
    "deployment_status",
    "details",
    "revision",
    "datapoints",
    "data",
    "resourceLogs",
];

/// A line in one of the JSON shapes that carry alerts and changes, read as its own; `None` for
/// a line in none of them. Each shape needs one of [`SHAPE_KEYS`].
fn shape(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if alertmanager::is_payload(obj) {
        let read = alertmanager::parse(obj, cx, out);
        return Some(cx.read_by(&registry::ALERTMANAGER, read));
    }
    if k8s::is_event(obj) {
        let read = k8s::parse(obj, cx, out);
        return Some(cx.read_by(&registry::K8S_EVENTS, read));
    }
    type Reader = fn(&Object, &mut Cx, &mut Vec<Event>) -> Option<bool>;
    let shapes: [(Reader, &'static Declaration); 11] = [
        (otlp::parse, &registry::OTLP),
        (metrics::parse, &registry::METRICS),
        (docker::parse, &registry::DOCKER),
        (pagerduty::parse, &registry::PAGERDUTY),
        (opsgenie::parse, &registry::OPSGENIE),
        (datadog::parse, &registry::DATADOG),
        (zabbix::parse, &registry::ZABBIX),
        (grafana::parse, &registry::GRAFANA),
        (github::parse, &registry::GITHUB),
        (spinnaker::parse, &registry::SPINNAKER),
        (helm::parse, &registry::HELM),
    ];
    shapes.iter().find_map(|(shape, declared)| {
        let read = shape(obj, cx, out)?;
        Some(cx.read_by(declared, read))
    })
}

/// The first of the keys at `places` (ranked, as a [`Layout`] has them) whose value `read`
/// accepts: the key, and what it read.
fn first<'o, 'a, T>(
    obj: &'o Object<'a>,
    places: &[(usize, usize)],
    read: impl Fn(&Raw<'a>) -> Option<T>,
) -> Option<(&'o str, T)> {
    places.iter().find_map(|&(_, i)| {
        let (k, v) = obj.0.get(i)?;
        Some((k.0.as_ref(), read(v)?))
    })
}

/// tracing-subscriber's JSON puts the message under `fields`; a Google Cloud Logging entry,
/// under `jsonPayload` (`true`: the line is such an entry).
fn nested_message(obj: &Object) -> Option<(bool, String)> {
    let (cloud, payload) = match obj.get("fields") {
        Some(fields) => (false, fields),
        None => (true, obj.get("jsonPayload")?),
    };
    let payload = object(payload)?;
    ["message", "msg"]
        .iter()
        .find_map(|k| payload.get(k).and_then(|v| string(v)))
        .map(|m| (cloud, trim_end(&m).to_string()))
}

/// The keys that hold a stack trace as a string, and those that hold an error object with
/// the stack trace inside.
const TRACE_KEYS: &[&str] = &["stack_trace", "stacktrace", "exception"];
const ERROR_KEYS: &[&str] = &["err", "error", "exception", "thrown"];

/// The stack trace a JSON logger put beside the message: logstash's `stack_trace`, zap's
/// `stacktrace`, `stack` inside Bunyan's and Pino's `err` object, or `extendedStackTrace`
/// inside log4j2's `thrown` (JsonLayout's `stacktraceAsString`).
fn stack_trace<'a>(obj: &'a Object) -> Option<Cow<'a, str>> {
    TRACE_KEYS
        .iter()
        .find_map(|k| obj.get(k).and_then(|v| string(v)))
        .or_else(|| {
            ERROR_KEYS.iter().find_map(|k| {
                let inner = object(obj.get(k)?)?;
                let trace = ["stack", "stack_trace", "extendedStackTrace"]
                    .iter()
                    .find_map(|s| inner.get(s).and_then(|v| string(v)))?;
                Some(Cow::Owned(trace.into_owned()))
            })
        })
}

/// An RFC 3339 string, or epoch seconds/ms/µs/ns as a number or a string of digits.
pub fn time_value(raw: &Raw, cx: &Cx) -> Option<Nanos> {
    let text = raw.get();
    // MongoDB's extended JSON: `{"$date":"2023-10-11T14:00:01.123+00:00"}`, or
    // `{"$date":{"$numberLong":"1697032801123"}}`; log4j2's JsonLayout:
    // `{"epochSecond":1669033790,"nanoOfSecond":415261100}`.
    if text.starts_with('{') {
        let inner = object(raw)?;
        if let Some(seconds) = inner.get("epochSecond") {
            let whole = |raw: &Raw| raw.get().parse::<i64>().ok();
            let nanos = inner.get("nanoOfSecond").map_or(Some(0), whole)?;
            return whole(seconds)?
                .checked_mul(NANOS_PER_SEC)?
                .checked_add(nanos)
                .filter(|_| (0..NANOS_PER_SEC).contains(&nanos));
        }
        let date = inner.get("$date").or_else(|| inner.get("$numberLong"))?;
        return time_value(date, cx);
    }
    if let Some(s) = string(raw) {
        if let Some((t, used)) = cx.dates.iso_time(s.as_bytes()) {
            return t.filter(|_| used == s.len());
        }
        return timestamp::epoch(&s);
    }
    timestamp::epoch(text)
}

fn level(raw: &Raw) -> Option<Level> {
    if let Some(s) = string(raw) {
        if let Ok(n) = s.parse::<u8>() {
            return (n <= 7).then(|| Level::from_syslog(n));
        }
        // MongoDB's severities are letters (`"s":"E"`), its debug levels `D1` to `D5`.
        if let [c, digits @ ..] = s.as_bytes() {
            if digits.len() <= 1 && digits.iter().all(u8::is_ascii_digit) {
                if let Some(level) = Level::from_letter(*c) {
                    return Some(level);
                }
            }
        }
        return Level::parse(&s);
    }
    match raw.get().as_bytes().first() {
        Some(b'[') => return tagged_level(raw),
        Some(b'{') => return string(object(raw)?.get("level")?).and_then(|s| Level::parse(&s)),
        _ => {}
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

/// The level among a list of tags: the first tag that is a level word, whole (`info`,
/// `warning`; not `plugin:kibana@6.3.0`, nor a letter).
/// Read where the list lies, as the line's own keys are: every line of such a log has one.
fn tagged_level(raw: &Raw) -> Option<Level> {
    let mut scan = object::Scan {
        text: raw.get(),
        at: 0,
    };
    scan.expect(b'[')?;
    loop {
        scan.space();
        // A tag that is a level word has no escapes: its text is between the quotes.
        if let (value, true) = scan.value()? {
            let tag = &value[1..value.len() - 1];
            let word = tag.len() >= 4 && tag.bytes().all(|c| c.is_ascii_alphabetic());
            if let Some(level) = Level::parse(tag).filter(|_| word) {
                return Some(level);
            }
        }
        scan.space();
        scan.expect(b',')?;
    }
}

/// A service name, from a string or from ECS's `{"service": {"name": …}}`. Words with spaces
/// are a title, not a service (`"name":"Bank API failover"` in a feature-flag audit entry).
fn service(raw: &Raw) -> Option<String> {
    if let Some(s) = string(raw) {
        let s = s.strip_suffix(".service").unwrap_or(&s);
        return (!s.is_empty() && !s.contains(char::is_whitespace)).then(|| s.to_string());
    }
    object(raw).and_then(|o| {
        o.get("name")
            .and_then(|v| string(v))
            .map(|s| s.into_owned())
    })
}
