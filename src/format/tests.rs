use super::testing::*;
use super::*;
use crate::classify::Classifier;
use crate::event::{Fields, Kind, Level};
use crate::time::{Nanos, Zone};
use std::sync::Arc;

#[test]
fn service_names_from_paths() {
    assert_eq!(
        service_from_path("checkout.log.1.gz").as_deref(),
        Some("checkout")
    );
    assert_eq!(
        service_from_path("clickhouse:incident.logs").as_deref(),
        None
    );
    assert_eq!(
        service_from_path("checkout/app.log").as_deref(),
        Some("checkout")
    );
    assert_eq!(
        service_from_path("nginx/access.log").as_deref(),
        Some("nginx")
    );
    assert_eq!(service_from_path("access.log"), None);
    // An archive's member, by its path inside the archive.
    assert_eq!(
        service_from_path("incident/bundle.tgz:var/log/checkout/app.log").as_deref(),
        Some("checkout")
    );
    assert_eq!(service_from_path("bundle.zip:access.log"), None);
    assert_eq!(
        service_from_path("logs:2025/checkout.log").as_deref(),
        Some("checkout")
    );
}

#[test]
fn stack_traces_fold_into_their_event() {
    let (events, counts, format) = parse_all(
        "api.log",
        &[
            "2023-10-11 14:00:01.123 ERROR [main] c.a.Checkout - payment failed",
            "java.lang.IllegalStateException: pool exhausted",
            "\tat com.acme.Pool.get(Pool.java:42)",
            "",
            "2023-10-11 14:00:02.000 INFO [main] c.a.Checkout - ok",
        ],
    );
    assert!(matches!(format, Some(Format::Text(_))));
    assert_eq!(events.len(), 2);
    assert!(events[0]
        .message
        .ends_with("at com.acme.Pool.get(Pool.java:42)"));
    assert_eq!(
        (
            counts.lines,
            counts.events,
            counts.continuations,
            counts.blank
        ),
        (5, 2, 2, 1)
    );
}

#[test]
fn events_taken_as_they_settle_are_those_of_a_whole_parse() {
    let files: [&[&str]; 2] = [
        &[
            "2023-10-11 14:00:01.123 ERROR [main] c.a.Checkout - payment failed",
            "2023-10-11 14:00:01.200 ERROR [main] c.a.Checkout - retry failed",
            "java.lang.IllegalStateException: pool exhausted",
            "\tat com.acme.Pool.get(Pool.java:42)",
            "2023-10-11 14:00:02.000 INFO [main] c.a.Checkout - ok",
            "\tat com.acme.Pool.get(Pool.java:43)",
        ],
        &[
            "2023/10/11 14:00:03 reconciled 12 accounts",
            "panic: runtime error: nil map write",
            "",
            "goroutine 1 [running]:",
            "2023/10/11 14:00:04 restarted",
        ],
    ];
    for lines in files {
        let (whole, _, format) = parse_all("app.log", lines);
        // Told its format, the parser reads each line as it comes rather than sampling.
        let mut taken = Vec::new();
        let rest = parse_with("app.log", format, lines, Keep::All, |parser| {
            taken.extend(parser.settled());
        });
        taken.extend(rest.events);
        assert_eq!(taken, whole);
    }
}

#[test]
fn colour_codes_are_stripped() {
    let (events, _, _) = parse_all(
        "api.log",
        &["\u{1b}[2m2023-10-11T14:00:01.289898Z\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m \u{1b}[2mapi\u{1b}[0m: listening"],
    );
    assert_eq!(
        (events[0].level, events[0].message.as_str()),
        (Some(Level::Info), "api: listening")
    );
}

#[test]
fn a_go_panic_is_an_error_dated_by_the_line_before() {
    let (events, counts, _) = parse_all(
        "billing.log",
        &[
            "2023/10/11 14:00:03 reconciled 12 accounts",
            "panic: runtime error: nil map write",
            "",
            "goroutine 1 [running]:",
        ],
    );
    assert_eq!(events.len(), 2);
    assert_eq!(
        (events[1].level, events[1].time),
        (Some(Level::Error), events[0].time)
    );
    assert!(events[1].message.ends_with("goroutine 1 [running]:"));
    assert_eq!(
        (counts.events, counts.continuations, counts.blank),
        (2, 1, 1)
    );
}

/// An indented line is a continuation whatever stamp it shows: SQL Server's banner goes on
/// with the build's date under the line that has the time (the first lines of its ERRORLOG on
/// Linux, elastic/beats, x-pack/filebeat/module/mssql/log/test/test.log).
#[test]
fn an_indented_line_is_a_continuation_whatever_its_stamp() {
    let (events, counts, _) = parse_all(
        "errorlog",
        &[
            "2019-05-03 09:01:09.99 Server      Microsoft SQL Server 2017 (RTM-CU13) (KB4466404) - 14.0.3048.4 (X64) ",
            "\tNov 30 2018 12:57:58 ",
            "\tCopyright (C) 2017 Microsoft Corporation",
            "2019-05-03 09:01:09.99 Server      UTC adjustment: 0:00",
            "2019-05-03 09:01:11.93 spid22s     Service Broker manager has started.",
        ],
    );
    assert_eq!((counts.events, counts.continuations), (3, 2), "{events:?}");
    let times: Vec<String> = events.iter().map(|e| utc(e.time)).collect();
    assert_eq!(
        times,
        [
            "2019-05-03T09:01:09.990Z",
            "2019-05-03T09:01:09.990Z",
            "2019-05-03T09:01:11.930Z"
        ]
    );
    assert!(
        events[0].message.contains("Nov 30 2018 12:57:58"),
        "{events:?}"
    );
}

#[test]
fn garbage_before_any_event_is_unparsed() {
    let (events, counts, _) = parse_all("junk.txt", &["hello world", "no time here"]);
    assert!(events.is_empty());
    assert_eq!((counts.unrecognised, counts.first_unparsed), (2, Some(1)));
}

/// The fields that decide an event's kind, all a draft or the text event stream builds of
/// a line whose level does not stand out.
fn kind_fields(fields: &Fields) -> Fields {
    fields
        .iter()
        .filter(|(k, _)| crate::classify::DRAFT_READS.contains(k))
        .map(|(k, v)| (k, v.clone()))
        .collect()
}

/// A draft's parse builds no event for the ordinary lines it only counts, and must still
/// keep every line whose wording or fields make it more (a deploy, an Argo CD sync, a
/// Terraform apply, an OOM kill, a restart), with the counts of a parse that keeps all.
/// What it keeps has only the fields that decide a kind, whether it is kept for its kind
/// or for its level.
#[test]
fn a_draft_keeps_what_a_whole_parse_would_and_counts_the_rest() {
    // Each file with how many of its events a draft keeps and how many it only counts.
    let files: [(&str, &[&str], (usize, usize)); 4] = [
        (
            "svc.jsonl",
            &[
                r#"{"time":"2023-10-11T14:00:01Z","level":"info","msg":"order placed"}"#,
                r#"{"time":"2023-10-11T14:00:02Z","level":"info","msg":"deploy checkout v1.2.3 started"}"#,
                r#"{"time":"2023-10-11T14:00:03Z","level":"info","msg":"sync","reason":"Operation\u0053tarted","application":"cart"}"#,
                r#"{"time":"2023-10-11T14:00:04Z","level":"info","message":"Apply complete","type":"apply_complete","@module":"terraform.ui"}"#,
                r#"{"time":"2023-10-11T14:00:05Z","msg":"Out of memory: Killed process 12 (java)"}"#,
                r#"{"time":"2023-10-11T14:00:06Z","level":"info","msg":"cache warm","type":"note"}"#,
                r#"{"time":"2023-10-11T14:00:07Z","level":"warn","msg":"slow query","db":"orders"}"#,
            ],
            (5, 2),
        ),
        (
            "worker.log",
            &[
                r#"time=2023-10-11T14:00:01Z level=info msg="job processed" queue=emails"#,
                r#"time=2023-10-11T14:00:02Z level=info msg="rollback payments to v2.0.1 finished""#,
                r#"time=2023-10-11T14:00:03Z level=info msg="deploy \"checkout\" v1.2.3 started""#,
                r#"time=2023-10-11T14:00:04Z level=info msg=sync reason=OperationCompleted type=Warning"#,
                r#"time=2023-10-11T14:00:05Z level=info msg="applied" type=apply_errored @module=terraform.ui"#,
                r#"time=2023-10-11T14:00:06Z level=debug job=1 a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 type=change_summary @module=tf"#,
                r#"time=2023-10-11T14:00:07Z level=bogus msg="job processed""#,
            ],
            (5, 2),
        ),
        (
            "checkout/app.log",
            &[
                "2023-10-11 14:00:01.000  INFO 1 --- [main] c.a.Order : Order 7 placed",
                "2023-10-11 14:00:02.000  INFO 1 --- [main] c.a.Deploy : Deploying checkout v4.2.0",
                "2023-10-11 14:00:03.000  INFO 1 --- [main] c.a.Order : Order 8 placed",
                "    at com.example.Order.place(Order.java:42)",
                "2023-10-11 14:00:04.000 ERROR 1 --- [main] c.a.Order : Order 9 failed",
            ],
            (2, 2),
        ),
        (
            "nodes/syslog",
            &[
                "Oct 11 14:00:01 node-1 app[2]: all good",
                "Oct 11 14:00:02 node-1 systemd[1]: checkout.service: Scheduled restart job, restart counter is at 3.",
                "Oct 11 14:00:03 node-1 kernel: Out of memory: Killed process 4242 (java) total-vm:1kB",
                "Oct 11 14:00:04 node-1 app[2]: still good",
            ],
            (2, 2),
        ),
    ];
    for (path, lines, (keeps, counts)) in files {
        let whole = parse_keeping(path, lines, Keep::All);
        let draft = parse_keeping(path, lines, Keep::NotableAndRequests);
        let (kept, dropped): (Vec<Event>, Vec<Event>) =
            whole.events.into_iter().partition(Event::is_notable);
        let by_kind = |events: &[Event]| -> Vec<Event> {
            let lean = |e: &Event| Event {
                fields: kind_fields(&e.fields),
                ..e.clone()
            };
            events.iter().map(lean).collect()
        };
        assert_eq!(by_kind(&draft.events), by_kind(&kept), "{path}");
        for (lean, full) in draft.events.iter().zip(&kept) {
            if lean.kind == Kind::Log {
                let read = kind_fields(&full.fields);
                assert_eq!(lean.fields, read, "{path}: kept for its level");
            }
        }
        let lines_of = |events: &[Event]| -> Vec<Dropped> {
            let dropped = |e: &Event| Dropped {
                time: e.time,
                line: e.source.line,
                request: None,
            };
            events.iter().map(dropped).collect()
        };
        assert_eq!(draft.dropped, lines_of(&dropped), "{path}");
        assert_eq!(draft.counts, whole.counts, "{path}");
        assert_eq!((kept.len(), dropped.len()), (keeps, counts), "{path}");
        assert_eq!(whole.counts.unparsed(), 0, "{path}");
    }
}

/// The text event stream prints no fields: its parse builds only those that decide a
/// kind, and every event is otherwise the whole parse's.
#[test]
fn the_text_stream_keeps_every_event_without_the_fields_it_does_not_print() {
    let files: [(&str, &[&str]); 3] = [
        (
            "gateway/access.log",
            &[
                r#"10.1.2.3 - - [11/Oct/2023:14:00:01 +0000] "GET /a HTTP/1.1" 503 162 "-" "curl/8" 0.2"#,
            ],
        ),
        (
            "svc.jsonl",
            &[
                r#"{"time":"2023-10-11T14:00:01Z","level":"info","msg":"ok","route":"/a","reason":"Backoff"}"#,
            ],
        ),
        (
            "worker.log",
            &[r#"time=2023-10-11T14:00:01Z level=error msg="job failed" queue=emails type=x"#],
        ),
    ];
    for (path, lines) in files {
        let whole = parse_keeping(path, lines, Keep::All);
        let lines = parse_keeping(path, lines, Keep::Lines);
        assert_eq!(lines.counts, whole.counts, "{path}");
        assert_eq!(lines.events.len(), whole.events.len(), "{path}");
        for (lean, full) in lines.events.iter().zip(&whole.events) {
            assert!(!full.fields.is_empty(), "{path}");
            assert_eq!(lean.fields, kind_fields(&full.fields), "{path}");
            let without_fields = Event {
                fields: Fields::new(),
                ..full.clone()
            };
            assert_eq!(
                Event {
                    fields: Fields::new(),
                    ..lean.clone()
                },
                without_fields,
                "{path}"
            );
        }
    }
}

#[test]
fn mixed_file_falls_back_per_line() {
    let (events, _, format) = parse_all(
        "svc.log",
        &[
            r#"{"time":"2023-10-11T14:00:01Z","level":"info","msg":"a"}"#,
            r#"{"time":"2023-10-11T14:00:02Z","level":"info","msg":"b"}"#,
            "2023-10-11T14:00:03Z ERROR plain line",
        ],
    );
    assert_eq!(format, Some(Format::Json));
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].level, Some(Level::Error));
}

/// Fractions and zones after a clock, well formed or not.
const FRACTIONS: &[&str] = &["", "", ".5", ",123", ".123456789012", ":123", ":12", "."];
const ZONES: &[&str] = &[
    "", "", "Z", "+02:00", "+0200", " +0200", "-0730", "+2", "+25:00",
];

proptest::proptest! {
    /// A stamp in the minute of the one before is dated as parsing and resolving it afresh
    /// dates it, whatever its seconds (a leap second, a bad digit), fraction and zone
    /// (written or not, another offset, a zone with daylight saving) and whatever follows,
    /// and whether the minute before was an impossible date or one at the end of the years
    /// a time holds.
    #[test]
    fn stamps_in_the_last_minute_date_as_each_stamp_does(
        stamps in proptest::collection::vec(
            (
                0usize..6,
                proptest::prop_oneof![0u32..61, 59u32..61],
                proptest::sample::select(FRACTIONS),
                proptest::sample::select(ZONES),
                proptest::sample::select(vec!["", " msg", "x", "5"]),
            ),
            1..30,
        ),
        zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "+05:30"]),
    ) {
        const ISO: [&str; 6] = [
            "2025-06-01T14:00:",
            "2025-06-01 14:00:",
            "2025-06-01T14:01:",
            "2025-02-30T10:00:",
            "2262-04-11T23:47:",
            "2023-10-11-14.00.",
        ];
        const CLF: [&str; 6] = [
            "01/Jun/2025:14:00:",
            "01/jun/2025:14:00:",
            "01/Jun/2025:14:01:",
            "30/Feb/2025:10:00:",
            "11/Apr/2262:23:47:",
            "01/Jun/2025:14:00.",
        ];
        let zone = Zone::parse(zone).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let mut window = |_: Nanos| true;
        let cx = Cx::new(zone, YearAnchor::Fixed(2025), Arc::from("app.log"), &mut window, &Classifier);
        for (minute, second, fraction, offset, rest) in stamps {
            // 59 stands for a bad digit; 60 is a leap second.
            let second = if second == 59 { "5a".to_string() } else { format!("{second:02}") };
            let tail = format!("{second}{fraction}{offset}{rest}");
            let iso = format!("{}{tail}", ISO[minute]);
            let afresh = timestamp::iso(iso.as_bytes());
            let afresh = afresh.map(|(s, used)| (s.resolve(&zone), used));
            proptest::prop_assert_eq!(cx.dates.iso_time(iso.as_bytes()), afresh, "{}", iso);
            let clf = format!("{}{tail}", CLF[minute]);
            let afresh = timestamp::clf(clf.as_bytes()).and_then(|(s, _)| s.resolve(&zone));
            proptest::prop_assert_eq!(cx.dates.clf_time(clf.as_bytes()), afresh, "{}", clf);
        }
    }

    /// The parsers' trim is the standard one: over ASCII and wider white space, other
    /// characters and nothing.
    #[test]
    fn trims_are_the_standard_ones(s in "[- \t\n\r\x0b\x0c\x1c\u{a0}\u{3000}\u{85}aé]{0,8}") {
        proptest::prop_assert_eq!(trim_start(&s), s.trim_start());
        proptest::prop_assert_eq!(trim_end(&s), s.trim_end());
    }
}
