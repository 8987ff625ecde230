//! Control planes' audit records in JSON lines, as data (`audits.toml`): where each puts the
//! action, the object acted on, who acted, and whether it was refused. A file's layout of keys
//! settles once which audit log, if any, its lines are ([`Audits::fitting`]); each such line is
//! then read as a record: a read counted, a refusal a warning, any other action an event whose
//! `audit.*` fields the change vocabulary reads to say which changes it names.

use super::object::{raw_at, string, Object};
use super::rows::{documented, path, Path, Row, Rows};
use crate::event::{Event, Fields, Level};
use crate::format::Cx;
use crate::time::Nanos;
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::LazyLock;

const TEXT: &str = include_str!("audits.toml");

/// The audit logs of the table, read when a JSON layout is first learnt.
pub(super) static AUDITS: LazyLock<Rows<Audit>> =
    LazyLock::new(|| parse(TEXT).expect("audits.toml reads (a test checks)"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    audit: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Entry {
    name: String,
    seen: String,
    #[serde(default)]
    when: Vec<(String, String)>,
    time: Option<String>,
    action: String,
    reads: String,
    #[serde(default)]
    resource: Vec<String>,
    #[serde(default)]
    subresource: Vec<String>,
    #[serde(default)]
    object: Vec<String>,
    #[serde(default)]
    actor: Vec<String>,
    #[serde(default)]
    version: Vec<String>,
    status: Option<String>,
    error: Option<String>,
    samples: Vec<Sample>,
}

/// A real line and the kind of event it is read as: read by the tests only.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Sample {
    line: String,
    kind: String,
    /// The service a change names, where it names one.
    service: Option<String>,
}

fn paths(dotted: &[String]) -> Vec<Path> {
    dotted.iter().map(|d| path(d)).collect()
}

/// One control plane's records, their keys as paths.
pub(super) struct Audit {
    when: Vec<(Path, String)>,
    /// The key of the record's time, where the log's own time keys do not hold it.
    pub(super) time: Option<String>,
    action: Path,
    reads: Regex,
    resource: Vec<Path>,
    subresource: Vec<Path>,
    name: Vec<Path>,
    actor: Vec<Path>,
    version: Vec<Path>,
    status: Option<Path>,
    error: Option<Path>,
}

fn parse(text: &str) -> Result<Rows<Audit>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    Rows::of(file.audit, Audit::of)
}

impl Row for Audit {
    /// An audit record's action and what `when` asks of are there.
    fn fits(&self, has: &dyn Fn(&str) -> bool) -> bool {
        let top = |p: &Path| p.first().is_some_and(|k| has(k));
        top(&self.action) && self.when.iter().all(|(p, _)| top(p))
    }
}

impl Audit {
    fn of(e: Entry) -> Result<Audit, String> {
        documented(&e.name, &e.seen, e.samples.len())?;
        let reads = Regex::new(&e.reads).map_err(|err| format!("{}: reads: {err}", e.name))?;
        Ok(Audit {
            when: e.when.iter().map(|(k, p)| (path(k), p.clone())).collect(),
            time: e.time,
            action: path(&e.action),
            reads,
            resource: paths(&e.resource),
            subresource: paths(&e.subresource),
            name: paths(&e.object),
            actor: paths(&e.actor),
            version: paths(&e.version),
            status: e.status.as_deref().map(path),
            error: e.error.as_deref().map(path),
        })
    }

    /// Reads `obj`, a line at `time` whose layout is this audit log's, as a record; `None`
    /// when it names no action, for the line to be read as a log line. A record whose `when`
    /// is not met (another stage of the same request) is read as one that changed nothing.
    /// Out of line: most JSON lines are no audit record, and the reader that calls it stays
    /// as small as it was.
    #[inline(never)]
    pub(super) fn read(
        &self,
        obj: &Object,
        time: Nanos,
        cx: &mut Cx,
        out: &mut Vec<Event>,
    ) -> Option<bool> {
        // Borrowed from the line until the record is known to be built: most lines of an API
        // server's audit log are reads, which a draft only counts.
        let text = |at: &Path| {
            raw_at(obj, at)
                .and_then(|v| string(&v))
                .filter(|s| !s.is_empty())
        };
        let this_stage = self
            .when
            .iter()
            .all(|(at, prefix)| text(at).is_some_and(|t| t.starts_with(prefix.as_str())));
        let action = text(&self.action)?;
        let refused = this_stage.then(|| self.refusal(obj)).flatten();
        let write = this_stage && refused.is_none() && !self.reads.is_match(&action);
        let level = Some(if refused.is_some() {
            Level::Warn
        } else {
            Level::Info
        });
        if !write && cx.only_counted(time, level, &action, |_| None) {
            return Some(true);
        }
        let action = action.into_owned();
        let first = |list: &[Path]| list.iter().find_map(text).map(Cow::into_owned);
        let mut resource = first(&self.resource).unwrap_or_default();
        if let Some(sub) = first(&self.subresource) {
            resource = format!("{resource}/{sub}");
        }
        let name = first(&self.name);
        let actor = first(&self.actor).unwrap_or_else(|| "someone".to_string());
        let object = match &name {
            Some(n) if resource.is_empty() => n.clone(),
            Some(n) => format!("{resource} {n}"),
            None => resource.clone(),
        };
        let message = match &refused {
            Some(why) => format!("{actor}: {action} {object} refused ({why})"),
            None => format!("{actor}: {action} {object}"),
        };
        let mut fields = Fields::new();
        if write {
            let mut put = |key: &'static str, value: Option<String>| {
                if let Some(v) = value {
                    fields.insert(key, Value::String(v));
                }
            };
            put("audit.action", Some(action));
            put("audit.resource", Some(resource).filter(|r| !r.is_empty()));
            put("audit.name", name);
            put("audit.actor", Some(actor));
            put("audit.version", first(&self.version));
        }
        out.push(cx.event(time, level, None, message, fields));
        Some(true)
    }

    /// Why the call was refused: its error, or a status of 400 or more.
    fn refusal(&self, obj: &Object) -> Option<String> {
        if let Some(raw) = self.error.as_ref().and_then(|at| raw_at(obj, at)) {
            let why = string(&raw).map_or_else(|| raw.get().to_string(), |s| s.into_owned());
            if why != "null" && !why.is_empty() {
                return Some(why);
            }
        }
        let status: u16 = raw_at(obj, self.status.as_ref()?)?.get().parse().ok()?;
        (status >= 400).then(|| status.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::parse_all;

    /// Each audit log's real lines are read as the kind of event their note says, and no
    /// other audit log of the table claims the line's keys first.
    #[test]
    fn each_audit_logs_samples_are_read_as_their_note_says() {
        let file: File = toml::from_str(TEXT).expect("audits.toml");
        for (i, entry) in file.audit.iter().enumerate() {
            for sample in &entry.samples {
                let obj =
                    Object::split(&sample.line).unwrap_or_else(|| panic!("{}: JSON", entry.name));
                assert_eq!(
                    AUDITS.fitting(|k| obj.contains_key(k)),
                    Some(i),
                    "{}: {}",
                    entry.name,
                    sample.line
                );
                let (events, _, _) = parse_all("audit.log", &[sample.line.as_str()]);
                let [event] = events.as_slice() else {
                    panic!("{}: {events:?}", entry.name);
                };
                assert_eq!(event.kind.name(), sample.kind, "{}: {event:?}", entry.name);
                if let Some(service) = &sample.service {
                    assert_eq!(event.service.as_ref(), Some(service), "{}", entry.name);
                }
            }
        }
    }

    /// A read is no change, and a refusal a warning that names who tried what.
    #[test]
    fn reads_and_refusals() {
        let refused = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"patch","user":{"username":"testuser"},"objectRef":{"resource":"deployments","name":"api"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2025-10-09T01:30:00Z"}"#;
        let (events, _, _) = parse_all("audit.log", &[refused]);
        assert_eq!(
            events[0].message,
            "testuser: patch deployments api refused (403)"
        );
        assert_eq!(events[0].level, Some(Level::Warn));
        assert!(events[0].fields.get("audit.action").is_none());
        // The request's first stage is the same patch, not a second one.
        let stage = refused.replace("ResponseComplete", "RequestReceived");
        let (events, _, _) = parse_all("audit.log", &[stage.as_str()]);
        assert_eq!(events[0].message, "testuser: patch deployments api");
        assert!(events[0].fields.get("audit.action").is_none(), "{events:?}");
        assert_eq!(events[0].level, Some(Level::Info), "{events:?}");
    }
}
