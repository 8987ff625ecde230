//! nginx/Apache access logs (common and combined): one HTTP request per line. The status makes
//! the level (5xx is an error); a trailing request time, when the layout adds one
//! (`$request_time`, `rt=0.123`, `request_time=…`), feeds the "slow" part of the impact figure.

use super::{timestamp, Cx};
use crate::event::Fields;
use crate::event::{Event, Kind, Level};
use crate::time::{Nanos, NANOS_PER_SEC};
use nom::bytes::complete::{take_till, take_till1};
use nom::character::complete::{char, digit1, space1};
use nom::sequence::{delimited, terminated};
use nom::IResult;
use serde_json::Value;

fn token(i: &str) -> IResult<&str, &str> {
    terminated(take_till1(|c| c == ' '), space1)(i)
}

/// A double-quoted string in which `\"` does not end the string.
fn quoted(i: &str) -> IResult<&str, &str> {
    let body = i
        .strip_prefix('"')
        .ok_or_else(|| nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Char)))?;
    let b = body.as_bytes();
    let mut at = 0;
    while at < b.len() && b[at] != b'"' {
        at += if b[at] == b'\\' { 2 } else { 1 };
    }
    if at >= b.len() {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Char,
        )));
    }
    Ok((&body[at + 1..], &body[..at]))
}

struct Request<'a> {
    client: &'a str,
    time: &'a str,
    request: &'a str,
    status: &'a str,
    bytes: &'a str,
    rest: &'a str,
}

fn request(i: &str) -> IResult<&str, Request<'_>> {
    let (i, client) = token(i)?;
    let (i, _ident) = token(i)?;
    let (i, _user) = token(i)?;
    let (i, time) = terminated(
        delimited(char('['), take_till(|c| c == ']'), char(']')),
        space1,
    )(i)?;
    let (i, request) = terminated(quoted, space1)(i)?;
    let (i, status) = terminated(digit1, space1)(i)?;
    let (i, bytes) = take_till(|c| c == ' ')(i)?;
    Ok((
        "",
        Request {
            client,
            time,
            request,
            status,
            bytes,
            rest: i,
        },
    ))
}

/// A request time in the extra fields after the combined layout.
fn duration(rest: &str) -> Option<Nanos> {
    let mut tail = rest.trim_start();
    let mut tokens = Vec::new();
    while !tail.is_empty() {
        let (next, tok) = if tail.starts_with('"') {
            quoted(tail).ok().map(|(n, _)| (n, ""))?
        } else {
            let end = tail.find(' ').unwrap_or(tail.len());
            (&tail[end..], &tail[..end])
        };
        tokens.push(tok);
        tail = next.trim_start();
    }
    tokens.iter().rev().find_map(|tok| {
        let value = ["rt=", "request_time=", "rt:", "duration="]
            .iter()
            .find_map(|p| tok.strip_prefix(p))
            .or_else(|| tok.contains('.').then_some(*tok))?;
        let secs: f64 = value.parse().ok()?;
        (secs.is_finite() && secs >= 0.0).then_some((secs * NANOS_PER_SEC as f64) as Nanos)
    })
}

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Ok((_, req)) = request(line) else {
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
    let Some(time) = timestamp::clf(req.time.as_bytes()).and_then(|(stamp, _)| cx.resolve(&stamp))
    else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let duration = duration(req.rest);
    if let Some(counted) = cx.counted_request(time, status, duration) {
        out.push(counted);
        return true;
    }
    let mut parts = req.request.splitn(3, ' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let path = target.split('?').next().unwrap_or(target);
    let level = if status >= 500 {
        Level::Error
    } else {
        Level::Info
    };
    let mut fields = Fields::new();
    fields.insert("client", Value::String(req.client.to_string()));
    fields.insert("method", Value::String(method.to_string()));
    fields.insert("path", Value::String(target.to_string()));
    fields.insert("status", Value::from(status));
    if let Ok(bytes) = req.bytes.parse::<u64>() {
        fields.insert("bytes", Value::from(bytes));
    }
    if let Some(d) = duration {
        fields.insert("duration_ms", Value::from(d / 1_000_000));
    }
    let mut event = cx.raw_event(
        time,
        Kind::Http { status, duration },
        Some(level),
        None,
        format!("{method} {path} {status}"),
    );
    event.fields = fields;
    out.push(event);
    true
}

#[cfg(test)]
mod tests {
    use crate::event::{Kind, Level};
    use crate::format::testing::*;
    use crate::format::Format;

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
