//! What is still open when the window ends, and so worth reading the look-ahead for.
//!
//! The draft follows what opened in the window to its closure, even past `--to`: an alert to
//! its resolution, an error burst to its recovery, a deploy or rollback to its outcome. The
//! look-ahead is read only when one of them is still open at the window's end, so a window
//! whose story ended inside it costs nothing more, and its draft is the same with or without
//! a look-ahead.

use super::draft::DEPLOY_PAIRING;
use super::onset::{is_symptom, QUIET_MINUTES};
use super::Window;
use crate::event::{AlertState, DeployPhase, Event, Kind};
use crate::time::{Nanos, NANOS_PER_MIN};
use rustc_hash::FxHashMap as HashMap;

/// When a thing opened and when it last closed (`i64::MIN`: never).
type Span = (Nanos, Nanos);

/// Whether `events` (in any order) leave something open at the window's end: an alert that
/// fired in the window without a resolution after, a deploy started in reach of its outcome
/// without one, or errors close enough to the end that their burst may run on past it.
pub fn at_end<'a>(events: impl IntoIterator<Item = &'a Event>, window: Window) -> bool {
    let burst_may_run = window.to - (QUIET_MINUTES + 1) * NANOS_PER_MIN;
    // The last firing and the last resolution of each alert; the last start and the last
    // outcome of each deploy.
    let mut alerts: HashMap<&str, Span> = HashMap::default();
    let mut deploys: HashMap<(Option<&str>, Option<&str>), Span> = HashMap::default();
    for e in events {
        if e.time > window.to {
            continue;
        }
        match &e.kind {
            Kind::Alert { state, key, .. } => {
                let (fired, resolved) = alerts.entry(key).or_insert((i64::MIN, i64::MIN));
                match state {
                    AlertState::Firing if window.contains(e.time) => *fired = (*fired).max(e.time),
                    AlertState::Firing => {}
                    AlertState::Resolved => *resolved = (*resolved).max(e.time),
                }
            }
            Kind::Deploy { phase, version, .. } => {
                let slot = (e.service.as_deref(), version.as_deref());
                let (started, ended) = deploys.entry(slot).or_insert((i64::MIN, i64::MIN));
                match phase {
                    DeployPhase::Started if window.to - e.time <= DEPLOY_PAIRING => {
                        *started = (*started).max(e.time)
                    }
                    DeployPhase::Started => {}
                    DeployPhase::Finished | DeployPhase::Failed => *ended = (*ended).max(e.time),
                }
            }
            _ if e.time >= burst_may_run && window.contains(e.time) && is_symptom(e) => {
                return true
            }
            _ => {}
        }
    }
    let open = |(began, closed): &Span| *began != i64::MIN && closed < began;
    alerts.values().any(open) || deploys.values().any(open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, SourceRef};

    const WINDOW: Window = Window {
        lookback: 0,
        from: 60 * NANOS_PER_MIN,
        to: 120 * NANOS_PER_MIN,
        ahead: 120 * NANOS_PER_MIN,
    };

    fn event(minute: i64, kind: Kind, level: Option<Level>) -> Event {
        Event {
            time: minute * NANOS_PER_MIN,
            kind,
            level,
            service: Some("api".into()),
            message: String::new(),
            fields: Default::default(),
            source: SourceRef {
                path: "x.log".into(),
                line: 1,
            },
        }
    }

    fn alert(minute: i64, state: AlertState) -> Event {
        let kind = Kind::Alert {
            name: "ApiErrors".into(),
            state,
            key: "fp1".into(),
            started: None,
        };
        event(minute, kind, None)
    }

    fn deploy(minute: i64, phase: DeployPhase) -> Event {
        let kind = Kind::Deploy {
            phase,
            version: Some("v2".into()),
            rollback: false,
        };
        event(minute, kind, None)
    }

    #[test]
    fn an_alert_fired_and_not_resolved_is_open() {
        assert!(at_end(&[alert(70, AlertState::Firing)], WINDOW));
        let closed = [
            alert(70, AlertState::Firing),
            alert(90, AlertState::Resolved),
        ];
        assert!(!at_end(&closed, WINDOW));
        // Fired in the look-back: the draft has no entry of it to close.
        assert!(!at_end(&[alert(30, AlertState::Firing)], WINDOW));
    }

    #[test]
    fn a_deploy_without_its_outcome_is_open_while_it_could_still_come() {
        assert!(at_end(&[deploy(100, DeployPhase::Started)], WINDOW));
        let done = [
            deploy(100, DeployPhase::Started),
            deploy(104, DeployPhase::Finished),
        ];
        assert!(!at_end(&done, WINDOW));
        let long_ago = Window {
            to: 400 * NANOS_PER_MIN,
            ..WINDOW
        };
        assert!(!at_end(&[deploy(100, DeployPhase::Started)], long_ago));
    }

    #[test]
    fn errors_near_the_end_may_run_on() {
        let error = |minute| event(minute, Kind::Log, Some(Level::Error));
        assert!(at_end(&[error(115)], WINDOW));
        assert!(!at_end(&[error(80)], WINDOW));
        assert!(!at_end(&[event(115, Kind::Log, Some(Level::Info))], WINDOW));
    }
}
