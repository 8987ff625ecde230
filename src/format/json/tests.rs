use crate::event::Level;
use crate::format::testing::*;

/// A JSON request's duration feeds the impact line's slow requests: Google Cloud's latency
/// (`"5.001234s"`), Caddy's seconds, Traefik's nanoseconds, Envoy Gateway's milliseconds,
/// Cloudflare's end less its start, none where Kong's log has no latencies; to the
/// millisecond.
#[test]
fn json_requests_give_their_durations() {
    let ms = |status: u16, ms: i64| (status, Some(ms * 1_000_000));
    let cases = [
        (
            include_str!("../../../tests/fixtures/formats/gcp-logging/entries.jsonl"),
            vec![ms(503, 5001), ms(200, 2)],
        ),
        (
            include_str!("../../../tests/fixtures/formats/caddy/access.log"),
            vec![ms(200, 12), ms(502, 5001)],
        ),
        (
            include_str!("../../../tests/fixtures/formats/traefik-json/access.log"),
            vec![ms(200, 3)],
        ),
        (
            include_str!("../../../tests/fixtures/formats/envoy-gateway-json/access.log"),
            vec![ms(503, 0), ms(503, 0)],
        ),
        (
            include_str!("../../../tests/fixtures/formats/kong-http-log/http-log.json"),
            vec![(200, None), (500, None), (400, None)],
        ),
        (
            include_str!("../../../tests/fixtures/formats/cloudflare-logpush/http_requests.json"),
            [
                (200, 23),
                (200, 20),
                (200, 50),
                (200, 10),
                (403, 10),
                (401, 30),
                (200, 40),
                (404, 10),
                (502, 300),
                (200, 20),
                (200, 40),
                (403, 10),
                (204, 30),
                (200, 10),
                (200, 5),
            ]
            .map(|(s, d)| ms(s, d))
            .to_vec(),
        ),
    ];
    for (text, want) in cases {
        let got: Vec<_> = requests("requests.jsonl", text)
            .into_iter()
            .map(|(s, d)| (s, d.map(|d| d / 1_000_000 * 1_000_000)))
            .collect();
        assert_eq!(got, want);
    }
}

#[test]
fn common_keys_and_epoch_units() {
    let (events, counts, _) = parse_all(
        "svc.jsonl",
        &[
            r#"{"@timestamp":"2023-10-11T14:00:01.5Z","log.level":"ERROR","message":"db down","service.name":"orders"}"#,
            r#"{"level":50,"time":1697032802123,"pid":1,"hostname":"h","msg":"pino error"}"#,
            r#"{"__REALTIME_TIMESTAMP":"1697032803123456","PRIORITY":"3","_SYSTEMD_UNIT":"checkout.service","MESSAGE":"pool exhausted"}"#,
            r#"{"ts":1697032804.25,"level":"warn","msg":"slow","user":{"id":7}}"#,
            r#"{"no_time":true}"#,
        ],
    );
    assert_eq!(counts.unrecognised, 1);
    let got: Vec<_> = events
        .iter()
        .map(|e| {
            (
                utc(e.time),
                e.level,
                e.service.clone().unwrap_or_default(),
                e.message.clone(),
            )
        })
        .collect();
    assert_eq!(
        got[0],
        (
            "2023-10-11T14:00:01.500Z".into(),
            Some(Level::Error),
            "orders".into(),
            "db down".into()
        )
    );
    assert_eq!(
        got[1],
        (
            "2023-10-11T14:00:02.123Z".into(),
            Some(Level::Error),
            "svc".into(),
            "pino error".into()
        )
    );
    assert_eq!(
        got[2],
        (
            "2023-10-11T14:00:03.123456Z".into(),
            Some(Level::Error),
            "checkout".into(),
            "pool exhausted".into()
        )
    );
    assert_eq!(got[3].0, "2023-10-11T14:00:04.250Z");
    assert_eq!(
        events[3]
            .fields
            .get("user")
            .map(|v| v.to_string())
            .as_deref(),
        Some(r#"{"id":7}"#)
    );
}

/// Splitting a line accepts what `serde_json` accepts as an object of raw values, and gives
/// the same values, on objects built from JSON's pieces (good and bad), cut or damaged.
mod split_as_serde {
    use crate::format::json::layout::Layout;
    use crate::format::json::{string, Object};
    use proptest::prelude::*;
    use serde_json::value::RawValue;
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    /// Scalars, most of them well formed, some not.
    const SCALARS: &[&str] = &[
        "\"k\"",
        "\"a b\"",
        "\"\\n\"",
        "\"\\u00e9\"",
        "\"\\ud800\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\u{1}\"",
        "\"é\"",
        "\"\\\"\"",
        "1",
        "-0.5e3",
        "0",
        "01",
        "-",
        "1.",
        "2E+7",
        "1e",
        "true",
        "tru",
        "null",
        "false",
        "nul",
    ];
    const KEYS: &[&str] = &[
        "\"k\"",
        "\"msg\"",
        "\"\\u0041\"",
        "\"\\ud800\"",
        "\"\t\"",
        "k",
    ];
    const SPACE: &[&str] = &["", "", " ", "\t", "\n "];
    /// Keys a layout may hold: one that begins another, and one written with an escape.
    const LAYOUT_KEYS: &[&str] = &["t", "time", "msg", "m\\u0073g"];

    fn value() -> impl Strategy<Value = String> {
        prop::sample::select(SCALARS)
            .prop_map(str::to_string)
            .prop_recursive(3, 16, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4)
                        .prop_map(|items| format!("[{}]", items.join(","))),
                    prop::collection::vec((prop::sample::select(KEYS), inner), 0..4).prop_map(
                        |pairs| {
                            let pairs: Vec<String> =
                                pairs.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                            format!("{{{}}}", pairs.join(","))
                        }
                    ),
                ]
            })
    }

    /// An object of such values, with spacing, sometimes cut or with a piece stuck in.
    fn text() -> impl Strategy<Value = String> {
        let pair = (
            prop::sample::select(KEYS),
            prop::sample::select(SPACE),
            value(),
        )
            .prop_map(|(k, sp, v)| format!("{sp}{k}{sp}:{sp}{v}{sp}"));
        (
            prop::collection::vec(pair, 0..6),
            prop::sample::select(SPACE),
            prop::option::weighted(
                0.3,
                (any::<prop::sample::Index>(), prop::sample::select(SCALARS)),
            ),
            prop::option::weighted(0.1, any::<prop::sample::Index>()),
        )
            .prop_map(|(pairs, sp, insert, cut)| {
                let mut text = format!("{sp}{{{}}}{sp}", pairs.join(","));
                if let Some((at, piece)) = insert {
                    let at = at.index(text.len() + 1);
                    if text.is_char_boundary(at) {
                        text.insert_str(at, piece);
                    }
                }
                if let Some(at) = cut {
                    let at = at.index(text.len() + 1);
                    if text.is_char_boundary(at) {
                        text.truncate(at);
                    }
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn a_plain_run_ends_where_a_byte_by_byte_search_ends(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![Just(b'"'), Just(b'\\'), 0u8..0x20, 0x20u8..=0xff],
                0..40,
            ),
            at in 0usize..40,
        ) {
            let at = at.min(bytes.len());
            let expected = bytes[at..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .map(|i| at + i);
            prop_assert_eq!(crate::format::json::object::plain_run(&bytes, at), expected);
        }

        #[test]
        fn accepts_and_reads_what_serde_does(text in text()) {
            // Keys decoded, values kept raw: the line's splitting as `serde_json` does it,
            // and string values decoded as it decodes them.
            let serde = serde_json::from_str::<BTreeMap<String, &RawValue>>(&text);
            let ours = Object::split(&text);
            prop_assert_eq!(ours.is_some(), serde.is_ok(), "{}", text);
            if let (Some(ours), Ok(serde)) = (ours, serde) {
                prop_assert_eq!(ours.iter().count() >= serde.len(), true);
                for (key, value) in serde {
                    let raw = ours.get(&key);
                    prop_assert_eq!(raw.map(|r| r.get()), Some(value.get()));
                    // A string value reads as serde decodes it, escaped or not; others not.
                    let decoded = raw.and_then(|r| string(r)).map(Cow::into_owned);
                    prop_assert_eq!(decoded, serde_json::from_str::<String>(value.get()).ok());
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A layout learnt from a line spares scanning the next line's keys, and changes
        /// nothing else: the same lines split, the same way, and a line is said to be of the
        /// layout only when it writes the layout's keys, in its order, without escapes, in
        /// one of the spacings loggers write.
        #[test]
        fn a_layout_changes_no_split(
            pairs in prop::collection::vec(
                (prop::sample::select(LAYOUT_KEYS), prop::sample::select(SPACE), value()),
                0..5,
            ),
            learnt in prop::option::of(
                prop::collection::vec(prop::sample::select(LAYOUT_KEYS), 0..5),
            ),
            cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
            cut_end in prop::option::weighted(0.2, 1usize..3),
            style in 0..3,
        ) {
            // Without spaces, as Python writes JSON, or spaced anyhow.
            let body: Vec<String> = pairs
                .iter()
                .map(|(k, sp, v)| match style {
                    0 => format!("\"{k}\":{v}"),
                    1 => format!("\"{k}\": {v}"),
                    _ => format!("{sp}\"{k}\"{sp}:{sp}{v}"),
                })
                .collect();
            let comma = if style == 1 { ", " } else { "," };
            let mut text = format!("{{{}}}", body.join(comma));
            let at = cut.map(|at| at.index(text.len() + 1));
            let at = at.or(cut_end.map(|n| text.len().saturating_sub(n)));
            if let Some(at) = at.filter(|&at| text.is_char_boundary(at)) {
                text.truncate(at);
            }
            let learnt = learnt.unwrap_or_else(|| pairs.iter().map(|(k, ..)| *k).collect());
            let learnt: Vec<String> = learnt.iter().map(|k| format!("\"{k}\":0")).collect();
            let learnt = format!("{{{}}}", learnt.join(","));
            let learnt = Object::split(&learnt).expect("a line of plain keys");
            let mut layout = Layout::default();
            layout.learn(&learnt, &crate::classify::Classifier, &crate::config::Config::default());
            let split = |known| {
                Object::split_knowing(&text, known, Vec::new()).map(|(obj, same)| {
                    let pairs: Vec<(String, String, bool)> = obj
                        .iter()
                        .map(|(k, v)| (k.0.to_string(), v.text.to_string(), v.plain))
                        .collect();
                    (pairs, same)
                })
            };
            let (with, without) = (split(Some(&layout)), split(None));
            prop_assert_eq!(with.as_ref().map(|w| &w.0), without.as_ref().map(|w| &w.0));
            if let Some((split, same)) = with {
                let keys: Vec<&str> = split.iter().map(|(k, ..)| k.as_str()).collect();
                let learnt: Vec<&str> = learnt.iter().map(|(k, _)| k.0.as_ref()).collect();
                let escaped = pairs.iter().any(|(k, ..)| k.contains('\\'));
                let spaced = |(comma, colon)| {
                    let body: Vec<String> =
                        pairs.iter().map(|(k, _, v)| format!("\"{k}\"{colon}{v}")).collect();
                    text == format!("{{{}}}", body.join(comma))
                };
                let styled = [(",", ":"), (", ", ": ")].into_iter().any(spaced);
                // `{}` is found by its keys, none: there is nothing to compare.
                let known = styled && !escaped && !keys.is_empty() && keys == learnt;
                prop_assert_eq!(same, known, "{}", text);
            }
        }
    }

    #[test]
    fn well_formed_lines_split() {
        let line = r#" {"time":"2025-06-01T00:00:00Z", "n":-1.5e-3,"ok":true,"v":null,"o":{"a":[1,{"b":"}"}]},"e":"q\"x\u00e9"} "#;
        let obj = Object::split(line).expect("an object");
        let keys: Vec<&str> = obj.iter().map(|(k, _)| k.0.as_ref()).collect();
        assert_eq!(keys, ["time", "n", "ok", "v", "o", "e"]);
        assert_eq!(
            obj.get("o").map(|v| v.get()),
            Some(r#"{"a":[1,{"b":"}"}]}"#)
        );
        assert_eq!(obj.get("e").map(|v| v.get()), Some(r#""q\"x\u00e9""#));
    }
}

mod layout {
    use crate::event::Event;
    use crate::format::testing::parse_as;
    use crate::format::{Format, Keep};
    use crate::time::Nanos;
    use proptest::prelude::*;

    /// Keys the parser looks up, some in more than one role, one that begins another,
    /// one written with an escape, and one it does not look up.
    const KEYS: &[&str] = &[
        "time",
        "ts",
        "t",
        r"m\u0073g",
        "@timestamp",
        "level",
        "lvl",
        "msg",
        "message",
        "service",
        "app",
        "reason",
        "type",
        "@module",
        "err",
        "user",
    ];
    const VALUES: &[&str] = &[
        r#""2023-10-11T14:00:01Z""#,
        r#""2023-10-11T14:00:02.5Z""#,
        "1697032803",
        r#""ERROR""#,
        r#""info""#,
        r#""deploy started""#,
        r#""OperationStarted""#,
        r#""apply_errored""#,
        r#"{"stack":"at x"}"#,
        r#""a\"b""#,
        "30",
    ];

    /// A line of a few pairs, or now and then of more than the parser keeps room for
    /// between lines (see `Layouts::give_back`).
    fn line() -> impl Strategy<Value = String> {
        let pair = (0..KEYS.len(), 0..VALUES.len());
        let pairs = prop_oneof![
            8 => proptest::collection::vec(pair.clone(), 0..6),
            1 => proptest::collection::vec(pair, 60..72),
        ];
        pairs.prop_map(|pairs| {
            let body: Vec<String> = pairs
                .iter()
                .map(|&(k, v)| format!("\"{}\":{}", KEYS[k], VALUES[v]))
                .collect();
            format!("{{{}}}", body.join(","))
        })
    }

    /// The events of `lines` read as one JSON file, and the times of those a draft only
    /// counts, without line numbers.
    fn read(lines: &[&str], keep: Keep) -> (Vec<Event>, Vec<Nanos>) {
        let parsed = parse_as("app.jsonl", Some(Format::Json), lines, keep);
        let mut events = parsed.events;
        for e in &mut events {
            e.source.line = 0;
        }
        (events, parsed.dropped.iter().map(|d| d.time).collect())
    }

    proptest! {
        /// What one line's keys teach the parser never changes how it reads the next.
        #[test]
        fn a_line_reads_the_same_after_any_other(
            lines in proptest::collection::vec(line(), 1..80),
            keep in prop_oneof![Just(Keep::All), Just(Keep::Lines), Just(Keep::NotableAndRequests)],
        ) {
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let (mut events, mut dropped) = (Vec::new(), Vec::new());
            for line in &lines {
                let (e, d) = read(&[line], keep.clone());
                events.extend(e);
                dropped.extend(d);
            }
            // A file's events are in time order, ties in line order.
            events.sort_by_key(|e| e.time);
            prop_assert_eq!(read(&lines, keep), (events, dropped));
        }
    }
}

#[test]
fn broken_json_is_not_an_event() {
    let (events, counts, _) =
        parse_all("x.jsonl", &[r#"{"time":"2023-10-11T14:00:01Z","msg":"cut"#]);
    assert!(events.is_empty());
    assert_eq!(counts.unrecognised, 1);
}
