//! `docker compose logs` (and the older `docker-compose logs`): each line is the container's
//! name, padded, a bar, and what the container wrote (`web-1  | …`), or with `--timestamps`
//! the runtime's time first (`web-1  | 2024-04-25T05:32:35.584725130Z …`). The services' lines
//! are interleaved, each in its own format: what a container wrote is read as a line of its
//! own (the format that read a container's first line tried first for its next, as for a
//! table's rows), dated by the runtime's time where there is one, else by its own; and its
//! events are the container's service's (`web-1` → `web`), whatever the file is called.

use super::text::split_level;
use super::{is_crash, strip_ansi, trim_start, Cx, BODIES};
use crate::event::{Event, Fields, Level};
use crate::time::Nanos;

/// The longest container name looked for before the bar: Compose names a container
/// `<project>-<service>-<n>` (`<project>_<service>_<n>` before v2), and pads the names to one
/// width.
const NAME_MAX: usize = 96;

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    // Compose colours the names on a terminal, and clears the line before each (`ESC[2K`):
    // a file's lines have lost their escapes by now, the sample detection reads has not.
    let line = strip_ansi(line);
    let Some((container, body)) = split(&line) else {
        return false;
    };
    let first = cx.bodies.get(container).copied();
    let (events, read_by) = match runtime_time(body, cx) {
        Some((time, rest)) => {
            if !cx.keep(time) {
                return true;
            }
            let (mut events, read_by, counted) = cx.read_counting(rest, Some(time), &BODIES, first);
            if counted {
                return true;
            }
            if read_by.is_none() {
                // A line no format reads (Flask's ` * Serving Flask app`) is still the
                // container's, at the runtime's time, as a CRI log's content is; with a level
                // if it opens with one (`WARNING: This is a development server`).
                let said = trim_start(rest);
                let level = match is_crash(said) {
                    true => Some(Level::Error),
                    false => split_level(said).0,
                };
                if cx.only_counted(time, level, said, |_| None) {
                    return true;
                }
                let service = Some(service_of(container).to_string());
                out.push(cx.event(time, level, service, said.to_string(), Fields::new()));
                return true;
            }
            // The runtime's time is exact, as a CRI log's is.
            for e in &mut events {
                e.time = time.saturating_add(cx.rules.clock);
            }
            (events, read_by)
        }
        None => {
            let (mut events, read_by) = cx.read_wrapped(body, None, &BODIES, first);
            events.retain(|e| cx.keep(e.time.saturating_sub(cx.rules.clock)));
            (events, read_by)
        }
    };
    let Some(format) = read_by else {
        return false;
    };
    if first.is_none() {
        cx.bodies.insert(container.to_string(), format);
    }
    let service = service_of(container);
    for mut event in events {
        event.service = Some(service.to_string());
        out.push(event);
    }
    true
}

/// The container's name and what it wrote, if `line` is a line of `docker compose logs`: a
/// name of letters, digits, `-`, `_` and `.`, spaces, and `| ` (or a bar ending the line).
fn split(line: &str) -> Option<(&str, &str)> {
    let head = line.get(..NAME_MAX.min(line.len())).unwrap_or(line);
    let bar = head.find(" |")?;
    let name = line[..bar].trim_end_matches(' ');
    let body = &line[bar + 2..];
    let named = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let opens = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    if !named || !opens || !(body.is_empty() || body.starts_with(' ')) {
        return None;
    }
    Some((name, body.strip_prefix(' ').unwrap_or(body)))
}

/// The time `docker compose logs --timestamps` puts first (RFC 3339 with nanoseconds), and
/// what follows it.
fn runtime_time<'b>(body: &'b str, cx: &Cx) -> Option<(Nanos, &'b str)> {
    let (time, used) = cx.dates.iso_time(body.as_bytes())?;
    let rest = body.get(used..)?;
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    // Only a time with its zone is the runtime's (Docker writes UTC, `Z`): a local time
    // there is the container's own line.
    let stamp = body.get(..used)?;
    let zoned = stamp.ends_with('Z')
        || stamp
            .get(stamp.len().saturating_sub(6)..)?
            .starts_with(['+', '-']);
    Some((time?, rest.strip_prefix(' ').unwrap_or(rest))).filter(|_| zoned)
}

/// A container's service: its name without the replica number Compose adds (`web-1`,
/// `shop_web_1`).
fn service_of(container: &str) -> &str {
    match container.rsplit_once(['-', '_']) {
        Some((service, n))
            if !service.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            service
        }
        _ => container,
    }
}

#[cfg(test)]
mod tests {
    use super::{service_of, split};

    /// Lines of `docker compose logs`, each with the container and what it wrote: Compose v2
    /// (`web-1`, lines from lnav's test logs), the `docker-compose` 1.x naming of containers
    /// (`<project>_<service>_<n>`) before a PostgreSQL server's line, a bar alone (an empty
    /// line of the container's); and two lines that are not Compose's.
    #[test]
    fn a_line_is_a_container_and_what_it_wrote() {
        let lines = [
            ("web-1  |  * Serving Flask app 'app.py'", Some(("web-1", " * Serving Flask app 'app.py'"))),
            (
                "redis-1  | 1:C 25 Apr 2024 05:32:35.018 * Redis version=7.2.0, bits=64",
                Some(("redis-1", "1:C 25 Apr 2024 05:32:35.018 * Redis version=7.2.0, bits=64")),
            ),
            (
                "shop_db_1    | 2023-10-11 14:00:01.123 UTC [1] LOG:  database system is ready to accept connections",
                Some(("shop_db_1", "2023-10-11 14:00:01.123 UTC [1] LOG:  database system is ready to accept connections")),
            ),
            ("worker-2  |", Some(("worker-2", ""))),
            // Not Compose: a time before the bar, a bar inside a message.
            ("2023-10-11 14:00:01 | INFO | started", None),
            ("GET /api | 200", None),
        ];
        for (line, expected) in lines {
            assert_eq!(split(line), expected, "{line}");
        }
    }

    #[test]
    fn a_containers_service_is_its_name_without_the_replica() {
        for (container, service) in [
            ("web-1", "web"),
            ("shop_db_1", "shop_db"),
            ("caddy", "caddy"),
            ("api-v2", "api-v2"),
            ("1", "1"),
        ] {
            assert_eq!(service_of(container), service, "{container}");
        }
    }
}
