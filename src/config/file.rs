//! Reading a TOML file into a typed value, with errors that name the file and line.

use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;
use thiserror::Error;

/// A mistake in a file the user wrote: what is wrong, where, and what to do.
#[derive(Debug, Error, PartialEq)]
#[error("{what} ({file}{}): {hint}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub what: String,
    pub file: String,
    pub line: Option<usize>,
    pub hint: String,
}

/// An open TOML file: its name and text, to place errors.
pub struct Source {
    pub name: String,
    text: String,
    hint: &'static str,
}

impl Source {
    /// Reads `path`; `hint` ends every error about it (where the format is documented).
    pub fn read(path: &Path, hint: &'static str) -> Result<Source, ConfigError> {
        let name = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Source { name, text, hint }),
            Err(e) => Err(ConfigError {
                what: "cannot read".into(),
                file: name,
                line: None,
                hint: crate::input::reason(&e),
            }),
        }
    }

    /// A text that is no file of the user's (a definition built into the tool), by `name`.
    pub fn of(name: &str, text: &str, hint: &'static str) -> Source {
        Source {
            name: name.to_string(),
            text: text.to_string(),
            hint,
        }
    }

    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ConfigError> {
        toml::from_str(&self.text).map_err(|e| {
            // The parser's message can run over lines (a caret diagram): keep its first.
            let message = e.message().lines().next().unwrap_or("invalid TOML").trim();
            self.error(message, e.span())
        })
    }

    /// An error at `span` from a message of the form `what: hint` (the tool's own errors
    /// about times, dates and durations), keeping its hint.
    pub fn mistake(&self, message: &str, span: Range<usize>) -> ConfigError {
        let mut e = self.error(message, Some(span));
        if let Some((what, hint)) = message.split_once(": ") {
            e.what = what.to_string();
            e.hint = hint.to_string();
        }
        e
    }

    /// An error at `span` (a byte range of the text), in this file's words.
    pub fn error(&self, what: impl Into<String>, span: Option<Range<usize>>) -> ConfigError {
        let line = span.map(|s| {
            let at = s.start.min(self.text.len());
            1 + self.text.as_bytes()[..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
        });
        ConfigError {
            what: what.into(),
            file: self.name.clone(),
            line,
            hint: self.hint.into(),
        }
    }
}
