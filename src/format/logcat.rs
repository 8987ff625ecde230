//! Android logcat (`threadtime`): `MM-DD HH:MM:SS.mmm  pid  tid L Tag: message`. The tag is
//! the service; the level letter is V, D, I, W, E, F or A.

use super::Cx;
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::time::Nanos;

pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    // Every timestamped text line is asked: most fail on their first byte or word.
    if !super::trim_start(rest).starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let number = |w: &str| w.bytes().all(|c| c.is_ascii_digit());
    let mut words = rest.split_whitespace();
    let pid = words.next().filter(|w| number(w))?;
    let tid = words.next().filter(|w| number(w))?;
    let letter = words.next().filter(|w| w.len() == 1)?;
    // Logcat's `A` is Assert, which only it writes so.
    let level = match letter.as_bytes()[0] {
        b'A' => Level::Error,
        c => Level::from_letter(c)?,
    };
    let after = rest.split_once(&format!(" {letter} "))?.1;
    let (tag, message) = after.split_once(':')?;
    let mut fields = Fields::new();
    fields.insert(
        "pid".to_string(),
        serde_json::Value::String(pid.to_string()),
    );
    fields.insert(
        "tid".to_string(),
        serde_json::Value::String(tid.to_string()),
    );
    out.push(cx.event(
        time,
        Some(level),
        Some(tag.trim().to_string()),
        message.trim().to_string(),
        fields,
    ));
    Some(true)
}
