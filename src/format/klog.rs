//! klog/glog: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`, where L is I, W, E or F. No
//! year and no zone: the year comes from the anchor, the zone from `--tz`.

use super::timestamp;
use super::Cx;
use crate::event::Fields;
use crate::event::{Event, Level};

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let b = line.as_bytes();
    let level = Some(*b.first()?)
        .filter(|c| b"IWEF".contains(c))
        .and_then(Level::from_letter)?;
    // `mmdd hh:mm:ss.uuuuuu` is `MM-DD hh:mm:ss` without the dash.
    let mut shaped = [0u8; 32];
    let date = b.get(1..5)?;
    let clock = b.get(5..line.len().min(5 + 27))?;
    shaped[..2].copy_from_slice(&date[..2]);
    shaped[2] = b'-';
    shaped[3..5].copy_from_slice(&date[2..]);
    shaped[5..5 + clock.len()].copy_from_slice(clock);
    let (stamp, used, _) =
        timestamp::leading(&shaped[..5 + clock.len()]).filter(|(s, ..)| s.year == 0)?;
    let rest = line.get(used..)?.trim_start();
    let (_thread, rest) = rest.split_once(' ')?;
    let (source, message) = rest.trim_start().split_once("] ")?;
    if !source.contains(':') {
        return None;
    }
    let time = cx.resolve_yearless(stamp)?;
    if !cx.keep(time) {
        return Some(true);
    }
    let mut fields = Fields::new();
    fields.insert(
        "source".to_string(),
        serde_json::Value::String(source.to_string()),
    );
    out.push(cx.event(
        time,
        Some(level),
        None,
        message.trim_start().to_string(),
        fields,
    ));
    Some(true)
}
