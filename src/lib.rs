//! `reconstruct` drafts the Timeline section of a postmortem from the logs an incident left.
//!
//! Data flows one way: [`input`] finds and frames lines, [`format`](mod@format) turns them into
//! [`event::Event`]s, [`correlate`] merges and judges them into a [`correlate::Timeline`], and
//! [`emit`] writes it. [`pipeline`] wires the stages for the binary.

pub mod classify;
pub mod config;
pub mod correlate;
pub mod emit;
pub mod event;
pub mod format;
pub mod input;
pub mod level;
pub mod pipeline;
pub mod stats;
mod swar;
pub mod time;
pub mod traffic;
