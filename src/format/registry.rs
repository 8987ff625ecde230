//! The formats read by hand-written readers inside a family, each declared once: the name
//! `-v` and `--stats` give a file most of whose lines it read, the family that hands it the
//! line, what lets a line through to it, and the fixture whose lines a test reads with it.
//! (A family's own lines are named by [`Format::name`]; formats defined as data by their
//! definitions.)

use super::{Format, LevelPlace};

/// A format one reader reads.
#[derive(Debug)]
pub struct Declaration {
    pub name: &'static str,
    pub family: Format,
    /// What a line must have before the reader looks further.
    pub gate: &'static str,
    /// Directories of `tests/fixtures/formats/` in the format.
    pub fixtures: &'static [&'static str],
}

const TEXT: Format = Format::Text(LevelPlace::Anywhere);

pub const ALB: Declaration = Declaration {
    name: "aws alb access log",
    family: TEXT,
    gate: "the line opens with the request's type (http, https, h2, grpcs, ws, wss)",
    fixtures: &["aws-alb"],
};
pub const CRI: Declaration = Declaration {
    name: "cri container log",
    family: TEXT,
    gate: "stdout or stderr, then P or F, after the time",
    fixtures: &["cri"],
};
pub const HEROKU: Declaration = Declaration {
    name: "heroku log drain",
    family: TEXT,
    gate: "app[ or heroku[ after the time",
    fixtures: &["heroku"],
};
pub const NAGIOS: Declaration = Declaration {
    name: "nagios",
    family: TEXT,
    gate: "words in capitals and a colon after the time",
    fixtures: &["nagios"],
};
pub const HAPROXY: Declaration = Declaration {
    name: "haproxy",
    family: Format::Syslog,
    gate: "the syslog tag haproxy",
    fixtures: &["haproxy"],
};
pub const ALERTMANAGER: Declaration = Declaration {
    name: "alertmanager webhook",
    family: Format::Json,
    gate: "alerts[] with a status",
    fixtures: &["alertmanager-webhook", "grafana-webhook"],
};
pub const K8S_EVENTS: Declaration = Declaration {
    name: "kubernetes events",
    family: Format::Json,
    gate: "an involvedObject and a reason",
    fixtures: &[
        "k8s-events-jsonl",
        "k8s-events-list",
        "k8s-events-watch",
        "flux-events",
    ],
};
pub const METRICS: Declaration = Declaration {
    name: "metric series",
    family: Format::Json,
    gate: "a Prometheus response's status and data, a Grafana target's datapoints, or a data frame's schema and data",
    fixtures: &[
        "prometheus-query-range",
        "grafana-panel-json",
        "grafana-data-frame",
    ],
};
pub const METRICS_CSV: Declaration = Declaration {
    name: "metric series csv",
    family: Format::Json,
    gate: "a header whose first column is the time (Grafana's wide and long CSV, time,value)",
    fixtures: &["grafana-panel-csv"],
};
pub const DOCKER: Declaration = Declaration {
    name: "docker json-file",
    family: Format::Json,
    gate: "log, stream and time",
    fixtures: &["docker-json"],
};
pub const PAGERDUTY: Declaration = Declaration {
    name: "pagerduty",
    family: Format::Json,
    gate: "a v3 webhook's event, or a log entry's type",
    fixtures: &["pagerduty-webhook", "pagerduty-log-entries"],
};
pub const OPSGENIE: Declaration = Declaration {
    name: "opsgenie webhook",
    family: Format::Json,
    gate: "action and alert",
    fixtures: &["opsgenie"],
};
pub const OTLP: Declaration = Declaration {
    name: "opentelemetry logs",
    family: Format::Json,
    gate: "resourceLogs",
    fixtures: &["otlp-json"],
};
pub const DATADOG: Declaration = Declaration {
    name: "datadog",
    family: Format::Json,
    gate: "a monitor notification's or an event's keys",
    fixtures: &["datadog"],
};
pub const ZABBIX: Declaration = Declaration {
    name: "zabbix export",
    family: Format::Json,
    gate: "eventid and value",
    fixtures: &["zabbix"],
};
pub const GRAFANA: Declaration = Declaration {
    name: "grafana state history",
    family: TEXT,
    gate: "logcli's `TIME {labels} {json}`, the JSON with previous and current states",
    fixtures: &["grafana-state-history"],
};
pub const GITHUB: Declaration = Declaration {
    name: "github deployment status",
    family: Format::Json,
    gate: "deployment_status",
    fixtures: &["github-deployment-status"],
};
pub const SPINNAKER: Declaration = Declaration {
    name: "spinnaker events",
    family: Format::Json,
    gate: "details.type orca:pipeline:…",
    fixtures: &["spinnaker"],
};
pub const HELM: Declaration = Declaration {
    name: "helm history",
    family: Format::Json,
    gate: "revision, chart and status",
    fixtures: &["helm-history"],
};

/// Every declaration, for the test that reads each one's fixtures.
#[cfg(test)]
const ALL: [&Declaration; 19] = [
    &METRICS,
    &METRICS_CSV,
    &ALB,
    &CRI,
    &HEROKU,
    &NAGIOS,
    &HAPROXY,
    &ALERTMANAGER,
    &K8S_EVENTS,
    &DOCKER,
    &PAGERDUTY,
    &OPSGENIE,
    &OTLP,
    &DATADOG,
    &ZABBIX,
    &GRAFANA,
    &GITHUB,
    &SPINNAKER,
    &HELM,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::parse_keeping;
    use crate::format::Keep;
    use std::path::Path;

    /// Each declared format's fixtures are named by it: most of their lines are read by its
    /// reader, from the family it is declared in.
    #[test]
    fn each_declared_format_names_its_fixtures() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
        for declared in ALL {
            assert!(!declared.fixtures.is_empty(), "{}", declared.name);
            for fixture in declared.fixtures {
                let dir = root.join(fixture);
                let file = std::fs::read_dir(&dir)
                    .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .find(|p| {
                        !matches!(
                            p.file_name().and_then(|n| n.to_str()),
                            Some("expected.txt" | "args")
                        )
                    })
                    .unwrap_or_else(|| panic!("{}: no input", dir.display()));
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                let parsed = parse_keeping("input.log", &lines, Keep::All);
                assert_eq!(parsed.reader, Some(declared.name), "{fixture}");
                let family = |f: Format| std::mem::discriminant(&f);
                let detected = parsed.format.map(family);
                assert_eq!(detected, Some(family(declared.family)), "{fixture}");
            }
        }
    }
}
