//! The calendar a file's stamps are read against: the year a year-less stamp takes, and the
//! day a date in the file's name gives its times of day.

use super::{Nanos, Zone};
use chrono::{Datelike, NaiveDate};

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
