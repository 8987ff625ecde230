//! How one file's stamps become instants: the zone they are read in, the years a year-less
//! stamp may fall in, the day a time of day belongs to (the last dated line, the file's name,
//! `--date`), and the minute the stamps before it share. A file's parser keeps one, and each
//! trial parse its own.

use super::calendar::{self, anchor_year, day_in_name, LastDay, YearAnchor};
use super::stamp::{self, Recent, Shape, Stamp};
use super::{Nanos, Zone};
use chrono::{Datelike, NaiveDate};
use std::cell::Cell;

/// One file's dating: its settings and what its lines so far tell about the next.
pub struct Dating {
    pub zone: Zone,
    years: YearAnchor,
    /// The local year of the anchor's instant, the middle of the years a year-less stamp is
    /// tried in: worked out once, not for every line.
    anchor_year: i32,
    /// Set once a year-less timestamp was read, so the caller knows the anchor mattered.
    pub yearless: Cell<bool>,
    /// The hour and minutes of the stamps before, which most lines share.
    recent: Recent,
    /// The last dated line, which dates the time-only lines after it.
    pub day: Option<LastDay>,
    /// A date in the file's name (`app-2023-10-11.log`), the next best context.
    name_day: Option<NaiveDate>,
    /// `--date`, the last resort for time-only lines.
    pub fallback_day: Option<NaiveDate>,
    /// Time-only lines that nothing could date.
    pub undatable: u64,
    /// Whether any line had only a time of day (its date depends on the lines before it).
    pub time_only: bool,
}

impl Dating {
    /// The dating of the file at `path` (whose name may give a day), its stamps read in
    /// `zone`, a year-less one placed as `years` says.
    pub fn new(zone: Zone, years: YearAnchor, path: &str) -> Dating {
        Dating {
            zone,
            years,
            anchor_year: anchor_year(years, &zone),
            yearless: Cell::new(false),
            recent: Recent::default(),
            day: None,
            name_day: day_in_name(path),
            fallback_day: None,
            undatable: 0,
            time_only: false,
        }
    }

    /// The same settings and day, with nothing read yet: for a trial parse of a line.
    pub fn trial(&self) -> Dating {
        Dating {
            yearless: Cell::new(false),
            recent: Recent::default(),
            undatable: 0,
            time_only: false,
            ..*self
        }
    }

    /// The year a year-less stamp is first tried in.
    pub fn anchor_year(&self) -> i32 {
        self.anchor_year
    }

    /// An ISO 8601 stamp at the start of `b` ([`stamp::iso`]), the bytes it takes and its
    /// instant (`None` for an impossible date); `None` when there is none. A stamp in the last
    /// one's minute is dated from it ([`stamp::Minute`]).
    pub fn iso_time(&self, b: &[u8]) -> Option<(Option<Nanos>, usize)> {
        if let Some((t, used)) = self.recent.iso.recall(b) {
            return Some((Some(t), used));
        }
        let (stamp, used) = stamp::iso(b)?;
        let t = self.resolve(&stamp);
        if let Some(t) = t {
            self.recent.iso.remember(b, &stamp, t, &self.zone);
        }
        Some((t, used))
    }

    /// [`Dating::iso_time`] of a line's leading stamp, remembered as the context for time-only
    /// lines after it, as [`Dating::resolve_dated`] remembers.
    pub fn iso_dated(&mut self, b: &[u8]) -> Option<(Option<Nanos>, usize)> {
        let (t, used) = self.iso_time(b)?;
        if let Some(t) = t {
            self.day = Some(LastDay::At(t));
        }
        Some((t, used))
    }

    /// The instant of an access-log stamp ([`stamp::clf`]), dated as [`Dating::iso_time`]
    /// dates ISO 8601.
    pub fn clf_time(&self, b: &[u8]) -> Option<Nanos> {
        if let Some((t, _)) = self.recent.clf.recall(b) {
            return Some(t);
        }
        let (stamp, _) = stamp::clf(b)?;
        let t = self.resolve(&stamp)?;
        self.recent.clf.remember(b, &stamp, t, &self.zone);
        Some(t)
    }

    /// A dated stamp, remembered as the context for time-only lines after it.
    pub fn resolve_dated(&mut self, stamp: &Stamp) -> Option<Nanos> {
        let t = self.resolve(stamp)?;
        self.day = Some(LastDay::At(t));
        Some(t)
    }

    /// A time of day, dated by the last dated line (rolling over midnight when the clock
    /// goes back by more than twelve hours), else by the file's name, else by `--date`.
    /// `None` when nothing dates it: a guess would put it at a wrong minute.
    pub fn resolve_time_only(&mut self, stamp: Stamp) -> Option<Nanos> {
        self.time_only = true;
        let (day, last) = calendar::day_of(
            &stamp,
            self.day,
            self.name_day,
            self.fallback_day,
            &self.zone,
        )?;
        self.day = Some(last);
        self.resolve(&Stamp {
            year: day.year(),
            month: day.month(),
            day: day.day(),
            ..stamp
        })
    }

    pub fn resolve(&self, stamp: &Stamp) -> Option<Nanos> {
        self.recent.hours.resolve(stamp, &self.zone)
    }

    /// The instant of a stamp of any shape, each as its own method dates it: `None` for an
    /// impossible date, `Some(None)` for a time of day that nothing dates.
    pub fn resolve_shaped(&mut self, stamp: Stamp, shape: Shape) -> Option<Option<Nanos>> {
        Some(match shape {
            Shape::Dated => Some(self.resolve_dated(&stamp)?),
            Shape::YearLess => Some(self.resolve_yearless(stamp)?),
            Shape::TimeOnly => self.resolve_time_only(stamp),
        })
    }

    /// A year-less stamp, anchored by [`YearAnchor`].
    pub fn resolve_yearless(&self, stamp: Stamp) -> Option<Nanos> {
        self.yearless.set(true);
        calendar::in_year(self.years, self.anchor_year, |year| {
            self.resolve(&Stamp { year, ..stamp })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NANOS_PER_DAY;

    proptest::proptest! {
    /// A year-less stamp takes the year that puts it nearest the anchor, or the latest
    /// not after the file's time, as if all three candidate years were tried: whatever the
    /// day (29 February too), time and zone.
    #[test]
    fn a_yearless_stamp_takes_the_year_its_anchor_gives(
        r in proptest::prop_oneof![
            946_684_800_000_000_000i64..4_102_444_800_000_000_000,
            // Around New Year, where the candidate years come closest.
            proptest::strategy::Strategy::prop_map((2000i32..2100, -3 * NANOS_PER_DAY..3 * NANOS_PER_DAY), |(y, d)| {
                crate::time::days_from_civil(y, 1, 1) * NANOS_PER_DAY + d
            }),
        ],
        (month, day) in proptest::prop_oneof![
            (1u32..=12, 1u32..=31),
            proptest::strategy::Just((1, 1)),
            proptest::strategy::Just((12, 31)),
            proptest::strategy::Just((2, 29)),
        ],
        second in 0u32..86_400,
        zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "America/St_Johns", "+14:00"]),
    ) {
        let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let dates = Dating::new(zone, YearAnchor::Near(r), "node/syslog");
        let stamp = Stamp {
            year: 0,
            month,
            day,
            hour: second / 3600,
            minute: second / 60 % 60,
            second: second % 60,
            nanos: 0,
            offset: None,
        };
        let y = dates.anchor_year();
        let nearest = [y - 1, y, y + 1]
            .into_iter()
            .filter_map(|year| Stamp { year, ..stamp }.resolve(&zone))
            .min_by_key(|t| (t - r).abs());
        proptest::prop_assert_eq!(dates.resolve_yearless(stamp), nearest);
        let dates = Dating::new(zone, YearAnchor::NotAfter(r), "node/syslog");
        let y = dates.anchor_year();
        let latest = [y + 1, y, y - 1]
            .into_iter()
            .filter_map(|year| Stamp { year, ..stamp }.resolve(&zone))
            .find(|t| *t <= r + NANOS_PER_DAY);
        proptest::prop_assert_eq!(dates.resolve_yearless(stamp), latest);
    }
    }
}
