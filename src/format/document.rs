//! Whole JSON documents rather than JSON lines: `kubectl get events -o json` (a List with
//! `items`), the pretty-printed object stream of `kubectl get events -w -o json`, PagerDuty's
//! `log_entries` response, Helm's history array. Each item is parsed as a JSON line would be
//! and cited at the line where it starts.

use super::{json, Cx, FileCounts};
use crate::event::Event;
use serde_json::value::RawValue;

/// Keys under which an API response holds its list of records.
const LIST_KEYS: &[&str] = &[
    "items",
    "log_entries",
    "incidents",
    "events",
    "entries",
    "records",
    "data",
];

/// Whether a sample looks like a document: it opens with `[` or `{` but its first line is not
/// a whole JSON value.
pub fn looks_like(first_line: &str) -> bool {
    let t = first_line.trim();
    (t.starts_with('[') || t.starts_with('{')) && serde_json::from_str::<&RawValue>(t).is_err()
        || (t.starts_with('[') && t.ends_with(']'))
}

/// What became of the records that start on one line; the best of them counts.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Failed,
    Outside,
    Kept,
}

/// Parses the document `text`, whose first byte is on line `first_line`. Returns the line of
/// the first syntax error, if the document is broken (what came before it is kept).
pub fn parse(
    text: &str,
    first_line: u64,
    cx: &mut Cx,
    out: &mut Vec<Event>,
    counts: &mut FileCounts,
) -> Option<u64> {
    let mut lines = LineCounter {
        text,
        offset: 0,
        line: first_line,
    };
    // Each line where records start counts once: parsed if any record on it was kept,
    // outside if all parsed but none was, unrecognised if none parsed. The other lines of the
    // document are its inner lines (continuations), blank, or past a syntax error.
    let mut record_lines = 0u64;
    let mut current: Option<(u64, Outcome)> = None;
    let mut settle = |line: u64, outcome: Outcome, counts: &mut FileCounts| {
        record_lines += 1;
        match outcome {
            Outcome::Kept => counts.parsed += 1,
            Outcome::Outside => counts.outside += 1,
            // A document's records are not in time order: a broken one may be in range.
            Outcome::Failed => {
                counts.unrecognised += 1;
                counts.unparsed_in_range += 1;
                counts.first_unparsed.get_or_insert(line);
                counts.first_unparsed_in_range.get_or_insert(line);
            }
        }
    };
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    let mut error = None;
    for value in stream.by_ref() {
        let value = match value {
            Ok(v) => v,
            Err(_) => {
                error = Some(lines.at(text.len() - text[lines.offset..].trim_start().len()));
                break;
            }
        };
        for item in records(value) {
            cx.line = lines.at(item.get().as_ptr() as usize - text.as_ptr() as usize);
            let (before, counted) = (out.len(), cx.keeping.counted.len());
            let outcome = if json::parse(item.get(), cx, out) {
                let kept = (out.len() - before + cx.keeping.counted.len() - counted) as u64;
                counts.events += kept;
                if kept > 0 {
                    Outcome::Kept
                } else {
                    Outcome::Outside
                }
            } else {
                Outcome::Failed
            };
            match &mut current {
                Some((line, best)) if *line == cx.line => *best = (*best).max(outcome),
                _ => {
                    if let Some((line, outcome)) = current.take() {
                        settle(line, outcome, counts);
                    }
                    current = Some((cx.line, outcome));
                }
            }
        }
    }
    let last_record = current.map(|(line, _)| line);
    if let Some((line, outcome)) = current {
        settle(line, outcome, counts);
    }
    let mut broken = 0u64;
    if let Some(at) = error {
        // The non-blank lines from the break on, past any record already counted on them.
        let from = at.max(last_record.map_or(0, |l| l + 1));
        broken = text
            .lines()
            .zip(first_line..)
            .filter(|(l, n)| *n >= from && !l.trim().is_empty())
            .count() as u64;
        counts.unrecognised += broken;
        counts.unparsed_in_range += broken;
        counts.first_unparsed.get_or_insert(at);
        counts.first_unparsed_in_range.get_or_insert(at);
    }
    counts.continuations = counts
        .lines
        .saturating_sub(counts.blank + counts.too_large + record_lines + broken);
    error
}

/// The records of one top-level value: the elements of an array, the list inside an API
/// response, or the value itself.
fn records(value: &RawValue) -> Vec<&RawValue> {
    let text = value.get();
    if text.starts_with('[') {
        return serde_json::from_str(text).unwrap_or_default();
    }
    if let Some(obj) = json::object(&value.into()) {
        for key in LIST_KEYS {
            if let Some(list) = obj.get(key).filter(|v| v.get().starts_with('[')) {
                return serde_json::from_str(list.get()).unwrap_or_default();
            }
        }
    }
    vec![value]
}

/// Byte offsets to line numbers, counting forward only.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn at(&mut self, offset: usize) -> u64 {
        if offset >= self.offset {
            self.line += memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.offset..offset])
                .count() as u64;
            self.offset = offset;
        }
        self.line
    }
}
