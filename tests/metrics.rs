//! Metric exports read among the logs: a series' breach of its threshold (`[[metric]]` in
//! `reconstruct.toml`) or of its own baseline joins the draft as a `metric` entry, cited to the
//! file; a threshold that says neither `above` nor `below` is refused with its line.

mod common;
use common::{reconstruct, succeeds, usage_error};

use std::fs;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    let file = fs::read_dir(&dir)
        .expect("a fixture")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n != "expected.txt"))
        .expect("its input");
    fs::read(file).expect("readable")
}

#[test]
fn a_threshold_from_the_configuration_measures_the_series_it_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("metrics")).expect("a directory");
    fs::write(
        dir.path().join("metrics/checkout-p99.json"),
        fixture("prometheus-query-range"),
    )
    .expect("write");
    let window = [
        "--from",
        "13:00",
        "--to",
        "15:00",
        "--date",
        "2023-10-11",
        "--format",
        "json",
    ];
    let draft = |dir: &Path| -> serde_json::Value {
        let out = succeeds(reconstruct().args(window).arg(dir));
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let baseline = draft(dir.path());
    let entries = baseline["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert_eq!(entries[0]["kind"], "metric");
    assert_eq!(entries[0]["service"], "checkout");
    assert!(entries[0]["summary"]
        .as_str()
        .is_some_and(|s| s.starts_with("Metric histogram_quantile{job=\"checkout\", quantile=\"0.99\"} above its baseline from 14:02 to 14:35, peak 2.40 at 14:03")));
    assert_eq!(
        entries[0]["sources"][0]["path"],
        "metrics/checkout-p99.json"
    );
    fs::write(
        dir.path().join("reconstruct.toml"),
        "[[metric]]\nseries = \"histogram_quantile*\"\nabove = 2.0\n",
    )
    .expect("config");
    let threshold = draft(dir.path());
    let summary = threshold["entries"][0]["summary"]
        .as_str()
        .unwrap_or_default();
    assert!(
        summary.starts_with(
            "Metric histogram_quantile{job=\"checkout\", quantile=\"0.99\"} above 2 from 14:"
        ),
        "{summary}"
    );
    // The payments series is flat at 1: below 1.5 from start to end.
    fs::write(
        dir.path().join("reconstruct.toml"),
        "[[metric]]\nseries = \"up*\"\nbelow = 1.5\n",
    )
    .expect("config");
    let below = draft(dir.path());
    let summaries: Vec<&str> = below["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["summary"].as_str())
        .collect();
    assert!(summaries.iter().any(|s| s.starts_with("Metric up{instance=\"payments-0:9100\", job=\"payments\"} below 1.50 from 13:00 to 14:59")), "{summaries:#?}");
}

#[test]
fn a_threshold_without_a_bound_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("a.log"),
        "2023-10-11T14:00:00Z ERROR boom\n",
    )
    .expect("log");
    fs::write(
        dir.path().join("reconstruct.toml"),
        "[[metric]]\nseries = \"checkout*\"\nabove = 1.0\nbelow = 0.5\n",
    )
    .expect("config");
    let out = reconstruct().arg(dir.path()).output().expect("runs");
    let said = usage_error(&out);
    assert!(
        said.contains("a [[metric]] gives its `series` and one of `above` or `below`"),
        "{said}"
    );
}

#[test]
fn a_malformed_or_empty_export_is_counted_and_the_logs_still_drafted() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("app.log"),
        "2023-10-11T14:00:00Z ERROR boom\n2023-10-11T14:00:05Z ERROR boom\n",
    )
    .expect("log");
    // Cut off mid-document, as a download that broke.
    let whole = fixture("grafana-data-frame");
    fs::write(dir.path().join("frame.json"), &whole[..whole.len() / 2]).expect("write");
    fs::write(dir.path().join("empty.csv"), "").expect("write");
    fs::write(
        dir.path().join("header.csv"),
        "\"Time\",\"checkout p99\"\n\"2023-10-11 14:00:00\",\"NaN\"\n\"not a time\",\"1\"\n",
    )
    .expect("write");
    let out = succeeds(
        reconstruct()
            .args(["--stats", "--format", "json"])
            .arg(dir.path()),
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "reconstruct: warning: invalid JSON at line 1 (frame.json:1): kept what came before it"
        ),
        "{said}"
    );
    assert!(
        said.contains("reconstruct: warning: empty file (empty.csv): nothing to read; skipped"),
        "{said}"
    );
    assert!(
        said.contains("1 lines in no known format, the first at line 3 (header.csv:3)"),
        "{said}"
    );
    let draft: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        draft["entries"].as_array().is_some_and(|e| !e.is_empty()),
        "the log's errors"
    );
}
