//! A JSON line split into borrowed keys and raw values, without building a DOM, and the
//! values at paths of keys.

use super::layout::Layout;
use crate::event::Fields;
use crate::swar;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A key or string borrowed from the line unless it had escapes.
#[derive(PartialEq, Eq, Debug)]
pub struct Text<'a>(pub Cow<'a, str>);

/// A value's JSON text as the line has it, checked as JSON when the line was split: decoded
/// only where an event needs it.
#[derive(Clone, Copy, Debug)]
pub struct Raw<'a> {
    pub(super) text: &'a str,
    /// A string the split found without escapes: its text between the quotes is its value,
    /// with no second search for a backslash.
    pub(super) plain: bool,
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
pub struct Object<'a>(pub(super) Vec<Entry<'a>>);

/// A key and its value.
pub(super) type Entry<'a> = (Text<'a>, Raw<'a>);

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
    pub(super) fn split_knowing(
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
    pub(super) fn split_into(text: &'a str, mut keys: Vec<Entry<'a>>) -> Option<Object<'a>> {
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
    pub(super) fn position(&self, key: &str) -> Option<usize> {
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
    pub(super) fn of(quoted: &'a str) -> Option<Text<'a>> {
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
pub(super) struct Scan<'a> {
    pub(super) text: &'a str,
    pub(super) at: usize,
}

impl<'a> Scan<'a> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    pub(super) fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    pub(super) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// The text from `start` to here.
    pub(super) fn since(&self, start: usize) -> &'a str {
        &self.text[start..self.at]
    }

    /// A value's text, and whether it is a string without escapes. Always inlined: called, it
    /// cost a line in Python's spacing about 270 instructions more.
    #[inline(always)]
    pub(super) fn value(&mut self) -> Option<(&'a str, bool)> {
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
    pub(super) fn string(&mut self) -> Option<(&'a str, bool)> {
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
    pub(super) fn plain_string(&mut self) -> Option<(&'a str, bool)> {
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

    pub(super) fn literal(&mut self, word: &str) -> Option<&'a str> {
        let start = self.at;
        self.text[self.at..].starts_with(word).then(|| {
            self.at += word.len();
            self.since(start)
        })
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    pub(super) fn number(&mut self) -> Option<&'a str> {
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

    pub(super) fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    /// An object or array inside the line, checked (and its end found) by `serde_json`.
    pub(super) fn nested(&mut self) -> Option<&'a str> {
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
pub(super) fn plain_run(bytes: &[u8], mut at: usize) -> Option<usize> {
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
/// A string value, borrowed when it has no escapes.
pub fn string<'a>(raw: &Raw<'a>) -> Option<Cow<'a, str>> {
    if raw.plain {
        return Some(Cow::Borrowed(&raw.text[1..raw.text.len() - 1]));
    }
    Text::of(raw.text).map(|t| t.0)
}

/// The raw value at a path of keys: `raw_at(obj, &["event", "data", "title"])`, or a path
/// kept as owned keys (a table's, read from data).
pub fn raw_at<'a, K: AsRef<str>>(obj: &Object<'a>, path: &[K]) -> Option<Raw<'a>> {
    let (first, rest) = path.split_first()?;
    let mut raw = *obj.get(first.as_ref())?;
    for key in rest {
        raw = *object(&raw)?.get(key.as_ref())?;
    }
    Some(raw)
}

/// The string at a path of keys, when it is not empty.
pub fn str_at<K: AsRef<str>>(obj: &Object, path: &[K]) -> Option<String> {
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
