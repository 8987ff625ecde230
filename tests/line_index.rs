//! The line index kept between runs numbers lines as counting does, and is not trusted once the
//! file no longer holds what was counted.

mod common;
use common::{reconstruct, succeeds};

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

const LATE: [&str; 4] = ["--from", "2024-03-01 20:00", "--to", "2024-03-01 21:00"];
const EARLIER: [&str; 4] = ["--from", "2024-03-01 16:00", "--to", "2024-03-01 16:30"];

/// A day of a log, one line every ~0.5 s, errors every so often: about 13 MB.
fn day() -> String {
    let mut log = String::new();
    for i in 0..170_000u64 {
        let t = i * 86_400 / 170_000;
        let level = if i % 97 == 0 { "ERROR" } else { "INFO" };
        let _ = writeln!(
            log,
            "2024-03-01 {:02}:{:02}:{:02} {level} [pool-{}] c.a.Orders - order {i} settled in {} ms",
            t / 3600,
            t / 60 % 60,
            t % 60,
            i % 4,
            i % 991
        );
    }
    log
}

/// The window's events (JSON Lines) and whether `--verbose` says the index numbered them.
fn events(cache: &Path, log: &Path, window: &[&str], index: bool) -> (String, bool) {
    let mut cmd = reconstruct();
    cmd.env("XDG_CACHE_HOME", cache)
        .args(["--events", "--format", "json", "-v"])
        .args(window)
        .arg(log);
    if !index {
        cmd.arg("--no-index");
    }
    let out = succeeds(&mut cmd);
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(notes.contains("seeked past"), "the log is seeked: {notes}");
    let indexed = notes.contains("numbered from the line index");
    let events = String::from_utf8(out.stdout).expect("utf-8");
    assert!(events.lines().count() > 1000, "{window:?} holds events");
    (events, indexed)
}

fn entries(cache: &Path) -> usize {
    fs::read_dir(cache.join("reconstruct/lines")).map_or(0, |d| d.count())
}

#[test]
fn a_second_run_numbers_lines_from_the_index_as_counting_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("orders.log");
    fs::write(&log, day()).expect("write");

    let (counted, indexed) = events(cache.path(), &log, &LATE, false);
    assert!(!indexed);
    assert_eq!(entries(cache.path()), 0, "--no-index keeps no index");

    let (first, indexed) = events(cache.path(), &log, &LATE, true);
    assert!(!indexed, "the first run counts");
    assert_eq!(first, counted);
    assert_eq!(entries(cache.path()), 1, "and keeps what it counted");

    let (again, indexed) = events(cache.path(), &log, &LATE, true);
    assert!(indexed, "the second run reads the index");
    assert_eq!(again, counted, "and cites the same lines");

    let (earlier, indexed) = events(cache.path(), &log, &EARLIER, true);
    assert!(indexed, "an earlier window uses a checkpoint before it");
    assert_eq!(earlier, events(cache.path(), &log, &EARLIER, false).0);

    // A cache that cannot be written (its directory is a file) only means counting again.
    let blocked = cache.path().join("blocked");
    fs::write(&blocked, "not a directory").expect("write");
    let (unkept, indexed) = events(&blocked, &log, &LATE, true);
    assert!(!indexed);
    assert_eq!(unkept, counted);
}

#[test]
fn an_appended_log_keeps_its_index_and_a_rewritten_one_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("orders.log");
    let original = day();
    fs::write(&log, &original).expect("write");
    events(cache.path(), &log, &LATE, true);

    // Appended to, as logs are: what was counted still holds.
    let mut grown = original.clone();
    grown.push_str("2024-03-01 23:59:59 ERROR [pool-0] c.a.Orders - order settlement stalled\n");
    fs::write(&log, &grown).expect("append");
    let (appended, indexed) = events(cache.path(), &log, &LATE, true);
    assert!(indexed, "an appended log keeps its index");
    assert_eq!(appended, events(cache.path(), &log, &LATE, false).0);

    // Rewritten in place (same file, same first 4 KiB) with lines added early on: every line
    // after them moved, and numbering from the index would cite the wrong ones.
    let at = original[8192..].find('\n').expect("a line end") + 8193;
    let rewritten = format!(
        "{}{}{}",
        &original[..at],
        "    at c.a.Orders.settle(Orders.java:88)\n".repeat(3),
        &original[at..]
    );
    fs::write(&log, &rewritten).expect("rewrite");
    let (moved, indexed) = events(cache.path(), &log, &LATE, true);
    assert!(!indexed, "a rewritten log is counted again");
    assert_eq!(moved, events(cache.path(), &log, &LATE, false).0);
    assert_ne!(moved, appended, "the citations moved by three lines");
}

/// When an entry was last written or used.
fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime")
}

fn set_modified(path: &Path, time: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .expect("set mtime");
}

#[test]
fn entries_unused_for_a_month_are_removed_and_used_ones_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("tempdir");
    let lines = cache.path().join("reconstruct/lines");
    let log = dir.path().join("orders.log");
    fs::write(&log, day()).expect("write");
    events(cache.path(), &log, &LATE, true);
    let entry = fs::read_dir(&lines)
        .expect("the index")
        .next()
        .expect("an entry")
        .expect("entry")
        .path();

    // Six weeks old, but used by this run: it is kept, and counts as used now.
    let now = SystemTime::now();
    let weeks_ago = now - Duration::from_secs(42 * 24 * 60 * 60);
    set_modified(&entry, weeks_ago);
    let (_, indexed) = events(cache.path(), &log, &LATE, true);
    assert!(indexed, "the old entry is still trusted");
    assert!(modified(&entry) > now - Duration::from_secs(3600));

    // The entry of a log long gone, and the aside of a run that died while writing one, are
    // removed once a run writes an entry; a file the index did not write is left alone.
    let gone = lines.join("fd00-1234");
    let aside = lines.join("fd00-1234.4242");
    let other = lines.join("notes.txt");
    for path in [&gone, &aside, &other] {
        fs::write(path, "old").expect("write");
        set_modified(path, weeks_ago);
    }
    let recent = lines.join("fd00-5678");
    fs::write(&recent, "recent").expect("write");
    let second = dir.path().join("payments.log");
    fs::write(&second, day()).expect("write");
    events(cache.path(), &second, &LATE, true);
    assert!(
        !gone.exists() && !aside.exists(),
        "unused for a month: removed"
    );
    assert!(other.exists() && recent.exists() && entry.exists());
    assert_eq!(
        entries(cache.path()),
        4,
        "the two logs' entries, the recent one, the other file"
    );
}
