//! The Markdown draft a responder pastes into the postmortem, in the shape of the hand-written
//! Timeline sections it replaces: one line per entry, each with its time and its citation.

use super::{clock, clock_words, thousands, words};
use crate::correlate::{Entry, EntryKind, Timeline};
use crate::event::{Event, Level};
use crate::time::{human_duration, Nanos, StreamClock, Zone};
use serde_json::Value;
use std::io::{self, Write};

/// The draft; `color` adds terminal colours (labels by kind, the suspect, dim citations) for
/// reading at a terminal, never for a file or a pipe.
pub fn draft(
    w: &mut dyn Write,
    timeline: &Timeline,
    zone: &Zone,
    max_entries: usize,
    color: bool,
) -> io::Result<()> {
    let with_date = spans_days(timeline, zone);
    writeln!(w, "## Timeline\n")?;
    writeln!(w, "All times {}, {}.\n", zone.name(), days(timeline, zone))?;
    if !timeline.clocks.is_empty() {
        let said: Vec<String> = timeline.clocks.iter().map(clock_words).collect();
        writeln!(w, "Clocks: {}\n", said.join(" "))?;
    }
    if timeline.entries.is_empty() {
        writeln!(w, "_Nothing in the window that a timeline would keep._")?;
    }
    for entry in &timeline.entries {
        writeln!(w, "{}", line(entry, zone, with_date, color))?;
    }
    if timeline.omitted > 0 {
        writeln!(
            w,
            "\n_{} more candidate entries left out by --max-entries {max_entries}._",
            thousands(timeline.omitted as u64)
        )?;
    }
    writeln!(w, "\n{}", summary(timeline, zone, with_date))
}

fn line(entry: &Entry, zone: &Zone, with_date: bool, color: bool) -> String {
    let (label, text, notes) = words(entry, zone, with_date);
    let paint = |code: &str, s: String| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s
        }
    };
    let suspect: String = notes
        .iter()
        .map(|n| format!(" — {}", paint(NOTE, format!("*{n}*"))))
        .collect();
    let sources: Vec<String> = entry.sources.iter().map(|s| s.to_string()).collect();
    format!(
        "- `{}` — {} {text}{suspect} {}",
        clock(zone, entry.first, with_date),
        paint(label_colour(entry.kind), format!("**{label}**")),
        paint(DIM, format!("[{}]", sources.join(", ")))
    )
}

const NOTE: &str = "1;35";
const DIM: &str = "2";

/// Red for what broke, yellow for warnings, green for recoveries, cyan for changes.
fn label_colour(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Alert | EntryKind::Error => "1;31",
        EntryKind::Warning | EntryKind::Restart => "1;33",
        EntryKind::Recovery => "1;32",
        EntryKind::Deploy | EntryKind::Change | EntryKind::Scale => "1;36",
        EntryKind::Oncall | EntryKind::Info => "1",
        EntryKind::Metric => "1;35",
    }
}

/// One entry's line as the draft prints it: live mode prints entries one by one as they come.
pub fn entry_line(timeline: &Timeline, entry: &Entry, zone: &Zone, color: bool) -> String {
    let with_date = spans_days(timeline, zone);
    line(entry, zone, with_date, color)
}

/// The summary paragraph the draft ends with.
pub fn summary_paragraph(timeline: &Timeline, zone: &Zone) -> String {
    summary(timeline, zone, spans_days(timeline, zone))
}

fn summary(timeline: &Timeline, zone: &Zone, with_date: bool) -> String {
    let s = &timeline.summary;
    let at = |t: Nanos| clock(zone, t, with_date);
    let mut parts = Vec::new();
    match (s.start, s.end) {
        (Some(start), Some(end)) => parts.push(format!(
            "Errors from {} to {} ({}).",
            at(start),
            at(end),
            human_duration(end - start)
        )),
        _ if s.isolated => parts
            .push("Isolated errors only: none repeated or rose above their baseline.".to_string()),
        _ => parts.push("No errors, crashes or OOM kills in the window.".to_string()),
    }
    match (s.detected, s.start) {
        (Some(d), Some(start)) if d >= start => parts.push(format!(
            "Detected {} by an alert, {} after the errors began.",
            at(d),
            human_duration(d - start)
        )),
        (Some(d), _) => parts.push(format!("First alert {}.", at(d))),
        (None, _) => parts.push("No alert fired in the window.".to_string()),
    }
    if let Some(i) = &s.impact {
        let baseline = i
            .baseline
            .map(|b| format!(", against {:.1}% before the window", b * 100.0))
            .unwrap_or_default();
        parts.push(format!(
            "Impact: {} of {} requests ({:.1}%) failed or were slow{baseline}.",
            thousands(i.failed_or_slow),
            thousands(i.requests),
            i.ratio * 100.0
        ));
    }
    let change = |e: &Entry| {
        let why = e
            .evidence
            .as_ref()
            .map(|x| format!("; {}", x.words))
            .unwrap_or_default();
        format!(
            "the {} at {} ({}){why}",
            e.label.to_lowercase(),
            at(e.first),
            e.text
        )
    };
    match (&s.suspect, s.changes_before) {
        (Some(e), _) => {
            let hedge = e.evidence.as_ref().map_or("suspected trigger", |x| x.hedge());
            parts.push(format!("{}: {}.", capitalised(hedge), change(e)));
            for other in &s.others {
                parts.push(format!("Also possible: {}.", change(other)));
            }
        }
        (None, Some(0)) => parts.push(
            "Suspected trigger: none; no change in the look-back before the outage.".to_string(),
        ),
        (None, Some(n)) => parts.push(format!(
            "Suspected trigger: none; no change in the look-back is tied to the outage ({n} before it, none on a failing service or one it calls)."
        )),
        (None, None) => parts.push("Suspected trigger: none identified.".to_string()),
    }
    format!("**Summary.** {}", parts.join(" "))
}

/// `Suspected trigger` from `suspected trigger`.
fn capitalised(words: &str) -> String {
    let mut out = words.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// The window's day, or its first and last (`2025-03-18 to 2025-03-19`), as the draft's
/// header says them.
pub(super) fn days(timeline: &Timeline, zone: &Zone) -> String {
    let day = |t: Nanos| zone.to_local(t).format("%Y-%m-%d").to_string();
    let (first, last) = (day(timeline.window.from), day(timeline.window.to));
    match first == last {
        true => first,
        false => format!("{first} to {last}"),
    }
}

/// Whether the entries and the window fall on more than one local day.
pub(super) fn spans_days(timeline: &Timeline, zone: &Zone) -> bool {
    let day = |t: Nanos| zone.to_local(t).date();
    let first = day(timeline.window.from);
    std::iter::once(timeline.window.to)
        .chain(timeline.entries.iter().flat_map(|e| [e.first, e.last]))
        .any(|t| day(t) != first)
}

/// `--events`: one readable line per event,
/// `2025-06-05 14:00:01.123 ERROR log     checkout: first line [app.log:7]`, with the name
/// the line used after a canonical service's (`api (api-7d9f6c-x2lkq): …`).
pub fn event_line(text: &mut Vec<u8>, e: &Event, clock: &mut StreamClock) -> io::Result<()> {
    let padded = |text: &mut Vec<u8>, word: &str, width: usize| {
        text.extend_from_slice(word.as_bytes());
        text.resize(text.len() + width.saturating_sub(word.len()) + 1, b' ');
    };
    clock.write(e.time, text);
    text.push(b' ');
    let level = match e.level {
        Some(Level::Debug) => "DEBUG",
        Some(Level::Info) => "INFO",
        Some(Level::Warn) => "WARN",
        Some(Level::Error) => "ERROR",
        None => "-",
    };
    padded(text, level, 5);
    padded(text, e.kind.name(), 7);
    text.extend_from_slice(e.service.as_deref().unwrap_or("-").as_bytes());
    // The name the line used, where the service is known by another.
    if let Some(original) = e.fields.get("service_original").and_then(Value::as_str) {
        text.extend_from_slice(b" (");
        text.extend_from_slice(original.as_bytes());
        text.push(b')');
    }
    text.extend_from_slice(b": ");
    text.extend_from_slice(first_line(&e.message).as_bytes());
    text.extend_from_slice(b" [");
    text.extend_from_slice(e.source.path.as_bytes());
    if let Some(line) = e.source.line() {
        text.push(b':');
        text.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
    }
    text.extend_from_slice(b"]\n");
    Ok(())
}

/// The message's first line as `str::lines` gives it (without a `\r` before its `\n`), found
/// by one byte search: the event stream asks of every event.
fn first_line(message: &str) -> &str {
    match memchr::memchr(b'\n', message.as_bytes()) {
        Some(end) => {
            let line = &message[..end];
            line.strip_suffix('\r').unwrap_or(line)
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::{event_line, first_line};
    use crate::event::{Event, Kind, Level, SourceRef};
    use crate::time::{StreamClock, Zone};

    fn event(level: Option<Level>, kind: Kind, service: Option<&str>, message: &str) -> Event {
        Event {
            // 2025-06-05T14:00:01.123456Z
            time: 1_749_132_001_123_456_789,
            kind,
            level,
            service: service.map(str::to_string),
            message: message.to_string(),
            fields: Default::default(),
            source: SourceRef {
                path: "checkout/app.log".into(),
                line: 1_332_002,
            },
        }
    }

    /// The event stream's line as a responder reads it: the local time to the millisecond
    /// (cut, not rounded), the level and kind in padded columns, the service or a dash, the
    /// first line of the message only, and the citation.
    #[test]
    fn a_stream_line_reads_in_columns() {
        let line = |e: &Event, zone: &str| {
            let mut text = Vec::new();
            let zone = Zone::parse(zone).expect("a zone");
            event_line(&mut text, e, &mut StreamClock::new(&zone)).expect("written into memory");
            String::from_utf8(text).expect("UTF-8")
        };
        let error = event(
            Some(Level::Error),
            Kind::Log,
            Some("checkout"),
            "Payment declined\n\tat a.b(C.java:1)",
        );
        assert_eq!(
            line(&error, "UTC"),
            "2025-06-05 14:00:01.123 ERROR log     checkout: Payment declined [checkout/app.log:1332002]\n"
        );
        assert_eq!(
            line(&error, "+05:30"),
            "2025-06-05 19:30:01.123 ERROR log     checkout: Payment declined [checkout/app.log:1332002]\n"
        );
        let restart = event(Some(Level::Warn), Kind::Restart, None, "back-off");
        assert_eq!(
            line(&restart, "UTC"),
            "2025-06-05 14:00:01.123 WARN  restart -: back-off [checkout/app.log:1332002]\n"
        );
        let request = event(
            None,
            Kind::Http {
                status: 503,
                duration: None,
            },
            Some("gateway"),
            "GET /api/checkout 503",
        );
        assert_eq!(
            line(&request, "UTC"),
            "2025-06-05 14:00:01.123 -     http    gateway: GET /api/checkout 503 [checkout/app.log:1332002]\n"
        );
    }

    proptest::proptest! {
        /// The first line is the one `str::lines` reads, across `\r`, `\n` and their pairs.
        #[test]
        fn the_first_line_is_the_standard_one(message in "[a\r\n]{0,6}") {
            proptest::prop_assert_eq!(first_line(&message), message.lines().next().unwrap_or(""));
        }
    }
}
