//! Timesketch JSON Lines: each row has the three columns Timesketch requires to import a
//! file as it is — `message`, `datetime` (ISO 8601 with an offset) and `timestamp_desc` (what
//! the time means) — plus `kind`, `service`, `source_path` and `source_line`, so that a row in a
//! sketch leads back to the log line.

use super::words;
use crate::correlate::Timeline;
use crate::event::{AlertState, Event, Kind};
use crate::time::{Nanos, StreamClock, Zone};
use serde::Serialize;
use serde_json::json;
use std::io::{self, Write};

/// ISO 8601 with microseconds and an explicit offset, as Timesketch parses it.
fn datetime(zone: &Zone, t: Nanos) -> String {
    let offset = zone.offset_at(t);
    let local = zone.to_local(t);
    format!("{}{offset}", local.format("%Y-%m-%dT%H:%M:%S%.6f"))
}

/// The draft's entries, one row each.
pub fn draft(w: &mut dyn Write, timeline: &Timeline, zone: &Zone) -> io::Result<()> {
    for e in &timeline.entries {
        let (label, text, notes) = words(e, zone, false);
        let notes: String = notes.iter().map(|n| format!(" — {n}")).collect();
        let source = e.sources.first();
        let row = json!({
            "message": format!("{label} {text}{notes}"),
            "datetime": datetime(zone, e.first),
            "timestamp_desc": label,
            "kind": e.kind.name(),
            "service": e.service,
            "source_path": source.map(|s| s.path.to_string()),
            "source_line": source.and_then(|s| s.line()),
        });
        super::json_line(w, &row)?;
    }
    Ok(())
}

/// `--events --format timesketch`: one row per event, serialized from the event where it lies.
pub fn event_line(text: &mut Vec<u8>, e: &Event, clock: &mut StreamClock) -> io::Result<()> {
    #[derive(Serialize)]
    struct Row<'e> {
        message: &'e str,
        datetime: String,
        timestamp_desc: &'static str,
        kind: &'static str,
        service: &'e Option<String>,
        source_path: &'e str,
        source_line: Option<u64>,
    }
    let timestamp_desc = match &e.kind {
        Kind::Log => "Logged",
        Kind::Http { .. } => "Request served",
        Kind::Alert {
            state: AlertState::Firing,
            ..
        } => "Alert fired",
        Kind::Alert {
            state: AlertState::Resolved,
            ..
        } => "Alert resolved",
        Kind::Deploy { .. } => "Deploy step",
        Kind::Restart => "Restarted",
        Kind::Oom => "OOM kill",
        Kind::Scale => "Scaled",
        Kind::Oncall => "On-call action",
        Kind::Change => "Change applied",
        Kind::Metric { .. } => "Metric breach",
    };
    let row = Row {
        message: &e.message,
        datetime: datetime(clock.zone(), e.time),
        timestamp_desc,
        kind: e.kind.name(),
        service: &e.service,
        source_path: &e.source.path,
        source_line: e.source.line(),
    };
    super::json_line(text, &row)
}

#[cfg(test)]
mod tests {
    use super::datetime;
    use crate::time::Zone;

    #[test]
    fn datetimes_carry_their_offset() {
        let t = 1_697_032_800_123_456_789;
        assert_eq!(
            datetime(&Zone::utc(), t),
            "2023-10-11T14:00:00.123456+00:00"
        );
        let berlin = Zone::parse("Europe/Berlin").expect("zone");
        assert_eq!(datetime(&berlin, t), "2023-10-11T16:00:00.123456+02:00");
    }
}
