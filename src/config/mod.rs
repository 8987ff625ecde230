//! Files the user writes for the tool: the `--incidents` list of a batch run, and the
//! `reconstruct.toml` that teaches it a site's logs. Both are TOML; a mistake in either is one
//! error naming the file and line.

mod file;
pub mod incidents;
pub mod pattern;

pub use file::ConfigError;

use crate::event::{AlertState, DeployPhase, Event, Kind};
use crate::format::classify;
use file::Source;
use pattern::{Glob, Pattern};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The name the configuration is found by in a log directory.
pub const FILE_NAME: &str = "reconstruct.toml";

const HINT: &str = "see \"Configuration\" in the README";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    format: Vec<Spanned<FormatEntry>>,
    #[serde(default)]
    service: Vec<Spanned<ServiceEntry>>,
    #[serde(default)]
    source: Vec<Spanned<SourceEntry>>,
    silence: Option<SilenceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatEntry {
    name: Spanned<String>,
    pattern: Spanned<String>,
    time: Option<Spanned<String>>,
    #[serde(default)]
    files: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntry {
    name: Option<String>,
    #[serde(default)]
    files: Vec<String>,
    field: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    files: Vec<String>,
    kind: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SilenceEntry {
    templates: Vec<String>,
}

/// A site's line format: lines matching `pattern` give events with its named fields.
#[derive(Debug)]
pub struct LineFormat {
    /// Printed where a built-in format's name would be (`--stats`, `--verbose`).
    pub name: String,
    pub pattern: Pattern,
    /// A chrono layout for `{time}` (`%d.%m.%Y %H:%M:%S`); without one, any timestamp form the
    /// tool reads.
    pub time: Option<String>,
    files: Vec<Glob>,
}

impl LineFormat {
    /// Whether the format names its files (and is used for them only).
    pub fn named_files(&self) -> bool {
        !self.files.is_empty()
    }
}

/// Events from a file marked as a source of deploys or of alerts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SourceKind {
    Deploy,
    Alert,
}

/// What `reconstruct.toml` says. The default says nothing: every rule is opt-in.
#[derive(Debug, Default)]
pub struct Config {
    pub formats: Vec<LineFormat>,
    /// Services by path: the first rule whose glob matches names the file's service.
    services: Vec<(Glob, String)>,
    /// Fields whose value names an event's service, in order of preference.
    pub service_fields: Vec<String>,
    sources: Vec<(Glob, SourceKind)>,
    silence: Vec<Glob>,
}

/// What the configuration says about one file.
#[derive(Clone, Debug, Default)]
pub struct FileRules {
    /// The custom format the file is named for (an index into [`Config::formats`]).
    pub format: Option<usize>,
    pub service: Option<String>,
    pub kind: Option<SourceKind>,
}

/// `reconstruct.toml` in the first directory among `paths` that has one.
pub fn find(paths: &[PathBuf]) -> Option<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| p.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let source = Source::read(path, HINT)?;
        let file: File = source.parse()?;
        let mut config = Config::default();
        let mut formats = Vec::new();
        for entry in &file.format {
            let e = entry.get_ref();
            let pattern = Pattern::compile(e.pattern.get_ref())
                .map_err(|m| source.error(format!("pattern: {m}"), Some(e.pattern.span())))?;
            if let Some(t) = &e.time {
                check_layout(t.get_ref())
                    .map_err(|m| source.error(format!("time: {m}"), Some(t.span())))?;
            }
            let name = e.name.get_ref().trim();
            if name.is_empty() {
                return Err(source.error("a format needs a name", Some(e.name.span())));
            }
            formats.push(LineFormat {
                name: name.to_string(),
                pattern,
                time: e.time.as_ref().map(|t| t.get_ref().clone()),
                files: e.files.iter().map(|f| Glob::path(f)).collect(),
            });
        }
        if formats.len() > usize::from(u8::MAX) {
            return Err(source.error("more than 255 formats", None));
        }
        config.formats = formats;
        for entry in &file.service {
            let e = entry.get_ref();
            match (&e.name, e.files.is_empty(), &e.field) {
                (Some(name), false, None) => config
                    .services
                    .extend(e.files.iter().map(|f| (Glob::path(f), name.clone()))),
                (None, true, Some(field)) => config.service_fields.push(field.clone()),
                _ => {
                    return Err(source.error(
                        "a [[service]] is either `name` with `files`, or a `field` alone",
                        Some(entry.span()),
                    ))
                }
            }
        }
        for entry in &file.source {
            let e = entry.get_ref();
            let kind = match e.kind.get_ref().as_str() {
                "deploy" => SourceKind::Deploy,
                "alert" => SourceKind::Alert,
                other => {
                    return Err(source.error(
                        format!("kind '{other}' is neither \"deploy\" nor \"alert\""),
                        Some(e.kind.span()),
                    ))
                }
            };
            config
                .sources
                .extend(e.files.iter().map(|f| (Glob::path(f), kind)));
        }
        if let Some(s) = &file.silence {
            config.silence = s.templates.iter().map(|t| Glob::text(t)).collect();
        }
        Ok(config)
    }

    /// The rules for the file cited as `display` (relative to its `PATH` argument).
    pub fn for_file(&self, display: &str) -> FileRules {
        let matching = |globs: &[Glob]| globs.iter().any(|g| g.matches(display));
        FileRules {
            format: self.formats.iter().position(|f| matching(&f.files)),
            service: self
                .services
                .iter()
                .find(|(g, _)| g.matches(display))
                .map(|(_, s)| s.clone()),
            kind: self
                .sources
                .iter()
                .find(|(g, _)| g.matches(display))
                .map(|(_, k)| *k),
        }
    }

    /// Whether the draft leaves `event` out: its message matches a silenced template.
    pub fn silenced(&self, event: &Event) -> bool {
        self.silence.iter().any(|g| g.matches(&event.message))
    }
}

/// Refuses a chrono layout that cannot give an instant (a typo'd specifier, or no hour).
fn check_layout(layout: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(layout).any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "'{layout}' is not a chrono layout (%Y-%m-%d %H:%M:%S and the like)"
        ));
    }
    if !layout.contains("%H")
        && !layout.contains("%T")
        && !layout.contains("%s")
        && !layout.contains("%I")
    {
        return Err(format!("'{layout}' has no hour (%H, %I, %T) or epoch (%s)"));
    }
    Ok(())
}

/// Makes an event from a marked source a deploy or an alert, unless its words already made it
/// a change of that sort.
pub fn mark(event: &mut Event, kind: SourceKind) {
    match kind {
        SourceKind::Deploy => {
            if matches!(event.kind, Kind::Deploy { .. } | Kind::Change) {
                return;
            }
            let (phase, rollback) =
                classify::deploy_step(&event.message).unwrap_or((DeployPhase::Finished, false));
            let version = classify::version_in(&event.message);
            if let Some(service) = version
                .as_deref()
                .and_then(|v| named_before(&event.message, v))
            {
                event.service = Some(service);
            }
            event.kind = Kind::Deploy {
                phase,
                version,
                rollback,
            };
        }
        SourceKind::Alert => {
            if matches!(event.kind, Kind::Alert { .. }) {
                return;
            }
            let lower = event.message.to_ascii_lowercase();
            let state = if ["resolved", "recovered", "cleared"]
                .iter()
                .any(|w| lower.contains(w))
            {
                AlertState::Resolved
            } else {
                AlertState::Firing
            };
            let name = alert_name(&event.message);
            event.kind = Kind::Alert {
                key: name.clone(),
                name,
                state,
                started: None,
            };
        }
    }
}

/// The service a deploy line names just before its version (`billing 2.4.1 rolled out`,
/// `billing v2.4.1`, `billing:2.4.1`).
fn named_before(message: &str, version: &str) -> Option<String> {
    let at = message.find(version)?;
    let before = message[..at].trim_end_matches([' ', ':', '@', '=']);
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .next()?
        .trim_end_matches(['v', 'V']);
    let word = word.trim_end_matches([' ', ':', '@', '=']);
    // Words that lead to a version without naming anything.
    let wording = [
        "out",
        "to",
        "of",
        "at",
        "is",
        "as",
        "version",
        "release",
        "image",
        "tag",
        "deployed",
        "deploy",
        "deploying",
        "rolled",
        "rolling",
        "upgraded",
        "upgrade",
    ];
    let named = word.len() > 1
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
        && !wording.contains(&word.to_ascii_lowercase().as_str());
    named.then(|| word.to_string())
}

/// An alert's name from a line: its first word, without the state words around it
/// (`FIRING HighLatency on api` → `HighLatency`).
fn alert_name(message: &str) -> String {
    message
        .split(|c: char| c.is_whitespace() || c == ':' || c == '[' || c == ']')
        .find(|w| {
            !w.is_empty()
                && ![
                    "firing",
                    "resolved",
                    "recovered",
                    "cleared",
                    "alert",
                    "triggered",
                ]
                .contains(&w.to_ascii_lowercase().as_str())
        })
        .unwrap_or(message)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_lines_name_their_service_before_the_version() {
        assert_eq!(
            named_before("billing 2.4.1 rolled out", "2.4.1"),
            Some("billing".into())
        );
        assert_eq!(
            named_before("deployed billing:2.4.1", "2.4.1"),
            Some("billing".into())
        );
        assert_eq!(named_before("rolled out 2.4.1", "2.4.1"), None);
        assert_eq!(named_before("upgraded to v2.4.1", "v2.4.1"), None);
        assert_eq!(named_before("2.4.1 is live", "2.4.1"), None);
    }

    #[test]
    fn alert_lines_name_the_alert() {
        assert_eq!(
            alert_name("FIRING BillingDeclines on api"),
            "BillingDeclines"
        );
        assert_eq!(alert_name("[RESOLVED] DiskFull"), "DiskFull");
    }
}
