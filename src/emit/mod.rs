//! Writing the draft and the event stream, in Markdown (for the postmortem), JSON (for other
//! tools) and Timesketch's JSON Lines (for forensic timelines); and the `--stats` table.

pub mod chart;
pub mod html;
pub mod json;
pub mod markdown;
pub mod stats;
pub mod timesketch;

use crate::correlate::{Clock, Entry, Milestone};
use crate::time::{skew_words, Nanos, Zone};

/// `HH:MM`, or with the date when the draft spans days.
fn clock(zone: &Zone, t: Nanos, with_date: bool) -> String {
    let local = zone.to_local(t);
    if with_date {
        local.format("%Y-%m-%d %H:%M").to_string()
    } else {
        local.format("%H:%M").to_string()
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the draft says of a clock that is off: the shift `reconstruct.toml` declared, or the
/// skew the logs show and the leeway the trigger was judged with.
fn clock_words(c: &Clock) -> String {
    match &c.against {
        None => format!(
            "`{}` shifted by {}{}, as reconstruct.toml declares its clock.",
            c.path,
            if c.offset > 0 { "+" } else { "" },
            skew_words(c.offset)
        ),
        Some(other) => format!(
            "`{}` runs about {} behind `{other}` ({} of {}); its times are as logged, and a trigger is judged with that much leeway.",
            c.path,
            skew_words(c.offset),
            c.matches,
            c.by
        ),
    }
}

/// An entry's words without markup, as JSON's `summary` carries them and Markdown bolds and
/// italicises them: the label (`Error`), the text with its count (`checkout: first "pool
/// exhausted" (2,341 more until 15:35)`), and notes (`outage begins`, `suspected trigger:
/// checkout's errors began 17 minutes after it`).
fn words(entry: &Entry, zone: &Zone, with_date: bool) -> (&'static str, String, Vec<String>) {
    let suffix = if entry.kind.folds() && entry.count > 1 {
        format!(
            " ({} more until {})",
            thousands(entry.count - 1),
            clock(zone, entry.last, with_date)
        )
    } else {
        String::new()
    };
    // "Outage begins" and "Recovered" entries say their milestone in their label.
    let mut notes: Vec<String> = entry
        .milestone
        .filter(|m| {
            matches!(
                m,
                Milestone::Detected | Milestone::Escalated | Milestone::Mitigation
            )
        })
        .iter()
        .map(|m| m.words().to_string())
        .collect();
    if let Some(evidence) = entry.evidence.as_ref().filter(|_| entry.suspect) {
        notes.push(format!("{}: {}", evidence.hedge(), evidence.words));
    }
    if entry.after_window {
        notes.push("after the window".to_string());
    }
    (entry.label, format!("{}{suffix}", entry.text), notes)
}

/// Writes `value` as one line of JSON (JSON Lines, as the event streams and Timesketch's
/// import read it).
fn json_line<W: std::io::Write + ?Sized>(
    w: &mut W,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(2341), "2,341");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
