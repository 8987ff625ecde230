//! Text lines whose time the hand-written readers do not find, read where the file's lock says
//! the stamp and the level are ([`crate::time::lock`]): Tomcat, Elasticsearch, Ruby, Laravel,
//! Airflow, Cassandra, CockroachDB, vdsm, Windows CBS, uWSGI, HPC logs with epoch seconds in a
//! middle column, and layouts no one listed.

use super::text::{message_after, split_level};
use super::{trim_start, Cx};
use crate::event::{Event, Fields};
use crate::time::layout::Reading;
use crate::time::lock::{Declared, Lock};

/// Reads a line at the place and in the layout `lock` settled for its file, with the level
/// where the lock puts it; `false` when the line has no stamp there (a continuation line, or a
/// line another format reads).
// Out of line and cold: inlined into `Format::parse` beside the text reader, it grew that
// function past where LLVM inlines the text reader's own calls, and cost every text line.
#[cold]
#[inline(never)]
pub fn parse(lock: &Lock, line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let bytes = line.as_bytes();
    if json_like(line) {
        return false;
    }
    let Some(found) = lock.read(bytes) else {
        return false;
    };
    let mut reading = found.reading;
    // The W3C extended log format records its times in GMT: read so whatever --tz says.
    if let (Declared::W3c, Reading::Stamp(stamp, _)) = (lock.declared, &mut reading) {
        stamp.offset.get_or_insert(0);
    }
    let time = match reading {
        Reading::Instant(t) => Some(t),
        Reading::Stamp(stamp, shape) => match cx.dates.resolve_shaped(stamp, shape) {
            Some(time) => time,
            None => return false,
        },
    };
    let time = match cx.admit(time) {
        Ok(time) => time,
        Err(recognised) => return recognised,
    };
    let (level, message) = match lock.level(bytes, &found) {
        Some((level, end)) if end > found.end => (Some(level), after_stamp(&line[end..])),
        Some((level, _)) => (Some(level), after_stamp(&line[found.end..])),
        None if lock.level.is_none() => split_level(clean(&line[found.end..])),
        None => (None, after_stamp(&line[found.end..])),
    };
    if !cx.only_counted(time, level, message, |_| None) {
        out.push(cx.event(time, level, None, message.to_string(), Fields::new()));
    }
    true
}

/// Whether a line opens a JSON object or array (`{`, `[{`, `["`, `[[`, a lone `[`): the JSON
/// readers' to read, whole or broken; a time among its values is no text line's stamp. A
/// bracketed stamp (`[2023-10-11T14:00:01,123][WARN ]`) is not.
fn json_like(line: &str) -> bool {
    let t = trim_start(line);
    match t.as_bytes().first() {
        Some(b'{') => true,
        Some(b'[') => matches!(
            trim_start(&t[1..]).as_bytes().first(),
            None | Some(b'{' | b'[' | b'"')
        ),
        _ => false,
    }
}

/// What follows the stamp, without the brackets and separators that close it, and past a
/// logger and its dash (`CompactionTask.java:255 - Compacting`).
fn after_stamp(rest: &str) -> &str {
    let rest = clean(rest);
    message_after(rest).unwrap_or(rest)
}

/// `rest` without the punctuation that separates fields (`] `, ` -- : `, `::`, `|`).
fn clean(rest: &str) -> &str {
    let rest = rest.trim_start_matches(|c: char| {
        matches!(
            c,
            ' ' | '\t' | ']' | ')' | '>' | '}' | ':' | '|' | ',' | ';' | '-' | '"'
        )
    });
    trim_start(rest)
}

#[cfg(test)]
mod tests {
    use crate::classify::Classifier;
    use crate::event::Level;
    use crate::format::testing::*;

    /// W3C extended logs are written in GMT (the W3C draft, and IIS whatever the server's
    /// zone): their times do not move with --tz, as a zone-less line's do.
    #[test]
    fn a_w3c_log_is_read_in_gmt_whatever_the_zone() {
        use crate::format::{Cx, FileParser, YearAnchor};
        use crate::input::Line;
        use crate::time::{Nanos, Zone};
        let files: [&[&str]; 2] = [
            &[
                "#Version: 1.0",
                "#Fields: date time cs-method cs-uri sc-status",
                "2023-10-11 00:30:01 GET /a 200",
                "2023-10-11 00:30:02 GET /b 500",
            ],
            &[
                "#Version: 1.0",
                "#Date: 2023-10-11 00:00:00",
                "#Fields: time cs-method cs-uri sc-status",
                "00:30:01 GET /a 200",
                "00:30:02 GET /b 500",
            ],
        ];
        for lines in files {
            for zone in ["Europe/Berlin", "America/Los_Angeles"] {
                let mut all = |_: Nanos| true;
                let zone = Zone::parse(zone).expect("zone");
                let cx = Cx::new(
                    zone,
                    YearAnchor::Fixed(2023),
                    "u_ex.log".into(),
                    &mut all,
                    &Classifier,
                );
                let mut parser = FileParser::new(cx);
                for (i, line) in lines.iter().enumerate() {
                    parser.feed(i as u64 + 1, Line::Text(line));
                }
                let parsed = parser.finish();
                let times: Vec<String> = parsed.events.iter().map(|e| utc(e.time)).collect();
                assert_eq!(times, ["2023-10-11T00:30:01Z", "2023-10-11T00:30:02Z"]);
                assert_eq!(parsed.counts.blank, lines.len() as u64 - 2);
            }
        }
    }

    /// A CSV export's header row names its time column; the row, and its repeats where exports
    /// were concatenated, are counted as blank, not as unparsed lines with a warning.
    #[test]
    fn a_header_row_names_the_time_column_and_is_no_line_of_the_log() {
        let (events, counts, _) = parse_all(
            "export.csv",
            &[
                "level,service,\"timestamp\",message",
                "INFO,checkout,2023-10-11 14:00:01,order placed",
                "ERROR,checkout,2023-10-11 14:00:02,\"payment failed, retry at 1697032899\"",
                "level,service,\"timestamp\",message",
                "WARN,gateway,2023-10-11 14:00:03,slow upstream",
            ],
        );
        let read: Vec<(String, Option<Level>)> =
            events.iter().map(|e| (utc(e.time), e.level)).collect();
        assert_eq!(
            read,
            [
                ("2023-10-11T14:00:01Z".to_string(), Some(Level::Info)),
                ("2023-10-11T14:00:02Z".to_string(), Some(Level::Error)),
                ("2023-10-11T14:00:03Z".to_string(), Some(Level::Warn)),
            ]
        );
        assert_eq!((counts.blank, counts.unparsed()), (2, 0));
    }

    #[test]
    fn a_file_no_fast_path_reads_is_read_where_its_lock_says() {
        let (events, counts, format) = parse_all(
            "catalina.out",
            &[
                "11-Oct-2023 14:00:01.123 SEVERE [http-nio-8080-exec-7] org.apache.catalina.core.StandardWrapperValve.invoke Servlet failed",
                "java.lang.NullPointerException: id 1697032899 at 2023-10-11 09:00:00",
                "\tat com.acme.Checkout.pay(Checkout.java:42)",
                "11-Oct-2023 14:00:02.500 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [1234] milliseconds",
            ],
        );
        assert!(
            matches!(format, Some(crate::format::Format::Located(_))),
            "{format:?}"
        );
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(utc(events[0].time), "2023-10-11T14:00:01.123Z");
        assert_eq!(events[0].level, Some(Level::Error));
        assert!(events[0]
            .message
            .starts_with("[http-nio-8080-exec-7] org.apache"));
        assert!(events[0].message.ends_with("(Checkout.java:42)"));
        assert_eq!(counts.continuations, 2);
        assert_eq!(events[1].level, Some(Level::Info));
    }
}
