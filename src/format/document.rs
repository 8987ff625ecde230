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

/// Whether a sample looks like a document: its first line is a whole JSON array (a list of
/// records on one line), or the opening of an array or object that goes on past it, valid as
/// far as it goes. A line that opens with a bracket and then breaks JSON's syntax
/// (`[2023-05-15 18:19:32] local.ERROR: …`, Laravel's and Monolog's layout) opens no document:
/// read as one, the whole file would be lost at its first line.
pub fn looks_like(first_line: &str) -> bool {
    let t = first_line.trim();
    match serde_json::from_str::<&RawValue>(t) {
        Ok(_) => t.starts_with('['),
        Err(e) => (t.starts_with('[') || t.starts_with('{')) && e.is_eof(),
    }
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

#[cfg(test)]
mod tests {
    use super::looks_like;

    /// First lines of files, each with whether it opens a whole document.
    const FIRST_LINES: [(&str, bool); 7] = [
        // `kubectl get events -o json`, and Kubernetes's watch stream, pretty-printed.
        ("{", true),
        // PagerDuty's `log_entries` response (REST API v2), the list key on the first line.
        (r#"{"log_entries": ["#, true),
        // `helm history -o json`: the whole array on one line.
        (
            r#"[{"revision": 5, "updated": "2023-10-11T13:00:01.52+02:00", "status": "superseded"}]"#,
            true,
        ),
        // Grafana's panel data (Graphite style), an array cut at the line's end.
        (
            r#"[{"target": "gateway.requests.5xx", "datapoints": [[120, 1697029200000],"#,
            true,
        ),
        // Laravel's log (Monolog's `LineFormatter`: `[%datetime%] %channel%.%level_name%:
        // %message% %context%`), seen in lnav's test logs: an error whose context runs on over
        // its stack trace.
        (
            r#"[2025-01-02 11:19:06] laravel.EMERGENCY: Unable to create configured logger. Using emergency logger. {"exception":"[object] (Error(code: 0): Call to undefined method"#,
            false,
        ),
        // Symfony's `var/log/dev.log`, the same formatter with Monolog 2's ISO time, seen in a
        // project's notes: it ends with a bracket, the empty `%extra%`.
        (
            r#"[2026-03-26T01:01:23.888014+01:00] app.INFO: ✖app:send_notification {"class":"App\\Notifications\\CommandExecuted","importance":"high","content":""} []"#,
            false,
        ),
        // A JSON line: one record, not a document.
        (
            r#"{"time":"2025-06-01T00:00:00.000Z","level":"INFO","msg":"request handled"}"#,
            false,
        ),
    ];

    #[test]
    fn a_document_opens_with_json_valid_as_far_as_it_goes() {
        for (line, document) in FIRST_LINES {
            assert_eq!(looks_like(line), document, "{line}");
        }
    }
}
