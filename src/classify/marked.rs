//! What a file `reconstruct.toml` or a format's definition says holds deploys or alerts makes
//! of each of its events: a deploy step (with the version and service its words give) or an
//! alert (named by its first word), unless the wording already made it a change of that sort.

use super::words::{deploy_step, version_in};
use crate::config::SourceKind;
use crate::event::{AlertState, DeployPhase, Event, Kind};

/// Makes an event from a marked source a deploy or an alert, unless its words already made it
/// a change of that sort.
pub fn mark(event: &mut Event, kind: SourceKind) {
    match kind {
        SourceKind::Deploy => {
            if matches!(event.kind, Kind::Deploy { .. } | Kind::Change) {
                return;
            }
            let (phase, rollback) =
                deploy_step(&event.message).unwrap_or((DeployPhase::Finished, false));
            let version = version_in(&event.message);
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
