//! The two small languages of `reconstruct.toml`: line patterns with named fields
//! (`{time} [{level}] {service}: {message}`), and message templates written the same way; and
//! globs over paths and messages (`billing/*.log`, `health check * ok`).

use std::borrow::Cow;

/// A compiled line pattern: literal text between named fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern(Pieces);

/// Literal text and `{name}` fields, as patterns and templates write them.
#[derive(Clone, Debug, PartialEq)]
struct Pieces {
    /// Literal text before the first field.
    lead: String,
    /// Each field and the literal text after it, up to the next field.
    fields: Vec<(String, String)>,
}

impl Pattern {
    /// Compiles `{name}` fields between literal text; `{{` and `}}` are literal braces. A
    /// pattern needs a `{time}` field, and two fields may not touch (nothing would say where
    /// one ends).
    pub fn compile(pattern: &str) -> Result<Pattern, String> {
        let pieces = Pieces::parse(pattern, false)?;
        if !pieces.names("time") {
            return Err("a pattern needs a {time} field".into());
        }
        Ok(Pattern(pieces))
    }

    /// The fields of `line` in pattern order, or `None` when the line is not in the pattern.
    /// Each field runs to the first occurrence of the literal after it; the last field, with
    /// nothing after it, takes the rest of the line.
    pub fn captures<'l>(&self, line: &'l str) -> Option<Vec<(&str, &'l str)>> {
        let mut rest = line.strip_prefix(self.0.lead.as_str())?;
        let mut out = Vec::with_capacity(self.0.fields.len());
        for (name, after) in &self.0.fields {
            let (value, next) = if after.is_empty() {
                (rest, "")
            } else {
                let at = rest.find(after.as_str())?;
                (&rest[..at], &rest[at + after.len()..])
            };
            out.push((name.as_str(), value));
            rest = next;
        }
        rest.is_empty().then_some(out)
    }
}

impl Pieces {
    /// `touching`: whether two fields may follow each other with nothing between (a template's
    /// may; a pattern's may not, as nothing would say where one ends).
    fn parse(pattern: &str, touching: bool) -> Result<Pieces, String> {
        let mut lead = String::new();
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let literal = match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    '{'
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    '}'
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) if c.is_alphanumeric() || c == '_' || c == '.' => name.push(c),
                            _ => return Err(format!("field {{{name} is not closed by }} or holds other than letters, digits, _ and .")),
                        }
                    }
                    if name.is_empty() {
                        return Err("a field {} needs a name".into());
                    }
                    if fields.iter().any(|(n, _)| *n == name) {
                        return Err(format!("field {{{name}}} appears twice"));
                    }
                    if !touching && fields.last().is_some_and(|(_, after)| after.is_empty()) {
                        return Err(format!(
                            "field {{{name}}} follows another with nothing between them"
                        ));
                    }
                    fields.push((name, String::new()));
                    continue;
                }
                '}' => return Err("a lone } (write }} for a brace)".into()),
                c => c,
            };
            match fields.last_mut() {
                Some((_, after)) => after.push(literal),
                None => lead.push(literal),
            }
        }
        Ok(Pieces { lead, fields })
    }

    fn names(&self, name: &str) -> bool {
        self.fields.iter().any(|(n, _)| n == name)
    }
}

/// A message made of a line's fields (`{label}: {text}`): literal text between `{name}`
/// fields, written as patterns are.
#[derive(Clone, Debug, PartialEq)]
pub struct Template(Pieces);

impl Template {
    pub fn compile(text: &str) -> Result<Template, String> {
        let pieces = Pieces::parse(text, true)?;
        if pieces.fields.is_empty() {
            return Err("a template names no {field}".into());
        }
        Ok(Template(pieces))
    }

    /// Whether the template names the field `name`.
    pub fn names(&self, name: &str) -> bool {
        self.0.names(name)
    }

    /// The message, when `field` gives every field the template names.
    pub fn render<'f>(&self, field: impl Fn(&str) -> Option<Cow<'f, str>>) -> Option<String> {
        let mut message = self.0.lead.clone();
        for (name, after) in &self.0.fields {
            message += &field(name)?;
            message += after;
        }
        Some(message)
    }
}

/// How a site's format finds its fields in a line: `{field}` text between literal text, or
/// regular expressions with named captures (the `regex` crate's syntax: found anywhere in
/// the line unless anchored), the first that matches a line reading it. A program that writes
/// its lines in more than one layout (Apache 2.2 and 2.4, a runtime's two prefixes) is one
/// format with one expression for each: the same names, which one expression could not give
/// two groups.
#[derive(Debug)]
pub enum Matcher {
    Fields(Pattern),
    Regex(Vec<regex::bytes::Regex>),
}

impl Matcher {
    /// Regular expressions, each of which must name the capture `time` reads.
    pub fn compile_regexes(texts: &[String], time: &str) -> Result<Matcher, String> {
        let mut regexes = Vec::with_capacity(texts.len());
        for text in texts {
            // The crate's message draws the pattern and a caret over several lines: its last
            // line says what is wrong, and the error stays one line.
            let regex = regex::bytes::Regex::new(text).map_err(|e| {
                let said = e.to_string();
                let last = said.lines().last().unwrap_or_default();
                last.trim_start_matches("error: ").to_string()
            })?;
            if !regex.capture_names().flatten().any(|n| n == time) {
                return Err(format!("a regex needs a named capture (?P<{time}>…)"));
            }
            regexes.push(regex);
        }
        if regexes.is_empty() {
            return Err("an empty list of regexes".to_string());
        }
        Ok(Matcher::Regex(regexes))
    }

    /// The expressions, for a format matched by regular expressions: each as written.
    pub fn regexes(&self) -> Option<impl Iterator<Item = &str>> {
        match self {
            Matcher::Fields(_) => None,
            Matcher::Regex(regexes) => Some(regexes.iter().map(regex::bytes::Regex::as_str)),
        }
    }

    /// The fields of `line` by name, or `None` when the line is not in the format. A capture
    /// that took no part in the match is left out.
    pub fn captures<'l>(&self, line: &'l str) -> Option<Vec<(&str, &'l str)>> {
        match self {
            Matcher::Fields(pattern) => pattern.captures(line),
            Matcher::Regex(regexes) => {
                let (regex, found) = regexes
                    .iter()
                    .find_map(|r| Some((r, r.captures(line.as_bytes())?)))?;
                // A capture of a line is read as text where it begins and ends between
                // characters: always, unless the expression (with `(?-u)`) cut one in two.
                let text = |m: regex::bytes::Match| line.get(m.start()..m.end());
                Some(
                    regex
                        .capture_names()
                        .enumerate()
                        .filter_map(|(i, name)| Some((name?, text(found.get(i)?)?)))
                        .collect(),
                )
            }
        }
    }
}

/// A glob: `*` is any run of characters but `/` (in a path) and `**` any run at all; `?` one
/// character. Message templates have no `/` rule: every `*` matches anything.
#[derive(Clone, Debug, PartialEq)]
pub struct Glob {
    text: Vec<char>,
    paths: bool,
}

impl Glob {
    pub fn path(pattern: &str) -> Glob {
        Glob {
            text: pattern.trim_start_matches("./").chars().collect(),
            paths: true,
        }
    }

    pub fn text(pattern: &str) -> Glob {
        Glob {
            text: pattern.chars().collect(),
            paths: false,
        }
    }

    pub fn matches(&self, s: &str) -> bool {
        let s: Vec<char> = s.chars().collect();
        if self.paths {
            let mut failed = vec![false; (self.text.len() + 1) * (s.len() + 1)];
            self.at(0, &s, 0, &mut failed)
        } else {
            self.anywhere(&s)
        }
    }

    /// A message template: `*` and `?` only, matched greedily with one backtrack point, so a
    /// long message costs at most its length times the template's.
    fn anywhere(&self, s: &[char]) -> bool {
        let p = &self.text;
        let (mut i, mut j) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while i < s.len() {
            match p.get(j) {
                Some('*') => {
                    star = Some((j, i));
                    j += 1;
                }
                Some(&c) if c == '?' || c == s[i] => {
                    i += 1;
                    j += 1;
                }
                _ => match star {
                    Some((sj, si)) => {
                        star = Some((sj, si + 1));
                        j = sj + 1;
                        i = si + 1;
                    }
                    None => return false,
                },
            }
        }
        p[j..].iter().all(|&c| c == '*')
    }

    /// A path glob from pattern position `p` and path position `i`; `failed` remembers the
    /// positions already ruled out, so no pair is tried twice.
    fn at(&self, p: usize, s: &[char], i: usize, failed: &mut [bool]) -> bool {
        let memo = p * (s.len() + 1) + i;
        if failed[memo] {
            return false;
        }
        let matched = match self.text.get(p) {
            None => i == s.len(),
            Some('*') => {
                let double = self.text.get(p + 1) == Some(&'*');
                let next = if double { p + 2 } else { p + 1 };
                // `**/` also matches no directory at all.
                let empty_dirs =
                    double && self.text.get(next) == Some(&'/') && self.at(next + 1, s, i, failed);
                empty_dirs || {
                    let mut j = i;
                    loop {
                        if self.at(next, s, j, failed) {
                            break true;
                        }
                        match s.get(j) {
                            Some('/') if !double => break false,
                            Some(_) => j += 1,
                            None => break false,
                        }
                    }
                }
            }
            Some('?') => s.get(i).is_some_and(|&x| x != '/') && self.at(p + 1, s, i + 1, failed),
            Some(&c) => s.get(i) == Some(&c) && self.at(p + 1, s, i + 1, failed),
        };
        if !matched {
            failed[memo] = true;
        }
        matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_capture_named_fields() {
        let p = Pattern::compile("{time} [{level}] {service}: {message}").expect("compiles");
        assert_eq!(
            p.captures("2024-05-01 10:00:00 [WARN] billing: card declined: 51"),
            Some(vec![
                ("time", "2024-05-01 10:00:00"),
                ("level", "WARN"),
                ("service", "billing"),
                ("message", "card declined: 51")
            ])
        );
        assert_eq!(p.captures("no brackets here"), None);
        assert!(Pattern::compile("{level} {message}").is_err());
        assert!(Pattern::compile("{time}{level}").is_err());
        assert!(Pattern::compile("{time} {time}").is_err());
        assert!(Pattern::compile("{time").is_err());
        let braces = Pattern::compile("{{{time}}} {message}").expect("compiles");
        assert_eq!(
            braces.captures("{10:00} hi"),
            Some(vec![("time", "10:00"), ("message", "hi")])
        );
    }

    #[test]
    fn globs_match_paths_and_messages() {
        assert!(Glob::path("billing/*.log").matches("billing/app.log"));
        assert!(!Glob::path("billing/*.log").matches("billing/old/app.log"));
        assert!(Glob::path("billing/**/*.log").matches("billing/old/app.log"));
        assert!(Glob::path("billing/**/*.log").matches("billing/app.log"));
        assert!(Glob::path("**").matches("a/b/c"));
        assert!(Glob::path("./ops/changes.log").matches("ops/changes.log"));
        assert!(Glob::text("health check * ok").matches("health check /api/v1 ok"));
        assert!(!Glob::text("health check * ok").matches("health check /api failed"));
        assert!(Glob::text("GC pause ?ms*").matches("GC pause 7ms (young)"));
        assert!(Glob::text("*").matches(""));
        assert!(!Glob::text("a*b").matches("a"));
    }

    #[test]
    fn globs_do_not_backtrack_without_end() {
        // Exponential for naive backtracking: each `*` could end anywhere.
        let message = "a".repeat(16 * 1024);
        assert!(!Glob::text("*a*a*a*a*a*a*a*a*a*a*b").matches(&message));
        let path = format!("{}/x", "a/".repeat(200));
        assert!(!Glob::path("**/a*a*a*a*a*a*a*a*b").matches(&path));
    }
}
