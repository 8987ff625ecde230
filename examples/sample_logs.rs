//! Writes `sample-logs/`: one realistic incident across nine files in seven formats, with
//! hours of ordinary noise around it. Deterministic: the same bytes on every run.
//!
//! ```text
//! cargo run --example sample_logs -- sample-logs
//! ```
//!
//! The story, on 2025-03-18 (UTC):
//! - 10:12 an unrelated deploy (search v2.3.1); 11:03–11:21 an unrelated disk alert.
//! - 13:41 checkout v4.2.0 rolls out (CI's deploy log, and Argo CD's controller syncing the
//!   application `argocd/checkout`); its session cache leaks memory.
//! - 14:02 checkout starts failing to allocate session buffers, then throws OutOfMemoryError;
//!   the gateway returns 502/503 on /api/checkout.
//! - 14:04 HighErrorRate fires (detection); 14:07 onwards the kernel OOM-kills the JVM and the
//!   pods crash-loop (CheckoutPodCrashLooping fires 14:08).
//! - 14:18–14:30 red herring: the bank API is slow, payments times out, an alert fires and
//!   resolves on its own.
//! - 14:46 rollback of checkout to v4.1.3 (the fix), finished 14:49.
//! - 14:52 errors stop; alerts resolve at 14:56 and 14:58.

use flate2::{Compression, GzBuilder};
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const DAY: &str = "2025-03-18";

/// A small deterministic generator (xorshift64*), so the sample needs no dependency.
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
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Seconds until the next of a stream of events `mean` seconds apart on average.
    fn gap(&mut self, mean: f64) -> f64 {
        -(1.0 - self.unit()).ln() * mean
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Seconds since midnight → parts.
fn hms(t: f64) -> (u32, u32, u32, u32) {
    let ms = (t * 1000.0).round() as u64;
    (
        (ms / 3_600_000) as u32,
        (ms / 60_000 % 60) as u32,
        (ms / 1000 % 60) as u32,
        (ms % 1000) as u32,
    )
}

fn iso(t: f64) -> String {
    let (h, m, s, ms) = hms(t);
    format!("{DAY}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

const fn at(h: u32, m: u32, s: u32) -> f64 {
    (h * 3600 + m * 60 + s) as f64
}

/// Lines with their times, written sorted (stable) as a logger would.
struct Log(Vec<(f64, String)>);

impl Log {
    fn new() -> Self {
        Log(Vec::new())
    }
    fn add(&mut self, t: f64, line: String) {
        self.0.push((t, line));
    }
    fn text(mut self) -> String {
        self.0.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.0.into_iter().fold(String::new(), |mut out, (_, l)| {
            out.push_str(&l);
            out.push('\n');
            out
        })
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("a file path has a parent")).expect("create directory");
    fs::write(&path, text).expect("write sample file");
}

const FAILING: (f64, f64) = (at(14, 2, 10), at(14, 51, 40));

fn checkout_failing(t: f64) -> bool {
    t >= FAILING.0 && t <= FAILING.1
}

fn access_log(rng: &mut Rng, from: f64, to: f64, mean_gap: f64) -> String {
    const PATHS: &[&str] = &[
        "/api/products",
        "/api/products",
        "/api/cart",
        "/api/search",
        "/api/checkout",
        "/static/app.js",
        "/health",
    ];
    const AGENTS: &[&str] = &[
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
        "kube-probe/1.29",
    ];
    let mut out = String::new();
    let mut t = from;
    while t < to {
        t += rng.gap(mean_gap);
        let path = rng.pick(PATHS);
        let method = if path == "/api/checkout" || (path == "/api/cart" && rng.below(3) == 0) {
            "POST"
        } else {
            "GET"
        };
        let mut status = if rng.below(40) == 0 { 404 } else { 200 };
        let mut secs = 0.02 + rng.unit() * 0.25;
        if path == "/api/checkout" && checkout_failing(t) {
            match rng.below(10) {
                0..=4 => {
                    status = if rng.below(3) == 0 { 503 } else { 502 };
                    secs = 0.5 + rng.unit() * 9.5;
                }
                5..=6 => secs = 1.2 + rng.unit() * 3.0,
                _ => {}
            }
        } else if rng.below(2500) == 0 {
            status = 500;
        }
        let (h, m, s, _) = hms(t);
        let ip = format!(
            "10.{}.{}.{}",
            20 + rng.below(4),
            rng.below(256),
            1 + rng.below(254)
        );
        let query = if path == "/api/search" {
            format!("?q=item{}", rng.below(900))
        } else {
            String::new()
        };
        let bytes = if status == 200 {
            200 + rng.below(9000)
        } else {
            150 + rng.below(60)
        };
        let _ = writeln!(
            out,
            "{ip} - - [18/Mar/2025:{h:02}:{m:02}:{s:02} +0000] \"{method} {path}{query} HTTP/1.1\" {status} {bytes} \"https://shop.example.com/\" \"{}\" {secs:.3}",
            rng.pick(AGENTS)
        );
    }
    out
}

fn checkout_app(rng: &mut Rng) -> String {
    let mut log = Log::new();
    let line = |t: f64, level: &str, thread: &str, logger: &str, msg: &str| {
        let (h, m, s, ms) = hms(t);
        format!("{DAY} {h:02}:{m:02}:{s:02}.{ms:03} {level:>5} 1 --- [{thread:>15}] {logger:<40} : {msg}")
    };
    let mut t = at(8, 0, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(9.0);
        let thread = format!("nio-8080-exec-{}", 1 + rng.below(10));
        if checkout_failing(t) && rng.below(3) != 0 {
            continue;
        }
        let order = 40_000 + (t as u64) / 3;
        let msg = format!("Order {order} placed in {} ms", 40 + rng.below(200));
        log.add(
            t,
            line(t, "INFO", &thread, "c.a.checkout.OrderController", &msg),
        );
    }
    // Background: a receipt mailer that has failed now and then for weeks.
    let mut t = at(8, 3, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(1500.0);
        let msg = format!(
            "Failed to send receipt email for order {}: SMTP timeout",
            40_000 + (t as u64) / 3
        );
        log.add(
            t,
            line(
                t,
                "ERROR",
                "receipt-mailer-1",
                "c.a.checkout.ReceiptMailer",
                &msg,
            ),
        );
    }
    let mut t = at(8, 10, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(1100.0);
        let msg = format!(
            "Slow query on orders table took {} ms",
            1000 + rng.below(900)
        );
        log.add(
            t,
            line(
                t,
                "WARN",
                "nio-8080-exec-2",
                "c.a.checkout.OrderRepository",
                &msg,
            ),
        );
    }
    log.add(
        at(13, 44, 31),
        line(
            at(13, 44, 31),
            "INFO",
            "main",
            "c.a.checkout.CheckoutApplication",
            "Started CheckoutApplication in 7.412 seconds (JVM running for 8.1) version=4.2.0",
        ),
    );
    log.add(
        at(13, 58, 2),
        line(
            at(13, 58, 2),
            "WARN",
            "cache-evictor",
            "c.a.checkout.SessionCache",
            "Session cache size 812 MB exceeds soft limit 512 MB",
        ),
    );
    let mut t = FAILING.0;
    while t < FAILING.1 {
        t += rng.gap(2.2);
        let thread = format!("nio-8080-exec-{}", 1 + rng.below(10));
        if rng.below(6) == 0 && t > at(14, 4, 0) {
            let mut msg = String::from("Servlet.service() for servlet [dispatcherServlet] threw exception\njava.lang.OutOfMemoryError: Java heap space");
            for frame in [
                "java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
                "com.acme.checkout.SessionCache.allocate(SessionCache.java:88)",
                "com.acme.checkout.SessionCache.put(SessionCache.java:61)",
                "com.acme.checkout.CheckoutController.begin(CheckoutController.java:47)",
            ] {
                msg.push_str("\n\tat ");
                msg.push_str(frame);
            }
            log.add(
                t,
                line(
                    t,
                    "ERROR",
                    &thread,
                    "o.a.c.c.C.[.[.[/].[dispatcherServlet]",
                    &msg,
                ),
            );
        } else {
            let kb = [256, 512, 1024][rng.below(3) as usize];
            let msg = format!("Failed to allocate session buffer of {kb} KB");
            log.add(
                t,
                line(t, "ERROR", &thread, "c.a.checkout.SessionCache", &msg),
            );
        }
    }
    log.add(
        at(14, 49, 58),
        line(
            at(14, 49, 58),
            "INFO",
            "main",
            "c.a.checkout.CheckoutApplication",
            "Started CheckoutApplication in 7.208 seconds (JVM running for 7.9) version=4.1.3",
        ),
    );
    log.text()
}

fn payments(rng: &mut Rng) -> String {
    let mut log = Log::new();
    let mut t = at(8, 0, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(14.0);
        let slow = t > at(14, 17, 0) && t < at(14, 31, 0);
        let latency = if slow {
            1800 + rng.below(3000)
        } else {
            80 + rng.below(250)
        };
        log.add(t, format!(
            r#"{{"time":"{}","level":"INFO","msg":"charge authorized","provider":"bank-api","amount_cents":{},"latency_ms":{latency}}}"#,
            iso(t),
            500 + rng.below(20_000)
        ));
    }
    let mut t = at(14, 18, 5);
    while t < at(14, 30, 0) {
        t += rng.gap(55.0);
        log.add(t, format!(
            r#"{{"time":"{}","level":"ERROR","msg":"bank-api request timed out after 5000ms","provider":"bank-api","attempt":{}}}"#,
            iso(t),
            1 + rng.below(3)
        ));
    }
    log.add(at(14, 17, 40), format!(r#"{{"time":"{}","level":"WARN","msg":"bank-api p99 latency above 1500ms","provider":"bank-api"}}"#, iso(at(14, 17, 40))));
    log.text()
}

fn inventory(rng: &mut Rng) -> String {
    let mut log = Log::new();
    let mut t = at(8, 0, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(12.0);
        let sku = format!("SKU-{:05}", rng.below(40_000));
        log.add(
            t,
            format!(
                "time={} level=info msg=\"stock reserved\" sku={sku} qty={} duration_ms={}",
                iso(t),
                1 + rng.below(4),
                3 + rng.below(30)
            ),
        );
    }
    let mut t = at(8, 20, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(2400.0);
        log.add(
            t,
            format!(
                "time={} level=warn msg=\"cache miss ratio high\" ratio=0.{}",
                iso(t),
                25 + rng.below(20)
            ),
        );
    }
    log.text()
}

fn syslog(rng: &mut Rng) -> String {
    let mut log = Log::new();
    let stamp = |t: f64| {
        let (h, m, s, _) = hms(t);
        format!("Mar 18 {h:02}:{m:02}:{s:02} node-2")
    };
    let mut t = at(8, 0, 0);
    while t < at(18, 0, 0) {
        t += 600.0;
        log.add(
            t,
            format!(
                "{} CRON[{}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
                stamp(t),
                20_000 + rng.below(9000)
            ),
        );
    }
    let mut t = at(8, 5, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(1800.0);
        log.add(
            t,
            format!(
                "{} systemd[1]: Started session-{}.scope - Session {} of User deploy.",
                stamp(t),
                rng.below(900),
                rng.below(900)
            ),
        );
    }
    log.add(at(10, 40, 12), format!("{} systemd[1]: node-exporter.service: Main process exited, code=exited, status=2/INVALIDARGUMENT", stamp(at(10, 40, 12))));
    log.add(
        at(10, 40, 13),
        format!(
            "{} systemd[1]: node-exporter.service: Scheduled restart job, restart counter is at 1.",
            stamp(at(10, 40, 13))
        ),
    );
    let kills = [
        (at(14, 7, 41), 31337, 812_345.123),
        (at(14, 19, 2), 31911, 813_026.455),
        (at(14, 33, 20), 32460, 813_884.902),
    ];
    for (t, pid, uptime) in kills {
        log.add(t, format!("{} kernel: [{uptime:.6}] java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=936", stamp(t)));
        log.add(t + 0.001, format!("{} kernel: [{:.6}] Memory cgroup out of memory: Killed process {pid} (java) total-vm:4194304kB, anon-rss:2097152kB, file-rss:20480kB, shmem-rss:0kB, UID:1000 pgtables:4400kB oom_score_adj:936", stamp(t), uptime + 0.004));
    }
    log.text()
}

fn alert(
    name: &str,
    service: &str,
    severity: &str,
    summary: &str,
    fingerprint: &str,
    starts: f64,
    ends: Option<f64>,
) -> String {
    let status = if ends.is_some() { "resolved" } else { "firing" };
    let ends = ends.map_or("0001-01-01T00:00:00Z".to_string(), iso);
    format!(
        concat!(
            r#"{{"version":"4","groupKey":"{{}}:{{alertname=\"{name}\"}}","truncatedAlerts":0,"status":"{status}","receiver":"oncall-pager","#,
            r#""groupLabels":{{"alertname":"{name}"}},"commonLabels":{{"alertname":"{name}","service":"{service}","severity":"{severity}"}},"#,
            r#""commonAnnotations":{{"summary":"{summary}"}},"externalURL":"http://alertmanager.monitoring:9093","alerts":[{{"status":"{status}","#,
            r#""labels":{{"alertname":"{name}","service":"{service}","severity":"{severity}"}},"annotations":{{"summary":"{summary}"}},"#,
            r#""startsAt":"{starts}","endsAt":"{ends}","generatorURL":"http://prometheus.monitoring:9090/graph","fingerprint":"{fingerprint}"}}]}}"#
        ),
        name = name,
        status = status,
        service = service,
        severity = severity,
        summary = summary,
        starts = iso(starts),
        ends = ends,
        fingerprint = fingerprint
    )
}

fn alerts() -> String {
    let disk = (
        "DiskSpaceLow",
        "logs-01",
        "warning",
        "Disk /var/log above 90% on logs-01",
        "9a0c44e1f3b2d871",
    );
    let errors = (
        "HighErrorRate",
        "gateway",
        "critical",
        "5xx ratio above 5% on /api/checkout",
        "3b1f0c9a7d2e4f61",
    );
    let crash = (
        "CheckoutPodCrashLooping",
        "checkout",
        "warning",
        "checkout pods restarting repeatedly",
        "c4e8a2b7d9015f3e",
    );
    let bank = (
        "PaymentsUpstreamLatency",
        "payments",
        "warning",
        "bank-api p99 above 1.5s",
        "77d0b1e5a9c3f248",
    );
    let a = |x: (&str, &str, &str, &str, &str), s, e| alert(x.0, x.1, x.2, x.3, x.4, s, e);
    [
        a(disk, at(11, 3, 0), None),
        a(disk, at(11, 3, 0), Some(at(11, 21, 30))),
        a(errors, at(14, 4, 30), None),
        a(crash, at(14, 8, 0), None),
        a(errors, at(14, 4, 30), None),
        a(bank, at(14, 20, 0), None),
        a(bank, at(14, 20, 0), Some(at(14, 33, 0))),
        a(errors, at(14, 4, 30), Some(at(14, 56, 0))),
        a(crash, at(14, 8, 0), Some(at(14, 58, 0))),
    ]
    .join("\n")
        + "\n"
}

fn deploys() -> String {
    let lines = [
        (
            at(10, 12, 3),
            "INFO",
            "deploy search v2.3.1 started by ci (pipeline 8790)",
        ),
        (
            at(10, 15, 48),
            "INFO",
            "deploy search v2.3.1 finished: 4/4 replicas healthy",
        ),
        (
            at(13, 41, 7),
            "INFO",
            "deploy checkout v4.2.0 started by ci (pipeline 8812)",
        ),
        (
            at(13, 44, 52),
            "INFO",
            "deploy checkout v4.2.0 finished: 3/3 replicas healthy",
        ),
        (
            at(14, 46, 10),
            "WARN",
            "rollback checkout to v4.1.3 started by alice@example.com (manual)",
        ),
        (
            at(14, 49, 40),
            "INFO",
            "rollback checkout to v4.1.3 finished: 3/3 replicas healthy",
        ),
    ];
    lines
        .iter()
        .fold(String::new(), |mut out, (t, level, msg)| {
            let _ = writeln!(out, "{} {level} {msg}", iso(*t).replace(".000Z", "Z"));
            out
        })
}

/// Argo CD's application controller, which carried out what the deploy log records: its
/// apps are `argocd/checkout` and the like, and it names versions its own way. Its syncs and
/// the deploy log's lines are the same deploys, drafted once with both citations.
fn argocd(rng: &mut Rng) -> String {
    let mut log = Log::new();
    let line = |t: f64, msg: &str, app: &str, extra: &str| {
        format!(
            r#"time="{}" level=info msg="{msg}" application=argocd/{app}{extra}"#,
            iso(t).replace(".000Z", "Z")
        )
    };
    let mut t = at(8, 0, 0);
    while t < at(18, 0, 0) {
        t += rng.gap(45.0);
        let app = rng.pick(&["checkout", "search", "payments", "inventory"]);
        let took = 20 + rng.below(400);
        let extra = format!(" dedup_ms=0 diff_ms={} time_ms={took}", rng.below(9));
        log.add(t, line(t, "Reconciliation completed", app, &extra));
    }
    let event = r#" dest-namespace=prod dest-server="https://kubernetes.default.svc" type=Normal"#;
    for (start, end, app, version) in [
        (at(10, 12, 5), at(10, 15, 44), "search", "v2.3.1"),
        (at(13, 41, 9), at(13, 44, 49), "checkout", "v4.2.0"),
        (at(14, 46, 14), at(14, 49, 37), "checkout", "v4.1.3"),
    ] {
        let started = format!("Initiated automated sync to '{version}'");
        let extra = format!("{event} reason=OperationStarted");
        log.add(start, line(start, &started, app, &extra));
        let finished = format!("Sync operation to {version} succeeded");
        let extra = format!("{event} reason=OperationCompleted");
        log.add(end, line(end, &finished, app, &extra));
    }
    log.text()
}

fn k8s(rng: &mut Rng) -> String {
    let mut log = Log::new();
    let mut uid = 0x5eed_0000u64;
    // One Kubernetes Event object per line, as an event exporter writes them.
    let mut ev = |log: &mut Log,
                  t: f64,
                  kind: &str,
                  name: &str,
                  reason: &str,
                  ty: &str,
                  message: &str,
                  count: u32| {
        uid += 1;
        let ts = format!("{}Z", &iso(t)[..19]);
        let component = if kind == "Pod" {
            "kubelet"
        } else {
            "deployment-controller"
        };
        log.add(
            t,
            format!(
                r#"{{"apiVersion":"v1","kind":"Event","metadata":{{"name":"{name}.{uid:x}","namespace":"prod","uid":"{uid:032x}"}},"involvedObject":{{"kind":"{kind}","namespace":"prod","name":"{name}"}},"reason":"{reason}","message":"{message}","source":{{"component":"{component}"}},"firstTimestamp":"{ts}","lastTimestamp":"{ts}","count":{count},"type":"{ty}"}}"#
            ),
        );
    };
    // Hourly report cronjob: ordinary pod lifecycle noise.
    for hour in 8..18 {
        let t = at(hour, 0, 5);
        let pod = format!(
            "report-{}-{:05x}",
            28_990_000 + hour * 60,
            rng.below(0xfffff)
        );
        ev(
            &mut log,
            t,
            "Pod",
            &pod,
            "Scheduled",
            "Normal",
            "Successfully assigned prod/report to node-1",
            1,
        );
        ev(
            &mut log,
            t + 2.0,
            "Pod",
            &pod,
            "Pulled",
            "Normal",
            "Container image \\\"registry.example.com/report:1.9.0\\\" already present on machine",
            1,
        );
        ev(
            &mut log,
            t + 3.0,
            "Pod",
            &pod,
            "Started",
            "Normal",
            "Started container report",
            1,
        );
    }
    ev(
        &mut log,
        at(10, 12, 40),
        "Deployment",
        "search",
        "ScalingReplicaSet",
        "Normal",
        "Scaled up replica set search-5c8d7f9b4 from 0 to 4",
        1,
    );
    ev(
        &mut log,
        at(10, 15, 30),
        "Deployment",
        "search",
        "ScalingReplicaSet",
        "Normal",
        "Scaled down replica set search-66b4d9c7f from 4 to 0",
        1,
    );
    ev(
        &mut log,
        at(13, 41, 30),
        "Deployment",
        "checkout",
        "ScalingReplicaSet",
        "Normal",
        "Scaled up replica set checkout-6f9c7d8b5 from 0 to 3",
        1,
    );
    ev(
        &mut log,
        at(13, 44, 40),
        "Deployment",
        "checkout",
        "ScalingReplicaSet",
        "Normal",
        "Scaled down replica set checkout-7d4b9c8f6 from 3 to 0",
        1,
    );
    for (i, (m, s)) in [(3, 12), (5, 40), (9, 3)].into_iter().enumerate() {
        let pod = [
            "checkout-6f9c7d8b5-x2k9p",
            "checkout-6f9c7d8b5-q7v4n",
            "checkout-6f9c7d8b5-m8d2r",
        ][i];
        ev(
            &mut log,
            at(14, m, s),
            "Pod",
            pod,
            "Unhealthy",
            "Warning",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            4,
        );
    }
    for (m, s, pod) in [
        (8, 4, "x2k9p"),
        (10, 51, "q7v4n"),
        (19, 30, "m8d2r"),
        (27, 2, "x2k9p"),
        (34, 15, "q7v4n"),
        (41, 48, "m8d2r"),
    ] {
        let name = format!("checkout-6f9c7d8b5-{pod}");
        let msg = format!("Back-off restarting failed container app in pod {name}_prod(3f2a9c1e-77b1-4c0e-9d2a-{pod}0000000)");
        ev(
            &mut log,
            at(14, m, s),
            "Pod",
            &name,
            "BackOff",
            "Warning",
            &msg,
            3,
        );
    }
    ev(
        &mut log,
        at(14, 46, 31),
        "Deployment",
        "checkout",
        "ScalingReplicaSet",
        "Normal",
        "Scaled up replica set checkout-7d4b9c8f6 from 0 to 3",
        1,
    );
    ev(
        &mut log,
        at(14, 49, 35),
        "Deployment",
        "checkout",
        "ScalingReplicaSet",
        "Normal",
        "Scaled down replica set checkout-6f9c7d8b5 from 3 to 0",
        1,
    );
    log.text()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut enc = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    enc.write_all(text.as_bytes()).expect("compress in memory");
    enc.finish().expect("compress in memory")
}

fn main() {
    let root: PathBuf = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("sample-logs"), PathBuf::from);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let rotated = access_log(&mut rng, at(0, 0, 0), at(7, 59, 50), 9.0);
    fs::create_dir_all(root.join("gateway")).expect("create directory");
    fs::write(root.join("gateway/access.log.1.gz"), gzip(&rotated)).expect("write sample file");
    write(
        &root,
        "gateway/access.log",
        &access_log(&mut rng, at(8, 0, 0), at(18, 0, 0), 2.4),
    );
    write(&root, "checkout/app.log", &checkout_app(&mut rng));
    write(&root, "payments/payments.jsonl", &payments(&mut rng));
    write(&root, "inventory/inventory.log", &inventory(&mut rng));
    write(&root, "nodes/node-2/syslog", &syslog(&mut rng));
    write(&root, "alerts/alertmanager-webhook.jsonl", &alerts());
    write(&root, "deploy/deploys.log", &deploys());
    write(&root, "k8s/events.jsonl", &k8s(&mut rng));
    write(
        &root,
        "argocd/argocd-application-controller.log",
        &argocd(&mut rng),
    );
}
