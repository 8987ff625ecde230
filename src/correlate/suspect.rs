//! Which change, if any, most likely triggered the outage.
//!
//! Candidates are the deploys, changes and scaling before the outage began (within the
//! look-back). One is accused only on evidence: it changed a service whose errors burst, or
//! the errors that followed it were new templates of its service. Among those, a deploy with a
//! version beats a bare change, a change beats scaling, and the closest to the onset wins.
//! Rollbacks are never accused: they are mitigations. A wrong accusation is worse than none.

use super::onset::Burst;
use super::{Entry, EntryKind};
use crate::time::Nanos;

/// A new error template: its service and when it first appeared.
pub struct NewError<'a> {
    pub service: Option<&'a str>,
    pub first: Nanos,
}

/// The index of the suspected entry.
pub fn pick(
    entries: &[Entry],
    bursts: &[Burst],
    new_errors: &[NewError],
    lookback: Nanos,
) -> Option<usize> {
    let onset = bursts.iter().map(|b| b.start).min()?;
    let bursting: Vec<&str> = bursts.iter().filter_map(|b| b.service.as_deref()).collect();
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(
                e.kind,
                EntryKind::Deploy | EntryKind::Change | EntryKind::Scale
            )
        })
        .filter(|(_, e)| e.label != "Rollback" && e.first <= onset && onset - e.first <= lookback)
        .filter_map(|(i, e)| {
            let service = e.service.as_deref();
            let same = service.is_some_and(|s| bursting.contains(&s));
            let followed = new_errors.iter().any(|n| {
                n.service == service && n.first >= e.first && n.first <= onset + lookback / 4
            });
            if !(same || followed) {
                return None;
            }
            let kind_weight = match e.kind {
                EntryKind::Deploy => 3.0,
                EntryKind::Change => 2.0,
                _ => 1.0,
            };
            let closeness = 1.0 - (onset - e.first) as f64 / lookback.max(1) as f64;
            let score =
                kind_weight + f64::from(u8::from(same)) + f64::from(u8::from(followed)) + closeness;
            Some((i, score))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}
