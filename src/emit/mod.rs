//! Writing the draft and the event stream, in Markdown (for the postmortem) and JSON (for
//! other tools).

pub mod json;
pub mod markdown;

use crate::correlate::Entry;
use crate::time::{Nanos, Zone};

/// Which output `--format` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Markdown,
    Json,
}

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

/// An entry's words without markup, as JSON's `summary` carries them and Markdown bolds them:
/// `Error checkout: first "pool exhausted" (2,341 more until 15:35)`.
fn words(entry: &Entry, zone: &Zone, with_date: bool) -> (String, String) {
    let suffix = if entry.kind.folds() && entry.count > 1 {
        format!(
            " ({} more until {})",
            thousands(entry.count - 1),
            clock(zone, entry.last, with_date)
        )
    } else {
        String::new()
    };
    (entry.label.to_string(), format!("{}{suffix}", entry.text))
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
