//! Grouping messages that differ only in their variable parts (ids, counts, addresses,
//! durations), so a flood of one error is one entry with a count.

/// What a message says in one line: its first line, and when the next line is an exception
/// (`java.lang.OutOfMemoryError: Java heap space`, `ValueError: bad`), that too — frameworks
/// log "Servlet.service() threw exception" and leave the cause to the stack trace.
pub fn headline(message: &str) -> String {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or("").trim();
    match lines.next().map(str::trim) {
        Some(next) if is_exception(next) && !first.contains(next) => format!("{first}: {next}"),
        _ => first.to_string(),
    }
}

fn is_exception(line: &str) -> bool {
    let name = line.split(':').next().unwrap_or("");
    let last = name.rsplit('.').next().unwrap_or(name);
    !name.contains(' ')
        && (last.ends_with("Exception") || last.ends_with("Error") || last.ends_with("Panic"))
}

/// The headline with every token that carries a digit masked: `timeout after 3012ms id=42` →
/// `timeout after <*> id=<*>`. A `key=` or `key:` prefix is kept, so fields still tell apart.
pub fn template(message: &str) -> String {
    let first = headline(message);
    let mut out = String::with_capacity(first.len());
    for (i, token) in first.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if token.bytes().any(|c| c.is_ascii_digit()) {
            let keep = token
                .rfind(['=', ':'])
                .filter(|&at| at + 1 < token.len())
                .map_or(0, |at| at + 1);
            let prefix = &token[..keep];
            if prefix.bytes().any(|c| c.is_ascii_digit()) {
                out.push_str("<*>");
            } else {
                out.push_str(prefix);
                out.push_str("<*>");
            }
        } else {
            out.push_str(token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_parts_are_masked() {
        assert_eq!(
            template("timeout after 3012ms id=42"),
            "timeout after <*> id=<*>"
        );
        assert_eq!(
            template("Failed to allocate session buffer of 512 KB"),
            "Failed to allocate session buffer of <*> KB"
        );
        assert_eq!(
            template("Failed to allocate session buffer of 2048 KB"),
            "Failed to allocate session buffer of <*> KB"
        );
        assert_eq!(
            template("java.lang.OutOfMemoryError: Java heap space\n\tat x.y(Z.java:1)"),
            "java.lang.OutOfMemoryError: Java heap space"
        );
        assert_ne!(template("connection refused"), template("connection reset"));
    }
}
