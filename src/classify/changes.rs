//! The change vocabulary: how tools say that something changed, kept as data
//! (`changes.toml`) and compiled once. A new tool's wording is one `[[change]]` with its
//! sample lines, not code.

use crate::event::DeployPhase;
use crate::swar;
use regex::bytes::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, Look};
use regex_syntax::ParserBuilder;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{LazyLock, OnceLock};

const TEXT: &str = include_str!("changes.toml");

/// The vocabulary, compiled on first use. It is the tool's own text: a test compiles it, so
/// it cannot fail here.
pub static VOCABULARY: LazyLock<Vocabulary> =
    LazyLock::new(|| Vocabulary::parse(TEXT).expect("changes.toml compiles (a test checks)"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scan: Vec<String>,
    words: Words,
    change: Vec<Entry>,
}

/// The words of the generic rule, for tools no `[[change]]` names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub deploy: Vec<String>,
    pub rollback: Vec<String>,
    pub rollback_phrases: Vec<String>,
    pub failed: Vec<String>,
    pub finished: Vec<String>,
    pub finished_phrases: Vec<String>,
    pub started: Vec<String>,
    pub started_phrases: Vec<String>,
    /// Deploy words that open a change only with a version, or a release named right after.
    pub ambiguous: Vec<String>,
}

/// A `[[change]]` as written. Where it was seen and its samples are for the tests.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Entry {
    tool: String,
    seen: String,
    regex: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    kind: String,
    phase: Option<String>,
    #[serde(default)]
    phases: BTreeMap<String, String>,
    service_field: Option<String>,
    #[serde(default)]
    samples: Vec<Sample>,
}

/// A real line of a tool and what it must be read as: read by the tests only.
#[derive(Deserialize)]
#[cfg_attr(not(test), allow(dead_code))]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub line: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    pub phase: String,
    pub version: Option<String>,
    pub service: Option<String>,
}

/// What sort of change a phrase says happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChangeKind {
    Deploy,
    Rollback,
    Scale,
    /// Any other change, by its sort: `config`, `flag`, `migration`, `restart`,
    /// `infrastructure`.
    Other(&'static str),
}

/// One `[[change]]`, compiled.
pub struct Phrase {
    #[cfg(test)]
    pub tool: String,
    #[cfg(test)]
    seen: String,
    expression: Option<String>,
    /// The expression compiled with its captures, once needed ([`Phrase::regex`]).
    regex: OnceLock<Option<Regex>>,
    /// Fields the event must have, each matching its expression where one is given.
    fields: Vec<FieldMatch>,
    pub kind: ChangeKind,
    phase: Option<DeployPhase>,
    phases: Vec<(String, DeployPhase)>,
    service_field: Option<String>,
    #[cfg(test)]
    samples: Vec<Sample>,
}

/// What a phrase read of a line.
#[derive(Debug, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub phase: DeployPhase,
    pub version: Option<String>,
    pub service: Option<String>,
    /// Whether the phrase says where the service is named (a capture or a field), even if
    /// this line did not: a reader may have taken that field as the event's service.
    pub names_service: bool,
}

/// What the vocabulary found of a line: the phrase that reads it, and whether the line holds
/// one of the words searched for anywhere ([`Scan`]; the generic rule looks only then).
pub struct Lookup {
    pub phrase: Option<usize>,
    pub gated: bool,
}

pub struct Vocabulary {
    /// The words searched for anywhere in a message.
    pub(super) scan: Scan,
    /// The first two bytes a message may start with to be read by a phrase that must start
    /// it (`^…`), as a bit per pair: derived from the phrases' expressions.
    starts: Box<[u64; 1024]>,
    /// The phrases' message expressions, matched in one pass ([`Vocabulary::set`]) on the
    /// few lines that pass the scan or the starts.
    expressions: Vec<String>,
    set: OnceLock<Option<regex::bytes::RegexSet>>,
    /// Each phrase's place in [`Vocabulary::set`], if it has an expression.
    in_set: Vec<Option<usize>>,
    /// A field each phrase without an expression needs: a line with none of them is read
    /// by none of those phrases.
    needed: Vec<String>,
    pub phrases: Vec<Phrase>,
    pub words: Words,
}

fn phase_named(word: &str) -> Result<DeployPhase, String> {
    match word {
        "started" => Ok(DeployPhase::Started),
        "finished" => Ok(DeployPhase::Finished),
        "failed" => Ok(DeployPhase::Failed),
        other => Err(format!(
            "phase {other:?} is none of started, finished, failed"
        )),
    }
}

fn kind_named(word: &str) -> Result<ChangeKind, String> {
    const OTHERS: &[&str] = &["config", "flag", "migration", "restart", "infrastructure"];
    match word {
        "deploy" => Ok(ChangeKind::Deploy),
        "rollback" => Ok(ChangeKind::Rollback),
        "scale" => Ok(ChangeKind::Scale),
        other => OTHERS
            .iter()
            .find(|&&o| o == other)
            .map(|&o| ChangeKind::Other(o))
            .ok_or_else(|| format!("kind {other:?} is not a change this tool knows")),
    }
}

/// Expressions are compiled for ASCII, not Unicode: the classes (`\w`, `\d`, `\s`, case
/// folding) of tools' fixed wordings need nothing more, and Unicode's would cost every run
/// far more to compile than all its lines take to match.
fn compile(expression: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(expression)
        .unicode(false)
        .build()
}

/// The first two bytes of every message expression `hir` can match, if it must start the
/// message and its beginnings are few and known: `None` otherwise (it is then found by the
/// [`Scan`]).
fn leading_pairs(hir: &Hir) -> Option<Vec<[u8; 2]>> {
    if !hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix);
    let seq = extractor.extract(hir);
    seq.literals()?
        .iter()
        .map(|l| match l.as_bytes() {
            [a, b, ..] => Some([*a, *b]),
            _ => None,
        })
        .collect()
}

impl Vocabulary {
    /// Compiles a vocabulary's text, or says which `[[change]]` is wrong and why.
    pub fn parse(text: &str) -> Result<Vocabulary, String> {
        let file: File = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let scan = Scan::new(&file.scan)?;
        let mut starts = Box::new([0u64; 1024]);
        let mut expressions = Vec::new();
        let mut in_set = Vec::new();
        let mut phrases = Vec::new();
        for entry in file.change {
            let at = |what: String| format!("[[change]] {:?}: {what}", entry.tool);
            if let Some(expression) = &entry.regex {
                // Parsed here (which finds any mistake in it), compiled when first needed.
                let hir = ParserBuilder::new()
                    .unicode(false)
                    .utf8(false)
                    .build()
                    .parse(expression)
                    .map_err(|e| at(e.to_string()))?;
                for [a, b] in leading_pairs(&hir).unwrap_or_default() {
                    let pair = usize::from(a) << 8 | usize::from(b);
                    starts[pair / 64] |= 1 << (pair % 64);
                }
                expressions.push(expression.clone());
                in_set.push(Some(expressions.len() - 1));
            } else {
                in_set.push(None);
            }
            let fields: Vec<FieldMatch> = entry
                .fields
                .iter()
                .map(|(k, v)| FieldMatch {
                    key: k.clone(),
                    expression: (!v.is_empty()).then(|| v.clone()),
                    regex: OnceLock::new(),
                })
                .collect();
            if entry.regex.is_none() && fields.is_empty() {
                return Err(at("neither a regex nor fields to match".into()));
            }
            let phases = entry
                .phases
                .iter()
                .map(|(word, phase)| Ok((word.clone(), phase_named(phase)?)))
                .collect::<Result<Vec<_>, String>>()
                .map_err(at)?;
            let phase = entry
                .phase
                .as_deref()
                .map(phase_named)
                .transpose()
                .map_err(at)?;
            if phase.is_none() && phases.is_empty() {
                return Err(at("neither a phase nor phases".into()));
            }
            phrases.push(Phrase {
                kind: kind_named(&entry.kind).map_err(at)?,
                expression: entry.regex,
                regex: OnceLock::new(),
                fields,
                phase,
                phases,
                service_field: entry.service_field,
                #[cfg(test)]
                tool: entry.tool,
                #[cfg(test)]
                seen: entry.seen,
                #[cfg(test)]
                samples: entry.samples,
            });
        }
        let mut needed: Vec<String> = phrases
            .iter()
            .filter(|p| p.expression.is_none())
            .filter_map(|p| p.fields.first().map(|f| f.key.clone()))
            .collect();
        needed.sort();
        needed.dedup();
        Ok(Vocabulary {
            scan,
            starts,
            expressions,
            set: OnceLock::new(),
            in_set,
            needed,
            phrases,
            words: file.words,
        })
    }

    /// The first phrase that reads a line with this message and these fields.
    pub fn find<'a>(&self, message: &str, field: impl Fn(&str) -> Option<Cow<'a, str>>) -> Lookup {
        self.find_scanned(message, self.scan.finds(message.as_bytes()), field, None)
    }

    /// [`Vocabulary::find`], told whether the message holds a scan word (`gated`): a caller
    /// that reads the message's bytes for words of its own looks for those too. A caller that
    /// knows whether the line has one of the fields [`Vocabulary::needed`] names says so in
    /// `needed`, and `field` is then asked only of lines a phrase's expression matched.
    pub fn find_scanned<'a>(
        &self,
        message: &str,
        gated: bool,
        field: impl Fn(&str) -> Option<Cow<'a, str>>,
        needed: Option<bool>,
    ) -> Lookup {
        let bytes = message.as_bytes();
        let starts = match bytes {
            [a, b, ..] => {
                let pair = usize::from(*a) << 8 | usize::from(*b);
                self.starts[pair / 64] & 1 << (pair % 64) != 0
            }
            _ => false,
        };
        let matched = (gated || starts)
            .then(|| self.set())
            .flatten()
            .map(|set| set.matches(bytes));
        let needed = needed.unwrap_or_else(|| self.needed.iter().any(|k| field(k).is_some()));
        if matched.is_none() && !needed {
            return Lookup {
                phrase: None,
                gated,
            };
        }
        let phrase = self.phrases.iter().enumerate().position(|(i, p)| {
            let said = match (self.in_set[i], &matched) {
                (None, _) => true,
                (Some(s), Some(m)) => m.matched(s),
                (Some(_), None) => false,
            };
            said && p
                .fields
                .iter()
                .all(|f| field(&f.key).is_some_and(|v| f.matches(&v)))
        });
        Lookup { phrase, gated }
    }

    /// The fields of which a line needs one to be read by a phrase without an expression.
    pub fn needed(&self) -> &[String] {
        &self.needed
    }

    /// The expressions as one set, compiled the first time a line may be read by one: a run
    /// over logs that hold no change pays nothing for it.
    fn set(&self) -> Option<&regex::bytes::RegexSet> {
        self.set
            .get_or_init(|| {
                regex::bytes::RegexSetBuilder::new(&self.expressions)
                    .unicode(false)
                    .build()
                    .ok()
            })
            .as_ref()
    }

    /// What phrase `index` reads of a line it matched ([`Vocabulary::find`]).
    pub fn read<'a>(
        &self,
        index: usize,
        message: &str,
        field: impl Fn(&str) -> Option<Cow<'a, str>>,
    ) -> Change {
        let p = &self.phrases[index];
        let regex = p.regex();
        let captures = regex.and_then(|re| re.captures(message.as_bytes()));
        // Each name may be written with a digit after it, since one expression cannot use
        // a name twice: `version2` is `version`.
        let captured = |name: &str| {
            let (re, caps) = (regex?, captures.as_ref()?);
            re.capture_names()
                .flatten()
                .filter(|n| n.trim_end_matches(|c: char| c.is_ascii_digit()) == name)
                .find_map(|n| caps.name(n))
                .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
                .filter(|s| !s.is_empty())
        };
        let phase = captured("phase")
            .and_then(|word| {
                p.phases
                    .iter()
                    .find(|(w, _)| w.eq_ignore_ascii_case(&word))
                    .map(|(_, phase)| *phase)
            })
            .or(p.phase)
            .unwrap_or(DeployPhase::Finished);
        let service = captured("service").or_else(|| {
            p.service_field
                .as_deref()
                .and_then(&field)
                .map(Cow::into_owned)
        });
        let names_service = p.service_field.is_some()
            || regex.is_some_and(|re| {
                re.capture_names()
                    .flatten()
                    .any(|n| n.starts_with("service"))
            });
        Change {
            kind: p.kind,
            phase,
            version: captured("version").as_deref().map(short_commit),
            service,
            names_service,
        }
    }
}

/// A field a phrase asks for, and the expression its value must match (none: only that it is
/// there). Compiled the first time a line has the field, as a phrase's own expression is.
struct FieldMatch {
    key: String,
    expression: Option<String>,
    regex: OnceLock<Option<Regex>>,
}

impl FieldMatch {
    fn matches(&self, value: &str) -> bool {
        let Some(expression) = &self.expression else {
            return true;
        };
        self.regex
            .get_or_init(|| compile(expression).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(value.as_bytes()))
    }
}

impl Phrase {
    /// The phrase's expression with its captures, compiled the first time a line needs them:
    /// most runs read no change, or few.
    fn regex(&self) -> Option<&Regex> {
        let expression = self.expression.as_deref()?;
        self.regex.get_or_init(|| compile(expression).ok()).as_ref()
    }

    /// The fields this phrase reads: those it matches and the one naming the service.
    #[cfg(test)]
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .map(|f| f.key.as_str())
            .chain(self.service_field.as_deref())
    }
}

/// The words searched for anywhere in a message, in any case, without a search automaton:
/// every line of every log is asked, and most are a few dozen bytes, for which setting up a
/// general search costs more than the search. Each word is found by one of its letters
/// (its anchor), the fewest letters that give every word one: the message is read eight
/// bytes at a time ([`swar`]) for those letters alone, and where one falls, the eight bytes
/// around it are read once and each word compared with them as a number.
pub(super) struct Scan {
    /// The anchor letters, lower case, each repeated across a word (for [`swar::equal`]):
    /// at most [`MAX_ANCHORS`].
    anchors: Vec<u8>,
    /// How far before its anchor a word may begin: the eight bytes read at an anchor start
    /// this far back.
    back: usize,
    /// Each word as it is compared: its anchor, where its letters lie in those eight bytes
    /// (a shift), its letters (lower case) and the bytes that are its.
    words: Vec<ScanWord>,
}

/// More anchors than this would make every line's scan dearer than a search automaton.
const MAX_ANCHORS: usize = 3;

struct ScanWord {
    anchor: u8,
    shift: u32,
    letters: u64,
    mask: u64,
}

impl Scan {
    fn new(words: &[String]) -> Result<Scan, String> {
        let words: Vec<Vec<u8>> = words
            .iter()
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect();
        if let Some(w) = words
            .iter()
            .find(|w| w.is_empty() || w.len() > 8 || !w.iter().all(u8::is_ascii_lowercase))
        {
            let w = String::from_utf8_lossy(w);
            return Err(format!("scan word {w:?}: one to eight letters"));
        }
        let mut anchors: Vec<u8> = Vec::new();
        let mut left: Vec<&Vec<u8>> = words.iter().collect();
        // Greedy cover: the letter in the most words left, until every word has one.
        while let Some(best) = (b'a'..=b'z')
            .map(|c| (left.iter().filter(|w| w.contains(&c)).count(), c))
            .filter(|(n, _)| *n > 0)
            .max_by_key(|(n, c)| (*n, std::cmp::Reverse(*c)))
            .map(|(_, c)| c)
        {
            anchors.push(best);
            left.retain(|w| !w.contains(&best));
        }
        if anchors.len() > MAX_ANCHORS {
            return Err(format!(
                "the scan words need {} anchor letters; at most {MAX_ANCHORS}",
                anchors.len()
            ));
        }
        let offset = |w: &[u8]| w.iter().position(|c| anchors.contains(c)).unwrap_or(0);
        let back = words.iter().map(|w| offset(w)).max().unwrap_or(0);
        if let Some(w) = words.iter().find(|w| back - offset(w) + w.len() > 8) {
            let w = String::from_utf8_lossy(w);
            return Err(format!(
                "scan word {w:?} does not fit in eight bytes around its anchor"
            ));
        }
        let words = words
            .iter()
            .map(|w| ScanWord {
                anchor: w[offset(w)],
                shift: 8 * (back - offset(w)) as u32,
                letters: swar::padded(w, 0),
                mask: u64::MAX >> (8 * (8 - w.len())),
            })
            .collect();
        Ok(Scan {
            anchors,
            back,
            words,
        })
    }

    /// The bytes of an eight-byte word of a message that are anchor letters, in any case:
    /// where [`Scan::at`] may find a word.
    #[inline]
    pub(super) fn marked(&self, word: u64) -> u64 {
        let folded = swar::folded(word);
        match self.anchors[..] {
            [a] => swar::equal(folded, a),
            [a, b] => swar::equal(folded, a) | swar::equal(folded, b),
            [a, b, c] => swar::equal(folded, a) | swar::equal(folded, b) | swar::equal(folded, c),
            _ => 0,
        }
    }

    /// Whether a word is in `bytes` around the anchor letter at `here`.
    #[inline]
    pub(super) fn at(&self, bytes: &[u8], here: usize) -> bool {
        // A word cannot begin before the message.
        let Some(from) = here.checked_sub(self.back) else {
            return self.at_start(bytes, here);
        };
        let letter = bytes.get(here).map_or(0, |b| b | 0x20);
        // Past the message's end the bytes read are zeros, which match no letter.
        let window =
            swar::folded(swar::word(bytes, from).unwrap_or_else(|| swar::padded(bytes, from)));
        self.words
            .iter()
            .any(|w| w.anchor == letter && (window >> w.shift) & w.mask == w.letters)
    }

    /// [`Scan::at`] near the start of the message, where the eight bytes before an anchor
    /// are not all there: each word read where it would begin.
    #[cold]
    fn at_start(&self, bytes: &[u8], here: usize) -> bool {
        let letter = bytes.get(here).map_or(0, |b| b | 0x20);
        self.words.iter().any(|w| {
            let offset = self.back - w.shift as usize / 8;
            w.anchor == letter
                && here.checked_sub(offset).is_some_and(|start| {
                    swar::folded(swar::padded(bytes, start)) & w.mask == w.letters
                })
        })
    }

    /// Whether `bytes` holds one of the words, in any case.
    fn finds(&self, bytes: &[u8]) -> bool {
        let mut at = 0;
        while at < bytes.len() {
            // The last word is padded with zeros, which are no letter.
            let word = swar::word(bytes, at).unwrap_or_else(|| swar::padded(bytes, at));
            if swar::each(self.marked(word)).any(|i| self.at(bytes, at + i)) {
                return true;
            }
            at += 8;
        }
        false
    }
}

/// A full commit id as its short form, as deploy tools and people write it.
fn short_commit(version: &str) -> String {
    let full = version.len() == 40 && version.bytes().all(|b| b.is_ascii_hexdigit());
    match full {
        true => version[..7].to_string(),
        false => version.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sample of every phrase is read by that phrase (not an earlier one), as its
    /// table says: so neither the scan nor the starts hide it.
    #[test]
    fn every_phrase_reads_its_samples() {
        let v = Vocabulary::parse(TEXT).expect("the vocabulary compiles");
        assert!(v.set().is_some(), "the expressions compile as a set");
        assert!(v.phrases.len() >= 25, "{} phrases", v.phrases.len());
        let mut read = 0;
        for (i, p) in v.phrases.iter().enumerate() {
            assert!(!p.samples.is_empty(), "{}: no sample", p.tool);
            assert!(!p.seen.is_empty(), "{}: where was it seen?", p.tool);
            for s in &p.samples {
                let field = |k: &str| s.fields.get(k).map(|v| Cow::Borrowed(v.as_str()));
                let found = v.find(&s.line, field);
                assert_eq!(found.phrase, Some(i), "{}: {:?}", p.tool, s.line);
                let change = v.read(i, &s.line, field);
                let want = phase_named(&s.phase).expect("a phase");
                assert_eq!(change.phase, want, "{}: {:?}", p.tool, s.line);
                if s.version.is_some() {
                    assert_eq!(change.version, s.version, "{}: {:?}", p.tool, s.line);
                }
                if s.service.is_some() {
                    assert_eq!(change.service, s.service, "{}: {:?}", p.tool, s.line);
                }
                if p.expression.is_some() {
                    assert!(p.regex().is_some(), "{}: compiles", p.tool);
                }
                read += 1;
            }
        }
        assert!(read >= 40, "{read} samples");
    }

    /// Ordinary lines that share a change's words are no change.
    #[test]
    fn ordinary_lines_are_no_change() {
        let v = &*VOCABULARY;
        for line in [
            "deployment config loaded from /etc/app/deploy.yaml",
            "Reconciliation finished in 1.783939721s, next run in 10m0s",
            "Started session 12 of User deploy",
            "feature flags refreshed from cache",
            "GET /api/config 200 12ms",
            "scale factor 0.5 applied to thumbnails",
            "Job succeeded",
        ] {
            assert_eq!(v.find(line, |_| None).phrase, None, "{line}");
        }
    }

    proptest::proptest! {
        /// The scan finds what a plain search blind to case finds, wherever the words fall
        /// (the start, the end, across eight-byte words, overlapping).
        #[test]
        fn the_scan_is_a_plain_search(
            message in "([a-zA-Z .:_-]{0,10}(deploy|DEPLOY|Roll|rELEASE|flag|FLA|releas|roLL)?){0,4}"
        ) {
            let words = ["deploy", "roll", "releas", "flag"];
            let scan = Scan::new(&words.map(String::from)).expect("a scan");
            let lower = message.to_ascii_lowercase();
            proptest::prop_assert_eq!(
                scan.finds(message.as_bytes()),
                words.iter().any(|w| lower.contains(w))
            );
        }
    }

    /// Field expressions are compiled when first needed: each must compile, or its phrase
    /// would never match.
    #[test]
    fn every_field_expression_compiles() {
        for phrase in &VOCABULARY.phrases {
            for f in &phrase.fields {
                if let Some(expression) = &f.expression {
                    assert!(compile(expression).is_ok(), "{}: {expression}", phrase.tool);
                }
            }
        }
    }

    #[test]
    fn mistakes_name_their_change() {
        let text = "scan = [\"x\"]\n[words]\ndeploy = []\nrollback = []\nrollback_phrases = []\n\
                    failed = []\nfinished = []\nfinished_phrases = []\nstarted = []\nstarted_phrases = []\n\
                    ambiguous = []\n[[change]]\ntool = \"T\"\nseen = \"s\"\nregex = \"x\"\nkind = \"party\"\nphase = \"started\"\n";
        let e = Vocabulary::parse(text).err().unwrap_or_default();
        assert!(e.contains("\"T\"") && e.contains("party"), "{e}");
    }
}
