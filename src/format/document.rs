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
    let mut items = 0u64;
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
            items += 1;
            cx.line = lines.at(item.get().as_ptr() as usize - text.as_ptr() as usize);
            let before = out.len();
            if json::parse(item.get(), cx, out) {
                let kept = (out.len() - before) as u64;
                counts.events += kept;
                if kept == 0 {
                    counts.outside += 1;
                }
            } else {
                counts.unparsed += 1;
                counts.first_unparsed.get_or_insert(cx.line);
            }
        }
    }
    if let Some(at) = error {
        let rest = (first_line + text.lines().count() as u64).saturating_sub(at);
        counts.unparsed += rest;
        counts.first_unparsed.get_or_insert(at);
    }
    counts.continuations = counts
        .lines
        .saturating_sub(counts.blank + items + counts.unparsed.min(counts.lines));
    error
}

/// The records of one top-level value: the elements of an array, the list inside an API
/// response, or the value itself.
fn records(value: &RawValue) -> Vec<&RawValue> {
    let text = value.get();
    if text.starts_with('[') {
        return serde_json::from_str(text).unwrap_or_default();
    }
    if let Some(obj) = json::object(value) {
        for key in LIST_KEYS {
            if let Some(list) = obj.get(*key).filter(|v| v.get().starts_with('[')) {
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
