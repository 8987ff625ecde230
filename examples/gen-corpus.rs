//! Writes a benchmark corpus: a week of logs from a small fleet, in five formats across ten
//! files, with an incident on the fifth day (2025-06-05, 14:00–16:00 UTC). Deterministic. Nothing
//! of it is committed.
//!
//! ```text
//! cargo run --release --example gen-corpus -- --size 2GB OUT/
//! cargo run --release --example gen-corpus -- --size 2GB --gzip OUT-gz/
//! cargo run --release --example gen-corpus -- --size 8GB --days 28 OUT/
//! ```
//!
//! With `--gzip` each file is rotated daily as logrotate leaves it: `access.log` holds the
//! last day, `access.log.1.gz` the day before, up to `access.log.6.gz`.
//!
//! `--days N` (7 by default) spreads the logs over N days from 2025-06-01 rather than a week:
//! four times the size over four times the days writes lines as densely as the week does, so
//! the incident's window holds the same lines in a larger corpus (the scale benchmark).

use flate2::{write::GzEncoder, Compression};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The span of the default corpus, in days.
const WEEK: u64 = 7;
/// The most `--days` may ask: 2025-06-01 to the end of July.
const MAX_DAYS: u64 = 61;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// 2025-06-01T00:00:00Z.
const START: u64 = 1_748_736_000;
const INCIDENT: (u64, u64) = (
    START + 4 * 86_400 + 14 * 3600 + 10 * 60,
    START + 4 * 86_400 + 14 * 3600 + 55 * 60,
);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Civil date and time of a Unix second.
fn civil(t: u64) -> (u64, u64, u64, u64, u64, u64) {
    let days = t / 86_400;
    let secs = t % 86_400;
    // 2025-06-01 is day 0 of the corpus; June has 30 days, July follows.
    let day_of_june = days - (START / 86_400) + 1;
    let (month, day) = if day_of_june > 30 {
        (7, day_of_june - 30)
    } else {
        (6, day_of_june)
    };
    (2025, month, day, secs / 3600, secs / 60 % 60, secs % 60)
}

fn iso(t: u64, ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

fn in_incident(t: u64) -> bool {
    (INCIDENT.0..INCIDENT.1).contains(&t)
}

/// One line at second `t` for the file with this shape.
type Line = fn(&mut Rng, u64, u64) -> String;

fn access(r: &mut Rng, t: u64, _ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    let month = MONTHS[mo as usize - 1];
    let path = [
        "/api/products",
        "/api/cart",
        "/api/checkout",
        "/api/search?q=x",
        "/static/app.js",
    ][r.below(5) as usize];
    let status = if in_incident(t) && path == "/api/checkout" && r.below(2) == 0 {
        503
    } else {
        200
    };
    format!(
        "10.{}.{}.{} - - [{d:02}/{month}/{y}:{h:02}:{mi:02}:{s:02} +0000] \"GET {path} HTTP/1.1\" {status} {} \"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\" 0.{:03}",
        r.below(4),
        r.below(256),
        r.below(256),
        200 + r.below(9000),
        r.below(999)
    )
}

fn api_json(r: &mut Rng, t: u64, ms: u64) -> String {
    if in_incident(t) && r.below(3) == 0 {
        return format!(
            r#"{{"time":"{}","level":"ERROR","msg":"payment provider call failed","order":{},"err":"context deadline exceeded"}}"#,
            iso(t, ms),
            r.below(1_000_000)
        );
    }
    format!(
        r#"{{"time":"{}","level":"INFO","msg":"request handled","route":"/api/items/{}","ms":{},"user":"u{}"}}"#,
        iso(t, ms),
        r.below(5000),
        r.below(300),
        r.below(100_000)
    )
}

fn worker_logfmt(r: &mut Rng, t: u64, ms: u64) -> String {
    let level = if r.below(200) == 0 { "warn" } else { "info" };
    format!(
        "time={} level={level} msg=\"job processed\" queue=emails job_id={} duration_ms={}",
        iso(t, ms),
        r.below(10_000_000),
        r.below(2000)
    )
}

fn syslog(r: &mut Rng, t: u64, _ms: u64) -> String {
    let (_, mo, d, h, mi, s) = civil(t);
    let month = MONTHS[mo as usize - 1];
    format!("{month} {d:>2} {h:02}:{mi:02}:{s:02} node-{} kubelet[{}]: I0605 probe succeeded for pod web-{}", 1 + r.below(2), 1000 + r.below(50), r.below(40))
}

fn spring(r: &mut Rng, t: u64, ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    if in_incident(t) && r.below(2) == 0 {
        return format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03} ERROR 1 --- [nio-8080-exec-{}] c.a.checkout.PaymentClient               : Payment declined by provider: timeout after {}ms", r.below(10), 3000 + r.below(2000));
    }
    format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03}  INFO 1 --- [nio-8080-exec-{}] c.a.checkout.OrderController             : Order {} placed in {} ms", r.below(10), r.below(10_000_000), r.below(300))
}

fn python(r: &mut Rng, t: u64, ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{ms:03} - payments.ledger - INFO - reconciled batch {} ({} entries)", r.below(1_000_000), r.below(500))
}

struct Spec {
    path: &'static str,
    share: f64,
    line: Line,
}

fn parse_size(s: &str) -> u64 {
    let s = s.to_ascii_uppercase();
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len()));
    let n: f64 = num.parse().expect("a size like 2GB or 500MB");
    let scale = match unit {
        "GB" | "G" => 1e9,
        "MB" | "M" => 1e6,
        "KB" | "K" => 1e3,
        _ => 1.0,
    };
    (n * scale) as u64
}

fn main() {
    let mut size = 2_000_000_000u64;
    let mut gzip = false;
    let mut days = WEEK;
    let mut out = PathBuf::from("corpus");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => size = parse_size(&args.next().expect("--size takes a value")),
            "--gzip" => gzip = true,
            "--days" => {
                days = args
                    .next()
                    .and_then(|d| d.parse().ok())
                    .filter(|d| (1..=MAX_DAYS).contains(d))
                    .unwrap_or_else(|| panic!("--days takes a number of days from 1 to {MAX_DAYS}"))
            }
            other => out = PathBuf::from(other),
        }
    }
    let specs = [
        Spec {
            path: "gateway/access.log",
            share: 0.40,
            line: access,
        },
        Spec {
            path: "api/app.jsonl",
            share: 0.15,
            line: api_json,
        },
        Spec {
            path: "worker/worker.log",
            share: 0.10,
            line: worker_logfmt,
        },
        Spec {
            path: "nodes/node-1/syslog",
            share: 0.05,
            line: syslog,
        },
        Spec {
            path: "nodes/node-2/syslog",
            share: 0.05,
            line: syslog,
        },
        Spec {
            path: "checkout/app.log",
            share: 0.13,
            line: spring,
        },
        Spec {
            path: "payments/payments.log",
            share: 0.07,
            line: python,
        },
        Spec {
            path: "search/search.jsonl",
            share: 0.05,
            line: api_json,
        },
    ];
    for (i, spec) in specs.iter().enumerate() {
        write_file(
            &out,
            spec,
            (size as f64 * spec.share) as u64,
            days,
            gzip,
            0x9e37_79b9 + i as u64,
        );
    }
    write_small(&out, gzip);
}

/// Writes one file (or its daily rotations), about `bytes` long, lines evenly spread in time
/// over `days` days.
fn write_file(root: &Path, spec: &Spec, bytes: u64, days: u64, gzip: bool, seed: u64) {
    let mut rng = Rng(seed);
    let sample_len = (spec.line)(&mut Rng(seed), START, 0).len() as u64 + 1;
    let lines = (bytes / sample_len).max(1);
    let span_ms = days * 86_400_000;
    let mut day_out: Option<(u64, Box<dyn Write>)> = None;
    for i in 0..lines {
        let at_ms = i * span_ms / lines;
        let (t, ms) = (START + at_ms / 1000, at_ms % 1000);
        let day = at_ms / 86_400_000;
        // Plain: one file for the week. Gzip: a new rotation each day.
        let rotate = day_out.as_ref().is_none_or(|(d, _)| gzip && *d != day);
        if rotate {
            if let Some((_, mut w)) = day_out.take() {
                w.flush().expect("flush");
            }
            day_out = Some((day, opener(root, spec.path, gzip, days - 1 - day)));
        }
        if let Some((_, w)) = day_out.as_mut() {
            writeln!(w, "{}", (spec.line)(&mut rng, t, ms)).expect("write");
        }
    }
    if let Some((_, mut w)) = day_out {
        w.flush().expect("flush");
    }
}

/// The writer for a day: the plain file, or rotation `n` (`.n.gz`; 0 is the live plain file).
fn opener(root: &Path, rel: &str, gzip: bool, n: u64) -> Box<dyn Write> {
    let path = if gzip && n > 0 {
        root.join(format!("{rel}.{n}.gz"))
    } else {
        root.join(rel)
    };
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let file = BufWriter::with_capacity(1 << 20, File::create(&path).expect("create"));
    if gzip && n > 0 {
        Box::new(GzEncoder::new(file, Compression::fast()))
    } else {
        Box::new(file)
    }
}

/// The alerts and deploys around the incident, and an unrelated deploy and alert days before.
fn write_small(root: &Path, _gzip: bool) {
    let d = |day: u64, h: u64, m: u64| START + day * 86_400 + h * 3600 + m * 60;
    let alert = |name: &str, service: &str, start: u64, end: Option<u64>| {
        let status = if end.is_some() { "resolved" } else { "firing" };
        let ends = end.map_or("0001-01-01T00:00:00Z".to_string(), |e| iso(e, 0));
        format!(
            r#"{{"version":"4","status":"{status}","receiver":"oncall","alerts":[{{"status":"{status}","labels":{{"alertname":"{name}","service":"{service}","severity":"critical"}},"annotations":{{"summary":"{name}"}},"startsAt":"{}","endsAt":"{ends}","fingerprint":"{:x}"}}]}}"#,
            iso(start, 0),
            name.len() * 7919
        )
    };
    let alerts = [
        alert("NodeDiskPressure", "node-1", d(1, 3, 0), None),
        alert("NodeDiskPressure", "node-1", d(1, 3, 0), Some(d(1, 3, 40))),
        alert("CheckoutErrorRate", "checkout", d(4, 14, 14), None),
        alert(
            "CheckoutErrorRate",
            "checkout",
            d(4, 14, 14),
            Some(d(4, 15, 2)),
        ),
    ];
    fs::create_dir_all(root.join("alerts")).expect("mkdir");
    fs::write(
        root.join("alerts/alertmanager.jsonl"),
        alerts.join("\n") + "\n",
    )
    .expect("write");
    let deploys = [
        (d(2, 11, 0), "deploy search v3.2.0 started"),
        (d(2, 11, 4), "deploy search v3.2.0 finished"),
        (d(4, 13, 50), "deploy checkout v9.4.0 started"),
        (d(4, 13, 53), "deploy checkout v9.4.0 finished"),
        (d(4, 14, 45), "rollback checkout to v9.3.2 started"),
        (d(4, 14, 48), "rollback checkout to v9.3.2 finished"),
    ];
    let text: String = deploys
        .iter()
        .map(|(t, m)| format!("{} INFO {m}\n", iso(*t, 0)))
        .collect();
    fs::create_dir_all(root.join("deploy")).expect("mkdir");
    fs::write(root.join("deploy/deploys.log"), text).expect("write");
}
