//! Hand-rolled timestamp parsing at fixed byte positions. Formats call these once per line, so
//! there is no `strftime` pattern interpretation and no allocation: a digit check and a multiply
//! per field.

use crate::time::{
    days_from_civil, naive_to_nanos, parse_offset, two_digits, Nanos, Zone, NANOS_PER_SEC,
};
use chrono::NaiveDate;

/// A wall-clock reading with its offset, if the text had one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stamp {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    /// Seconds east of UTC, when written.
    pub offset: Option<i32>,
}

impl Stamp {
    /// The instant, reading a zone-less stamp in `zone`. `None` for impossible dates and for
    /// sentinels such as Alertmanager's `0001-01-01T00:00:00Z`.
    pub fn resolve(&self, zone: &Zone) -> Option<Nanos> {
        // A leap second (23:59:60) is read as the last nanosecond of its minute, keeping order.
        let (second, nanos) = if self.second == 60 {
            (59, 999_999_999)
        } else {
            (self.second, self.nanos)
        };
        let offset = self.offset.or(zone.fixed_offset());
        if let Some(t) = offset.and_then(|off| self.fast_utc(second, nanos, off)) {
            return Some(t);
        }
        let naive = NaiveDate::from_ymd_opt(self.year, self.month, self.day)?.and_hms_nano_opt(
            self.hour,
            self.minute,
            second,
            nanos,
        )?;
        match self.offset {
            Some(off) => naive_to_nanos(naive - chrono::Duration::seconds(i64::from(off))),
            None => zone.to_utc(naive),
        }
    }

    /// The instant of an ordinary reading at a known offset, by integer arithmetic: chrono's
    /// checked dates and durations cost more than the rest of a line's parsing. `None` hands
    /// anything unusual (a year an `i64` of nanoseconds may not hold, an impossible field) to
    /// chrono, which decides it.
    fn fast_utc(&self, second: u32, nanos: u32, offset: i32) -> Option<Nanos> {
        let valid = usual(self.year, offset)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && second < 60
            && nanos < 1_000_000_000;
        if !valid {
            return None;
        }
        let secs = days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour * 3600 + self.minute * 60 + second)
            - i64::from(offset);
        Some(secs * NANOS_PER_SEC + i64::from(nanos))
    }
}

/// Whether a year and offset are ones [`Stamp::fast_utc`] reads: years an `i64` of nanoseconds
/// holds whole, offsets within a day.
fn usual(year: i32, offset: i32) -> bool {
    (1678..=2261).contains(&year) && offset.abs() < 86_400
}

/// The offset `stamp` is read at, when its hour is sixty minutes and its minute sixty seconds
/// long and adding them to the hour's first instant dates it: an offset known (written, or a
/// fixed zone's: a named zone's may change within an hour), a year [`Stamp::fast_utc`] reads,
/// and an ordinary reading (no leap second). What [`Hours`] and [`Minute`] remember.
fn steady_offset(stamp: &Stamp, zone: &Zone) -> Option<i32> {
    stamp.offset.or(zone.fixed_offset()).filter(|&off| {
        usual(stamp.year, off)
            && stamp.minute < 60
            && stamp.second < 60
            && stamp.nanos < 1_000_000_000
    })
}

/// What a file's stamps so far tell about the next: the hour the last one fell in, and the
/// minute of the last of each shape read by its bytes. Each file, and each trial parse, starts
/// from none.
#[derive(Default)]
pub struct Recent {
    pub hours: Hours,
    pub iso: IsoMinute,
    pub clf: ClfMinute,
}

/// The hour of a stamp at a known offset: the date, the hour and the offset.
type Hour = (i32, u32, u32, u32, i32);

/// [`Stamp::resolve`] with the last hour it dated remembered. A file's lines come in time order,
/// so most share their hour with the line before, and are dated by adding minutes and seconds
/// to that hour's first instant: no calendar, no check of the date again.
#[derive(Default)]
pub struct Hours {
    last: std::cell::Cell<Option<(Hour, Nanos)>>,
}

impl Hours {
    /// As `stamp.resolve(zone)`.
    pub fn resolve(&self, stamp: &Stamp, zone: &Zone) -> Option<Nanos> {
        let Some(offset) = steady_offset(stamp, zone) else {
            return stamp.resolve(zone);
        };
        let hour = (stamp.year, stamp.month, stamp.day, stamp.hour, offset);
        let start = match self.last.get() {
            Some((last, start)) if last == hour => start,
            _ => {
                let start = Stamp {
                    minute: 0,
                    second: 0,
                    nanos: 0,
                    offset: Some(offset),
                    ..*stamp
                }
                .resolve(zone)?;
                self.last.set(Some((hour, start)));
                start
            }
        };
        let into = i64::from(stamp.minute * 60 + stamp.second) * NANOS_PER_SEC;
        Some(start + into + i64::from(stamp.nanos))
    }
}

/// The minute a file's last stamp of one shape named, by the bytes that name it (the first
/// `P`, up to the colon before the seconds), and the instant it began. A file's lines come in
/// time order, so most name the minute of the line before: they are dated by comparing those
/// bytes and reading only the seconds, fraction and zone, not the date and clock again. Only a
/// stamp with a steady offset (`steady_offset`) is remembered, and no leap second is read this
/// way.
pub struct Minute<const P: usize> {
    last: std::cell::Cell<Option<Named<P>>>,
    /// Where the shape's zone begins after its clock, and how it is read.
    zone: fn(&[u8], usize) -> (Option<i32>, usize),
}

/// A minute's bytes, the offset written after its clock (if any) and the instant it began.
type Named<const P: usize> = ([u8; P], Option<i32>, Nanos);

/// ISO 8601 stamps (`2023-10-11T14:00:`), as [`iso`] reads them.
pub type IsoMinute = Minute<17>;
/// Access-log stamps (`11/Oct/2023:14:00:`), as [`clf`] reads them.
pub type ClfMinute = Minute<18>;

impl Default for IsoMinute {
    fn default() -> IsoMinute {
        Minute {
            last: Default::default(),
            zone: iso_zone,
        }
    }
}

impl Default for ClfMinute {
    fn default() -> ClfMinute {
        Minute {
            last: Default::default(),
            zone: clf_zone,
        }
    }
}

impl<const P: usize> Minute<P> {
    /// The instant of the stamp at the start of `b` and the bytes it takes, if it names the
    /// remembered minute at the remembered offset: what the shape's parse and
    /// [`Hours::resolve`] give.
    pub fn recall(&self, b: &[u8]) -> Option<(Nanos, usize)> {
        let (named, offset, start) = self.last.get()?;
        if b.get(..P)? != named {
            return None;
        }
        let second = two_digits(b.get(P..P + 2)?)?;
        if second >= 60 {
            return None;
        }
        let (nanos, used) = fraction(&b[P + 2..]);
        let (written, end) = (self.zone)(b, P + 2 + used);
        (written == offset).then(|| {
            let into = i64::from(second) * NANOS_PER_SEC + i64::from(nanos);
            (start + into, end)
        })
    }

    /// Remembers the minute of `stamp`, read from the start of `b` by the shape's parse and
    /// dated `t`.
    pub fn remember(&self, b: &[u8], stamp: &Stamp, t: Nanos, zone: &Zone) {
        let Some(named) = b.get(..P).and_then(|n| <[u8; P]>::try_from(n).ok()) else {
            return;
        };
        // A clock of colons (not DB2's dots).
        if steady_offset(stamp, zone).is_some() && named[P - 1] == b':' {
            let into = i64::from(stamp.second) * NANOS_PER_SEC + i64::from(stamp.nanos);
            self.last.set(Some((named, stamp.offset, t - into)));
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(b: &[u8], n: usize) -> Option<u32> {
    let s = b.get(..n)?;
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// `.123`, `,123456`: up to nine digits of fraction → (nanoseconds, bytes used incl. separator).
pub(super) fn fraction(b: &[u8]) -> (u32, usize) {
    // `14:00:01:123` (some Java and C++ loggers); `14:00:01: msg` is not a fraction.
    let least = match b.first() {
        Some(b':') => 3,
        Some(b'.' | b',') => 1,
        _ => return (0, 0),
    };
    // The digits' count and (of the first nine) value in one pass.
    let mut n = 0;
    let mut v = 0u32;
    for &c in &b[1..] {
        if !c.is_ascii_digit() {
            break;
        }
        if n < 9 {
            v = v * 10 + u32::from(c - b'0');
        }
        n += 1;
    }
    if n >= least {
        (v * SCALE[n.min(9)], 1 + n)
    } else {
        (0, 0)
    }
}

/// Nanoseconds of a fraction of `n` digits whose first nine read `v`: scaled by the ones not
/// written.
const SCALE: [u32; 10] = [
    1_000_000_000,
    100_000_000,
    10_000_000,
    1_000_000,
    100_000,
    10_000,
    1_000,
    100,
    10,
    1,
];

/// `HH:MM:SS[.fff]` → (h, m, s, nanos, bytes used).
fn clock(b: &[u8]) -> Option<(u32, u32, u32, u32, usize)> {
    // The eight bytes as one number, checked and read at once: nearly every line has a clock.
    const COLONS: u64 = 0x0000_ff00_00ff_0000;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    let w = u64::from_le_bytes(*b.first_chunk::<8>()?);
    // A digit is 0x30..=0x39: its high half is 3, and stays 3 with 6 added. Nothing carries
    // from one byte to the next when the first test holds.
    let digits = !COLONS & HIGH;
    let shape = w & COLONS == u64::from_le_bytes(*b"\0\0:\0\0:\0\0")
        && w & digits == ZEROS & digits
        && w.wrapping_add(0x0606_0606_0606_0606) & digits == ZEROS & digits;
    if !shape {
        return None;
    }
    let v = w - ZEROS;
    let byte = |i: u32| ((v >> (8 * i)) & 0xff) as u32;
    let (h, m, s) = (
        byte(0) * 10 + byte(1),
        byte(3) * 10 + byte(4),
        byte(6) * 10 + byte(7),
    );
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let (nanos, used) = fraction(&b[8..]);
    Some((h, m, s, nanos, 8 + used))
}

/// ISO 8601 and its common relatives at the start of `b`: `2023-10-11T14:00:01.123Z`,
/// `2023-10-11 14:00:01,123`, `2023/10/11 14:00:01`, with `Z`, `+02:00`, `+0200` or no zone.
pub fn iso(b: &[u8]) -> Option<(Stamp, usize)> {
    let year = digits(b, 4)? as i32;
    let sep = *b.get(4)?;
    if !matches!(sep, b'-' | b'/' | b'.') || b.get(7) != Some(&sep) {
        return None;
    }
    let month = two_digits(b.get(5..7)?)?;
    let day = two_digits(b.get(8..10)?)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let c = match b.get(10) {
        Some(b'T' | b' ') => clock(b.get(11..)?)?,
        // DB2: `2023-10-11-14.00.01.123456`.
        Some(b'-') if sep == b'-' => dotted_clock(b.get(11..)?)?,
        _ => return None,
    };
    let (offset, end) = iso_zone(b, 11 + c.4);
    Some((dated(year, month, day, c, offset), end))
}

/// The zone after an ISO 8601 clock that ends at `end` (`Z`, `+02:00`, `+0200`, ` +0200`,
/// ` UTC`, ` CEST`), and where it ends.
fn iso_zone(b: &[u8], end: usize) -> (Option<i32>, usize) {
    match b.get(end) {
        Some(b'Z' | b'z') => (Some(0), end + 1),
        Some(b'+' | b'-') => match parse_offset(&b[end..]) {
            Some((off, n)) => (Some(off), end + n),
            None => (None, end),
        },
        Some(b' ') if matches!(b.get(end + 1), Some(b'+' | b'-')) => {
            match parse_offset(&b[end + 1..]).filter(|(_, n)| *n >= 5) {
                Some((off, n)) => (Some(off), end + 1 + n),
                None => (None, end),
            }
        }
        // PostgreSQL's `%m` and `%t`: `2023-10-11 14:00:01.123 UTC [3310]`, `… CEST [4974]`.
        Some(b' ') if b.get(end + 1).is_some_and(u8::is_ascii_uppercase) => {
            let rest = &b[end + 1..];
            let word = rest
                .iter()
                .take(6)
                .take_while(|c| c.is_ascii_uppercase())
                .count();
            match rest.get(word) {
                None | Some(b' ') => match crate::time::layout::written_zone(&rest[..word]) {
                    Some(secs) => (Some(secs), end + 1 + word),
                    None => (None, end),
                },
                _ => (None, end),
            }
        }
        _ => (None, end),
    }
}

pub fn month(b: &[u8]) -> Option<u32> {
    let m = b.get(..3)?;
    // One match on the lower-cased name, not a comparison with each of twelve: access logs
    // and syslog read a month name on every line.
    Some(match &[m[0] | 0x20, m[1] | 0x20, m[2] | 0x20] {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// `HH.MM.SS[.ffffff]`, as DB2 writes the time.
fn dotted_clock(b: &[u8]) -> Option<(u32, u32, u32, u32, usize)> {
    let h = two_digits(b.get(0..2)?)?;
    let m = two_digits(b.get(3..5)?)?;
    let s = two_digits(b.get(6..8)?)?;
    if b[2] != b'.' || b[5] != b'.' || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let (nanos, used) = fraction(&b[8..]);
    Some((h, m, s, nanos, 8 + used))
}

/// The stamp of a date, a clock as [`clock`] reads it, and the offset written after them.
fn dated(
    year: i32,
    month: u32,
    day: u32,
    clock: (u32, u32, u32, u32, usize),
    offset: Option<i32>,
) -> Stamp {
    let (hour, minute, second, nanos, _) = clock;
    Stamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset,
    }
}

/// How much of the date a leading timestamp carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Dated,
    /// Month and day, no year: syslog, logcat, `[MM.DD HH:MM:SS]`.
    YearLess,
    /// Only the time of day: log4j2's default layout, Jenkins Timestamper.
    TimeOnly,
}

/// Any timestamp shape that starts a line, with how much of the date it carried.
pub fn leading(b: &[u8]) -> Option<(Stamp, usize, Shape)> {
    iso(b)
        .map(|(s, n)| (s, n, Shape::Dated))
        .or_else(|| leading_besides_iso(b))
}

/// [`leading`] for a caller that has read ISO 8601 (the commonest) its own way first.
pub fn leading_besides_iso(b: &[u8]) -> Option<(Stamp, usize, Shape)> {
    let dated = |r: Option<(Stamp, usize)>| r.map(|(s, n)| (s, n, Shape::Dated));
    dated(compact(b))
        .or_else(|| dated(short_year(b)))
        .or_else(|| dated(ctime(b)))
        .or_else(|| dated(clf(b)))
        .or_else(|| dated(day_month_year(b)))
        .or_else(|| bsd(b).map(|(s, n)| (s, n, Shape::YearLess)))
        .or_else(|| month_day(b).map(|(s, n)| (s, n, Shape::YearLess)))
        .or_else(|| clock_only(b).map(|(s, n)| (s, n, Shape::TimeOnly)))
}

/// `YYYYMMDD-HH:MM:SS:mmm`, `YYMMDD HH:MM:SS` and `YYMMDD HHMMSS`.
fn compact(b: &[u8]) -> Option<(Stamp, usize)> {
    if b.get(8) == Some(&b'-') {
        let (y, mo, d) = (
            digits(b, 4)? as i32,
            two_digits(b.get(4..6)?)?,
            two_digits(b.get(6..8)?)?,
        );
        let c = clock(b.get(9..)?)?;
        return Some((dated(y, mo, d, c, None), 9 + c.4));
    }
    if b.get(6) != Some(&b' ') {
        return None;
    }
    let (y, mo, d) = (
        2000 + digits(b, 2)? as i32,
        two_digits(b.get(2..4)?)?,
        two_digits(b.get(4..6)?)?,
    );
    if let Some(c) = clock(b.get(7..)?) {
        return Some((dated(y, mo, d, c, None), 7 + c.4));
    }
    let t = b.get(7..13)?;
    let (h, mi, sec) = (
        two_digits(&t[0..2])?,
        two_digits(&t[2..4])?,
        two_digits(&t[4..6])?,
    );
    if h > 23 || mi > 59 || sec > 60 || b.get(13).is_some_and(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    Some((dated(y, mo, d, (h, mi, sec, 0, 6), None), 13))
}

/// `YY/MM/DD HH:MM:SS`.
fn short_year(b: &[u8]) -> Option<(Stamp, usize)> {
    if b.get(2) != Some(&b'/') || b.get(5) != Some(&b'/') || b.get(8) != Some(&b' ') {
        return None;
    }
    let (y, mo, d) = (
        2000 + two_digits(&b[0..2])? as i32,
        two_digits(&b[3..5])?,
        two_digits(&b[6..8])?,
    );
    let c = clock(b.get(9..)?)?;
    Some((dated(y, mo, d, c, None), 9 + c.4))
}

/// ctime: `Sun Dec 04 04:47:44 2005`, `Wed May 10 14:31:02.123456 2023` (Apache), day
/// space-padded or not.
fn ctime(b: &[u8]) -> Option<(Stamp, usize)> {
    const DAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
    let weekday = b.get(..3)?;
    if !DAYS.iter().any(|d| d.eq_ignore_ascii_case(weekday)) || b.get(3) != Some(&b' ') {
        return None;
    }
    let (stamp, used) = bsd(&b[4..])?;
    let at = 4 + used;
    if b.get(at) != Some(&b' ') {
        return None;
    }
    let year = digits(b.get(at + 1..)?, 4)? as i32;
    Some((Stamp { year, ..stamp }, at + 5))
}

/// `MM.DD HH:MM:SS` and logcat's `MM-DD HH:MM:SS.mmm`: no year.
fn month_day(b: &[u8]) -> Option<(Stamp, usize)> {
    if !matches!(b.get(2), Some(b'.' | b'-')) || b.get(5) != Some(&b' ') {
        return None;
    }
    let (month, day) = (two_digits(&b[0..2])?, two_digits(&b[3..5])?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let c = clock(b.get(6..)?)?;
    Some((dated(0, month, day, c, None), 6 + c.4))
}

/// Only a time of day, followed by a space or the end of the line.
fn clock_only(b: &[u8]) -> Option<(Stamp, usize)> {
    let c = clock(b)?;
    if b.get(c.4).is_some_and(|ch| !ch.is_ascii_whitespace()) {
        return None;
    }
    Some((dated(0, 0, 0, c, None), c.4))
}

/// An epoch number leading a line (`1697032801.123 msg`), when it falls in 2000–2100.
pub fn leading_epoch(text: &str) -> Option<(Nanos, usize)> {
    // Every text line is asked: one that does not open with ten digits is none.
    if !text.as_bytes().get(..10)?.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let end = text
        .bytes()
        .position(|c| !(c.is_ascii_digit() || c == b'.'))
        .unwrap_or(text.len());
    let number = &text[..end];
    let int_len = number.split('.').next().map_or(0, str::len);
    if !matches!(int_len, 10 | 13 | 16 | 19) {
        return None;
    }
    let t = epoch(number)?;
    let plausible = (946_684_800 * NANOS_PER_SEC..4_102_444_800 * NANOS_PER_SEC).contains(&t);
    plausible.then_some((t, end))
}

/// The access-log time `11/Oct/2023:14:00:01 +0200` (without its brackets).
pub fn clf(b: &[u8]) -> Option<(Stamp, usize)> {
    let day = two_digits(b.get(0..2)?)?;
    let month = month(b.get(3..6)?)?;
    let year = digits(b.get(7..)?, 4)? as i32;
    if b[2] != b'/' || b[6] != b'/' || b.get(11) != Some(&b':') {
        return None;
    }
    let c = clock(b.get(12..)?)?;
    let (offset, end) = clf_zone(b, 12 + c.4);
    Some((dated(year, month, day, c, offset), end))
}

/// `05 Jun 2025 14:10:02.456`: Redis, and log4j's `DATE` layout (`05 Jun 2025 14:10:02,456`).
fn day_month_year(b: &[u8]) -> Option<(Stamp, usize)> {
    if b.get(2) != Some(&b' ') || b.get(6) != Some(&b' ') || b.get(11) != Some(&b' ') {
        return None;
    }
    let (day, month, year) = (two_digits(&b[..2])?, month(&b[3..6])?, digits(&b[7..], 4)?);
    let c = clock(b.get(12..)?)?;
    Some((dated(year as i32, month, day, c, None), 12 + c.4))
}

/// The zone after an access-log clock that ends at `end` (` +0200`), and where it ends.
fn clf_zone(b: &[u8], end: usize) -> (Option<i32>, usize) {
    if b.get(end) == Some(&b' ') {
        if let Some((off, n)) = parse_offset(&b[end + 1..]) {
            return (Some(off), end + 1 + n);
        }
    }
    (None, end)
}

/// The year-less BSD syslog time `Oct 11 14:00:01` (day space-padded: `Oct  1`). The year is
/// left 0 for the caller to anchor.
pub fn bsd(b: &[u8]) -> Option<(Stamp, usize)> {
    let month = month(b)?;
    if b.get(3) != Some(&b' ') {
        return None;
    }
    let day = match (b.get(4)?, b.get(5)?) {
        (b' ', d) if d.is_ascii_digit() => u32::from(d - b'0'),
        (a, d) if a.is_ascii_digit() && d.is_ascii_digit() => {
            u32::from(a - b'0') * 10 + u32::from(d - b'0')
        }
        _ => return None,
    };
    if b.get(6) != Some(&b' ') || !(1..=31).contains(&day) {
        return None;
    }
    let c = clock(b.get(7..)?)?;
    Some((dated(0, month, day, c, None), 7 + c.4))
}

/// An epoch number whose unit is told by its size: seconds until the year 5138, then
/// milliseconds, microseconds and nanoseconds. Fractions of a second are kept.
pub fn epoch(text: &str) -> Option<Nanos> {
    // One pass over the digits; white space is trimmed only where there is some.
    let t = match text.as_bytes() {
        [a, .., z] if a.is_ascii_digit() && z.is_ascii_digit() => text,
        _ => text.trim(),
    };
    let b = t.as_bytes();
    let (int, frac) = match b.iter().position(|c| !c.is_ascii_digit()) {
        None => (t, ""),
        Some(i) if b[i] == b'.' => (&t[..i], &t[i + 1..]),
        Some(_) => return None,
    };
    if !frac.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    let whole = whole_number(int)?;
    let scale = epoch_unit(int.len());
    let mut nanos = whole.checked_mul(scale)?;
    if !frac.is_empty() && scale > 1 {
        nanos += (fraction_of(frac)? * scale as f64) as i64;
    }
    Some(nanos)
}

/// The nanoseconds in one unit of an epoch number of `digits` whole digits: seconds up to
/// eleven, then milliseconds, microseconds and nanoseconds.
pub(super) fn epoch_unit(digits: usize) -> i64 {
    match digits {
        0..=11 => NANOS_PER_SEC,
        12..=14 => 1_000_000,
        15..=17 => 1_000,
        _ => 1,
    }
}

/// A run of ASCII digits as `str::parse::<i64>` reads it (`None` when empty or too large),
/// by hand: JSON logs in epoch time ask it for every line, and the general parse cost more
/// than the rest of reading the time.
fn whole_number(int: &str) -> Option<i64> {
    if int.is_empty() {
        return None;
    }
    int.bytes().try_fold(0i64, |n, b| {
        n.checked_mul(10)?.checked_add(i64::from(b - b'0'))
    })
}

/// `0.<frac>` as `str::parse::<f64>` reads it, without writing it out first: up to fifteen
/// digits are an integer a double holds exactly, and dividing it by an exact power of ten is
/// rounded once, correctly, as the parse rounds (Clinger's fast path); longer ones are parsed.
fn fraction_of(frac: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    match (
        POWERS.get(frac.len()),
        frac.bytes().all(|b| b.is_ascii_digit()),
    ) {
        (Some(power), true) => Some(whole_number(frac)? as f64 / power),
        _ => format!("0.{frac}").parse().ok(),
    }
}

#[cfg(test)]
mod tests;
