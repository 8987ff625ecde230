//! What a run has to say about its inputs: a typed value with the input, the line and what
//! happened, so that callers can count, group or test them; rendered as one line only at the
//! edge (`main` prints `reconstruct: warning: …`).

use std::fmt;

/// One thing a responder should know about a run, each about one input unless said.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The input as the run shows it (`checkout/app.log`); `None` for the run as a whole.
    pub path: Option<String>,
    /// The line it concerns, where one does.
    pub line: Option<u64>,
    pub kind: Problem,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// Found but not read, before any line was: a binary file, a duplicate, an archive.
    NotRead { reason: String },
    /// Opened and given up on: unreadable, empty, binary, a corrupt compressed file.
    Skipped { what: String, why: String },
    /// Part of the input could not be read (a broken JSON document); what came before stays.
    Broken { problem: String },
    /// Reading failed part-way; the lines before stay.
    ReadError { reason: String, kept: u64 },
    /// Lines with only a time of day, and nothing to date them.
    Undatable { lines: u64 },
    /// No line in any format, nor any timestamp: the input is skipped.
    NoFormat { lines: u64, opening: String },
    /// Lines in no known format among lines that are.
    Unrecognised { lines: u64 },
    /// An event could not be written as a stream line: the stream lacks the rest of the input.
    Unwritable { why: String },
    /// The window holds no event (the run as a whole): the draft is empty.
    EmptyWindow { from: String, to: String },
    /// A time-of-day window the logs could place on more than one day: drafted on the latest.
    OtherDays { drafted: String, others: String },
    /// A remote source (a ClickHouse table) failed: unreachable, refused, or broken off
    /// mid-stream (the rows before it kept). An error, though the other inputs go on.
    Remote { what: String, hint: String },
    /// Rows of a table without a time or a body (a null): counted as unparsed.
    NullRows { rows: u64, untimed: bool },
}

impl Diagnostic {
    /// About the input `path`, at `line` where given.
    pub fn at(path: &str, line: Option<u64>, kind: Problem) -> Diagnostic {
        Diagnostic {
            path: Some(path.to_string()),
            line,
            kind,
        }
    }

    /// `error` for what lost a source's data, `warning` for the rest: the word standard
    /// error's line starts with after `reconstruct: `.
    pub fn severity(&self) -> &'static str {
        match self.kind {
            Problem::Remote { .. } => "error",
            _ => "warning",
        }
    }

    /// About the run as a whole.
    pub fn run(kind: Problem) -> Diagnostic {
        Diagnostic {
            path: None,
            line: None,
            kind,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Where, as CONTRACT.md's lines say it: `(path)` or `(path:line)`.
        let at = match (&self.path, self.line) {
            (Some(path), Some(line)) => format!("{path}:{line}"),
            (Some(path), None) => path.clone(),
            (None, _) => String::new(),
        };
        // What happened, then where in brackets, then what was done: the one line's shape.
        let (what, then) = match &self.kind {
            Problem::NotRead { reason } => ("skipped".to_string(), reason.clone()),
            Problem::Skipped { what, why } => (what.clone(), format!("{why}; skipped")),
            Problem::Broken { problem } => (problem.clone(), "kept what came before it".into()),
            Problem::ReadError { reason, kept } => (
                format!("read error at line {}", self.line.unwrap_or(kept + 1)),
                format!("{reason}; kept the {kept} lines before it"),
            ),
            Problem::Undatable { lines } => (
                format!("{lines} lines carry only a time of day and nothing dates them"),
                "counted as unparsed; give --date".into(),
            ),
            Problem::NoFormat { lines, opening } => (
                "no log format recognised and no timestamp found".into(),
                format!("{lines} lines counted as unparsed, the first {opening:?}; skipped"),
            ),
            Problem::Unrecognised { lines } => (
                format!(
                    "{lines} lines in no known format, the first at line {}",
                    self.line.unwrap_or(1)
                ),
                "counted as unparsed".into(),
            ),
            Problem::Remote { what, hint } => (what.clone(), hint.clone()),
            Problem::NullRows {
                rows,
                untimed: true,
            } => (
                format!("{rows} rows have no time (null)"),
                "they cannot be placed in any window; not read".into(),
            ),
            Problem::NullRows {
                rows,
                untimed: false,
            } => (
                format!("{rows} rows without a time or a body (null)"),
                "counted as unparsed".into(),
            ),
            Problem::Unwritable { why } => (
                "cannot write an event as a stream line".into(),
                format!("{why}; the stream lacks the rest of this file"),
            ),
            Problem::OtherDays { drafted, others } => {
                return write!(
                    f,
                    "the window could fall on more than one day of the logs: drafted {drafted}, the latest; give --date for one of {others}"
                )
            }
            Problem::EmptyWindow { from, to } => {
                return write!(
                    f,
                    "no events in the window ({from} to {to}): the draft is empty; check --from/--to, --date and --tz"
                )
            }
        };
        write!(f, "{what} ({at}): {then}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind renders as the one line users have read until now.
    #[test]
    fn each_renders_as_one_line_naming_input_and_line() {
        let cases = [
            (
                Diagnostic::at("a.log", Some(7), Problem::Unrecognised { lines: 3 }),
                "3 lines in no known format, the first at line 7 (a.log:7): counted as unparsed",
            ),
            (
                Diagnostic::at(
                    "b.gz",
                    None,
                    Problem::Skipped {
                        what: "corrupt compressed file".into(),
                        why: "invalid gzip header".into(),
                    },
                ),
                "corrupt compressed file (b.gz): invalid gzip header; skipped",
            ),
            (
                Diagnostic::at(
                    "c.log",
                    Some(41),
                    Problem::ReadError {
                        reason: "Input/output error".into(),
                        kept: 40,
                    },
                ),
                "read error at line 41 (c.log:41): Input/output error; kept the 40 lines before it",
            ),
        ];
        for (diagnostic, line) in cases {
            assert_eq!(diagnostic.to_string(), line);
        }
    }
}
