//! The calendar a file's stamps are read against: the year a year-less stamp takes (and its
//! rollover at New Year), and the day of a line that carries only a time of day (the last dated
//! line's, rolling over at midnight, else a date in the file's name, else `--date`).

use super::stamp::Stamp;
use super::{Nanos, Zone, NANOS_PER_DAY};
use chrono::{Datelike, NaiveDate, Timelike};

/// How to give a year to timestamps that carry none (RFC 3164 syslog).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YearAnchor {
    /// `--year`.
    Fixed(i32),
    /// The year that puts the line nearest this instant (taken from the dated logs), so a
    /// file that crosses New Year gets both years right.
    Near(Nanos),
    /// The latest year that does not put the line after this instant (the file's mtime):
    /// a line cannot be written after its file was last modified.
    NotAfter(Nanos),
}

/// The local year of the anchor's instant: the middle of the years a year-less stamp is tried
/// in.
pub fn anchor_year(years: YearAnchor, zone: &Zone) -> i32 {
    match years {
        YearAnchor::Fixed(y) => y,
        YearAnchor::Near(r) | YearAnchor::NotAfter(r) => zone.to_local(r).year(),
    }
}

/// A date in a file's name: `app-2023-10-11.log`, `console-20231011.txt`.
pub fn day_in_name(path: &str) -> Option<NaiveDate> {
    let name = path.rsplit(['/', '\\']).next()?;
    let b = name.as_bytes();
    (0..b.len()).find_map(|i| {
        let rest = &b[i..];
        let (y, m, d) = match (rest.get(4), rest.get(7)) {
            (Some(b'-'), Some(b'-')) => (rest.get(..4)?, rest.get(5..7)?, rest.get(8..10)?),
            _ => (rest.get(..4)?, rest.get(4..6)?, rest.get(6..8)?),
        };
        let num = |s: &[u8]| {
            std::str::from_utf8(s)
                .ok()?
                .parse::<u32>()
                .ok()
                .filter(|_| s.iter().all(u8::is_ascii_digit))
        };
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        let year = num(y)? as i32;
        ((1970..=2200).contains(&year) && before_ok).then_some(())?;
        NaiveDate::from_ymd_opt(year, num(m)?, num(d)?)
    })
}

/// What dates a time-only line: the instant of the last dated line (its local day is worked
/// out only when a time-only line needs it, as most files have none), or the day and second
/// the last time-only line was given.
#[derive(Clone, Copy)]
pub enum LastDay {
    At(Nanos),
    Clock(NaiveDate, u32),
}

impl LastDay {
    /// The date and clock a stamp names as written, which dates the times of day after it in
    /// whatever zone it was written (a W3C log's `#Date:`, in GMT).
    pub fn as_written(stamp: &Stamp) -> Option<LastDay> {
        let day = NaiveDate::from_ymd_opt(stamp.year, stamp.month, stamp.day)?;
        Some(LastDay::Clock(day, seconds_of_day(stamp)))
    }
}

/// A stamp's second of the day (a leap second is the last of its minute).
fn seconds_of_day(stamp: &Stamp) -> u32 {
    stamp.hour * 3600 + stamp.minute * 60 + stamp.second.min(59)
}

/// The instant of a year-less stamp, given the instant it names in a year (`at`): the year
/// `years` gives. `anchor_year` is the local year of the anchor's instant ([`anchor_year`]).
/// Each line is placed on its own, so a file that crosses New Year gets both years.
#[inline]
pub fn in_year(
    years: YearAnchor,
    anchor_year: i32,
    at: impl Fn(i32) -> Option<Nanos>,
) -> Option<Nanos> {
    match years {
        YearAnchor::Fixed(y) => at(y),
        YearAnchor::Near(r) => {
            let y = anchor_year;
            // Within half a year of the reference, the anchor's year is the nearest: the
            // years either side are a year (give or take a zone's hour) further on. Most
            // lines are, and are spared two more conversions.
            if let Some(t) = at(y).filter(|t| (t - r).abs() < 180 * NANOS_PER_DAY) {
                return Some(t);
            }
            [y - 1, y, y + 1]
                .into_iter()
                .filter_map(at)
                .min_by_key(|t| (t - r).abs())
        }
        YearAnchor::NotAfter(r) => {
            let y = anchor_year;
            // Not after the limit, and within a year of it: the next year is past it.
            let limit = r + NANOS_PER_DAY;
            if let Some(t) = at(y).filter(|&t| t <= limit && t > limit - 364 * NANOS_PER_DAY) {
                return Some(t);
            }
            [y + 1, y, y - 1]
                .into_iter()
                .filter_map(at)
                .find(|t| *t <= r + NANOS_PER_DAY)
        }
    }
}

/// The day of a time-of-day stamp, and what dates the next one: the day of the last dated
/// line (`last`), rolling over midnight when the clock goes back by more than twelve hours,
/// else the date in the file's name, else `--date`. `None` when nothing dates it: a guess
/// would put it at a wrong minute.
pub fn day_of(
    stamp: &Stamp,
    last: Option<LastDay>,
    name_day: Option<NaiveDate>,
    fallback_day: Option<NaiveDate>,
    zone: &Zone,
) -> Option<(NaiveDate, LastDay)> {
    let secs = seconds_of_day(stamp);
    let (mut day, before) = match last {
        Some(LastDay::At(t)) => {
            let local = zone.to_local(t);
            (local.date(), local.num_seconds_from_midnight())
        }
        Some(LastDay::Clock(day, secs)) => (day, secs),
        None => (name_day.or(fallback_day)?, 0),
    };
    if secs + 12 * 3600 < before {
        day = day.succ_opt()?;
    }
    Some((day, LastDay::Clock(day, secs)))
}
