//! The service a file's path names, for the lines that name none.

use crate::event::TABLE_CITATION;
use crate::input::archive_named;
use std::path::Path;

/// File names that say nothing about the service, so the directory names it instead.
pub(super) const GENERIC_STEMS: &[&str] = &[
    "access",
    "app",
    "application",
    "combined",
    "console",
    "current",
    "error",
    "events",
    "log",
    "logs",
    "main",
    "messages",
    "output",
    "server",
    "stderr",
    "stdout",
    "syslog",
    "daemon",
    "kern",
    "service",
];

/// `checkout.log.1.gz` → `checkout`; `checkout/app.log` → `checkout`; `access.log` → none.
/// An archive's member (`bundle.tgz:checkout/app.log`) is named by its path inside. A
/// ClickHouse table (`clickhouse:logs.app`) names none: its rows name their own.
pub fn service_from_path(path: &str) -> Option<String> {
    if path.starts_with(TABLE_CITATION) {
        return None;
    }
    let path = path
        .match_indices(':')
        .find(|&(at, _)| archive_named(Path::new(&path[..at])))
        .map_or(path, |(at, _)| &path[at + 1..]);
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next()?;
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    let is_generic =
        |s: &str| s.is_empty() || GENERIC_STEMS.contains(&s.to_ascii_lowercase().as_str());
    if !is_generic(stem) {
        return Some(stem.to_string());
    }
    parts
        .next()
        .filter(|d| !is_generic(d) && *d != "." && *d != "..")
        .map(str::to_string)
}
