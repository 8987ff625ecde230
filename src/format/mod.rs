//! Detecting each input's format and turning its lines into [`Event`]s.
//!
//! A file's format is chosen once, from a sample of its first lines (never from its name);
//! each later line tries that format first and the others after it, so a file that mixes
//! shapes (a JSON log with plain panics in it) loses nothing. In text formats a line that no
//! format takes is a continuation (stack trace, traceback) of the event before it.

mod access;
mod alb;
mod alertmanager;
mod builtin;
mod classes;
mod clock;
mod compose;
mod counts;
mod cri;
mod custom;
mod cx;
mod datadog;
mod detect;
mod dialects;
mod docker;
mod document;
mod github;
mod grafana;
mod haproxy;
mod helm;
mod heroku;
mod json;
mod k8s;
mod keeping;
mod line_text;
mod located;
mod logfmt;
mod metrics;
mod nagios;
mod opsgenie;
mod otlp;
mod pagerduty;
mod parser;
mod registry;
mod row;
mod service;
mod spinnaker;
mod syslog;
mod text;
pub use crate::time::stamp as timestamp;
pub use text::LevelPlace;
mod zabbix;

use crate::config::Config;
use crate::event::Event;
pub use crate::time::calendar::YearAnchor;
use crate::time::layout;
use crate::time::lock::{Declared, Lock};
pub use classes::{Classify, Field};
pub use clock::Clock;
pub use counts::FileCounts;
pub use cx::Cx;
use cx::{always_wanted, defined, line_format};
use detect::{detect, layout_of};
use keeping::Keeping;
use line_text::{
    capped, cut, is_crash, opening, readable, strip_ansi, trim_end, trim_start, MAX_MESSAGE,
};
pub use metrics::{figure, Series};
use parser::directive;
pub use parser::{Dropped, FileParser, Keep, Parsed};
pub use registry::Declaration;
pub use service::service_from_path;

/// The format families, in the order they are tried when a sample is tied (see [`ALL`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Syslog,
    Access,
    Logfmt,
    /// Lines that open with a time, and where the file states its level.
    Text(LevelPlace),
    /// A format defined as data: a site's in `reconstruct.toml` (its index there), then the
    /// tool's own (the definitions in `src/format/defs/`), numbered after the site's.
    Custom(u8),
    /// Text whose stamps the hand-written readers miss, read where the file's lock puts them.
    Located(Lock),
    /// Rows of a log table, as the ClickHouse source streams them (`format/row.rs`): never
    /// detected, only given.
    Row,
    /// `docker compose logs`: each container's lines behind its name (`format/compose.rs`).
    Compose,
}

/// The families a line carried inside another is tried in (a table row's body, what a Compose
/// container wrote), before the tool's definitions and the text reader: whatever a service
/// writes to its log, a proxy's access lines among it.
const BODIES: [Format; 4] = [Format::Json, Format::Logfmt, Format::Syslog, Format::Access];

/// The families, in the order detection tries them: the first to read the most of a sample
/// wins. `docker compose logs` first, as the readers of what its containers wrote read as
/// many of its lines (a stamp after the container's name), but lose the containers.
pub const ALL: [Format; 6] = [
    Format::Compose,
    Format::Json,
    Format::Syslog,
    Format::Access,
    Format::Logfmt,
    Format::Text(LevelPlace::Anywhere),
];

impl Format {
    /// The name `--stats` and `-v` show: a site's format by the name `config` gives it.
    pub fn name(self, config: &Config) -> &str {
        match self {
            Format::Json => "json",
            Format::Syslog => "syslog",
            Format::Access => "access-log",
            Format::Logfmt => "logfmt",
            Format::Text(_) | Format::Located(_) => "timestamped text",
            Format::Row => "clickhouse rows",
            Format::Compose => "docker compose",
            Format::Custom(i) => {
                line_format(config, usize::from(i)).map_or("custom", |f| f.name.as_str())
            }
        }
    }

    /// Parses one line; `false` when the line is not in this format. Events whose time the
    /// window rejects are not built. Public for the fuzz targets, which drive each family
    /// alone.
    pub fn parse(self, line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
        match self {
            Format::Json => json::parse(line, cx, out),
            Format::Syslog => syslog::parse(line, cx, out),
            Format::Access => access::parse(line, cx, out),
            Format::Logfmt => logfmt::parse(line, cx, out),
            Format::Text(place) => text::parse(line, place, cx, out),
            Format::Custom(i) => custom::parse(usize::from(i), line, cx, out),
            Format::Located(lock) => located::parse(&lock, line, cx, out),
            Format::Row => row::parse(line, cx, out),
            Format::Compose => compose::parse(line, cx, out),
        }
    }

    /// What `-v` says after the name: the layout of the time (as the locator reads it in
    /// `stamped`, a line this format read), and for text where its lock or reader settled the
    /// time and the level.
    pub fn details(self, stamped: Option<&str>) -> String {
        let mut said = String::new();
        if let Format::Located(lock) = self {
            said += &format!(
                ", time as {} at token {}",
                lock.layout_text(),
                lock.ordinal + 1
            );
            said += match lock.declared {
                Declared::No => "",
                Declared::W3c => ", as its #Fields header declares",
                Declared::Header => ", the column its header row names",
            };
            said += &match lock.level {
                Some(-1) => ", level the word before it".to_string(),
                Some(1) => ", level the word after it".to_string(),
                Some(n) if n < 0 => format!(", level {} words before it", -n),
                Some(n) => format!(", level {n} words after it"),
                None => String::new(),
            };
            return said;
        }
        let layout = stamped
            .and_then(|line| layout_of(line.as_bytes()))
            .and_then(|index| layout::table().get(index));
        if let Some(layout) = layout {
            said += &format!(", time as {}", layout.text);
        }
        match self {
            Format::Text(LevelPlace::At(k)) => {
                said += &format!(", level at token {} after it", k + 1);
            }
            Format::Text(LevelPlace::Marked) => {
                said += ", levels only in capitals or brackets";
            }
            _ => {}
        }
        said
    }

    /// The formats a line this format does not read is tried in next. A file whose stamps
    /// only its lock reads is not handed to the text reader, which would take a time from the
    /// head of a continuation line.
    /// Whether a line this format cannot read goes on the event before it (a stack trace
    /// under a text line): not for JSON lines or a table's rows, each one whole, nor for
    /// `docker compose logs`, whose containers' lines interleave (the event before may be
    /// another container's).
    fn continues(self) -> bool {
        !matches!(self, Format::Json | Format::Row | Format::Compose)
    }

    fn fallbacks(self) -> impl Iterator<Item = Format> {
        ALL.into_iter().filter(move |f| {
            *f != self
                && self != Format::Row
                && !(matches!(self, Format::Located(_)) && matches!(f, Format::Text(_)))
        })
    }
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
