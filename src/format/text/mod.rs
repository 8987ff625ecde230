//! Lines that begin with a timestamp: log4j, logback, Spring Boot, Python `logging`, Rust
//! `tracing`, Go `log`, Serilog, MySQL, the ALB's requests, and the plain lines
//! deploy scripts write. (Programs whose whole layout a regular expression says are read by
//! their definitions in `defs/` instead.)
//! The level is read where the file states it (see [`LevelPlace`]); the message is what
//! follows the layout's own separator, so thread names and logger padding do not split one
//! message into many.

use super::timestamp;
use super::{alb, cri, heroku, nagios, registry, trim_start, Cx};
use crate::event::Fields;
use crate::event::{Event, Level};
use crate::swar;
use crate::time::Nanos;
use memchr::memmem::Finder;
use std::sync::LazyLock;

// Searched for in every text line: built once, not per line as `str::find` would. Not by
// their mark, as [`find`] does for Spring Boot's: dashes recur in thread and logger names before
// the separator (`[pool-1-thread-3] c.e.Orders - `), and a search from each of them cost a
// log4j line 186 instructions more.
static DASH: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(" - "));
static DASHES: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(" -- "));

/// How many tokens after the time may hold the level (`[main] ERROR`, `4242 --- [app] ERROR`)
/// where the file's place for it is not known.
const LEVEL_WINDOW: usize = 4;

/// How many tokens after the time a file's sample is searched for the place of its level:
/// wider than [`LEVEL_WINDOW`], as a place once settled is read however far it is (ClickHouse
/// states it fifth: `[ 12345 ] {query} <Error>`).
const PLACES: usize = 8;

/// Where a file read by this reader states its level, settled once from its sample when the
/// file's format is detected, so that a level word inside a message is not taken for the
/// line's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelPlace {
    /// Nothing known of the file (a trial parse in detection, a line a container runtime
    /// wrapped): the first level word among the leading tokens.
    Anywhere,
    /// The token after the time (a bracketed group counted as one) where most of the
    /// sample's lines state their level.
    At(u8),
    /// Most lines state none, or not in one place: only a level marked as one (in capitals or
    /// brackets) is read, never a lower-case word (`user reported error in …`).
    Marked,
}

pub fn parse(line: &str, place: LevelPlace, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some((time, rest)) = lead(line, cx) else {
        return false;
    };
    let time = match cx.admit(time) {
        Ok(time) => time,
        Err(recognised) => return recognised,
    };
    let rest = trim_start(rest);
    // The layouts that follow a leading time, each `None` when the line is not its: called
    // one after the other, not through a list of function pointers, so that the first bytes
    // that turn most lines away are checked in line.
    if let Some(recognised) = alb::parse(line, time, rest, cx, out)
        .map(|read| cx.read_by(&registry::ALB, read))
        .or_else(|| cri::parse(time, rest, cx, out).map(|read| cx.read_by(&registry::CRI, read)))
        .or_else(|| {
            heroku::parse(time, rest, cx, out).map(|read| cx.read_by(&registry::HEROKU, read))
        })
        .or_else(|| {
            nagios::parse(time, rest, cx, out).map(|read| cx.read_by(&registry::NAGIOS, read))
        })
        .or_else(|| embedded_json(time, rest, cx, out))
    {
        return recognised;
    }
    let (mut level, message) = level_in(rest, place);
    // A level stated before the time: `[ERROR] 2023-10-11 14:00:01 message`.
    if level.is_none() && line.starts_with('[') {
        level = leading_level(line);
    }
    if !cx.only_counted(time, level, message, |_| None) {
        out.push(cx.event(time, level, None, message.to_string(), Fields::new()));
    }
    true
}

/// The leading time and the rest of the line. The time is `None` for a time of day that
/// nothing dates. When the first token is not a time (a file name, a host, a version), the
/// time right after it is taken instead; a line that opens with a space or a tab has no first
/// token, and is a continuation whatever follows (SQL Server's banner goes on with
/// `\tNov 30 2018 12:57:58`, the build's date, under the line that has the time).
#[inline(always)]
fn lead<'l>(line: &'l str, cx: &mut Cx) -> Option<(Option<Nanos>, &'l str)> {
    if let Some(found) = stamped(line, cx) {
        return Some(found);
    }
    let gap = line.find([' ', '\t']);
    if gap == Some(0) {
        return None;
    }
    let space = gap.map(|i| &line[i + 1..]);
    let colon = line[..gap.unwrap_or(line.len())]
        .find(':')
        .map(|i| &line[i + 1..]);
    [colon, space]
        .into_iter()
        .flatten()
        .find_map(|rest| stamped(rest.trim_start(), cx))
}

pub(super) fn stamped<'l>(line: &'l str, cx: &mut Cx) -> Option<(Option<Nanos>, &'l str)> {
    let (inner, bracketed) = match line.strip_prefix('[') {
        Some(inner) => (inner, true),
        None => (line, false),
    };
    let (time, used) = match timestamp::leading_epoch(inner) {
        Some((t, used)) => (Some(t), used),
        None => match cx.dates.iso_dated(inner.as_bytes()) {
            Some((time, used)) => (Some(time?), used),
            None => {
                let (stamp, used, shape) = timestamp::leading_besides_iso(inner.as_bytes())?;
                (cx.dates.resolve_shaped(stamp, shape)?, used)
            }
        },
    };
    let mut rest = &inner[used..];
    if bracketed {
        rest = rest.strip_prefix(']')?;
    }
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some((time, rest))
}

/// JSON after the timestamp (`logcli` prints `TIME {labels} {json}`): read as a JSON line
/// that takes the prefix's time when it carries none.
fn embedded_json(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let mut json = rest;
    if rest.starts_with('{') && rest.contains("=\"") {
        let end = rest.find("} {")?;
        json = &rest[end + 2..];
    }
    if !json.starts_with('{') {
        return None;
    }
    cx.given_time = Some(time);
    let recognised = super::json::parse(json, cx, out);
    cx.given_time = None;
    recognised.then_some(true)
}

/// Finds the level word and returns the message the layout puts after it: the first of the
/// leading tokens (at most [`LEVEL_WINDOW`] of the first eight pieces between spaces and tabs)
/// that names a level. A loop by hand: every text line passes through here, and a chain of
/// iterator adapters over the pieces cost more than the loop.
pub(super) fn split_level(rest: &str) -> (Option<Level>, &str) {
    let found = split_level_by(rest, level_token);
    match found.0 {
        Some(_) => found,
        None => compound_level_of(rest),
    }
}

/// [`split_level`]'s second look, for a level joined to a name: only where no token is a
/// level of its own. Most lines have one; kept out of line so that the first look, which
/// every text line takes, stays as small as it was.
#[cold]
#[inline(never)]
fn compound_level_of(rest: &str) -> (Option<Level>, &str) {
    split_level_by(rest, compound_token)
}

/// [`split_level`] with one reading of a token (see [`level_token`]).
fn split_level_by<'r>(
    rest: &'r str,
    read: impl Fn(&'r str, usize, usize) -> Option<(Option<Level>, &'r str)>,
) -> (Option<Level>, &'r str) {
    let bytes = rest.as_bytes();
    let (mut from, mut pieces, mut tokens) = (0, 0, 0);
    while pieces < LEVEL_WINDOW + 4 && tokens < LEVEL_WINDOW {
        let end = swar::until(bytes, from, b' ', b'\t');
        pieces += 1;
        if end > from {
            tokens += 1;
            if let Some(found) = read(rest, from, end) {
                return found;
            }
        }
        if end >= bytes.len() {
            break;
        }
        from = end + 1;
    }
    (None, rest)
}

/// The level and message of `rest`, read where the file states the level. Out of line, as
/// the level search was before files had a place for it: the reader that calls it stays small
/// enough to be inlined where it is called.
#[inline(never)]
fn level_in(rest: &str, place: LevelPlace) -> (Option<Level>, &str) {
    match place {
        LevelPlace::Anywhere => split_level(rest),
        LevelPlace::At(k) => level_at(rest, usize::from(k)),
        LevelPlace::Marked => marked_level(rest),
    }
}

/// The level where the file states it: the token `k` after the time, or what
/// [`level_near`] finds when that token is not a level word.
#[inline(always)]
fn level_at(rest: &str, k: usize) -> (Option<Level>, &str) {
    match token_at(rest, k, |rest, at, end| level_token(rest, at, end)) {
        Some(found) => found,
        None => level_near(rest, k),
    }
}

/// What `read` makes of the word that opens token `k` of `rest`, which opens with a token,
/// given the line from that token on.
/// The tokens before it are counted with a bracketed group as one (see [`grouped_end`]); the
/// level's own is read to the next space, as everywhere, so that a padded `[INFO ]` reads as
/// `[INFO`.
#[inline(always)]
fn token_at<'r, T>(
    rest: &'r str,
    k: usize,
    read: impl Fn(&'r str, usize, usize) -> Option<T>,
) -> Option<T> {
    let from = match k {
        0 => 0,
        _ => past_tokens(rest.as_bytes(), k)?,
    };
    // Read as a line of its own from the token on: with the token at 0, the reader's slicing
    // folds away.
    let tail = rest.get(from..).filter(|t| !t.is_empty())?;
    read(tail, 0, swar::until(tail.as_bytes(), 0, b' ', b'\t'))
}

/// The level of a line whose token at the file's place `k` is no level word: a level joined
/// to a name there, or a marked level one token either side of it (a thread name with a space
/// in it, an empty field left out).
#[cold]
#[inline(never)]
fn level_near(rest: &str, k: usize) -> (Option<Level>, &str) {
    token_at(rest, k, compound_token)
        .or_else(|| {
            [k.checked_sub(1), Some(k + 1)]
                .into_iter()
                .flatten()
                .find_map(|k| token_at(rest, k, marked_token))
        })
        .unwrap_or((None, rest))
}

/// The level of a file whose lines state none in one place: a marked level among the leading
/// tokens. Kept out of line, as the level search every other file takes stays small.
#[inline(never)]
pub(super) fn marked_level(rest: &str) -> (Option<Level>, &str) {
    split_level_by(rest, marked_token)
}

/// Where the sample's lines state their level, the place later lines are read at: the token
/// at least half of the lines with a time state it at, or [`LevelPlace::Marked`] where no token
/// is, and [`LevelPlace::Anywhere`] where no line has a time this reader reads.
pub(super) fn level_place(lines: &[String], cx: &mut Cx) -> LevelPlace {
    let mut votes = [0usize; PLACES];
    let mut timed = 0;
    for line in lines {
        let Some((_, rest)) = lead(line, cx) else {
            continue;
        };
        timed += 1;
        let rest = trim_start(rest);
        // A lower-case word votes only right after the time (zap's console `info`): further on
        // it is as likely prose (`http: TLS handshake error from …`), however often repeated.
        let states = |k: usize| match k {
            0 => token_at(rest, k, either_token).is_some(),
            _ => token_at(rest, k, marked_token).is_some(),
        };
        if let Some(k) = (0..PLACES).find(|&k| states(k)) {
            votes[k] += 1;
        }
    }
    if timed == 0 {
        return LevelPlace::Anywhere;
    }
    // The earliest of the places with most votes.
    let place = (0..PLACES)
        .max_by_key(|&k| (votes[k], std::cmp::Reverse(k)))
        .unwrap_or(0);
    let most = votes[place];
    match u8::try_from(place) {
        Ok(place) if most > 0 && most * 2 >= timed => LevelPlace::At(place),
        _ => LevelPlace::Marked,
    }
}

/// Where token `k` of `bytes` starts, counting a bracketed group as one (see [`grouped_end`]).
/// Out of line: most files' level is their first token, which needs no count.
#[inline(never)]
fn past_tokens(bytes: &[u8], k: usize) -> Option<usize> {
    let mut from = 0;
    for _ in 0..k {
        from = next_token(bytes, grouped_end(bytes, from)?)?;
    }
    Some(from)
}

/// Where the token at or after `from` starts, past spaces and tabs.
#[inline(always)]
fn next_token(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .map(|i| from + i)
}

/// The end of the token at `at`: the next space or tab, but past the closing bracket of a
/// token that opens one, so that `[ 12345 ]` and `[RMI TCP Connection(2)-127.0.0.1]` are one
/// token each and the place of the level after them does not move with what they hold.
/// `None` past the end.
#[inline(always)]
fn grouped_end(bytes: &[u8], at: usize) -> Option<usize> {
    let close = match *bytes.get(at)? {
        b'[' => b']',
        b'{' => b'}',
        b'(' => b')',
        b'<' => b'>',
        _ => return Some(swar::until(bytes, at, b' ', b'\t')),
    };
    let from = memchr::memchr(close, &bytes[at + 1..]).map_or(at, |i| at + 1 + i);
    Some(swar::until(bytes, from, b' ', b'\t'))
}

/// The level and message if the token `rest[at..end]` names the level alone or joined to a
/// name.
fn either_token(rest: &str, at: usize, end: usize) -> Option<(Option<Level>, &str)> {
    level_token(rest, at, end).or_else(|| compound_token(rest, at, end))
}

/// [`either_token`] for a level marked as one: in brackets, or in capitals.
fn marked_token(rest: &str, at: usize, end: usize) -> Option<(Option<Level>, &str)> {
    is_marked(&rest[at..end])
        .then(|| either_token(rest, at, end))
        .flatten()
}

/// Whether a token that reads as a level is marked as one rather than a word of prose: in
/// brackets or angles (`[error]`, `<Error>`, `##[error]`), or with a capital letter, which a
/// level word has only when it is all capitals (see [`is_level_word`]).
fn is_marked(token: &str) -> bool {
    token.starts_with(['[', '<', '#']) || token.bytes().any(|b| b.is_ascii_uppercase())
}

/// The level and message if the token `rest[at..end]` names the level.
#[inline(always)]
fn level_token(rest: &str, at: usize, end: usize) -> Option<(Option<Level>, &str)> {
    let token = &rest[at..end];
    // GitHub Actions marks levels inline: `##[error]Process completed with exit code 1.`
    if let Some((marker, _)) = token.strip_prefix("##[").and_then(|t| t.split_once(']')) {
        if let Some(level) = Level::parse(marker) {
            return Some((Some(level), &rest[at + marker.len() + 4..]));
        }
    }
    let word = trim_brackets(token);
    let level = if word.len() >= 4 {
        Level::parse(word).filter(|_| is_level_word(word))
    } else {
        None
    };
    let level = level.or_else(|| {
        token
            .starts_with(['[', '<'])
            .then(|| bracketed_level(word))?
    })?;
    Some((Some(level), message_after(&rest[end..]).unwrap_or(rest)))
}

/// The level and message if the token `rest[at..end]` holds a level joined to a name.
fn compound_token(rest: &str, at: usize, end: usize) -> Option<(Option<Level>, &str)> {
    let level = compound_level(trim_brackets(&rest[at..end]))?;
    Some((Some(level), message_after(&rest[end..]).unwrap_or(rest)))
}

/// A level joined to a name: Monolog's channel before it (`production.ERROR:`), Celery's
/// worker after it (`ERROR/ForkPoolWorker-2`). Only a level word in one case.
fn compound_level(word: &str) -> Option<Level> {
    let part = match (word.rsplit_once('.'), word.split_once('/')) {
        (Some((_, after)), _) => after,
        (None, Some((before, _))) => before,
        (None, None) => return None,
    };
    (part.len() >= 4 && is_level_word(part))
        .then(|| Level::parse(part))
        .flatten()
}

/// Levels written only in brackets: Serilog's three letters (`[WRN]`), and capitalised words
/// (MySQL's `[Warning]`, `[Note]`, `[System]`, ClickHouse's `<Error>`), which outside brackets
/// are prose.
fn bracketed_level(word: &str) -> Option<Level> {
    let (first, others) = word.as_bytes().split_first()?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    match word {
        "VRB" | "DBG" => Some(Level::Debug),
        "INF" | "Note" | "System" => Some(Level::Info),
        "WRN" => Some(Level::Warn),
        "ERR" | "FTL" => Some(Level::Error),
        _ if others.iter().all(u8::is_ascii_lowercase) => Level::parse(word),
        _ => None,
    }
}

/// The level in brackets that opens `line`, before its time (`[ERROR]\t2023-10-11T…`).
fn leading_level(line: &str) -> Option<Level> {
    let end = line.bytes().position(|b| b == b' ' || b == b'\t')?;
    let token = line[..end].strip_suffix(']')?;
    let word = trim_brackets(token);
    Level::parse(word)
        .filter(|_| is_level_word(word))
        .or_else(|| bracketed_level(word))
}

/// The token without the brackets, colons and angles around a level (`[ERROR]`, `<warn>:`).
fn trim_brackets(token: &str) -> &str {
    let edge = |b: &u8| matches!(b, b'[' | b']' | b':' | b'<' | b'>');
    let bytes = token.as_bytes();
    let start = bytes.iter().position(|b| !edge(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !edge(b))
        .map_or(start, |i| i + 1);
    // The edges are ASCII, so both cuts fall between characters.
    &token[start..end]
}

/// Level words are written in one case (`ERROR`, `error`), never as prose (`Error:` is).
fn is_level_word(word: &str) -> bool {
    let mut letters = word.bytes().filter(u8::is_ascii_alphabetic);
    letters.clone().all(|c| c.is_ascii_uppercase()) || letters.all(|c| c.is_ascii_lowercase())
}

/// Where `needle` (a space, then a mark that is not one) first is in `hay`, found by its mark,
/// rarer than spaces: the heads searched are short, and a substring searcher costs more to start
/// than they take to read.
fn find(hay: &str, needle: &[u8]) -> Option<usize> {
    let hay = hay.as_bytes();
    let mark = *needle.get(1)?;
    let mut from = 1;
    while let Some(i) = hay.get(from..).and_then(|rest| memchr::memchr(mark, rest)) {
        let at = from + i - 1;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from += i + 1;
    }
    None
}

/// The message after a level: past Spring Boot's `PID --- [app] [thread] logger :`, log4j's
/// `logger - `, Python's ` - `, or tracing's spans.
// Inlined into the text reader's level search, as it was while that was its only caller.
#[inline(always)]
pub(super) fn message_after(after: &str) -> Option<&str> {
    let after = trim_start(after);
    if let Some(i) = find(after, b" --- ") {
        let tail = &after[i + 5..];
        return find(tail, b" : ").map(|j| trim_start(&tail[j + 3..]));
    }
    if let Some(msg) = after
        .strip_prefix("- ")
        .or_else(|| after.strip_prefix(": "))
    {
        return Some(trim_start(msg));
    }
    // `[thread] logger - message` / `logger -- message` (logback TTLL).
    let Some(head_end) = DASH
        .find(after.as_bytes())
        .or_else(|| DASHES.find(after.as_bytes()))
    else {
        return Some(after);
    };
    let head = &after[..head_end];
    let logger_like = head.split(' ').filter(|t| !t.is_empty()).count() <= 2 && !head.contains('"');
    if !logger_like {
        return Some(after);
    }
    let dash = &after[head_end + 1..];
    Some(trim_start(dash.trim_start_matches('-')))
}

#[cfg(test)]
mod tests;
