//! The locator: where in a line's head a stamp may begin, and what each layout reads there.
//!
//! A stamp is looked for only at the start of a token of the line's first [`HEAD`] bytes: at the
//! line's start, after white space, inside brackets and quotes, after `|`, `,`, `;`, `=`, `*`
//! and `::`, and right after a level letter glued to it (`E231011 14:00:01`, as klog and CockroachDB
//! write). Tokens are counted, so that a file's lines can be read again at the same place (the
//! lock, [`super::lock`]) whatever the width of what comes before.

use super::layout::{names_a_day_or_month, starting_with, table, Reading};
use crate::level::Level;

/// How far into a line a stamp is looked for.
pub const HEAD: usize = 128;

/// A stamp found in a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    /// Its layout's index in the table.
    pub layout: usize,
    /// The token it begins ([`starts`]).
    pub ordinal: usize,
    pub start: usize,
    pub end: usize,
    pub reading: Reading,
}

/// Bytes that end a token, so that what follows may begin a stamp. A colon only when doubled
/// (`MainThread::INFO::2011-12-05`): single colons are inside clocks.
fn separates(b: &[u8], i: usize) -> bool {
    match b[i] {
        b' ' | b'\t' | b'[' | b']' | b'(' | b')' | b'{' | b'}' | b'<' | b'>' | b'"' | b'\''
        | b'|' | b',' | b';' | b'=' | b'*' => true,
        b':' => b.get(i + 1) == Some(&b':') || (i > 0 && b[i - 1] == b':'),
        _ => false,
    }
}

/// Where each token of the head begins, in order: the token's number is its place.
pub fn starts(line: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let head = &line[..line.len().min(HEAD)];
    (0..head.len()).filter(move |&i| {
        let opens = i == 0
            || (i == 1 && Level::from_letter(head[0]).is_some() && head[1].is_ascii_digit())
            || separates(head, i - 1);
        opens && !separates(head, i)
    })
}

/// What layout `index` reads at byte `start` of `line`, if it reads a stamp there.
pub fn read_at(line: &[u8], index: usize, ordinal: usize, start: usize) -> Option<Found> {
    let layout = table().get(index)?;
    let rest = line.get(start..)?;
    if !layout.may_start(*rest.first()?) {
        return None;
    }
    let (reading, used) = layout.read(rest)?;
    Some(Found {
        layout: index,
        ordinal,
        start,
        end: start + used,
        reading,
    })
}

/// Every stamp some layout reads at some token of the head, each layout that reads one.
pub fn every(line: &[u8]) -> Vec<Found> {
    let mut found = Vec::new();
    for (ordinal, start) in starts(line).enumerate() {
        let c = line[start];
        if c.is_ascii_alphabetic() && !names_a_day_or_month(&line[start..]) {
            continue;
        }
        for &index in starting_with(c) {
            found.extend(read_at(line, index, ordinal, start));
        }
    }
    found
}

/// The likeliest stamp of a line read on its own: the most complete reading (a date with a
/// year over one without, over an epoch number, over a time of day), then the longest, then the
/// earliest. A file's lines are better read together ([`super::lock::Lock::settle`]).
pub fn best(line: &[u8]) -> Option<Found> {
    every(line).into_iter().max_by(|a, b| {
        let key = |f: &Found| (table()[f.layout].class, f.end - f.start);
        key(a)
            .cmp(&key(b))
            .then(b.ordinal.cmp(&a.ordinal))
            .then(b.layout.cmp(&a.layout))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<&str> {
        starts(line.as_bytes()).map(|i| &line[i..]).collect()
    }

    #[test]
    fn tokens_begin_after_separators() {
        let t = tokens("MainThread::INFO::2011-12-05 07:04:56,101::vdsm");
        assert!(t[2].starts_with("2011-12-05"), "{t:?}");
        let t = tokens("E231011 14:00:01.123456 1234 kv/x");
        assert_eq!(t[1], "231011 14:00:01.123456 1234 kv/x");
        let t = tokens("[2023-10-11T14:00:01,123][WARN ][o.e.c]");
        assert!(t[0].starts_with("2023-10-11T14:00:01,123]"), "{t:?}");
        assert!(t.iter().any(|t| t.starts_with("WARN ]")), "{t:?}");
    }

    #[test]
    fn the_best_stamp_is_the_most_complete() {
        let line = b"134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component";
        let found = best(line).expect("a stamp");
        assert_eq!(
            (found.ordinal, found.reading),
            (4, Reading::Instant(1_077_804_742_000_000_000))
        );
    }
}
