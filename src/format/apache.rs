//! Apache httpd's error log: `[Wed May 10 14:31:02.123456 2023] [core:error] [pid 1234:tid
//! 5678] [client 10.0.0.1:5555] AH00124: message`. The level is after the module's colon.

use super::Cx;
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::time::Nanos;

pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let (group, after) = rest.strip_prefix('[')?.split_once(']')?;
    // `[core:error]` (2.4) or `[error] [client …]` (2.2); nginx's `[error] 31#31:` is not this.
    if !group.contains(':') && !after.starts_with(" [") {
        return None;
    }
    let level = Level::parse(group.rsplit_once(':').map_or(group, |(_, l)| l))?;
    let mut message = rest;
    while let Some(inner) = message.strip_prefix('[') {
        message = inner.split_once(']')?.1.trim_start();
    }
    out.push(cx.event(time, Some(level), None, message.to_string(), Fields::new()));
    Some(true)
}
