//! Docker's json-file driver: `{"log": "…\n", "stream": "stderr", "time": "…"}`. A line over
//! 16 KB arrives as records without the trailing newline, joined here; the content is read
//! again as a line of its own.

use super::json::{str_at, time_value, Object};
use super::Cx;
use crate::event::Event;

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if !(obj.contains_key("log") && obj.contains_key("stream") && obj.contains_key("time"))
        || obj.iter().count() > 4
    {
        return None;
    }
    let log = super::json::string(obj.get("log")?)?;
    let Some(time) = obj.get("time").and_then(|v| time_value(v, cx)) else {
        return Some(false);
    };
    let mut whole = cx.carry.take().unwrap_or_default();
    whole.push_str(&log);
    let Some(line) = whole.strip_suffix('\n') else {
        cx.carry = Some(whole);
        return Some(true);
    };
    if !cx.keep(time) {
        return Some(true);
    }
    let mut event = cx.reparse(line.trim_end_matches('\r'), time);
    if let Some(stream) = str_at(obj, &["stream"]) {
        event
            .fields
            .insert("stream", serde_json::Value::String(stream));
    }
    out.push(event);
    Some(true)
}
