//! JSON lines: application logs under whatever keys their library uses, plus the JSON shapes
//! that carry alerts (Alertmanager payloads) and changes (Kubernetes events).
//!
//! A line is split into borrowed keys and raw values without building a DOM; only the time
//! is decoded before the window decides, and the other fields only for events that survive.

use super::{
    access, alertmanager, always_wanted, classify, datadog, docker, github, grafana, helm, k8s,
    opsgenie, pagerduty, spinnaker, timestamp, trim_end, zabbix, Cx,
};
use crate::config::Config;
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::swar;
use crate::time::{Nanos, NANOS_PER_SEC};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// A key or string borrowed from the line unless it had escapes.
#[derive(PartialEq, Eq, Debug)]
pub struct Text<'a>(pub Cow<'a, str>);

/// A value's JSON text as the line has it, checked as JSON when the line was split: decoded
/// only where an event needs it.
#[derive(Clone, Copy, Debug)]
pub struct Raw<'a> {
    text: &'a str,
    /// A string the split found without escapes: its text between the quotes is its value,
    /// with no second search for a backslash.
    plain: bool,
}

impl<'a> Raw<'a> {
    pub fn get(&self) -> &'a str {
        self.text
    }
}

impl<'a> From<&'a RawValue> for Raw<'a> {
    fn from(raw: &'a RawValue) -> Raw<'a> {
        Raw {
            text: raw.get(),
            plain: false,
        }
    }
}

/// A line's top-level keys, in the line's order. Built for every JSON line, and a log line has
/// a handful of keys: a short list searched from its end (so that a repeated key's last value
/// wins, as in a map) costs less than hashing every key into a table.
#[derive(Debug, Default)]
pub struct Object<'a>(Vec<Entry<'a>>);

/// A key and its value.
type Entry<'a> = (Text<'a>, Raw<'a>);

impl<'a> Object<'a> {
    /// Splits the text of one JSON object into its keys and raw values, or `None` if it is not
    /// one (trailing text, a cut line, a bad escape, number or literal). Every JSON line passes
    /// through here: scalars are checked by hand in one pass, nested values (rare in logs) by
    /// `serde_json`, which gives exactly its acceptance.
    pub fn split(text: &'a str) -> Option<Object<'a>> {
        Object::split_into(text, Vec::with_capacity(8))
    }

    /// [`Object::split`], trying the `known` layout's split first ([`Layout::split_compact`]).
    /// Also whether it was that layout's: a line of any other spacing is split the general way,
    /// and its layout found by its keys.
    fn split_knowing(
        text: &'a str,
        known: Option<&Layout>,
        mut keys: Vec<Entry<'a>>,
    ) -> Option<(Object<'a>, bool)> {
        if known.is_some_and(|k| k.split_compact(text, &mut keys).is_some()) {
            return Some((Object(keys), true));
        }
        keys.clear();
        Object::split_into(text, keys).map(|obj| (obj, false))
    }

    /// [`Object::split`] into `keys`, which is empty.
    fn split_into(text: &'a str, mut keys: Vec<Entry<'a>>) -> Option<Object<'a>> {
        let mut scan = Scan { text, at: 0 };
        scan.space();
        scan.expect(b'{')?;
        scan.space();
        if !scan.eat(b'}') {
            loop {
                let key = match scan.string()? {
                    (key, false) => Text(Cow::Borrowed(&key[1..key.len() - 1])),
                    (key, true) => Text::of(key)?,
                };
                scan.space();
                scan.expect(b':')?;
                scan.space();
                let (value, plain) = scan.value()?;
                keys.push((key, Raw { text: value, plain }));
                scan.space();
                if scan.eat(b',') {
                    scan.space();
                    continue;
                }
                scan.expect(b'}')?;
                break;
            }
        }
        scan.space();
        (scan.at == text.len()).then_some(Object(keys))
    }

    pub fn get(&self, key: &str) -> Option<&Raw<'a>> {
        self.position(key).map(|i| &self.0[i].1)
    }

    /// Where `key` is among the keys: the last of a repeated key, whose value wins as in a map.
    fn position(&self, key: &str) -> Option<usize> {
        self.0.iter().rposition(|(k, _)| k.0 == key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Text<'a>, &Raw<'a>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'a> Text<'a> {
    /// A string from its quoted text, checked as JSON already: borrowed unless it has escapes.
    fn of(quoted: &'a str) -> Option<Text<'a>> {
        let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
        if memchr::memchr(b'\\', inner.as_bytes()).is_none() {
            return Some(Text(Cow::Borrowed(inner)));
        }
        serde_json::from_str::<String>(quoted)
            .ok()
            .map(|s| Text(Cow::Owned(s)))
    }
}

/// A cursor over a JSON object's text.
struct Scan<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// The text from `start` to here.
    fn since(&self, start: usize) -> &'a str {
        &self.text[start..self.at]
    }

    /// A value's text, and whether it is a string without escapes. Always inlined: called, it
    /// cost a line in Python's spacing about 270 instructions more.
    #[inline(always)]
    fn value(&mut self) -> Option<(&'a str, bool)> {
        let text = match self.peek()? {
            b'"' => return self.string().map(|(s, escaped)| (s, !escaped)),
            b'{' | b'[' => self.nested(),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        };
        text.map(|t| (t, false))
    }

    /// A string with its quotes (no raw control characters, only JSON's escapes), and whether
    /// it has escapes: one without is its own text between the quotes.
    fn string(&mut self) -> Option<(&'a str, bool)> {
        let start = self.at;
        let mut escaped = false;
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        loop {
            let stop = plain_run(bytes, self.at)?;
            self.at = stop + 1;
            match bytes[stop] {
                b'"' => return Some((self.since(start), escaped)),
                b'\\' => escaped = true,
                _ => return None,
            }
            match *bytes.get(self.at)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                b'u' => {
                    let hex = bytes.get(self.at + 1..self.at + 5)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    self.at += 5;
                }
                _ => return None,
            }
        }
    }

    /// A string here without escapes, with its quotes (most of a log line's values are such):
    /// `None` for any other value, or none, which [`Scan::value`] reads.
    fn plain_string(&mut self) -> Option<(&'a str, bool)> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let stop = plain_run(bytes, self.at + 1)?;
        let string = self
            .text
            .get(self.at..=stop)
            .filter(|_| bytes[stop] == b'"')?;
        self.at = stop + 1;
        Some((string, true))
    }

    fn literal(&mut self, word: &str) -> Option<&'a str> {
        let start = self.at;
        self.text[self.at..].starts_with(word).then(|| {
            self.at += word.len();
            self.since(start)
        })
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<&'a str> {
        let start = self.at;
        self.eat(b'-');
        if !self.eat(b'0') {
            if !matches!(self.peek(), Some(b'1'..=b'9')) {
                return None;
            }
            self.digits();
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(self.since(start))
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    /// An object or array inside the line, checked (and its end found) by `serde_json`.
    fn nested(&mut self) -> Option<&'a str> {
        let start = self.at;
        let mut values = serde_json::Deserializer::from_str(&self.text[start..])
            .into_iter::<serde::de::IgnoredAny>();
        values.next()?.ok()?;
        self.at = start + values.byte_offset();
        Some(self.since(start))
    }
}

/// Where the plain run of a string's bytes from `at` ends: the first `"`, `\` or control
/// character, read eight bytes at a time (see [`swar`]).
fn plain_run(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(word) = swar::word(bytes, at) {
        let found = swar::equal(word, b'"') | swar::equal(word, b'\\') | swar::below(word, 0x20);
        if let Some(i) = swar::first(found) {
            return Some(at + i);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

/// Keys that hold the time, most specific first.
const TIME_KEYS: &[&str] = &[
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
];
const MESSAGE_KEYS: &[&str] = &[
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
];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "lvl",
    "severity",
    "log.level",
    "levelname",
    "loglevel",
    "@level",
    "@l",
    "PRIORITY",
    "s",
];
const SERVICE_KEYS: &[&str] = &[
    "service",
    "service.name",
    "app",
    "application",
    "app_name",
    "_SYSTEMD_UNIT",
    "SYSLOG_IDENTIFIER",
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
    at: [Vec<(usize, usize)>; LISTS.len()],
    /// Whether any of [`SHAPE_KEYS`] is there, and any of [`TRACE_KEYS`] or [`ERROR_KEYS`].
    shape: bool,
    trace: bool,
    /// Per key: whether it is wanted of every event ([`always_wanted`]).
    always: Vec<bool>,
    /// Whether any key is one classifying reads ([`classify::DRAFT_READS`]): most lines have
    /// none, and are spared looking them up.
    classified: bool,
    /// The keys' [`fingerprint`], to pass over most layouts that do not fit without comparing.
    print: u64,
}

/// A hash of an object's keys in order.
fn fingerprint(obj: &Object) -> u64 {
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
const STYLES: [(&str, &str); 2] = [(",", ":"), (", ", ": ")];

/// The most keys a kept, emptied key list has room for (see [`Layouts::give_back`]).
const SPARE_KEYS: usize = 64;

/// How many layouts a file keeps: with fingerprints, passing over them costs little.
const LAYOUTS: usize = 32;

impl Layouts {
    /// An empty key list for a line, in the allocation of the line before's.
    fn spare<'a>(&mut self) -> Vec<Entry<'a>> {
        recycle(std::mem::take(&mut self.spare))
    }

    /// Keeps a line's key list, emptied, for the next line (unless a line of very many keys
    /// made it large: that is not kept for the rest of the file).
    fn give_back(&mut self, obj: Object) {
        if obj.0.capacity() <= SPARE_KEYS {
            self.spare = recycle(obj.0);
        }
    }

    /// The layout last used.
    fn current(&self) -> &Layout {
        &self.all[self.current]
    }

    /// Makes the layout of `obj`'s keys the current one: one kept, else one worked out.
    fn fit(&mut self, obj: &Object, config: &Config) {
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
        self.all[at].learn(obj, config);
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
fn recycle<'b>(entries: Vec<Entry<'_>>) -> Vec<Entry<'b>> {
    entries.into_iter().filter_map(|_| None).collect()
}

/// The lists of keys a layout places, by their index in [`Layout::at`].
const LISTS: [&[&str]; 4] = [TIME_KEYS, MESSAGE_KEYS, LEVEL_KEYS, SERVICE_KEYS];
const TIME: usize = 0;
const MESSAGE: usize = 1;
const LEVEL: usize = 2;
const SERVICE: usize = 3;

/// What a key is to [`parse`]: its rank in each of [`LISTS`] it is in, and whether a shape or a stack trace is read under it. Built once from the lists,
/// so that learning a layout costs a lookup per key of the line, not a search of every list:
/// lines whose keys change from one to the next learn every time.
#[derive(Default)]
struct Roles {
    ranks: [Option<usize>; LISTS.len()],
    shape: bool,
    trace: bool,
}

/// FNV-1a: the keys looked up are a few bytes long, and SipHash's set-up cost more than the
/// rest of the lookup. The table is fixed and small, so no key can make lookups slow.
struct Fnv(u64);

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

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

static ROLES: LazyLock<FnvMap<&'static str, Roles>> = LazyLock::new(|| {
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
    fn split_compact<'a>(&self, text: &'a str, keys: &mut Vec<Entry<'a>>) -> Option<()> {
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
    fn fits(&self, obj: &Object) -> bool {
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
    fn learn(&mut self, obj: &Object, config: &Config) {
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
        self.always.clear();
        self.always
            .extend(obj.iter().map(|(k, _)| always_wanted(config, &k.0)));
        self.classified = obj
            .iter()
            .any(|(k, _)| classify::DRAFT_READS.contains(&k.0.as_ref()));
    }
}

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let trimmed = super::trim_start(line);
    if !trimmed.starts_with('{') {
        return false;
    }
    let keys = cx.json.spare();
    let Some((obj, known)) = Object::split_knowing(trimmed, Some(cx.json.current()), keys) else {
        return false;
    };
    if !known {
        cx.json.fit(&obj, &cx.config);
    }
    let recognised = parse_object(&obj, trimmed, cx, out);
    cx.json.give_back(obj);
    recognised
}

/// The event of a line split into `obj` (`trimmed`, its text), if it is one.
fn parse_object(obj: &Object, trimmed: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    if cx.json.current().shape {
        if let Some(recognised) = shape(obj, cx, out) {
            return recognised;
        }
    }
    let Some((time_key, time)) = first(obj, &cx.json.current().at[TIME], |v| time_value(v, cx))
        .or(cx.given_time.map(|t| ("", t)))
    else {
        return false;
    };
    if !cx.keep(time) {
        return true;
    }
    let (message_key, message) = first(obj, &cx.json.current().at[MESSAGE], |v| string(v)).unzip();
    let (level_key, lvl) = first(obj, &cx.json.current().at[LEVEL], |v| level(v)).unzip();
    let trace = cx.json.current().trace.then(|| stack_trace(obj)).flatten();
    let request = match message.as_deref() {
        None => cloud_request(obj, time, cx, out),
        Some("handled request") => caddy_request(obj, time, cx, out),
        Some(_) => None,
    };
    if let Some(recognised) = request {
        return recognised;
    }
    if let (Some(text), None) = (&message, &trace) {
        // The service keys, not yet looked up, are none of those classifying reads.
        let classified = cx.json.current().classified;
        let field = |k: &str| {
            let used = [time_key, message_key.unwrap_or(""), level_key.unwrap_or("")];
            let wanted = classified && !used.contains(&k);
            wanted.then(|| obj.get(k)).flatten().and_then(string)
        };
        if cx.only_counted(time, lvl, trim_end(text), field) {
            return true;
        }
    }
    let nested = message.is_none().then(|| nested_message(obj)).flatten();
    let cloud_entry = message_key == Some("textPayload") || nested.as_ref().is_some_and(|n| n.0);
    let mut message = message
        .map(|m| trim_end(&m).to_string())
        .or(nested.map(|n| n.1))
        .unwrap_or_else(|| trimmed.to_string());
    if let Some(trace) = trace {
        message.push('\n');
        message.push_str(trace.trim_end());
    }
    let (service_key, mut svc) = first(obj, &cx.json.current().at[SERVICE], |v| service(v)).unzip();
    if svc.is_none() && cloud_entry {
        svc = cloud_service(obj);
    }
    let used = [Some(time_key), message_key, level_key, service_key];
    let kind_only = cx.kind_only();
    let fields: Fields = obj
        .iter()
        .zip(&cx.json.current().always)
        .filter(|((k, _), &always)| (always || !kind_only) && !used.contains(&Some(k.0.as_ref())))
        .filter_map(|((k, v), _)| Some((k.0.to_string(), serde_json::from_str(v.get()).ok()?)))
        .collect();
    out.push(cx.event(time, lvl, svc, message, fields));
    true
}

/// The keys without which no alerting or deploy shape is read (see [`shape`]): most lines are
/// application logs that have none of them, and are spared a dozen shapes' lookups.
const SHAPE_KEYS: &[&str] = &[
    "alerts",
    "involvedObject",
    "log",
    "event",
    "type",
    "action",
    "title",
    "clock",
    "schemaVersion",
    "deployment_status",
    "details",
    "revision",
];

/// A line in one of the JSON shapes that carry alerts and changes, read as its own; `None` for
/// a line in none of them. Each shape needs one of [`SHAPE_KEYS`].
fn shape(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if alertmanager::is_payload(obj) {
        return Some(alertmanager::parse(obj, cx, out));
    }
    if k8s::is_event(obj) {
        return Some(k8s::parse(obj, cx, out));
    }
    [
        docker::parse,
        pagerduty::parse,
        opsgenie::parse,
        datadog::parse,
        zabbix::parse,
        grafana::parse,
        github::parse,
        spinnaker::parse,
        helm::parse,
    ]
    .iter()
    .find_map(|shape| shape(obj, cx, out))
}

/// The first of the keys at `places` (ranked, as a [`Layout`] has them) whose value `read`
/// accepts: the key, and what it read.
fn first<'o, 'a, T>(
    obj: &'o Object<'a>,
    places: &[(usize, usize)],
    read: impl Fn(&Raw<'a>) -> Option<T>,
) -> Option<(&'o str, T)> {
    places.iter().find_map(|&(_, i)| {
        let (k, v) = obj.0.get(i)?;
        Some((k.0.as_ref(), read(v)?))
    })
}

/// tracing-subscriber's JSON puts the message under `fields`; a Google Cloud Logging entry,
/// under `jsonPayload` (`true`: the line is such an entry).
fn nested_message(obj: &Object) -> Option<(bool, String)> {
    let (cloud, payload) = match obj.get("fields") {
        Some(fields) => (false, fields),
        None => (true, obj.get("jsonPayload")?),
    };
    let payload = object(payload)?;
    ["message", "msg"]
        .iter()
        .find_map(|k| payload.get(k).and_then(|v| string(v)))
        .map(|m| (cloud, trim_end(&m).to_string()))
}

/// A Google Cloud Logging request entry (Cloud Run, App Engine, a load balancer): no payload,
/// and an `httpRequest` with the status and the latency (`"0.120s"`), read as an access log's
/// request is.
fn cloud_request(obj: &Object, time: Nanos, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let request = object(obj.get("httpRequest")?)?;
    let status = http_status(request.get("status")?)?;
    let latency = request.get("latency").and_then(|v| string(v));
    let duration = latency.and_then(|l| nanos_of_seconds(l.strip_suffix('s')?));
    let heard = (time, status, duration);
    let keys = ("requestMethod", "requestUrl");
    push_request(&request, keys, heard, || cloud_service(obj), cx, out)
}

/// Caddy's access log (`"logger":"http.log.access…"`, `"msg":"handled request"`): the request
/// object's method and URI, the status, and the duration in seconds.
fn caddy_request(obj: &Object, time: Nanos, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let logger = obj.get("logger").and_then(|v| string(v))?;
    if !logger.starts_with("http.log.access") {
        return None;
    }
    let request = object(obj.get("request")?)?;
    let status = http_status(obj.get("status")?)?;
    let duration = obj.get("duration").and_then(|v| nanos_of_seconds(v.get()));
    push_request(
        &request,
        ("method", "uri"),
        (time, status, duration),
        || None,
        cx,
        out,
    )
}

/// A JSON log's request at `heard` (time, status, duration): counted alone when a draft needs
/// no more of it, else an event with the method and URL `request` holds under `keys`.
fn push_request(
    request: &Object,
    (method, url): (&str, &str),
    (time, status, duration): (Nanos, u16, Option<Nanos>),
    service: impl FnOnce() -> Option<String>,
    cx: &mut Cx,
    out: &mut Vec<Event>,
) -> Option<bool> {
    if cx.count_request(time, status, duration, out) {
        return Some(true);
    }
    let text = |k: &str| request.get(k).and_then(|v| string(v)).unwrap_or_default();
    let (method, url) = (text(method), text(url));
    let req = access::Heard {
        time,
        method: &method,
        target: access::target_of(&url),
        status,
        duration,
    };
    access::push_request(req, service(), Fields::new(), cx, out);
    Some(true)
}

/// A JSON number that is an HTTP status.
fn http_status(raw: &Raw) -> Option<u16> {
    raw.get()
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
}

/// Seconds written as a decimal (`5.001234`), as nanoseconds.
fn nanos_of_seconds(text: &str) -> Option<Nanos> {
    let s = text
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)?;
    Some((s * NANOS_PER_SEC as f64) as Nanos)
}

/// The service of a Google Cloud Logging entry, from its monitored resource's labels: Cloud
/// Run's service, a GKE container, a Cloud Function, an App Engine module.
fn cloud_service(obj: &Object) -> Option<String> {
    let resource = object(obj.get("resource")?)?;
    let labels = object(resource.get("labels")?)?;
    [
        "service_name",
        "container_name",
        "function_name",
        "module_id",
    ]
    .iter()
    .find_map(|k| labels.get(k).and_then(|v| string(v)))
    .filter(|s| !s.is_empty())
    .map(|s| s.into_owned())
}

/// The keys that hold a stack trace as a string, and those that hold an error object with
/// the stack trace inside.
const TRACE_KEYS: &[&str] = &["stack_trace", "stacktrace", "exception"];
const ERROR_KEYS: &[&str] = &["err", "error", "exception"];

/// The stack trace a JSON logger put beside the message: logstash's `stack_trace`, zap's
/// `stacktrace`, or `stack` inside Bunyan's and Pino's `err` object.
fn stack_trace<'a>(obj: &'a Object) -> Option<Cow<'a, str>> {
    TRACE_KEYS
        .iter()
        .find_map(|k| obj.get(k).and_then(|v| string(v)))
        .or_else(|| {
            ERROR_KEYS.iter().find_map(|k| {
                let inner = object(obj.get(k)?)?;
                let trace = ["stack", "stack_trace"]
                    .iter()
                    .find_map(|s| inner.get(s).and_then(|v| string(v)))?;
                Some(Cow::Owned(trace.into_owned()))
            })
        })
}

/// A string value, borrowed when it has no escapes.
pub fn string<'a>(raw: &Raw<'a>) -> Option<Cow<'a, str>> {
    if raw.plain {
        return Some(Cow::Borrowed(&raw.text[1..raw.text.len() - 1]));
    }
    Text::of(raw.text).map(|t| t.0)
}

/// The raw value at a path of keys: `raw_at(obj, &["event", "data", "title"])`.
pub fn raw_at<'a>(obj: &Object<'a>, path: &[&str]) -> Option<Raw<'a>> {
    let (first, rest) = path.split_first()?;
    let mut raw = *obj.get(first)?;
    for key in rest {
        raw = *object(&raw)?.get(key)?;
    }
    Some(raw)
}

/// The string at a path of keys.
pub fn str_at(obj: &Object, path: &[&str]) -> Option<String> {
    string(&raw_at(obj, path)?)
        .map(Cow::into_owned)
        .filter(|s| !s.is_empty())
}

/// A number at a path of keys, written as a number or as a string of digits.
pub fn number_at(obj: &Object, path: &[&str]) -> Option<f64> {
    let raw = raw_at(obj, path)?;
    string(&raw).map_or_else(|| raw.get().parse().ok(), |s| s.parse().ok())
}

/// Every top-level key as a field, for the event stream.
pub fn all_fields(obj: &Object) -> Fields {
    obj.iter()
        .filter_map(|(k, v)| Some((k.0.to_string(), serde_json::from_str(v.get()).ok()?)))
        .collect()
}

/// A nested object, split like the line itself.
pub fn object<'a>(raw: &Raw<'a>) -> Option<Object<'a>> {
    raw.get()
        .starts_with('{')
        .then(|| Object::split(raw.get()))
        .flatten()
}

/// An RFC 3339 string, or epoch seconds/ms/µs/ns as a number or a string of digits.
pub fn time_value(raw: &Raw, cx: &Cx) -> Option<Nanos> {
    let text = raw.get();
    // MongoDB's extended JSON: `{"$date":"2023-10-11T14:00:01.123+00:00"}`, or
    // `{"$date":{"$numberLong":"1697032801123"}}`.
    if text.starts_with('{') {
        let inner = object(raw)?;
        let date = inner.get("$date").or_else(|| inner.get("$numberLong"))?;
        return time_value(date, cx);
    }
    if let Some(s) = string(raw) {
        if let Some((t, used)) = cx.iso_time(s.as_bytes()) {
            return t.filter(|_| used == s.len());
        }
        return timestamp::epoch(&s);
    }
    timestamp::epoch(text)
}

fn level(raw: &Raw) -> Option<Level> {
    if let Some(s) = string(raw) {
        if let Ok(n) = s.parse::<u8>() {
            return (n <= 7).then(|| Level::from_syslog(n));
        }
        // MongoDB's severities are letters (`"s":"E"`), its debug levels `D1` to `D5`.
        if let [c, digits @ ..] = s.as_bytes() {
            if digits.len() <= 1 && digits.iter().all(u8::is_ascii_digit) {
                if let Some(level) = Level::from_letter(*c) {
                    return Some(level);
                }
            }
        }
        return Level::parse(&s);
    }
    // Bunyan and Pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    let n: u32 = raw.get().parse().ok()?;
    Some(match n {
        50.. => Level::Error,
        40..=49 => Level::Warn,
        30..=39 => Level::Info,
        _ => Level::Debug,
    })
}

/// A service name, from a string or from ECS's `{"service": {"name": …}}`.
fn service(raw: &Raw) -> Option<String> {
    if let Some(s) = string(raw) {
        let s = s.strip_suffix(".service").unwrap_or(&s);
        return (!s.is_empty()).then(|| s.to_string());
    }
    object(raw).and_then(|o| {
        o.get("name")
            .and_then(|v| string(v))
            .map(|s| s.into_owned())
    })
}

#[cfg(test)]
mod tests {
    use crate::event::Level;
    use crate::format::testing::*;

    /// A JSON request's duration feeds the impact line's slow requests: Google Cloud's latency
    /// (`"5.001234s"`) and Caddy's seconds, to the nanosecond of a millisecond.
    #[test]
    fn json_requests_give_their_durations() {
        let ms = |status: u16, ms: i64| (status, Some(ms * 1_000_000));
        let cases = [
            (
                include_str!("../../tests/fixtures/formats/gcp-logging/entries.jsonl"),
                vec![ms(503, 5001), ms(200, 2)],
            ),
            (
                include_str!("../../tests/fixtures/formats/caddy/access.log"),
                vec![ms(200, 12), ms(502, 5001)],
            ),
        ];
        for (text, want) in cases {
            let got: Vec<_> = requests("requests.jsonl", text)
                .into_iter()
                .map(|(s, d)| (s, d.map(|d| d / 1_000_000 * 1_000_000)))
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn common_keys_and_epoch_units() {
        let (events, counts, _) = parse_all(
            "svc.jsonl",
            &[
                r#"{"@timestamp":"2023-10-11T14:00:01.5Z","log.level":"ERROR","message":"db down","service.name":"orders"}"#,
                r#"{"level":50,"time":1697032802123,"pid":1,"hostname":"h","msg":"pino error"}"#,
                r#"{"__REALTIME_TIMESTAMP":"1697032803123456","PRIORITY":"3","_SYSTEMD_UNIT":"checkout.service","MESSAGE":"pool exhausted"}"#,
                r#"{"ts":1697032804.25,"level":"warn","msg":"slow","user":{"id":7}}"#,
                r#"{"no_time":true}"#,
            ],
        );
        assert_eq!(counts.unrecognised, 1);
        let got: Vec<_> = events
            .iter()
            .map(|e| {
                (
                    utc(e.time),
                    e.level,
                    e.service.clone().unwrap_or_default(),
                    e.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            got[0],
            (
                "2023-10-11T14:00:01.500Z".into(),
                Some(Level::Error),
                "orders".into(),
                "db down".into()
            )
        );
        assert_eq!(
            got[1],
            (
                "2023-10-11T14:00:02.123Z".into(),
                Some(Level::Error),
                "svc".into(),
                "pino error".into()
            )
        );
        assert_eq!(
            got[2],
            (
                "2023-10-11T14:00:03.123456Z".into(),
                Some(Level::Error),
                "checkout".into(),
                "pool exhausted".into()
            )
        );
        assert_eq!(got[3].0, "2023-10-11T14:00:04.250Z");
        assert_eq!(
            events[3]
                .fields
                .get("user")
                .map(|v| v.to_string())
                .as_deref(),
            Some(r#"{"id":7}"#)
        );
    }

    /// Splitting a line accepts what `serde_json` accepts as an object of raw values, and gives
    /// the same values, on objects built from JSON's pieces (good and bad), cut or damaged.
    mod split_as_serde {
        use super::super::{string, Layout, Object};
        use proptest::prelude::*;
        use serde_json::value::RawValue;
        use std::borrow::Cow;
        use std::collections::BTreeMap;

        /// Scalars, most of them well formed, some not.
        const SCALARS: &[&str] = &[
            "\"k\"",
            "\"a b\"",
            "\"\\n\"",
            "\"\\u00e9\"",
            "\"\\ud800\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\u{1}\"",
            "\"é\"",
            "\"\\\"\"",
            "1",
            "-0.5e3",
            "0",
            "01",
            "-",
            "1.",
            "2E+7",
            "1e",
            "true",
            "tru",
            "null",
            "false",
            "nul",
        ];
        const KEYS: &[&str] = &[
            "\"k\"",
            "\"msg\"",
            "\"\\u0041\"",
            "\"\\ud800\"",
            "\"\t\"",
            "k",
        ];
        const SPACE: &[&str] = &["", "", " ", "\t", "\n "];
        /// Keys a layout may hold: one that begins another, and one written with an escape.
        const LAYOUT_KEYS: &[&str] = &["t", "time", "msg", "m\\u0073g"];

        fn value() -> impl Strategy<Value = String> {
            prop::sample::select(SCALARS)
                .prop_map(str::to_string)
                .prop_recursive(3, 16, 4, |inner| {
                    prop_oneof![
                        prop::collection::vec(inner.clone(), 0..4)
                            .prop_map(|items| format!("[{}]", items.join(","))),
                        prop::collection::vec((prop::sample::select(KEYS), inner), 0..4).prop_map(
                            |pairs| {
                                let pairs: Vec<String> =
                                    pairs.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                                format!("{{{}}}", pairs.join(","))
                            }
                        ),
                    ]
                })
        }

        /// An object of such values, with spacing, sometimes cut or with a piece stuck in.
        fn text() -> impl Strategy<Value = String> {
            let pair = (
                prop::sample::select(KEYS),
                prop::sample::select(SPACE),
                value(),
            )
                .prop_map(|(k, sp, v)| format!("{sp}{k}{sp}:{sp}{v}{sp}"));
            (
                prop::collection::vec(pair, 0..6),
                prop::sample::select(SPACE),
                prop::option::weighted(
                    0.3,
                    (any::<prop::sample::Index>(), prop::sample::select(SCALARS)),
                ),
                prop::option::weighted(0.1, any::<prop::sample::Index>()),
            )
                .prop_map(|(pairs, sp, insert, cut)| {
                    let mut text = format!("{sp}{{{}}}{sp}", pairs.join(","));
                    if let Some((at, piece)) = insert {
                        let at = at.index(text.len() + 1);
                        if text.is_char_boundary(at) {
                            text.insert_str(at, piece);
                        }
                    }
                    if let Some(at) = cut {
                        let at = at.index(text.len() + 1);
                        if text.is_char_boundary(at) {
                            text.truncate(at);
                        }
                    }
                    text
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]

            #[test]
            fn a_plain_run_ends_where_a_byte_by_byte_search_ends(
                bytes in proptest::collection::vec(
                    proptest::prop_oneof![Just(b'"'), Just(b'\\'), 0u8..0x20, 0x20u8..=0xff],
                    0..40,
                ),
                at in 0usize..40,
            ) {
                let at = at.min(bytes.len());
                let expected = bytes[at..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                    .map(|i| at + i);
                prop_assert_eq!(crate::format::json::plain_run(&bytes, at), expected);
            }

            #[test]
            fn accepts_and_reads_what_serde_does(text in text()) {
                // Keys decoded, values kept raw: the line's splitting as `serde_json` does it,
                // and string values decoded as it decodes them.
                let serde = serde_json::from_str::<BTreeMap<String, &RawValue>>(&text);
                let ours = Object::split(&text);
                prop_assert_eq!(ours.is_some(), serde.is_ok(), "{}", text);
                if let (Some(ours), Ok(serde)) = (ours, serde) {
                    prop_assert_eq!(ours.iter().count() >= serde.len(), true);
                    for (key, value) in serde {
                        let raw = ours.get(&key);
                        prop_assert_eq!(raw.map(|r| r.get()), Some(value.get()));
                        // A string value reads as serde decodes it, escaped or not; others not.
                        let decoded = raw.and_then(|r| string(r)).map(Cow::into_owned);
                        prop_assert_eq!(decoded, serde_json::from_str::<String>(value.get()).ok());
                    }
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// A layout learnt from a line spares scanning the next line's keys, and changes
            /// nothing else: the same lines split, the same way, and a line is said to be of the
            /// layout only when it writes the layout's keys, in its order, without escapes, in
            /// one of the spacings loggers write.
            #[test]
            fn a_layout_changes_no_split(
                pairs in prop::collection::vec(
                    (prop::sample::select(LAYOUT_KEYS), prop::sample::select(SPACE), value()),
                    0..5,
                ),
                learnt in prop::option::of(
                    prop::collection::vec(prop::sample::select(LAYOUT_KEYS), 0..5),
                ),
                cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
                cut_end in prop::option::weighted(0.2, 1usize..3),
                style in 0..3,
            ) {
                // Without spaces, as Python writes JSON, or spaced anyhow.
                let body: Vec<String> = pairs
                    .iter()
                    .map(|(k, sp, v)| match style {
                        0 => format!("\"{k}\":{v}"),
                        1 => format!("\"{k}\": {v}"),
                        _ => format!("{sp}\"{k}\"{sp}:{sp}{v}"),
                    })
                    .collect();
                let comma = if style == 1 { ", " } else { "," };
                let mut text = format!("{{{}}}", body.join(comma));
                let at = cut.map(|at| at.index(text.len() + 1));
                let at = at.or(cut_end.map(|n| text.len().saturating_sub(n)));
                if let Some(at) = at.filter(|&at| text.is_char_boundary(at)) {
                    text.truncate(at);
                }
                let learnt = learnt.unwrap_or_else(|| pairs.iter().map(|(k, ..)| *k).collect());
                let learnt: Vec<String> = learnt.iter().map(|k| format!("\"{k}\":0")).collect();
                let learnt = format!("{{{}}}", learnt.join(","));
                let learnt = Object::split(&learnt).expect("a line of plain keys");
                let mut layout = Layout::default();
                layout.learn(&learnt, &crate::config::Config::default());
                let split = |known| {
                    Object::split_knowing(&text, known, Vec::new()).map(|(obj, same)| {
                        let pairs: Vec<(String, String, bool)> = obj
                            .iter()
                            .map(|(k, v)| (k.0.to_string(), v.text.to_string(), v.plain))
                            .collect();
                        (pairs, same)
                    })
                };
                let (with, without) = (split(Some(&layout)), split(None));
                prop_assert_eq!(with.as_ref().map(|w| &w.0), without.as_ref().map(|w| &w.0));
                if let Some((split, same)) = with {
                    let keys: Vec<&str> = split.iter().map(|(k, ..)| k.as_str()).collect();
                    let learnt: Vec<&str> = learnt.iter().map(|(k, _)| k.0.as_ref()).collect();
                    let escaped = pairs.iter().any(|(k, ..)| k.contains('\\'));
                    let spaced = |(comma, colon)| {
                        let body: Vec<String> =
                            pairs.iter().map(|(k, _, v)| format!("\"{k}\"{colon}{v}")).collect();
                        text == format!("{{{}}}", body.join(comma))
                    };
                    let styled = [(",", ":"), (", ", ": ")].into_iter().any(spaced);
                    // `{}` is found by its keys, none: there is nothing to compare.
                    let known = styled && !escaped && !keys.is_empty() && keys == learnt;
                    prop_assert_eq!(same, known, "{}", text);
                }
            }
        }

        #[test]
        fn well_formed_lines_split() {
            let line = r#" {"time":"2025-06-01T00:00:00Z", "n":-1.5e-3,"ok":true,"v":null,"o":{"a":[1,{"b":"}"}]},"e":"q\"x\u00e9"} "#;
            let obj = Object::split(line).expect("an object");
            let keys: Vec<&str> = obj.iter().map(|(k, _)| k.0.as_ref()).collect();
            assert_eq!(keys, ["time", "n", "ok", "v", "o", "e"]);
            assert_eq!(
                obj.get("o").map(|v| v.get()),
                Some(r#"{"a":[1,{"b":"}"}]}"#)
            );
            assert_eq!(obj.get("e").map(|v| v.get()), Some(r#""q\"x\u00e9""#));
        }
    }

    mod layout {
        use crate::event::Event;
        use crate::format::testing::parse_as;
        use crate::format::{Format, Keep};
        use crate::time::Nanos;
        use proptest::prelude::*;

        /// Keys the parser looks up, some in more than one role, one that begins another,
        /// one written with an escape, and one it does not look up.
        const KEYS: &[&str] = &[
            "time",
            "ts",
            "t",
            r"m\u0073g",
            "@timestamp",
            "level",
            "lvl",
            "msg",
            "message",
            "service",
            "app",
            "reason",
            "type",
            "@module",
            "err",
            "user",
        ];
        const VALUES: &[&str] = &[
            r#""2023-10-11T14:00:01Z""#,
            r#""2023-10-11T14:00:02.5Z""#,
            "1697032803",
            r#""ERROR""#,
            r#""info""#,
            r#""deploy started""#,
            r#""OperationStarted""#,
            r#""apply_errored""#,
            r#"{"stack":"at x"}"#,
            r#""a\"b""#,
            "30",
        ];

        /// A line of a few pairs, or now and then of more than the parser keeps room for
        /// between lines (see `Layouts::give_back`).
        fn line() -> impl Strategy<Value = String> {
            let pair = (0..KEYS.len(), 0..VALUES.len());
            let pairs = prop_oneof![
                8 => proptest::collection::vec(pair.clone(), 0..6),
                1 => proptest::collection::vec(pair, 60..72),
            ];
            pairs.prop_map(|pairs| {
                let body: Vec<String> = pairs
                    .iter()
                    .map(|&(k, v)| format!("\"{}\":{}", KEYS[k], VALUES[v]))
                    .collect();
                format!("{{{}}}", body.join(","))
            })
        }

        /// The events of `lines` read as one JSON file, and the times of those a draft only
        /// counts, without line numbers.
        fn read(lines: &[&str], keep: Keep) -> (Vec<Event>, Vec<Nanos>) {
            let parsed = parse_as("app.jsonl", Some(Format::Json), lines, keep);
            let mut events = parsed.events;
            for e in &mut events {
                e.source.line = 0;
            }
            (events, parsed.dropped.iter().map(|d| d.time).collect())
        }

        proptest! {
            /// What one line's keys teach the parser never changes how it reads the next.
            #[test]
            fn a_line_reads_the_same_after_any_other(
                lines in proptest::collection::vec(line(), 1..80),
                keep in prop_oneof![Just(Keep::All), Just(Keep::Lines), Just(Keep::Drafts)],
            ) {
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                let (mut events, mut dropped) = (Vec::new(), Vec::new());
                for line in &lines {
                    let (e, d) = read(&[line], keep);
                    events.extend(e);
                    dropped.extend(d);
                }
                // A file's events are in time order, ties in line order.
                events.sort_by_key(|e| e.time);
                prop_assert_eq!(read(&lines, keep), (events, dropped));
            }
        }
    }

    #[test]
    fn broken_json_is_not_an_event() {
        let (events, counts, _) =
            parse_all("x.jsonl", &[r#"{"time":"2023-10-11T14:00:01Z","msg":"cut"#]);
        assert!(events.is_empty());
        assert_eq!(counts.unrecognised, 1);
    }
}
