//! Merging the sources into one stream and judging it into a draft timeline.

mod draft;
mod merge;
mod template;

pub use draft::{build, Entry, EntryKind, Impact, Settings, Summary, Timeline, Window};
pub use merge::merge;
