//! The `--incidents` list: a week's incidents in one TOML file, each drafted into its own
//! file by one run that reads every shared log once.
//!
//! ```toml
//! paths = ["logs/"]          # for incidents that name none; relative to this file
//! zone = "Europe/Berlin"     # default zone (else --tz)
//!
//! [[incident]]
//! name = "API latency after v4.2.0"
//! from = "2023-10-11 14:00"
//! to = "2023-10-11 16:00"
//! ```

use super::{Options, WindowTime};
use crate::config::{ConfigError, Source};
use crate::time::{read_date, read_duration, read_zone, Nanos};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

const HINT: &str = "see \"Batch runs\" in the README for the incidents file";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    paths: Option<Vec<Spanned<String>>>,
    zone: Option<Spanned<String>>,
    lookback: Option<Spanned<String>>,
    lookahead: Option<Spanned<String>>,
    #[serde(default)]
    incident: Vec<Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: Spanned<String>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    zone: Option<Spanned<String>>,
    lookback: Option<Spanned<String>>,
    lookahead: Option<Spanned<String>>,
    paths: Option<Vec<Spanned<String>>>,
}

/// One incident of the list, as a run of its own would be asked for it.
pub struct Incident {
    pub name: String,
    /// The name of its draft's file, without extension: the name in lower case, with runs of
    /// anything but letters and digits as one `-`.
    pub stem: String,
    pub options: Options,
}

/// Reads the list at `path`. Each incident starts from `defaults` (the command line), then
/// the file's top-level keys, then its own. Relative paths are relative to the file, so the
/// list can be kept beside the logs and run from anywhere.
pub fn load(path: &Path, defaults: &Options, now: Nanos) -> Result<Vec<Incident>, ConfigError> {
    let source = Source::read(path, HINT)?;
    let list: List = source.parse()?;
    let base = path.parent().unwrap_or(Path::new(""));
    let resolve = |paths: &[Spanned<String>]| -> Result<Vec<PathBuf>, ConfigError> {
        paths
            .iter()
            .map(|p| match p.get_ref().as_str() {
                "-" => Err(source.error(
                    "standard input cannot be shared between incidents",
                    Some(p.span()),
                )),
                s => Ok(base.join(s)),
            })
            .collect()
    };
    let mut shared = defaults.clone();
    shared.progress = None;
    if let Some(paths) = &list.paths {
        shared.paths = resolve(paths)?;
    }
    overlay(
        &source,
        &mut shared,
        [&list.zone, &list.lookback, &list.lookahead],
    )?;
    if list.incident.is_empty() {
        return Err(source.error("no [[incident]] in the file", None));
    }
    let mut stems: HashMap<String, String> = HashMap::new();
    let mut incidents = Vec::with_capacity(list.incident.len());
    for entry in &list.incident {
        let at = Some(entry.span());
        let e = entry.get_ref();
        let name = e.name.get_ref().trim().to_string();
        let stem = stem(&name);
        if stem.is_empty() {
            return Err(source.error(
                "an incident's name needs a letter or digit (it names the draft's file)",
                Some(e.name.span()),
            ));
        }
        if let Some(other) = stems.insert(stem.clone(), name.clone()) {
            return Err(source.error(
                format!("'{name}' and '{other}' would both be drafted to {stem}: rename one"),
                Some(e.name.span()),
            ));
        }
        let mut options = shared.clone();
        let time = |t: &Spanned<String>| {
            WindowTime::parse(t.get_ref(), now).map_err(|m| source.mistake(&m, t.span()))
        };
        options.from = e.from.as_ref().map(time).transpose()?;
        options.to = e.to.as_ref().map(time).transpose()?;
        if let Some(d) = &e.date {
            options.date = Some(read(&source, d, read_date)?);
        }
        overlay(&source, &mut options, [&e.zone, &e.lookback, &e.lookahead])?;
        if let Some(paths) = &e.paths {
            options.paths = resolve(paths)?;
        }
        if options.paths.is_empty() {
            return Err(source.error(
                format!("no paths for '{name}': give it paths = [...], or give them at the top of the file"),
                at,
            ));
        }
        incidents.push(Incident {
            name,
            stem,
            options,
        });
    }
    Ok(incidents)
}

/// What the list's top and each incident may both say (its zone, look-back and look-ahead),
/// read over `options`.
fn overlay(
    source: &Source,
    options: &mut Options,
    [zone, lookback, lookahead]: [&Option<Spanned<String>>; 3],
) -> Result<(), ConfigError> {
    if let Some(z) = zone {
        options.zone = read(source, z, read_zone)?;
    }
    if let Some(l) = lookback {
        options.lookback = read(source, l, read_duration)?;
    }
    if let Some(l) = lookahead {
        options.lookahead = read(source, l, read_duration)?;
    }
    Ok(())
}

/// A value read as the option of the same name reads it, its error placed at its line.
fn read<T>(
    source: &Source,
    value: &Spanned<String>,
    read: fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    read(value.get_ref()).map_err(|m| source.mistake(&m, value.span()))
}

fn stem(name: &str) -> String {
    let mut stem = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    stem.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_name_files_safely() {
        assert_eq!(stem("API latency after v4.2.0"), "api-latency-after-v4-2-0");
        assert_eq!(stem("  ../../etc/passwd "), "etc-passwd");
        assert_eq!(stem("Zürich DC"), "zürich-dc");
        assert_eq!(stem("***"), "");
    }
}
