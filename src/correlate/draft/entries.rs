//! An event's entry and its words: who it happened on, what happened, quotes cut short.

use super::super::{Entry, EntryKind};
use super::MAX_QUOTE;
use crate::event::Event;

pub(super) fn on(e: &Event) -> String {
    e.service
        .as_deref()
        .map(|s| format!("{s}: "))
        .unwrap_or_default()
}

pub(super) fn entry(e: &Event, kind: EntryKind, label: &'static str, text: String) -> Entry {
    Entry::new(
        kind,
        label,
        e.service.clone(),
        text,
        e.time,
        vec![e.source.clone()],
    )
}

/// `checkout: Back-off restarting failed container app` from a message that opens with its
/// own prefix (`BackOff pod/checkout-…: `, `checkout.service: `) and names the pod again.
pub(super) fn what_happened(e: &Event) -> String {
    let first = e.message.lines().next().unwrap_or("");
    let said = first.split_once(": ").map_or(first, |(_, rest)| rest);
    let said = said.split(" in pod ").next().unwrap_or(said);
    format!("{}{}", on(e), quote_cut(said))
}

/// The message's first line, cut to a readable length.
pub(super) fn short(message: &str) -> String {
    quote_cut(message.lines().next().unwrap_or(""))
}

pub(super) fn quote_cut(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_QUOTE {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX_QUOTE - 1).collect();
    format!("{}…", cut.trim_end())
}
