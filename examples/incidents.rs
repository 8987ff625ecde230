//! Writes the incident scenarios of `tests/incidents/`: six outages, each a directory of
//! logs in several formats with hours of ordinary noise and unrelated deploys before it (and
//! in most, an alert that fired and resolved long before). Deterministic: the same bytes on every run.
//!
//! ```text
//! cargo run --example incidents -- tests/incidents
//! ```
//!
//! Each scenario's logs go to `<name>/logs/`; what its draft must contain is written by hand in
//! `<name>/expected.json`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*).
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
    fn gap(&mut self, mean: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        -(1.0 - unit).ln() * mean
    }
}

/// A day and times on it, in seconds from its midnight (may run past 24h into the next day).
#[derive(Clone, Copy)]
struct Day {
    year: i32,
    month: u32,
    day: u32,
    /// Days in this month, for rolling over midnight.
    month_days: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Day {
    /// The day `year-month-day`; how many days its month has is the calendar's to say.
    fn new(year: i32, month: u32, day: u32) -> Day {
        let first = chrono::NaiveDate::from_ymd_opt(year, month, 1).expect("a month");
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .expect("the month after");
        let month_days = (next - first).num_days() as u32;
        Day {
            year,
            month,
            day,
            month_days,
        }
    }

    /// (year, month, day, h, m, s, ms) of a time that may pass midnight.
    fn parts(self, t: f64) -> (i32, u32, u32, u32, u32, u32, u32) {
        let ms = (t * 1000.0).round() as u64;
        let (days, ms) = ((ms / 86_400_000) as u32, ms % 86_400_000);
        let (mut y, mut mo, mut d) = (self.year, self.month, self.day + days);
        if d > self.month_days {
            d -= self.month_days;
            mo += 1;
            if mo > 12 {
                mo = 1;
                y += 1;
            }
        }
        (
            y,
            mo,
            d,
            (ms / 3_600_000) as u32,
            (ms / 60_000 % 60) as u32,
            (ms / 1000 % 60) as u32,
            (ms % 1000) as u32,
        )
    }
    fn iso(self, t: f64) -> String {
        let (y, mo, d, h, mi, s, ms) = self.parts(t);
        format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
    /// Zone-less local time, as Python and log4j print it.
    fn local(self, t: f64) -> String {
        let (y, mo, d, h, mi, s, ms) = self.parts(t);
        format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{ms:03}")
    }
    fn clf(self, t: f64, offset: &str) -> String {
        let (y, mo, d, h, mi, s, _) = self.parts(t);
        format!(
            "{d:02}/{}/{y}:{h:02}:{mi:02}:{s:02} {offset}",
            MONTHS[mo as usize - 1]
        )
    }
    fn bsd(self, t: f64) -> String {
        let (_, mo, d, h, mi, s, _) = self.parts(t);
        format!("{} {d:>2} {h:02}:{mi:02}:{s:02}", MONTHS[mo as usize - 1])
    }
    fn epoch_ms(self, t: f64) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400_000 + (t * 1000.0).round() as i64
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const fn at(h: u32, m: u32, s: u32) -> f64 {
    (h * 3600 + m * 60 + s) as f64
}

/// Lines with their times, written in time order.
#[derive(Default)]
struct Log(Vec<(f64, String)>);

impl Log {
    fn add(&mut self, t: f64, line: String) {
        self.0.push((t, line));
    }
    fn write(mut self, root: &Path, rel: &str) {
        self.0.sort_by(|a, b| a.0.total_cmp(&b.0));
        let text = self.0.into_iter().fold(String::new(), |mut out, (_, l)| {
            let _ = writeln!(out, "{l}");
            out
        });
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create directory");
        fs::write(path, text).expect("write scenario file");
    }
}

/// An access log: steady traffic, and from `bad.0` to `bad.1` a share of failures on `path`.
fn access(
    rng: &mut Rng,
    day: Day,
    span: (f64, f64),
    gap: f64,
    bad: (f64, f64, &str, u64),
    offset: (&str, f64),
) -> Log {
    let paths = [
        "/api/products",
        "/api/cart",
        "/api/orders",
        "/api/search",
        "/health",
        bad.2,
    ];
    let mut log = Log::default();
    let mut t = span.0;
    while t < span.1 {
        t += rng.gap(gap);
        let path = paths[rng.below(paths.len() as u64) as usize];
        let failing = path == bad.2 && t >= bad.0 && t <= bad.1 && rng.below(100) < bad.3;
        let status = if failing {
            [502, 503, 500][rng.below(3) as usize]
        } else if rng.below(50) == 0 {
            404
        } else {
            200
        };
        let secs = if failing {
            1.5 + rng.below(8000) as f64 / 1000.0
        } else {
            0.01 + rng.below(300) as f64 / 1000.0
        };
        let ip = format!(
            "10.{}.{}.{}",
            rng.below(4),
            rng.below(256),
            1 + rng.below(254)
        );
        let when = day.clf(t + offset.1, offset.0);
        log.add(t, format!("{ip} - - [{when}] \"GET {path} HTTP/1.1\" {status} {} \"-\" \"Mozilla/5.0\" {secs:.3}", 100 + rng.below(5000)));
    }
    log
}

/// Ordinary application noise as JSON lines (Go slog), with a steady background warning.
fn slog_noise(rng: &mut Rng, day: Day, span: (f64, f64), log: &mut Log) {
    steady(rng, span, 20.0, log, |rng, t| {
        format!(
            r#"{{"time":"{}","level":"INFO","msg":"request handled","route":"/api/{}","ms":{}}}"#,
            day.iso(t),
            ["orders", "cart", "items"][rng.below(3) as usize],
            5 + rng.below(200)
        )
    });
    steady(rng, span, 1500.0, log, |rng, t| {
        format!(
            r#"{{"time":"{}","level":"WARN","msg":"cache hit ratio low","ratio":0.{}}}"#,
            day.iso(t),
            40 + rng.below(30)
        )
    });
}

/// An Alertmanager alert: name, service, severity, summary, fingerprint.
struct AmAlert<'a>(&'a str, &'a str, &'a str, &'a str, &'a str);

fn am_alert(day: Day, alert: &AmAlert, start: f64, end: Option<f64>) -> String {
    let AmAlert(name, service, severity, summary, fp) = *alert;
    let status = if end.is_some() { "resolved" } else { "firing" };
    let ends = end.map_or("0001-01-01T00:00:00Z".to_string(), |e| day.iso(e));
    format!(
        r#"{{"version":"4","status":"{status}","receiver":"oncall","groupLabels":{{"alertname":"{name}"}},"alerts":[{{"status":"{status}","labels":{{"alertname":"{name}","service":"{service}","severity":"{severity}"}},"annotations":{{"summary":"{summary}"}},"startsAt":"{}","endsAt":"{ends}","fingerprint":"{fp}"}}]}}"#,
        day.iso(start)
    )
}

/// A bad deploy: orders v3.1.0 breaks price calculation; rolled back through GitHub.
fn bad_deploy(root: &Path) {
    let day = Day::new(2024, 5, 6);
    let mut rng = Rng(0x5eed_0001);
    let span = (at(9, 0, 0), at(19, 0, 0));
    access(
        &mut rng,
        day,
        span,
        3.0,
        (at(15, 12, 0), at(15, 44, 0), "/api/checkout", 45),
        ("+0000", 0.0),
    )
    .write(root, "gateway/access.log");
    let mut orders = Log::default();
    slog_noise(&mut rng, day, span, &mut orders);
    steady(
        &mut rng,
        (at(15, 12, 20), at(15, 44, 0)),
        6.0,
        &mut orders,
        |rng, t| {
            format!(
                r#"{{"time":"{}","level":"ERROR","msg":"price calculation failed for order {}: java.lang.NullPointerException","component":"PriceCalculator"}}"#,
                day.iso(t),
                70_000 + rng.below(9999)
            )
        },
    );
    orders.write(root, "orders/orders.jsonl");
    let mut gh = Log::default();
    let status = |t: f64, state: &str, sha: &str, reference: &str, repo: &str| {
        format!(
            r#"{{"action":"created","deployment_status":{{"state":"{state}","environment":"production","created_at":"{}"}},"deployment":{{"sha":"{sha}","ref":"{reference}","environment":"production"}},"repository":{{"full_name":"acme/{repo}"}}}}"#,
            day.iso(t)
        )
    };
    for (t, state, sha, reference, repo) in [
        (
            at(10, 0, 5),
            "in_progress",
            "aa11bb22cc",
            "v2.3.0",
            "search",
        ),
        (at(10, 4, 40), "success", "aa11bb22cc", "v2.3.0", "search"),
        (
            at(14, 50, 10),
            "in_progress",
            "9f3c2e1a7b",
            "v3.1.0",
            "orders",
        ),
        (at(14, 53, 30), "success", "9f3c2e1a7b", "v3.1.0", "orders"),
        (
            at(15, 40, 0),
            "in_progress",
            "1b2c3d4e5f",
            "v3.0.4",
            "orders",
        ),
        (at(15, 42, 50), "success", "1b2c3d4e5f", "v3.0.4", "orders"),
    ] {
        gh.add(t, status(t, state, sha, reference, repo));
    }
    gh.write(root, "deploys/github-deployment-status.jsonl");
    let mut alerts = Log::default();
    let grafana = |name: &str, state: &str, start: f64, end: Option<f64>| {
        let ends = end.map_or("0001-01-01T00:00:00Z".to_string(), |e| day.iso(e));
        format!(
            r#"{{"receiver":"oncall","status":"{state}","orgId":1,"alerts":[{{"status":"{state}","labels":{{"alertname":"{name}","service":"orders","severity":"critical"}},"annotations":{{"summary":"5xx above 5% on orders"}},"startsAt":"{}","endsAt":"{ends}","fingerprint":"f00d{}"}}],"version":"1","state":"alerting","title":"{name}"}}"#,
            day.iso(start),
            name.len()
        )
    };
    alerts.add(
        at(9, 30, 0),
        am_alert(
            day,
            &AmAlert("DiskSpaceLow", "logs", "warning", "disk above 90%", "d15c"),
            at(9, 30, 0),
            None,
        ),
    );
    alerts.add(
        at(9, 52, 0),
        am_alert(
            day,
            &AmAlert("DiskSpaceLow", "logs", "warning", "disk above 90%", "d15c"),
            at(9, 30, 0),
            Some(at(9, 52, 0)),
        ),
    );
    alerts.add(
        at(15, 15, 30),
        grafana("OrdersErrorRate", "firing", at(15, 15, 0), None),
    );
    alerts.add(
        at(15, 50, 30),
        grafana(
            "OrdersErrorRate",
            "resolved",
            at(15, 15, 0),
            Some(at(15, 50, 0)),
        ),
    );
    alerts.write(root, "alerts/grafana-webhook.jsonl");
    let mut pd = Log::default();
    for (t, kind, who) in [
        (at(15, 15, 40), "incident.triggered", "Grafana"),
        (at(15, 19, 5), "incident.acknowledged", "Sam Oncall"),
        (at(15, 51, 0), "incident.resolved", "Sam Oncall"),
    ] {
        pd.add(t, format!(r#"{{"event":{{"event_type":"{kind}","occurred_at":"{}","agent":{{"summary":"{who}"}},"data":{{"id":"PQ77","title":"OrdersErrorRate","created_at":"{}","urgency":"high","service":{{"summary":"orders"}}}}}}}}"#, day.iso(t), day.iso(at(15, 15, 40))));
    }
    pd.write(root, "oncall/pagerduty-webhooks.jsonl");
}

/// A failed rollback: payments v2.8.0 exhausts its pool; the first rollback fails to sync,
/// the second works. Deploys through Argo CD.
fn failed_rollback(root: &Path) {
    let day = Day::new(2024, 7, 2);
    let mut rng = Rng(0x5eed_0002);
    let span = (at(3, 0, 0), at(13, 0, 0));
    access(
        &mut rng,
        day,
        span,
        2.5,
        (at(9, 5, 0), at(9, 50, 0), "/api/pay", 60),
        ("+0000", 0.0),
    )
    .write(root, "edge/access.log");
    let mut argo = Log::default();
    let line = |t: f64, level: &str, msg: &str, app: &str, reason: &str, kind: &str| {
        format!(
            r#"time="{}" level={level} msg="{msg}" application={app} dest-namespace=prod reason={reason} type={kind}"#,
            day.iso(t).replace(".000Z", "Z")
        )
    };
    for (t, level, msg, app, reason, kind) in [
        (at(4, 10, 0), "info", "initiated sync to v1.9.0", "catalog", "OperationStarted", "Normal"),
        (at(4, 11, 30), "info", "Sync operation to v1.9.0 succeeded", "catalog", "OperationCompleted", "Normal"),
        (at(8, 40, 0), "info", "initiated sync to v2.8.0", "payments", "OperationStarted", "Normal"),
        (at(8, 42, 10), "info", "Sync operation to v2.8.0 succeeded", "payments", "OperationCompleted", "Normal"),
        (at(9, 30, 0), "info", "initiated sync to v2.7.5", "payments", "OperationStarted", "Normal"),
        (at(9, 33, 40), "warning", "Sync operation to v2.7.5 failed: one or more objects failed to apply, reason: admission webhook denied the request", "payments", "OperationCompleted", "Warning"),
        (at(9, 45, 0), "info", "initiated sync to v2.7.5", "payments", "OperationStarted", "Normal"),
        (at(9, 47, 20), "info", "Sync operation to v2.7.5 succeeded", "payments", "OperationCompleted", "Normal"),
    ] {
        argo.add(t, line(t, level, msg, app, reason, kind));
    }
    argo.write(root, "argocd/argocd-server.log");
    let mut payments = Log::default();
    steady(&mut rng, span, 15.0, &mut payments, |rng, t| {
        format!(
            "time={} level=info msg=\"payment captured\" amount_cents={} provider=stripe",
            day.iso(t),
            100 + rng.below(50_000)
        )
    });
    steady(&mut rng, span, 1800.0, &mut payments, |_, t| {
        format!(
            "time={} level=error msg=\"webhook signature mismatch\" provider=paypal",
            day.iso(t)
        )
    });
    steady(
        &mut rng,
        (at(9, 5, 10), at(9, 50, 0)),
        4.0,
        &mut payments,
        |rng, t| {
            format!(
                "time={} level=error msg=\"connection pool exhausted\" pool=primary waiting={}",
                day.iso(t),
                10 + rng.below(90)
            )
        },
    );
    payments.write(root, "payments/payments.log");
    let mut alerts = Log::default();
    alerts.add(
        at(5, 0, 0),
        am_alert(
            day,
            &AmAlert(
                "CertificateExpiringSoon",
                "edge",
                "warning",
                "certificate expires in 14 days",
                "c3r7",
            ),
            at(5, 0, 0),
            None,
        ),
    );
    alerts.add(
        at(5, 30, 0),
        am_alert(
            day,
            &AmAlert(
                "CertificateExpiringSoon",
                "edge",
                "warning",
                "certificate expires in 14 days",
                "c3r7",
            ),
            at(5, 0, 0),
            Some(at(5, 30, 0)),
        ),
    );
    alerts.add(
        at(9, 8, 30),
        am_alert(
            day,
            &AmAlert(
                "PaymentsErrorRate",
                "payments",
                "critical",
                "payment errors above 10%",
                "9a7e",
            ),
            at(9, 8, 0),
            None,
        ),
    );
    alerts.add(
        at(9, 20, 0),
        am_alert(
            day,
            &AmAlert(
                "PaymentsErrorRate",
                "payments",
                "critical",
                "payment errors above 10%",
                "9a7e",
            ),
            at(9, 8, 0),
            None,
        ),
    );
    alerts.add(
        at(9, 58, 30),
        am_alert(
            day,
            &AmAlert(
                "PaymentsErrorRate",
                "payments",
                "critical",
                "payment errors above 10%",
                "9a7e",
            ),
            at(9, 8, 0),
            Some(at(9, 58, 0)),
        ),
    );
    alerts.write(root, "alerts/alertmanager.jsonl");
}

/// A crash loop with no deploy: a batch job eats the node's memory; inventory is OOM-killed
/// and crash-loops until the job is stopped. Nagios pages; nothing was deployed.
fn crash_loop(root: &Path) {
    let day = Day::new(2024, 9, 10);
    let mut rng = Rng(0x5eed_0003);
    let span = (at(0, 0, 0), at(6, 0, 0));
    let mut app = Log::default();
    let spring = |t: f64, level: &str, logger: &str, msg: &str| {
        let (_, _, _, h, m, s, ms) = day.parts(t);
        format!("2024-09-10 {h:02}:{m:02}:{s:02}.{ms:03} {level:>5} 1 --- [nio-8080-exec-1] {logger:<36} : {msg}")
    };
    steady(&mut rng, span, 10.0, &mut app, |rng, t| {
        spring(
            t,
            "INFO",
            "c.a.inventory.StockController",
            &format!("stock level read for SKU-{:05}", rng.below(9999)),
        )
    });
    steady(&mut rng, span, 1200.0, &mut app, |_, t| {
        spring(
            t,
            "WARN",
            "c.a.inventory.Sync",
            "supplier feed slow, retrying",
        )
    });
    steady(
        &mut rng,
        (at(2, 14, 0), at(2, 52, 0)),
        5.0,
        &mut app,
        |_, t| {
            spring(
                t,
                "ERROR",
                "c.a.inventory.StockController",
                "Could not reserve stock: connection to inventory-db lost",
            )
        },
    );
    app.write(root, "inventory/app.log");
    let mut syslog = Log::default();
    let mut t = span.0;
    while t < span.1 {
        t += 600.0;
        syslog.add(
            t,
            format!(
                "{} node-7 CRON[{}]: (root) CMD (run-parts /etc/cron.hourly)",
                day.bsd(t),
                3000 + rng.below(5000)
            ),
        );
    }
    syslog.add(
        at(2, 5, 0),
        format!(
            "{} node-7 CRON[4411]: (batch) CMD (/opt/reports/rebuild-index --all)",
            day.bsd(at(2, 5, 0))
        ),
    );
    for (i, (m, s)) in [(14, 10), (21, 40), (29, 5), (36, 50), (44, 20)]
        .into_iter()
        .enumerate()
    {
        let t = at(2, m, s);
        syslog.add(t, format!("{} node-7 kernel: [90{i}12.55] Out of memory: Killed process {} (java) total-vm:8388608kB, anon-rss:4194304kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:8800kB oom_score_adj:900", day.bsd(t), 8800 + i));
        syslog.add(t + 5.0, format!("{} node-7 systemd[1]: inventory.service: Main process exited, code=killed, status=9/KILL", day.bsd(t + 5.0)));
        syslog.add(t + 10.0, format!("{} node-7 systemd[1]: inventory.service: Scheduled restart job, restart counter is at {}.", day.bsd(t + 10.0), i + 1));
    }
    syslog.add(at(2, 49, 0), format!("{} node-7 sudo[9911]:     alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/pkill -f rebuild-index", day.bsd(at(2, 49, 0))));
    syslog.write(root, "nodes/node-7/syslog");
    let mut nagios = Log::default();
    let epoch = |t: f64| day.epoch_ms(t) / 1000;
    for (t, line) in [
        (at(0, 30, 0), "SERVICE ALERT: node-3;Disk /var;WARNING;HARD;3;DISK WARNING - free space: /var 9%".to_string()),
        (at(0, 50, 0), "SERVICE ALERT: node-3;Disk /var;OK;HARD;3;DISK OK - free space: /var 31%".to_string()),
        (at(2, 15, 0), "SERVICE ALERT: node-7;inventory health;CRITICAL;SOFT;1;HTTP CRITICAL - 503".to_string()),
        (at(2, 17, 0), "SERVICE ALERT: node-7;inventory health;CRITICAL;HARD;3;HTTP CRITICAL - 503".to_string()),
        (at(2, 17, 1), "SERVICE NOTIFICATION: oncall-alice;node-7;inventory health;CRITICAL;notify-by-pager;HTTP CRITICAL - 503".to_string()),
        (at(2, 56, 0), "SERVICE ALERT: node-7;inventory health;OK;HARD;3;HTTP OK - 200".to_string()),
    ] {
        nagios.add(t, format!("[{}] {line}", epoch(t)));
    }
    nagios.write(root, "monitoring/nagios.log");
    let mut deploys = Log::default();
    deploys.add(
        at(0, 5, 0),
        format!(
            "{} INFO deploy reports v8.2.0 started by ci",
            day.iso(at(0, 5, 0))
        ),
    );
    deploys.add(
        at(0, 7, 0),
        format!(
            "{} INFO deploy reports v8.2.0 finished",
            day.iso(at(0, 7, 0))
        ),
    );
    deploys.write(root, "deploy/deploys.log");
}

/// An outage in Berlin time: the cart deploy's new session store times out; logs are local
/// and zone-less (Python), the access log carries +0100, Opsgenie pages.
fn berlin(root: &Path) {
    let day = Day::new(2024, 3, 20);
    let mut rng = Rng(0x5eed_0004);
    // Local (CET, UTC+1) times; UTC is an hour earlier.
    let span = (at(10, 0, 0), at(20, 0, 0));
    let utc = |local: f64| local - 3600.0;
    let mut access_log = access(
        &mut rng,
        day,
        span,
        3.0,
        (at(15, 23, 0), at(15, 54, 0), "/api/cart", 55),
        ("+0100", 0.0),
    );
    access_log.0.iter_mut().for_each(|(t, _)| *t = utc(*t));
    access_log.write(root, "web/access.log");
    let mut cart = Log::default();
    let py =
        |t: f64, level: &str, msg: &str| format!("{} - cart.api - {level} - {msg}", day.local(t));
    steady(&mut rng, span, 12.0, &mut cart, |rng, t| {
        py(
            t,
            "INFO",
            &format!("cart {} updated", 10_000 + rng.below(90_000)),
        )
    });
    steady(
        &mut rng,
        (at(15, 23, 30), at(15, 54, 0)),
        5.0,
        &mut cart,
        |rng, t| {
            py(
                t,
                "ERROR",
                &format!("session store timeout after {}ms", 2000 + rng.below(3000)),
            )
        },
    );
    cart.add(at(15, 23, 31), format!("{}\nTraceback (most recent call last):\n  File \"/app/cart/session.py\", line 88, in load\n    return self.store.get(key, timeout=2)\nTimeoutError: session store did not answer", py(at(15, 23, 31), "ERROR", "could not load session")));
    cart.write(root, "cart/cart.log");
    let mut deploys = Log::default();
    for (t, msg) in [
        (at(11, 0, 0), "deploy search v4.4.0 started"),
        (at(11, 3, 0), "deploy search v4.4.0 finished"),
        (at(15, 10, 0), "deploy cart v5.0.0 started"),
        (at(15, 13, 20), "deploy cart v5.0.0 finished"),
        (at(15, 48, 0), "rollback cart to v4.9.2 started"),
        (at(15, 51, 10), "rollback cart to v4.9.2 finished"),
    ] {
        deploys.add(t, format!("{} INFO {msg}", day.local(t).replace(',', ".")));
    }
    deploys.write(root, "deploy/deploys.log");
    let mut og = Log::default();
    let ms = |local: f64| day.epoch_ms(utc(local));
    let alert = |action: &str, name: &str, entity: &str, created: i64, updated: i64, user: &str| {
        format!(
            r#"{{"action":"{action}","alert":{{"alertId":"{}","alias":"{name}","message":"{name}","entity":"{entity}","createdAt":{created},"updatedAt":{updated}000000,"username":"{user}","priority":"P1"}},"source":{{"type":"API"}}}}"#,
            name.len()
        )
    };
    og.add(
        utc(at(12, 0, 0)),
        alert(
            "Create",
            "SearchLatencyHigh",
            "search",
            ms(at(12, 0, 0)),
            ms(at(12, 0, 0)),
            "System",
        ),
    );
    og.add(
        utc(at(12, 20, 0)),
        alert(
            "Close",
            "SearchLatencyHigh",
            "search",
            ms(at(12, 0, 0)),
            ms(at(12, 20, 0)),
            "System",
        ),
    );
    og.add(
        utc(at(15, 26, 0)),
        alert(
            "Create",
            "CartErrorRate",
            "cart",
            ms(at(15, 26, 0)),
            ms(at(15, 26, 0)),
            "System",
        ),
    );
    og.add(
        utc(at(15, 30, 0)),
        alert(
            "Acknowledge",
            "CartErrorRate",
            "cart",
            ms(at(15, 26, 0)),
            ms(at(15, 30, 0)),
            "lena@example.com",
        ),
    );
    og.add(
        utc(at(15, 58, 0)),
        alert(
            "Close",
            "CartErrorRate",
            "cart",
            ms(at(15, 26, 0)),
            ms(at(15, 58, 0)),
            "lena@example.com",
        ),
    );
    og.write(root, "alerts/opsgenie.jsonl");
}

/// New Year's Eve: the edge certificate expires at midnight. Syslog has no year; the window
/// crosses midnight and the year. Fixed by deploying a renewed certificate; no change caused it.
fn midnight(root: &Path) {
    let day = Day::new(2024, 12, 31);
    let mut rng = Rng(0x5eed_0005);
    let span = (at(19, 0, 0), at(27, 0, 0));
    access(
        &mut rng,
        day,
        span,
        3.0,
        (at(24, 0, 5), at(24, 21, 0), "/api/login", 90),
        ("+0000", 0.0),
    )
    .write(root, "lb/access.log");
    let mut syslog = Log::default();
    steady(&mut rng, span, 90.0, &mut syslog, |rng, t| {
        format!(
            "{} edge-1 nginx[700]: upstream keepalive connections {}",
            day.bsd(t),
            10 + rng.below(50)
        )
    });
    steady(
        &mut rng,
        (at(24, 0, 5), at(24, 21, 0)),
        3.0,
        &mut syslog,
        |_, t| {
            format!("{} edge-1 edge-proxy[812]: error: TLS handshake failed: certificate has expired (notAfter=Dec 31 23:59:59 2024 GMT)", day.bsd(t))
        },
    );
    syslog.write(root, "edge/syslog");
    let mut deploys = Log::default();
    for (t, msg) in [
        (at(20, 0, 0), "deploy billing v3.3.1 started"),
        (at(20, 2, 0), "deploy billing v3.3.1 finished"),
        (
            at(24, 16, 0),
            "deploy edge-proxy v1.4.1 started (renewed certificate)",
        ),
        (at(24, 19, 30), "deploy edge-proxy v1.4.1 finished"),
    ] {
        deploys.add(t, format!("{} INFO {msg}", day.iso(t)));
    }
    deploys.write(root, "deploy/deploys.log");
    let mut dd = Log::default();
    let webhook = |t: f64, transition: &str, name: &str, service: &str| {
        format!(
            r#"{{"body":"{name}","event_type":"query_alert_monitor","title":"[{transition} on {{service:{service}}}] {name}","date":"{}","alert_transition":"{transition}","alert_cycle_key":"{}","org":{{"id":"1"}},"id":"{}"}}"#,
            day.epoch_ms(t),
            name.len(),
            day.epoch_ms(t)
        )
    };
    dd.add(
        at(21, 0, 0),
        webhook(
            at(21, 0, 0),
            "Triggered",
            "Billing queue backlog",
            "billing",
        ),
    );
    dd.add(
        at(21, 25, 0),
        webhook(
            at(21, 25, 0),
            "Recovered",
            "Billing queue backlog",
            "billing",
        ),
    );
    dd.add(
        at(24, 3, 0),
        webhook(
            at(24, 3, 0),
            "Triggered",
            "Login success rate low",
            "edge-proxy",
        ),
    );
    dd.add(
        at(24, 26, 0),
        webhook(
            at(24, 26, 0),
            "Recovered",
            "Login success rate low",
            "edge-proxy",
        ),
    );
    dd.write(root, "alerts/datadog.jsonl");
    let mut pd = log_entries(day);
    pd.push('\n');
    fs::create_dir_all(root.join("oncall")).expect("create directory");
    fs::write(root.join("oncall/pagerduty-log-entries.json"), pd).expect("write scenario file");
}

/// A PagerDuty `log_entries` response, pretty-printed as the API returns it.
/// Lines at random gaps of `mean` seconds through `span`, each made by `line`.
fn steady(
    rng: &mut Rng,
    span: (f64, f64),
    mean: f64,
    log: &mut Log,
    mut line: impl FnMut(&mut Rng, f64) -> String,
) {
    let mut t = span.0;
    while t < span.1 {
        t += rng.gap(mean);
        let text = line(rng, t);
        log.add(t, text);
    }
}

/// Names that differ across sources: dashboard v4.2.0 goes out through Argo CD's application
/// controller (`application=argocd/dashboard`, no deploy log at all); its errors are in
/// `dashboard-app.log` and its pods' events name `dashboard-5c8d7f9b4-q7wzx`; the gateway's
/// failed requests name the route. Noise: syncs of other apps, and a Heroku release of the
/// marketing site minutes before. The alert fires at 14:08 and resolves at 15:03, after the
/// window (`--to 15:00`); Opsgenie escalates to the database team on the way.
fn argo_dashboard(root: &Path) {
    let day = Day::new(2024, 9, 12);
    let mut rng = Rng(0x5eed_0006);
    let span = (at(11, 0, 0), at(16, 0, 0));
    let mut argo = Log::default();
    let logrus = |t: f64, msg: &str, app: &str, extra: &str| {
        format!(
            r#"time="{}" level=info msg="{msg}" application=argocd/{app}{extra}"#,
            day.iso(t).replace(".000Z", "Z")
        )
    };
    steady(&mut rng, span, 30.0, &mut argo, |rng, t| {
        let app = ["dashboard", "search", "billing"][rng.below(3) as usize];
        let took = 20 + rng.below(280);
        let extra = format!(" dedup_ms=0 diff_ms=3 time_ms={took}");
        logrus(t, "Reconciliation completed", app, &extra)
    });
    let event = " dest-namespace=prod dest-server=\"https://kubernetes.default.svc\" type=Normal";
    for (t, app, version) in [
        (at(12, 10, 0), "billing", "v1.9.0"),
        (at(13, 30, 0), "search", "v2.0.1"),
        (at(13, 58, 2), "dashboard", "v4.2.0"),
    ] {
        argo.add(
            t,
            logrus(
                t,
                &format!("Initiated automated sync to '{version}'"),
                app,
                &format!("{event} reason=OperationStarted"),
            ),
        );
        let done = t + 95.0;
        argo.add(
            done,
            logrus(
                done,
                &format!("Sync operation to {version} succeeded"),
                app,
                &format!("{event} reason=OperationCompleted"),
            ),
        );
    }
    argo.write(root, "argocd/argocd-application-controller.log");
    let mut app = Log::default();
    steady(&mut rng, span, 8.0, &mut app, |rng, t| {
        let page = ["home", "usage", "billing"][rng.below(3) as usize];
        let took = 20 + rng.below(180);
        format!(
            "{} INFO [dashboard.views] GET /dashboard/{page} 200 in {took}ms",
            day.local(t)
        )
    });
    steady(
        &mut rng,
        (at(14, 6, 0), at(14, 41, 0)),
        5.0,
        &mut app,
        |_, t| {
            format!("{} ERROR [dashboard.views] Internal Server Error: /dashboard/usage: jinja2.exceptions.UndefinedError: 'quota' is undefined", day.local(t))
        },
    );
    app.write(root, "dashboard/dashboard-app.log");
    let mut k8s = Log::default();
    for (i, t) in [at(14, 9, 0), at(14, 12, 30), at(14, 18, 0)]
        .into_iter()
        .enumerate()
    {
        k8s.add(t, format!(
            r#"{{"kind":"Event","apiVersion":"v1","metadata":{{"name":"dashboard-5c8d7f9b4-q7wzx.17f{i}","namespace":"prod"}},"involvedObject":{{"kind":"Pod","namespace":"prod","name":"dashboard-5c8d7f9b4-q7wzx"}},"reason":"BackOff","message":"Back-off restarting failed container dashboard in pod dashboard-5c8d7f9b4-q7wzx_prod(6a1f)","type":"Warning","firstTimestamp":"{ts}","lastTimestamp":"{ts}","count":1}}"#,
            ts = day.iso(t).replace(".000Z", "Z")
        ));
    }
    k8s.write(root, "k8s/events.jsonl");
    let mut heroku = Log::default();
    let t = at(13, 45, 0);
    heroku.add(
        t,
        format!(
            "{}000+00:00 app[api]: Release v231 created by user jo@acme.example",
            day.iso(t).trim_end_matches('Z')
        ),
    );
    heroku.write(root, "heroku/marketing.log");
    let mut alerts = Log::default();
    let dashboard = AmAlert(
        "DashboardErrors",
        "dashboard-app",
        "critical",
        "5xx above 2% on dashboard",
        "d45b",
    );
    alerts.add(at(14, 8, 0), am_alert(day, &dashboard, at(14, 8, 0), None));
    alerts.add(
        at(15, 3, 0),
        am_alert(day, &dashboard, at(14, 8, 0), Some(at(15, 3, 0))),
    );
    alerts.write(root, "alerts/alertmanager.jsonl");
    let mut og = Log::default();
    let ms = day.epoch_ms(at(14, 8, 10));
    for (t, action, extra) in [
        (at(14, 8, 10), "Create", String::new()),
        (at(14, 11, 0), "Acknowledge", String::new()),
        (
            at(14, 19, 0),
            "AddTeam",
            r#","team":"Database""#.to_string(),
        ),
    ] {
        let user = if action == "Create" {
            "System"
        } else {
            "lena@example.com"
        };
        og.add(t, format!(
            r#"{{"action":"{action}","alert":{{"alertId":"8f2c","alias":"dashboard-errors","message":"DashboardErrors","entity":"dashboard","createdAt":{ms},"updatedAt":{}000000,"username":"{user}","priority":"P1"{extra}}},"source":{{"type":"API"}}}}"#,
            day.epoch_ms(t)
        ));
    }
    og.write(root, "oncall/opsgenie-webhooks.jsonl");
}

fn log_entries(day: Day) -> String {
    let entry = |id: &str, kind: &str, summary: &str, t: f64| {
        format!(
            "    {{\n      \"id\": \"{id}\",\n      \"type\": \"{kind}\",\n      \"summary\": \"{summary}\",\n      \"created_at\": \"{}\",\n      \"service\": {{ \"summary\": \"edge-proxy\" }},\n      \"incident\": {{ \"id\": \"PNY1\", \"summary\": \"Login success rate low\" }}\n    }}",
            day.iso(t).replace(".000Z", "Z")
        )
    };
    let entries = [
        entry(
            "E1",
            "trigger_log_entry",
            "Triggered through the API",
            at(24, 3, 10),
        ),
        entry(
            "E2",
            "acknowledge_log_entry",
            "Acknowledged by Omar Oncall",
            at(24, 5, 30),
        ),
        entry(
            "E3",
            "escalate_log_entry",
            "Escalated to Level 2: Security on-call",
            at(24, 9, 0),
        ),
        entry(
            "E4",
            "resolve_log_entry",
            "Resolved by Omar Oncall",
            at(24, 26, 30),
        ),
    ];
    format!(
        "{{\n  \"log_entries\": [\n{}\n  ],\n  \"limit\": 25,\n  \"more\": false\n}}",
        entries.join(",\n")
    )
}

fn main() {
    let root: PathBuf = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("tests/incidents"), PathBuf::from);
    bad_deploy(&root.join("bad-deploy/logs"));
    failed_rollback(&root.join("failed-rollback/logs"));
    crash_loop(&root.join("crash-loop-no-deploy/logs"));
    berlin(&root.join("berlin-zone/logs"));
    midnight(&root.join("new-year-midnight/logs"));
    argo_dashboard(&root.join("argo-dashboard/logs"));
}
