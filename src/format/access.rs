//! nginx/Apache access logs (common, combined and `vhost_combined`): one HTTP request per line. The status makes
//! the level (5xx is an error); a trailing request time, when the layout adds one
//! (`$request_time`, `rt=0.123`, `request_time=…`), feeds the "slow" part of the impact figure.

use super::{trim_start, Cx};
use crate::event::Fields;
use crate::event::{Event, Kind, Level};
use crate::time::{Nanos, NANOS_PER_SEC};
use memchr::{memchr, memchr2};
use serde_json::Value;

/// A run of anything but spaces, and the spaces or tabs after it (at least one). Byte by
/// byte: the tokens are a few bytes long, shorter than a vector search takes to set up.
fn token(i: &str) -> Option<(&str, &str)> {
    let end = i.bytes().position(|b| b == b' ').filter(|&e| e > 0)?;
    Some((&i[..end], spaces(&i[end..])?))
}

/// Past one or more spaces or tabs.
fn spaces(i: &str) -> Option<&str> {
    let n = i.bytes().take_while(|&b| b == b' ' || b == b'\t').count();
    // Spaces and tabs are one byte each: `n` is a character boundary.
    (n > 0).then(|| &i[n..])
}

/// A double-quoted string in which `\"` does not end the string: (its body, what follows).
pub(super) fn quoted(i: &str) -> Option<(&str, &str)> {
    let body = i.strip_prefix('"')?;
    let b = body.as_bytes();
    let mut at = 0;
    loop {
        at += memchr2(b'"', b'\\', &b[at..])?;
        if b[at] == b'"' {
            return Some((&body[..at], &body[at + 1..]));
        }
        at += 2;
        if at > b.len() {
            return None;
        }
    }
}

struct Request<'a> {
    client: &'a str,
    time: &'a str,
    request: &'a str,
    status: &'a str,
    bytes: &'a str,
    rest: &'a str,
}

/// `client ident user [time] "request" status bytes rest`, by hand: every line of the largest
/// logs passes through here. Apache's `vhost_combined` puts the virtual host and port before
/// the client (`www.example.com:443 `): every field then comes one token later.
fn request(line: &str) -> Option<Request<'_>> {
    let (first, i) = token(line)?;
    let (second, i) = token(i)?;
    let (_user, i) = token(i)?;
    let (client, i) = match i.strip_prefix('[') {
        Some(i) => (first, i),
        None if first.contains(':') => (second, token(i)?.1.strip_prefix('[')?),
        None => return None,
    };
    let close = memchr(b']', i.as_bytes())?;
    let (time, i) = (&i[..close], spaces(&i[close + 1..])?);
    let (request, i) = quoted(i)?;
    let i = spaces(i)?;
    let digits = i.bytes().take_while(u8::is_ascii_digit).count();
    let (status, i) = (&i[..digits], spaces(&i[digits..])?);
    if digits == 0 {
        return None;
    }
    let end = memchr(b' ', i.as_bytes()).unwrap_or(i.len());
    Some(Request {
        client,
        time,
        request,
        status,
        bytes: &i[..end],
        rest: &i[end..],
    })
}

/// A request time in the extra fields after the combined layout: the last field that is one.
/// `None` as well when a quote there is not closed.
fn duration(rest: &str) -> Option<Nanos> {
    let mut tail = trim_start(rest);
    let mut found = None;
    while !tail.is_empty() {
        if tail.starts_with('"') {
            tail = trim_start(quoted(tail)?.1);
            continue;
        }
        let end = memchr(b' ', tail.as_bytes()).unwrap_or(tail.len());
        let tok = &tail[..end];
        tail = trim_start(&tail[end..]);
        let value = ["rt=", "request_time=", "rt:", "duration="]
            .iter()
            .find_map(|p| tok.strip_prefix(p))
            .or_else(|| tok.contains('.').then_some(tok));
        let secs = value.and_then(seconds);
        if let Some(secs) = secs.filter(|s| s.is_finite() && *s >= 0.0) {
            found = Some((secs * NANOS_PER_SEC as f64) as Nanos);
        }
    }
    found
}

/// Seconds as `str::parse::<f64>` reads them, plain decimals (`0.288`) by hand: every line of
/// the largest logs ends in one. Fifteen digits or fewer make an integer that a double holds
/// exactly, and such an integer divided by an exact power of ten is rounded once, correctly, as
/// the parse rounds (Clinger's fast path).
fn seconds(v: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let bytes = v.as_bytes();
    if bytes.is_empty() || bytes.len() >= POWERS.len() {
        return v.parse().ok();
    }
    let mut integer = 0u64;
    let mut point = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => integer = integer * 10 + u64::from(b - b'0'),
            b'.' if i > 0 && point.is_none() => point = Some(i),
            _ => return v.parse().ok(),
        }
    }
    let decimals = point.map_or(0, |p| bytes.len() - p - 1);
    Some(integer as f64 / POWERS[decimals])
}

/// A request as every log of requests gives it (an access log, a proxy's, a load balancer's, a
/// cloud's).
pub(super) struct Heard<'a> {
    pub time: Nanos,
    pub method: &'a str,
    /// The path, with its query.
    pub target: &'a str,
    pub status: u16,
    pub duration: Option<Nanos>,
}

/// The event of a request that a draft needs whole (an error from 500 up), with its path,
/// status and duration added to the `fields` only some logs give. Callers ask
/// [`Cx::count_request`] first, with the time, status and duration alone: most requests a draft
/// reads are only counted, and the rest of their line need not be read.
pub(super) fn push_request(
    req: Heard,
    service: Option<String>,
    mut fields: Fields,
    cx: &Cx,
    out: &mut Vec<Event>,
) {
    let target = || Some(Value::String(req.target.to_string()));
    put(cx, &mut fields, "path", target);
    put(cx, &mut fields, "status", || Some(Value::from(req.status)));
    let duration = || req.duration.map(|d| Value::from(d / 1_000_000));
    put(cx, &mut fields, "duration_ms", duration);
    let path = req.target.split('?').next().unwrap_or(req.target);
    let level = if req.status >= 500 {
        Level::Error
    } else {
        Level::Info
    };
    let kind = Kind::Http {
        status: req.status,
        duration: req.duration,
    };
    let said = message(req.method, path, req.status);
    let mut event = cx.raw_event(req.time, kind, Some(level), service, said);
    event.fields = fields;
    out.push(event);
}

/// Puts the field `key` in `fields` when the parse wants it ([`Cx::wants_field`]), building
/// its value only then.
fn put(cx: &Cx, fields: &mut Fields, key: &'static str, value: impl FnOnce() -> Option<Value>) {
    if let Some(value) = cx.wants_field(key).then(value).flatten() {
        fields.insert(key, value);
    }
}

/// `https://host:443/path?query` as `/path?query` (a bare path as it is).
pub(super) fn target_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    }
}

/// `GET /api/checkout 200`, put together by hand: `format!` cost a fifth of an access line's
/// event.
fn message(method: &str, path: &str, status: u16) -> String {
    let mut m = String::with_capacity(method.len() + path.len() + 5);
    m.push_str(method);
    m.push(' ');
    m.push_str(path);
    m.push(' ');
    m.push_str(itoa::Buffer::new().format(status));
    m
}

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(req) = request(line) else {
        return false;
    };
    let Some(status) = req
        .status
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
    else {
        return false;
    };
    let Some(time) = cx.dates.clf_time(req.time.as_bytes()) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let duration = duration(req.rest);
    if cx.count_request(time, status, duration, out) {
        return true;
    }
    let mut parts = req.request.splitn(3, ' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let heard = Heard {
        time,
        method,
        target,
        status,
        duration,
    };
    let mut fields = Fields::new();
    let client = || Some(Value::String(req.client.to_string()));
    put(cx, &mut fields, "client", client);
    put(cx, &mut fields, "method", || {
        Some(Value::String(method.to_string()))
    });
    let bytes = || req.bytes.parse::<u64>().ok().map(Value::from);
    put(cx, &mut fields, "bytes", bytes);
    push_request(heard, None, fields, cx, out);
    true
}

#[cfg(test)]
mod tests {
    use super::{duration, request, seconds};
    use crate::event::{Kind, Level};
    use crate::format::testing::*;
    use crate::format::Format;

    proptest::proptest! {
        /// Seconds are read as the standard parse reads them, bit for bit, plain decimals or not.
        #[test]
        fn seconds_are_the_standard_parse(v in "[0-9]{0,9}\\.?[0-9]{0,9}|[0-9.e+-]{0,6}|inf|NaN") {
            let standard = v.parse::<f64>().ok().map(f64::to_bits);
            proptest::prop_assert_eq!(seconds(&v).map(f64::to_bits), standard);
        }
    }

    #[test]
    fn the_request_time_is_the_last_field_that_is_one() {
        assert_eq!(
            duration(r#" "-" "curl/8.0 (x; \"y\")" 0.250"#),
            Some(250_000_000)
        );
        assert_eq!(
            duration(" rt=1.5 upstream=10.0.0.1:80 x"),
            Some(1_500_000_000)
        );
        assert_eq!(duration(" 0.5 request_time=2"), Some(2_000_000_000));
        assert_eq!(duration(" 0.5 -1.0 v1.2.3"), Some(500_000_000));
        assert_eq!(duration(r#" 0.5 "unclosed"#), None);
        assert_eq!(duration(r#" "ends in a backslash\"#), None);
        assert_eq!(duration(""), None);
    }

    #[test]
    fn request_fields_split_on_spaces_and_tabs() {
        let r = request(
            "10.0.0.1 - bob\t [11/Oct/2023:14:00:01 +0000]\t\"GET / HTTP/1.1\" 200 12 tail",
        )
        .expect("a request");
        assert_eq!(
            (r.client, r.time, r.request, r.status, r.bytes, r.rest),
            (
                "10.0.0.1",
                "11/Oct/2023:14:00:01 +0000",
                "GET / HTTP/1.1",
                "200",
                "12",
                " tail"
            )
        );
        assert!(request(r#"10.0.0.1 - - [11/Oct/2023:14:00:01 +0000] "GET /" x 12"#).is_none());
        assert!(request(r#"10.0.0.1 - - [11/Oct/2023:14:00:01 +0000] "GET / 200 12"#).is_none());
        assert!(request(r#" 10.0.0.1 - - [11/Oct/2023:14:00:01 +0000] "GET /" 200 12"#).is_none());
    }

    #[test]
    fn combined_with_request_time() {
        let (events, _, format) = parse_all(
            "gateway/access.log",
            &[
                r#"10.1.2.3 - - [11/Oct/2023:16:00:01 +0200] "POST /api/checkout?id=7 HTTP/1.1" 503 162 "-" "Mozilla/5.0 (X11; \"quoted\")" 2.504"#,
                r#"10.1.2.4 - bob [11/Oct/2023:14:00:02 +0000] "GET /health HTTP/1.1" 200 - "-" "curl/8""#,
                r#"::1 - - [11/Oct/2023:14:00:03 +0000] "GET / HTTP/1.0" 404 12"#,
            ],
        );
        assert_eq!(format, Some(Format::Access));
        assert_eq!(events.len(), 3);
        let e = &events[0];
        assert_eq!(utc(e.time), "2023-10-11T14:00:01Z");
        assert_eq!(
            e.kind,
            Kind::Http {
                status: 503,
                duration: Some(2_504_000_000)
            }
        );
        assert_eq!(
            (e.level, e.service.as_deref(), e.message.as_str()),
            (
                Some(Level::Error),
                Some("gateway"),
                "POST /api/checkout 503"
            )
        );
        assert_eq!(
            events[1].kind,
            Kind::Http {
                status: 200,
                duration: None
            }
        );
        assert_eq!(
            events[2].kind,
            Kind::Http {
                status: 404,
                duration: None
            }
        );
    }
}
