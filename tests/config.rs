//! `reconstruct.toml`: a site's own line format, services by path and by field, files marked
//! as deploy and alert sources, silenced templates — and a bad file refused with its line.

mod common;
use common::{json_lines, reconstruct, succeeds, usage_error};

use serde_json::Value;
use std::fs;
use std::path::Path;

const CONFIG: &str = r#"
[[format]]
name = "billing"
pattern = "{time} | {level} | {service} | {message} (order {order})"
time = "%d.%m.%Y %H:%M:%S"
files = ["billing/*.log"]

# No `files`: tried on every file, and used where it reads more than any built-in format.
[[format]]
name = "batch"
pattern = "{time} ~ {message}"
time = "%d.%m.%Y %H:%M:%S"

[[service]]
name = "ledger"
files = ["legacy/**"]

[[service]]
field = "component"

[[source]]
files = ["ops/changes.log"]
kind = "deploy"

[[source]]
files = ["ops/pager.log"]
kind = "alert"

[silence]
templates = ["healthcheck probe * failed"]
"#;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// A small incident whose every file needs the configuration to be read as the site means it.
fn logs(config: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut billing = String::new();
    for m in 0..30 {
        let level = if m >= 10 { "ERROR" } else { "INFO" };
        billing += &format!(
            "01.05.2024 14:{m:02}:00 | {level} | billing | card declined by acquirer (order {})\n",
            100 + m
        );
    }
    write(d, "billing/app.log", &billing);
    write(
        d,
        "batch/export.log",
        "01.05.2024 13:30:00 ~ INFO nightly export started\n01.05.2024 14:20:00 ~ ERROR nightly export failed: disk quota\n",
    );
    let mut legacy = String::new();
    for m in 10..20 {
        legacy += &format!("2024-05-01 14:{m:02}:30 ERROR ledger write timed out\n");
    }
    write(d, "legacy/app.log", &legacy);
    let mut api = String::new();
    for m in 10..20 {
        api += &format!(
            "{{\"time\":\"2024-05-01T14:{m:02}:40Z\",\"level\":\"error\",\"msg\":\"token check failed\",\"component\":\"auth\"}}\n"
        );
        api += &format!(
            "{{\"time\":\"2024-05-01T14:{m:02}:50Z\",\"level\":\"error\",\"msg\":\"healthcheck probe /ready failed\"}}\n"
        );
    }
    write(d, "api/app.jsonl", &api);
    write(
        d,
        "ops/changes.log",
        "2024-05-01 13:55:00 billing 2.4.1 rolled out by ci\n",
    );
    write(
        d,
        "ops/pager.log",
        "2024-05-01 14:12:00 FIRING BillingDeclines\n2024-05-01 14:40:00 RESOLVED BillingDeclines\n",
    );
    if config {
        write(d, "reconstruct.toml", CONFIG);
    }
    dir
}

fn draft(dir: &Path, extra: &[&str]) -> Value {
    let out = succeeds(
        reconstruct()
            .args(["-q", "--format", "json", "--from", "14:00", "--to", "15:00"])
            .args(extra)
            .arg(dir),
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn summaries(draft: &Value) -> Vec<String> {
    draft["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["kind"].as_str().unwrap_or(""),
                e["service"].as_str().unwrap_or("-"),
                e["summary"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Whether a summary of `kind` and `service` (`*`: any) holds `words`.
fn has_in(got: &[String], kind: &str, service: &str, words: &str) -> bool {
    got.iter().any(|s| {
        let mut parts = s.splitn(3, ' ');
        parts.next() == Some(kind)
            && (service == "*" || parts.next() == Some(service))
            && s.contains(words)
    })
}

#[test]
fn the_site_configuration_shapes_the_draft() {
    let with = logs(true);
    let got = summaries(&draft(with.path(), &[]));
    let has = |kind: &str, service: &str, words: &str| has_in(&got, kind, service, words);
    assert!(
        has("error", "billing", "card declined by acquirer"),
        "{got:#?}"
    );
    assert!(has("error", "ledger", "ledger write timed out"), "{got:#?}");
    // Found by detection; its level read from the message's leading word.
    assert!(has("error", "export", "nightly export failed"), "{got:#?}");
    assert!(has("error", "auth", "token check failed"), "{got:#?}");
    assert!(has("deploy", "*", "2.4.1"), "{got:#?}");
    assert!(has("alert", "*", "BillingDeclines"), "{got:#?}");
    assert!(!got.iter().any(|s| s.contains("healthcheck")), "{got:#?}");

    // The same logs without it: the custom lines are still read, by the layout the file's
    // lines agree on (`%d.%m.%Y %H:%M:%S`), but not split as the site's pattern splits them
    // (the order stays in the message); nothing is renamed, marked or silenced.
    let without = logs(false);
    let plain = draft(without.path(), &[]);
    let got = summaries(&plain);
    assert!(
        has_in(
            &got,
            "error",
            "billing",
            "billing | card declined by acquirer (order 110)"
        ),
        "{got:#?}"
    );
    assert!(!got.iter().any(|s| s.starts_with("deploy")), "{got:#?}");
    assert!(got.iter().any(|s| s.contains("healthcheck")), "{got:#?}");
    assert_eq!(plain["stats"]["unparsed_lines"].as_u64(), Some(0));

    // Given with --config (here, one kept apart from the logs); the event stream keeps
    // silenced lines and the custom format's own fields.
    let apart = tempfile::tempdir().expect("tempdir");
    write(apart.path(), "site.toml", CONFIG);
    let out = succeeds(
        reconstruct()
            .args(["-q", "--events", "--format", "json", "--config"])
            .arg(apart.path().join("site.toml"))
            .arg(without.path()),
    );
    let all = json_lines(&out.stdout);
    assert!(all
        .iter()
        .any(|e| e["message"] == "healthcheck probe /ready failed"));
    let events: Vec<&Value> = all
        .iter()
        .filter(|e| e["source"]["path"] == "billing/app.log")
        .collect();
    assert_eq!(events.len(), 30);
    assert_eq!(events[10]["fields"]["order"], "110");
    assert_eq!(events[10]["level"], "error");
    assert_eq!(events[10]["time"], "2024-05-01T14:10:00Z");
}

#[test]
fn the_configuration_is_not_read_as_a_log() {
    let with = logs(true);
    let got = draft(with.path(), &[]);
    let inputs: Vec<&str> = got["stats"]["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert!(!inputs.contains(&"reconstruct.toml"), "{inputs:?}");
    let format_of = |path: &str| {
        got["stats"]["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .find(|i| i["path"] == path)
            .map(|i| i["format"].clone())
    };
    assert_eq!(format_of("billing/app.log"), Some("billing".into()));
    assert_eq!(format_of("batch/export.log"), Some("batch".into()));
    assert_eq!(format_of("legacy/app.log"), Some("timestamped text".into()));
}

/// A file marked as alerts keeps each alert's summary, whatever level its line was logged at:
/// a draft builds only the fields that decide a kind of ordinary lines, and an alert's
/// summary is not one of them.
#[test]
fn a_marked_alert_source_keeps_its_summaries_at_any_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "reconstruct.toml",
        "[[source]]\nfiles = [\"ops/alerts.jsonl\"]\nkind = \"alert\"\n",
    );
    write(
        d,
        "ops/alerts.jsonl",
        concat!(
            r#"{"time":"2024-05-01T14:12:00Z","level":"info","msg":"FIRING DiskFull","annotations":{"summary":"db-1 is 95% full"}}"#,
            "\n",
            r#"{"time":"2024-05-01T14:13:00Z","level":"error","msg":"FIRING QueueStuck","annotations":{"summary":"orders stuck for 10m"}}"#,
            "\n",
        ),
    );
    let got = summaries(&draft(d, &[]));
    for said in [
        "DiskFull fired on alerts: db-1 is 95% full",
        "QueueStuck fired on alerts: orders stuck for 10m",
    ] {
        assert!(
            got.iter()
                .any(|s| s.starts_with("alert") && s.contains(said)),
            "{said}: {got:#?}"
        );
    }
}

/// Runs with a bad configuration; returns standard error, which must be one line.
fn refused(config: &str) -> String {
    let with = logs(false);
    write(with.path(), "reconstruct.toml", config);
    let out = reconstruct().arg(with.path()).output().expect("runs");
    assert!(out.stdout.is_empty());
    usage_error(&out)
}

#[test]
fn a_bad_configuration_names_its_line() {
    let e = refused("[[format]]\nname = \"x\"\npattern = \"{level} {message}\"\n");
    assert!(e.contains("pattern: a pattern needs a {time} field"), "{e}");
    assert!(e.contains("reconstruct.toml:3)"), "{e}");
    let e = refused("[[source]]\nfiles = [\"a.log\"]\nkind = \"page\"\n");
    assert!(
        e.contains("kind 'page'") && e.contains("reconstruct.toml:3)"),
        "{e}"
    );
    let e = refused("\n[[format]]\nname = \"x\"\npattern = \"{time} {message}\"\ntime = \"%Q\"\n");
    assert!(
        e.contains("not a chrono layout") && e.contains("reconstruct.toml:5)"),
        "{e}"
    );
    let e = refused("[silence]\ntemplate = [\"x\"]\n");
    assert!(
        e.contains("unknown field `template`") && e.contains(":2)"),
        "{e}"
    );
    let e = refused("[[service]]\nname = \"a\"\n");
    assert!(
        e.contains("either `name` with `files` or `aliases`") && e.contains(":1)"),
        "{e}"
    );
    let e = refused(
        "[[service]]\nname = \"a\"\naliases = [\"x\"]\n\n[[service]]\nname = \"b\"\naliases = [\"X\"]\n",
    );
    assert!(
        e.contains(r#"the alias "X" names both "a" and "b""#) && e.contains(":5)"),
        "{e}"
    );
}

/// `aliases` make the names other sources use one service: a deploy tool's, a pod's (which
/// its generated suffix already makes canonical), a team's short name. `--events` prints the
/// canonical name and keeps the line's own beside it; the draft ties the deploy to the errors.
#[test]
fn aliases_make_one_service_of_many_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "reconstruct.toml",
        "[[service]]\nname = \"checkout\"\naliases = [\"shop-checkout\", \"co\"]\n",
    );
    // A Spinnaker-like deploy line naming the service as the deploy tool knows it.
    write(
        d,
        "deploy/deploys.log",
        "2025-03-18T14:02:00Z INFO deploy shop-checkout v7.1.0 started by ci\n\
         2025-03-18T14:03:00Z INFO deploy shop-checkout v7.1.0 finished\n",
    );
    let mut pods = String::new();
    for m in 0..60 {
        let (level, msg) = if (10..40).contains(&m) {
            ("error", "payment authorisation failed: upstream reset")
        } else {
            ("info", "cart priced")
        };
        for s in [0, 20, 40] {
            pods += &format!(
                "{{\"time\":\"2025-03-18T14:{m:02}:{s:02}Z\",\"level\":\"{level}\",\"k8s.deployment.name\":\"co\",\"msg\":\"{msg}\"}}\n"
            );
        }
    }
    write(d, "k8s/pods.jsonl", &pods);
    let out = succeeds(
        reconstruct()
            .args(["--events", "--format", "json", "-q"])
            .arg(d),
    );
    let events = json_lines(&out.stdout);
    let deploy = events
        .iter()
        .find(|e| e["kind"] == "deploy")
        .expect("a deploy");
    assert_eq!(deploy["service"], "checkout", "{deploy}");
    assert_eq!(deploy["fields"]["service_original"], "shop-checkout");
    let error = events
        .iter()
        .find(|e| e["level"] == "error")
        .expect("an error");
    assert_eq!(
        (&error["service"], &error["fields"]["service_original"]),
        (&Value::from("checkout"), &Value::from("co"))
    );
    let out = succeeds(reconstruct().args(["--events", "-q"]).arg(d));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" checkout (shop-checkout): deploy"), "{text}");
    let got = draft(d, &[]);
    let suspect = &got["summary"]["suspect"];
    assert!(
        suspect["summary"]
            .as_str()
            .is_some_and(|s| s.contains("checkout v7.1.0")),
        "{got}"
    );
}

/// A format written as a regular expression with named captures: Squid's native access log
/// (Squid's wiki, "SquidFaq/SquidLogs": time elapsed client code/status bytes method URL …),
/// whose requests count toward the impact line with their status and duration in ms, and a
/// vendor log whose one-letter levels a `levels` table maps, with a capture renamed by
/// `fields`.
#[test]
fn a_regex_format_reads_requests_levels_and_renamed_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut squid = String::new();
    for s in 0..40u64 {
        let (status, elapsed) = if s % 4 == 0 { (503, 5001) } else { (200, 12) };
        squid += &format!(
            "{}.{:03} {elapsed:>6} 10.0.0.5 TCP_MISS/{status} 4120 GET http://checkout.internal/pay - HIER_DIRECT/10.0.0.9 text/html\n",
            1_714_572_000 + s * 30,
            s
        );
    }
    write(d, "proxy/access.log", &squid);
    write(
        d,
        "vendor/device.log",
        "2024-05-01 14:05:00 <E> fan-ctl: fan 2 stalled\n2024-05-01 14:06:00 <I> fan-ctl: fan 2 spinning\n",
    );
    write(
        d,
        "reconstruct.toml",
        r#"
[[format]]
name = "squid"
regex = '^(?P<time>\d+\.\d+)\s+(?P<duration>\d+) (?P<client>\S+) \w+/(?P<status>\d{3}) \d+ (?P<method>\S+) (?P<target>\S+)'
files = ["proxy/*.log"]

[[format]]
name = "device"
regex = '^(?P<time>\S+ \S+) <(?P<sev>\w)> (?P<service>[\w-]+): (?P<message>.*)$'
levels = { E = "error", I = "info" }
fields = { level = "sev" }
files = ["vendor/*.log"]
"#,
    );
    let out = succeeds(
        reconstruct()
            .args(["-q", "--events", "--format", "json"])
            .arg(d),
    );
    let events = json_lines(&out.stdout);
    let requests: Vec<(u64, u64)> = events
        .iter()
        .filter(|e| e["kind"] == "http")
        .map(|e| {
            (
                e["fields"]["status"].as_u64().unwrap_or(0),
                e["fields"]["duration_ms"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(requests.len(), 40, "{events:?}");
    assert_eq!(requests[0], (503, 5001));
    assert_eq!(requests[1], (200, 12));
    let device: Vec<(&str, &str, &str)> = events
        .iter()
        .filter(|e| e["source"]["path"] == "vendor/device.log")
        .map(|e| {
            (
                e["level"].as_str().unwrap_or("-"),
                e["service"].as_str().unwrap_or("-"),
                e["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        device,
        [
            ("error", "fan-ctl", "fan 2 stalled"),
            ("info", "fan-ctl", "fan 2 spinning")
        ]
    );
    let stats = succeeds(reconstruct().args(["--stats"]).arg(d));
    let table = String::from_utf8_lossy(&stats.stderr);
    assert!(
        table.contains("squid") && table.contains("device"),
        "{table}"
    );
}

#[test]
fn a_bad_regex_format_names_its_line() {
    let e = refused("[[format]]\nname = \"x\"\nregex = '(?P<when>\\d+) (?P<message>.*)'\n");
    assert!(
        e.contains("regex: a regex needs a named capture (?P<time>") && e.contains(":3)"),
        "{e}"
    );
    let e = refused("[[format]]\nname = \"x\"\nregex = '(?P<time>\\d+'\n");
    assert!(e.contains("regex: ") && e.contains(":3)"), "{e}");
    let e =
        refused("[[format]]\nname = \"x\"\nregex = '(?P<time>\\d+)'\nlevels = { E = \"bad\" }\n");
    assert!(e.contains("levels: 'bad' is no level"), "{e}");
    let e = refused("[[format]]\nname = \"x\"\nregex = '(?P<time>\\d+)'\npattern = \"{time}\"\n");
    assert!(e.contains("either a `pattern` or a `regex`"), "{e}");
}

/// A site's format for Cisco IOS's system messages (Cisco docs, "Configuring System Message
/// Logging": `seq no:timestamp: %facility-severity-MNEMONIC:description`, the sequence number
/// only where `service sequence-numbers` is on, the time without a year). One format holds
/// both layouts as a list of regexes; the year-less `time` layout is dated by `--year`; a
/// `template` makes the message of two captures; `values` spells out the facility.
#[test]
fn a_site_format_reads_two_layouts_a_yearless_time_a_template_and_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "core-sw1/ios.log",
        "000123: *Mar  1 18:46:11.375: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down\n\
         *Mar  1 18:47:02.004: %SYS-5-CONFIG_I: Configured from console by vty2 (10.34.195.36)\n",
    );
    write(
        d,
        "reconstruct.toml",
        r#"
[[format]]
name = "cisco ios"
regex = [
    '^(?P<seq>\d+): \*?(?P<time>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d+): %(?P<facility>[A-Z0-9_]+)-(?P<severity>[0-7])-(?P<mnemonic>[A-Z0-9_]+): (?P<text>.*)$',
    '^\*?(?P<time>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d+): %(?P<facility>[A-Z0-9_]+)-(?P<severity>[0-7])-(?P<mnemonic>[A-Z0-9_]+): (?P<text>.*)$',
]
time = "%b %e %H:%M:%S%.f"
fields = { level = "severity" }
levels = { "0" = "error", "1" = "error", "2" = "error", "3" = "error", "4" = "warn", "5" = "info", "6" = "info", "7" = "debug" }
template = "{mnemonic}: {text}"
values = { facility = { LINK = "interface", SYS = "operating system" } }
"#,
    );
    let out = succeeds(
        reconstruct()
            .args(["-q", "--events", "--format", "json", "--year", "2024"])
            .arg(d),
    );
    let events = json_lines(&out.stdout);
    let got: Vec<(&str, &str, &str, &str, Option<&str>)> = events
        .iter()
        .map(|e| {
            (
                e["time"].as_str().unwrap_or("-"),
                e["level"].as_str().unwrap_or("-"),
                e["message"].as_str().unwrap_or("-"),
                e["fields"]["facility"].as_str().unwrap_or("-"),
                e["fields"]["seq"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "2024-03-01T18:46:11.375Z",
                "error",
                "UPDOWN: Interface GigabitEthernet0/1, changed state to down",
                "interface",
                Some("000123")
            ),
            (
                "2024-03-01T18:47:02.004Z",
                "info",
                "CONFIG_I: Configured from console by vty2 (10.34.195.36)",
                "operating system",
                None
            ),
        ]
    );
    let e = refused("[[format]]\nname = \"x\"\nregex = '(?P<time>\\d+)'\ntemplate = \"{}\"\n");
    assert!(
        e.contains("template: a field {} needs a name") && e.contains(":4)"),
        "{e}"
    );
}

/// A site format's `time` layout read once per line whatever it states: an epoch (`%s`) and a
/// stated offset are instants, which `--tz` shows but does not move; a local time is in
/// `--tz`.
#[test]
fn a_site_formats_time_layout_gives_instants_and_local_times() {
    let cases = [
        ("%s", "1697032801", "2023-10-11T16:00:01+02:00"),
        (
            "%Y-%m-%dT%H:%M:%S%z",
            "2023-10-11T14:00:01+0000",
            "2023-10-11T16:00:01+02:00",
        ),
        (
            "%d.%m.%Y %H:%M:%S",
            "11.10.2023 14:00:01",
            "2023-10-11T14:00:01+02:00",
        ),
    ];
    for (layout, stamp, shown) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        write(d, "app.log", &format!("{stamp} | ERROR | payment failed\n"));
        let config = format!(
            "[[format]]\nname = \"app\"\npattern = \"{{time}} | {{level}} | {{message}}\"\ntime = \"{layout}\"\n"
        );
        write(d, "reconstruct.toml", &config);
        let out = succeeds(
            reconstruct()
                .args([
                    "-q",
                    "--events",
                    "--format",
                    "json",
                    "--tz",
                    "Europe/Berlin",
                ])
                .arg(d),
        );
        let events = json_lines(&out.stdout);
        let times: Vec<&str> = events.iter().filter_map(|e| e["time"].as_str()).collect();
        assert_eq!(times, [shown], "{layout}");
    }
}
