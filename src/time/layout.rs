//! Timestamp layouts as data: the table in `layouts.txt`, in a strftime-like notation, compiled
//! once into steps that read a stamp at a given byte without backtracking.
//!
//! The common shapes keep their hand-written readers (`stamp`), which the text formats try
//! first; this table is what lets a file in a layout nobody wrote code for be read at all.

use super::stamp::{fraction, Shape, Stamp};
use super::{Nanos, NANOS_PER_SEC};
use std::sync::LazyLock;

/// What a layout read: a wall-clock stamp, or an instant (epoch numbers, TAI64N).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    Stamp(Stamp, Shape),
    Instant(Nanos),
}

/// One layout of the table.
#[derive(Debug)]
pub struct Layout {
    /// As written in the table (`%d-%b-%Y %H:%M:%S%.f%z`): what `-v` names.
    pub text: &'static str,
    /// Where the shape is seen.
    pub note: &'static str,
    steps: Vec<Step>,
    /// How much of a date the layout carries, which ranks it against others.
    pub class: Class,
    /// The first separator at a fixed offset (`-` at 4 in `%Y-%m-%d`): checked before any step
    /// runs, it turns away most of the places the locator tries.
    probe: Option<(usize, u8)>,
}

/// How complete a layout's reading is, least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    TimeOnly,
    YearLess,
    /// An exact instant, but one a number that is no time may pass for.
    Epoch,
    Dated,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Literal(u8),
    Year4,
    Year2,
    Month { loose: bool },
    MonthName,
    Day { loose: bool },
    DayPadded,
    Weekday,
    Hour { loose: bool },
    Hour12,
    Meridiem,
    Minute { loose: bool },
    Second { loose: bool },
    Fraction,
    Zone { required: bool },
    Epoch,
    Tai64n,
}

/// The table, compiled on first use.
pub fn table() -> &'static [Layout] {
    static TABLE: LazyLock<Vec<Layout>> = LazyLock::new(|| {
        include_str!("layouts.txt")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (text, note) = l.split_once("  ").unwrap_or((l, ""));
                Layout::compile(text.trim(), note.trim())
            })
            .collect()
    });
    &TABLE
}

/// The indices in [`table`] of the layouts a stamp beginning with byte `c` may be in: most
/// places the locator tries begin a word, which only the layouts that open with a name can
/// read, and are spared the rest.
pub fn starting_with(c: u8) -> &'static [usize] {
    static BY_BYTE: LazyLock<Vec<Vec<usize>>> = LazyLock::new(|| {
        (0..=255u8)
            .map(|c| {
                (0..table().len())
                    .filter(|&i| table()[i].may_start(c))
                    .collect()
            })
            .collect()
    });
    &BY_BYTE[usize::from(c)]
}

/// Whether `b` begins with an English month or weekday name (or its abbreviation): the only
/// words a stamp may begin with, checked once for a word rather than by every layout that
/// opens with a name.
pub fn names_a_day_or_month(b: &[u8]) -> bool {
    name(b, &MONTHS).is_some() || name(b, &WEEKDAYS).is_some()
}

/// The layout whose text is `text`, by its index in [`table`].
pub fn index_of(text: &str) -> Option<usize> {
    table().iter().position(|l| l.text == text)
}

impl Layout {
    /// Compiles a layout; `None` for one that uses a directive this notation lacks (the table is
    /// checked by a test, so none of its lines is dropped unseen).
    pub fn compile(text: &'static str, note: &'static str) -> Option<Layout> {
        let mut steps = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'%' {
                steps.push(Step::Literal(b[i]));
                i += 1;
                continue;
            }
            let loose = b.get(i + 1) == Some(&b'-');
            let at = i + 1 + usize::from(loose);
            let step = match (b.get(at)?, loose) {
                (b'Y', false) => Step::Year4,
                (b'y', false) => Step::Year2,
                (b'm', _) => Step::Month { loose },
                (b'b', false) => Step::MonthName,
                (b'd', _) => Step::Day { loose },
                (b'e', false) => Step::DayPadded,
                (b'a', false) => Step::Weekday,
                (b'H', _) => Step::Hour { loose },
                (b'I', false) => Step::Hour12,
                (b'p', false) => Step::Meridiem,
                (b'M', _) => Step::Minute { loose },
                (b'S', _) => Step::Second { loose },
                (b'.', false) if b.get(at + 1) == Some(&b'f') => Step::Fraction,
                (b'z', false) => Step::Zone { required: false },
                (b'Z', false) => Step::Zone { required: true },
                (b's', false) => Step::Epoch,
                (b'@', false) => Step::Tai64n,
                (b't', false) => Step::Literal(b'\t'),
                _ => return None,
            };
            i = at + if step == Step::Fraction { 2 } else { 1 };
            steps.push(step);
        }
        let has = |f: fn(&Step) -> bool| steps.iter().any(f);
        let class = if has(|s| matches!(s, Step::Epoch | Step::Tai64n)) {
            Class::Epoch
        } else if has(|s| matches!(s, Step::Year4 | Step::Year2)) {
            Class::Dated
        } else if has(|s| matches!(s, Step::Month { .. } | Step::MonthName)) {
            Class::YearLess
        } else {
            Class::TimeOnly
        };
        let probe = first_fixed_literal(&steps);
        Some(Layout {
            text,
            note,
            steps,
            class,
            probe,
        })
    }

    /// Whether a stamp in this layout can begin with byte `c`: most places the locator tries
    /// are turned away here, before any step runs.
    pub fn may_start(&self, c: u8) -> bool {
        match self.steps.first() {
            Some(Step::Literal(l)) => *l == c,
            Some(Step::Weekday | Step::MonthName) => c.is_ascii_alphabetic(),
            Some(Step::Tai64n) => c == b'@',
            Some(Step::DayPadded) => c.is_ascii_digit() || c == b' ',
            Some(_) => c.is_ascii_digit(),
            None => false,
        }
    }

    /// Reads a stamp in this layout at the start of `b`: what it says and the bytes it takes.
    /// The stamp must end the line or be followed by a byte that is neither a letter nor a
    /// digit, so that `2023-10-11-build` or `1697032801abc` is no time.
    pub fn read(&self, b: &[u8]) -> Option<(Reading, usize)> {
        if let Some((at, c)) = self.probe {
            (b.get(at) == Some(&c)).then_some(())?;
        }
        let mut f = Fields::default();
        let mut at = 0;
        for step in &self.steps {
            at = f.step(*step, b, at)?;
        }
        if b.get(at).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        Some((f.reading(self.class)?, at))
    }
}

/// The first literal byte of `steps` and its offset, when every step before it is of a fixed
/// width (a padded number); `None` when a name or an unpadded number comes first.
fn first_fixed_literal(steps: &[Step]) -> Option<(usize, u8)> {
    let mut at = 0;
    for step in steps {
        at += match step {
            Step::Literal(c) => return Some((at, *c)),
            Step::Year4 => 4,
            Step::Year2
            | Step::Month { loose: false }
            | Step::Day { loose: false }
            | Step::Hour { loose: false }
            | Step::Minute { loose: false }
            | Step::Second { loose: false } => 2,
            _ => return None,
        };
    }
    None
}

/// What the steps read so far.
#[derive(Default)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// `Some(true)` after PM, `Some(false)` after AM.
    pm: Option<bool>,
    offset: Option<i32>,
    instant: Option<Nanos>,
}

impl Fields {
    /// Runs one step at `at`; where the next begins.
    fn step(&mut self, step: Step, b: &[u8], at: usize) -> Option<usize> {
        let rest = b.get(at..)?;
        Some(match step {
            Step::Literal(c) => {
                (rest.first() == Some(&c)).then_some(())?;
                at + 1
            }
            Step::Year4 => {
                self.year = Some(number(rest, 4, 4)?.0 as i32);
                at + 4
            }
            Step::Year2 => {
                let y = number(rest, 2, 2)?.0 as i32;
                // POSIX's pivot: 69-99 are 1969-1999, 00-68 are 2000-2068.
                self.year = Some(if y >= 69 { 1900 + y } else { 2000 + y });
                at + 2
            }
            Step::Month { loose } => {
                let (m, used) = number(rest, if loose { 1 } else { 2 }, 2)?;
                self.month = Some(m);
                at + used
            }
            Step::MonthName => {
                let (m, used) = name(rest, &MONTHS)?;
                self.month = Some(m as u32 + 1);
                at + used
            }
            Step::Day { loose } => {
                let (d, used) = number(rest, if loose { 1 } else { 2 }, 2)?;
                self.day = Some(d);
                at + used
            }
            Step::DayPadded => {
                let (skip, rest) = match rest.first() {
                    Some(b' ') => (1, &rest[1..]),
                    _ => (0, rest),
                };
                let (d, used) = number(rest, 1, 2 - skip)?;
                self.day = Some(d);
                at + skip + used
            }
            Step::Weekday => at + name(rest, &WEEKDAYS)?.1,
            Step::Hour { loose } => {
                let (h, used) = number(rest, if loose { 1 } else { 2 }, 2)?;
                self.hour = h;
                at + used
            }
            Step::Hour12 => {
                let (h, used) = number(rest, 1, 2)?;
                (1..=12).contains(&h).then_some(())?;
                self.hour = h;
                at + used
            }
            Step::Meridiem => {
                let m = rest.get(..2)?;
                self.pm = Some(match [m[0] | 0x20, m[1] | 0x20] {
                    [b'a', b'm'] => false,
                    [b'p', b'm'] => true,
                    _ => return None,
                });
                at + 2
            }
            Step::Minute { loose } => {
                let (m, used) = number(rest, if loose { 1 } else { 2 }, 2)?;
                self.minute = m;
                at + used
            }
            Step::Second { loose } => {
                let (s, used) = number(rest, if loose { 1 } else { 2 }, 2)?;
                self.second = s;
                at + used
            }
            Step::Fraction => {
                let (nanos, used) = fraction(rest);
                self.nanos = nanos;
                at + used
            }
            Step::Zone { required } => match zone(rest, !required) {
                Some((offset, used)) => {
                    self.offset = Some(offset);
                    at + used
                }
                None if required => return None,
                None => at,
            },
            Step::Epoch => {
                let (t, used) = epoch(rest)?;
                self.instant = Some(t);
                at + used
            }
            Step::Tai64n => {
                let (t, used) = tai64n(rest)?;
                self.instant = Some(t);
                at + used
            }
        })
    }

    fn reading(self, class: Class) -> Option<Reading> {
        if let Some(t) = self.instant {
            return Some(Reading::Instant(t));
        }
        let hour = match self.pm {
            Some(pm) => self.hour % 12 + if pm { 12 } else { 0 },
            None => self.hour,
        };
        let valid = hour < 24
            && self.minute < 60
            && self.second <= 60
            && self.month.is_none_or(|m| (1..=12).contains(&m))
            && self.day.is_none_or(|d| (1..=31).contains(&d));
        valid.then_some(())?;
        let shape = match class {
            Class::Dated => Shape::Dated,
            Class::YearLess => Shape::YearLess,
            _ => Shape::TimeOnly,
        };
        Some(Reading::Stamp(
            Stamp {
                year: self.year.unwrap_or(0),
                month: self.month.unwrap_or(1),
                day: self.day.unwrap_or(1),
                hour,
                minute: self.minute,
                second: self.second,
                nanos: self.nanos,
                offset: self.offset,
            },
            shape,
        ))
    }
}

/// Between `min` and `max` digits at the start of `b` (as many as there are): the number and
/// how many.
fn number(b: &[u8], min: usize, max: usize) -> Option<(u32, usize)> {
    let n = b
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    (n >= min).then_some(())?;
    let v = b[..n]
        .iter()
        .fold(0u32, |v, c| v * 10 + u32::from(c - b'0'));
    Some((v, n))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// An English name or its three-letter abbreviation (`Sept` too), in any case: its index in
/// `names` and the bytes taken.
fn name(b: &[u8], names: &[&str]) -> Option<(usize, usize)> {
    let word = b
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .take(9)
        .count();
    (word >= 3).then_some(())?;
    let word_is = |name: &[u8]| b[..word].eq_ignore_ascii_case(name);
    // By the first three letters, which every name and abbreviation begins with.
    let i = names
        .iter()
        .position(|full| b[..3].eq_ignore_ascii_case(&full.as_bytes()[..3]))?;
    let full = names[i].as_bytes();
    let fits = word == 3 || word_is(full) || (i == 8 && word_is(b"sept"));
    fits.then_some((i, word))
}

/// Zone abbreviations a log may print after its clock, and their offsets in minutes. Where an
/// abbreviation is ambiguous (IST) the commonest reading in logs is taken.
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("MET", 60),
    ("CEST", 120),
    ("MEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("IST", 330),
    ("SGT", 480),
    ("HKT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("HST", -600),
    ("AKST", -540),
    ("AKDT", -480),
    ("PST", -480),
    ("PDT", -420),
    ("MST", -420),
    ("MDT", -360),
    ("CST", -360),
    ("CDT", -300),
    ("EST", -300),
    ("EDT", -240),
];

/// Abbreviations that name more than one zone in wide use (India's, Israel's or Ireland's
/// IST; the American, Chinese or Cuban CST; British summer time or Bangladesh's BST): the
/// lock takes [`ZONES`]' reading, but a stamp read by hand leaves them to `--tz`.
const AMBIGUOUS: &[&str] = &["IST", "CST", "BST"];

/// The offset, in seconds east, of a zone abbreviation written after a clock
/// (PostgreSQL's `2017-07-31 13:36:42.585 CEST [4974] LOG:`), where the name is one of
/// [`ZONES`] and not [`AMBIGUOUS`].
pub(crate) fn written_zone(word: &[u8]) -> Option<i32> {
    // Most words after a clock are levels (`INFO`, `ERROR`) and go at once.
    if !(2..=4).contains(&word.len()) || AMBIGUOUS.iter().any(|a| a.as_bytes() == word) {
        return None;
    }
    named_zone(word).map(|minutes| minutes * 60)
}

/// The offset in minutes of a name of [`ZONES`].
fn named_zone(word: &[u8]) -> Option<i32> {
    ZONES
        .iter()
        .find(|(n, _)| n.as_bytes() == word)
        .map(|&(_, minutes)| minutes)
}

/// A zone at the start of `b` (after one space, when `spaced`): an offset (`+02:00`, `+0200`,
/// `+02`), or a name from [`ZONES`], itself perhaps followed by an offset (`GMT+2`,
/// `UTC+05:30`). Seconds east and the bytes taken.
fn zone(b: &[u8], spaced: bool) -> Option<(i32, usize)> {
    let skip = usize::from(spaced && b.first() == Some(&b' '));
    let rest = &b[skip..];
    if let Some((secs, used)) = offset(rest) {
        return Some((secs, skip + used));
    }
    let word = rest
        .iter()
        .take_while(|c| c.is_ascii_uppercase())
        .take(5)
        .count();
    if rest.get(word).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let minutes = named_zone(&rest[..word])?;
    let base = minutes * 60;
    match offset(&rest[word..]) {
        Some((secs, used)) if base == 0 => Some((secs, skip + word + used)),
        _ => Some((base, skip + word)),
    }
}

/// `+02:00`, `+0200`, `+02`, `+2`: seconds east and the bytes taken.
fn offset(b: &[u8]) -> Option<(i32, usize)> {
    super::parse_offset(b).or_else(|| {
        // `GMT+2`: an hour of one digit, which the offsets of stamps never have.
        let sign = match b.first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let h = *b.get(1).filter(|c| c.is_ascii_digit())?;
        b.get(2).is_none_or(|c| !c.is_ascii_digit()).then_some(())?;
        Some((sign * i32::from(h - b'0') * 3600, 2))
    })
}

/// The first and last instants an epoch number may name, 1995-01-01 and 2100-01-01 in epoch
/// seconds: one outside is a count, an id or a size, not a time.
const PLAUSIBLE: (i64, i64) = (788_918_400, 4_102_444_800);

/// Epoch seconds (with a fraction or not), milliseconds, microseconds or nanoseconds, told by
/// the number of digits, and only when that names an instant in [`PLAUSIBLE`].
fn epoch(b: &[u8]) -> Option<(Nanos, usize)> {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (9..=19).contains(&digits).then_some(())?;
    let v: i64 = std::str::from_utf8(&b[..digits]).ok()?.parse().ok()?;
    let (secs, nanos, used) = match digits {
        9..=11 => {
            let (nanos, used) = match b.get(digits) {
                Some(b'.') => fraction(&b[digits..]),
                _ => (0, 0),
            };
            (v, i64::from(nanos), digits + used)
        }
        12..=14 => (v / 1_000, v % 1_000 * 1_000_000, digits),
        15..=17 => (v / 1_000_000, v % 1_000_000 * 1_000, digits),
        _ => (v / NANOS_PER_SEC, v % NANOS_PER_SEC, digits),
    };
    (PLAUSIBLE.0..PLAUSIBLE.1).contains(&secs).then_some(())?;
    Some((secs * NANOS_PER_SEC + nanos, used))
}

/// A TAI64N label (`@4000000065269d0100000000`): TAI seconds offset by 2^62, then nanoseconds,
/// in hexadecimal. TAI runs ten seconds ahead of the epoch's origin, as daemontools'
/// `tai64nlocal` reads it (leap seconds since 1972 are not counted).
fn tai64n(b: &[u8]) -> Option<(Nanos, usize)> {
    (b.first() == Some(&b'@')).then_some(())?;
    let hex = b.get(1..25)?;
    // All hexadecimal digits, so that the text splits between characters (the fuzzer found a
    // label whose 16th byte was inside one).
    hex.iter().all(u8::is_ascii_hexdigit).then_some(())?;
    let hex = std::str::from_utf8(hex).ok()?;
    let secs = u64::from_str_radix(&hex[..16], 16).ok()?;
    let nanos = u32::from_str_radix(&hex[16..], 16).ok()?;
    let unix = i64::try_from(secs.checked_sub((1 << 62) + 10)?).ok()?;
    (PLAUSIBLE.0..PLAUSIBLE.1).contains(&unix).then_some(())?;
    (nanos < 1_000_000_000).then_some(())?;
    Some((unix * NANOS_PER_SEC + i64::from(nanos), 25))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PostgreSQL definition lists the zone names it lets after its clock, since an
    /// expression cannot name this table: the list is what [`written_zone`] reads, no more
    /// and no less.
    #[test]
    fn the_postgresql_definition_lists_the_written_zones() {
        let definition = include_str!("../format/defs/postgresql.toml");
        let at = definition.find("(?:UTC|").expect("the zone names") + 3;
        let listed: Vec<&str> = definition[at..at + definition[at..].find(')').expect("end")]
            .split('|')
            .collect();
        let mut read: Vec<&str> = ZONES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| written_zone(name.as_bytes()).is_some())
            .collect();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        read.sort_unstable();
        assert_eq!(listed_sorted, read);
        assert_eq!(
            definition.matches(&listed.join("|")).count(),
            2,
            "both expressions"
        );
    }

    #[test]
    fn every_line_of_the_table_compiles() {
        let lines = include_str!("layouts.txt")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(table().len(), lines);
        assert!(table().iter().all(|l| !l.note.is_empty()), "a note each");
    }

    fn read(layout: &str, line: &str) -> Option<(Reading, usize)> {
        let i = index_of(layout).expect("in the table");
        table()[i].read(line.as_bytes())
    }

    #[test]
    fn fields_and_their_bounds() {
        let Some((Reading::Stamp(s, Shape::Dated), 22)) =
            read("%m/%d/%Y %I:%M:%S %p%z", "10/11/2023 12:05:01 AM x")
        else {
            panic!("not read")
        };
        assert_eq!((s.hour, s.minute, s.offset), (0, 5, None));
        assert!(read("%m/%d/%Y %H:%M:%S%.f%z", "13/11/2023 12:05:01").is_none());
        assert!(read("%d/%m/%Y %H:%M:%S%.f%z", "13/11/2023 12:05:01").is_some());
        assert!(read("%Y-%m-%d %H:%M:%S%.f%z", "2023-10-11 14:00:01build").is_none());
        let Some((Reading::Stamp(s, _), _)) = read(
            "%a %b %e %H:%M:%S%.f %Z %Y",
            "Wed Oct 11 14:00:01 CEST 2023",
        ) else {
            panic!("not read")
        };
        assert_eq!(s.offset, Some(7200));
        assert!(read("%s", "123456").is_none(), "a count, not a time");
        assert!(read("%s", "1697032801").is_some());
        assert!(read("%@", "@4000000065269d0100000000 x").is_some());
    }
}
