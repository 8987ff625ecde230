//! Finding the inputs, opening them (decompressing by magic bytes) and framing their lines.

mod duplicates;
mod lines;
mod open;
#[cfg(unix)]
mod seek;
mod walk;

pub use duplicates::copies;
pub use lines::LineReader;
pub use open::{open, Opened};
#[cfg(unix)]
pub use seek::{Seekable, TimeOf};
pub use walk::{discover, Input, Location};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum InputError {
    #[error("no such file or directory ({0})")]
    Missing(String),
    #[error("cannot read ({path}): {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
