//! Line formats built into the tool as data: each a definition file in `defs/`, read by the
//! engine that reads a site's `[[format]]` in `reconstruct.toml` (regular expressions with
//! named captures, a level map, fields renamed to the parts they play). A new line format
//! that a regular expression can say is one file in `defs/` and its fixture: the build script
//! embeds every file there.

use crate::config::{self, LineFormat};
use regex::bytes::RegexSet;
use std::sync::LazyLock;

// Each definition file, by name: `DEFINITIONS`, written by the build script
// (`defs/embed.rs`) from the files in `defs/`.
include!(concat!(env!("OUT_DIR"), "/definitions.rs"));

/// The built-in formats, compiled on first use, in the order of [`DEFINITIONS`]. A definition
/// that does not compile is left out (`tests` check that each does).
pub fn formats() -> &'static [LineFormat] {
    static FORMATS: LazyLock<Vec<LineFormat>> = LazyLock::new(|| {
        DEFINITIONS
            .iter()
            .filter_map(|(name, text)| config::definitions(name, text).ok())
            .flatten()
            .collect()
    });
    &FORMATS
}

/// The built-in formats that may read `line` (their indices in [`formats`]): those one of
/// whose expressions matches it, found in one pass over the line for all of them. Detection
/// tries only these on a file's sample, and a line a container runtime wrapped is offered only
/// these before the text reader: most lines are in none of them, and trying each definition's
/// captures in turn cost a wrapped line twice what the rest of its reading does.
pub fn matching(line: &str) -> impl Iterator<Item = usize> {
    static SET: LazyLock<(RegexSet, Vec<usize>, Vec<usize>)> = LazyLock::new(|| {
        let (mut patterns, mut owners, mut always) = (Vec::new(), Vec::new(), Vec::new());
        for (i, format) in formats().iter().enumerate() {
            match format.pattern.regexes() {
                Some(regexes) => {
                    for regex in regexes {
                        patterns.push(regex.to_string());
                        owners.push(i);
                    }
                }
                None => always.push(i),
            }
        }
        // Were the expressions too many for one set, every definition would be tried, never
        // none.
        match RegexSet::new(&patterns) {
            Ok(set) => (set, owners, always),
            Err(_) => (
                RegexSet::empty(),
                Vec::new(),
                (0..formats().len()).collect(),
            ),
        }
    });
    let (set, owners, always) = &*SET;
    // Which patterns matched is worked out (in a list of its own) only for a line one does.
    let matched = set
        .is_match(line.as_bytes())
        .then(|| set.matches(line.as_bytes()));
    let mut found: Vec<usize> = matched
        .iter()
        .flat_map(|m| m.iter())
        .map(|pattern| owners[pattern])
        .chain(always.iter().copied())
        .collect();
    found.sort_unstable();
    found.dedup();
    found.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Level;

    #[test]
    fn every_definition_compiles() {
        for (name, text) in DEFINITIONS {
            if let Err(e) = config::definitions(name, text) {
                panic!("{name}: {e}");
            }
        }
        assert_eq!(formats().len(), DEFINITIONS.len());
        // The set that picks among them compiled: a line of one is matched by its expression.
        let klog = "I1011 14:00:01.123456       1 controller.go:123] started";
        let picked: Vec<&str> = matching(klog).map(|i| formats()[i].name.as_str()).collect();
        assert_eq!(picked, ["klog"]);
    }

    /// Each definition's sample lines, read as a file of their own, are detected as that
    /// format and each gives an event.
    #[test]
    fn every_definition_reads_its_samples() {
        use crate::format::testing::parse_all;
        for format in formats() {
            assert!(!format.samples.is_empty(), "{}: no samples", format.name);
            let lines: Vec<&str> = format.samples.iter().map(String::as_str).collect();
            let (events, counts, detected) = parse_all("device.log", &lines);
            let name = detected.map(|f| f.name(&config::Config::default()).to_string());
            assert_eq!(name.as_deref(), Some(format.name.as_str()));
            assert_eq!(events.len(), lines.len(), "{}: {counts:?}", format.name);
        }
    }

    /// What one line of each program gives, as `=> time | level | message | fields kept`:
    /// the lines are each program's own, from the documentation its definition names.
    const READS: &str = "
# klog: no year (the anchor's, 2023), and only the source location kept.
I1011 14:00:01.123456       1 controller.go:123] \"Starting controller\"
=> 2023-10-11T14:00:01.123456Z | info | \"Starting controller\" | source=controller.go:123
# Redis: the mark `#` is a warning, and the role letter reads as its role.
12:S 11 Oct 2023 14:06:00.100 # Connection with master lost.
=> 2023-10-11T14:06:00.100Z | warn | Connection with master lost. | pid=12 role=replica
# PostgreSQL: a severity is a level; a label stays at the head of the message.
2023-10-11 14:00:02.442 UTC [3310] ERROR:  deadlock detected
=> 2023-10-11T14:00:02.442Z | error | deadlock detected | pid=3310
2023-10-11 14:00:02.442 UTC [3310] HINT:  See server log for query details.
=> 2023-10-11T14:00:02.442Z | - | HINT: See server log for query details. | pid=3310
# Apache 2.4 and 2.2: the message is what follows the bracketed groups.
[Wed Oct 11 14:00:04.5 2023] [core:warn] [pid 1234] AH00045: child process 1250 still did not exit
=> 2023-10-11T14:00:04.500Z | warn | AH00045: child process 1250 still did not exit |
[Wed Oct 11 14:00:03 2023] [error] [client 10.0.0.6] File does not exist: /var/www/html/favicon.ico
=> 2023-10-11T14:00:03Z | error | File does not exist: /var/www/html/favicon.ico |
# nginx: the process, thread and connection numbers are not the message.
2023/10/11 14:00:04 [crit] 31#31: *12 connect() to unix:/run/php.sock failed (2: No such file or directory)
=> 2023-10-11T14:00:04Z | error | connect() to unix:/run/php.sock failed (2: No such file or directory) |
# Lambda's Node.js and Python runtimes: the request id is not the message.
2023-10-11T14:00:01.123Z\t8f507cfc-7e2e-4e4a-9b0c-2f1e5c1a2b3c\tINFO\tcharging order 42
=> 2023-10-11T14:00:01.123Z | info | charging order 42 |
[WARNING]\t2023-10-11T14:00:03.000Z\t9a1b2c3d-0e10-4a3c-9a52-5f1c6ad3a1b1\tretrying ledger write
=> 2023-10-11T14:00:03Z | warn | retrying ledger write |
";

    #[test]
    fn each_definition_reads_what_its_program_writes() {
        use crate::format::testing::{parse_all, utc};
        let rows: Vec<&str> = READS
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert_eq!(rows.len(), 18);
        for pair in rows.chunks(2) {
            let [line, expected] = pair else {
                panic!("{pair:?}: a line and its expectation");
            };
            let (events, counts, _) = parse_all("some.log", &[line]);
            let [event] = events.as_slice() else {
                panic!("{line}: {counts:?}");
            };
            let fields: Vec<String> = event
                .fields
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            let level = event.level.map_or("-", Level::as_str);
            let got = format!(
                "=> {} | {level} | {} | {}",
                utc(event.time),
                event.message,
                fields.join(" ")
            );
            assert_eq!(got.trim_end(), *expected, "{line}");
        }
    }

    /// Envoy's and Istio's requests: the duration, in milliseconds, read where each layout
    /// puts it, feeds the impact line's slow requests.
    #[test]
    fn each_envoy_layout_gives_its_duration() {
        use crate::format::testing::requests;
        let ms = |status: u16, ms: i64| (status, Some(ms * 1_000_000));
        let envoy = include_str!("../../tests/fixtures/formats/envoy/front-proxy.log");
        let got = requests("front-proxy.log", envoy);
        assert_eq!(got, [ms(200, 12), ms(503, 5001), ms(200, 1)]);
        let istio =
            include_str!("../../tests/fixtures/formats/istio-proxy/checkout-istio-proxy.log");
        let got = requests("checkout-istio-proxy.log", istio);
        assert_eq!(got, [ms(200, 12), ms(503, 5001)]);
    }
}
