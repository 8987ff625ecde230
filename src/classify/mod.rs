//! Classification, the stage between format and correlate: what each event's words say
//! happened (a change of any sort, from the vocabulary kept as data in `changes.toml`; an OOM
//! kill; a unit restarting), one canonical name per service, and what a file said to hold
//! deploys or alerts makes of its lines. Parsers reach it through
//! [`format::Classify`](crate::format::Classify), which [`Classifier`] answers.

mod changes;
mod identity;
mod marked;
mod words;

use crate::config::{Config, SourceKind};
use crate::event::Event;
use crate::format::{Classify, Field};
use changes::VOCABULARY;

pub use words::DRAFT_READS;

/// The tool's classification: its vocabularies are built once, on first use.
#[derive(Clone, Copy, Debug, Default)]
pub struct Classifier;

impl Classify for Classifier {
    fn classify(&self, event: &mut Event) {
        words::classify(event);
    }

    fn is_ordinary<'f>(&self, message: &str, field: Field<'_, 'f>, gating: bool) -> bool {
        words::is_ordinary(message, field, Some(gating))
    }

    fn gating_fields(&self) -> &[String] {
        VOCABULARY.needed()
    }

    fn reads(&self, key: &str) -> bool {
        DRAFT_READS.contains(&key)
    }

    fn mark(&self, event: &mut Event, kind: SourceKind) {
        marked::mark(event, kind);
    }

    fn canonical(&self, name: &str, config: &Config) -> Option<String> {
        identity::canonical(name, config)
    }

    fn version_in(&self, message: &str) -> Option<String> {
        words::version_in(message)
    }
}
