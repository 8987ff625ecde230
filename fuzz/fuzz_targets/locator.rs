//! The locator and the lock on arbitrary lines: a lock settled from them reads each line at a
//! token start, inside the line, the same way twice, and what it reads resolves or is refused
//! without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reconstruct::time::layout::Reading;
use reconstruct::time::locate;
use reconstruct::time::lock::Lock;
use reconstruct::time::Zone;

fuzz_target!(|data: &[u8]| {
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').take(64).collect();
    for line in &lines {
        if let Some(found) = locate::best(line) {
            assert!(found.start < found.end && found.end <= line.len());
        }
    }
    let Some((lock, read)) = Lock::settle(&lines) else {
        return;
    };
    assert!(read <= lines.len());
    for line in &lines {
        let Some(found) = lock.read(line) else {
            continue;
        };
        assert!(found.start < found.end && found.end <= line.len());
        assert!(locate::starts(line).any(|s| s == found.start));
        assert_eq!(lock.read(line), Some(found));
        if let Reading::Stamp(stamp, _) = found.reading {
            let _ = stamp.resolve(&Zone::utc());
        }
        let _ = lock.level(line, &found);
    }
});
