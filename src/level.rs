//! Severity, as every format spells it: the one scale the draft and the locator read.

use crate::swar;

/// Severity, normalised across formats (syslog priorities, Pino numbers, `WARNING`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }

    /// The level a capital letter stands for wherever a log writes one: klog and glog
    /// (`I W E F`), Android logcat (`V D I W E F`), Ruby's Logger (`E, [`), CockroachDB,
    /// MongoDB (`"s":"E"`), WebSphere, and the `C`ritical, `N`otice and `T`race of others.
    /// `A` is not among them: logcat's Assert, WebSphere's Audit.
    pub fn from_letter(c: u8) -> Option<Level> {
        Some(match c {
            b'F' | b'E' | b'C' => Level::Error,
            b'W' => Level::Warn,
            b'I' | b'N' => Level::Info,
            b'D' | b'V' | b'T' => Level::Debug,
            _ => return None,
        })
    }

    /// Reads level words as formats spell them: `ERROR`, `err`, `Warning`, `fatal`, `crit`.
    pub fn parse(word: &str) -> Option<Level> {
        // By bytes: what is trimmed is anything but ASCII letters and digits, and a character
        // outside ASCII is all bytes of that kind. Most words come trimmed, and are not searched.
        let bytes = word.as_bytes();
        let w = match (bytes.first(), bytes.last()) {
            (Some(a), Some(z)) if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() => bytes,
            _ => {
                let start = bytes.iter().position(u8::is_ascii_alphanumeric)?;
                let end = bytes.iter().rposition(u8::is_ascii_alphanumeric)? + 1;
                &bytes[start..end]
            }
        };
        // Most words asked about are not levels: those that cannot start one go at once.
        if !matches!(
            w[0] | 0x20,
            b'c' | b'd' | b'e' | b'f' | b'i' | b'n' | b'p' | b's' | b't' | b'v' | b'w'
        ) {
            return None;
        }
        // Lower-cased into one number, up to slog's in-between levels (`WARN+2`, `INFO-4`), and
        // compared as a number: this runs for several tokens of every text line. Fourteen bytes
        // without a sign are longer than any level word. Setting bit 5 lower-cases a letter and
        // makes no letter of anything else, so only a word of letters can equal a level's. The
        // first sixteen bytes are read as two 64-bit numbers at once, not byte by byte.
        let (low, high) = (swar::padded(w, 0), swar::padded(w, 8));
        let sign = |x: u64| swar::first(swar::equal(x, b'+') | swar::equal(x, b'-'));
        let signed = sign(low).or_else(|| sign(high).map(|i| 8 + i));
        let len = signed.unwrap_or(w.len()).min(14);
        if len == 14 {
            return None;
        }
        // The word's own bytes of each number (folding set bit 5 in the padding too).
        let bytes_below = |n: usize| {
            if n < 8 {
                (1u64 << (8 * n)) - 1
            } else {
                u64::MAX
            }
        };
        let low = swar::folded(low) & bytes_below(len);
        let high = swar::folded(high) & bytes_below(len.saturating_sub(8));
        let key = u128::from(high) << 64 | u128::from(low);
        const fn packed(w: &[u8]) -> u128 {
            let mut key = 0u128;
            let mut i = 0;
            while i < w.len() {
                key |= (w[i] as u128) << (8 * i);
                i += 1;
            }
            key
        }
        const ERROR: u128 = packed(b"error");
        const ERR: u128 = packed(b"err");
        const FATAL: u128 = packed(b"fatal");
        const CRITICAL: u128 = packed(b"critical");
        const CRIT: u128 = packed(b"crit");
        const EMERG: u128 = packed(b"emerg");
        const EMERGENCY: u128 = packed(b"emergency");
        const PANIC: u128 = packed(b"panic");
        const SEVERE: u128 = packed(b"severe");
        const DPANIC: u128 = packed(b"dpanic");
        const WARN: u128 = packed(b"warn");
        const WARNING: u128 = packed(b"warning");
        const INFO: u128 = packed(b"info");
        const NOTICE: u128 = packed(b"notice");
        const INFORMATION: u128 = packed(b"information");
        const INFORMATIONAL: u128 = packed(b"informational");
        const DEBUG: u128 = packed(b"debug");
        const TRACE: u128 = packed(b"trace");
        const VERBOSE: u128 = packed(b"verbose");
        const FINE: u128 = packed(b"fine");
        const FINER: u128 = packed(b"finer");
        const FINEST: u128 = packed(b"finest");
        // By length first: a word is then compared with the few levels of its length, not
        // with all of them.
        Some(match (len, key) {
            (3, ERR)
            | (4, CRIT)
            | (5, ERROR | FATAL | EMERG | PANIC)
            | (6, SEVERE | DPANIC)
            | (8, CRITICAL)
            | (9, EMERGENCY) => Level::Error,
            (4, WARN) | (7, WARNING) => Level::Warn,
            (4, INFO) | (6, NOTICE) | (11, INFORMATION) | (13, INFORMATIONAL) => Level::Info,
            (4, FINE) | (5, DEBUG | TRACE | FINER) | (6, FINEST) | (7, VERBOSE) => Level::Debug,
            _ => return None,
        })
    }

    /// Whether a line at this level is an entry of a draft on its own (a warning or an error),
    /// whatever it says; a line below it matters only for its kind.
    pub fn stands_out(level: Option<Level>) -> bool {
        matches!(level, Some(Level::Error | Level::Warn))
    }

    /// Syslog severity 0–7 (RFC 5424 §6.2.1).
    pub fn from_syslog(severity: u8) -> Level {
        match severity {
            0..=3 => Level::Error,
            4 => Level::Warn,
            5 | 6 => Level::Info,
            _ => Level::Debug,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_words_from_many_formats() {
        for word in [
            "error",
            "err",
            "fatal",
            "critical",
            "crit",
            "emerg",
            "emergency",
            "panic",
            "severe",
            "dpanic",
            "warn",
            "warning",
            "info",
            "notice",
            "information",
            "informational",
            "debug",
            "trace",
            "verbose",
            "fine",
            "finer",
            "finest",
        ] {
            assert!(Level::parse(word).is_some(), "{word}");
            assert!(Level::parse(&word.to_uppercase()).is_some(), "{word}");
        }
        assert_eq!(Level::parse("2025-06-01"), None);
        assert_eq!(Level::parse("ERROR"), Some(Level::Error));
        assert_eq!(Level::parse("[warn]"), Some(Level::Warn));
        assert_eq!(Level::parse("Warning:"), Some(Level::Warn));
        assert_eq!(Level::parse("notice"), Some(Level::Info));
        assert_eq!(Level::parse("checkout"), None);
        assert_eq!(Level::parse("WARN+2"), Some(Level::Warn));
        assert_eq!(Level::from_syslog(3), Level::Error);
        assert_eq!(Level::from_syslog(6), Level::Info);
    }

    proptest::proptest! {
        /// Trimming by bytes is trimming by characters: words with punctuation, signs and
        /// characters outside ASCII around and inside a level read as the char-wise trim reads.
        #[test]
        fn a_level_word_reads_whatever_surrounds_it(
            word in "[\\[\\]:<>+\\-é#]{0,3}(error|Warn|INFO|debug|crit|x|é)[+\\-]?[0-9]?[\\]:é>]{0,3}"
        ) {
            let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            let w = w.split(['+', '-']).next().unwrap_or(w).to_ascii_lowercase();
            let expected = match w.as_str() {
                "error" | "crit" => Some(Level::Error),
                "warn" => Some(Level::Warn),
                "info" => Some(Level::Info),
                "debug" => Some(Level::Debug),
                _ => None,
            };
            proptest::prop_assert_eq!(Level::parse(&word), expected, "{}", word);
        }

        /// Every level word in any case, and what nearly is one (a letter off, a byte outside
        /// ASCII or punctuation inside, too long), reads as matching the lower-cased word does.
        #[test]
        fn a_level_word_is_its_lower_case_spelling(
            word in "(?i:error|err|fatal|critical|crit|emerg|emergency|panic|severe|dpanic|warn|warning|info|notice|information|informational|debug|trace|verbose|fine|finer|finest)",
            change in proptest::option::of((0usize..14, proptest::sample::select(vec!['a', 'R', '@', '`', '_', '{', 'é', '2', '+', 'x']))),
            tail in "[a-zA-Z]{0,10}",
        ) {
            let mut chars: Vec<char> = word.chars().collect();
            if let Some((at, c)) = change {
                if at < chars.len() {
                    chars[at] = c;
                }
            }
            let word: String = chars.into_iter().collect::<String>() + &tail;
            let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            let w = w.split(['+', '-']).next().unwrap_or(w).to_ascii_lowercase();
            let expected = match w.as_str() {
                "error" | "err" | "fatal" | "critical" | "crit" | "emerg" | "emergency" | "panic"
                | "severe" | "dpanic" => Some(Level::Error),
                "warn" | "warning" => Some(Level::Warn),
                "info" | "notice" | "information" | "informational" => Some(Level::Info),
                "debug" | "trace" | "verbose" | "fine" | "finer" | "finest" => Some(Level::Debug),
                _ => None,
            };
            proptest::prop_assert_eq!(Level::parse(&word), expected, "{}", word);
        }
    }
}
