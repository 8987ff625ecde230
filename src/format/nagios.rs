//! Nagios and Icinga compat logs: `[epoch] TYPE: f1;f2;…`. `SERVICE ALERT` and `HOST ALERT`
//! in a HARD state fire (OK and UP resolve); SOFT states are retries, not alerts.
//! Notifications are on-call steps; `CURRENT`/`INITIAL … STATE` lines are snapshots.

use super::Cx;
use crate::event::Fields;
use crate::event::{AlertState, Event, Kind, Level};
use crate::time::Nanos;

pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    // The kind is capitals and spaces up to the first `: `: scanned, not searched for, since
    // every timestamped text line is asked.
    let end = rest
        .bytes()
        .position(|c| !(c.is_ascii_uppercase() || c == b' '))?;
    let (kind, body) = (&rest[..end], rest[end..].strip_prefix(": ")?);
    if !kind.contains(' ') {
        return None;
    }
    let fields: Vec<&str> = body.splitn(6, ';').collect();
    let (host, service, state, hard, output) = match (kind, fields.as_slice()) {
        ("SERVICE ALERT", [host, service, state, hard, _attempt, output]) => {
            (*host, Some(*service), *state, *hard, *output)
        }
        ("HOST ALERT", [host, state, hard, _attempt, output, ..]) => {
            (*host, None, *state, *hard, *output)
        }
        ("SERVICE NOTIFICATION" | "HOST NOTIFICATION", [contact, host, what, ..]) => {
            let state = fields
                .get(3)
                .filter(|_| kind.starts_with("SERVICE"))
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            let message = format!("{contact} notified: {what} on {host}{state}");
            out.push(cx.raw_event(
                time,
                Kind::Oncall,
                Some(Level::Info),
                Some(host.to_string()),
                message,
            ));
            return Some(true);
        }
        _ => {
            let level = if kind.starts_with("CURRENT") || kind.starts_with("INITIAL") {
                Level::Debug
            } else {
                Level::Info
            };
            out.push(cx.event(time, Some(level), None, rest.to_string(), Fields::new()));
            return Some(true);
        }
    };
    let name = match service {
        Some(s) => format!("{s} on {host}"),
        None => format!("host {host}"),
    };
    let key = format!("{host};{}", service.unwrap_or(""));
    let resolved = matches!(state, "OK" | "UP");
    let message = format!("{name} {state} ({hard}): {output}");
    let event = if hard != "HARD" {
        cx.event(
            time,
            Some(Level::Warn),
            Some(host.to_string()),
            message,
            Fields::new(),
        )
    } else {
        let (alert_state, level) = match (resolved, state) {
            (true, _) => (AlertState::Resolved, Level::Info),
            (false, "WARNING") => (AlertState::Firing, Level::Warn),
            (false, _) => (AlertState::Firing, Level::Error),
        };
        let started = (alert_state == AlertState::Firing).then_some(time);
        cx.raw_event(
            time,
            Kind::Alert {
                name,
                state: alert_state,
                key,
                started,
            },
            Some(level),
            Some(host.to_string()),
            message,
        )
    };
    out.push(event);
    Some(true)
}
