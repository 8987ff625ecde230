//! What the draft keeps when it must cut, and its summary.

use super::super::onset::Burst;
use super::super::suspect::Verdict;
use super::super::{Entry, EntryKind, Impact, Summary, Window};
use super::SAME_DEPLOY;
use crate::traffic::Requests;

/// Keeps the best `max` entries — milestones, the suspect, alerts and changes always first —
/// and puts them back in time order.
pub(super) fn rank(entries: Vec<Entry>, max: usize) -> (Vec<Entry>, usize) {
    let total = entries.len();
    let mut order: Vec<usize> = (0..total).collect();
    let priority = |e: &Entry| {
        if e.milestone.is_some() || e.suspect {
            0
        } else {
            1 + e.kind.class()
        }
    };
    order.sort_by(|&a, &b| {
        let (x, y) = (&entries[a], &entries[b]);
        priority(x)
            .cmp(&priority(y))
            .then(y.count.cmp(&x.count))
            .then(x.first.cmp(&y.first))
            .then(a.cmp(&b))
    });
    let mut keep: Vec<usize> = order.into_iter().take(max).collect();
    keep.sort_by_key(|&i| (entries[i].first, i));
    let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    let kept: Vec<Entry> = keep.into_iter().filter_map(|i| slots[i].take()).collect();
    let omitted = total - kept.len();
    (kept, omitted)
}

/// The candidates with evidence after the suspect, at most two, without the suspect's own
/// steps seen again (the replica set its rollout scaled, minutes apart).
fn others(entries: &[Entry], verdict: &Verdict) -> Vec<Entry> {
    let Some(suspect) = verdict.ranked.first().map(|(i, _)| &entries[*i]) else {
        return Vec::new();
    };
    verdict
        .ranked
        .iter()
        .skip(1)
        .map(|(i, _)| &entries[*i])
        .filter(|e| e.service != suspect.service || (e.first - suspect.first).abs() > SAME_DEPLOY)
        .take(2)
        .cloned()
        .collect()
}

/// The summary: the outage's span from the error bursts (without a burst, from the errors
/// that repeated), the first alert, the suspect, and the impact from access logs.
pub(super) fn summarise(
    entries: &[Entry],
    bursts: &[Burst],
    requests: &Requests,
    window: Window,
    verdict: &Verdict,
) -> Summary {
    let repeated = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Restart || (e.kind == EntryKind::Error && e.count > 1));
    let start = bursts
        .iter()
        .map(|b| b.start)
        .min()
        .or_else(|| repeated.clone().map(|e| e.first).min());
    let end = bursts
        .iter()
        .map(|b| b.end)
        .max()
        .or_else(|| repeated.map(|e| e.last).max());
    let isolated = start.is_none()
        && entries.iter().any(|e| {
            matches!(e.kind, EntryKind::Error | EntryKind::Restart) && window.contains(e.first)
        });
    let detected = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Alert)
        .map(|e| e.first)
        .min();
    let (during, before) = (requests.during, requests.before);
    let impact = (during.requests > 0).then_some(Impact {
        requests: during.requests,
        failed_or_slow: during.failed_or_slow,
        ratio: during.ratio(),
        baseline: (before.requests > 0).then_some(before.ratio()),
    });
    Summary {
        start,
        end,
        isolated,
        detected,
        suspect: entries.iter().find(|e| e.suspect).cloned(),
        others: others(entries, verdict),
        changes_before: verdict.candidates,
        impact,
    }
}
