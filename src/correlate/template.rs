//! Grouping messages that differ only in their variable parts, so a flood of one error is
//! one entry with a count.
//!
//! Two steps, after Drain (He et al., 2017): every token that carries a variable (a number, an
//! id, an address, a duration, a quoted value, an id inside a path) is masked; then a masked
//! message joins an existing template of the same service and length when most of its tokens
//! agree, and the tokens that disagree become wildcards. Streaming: each message is placed
//! once, in time order.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

const WILDCARD: &str = "<*>";
/// The share of equal tokens above which two masked messages are one template.
const SIMILARITY: f64 = 0.6;
/// Templates kept per (service, length) group before new ones stop being merged into them.
const GROUP_LIMIT: usize = 200;

/// What a message says in one line: its first line, and the exception its trace names —
/// the line after it in Java (`java.lang.OutOfMemoryError: Java heap space`), the last line
/// of a Python traceback (`TimeoutError: …`). Frameworks log "Servlet.service() threw
/// exception" and leave the cause to the trace.
pub fn headline(message: &str) -> Cow<'_, str> {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or("").trim();
    let second = lines.next().map(str::trim);
    let cause = match second {
        Some("Traceback (most recent call last):") => {
            message.lines().map(str::trim).rfind(|l| is_exception(l))
        }
        Some(next) if is_exception(next) => Some(next),
        _ => None,
    };
    match cause {
        Some(cause) if !first.contains(cause) => Cow::Owned(format!("{first}: {cause}")),
        _ => Cow::Borrowed(first),
    }
}

fn is_exception(line: &str) -> bool {
    let name = line.split(':').next().unwrap_or("");
    let last = name.rsplit('.').next().unwrap_or(name);
    !name.contains(' ')
        && (last.ends_with("Exception") || last.ends_with("Error") || last.ends_with("Panic"))
}

/// The headline with its variable parts masked: `timeout after 3012ms id=42` →
/// `timeout after <*> id=<*>`; `GET /orders/991/items` → `GET /orders/<*>/items`;
/// `missing field 'sku'` → `missing field '<*>'`.
pub fn mask(message: &str) -> String {
    let headline = headline(message);
    let line = unquote(&headline);
    let mut out = String::with_capacity(line.len());
    for (i, token) in line.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_masked(&mut out, token);
    }
    out
}

/// Quoted values become wildcards: `'sku'` → `'<*>'`.
fn unquote(line: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'"', b'\'', line.as_bytes()).is_none() {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        // An apostrophe inside a word (`don't`) opens nothing.
        let in_word = quote == '\''
            && rest[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        match after.find(quote).filter(|&end| end <= 80 && !in_word) {
            Some(end) => {
                out.push_str(&rest[..start]);
                out.push(quote);
                out.push_str(WILDCARD);
                out.push(quote);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Appends the token, masked if it carries a variable (digits, or a long hex run). Written
/// into the message's one buffer: every error and warning of a draft is masked on one core.
fn push_masked(out: &mut String, token: &str) {
    if !token.bytes().any(|c| c.is_ascii_digit()) && !is_hex_id(token) {
        out.push_str(token);
        return;
    }
    // `key=value`, `key:value`: the key stays so that fields still tell apart.
    if let Some(at) = token.rfind(['=', ':']).filter(|&at| at + 1 < token.len()) {
        let key = &token[..at];
        if !key.bytes().any(|c| c.is_ascii_digit()) && !key.contains('/') {
            out.push_str(&token[..=at]);
            out.push_str(WILDCARD);
            return;
        }
    }
    // Paths keep their fixed segments: `/orders/991/items` → `/orders/<*>/items`.
    if token.contains('/') && !token.starts_with("http") {
        for (i, seg) in token.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            let variable = seg.bytes().any(|c| c.is_ascii_digit()) || is_hex_id(seg);
            out.push_str(if variable { WILDCARD } else { seg });
        }
        return;
    }
    // The punctuation that ends the token stays: `3012ms,` → `<*>,`.
    let trail = token
        .bytes()
        .rposition(|c| !matches!(c, b',' | b'.' | b';' | b')' | b']'))
        .map_or(0, |last| last + 1);
    out.push_str(WILDCARD);
    out.push_str(&token[trail..]);
}

/// Long hex runs without digits are rare, but ids like `deadbeefcafe` exist.
fn is_hex_id(token: &str) -> bool {
    token.len() >= 12 && token.bytes().all(|c| c.is_ascii_hexdigit())
}

/// The templates seen so far, per service. Services are numbered as they come, so that
/// placing a message (every error and warning of a draft, on one core) allocates nothing to
/// find its group.
#[derive(Default)]
pub struct Miner {
    services: HashMap<String, usize>,
    /// By service number (0: none) and length.
    groups: HashMap<(usize, usize), Vec<Vec<String>>>,
    ids: HashMap<(usize, usize, usize), usize>,
    next: usize,
}

impl Miner {
    /// The template id of a message, merging it into a similar template when there is one.
    pub fn place(&mut self, service: Option<&str>, message: &str) -> usize {
        let masked = mask(message);
        let tokens: Vec<&str> = masked.split(' ').collect();
        let service = match service {
            None => 0,
            Some(name) => match self.services.get(name) {
                Some(&n) => n,
                None => {
                    let n = self.services.len() + 1;
                    self.services.insert(name.to_string(), n);
                    n
                }
            },
        };
        let group = self.groups.entry((service, tokens.len())).or_default();
        let best = group
            .iter()
            .enumerate()
            .map(|(i, t)| (i, similarity(t, &tokens)))
            .filter(|(_, sim)| *sim >= SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let index = match best {
            Some((i, _)) => {
                for (have, new) in group[i].iter_mut().zip(&tokens) {
                    if have != new && have != WILDCARD {
                        *have = WILDCARD.to_string();
                    }
                }
                i
            }
            None if group.len() < GROUP_LIMIT => {
                group.push(tokens.iter().map(|t| t.to_string()).collect());
                group.len() - 1
            }
            None => {
                // A group this full is noise; an exact repeat still finds its template.
                group
                    .iter()
                    .position(|t| t.iter().eq(&tokens))
                    .unwrap_or(GROUP_LIMIT - 1)
            }
        };
        let next = &mut self.next;
        *self
            .ids
            .entry((service, tokens.len(), index))
            .or_insert_with(|| {
                *next += 1;
                *next
            })
    }
}

/// The share of positions where two masked messages agree; the first token must agree, since
/// it usually names the operation.
fn similarity(template: &[String], tokens: &[&str]) -> f64 {
    if template.first().map(String::as_str) != tokens.first().copied() {
        return 0.0;
    }
    let same = template.iter().zip(tokens).filter(|(a, b)| a == b).count();
    same as f64 / tokens.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_parts_are_masked() {
        assert_eq!(
            mask("timeout after 3012ms id=42"),
            "timeout after <*> id=<*>"
        );
        assert_eq!(
            mask("Failed to allocate session buffer of 512 KB"),
            "Failed to allocate session buffer of <*> KB"
        );
        assert_eq!(
            mask("GET /orders/991/items failed"),
            "GET /orders/<*>/items failed"
        );
        assert_eq!(
            mask("missing field 'sku' in \"order 7\""),
            "missing field '<*>' in \"<*>\""
        );
        assert_eq!(
            mask("connect to 10.0.0.7:6379 refused (attempt 3)"),
            "connect to <*> refused (attempt <*>)"
        );
        assert_eq!(
            mask("request 3f2a9c1e-77b1-4c0e-9d2a-0000000 failed"),
            "request <*> failed"
        );
        assert_eq!(mask("don't retry"), "don't retry");
        assert_eq!(
            mask("java.lang.OutOfMemoryError: Java heap space\n\tat x.y(Z.java:1)"),
            "java.lang.OutOfMemoryError: Java heap space"
        );
        assert_eq!(
            headline("Servlet.service() threw exception\njava.lang.OutOfMemoryError: Java heap space\n\tat a.b(C.java:1)"),
            "Servlet.service() threw exception: java.lang.OutOfMemoryError: Java heap space"
        );
        assert_eq!(
            headline("could not load session\nTraceback (most recent call last):\n  File \"a.py\", line 1, in f\nTimeoutError: no answer"),
            "could not load session: TimeoutError: no answer"
        );
        assert_eq!(
            headline("request failed\n  retrying in 5s"),
            "request failed"
        );
    }

    #[test]
    fn similar_messages_share_a_template() {
        let mut m = Miner::default();
        let a = m.place(Some("api"), "user alice not found in tenant acme");
        let b = m.place(Some("api"), "user bob not found in tenant acme");
        let c = m.place(Some("api"), "connection reset by peer during handshake now");
        let d = m.place(Some("web"), "user carol not found in tenant acme");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d, "services keep their own templates");
        assert_ne!(
            m.place(Some("api"), "connection refused"),
            m.place(Some("api"), "connection reset")
        );
    }
}
