//! Hostile input, as outages leave it: each case says what a responder gets (events, warning,
//! exit status). Small cases are files in `tests/hostile/`; big or unrepresentable ones (a
//! 200 MB line, a decompression bomb, 100,000 files, a FIFO, a link loop, a growing file) are
//! made here.

mod common;
use common::{json_lines, reconstruct, succeeds};

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn hostile(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(case)
}

/// Exit code, events (JSON), standard error.
fn run(args: &[&str], path: &Path) -> (i32, Vec<Value>, String) {
    let out = reconstruct()
        .args(["--events", "--format", "json"])
        .args(args)
        .arg(path)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("runs");
    let events = json_lines(&out.stdout);
    (
        out.status.code().unwrap_or(-1),
        events,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The draft's JSON (for its stats), exit code and standard error.
fn draft(args: &[&str], path: &Path) -> (i32, Value, String) {
    let out = reconstruct()
        .args(["--format", "json"])
        .args(args)
        .arg(path)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Line `i` of a log written one line a second from 2023-10-11, saying its own number.
fn line(i: u32) -> String {
    format!(
        "2023-10-{}T{:02}:{:02}:{:02}Z INFO svc - line {i}\n",
        11 + i / 86_400,
        i / 3600 % 24,
        i / 60 % 60,
        i % 60
    )
}

/// What `copytruncate` leaves a writer to do: the file cut to nothing in place, then written
/// again. Errors are ignored: a reader may hold it at any moment.
fn truncate_and_write(path: &Path, text: &str) {
    let _ = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(0));
    let _ = fs::write(path, text);
}

fn messages(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}

fn times(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["time"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn nul_runs_and_binary_garbage_inside_a_text_log() {
    let (code, events, _) = run(&["-q"], &hostile("nul-and-binary/app.log"));
    assert_eq!(code, 0);
    let m = messages(&events);
    // The line after the NUL run (where a crash lost writes) is read; the garbage is not an event.
    assert_eq!(
        m,
        [
            "service starting",
            "restarted after crash",
            "garbage survived around me"
        ]
    );
    let (_, d, _) = draft(&["-q"], &hostile("nul-and-binary/app.log"));
    assert_eq!(
        d["stats"]["lines_by_outcome"]["unparsed"]["unrecognised"],
        2
    );
}

#[test]
fn a_binary_file_is_skipped_with_its_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blob: Vec<u8> = (0u32..20_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    fs::write(dir.path().join("core.dump"), blob).expect("write");
    fs::copy(hostile("invalid-utf8/app.log"), dir.path().join("app.log")).expect("copy");
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0);
    assert!(err.contains("binary file (core.dump)"), "{err}");
    assert_eq!(events.len(), 2);
}

#[test]
fn invalid_utf8_is_read_with_replacement_characters() {
    let (code, events, _) = run(&["-q"], &hostile("invalid-utf8/app.log"));
    assert_eq!(code, 0);
    assert_eq!(messages(&events)[0], "user caf\u{fffd} logged in");
}

#[test]
fn empty_and_whitespace_only_files() {
    let (code, _, err) = run(&[], &hostile("empty"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("empty file (empty.log)"), "{err}");
    assert!(
        err.contains("reconstruct: error: nothing could be read (no events in any input)"),
        "{err}"
    );
}

#[test]
fn a_truncated_gzip_keeps_the_lines_before_the_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            gz,
            "2023-10-11T14:{:02}:{:02}Z INFO svc - line {i}",
            i / 60 % 60,
            i % 60
        )
        .expect("write");
    }
    let bytes = gz.finish().expect("gzip");
    fs::write(
        dir.path().join("app.log.1.gz"),
        &bytes[..bytes.len() * 2 / 3],
    )
    .expect("write");
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0);
    assert!(
        events.len() > 100 && events.len() < 2000,
        "{}",
        events.len()
    );
    assert!(err.contains("(app.log.1.gz:"), "{err}");
    assert!(err.contains("kept the"), "{err}");
}

#[test]
fn a_decompression_bomb_is_stopped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    writeln!(gz, "2023-10-11T14:00:00Z INFO svc - before the bomb").expect("write");
    let blank = vec![b' '; 1 << 20];
    for _ in 0..100 {
        gz.write_all(&blank).expect("write");
        gz.write_all(b"\n").expect("write");
    }
    let bytes = gz.finish().expect("gzip");
    assert!(bytes.len() < 200 << 10, "a thousandfold: {}", bytes.len());
    fs::write(dir.path().join("bomb.log.gz"), bytes).expect("write");
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(&events), ["before the bomb"]);
    assert!(err.contains("decompression bomb"), "{err}");
}

/// The same bomb as xz, bzip2 and zstd rotations: each stopped, what came before kept. (LZ4
/// cannot expand much more than 250 times, its format's limit, and needs no guard.)
#[test]
fn bombs_of_every_compression_are_stopped() {
    let mut text = b"2023-10-11T14:00:00Z INFO svc - before the bomb\n".to_vec();
    for _ in 0..100 {
        text.extend(std::iter::repeat_n(b' ', 1 << 20));
        text.push(b'\n');
    }
    let xz = {
        let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 9);
        enc.write_all(&text).expect("write");
        enc.finish().expect("xz")
    };
    let bz = {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
        enc.write_all(&text).expect("write");
        enc.finish().expect("bzip2")
    };
    let zst = zstd::encode_all(&text[..], 19).expect("zstd");
    for (name, bytes) in [
        ("bomb.log.xz", xz),
        ("bomb.log.bz2", bz),
        ("bomb.log.zst", zst),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(bytes.len() < 400 << 10, "{name}: {} bytes", bytes.len());
        fs::write(dir.path().join(name), bytes).expect("write");
        let (code, events, err) = run(&[], dir.path());
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(messages(&events), ["before the bomb"], "{name}");
        assert!(err.contains("decompression bomb"), "{name}: {err}");
    }
}

/// Rotations compressed with xz, bzip2 and LZ4 (once skipped as binary) are read like gzip's,
/// by their magic bytes whatever their names.
#[test]
fn xz_bzip2_and_lz4_rotations_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = |n: u32| format!("2023-10-11T14:0{n}:00Z ERROR svc - rotation {n}\n");
    let xz = {
        let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 6);
        enc.write_all(line(1).as_bytes()).expect("write");
        enc.finish().expect("xz")
    };
    let bz = {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        enc.write_all(line(2).as_bytes()).expect("write");
        enc.finish().expect("bzip2")
    };
    let lz4 = {
        let mut enc = lz4_flex::frame::FrameEncoder::new(Vec::new());
        enc.write_all(line(3).as_bytes()).expect("write");
        enc.finish().expect("lz4")
    };
    fs::write(dir.path().join("app.log.3.xz"), xz).expect("write");
    fs::write(dir.path().join("app.log.2"), bz).expect("write");
    fs::write(dir.path().join("app.log.1.lz4"), lz4).expect("write");
    fs::write(dir.path().join("app.log"), line(4)).expect("write");
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        messages(&events),
        ["rotation 1", "rotation 2", "rotation 3", "rotation 4"],
        "{err}"
    );
}

/// A file name that is not UTF-8 (a Latin-1 name copied off an old host) is read and cited
/// with the bytes that are not shown as replacement characters.
#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.log");
    fs::write(
        dir.path().join(name),
        "2023-10-11T14:00:00Z ERROR svc - read all the same\n",
    )
    .expect("write");
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(&events), ["read all the same"]);
    assert_eq!(events[0]["source"]["path"], "caf\u{fffd}.log");
}

/// A sparse file of 4 GiB, a line before its hole and one written after it (as a writer
/// without O_APPEND leaves after `copytruncate`): both read, in bounded memory, each under
/// its own line number; the hole is no line of text.
#[test]
fn a_sparse_file_of_gigabytes_keeps_the_lines_around_its_hole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.log");
    let mut f = fs::File::create(&path).expect("create");
    writeln!(f, "2023-10-11T14:00:00Z ERROR svc - before the hole").expect("write");
    f.set_len(4 << 30).expect("a sparse hole");
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("append");
    writeln!(f, "2023-10-11T14:30:00Z ERROR svc - after the hole").expect("write");
    drop(f);
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(messages(&events), ["before the hole", "after the hole"]);
    let lines: Vec<&Value> = events.iter().map(|e| &e["source"]["line"]).collect();
    assert_eq!(lines, [1, 2], "{events:?}");
}

#[test]
fn a_200_mb_line_is_counted_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.log");
    let mut f = fs::File::create(&path).expect("create");
    writeln!(f, "2023-10-11T14:00:00Z INFO svc - before").expect("write");
    f.write_all(b"2023-10-11T14:00:01Z ERROR svc - huge ")
        .expect("write");
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).expect("write");
    }
    writeln!(f).expect("write");
    writeln!(f, "2023-10-11T14:00:02Z INFO svc - after").expect("write");
    drop(f);
    let (code, events, _) = run(&["-q"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(events.len(), 3);
    let m = messages(&events);
    // Cut, so that the draft and the event stream stay readable; the line is still counted.
    assert!(m[1].starts_with("huge xxx") && m[1].ends_with(" … [cut at 16 KiB]"));
    assert!(m[1].len() < 17 * 1024, "{} bytes", m[1].len());
    assert_eq!((m[0].as_str(), m[2].as_str()), ("before", "after"));
}

#[cfg(unix)]
#[test]
fn links_loops_fifos_and_unreadable_entries_are_skipped_others_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    fs::create_dir_all(logs.join("d")).expect("mkdir");
    fs::copy(hostile("invalid-utf8/app.log"), logs.join("d/app.log")).expect("copy");
    std::os::unix::fs::symlink(&logs, logs.join("d/loop")).expect("symlink");
    std::os::unix::fs::symlink(logs.join("gone.log"), logs.join("dangling.log")).expect("symlink");
    let fifo = logs.join("pipe.log");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let locked = logs.join("locked.log");
    fs::copy(hostile("clock-jump/app.log"), &locked).expect("copy");
    let closed = logs.join("closed");
    fs::create_dir(&closed).expect("mkdir");
    fs::write(
        closed.join("app.log"),
        "2023-10-11T14:00:00Z ERROR svc - behind a closed door\n",
    )
    .expect("write");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads them anyway (five events and one); anyone else is told why each was skipped.
    let readable = fs::File::open(&locked).is_ok();
    let (code, events, err) = run(&[], &logs);
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o755)).expect("chmod back");
    assert_eq!(code, 0);
    if readable {
        assert_eq!(events.len(), 2 + 5 + 1);
    } else {
        assert_eq!(events.len(), 2);
        assert!(err.contains("(locked.log): permission denied"), "{err}");
        assert!(err.contains("(closed): permission denied"), "{err}");
    }
    assert!(err.contains("(d/loop): directory link loop"), "{err}");
    assert!(
        err.contains("(dangling.log): no such file, or a link to nothing"),
        "{err}"
    );
    assert!(err.contains("(pipe.log): not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_as_an_argument_is_read_as_a_stream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let text = fs::read(hostile("invalid-utf8/app.log")).expect("read");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(fifo, text))
    };
    let (code, events, _) = run(&["-q"], &fifo);
    assert!(writer.join().is_ok_and(|w| w.is_ok()));
    assert_eq!(code, 0);
    assert_eq!(events.len(), 2);
}

#[test]
fn a_hundred_thousand_small_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..100_000 {
        let sub = dir.path().join(format!("host-{:04}", i / 100));
        if i % 100 == 0 {
            fs::create_dir(&sub).expect("mkdir");
        }
        fs::write(
            sub.join(format!("app-{i}.log")),
            format!(
                "2023-10-11T14:{:02}:{:02}Z INFO svc - file {i}\n",
                i / 60 % 60,
                i % 60
            ),
        )
        .expect("write");
    }
    // With 64 descriptors allowed, a leak of one per file would fail long before the end.
    let binary = assert_cmd::cargo::cargo_bin("reconstruct");
    let mut limited = std::process::Command::new("sh");
    limited
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(&binary)
        .args(["--events", "--format", "json", "-q"])
        .arg(dir.path());
    let out = succeeds(&mut Command::from_std(limited));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        100_000
    );
}

#[test]
fn a_file_that_grows_while_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.log");
    fs::write(&path, (0..50_000).map(line).collect::<String>()).expect("write");
    let appender = {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut f = fs::OpenOptions::new()
                .append(true)
                .open(path)
                .expect("open");
            for i in 50_000..60_000 {
                f.write_all(line(i).as_bytes()).expect("append");
            }
        })
    };
    let (code, events, _) = run(&["-q"], dir.path());
    assert!(appender.join().is_ok());
    assert_eq!(code, 0);
    // Everything there when it started, perhaps some of what came after, nothing twice.
    assert!(
        events.len() >= 50_000 && events.len() <= 60_000,
        "{}",
        events.len()
    );
    let mut lines: Vec<u64> = events
        .iter()
        .filter_map(|e| e["source"]["line"].as_u64())
        .collect();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), events.len());
}

/// A file rotated (renamed, a new one made in its place) and one truncated and written again
/// while a run reads them: the run ends normally, with each line read at most once and only
/// lines that were there.
#[test]
fn files_rotated_and_truncated_while_they_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whole: String = (0..100_000).map(line).collect();
    let (rotated, truncated) = (dir.path().join("api.log"), dir.path().join("worker.log"));
    fs::write(&rotated, &whole).expect("write");
    fs::write(&truncated, &whole).expect("write");
    let meddler = {
        let (rotated, truncated) = (rotated.clone(), truncated.clone());
        std::thread::spawn(move || {
            for round in 0..20u32 {
                let _ = fs::rename(&rotated, rotated.with_extension(format!("log.{round}")));
                let _ = fs::write(&rotated, line(round));
                truncate_and_write(&truncated, &line(round));
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let (code, events, err) = run(&["-q"], dir.path());
    assert!(meddler.join().is_ok());
    assert_eq!(code, 0, "{err}");
    let mut seen = std::collections::HashSet::new();
    for e in &events {
        let cited = (
            e["source"]["path"].as_str().unwrap_or_default().to_string(),
            e["source"]["line"].as_u64(),
        );
        assert!(seen.insert(cited.clone()), "read twice: {cited:?}");
        let message = e["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("line "), "{message}");
    }
}

/// A file large enough to be seeked, its window near the end, read with no line index: the
/// lines before the window are counted while the window is parsed. Read alone, every line is
/// cited by its number; truncated and written again while runs count it, each run ends
/// normally, citing each line at most once and only lines that were there.
#[test]
fn a_seeked_file_truncated_while_the_lines_before_its_window_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.log");
    let whole: String = (0..300_000).map(line).collect();
    fs::write(&path, &whole).expect("write");
    let window = [
        "--no-index",
        "--from",
        "2023-10-14 10:00",
        "--to",
        "2023-10-14 11:00",
    ];
    let (code, events, err) = run(&window, dir.path());
    assert_eq!((code, events.len()), (0, 3601), "{err}");
    for e in &events {
        let message = e["message"].as_str().unwrap_or_default();
        let number: Option<u64> = message.strip_prefix("line ").and_then(|n| n.parse().ok());
        assert_eq!(
            e["source"]["line"].as_u64(),
            number.map(|n| n + 1),
            "{message}"
        );
    }
    for _ in 0..3 {
        let meddler = {
            let (path, whole) = (path.clone(), whole.clone());
            std::thread::spawn(move || {
                for round in 0..10u32 {
                    truncate_and_write(&path, &line(round));
                    std::thread::sleep(std::time::Duration::from_millis(3));
                    let _ = fs::write(&path, &whole);
                }
            })
        };
        let (code, events, err) = run(&window, dir.path());
        assert!(meddler.join().is_ok());
        // Met empty, or cut below the window between the bisection and the read: it says so,
        // and as the only input, nothing could be read.
        assert!(
            code == 0
                || err.contains("empty file (app.log)")
                || err.contains("truncated while read (app.log)"),
            "{code}: {err}"
        );
        let mut seen = std::collections::HashSet::new();
        for e in &events {
            assert!(seen.insert(e["source"]["line"].as_u64()), "cited twice");
            let message = e["message"].as_str().unwrap_or_default();
            assert!(message.starts_with("line "), "{message}");
        }
    }
}

#[test]
fn lines_out_of_order_and_a_clock_jumping_back_come_out_in_time_order() {
    let (code, events, _) = run(&["-q"], &hostile("clock-jump/app.log"));
    assert_eq!(code, 0);
    assert_eq!(
        times(&events),
        [
            "2023-10-11T13:30:00Z",
            "2023-10-11T13:45:00Z",
            "2023-10-11T14:20:00Z",
            "2023-10-11T14:25:00Z",
            "2023-10-11T14:40:00Z",
        ]
    );
}

#[test]
fn a_rotated_copy_beside_its_original_is_read_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::copy(hostile("invalid-utf8/app.log"), dir.path().join("app.log")).expect("copy");
    fs::copy(
        hostile("invalid-utf8/app.log"),
        dir.path().join("app.log.bak"),
    )
    .expect("copy");
    let (code, events, err) = run(&[], dir.path());
    assert_eq!(code, 0);
    assert_eq!(events.len(), 2);
    assert!(
        err.contains("skipped (app.log.bak): the same content as app.log; read once"),
        "{err}"
    );
}

#[test]
fn a_dst_change_in_a_zone_less_log() {
    // Berlin leaves summer time at 03:00 on 2023-10-29: 02:30 happens twice; the earlier is
    // taken, and the times stay in file order.
    let (code, events, _) = run(&["-q", "--tz", "Europe/Berlin"], &hostile("dst/app.log"));
    assert_eq!(code, 0);
    assert_eq!(
        times(&events),
        [
            "2023-10-29T01:59:00+02:00",
            "2023-10-29T02:30:00+02:00",
            "2023-10-29T03:10:00+01:00",
        ]
    );
}

#[test]
fn a_leap_second_and_the_years_1970_and_2100() {
    let (code, events, _) = run(&["-q"], &hostile("edge-times/app.log"));
    assert_eq!(code, 0);
    assert_eq!(
        times(&events),
        [
            "1970-01-01T00:00:01Z",
            "2016-12-31T23:59:59.999999999Z",
            "2100-01-01T00:00:00Z",
        ]
    );
    let (code, events, _) = run(
        &[
            "-q",
            "--from",
            "2099-12-31T23:00:00Z",
            "--to",
            "2100-01-01T01:00:00Z",
        ],
        &hostile("edge-times/app.log"),
    );
    assert_eq!((code, events.len()), (0, 1));
}

#[test]
fn strict_fails_on_unparsed_lines_in_the_window_only() {
    let path = hostile("nul-and-binary/app.log");
    let (code, d, err) = draft(&["--strict", "-q"], &path);
    assert_eq!(code, 1, "{err}");
    assert!(d["entries"].is_array(), "the draft is still written");
    assert!(
        err.contains("could not be parsed (") && err.contains("app.log:3)"),
        "{err}"
    );
    let (code, _, err) = draft(
        &[
            "--strict",
            "-q",
            "--from",
            "2023-10-11T09:00:00Z",
            "--to",
            "2023-10-11T10:00:00Z",
        ],
        &path,
    );
    assert_eq!(code, 0, "{err}");
}
