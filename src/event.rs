//! The Event: one thing a log says happened, at one instant, traced to its file and line.

pub use crate::level::Level;
use crate::time::Nanos;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::ops::Index;
use std::sync::Arc;

/// Whether an alert began or ended at this event's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertState {
    Firing,
    Resolved,
}

/// What a deploy line says happened to the rollout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeployPhase {
    Started,
    Finished,
    Failed,
}

impl DeployPhase {
    /// The level a step is read at where its source states none: a failure is an error.
    pub fn level(self) -> Level {
        match self {
            DeployPhase::Failed => Level::Error,
            DeployPhase::Started | DeployPhase::Finished => Level::Info,
        }
    }
}

/// What kind of thing happened. The payloads carry what the correlator pairs and ranks on,
/// so it never has to re-read message text.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// An ordinary log line.
    Log,
    /// One HTTP request from an access log.
    Http {
        status: u16,
        duration: Option<Nanos>,
    },
    /// An alert notification. `key` identifies the alert across repeated notifications
    /// (the fingerprint, incident or event id); `started` is when it began firing, when the
    /// source says.
    Alert {
        name: String,
        state: AlertState,
        key: String,
        started: Option<Nanos>,
    },
    /// A rollout step. `rollback` marks a deploy back to an earlier version.
    Deploy {
        phase: DeployPhase,
        version: Option<String>,
        rollback: bool,
    },
    /// A process or unit restarted (systemd, Kubernetes back-off).
    Restart,
    /// The kernel (or the kubelet) killed a process for lack of memory.
    Oom,
    /// Replicas were added or removed.
    Scale,
    /// A responder or escalation step: acknowledged, escalated, assigned, responder added.
    Oncall,
    /// A change that is not a rollout: infrastructure applied, configuration changed.
    Change,
    /// A metric series' breach of its threshold or baseline, from the event's time to
    /// `until`, its message the whole story (`checkout p99 latency above its baseline from
    /// 14:02 to 14:51, peak 5.6 at 14:20`).
    Metric { until: Nanos },
}

impl Kind {
    /// An alert `name` (told apart from others by `key`) that fired at `time`, or resolved
    /// then (a resolution's start is the firing it closes, found by the correlator).
    pub fn alert_at(name: String, key: String, state: AlertState, time: Nanos) -> Kind {
        Kind::Alert {
            name,
            key,
            state,
            started: (state == AlertState::Firing).then_some(time),
        }
    }

    /// A deploy tool's step at its level ([`DeployPhase::level`]), or, where `phase` names
    /// none, a plain line at info.
    pub fn step_or_log(
        phase: Option<DeployPhase>,
        version: Option<String>,
        rollback: bool,
    ) -> (Kind, Level) {
        match phase {
            Some(phase) => (
                Kind::Deploy {
                    phase,
                    version,
                    rollback,
                },
                phase.level(),
            ),
            None => (Kind::Log, Level::Info),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Kind::Log => "log",
            Kind::Http { .. } => "http",
            Kind::Alert { .. } => "alert",
            Kind::Deploy { .. } => "deploy",
            Kind::Restart => "restart",
            Kind::Oom => "oom",
            Kind::Scale => "scale",
            Kind::Oncall => "oncall",
            Kind::Change => "change",
            Kind::Metric { .. } => "metric",
        }
    }
}

/// Where an event came from: the path as the user would type it (relative to the argument it
/// was found under) and the 1-based line where the event starts. A row of a table has no line:
/// its path names the table and the row's time (`clickhouse:logs.app@2025-03-18T14:02:07Z`),
/// and its line is 0, or the row's number where the table has a column that numbers them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub path: Arc<str>,
    pub line: u64,
}

/// How a table's rows are cited: this, then the table and the row's time
/// (`clickhouse:logs.app@2025-03-18T14:02:07Z`).
pub const TABLE_CITATION: &str = "clickhouse:";

impl SourceRef {
    /// The line, where the source has lines.
    pub fn line(&self) -> Option<u64> {
        (self.line > 0).then_some(self.line)
    }

    /// The input it came from: the path, less a table row's `@TIME`. Two events of one
    /// input are one source to whatever compares sources (clocks, an entry's citations).
    pub fn origin(&self) -> &str {
        match self.path.starts_with(TABLE_CITATION) {
            true => self
                .path
                .rsplit_once('@')
                .map_or(&self.path, |(table, _)| table),
            false => &self.path,
        }
    }
}

/// `path:line`, or the path alone where there is no line.
impl std::fmt::Display for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line() {
            Some(line) => write!(f, "{}:{line}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// Fields that carry one request's identity from service to service. Every event keeps them,
/// even in a draft's lean parse: the same request seen by two sources shows how far their
/// clocks disagree.
pub const REQUEST_ID_KEYS: [&str; 9] = [
    "request_id",
    "requestId",
    "req_id",
    "x_request_id",
    "x-request-id",
    "correlation_id",
    "correlationId",
    "trace_id",
    "traceId",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub time: Nanos,
    pub kind: Kind,
    pub level: Option<Level>,
    pub service: Option<String>,
    pub message: String,
    /// Structured fields the line carried besides time, level, service and message.
    pub fields: Fields,
    pub source: SourceRef,
}

impl Event {
    /// Whether the event stands out of the flow: not an ordinary info or debug line, nor a
    /// request that did not fail. A draft uses only these; the others it counts, and they
    /// need not be kept when the event stream is not asked for.
    pub fn is_notable(&self) -> bool {
        !matches!(self.kind, Kind::Log | Kind::Http { .. }) || Level::stands_out(self.level)
    }

    /// Cuts a notable event down to what a draft keeps of it, or says it is not notable
    /// (`false`): a failed request keeps its time and status but not its fields.
    pub fn slim_to_notable(&mut self) -> bool {
        if !self.is_notable() {
            return false;
        }
        if matches!(self.kind, Kind::Http { .. }) {
            self.fields = Fields::new();
        }
        true
    }
}

/// An event's structured fields, kept sorted by key so that output is byte-identical from run
/// to run. One vector rather than a `BTreeMap`: a window holds hundreds of thousands of events
/// with a handful of fields each, and a B-tree node is sized for eleven entries (about 1 KB
/// per access-log request, against a few hundred bytes here).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Vec<(Box<str>, Value)>);

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    /// Sets `key`, replacing an earlier value, as a map would.
    pub fn insert(&mut self, key: impl Into<Box<str>>, value: Value) {
        let key = key.into();
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (&**k, v))
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(key))
    }
}

impl Index<&str> for Fields {
    type Output = Value;

    /// `Value::Null` for a missing key, as `serde_json::Map` indexing gives.
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl<K: Into<Box<str>>> FromIterator<(K, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Fields {
        let mut fields = Fields::new();
        for (k, v) in iter {
            fields.insert(k, v);
        }
        fields
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_key_order_and_the_last_value() {
        let mut f = Fields::new();
        f.insert("status", Value::from(500));
        f.insert("client", Value::from("10.0.0.1"));
        f.insert("status", Value::from(502));
        assert_eq!(f["status"], 502);
        assert_eq!(f["missing"], Value::Null);
        assert_eq!(
            serde_json::to_string(&f).ok().as_deref(),
            Some(r#"{"client":"10.0.0.1","status":502}"#)
        );
    }
}
