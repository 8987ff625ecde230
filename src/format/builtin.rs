//! Line formats built into the tool as data: each a definition file in `defs/`, read by the
//! engine that reads a site's `[[format]]` in `reconstruct.toml` (regular expressions with
//! named captures, a level map, fields renamed to the parts they play). A new line format
//! that a regular expression can say is one file here and its fixture.

use crate::config::{self, LineFormat};
use std::sync::LazyLock;

/// Each definition file, by name.
const DEFINITIONS: [(&str, &str); 2] = [
    (
        "postgresql-csvlog.toml",
        include_str!("defs/postgresql-csvlog.toml"),
    ),
    (
        "android-logcat.toml",
        include_str!("defs/android-logcat.toml"),
    ),
];

/// The built-in formats, compiled on first use, in the order of [`DEFINITIONS`]. A definition
/// that does not compile is left out (`tests` check that each does).
pub fn formats() -> &'static [LineFormat] {
    static FORMATS: LazyLock<Vec<LineFormat>> = LazyLock::new(|| {
        DEFINITIONS
            .iter()
            .filter_map(|(name, text)| config::definitions(name, text).ok())
            .flatten()
            .collect()
    });
    &FORMATS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_compiles() {
        for (name, text) in DEFINITIONS {
            if let Err(e) = config::definitions(name, text) {
                panic!("{name}: {e}");
            }
        }
        assert_eq!(formats().len(), DEFINITIONS.len());
    }

    /// Each definition's sample lines, read as a file of their own, are detected as that
    /// format and each gives an event.
    #[test]
    fn every_definition_reads_its_samples() {
        use crate::format::testing::parse_all;
        for format in formats() {
            assert!(!format.samples.is_empty(), "{}: no samples", format.name);
            let lines: Vec<&str> = format.samples.iter().map(String::as_str).collect();
            let (events, counts, detected) = parse_all("device.log", &lines);
            let name = detected.map(|f| f.name(&config::Config::default()).to_string());
            assert_eq!(name.as_deref(), Some(format.name.as_str()));
            assert_eq!(events.len(), lines.len(), "{}: {counts:?}", format.name);
        }
    }
}
