//! Writing the draft and the event stream.
