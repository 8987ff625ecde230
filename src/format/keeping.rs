//! What a parse keeps of the lines it reads, as the run's sink chose it (see [`Keep`]):
//! every event whole, every event without the fields a text stream does not print, or the
//! notable events only ([`Event::is_notable`]), counting the rest. The readers ask it before
//! they build an event; it knows nothing of their formats, nor of what the run makes of the
//! events.
//!
//! [`Event::is_notable`]: crate::event::Event::is_notable

use super::{Dropped, Keep};
use crate::traffic::Requests;

#[derive(Default)]
pub(super) struct Keeping {
    /// Keeping only notable events: ordinary requests are counted, and nothing else of them
    /// kept.
    pub(super) notable: bool,
    /// Whether ordinary lines may go unbuilt (see [`Cx::only_counted`]): in the
    /// file's own parse, not in the trial parses of detection and of wrapped lines, whose
    /// events the caller inspects.
    ///
    /// [`Cx::only_counted`]: super::Cx::only_counted
    pub(super) count_only: bool,
    /// Whether only the fields that decide an event's kind (and the configured service
    /// fields) are wanted: see [`Cx::wants_field`](super::Cx::wants_field).
    pub(super) lean: bool,
    /// Each event only counted since the file's parser last looked.
    pub(super) counted: Vec<Dropped>,
    /// With [`Keep::Notable`] (and only then), the file's requests counted so far.
    pub(super) requests: Option<Requests>,
}

impl Keeping {
    /// What `keep` asks of a file's own parse.
    pub(super) fn of(keep: Keep) -> Keeping {
        let notable = !matches!(keep, Keep::All | Keep::Lines);
        Keeping {
            notable,
            count_only: notable,
            lean: matches!(keep, Keep::Lines),
            counted: Vec::new(),
            requests: match keep {
                Keep::Notable(requests) => Some(requests),
                _ => None,
            },
        }
    }

    /// The same, for a trial parse whose events its caller reads: nothing goes unbuilt, and
    /// nothing is counted.
    pub(super) fn trial(&self) -> Keeping {
        Keeping {
            notable: self.notable,
            lean: self.lean,
            ..Keeping::default()
        }
    }
}
