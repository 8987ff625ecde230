//! Inputs the fuzz targets (`fuzz/`) crashed on, replayed with the same checks as the targets,
//! so that a fixed crash stays fixed without running the fuzzer.

use reconstruct::classify::Classifier;
use reconstruct::format::{timestamp, Cx, FileParser, YearAnchor};
use reconstruct::input::LineReader;
use reconstruct::time::Zone;
use std::path::PathBuf;
use std::sync::Arc;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .expect("regression inputs")
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("input"))
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "{} holds inputs", dir.display());
    found
}

/// How many lines `data` holds, the last one without its newline too.
fn lines_in(data: &[u8]) -> u64 {
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    let unended = data.last().is_some_and(|&b| b != b'\n');
    (newlines + usize::from(unended)) as u64
}

/// As `fuzz/fuzz_targets/file.rs`.
#[test]
fn file_inputs_parse_and_account_for_every_line() {
    for (name, data) in inputs("file") {
        let mut keep = |_| true;
        let cx = Cx::new(
            Zone::utc(),
            YearAnchor::Fixed(2023),
            Arc::from("svc/app.log"),
            &mut keep,
            &Classifier,
        );
        let mut parser = FileParser::new(cx);
        let read = parser.read_all(&mut LineReader::new(&data[..]));
        read.expect("read from memory");
        let parsed = parser.finish();
        assert_eq!(parsed.counts.lines, lines_in(&data), "{name}");
        assert!(parsed.counts.adds_up(), "{name}: {:?}", parsed.counts);
        assert!(
            parsed.events.windows(2).all(|w| w[0].time <= w[1].time),
            "{name}"
        );
    }
}

/// As `fuzz/fuzz_targets/timestamps.rs`.
#[test]
fn timestamp_inputs_print_and_read_back() {
    for (name, data) in inputs("timestamps") {
        for zone in ["UTC", "Europe/Berlin", "-03:30"] {
            let zone = Zone::parse(zone).expect("zone");
            let stamps = [
                timestamp::iso(&data).map(|(s, _)| s),
                timestamp::clf(&data).map(|(s, _)| s),
                timestamp::bsd(&data).map(|(s, _)| s),
                timestamp::leading(&data).map(|(s, _, _)| s),
            ];
            for stamp in stamps.into_iter().flatten() {
                if let Some(t) = stamp.resolve(&zone) {
                    let printed = zone.rfc3339(t);
                    let back =
                        timestamp::iso(printed.as_bytes()).and_then(|(s, _)| s.resolve(&zone));
                    assert_eq!(back, Some(t), "{name}: {printed}");
                }
            }
        }
    }
}

/// As `fuzz/fuzz_targets/locator.rs`.
#[test]
fn locator_inputs_lock_and_read_inside_their_lines() {
    use reconstruct::time::locate;
    use reconstruct::time::lock::Lock;
    for (name, data) in inputs("locator") {
        let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').take(64).collect();
        for line in &lines {
            if let Some(found) = locate::best(line) {
                assert!(found.start < found.end && found.end <= line.len(), "{name}");
            }
        }
        let Some((lock, read)) = Lock::settle(&lines) else {
            continue;
        };
        assert!(read <= lines.len(), "{name}");
        for line in &lines {
            let Some(found) = lock.read(line) else {
                continue;
            };
            assert!(found.end <= line.len(), "{name}");
            assert!(locate::starts(line).any(|s| s == found.start), "{name}");
            assert_eq!(lock.read(line), Some(found), "{name}");
        }
    }
}
