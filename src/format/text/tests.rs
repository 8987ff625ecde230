use crate::event::Level;
use crate::format::testing::*;
use proptest::prelude::*;

proptest! {
    #[test]
    fn trims_are_the_standard_ones(s in "[ \t\\[\\]:<>aé]{0,12}") {
        let trimmed = s.trim_matches(|c: char| matches!(c, '[' | ']' | ':' | '<' | '>'));
        prop_assert_eq!(super::trim_brackets(&s), trimmed);
    }

    /// The level and message are those of the first level token among the pieces the
    /// standard library splits off, whatever the spacing.
    #[test]
    fn the_level_is_found_among_the_standard_pieces(
        s in "((INFO|warn|Error|-|payments.ledger|##\\[error\\]x|\\[WARN\\]|é|a|:|---)?[ \t]{1,3}){0,9}(INFO|warn|: x)?"
    ) {
        let standard = s
            .split([' ', '\t'])
            .take(super::LEVEL_WINDOW + 4)
            .filter(|t| !t.is_empty())
            .take(super::LEVEL_WINDOW)
            .find_map(|t| {
                let at = t.as_ptr() as usize - s.as_ptr() as usize;
                super::level_token(&s, at, at + t.len())
            })
            .unwrap_or((None, &s));
        prop_assert_eq!(super::split_level(&s), standard);
    }

    /// The search for a layout's separators finds what a substring search finds.
    #[test]
    fn separators_are_found_as_a_substring_search_finds_them(s in "( --- | : |[ \\-:xé]){0,8}") {
        for needle in [" --- ", " : "] {
            let standard = memchr::memmem::find(s.as_bytes(), needle.as_bytes());
            prop_assert_eq!(super::find(&s, needle.as_bytes()), standard);
        }
    }
}

fn one(line: &str) -> (String, Option<Level>, String) {
    let (events, _, _) = parse_all("checkout.log", &[line]);
    let e = events.into_iter().next().expect("an event");
    (utc(e.time), e.level, e.message)
}

#[test]
fn layouts_in_the_wild() {
    assert_eq!(
        one("2023-10-11 14:00:01.123 ERROR [http-nio-8080-exec-7] c.a.Checkout - payment failed id=42"),
        ("2023-10-11T14:00:01.123Z".into(), Some(Level::Error), "payment failed id=42".into())
    );
    assert_eq!(
        one("2023-10-11T14:00:01.123+02:00 ERROR 4242 --- [checkout] [           main] c.a.Checkout : msg here"),
        ("2023-10-11T12:00:01.123Z".into(), Some(Level::Error), "msg here".into())
    );
    assert_eq!(
        one("2023-10-11 14:00:01,123 - payments.client - WARNING - bank slow"),
        (
            "2023-10-11T14:00:01.123Z".into(),
            Some(Level::Warn),
            "bank slow".into()
        )
    );
    assert_eq!(
        one("2023-10-11T14:00:01.289898Z  WARN handle{req_id=7}: checkout::pay: upstream slow latency_ms=2304").2,
        "handle{req_id=7}: checkout::pay: upstream slow latency_ms=2304"
    );
    assert_eq!(
        one("2023/10/11 14:00:01 [error] 31#31: *7 upstream timed out, client: 10.0.0.1").1,
        Some(Level::Error)
    );
    assert_eq!(
        one("[2023-10-11 14:00:01] deploy started").2,
        "deploy started"
    );
    assert_eq!(one("2023-10-11 14:00:01 Error: something odd").1, None);
}

/// Files of one program each, with where its layout is documented or seen, and the level
/// of each line: read at the place the file states it, however far from the time, and a
/// level word in a message is not the line's level.
#[test]
fn each_file_reads_its_level_where_it_states_it() {
    use Level::*;
    type File<'a> = (&'a str, &'a [&'a str], &'a [Option<Level>]);
    let files: &[File] = &[
        (
            "ClickHouse server log (ClickHouse docs, server settings: logger; the level fifth, after the thread and query id)",
            &[
                "2023.10.11 14:00:01.224776 [ 1 ] {} <Information> Application: starting up",
                "2023.10.11 14:02:07.118302 [ 48 ] {5e2f0b4c-7d1a-4f36-9a3b-2c8d1e0f4a57} <Error> executeQuery: Code: 60. DB::Exception: Table default.events does not exist",
                "2023.10.11 14:03:30.514117 [ 97 ] {} <Warning> Context: error count 0",
            ],
            &[Some(Info), Some(Error), Some(Warn)],
        ),
        (
            "ZooKeeper (its conf/log4j.properties: %d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n)",
            &[
                "2023-10-11 14:00:01,123 [myid:1] - INFO  [main:QuorumPeerMain@138] - Starting quorum peer",
                "2023-10-11 14:00:09,001 [myid:1] - ERROR [NIOWorkerThread-3:NIOServerCnxn@360] - Unexpected exception",
                "2023-10-11 14:00:10,250 [myid:1] - INFO  [NIOWorkerThread-7:ZooKeeperServer@1017] - Closing session, error count reset",
            ],
            &[Some(Info), Some(Error), Some(Info)],
        ),
        (
            "log4j's %d [%t] %-5p %c - %m%n with a JMX connection's thread name, which has spaces (log4j PatternLayout docs; JConsole's RMI threads)",
            &[
                "2023-10-11 14:00:01,123 [main] INFO  org.apache.catalina.Manager - started",
                "2023-10-11 14:00:02,123 [RMI TCP Connection(2)-10.0.0.5] WARN  org.apache.catalina.Manager - cache error rate high",
                "2023-10-11 14:00:03,123 [RMI TCP Connection(3)-10.0.0.5] INFO  org.apache.catalina.Manager - error log rotated",
            ],
            &[Some(Info), Some(Warn), Some(Info)],
        ),
        (
            "Kafka's server.log (its config/log4j.properties: [%d] %p %m (%c)%n)",
            &[
                "[2023-10-11 14:00:01,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
                "[2023-10-11 14:00:02,123] ERROR [ReplicaFetcher replicaId=1, leaderId=2, fetcherId=0] Error for partition orders-3 (kafka.server.ReplicaFetcherThread)",
            ],
            &[Some(Info), Some(Error)],
        ),
        (
            "zap's console encoder with lower-case levels (zap docs, zapcore.LowercaseLevelEncoder)",
            &[
                "2023-10-11T14:00:01.123Z\tinfo\tserver/main.go:42\tlistening",
                "2023-10-11T14:00:02.123Z\terror\tserver/pay.go:17\tcharge failed",
            ],
            &[Some(Info), Some(Error)],
        ),
        (
            "Go's net/http server errors through the standard log package, which states no level (net/http server.go: http: TLS handshake error from)",
            &[
                "2023/10/11 14:00:05 http: TLS handshake error from 10.0.0.7:51234: EOF",
                "2023/10/11 14:00:06 http: TLS handshake error from 10.0.0.9:40112: remote error: tls: bad certificate",
                "2023/10/11 14:00:09 http: Accept error: accept tcp [::]:8443: accept4: too many open files; retrying in 5ms",
                "2023/10/11 14:00:15 ERROR: upstream pool exhausted",
            ],
            &[None, None, None, Some(Error)],
        ),
    ];
    for (note, lines, levels) in files {
        let (events, _, _) = parse_all("app.log", lines);
        let got: Vec<Option<Level>> = events.iter().map(|e| e.level).collect();
        assert_eq!(&got, levels, "{note}");
        // What a responder reads: a line stating no level keeps all of its text after the
        // time, not what follows a word of it taken for a level.
        for (e, (line, level)) in events.iter().zip(lines.iter().zip(levels.iter())) {
            if level.is_none() {
                let after_time = line.splitn(3, ' ').nth(2).unwrap_or_default();
                assert_eq!(e.message, after_time, "{note}");
            }
        }
    }
}

#[test]
fn a_version_that_looks_like_a_date_is_not_a_time() {
    let (events, counts, _) = parse_all("x.log", &["2023-10-11-build started"]);
    assert!(events.is_empty());
    assert_eq!(counts.unrecognised, 1);
}
