//! Requests in JSON lines: Google Cloud Logging's `httpRequest`, Caddy's access log.

use super::object::{object, string, Object, Raw};
use crate::event::{Event, Fields};
use crate::format::{access, Cx};
use crate::time::{Nanos, NANOS_PER_SEC};

/// A Google Cloud Logging request entry (Cloud Run, App Engine, a load balancer): no payload,
/// and an `httpRequest` with the status and the latency (`"0.120s"`), read as an access log's
/// request is.
pub(super) fn cloud(obj: &Object, time: Nanos, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let request = object(obj.get("httpRequest")?)?;
    let status = http_status(request.get("status")?)?;
    let latency = request.get("latency").and_then(|v| string(v));
    let duration = latency.and_then(|l| nanos_of_seconds(l.strip_suffix('s')?));
    let heard = (time, status, duration);
    let keys = ("requestMethod", "requestUrl");
    push_request(&request, keys, heard, || cloud_service(obj), cx, out)
}

/// Caddy's access log (`"logger":"http.log.access…"`, `"msg":"handled request"`): the request
/// object's method and URI, the status, and the duration in seconds.
pub(super) fn caddy(obj: &Object, time: Nanos, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let logger = obj.get("logger").and_then(|v| string(v))?;
    if !logger.starts_with("http.log.access") {
        return None;
    }
    let request = object(obj.get("request")?)?;
    let status = http_status(obj.get("status")?)?;
    let duration = obj.get("duration").and_then(|v| nanos_of_seconds(v.get()));
    push_request(
        &request,
        ("method", "uri"),
        (time, status, duration),
        || None,
        cx,
        out,
    )
}

/// A JSON log's request at `heard` (time, status, duration): counted alone when a draft needs
/// no more of it, else an event with the method and URL `request` holds under `keys`.
pub(super) fn push_request(
    request: &Object,
    (method, url): (&str, &str),
    (time, status, duration): (Nanos, u16, Option<Nanos>),
    service: impl FnOnce() -> Option<String>,
    cx: &mut Cx,
    out: &mut Vec<Event>,
) -> Option<bool> {
    if cx.count_request(time, status, duration, out) {
        return Some(true);
    }
    let text = |k: &str| request.get(k).and_then(|v| string(v)).unwrap_or_default();
    let (method, url) = (text(method), text(url));
    let req = access::Heard {
        time,
        method: &method,
        target: access::target_of(&url),
        status,
        duration,
    };
    access::push_request(req, service(), Fields::new(), cx, out);
    Some(true)
}

/// A JSON number that is an HTTP status.
pub(super) fn http_status(raw: &Raw) -> Option<u16> {
    raw.get()
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
}

/// Seconds written as a decimal (`5.001234`), as nanoseconds.
pub(super) fn nanos_of_seconds(text: &str) -> Option<Nanos> {
    let s = text
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)?;
    Some((s * NANOS_PER_SEC as f64) as Nanos)
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
