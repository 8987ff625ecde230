//! Deploys in the draft, each paired with its outcome; a deploy to an earlier version is a
//! rollback.

use super::super::{EntryKind, Window};
use super::entries::{entry, short};
use super::{Builder, DEPLOY_PAIRING, SAME_DEPLOY};
use crate::event::{DeployPhase, Event};
use crate::time::human_duration;

impl Builder {
    pub(super) fn deploy(
        &mut self,
        e: &Event,
        phase: DeployPhase,
        version: Option<&str>,
        rollback: bool,
        window: Window,
    ) {
        let service = e.service.clone();
        let earlier = version
            .zip(self.versions.get(&service))
            .is_some_and(|(v, last)| is_older(v, last));
        // A rollback is measured against the last version that went out successfully.
        if let (Some(v), DeployPhase::Finished) = (version, phase) {
            self.versions.insert(service.clone(), v.to_string());
        }
        let pending_key = (service.clone(), version.map(str::to_string));
        // After the window, only the outcome of a deploy or rollback the draft has started.
        let after = window.after(e.time)
            && phase != DeployPhase::Started
            && self.pending_deploys.contains_key(&pending_key);
        if !window.reaches(e.time) && !after {
            return;
        }
        // The outcome of a rollback is a rollback's, whatever the version history now says.
        let pending_rollback = self
            .pending_deploys
            .get(&pending_key)
            .is_some_and(|&i| self.entries[i].label == "Rollback");
        let rollback = rollback || earlier || (phase != DeployPhase::Started && pending_rollback);
        let label = if rollback { "Rollback" } else { "Deploy" };
        let name = service.as_deref().unwrap_or("unknown service");
        let target = match (version, rollback) {
            (Some(v), false) => format!("{name} {v}"),
            (Some(v), true) => format!("{name} to {v}"),
            (None, _) => name.to_string(),
        };
        if phase == DeployPhase::Started {
            // The same start reported twice (a deploy log and an Argo CD event) is one entry.
            if let Some(&i) = self
                .pending_deploys
                .get(&pending_key)
                .filter(|&&i| e.time - self.entries[i].first <= SAME_DEPLOY)
            {
                self.add_to(i, e);
                return;
            }
            let text = match version {
                Some(_) => format!("{target} started"),
                None => format!("{target} started: {}", short(&e.message)),
            };
            let i = self.push(entry(e, EntryKind::Deploy, label, text));
            self.pending_deploys.insert(pending_key, i);
            return;
        }
        let outcome = if phase == DeployPhase::Failed {
            "failed"
        } else {
            "finished"
        };
        if let Some(&i) = self
            .closed_deploys
            .get(&pending_key)
            .filter(|&&i| e.time - self.entries[i].last <= SAME_DEPLOY)
            .filter(|_| !self.pending_deploys.contains_key(&pending_key))
        {
            self.add_to(i, e);
            return;
        }
        if let Some(i) = self
            .pending_deploys
            .remove(&pending_key)
            .filter(|&i| e.time - self.entries[i].first <= DEPLOY_PAIRING)
        {
            self.closed_deploys.insert(pending_key, i);
            let took = human_duration(e.time - self.entries[i].first);
            let clock = e.time;
            self.add_to(i, e);
            let entry = &mut self.entries[i];
            let when = if after { ", after the window" } else { "" };
            entry.text = format!("{target} started, {outcome} {took} later{when}");
            entry.last = clock;
            entry.failed = phase == DeployPhase::Failed;
            if phase == DeployPhase::Finished {
                self.finished.insert(i, clock);
            }
            return;
        }
        if after {
            return;
        }
        let text = match version {
            Some(_) => format!("{target} {outcome}"),
            None => format!("{target} {outcome}: {}", short(&e.message)),
        };
        let duplicate = self.entries.iter().position(|x| {
            x.kind == EntryKind::Deploy
                && x.label == label
                && x.text == text
                && e.time - x.last <= SAME_DEPLOY
        });
        match duplicate {
            Some(i) => self.add_to(i, e),
            None => {
                let i = self.push(entry(e, EntryKind::Deploy, label, text));
                self.entries[i].failed = phase == DeployPhase::Failed;
                if phase == DeployPhase::Finished {
                    self.finished.insert(i, e.time);
                }
            }
        }
    }
}

/// `v4.1.3` is older than `v4.2.0`; versions that are not dotted numbers are not compared.
pub(super) fn is_older(version: &str, than: &str) -> bool {
    let parts = |v: &str| -> Option<Vec<u64>> {
        let core = v.trim_start_matches('v').split(['-', '+']).next()?;
        core.split('.').map(|p| p.parse().ok()).collect()
    };
    matches!((parts(version), parts(than)), (Some(a), Some(b)) if a < b)
}
