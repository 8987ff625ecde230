//! What the draft makes of what happened, from the user's side: a directory of logs in, a
//! draft out. Which change is accused and on what evidence, and what happened after the
//! window (issue 24's points 3 and 4; names and phrasings are in `tests/incidents/`).

mod common;
use common::{reconstruct, succeeds};

use serde_json::Value;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// The window of every case but one: the outage lies in it, its causes in the look-back.
const WINDOW: [&str; 4] = ["--from", "14:00", "--to", "15:00"];

/// The tool's standard output for the logs in `dir`, on the cases' day.
fn output(dir: &Path, args: &[&str]) -> Vec<u8> {
    succeeds(
        reconstruct()
            .args(["--date", "2024-03-05", "-q"])
            .args(args)
            .arg(dir),
    )
    .stdout
}

fn markdown(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(output(dir, args)).expect("utf-8")
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let args = [&["--format", "json"], args].concat();
    serde_json::from_slice(&output(dir, &args)).expect("one JSON object")
}

/// Fails, showing the draft, unless it says every one of `phrases`.
fn says(draft: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(draft.contains(phrase), "no {phrase:?} in:\n{draft}");
    }
}

/// An error line of `service`'s log every 20 s from `from` to `to` (`HH:MM`).
fn errors(service: &str, message: &str, from: (u32, u32), to: (u32, u32)) -> String {
    let mut log = String::new();
    let (start, end) = (from.0 * 3600 + from.1 * 60, to.0 * 3600 + to.1 * 60);
    for s in (start..end).step_by(20) {
        let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
        let _ = writeln!(
            log,
            "2024-03-05 {h:02}:{m:02}:{sec:02},000 ERROR {service}: {message}"
        );
    }
    log
}

/// Cart's session store times out from 14:10 to 14:40.
fn cart_errors(dir: &Path) {
    let log = errors("cart", "session store timeout", (14, 10), (14, 40));
    write(dir, "cart/app.log", &log);
}

fn alert(status: &str, starts: &str, ends: &str) -> String {
    format!(
        r#"{{"version":"4","status":"{status}","receiver":"ops","alerts":[{{"status":"{status}","labels":{{"alertname":"CartErrors","service":"cart","severity":"critical"}},"annotations":{{"summary":"cart 5xx"}},"startsAt":"2024-03-05T{starts}:00Z","endsAt":"{ends}","fingerprint":"c4r7"}}]}}"#
    )
}

/// Cart breaks at 14:10 after its deploy at 13:50; the alert resolves at 15:12 and the
/// rollback started at 14:55 finishes at 15:04, both after `--to 15:00`; errors end 14:58.
fn outage_past_the_window(dir: &Path) {
    write(
        dir,
        "cart/app.log",
        &errors("cart", "session store timeout", (14, 10), (14, 58)),
    );
    write(
        dir,
        "deploys.log",
        "2024-03-05T13:50:00Z deploy cart v5.0.0 started\n\
         2024-03-05T13:53:00Z deploy cart v5.0.0 finished\n\
         2024-03-05T14:55:00Z rollback cart to v4.9.2 started\n\
         2024-03-05T15:04:00Z rollback cart to v4.9.2 finished\n",
    );
    let fired = alert("firing", "14:12", "0001-01-01T00:00:00Z");
    let resolved = alert("resolved", "14:12", "2024-03-05T15:12:00Z");
    write(dir, "alerts.jsonl", &format!("{fired}\n{resolved}\n"));
}

#[test]
fn closures_after_the_window_are_drafted_and_marked() {
    let dir = tempfile::tempdir().expect("tempdir");
    outage_past_the_window(dir.path());
    let md = markdown(dir.path(), &WINDOW);
    says(
        &md,
        &["**Resolved** CartErrors on cart resolved after 1h00m — *after the window*"],
    );
    says(
        &md,
        &["**Rollback** cart to v4.9.2 started, finished 9m later, after the window"],
    );
    let got = json(dir.path(), &WINDOW);
    let entries = got["entries"].as_array().cloned().unwrap_or_default();
    let after: Vec<&str> = entries
        .iter()
        .filter(|e| e["after_window"] == Value::Bool(true))
        .filter_map(|e| e["summary"].as_str())
        .collect();
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].starts_with("Resolved CartErrors"), "{after:?}");
    assert!(entries
        .iter()
        .filter(|e| e["after_window"].is_null())
        .all(|e| e["time"].as_str().unwrap_or("") <= "2024-03-05T15:00:00Z"));
}

#[test]
fn a_burst_that_runs_past_the_window_recovers_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    outage_past_the_window(dir.path());
    let md = markdown(dir.path(), &["--from", "14:00", "--to", "14:30"]);
    assert!(
        md.lines()
            .any(|l| l.starts_with("- `14:57` — **Recovered** cart")
                && l.contains("*after the window*")),
        "{md}"
    );
    says(&md, &["Errors from 14:10 to 14:57"]);
}

#[test]
fn no_look_ahead_no_closures() {
    let dir = tempfile::tempdir().expect("tempdir");
    outage_past_the_window(dir.path());
    let md = markdown(
        dir.path(),
        &["--from", "14:00", "--to", "15:00", "--lookahead", "0"],
    );
    assert!(!md.contains("after the window"), "{md}");
    assert!(!md.contains("`15:12`"), "{md}");
    says(&md, &["**Rollback** cart to v4.9.2 started ["]);
    // Its errors' end is too close to the window's for the draft to call it a recovery.
    assert!(!md.contains("**Recovered**"), "{md}");
}

#[test]
fn errors_before_the_change_clear_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    cart_errors(dir.path());
    write(
        dir.path(),
        "deploys.log",
        "2024-03-05T14:20:00Z deploy cart v5.0.1 started\n\
         2024-03-05T14:22:00Z deploy cart v5.0.1 finished\n\
         2024-03-05T13:30:00Z deploy billing v2.0.0 finished\n",
    );
    let md = markdown(dir.path(), &WINDOW);
    assert!(
        !md.contains("*suspected trigger") && !md.contains("*possible trigger"),
        "{md}"
    );
    says(&md, &["Suspected trigger: none; no change in the look-back is tied to the outage (1 before it, none on a failing service or one it calls)."]);
}

#[test]
fn a_called_service_is_a_possible_trigger() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "gateway/app.log",
        &errors(
            "gateway",
            "upstream inventory:8080 timed out after 3000ms",
            (14, 10),
            (14, 40),
        ),
    );
    write(
        dir.path(),
        "deploys.log",
        "2024-03-05T13:50:00Z deploy inventory v3.1.0 finished\n\
         2024-03-05T13:20:00Z deploy billing v2.0.0 finished\n",
    );
    let md = markdown(dir.path(), &WINDOW);
    says(
        &md,
        &["*possible trigger: gateway's errors name inventory, and began 20 minutes after it*"],
    );
    says(
        &md,
        &["Possible trigger: the deploy at 13:50 (inventory v3.1.0 finished)"],
    );
}

#[test]
fn a_configuration_change_can_be_the_suspect() {
    let dir = tempfile::tempdir().expect("tempdir");
    cart_errors(dir.path());
    // An in-house configuration push (see src/classify/changes.toml).
    write(
        dir.path(),
        "config-pushes.log",
        "2024-03-05T14:05:00Z INFO config push version 42 to cart\n",
    );
    let got = json(dir.path(), &WINDOW);
    let suspect = &got["summary"]["suspect"];
    assert_eq!(suspect["kind"], "change", "{suspect}");
    assert!(
        suspect["summary"]
            .as_str()
            .unwrap_or("")
            .contains("cart's errors began 5 minutes after it"),
        "{suspect}"
    );
}

/// Cart's clock runs 40 s slow: its errors (true times 14:10 to 14:40) are logged 40 s early,
/// before the deploy at 14:09:50 that caused them; the gateway logs the same requests on time.
fn skewed_clocks(dir: &Path) {
    let (mut cart, mut gateway) = (String::new(), String::new());
    for (i, s) in (14 * 3600 + 600..14 * 3600 + 2400).step_by(20).enumerate() {
        let stamp = |s: u32| {
            format!(
                "2024-03-05T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            )
        };
        let _ = writeln!(
            cart,
            r#"{{"time":"{}","level":"error","msg":"session store timeout","request_id":"req-{i:05}"}}"#,
            stamp(s - 40)
        );
        let _ = writeln!(
            gateway,
            r#"{{"time":"{}","level":"error","msg":"upstream returned 503","request_id":"req-{i:05}"}}"#,
            stamp(s)
        );
    }
    write(dir, "cart/app.jsonl", &cart);
    write(dir, "gateway/app.jsonl", &gateway);
    write(
        dir,
        "deploys.log",
        "2024-03-05T14:09:50Z deploy cart v5.0.0 finished\n",
    );
}

#[test]
fn a_skew_the_logs_show_is_said_and_tolerated() {
    let dir = tempfile::tempdir().expect("tempdir");
    skewed_clocks(dir.path());
    let md = markdown(dir.path(), &WINDOW);
    says(&md, &["Clocks: `cart/app.jsonl` runs about 40s behind `gateway/app.jsonl` (90 of the same request ids)"]);
    says(&md, &["*suspected trigger: cart's errors began less than a minute before it, within the 40s the clocks disagree by*"]);
    let got = json(dir.path(), &WINDOW);
    assert_eq!(
        got["clocks"][0]["offset_seconds"], 40.0,
        "{}",
        got["clocks"]
    );
    assert_eq!(got["clocks"][0]["declared"], false);
}

#[test]
fn a_declared_clock_shifts_its_source_and_the_draft_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    skewed_clocks(dir.path());
    write(
        dir.path(),
        "reconstruct.toml",
        "[[source]]\nfiles = [\"cart/*\"]\nclock = \"+40s\"\n",
    );
    let md = markdown(dir.path(), &WINDOW);
    says(
        &md,
        &["Clocks: `cart/app.jsonl` shifted by +40s, as reconstruct.toml declares its clock.\n"],
    );
    assert!(!md.contains("behind"), "corrected, the logs agree: {md}");
    says(
        &md,
        &["- `14:10` — **Error** cart: first \"session store timeout\""],
    );
    says(
        &md,
        &["*suspected trigger: cart's errors began less than a minute after it*"],
    );
}

#[test]
fn a_clock_that_is_not_a_duration_is_a_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    skewed_clocks(dir.path());
    write(
        dir.path(),
        "reconstruct.toml",
        "[[source]]\nfiles = [\"cart/*\"]\nclock = \"soon\"\n",
    );
    let out = reconstruct()
        .args(["--from", "14:00", "--to", "15:00", "--date", "2024-03-05"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("clock 'soon'") && err.contains("reconstruct.toml:3"),
        "{err}"
    );
}
