//! Files the user writes for the tool: the `--incidents` list of a batch run, and the
//! `reconstruct.toml` that teaches it a site's logs. Both are TOML; a mistake in either is one
//! error naming the file and line.

mod file;
pub mod incidents;

pub use file::ConfigError;
