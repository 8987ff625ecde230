//! Seeking to the window gives the same events and draft as reading every byte, on files
//! built to trip it: local disorder within the allowed skew, gaps of hours, lines without a
//! time (stack traces), a file made of two sorted runs concatenated (whose order breaks by a
//! day, so it must be read whole), and windows at the start, middle and end.

mod common;
use common::{reconstruct, succeeds};

use serde_json::Value;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn run(dir: &Path, args: &[&str], full_scan: bool) -> (String, Value) {
    let mut events = reconstruct();
    let mut draft = reconstruct();
    if full_scan {
        events.env("RECONSTRUCT_FULL_SCAN", "1");
        draft.env("RECONSTRUCT_FULL_SCAN", "1");
    }
    let events = events
        .args(["--events", "--format", "json", "-q"])
        .args(args)
        .arg(dir)
        .output()
        .expect("runs");
    let draft = draft
        .args(["--format", "json", "-q"])
        .args(args)
        .arg(dir)
        .output()
        .expect("runs");
    assert!(events.status.success() && draft.status.success());
    let mut draft: Value = serde_json::from_slice(&draft.stdout).expect("json");
    // What was read differs by design (the tail after the window is skipped); what was found must not.
    draft["stats"] = Value::Null;
    (String::from_utf8(events.stdout).expect("utf-8"), draft)
}

fn clock(second: u64) -> String {
    let (h, m, s) = (second / 3600 % 24, second / 60 % 60, second % 60);
    format!("2024-02-0{} {h:02}:{m:02}:{s:02}", 1 + second / 86_400)
}

/// Two days of a sorted log with local disorder, gaps and stack traces (`jobs.log`), and the
/// same days as two sorted runs concatenated in the wrong order (`disk.log`); both large
/// enough to be seeked.
fn two_days() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ordered = String::new();
    let mut messy = String::new();
    // Two days, one line every ~1 s, with a silent gap from 10:00 to 13:00 on day two.
    for i in 0..170_000u64 {
        let mut t = i * 86_400 * 2 / 170_000;
        if (86_400 + 10 * 3600..86_400 + 13 * 3600).contains(&t) {
            continue;
        }
        // Threads interleave: a line may be up to 30 s behind the one before it.
        if i % 17 == 0 {
            t = t.saturating_sub(30);
        }
        let level = if (86_400 + 14 * 3600..86_400 + 15 * 3600).contains(&t) && i % 5 == 0 {
            "ERROR"
        } else {
            "INFO"
        };
        let _ = writeln!(
            ordered,
            "{} {level} [worker-{}] c.a.Job - job {i} took {} ms",
            clock(t),
            i % 8,
            i % 997
        );
        if i % 1000 == 0 {
            ordered.push_str("java.lang.IllegalStateException: retry budget spent\n\tat c.a.Job.run(Job.java:42)\n");
        }
        let _ = writeln!(
            messy,
            "{} WARN [io] c.a.Disk - disk latency {} ms on volume {}",
            clock(t),
            i % 400,
            i % 3
        );
    }
    // The second day before the first, as `cat` of two rotations in the wrong order leaves it.
    let half = messy.len() / 2 + messy[messy.len() / 2..].find('\n').map_or(0, |i| i + 1);
    let swapped = format!("{}{}", &messy[half..], &messy[..half]);
    fs::write(dir.path().join("jobs.log"), &ordered).expect("write");
    fs::write(dir.path().join("disk.log"), &swapped).expect("write");
    assert!(
        swapped.len() > 8 << 20,
        "big enough to be seeked, were it in order"
    );
    assert!(ordered.len() > 8 << 20, "big enough to be seeked");
    dir
}

/// Windows at the start, middle and end, one that an earlier one's look-back overlaps, and one
/// open to the end.
const WINDOWS: [&[&str]; 5] = [
    &["--from", "2024-02-01 00:00", "--to", "2024-02-01 01:00"],
    &["--from", "2024-02-02 09:30", "--to", "2024-02-02 13:30"],
    &["--from", "2024-02-02 14:00", "--to", "2024-02-02 16:00"],
    &["--from", "2024-02-02 23:00", "--to", "2024-02-02 23:59:59"],
    &["--from", "2024-02-02 12:00"],
];

#[test]
fn seeking_finds_what_a_full_scan_finds() {
    let seeked = |dir: &Path, name: &str| {
        let out = reconstruct()
            .args([
                "-v",
                "--from",
                "2024-02-02 14:00",
                "--to",
                "2024-02-02 16:00",
            ])
            .arg(dir)
            .output()
            .expect("runs");
        let notes = String::from_utf8_lossy(&out.stderr).into_owned();
        notes
            .lines()
            .any(|l| l.starts_with(&format!("reconstruct: {name}: ")) && l.contains("seeked past"))
    };
    let dir = two_days();
    assert!(seeked(dir.path(), "jobs.log"), "the ordered file is seeked");
    assert!(
        !seeked(dir.path(), "disk.log"),
        "the concatenated file is read whole"
    );
    for window in WINDOWS {
        let (seeked_events, seeked_draft) = run(dir.path(), window, false);
        let (full_events, full_draft) = run(dir.path(), window, true);
        assert!(!full_events.is_empty(), "{window:?} holds events");
        if seeked_events != full_events {
            let first = seeked_events
                .lines()
                .zip(full_events.lines())
                .position(|(a, b)| a != b);
            panic!(
                "events differ for {window:?} from line {first:?} ({} vs {} lines)",
                seeked_events.lines().count(),
                full_events.lines().count()
            );
        }
        assert_eq!(seeked_draft, full_draft, "drafts differ for {window:?}");
    }
}

/// A batch reads each seekable file once per stretch of windows and each other file once:
/// every incident's events and draft are still those of its own run.
#[test]
fn a_batch_finds_what_each_run_finds() {
    let dir = two_days();
    let mut list = format!("paths = [{:?}]\n", dir.path());
    for (i, window) in WINDOWS.iter().enumerate() {
        list += &format!("\n[[incident]]\nname = \"w{i}\"\n");
        for pair in window.chunks(2) {
            list += &format!("{} = \"{}\"\n", pair[0].trim_start_matches('-'), pair[1]);
        }
    }
    let lists = tempfile::tempdir().expect("tempdir");
    fs::write(lists.path().join("all.toml"), list).expect("write");
    for events in [true, false] {
        let out = lists.path().join(format!("events-{events}"));
        let mut batch = reconstruct();
        if events {
            batch.arg("--events");
        }
        let ran = succeeds(
            batch
                .args(["-v", "--format", "json", "--incidents"])
                .arg(lists.path().join("all.toml"))
                .arg("-o")
                .arg(&out),
        );
        // How each incident's share of jobs.log was read: windows whose ranges overlap (w1 to
        // w4, the last open to the end) share one read, the same seek; w0, a day earlier, is
        // read on its own, from the file's start.
        let notes = String::from_utf8_lossy(&ran.stderr);
        let reading = |incident: &str| {
            notes
                .lines()
                .find_map(|l| l.strip_prefix(&format!("reconstruct: {incident}: jobs.log: ")))
                .and_then(|l| {
                    l.split(", ").find(|part| {
                        ["read ", "seeked ", "passed "]
                            .iter()
                            .any(|how| part.starts_with(how))
                    })
                })
                .map(str::to_string)
                .unwrap_or_default()
        };
        assert!(reading("w1").starts_with("seeked past"), "{notes}");
        for overlapping in ["w2", "w3", "w4"] {
            assert_eq!(reading(overlapping), reading("w1"), "one read: {notes}");
        }
        assert_eq!(reading("w0"), "read from the start", "{notes}");
        for (i, window) in WINDOWS.iter().enumerate() {
            let (alone_events, alone_draft) = run(dir.path(), window, false);
            if events {
                let got = fs::read_to_string(out.join(format!("w{i}.jsonl"))).expect("events");
                assert!(got == alone_events, "events differ for {window:?}");
            } else {
                let got = fs::read(out.join(format!("w{i}.json"))).expect("draft");
                let mut got: Value = serde_json::from_slice(&got).expect("json");
                got["stats"] = Value::Null;
                assert_eq!(got, alone_draft, "drafts differ for {window:?}");
            }
        }
    }
}

#[test]
fn skipping_rotations_finds_what_a_full_scan_finds() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    // Four days of a job that runs every ten seconds, rotated daily: today plain, the three
    // days before gzipped (each larger than the blocks a rotation is passed over in).
    for day in 0..4u64 {
        let mut text = String::new();
        for tick in 0..24 * 360 {
            let t = (3 - day) * 86_400 + tick * 10;
            let level = if tick % 97 == 0 { "ERROR" } else { "INFO" };
            let _ = writeln!(
                text,
                "{} {level} [cron] c.a.Job - run {tick} of day {}",
                clock(t),
                3 - day
            );
        }
        if day == 0 {
            fs::write(dir.path().join("job.log"), text).expect("write");
        } else {
            let file =
                fs::File::create(dir.path().join(format!("job.log.{day}.gz"))).expect("create");
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            gz.write_all(text.as_bytes()).expect("compress");
            gz.finish().expect("finish");
        }
    }
    let verbose = reconstruct()
        .args([
            "-v",
            "--from",
            "2024-02-02 10:00",
            "--to",
            "2024-02-02 12:00",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let notes = String::from_utf8_lossy(&verbose.stderr);
    assert_eq!(
        notes.matches("not read:").count(),
        2,
        "the day before and the day after are not decompressed:\n{notes}"
    );
    assert!(
        notes
            .lines()
            .any(|l| l.contains("job.log.2.gz: ") && l.contains("passed over")),
        "the window's day is passed over up to the window, not parsed:\n{notes}"
    );
    for window in [
        &["--from", "2024-02-02 10:00", "--to", "2024-02-02 12:00"][..],
        &["--from", "2024-02-01 23:00", "--to", "2024-02-02 01:00"],
        &["--from", "2024-02-04 10:00", "--to", "2024-02-04 12:00"],
    ] {
        let (narrowed, narrowed_draft) = run(dir.path(), window, false);
        let (full, full_draft) = run(dir.path(), window, true);
        assert!(!full.is_empty(), "{window:?} holds events");
        assert_eq!(narrowed, full, "events differ for {window:?}");
        assert_eq!(narrowed_draft, full_draft, "drafts differ for {window:?}");
    }
}

/// A large file read whole (no window) is read in parallel stretches; the events, the draft
/// and every count (line numbers, continuations, unparsed lines) are those of one pass. The
/// file has what could break at a stretch's edge: stack traces, a Go panic, garbage, blank
/// lines, lines out of order and a gap.
#[test]
fn reading_in_parallel_stretches_finds_what_one_pass_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    for i in 0..280_000u64 {
        let mut t = i * 86_400 / 280_000;
        if (10 * 3600..11 * 3600).contains(&t) {
            continue;
        }
        if i % 13 == 0 {
            t = t.saturating_sub(20);
        }
        let level = if i % 7 == 0 { "ERROR" } else { "INFO" };
        let _ = writeln!(
            text,
            "{} {level} [worker-{}] c.a.Job - job {i} took {} ms",
            clock(t),
            i % 8,
            i % 997
        );
        match i % 500 {
            0 => text.push_str("java.lang.IllegalStateException: retry budget spent\n\tat c.a.Job.run(Job.java:42)\n\tat c.a.Pool.go(Pool.java:7)\n"),
            100 => text.push_str("panic: runtime error: index out of range\n\ngoroutine 7 [running]:\n"),
            200 => text.push_str("\u{1}\u{2} torn write \u{7f}\n"),
            300 => text.push('\n'),
            _ => {}
        }
    }
    assert!(text.len() > 16 << 20, "big enough to be read in stretches");
    fs::write(dir.path().join("jobs.log"), &text).expect("write");
    let out = |full_scan: bool, args: &[&str]| {
        let mut cmd = reconstruct();
        if full_scan {
            cmd.env("RECONSTRUCT_FULL_SCAN", "1");
        }
        let out = succeeds(cmd.arg("-q").args(args).arg(dir.path()));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let notes = reconstruct()
        .arg("-v")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&notes.stderr).contains("parallel stretches"),
        "the file is read in stretches"
    );
    for args in [&["--events", "--format", "json"][..], &["--format", "json"]] {
        let (stretches, one_pass) = (out(false, args), out(true, args));
        if stretches != one_pass {
            let first = stretches
                .lines()
                .zip(one_pass.lines())
                .position(|(a, b)| a != b);
            panic!("{args:?} differ from line {first:?}");
        }
    }
}

/// A file no hand-written reader takes, read where its lock puts the time (Tomcat's layout,
/// with dates, clocks and epoch numbers in its messages and traces), is seeked to a window and
/// read in parallel stretches, each from the lock its head settled, and finds what one pass
/// finds.
#[test]
fn a_file_read_by_its_lock_seeks_and_stretches_as_one_pass_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    for i in 0..180_000u64 {
        let t = i * 86_400 * 2 / 180_000;
        let (day, h, m, s) = (1 + t / 86_400, t / 3600 % 24, t / 60 % 60, t % 60);
        let level = if i % 9 == 0 { "SEVERE" } else { "INFO" };
        let _ = writeln!(
            text,
            "{day:02}-Jan-2024 {h:02}:{m:02}:{s:02}.{:03} {level} [exec-{}] o.a.c.Valve.invoke job {} at 2023-01-01 00:00:00 id {}",
            i % 1000,
            i % 8,
            i,
            1_600_000_000 + i
        );
        if i % 700 == 0 {
            text.push_str("java.lang.IllegalStateException: since 12:00:00 (1700000000)\n\tat c.a.Job.run(Job.java:42)\n");
        }
    }
    assert!(
        text.len() > 16 << 20,
        "big enough to be seeked and read in stretches"
    );
    fs::write(dir.path().join("catalina.out"), &text).expect("write");
    let notes = |args: &[&str]| {
        let out = reconstruct()
            .arg("-v")
            .args(args)
            .arg(dir.path())
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let window = ["--from", "2024-01-02 14:00", "--to", "2024-01-02 15:00"];
    let seeked = notes(&window);
    assert!(
        seeked.contains("at token 1") && seeked.contains("seeked past"),
        "{seeked}"
    );
    assert!(
        notes(&[]).contains("parallel stretches"),
        "read in stretches"
    );
    let (seeked_events, seeked_draft) = run(dir.path(), &window, false);
    let (full_events, full_draft) = run(dir.path(), &window, true);
    assert!(!full_events.is_empty());
    assert!(seeked_events == full_events, "the window's events differ");
    assert_eq!(seeked_draft, full_draft);
    let whole = |full_scan: bool| {
        let mut cmd = reconstruct();
        if full_scan {
            cmd.env("RECONSTRUCT_FULL_SCAN", "1");
        }
        let out = succeeds(
            cmd.args(["-q", "--events", "--format", "json"])
                .arg(dir.path()),
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert!(
        whole(false) == whole(true),
        "stretches differ from one pass"
    );
}
