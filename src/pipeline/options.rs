//! What a run is asked to do, and why it can fail as a whole.

use super::Diagnostic;
use crate::config::Config;
use crate::event::Event;
use crate::input::clickhouse::Credentials;
use crate::input::{self, InputError};
use crate::time::window::WindowError;
use crate::time::window::WindowTime;
use crate::time::{Nanos, StreamClock, Zone};
use chrono::NaiveDate;
use indicatif::ProgressBar;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;

#[derive(Clone, Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub from: Option<WindowTime>,
    pub to: Option<WindowTime>,
    pub date: Option<NaiveDate>,
    pub zone: Zone,
    pub lookback: Nanos,
    /// How far after the window's end to look for the closures of what opened in it.
    pub lookahead: Nanos,
    pub year: Option<i32>,
    /// Whether every event is wanted (`--events`), or only what the draft uses: ordinary
    /// info lines and requests are then counted and dropped as they are read.
    pub all_events: bool,
    /// Whether the event stream's output prints fields (JSON, Timesketch). The text stream
    /// prints none, and its parse builds only those that decide an event's kind.
    pub event_fields: bool,
    /// For a draft's impact line: a request slower than this was affected.
    pub slow: Nanos,
    /// For the event stream: how one event is written as one line (the output's format),
    /// in the run's zone. Each input's events are then written while it is read (every
    /// 2,048 events), on the core that reads it, and dropped: the run holds the
    /// window's text, not its events, and [`Run::write_stream`](super::Run::write_stream) only interleaves lines.
    /// Without it the run keeps the events.
    pub render: Option<Render>,
    /// A bar to advance by each input's bytes as it is done; shown only when the input is
    /// large (see [`PROGRESS_FROM`]), cleared before the run returns.
    pub progress: Option<ProgressBar>,
    /// What `reconstruct.toml` says: every input is read as it says.
    pub config: Arc<Config>,
    /// Where the line index is kept (`None`: none is read or written; see
    /// [`crate::input::line_index`]).
    pub index: Option<PathBuf>,
    /// Who ClickHouse tables are read as (`CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`).
    pub credentials: Credentials,
}

/// Writes one event as one line of a stream, newline included. JSON's serializer answers with
/// a `Result` even into memory; no event of ours makes it fail.
pub type Render = fn(&mut Vec<u8>, &Event, &mut StreamClock) -> io::Result<()>;

/// Inputs smaller than this finish before a progress bar would be worth drawing.
pub const PROGRESS_FROM: u64 = 256 << 20;

#[derive(Debug, Error)]
pub enum RunError {
    #[error("{}", with_hint(.0))]
    Input(#[from] InputError),
    #[error(transparent)]
    Window(#[from] WindowError),
    /// The warnings say why each input gave nothing; they are printed before this error.
    #[error("nothing could be read ({what}): check the paths and permissions")]
    NothingReadable {
        what: String,
        warnings: Vec<Diagnostic>,
    },
    #[error("cannot follow the files (live mode): {}", input::reason(.0))]
    Follow(io::Error),
    #[error("cannot read ({name}): {}", input::reason(source))]
    Stream { name: String, source: io::Error },
}

/// An input's error with what to do: a table's says it already.
fn with_hint(e: &InputError) -> String {
    match e {
        InputError::ClickHouse(e) => e.to_string(),
        other => format!("{other}: check the path"),
    }
}

impl RunError {
    /// What was noticed on the way to the error, for standard error before it.
    pub fn warnings(&self) -> &[Diagnostic] {
        match self {
            RunError::NothingReadable { warnings, .. } => warnings,
            _ => &[],
        }
    }

    /// Whether the user's command line was at fault (exit 2) rather than the run (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            RunError::Input(InputError::Missing(_) | InputError::ClickHouse(_))
                | RunError::Window(_)
        )
    }
}
