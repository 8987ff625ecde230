//! A lock per file: where a file's lines carry their time, in which layout, and where their level
//! sits, settled by majority over a sample of its lines, then used to read every line.
//!
//! One line alone cannot say which of the numbers in it is the time (`20171223-22:15:29:606|…|
//! 1514038530000`), nor whether `01/02/2023` is the first of February; the file's lines together
//! can. A sample may open with a banner, a header or a preamble: those lines simply do not vote.
//! Once locked, a line is read at the locked token first; only a stamp with a date, at or before
//! that place, is taken when it fails, so that no number or date inside a message is ever read as
//! the line's time.

use super::layout::{table, Class};
use super::locate::{self, Found, HEAD};
use crate::event::Level;
use std::collections::HashMap;

/// The place and layout of a file's stamps, and of its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lock {
    /// The layout's index in the table.
    pub layout: u16,
    /// The token the stamp begins ([`locate::starts`]).
    pub ordinal: u8,
    /// Where the level word sits, counted in words from the stamp: `-1` the word before it,
    /// `1` the word after it. `None` when the file's lines state no level in one place.
    pub level: Option<i8>,
}

/// How far from the stamp a level is looked for, in words before and after it.
const LEVEL_BEFORE: i8 = 3;
const LEVEL_AFTER: i8 = 4;

impl Lock {
    /// The lock most of `sample` agrees on, and how many of its lines it reads; `None` when no
    /// layout reads any line. Each line votes for every layout and place that reads a stamp in
    /// it (not inside another stamp); the place and layout read in most lines wins, then the more complete (a year over
    /// none), the one that reads more of them (a time with its seconds over one without), the
    /// earlier place, and the table's order.
    pub fn settle(sample: &[&[u8]]) -> Option<(Lock, usize)> {
        let mut votes: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
        for line in sample {
            let found = locate::every(line);
            // A clock inside a longer stamp (`14:00:01` in `11-Oct-2023 14:00:01`) is part of
            // it, not a stamp of its own.
            let inside = |f: &Found| found.iter().any(|g| g.start < f.start && f.start < g.end);
            for found in found.iter().filter(|f| !inside(f)) {
                let vote = votes.entry((found.ordinal, found.layout)).or_default();
                vote.0 += 1;
                vote.1 += found.end - found.start;
            }
        }
        let (&(ordinal, layout), &(count, _)) = votes.iter().max_by(|a, b| {
            let key = |((ordinal, layout), (count, bytes)): (&(usize, usize), &(usize, usize))| {
                (
                    *count,
                    table()[*layout].class,
                    *bytes,
                    std::cmp::Reverse(*ordinal),
                    std::cmp::Reverse(*layout),
                )
            };
            key(*a).cmp(&key(*b))
        })?;
        let mut lock = Lock {
            layout: u16::try_from(layout).ok()?,
            ordinal: u8::try_from(ordinal).ok()?,
            level: None,
        };
        lock.level = lock.settle_level(sample);
        Some((lock, count))
    }

    /// The place most lines the lock reads state a level, when at least half of them do there.
    /// Ties go to the nearest place, after the stamp before before it.
    fn settle_level(&self, sample: &[&[u8]]) -> Option<i8> {
        let mut votes: HashMap<i8, usize> = HashMap::new();
        let mut read = 0;
        for line in sample {
            let Some(found) = self.read(line) else {
                continue;
            };
            read += 1;
            for place in (-LEVEL_BEFORE..=LEVEL_AFTER).filter(|p| *p != 0) {
                if level_word(line, &found, place).is_some() {
                    *votes.entry(place).or_default() += 1;
                }
            }
        }
        let (&place, &count) = votes
            .iter()
            .max_by_key(|(p, c)| (**c, std::cmp::Reverse(p.abs()), p.signum()))?;
        (count * 2 >= read).then_some(place)
    }

    /// The stamp of a line at the locked place; else, when the locked layout has a date, that
    /// layout a token or two either side (a thread name with a space in it shifts the tokens);
    /// else a stamp with a year in any layout at or before the locked place (a file that mixes
    /// two writers). Never anything after it, where messages are.
    pub fn read(&self, line: &[u8]) -> Option<Found> {
        let layout = usize::from(self.layout);
        let ordinal = usize::from(self.ordinal);
        let starts: Vec<usize> = locate::starts(line).take(ordinal + 3).collect();
        if let Some(found) = starts
            .get(ordinal)
            .and_then(|&s| locate::read_at(line, layout, ordinal, s))
        {
            return Some(found);
        }
        if table()[layout].class >= Class::YearLess {
            let near = starts.iter().enumerate().skip(ordinal.saturating_sub(2));
            if let Some(found) = near
                .filter(|(i, _)| *i != ordinal)
                .find_map(|(i, &s)| locate::read_at(line, layout, i, s))
            {
                return Some(found);
            }
        }
        starts
            .iter()
            .take(ordinal + 1)
            .enumerate()
            .find_map(|(i, &s)| {
                (0..table().len())
                    .filter(|&l| table()[l].class == Class::Dated)
                    .find_map(|l| locate::read_at(line, l, i, s))
            })
    }

    /// The level a line read by the lock states at the locked place, and where the word ends.
    pub fn level(&self, line: &[u8], found: &Found) -> Option<(Level, usize)> {
        level_word(line, found, self.level?)
    }

    /// Whether the locked layout reads a date, not only a time of day.
    pub fn dated(&self) -> bool {
        table()
            .get(usize::from(self.layout))
            .is_some_and(|l| l.class > Class::TimeOnly)
    }

    /// The layout as the table writes it.
    pub fn layout_text(&self) -> &'static str {
        table().get(usize::from(self.layout)).map_or("", |l| l.text)
    }
}

/// The word `place` words from the stamp (see [`Lock::level`]), if it names a level: a level
/// word or its abbreviation in any case (`SEVERE`, `Info`, `ERR`, `crit`), or a single capital
/// letter (`E, [` Ruby, `E231011` CockroachDB, WebSphere's `WebContainer E`). Words are runs of letters and
/// digits, so `production.ERROR:` and `ERROR/ForkPoolWorker-2` each hold one. The level and the
/// byte after the word.
fn level_word(line: &[u8], found: &Found, place: i8) -> Option<(Level, usize)> {
    let head = &line[..line.len().min(HEAD + found.end)];
    let (start, end) = if place < 0 {
        let before = &head[..found.start];
        nth_word_back(before, usize::from(place.unsigned_abs()))?
    } else {
        let (s, e) = nth_word(&head[found.end..], usize::from(place.unsigned_abs()))?;
        (found.end + s, found.end + e)
    };
    let word = std::str::from_utf8(&head[start..end]).ok()?;
    let level = if word.len() == 1 {
        letter_level(word.as_bytes()[0])?
    } else {
        Level::parse(word)?
    };
    Some((level, end))
}

/// The level a single letter stands for, as klog, glog, Ruby and MongoDB write it.
pub fn letter_level(c: u8) -> Option<Level> {
    Some(match c {
        b'F' | b'E' | b'C' => Level::Error,
        b'W' => Level::Warn,
        b'I' | b'N' => Level::Info,
        b'D' | b'V' | b'T' => Level::Debug,
        _ => return None,
    })
}

/// The `n`th run of letters and digits in `b` (1-based): its start and end.
fn nth_word(b: &[u8], n: usize) -> Option<(usize, usize)> {
    let mut at = 0;
    let mut word = None;
    for _ in 0..n {
        let start = at + b.get(at..)?.iter().position(u8::is_ascii_alphanumeric)?;
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        word = Some((start, start + len));
        at = start + len;
    }
    word
}

/// The `n`th run of letters and digits counted back from the end of `b` (1-based).
fn nth_word_back(b: &[u8], n: usize) -> Option<(usize, usize)> {
    let mut end = b.len();
    for i in 1..=n {
        end = b[..end].iter().rposition(u8::is_ascii_alphanumeric)? + 1;
        let start = b[..end]
            .iter()
            .rposition(|c| !c.is_ascii_alphanumeric())
            .map_or(0, |i| i + 1);
        if i == n {
            return Some((start, end));
        }
        end = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_either_way() {
        let b = b" production.ERROR: x";
        assert_eq!(nth_word(b, 1), Some((1, 11)));
        assert_eq!(nth_word(b, 2), Some((12, 17)));
        assert_eq!(nth_word(b, 3), Some((19, 20)));
        assert_eq!(nth_word(b, 4), None);
        let b = b"MainThread::INFO::";
        assert_eq!(nth_word_back(b, 1), Some((12, 16)));
        assert_eq!(nth_word_back(b, 2), Some((0, 10)));
        assert_eq!(nth_word_back(b, 3), None);
    }

    #[test]
    fn the_lock_is_where_most_lines_agree() {
        let sample: [&[u8]; 4] = [
            b"20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
            b"20171223-22:15:29:635|Step_SPUtils|30002312|getTodayTotalDetailSteps = 1514038440000##6993##548365##8661##12266##27164404",
            b"20171223-22:15:29:648|Step_StandReportReceiver|30002312|REPORT : 7007 5002 150",
            b"20171223-22:15:31:133|Step_ExtSDM|30002312|totalSteps=15000",
        ];
        let (lock, read) = Lock::settle(&sample).expect("a lock");
        assert_eq!(
            (lock.layout_text(), lock.ordinal, read),
            ("%Y%m%d-%H:%M:%S%.f", 0, 4)
        );
    }
}
