//! The outage's turning points: begin, detection, mitigation, end.

use super::super::onset::Burst;
use super::super::{Entry, EntryKind, Milestone, Window};
use super::{Builder, MITIGATION_REACH, RECOVERY_QUIET};

impl Builder {
    /// Marks the turning points: the outage's begin and end (as entries of their own, from
    /// the error bursts), the first alert (detected), escalations and responders joining, and
    /// the deploy or rollback after which the errors stopped (mitigation).
    pub(super) fn milestones(&mut self, bursts: &[Burst], window: Window) {
        if let Some(first) = bursts.iter().min_by_key(|b| b.start) {
            self.push(burst_mark(first, Milestone::Begins));
        }
        let last = bursts.iter().max_by_key(|b| b.end);
        if let Some(last) = last.filter(|b| window.ahead - b.end >= RECOVERY_QUIET) {
            let i = self.push(burst_mark(last, Milestone::Recovered));
            self.entries[i].after_window = last.end > window.to;
        }
        if let Some(i) = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntryKind::Alert)
            .min_by_key(|(_, e)| e.first)
            .map(|(i, _)| i)
        {
            self.entries[i].milestone = Some(Milestone::Detected);
        }
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.kind == EntryKind::Oncall)
        {
            let said = entry.text.to_ascii_lowercase();
            if said.contains("escalat") || said.contains("responder") {
                entry.milestone = Some(Milestone::Escalated);
            }
        }
        let (Some(start), Some(end)) = (bursts.iter().map(|b| b.start).min(), last.map(|b| b.end))
        else {
            return;
        };
        // The fix: a rollback, else a deploy, that finished after the errors began and shortly
        // before they stopped.
        let fix = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.kind == EntryKind::Deploy
                    && e.first >= start
                    && e.last <= end + MITIGATION_REACH / 6
            })
            .filter(|(i, _)| {
                self.finished
                    .get(i)
                    .is_some_and(|f| end - f <= MITIGATION_REACH)
            })
            .min_by_key(|(_, e)| (u8::from(e.label != "Rollback"), e.first))
            .map(|(i, _)| i);
        if let Some(i) = fix {
            self.entries[i].milestone = Some(Milestone::Mitigation);
        }
    }
}

/// The entry of a burst's turning point: where the errors rose above their baseline
/// ([`Milestone::Begins`], at the burst's first error) or went back to it (at its last).
fn burst_mark(burst: &Burst, mark: Milestone) -> Entry {
    let who = burst.service.as_deref().unwrap_or("unattributed");
    let (kind, label, text, at, source) = if mark == Milestone::Begins {
        let text = format!("{who} errors rise above their baseline");
        (
            EntryKind::Error,
            "Outage begins",
            text,
            burst.start,
            &burst.first,
        )
    } else {
        let text = format!("{who} errors back to their baseline (the last error of the burst)");
        (
            EntryKind::Recovery,
            "Recovered",
            text,
            burst.end,
            &burst.last,
        )
    };
    Entry {
        milestone: Some(mark),
        ..Entry::new(
            kind,
            label,
            burst.service.clone(),
            text,
            at,
            vec![source.clone()],
        )
    }
}
