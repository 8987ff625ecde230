//! Recognising what a log line's wording says happened, whatever format carried it: a change
//! of any sort (as the vocabulary of [`changes`](super::changes) says), a kernel OOM kill, a
//! systemd unit restarting or failing.

use super::changes::{ChangeKind, VOCABULARY};
use crate::event::{DeployPhase, Event, Fields, Kind, Level};
use crate::swar;
use memchr::memmem::Finder;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::LazyLock;

// Every line of every log passes through here: searchers are built once, not per line as
// `str::find` would.
static KILLED: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Killed process "));
static UNIT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(".service: "));

/// The fields a draft reads from an event that is not an error or warning: those the change
/// vocabulary looks at (a test checks it names them all), and the host an OOM kill happened
/// on. A JSON line parsed for a draft builds only these unless its level makes it an entry
/// of its own.
pub const DRAFT_READS: &[&str] = &[
    "reason",
    "type",
    "@module",
    "application",
    "host",
    "audit.action",
    "audit.resource",
    "audit.name",
    "audit.version",
];

/// What a line's wording or fields say happened, decided without copying anything: the
/// names it carries are byte ranges of the message.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Found {
    /// The kernel killed the process named at this range for lack of memory.
    Oom(usize, usize),
    /// A systemd unit (named at this range) restarting, or failing when not.
    Unit(usize, usize, bool),
    /// A change in the words of a known tool: the vocabulary's phrase.
    Phrase(usize),
    /// A rollout step in the generic wording.
    Deploy(DeployPhase, bool),
}

/// Upgrades a plain log event's kind (and level, service) when its message says more.
pub fn classify(event: &mut Event) {
    if event.kind != Kind::Log {
        return;
    }
    let Some(found) = recognise(
        &event.message,
        |k| field(&event.fields, k).map(Cow::Borrowed),
        None,
    ) else {
        return;
    };
    let text = |from: usize, to: usize| event.message[from..to].to_string();
    match found {
        Found::Oom(from, to) => {
            let process = text(from, to);
            event.kind = Kind::Oom;
            event.level = Some(Level::Error);
            event
                .fields
                .insert("process", Value::String(process.clone()));
            event.service = Some(process);
        }
        Found::Unit(from, to, restart) => {
            event.service = Some(text(from, to));
            if restart {
                event.kind = Kind::Restart;
                event.level = Some(event.level.unwrap_or(Level::Warn).max(Level::Warn));
            } else {
                event.level = Some(Level::Error);
            }
        }
        Found::Phrase(index) => {
            let change = VOCABULARY.read(index, &event.message, |k| {
                field(&event.fields, k).map(Cow::Borrowed)
            });
            changed(event, change);
        }
        Found::Deploy(phase, rollback) => {
            let version = version_in(&event.message);
            if let Some(name) = version
                .as_deref()
                .and_then(|v| named_before(&event.message, v))
            {
                event.service = Some(name);
            }
            if phase == DeployPhase::Failed {
                event.level = Some(Level::Error);
            }
            event.kind = Kind::Deploy {
                phase,
                version,
                rollback,
            };
        }
    }
}

/// Makes `event` the change a phrase read of it.
fn changed(event: &mut Event, change: super::changes::Change) {
    if change.phase == DeployPhase::Failed {
        event.level = Some(Level::Error);
    }
    let version = change.version.or_else(|| version_in(&event.message));
    let service = change.service.or_else(|| {
        let named = !change.names_service
            && matches!(change.kind, ChangeKind::Deploy | ChangeKind::Rollback);
        version
            .as_deref()
            .filter(|_| named)
            .and_then(|v| named_before(&event.message, v))
    });
    if service.is_some() {
        event.service = service;
    }
    event.kind = match change.kind {
        ChangeKind::Deploy | ChangeKind::Rollback => Kind::Deploy {
            phase: change.phase,
            version,
            rollback: change.kind == ChangeKind::Rollback,
        },
        ChangeKind::Scale => Kind::Scale,
        ChangeKind::Other(sort) => {
            event
                .fields
                .insert("change", Value::String(sort.to_string()));
            if let Some(version) = version {
                event.fields.insert("version", Value::String(version));
            }
            Kind::Change
        }
    };
}

/// Whether [`classify`] would leave a line with this message and these fields (of
/// [`DRAFT_READS`]) an ordinary log line. Asked before an event is built, so that a draft
/// need not build the events it only counts.
pub fn is_ordinary<'a>(
    message: &str,
    field: impl Fn(&str) -> Option<Cow<'a, str>>,
    needed: Option<bool>,
) -> bool {
    recognise(message, field, needed).is_none()
}

fn field<'a>(fields: &'a Fields, key: &str) -> Option<&'a str> {
    fields.get(key).and_then(Value::as_str)
}

/// What `message` and its fields say, `needed` as [`Vocabulary::find_scanned`] takes it.
///
/// [`Vocabulary::find_scanned`]: super::changes::Vocabulary::find_scanned
fn recognise<'a>(
    message: &str,
    field: impl Fn(&str) -> Option<Cow<'a, str>>,
    needed: Option<bool>,
) -> Option<Found> {
    let marks = marks(message);
    if let Some((from, to)) = marks.killed.then(|| oom_victim(message)).flatten() {
        return Some(Found::Oom(from, to));
    }
    if let Some((from, to, restart)) = marks.unit.then(|| systemd_unit(message)).flatten() {
        return Some(Found::Unit(from, to, restart));
    }
    let lookup = VOCABULARY.find_scanned(message, marks.scanned, field, needed);
    if let Some(index) = lookup.phrase {
        return Some(Found::Phrase(index));
    }
    marked_deploy_step(message, lookup.gated)
        .map(|(phase, rollback)| Found::Deploy(phase, rollback))
}

/// What one pass over a message's bytes finds of the words that [`recognise`] looks for
/// itself: most messages have none, and are spared a search for each.
#[derive(Default)]
struct Marks {
    /// `Killed process ` (the OOM killer's words).
    killed: bool,
    /// `.service: ` (systemd's unit messages).
    unit: bool,
    /// One of the change vocabulary's scan words.
    scanned: bool,
}

/// Every line of every log asks this, so it reads the message eight bytes at a time
/// ([`swar`]) and looks closer only at a `K` (`Killed process `), a `.` (`.service: `) or an
/// anchor letter of the change vocabulary's scan words, in one pass.
fn marks(message: &str) -> Marks {
    let bytes = message.as_bytes();
    let scan = &VOCABULARY.scan;
    let exact = |at: usize, word: &[u8]| bytes.get(at..at + word.len()) == Some(word);
    let mut marks = Marks::default();
    let mut look = |i: usize| match bytes.get(i) {
        Some(b'K') => marks.killed |= exact(i, b"Killed process "),
        Some(b'.') => marks.unit |= exact(i, b".service: "),
        _ => marks.scanned = marks.scanned || scan.at(bytes, i),
    };
    let mut at = 0;
    while at < bytes.len() {
        // The last word is padded with zeros, which are none of the bytes looked for.
        let word = swar::word(bytes, at).unwrap_or_else(|| swar::padded(bytes, at));
        let marked = swar::equal(word, b'K') | swar::equal(word, b'.') | scan.marked(word);
        for i in swar::each(marked) {
            look(at + i);
        }
        at += 8;
    }
    marks
}

/// `Out of memory: Killed process 1234 (java)` and the cgroup variant → where `java` is.
fn oom_victim(message: &str) -> Option<(usize, usize)> {
    let at = KILLED.find(message.as_bytes())?;
    if !message[..at].contains("out of memory") && !message[..at].contains("Out of memory") {
        return None;
    }
    let open = at + message[at..].find('(')?;
    let close = open + message[open..].find(')')?;
    Some((open + 1, close))
}

/// systemd's unit messages: `checkout.service: Scheduled restart job, restart counter is at 3.`
/// → (where `checkout` is, restart); failures (`Failed with result`, `Main process exited,
/// code=killed`) → (where the unit is, not a restart).
fn systemd_unit(message: &str) -> Option<(usize, usize, bool)> {
    let at = UNIT.find(message.as_bytes())?;
    let (unit, rest) = (&message[..at], &message[at + ".service: ".len()..]);
    if unit.is_empty() || unit.contains(' ') {
        return None;
    }
    if rest.starts_with("Scheduled restart job") {
        Some((0, at, true))
    } else if rest.starts_with("Failed with result")
        || rest.contains("code=killed")
        || rest.contains("status=1/FAILURE")
    {
        Some((0, at, false))
    } else {
        None
    }
}

/// A deploy line says a rollout (or rollback) started, finished or failed, in the words of
/// the vocabulary's generic rule (`[words]` in `changes.toml`). Both a deploy word and a
/// phase word are required ("deployment config loaded" is not a deploy), and either a version
/// or a line that opens with the deploy word ("Started session 12 of User deploy" is not one
/// either). Tools' own phrasings are tried first ([`recognise`]).
pub fn deploy_step(message: &str) -> Option<(DeployPhase, bool)> {
    let lookup = VOCABULARY.find(message, |_| None);
    marked_deploy_step(message, lookup.gated)
}

/// [`deploy_step`], told whether the message holds one of the vocabulary's gate words.
fn marked_deploy_step(message: &str, gated: bool) -> Option<(DeployPhase, bool)> {
    // Most lines name no change: skip them before lowercasing and splitting.
    if !gated {
        return None;
    }
    let w = &VOCABULARY.words;
    let lower = message.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |set: &[String]| words.iter().any(|w| set.iter().any(|s| s == w));
    let says = |phrases: &[String]| phrases.iter().any(|p| lower.contains(p.as_str()));
    let rollback = has(&w.rollback) || says(&w.rollback_phrases);
    let deploy_word = rollback || has(&w.deploy);
    let opens_with = words.first().is_some_and(|f| {
        let deploy = w.deploy.iter().any(|d| d == f) || f.starts_with("roll");
        let ambiguous = w.ambiguous.iter().any(|a| a == f);
        deploy && (!ambiguous || words.get(1).is_some_and(|next| names_a_release(next)))
    });
    if !deploy_word || !(opens_with || version_in(message).is_some()) {
        return None;
    }
    let phase = if has(&w.failed) {
        DeployPhase::Failed
    } else if has(&w.finished)
        || says(&w.finished_phrases)
        || (words.first() == Some(&"release") && words.contains(&"created"))
    {
        DeployPhase::Finished
    } else if has(&w.started)
        || says(&w.started_phrases)
        || (opens_with && words.get(1).is_some_and(|w| is_commit(w)))
    {
        DeployPhase::Started
    } else {
        return None;
    };
    Some((phase, rollback))
}

/// A word that names a release: a commit, a number, or `v` and a number.
fn names_a_release(word: &str) -> bool {
    let number = word.strip_prefix('v').unwrap_or(word);
    is_commit(word) || (!number.is_empty() && number.bytes().all(|c| c.is_ascii_digit()))
}

/// A commit id as deploy tools print it: 7 to 40 hex digits, with a digit and a letter.
fn is_commit(word: &str) -> bool {
    (7..=40).contains(&word.len())
        && word.bytes().all(|c| c.is_ascii_hexdigit())
        && word.bytes().any(|c| c.is_ascii_digit())
        && word.bytes().any(|c| c.is_ascii_alphabetic())
}

/// The version a line names: `v4.2.0`, `4.2.0-rc1`, `image:tag` tags, or `version 42`.
pub fn version_in(message: &str) -> Option<String> {
    let tokens = message.split(|c: char| {
        c.is_whitespace() || c == ',' || c == '\'' || c == '"' || c == '(' || c == ')'
    });
    let mut previous = "";
    for raw in tokens {
        let tok = raw.trim_end_matches(['.', ':', ';']);
        let tag = tok.rsplit_once(':').map_or(tok, |(_, t)| t);
        let bare = tag.strip_prefix('v').unwrap_or(tag);
        let parts = bare
            .split(['-', '+'])
            .next()
            .map_or(0, |core| core.split('.').count());
        let dotted = (parts >= 3 || (parts == 2 && tag.starts_with('v')))
            && bare.split(['-', '+']).next().is_some_and(|core| {
                core.split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
            });
        let dotted = dotted && (tag.starts_with('v') || !is_address(bare));
        let numbered = previous.eq_ignore_ascii_case("version")
            && tok.bytes().any(|c| c.is_ascii_digit())
            && tok.bytes().all(|c| c.is_ascii_alphanumeric());
        if dotted || numbered {
            return Some(tag.to_string());
        }
        previous = tok;
    }
    None
}

/// Four dotted numbers that could each be a byte: an IPv4 address, which lines name far more
/// often beside a deploy word (a user `deploy` logging in from it) than a four-part version.
fn is_address(word: &str) -> bool {
    word.split('.').count() == 4
        && word
            .split('.')
            .all(|p| (1..=3).contains(&p.len()) && p.parse::<u8>().is_ok())
}

/// The service a deploy line names before its version, past filler words:
/// `deploy checkout v4.2.0`, `rollback checkout to v4.1.3`.
fn named_before(message: &str, version: &str) -> Option<String> {
    const NOT_NAMES: &[&str] = &[
        "deploy",
        "deploying",
        "deployed",
        "deployment",
        "of",
        "to",
        "version",
        "release",
        "rollback",
        "back",
        "for",
        "at",
        "the",
        "from",
        "started",
        "finished",
        "rolled",
        "rolling",
        "roll",
        "image",
    ];
    let at = message.find(version)?;
    let words = message[..at]
        .split(|c: char| c.is_whitespace() || c == ':' || c == '=')
        .filter(|w| !w.is_empty());
    let word = words
        .rev()
        .take(3)
        .find(|w| !NOT_NAMES.contains(&w.to_ascii_lowercase().as_str()))?;
    let ok = word.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && word
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    ok.then(|| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceRef;

    fn classified(message: &str) -> Event {
        let mut e = Event {
            time: 0,
            kind: Kind::Log,
            level: None,
            service: Some("deployer".into()),
            message: message.into(),
            fields: Default::default(),
            source: SourceRef {
                path: "x".into(),
                line: 1,
            },
        };
        classify(&mut e);
        e
    }

    #[test]
    fn deploy_lines() {
        let deploy = |phase, version: &str, rollback| Kind::Deploy {
            phase,
            version: Some(version.into()),
            rollback,
        };
        let e = classified("deploy checkout v4.2.0 started by ci (pipeline 8812)");
        assert_eq!(e.kind, deploy(DeployPhase::Started, "v4.2.0", false));
        assert_eq!(e.service.as_deref(), Some("checkout"));
        let e = classified("Rollback of checkout to v4.1.3 finished");
        assert_eq!(e.kind, deploy(DeployPhase::Finished, "v4.1.3", true));
        let e = classified("deployment of payments 2.3.1 failed: image pull error");
        assert!(matches!(
            e.kind,
            Kind::Deploy {
                phase: DeployPhase::Failed,
                ..
            }
        ));
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(
            classified("deployment config loaded from /etc/x").kind,
            Kind::Log
        );
        let phase = |m: &str| match classified(m).kind {
            Kind::Deploy { phase, .. } => Some(phase),
            _ => None,
        };
        assert_eq!(
            phase("Release v42 created by user jane@example.com"),
            Some(DeployPhase::Finished)
        );
        assert_eq!(
            phase("Deploy 1a2b3c4d by user jane@example.com"),
            Some(DeployPhase::Started)
        );
        assert_eq!(phase("Finished: FAILURE"), Some(DeployPhase::Failed));
        assert_eq!(phase("Started by user alice"), Some(DeployPhase::Started));
        assert_eq!(phase("Release 8812 created"), Some(DeployPhase::Finished));
        assert_eq!(
            phase("Releasing 9f3c2e1a to production"),
            Some(DeployPhase::Started)
        );
    }

    /// Real lines that carry a deploy word and a phase word, and tell of no change: a word
    /// that also means letting go of something, a user named `deploy`.
    #[test]
    fn not_deploys() {
        for (line, seen) in [
            (
                "Releasing suspend blocker \"PowerManagerService.WakeLocks\".",
                "Android PowerManagerService (loghub's Android sample)",
            ),
            (
                "Releasing lock on /var/lib/app/state started by pid 4242",
                "a lock manager's shape",
            ),
            (
                "Failed password for invalid user deploy from 187.141.143.180 port 38606 ssh2",
                "OpenSSH sshd (loghub's OpenSSH sample)",
            ),
            (
                "error: maximum authentication attempts exceeded for invalid user deploy from 10.0.0.5 port 50516 ssh2 [preauth]",
                "OpenSSH sshd's MaxAuthTries message (auth.c)",
            ),
        ] {
            assert_eq!(classified(line).kind, Kind::Log, "{seen}: {line}");
        }
    }

    #[test]
    fn oom_and_systemd() {
        let e = classified(
            "Out of memory: Killed process 4242 (java) total-vm:4194304kB, anon-rss:1048576kB",
        );
        assert_eq!((e.kind, e.service.as_deref()), (Kind::Oom, Some("java")));
        let e = classified("Memory cgroup out of memory: Killed process 77 (node) total-vm:1kB");
        assert_eq!(e.service.as_deref(), Some("node"));
        let e = classified("checkout.service: Scheduled restart job, restart counter is at 3.");
        assert_eq!(
            (e.kind, e.service.as_deref()),
            (Kind::Restart, Some("checkout"))
        );
        let e = classified("checkout.service: Failed with result 'oom-kill'.");
        assert_eq!((e.kind, e.level), (Kind::Log, Some(Level::Error)));
    }

    #[test]
    fn versions() {
        for (message, version) in [
            ("pulled registry/app:2.7.0 ok", Some("2.7.0")),
            ("Release version 42 created", Some("42")),
            ("no version here", None),
            ("took 1.5 seconds", None),
            ("now at v2.7", Some("v2.7")),
            ("from 187.141.143.180 port 38606 ssh2", None),
            ("build 6.1.7601.23505 installed", Some("6.1.7601.23505")),
            ("agent v10.0.0.5 installed", Some("v10.0.0.5")),
        ] {
            assert_eq!(version_in(message).as_deref(), version, "{message}");
        }
    }

    proptest::proptest! {
        /// The marks are what a plain search of the message finds, whatever falls where (at
        /// the start, the end, across eight-byte words, overlapping).
        #[test]
        fn marks_are_a_plain_search(
            message in "([dDeEpPlLoOyYrRsKkiIc. :a-z]{0,12}(Killed process |.service: |killed process )?){0,4}"
        ) {
            let found = marks(&message);
            proptest::prop_assert_eq!(found.killed, message.contains("Killed process "));
            proptest::prop_assert_eq!(found.unit, message.contains(".service: "));
        }
    }

    /// Every field a phrase of the vocabulary reads is one a draft builds.
    #[test]
    fn the_draft_builds_every_field_the_vocabulary_reads() {
        for phrase in &VOCABULARY.phrases {
            for key in phrase.field_names() {
                assert!(DRAFT_READS.contains(&key), "{}: {key}", phrase.tool);
            }
        }
    }
}
