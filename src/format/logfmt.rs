//! logfmt: `time=… level=… msg="…" key=value`. Key order varies between writers (Alertmanager
//! changed it across versions), so lines are read as key/value pairs, never by position.

use super::{timestamp, Cx};
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::swar;
use crate::time::Nanos;
use serde_json::Value;
use std::borrow::Cow;

/// What a pair's key says its value holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Time,
    Message,
    Level,
    Service,
    Other,
}

/// The keys that hold the time, the message, the level and the service, as logfmt writers
/// spell them: a `match`, which the compiler turns into a test of the length and a comparison
/// or two, where searching four lists cost every pair of every line.
fn role(key: &str) -> Role {
    match key {
        "time" | "ts" | "timestamp" | "t" | "@timestamp" | "date" => Role::Time,
        "msg" | "message" | "desc" => Role::Message,
        "level" | "lvl" | "severity" | "at" => Role::Level,
        "service" | "svc" | "app" | "application" => Role::Service,
        _ => Role::Other,
    }
}

/// Where the key that starts at `at` ends: at its `=`, at a space (a key without a value), at
/// the line's end, or at the first byte no key holds (a quote, a control byte, anything
/// outside ASCII). Eight bytes at a time: the search for the key's end checks its bytes too.
fn key_end(b: &[u8], mut at: usize) -> usize {
    while let Some(w) = swar::word(b, at) {
        let stop = swar::equal(w, b'=')
            | swar::below(w, b'!')
            | swar::equal(w, b'"')
            | swar::equal(w, 0x7f)
            | swar::non_ascii(w);
        if let Some(i) = swar::first(stop) {
            return at + i;
        }
        at += 8;
    }
    let ends = |c: &u8| *c == b'=' || *c == b'"' || !c.is_ascii_graphic();
    b[at..].iter().position(ends).map_or(b.len(), |i| at + i)
}

/// The pairs of a line, values still quoted; no allocation. A key holding a byte no key may
/// hold comes out empty, and ends the pairs: the parser turns such a line away.
fn pairs(line: &str) -> impl Iterator<Item = (&str, &str)> {
    let b = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let key_start = i;
        i = key_end(b, i);
        match b.get(i) {
            None | Some(b' ') => return Some((&line[key_start..i], "")),
            Some(b'=') => {}
            Some(_) => {
                i = b.len();
                return Some(("", ""));
            }
        }
        let key = &line[key_start..i];
        i += 1;
        let value_start = i;
        if b.get(i) == Some(&b'"') {
            i += 1;
            loop {
                i = swar::until(b, i, b'"', b'\\');
                if i >= b.len() || b[i] == b'"' {
                    break;
                }
                i += 2;
            }
            i = (i + 1).min(b.len());
        } else {
            i = swar::until(b, i, b' ', b' ');
        }
        Some((key, &line[value_start..i]))
    })
}

fn unquote(v: &str) -> Cow<'_, str> {
    match v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) if swar::until(inner.as_bytes(), 0, b'\\', b'\\') < inner.len() => {
            Cow::Owned(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
        }
        Some(inner) => Cow::Borrowed(inner),
        None => Cow::Borrowed(v),
    }
}

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let mut with_value = 0;
    let mut time = None;
    // The message, level and other pairs are picked in the same pass as the time.
    let mut gist = Gist::new();
    for (i, (k, v)) in pairs(line).enumerate() {
        if k.is_empty() {
            return false;
        }
        if !v.is_empty() {
            with_value += 1;
        }
        let role = role(k);
        if role != Role::Time {
            gist.add(i, k, v, role);
        } else if time.is_none() {
            let v = unquote(v);
            time = match cx.dates.iso_time(v.as_bytes()) {
                Some((t, used)) if used == v.len() => t,
                _ => timestamp::epoch(&v),
            };
        }
    }
    let Some(time) = time.filter(|_| with_value >= 2) else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    if gist.only_counted(line, time, cx) {
        return true;
    }
    let picked = [gist.message.map(|(i, _)| i), gist.level.map(|(i, _)| i)];
    let level = gist.level.map(|(_, level)| level);
    let mut service = None;
    let mut fields = Fields::new();
    for (i, (k, v)) in pairs(line).enumerate() {
        let role = role(k);
        if role == Role::Time || picked.contains(&Some(i)) {
            continue;
        }
        let v = unquote(v);
        if service.is_none() && role == Role::Service && !v.is_empty() {
            service = Some(v.into_owned());
        } else if cx.wants_field(k) {
            fields.insert(k.to_string(), Value::String(v.into_owned()));
        }
    }
    let message = gist
        .message
        .map_or_else(|| line.to_string(), |(_, m)| unquote(m).into_owned());
    out.push(cx.event(time, level, service, message, fields));
    true
}

/// Pairs kept on the stack for the fields a draft asks about.
const GIST_PAIRS: usize = 8;

/// A line's message and level as [`parse`] picks them (the first message key, the first level
/// key whose value is a level), each with its pair's place, and the pairs that become fields:
/// what a draft asks before building an event, borrowed from the line.
struct Gist<'l> {
    message: Option<(usize, &'l str)>,
    level: Option<(usize, Level)>,
    others: [(&'l str, &'l str); GIST_PAIRS],
    count: usize,
}

impl<'l> Gist<'l> {
    fn new() -> Gist<'l> {
        Gist {
            message: None,
            level: None,
            others: [("", ""); GIST_PAIRS],
            count: 0,
        }
    }

    /// Takes the `i`th pair, whose key has `role` (not the time's).
    fn add(&mut self, i: usize, k: &'l str, v: &'l str, role: Role) {
        if self.message.is_none() && role == Role::Message {
            self.message = Some((i, v));
            return;
        }
        if self.level.is_none() && role == Role::Level {
            self.level = Level::parse(&unquote(v)).map(|level| (i, level));
            if self.level.is_some() {
                return;
            }
        }
        if let Some(slot) = self.others.get_mut(self.count) {
            *slot = (k, v);
        }
        self.count += 1;
    }

    /// Whether a draft only counts this line's event (see [`Cx::only_counted`]).
    fn only_counted(&self, line: &str, time: Nanos, cx: &mut Cx) -> bool {
        let message = self
            .message
            .map_or(Cow::Borrowed(line), |(_, m)| unquote(m));
        let field = |key: &str| {
            let value = if self.count <= GIST_PAIRS {
                self.others[..self.count]
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| *v)
            } else {
                pairs(line)
                    .filter(|(k, _)| *k == key)
                    .last()
                    .map(|(_, v)| v)
            };
            value.map(unquote)
        };
        cx.only_counted(time, self.level.map(|(_, level)| level), &message, field)
    }
}

#[cfg(test)]
mod tests {
    use crate::event::Level;
    use crate::format::testing::*;
    use crate::format::Format;

    #[test]
    fn key_order_does_not_matter() {
        let (events, _, format) = parse_all(
            "alertmanager.log",
            &[
                r#"ts=2023-10-11T14:00:01.512Z caller=dispatch.go:164 level=debug component=dispatcher msg="Received alert" alert=HighErrorRate[3b1f0c9][active]"#,
                r#"time=2025-02-10T13:58:19.005Z level=ERROR source=dispatch.go:360 msg="Notify for alerts failed" component=dispatcher err="webhook[0]: connection \"refused\"""#,
            ],
        );
        assert_eq!(format, Some(Format::Logfmt));
        assert_eq!(events[0].message, "Received alert");
        assert_eq!(events[0].level, Some(Level::Debug));
        // `component` names a part of the program, not the service: the path does.
        assert_eq!(events[0].service.as_deref(), Some("alertmanager"));
        assert_eq!(utc(events[1].time), "2025-02-10T13:58:19.005Z");
        assert_eq!(events[1].level, Some(Level::Error));
        assert_eq!(
            events[1].fields["err"],
            r#"webhook[0]: connection "refused""#
        );
    }

    proptest::proptest! {
        /// The search for a key's end stops where a byte-by-byte search for an `=` or a byte
        /// no key holds stops, from any start.
        #[test]
        fn a_key_ends_where_a_plain_search_ends(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![0x1fu8..0x23, 0x3du8..0x3f, 0x7eu8..0x81, 0u8..=0xff],
                0..40,
            ),
            at in 0usize..40,
        ) {
            let at = at.min(bytes.len());
            let stops = |c: &u8| *c == b'=' || *c == b'"' || !c.is_ascii_graphic();
            let plain = bytes[at..].iter().position(stops).map_or(bytes.len(), |i| at + i);
            proptest::prop_assert_eq!(super::key_end(&bytes, at), plain);
        }
    }

    #[test]
    fn a_key_with_a_byte_no_key_holds_is_not_logfmt() {
        // A quote, a tab or a letter outside ASCII in a key: the line is not logfmt (but a
        // time, a level and a message, as any text line).
        let (events, _, format) = parse_all(
            "x.log",
            &[
                r#"time=2025-02-10T13:58:19.005Z level=info msg="ok" a"b=1"#,
                "time=2025-02-10T13:58:19.005Z level=info msg=ok a\tb=1",
                "time=2025-02-10T13:58:19.005Z level=info msg=ok dur\u{e9}e=1",
            ],
        );
        assert_ne!(format, Some(Format::Logfmt));
        assert_eq!(events.len(), 3);
        assert!(
            events.iter().all(|e| e.message.starts_with("msg=")),
            "{events:?}"
        );
    }

    #[test]
    fn prose_with_an_equals_sign_is_not_logfmt() {
        let (events, counts, _) = parse_all("x.log", &["the answer is x=1 today"]);
        assert!(events.is_empty());
        assert_eq!(counts.unrecognised, 1);
    }
}
