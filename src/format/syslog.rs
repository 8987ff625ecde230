//! Syslog: RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`) and the BSD form of RFC
//! 3164 as files hold it (`[<PRI>]Mmm dd hh:mm:ss host tag[pid]: msg`, no year, no zone), also
//! with an ISO timestamp as rsyslog and `journalctl -o short-iso` write it. The tag names the
//! service; kernel OOM kills and systemd unit failures are recognised by their wording.

use super::{haproxy, registry, timestamp, Cx};
use crate::event::Fields;
use crate::event::{Event, Level};
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;
use nom::combinator::{map_res, opt};
use nom::sequence::delimited;
use nom::IResult;
use serde_json::Value;

fn pri(i: &str) -> IResult<&str, u8> {
    delimited(
        char('<'),
        map_res(
            take_while_m_n(1, 3, |c: char| c.is_ascii_digit()),
            str::parse,
        ),
        char('>'),
    )(i)
}

/// A field and the space after it: (what follows, the field). By bytes, as are the tag and pid
/// below: every syslog line has several, and a parser combinator decoded them a character at
/// a time.
fn field(i: &str) -> Option<(&str, &str)> {
    let end = memchr::memchr(b' ', i.as_bytes()).filter(|&end| end > 0)?;
    Some((&i[end + 1..], &i[..end]))
}

/// `tag[pid]: ` or `tag: ` → (what follows, (tag, pid)). macOS writes two more: a name with
/// spaces before its pid (`Google Chrome[85294]: `), and launchd's job after its pid
/// (`com.apple.xpc.launchd[1] (com.apple.quicklook[21498]): `, the job kept in the message).
fn tag_pid(i: &str) -> Option<(&str, (&str, Option<&str>))> {
    let b = i.as_bytes();
    let in_tag =
        |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/' | b'@');
    let mut name = b.iter().position(|c| !in_tag(c)).unwrap_or(b.len());
    if name == 0 {
        return None;
    }
    // A space inside the name only where words of the name and then `[pid]:` follow.
    if b.get(name) == Some(&b' ') {
        let words = b[name..]
            .iter()
            .take(32)
            .position(|c| !(in_tag(c) || *c == b' '))
            .map(|n| name + n);
        if let Some(end) = words.filter(|&end| b.get(end) == Some(&b'[') && b[end - 1] != b' ') {
            name = end;
        }
    }
    // The characters matched are ASCII: the cuts fall between characters.
    let (tag, mut rest) = (&i[..name], &i[name..]);
    let mut pid = None;
    if let Some(inner) = rest.strip_prefix('[') {
        let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && inner.as_bytes().get(digits) == Some(&b']') {
            pid = Some(&inner[..digits]);
            rest = &inner[digits + 1..];
        }
    }
    if let (Some(_), Some(job)) = (pid, rest.strip_prefix(" (")) {
        job.find("): ").filter(|&close| close > 0)?;
        return Some((&rest[1..], (tag, pid)));
    }
    let rest = rest.strip_prefix(':')?;
    Some((rest.strip_prefix(' ').unwrap_or(rest), (tag, pid)))
}

/// The structured data of RFC 5424: `-` or `[id k="v" …]…`, where `]` may be escaped in values.
fn structured_data(i: &str) -> IResult<&str, &str> {
    if let Some(rest) = i.strip_prefix('-') {
        return Ok((rest, ""));
    }
    let b = i.as_bytes();
    let mut at = 0;
    while b.get(at) == Some(&b'[') {
        let mut quoted = false;
        at += 1;
        while at < b.len() {
            match b[at] {
                b'\\' => at += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
            at += 1;
        }
        if at >= b.len() {
            return Err(nom::Err::Error(nom::error::Error::new(
                i,
                nom::error::ErrorKind::Char,
            )));
        }
        at += 1;
    }
    if at == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Char,
        )));
    }
    Ok((&i[at..], &i[..at]))
}

struct Parts<'a> {
    pri: Option<u8>,
    time: i64,
    host: &'a str,
    app: &'a str,
    pid: Option<&'a str>,
    msg: &'a str,
    sd: &'a str,
}

fn rfc5424<'a>(line: &'a str, cx: &Cx) -> Option<Parts<'a>> {
    let (i, p) = pri(line).ok()?;
    let i = i.strip_prefix("1 ")?;
    let (i, ts) = field(i)?;
    let (i, host) = field(i)?;
    let (i, app) = field(i)?;
    let (i, procid) = field(i)?;
    let (i, _msgid) = field(i)?;
    let (i, sd) = structured_data(i).ok()?;
    let msg = i
        .strip_prefix(' ')
        .unwrap_or(i)
        .trim_start_matches('\u{feff}');
    let time = match cx.dates.iso_time(ts.as_bytes()) {
        Some((t, used)) if used == ts.len() => t,
        _ => None,
    };
    let nil = |s: &'a str| (s != "-").then_some(s);
    Some(Parts {
        pri: Some(p),
        time: time?,
        host,
        app: nil(app).unwrap_or(""),
        pid: nil(procid),
        msg,
        sd,
    })
}

fn bsd<'a>(line: &'a str, cx: &Cx) -> Option<Parts<'a>> {
    let (i, p) = opt(pri)(line).ok()?;
    let b = i.as_bytes();
    let (time, used) = if let Some((stamp, used)) = timestamp::bsd(b) {
        (cx.dates.resolve_yearless(stamp), used)
    } else {
        cx.dates.iso_time(b)?
    };
    let i = i[used..].strip_prefix(' ')?;
    let (i, host) = field(i)?;
    // A level word where the host goes means an application log line, not syslog.
    if Level::parse(host).is_some() || host == "-" || host.starts_with('[') {
        return None;
    }
    let (msg, (app, pid)) = tag_pid(i)?;
    Some(Parts {
        pri: p,
        time: time?,
        host,
        app,
        pid,
        msg,
        sd: "",
    })
}

pub fn parse(line: &str, cx: &mut Cx, out: &mut Vec<Event>) -> bool {
    let Some(parts) = rfc5424(line, cx).or_else(|| bsd(line, cx)) else {
        return false;
    };
    let time = parts.time;
    if !cx.keep(time) {
        return true;
    }
    // Without a priority, the message's first word; where that is the app's own clock
    // (`NeteaseMusic[17988]: 21:58:33.765 ERROR:    177: timed out`, macOS), a level marked as
    // one (in capitals or brackets) among the words after it.
    let level = parts.pri.map(|p| Level::from_syslog(p % 8)).or_else(|| {
        let first = parts.msg.split([' ', ':']).next().unwrap_or("");
        match first.as_bytes().first() {
            Some(b'0'..=b'9') => super::text::marked_level(parts.msg).0,
            _ => Level::parse(first).filter(|_| first.len() >= 4),
        }
    });
    // A request through haproxy is counted by its status, whatever the level says.
    if parts.app != "haproxy" && cx.only_counted(time, level, parts.msg, |_| None) {
        return true;
    }
    let mut fields = Fields::new();
    fields.insert("host", Value::String(parts.host.to_string()));
    if let Some(pid) = parts.pid.filter(|_| cx.wants_field("pid")) {
        fields.insert("pid", Value::String(pid.to_string()));
    }
    if !parts.sd.is_empty() && cx.wants_field("structured_data") {
        fields.insert(
            "structured_data".to_string(),
            Value::String(parts.sd.to_string()),
        );
    }
    if parts.app == "haproxy" {
        if let Some(request) = haproxy::request(parts.msg) {
            out.push(request.event(time, cx, fields));
            return cx.read_by(&registry::HAPROXY, true);
        }
    }
    let service = (!parts.app.is_empty()).then(|| parts.app.to_string());
    out.push(cx.event(time, level, service, parts.msg.to_string(), fields));
    true
}

#[cfg(test)]
mod tests {
    use super::{field, tag_pid};
    use crate::event::{Kind, Level};
    use crate::format::testing::*;
    use crate::format::Format;
    use nom::bytes::complete::{take_till1, take_while1};
    use nom::character::complete::{char, digit1};
    use nom::combinator::opt;
    use nom::sequence::{delimited, terminated};
    use nom::IResult;

    /// The parser combinators the hand-written field and tag readers replaced.
    fn combined_field(i: &str) -> IResult<&str, &str> {
        terminated(take_till1(|c| c == ' '), char(' '))(i)
    }

    fn combined_tag_pid(i: &str) -> IResult<&str, (&str, Option<&str>)> {
        let (i, name) = take_while1(|c: char| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@')
        })(i)?;
        let (i, pid) = opt(delimited(char('['), digit1, char(']')))(i)?;
        let (i, _) = char(':')(i)?;
        Ok((i.strip_prefix(' ').unwrap_or(i), (name, pid)))
    }

    proptest::proptest! {
        /// Fields, tags and pids are read as the parser combinators read them, and where those
        /// read no tag, one is read only in macOS's forms: a name with a space before its
        /// `[pid]`, or a `[pid]` followed by ` (`.
        #[test]
        fn fields_and_tags_read_as_the_combinators_did(
            i in "([a-z0-9./@_-]{0,6}|é|\\[[0-9]{0,3}\\]?|:| |x|\\(|\\))*"
        ) {
            proptest::prop_assert_eq!(field(&i), combined_field(&i).ok());
            match (tag_pid(&i), combined_tag_pid(&i).ok()) {
                (mine, Some(theirs)) => proptest::prop_assert_eq!(mine, Some(theirs)),
                (Some((_, (tag, pid))), None) => {
                    let job = pid.is_some_and(|p| i.contains(&format!("[{p}] (")));
                    proptest::prop_assert!(tag.contains(' ') || job, "{:?}", i);
                }
                (None, None) => {}
            }
        }
    }

    #[test]
    fn rfc5424_with_structured_data() {
        let (events, _, format) = parse_all(
            "syslog",
            &[
                r#"<165>1 2023-10-11T14:00:01.003+02:00 web-01 checkout 4242 PAY [meta@32473 env="prod" x="a\]b"] charge failed"#,
            ],
        );
        assert_eq!(format, Some(Format::Syslog));
        let e = &events[0];
        assert_eq!(utc(e.time), "2023-10-11T12:00:01.003Z");
        assert_eq!(
            (e.service.as_deref(), e.message.as_str(), e.level),
            (Some("checkout"), "charge failed", Some(Level::Info))
        );
        assert_eq!(e.fields["host"], "web-01");
    }

    /// macOS's system.log (Filebeat's system module tests, darwin-syslog.log): a name with a
    /// space before its pid, and launchd's job after its pid.
    #[test]
    fn macos_names() {
        let (events, counts, _) = parse_all(
            "system.log",
            &[
                "Dec 13 11:35:57 a-mac-with-esc-key Google Chrome[85294]: objc[85294]: __weak variable at 0x60000a8499d0 holds 0x2121212121212121 instead of 0x600006a22fa0.",
                "Dec 13 11:38:45 a-mac-with-esc-key com.apple.xpc.launchd[1] (com.apple.quicklook[21498]): Endpoint has been activated through legacy launch(3) APIs. Please switch to XPC or bootstrap_check_in(): com.apple.quicklook",
                "Dec 13 11:39:00 a-mac-with-esc-key kernel[0]: Sandbox: com.apple.Addres(21589) deny(1) network-outbound /private/var/run/mDNSResponder",
            ],
        );
        assert_eq!(counts.events, 3);
        let names: Vec<_> = events.iter().map(|e| e.service.as_deref()).collect();
        assert_eq!(
            names,
            [
                Some("Google Chrome"),
                Some("com.apple.xpc.launchd"),
                Some("kernel")
            ]
        );
        assert!(events[1]
            .message
            .starts_with("(com.apple.quicklook[21498]): Endpoint"));
        // loghub's Mac sample: the app's own time, then its level.
        let (events, _, _) = parse_all(
            "system.log",
            &["Jul  7 21:58:33 calvisitor-10-105-160-85 NeteaseMusic[17988]: 21:58:33.765 ERROR:    177: timed out after 15.000s (0 0); mMajorChangePending=0"],
        );
        assert_eq!(events[0].level, Some(Level::Error));
    }

    #[test]
    fn bsd_lines_take_the_anchored_year() {
        let (events, _, _) = parse_all(
            "node-2/syslog",
            &[
                "Oct 11 14:09:12 node-2 kernel: [1841.205117] Out of memory: Killed process 4242 (java) total-vm:4194304kB, anon-rss:1048576kB",
                "Oct  1 04:05:06 node-2 systemd[1]: checkout.service: Scheduled restart job, restart counter is at 3.",
                "<11>Oct 11 14:10:00 node-2 sshd[77]: error: kex failed",
            ],
        );
        let oom = events.iter().find(|e| e.kind == Kind::Oom).expect("oom");
        assert_eq!(utc(oom.time), "2023-10-11T14:09:12Z");
        assert_eq!(oom.service.as_deref(), Some("java"));
        let restart = events
            .iter()
            .find(|e| e.kind == Kind::Restart)
            .expect("restart");
        assert_eq!(
            (utc(restart.time).as_str(), restart.service.as_deref()),
            ("2023-10-01T04:05:06Z", Some("checkout"))
        );
        let sshd = events
            .iter()
            .find(|e| e.service.as_deref() == Some("sshd"))
            .expect("sshd");
        assert_eq!(sshd.level, Some(Level::Error));
    }

    #[test]
    fn application_lines_are_not_syslog() {
        let (_, _, format) = parse_all("x.log", &["2023-10-11T14:00:01Z ERROR pool: exhausted"]);
        assert!(matches!(format, Some(Format::Text(_))));
    }
}
