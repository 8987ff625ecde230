//! HAProxy's HTTP log line, as it arrives through syslog: `client:port [accept date] frontend
//! backend/server Tq/Tw/Tc/Tr/Ta status bytes … "METHOD /path HTTP/1.1"`. Each is a request,
//! timed by Ta (total milliseconds), served by the backend.

use super::Cx;
use crate::event::Fields;
use crate::event::{Event, Kind, Level};
use crate::time::Nanos;
use serde_json::Value;

pub struct Request {
    backend: String,
    status: u16,
    duration: Option<Nanos>,
    summary: String,
}

pub fn request(message: &str) -> Option<Request> {
    let mut words = message.split_whitespace();
    let client = words.next()?;
    let accepted = words.next()?;
    if !client.contains(':') || !accepted.starts_with('[') {
        return None;
    }
    let _frontend = words.next()?;
    let backend = words.next()?.split('/').next()?.to_string();
    let timers: Vec<i64> = words
        .next()?
        .split('/')
        .map(|t| t.trim_start_matches('+').parse().ok())
        .collect::<Option<_>>()?;
    let status: u16 = words
        .next()?
        .parse()
        .ok()
        .filter(|s| (100..=599).contains(s))?;
    let total = timers
        .last()
        .copied()
        .filter(|t| *t >= 0 && timers.len() == 5);
    let request = message
        .split_once('"')
        .map(|(_, r)| r.trim_end_matches('"'))
        .unwrap_or("");
    let mut parts = request.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or(target);
    Some(Request {
        backend,
        status,
        duration: total.map(|ms| ms.saturating_mul(1_000_000)),
        summary: format!("{method} {path} {status}"),
    })
}

impl Request {
    pub fn event(self, time: Nanos, cx: &Cx, mut fields: Fields) -> Event {
        let level = if self.status >= 500 {
            Level::Error
        } else {
            Level::Info
        };
        fields.insert("status", Value::from(self.status));
        if let Some(d) = self.duration {
            fields.insert("duration_ms", Value::from(d / 1_000_000));
        }
        let kind = Kind::Http {
            status: self.status,
            duration: self.duration,
        };
        let mut e = cx.raw_event(time, kind, Some(level), Some(self.backend), self.summary);
        e.fields = fields;
        e
    }
}
