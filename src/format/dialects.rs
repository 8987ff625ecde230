//! The programs whose lines the text reader reads, as data (`dialects.toml`): a file the
//! reader read is named for `--stats` and `-v` by the program its first timestamped line
//! shows ("spring boot", "python logging"), not by the family ("timestamped text").
//! Naming is all they do: how a line is read does not depend on them.

use regex::bytes::{RegexSet, RegexSetBuilder};
use serde::Deserialize;
use std::sync::LazyLock;

const TEXT: &str = include_str!("dialects.toml");

/// The dialects, compiled when a text file is first named.
static DIALECTS: LazyLock<Dialects> =
    LazyLock::new(|| parse(TEXT).expect("dialects.toml compiles (a test checks)"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    dialect: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    seen: String,
    regex: String,
    samples: Vec<String>,
}

/// The dialects' names, and their expressions as one set. The expressions are ASCII-only
/// (`\d` is `[0-9]`): compiled for Unicode, the twelve cost two thirds of a small file's run.
struct Dialects {
    names: Vec<String>,
    set: RegexSet,
}

fn parse(text: &str) -> Result<Dialects, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    if let Some(e) = file
        .dialect
        .iter()
        .find(|e| e.seen.trim().is_empty() || e.samples.is_empty())
    {
        return Err(format!(
            "{}: say where its layout was seen, and give real lines of it",
            e.name
        ));
    }
    let set = RegexSetBuilder::new(file.dialect.iter().map(|e| &e.regex))
        .unicode(false)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Dialects {
        names: file.dialect.into_iter().map(|e| e.name).collect(),
        set,
    })
}

/// The program whose layout `line` (a file's first timestamped line) has, if one of the
/// table's does (the first in the table, if several).
pub fn name_of(line: &str) -> Option<&'static str> {
    let dialects: &'static Dialects = &DIALECTS;
    let first = dialects.set.matches(line.as_bytes()).into_iter().next()?;
    dialects.names.get(first).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_its_own_dialects_and_no_others() {
        let dialects = parse(TEXT).expect("dialects.toml compiles");
        let file: File = toml::from_str(TEXT).expect("dialects.toml reads");
        for entry in &file.dialect {
            for sample in &entry.samples {
                let claimed: Vec<&str> = dialects
                    .set
                    .matches(sample.as_bytes())
                    .into_iter()
                    .map(|i| dialects.names[i].as_str())
                    .collect();
                assert_eq!(claimed, [entry.name.as_str()], "{sample}");
            }
        }
    }

    #[test]
    fn lines_of_no_known_program_stay_unnamed() {
        for line in [
            "2025-03-18T13:41:07Z INFO deploy checkout v4.2.0 started by ci (pipeline 8812)",
            "2023/10/11 14:00:01 [notice] 1#1: signal process started",
            "Oct 11 14:00:01 web-01 sshd[811]: Accepted publickey for deploy",
        ] {
            assert_eq!(name_of(line), None, "{line}");
        }
    }
}
