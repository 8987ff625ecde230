//! Which keys hold the time, message, level and service, worked out once for each sequence
//! of keys a file's lines repeat.

use super::audit::AUDITS;
use super::object::{Entry, Object, Raw, Scan, Text};
use super::request::REQUESTS;
use super::{always_wanted, ERROR_KEYS, SHAPE_KEYS, TRACE_KEYS};
use crate::config::Config;
use crate::format::Classify;
use crate::swar;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// Keys that hold the time, most specific first.
pub(super) const TIME_KEYS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "time",
    "ts",
    "datetime",
    "date",
    "t",
    "eventTime",
    "__REALTIME_TIMESTAMP",
    "_time",
    "@t",
    "created_at",
    "createdAt",
    "occurred_at",
    "asctime",
    // log4j2's JsonLayout: `{"epochSecond": …, "nanoOfSecond": …}`.
    "instant",
];
pub(super) const MESSAGE_KEYS: &[&str] = &[
    "message",
    "msg",
    "MESSAGE",
    "@message",
    "@m",
    "log",
    "text",
    "body",
    "event",
    "textPayload",
    // Audit entries and events: LaunchDarkly's audit log, GitHub's and others' events.
    "title",
];
pub(super) const LEVEL_KEYS: &[&str] = &[
    "level",
    "lvl",
    "severity",
    "log.level",
    // ECS nested, as Kibana 8 writes it: `"log":{"level":"INFO","logger":"…"}`.
    "log",
    "levelname",
    "loglevel",
    "@level",
    "@l",
    "PRIORITY",
    "s",
    // Kibana 6 and 7 (and hapi's good): the level is one of the line's tags,
    // `"tags":["status","plugin:kibana@6.3.0","info"]`.
    "tags",
];
pub(super) const SERVICE_KEYS: &[&str] = &[
    "service",
    "service.name",
    "app",
    "application",
    "app_name",
    "_SYSTEMD_UNIT",
    "SYSLOG_IDENTIFIER",
    // OpenTelemetry's resource attributes, flattened; Docker's fluentd and GELF drivers.
    "k8s.deployment.name",
    "k8s.container.name",
    "container_name",
    "name",
];

/// Where a line's keys put what [`parse`] looks up, worked out for one sequence of keys and
/// kept while the lines repeat it, as a JSON log's lines nearly always do: searching a dozen
/// lists of key names for every line cost a fifth of a JSON line's parse.
#[derive(Debug, Default)]
pub struct Layout {
    /// The keys it was worked out for, one after another, and where each ends.
    names: String,
    ends: Vec<usize>,
    /// Each key as a line in each of [`STYLES`] writes it, after what comes before it:
    /// `{"time":`, then `,"level":` and so on, one after another, and where each ends. None
    /// when a key holds something JSON escapes.
    heads: [String; STYLES.len()],
    head_ends: [Vec<usize>; STYLES.len()],
    /// The rank and place of the keys of each of [`LISTS`], in the list's order (the last of a
    /// repeated key, as [`Object::get`] finds it).
    pub(super) at: [Vec<(usize, usize)>; LISTS.len()],
    /// Whether any of [`SHAPE_KEYS`] is there, and any of [`TRACE_KEYS`] or [`ERROR_KEYS`].
    pub(super) shape: bool,
    pub(super) trace: bool,
    /// Per key: whether it is wanted of every event ([`always_wanted`]).
    pub(super) always: Vec<bool>,
    /// Whether any key is one classifying reads ([`Classify::reads`]): most lines have
    /// none, and are spared looking them up.
    pub(super) classified: bool,
    /// The request of [`REQUESTS`] whose keys the layout has, if any: its lines are tried as
    /// that request.
    pub(super) request: Option<usize>,
    /// The audit log of [`AUDITS`] whose keys the layout has, if any (and no request): its
    /// lines are tried as that log's records.
    pub(super) audit: Option<usize>,
    /// The keys' [`fingerprint`], to pass over most layouts that do not fit without comparing.
    print: u64,
}

/// A hash of an object's keys in order.
pub(super) fn fingerprint(obj: &Object) -> u64 {
    let mut hash = Fnv::default();
    for (k, _) in obj.iter() {
        hash.write(k.0.as_bytes());
        hash.write_u8(0);
    }
    hash.finish()
}

/// The layouts of a file's last few key sequences: a JSON log's lines come in a handful of
/// shapes (each kind of message with its own fields), and a shape seen again is found rather
/// than worked out again.
#[derive(Debug)]
pub struct Layouts {
    all: Vec<Layout>,
    /// The one last used.
    current: usize,
    /// The one a new shape replaces once all are taken: the oldest learnt.
    next: usize,
    /// The last line's emptied key list, whose allocation the next line's split reuses.
    spare: Vec<Entry<'static>>,
}

impl Default for Layouts {
    /// One layout, for no keys yet: there is always a current one.
    fn default() -> Layouts {
        let none = Layout {
            print: Fnv::default().finish(),
            ..Layout::default()
        };
        Layouts {
            all: vec![none],
            current: 0,
            next: 0,
            spare: Vec::with_capacity(8),
        }
    }
}

/// How JSON loggers space their lines, as a key's comma and colon with what follows each:
/// without spaces (most), and as Python's `json.dumps` does by default (`python-json-logger`,
/// `structlog`).
pub(super) const STYLES: [(&str, &str); 2] = [(",", ":"), (", ", ": ")];

/// The most keys a kept, emptied key list has room for (see [`Layouts::give_back`]).
pub(super) const SPARE_KEYS: usize = 64;

/// How many layouts a file keeps: with fingerprints, passing over them costs little.
pub(super) const LAYOUTS: usize = 32;

impl Layouts {
    /// An empty key list for a line, in the allocation of the line before's.
    pub(super) fn spare<'a>(&mut self) -> Vec<Entry<'a>> {
        recycle(std::mem::take(&mut self.spare))
    }

    /// Keeps a line's key list, emptied, for the next line (unless a line of very many keys
    /// made it large: that is not kept for the rest of the file).
    pub(super) fn give_back(&mut self, obj: Object) {
        if obj.0.capacity() <= SPARE_KEYS {
            self.spare = recycle(obj.0);
        }
    }

    /// The layout last used.
    pub(super) fn current(&self) -> &Layout {
        &self.all[self.current]
    }

    /// Makes the layout of `obj`'s keys the current one: one kept, else one worked out.
    pub(super) fn fit(&mut self, obj: &Object, classes: &dyn Classify, config: &Config) {
        // Most lines split the general way (spaced as no layout's split expects) still have
        // the keys of the line before.
        if self.current().fits(obj) {
            return;
        }
        let print = fingerprint(obj);
        if let Some(at) = self
            .all
            .iter()
            .position(|l| l.print == print && l.fits(obj))
        {
            self.current = at;
            return;
        }
        let at = if self.all.len() < LAYOUTS {
            self.all.push(Layout::default());
            self.all.len() - 1
        } else {
            let at = self.next;
            self.next = (at + 1) % LAYOUTS;
            at
        };
        self.all[at].learn(obj, classes, config);
        self.all[at].print = print;
        self.current = at;
    }
}

/// `entries` emptied, as a list of entries borrowed for another lifetime: the standard
/// library collects a filtered `into_iter` of a list into the same allocation when the items
/// have one size. Every JSON line splits into such a list; a fresh one for each cost an
/// allocation and a free.
#[expect(
    clippy::unnecessary_filter_map,
    reason = "a filter keeps the items' lifetime, which is what changes"
)]
pub(super) fn recycle<'b>(entries: Vec<Entry<'_>>) -> Vec<Entry<'b>> {
    entries.into_iter().filter_map(|_| None).collect()
}

/// The lists of keys a layout places, by their index in [`Layout::at`].
pub(super) const LISTS: [&[&str]; 4] = [TIME_KEYS, MESSAGE_KEYS, LEVEL_KEYS, SERVICE_KEYS];
pub(super) const TIME: usize = 0;
pub(super) const MESSAGE: usize = 1;
pub(super) const LEVEL: usize = 2;
pub(super) const SERVICE: usize = 3;

/// What a key is to [`parse`]: its rank in each of [`LISTS`] it is in, and whether a shape or a stack trace is read under it. Built once from the lists,
/// so that learning a layout costs a lookup per key of the line, not a search of every list:
/// lines whose keys change from one to the next learn every time.
#[derive(Default)]
pub(super) struct Roles {
    ranks: [Option<usize>; LISTS.len()],
    shape: bool,
    trace: bool,
}

/// FNV-1a: the keys looked up are a few bytes long, and SipHash's set-up cost more than the
/// rest of the lookup. The table is fixed and small, so no key can make lookups slow.
pub(super) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

pub(super) static ROLES: LazyLock<FnvMap<&'static str, Roles>> = LazyLock::new(|| {
    let mut roles: FnvMap<&'static str, Roles> = FnvMap::default();
    for (list, keys) in LISTS.into_iter().enumerate() {
        for (rank, &key) in keys.iter().enumerate() {
            roles.entry(key).or_default().ranks[list].get_or_insert(rank);
        }
    }
    for &key in SHAPE_KEYS {
        roles.entry(key).or_default().shape = true;
    }
    for &key in TRACE_KEYS.iter().chain(ERROR_KEYS) {
        roles.entry(key).or_default().trace = true;
    }
    roles
});

impl Layout {
    /// [`Object::split_knowing`] of a line with the layout's keys, spaced in one of the
    /// [`STYLES`] loggers write: each key and what comes before it compared as one piece, which
    /// takes a third off the cost of splitting a line. The keys go into `keys`; `None` if the
    /// line is not so written (it may still be an object).
    pub(super) fn split_compact<'a>(&self, text: &'a str, keys: &mut Vec<Entry<'a>>) -> Option<()> {
        let bytes = text.as_bytes();
        // The style is told by the byte after the first key's colon.
        let first = *self.head_ends[0].first()?;
        let style = usize::from(bytes.get(first) == Some(&b' '));
        let heads = self.heads[style].as_bytes();
        let colon = STYLES[style].1.len();
        let mut scan = Scan { text, at: 0 };
        let (mut start, mut name_start) = (0, 0);
        for (&end, &name_end) in self.head_ends[style].iter().zip(&self.ends) {
            let head = &heads[start..end];
            start = end;
            let at = scan.at;
            if !bytes
                .get(at..at + head.len())
                .is_some_and(|b| swar::same(b, head))
            {
                return None;
            }
            // The name ends before the head's closing quote and colon.
            let name_stop = at + head.len() - colon - 1;
            let name = text.get(name_stop - (name_end - name_start)..name_stop)?;
            name_start = name_end;
            scan.at += head.len();
            let (value, plain) = scan.plain_string().map_or_else(|| scan.value(), Some)?;
            keys.push((Text(Cow::Borrowed(name)), Raw { text: value, plain }));
        }
        scan.expect(b'}')?;
        scan.space();
        (scan.at == text.len()).then_some(())
    }

    /// Whether the layout was worked out for `obj`'s keys, in their order.
    pub(super) fn fits(&self, obj: &Object) -> bool {
        self.ends.len() == obj.0.len()
            && obj
                .0
                .iter()
                .zip(&self.ends)
                .try_fold(0, |start, ((k, _), &end)| {
                    (self.names.get(start..end) == Some(k.0.as_ref())).then_some(end)
                })
                == Some(self.names.len())
    }

    /// Works the layout out for `obj`'s keys.
    pub(super) fn learn(&mut self, obj: &Object, classes: &dyn Classify, config: &Config) {
        self.names.clear();
        self.ends.clear();
        self.heads.iter_mut().for_each(String::clear);
        self.head_ends.iter_mut().for_each(Vec::clear);
        for (i, (k, _)) in obj.iter().enumerate() {
            self.names.push_str(&k.0);
            self.ends.push(self.names.len());
            for ((heads, ends), (comma, colon)) in
                self.heads.iter_mut().zip(&mut self.head_ends).zip(STYLES)
            {
                heads.push_str(if i == 0 { "{" } else { comma });
                heads.push('"');
                heads.push_str(&k.0);
                heads.push('"');
                heads.push_str(colon);
                ends.push(heads.len());
            }
        }
        // A key JSON escapes is not written as its name.
        let escapes = |b: &u8| matches!(b, b'"' | b'\\' | 0..=0x1f);
        if obj.iter().any(|(k, _)| k.0.as_bytes().iter().any(escapes)) {
            self.heads.iter_mut().for_each(String::clear);
            self.head_ends.iter_mut().for_each(Vec::clear);
        }
        // Each list's keys with their ranks, the last of a repeated key first among its
        // equals: the keys are visited from the end, and the stable sort keeps that order.
        self.at.iter_mut().for_each(Vec::clear);
        (self.shape, self.trace) = (false, false);
        for (i, (k, _)) in obj.0.iter().enumerate().rev() {
            let Some(roles) = ROLES.get(k.0.as_ref()) else {
                continue;
            };
            self.shape |= roles.shape;
            self.trace |= roles.trace;
            for (list, rank) in roles.ranks.iter().enumerate() {
                self.at[list].extend(rank.map(|rank| (rank, i)));
            }
        }
        for at in &mut self.at {
            at.sort_by_key(|&(rank, _)| rank);
            at.dedup_by_key(|&mut (rank, _)| rank);
        }
        // A request's or an audit record's own time key (a proxy's start of the request, the
        // API server's receipt of it) comes before the log's.
        self.request = REQUESTS.fitting(|k| obj.contains_key(k));
        self.audit = match self.request {
            Some(_) => None,
            None => AUDITS.fitting(|k| obj.contains_key(k)),
        };
        let request_time = self.request.and_then(|r| REQUESTS.get(r)?.time.as_deref());
        let audit_time = self.audit.and_then(|a| AUDITS.get(a)?.time.as_deref());
        if let Some(i) = request_time.or(audit_time).and_then(|k| obj.position(k)) {
            self.at[TIME].insert(0, (0, i));
        }
        self.always.clear();
        self.always.extend(
            obj.iter()
                .map(|(k, _)| always_wanted(classes, config, &k.0)),
        );
        self.classified = obj.iter().any(|(k, _)| classes.reads(&k.0));
    }
}
