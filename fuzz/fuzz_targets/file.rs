//! A whole input as the pipeline reads it: sampling, format detection, every parser through
//! the per-line fallback, continuations, whole JSON documents. Every line is accounted for.
#![no_main]

use reconstruct::classify::Classifier;
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
        &Classifier,
    );
    let mut parser = FileParser::new(cx);
    let read = parser.read_all(&mut LineReader::new(data));
    assert!(read.is_ok(), "reading from memory cannot fail");
    let parsed = parser.finish();
    // Every line, the last one without its newline too.
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    let unended = data.last().is_some_and(|&b| b != b'\n');
    assert_eq!(
        parsed.counts.lines,
        (newlines + usize::from(unended)) as u64
    );
    assert!(parsed.counts.adds_up(), "{:?}", parsed.counts);
    assert!(parsed.events.windows(2).all(|w| w[0].time <= w[1].time));
});
