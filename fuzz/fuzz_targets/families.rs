//! Each parser family alone (JSON and its alerting/deploy dialects, syslog, access logs,
//! logfmt, timestamped text and its layouts) on one arbitrary line, in an arbitrary zone.
#![no_main]

use reconstruct::classify::Classifier;
use libfuzzer_sys::fuzz_target;
use reconstruct::format::{Cx, YearAnchor, ALL};
use reconstruct::time::Zone;
use std::sync::Arc;

fuzz_target!(|input: (u8, u8, &str)| {
    let (family, zone, line) = input;
    let zones = ["UTC", "Europe/Berlin", "+05:30", "America/St_Johns"];
    let Ok(zone) = Zone::parse(zones[usize::from(zone) % zones.len()]) else {
        return;
    };
    let mut keep = |_| true;
    let mut cx = Cx::new(
        zone,
        YearAnchor::Near(1_697_032_800_000_000_000),
        Arc::from("k8s/events.json"),
        &mut keep,
        &Classifier,
    );
    let mut out = Vec::new();
    ALL[usize::from(family) % ALL.len()].parse(line, &mut cx, &mut out);
});
