//! A line and a message as text: cut to size, trimmed, made readable, quoted in warnings.

use std::borrow::Cow;

/// A message (a line, or a stack trace gathered under it) longer than this is cut: the lines
/// are still counted, and the draft and the event stream stay readable.
pub(super) const MAX_MESSAGE: usize = 16 * 1024;

/// The message, cut at [`MAX_MESSAGE`] (on a character boundary) and marked as cut.
pub(super) fn capped(mut message: String) -> String {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    message.truncate(cut(&message).len());
    message.push_str(" … [cut at 16 KiB]");
    message
}

/// `str::trim_start`, byte by byte over ASCII white space: the parsers trim several times a
/// line, and the standard one decodes a character at a time. Past a byte outside ASCII (which
/// may begin a wider space) the standard one decides.
pub(super) fn trim_start(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|&b| matches!(b, b' ' | b'\t'..=b'\r'))
        .count();
    // White space in ASCII is one byte a character: `n` is a character boundary.
    let rest = &s[n..];
    match rest.as_bytes().first() {
        Some(&b) if b >= 0x80 => rest.trim_start(),
        _ => rest,
    }
}

/// `str::trim_end` for a line or a message, which nearly always ends in a byte that is neither
/// white space nor part of a character outside ASCII: that byte is all that is looked at.
pub(super) fn trim_end(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(&b) if b < 0x80 && !matches!(b, b' ' | b'\t'..=b'\r') => s,
        _ => s.trim_end(),
    }
}

/// The first 80 characters of a line, for a warning that quotes it.
pub(super) fn opening(line: &str) -> String {
    let mut text: String = line.chars().take(80).collect();
    if text.len() < line.len() {
        text.push('…');
    }
    text
}

/// What is kept of a message: its first [`MAX_MESSAGE`] bytes, ending on a character.
pub(super) fn cut(message: &str) -> &str {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    let end = (0..=MAX_MESSAGE)
        .rev()
        .find(|&i| message.is_char_boundary(i))
        .unwrap_or(0);
    &message[..end]
}

/// Lines a runtime prints when a process dies, without a timestamp: Go's `panic:` and
/// `fatal error:`. They start an error event instead of continuing the line before.
pub(super) fn is_crash(line: &str) -> bool {
    line.starts_with("panic: ") || line.starts_with("fatal error: ")
}

/// A line framing could not hand out as text, as text: NUL runs trimmed (where a crash lost
/// writes, the text around them still counts), invalid UTF-8 replaced, ANSI escapes removed.
pub(super) fn readable(raw: &[u8]) -> Cow<'_, str> {
    let raw = match memchr::memchr(0, raw) {
        Some(_) => {
            let start = raw.iter().position(|&b| b != 0).unwrap_or(raw.len());
            let end = raw.iter().rposition(|&b| b != 0).map_or(start, |e| e + 1);
            &raw[start..end]
        }
        None => raw,
    };
    // Valid UTF-8 is the rule: checking it first is faster than the lossy scan.
    let text = match simdutf8::basic::from_utf8(raw) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(raw),
    };
    match strip_ansi(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(plain) => Cow::Owned(plain),
    }
}

/// Removes ANSI colour sequences (`ESC [ … m`), which tracing and others write to terminals
/// and which end up in files piped from them.
pub(super) fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr(0x1b, text.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.clone().next() == Some('[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}
