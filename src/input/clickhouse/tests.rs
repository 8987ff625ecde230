use super::*;
use std::io::Read;

fn table() -> Table {
    Table::parse("clickhouse://logs.internal/otel.otel_logs").expect("an address")
}

/// `DESCRIBE TABLE otel.otel_logs` as the OpenTelemetry collector's exporter creates it
/// (opentelemetry-collector-contrib, exporter/clickhouseexporter, `otel_logs`), one JSON
/// object a line as the server answers.
const OTEL_LOGS: &str = include_str!("otel_logs.describe.jsonl");

#[test]
fn addresses_parse_with_default_ports_and_refuse_credentials() {
    let t = Table::parse("clickhouse://ch1:9123/incident.logs").expect("an address");
    assert_eq!(t.address(), "clickhouse://ch1:9123/incident.logs");
    assert_eq!(t.citation(), "clickhouse:incident.logs");
    assert_eq!(
        t.endpoint(),
        "http://ch1:9123/?output_format_json_escape_forward_slashes=0"
    );
    let t = Table::parse("clickhouses://ch1/incident.logs").expect("an address");
    assert!(t.endpoint().starts_with("https://ch1:8443/?"));
    assert!(table()
        .endpoint()
        .starts_with("http://logs.internal:8123/?"));
    for bad in [
        "clickhouse://ch1/incident",
        "clickhouse:///incident.logs",
        "clickhouse://ch1/.logs",
        "clickhouse://ch1/incident.logs?x=1",
    ] {
        assert!(
            matches!(Table::parse(bad), Err(ClickHouseError::Address(_))),
            "{bad}"
        );
    }
    let e = Table::parse("clickhouse://alice:s3cret@ch1/incident.logs").unwrap_err();
    assert!(matches!(e, ClickHouseError::CredentialsInAddress(_)));
    assert!(!e.to_string().contains("s3cret"), "{e}");
    assert!(!e.to_string().contains("alice"), "{e}");
}

#[test]
fn the_otel_logs_defaults_select_only_the_mapped_columns_and_push_the_window_down() {
    let schema = Schema::check(OTEL_LOGS, &Mapping::default(), &table()).expect("the schema");
    let from = 1_742_306_400_000_000_000; // 2025-03-18T14:00:00Z
    let to = 1_742_313_600_000_000_000; // 2025-03-18T16:00:00Z
    assert_eq!(
        sql::rows(&table(), &schema, Some(from), Some(to)),
        "SELECT toUnixTimestamp64Nano(`Timestamp`) AS __time, `Body` AS __body, \
         `SeverityText` AS __level, `ServiceName` AS __service, \
         `ResourceAttributes` AS __attributes_0, `LogAttributes` AS __attributes_1 \
         FROM `otel`.`otel_logs` \
         WHERE `Timestamp` >= fromUnixTimestamp64Nano(toInt64(1742306400000000000)) \
         AND `Timestamp` <= fromUnixTimestamp64Nano(toInt64(1742313600000000000)) \
         FORMAT JSONEachRow"
    );
    assert_eq!(
        sql::span(&table(), &schema),
        "SELECT toUnixTimestamp64Nano(min(`Timestamp`)) AS first, \
         toUnixTimestamp64Nano(max(`Timestamp`)) AS last, count() AS rows, \
         count() - count(`Timestamp`) AS untimed FROM `otel`.`otel_logs` FORMAT JSONEachRow"
    );
    assert_eq!(
        sql::describe(&table()),
        "DESCRIBE TABLE `otel`.`otel_logs` FORMAT JSONEachRow"
    );
}

#[test]
fn a_datetime_column_is_asked_in_whole_seconds_and_other_types_as_text() {
    let described = r#"{"name":"ts","type":"Nullable(DateTime('UTC'))"}
{"name":"msg","type":"Nullable(String)"}
{"name":"sev","type":"Enum8('info' = 1, 'error' = 2)"}
"#;
    let mapping = Mapping {
        time: "ts".into(),
        body: "msg".into(),
        level: "sev".into(),
        service: String::new(),
        attributes: Vec::new(),
        row: "n".into(),
    };
    let described = format!("{described}{{\"name\":\"n\",\"type\":\"UInt64\"}}\n");
    let schema = Schema::check(&described, &mapping, &table()).expect("the schema");
    assert_eq!(
        sql::rows(&table(), &schema, Some(1_742_306_400_500_000_000), None),
        "SELECT toUInt64(toUInt32(`ts`)) * 1000000000 AS __time, `msg` AS __body, \
         toString(`sev`) AS __level, toUInt64(`n`) AS __row FROM `otel`.`otel_logs` \
         WHERE `ts` >= toDateTime(1742306400) FORMAT JSONEachRow"
    );
    assert_eq!(
        sql::rows(&table(), &schema, None, None),
        "SELECT toUInt64(toUInt32(`ts`)) * 1000000000 AS __time, `msg` AS __body, \
         toString(`sev`) AS __level, toUInt64(`n`) AS __row FROM `otel`.`otel_logs` FORMAT JSONEachRow"
    );
}

#[test]
fn a_missing_or_mistyped_column_names_what_the_table_has() {
    let mapping = Mapping {
        time: "Tmestamp".into(),
        ..Mapping::default()
    };
    let e = Schema::check(OTEL_LOGS, &mapping, &table()).unwrap_err();
    assert!(
        e.what().starts_with(
            "no column \"Tmestamp\" in otel.otel_logs, which has Timestamp, TimestampTime"
        ),
        "{e}"
    );
    assert!(e.hint().contains("[clickhouse]"), "{e}");
    let mapping = Mapping {
        time: "Body".into(),
        ..Mapping::default()
    };
    let e = Schema::check(OTEL_LOGS, &mapping, &table()).unwrap_err();
    assert!(e.what().contains("is String, not a DateTime"), "{e}");
    // Odd names are quoted, never spliced.
    let described =
        "{\"name\":\"a`b\",\"type\":\"DateTime\"}\n{\"name\":\"Body\",\"type\":\"String\"}\n";
    let mapping = Mapping {
        time: "a`b".into(),
        level: String::new(),
        service: String::new(),
        attributes: Vec::new(),
        ..Mapping::default()
    };
    let schema = Schema::check(described, &mapping, &table()).expect("the schema");
    assert!(sql::rows(&table(), &schema, None, None).contains("toUInt32(`a\\`b`)"));
}

#[test]
fn a_span_is_read_from_the_servers_answer() {
    let span = Span::read(
        r#"{"first":"1742306527000000000","last":"1742306587000000000","rows":"2","untimed":"1"}"#,
    );
    assert_eq!(
        span,
        Some(Span {
            first: Some(1_742_306_527_000_000_000),
            last: Some(1_742_306_587_000_000_000),
            rows: 2,
            untimed: 1
        })
    );
    let empty = Span::read(r#"{"first":"0","last":"0","rows":"0","untimed":"0"}"#);
    assert_eq!(empty.and_then(|s| s.first), None);
    assert_eq!(Span::read("Code: 60"), None);
}

fn read_all(rows: &mut Rows) -> (String, Option<String>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 7];
    loop {
        match rows.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into(), None),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return (String::from_utf8_lossy(&got).into(), Some(e.to_string())),
        }
    }
}

/// A reader that hands out its text a few bytes at a time, then fails or ends.
struct Trickle(Vec<u8>, usize, bool);

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.1 >= self.0.len() {
            return match self.2 {
                true => Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection reset by peer",
                )),
                false => Ok(0),
            };
        }
        let n = out.len().min(5).min(self.0.len() - self.1);
        out[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
}

#[test]
fn rows_pass_whole_and_the_stream_ends_cleanly() {
    let text = "{\"__time\":\"1\"}\n{\"__time\":\"2\"}\n";
    let mut rows = Rows::new(Trickle(text.into(), 0, false));
    assert_eq!(read_all(&mut rows), (text.to_string(), None));
    assert_eq!(rows.received(), text.len() as u64);
}

/// What ClickHouse 18.16 appends after the rows it sent when the query fails part-way (seen
/// with `SELECT number, throwIf(number = 100000) FROM system.numbers … FORMAT JSONEachRow`).
#[test]
fn an_exception_appended_to_the_stream_is_an_error_not_the_end() {
    let text = "{\"__time\":\"1\"}\n{\"__time\":\"2\"}\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
    let mut rows = Rows::new(Trickle(text.into(), 0, false));
    let (read, error) = read_all(&mut rows);
    assert_eq!(read, "{\"__time\":\"1\"}\n{\"__time\":\"2\"}\n");
    assert_eq!(
        error.as_deref(),
        Some("the server failed mid-stream: Value passed to 'throwIf' function is non zero: the rows before it were read; check the server's log, then run again")
    );
    // Newer servers write it as an object of its own.
    let text = "{\"__time\":\"1\"}\n{\"exception\": \"Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED) (version 23.8.1.1)\"}\n";
    let (read, error) = read_all(&mut Rows::new(Trickle(text.into(), 0, false)));
    assert_eq!(read, "{\"__time\":\"1\"}\n");
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e
                .contains("mid-stream: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED)")),
        "{error:?}"
    );
}

#[test]
fn a_connection_dropped_mid_row_keeps_the_rows_before_it() {
    let text = "{\"__time\":\"1\"}\n{\"__time\":\"2\",\"__bo";
    for fails in [false, true] {
        let mut rows = Rows::new(Trickle(text.into(), 0, fails));
        let (read, error) = read_all(&mut rows);
        assert_eq!(read, "{\"__time\":\"1\"}\n");
        let error = error.expect("an error, not the end of the data");
        assert!(
            error.starts_with("the connection dropped mid-stream"),
            "{error}"
        );
    }
}

#[test]
fn server_errors_become_what_to_do() {
    let t = Table::parse("clickhouse://ch1/incident.logs").expect("an address");
    let e = refused(
        500,
        "Code: 60, e.displayText() = DB::Exception: Table incident.logz doesn't exist., e.what() = DB::Exception\n",
        &t,
    );
    assert_eq!(
        e.to_string(),
        "the server refused the query: Table incident.logz doesn't exist.: check the database and table name (incident.logs)"
    );
    let e = refused(
        500,
        "Code: 193, e.displayText() = DB::Exception: Wrong password for user default, e.what() = DB::Exception\n",
        &t,
    );
    assert_eq!(
        e.to_string(),
        "authentication refused: Wrong password for user default: check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD"
    );
    let e = refused(
        516,
        "Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 24.3.1.1)",
        &t,
    );
    assert!(
        e.to_string()
            .starts_with("authentication refused: default: Authentication failed"),
        "{e}"
    );
}
