//! A whole input as the pipeline reads it: sampling, format detection, every parser through
//! the per-line fallback, continuations, whole JSON documents. Every line is accounted for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reconstruct::format::{Cx, FileParser, YearAnchor};
use reconstruct::input::LineReader;
use reconstruct::time::Zone;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let mut keep = |_| true;
    let cx = Cx::new(
        Zone::utc(),
        YearAnchor::Fixed(2023),
        Arc::from("svc/app.log"),
        &mut keep,
    );
    let mut parser = FileParser::new(cx);
    let mut lines = LineReader::new(data);
    let mut count = 0;
    while let Ok(Some((n, line))) = lines.next_line() {
        parser.feed(n, line);
        count += 1;
    }
    let parsed = parser.finish();
    assert_eq!(parsed.counts.lines, count);
    assert!(parsed.counts.adds_up(), "{:?}", parsed.counts);
    assert!(parsed.events.windows(2).all(|w| w[0].time <= w[1].time));
});
