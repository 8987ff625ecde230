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
use crate::level::Level;
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
    /// What declared the place, if a header did.
    pub declared: Declared,
}

/// A header that declares where a file's time is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Declared {
    /// None: the lines' votes decided.
    No,
    /// A W3C extended log's `#Fields:` (IIS, CloudFront, Exchange): its `#` lines are
    /// directives, not log lines.
    W3c,
    /// A CSV or TSV header row naming a time column: the row is no log line.
    Header,
}

/// Column names that hold a row's time in a CSV or TSV export.
const TIME_COLUMNS: &[&str] = &[
    "time",
    "timestamp",
    "date",
    "datetime",
    "date_time",
    "@timestamp",
    "_time",
    "ts",
    "eventtime",
    "event_time",
    "created_at",
    "logged_at",
    "time_utc",
    "utc_time",
];

/// The time column a CSV or TSV header row names, when `line` is one: every field a name
/// (letters, digits, `_ . @ -` and spaces, not starting with a digit), one of them in
/// [`TIME_COLUMNS`], in any case.
/// Asked of every line of a file a header row declared (is it the header again?): no
/// allocation, and a data row is turned away at its first field that is no name.
fn header_column(line: &[u8]) -> Option<usize> {
    let line = line.trim_ascii();
    let sep = if line.contains(&b'\t') { b'\t' } else { b',' };
    let named = |f: &[u8]| {
        f.first()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'@'))
            && f.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'@' | b'-' | b' '))
    };
    let (mut fields, mut column) = (0, None);
    for field in line.split(|&c| c == sep) {
        let field = field.trim_ascii();
        let field = field
            .strip_prefix(b"\"")
            .and_then(|f| f.strip_suffix(b"\""))
            .unwrap_or(field);
        if !named(field) {
            return None;
        }
        if column.is_none()
            && TIME_COLUMNS
                .iter()
                .any(|c| field.eq_ignore_ascii_case(c.as_bytes()))
        {
            column = Some(fields);
        }
        fields += 1;
    }
    (fields >= 2).then_some(column)?
}

/// How far from the stamp a level is looked for, in words before and after it.
const LEVEL_BEFORE: i8 = 3;
const LEVEL_AFTER: i8 = 4;

impl Lock {
    /// The lock most of `sample` agrees on, and how many of its lines it reads; `None` when no
    /// layout reads any line. Each line votes for every layout and place that reads a stamp in
    /// it (not inside another stamp); the place and layout read in most lines wins, then the
    /// more complete (a year over none), the earlier place (a message comes after its stamp),
    /// the one that reads more of the line (a time with its seconds over one without), and the
    /// table's order.
    ///
    /// A W3C `#Fields:` header declares the place and layout outright; a CSV or TSV header row
    /// declares the place (its time column), and the votes there decide the layout.
    pub fn settle(sample: &[&[u8]]) -> Option<(Lock, usize)> {
        if let Some(lock) = Lock::from_fields_header(sample) {
            let read = sample.iter().filter(|l| lock.read(l).is_some()).count();
            return Some((lock, read));
        }
        let column = sample
            .iter()
            .find(|l| !l.trim_ascii().is_empty())
            .and_then(|l| header_column(l));
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
        // A header row's column decides the place, where some line has a stamp there.
        let column = column.filter(|c| votes.keys().any(|(ordinal, _)| ordinal == c));
        let (&(ordinal, layout), &(count, _)) = votes
            .iter()
            .filter(|((ordinal, _), _)| column.is_none_or(|c| c == *ordinal))
            .max_by(|a, b| {
                let key =
                    |((ordinal, layout), (count, bytes)): (&(usize, usize), &(usize, usize))| {
                        (
                            *count,
                            table()[*layout].class,
                            std::cmp::Reverse(*ordinal),
                            *bytes,
                            std::cmp::Reverse(*layout),
                        )
                    };
                key(*a).cmp(&key(*b))
            })?;
        let mut lock = Lock {
            layout: u16::try_from(layout).ok()?,
            ordinal: u8::try_from(ordinal).ok()?,
            level: None,
            declared: if column.is_some() {
                Declared::Header
            } else {
                Declared::No
            },
        };
        lock.level = lock.settle_level(sample);
        Some((lock, count))
    }

    /// The lock a W3C extended log's `#Fields:` header declares (IIS, CloudFront, Exchange's
    /// comma-separated logs): its `date` and `time` fields, separated as the header's fields
    /// are, or `time` alone (dated by the `#Date:` directive before it, as the W3C draft's own
    /// example is), or one `date-time` field.
    pub fn from_fields_header(sample: &[&[u8]]) -> Option<Lock> {
        let header = sample.iter().find_map(|l| l.strip_prefix(b"#Fields:"))?;
        let header = std::str::from_utf8(header).ok()?;
        let tabbed = header.trim_start_matches(' ').contains('\t');
        let fields: Vec<String> = header
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|f| !f.is_empty())
            .map(str::to_lowercase)
            .collect();
        let at = |name: &str| fields.iter().position(|f| f == name);
        let (ordinal, layout) = match (at("date"), at("time"), at("date-time")) {
            (Some(d), Some(t), _) if t == d + 1 && tabbed => (d, "%Y-%m-%d%t%H:%M:%S%.f"),
            (Some(d), Some(t), _) if t == d + 1 => (d, "%Y-%m-%d %H:%M:%S%.f%z"),
            (None, Some(t), _) => (t, "%H:%M:%S%.f"),
            (_, _, Some(dt)) => (dt, "%Y-%m-%dT%H:%M:%S%.f%z"),
            _ => return None,
        };
        Some(Lock {
            layout: u16::try_from(super::layout::index_of(layout)?).ok()?,
            ordinal: u8::try_from(ordinal).ok()?,
            level: None,
            declared: Declared::W3c,
        })
    }

    /// Whether `line` is part of the header that declared the lock (a W3C directive:
    /// `#Fields:`, `#Date:`, `#Software:`…; a CSV header row), which says how to read the log
    /// and is no line of it.
    pub fn directive(&self, line: &[u8]) -> bool {
        match self.declared {
            Declared::No => false,
            Declared::W3c => line.first() == Some(&b'#'),
            Declared::Header => header_column(line).is_some(),
        }
    }

    /// The place most lines the lock reads state a level, when at least half of them do there.
    /// Ties go to the nearest place, then to the place after the stamp over the one before.
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
        let (layout, ordinal) = (usize::from(self.layout), usize::from(self.ordinal));
        locate::starts(line)
            .nth(ordinal)
            .and_then(|s| locate::read_at(line, layout, ordinal, s))
            .or_else(|| self.search(line))
    }

    /// [`Lock::read`] where the locked place holds no stamp: a continuation line, mostly. An
    /// indented one is a continuation whatever stamp it shows (SQL Server's banner goes on
    /// with `\tNov 30 2018 12:57:58`, the build's date, under the line that has the time), and
    /// is not searched.
    #[cold]
    fn search(&self, line: &[u8]) -> Option<Found> {
        if line.first().is_some_and(|b| matches!(b, b' ' | b'\t')) {
            return None;
        }
        let (layout, ordinal) = (usize::from(self.layout), usize::from(self.ordinal));
        let near = || locate::starts(line).enumerate().take(ordinal + 3);
        if table()[layout].class >= Class::YearLess {
            let found = near()
                .skip(ordinal.saturating_sub(2))
                .filter(|(i, _)| *i != ordinal)
                .find_map(|(i, s)| locate::read_at(line, layout, i, s));
            if found.is_some() {
                return found;
            }
        }
        near().take(ordinal + 1).find_map(|(i, s)| {
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
        Level::from_letter(word.as_bytes()[0])?
    } else {
        Level::parse(word)?
    };
    Some((level, end))
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
    use crate::time::layout::Reading;
    use crate::time::{Nanos, Zone, NANOS_PER_SEC};
    use proptest::prelude::*;

    /// A writer of a line at an instant, with a message.
    type Writer = fn(Nanos, &str) -> String;

    /// Writers of lines, and the layout each file of them must lock to.
    const SHAPES: &[(&str, Writer)] = &[
        ("%d-%b-%Y %H:%M:%S%.f%z", |t, m| {
            format!("{} SEVERE [main] {m}", clock(t, "%d-%b-%Y %H:%M:%S%.3f"))
        }),
        ("%Y%m%d-%H:%M:%S%.f", |t, m| {
            format!("{}|Step_LSC|30002312|{m}", clock(t, "%Y%m%d-%H:%M:%S:%3f"))
        }),
        ("%Y-%m-%dT%H:%M:%S%.f%z", |t, m| {
            format!(
                "[{}][WARN ][o.e.c.Monitor] {m}",
                clock(t, "%Y-%m-%dT%H:%M:%S,%3f")
            )
        }),
        ("%s", |t, m| {
            format!("134681 node-246 unix.hw state {} 1 {m}", t / NANOS_PER_SEC)
        }),
        ("%y%m%d %H:%M:%S%.f", |t, m| {
            format!("E{} 1234 kv/x.go:12 {m}", clock(t, "%y%m%d %H:%M:%S%.6f"))
        }),
        ("%Y-%m-%d %H:%M:%S%.f%z", |t, m| {
            format!("{}, Info  CBS  {m}", clock(t, "%Y-%m-%d %H:%M:%S"))
        }),
    ];

    fn clock(t: Nanos, layout: &str) -> String {
        Zone::utc().to_local(t).format(layout).to_string()
    }

    /// Message words that look like times: epoch seconds and milliseconds, dates, clocks.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,8}",
            (946_684_800i64..4_000_000_000).prop_map(|s| s.to_string()),
            (946_684_800_000i64..4_000_000_000_000).prop_map(|s| s.to_string()),
            (0i64..4_000_000_000).prop_map(|s| clock(s * NANOS_PER_SEC, "%Y-%m-%d %H:%M:%S")),
            (0i64..86_400).prop_map(|s| clock(s * NANOS_PER_SEC, "%H:%M:%S")),
            (0i64..4_000_000_000).prop_map(|s| clock(s * NANOS_PER_SEC, "%d/%m/%Y")),
            (0i64..4_000_000_000).prop_map(|s| clock(s * NANOS_PER_SEC, "%b %e %H:%M:%S")),
        ]
    }

    /// A line of `shape` at a whole millisecond from 2000 to 2068 (two-digit years read as
    /// POSIX pivots them), and the instant its stamp names (whole seconds where the layout
    /// has no fraction).
    fn written(shape: usize, ms: i64, words: &[String]) -> (Nanos, String) {
        let (layout, write) = SHAPES[shape];
        let t = ms * 1_000_000;
        let t = if matches!(layout, "%s" | "%Y-%m-%d %H:%M:%S%.f%z") {
            t - t % NANOS_PER_SEC
        } else {
            t
        };
        (t, write(t, &words.join(" ")))
    }

    const MILLIS: std::ops::Range<i64> = 946_684_800_000..3_124_224_000_000;

    proptest! {
        /// Once a file is locked (from its first lines, whatever they say), no number, date
        /// or clock in a later line's message is taken for its time: each line reads back the
        /// instant its writer stamped it with.
        #[test]
        fn a_locked_file_keeps_its_times(
            shape in 0..SHAPES.len(),
            first in proptest::collection::vec((MILLIS, proptest::collection::vec("[a-z]{1,8}", 0..6)), 1..6),
            later in proptest::collection::vec((MILLIS, proptest::collection::vec(fragment(), 0..8)), 1..40),
        ) {
            let first: Vec<(Nanos, String)> = first.iter().map(|(ms, w)| written(shape, *ms, w)).collect();
            let sample: Vec<&[u8]> = first.iter().map(|(_, l)| l.as_bytes()).collect();
            let (lock, read) = Lock::settle(&sample).expect("a lock");
            prop_assert_eq!(lock.layout_text(), SHAPES[shape].0);
            prop_assert_eq!(read, sample.len());
            let later = later.iter().map(|(ms, w)| written(shape, *ms, w));
            for (t, line) in first.iter().cloned().chain(later) {
                let found = lock.read(line.as_bytes()).expect("read");
                let got = match found.reading {
                    Reading::Instant(t) => Some(t),
                    Reading::Stamp(stamp, _) => stamp.resolve(&Zone::utc()),
                };
                prop_assert_eq!(got, Some(t), "{}", line);
            }
        }

        /// A sample whose messages are full of such words still locks to the writer's stamp
        /// when it has a few lines: a message's date does not sit at one place in every line.
        #[test]
        fn a_sample_of_noisy_lines_locks_to_the_stamp(
            shape in 0..SHAPES.len(),
            lines in proptest::collection::vec((MILLIS, proptest::collection::vec(fragment(), 1..8)), 8..30),
        ) {
            let text: Vec<(Nanos, String)> = lines.iter().map(|(ms, w)| written(shape, *ms, w)).collect();
            let sample: Vec<&[u8]> = text.iter().map(|(_, l)| l.as_bytes()).collect();
            let (lock, _) = Lock::settle(&sample).expect("a lock");
            prop_assert_eq!(lock.layout_text(), SHAPES[shape].0);
        }
    }

    #[test]
    fn a_header_row_is_names_only() {
        assert_eq!(header_column(b"time,value"), Some(0));
        assert_eq!(header_column(b"\"Level\"\t\"Date\"\t\"Source\""), Some(1));
        assert_eq!(
            header_column(b"level,service,message"),
            None,
            "no time column"
        );
        assert_eq!(
            header_column(b"INFO,2023-10-11 14:00:01,ok"),
            None,
            "a data row"
        );
        assert_eq!(header_column(b"time"), None, "one field is no table");
    }

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

    /// Where the locked place holds no stamp, another layout is looked for near it, but not
    /// on an indented line: that is a continuation (SQL Server's banner, the build's date).
    #[test]
    fn an_indented_line_is_not_searched_for_another_stamp() {
        let sample: [&[u8]; 2] = [
            b"2019-05-03 09:01:09.99 Server      UTC adjustment: 0:00",
            b"2019-05-03 09:01:11.93 spid22s     Service Broker manager has started.",
        ];
        let (lock, _) = Lock::settle(&sample).expect("a lock");
        assert!(lock.read(b"\tNov 30 2018 12:57:58 ").is_none());
        assert!(lock
            .read(b"Nov 30 2018 12:57:58 a line of another writer")
            .is_some());
    }
}
