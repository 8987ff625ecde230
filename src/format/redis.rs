//! Redis 3.0 and later: `pid:role DD Mon YYYY HH:MM:SS.mmm L message`. The role is M (master),
//! S (replica), C (a child writing a snapshot or the append-only file) or X (Sentinel); the
//! level mark L is `.` (debug), `-` (verbose), `*` (notice) or `#` (warning). Redis has no
//! error level: its failures (`Can't save in background: fork: Cannot allocate memory`) are
//! warnings, and read as such. The time after the first token is found as in any text line.

use super::Cx;
use crate::event::{Event, Fields, Level};
use crate::time::Nanos;
use serde_json::Value;

/// `rest` is what follows the time of `line`. Asked of every text line: most fail on the
/// first byte of `rest`, and the rest on the first bytes of `line`.
pub fn parse(
    line: &str,
    time: Nanos,
    rest: &str,
    cx: &mut Cx,
    out: &mut Vec<Event>,
) -> Option<bool> {
    let level = match rest.as_bytes().get(..2)? {
        b". " | b"- " => Level::Debug,
        b"* " => Level::Info,
        b"# " => Level::Warn,
        _ => return None,
    };
    let b = line.as_bytes();
    // Python's `logging` puts ` - ` after the time too: its line opens with a dated year.
    if b.get(4) == Some(&b'-') {
        return None;
    }
    let colon = b.iter().position(|c| !c.is_ascii_digit())?;
    let role = match b.get(colon..colon + 3)? {
        b":M " => "master",
        b":S " => "replica",
        b":C " => "child",
        b":X " => "sentinel",
        _ => return None,
    };
    let pid = &line[..colon];
    if pid.is_empty() {
        return None;
    }
    let message = &rest[2..];
    if cx.only_counted(time, Some(level), message, |_| None) {
        return Some(true);
    }
    let mut fields = Fields::new();
    if cx.wants_field("pid") {
        fields.insert("pid", Value::String(pid.to_string()));
    }
    if cx.wants_field("role") {
        fields.insert("role", Value::String(role.to_string()));
    }
    out.push(cx.event(time, Some(level), None, message.to_string(), fields));
    Some(true)
}
