//! Throughput of the hot paths on the sample incident's own files: line framing, timestamp
//! parsing per layout family, JSON timestamp extraction (what seeking and the window filter
//! pay per line), format detection, whole-file parsing per format, the merge, and folding a
//! window's events into the draft's templates. Run with `cargo bench --bench hot_paths`.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use reconstruct::classify::Classifier;
use reconstruct::correlate::{build, merge, Merged, Settings, Window};
use reconstruct::format::{timestamp, Clock, Cx, FileParser, Keep, Parsed, YearAnchor};
use reconstruct::input::LineReader;
use reconstruct::time::{Nanos, Zone};
use reconstruct::traffic::Requests;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

fn sample(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample-logs")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn framing(c: &mut Criterion) {
    let data = sample("gateway/access.log");
    let mut g = c.benchmark_group("framing");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("access.log", |b| {
        b.iter(|| {
            let mut lines = LineReader::new(&data[..]);
            let mut n = 0usize;
            let read = lines.each(|_, l| {
                n += l.bytes().len();
                ControlFlow::Continue(())
            });
            black_box((read.is_ok(), n))
        })
    });
    // The peer: the standard library's buffered line reading over the same bytes.
    g.bench_function("std read_until (peer)", |b| {
        b.iter(|| {
            use std::io::BufRead;
            let mut reader = std::io::BufReader::with_capacity(64 * 1024, &data[..]);
            let mut line = Vec::new();
            let mut n = 0usize;
            while reader.read_until(b'\n', &mut line).is_ok_and(|r| r > 0) {
                n += line.len();
                line.clear();
            }
            black_box(n)
        })
    });
    g.finish();
}

type StampParser = fn(&[u8]) -> Option<(timestamp::Stamp, usize)>;

fn timestamps(c: &mut Criterion) {
    let mut g = c.benchmark_group("timestamp");
    let cases: [(&str, &[u8], StampParser); 3] = [
        ("iso", b"2025-03-18T14:02:14.124Z ERROR x", timestamp::iso),
        ("clf", b"18/Mar/2025:14:02:14 +0000] \"GET", timestamp::clf),
        ("bsd", b"Mar 18 14:07:41 node-2 kernel:", timestamp::bsd),
    ];
    for (name, text, parse) in cases {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(parse(black_box(text)))));
    }
    // The peer: chrono's pattern-interpreting parser on the same ISO timestamp.
    let iso_text = "2025-03-18T14:02:14.124Z";
    g.throughput(Throughput::Bytes(iso_text.len() as u64));
    g.bench_function("iso chrono parse_from_str (peer)", |b| {
        b.iter(|| {
            black_box(chrono::NaiveDateTime::parse_from_str(
                black_box(iso_text),
                "%Y-%m-%dT%H:%M:%S%.fZ",
            ))
        })
    });
    g.finish();
}

/// Parses a whole file keeping events in a two-hour window, as a run does.
fn parse_file(data: &[u8], path: &str) -> usize {
    let (from, to): (Nanos, Nanos) = (1_742_306_400_000_000_000, 1_742_313_600_000_000_000);
    let mut keep = |t: Nanos| t >= from && t <= to;
    let cx = Cx::new(
        Zone::utc(),
        YearAnchor::Fixed(2025),
        Arc::from(path),
        &mut keep,
        &Classifier,
    );
    let mut parser = FileParser::new(cx);
    let read = parser.read_all(&mut LineReader::new(data));
    read.unwrap_or_else(|e| panic!("read from memory: {e}"));
    parser.finish().events.len()
}

fn formats(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.sample_size(20);
    for (name, rel) in [
        ("access-log", "gateway/access.log"),
        ("spring-text", "checkout/app.log"),
        ("json", "payments/payments.jsonl"),
        ("logfmt", "inventory/inventory.log"),
        ("syslog", "nodes/node-2/syslog"),
    ] {
        let data = sample(rel);
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(parse_file(&data, rel))));
    }
    g.finish();
}

/// A sample file parsed: every event, or for a draft only what it uses and the requests counted.
fn parsed(rel: &str, keeping: Keep) -> Parsed {
    let data = sample(rel);
    let mut keep = |_: Nanos| true;
    let cx = Cx::new(
        Zone::utc(),
        YearAnchor::Fixed(2025),
        Arc::from(rel),
        &mut keep,
        &Classifier,
    );
    let mut parser = FileParser::new(cx).keeping(keeping);
    let read = parser.read_all(&mut LineReader::new(&data[..]));
    read.unwrap_or_else(|e| panic!("read from memory: {e}"));
    parser.finish()
}

fn merging(c: &mut Criterion) {
    let runs: Vec<_> = [
        "gateway/access.log",
        "checkout/app.log",
        "payments/payments.jsonl",
        "inventory/inventory.log",
    ]
    .iter()
    .map(|rel| parsed(rel, Keep::All).events)
    .collect();
    let total: usize = runs.iter().map(Vec::len).sum();
    let mut g = c.benchmark_group("merge");
    g.throughput(Throughput::Elements(total as u64));
    // What a run's draft and event stream pay: the events read in order where they lie.
    g.bench_function("four runs, by reference", |b| {
        b.iter(|| black_box(Merged::new(&runs).map(|e| e.source.line).sum::<u64>()))
    });
    // What one file's parallel stretches and the live mode pay: the events moved into one list.
    g.bench_function("four runs, moved", |b| {
        b.iter_batched(
            || runs.clone(),
            |r| black_box(merge(r)),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// A line's time only, as the seeker and the window filter read it: no event is built.
fn json_time(c: &mut Criterion) {
    let data = sample("payments/payments.jsonl");
    let lines: Vec<&[u8]> = data
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let found = std::cell::Cell::new(0i64);
    let mut capture = |t: Nanos| {
        found.set(t);
        false
    };
    let cx = Cx::new(
        Zone::utc(),
        YearAnchor::Fixed(2025),
        Arc::from("payments.jsonl"),
        &mut capture,
        &Classifier,
    );
    let mut clock = Clock::new(cx, &lines[..64]).expect("a JSON sample");
    let mut g = c.benchmark_group("json-time");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("payments.jsonl", |b| {
        b.iter(|| {
            for line in &lines {
                clock.feed(line);
            }
            black_box(found.get())
        })
    });
    g.finish();
}

/// Choosing a file's format from its first 64 lines.
fn detection(c: &mut Criterion) {
    let mut g = c.benchmark_group("detect");
    for rel in [
        "gateway/access.log",
        "checkout/app.log",
        "payments/payments.jsonl",
        "nodes/node-2/syslog",
    ] {
        let data = sample(rel);
        let lines: Vec<&[u8]> = data.split(|b| *b == b'\n').take(64).collect();
        g.throughput(Throughput::Bytes(
            lines.iter().map(|l| l.len() as u64 + 1).sum(),
        ));
        g.bench_function(rel, |b| {
            b.iter(|| {
                let cx = Cx::new(
                    Zone::utc(),
                    YearAnchor::Fixed(2025),
                    Arc::from(rel),
                    |_: Nanos| false,
                    &Classifier,
                );
                black_box(Clock::new(cx, &lines).is_some())
            })
        });
    }
    g.finish();
}

/// Folding a window's events into the draft: templates, baselines, onsets, pairs.
fn folding(c: &mut Criterion) {
    let window = Window {
        lookback: 1_742_299_200_000_000_000,
        from: 1_742_306_400_000_000_000,
        to: 1_742_313_600_000_000_000,
        ahead: 1_742_313_600_000_000_000,
    };
    let settings = Settings {
        max_entries: 25,
        slow: 1_000_000_000,
    };
    let mut requests = Requests::new(Some(window.from), settings.slow);
    let mut runs = Vec::new();
    for rel in [
        "checkout/app.log",
        "gateway/access.log",
        "payments/payments.jsonl",
    ] {
        let p = parsed(
            rel,
            Keep::Notable(Requests::new(Some(window.from), settings.slow)),
        );
        if let Some(counted) = &p.requests {
            requests.absorb(counted);
        }
        runs.push(p.events);
    }
    let events = merge(runs);
    let mut g = c.benchmark_group("fold");
    g.throughput(Throughput::Elements(events.len() as u64));
    g.bench_function("draft of the sample window", |b| {
        b.iter(|| black_box(build(&events, &requests, window, settings)))
    });
    g.finish();
}

criterion_group!(benches, framing, timestamps, json_time, detection, formats, merging, folding);
criterion_main!(benches);
