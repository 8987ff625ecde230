//! Every timestamp reader on arbitrary bytes, resolved in zones with DST; what resolves prints
//! and reads back to the same instant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reconstruct::format::timestamp;
use reconstruct::time::Zone;

fuzz_target!(|data: &[u8]| {
    let zones: Vec<Zone> = ["UTC", "Europe/Berlin", "-03:30"]
        .iter()
        .filter_map(|z| Zone::parse(z).ok())
        .collect();
    let stamps = [
        timestamp::iso(data).map(|(s, _)| s),
        timestamp::clf(data).map(|(s, _)| s),
        timestamp::bsd(data).map(|(s, _)| s),
        timestamp::leading(data).map(|(s, _, _)| s),
    ];
    for stamp in stamps.into_iter().flatten() {
        for zone in &zones {
            if let Some(t) = stamp.resolve(zone) {
                let printed = zone.rfc3339(t);
                let back = timestamp::iso(printed.as_bytes()).and_then(|(s, _)| s.resolve(zone));
                assert_eq!(back, Some(t), "{printed}");
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = timestamp::epoch(text);
        let _ = timestamp::leading_epoch(text);
    }
});
