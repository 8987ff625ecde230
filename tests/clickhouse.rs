//! The ClickHouse source against a real cluster: two ClickHouse servers on loopback, the two
//! shards of the cluster `reconstruct`, each with a local table and a `Distributed` table over
//! both (tests/clickhouse/cluster.sh, which `.ci/run` starts from Debian's clickhouse-server
//! 18.16 and stops at the end). `RECONSTRUCT_CLICKHOUSE` names the shards' HTTP addresses,
//! `127.0.0.1:18123,127.0.0.1:18124`; without it the tests say so and pass, except under CI,
//! where they fail.
//!
//! Debian's 18.16 has neither `DateTime64` nor `Map`: the tables here use a `DateTime` time
//! column and `String` columns, mapped in `reconstruct.toml`; the OpenTelemetry defaults are
//! tested as the SQL they generate (`src/input/clickhouse/tests.rs`).

mod common;
use common::{reconstruct, succeeds};

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// The shards' HTTP addresses, or `None` (with a note) where no cluster runs.
fn shards() -> Option<Vec<String>> {
    match std::env::var("RECONSTRUCT_CLICKHOUSE") {
        Ok(list) => Some(list.split(',').map(str::to_string).collect()),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI runs these tests against the cluster: RECONSTRUCT_CLICKHOUSE is unset")
        }
        Err(_) => {
            eprintln!("no ClickHouse cluster (RECONSTRUCT_CLICKHOUSE unset): skipped");
            None
        }
    }
}

/// Runs `sql` on one server as `default`; the server's answer, which must be a success.
fn query(shard: &str, sql: &str) -> String {
    let response = reqwest::blocking::Client::new()
        .post(format!("http://{shard}/"))
        .body(sql.to_string())
        .send()
        .expect("the server answers");
    let status = response.status();
    let text = response.text().expect("an answer");
    assert!(status.is_success(), "{sql}: {status} {text}");
    text
}

/// A fresh database `db` on every shard: a local table of the mapped schema, and the
/// `Distributed` table `logs` over the shards' local tables.
fn create(shards: &[String], db: &str, nullable: bool) {
    let (time, body) = match nullable {
        true => ("Nullable(DateTime)", "Nullable(String)"),
        false => ("DateTime", "String"),
    };
    for shard in shards {
        query(shard, &format!("DROP DATABASE IF EXISTS {db}"));
        query(shard, &format!("CREATE DATABASE {db}"));
        query(
            shard,
            &format!(
                "CREATE TABLE {db}.logs_local (ts {time}, sev String, svc String, msg {body}, attrs String) \
                 ENGINE = MergeTree() ORDER BY tuple()"
            ),
        );
        query(
            shard,
            &format!(
                "CREATE TABLE {db}.logs AS {db}.logs_local \
                 ENGINE = Distributed(reconstruct, {db}, logs_local, rand())"
            ),
        );
    }
}

/// The mapping of the tables above, in a directory of its own.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("reconstruct.toml");
    fs::write(
        &path,
        "[clickhouse]\ntime = \"ts\"\nbody = \"msg\"\nlevel = \"sev\"\nservice = \"svc\"\nattributes = [\"attrs\"]\n",
    )
    .expect("config");
    path
}

/// The table `db.logs` on the cluster, holding `rows`, and a directory with the
/// `reconstruct.toml` that maps its columns: the directory and that file's path.
fn table_with(
    shards: &[String],
    db: &str,
    nullable: bool,
    rows: &[Value],
) -> (tempfile::TempDir, String) {
    create(shards, db, nullable);
    insert(shards, db, rows);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path()).to_str().expect("a path").to_string();
    (dir, config)
}

fn sample_logs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs")
}

/// The lines of a sample log, decompressed.
fn lines_of(path: &Path) -> Vec<String> {
    let bytes = fs::read(path).expect("a sample log");
    let text = match bytes.starts_with(&[0x1f, 0x8b]) {
        true => {
            let mut s = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut s)
                .expect("gzip");
            s
        }
        false => String::from_utf8(bytes).expect("UTF-8"),
    };
    text.lines().map(str::to_string).collect()
}

/// `sample-logs/` as rows, the way a collector ships a file's lines: one row for each line
/// that starts an event (with the lines that continue it, a stack trace), at the event's time
/// to the second, with its level and service, and the request id as an attribute.
fn sample_rows() -> Vec<Value> {
    let out = succeeds(
        reconstruct()
            .args(["--events", "--format", "json"])
            .arg(sample_logs()),
    );
    let mut starts: BTreeMap<String, BTreeMap<u64, Value>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let e: Value = serde_json::from_str(line).expect("a JSON line");
        let path = e["source"]["path"].as_str().expect("a path").to_string();
        let line = e["source"]["line"].as_u64().expect("a line");
        starts.entry(path).or_default().entry(line).or_insert(e);
    }
    let mut rows = Vec::new();
    for (path, events) in &starts {
        let lines = lines_of(&sample_logs().join(path));
        let numbers: Vec<u64> = events.keys().copied().collect();
        for (i, (n, e)) in events.iter().enumerate() {
            let end = numbers
                .get(i + 1)
                .map_or(lines.len(), |next| *next as usize - 1);
            let body = lines[*n as usize - 1..end].join("\n");
            let time = chrono::DateTime::parse_from_rfc3339(e["time"].as_str().expect("a time"))
                .expect("RFC 3339")
                .timestamp();
            let attrs = match e["fields"].get("request_id") {
                Some(id) => json!({ "request_id": id }).to_string(),
                None => "{}".to_string(),
            };
            rows.push(json!({
                "ts": time,
                "sev": e["level"].as_str().unwrap_or(""),
                "svc": e["service"].as_str().unwrap_or(""),
                "msg": body,
                "attrs": attrs,
            }));
        }
    }
    rows
}

/// Inserts `rows` into the shards' local tables in turn, so that each holds half of every
/// file.
fn insert(shards: &[String], db: &str, rows: &[Value]) {
    for (s, shard) in shards.iter().enumerate() {
        let mine: Vec<String> = rows
            .iter()
            .skip(s)
            .step_by(shards.len())
            .map(Value::to_string)
            .collect();
        query(
            shard,
            &format!(
                "INSERT INTO {db}.logs_local FORMAT JSONEachRow\n{}",
                mine.join("\n")
            ),
        );
    }
}

/// A draft's entries as time, kind and text.
fn entries(draft: &Value) -> Vec<(String, String, String)> {
    draft["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["time"].as_str().unwrap_or("").to_string(),
                e["kind"].as_str().unwrap_or("").to_string(),
                e["summary"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn draft(args: &[&str], dir: &Path) -> (Value, String) {
    let out = succeeds(reconstruct().current_dir(dir).args(args));
    let draft = serde_json::from_slice(&out.stdout).expect("a JSON draft");
    (draft, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The sample loaded into the cluster drafts as the sample's files do: the same entries, in
/// time, kind and text, each cited to the table and its row's time.
#[test]
fn the_draft_from_the_cluster_matches_the_draft_from_the_files() {
    let Some(shards) = shards() else { return };
    let db = "reconstruct_sample";
    create(&shards, db, false);
    let rows = sample_rows();
    insert(&shards, db, &rows);
    for shard in &shards {
        let held: usize = query(shard, &format!("SELECT count() FROM {db}.logs_local"))
            .trim()
            .parse()
            .expect("a count");
        assert!(held > 1000, "each shard holds its half: {held}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let table = format!("clickhouse://{}/{db}.logs", shards[0]);
    let window = ["--from", "14:00", "--to", "16:00", "--format", "json"];
    let (from_files, _) = draft(
        &[&window[..], &[sample_logs().to_str().expect("a path")]].concat(),
        dir.path(),
    );
    let config_arg = config.to_str().expect("a path");
    let (from_table, said) = draft(
        &[&window[..], &["--config", config_arg, &table]].concat(),
        dir.path(),
    );
    assert_eq!(said, "", "nothing to say of a healthy table");
    let (files, table_entries) = (entries(&from_files), entries(&from_table));
    assert!(files.len() > 10, "{files:?}");
    assert_eq!(table_entries, files);
    assert_eq!(
        from_table["summary"]["start"],
        from_files["summary"]["start"]
    );
    assert_eq!(
        from_table["summary"]["impact"],
        from_files["summary"]["impact"]
    );
    assert_eq!(
        from_table["window"], from_files["window"],
        "the window's day found from the table's span"
    );
    for entry in from_table["entries"].as_array().expect("entries") {
        for source in entry["sources"].as_array().expect("sources") {
            let path = source["path"].as_str().expect("a path");
            assert!(
                path.starts_with(&format!("clickhouse:{db}.logs@2025-03-18T"))
                    && path.ends_with('Z'),
                "{path}"
            );
            assert_eq!(source["line"], Value::Null);
        }
    }
    // The markdown draft reads the same, but for its citations.
    let markdown = |args: &[&str]| {
        let out = succeeds(reconstruct().current_dir(dir.path()).args(args));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .map(|l| {
                l.rsplit_once(" [")
                    .map_or(l, |(entry, _)| entry)
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    let sample = sample_logs();
    let sample = sample.to_str().expect("a path");
    assert_eq!(
        markdown(&["--from", "14:00", "--to", "16:00", "--config", config_arg, &table]),
        markdown(&["--from", "14:00", "--to", "16:00", sample])
    );
    // Beside the files, the table's rows are the same events again: each entry counts twice.
    let out = succeeds(
        reconstruct()
            .current_dir(dir.path())
            .args([
                "--from", "14:00", "--to", "16:00", "--events", "--format", "json",
            ])
            .args(["--config", config_arg, &table])
            .arg(sample_logs()),
    );
    let events = common::json_lines(&out.stdout);
    let from_clickhouse = events
        .iter()
        .filter(|e| {
            e["source"]["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("clickhouse:"))
        })
        .count();
    assert!(
        from_clickhouse > 0 && from_clickhouse * 2 == events.len(),
        "{from_clickhouse} of {}",
        events.len()
    );
}

fn fails_with(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = reconstruct()
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each failure is one line naming the table's address and what to do, exit 1 when nothing
/// else could be read; other inputs are read regardless.
#[test]
fn failures_are_one_line_each_and_the_other_sources_are_still_read() {
    let Some(shards) = shards() else { return };
    let db = "reconstruct_failures";
    let (dir, config) = table_with(
        &shards,
        db,
        false,
        &[
            json!({"ts": 1_742_306_527, "sev": "ERROR", "svc": "checkout", "msg": "boom", "attrs": "{}"}),
        ],
    );
    let config = config.as_str();
    let addr = |table: &str| format!("clickhouse://{}/{db}.{table}", shards[0]);
    // The address, the environment, and the line standard error starts with.
    type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "clickhouse://127.0.0.1:18199/x.logs".into(),
            vec![],
            "reconstruct: error: connection refused (clickhouse://127.0.0.1:18199/x.logs): is the server running",
        ),
        (
            "clickhouse://no-such-host.invalid/x.logs".into(),
            vec![],
            "reconstruct: error: cannot resolve the host no-such-host.invalid (clickhouse://no-such-host.invalid:8123/x.logs): check the host name",
        ),
        (
            addr("nope"),
            vec![],
            "reconstruct: error: the server refused the query: Table reconstruct_failures.nope doesn't exist.",
        ),
        (
            addr("logs"),
            vec![("CLICKHOUSE_USER", "responder"), ("CLICKHOUSE_PASSWORD", "wrong")],
            "reconstruct: error: authentication refused: Wrong password for user responder",
        ),
    ];
    for (address, env, expected) in &cases {
        // Alone: nothing could be read.
        let (code, said) = fails_with(&["--config", config, address], dir.path(), env);
        assert_eq!(code, Some(1), "{said}");
        let first = said.lines().next().unwrap_or("");
        assert!(first.starts_with(expected), "{first}\nwanted {expected}");
        assert!(
            !said.contains("wrong"),
            "the password is never printed: {said}"
        );
        // Beside the sample: the sample is drafted, the table's error said.
        let sample = sample_logs();
        let out = reconstruct()
            .current_dir(dir.path())
            .args([
                "--from", "14:00", "--to", "16:00", "--config", config, address,
            ])
            .arg(&sample)
            .envs(env.iter().copied())
            .output()
            .expect("runs");
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{said}");
        assert!(said.lines().any(|l| l.starts_with(expected)), "{said}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("**Deploy** checkout v4.2.0"));
    }
    // The right password is read from the environment alone.
    let out = succeeds(
        reconstruct()
            .current_dir(dir.path())
            .args(["--events", "--config", config, &addr("logs")])
            .env("CLICKHOUSE_USER", "responder")
            .env("CLICKHOUSE_PASSWORD", "hunter2"),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("checkout: boom"));
    // A column the table lacks names the columns it has.
    fs::write(
        dir.path().join("wrong.toml"),
        "[clickhouse]\ntime = \"timestamp\"\nbody = \"msg\"\nlevel = \"\"\nservice = \"\"\nattributes = []\n",
    )
    .expect("config");
    let (code, said) = fails_with(&["--config", "wrong.toml", &addr("logs")], dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(
        said.starts_with(&format!("reconstruct: error: no column \"timestamp\" in {db}.logs, which has ts, sev, svc, msg, attrs ({}): set the time column", addr("logs"))),
        "{said}"
    );
}

/// A row whose time or body is null is counted and said, never taken for an event.
#[test]
fn rows_with_a_null_time_or_body_are_counted_and_said() {
    let Some(shards) = shards() else { return };
    let db = "reconstruct_nulls";
    let (dir, config) = table_with(
        &shards,
        db,
        true,
        &[
            json!({"ts": 1_742_306_527, "sev": "ERROR", "svc": "checkout", "msg": "boom", "attrs": "{}"}),
            json!({"ts": 1_742_306_530, "sev": "ERROR", "svc": "checkout", "msg": null, "attrs": "{}"}),
            json!({"ts": 1_742_306_531, "sev": "ERROR", "svc": "checkout", "msg": "bang", "attrs": "{}"}),
        ],
    );
    let config = config.as_str();
    let table = format!("clickhouse://{}/{db}.logs", shards[0]);
    let out = succeeds(
        reconstruct()
            .current_dir(dir.path())
            .args(["--events", "--stats", "--config", config, &table]),
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("reconstruct: warning: 1 rows without a time or a body (null) (clickhouse://{}/{db}.logs): counted as unparsed", shards[0])),
        "{said}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("checkout: b").count(), 2, "{stdout}");
    // A null time cannot be in any window: the server leaves it out, and the span counts it.
    let db = "reconstruct_untimed";
    create(&shards, db, true);
    insert(
        &shards,
        db,
        &[
            json!({"ts": 1_742_306_527, "sev": "ERROR", "svc": "checkout", "msg": "boom", "attrs": "{}"}),
            json!({"ts": null, "sev": "ERROR", "svc": "checkout", "msg": "when?", "attrs": "{}"}),
        ],
    );
    let table = format!("clickhouse://{}/{db}.logs", shards[0]);
    let out = succeeds(reconstruct().current_dir(dir.path()).args([
        "--from",
        "2025-03-18T14:00:00Z",
        "--to",
        "2025-03-18T16:00:00Z",
        "--events",
        "--config",
        config,
        &table,
    ]));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("reconstruct: warning: 1 rows have no time (null)"),
        "{said}"
    );
}

/// A query that fails after the server sent rows (its `200 OK` long gone) is an error that
/// keeps the rows before it, never the end of the data. The body column here is an `ALIAS`
/// that throws on the 100,000th row, past the first block the server streams.
#[test]
fn an_exception_mid_stream_is_reported_and_the_rows_before_it_kept() {
    let Some(shards) = shards() else { return };
    let db = "reconstruct_midstream";
    query(&shards[0], &format!("DROP DATABASE IF EXISTS {db}"));
    query(&shards[0], &format!("CREATE DATABASE {db}"));
    query(
        &shards[0],
        &format!(
            "CREATE TABLE {db}.logs (ts DateTime, n UInt64, \
             msg String ALIAS concat('request ', toString(n + throwIf(n = 100000))), \
             sev String, svc String, attrs String) ENGINE = MergeTree() ORDER BY n"
        ),
    );
    query(
        &shards[0],
        &format!(
            "INSERT INTO {db}.logs (ts, n, sev, svc, attrs) \
             SELECT toDateTime(1742306400 + intDiv(number, 100)), number, 'ERROR', 'checkout', '{{}}' \
             FROM system.numbers LIMIT 200000"
        ),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    // The column `n` numbers the rows: citations give it as the line.
    let mapping = fs::read_to_string(&config).expect("config") + "row = \"n\"\n";
    fs::write(&config, mapping).expect("config");
    let table = format!("clickhouse://{}/{db}.logs", shards[0]);
    let out = reconstruct()
        .current_dir(dir.path())
        .args([
            "--events",
            "--stats",
            "--config",
            config.to_str().expect("a path"),
            &table,
        ])
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("reconstruct: error: the server failed mid-stream: Value passed to 'throwIf' function is non zero ({table}): the rows before it were read")),
        "{said}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let events = stdout.lines().count();
    assert!(
        events > 0 && events < 200_000,
        "{events} events before the failure"
    );
    assert!(
        stdout.contains(&format!(
            "checkout: request 1 [clickhouse:{db}.logs@2025-03-18T14:00:00Z:1]"
        )),
        "{stdout:.300}"
    );
    assert_eq!(out.status.code(), Some(0), "the rows before it were read");
}

/// A server that drops the connection inside a row: a stand-in speaking just enough HTTP
/// (no real server can be made to drop it on cue). The row before the break is kept.
#[test]
fn a_connection_dropped_mid_row_is_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let server = std::thread::spawn(move || {
        let columns =
            "{\"name\":\"ts\",\"type\":\"DateTime\"}\n{\"name\":\"msg\",\"type\":\"String\"}\n";
        let span = "{\"first\":\"1742306527000000000\",\"last\":\"1742306530000000000\",\"rows\":\"2\",\"untimed\":\"0\"}\n";
        // The columns and the span are asked before the rows (by the survey, then the read).
        loop {
            let (stream, _) = listener.accept().expect("a connection");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("a header");
                if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length: ") {
                    length = n.trim().parse().expect("a length");
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("the query");
            let mut stream = stream;
            let query = String::from_utf8_lossy(&body);
            let answer = match () {
                _ if query.starts_with("DESCRIBE") => columns,
                _ if query.contains(" AS first") => span,
                _ => {
                    let rows = "{\"__time\":\"1742306527000000000\",\"__body\":\"first\"}\n{\"__time\":\"1742306530000000000\",\"__bo";
                    let text = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{rows}\r\n", rows.len());
                    stream.write_all(text.as_bytes()).expect("the rows");
                    return;
                }
            };
            let text = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            stream.write_all(text.as_bytes()).expect("the answer");
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("reconstruct.toml"),
        "[clickhouse]\ntime = \"ts\"\nbody = \"msg\"\nlevel = \"\"\nservice = \"\"\nattributes = []\n",
    )
    .expect("config");
    let table = format!("clickhouse://127.0.0.1:{port}/db.logs");
    let out = reconstruct()
        .current_dir(dir.path())
        .args(["--events", "--config", "reconstruct.toml", &table])
        .output()
        .expect("runs");
    server.join().expect("the stand-in server");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.starts_with("reconstruct: error: the connection dropped mid-stream")
            && said.contains(&format!("({table}): the rows before it were read")),
        "{said}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("first"), "{stdout}");
}

/// `clickhouses://`: the first shard's HTTPS port, its certificate signed by the cluster's own
/// CA, trusted through `SSL_CERT_FILE` (which the system's roots honour); without it the
/// certificate is refused, in one line that says what to do.
#[test]
fn https_reads_a_table_whose_certificate_is_trusted() {
    let Some(shards) = shards() else { return };
    let ca = std::env::var("RECONSTRUCT_CLICKHOUSE_CA")
        .expect("the cluster's CA, set with RECONSTRUCT_CLICKHOUSE (see .ci/run)");
    let db = "reconstruct_https";
    let (dir, config) = table_with(
        &shards,
        db,
        false,
        &[
            json!({"ts": 1_742_306_527, "sev": "ERROR", "svc": "checkout", "msg": "over TLS", "attrs": "{}"}),
        ],
    );
    let config = config.as_str();
    let table = format!("clickhouses://localhost:18443/{db}.logs");
    let out = succeeds(
        reconstruct()
            .current_dir(dir.path())
            .args(["--events", "--config", config, &table])
            .env("SSL_CERT_FILE", &ca),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("checkout: over TLS"));
    let (code, said) = fails_with(&["--config", config, &table], dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(
        said.starts_with("reconstruct: error: the server's certificate is not accepted (UnknownIssuer) (clickhouses://localhost:18443/reconstruct_https.logs): add the CA that signed it to the system's trust store, or name its PEM file in SSL_CERT_FILE"),
        "{said}"
    );
}
