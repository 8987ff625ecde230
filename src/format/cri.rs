//! CRI container logs (containerd, CRI-O): `<RFC3339Nano> stdout|stderr P|F <content>`.
//! Partial (`P`) records are joined until the full (`F`) one; the content is read again as a
//! line of its own, since it is whatever the container wrote.

use super::Cx;
use crate::event::Event;
use crate::time::Nanos;

pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    // Every timestamped text line is asked: the stream's name is matched, not searched for.
    let (stream, after) = match rest.get(..7) {
        Some("stdout " | "stderr ") => (&rest[..6], &rest[7..]),
        _ => return None,
    };
    let (tag, content) = after.split_once(' ').unwrap_or((after, ""));
    let partial = match tag.split(':').next()? {
        "P" => true,
        "F" => false,
        _ => return None,
    };
    let mut whole = cx.carry.take().unwrap_or_default();
    whole.push_str(content);
    if partial {
        cx.carry = Some(whole);
        return Some(true);
    }
    let mut event = cx.reparse(&whole, time);
    event
        .fields
        .insert("stream", serde_json::Value::String(stream.to_string()));
    out.push(event);
    Some(true)
}
