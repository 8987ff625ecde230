//! Requests in JSON lines, as data (`requests.toml`): where each program puts a request's
//! status, method, URL and duration. A file's layout of keys settles once which request, if
//! any, its lines are ([`Requests::fitting`]); each such line is then read as an access log's
//! request is.

use super::object::{object, raw_at, str_at, string, Object, Raw};
use super::rows::{documented, path, Path, Row, Rows};
use super::time_value;
use crate::event::{Event, Fields};
use crate::format::{access, Cx};
use crate::time::{Nanos, NANOS_PER_SEC};
use serde::Deserialize;
use std::sync::LazyLock;

const TEXT: &str = include_str!("requests.toml");

/// The requests of the table, read when a JSON layout is first learnt.
pub(super) static REQUESTS: LazyLock<Rows<Request>> =
    LazyLock::new(|| parse(TEXT).expect("requests.toml reads (a test checks)"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    request: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    seen: String,
    status: String,
    method: String,
    url: Vec<String>,
    time: Option<String>,
    when: Option<(String, String)>,
    duration: Option<String>,
    unit: Option<String>,
    ends: Option<String>,
    #[serde(default)]
    service: Vec<String>,
    #[serde(default = "yes")]
    message: bool,
    samples: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Where a request's duration is.
enum Duration {
    None,
    /// A number (or a string of one) in units of this many nanoseconds.
    Value(Path, f64),
    /// A time like the request's own, where it ended.
    Ends(String),
}

/// One program's request, its keys as paths.
pub(super) struct Request {
    status: Path,
    method: Path,
    url: Vec<Path>,
    /// The key of the request's time, where the log's own time keys do not hold it.
    pub(super) time: Option<String>,
    when: Option<(String, String)>,
    duration: Duration,
    service: Vec<Path>,
    /// Whether a line with a message of its own may be this request.
    with_message: bool,
}

fn parse(text: &str) -> Result<Rows<Request>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    Rows::of(file.request, Request::of)
}

impl Row for Request {
    /// A request's status, method, a URL, its time and what `when` asks of are all there.
    fn fits(&self, has: &dyn Fn(&str) -> bool) -> bool {
        let top = |p: &Path| p.first().is_some_and(|k| has(k));
        top(&self.status)
            && top(&self.method)
            && self.url.iter().any(top)
            && self.time.as_deref().is_none_or(has)
            && self.when.as_ref().is_none_or(|(k, _)| has(k))
    }
}

impl Request {
    fn of(e: Entry) -> Result<Request, String> {
        documented(&e.name, &e.seen, e.samples.len())?;
        let duration = match (e.duration, e.unit.as_deref(), e.ends) {
            (None, None, None) => Duration::None,
            (Some(key), Some(unit), None) => {
                let scale = match unit {
                    "s" => NANOS_PER_SEC as f64,
                    "ms" => 1e6,
                    "us" => 1e3,
                    "ns" => 1.0,
                    _ => return Err(format!("{}: unit {unit:?}: s, ms, us or ns", e.name)),
                };
                Duration::Value(path(&key), scale)
            }
            (None, None, Some(key)) => Duration::Ends(key),
            _ => {
                return Err(format!(
                    "{}: a duration with its unit, or where the request ends",
                    e.name
                ))
            }
        };
        Ok(Request {
            status: path(&e.status),
            method: path(&e.method),
            url: e.url.iter().map(|u| path(u)).collect(),
            time: e.time,
            when: e.when,
            duration,
            service: e.service.iter().map(|s| path(s)).collect(),
            with_message: e.message,
        })
    }

    /// Reads `obj`, a line at `time` whose layout is this request's, as one; `None` when it is
    /// not (no status there, a message of its own where the request has none, a `when` not
    /// met), for the line to be read as a log line.
    pub(super) fn read(
        &self,
        obj: &Object,
        has_message: bool,
        time: Nanos,
        cx: &mut Cx,
        out: &mut Vec<Event>,
    ) -> Option<bool> {
        if has_message && !self.with_message {
            return None;
        }
        if let Some((key, prefix)) = &self.when {
            let value = obj.get(key).and_then(|v| string(v))?;
            if !value.starts_with(prefix.as_str()) {
                return None;
            }
        }
        let status = http_status(&raw_at(obj, &self.status)?)?;
        let duration = match &self.duration {
            Duration::None => None,
            Duration::Value(at, scale) => raw_at(obj, at).and_then(|v| scaled(&v, *scale)),
            Duration::Ends(key) => obj
                .get(key)
                .and_then(|v| time_value(v, cx))
                .map(|end| end - time)
                .filter(|d| *d >= 0),
        };
        if cx.count_request(time, status, duration, out) {
            return Some(true);
        }
        let text = |at: &Path| str_at(obj, at);
        // Kibana writes `"method":"get"`: methods are shown as request lines write them.
        let method = text(&self.method).unwrap_or_default().to_ascii_uppercase();
        let url = self.url.iter().find_map(text).unwrap_or_default();
        let req = access::Heard {
            time,
            method: &method,
            target: access::target_of(&url),
            status,
            duration,
        };
        let service = self.service.iter().find_map(text);
        access::push_request(req, service, Fields::new(), cx, out);
        Some(true)
    }
}

/// A JSON number that is an HTTP status.
fn http_status(raw: &Raw) -> Option<u16> {
    raw.get()
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
}

/// A duration of `scale` nanoseconds a unit, written as a number or a string of one (Google's
/// latency is a string of seconds ending in `s`).
fn scaled(raw: &Raw, scale: f64) -> Option<Nanos> {
    let text = string(raw);
    let number = match &text {
        Some(s) => s.strip_suffix('s').unwrap_or(s),
        None => raw.get(),
    };
    let n = number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)?;
    Some((n * scale) as Nanos)
}

/// The service of a Google Cloud Logging entry, from its monitored resource's labels: Cloud
/// Run's service, a GKE container, a Cloud Function, an App Engine module.
pub(super) fn cloud_service(obj: &Object) -> Option<String> {
    let resource = object(obj.get("resource")?)?;
    let labels = object(resource.get("labels")?)?;
    [
        "service_name",
        "container_name",
        "function_name",
        "module_id",
    ]
    .iter()
    .find_map(|k| labels.get(k).and_then(|v| string(v)))
    .filter(|s| !s.is_empty())
    .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Kind;
    use crate::format::testing::parse_all;

    #[test]
    fn the_table_reads() {
        parse(TEXT).expect("requests.toml");
    }

    /// Each request's real lines are read as that request: its status, a method and a URL,
    /// and no other request of the table claims the line's keys first.
    #[test]
    fn each_requests_samples_are_read_as_requests() {
        let file: File = toml::from_str(TEXT).expect("requests.toml");
        for (i, entry) in file.request.iter().enumerate() {
            for sample in &entry.samples {
                let obj = Object::split(sample).unwrap_or_else(|| panic!("{}: JSON", entry.name));
                assert_eq!(
                    REQUESTS.fitting(|k| obj.contains_key(k)),
                    Some(i),
                    "{}: {sample}",
                    entry.name
                );
                let (events, _, _) = parse_all("proxy.log", &[sample.as_str()]);
                let [event] = events.as_slice() else {
                    panic!("{}: {events:?}", entry.name);
                };
                assert!(
                    matches!(event.kind, Kind::Http { .. }),
                    "{}: {event:?}",
                    entry.name
                );
                assert!(
                    event.message.split(' ').count() == 3,
                    "{}: method, path and status: {:?}",
                    entry.name,
                    event.message
                );
            }
        }
    }
}
