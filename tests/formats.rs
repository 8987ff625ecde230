//! Every format fixture in `tests/fixtures/formats/<name>/` parses to the events in its
//! `expected.txt` (time, kind, level, service, message start), and is still recognised when its
//! file is renamed to a meaningless name. `UPDATE_GOLDEN=1` rewrites the expectations, which are
//! then reviewed by eye.

mod common;
use common::{dirs, reconstruct, succeeds};

use std::fs;
use std::path::{Path, PathBuf};

const MESSAGE_START: usize = 60;

/// The fixture's input: every file but `expected.txt` and `args`.
fn input(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("fixture")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some("expected.txt" | "args")
            )
        })
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        1,
        "{}: one input file per fixture",
        dir.display()
    );
    files.remove(0)
}

fn extra_args(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("args"))
        .map(|a| a.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// One line per event: `time | kind | level | service | message start`.
fn events(path: &Path, args: &[String], with_service: bool) -> String {
    let out = succeeds(
        reconstruct()
            .args(["--events", "--format", "json", "-q"])
            .args(args)
            .arg(path),
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let e: serde_json::Value = serde_json::from_str(l).expect("json line");
            let text = |k: &str| e[k].as_str().unwrap_or("-").to_string();
            let message: String = text("message")
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(MESSAGE_START)
                .collect();
            let service = if with_service {
                text("service")
            } else {
                "*".into()
            };
            format!(
                "{} | {} | {} | {} | {}\n",
                text("time"),
                text("kind"),
                text("level"),
                service,
                message.trim_end()
            )
        })
        .collect()
}

#[test]
fn every_fixture_parses_to_its_expected_events() {
    let mut failures = Vec::new();
    for dir in dirs("fixtures/formats") {
        let got = events(&input(&dir), &extra_args(&dir), true);
        let expected = dir.join("expected.txt");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            fs::write(&expected, &got).expect("write expectations");
        }
        let want = fs::read_to_string(&expected).unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{}:\n--- expected\n{want}--- got\n{got}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Renamed, a file loses any date its name gave to time-only lines; every fixture is of
/// 2023-10-11, so `--date` stands in for the name (it changes nothing for dated lines).
#[test]
fn fixtures_are_recognised_under_a_meaningless_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for dir in dirs("fixtures/formats") {
        let src = input(&dir);
        let renamed = tmp.path().join("x").join("data");
        fs::create_dir_all(renamed.parent().expect("parent")).expect("mkdir");
        fs::copy(&src, &renamed).expect("copy");
        let mut args = extra_args(&dir);
        args.extend(["--date".to_string(), "2023-10-11".to_string()]);
        let original = events(&src, &args, false);
        assert!(!original.is_empty(), "{} yields events", dir.display());
        assert_eq!(
            events(&renamed, &args, false),
            original,
            "{} renamed",
            dir.display()
        );
    }
}

/// The fixture inputs alone (no expectations), copied into one directory as a responder's
/// `logs/` would hold them.
fn all_inputs(into: &Path) {
    for dir in dirs("fixtures/formats") {
        let name = dir.file_name().expect("fixture name");
        let src = input(&dir);
        let dest = into.join(name).join(src.file_name().expect("file name"));
        fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        fs::copy(&src, &dest).expect("copy");
    }
}

#[test]
fn a_draft_over_all_fixtures_names_each_alerting_and_deploy_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    all_inputs(tmp.path());
    let out = succeeds(
        reconstruct()
            .args([
                "--format",
                "json",
                "-q",
                "--max-entries",
                "1000",
                "--year",
                "2023",
            ])
            .arg(tmp.path()),
    );
    let draft: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let entries = draft["entries"].as_array().expect("entries");
    let kinds_from = |fixture: &str| -> Vec<String> {
        entries
            .iter()
            .filter(|e| {
                e["sources"].as_array().into_iter().flatten().any(|s| {
                    s["path"]
                        .as_str()
                        .is_some_and(|p| p.starts_with(&format!("{fixture}/")))
                })
            })
            .filter_map(|e| e["kind"].as_str().map(str::to_string))
            .collect()
    };
    let expected: &[(&str, &[&str])] = &[
        ("alertmanager-webhook", &["alert", "recovery"]),
        ("grafana-webhook", &["alert"]),
        ("grafana-state-history", &["alert", "recovery"]),
        ("pagerduty-webhook", &["alert", "oncall", "recovery"]),
        ("pagerduty-log-entries", &["alert", "oncall", "recovery"]),
        ("opsgenie", &["alert", "oncall", "recovery"]),
        ("datadog", &["alert", "recovery", "deploy"]),
        ("nagios", &["alert", "oncall", "recovery"]),
        ("zabbix", &["alert", "recovery"]),
        ("k8s-events-jsonl", &["deploy", "scale", "restart"]),
        ("k8s-events-list", &["scale", "restart"]),
        ("k8s-events-watch", &["scale"]),
        ("argocd", &["deploy"]),
        ("flux-events", &["deploy"]),
        ("helm-history", &["deploy"]),
        ("github-deployment-status", &["deploy"]),
        ("github-actions-log", &["deploy"]),
        ("jenkins", &["deploy"]),
        ("jenkins-timestamper", &["deploy"]),
        ("spinnaker", &["deploy"]),
        ("heroku", &["deploy"]),
        ("terraform-json", &["change"]),
        ("launchdarkly", &["change"]),
    ];
    let mut missing = Vec::new();
    for (fixture, kinds) in expected {
        let found = kinds_from(fixture);
        for kind in *kinds {
            if !found.iter().any(|k| k == kind) {
                missing.push(format!("{fixture}: no {kind} entry (found {found:?})"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Every line of every fixture is accounted for: the parts (parsed, outside, continuation,
/// blank, unparsed by reason) add up to the lines, and the lines are the file's, with and
/// without a window that cuts the file in two.
#[test]
fn every_fixture_accounts_for_every_line() {
    for dir in dirs("fixtures/formats") {
        let src = input(&dir);
        let bytes = fs::read(&src).expect("fixture");
        let lines = bytecount(&bytes);
        let windows: [&[&str]; 2] = [
            &[],
            &["--from", "2023-10-11 14:05", "--to", "2023-10-11 14:30"],
        ];
        for window in windows {
            let out = reconstruct()
                .args(["--format", "json", "-q"])
                .args(extra_args(&dir))
                .args(window)
                .arg(&src)
                .output()
                .expect("runs");
            let draft: serde_json::Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
                    panic!(
                        "{}: {}",
                        dir.display(),
                        String::from_utf8_lossy(&out.stderr)
                    )
                });
            let input = &draft["stats"]["inputs"][0];
            let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(u64::MAX);
            let unparsed = &input["unparsed"];
            let parts = ["parsed", "outside", "continuations", "blank"]
                .iter()
                .map(|k| n(input, k))
                .chain(
                    ["unrecognised", "undatable", "too_large"]
                        .iter()
                        .map(|k| n(unparsed, k)),
                )
                .sum::<u64>();
            assert_eq!(
                (n(input, "lines"), parts),
                (lines, lines),
                "{} {window:?}: {input}",
                dir.display()
            );
            assert_eq!(draft["stats"]["lines_by_outcome"]["lines"], input["lines"]);
        }
    }
}

/// Lines as a reader counts them: a last line without its newline is a line.
fn bytecount(bytes: &[u8]) -> u64 {
    // A UTF-16 file (SQL Server's ERRORLOG) ends in `\n\0`: its lines are its decoded text's.
    if bytes.starts_with(&[0xff, 0xfe]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|u| u16::from_le_bytes([u[0], u[1]]))
            .collect();
        return bytecount(String::from_utf16_lossy(&units).as_bytes());
    }
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(bytes.last().is_some_and(|&b| b != b'\n'))
}
