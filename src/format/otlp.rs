//! OpenTelemetry logs as OTLP/JSON, one export request a line: what the Collector's `file`
//! exporter writes (`{"resourceLogs":[{"resource":{"attributes":[…]},"scopeLogs":[{"logRecords":
//! […]}]}]}`). Each log record is an event: at its `timeUnixNano` (else when it was observed),
//! its level from `severityText` or `severityNumber`, its message the body, its service the
//! resource's `service.name`, its attributes as fields. All the records of a line cite it.

use super::json::{object, string, Object, Raw};
use super::Cx;
use crate::event::{Event, Fields, Level};
use crate::time::Nanos;
use serde_json::value::RawValue;
use serde_json::Value;

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let resources = array(obj.get("resourceLogs")?)?;
    let mut read = false;
    for resource in resources {
        let Some(resource) = object(&Raw::from(resource)) else {
            continue;
        };
        let attributes = resource
            .get("resource")
            .and_then(object)
            .and_then(|r| r.get("attributes").copied());
        let service = attributes
            .as_ref()
            .and_then(|a| attribute(a, "service.name"));
        // `instrumentationLibraryLogs` before OTLP 0.15 named what is now `scopeLogs`.
        let scopes = ["scopeLogs", "instrumentationLibraryLogs"]
            .iter()
            .find_map(|k| resource.get(k).and_then(array))
            .unwrap_or_default();
        for scope in scopes {
            let records = object(&Raw::from(scope))
                .and_then(|s| s.get("logRecords").and_then(array))
                .unwrap_or_default();
            for record in records {
                if let Some(record) = object(&Raw::from(record)) {
                    read |= self::record(&record, service.as_deref(), cx, out);
                }
            }
        }
    }
    Some(read)
}

/// One log record's event (or its count, for a draft); `false` when it has no time.
fn record(record: &Object, service: Option<&str>, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    // A time of zero is unknown (the data model's rule): then when it was observed.
    let nanos = |k: &str| {
        record
            .get(k)
            .and_then(|v| string(v).map_or_else(|| v.get().parse().ok(), |s| s.parse().ok()))
            .filter(|t: &Nanos| *t > 0)
    };
    let Some(time) = nanos("timeUnixNano").or_else(|| nanos("observedTimeUnixNano")) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let level = record
        .get("severityText")
        .and_then(|v| string(v))
        .and_then(|s| Level::parse(&s))
        .or_else(|| severity(record.get("severityNumber")?));
    let message = record
        .get("body")
        .map(|b| any_value(b).map_or_else(|| b.get().to_string(), |v| text(&v)))
        .unwrap_or_default();
    let attributes = record.get("attributes").map(|a| attributes_of(a));
    let field = |k: &str| {
        let found = attributes.as_ref()?.iter().find(|(key, _)| key == k)?;
        Some(std::borrow::Cow::Owned(text(&found.1)))
    };
    if cx.only_counted(time, level, &message, field) {
        return true;
    }
    let mut fields = Fields::new();
    for (key, value) in attributes.into_iter().flatten() {
        if cx.wants_field(&key) {
            fields.insert(key, value);
        }
    }
    for key in ["traceId", "spanId"] {
        if let Some(id) = record
            .get(key)
            .and_then(|v| string(v))
            .filter(|s| !s.is_empty())
        {
            if cx.wants_field(key) {
                fields.insert(key, Value::String(id.into_owned()));
            }
        }
    }
    out.push(cx.event(time, level, service.map(String::from), message, fields));
    true
}

/// The level of a severity number: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20
/// error, 21–24 fatal (the data model's ranges); or of the enumeration's name, as some
/// exporters write it (`SEVERITY_NUMBER_INFO2`).
fn severity(number: &Raw) -> Option<Level> {
    if let Some(name) = string(number) {
        let name = name.strip_prefix("SEVERITY_NUMBER_")?;
        return Level::parse(name.trim_end_matches(|c: char| c.is_ascii_digit()));
    }
    Some(match number.get().parse::<u8>().ok()? {
        1..=8 => Level::Debug,
        9..=12 => Level::Info,
        13..=16 => Level::Warn,
        17..=24 => Level::Error,
        _ => return None,
    })
}

fn array<'a>(raw: &Raw<'a>) -> Option<Vec<&'a RawValue>> {
    serde_json::from_str::<Vec<&RawValue>>(raw.get()).ok()
}

/// An `AnyValue` (`{"stringValue": …}`, `{"intValue": "42"}`, …) as a JSON value.
fn any_value(raw: &Raw) -> Option<Value> {
    let obj = object(raw)?;
    let (kind, inner) = obj.iter().next()?;
    let value: Value = serde_json::from_str(inner.get()).ok()?;
    Some(match kind.0.as_ref() {
        // 64-bit integers are strings in OTLP/JSON.
        "intValue" => value
            .as_str()
            .and_then(|s| s.parse::<i64>().ok())
            .map_or(value, Value::from),
        _ => value,
    })
}

/// A value as a message or a field's text: a string as it is, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Key-value pairs (`[{"key": …, "value": {AnyValue}}]`) as keys and values.
fn attributes_of(raw: &Raw) -> Vec<(String, Value)> {
    array(raw)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|pair| {
            let pair = object(&Raw::from(pair))?;
            let key = string(pair.get("key")?)?.into_owned();
            let value = any_value(pair.get("value")?)?;
            Some((key, value))
        })
        .collect()
}

/// The string of the attribute `key` among `raw`'s.
fn attribute(raw: &Raw, key: &str) -> Option<String> {
    attributes_of(raw)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| text(&v))
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::event::Level;
    use crate::format::testing::parse_all;
    use serde_json::json;

    /// The logs example of the OTLP specification's repository (opentelemetry-proto,
    /// `examples/logs.json`, as a project's test quotes it), on one line as the Collector's
    /// file exporter writes a request; and a record as the OpenTelemetry demo's cart service
    /// exported it (quoted in a project's notes) under its resource.
    #[test]
    fn each_record_is_an_event_of_its_resources_service() {
        let spec = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},"scopeLogs":[{"scope":{"name":"my.library","version":"1.0.0","attributes":[{"key":"my.scope.attribute","value":{"stringValue":"some scope attribute"}}]},"logRecords":[{"timeUnixNano":"1544712660300000000","observedTimeUnixNano":"1544712660300000000","severityNumber":10,"severityText":"Information","traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","eventName":"browser.page_view","body":{"stringValue":"Example log record"},"attributes":[{"key":"string.attribute","value":{"stringValue":"some string"}},{"key":"boolean.attribute","value":{"boolValue":true}},{"key":"int.attribute","value":{"intValue":"10"}},{"key":"double.attribute","value":{"doubleValue":637.704}},{"key":"array.attribute","value":{"arrayValue":{"values":[{"stringValue":"many"},{"stringValue":"values"}]}}},{"key":"map.attribute","value":{"kvlistValue":{"values":[{"key":"some.map.key","value":{"stringValue":"some value"}}]}}}]}]}]}]}"#;
        let demo = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cartservice"}}]},"scopeLogs":[{"logRecords":[{"traceId":"61432d488c5740779ad434e04be1b6ce","spanId":"0b8a1dde4257e2ec","observedTimeUnixNano":"1701772879395473100","timeUnixNano":"1701772879395473100","severityNumber":"SEVERITY_NUMBER_INFO","severityText":"Information","body":{"stringValue":"GetCartAsync called with userId={userId}"},"attributes":[{"key":"userId","value":{"stringValue":"aaaaaaaaa"}}],"flags":1}]}]}]}"#;
        let (events, counts, _) = parse_all("otel/logs.jsonl", &[spec, demo]);
        assert_eq!(counts.parsed, 2);
        let [example, cart] = events.as_slice() else {
            panic!("{events:?}");
        };
        assert_eq!(example.time, 1_544_712_660_300_000_000);
        assert_eq!(example.level, Some(Level::Info));
        assert_eq!(example.service.as_deref(), Some("my.service"));
        assert_eq!(example.message, "Example log record");
        assert_eq!(example.fields.get("int.attribute"), Some(&json!(10)));
        assert_eq!(example.fields.get("boolean.attribute"), Some(&json!(true)));
        assert_eq!(
            example.fields.get("traceId"),
            Some(&json!("5B8EFFF798038103D269B633813FC60C"))
        );
        assert_eq!(cart.level, Some(Level::Info));
        assert_eq!(cart.service.as_deref(), Some("cartservice"));
        assert_eq!(cart.fields.get("userId"), Some(&json!("aaaaaaaaa")));
    }

    /// Severity numbers as the data model ranges them, and as the demo's exporter names them.
    #[test]
    fn a_severity_number_or_its_name_is_a_level() {
        for (raw, level) in [
            ("10", Some(Level::Info)),
            ("13", Some(Level::Warn)),
            ("21", Some(Level::Error)),
            ("1", Some(Level::Debug)),
            ("0", None),
            (r#""SEVERITY_NUMBER_INFO""#, Some(Level::Info)),
            (r#""SEVERITY_NUMBER_WARN2""#, Some(Level::Warn)),
            (r#""SEVERITY_NUMBER_UNSPECIFIED""#, None),
        ] {
            let raw = crate::format::json::Raw::from(
                serde_json::from_str::<&serde_json::value::RawValue>(raw).expect("json"),
            );
            assert_eq!(super::severity(&raw), level, "{}", raw.get());
        }
    }
}
