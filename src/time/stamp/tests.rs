use super::*;

/// Month names in any case, and nothing else, over every three printable ASCII bytes.
#[test]
fn month_names_in_any_case() {
    const NAMES: [&[u8]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    for a in 0x20..0x7f {
        for b in 0x20..0x7f {
            for c in 0x20..0x7f {
                let word = [a, b, c];
                let named = NAMES.iter().position(|n| n.eq_ignore_ascii_case(&word));
                assert_eq!(month(&word), named.map(|i| i as u32 + 1), "{word:?}");
            }
        }
    }
    assert_eq!(month(b"Ju"), None);
}

/// A fraction of any width is nanoseconds: short ones scaled up, digits past the ninth
/// read over but not kept.
#[test]
fn fractions_of_any_width() {
    let nanos = |text: &str| clock(text.as_bytes()).map(|c| (c.3, c.4));
    assert_eq!(nanos("14:00:01.5"), Some((500_000_000, 10)));
    assert_eq!(nanos("14:00:01,123"), Some((123_000_000, 12)));
    assert_eq!(nanos("14:00:01.000042"), Some((42_000, 15)));
    assert_eq!(nanos("14:00:01.123456789"), Some((123_456_789, 18)));
    assert_eq!(nanos("14:00:01.123456789123Z"), Some((123_456_789, 21)));
    assert_eq!(nanos("14:00:01:250 x"), Some((250_000_000, 12)));
    assert_eq!(nanos("14:00:01:25 x"), Some((0, 8)));
    assert_eq!(nanos("14:00:01. x"), Some((0, 8)));
    assert_eq!(nanos("14-00:01.5"), None);
}

fn utc(b: &str) -> Option<String> {
    let (s, _) = iso(b.as_bytes())?;
    s.resolve(&Zone::utc()).map(|t| Zone::utc().rfc3339(t))
}

#[test]
fn iso_shapes() {
    let cases = [
        (
            "2023-10-11T14:00:01.123Z x",
            Some("2023-10-11T14:00:01.123Z"),
        ),
        (
            "2023-10-11 14:00:01,123 - x",
            Some("2023-10-11T14:00:01.123Z"),
        ),
        ("2023-10-11T16:00:01+02:00", Some("2023-10-11T14:00:01Z")),
        (
            "2023-10-11T16:00:01.5+0200",
            Some("2023-10-11T14:00:01.500Z"),
        ),
        ("2023/10/11 14:00:01 [error]", Some("2023-10-11T14:00:01Z")),
        (
            "2023-10-11T14:00:01.123456789Z",
            Some("2023-10-11T14:00:01.123456789Z"),
        ),
        ("2023-13-11T14:00:01Z", None),
        ("2023-02-30T14:00:01Z", None),
        ("v2023-10-11", None),
    ];
    for (line, want) in cases {
        assert_eq!(utc(line).as_deref(), want, "{line}");
    }
}

#[test]
fn zone_less_uses_the_zone() {
    let lagos = Zone::parse("Africa/Lagos").expect("zone");
    let (s, _) = iso(b"2023-10-11 15:00:01").expect("stamp");
    assert_eq!(
        s.resolve(&lagos).map(|t| Zone::utc().rfc3339(t)).as_deref(),
        Some("2023-10-11T14:00:01Z")
    );
}

/// PostgreSQL writes its zone's abbreviation after the time: `UTC`, `GMT`, `CEST` and the
/// other abbreviations that name one zone are read as the zone, whatever `--tz` says; one
/// that names several (`CST`), or any other word, is not a zone.
#[test]
fn a_written_utc_is_the_zone() {
    let lagos = Zone::parse("Africa/Lagos").expect("zone");
    // Amazon RDS runs the zone into the prefix (`UTC:10.0.0.5(51234):…`): left to it.
    let cases = [
        (
            "2023-10-11 14:00:01.123 UTC [3310] LOG:  x",
            "2023-10-11T14:00:01.123Z",
            27,
        ),
        ("2023-10-11 14:00:01 GMT", "2023-10-11T14:00:01Z", 23),
        (
            "2023-10-11 14:00:01 UTC:10.0.0.5",
            "2023-10-11T13:00:01Z",
            19,
        ),
        ("2023-10-11 15:00:01 UTCX", "2023-10-11T14:00:01Z", 19),
        // Filebeat's postgresql module tests (postgresql-9.6-debian-with-slowlog.log).
        (
            "2017-07-31 13:36:42.585 CEST [4974] LOG:  autovacuum launcher started",
            "2017-07-31T11:36:42.585Z",
            28,
        ),
        (
            "2023-10-11 15:00:01 CST [1] LOG:  x",
            "2023-10-11T14:00:01Z",
            19,
        ),
        ("2023-10-11 15:00:01 INFO x", "2023-10-11T14:00:01Z", 19),
    ];
    for (line, utc, len) in cases {
        let (s, used) = iso(line.as_bytes()).expect("stamp");
        let t = s.resolve(&lagos).map(|t| Zone::utc().rfc3339(t));
        assert_eq!((t.as_deref(), used), (Some(utc), len), "{line}");
    }
}

#[test]
fn access_log_and_syslog_times() {
    let (s, n) = clf(b"11/Oct/2023:16:00:01 +0200] \"GET").expect("clf");
    assert_eq!(n, 26);
    assert_eq!(
        s.resolve(&Zone::utc())
            .map(|t| Zone::utc().rfc3339(t))
            .as_deref(),
        Some("2023-10-11T14:00:01Z")
    );
    let (s, n) = bsd(b"Oct  1 04:05:06 host").expect("bsd");
    assert_eq!((s.month, s.day, s.hour, n), (10, 1, 4, 15));
    assert!(bsd(b"Octo 1 04:05:06").is_none());
}

#[test]
fn epochs_by_magnitude() {
    assert_eq!(epoch("1697032800"), Some(1_697_032_800 * NANOS_PER_SEC));
    assert_eq!(epoch("1697032800123"), Some(1_697_032_800_123_000_000));
    assert_eq!(epoch("1697032800123456"), Some(1_697_032_800_123_456_000));
    assert_eq!(
        epoch("1697032800123456789"),
        Some(1_697_032_800_123_456_789)
    );
    assert_eq!(epoch("1697032800.5"), Some(1_697_032_800_500_000_000));
    assert_eq!(epoch("12ab"), None);
}

/// The epoch reader as it was written first, with the standard library's parses: the one by
/// hand must read every text as it does.
fn epoch_by_the_standard_parses(text: &str) -> Option<Nanos> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let whole: i64 = int.parse().ok()?;
    let scale = epoch_unit(int.len());
    let mut nanos = whole.checked_mul(scale)?;
    if !frac.is_empty() && scale > 1 {
        let f: f64 = format!("0.{frac}").parse().ok()?;
        nanos += (f * scale as f64) as i64;
    }
    Some(nanos)
}

proptest::proptest! {
    #[test]
    fn an_epoch_reads_as_the_standard_parses_read_it(
        text in "[ ]?[0-9]{0,21}(\\.[0-9]{0,20})?(\\.[0-9]{0,3})?[ a+]?"
    ) {
        proptest::prop_assert_eq!(epoch(&text), epoch_by_the_standard_parses(&text));
    }
}

fn lead(b: &str) -> Option<(String, Shape)> {
    let (s, _, shape) = leading(b.as_bytes())?;
    let text = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:09}",
        s.year, s.month, s.day, s.hour, s.minute, s.second, s.nanos
    );
    Some((text, shape))
}

#[test]
fn shapes_found_in_the_wild() {
    let dated = |t: &str| Some((t.to_string(), Shape::Dated));
    assert_eq!(
        lead("2023.10.11 14:00:01 x"),
        dated("2023-10-11 14:00:01.000000000")
    );
    assert_eq!(
        lead("2023-10-11 14:00:01:123 x"),
        dated("2023-10-11 14:00:01.123000000")
    );
    assert_eq!(
        lead("2023-10-11-14.00.01.123456 x"),
        dated("2023-10-11 14:00:01.123456000")
    );
    assert_eq!(
        lead("20231011-14:00:01:123 x"),
        dated("2023-10-11 14:00:01.123000000")
    );
    assert_eq!(
        lead("231011 14:00:01 x"),
        dated("2023-10-11 14:00:01.000000000")
    );
    assert_eq!(
        lead("231011 140001 x"),
        dated("2023-10-11 14:00:01.000000000")
    );
    assert_eq!(
        lead("23/10/11 14:00:01 x"),
        dated("2023-10-11 14:00:01.000000000")
    );
    assert_eq!(
        lead("Sun Dec 04 04:47:44 2005 x"),
        dated("2005-12-04 04:47:44.000000000")
    );
    assert_eq!(
        lead("Wed May 10 14:31:02.123456 2023] x"),
        dated("2023-05-10 14:31:02.123456000")
    );
    assert_eq!(
        lead("11/Oct/2023:14:00:01 +0000 x").map(|l| l.1),
        Some(Shape::Dated)
    );
    assert_eq!(
        lead("Oct  1 14:00:01 x").map(|l| l.1),
        Some(Shape::YearLess)
    );
    assert_eq!(
        lead("10.11 14:00:01] x"),
        Some(("0000-10-11 14:00:01.000000000".into(), Shape::YearLess))
    );
    assert_eq!(
        lead("10-11 14:00:01.123  1234"),
        Some(("0000-10-11 14:00:01.123000000".into(), Shape::YearLess))
    );
    assert_eq!(
        lead("14:00:01.123 [main] x").map(|l| l.1),
        Some(Shape::TimeOnly)
    );
    assert_eq!(lead("14:00:01: not a fraction").map(|l| l.1), None);
    assert_eq!(lead("1.2.3 started"), None);
    assert_eq!(lead("20231011-build"), None);
    assert_eq!(
        leading_epoch("1697032801.5 msg"),
        Some((1_697_032_801_500_000_000, 12))
    );
    assert_eq!(leading_epoch("1234567890123456789012 msg"), None);
    assert_eq!(leading_epoch("42 apples"), None);
}

#[test]
fn sentinel_years_are_not_times() {
    let (s, _) = iso(b"0001-01-01T00:00:00Z").expect("stamp");
    assert_eq!(s.resolve(&Zone::utc()), None);
}

#[test]
fn leap_second_stays_in_its_minute() {
    let (s, _) = iso(b"2016-12-31T23:59:60Z").expect("stamp");
    let t = s.resolve(&Zone::utc()).expect("time");
    assert_eq!(Zone::utc().rfc3339(t), "2016-12-31T23:59:59.999999999Z");
}

/// Every date from 1600 to 2299, real or not (31 April, 29 February 1900), gives chrono's
/// answer: the integer arithmetic's calendar is chrono's.
#[test]
fn every_date_reads_as_chrono_reads_it() {
    for year in 1600..2300 {
        for month in 0..14 {
            for day in 0..33 {
                let stamp = Stamp {
                    year,
                    month,
                    day,
                    hour: 13,
                    minute: 5,
                    second: 9,
                    nanos: 7,
                    offset: Some(3600),
                };
                let chrono = NaiveDate::from_ymd_opt(year, month, day)
                    .and_then(|d| d.and_hms_nano_opt(13, 5, 9, 7))
                    .and_then(|n| naive_to_nanos(n - chrono::Duration::hours(1)));
                assert_eq!(stamp.resolve(&Zone::utc()), chrono, "{year}-{month}-{day}");
                let usual = (1678..=2261).contains(&year);
                assert_eq!(stamp.fast_utc(9, 7, 3600), chrono.filter(|_| usual));
            }
        }
    }
}

proptest::proptest! {
    /// What we print, we read back to the nanosecond, in every kind of zone, from 1970 to
    /// 2100.
    #[test]
    fn printing_then_reading_a_time_returns_it(
        t in 0i64..4_102_444_800_000_000_000,
        zone in proptest::sample::select(vec!["UTC", "+05:30", "-07:00", "Europe/Berlin", "America/St_Johns"]),
    ) {
        let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let printed = zone.rfc3339(t);
        let read = iso(printed.as_bytes()).and_then(|(s, _)| s.resolve(&zone));
        proptest::prop_assert_eq!(read, Some(t), "{}", printed);
    }

    /// The integer arithmetic gives chrono's instant for every reading chrono accepts and
    /// nothing for the ones it refuses (31 April, 29 February of 1900, hour 24), at every
    /// offset and across the years an `i64` holds and past them.
    #[test]
    fn arithmetic_agrees_with_chrono(
        year in 1600i32..2300,
        month in 0u32..14,
        day in 0u32..33,
        hour in 0u32..25,
        minute in 0u32..61,
        second in 0u32..61,
        nanos in 0u32..1_000_000_000,
        offset in -90_000i32..90_000,
    ) {
        let stamp = Stamp { year, month, day, hour, minute, second, nanos, offset: Some(offset) };
        let (second, nanos) = if second == 60 { (59, 999_999_999) } else { (second, nanos) };
        let chrono = NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_nano_opt(hour, minute, second, nanos))
            .and_then(|n| naive_to_nanos(n - chrono::Duration::seconds(i64::from(offset))));
        proptest::prop_assert_eq!(stamp.resolve(&Zone::utc()), chrono);
        let fast = stamp.fast_utc(second, nanos, offset);
        let usual = (1678..=2261).contains(&year) && offset.abs() < 86_400;
        proptest::prop_assert_eq!(fast, chrono.filter(|_| usual));
    }

    /// The clock read as one number is the clock read byte by byte, on digits, colons,
    /// fractions and what resembles them.
    #[test]
    fn clock_reads_as_byte_by_byte(
        (h, m, s) in (0u32..30, 0u32..70, 0u32..70),
        seps in proptest::sample::select(vec![(':', ':'), (':', ':'), ('.', ':'), (':', '-')]),
        after in proptest::collection::vec(proptest::sample::select(b"0123456789:.,;".to_vec()), 0..12),
        // A digit's place (or the colon after the minutes) taken by a byte next to the digits
        // in ASCII, or outside it.
        (at, odd) in (
            proptest::sample::select(vec![0usize, 1, 3, 4, 5, 6, 7]),
            proptest::sample::select(b"/:;?\x00\xff\xc9".to_vec()),
        ),
        spoil in proptest::bool::weighted(0.5),
        cut in 0usize..22,
    ) {
        let mut b = format!("{h:02}{}{m:02}{}{s:02}", seps.0, seps.1).into_bytes();
        b.extend(after);
        if spoil && at < b.len() {
            b[at] = odd;
        }
        b.truncate(cut);
        let plain = || -> Option<(u32, u32, u32, u32, usize)> {
            let &[h1, h2, b':', m1, m2, b':', s1, s2] = b.first_chunk::<8>()? else {
                return None;
            };
            let (h, m, s) = (two_digits(&[h1, h2])?, two_digits(&[m1, m2])?, two_digits(&[s1, s2])?);
            if h > 23 || m > 59 || s > 60 {
                return None;
            }
            let least = match b.get(8) {
                Some(b':') => 3,
                Some(b'.' | b',') => 1,
                _ => return Some((h, m, s, 0, 8)),
            };
            let n = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n < least {
                return Some((h, m, s, 0, 8));
            }
            let v = b[9..9 + n.min(9)].iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
            Some((h, m, s, v * 10u32.pow(9 - n.min(9) as u32), 9 + n))
        };
        proptest::prop_assert_eq!(clock(&b), plain());
    }

    /// Remembering the last hour dates every stamp as resolving it afresh does, in any
    /// order, through impossible dates, leap seconds, offsets written or not, and zones with
    /// daylight saving.
    #[test]
    fn hours_resolve_as_each_stamp_does(
        hours_of in proptest::collection::vec(
            (
                proptest::prop_oneof![1600i32..2300, proptest::sample::select(vec![1677, 1678, 2025, 2261, 2262])],
                0u32..14,
                proptest::prop_oneof![0u32..33, proptest::strategy::Just(30)],
                0u32..25,
            ),
            1..4,
        ),
        offsets in proptest::collection::vec(proptest::option::of(-90_000i32..90_000), 1..3),
        readings in proptest::collection::vec(
            (0usize..4, 0usize..4, 0u32..61, proptest::prop_oneof![0u32..61, proptest::strategy::Just(60)], 0u32..1_000_000_000),
            1..40,
        ),
        zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "Australia/Lord_Howe", "+05:30"]),
    ) {
        let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let hours = Hours::default();
        for (which, other, minute, second, nanos) in readings {
            let (year, month, day, hour) = hours_of[which % hours_of.len()];
            // The same hour at another offset, or written without one.
            let offset = offsets.get(other).copied().unwrap_or(Some(0));
            let stamp = Stamp { year, month, day, hour, minute, second, nanos, offset };
            proptest::prop_assert_eq!(hours.resolve(&stamp, &zone), stamp.resolve(&zone), "{:?}", stamp);
        }
    }
}
