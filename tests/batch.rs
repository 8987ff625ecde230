//! `--incidents`: a batch of incidents drafted in one run, each draft byte-identical to the
//! one its own run prints, and mistakes in the list reported with their line.

mod common;
use common::{dirs, reconstruct, succeeds, usage_error};

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every scenario of `tests/incidents/` with the arguments its `expected.json` gives, plus two
/// windows of `sample-logs/` that share every file (a gzip rotation among them) and one
/// without a window: (stem, arguments, logs).
fn cases() -> Vec<(String, Vec<String>, PathBuf)> {
    let mut cases = Vec::new();
    for dir in dirs("incidents") {
        let expected: Value =
            serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).expect("read"))
                .expect("expected.json");
        let args = expected["args"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        let stem = dir.file_name().expect("name").to_string_lossy().to_string();
        cases.push((stem, args, dir.join("logs")));
    }
    let sample = root().join("sample-logs");
    for (stem, args) in [
        ("sample-checkout", vec!["--from", "14:00", "--to", "15:00"]),
        ("sample-morning", vec!["--from", "08:30", "--to", "09:30"]),
        ("sample-whole", vec![]),
    ] {
        let args = args.into_iter().map(str::to_string).collect();
        cases.push((stem.to_string(), args, sample.clone()));
    }
    cases
}

/// The cases as an incidents file: `--from`/`--to`/`--tz` become its keys.
fn incidents_file(cases: &[(String, Vec<String>, PathBuf)]) -> String {
    let mut toml = String::new();
    for (stem, args, logs) in cases {
        toml += &format!("[[incident]]\nname = \"{stem}\"\npaths = [{:?}]\n", logs);
        for pair in args.chunks(2) {
            let key = match pair[0].as_str() {
                "--from" => "from",
                "--to" => "to",
                "--tz" => "zone",
                other => panic!("no incidents key for {other}"),
            };
            toml += &format!("{key} = \"{}\"\n", pair[1]);
        }
        toml += "\n";
    }
    toml
}

#[test]
fn each_draft_is_the_one_its_own_run_prints() {
    let cases = cases();
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("week.toml");
    fs::write(&list, incidents_file(&cases)).expect("write");
    for (format, extension) in [("markdown", "md"), ("json", "json")] {
        let out = dir.path().join(format);
        let batch = succeeds(
            reconstruct()
                .args(["-q", "--format", format, "--incidents"])
                .arg(&list)
                .arg("-o")
                .arg(&out),
        );
        // The written files are listed, one per line, in the list's order.
        let listed = String::from_utf8_lossy(&batch.stdout).to_string();
        let expected: Vec<String> = cases
            .iter()
            .map(|(stem, _, _)| {
                out.join(format!("{stem}.{extension}"))
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(listed.lines().collect::<Vec<_>>(), expected);
        for (stem, args, logs) in &cases {
            let alone = succeeds(
                reconstruct()
                    .args(["-q", "--format", format])
                    .args(args)
                    .arg(logs),
            );
            let drafted = fs::read(out.join(format!("{stem}.{extension}"))).expect("a draft");
            assert!(
                drafted == alone.stdout,
                "{stem} ({format}) differs from its own run:\n{}\n---\n{}",
                String::from_utf8_lossy(&drafted),
                String::from_utf8_lossy(&alone.stdout)
            );
        }
    }
}

#[test]
fn the_event_stream_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("two.toml");
    fs::write(
        &list,
        "paths = [\"../logs\"]\n\n[[incident]]\nname = \"One\"\nfrom = \"14:00\"\nto = \"14:10\"\n\n\
         [[incident]]\nname = \"Two\"\nfrom = \"14:05\"\nto = \"14:30\"\n",
    )
    .expect("write");
    // Paths are relative to the list, wherever the tool runs from.
    let logs = dir.path().join("logs");
    copy_dir(&root().join("sample-logs"), &logs);
    let nested = dir.path().join("lists");
    fs::create_dir(&nested).expect("mkdir");
    fs::rename(&list, nested.join("two.toml")).expect("move");
    let out = dir.path().join("out");
    succeeds(
        reconstruct()
            .args(["-q", "--events", "--format", "json", "--incidents"])
            .arg(nested.join("two.toml"))
            .arg("-o")
            .arg(&out),
    );
    for (stem, from, to) in [("one", "14:00", "14:10"), ("two", "14:05", "14:30")] {
        let alone = succeeds(
            reconstruct()
                .args([
                    "-q", "--events", "--format", "json", "--from", from, "--to", to,
                ])
                .arg(&logs),
        );
        let drafted = fs::read(out.join(format!("{stem}.jsonl"))).expect("events");
        assert!(!drafted.is_empty());
        assert!(drafted == alone.stdout, "{stem}: the events differ");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").filter_map(Result::ok) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Runs the list, drafting into `out`, however it ends.
fn batch(list: &Path, out: &Path) -> Output {
    reconstruct()
        .arg("--incidents")
        .arg(list)
        .arg("-o")
        .arg(out)
        .output()
        .expect("runs")
}

/// Runs a list that must be refused as a usage error; returns standard error.
fn refused(toml: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("bad.toml");
    fs::write(&list, toml).expect("write");
    let out = batch(&list, &dir.path().join("out"));
    assert!(!dir.path().join("out").exists(), "nothing is written");
    usage_error(&out)
}

#[test]
fn a_bad_list_names_its_line() {
    let e = refused("[[incident]]\nname = \"A\"\nform = \"14:00\"\n");
    assert!(e.contains("unknown field `form`"), "{e}");
    assert!(e.contains("bad.toml:3)"), "{e}");
    let e =
        refused("[[incident]]\nname = \"A\"\npaths = [\".\"]\nfrom = \"14:00\"\nto = \"25:00\"\n");
    assert!(
        e.contains("'25:00' is not a time (") && e.contains("bad.toml:5)"),
        "{e}"
    );
    let e = refused("[[incident]]\nname = \"A\"\n");
    assert!(
        e.contains("no paths for 'A'") && e.contains("bad.toml:1)"),
        "{e}"
    );
    let e = refused(
        "paths = [\".\"]\n[[incident]]\nname = \"API down\"\n[[incident]]\nname = \"api  down!\"\n",
    );
    assert!(e.contains("would both be drafted to api-down"), "{e}");
    assert!(e.contains("bad.toml:5)"), "{e}");
    let e = refused("paths = [\".\"]\n[[incident]\nname = \"A\"\n");
    assert!(e.contains("bad.toml:2)"), "{e}");
    let e = refused("paths = [\".\"]\n");
    assert!(e.contains("no [[incident]]"), "{e}");
}

#[test]
fn the_output_directory_is_required() {
    let out = reconstruct()
        .args(["--incidents", "week.toml"])
        .output()
        .expect("runs");
    let e = usage_error(&out);
    assert!(e.contains("--output"), "{e}");
}

#[test]
fn a_failing_incident_fails_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("week.toml");
    fs::write(
        &list,
        format!(
            "[[incident]]\nname = \"Gone\"\npaths = [\"no-such-dir\"]\n\n\
             [[incident]]\nname = \"Here\"\npaths = [{:?}]\nfrom = \"14:00\"\nto = \"15:00\"\n",
            root().join("sample-logs")
        ),
    )
    .expect("write");
    let out = batch(&list, &dir.path().join("out"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: incident 'Gone': no such file or directory"),
        "{stderr}"
    );
    assert!(dir.path().join("out/here.md").is_file());
    assert!(!dir.path().join("out/gone.md").exists());
}
