//! Merging the sources into one stream and judging it into a draft timeline.

mod draft;
mod merge;
mod onset;
pub mod open;
mod skew;
mod suspect;
mod template;
mod timeline;

pub use draft::build;
pub use merge::{merge, Merged, Timed};
pub use timeline::{
    Clock, Entry, EntryKind, Evidence, Impact, Milestone, Settings, Summary, Timeline, Window,
};
