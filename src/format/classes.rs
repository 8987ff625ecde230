//! What a parser asks of classification, the stage above format (`crate::classify`). Parsers
//! read lines into events and hold no vocabulary: the run hands them a [`Classify`] that gives
//! an event the kind its wording says, a service its one name, and tells which lines hold
//! nothing a draft reads. Format states the questions and classify answers them, so that
//! classify builds on format and never the other way round.

use crate::config::{Config, SourceKind};
use crate::event::Event;
use std::borrow::Cow;

/// A line's field by its key, borrowed from the line where it can be.
pub type Field<'a, 'f> = &'a dyn Fn(&str) -> Option<Cow<'f, str>>;

/// Classification as the parsers see it.
pub trait Classify: Sync {
    /// Gives a plain log event the kind its wording or fields say: a deploy step, a config
    /// push, a flag flipped, an OOM kill, a unit restarting.
    fn classify(&self, event: &mut Event);

    /// Whether a line says nothing classification reads, in its message or in the fields
    /// `field` gives by key (borrowed from the line): a draft then only counts its event.
    /// `gating` says whether the line has one of [`Classify::gating_fields`]; `field` is then
    /// asked only of the few lines whose message says something.
    fn is_ordinary<'f>(&self, message: &str, field: Field<'_, 'f>, gating: bool) -> bool;

    /// The fields whose presence alone may make a line more than ordinary: the parser, which
    /// can look them up without a call through a pointer, tells [`Classify::is_ordinary`]
    /// whether the line has one.
    fn gating_fields(&self) -> &[String];

    /// Whether classification reads the field `key` of a plain event.
    fn reads(&self, key: &str) -> bool;

    /// Makes an event of a file said to hold deploys or alerts one of them.
    fn mark(&self, event: &mut Event, kind: SourceKind);

    /// The one name of the service a line calls `name`, where that is another.
    fn canonical(&self, name: &str, config: &Config) -> Option<String>;

    /// The version a deploy's message names.
    fn version_in(&self, message: &str) -> Option<String>;
}
