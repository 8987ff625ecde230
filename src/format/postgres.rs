//! PostgreSQL's server log, after its `log_line_prefix`: the default `%m [%p] `
//! (`… UTC [3310] ERROR:  deadlock detected`), pgBadger's `%t [%p]: [%l-1] user=%u,db=%d `, and
//! Amazon RDS's `%t:%r:%u@%d:[%p]:`. The severity is the word before a colon and two spaces;
//! the lines that explain an error (`DETAIL:`, `HINT:`, `STATEMENT:`…) carry no level of their
//! own and keep their label. The zone PostgreSQL writes after the time is read as the time is
//! (`UTC` and `GMT`; other abbreviations are ambiguous, and `--tz` gives the zone).

use super::Cx;
use crate::event::{Event, Fields, Level};
use crate::time::Nanos;
use memchr::memmem::Finder;
use serde_json::Value;
use std::sync::LazyLock;

static SEVERITY_END: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(":  "));

pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    // Every timestamped text line is asked: most fail on their first bytes.
    let b = rest.as_bytes();
    let pid = match b.first()? {
        b'[' if b.get(1).is_some_and(u8::is_ascii_digit) => {
            let end = rest.find(']')?;
            Some(&rest[1..end])
        }
        _ if b.starts_with(b"UTC:") || b.starts_with(b"GMT:") => None,
        _ => return None,
    };
    let colon = SEVERITY_END.find(b)?;
    let start = b[..colon]
        .iter()
        .rposition(|c| !c.is_ascii_uppercase() && !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let (level, label) = match &rest[start..colon] {
        "DEBUG1" | "DEBUG2" | "DEBUG3" | "DEBUG4" | "DEBUG5" => (Some(Level::Debug), false),
        "LOG" | "INFO" | "NOTICE" => (Some(Level::Info), false),
        "WARNING" => (Some(Level::Warn), false),
        "ERROR" | "FATAL" | "PANIC" => (Some(Level::Error), false),
        "DETAIL" | "HINT" | "CONTEXT" | "STATEMENT" | "QUERY" | "LOCATION" => (None, true),
        _ => return None,
    };
    let said = &rest[colon + 3..];
    if cx.only_counted(time, level, said, |_| None) {
        return Some(true);
    }
    let message = if label {
        format!("{}: {said}", &rest[start..colon])
    } else {
        said.to_string()
    };
    let mut fields = Fields::new();
    if let Some(pid) = pid.filter(|p| !p.is_empty() && cx.wants_field("pid")) {
        fields.insert("pid", Value::String(pid.to_string()));
    }
    out.push(cx.event(time, level, None, message, fields));
    Some(true)
}
