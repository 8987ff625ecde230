//! Finding the inputs, opening them (decompressing by magic bytes) and framing their lines.

mod archive;
pub mod clickhouse;
mod duplicates;
#[cfg(unix)]
pub mod line_index;
mod lines;
mod open;
#[cfg(unix)]
mod seek;
mod walk;

pub use archive::{named as archive_named, Member, Place};
pub use duplicates::copies;
pub use lines::{Line, LineReader};
pub use open::{compression, open, Opened};
#[cfg(unix)]
pub use seek::{Count, Counted, Seekable, TimeOf};
pub use walk::{discover, Input, Location, SETTINGS};

use std::io;
use thiserror::Error;

/// An I/O error as a responder can act on it: what is wrong and what to do, without the
/// `(os error 2)` tail.
pub fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file, or a link to nothing: check the path".into(),
        io::ErrorKind::PermissionDenied => {
            "permission denied: run as a user who can read it, or copy it somewhere readable".into()
        }
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

#[derive(Debug, Error)]
pub enum InputError {
    #[error("no such file or directory ({0})")]
    Missing(String),
    #[error(transparent)]
    ClickHouse(#[from] clickhouse::ClickHouseError),
    #[error("cannot read ({path}): {}", reason(source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
