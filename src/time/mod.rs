//! Time, at the bottom of the tree: instants, zones and durations shared by every stage, and
//! how a line's time is read: the hand-written readers of the common stamps ([`stamp`]), the
//! table of layouts ([`layout`]), the locator that finds a stamp in a line's head ([`locate`])
//! and the lock that settles, per file, where and in which layout its stamps are ([`lock`]).
//!
//! Every instant inside the tool is a [`Nanos`]: nanoseconds since the Unix epoch in UTC. An
//! `i64` covers 1677–2262, which holds every date a log carries, and makes merging and
//! windowing plain integer comparisons. Zones only matter at the edges: when a log line or a
//! window time carries no offset, and when a time is printed.

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
};
use chrono_tz::Tz;
use thiserror::Error;

pub mod calendar;
pub mod dating;
pub mod layout;
pub mod locate;
pub mod lock;
pub mod stamp;
pub mod window;

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub type Nanos = i64;

pub const NANOS_PER_SEC: i64 = 1_000_000_000;
pub const NANOS_PER_MIN: i64 = 60 * NANOS_PER_SEC;
pub const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MIN;
pub const NANOS_PER_DAY: i64 = 24 * NANOS_PER_HOUR;

/// The zone of `--tz`: it reads zone-less timestamps and prints every time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Zone {
    Fixed(FixedOffset),
    Named(Tz),
}

#[derive(Debug, Error, PartialEq)]
pub enum TimeError {
    #[error("unknown time zone '{0}'")]
    UnknownZone(String),
    #[error("'{0}' is not a duration")]
    BadDuration(String),
}

impl Zone {
    pub fn utc() -> Zone {
        Zone::Fixed(chrono::Utc.fix())
    }

    /// Accepts `UTC`/`Z`, an IANA name, or an offset such as `+01:00`, `-0700`, `+5`.
    pub fn parse(s: &str) -> Result<Zone, TimeError> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t.eq_ignore_ascii_case("gmt") {
            return Ok(Zone::utc());
        }
        if let Some(secs) = parse_offset(t.as_bytes()).filter(|(_, used)| *used == t.len()) {
            return FixedOffset::east_opt(secs.0)
                .map(Zone::Fixed)
                .ok_or_else(|| TimeError::UnknownZone(s.to_string()));
        }
        t.parse::<Tz>()
            .map(Zone::Named)
            .map_err(|_| TimeError::UnknownZone(s.to_string()))
    }

    /// Seconds east of UTC, when the zone has one offset all year.
    pub fn fixed_offset(&self) -> Option<i32> {
        match self {
            Zone::Fixed(off) => Some(off.local_minus_utc()),
            Zone::Named(_) => None,
        }
    }

    /// Wall-clock time in this zone to an instant. Daylight-saving edges are resolved the way
    /// RFC 5545 and jiff's "compatible" mode do: a repeated hour takes its first occurrence, a
    /// skipped hour is read with the offset in force before the gap (02:30 in a 02:00→03:00
    /// spring-forward becomes 03:30). Logs written across the edge therefore stay in order.
    /// `None` outside the years an `i64` of nanoseconds holds (1677–2262).
    pub fn to_utc(&self, local: NaiveDateTime) -> Option<Nanos> {
        match self {
            Zone::Fixed(off) => {
                naive_to_nanos(local - Duration::seconds(i64::from(off.local_minus_utc())))
            }
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt.timestamp_nanos_opt(),
                LocalResult::None => {
                    let before = local - Duration::hours(3);
                    let off = match tz.from_local_datetime(&before) {
                        LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => {
                            dt.offset().fix().local_minus_utc()
                        }
                        LocalResult::None => 0,
                    };
                    naive_to_nanos(local - Duration::seconds(i64::from(off)))
                }
            },
        }
    }

    /// The offset in force at an instant.
    pub fn offset_at(&self, t: Nanos) -> FixedOffset {
        match self {
            Zone::Fixed(off) => *off,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&nanos_to_naive(t)).fix(),
        }
    }

    /// Wall-clock time in this zone at an instant.
    pub fn to_local(&self, t: Nanos) -> NaiveDateTime {
        nanos_to_naive(t) + Duration::seconds(i64::from(self.offset_at(t).local_minus_utc()))
    }

    /// The zone as a user wrote it, for headers: `UTC`, `+02:00`, `Europe/Berlin`.
    pub fn name(&self) -> String {
        match self {
            Zone::Fixed(off) if off.local_minus_utc() == 0 => "UTC".to_string(),
            Zone::Fixed(off) => off.to_string(),
            Zone::Named(tz) => tz.name().to_string(),
        }
    }

    /// RFC 3339 in this zone, with as many fractional digits as the instant needs (0, 3, 6, 9).
    /// An offset with seconds (local mean time before 1900: Berlin was +00:53:28) has no
    /// RFC 3339 form, so such instants print in UTC rather than a minute off. Written by hand
    /// from `Zone::second_text` (the year has four digits in every year an instant holds):
    /// every event of a JSON stream and every row of a table is cited with one.
    pub fn rfc3339(&self, t: Nanos) -> String {
        let east = self.offset_at(t).local_minus_utc();
        if east % 60 != 0 {
            return Zone::utc().rfc3339(t);
        }
        let mut s = Vec::with_capacity(35);
        s.extend_from_slice(&self.second_text(t));
        s[10] = b'T';
        let sub = t.rem_euclid(NANOS_PER_SEC);
        let digits = match sub {
            0 => 0,
            _ if sub % 1_000_000 == 0 => 3,
            _ if sub % 1_000 == 0 => 6,
            _ => 9,
        };
        if digits > 0 {
            s.push(b'.');
            let mut scale = 100_000_000;
            for _ in 0..digits {
                s.push(b'0' + (sub / scale % 10) as u8);
                scale /= 10;
            }
        }
        if *self == Zone::utc() {
            s.push(b'Z');
        } else {
            let (hours, minutes) = (east.unsigned_abs() / 3600, east.unsigned_abs() / 60 % 60);
            s.push(if east < 0 { b'-' } else { b'+' });
            s.extend_from_slice(&[b'0' + (hours / 10) as u8, b'0' + (hours % 10) as u8, b':']);
            s.extend_from_slice(&[b'0' + (minutes / 10) as u8, b'0' + (minutes % 10) as u8]);
        }
        // ASCII digits and signs throughout: never anything but UTF-8.
        String::from_utf8(s).unwrap_or_default()
    }
}

/// `+01:00`, `-0700`, `+01` → (seconds east, bytes used).
pub fn parse_offset(b: &[u8]) -> Option<(i32, usize)> {
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hh = two_digits(b.get(1..3)?)?;
    let (mm, used) = match b.get(3) {
        Some(b':') => (two_digits(b.get(4..6)?)?, 6),
        Some(c) if c.is_ascii_digit() => (two_digits(b.get(3..5)?)?, 5),
        _ => (0, 3),
    };
    if hh > 23 || mm > 59 {
        return None;
    }
    Some((sign * (hh as i32 * 3600 + mm as i32 * 60), used))
}

pub(crate) fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(c - b'0'))
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Writes instants as `2023-10-11 14:00:01.123` in a zone (milliseconds cut, not rounded),
/// remembering the text of the last second written: the event stream prints one for every
/// event of the window, many to a second, and the date and clock are most of the work.
pub struct StreamClock<'z> {
    zone: &'z Zone,
    /// The UTC second last written and its local `YYYY-MM-DD HH:MM:SS`: in any zone, one
    /// instant's second has one local text, and the milliseconds are the same in every zone.
    last: Option<(i64, [u8; 19])>,
}

impl<'z> StreamClock<'z> {
    pub fn new(zone: &'z Zone) -> StreamClock<'z> {
        StreamClock { zone, last: None }
    }

    pub fn zone(&self) -> &'z Zone {
        self.zone
    }

    /// Appends the instant. The year has four digits in every year an instant can hold
    /// (1677–2262).
    pub fn write(&mut self, t: Nanos, text: &mut Vec<u8>) {
        let second = t.div_euclid(NANOS_PER_SEC);
        let clock = match self.last {
            Some((s, clock)) if s == second => clock,
            _ => {
                let clock = self.zone.second_text(t);
                self.last = Some((second, clock));
                clock
            }
        };
        let millis = t.rem_euclid(NANOS_PER_SEC) / 1_000_000;
        text.extend_from_slice(&clock);
        text.extend_from_slice(&[
            b'.',
            b'0' + (millis / 100) as u8,
            b'0' + (millis / 10 % 10) as u8,
            b'0' + (millis % 10) as u8,
        ]);
    }
}

impl Zone {
    /// `2023-10-11 14:00:01` in this zone, filled in place.
    fn second_text(&self, t: Nanos) -> [u8; 19] {
        let local = t + i64::from(self.offset_at(t).local_minus_utc()) * NANOS_PER_SEC;
        let (days, of_day) = (
            local.div_euclid(NANOS_PER_DAY),
            local.rem_euclid(NANOS_PER_DAY),
        );
        let (year, month, day) = civil_from_days(days);
        let secs = of_day / NANOS_PER_SEC;
        let mut out = *b"0000-00-00 00:00:00";
        let mut two = |at: usize, n: i64| {
            out[at] = b'0' + (n / 10) as u8;
            out[at + 1] = b'0' + (n % 10) as u8;
        };
        two(0, year / 100);
        two(2, year % 100);
        two(5, i64::from(month));
        two(8, i64::from(day));
        two(11, secs / 3600);
        two(14, secs / 60 % 60);
        two(17, secs % 60);
        out
    }
}

/// `None` outside 1677–2262.
pub fn naive_to_nanos(n: NaiveDateTime) -> Option<Nanos> {
    n.and_utc().timestamp_nanos_opt()
}

pub fn nanos_to_naive(t: Nanos) -> NaiveDateTime {
    DateTime::from_timestamp(
        t.div_euclid(NANOS_PER_SEC),
        t.rem_euclid(NANOS_PER_SEC) as u32,
    )
    .unwrap_or_default()
    .naive_utc()
}

/// The wall clock, for times relative to the run (`--since`, `-2h`, live mode).
pub fn now() -> Nanos {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| Nanos::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

/// A zone, a duration or a day as users write them on the command line and in the files they
/// write for the tool; the error reads `what: what to write instead`.
pub fn read_zone(s: &str) -> Result<Zone, String> {
    Zone::parse(s).map_err(|e| {
        format!("{e}: use an IANA name such as Europe/Berlin, an offset such as +02:00, or UTC")
    })
}

/// See [`read_zone`].
pub fn read_duration(s: &str) -> Result<Nanos, String> {
    parse_duration(s).map_err(|e| format!("{e}: use forms like 90s, 30m, 2h or 1h30m"))
}

/// See [`read_zone`].
pub fn read_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date: use YYYY-MM-DD"))
}

/// `90s`, `30m`, `2h`, `1h30m`, `1d`, `500ms`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Nanos, TimeError> {
    let bad = || TimeError::BadDuration(s.to_string());
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    // Past about 292 years nanoseconds overflow: such a duration is a typo, not a window.
    let nanos = |value: f64, unit: i64| {
        let n = value * unit as f64;
        (n >= 0.0 && n < i64::MAX as f64).then_some(n as i64)
    };
    if let Ok(secs) = t.parse::<f64>() {
        return nanos(secs, NANOS_PER_SEC).ok_or_else(bad);
    }
    let mut total: i64 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let value: f64 = rest[..n].parse().map_err(|_| bad())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ms" => 1_000_000,
            "s" | "sec" => NANOS_PER_SEC,
            "m" | "min" => NANOS_PER_MIN,
            "h" => NANOS_PER_HOUR,
            "d" => NANOS_PER_DAY,
            _ => return Err(bad()),
        };
        rest = &rest[u..];
        total = total
            .checked_add(nanos(value, unit).ok_or_else(bad)?)
            .ok_or_else(bad)?;
    }
    Ok(total)
}

/// `17 minutes`, `1 minute`, `1h05m`: how a postmortem says a gap between two things.
pub fn spelled(d: Nanos) -> String {
    match d / NANOS_PER_MIN {
        0 => "less than a minute".to_string(),
        1 => "1 minute".to_string(),
        m @ 2..=59 => format!("{m} minutes"),
        _ => human_duration(d),
    }
}

/// A duration as a responder writes it: `42s`, `17m`, `1h05m`, `2d3h`.
/// A clock's skew to the second: `40s`, `2m05s`, `1h02m10s` (with `-` before a negative one).
pub fn skew_words(d: Nanos) -> String {
    let sign = if d < 0 { "-" } else { "" };
    let secs = d.abs() / NANOS_PER_SEC;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{sign}{s}s"),
        (0, m) => format!("{sign}{m}m{s:02}s"),
        (h, m) => format!("{sign}{h}h{m:02}m{s:02}s"),
    }
}

pub fn human_duration(d: Nanos) -> String {
    let secs = d.max(0) / NANOS_PER_SEC;
    let (days, hours, mins, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (days, hours, mins) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h{m:02}m"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|x| x.and_hms_opt(h, mi, 0))
            .expect("valid date")
    }

    #[test]
    fn zones_parse_names_and_offsets() {
        assert_eq!(Zone::parse("UTC"), Ok(Zone::utc()));
        assert_eq!(
            Zone::parse("+01:00").map(|z| z.name()),
            Ok("+01:00".to_string())
        );
        assert_eq!(
            Zone::parse("-0700").map(|z| z.name()),
            Ok("-07:00".to_string())
        );
        assert_eq!(
            Zone::parse("Africa/Lagos").map(|z| z.name()),
            Ok("Africa/Lagos".to_string())
        );
        assert_eq!(
            Zone::parse("Mars/Olympus"),
            Err(TimeError::UnknownZone("Mars/Olympus".into()))
        );
    }

    #[test]
    fn dst_edges_resolve_compatibly() {
        let berlin = Zone::parse("Europe/Berlin").expect("zone");
        // Spring forward 2023-03-26 02:00 → 03:00: 02:30 does not exist, read as 03:30 CEST = 01:30Z.
        let gap = berlin.to_utc(local(2023, 3, 26, 2, 30)).expect("in range");
        assert_eq!(berlin.rfc3339(gap), "2023-03-26T03:30:00+02:00");
        // Fall back 2023-10-29 03:00 → 02:00: 02:30 happens twice; the first is 00:30Z.
        let twice = berlin.to_utc(local(2023, 10, 29, 2, 30)).expect("in range");
        assert_eq!(Zone::utc().rfc3339(twice), "2023-10-29T00:30:00Z");
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("90s"), Ok(90 * NANOS_PER_SEC));
        assert_eq!(parse_duration("1h30m"), Ok(90 * NANOS_PER_MIN));
        assert_eq!(parse_duration("2h"), Ok(2 * NANOS_PER_HOUR));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5y").is_err());
        assert_eq!(human_duration(17 * NANOS_PER_MIN), "17m");
        assert_eq!(human_duration(65 * NANOS_PER_MIN), "1h05m");
    }

    #[test]
    fn rfc3339_keeps_needed_precision() {
        let z = Zone::utc();
        assert_eq!(
            z.rfc3339(1_697_032_800 * NANOS_PER_SEC),
            "2023-10-11T14:00:00Z"
        );
        assert_eq!(
            z.rfc3339(1_697_032_800 * NANOS_PER_SEC + 120_000_000),
            "2023-10-11T14:00:00.120Z"
        );
    }

    /// Found by the `timestamps` fuzz target: 1825 in Berlin is +00:53:28, which "%:z"
    /// printed as +00:53, 28 seconds off.
    #[test]
    fn an_offset_with_seconds_prints_in_utc() {
        let berlin = Zone::parse("Europe/Berlin").expect("zone");
        let t = -4_551_238_407 * NANOS_PER_SEC;
        assert_eq!(berlin.rfc3339(t), "1825-10-11T15:06:33Z");
    }

    proptest::proptest! {
        /// RFC 3339 written by hand reads as chrono writes it, in whole seconds and in
        /// milli-, micro- and nanoseconds, in fixed and named zones.
        #[test]
        fn rfc3339_is_chronos(
            t in -9_000_000_000i64..9_000_000_000,
            sub in proptest::sample::select(vec![0i64, 120_000_000, 5_000, 7, 999_999_999]),
            zone in proptest::sample::select(vec!["UTC", "+05:30", "-07:00", "Europe/Berlin", "America/St_Johns"]),
        ) {
            let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let t = t * NANOS_PER_SEC + sub;
            let off = zone.offset_at(t);
            proptest::prop_assume!(off.local_minus_utc() % 60 == 0);
            let dt: DateTime<FixedOffset> = DateTime::from_naive_utc_and_offset(nanos_to_naive(t), off);
            let frac = match sub {
                0 => "",
                _ if sub % 1_000_000 == 0 => "%.3f",
                _ if sub % 1_000 == 0 => "%.6f",
                _ => "%.9f",
            };
            let offset = if zone == Zone::utc() { "Z" } else { "%:z" };
            let chrono = dt.format(&format!("%Y-%m-%dT%H:%M:%S{frac}{offset}")).to_string();
            proptest::prop_assert_eq!(zone.rfc3339(t), chrono);
        }

        /// The event stream's hand-written time reads as chrono would write it, across the
        /// years an `i64` of nanoseconds holds, in fixed and named zones, for instants in and
        /// out of the second the clock last wrote.
        #[test]
        fn stream_clock_is_chronos(
            t in -9_200_000_000_000_000_000i64..9_200_000_000_000_000_000,
            steps in proptest::collection::vec(-2 * NANOS_PER_SEC..2 * NANOS_PER_SEC, 0..8),
            zone in proptest::sample::select(vec!["UTC", "+05:30", "-07:00", "Europe/Berlin", "America/St_Johns"]),
        ) {
            let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let mut clock = StreamClock::new(&zone);
            for t in std::iter::once(t).chain(steps.iter().map(|d| t + d)) {
                let chrono = zone.to_local(t).format("%Y-%m-%d %H:%M:%S%.3f").to_string();
                let mut text = Vec::new();
                clock.write(t, &mut text);
                proptest::prop_assert_eq!(String::from_utf8_lossy(&text), chrono);
            }
        }
    }
}
