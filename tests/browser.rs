//! The page of `--format html` and the chart of `--format svg`, loaded in a real browser:
//! Debian's Chromium, headless, which `.ci/run` installs. The page must load with nothing on
//! the console (its content security policy forbids every load, so a load it tried would be
//! an error there) and hold the lanes, bars and marks the sample's incident calls for. Without
//! Chromium the tests say so and pass, except under CI, where they fail.
//!
//! `UPDATE_GOLDEN=1` also writes the screenshot the README shows, `tests/golden/sample.png`.

mod common;
use common::{reconstruct, succeeds};

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM").map(PathBuf::from).or_else(|| {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    });
    match found {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI runs these tests in Chromium: install Debian's chromium")
        }
        None => {
            eprintln!("no Chromium (/usr/bin/chromium, or CHROMIUM): skipped");
            None
        }
    }
}

/// What the browser made of `page`: its DOM after loading, and its console's lines.
fn load(browser: &Path, page: &Path, extra: &[&str]) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().expect("a profile directory");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// The DOM `page` loads into, which must load with nothing on the console.
fn dom(browser: &Path, page: &Path) -> String {
    let (dom, console) = load(browser, page, &["--dump-dom"]);
    assert!(
        console.is_empty(),
        "the console of {}: {console:#?}",
        page.display()
    );
    dom
}

fn sample_logs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs")
}

/// What `reconstruct ARGS INPUTS` writes, kept as `dir/name`.
fn render(dir: &Path, name: &str, args: &[&str], inputs: &[&Path]) -> PathBuf {
    let out = succeeds(reconstruct().args(args).args(inputs));
    let path = dir.join(name);
    std::fs::write(&path, &out.stdout).expect("the page");
    path
}

#[test]
fn the_sample_page_loads_clean_with_its_lanes_and_marks() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let page = render(
        dir.path(),
        "sample.html",
        &["--from", "14:00", "--to", "16:00", "--format", "html"],
        &[&sample_logs()],
    );
    let dom = dom(&browser, &page);
    assert!(dom.contains("<h1>Timeline</h1>"), "{dom:.500}");
    let count = |needle: &str| dom.matches(needle).count();
    // checkout, gateway, payments, and the OOM-killed java: the services with errors.
    assert_eq!(count("<g class=\"lane\""), 4);
    for service in ["checkout", "gateway", "payments", "java"] {
        assert!(
            dom.contains(&format!("data-service=\"{service}\"")),
            "{service}"
        );
    }
    // HighErrorRate, CheckoutPodCrashLooping and PaymentsUpstreamLatency, each resolved.
    assert_eq!(count("<a class=\"alert\""), 3);
    assert!(!dom.contains("still firing"));
    // The deploy (the suspect) and the rollback.
    assert_eq!(count("<a class=\"change suspect\""), 1);
    assert_eq!(count("<a class=\"change\""), 1);
    // Begins, detected, mitigation, recovered.
    assert_eq!(count("<a class=\"milestone\""), 4);
    assert_eq!(count("<li id=\"entry-"), 21);
    // Every mark's link finds its row.
    for href in dom.split("href=\"#").skip(1) {
        let id = href.split('"').next().unwrap_or("");
        assert!(dom.contains(&format!("id=\"{id}\"")), "no row {id}");
    }
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sample.png");
        let (_, console) = load(
            &browser,
            &page,
            &[
                "--hide-scrollbars",
                "--window-size=1200,1020",
                &format!("--screenshot={}", shot.display()),
            ],
        );
        assert!(console.is_empty(), "{console:#?}");
    }
}

#[test]
fn the_chart_alone_is_an_svg_document_and_an_empty_window_says_why() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = render(
        dir.path(),
        "sample.svg",
        &["--from", "14:00", "--to", "16:00", "--format", "svg"],
        &[&sample_logs()],
    );
    let svg = dom(&browser, &chart);
    // A malformed document shows Chromium's XML error page instead.
    assert!(!svg.contains("error on line"), "{svg:.800}");
    assert!(
        svg.trim_start().starts_with("<svg") && svg.contains("class=\"reconstruct\""),
        "{svg:.300}"
    );
    assert_eq!(svg.matches("<g class=\"lane\"").count(), 4);
    let page = render(
        dir.path(),
        "empty.html",
        &[
            "--from",
            "03:00",
            "--to",
            "03:05",
            "--date",
            "2025-03-18",
            "--lookback",
            "0",
            "--format",
            "html",
        ],
        &[&sample_logs()],
    );
    let empty = dom(&browser, &page);
    assert!(
        empty.contains("Nothing in the window that a timeline would keep"),
        "{empty:.2000}"
    );
    assert!(empty.contains("<svg class=\"reconstruct\""));
}

/// A large incident: 50 services with 20 kinds of error each (1,000 entries), 40 deploys and
/// 30 alerts. The page still loads clean; the lanes fold to twelve, the alert bars stop at
/// ten and say how many more, every entry has its row.
#[test]
fn a_thousand_entries_and_fifty_services_stay_readable() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra",
        "tango",
    ];
    for s in 0..50 {
        let service = logs.join(format!("svc-{s:02}"));
        std::fs::create_dir_all(&service).expect("a directory");
        let mut text = String::new();
        let mut lines = Vec::new();
        for w in 0..words.len() {
            // Twenty errors of as many words each, so that none folds into another; each
            // three times, since one alone is no entry of its own.
            let message = words[..=w].join(" ");
            for again in 0..3 {
                let minute = (s + w * 3 + again) % 110;
                lines.push((
                    minute,
                    format!(
                        "2025-03-18T{:02}:{:02}:07Z ERROR {message} failed for svc-{s:02}\n",
                        14 + minute / 60,
                        minute % 60
                    ),
                ));
            }
        }
        lines.sort();
        for (_, line) in lines {
            text += &line;
        }
        std::fs::write(service.join("app.log"), text).expect("a log");
    }
    let mut deploys = String::new();
    let mut alerts = String::new();
    for i in 0..40 {
        deploys += &format!(
            "2025-03-18T{:02}:{:02}:00Z INFO deploy svc-{i:02} v1.{i}.0 started by ci\n",
            12 + i / 20,
            (i * 3) % 60
        );
    }
    for i in 0..30 {
        alerts += &format!(
            r#"{{"version":"4","status":"firing","receiver":"pager","alerts":[{{"status":"firing","labels":{{"alertname":"Alert{i:02}","service":"svc-{i:02}"}},"annotations":{{"summary":"svc-{i:02} is failing"}},"startsAt":"2025-03-18T14:{i:02}:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f{i:02}"}}]}}"#
        );
        alerts.push('\n');
    }
    std::fs::create_dir_all(logs.join("deploy")).expect("a directory");
    std::fs::create_dir_all(logs.join("alerts")).expect("a directory");
    std::fs::write(logs.join("deploy/deploys.log"), deploys).expect("a log");
    std::fs::write(logs.join("alerts/alertmanager.jsonl"), alerts).expect("a log");
    let page = render(
        dir.path(),
        "large.html",
        &[
            "--from",
            "14:00",
            "--to",
            "16:00",
            "--format",
            "html",
            "--max-entries",
            "2000",
        ],
        &[&logs],
    );
    let dom = dom(&browser, &page);
    let count = |needle: &str| dom.matches(needle).count();
    assert_eq!(count("<g class=\"lane\""), 12);
    assert!(dom.contains("data-service=\"39 more services\""));
    assert_eq!(count("<a class=\"alert\""), 10);
    assert!(dom.contains("and 20 more alerts, in the draft below"));
    assert!(
        count("<li id=\"entry-") >= 1000,
        "{}",
        count("<li id=\"entry-")
    );
}

/// A Prometheus export beside the sample's logs: its series is a lane of its own, its breach
/// shaded there and linked to its entry.
#[test]
fn a_metric_series_is_drawn_with_its_breach() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut values = Vec::new();
    for i in 0..480 {
        let t = 1_742_299_200 + i * 30; // from 12:00, every 30 s
        let v = if (1_742_306_550..=1_742_309_400).contains(&t) {
            4.2 + 0.6 * f64::from((i % 5) as u8)
        } else {
            0.28 + 0.02 * f64::from((i % 4) as u8)
        };
        values.push(format!("[{t},\"{v:.3}\"]"));
    }
    let export = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"__name__":"checkout_p99","job":"checkout"}},"values":[{}]}}]}}}}"#,
        values.join(",")
    );
    let metrics = dir.path().join("metrics");
    std::fs::create_dir(&metrics).expect("a directory");
    std::fs::write(metrics.join("checkout-p99.json"), export).expect("write");
    let page = render(
        dir.path(),
        "metric.html",
        &["--from", "14:00", "--to", "16:00", "--format", "html"],
        &[&sample_logs(), &metrics],
    );
    let dom = dom(&browser, &page);
    assert_eq!(dom.matches("<g class=\"metric\"").count(), 1);
    assert_eq!(dom.matches("<a class=\"breach\"").count(), 1);
    assert!(dom.contains("checkout_p99{job=\"checkout\"} above its baseline from 14:02 to 14:50"));
}
