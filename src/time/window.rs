//! The window's edges: `--from` and `--to` as users write them, made instants in `--tz` on
//! `--date`, on a date either edge names, or on the one day the logs show that meets them.

use super::{Nanos, Zone};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeSet;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum WindowError {
    #[error("the window's time is out of range ({0}): give a date between 1677 and 2262")]
    OutOfRange(String),
}

/// A window edge as the user wrote it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WindowTime {
    /// `14:00`: on `--date`, or on the day the logs show.
    Clock(NaiveTime),
    /// `2023-10-11 14:00`: in `--tz`.
    Local(NaiveDateTime),
    /// RFC 3339 with an offset.
    Exact(Nanos),
}

impl WindowTime {
    /// Reads a `--from`/`--to` argument; the error says what forms are accepted. `now` dates
    /// the forms relative to the moment of the run: `now`, and `-2h` (two hours before it).
    pub fn parse(s: &str, now: Nanos) -> Result<WindowTime, String> {
        let bad = || {
            format!("'{s}' is not a time: use HH:MM, YYYY-MM-DD HH:MM, RFC 3339, or -2h for two hours ago")
        };
        let t = s.trim();
        if t == "now" {
            return Ok(WindowTime::Exact(now));
        }
        if let Some(ago) = t.strip_prefix('-') {
            let ago = super::parse_duration(ago).map_err(|_| bad())?;
            return now.checked_sub(ago).map(WindowTime::Exact).ok_or_else(bad);
        }
        for layout in ["%H:%M", "%H:%M:%S"] {
            if let Ok(clock) = NaiveTime::parse_from_str(t, layout) {
                return Ok(WindowTime::Clock(clock));
            }
        }
        // `YYYY-MM-DD HH:MM` has no seconds; the timestamp reader wants them.
        let with_seconds = if t.len() == 16 {
            format!("{t}:00")
        } else {
            t.to_string()
        };
        let (stamp, used) = super::stamp::iso(with_seconds.as_bytes()).ok_or_else(bad)?;
        if used != with_seconds.len() || with_seconds.as_bytes().get(4) != Some(&b'-') {
            return Err(bad());
        }
        match stamp.offset {
            Some(_) => stamp
                .resolve(&Zone::utc())
                .map(WindowTime::Exact)
                .ok_or_else(bad),
            None => NaiveDate::from_ymd_opt(stamp.year, stamp.month, stamp.day)
                .and_then(|d| {
                    d.and_hms_nano_opt(stamp.hour, stamp.minute, stamp.second.min(59), stamp.nanos)
                })
                .map(WindowTime::Local)
                .ok_or_else(bad),
        }
    }
}

pub enum Edges {
    /// Instants (either may be open).
    Known(Option<Nanos>, Option<Nanos>),
    /// Times of day whose date must come from the logs.
    Clock(Option<NaiveTime>, Option<NaiveTime>),
}

/// The window's edges as instants, where the command line dates them (`--date`, or a date on
/// either edge); else the times of day, whose date [`infer_day`] takes from the logs.
pub fn resolve_edges(
    from: Option<WindowTime>,
    to: Option<WindowTime>,
    date: Option<NaiveDate>,
    zone: Zone,
) -> Result<Edges, WindowError> {
    use WindowTime::*;
    let local = |n: NaiveDateTime| {
        zone.to_utc(n)
            .ok_or_else(|| WindowError::OutOfRange(n.to_string()))
    };
    let on = |d: NaiveDate, t: NaiveTime| local(d.and_time(t));
    let date_of = |t: &WindowTime| match t {
        Local(n) => Some(n.date()),
        Exact(n) => Some(zone.to_local(*n).date()),
        Clock(_) => None,
    };
    let anchor_day = date
        .or_else(|| from.as_ref().and_then(date_of))
        .or_else(|| to.as_ref().and_then(date_of));
    let clock = |t: Option<WindowTime>| match t {
        Some(Clock(c)) => Some(c),
        _ => None,
    };
    if from.is_none() && to.is_none() {
        return Ok(Edges::Known(None, None));
    }
    let Some(day) = anchor_day else {
        return Ok(Edges::Clock(clock(from), clock(to)));
    };
    let from = match from {
        Some(Clock(c)) => Some(on(day, c)?),
        Some(Local(n)) => Some(local(n)?),
        Some(Exact(t)) => Some(t),
        None => None,
    };
    let to = match to {
        Some(Clock(c)) => {
            let mut t = on(day, c)?;
            // `--to` earlier than `--from` on the same day: the window crosses midnight.
            if from.is_some_and(|f| t < f) {
                t = on(day.succ_opt().unwrap_or(day), c)?;
            }
            Some(t)
        }
        Some(Local(n)) => Some(local(n)?),
        Some(Exact(t)) => Some(t),
        None => None,
    };
    Ok(Edges::Known(from, to))
}

/// A window of times of day on `day` (`to` before `from`: on the day after).
pub fn clock_window(
    zone: Zone,
    day: NaiveDate,
    from: Option<NaiveTime>,
    to: Option<NaiveTime>,
) -> Result<(Option<Nanos>, Option<Nanos>), WindowError> {
    let on = |d: NaiveDate, t: NaiveTime| {
        zone.to_utc(d.and_time(t))
            .ok_or_else(|| WindowError::OutOfRange(d.to_string()))
    };
    let f = from.map(|c| on(day, c)).transpose()?;
    let crosses = matches!((from, to), (Some(a), Some(b)) if b < a);
    let t_day = if crosses {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    let t = to.map(|c| on(t_day, c)).transpose()?;
    Ok((f, t))
}

/// The day a time-of-day window is drafted on, from the logs, and the other days it could
/// fall on.
#[derive(Debug, PartialEq)]
pub struct Inferred {
    pub day: NaiveDate,
    /// Earlier days the window also meets (or, where it meets none, the logs cover): the
    /// warning names them, for `--date`.
    pub others: Vec<NaiveDate>,
}

/// The day on which a time-of-day window meets the logs: the latest of those it meets (a
/// rotated file from last month beside today's asks about today), else of those the logs
/// cover.
pub fn infer_day(
    spans: &[Option<(Nanos, Nanos)>],
    zone: Zone,
    from: Option<NaiveTime>,
    to: Option<NaiveTime>,
) -> Inferred {
    let mut candidates = BTreeSet::new();
    let mut covered = BTreeSet::new();
    for &(lo, hi) in spans.iter().flatten() {
        let (first, last) = (zone.to_local(lo).date(), zone.to_local(hi).date());
        let mut day = first.pred_opt().unwrap_or(first);
        while day <= last {
            if day >= first {
                covered.insert(day);
            }
            // A missing edge is open to that end of the day.
            let midnight = |d: NaiveDate| zone.to_utc(d.and_time(NaiveTime::MIN));
            if let Ok((start, end)) = clock_window(zone, day, from, to) {
                let start = start.or_else(|| midnight(day)).unwrap_or(i64::MIN);
                let end = end
                    .or_else(|| day.succ_opt().and_then(midnight))
                    .unwrap_or(i64::MAX);
                if start <= hi && lo <= end {
                    candidates.insert(day);
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
    }
    let pick = if candidates.is_empty() {
        &covered
    } else {
        &candidates
    };
    let mut days: Vec<NaiveDate> = pick.iter().copied().collect();
    match days.pop() {
        Some(day) => Inferred { day, others: days },
        None => Inferred {
            day: zone.to_local(0).date(),
            others: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Nanos = 1_697_040_000_000_000_000; // 2023-10-11T16:00:00Z

    #[test]
    fn window_time_forms() {
        let clock = |h, m| WindowTime::Clock(NaiveTime::from_hms_opt(h, m, 0).expect("time"));
        assert_eq!(WindowTime::parse("14:00", NOW), Ok(clock(14, 0)));
        assert!(matches!(
            WindowTime::parse("2023-10-11 14:00", NOW),
            Ok(WindowTime::Local(_))
        ));
        assert!(matches!(
            WindowTime::parse("2023-10-11T14:00:30", NOW),
            Ok(WindowTime::Local(_))
        ));
        assert_eq!(
            WindowTime::parse("2023-10-11T16:00:00+02:00", NOW),
            Ok(WindowTime::Exact(1_697_032_800_000_000_000))
        );
        assert!(WindowTime::parse("25:00", NOW).is_err());
        assert!(WindowTime::parse("2023/10/11 14:00", NOW).is_err());
        assert!(WindowTime::parse("teatime", NOW).is_err());
    }

    #[test]
    fn window_times_relative_to_now() {
        assert_eq!(WindowTime::parse("now", NOW), Ok(WindowTime::Exact(NOW)));
        assert_eq!(
            WindowTime::parse("-2h", NOW),
            Ok(WindowTime::Exact(1_697_032_800_000_000_000))
        );
        assert_eq!(
            WindowTime::parse("-1h30m", NOW),
            Ok(WindowTime::Exact(NOW - 90 * 60 * 1_000_000_000))
        );
        assert!(WindowTime::parse("-2 fortnights", NOW).is_err());
        assert!(WindowTime::parse("-99999999h", NOW).is_err());
    }

    /// The latest day the window meets is drafted and the earlier ones named; a day the logs
    /// cover but the window does not meet is not among them.
    #[test]
    fn a_window_on_several_days_takes_the_latest() {
        let at = |d: &str| {
            let t = NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M").expect("time");
            Zone::utc().to_utc(t).expect("instant")
        };
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("day");
        let two_pm = NaiveTime::from_hms_opt(14, 0, 0);
        let four_pm = NaiveTime::from_hms_opt(16, 0, 0);
        let spans = [
            Some((at("2023-10-10 14:30"), at("2023-10-10 15:00"))),
            Some((at("2023-10-11 09:00"), at("2023-10-12 15:00"))),
        ];
        let inferred = infer_day(&spans, Zone::utc(), two_pm, four_pm);
        assert_eq!(inferred.day, day("2023-10-12"));
        assert_eq!(inferred.others, [day("2023-10-10"), day("2023-10-11")]);
        let morning = [Some((at("2023-10-11 09:00"), at("2023-10-11 11:00")))];
        let inferred = infer_day(&morning, Zone::utc(), two_pm, four_pm);
        assert_eq!((inferred.day, inferred.others), (day("2023-10-11"), vec![]));
    }
}
