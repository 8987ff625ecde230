//! Alerts in the draft: one entry per alert however many notifications and sources fire it,
//! and its resolution.

use super::super::{Entry, EntryKind, Window};
use super::entries::{entry, quote_cut};
use super::{Builder, OpenAlert, SAME_ALERT};
use crate::event::{AlertState, Event};
use crate::time::{human_duration, Nanos};
use serde_json::Value;

impl Builder {
    pub(super) fn alert(
        &mut self,
        e: &Event,
        name: &str,
        state: AlertState,
        key: &str,
        started: Option<Nanos>,
        window: Window,
    ) {
        let known = self.first_firing.get(key).cloned();
        let begun = started.or(known.as_ref().map(|k| k.0)).unwrap_or(e.time);
        if state == AlertState::Firing {
            self.first_firing
                .entry(key.to_string())
                .or_insert((begun, name.to_string()));
        }
        // After the window, only the resolution of an alert the draft has fired.
        let after = window.after(e.time)
            && state == AlertState::Resolved
            && self.alerts.iter().any(|a| a.key == key);
        if !window.contains(e.time) && !after {
            return;
        }
        let name = match (state, &known) {
            (AlertState::Resolved, Some((_, first_name))) => first_name.clone(),
            _ => name.to_string(),
        };
        let slot = (key.to_string(), begun, state);
        if let Some(&i) = self.alert_entries.get(&slot) {
            self.add_to(i, e);
            return;
        }
        if state == AlertState::Firing {
            // The same alert from another source (an Alertmanager alert and the page it raised).
            let words = |s: &str| s.to_ascii_lowercase();
            let twin = self.alerts.iter().find(|a| {
                a.key != key
                    && (a.started - begun).abs() <= SAME_ALERT
                    && (words(&name).contains(&words(&a.name))
                        || words(&a.name).contains(&words(&name)))
            });
            if let Some(i) = twin.map(|a| a.entry) {
                self.alert_entries.insert(slot, i);
                self.alerts.push(OpenAlert {
                    entry: i,
                    key: key.to_string(),
                    name,
                    started: begun,
                });
                self.add_to(i, e);
                return;
            }
        }
        // The firing entry this alert belongs to (its own or its twin's).
        let group = self
            .alerts
            .iter()
            .rev()
            .find(|a| a.key == key)
            .map(|a| a.entry);
        if state == AlertState::Resolved {
            if let Some(g) = group {
                let resolved = &mut self.entries[g].resolved;
                *resolved = Some(resolved.map_or(e.time, |t| t.min(e.time)));
            }
            if let Some(&r) = group.and_then(|g| self.resolutions.get(&g)) {
                self.alert_entries.insert(slot, r);
                self.add_to(r, e);
                return;
            }
        }
        let resolved_started =
            (state == AlertState::Firing || started.is_some() || known.is_some()).then_some(begun);
        let i = self.push(alert_entry(e, &name, state, resolved_started));
        self.entries[i].after_window = after;
        self.alert_entries.insert(slot, i);
        if state == AlertState::Firing {
            self.alerts.push(OpenAlert {
                entry: i,
                key: key.to_string(),
                name,
                started: begun,
            });
        } else if let Some(g) = group {
            // The twins' resolutions fold into this one.
            self.resolutions.insert(g, i);
        }
    }
}

pub(super) fn alert_entry(
    e: &Event,
    name: &str,
    state: AlertState,
    started: Option<Nanos>,
) -> Entry {
    let on = e
        .service
        .as_deref()
        .map(|s| format!(" on {s}"))
        .unwrap_or_default();
    let (kind, label, text) = match state {
        AlertState::Firing => {
            let summary = e
                .fields
                .get("annotations")
                .and_then(|a| a.get("summary").or_else(|| a.get("description")))
                .and_then(Value::as_str)
                .map(|s| format!(": {}", quote_cut(s)))
                .unwrap_or_default();
            (
                EntryKind::Alert,
                "Alert",
                format!("{name} fired{on}{summary}"),
            )
        }
        AlertState::Resolved => (
            EntryKind::Recovery,
            "Resolved",
            match started {
                Some(t) => format!("{name}{on} resolved after {}", human_duration(e.time - t)),
                None => format!("{name}{on} resolved"),
            },
        ),
    };
    entry(e, kind, label, text)
}
