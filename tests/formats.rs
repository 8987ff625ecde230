//! Every format fixture in `tests/fixtures/formats/<name>/` parses to the events in its
//! `expected.txt` (time, kind, level, service, message start), and is still recognised when its
//! file is renamed to a meaningless name. `UPDATE_GOLDEN=1` rewrites the expectations, which are
//! then reviewed by eye.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const MESSAGE_START: usize = 60;

fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .expect("fixtures directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

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
    let out = Command::cargo_bin("reconstruct")
        .expect("binary")
        .args(["--events", "--format", "json", "-q"])
        .args(args)
        .arg(path)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
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
    for dir in fixtures() {
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
    for dir in fixtures() {
        let src = input(&dir);
        let renamed = tmp.path().join("x").join("data");
        fs::create_dir_all(renamed.parent().expect("parent")).expect("mkdir");
        fs::copy(&src, &renamed).expect("copy");
        let mut args = extra_args(&dir);
        args.extend(["--date".to_string(), "2023-10-11".to_string()]);
        assert_eq!(
            events(&renamed, &args, false),
            events(&src, &args, false),
            "{} renamed",
            dir.display()
        );
    }
}
