//! The built binary, run as a responder would run it.

mod common;
use common::{json_lines, reconstruct, succeeds, usage_error};

use predicates::prelude::*;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> PathBuf {
    root().join("sample-logs")
}

/// Runs on the sample incident with its window and returns standard output.
fn draft(extra: &[&str]) -> String {
    let out = succeeds(
        reconstruct()
            .args(["--from", "14:00", "--to", "16:00"])
            .args(extra)
            .arg(sample()),
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn entries(markdown: &str) -> Vec<&str> {
    markdown.lines().filter(|l| l.starts_with("- `")).collect()
}

/// Whether some entry begins at `time` and contains every word.
fn has_entry(markdown: &str, time: &str, words: &[&str]) -> bool {
    entries(markdown)
        .iter()
        .any(|l| l.starts_with(&format!("- `{time}`")) && words.iter().all(|w| l.contains(w)))
}

#[test]
fn the_sample_draft_tells_the_incident_at_the_right_minutes() {
    let md = draft(&[]);
    let expected: &[(&str, &[&str])] = &[
        (
            "13:41",
            &[
                "**Deploy**",
                "checkout v4.2.0 started, finished 3m later",
                "*suspected trigger: checkout's errors began 21 minutes after it; gateway's errors name checkout",
            ],
        ),
        (
            "14:02",
            &[
                "**Outage begins**",
                "checkout errors rise above their baseline",
            ],
        ),
        (
            "14:02",
            &["**Error**", "checkout", "Failed to allocate session buffer"],
        ),
        (
            "14:02",
            &[
                "**Error**",
                "gateway",
                "HTTP 5xx on POST /api/checkout, first a 502",
            ],
        ),
        ("14:04", &["**Error**", "OutOfMemoryError"]),
        (
            "14:04",
            &["**Alert**", "HighErrorRate fired on gateway", "*detected*"],
        ),
        (
            "14:07",
            &["**OOM kill**", "java", "node-2", "2 more until 14:33"],
        ),
        ("14:08", &["**Alert**", "CheckoutPodCrashLooping"]),
        ("14:08", &["**Restart**", "checkout", "Back-off restarting"]),
        (
            "14:18",
            &["**Error**", "payments", "bank-api request timed out"],
        ),
        ("14:20", &["**Alert**", "PaymentsUpstreamLatency"]),
        ("14:33", &["**Resolved**", "PaymentsUpstreamLatency", "13m"]),
        (
            "14:46",
            &[
                "**Rollback**",
                "checkout to v4.1.3 started, finished 3m later",
                "*mitigation*",
            ],
        ),
        (
            "14:51",
            &["**Recovered**", "checkout errors back to their baseline"],
        ),
        ("14:56", &["**Resolved**", "HighErrorRate", "51m"]),
        ("14:58", &["**Resolved**", "CheckoutPodCrashLooping"]),
    ];
    for (time, words) in expected {
        assert!(
            has_entry(&md, time, words),
            "no {time} entry with {words:?} in:\n{md}"
        );
    }
    assert!(md.starts_with("## Timeline\n\nAll times UTC, 2025-03-18.\n"));
    assert!(md.contains("Errors from 14:02 to 14:51 (49m)."), "{md}");
    assert!(
        md.contains("Suspected trigger: the deploy at 13:41"),
        "{md}"
    );
    assert!(md.contains("Detected 14:04 by an alert"), "{md}");
}

#[test]
fn noise_and_old_events_stay_out_of_the_draft() {
    let md = draft(&[]);
    for absent in [
        "search v2.3.1",
        "DiskSpaceLow",
        "receipt email",
        "Slow query",
        "cache miss",
        "Session 1",
        "CRON",
    ] {
        assert!(
            !md.contains(absent),
            "{absent} should not be in the draft:\n{md}"
        );
    }
}

#[test]
fn every_entry_cites_a_line_that_says_what_it_claims() {
    let md = draft(&[]);
    for entry in entries(&md) {
        let time = &entry[3..8];
        let cite = entry
            .rsplit_once('[')
            .map(|(_, c)| c.trim_end_matches(']'))
            .expect("a citation");
        for source in cite.split(", ") {
            let (path, line) = source.rsplit_once(':').expect("path:line");
            let line: usize = line.parse().expect("a line number");
            let text = fs::read_to_string(sample().join(path)).expect("the cited file exists");
            let cited = text.lines().nth(line - 1).expect("the cited line exists");
            if source == cite.split(", ").next().unwrap_or_default() {
                assert!(
                    cited.contains(time),
                    "{entry}\ncites a line without {time}: {cited}"
                );
            }
        }
    }
}

#[test]
fn golden_markdown_and_json_drafts() {
    for (name, args) in [
        ("sample.md", &[][..]),
        ("sample.json", &["--format", "json"][..]),
    ] {
        let got = draft(args);
        let path = root().join("tests/golden").join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            fs::write(&path, &got).expect("write golden");
        }
        let want = fs::read_to_string(&path).expect("golden file (UPDATE_GOLDEN=1 writes it)");
        assert_eq!(got, want, "{name} differs from tests/golden/{name}");
    }
}

#[test]
fn json_draft_has_the_contract_shape() {
    let v: serde_json::Value =
        serde_json::from_str(&draft(&["--format", "json"])).expect("one JSON object");
    assert_eq!(v["window"]["from"], "2025-03-18T14:00:00Z");
    assert_eq!(v["window"]["to"], "2025-03-18T16:00:00Z");
    assert_eq!(v["window"]["timezone"], "UTC");
    let entries = v["entries"].as_array().expect("entries");
    assert!(!entries.is_empty() && entries.len() <= 25);
    let kinds = [
        "alert", "deploy", "change", "error", "warning", "recovery", "restart", "scale", "oncall",
        "info",
    ];
    for e in entries {
        assert!(kinds.contains(&e["kind"].as_str().expect("kind")), "{e}");
        assert!(e["count"].as_u64().is_some_and(|c| c >= 1));
        assert!(
            e["suspect"].is_boolean()
                && e["summary"].is_string()
                && e["first"].is_string()
                && e["last"].is_string()
        );
        let sources = e["sources"].as_array().expect("sources");
        assert!(
            !sources.is_empty()
                && sources
                    .iter()
                    .all(|s| s["path"].is_string() && s["line"].as_u64().is_some())
        );
    }
    assert_eq!(v["summary"]["detected"], "2025-03-18T14:04:30Z");
    assert_eq!(v["summary"]["suspect"]["kind"], "deploy");
    assert_eq!(v["summary"]["suspect"]["time"], "2025-03-18T13:41:07Z");
    assert_eq!(v["summary"]["start"], "2025-03-18T14:02:14.124Z");
    let impact = &v["summary"]["impact"];
    let ratio =
        impact["failed_or_slow"].as_f64().expect("n") / impact["requests"].as_f64().expect("n");
    assert!((impact["ratio"].as_f64().expect("ratio") - ratio).abs() < 1e-4);
    assert_eq!(v["stats"]["files"], 10);
    assert_eq!(v["stats"]["unparsed_lines"], 0);
}

#[test]
fn events_are_every_window_event_in_time_order() {
    let out = draft(&["--events", "--format", "json"]);
    let events = json_lines(out.as_bytes());
    let time = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("RFC 3339");
    let times: Vec<_> = events
        .iter()
        .map(|e| time(e["time"].as_str().expect("time")))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "not in time order");
    assert!(times
        .first()
        .is_some_and(|t| *t >= time("2025-03-18T14:00:00Z")));
    assert!(times
        .last()
        .is_some_and(|t| *t <= time("2025-03-18T16:00:00Z")));
    let stats: serde_json::Value =
        serde_json::from_str(&draft(&["--format", "json"])).expect("json");
    assert_eq!(
        events.len() as u64,
        stats["stats"]["events"].as_u64().expect("events")
    );
    let first = &events[0];
    for key in ["kind", "level", "service", "message", "source", "fields"] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    assert_eq!(draft(&["--format", "json"]), draft(&["--format", "json"]));
    assert_eq!(draft(&["--events"]), draft(&["--events"]));
}

#[test]
fn tz_moves_the_window_and_every_printed_time() {
    let out = reconstruct()
        .args(["--tz", "Europe/Berlin", "--from", "15:00", "--to", "17:00"])
        .arg(sample())
        .output()
        .expect("runs");
    let md = String::from_utf8(out.stdout).expect("utf-8");
    assert!(md.contains("All times Europe/Berlin, 2025-03-18."), "{md}");
    assert!(has_entry(&md, "15:04", &["HighErrorRate fired"]), "{md}");
    assert!(
        has_entry(&md, "14:41", &["checkout v4.2.0 started"]),
        "{md}"
    );
}

#[test]
fn max_entries_bounds_the_draft() {
    let md = draft(&["--max-entries", "5"]);
    assert_eq!(entries(&md).len(), 5);
    assert!(md.contains("left out by --max-entries 5"));
    assert!(
        has_entry(&md, "14:04", &["HighErrorRate fired"]),
        "milestones outrank errors:\n{md}"
    );
}

#[test]
fn output_file_and_quiet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("timeline.md");
    reconstruct()
        .args(["--from", "14:00", "--to", "16:00", "-q", "-o"])
        .arg(&out)
        .arg(sample())
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert!(fs::read_to_string(out)
        .expect("written")
        .starts_with("## Timeline"));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).expect("write fixture");
}

const GOOD: &str = "2023-10-11 14:02:01.123 ERROR [main] c.a.Checkout - payment failed id=42\n\
2023-10-11 14:03:01.123 ERROR [main] c.a.Checkout - payment failed id=43\n";

#[test]
fn bad_files_are_skipped_with_one_warning_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "checkout.log", GOOD.as_bytes());
    write(
        dir.path(),
        "core.bin",
        &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0, 0],
    );
    write(dir.path(), "empty.log", b"");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            gz,
            "2023-10-11 14:{:02}:{:02}.000 INFO [main] c.a.Old - rotated line {i}",
            i / 60 % 60,
            i % 60
        )
        .expect("compress");
    }
    let gz = gz.finish().expect("compress");
    write(dir.path(), "old.log.gz", &gz[..gz.len() / 2]);
    write(
        dir.path(),
        "garbage.txt",
        b"lorem ipsum dolor\nsit amet\n\x01\x02 consectetur\n",
    );
    let out = reconstruct()
        .args(["--from", "14:00", "--to", "15:00"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        has_entry(&stdout, "14:02", &["payment failed id=42"]),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 4, "{stderr}");
    for (file, words) in [
        ("core.bin", "binary"),
        ("empty.log", "empty"),
        ("old.log.gz", "read error"),
        ("garbage.txt:1", "no log format recognised"),
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("reconstruct: warning: ")
                    && w.contains(file)
                    && w.contains(words)),
            "no warning naming {file} ({words}):\n{stderr}"
        );
    }
    let json = reconstruct()
        .args(["--format", "json", "-q"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["stats"]["unparsed_lines"], 3);
    assert!(
        v["stats"]["events"].as_u64().is_some_and(|n| n > 2),
        "the truncated file's first lines are kept"
    );
    let skipped: Vec<&str> = v["stats"]["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| s["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(skipped, ["core.bin", "empty.log", "garbage.txt"]);
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["--from", "25:99", "x"], "is not a time (--from)"),
        (
            &["--tz", "Mars/Olympus", "x"],
            "unknown time zone 'Mars/Olympus' (--tz)",
        ),
        (
            &["--lookback", "soon", "x"],
            "is not a duration (--lookback)",
        ),
        (&["--format", "csv", "x"], "invalid value 'csv'"),
        (
            &["/no/such/logs"],
            "no such file or directory (/no/such/logs)",
        ),
        (&[], "no PATH given"),
    ];
    for (args, words) in cases {
        let out = reconstruct().args(*args).output().expect("runs");
        let stderr = usage_error(&out);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

#[test]
fn nothing_readable_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "empty.log", b"");
    reconstruct()
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "reconstruct: error: nothing could be read",
        ));
}

/// A quiet log with one error in it, between two ordinary lines.
const LONE_ERROR: &[u8] = b"2025-06-01 10:00:00,000 INFO  [main] app.Server - started\n\
    2025-06-01 10:05:00,000 ERROR [main] app.Server - database connection refused\n\
    2025-06-01 10:10:00,000 INFO  [main] app.Server - request handled\n";

/// Without `--from` and `--to` the window is the logs' whole span, from their first line to
/// their last, though a draft keeps none of the ordinary lines at either end.
#[test]
fn without_a_window_the_window_is_the_logs_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "app.log", LONE_ERROR);
    let window = |path: &Path| {
        let out = succeeds(reconstruct().args(["--format", "json"]).arg(path));
        let draft: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        (
            draft["window"]["from"].clone(),
            draft["window"]["to"].clone(),
        )
    };
    assert_eq!(
        window(dir.path()),
        ("2025-06-01T10:00:00Z".into(), "2025-06-01T10:10:00Z".into())
    );
    // A log of nothing but ordinary lines was read: an empty draft, not "nothing could be read".
    let quiet = tempfile::tempdir().expect("tempdir");
    write(
        quiet.path(),
        "app.log",
        b"2025-06-01 10:00:00,000 INFO  [main] app.Server - started\n",
    );
    assert_eq!(
        window(quiet.path()),
        ("2025-06-01T10:00:00Z".into(), "2025-06-01T10:00:00Z".into())
    );
}

/// A lone error is no burst, but the summary must not say the window had none.
#[test]
fn a_lone_error_is_not_summed_up_as_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "app.log", LONE_ERROR);
    let out = succeeds(reconstruct().arg(dir.path()));
    let md = String::from_utf8(out.stdout).expect("utf-8 output");
    assert!(has_entry(
        &md,
        "10:05",
        &["**Error**", "database connection refused"]
    ));
    assert!(
        md.contains(
            "**Summary.** Isolated errors only: none repeated or rose above their baseline."
        ),
        "{md}"
    );
}

/// A bare time-of-day window over logs of several days (a rotation from the day before beside
/// today's) drafts the latest day it meets, with a warning that names the others and
/// `--date`, as CONTRACT.md says; `--date` picks another.
#[test]
fn a_window_on_several_days_drafts_the_latest_and_names_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let days = "2023-10-10 14:30:00 ERROR db slow\n2023-10-11 14:30:00 ERROR db down\n2023-10-12 14:30:00 ERROR db down again\n";
    write(dir.path(), "db.log", days.as_bytes());
    let out = reconstruct()
        .args(["--from", "14:00", "--to", "16:00"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the window could fall on more than one day of the logs: drafted 2023-10-12, the latest; give --date for one of 2023-10-10, 2023-10-11",
        ))
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(out).expect("utf-8");
    assert!(
        has_entry(&md, "14:30", &["db down again"]) && !md.contains("\"db down\""),
        "{md}"
    );
    let md = reconstruct()
        .args(["--from", "14:00", "--to", "16:00", "--date", "2023-10-11"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(md).expect("utf-8");
    assert!(
        has_entry(&md, "14:30", &["db down"]) && !md.contains("db down again"),
        "{md}"
    );
}

#[test]
fn a_window_across_midnight() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = "2023-10-11 21:00:00 ERROR early\n2023-10-11 23:50:00 ERROR late\n2023-10-12 00:10:00 ERROR after midnight\n";
    write(dir.path(), "db.log", lines.as_bytes());
    let out = reconstruct()
        .args(["--from", "23:30", "--to", "00:30"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        md.contains("2023-10-11 23:50") && md.contains("2023-10-12 00:10") && !md.contains("early"),
        "{md}"
    );
}

#[test]
fn standard_input_and_compressed_files() {
    reconstruct()
        .args(["--events", "-"])
        .write_stdin(GOOD)
        .assert()
        .success()
        .stdout(predicate::str::contains("payment failed id=43 [stdin:2]"));
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "rotated.1",
        &zstd::encode_all(GOOD.as_bytes(), 3).expect("zstd"),
    );
    reconstruct()
        .args(["--events"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "payment failed id=42 [rotated.1:1]",
        ));
}

#[test]
fn crlf_and_invalid_utf8_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "win.log",
        b"2023-10-11 14:02:01 ERROR caf\xe9 closed\r\n2023-10-11 14:03:01 INFO ok\r\n",
    );
    reconstruct()
        .args(["--events", "--format", "json"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"message\":\"caf\u{fffd} closed\"")
                .and(predicate::str::contains("\"message\":\"ok\"")),
        );
}

#[test]
fn year_less_syslog_takes_year_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "syslog",
        b"Oct 11 14:09:12 node-2 kernel: Out of memory: Killed process 4242 (java) total-vm:1kB\n",
    );
    reconstruct()
        .args(["--events", "--format", "json", "--year", "2021"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"time\":\"2021-10-11T14:09:12Z\"")
                .and(predicate::str::contains("\"kind\":\"oom\"")),
        );
}

fn events_json(args: &[&str], path: &Path) -> (Vec<serde_json::Value>, String) {
    let out = succeeds(
        reconstruct()
            .args(["--events", "--format", "json"])
            .args(args)
            .arg(path),
    );
    let events = json_lines(&out.stdout);
    (events, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn times(events: &[serde_json::Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["time"].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn year_less_lines_cross_new_year_next_to_dated_logs() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "app.log",
        b"2023-12-31 23:59:00 INFO last of the year\n2024-01-01 00:01:00 INFO first of the year\n",
    );
    write(dir.path(), "syslog", b"Dec 31 23:58:00 host cron[1]: before midnight\nJan  1 00:02:00 host cron[1]: after midnight\n");
    let (events, _) = events_json(&[], dir.path());
    assert_eq!(
        times(&events),
        [
            "2023-12-31T23:58:00Z",
            "2023-12-31T23:59:00Z",
            "2024-01-01T00:01:00Z",
            "2024-01-01T00:02:00Z"
        ]
    );
}

#[test]
fn year_less_lines_alone_take_the_year_up_to_the_files_mtime() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("syslog");
    fs::write(&path, "Dec 31 23:58:00 host cron[1]: before midnight\nJan  1 00:02:00 host cron[1]: after midnight\n")
        .expect("write");
    let jan_5_2024 = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_412_800);
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(jan_5_2024))
        .expect("set mtime");
    let (events, _) = events_json(&[], dir.path());
    assert_eq!(
        times(&events),
        ["2023-12-31T23:58:00Z", "2024-01-01T00:02:00Z"]
    );
}

#[test]
fn time_only_lines_are_undatable_without_context_and_dated_by_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "console.log",
        b"14:00:01 Started by timer\n14:05:10 Finished: SUCCESS\n",
    );
    let out = reconstruct()
        .args(["--events"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 lines carry only a time of day") && stderr.contains("console.log:1"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is guessed");
    let (events, _) = events_json(&["--date", "2023-10-11"], dir.path());
    assert_eq!(
        times(&events),
        ["2023-10-11T14:00:01Z", "2023-10-11T14:05:10Z"]
    );
}

/// Amazon RDS writes PostgreSQL's time in UTC, saying so before its prefix's colon
/// (`2023-10-11 14:00:01 UTC::@:[571]:LOG:`; AWS docs, "PostgreSQL database log files"): the
/// zone is read with the time, so `--tz` changes how it is shown, not when it was.
#[test]
fn rds_postgresql_times_are_utc_whatever_the_zone() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/postgresql-rds/postgresql.log.2023-10-11-14");
    let (events, _) = events_json(&["--tz", "Europe/Berlin"], &fixture);
    assert_eq!(
        times(&events).first().copied(),
        Some("2023-10-11T16:00:01+02:00")
    );
}

#[test]
fn named_zones_read_zone_less_lines_across_daylight_saving() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Berlin falls back at 03:00 CEST on 2023-10-29: 02:30 happens twice, read as the first.
    let lines = "2023-10-29 01:59:59.999 INFO before\n2023-10-29 02:30:00 INFO ambiguous\n2023-10-29 03:00:00.001 INFO after\n2023-10-29 16:00:00+02:00 INFO with its own offset\n";
    write(dir.path(), "app.log", lines.as_bytes());
    let (events, _) = events_json(&["--tz", "Europe/Berlin"], dir.path());
    assert_eq!(
        times(&events),
        [
            "2023-10-29T01:59:59.999+02:00",
            "2023-10-29T02:30:00+02:00",
            "2023-10-29T03:00:00.001+01:00",
            "2023-10-29T15:00:00+01:00"
        ]
    );
}

#[test]
fn events_a_millisecond_apart_in_two_files_keep_their_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.log",
        b"2023-10-11T14:00:00.002Z INFO second\n",
    );
    write(
        dir.path(),
        "b.log",
        b"2023-10-11T14:00:00.001Z INFO first\n2023-10-11T14:00:00.001000001Z INFO third\n",
    );
    let (events, _) = events_json(&[], dir.path());
    let messages: Vec<&str> = events
        .iter()
        .map(|e| e["message"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(messages, ["first", "third", "second"]);
}

#[test]
fn timesketch_rows_carry_the_import_columns() {
    let check = |out: &str| -> usize {
        let rows = json_lines(out.as_bytes());
        for row in &rows {
            let keys: Vec<&str> = row
                .as_object()
                .expect("an object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                [
                    "message",
                    "datetime",
                    "timestamp_desc",
                    "kind",
                    "service",
                    "source_path",
                    "source_line"
                ]
            );
            let datetime = row["datetime"].as_str().expect("datetime");
            assert!(
                chrono::DateTime::parse_from_rfc3339(datetime).is_ok()
                    && datetime.ends_with("+00:00"),
                "{datetime}"
            );
            assert!(
                !row["message"].as_str().unwrap_or("").is_empty()
                    && !row["timestamp_desc"].as_str().unwrap_or("").is_empty()
            );
        }
        rows.len()
    };
    let drafted = draft(&["--format", "timesketch"]);
    let entries = entries(&draft(&[])).len();
    assert_eq!(check(&drafted), entries);
    assert!(
        drafted.contains(r#""timestamp_desc":"Alert","kind":"alert""#),
        "{drafted}"
    );
    let events = draft(&["--events", "--format", "timesketch"]);
    assert_eq!(check(&events), draft(&["--events"]).lines().count());
}

/// `--stats` prints, per file and in total, what became of every line; the parts add up.
#[test]
fn stats_table_adds_up() {
    let out = reconstruct()
        .args(["--from", "14:00", "--to", "16:00", "--stats", "-q"])
        .arg(sample())
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let rows: Vec<Vec<u64>> = err
        .lines()
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect::<Vec<u64>>()
        })
        .filter(|numbers| numbers.len() == 9)
        .collect();
    assert_eq!(rows.len(), 11, "{err}");
    for r in &rows {
        // lines = parsed + outside + continuation + blank + three kinds of unparsed.
        assert_eq!(r[0], r[1..8].iter().sum::<u64>(), "{err}");
    }
    assert_eq!(rows[10][0], 27_771, "{err}");
}

/// Right after an incident: `--since 2h`, `--from -2h --to -30m`, relative to the moment of
/// the run.
#[test]
fn relative_windows_count_back_from_now() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = chrono::Utc::now();
    let line = |minutes_ago: i64, what: &str| {
        let t = now - chrono::Duration::minutes(minutes_ago);
        format!("{} ERROR svc - {what}\n", t.format("%Y-%m-%dT%H:%M:%SZ"))
    };
    let text = [
        line(180, "three hours ago"),
        line(60, "an hour ago"),
        line(10, "ten minutes ago"),
    ]
    .concat();
    fs::write(dir.path().join("app.log"), text).expect("write");
    let messages = |args: &[&str]| -> Vec<String> {
        let out = succeeds(
            reconstruct()
                .args(["--events", "--format", "json", "-q"])
                .args(args)
                .arg(dir.path()),
        );
        json_lines(&out.stdout)
            .iter()
            .filter_map(|e| e["message"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        messages(&["--since", "2h"]),
        ["an hour ago", "ten minutes ago"]
    );
    assert_eq!(
        messages(&["--from", "-2h", "--to", "-30m"]),
        ["an hour ago"]
    );
    assert_eq!(messages(&["--from=-4h", "--to", "now"]).len(), 3);
    reconstruct()
        .args(["--since", "2h", "--from", "14:00"])
        .arg(dir.path())
        .assert()
        .code(2);
}

/// Shell completions and the man page come from the same definitions as `--help`.
#[test]
fn completions_and_man_page() {
    let out = reconstruct()
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(
        script.contains("_reconstruct()") && script.contains("--since"),
        "{script}"
    );
    let out = reconstruct().arg("man").output().expect("runs");
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.contains(".TH reconstruct 1") && page.contains("strict"),
        "{page}"
    );
}

/// Colour only when asked or at a terminal: a pipe or a file gets plain Markdown.
#[test]
fn colour_only_when_asked_or_at_a_terminal() {
    let plain = draft(&[]);
    assert!(!plain.contains('\u{1b}'));
    let coloured = draft(&["--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[1;36m**Deploy**\u{1b}[0m"),
        "{coloured}"
    );
    // The same words once the colours are taken out.
    let stripped = coloured
        .split('\u{1b}')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once('m').map_or(part, |(_, rest)| rest)
            }
        })
        .collect::<String>();
    assert_eq!(stripped, plain);
}

/// `--follow`: lines appended while it runs become entries, a rotated file is followed, and
/// Ctrl-C ends it with the summary.
#[cfg(unix)]
#[test]
fn follow_prints_new_entries_as_the_logs_grow() {
    use std::process::{Command as Process, Stdio};

    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("app.log");
    let stamp = |ago: i64| {
        (chrono::Utc::now() - chrono::Duration::seconds(ago))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let quiet: String = (0..30)
        .map(|i| {
            format!(
                "{} INFO [main] checkout - request ok\n",
                stamp(600 - i * 10)
            )
        })
        .collect();
    fs::write(&log, quiet).expect("write");
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("reconstruct"))
        .args(["--follow", "--since", "1h", "-q"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut output = Output::of(&mut child);
    assert!(output.wait_for("Ctrl-C for the summary"), "started");
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("open");
    for _ in 0..3 {
        writeln!(
            f,
            "{} ERROR [main] checkout - payment gateway timeout after 5000 ms",
            stamp(0)
        )
        .expect("append");
    }
    drop(f);
    assert!(
        output.wait_for("**Error** first \"payment gateway timeout"),
        "{:?}",
        output.seen
    );
    fs::rename(&log, dir.path().join("app.log.1")).expect("rotate");
    fs::write(
        &log,
        format!("{} ERROR [main] checkout - disk full on /var\n", stamp(0)),
    )
    .expect("recreate");
    assert!(
        output.wait_for("disk full on /var\" [app.log:1]"),
        "{:?}",
        output.seen
    );
    let killed = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
    assert!(
        output.wait_for("**Summary.** Errors from"),
        "{:?}",
        output.seen
    );
}

/// `--follow -`: standard input's lines become entries as they are written (not after the
/// pipe closes), and its end ends the run with the summary.
#[cfg(unix)]
#[test]
fn follow_reads_standard_input_as_it_is_written() {
    use std::process::{Command as Process, Stdio};

    let stamp = || chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("reconstruct"))
        .args(["--follow", "-q", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut output = Output::of(&mut child);
    assert!(
        output.wait_for("following standard input"),
        "{:?}",
        output.seen
    );
    for _ in 0..5 {
        writeln!(stdin, "{} INFO [main] checkout - request ok", stamp()).expect("write");
    }
    for _ in 0..3 {
        writeln!(
            stdin,
            "{} ERROR [main] checkout - payment gateway timeout after 5000 ms",
            stamp()
        )
        .expect("write");
    }
    stdin.flush().expect("flush");
    // The pipe is still open: the entry comes from the lines as written.
    assert!(
        output.wait_for("first \"payment gateway timeout after 5000 ms\" (2 more"),
        "{:?}",
        output.seen
    );
    assert!(
        output.wait_for("[stdin:6]"),
        "cited by line: {:?}",
        output.seen
    );
    // A last line without its newline still counts once the pipe closes.
    write!(
        stdin,
        "{} ERROR [main] checkout - disk full on /var",
        stamp()
    )
    .expect("write");
    drop(stdin);
    let status = child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
    assert!(
        output.wait_for("disk full on /var\" [stdin:9]"),
        "{:?}",
        output.seen
    );
    assert!(
        output.wait_for("**Summary.** Errors from"),
        "{:?}",
        output.seen
    );
}

/// A live run's standard output, line by line as it is printed.
#[cfg(unix)]
struct Output {
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

#[cfg(unix)]
impl Output {
    fn of(child: &mut std::process::Child) -> Output {
        use std::io::{BufRead, BufReader};
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Output {
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// Whether a line containing `needle` is printed within 30 s.
    fn wait_for(&mut self, needle: &str) -> bool {
        use std::time::{Duration, Instant};
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.seen.iter().any(|l| l.contains(needle)) {
                return true;
            }
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                self.seen.push(line);
            }
        }
        false
    }
}

/// `-v` names, for every file read, the layout its time was found in, and for text the token
/// its level was settled at.
#[test]
fn verbose_names_each_files_time_layout_and_level_place() {
    let out = succeeds(reconstruct().arg("-v").arg(sample()));
    let notes = String::from_utf8_lossy(&out.stderr).into_owned();
    let want = [
        "checkout/app.log: spring boot, time as %Y-%m-%d %H:%M:%S%.f%z, level at token 1 after it,",
        "gateway/access.log: access-log, time as %d/%b/%Y:%H:%M:%S%.f%z,",
        "inventory/inventory.log: logfmt, time as %Y-%m-%dT%H:%M:%S%.f%z,",
        "nodes/node-2/syslog: syslog, time as %b %e %H:%M:%S%.f,",
        "payments/payments.jsonl: json, time as %Y-%m-%dT%H:%M:%S%.f%z,",
    ];
    for line in want {
        assert!(notes.contains(line), "{line}\nnot in:\n{notes}");
    }
}
