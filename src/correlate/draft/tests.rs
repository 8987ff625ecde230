use super::super::{Impact, Milestone};
use super::deploys::is_older;
use super::*;
use crate::event::DeployPhase;
use crate::event::SourceRef;
use crate::time::NANOS_PER_SEC;

fn ev(min: i64, kind: Kind, level: Option<Level>, service: &str, message: &str) -> Event {
    Event {
        time: min * NANOS_PER_MIN,
        kind,
        level,
        service: Some(service.into()),
        message: message.into(),
        fields: Default::default(),
        source: SourceRef {
            path: "x.log".into(),
            line: min as u64 + 1,
        },
    }
}

const WINDOW: Window = Window {
    lookback: 0,
    from: 120 * NANOS_PER_MIN,
    to: 240 * NANOS_PER_MIN,
    ahead: 240 * NANOS_PER_MIN,
};
const SETTINGS: Settings = Settings {
    max_entries: 25,
    slow: NANOS_PER_SEC,
};

/// Every request among the events, as a draft's run counts them.
fn requests(events: &[Event], window: Window) -> Requests {
    let mut requests = Requests::new(Some(window.from), SETTINGS.slow);
    for e in events {
        requests.add(e);
    }
    requests
}

fn draft(events: &[Event], window: Window) -> Timeline {
    build(events, &requests(events, window), window, SETTINGS)
}

fn texts(t: &Timeline) -> Vec<String> {
    t.entries
        .iter()
        .map(|e| format!("{} {}", e.label, e.text))
        .collect()
}

#[test]
fn a_flood_becomes_one_entry_and_marks_the_outage() {
    let events: Vec<_> = (130..190)
        .flat_map(|m| {
            [m, m].map(|m| {
                ev(
                    m,
                    Kind::Log,
                    Some(Level::Error),
                    "checkout",
                    &format!("buffer of {m} KB failed"),
                )
            })
        })
        .collect();
    let t = draft(&events, WINDOW);
    assert_eq!(
        texts(&t),
        [
            "Error checkout: first \"buffer of 130 KB failed\"",
            "Outage begins checkout errors rise above their baseline",
            "Recovered checkout errors back to their baseline (the last error of the burst)",
        ]
    );
    assert_eq!(
        (t.entries[0].count, t.entries[0].last),
        (120, 189 * NANOS_PER_MIN)
    );
    assert_eq!(
        (t.summary.start, t.summary.end),
        (Some(130 * NANOS_PER_MIN), Some(189 * NANOS_PER_MIN))
    );
}

#[test]
fn steady_background_stays_out() {
    let mut events: Vec<_> = (0..240)
        .step_by(5)
        .flat_map(|m| {
            [
                ev(m, Kind::Log, Some(Level::Error), "cron", "job 7 late"),
                ev(
                    m,
                    Kind::Log,
                    Some(Level::Warn),
                    "db",
                    "slow query took 1200 ms",
                ),
            ]
        })
        .collect();
    events.push(ev(
        150,
        Kind::Log,
        Some(Level::Error),
        "api",
        "pool exhausted",
    ));
    events.push(ev(151, Kind::Log, Some(Level::Warn), "api", "pool at 95%"));
    events.sort_by_key(|e| e.time);
    let t = draft(&events, WINDOW);
    assert_eq!(
        texts(&t),
        [
            "Error api: first \"pool exhausted\"",
            "Warning api: first \"pool at 95%\""
        ]
    );
}

fn deploy(phase: DeployPhase, version: &str) -> Kind {
    Kind::Deploy {
        phase,
        version: Some(version.into()),
        rollback: false,
    }
}

#[test]
fn deploys_pair_with_their_outcome_and_earlier_versions_are_rollbacks() {
    let mut events = vec![
        ev(100, deploy(DeployPhase::Started, "v2.0.0"), None, "api", ""),
        ev(
            104,
            deploy(DeployPhase::Finished, "v2.0.0"),
            None,
            "api",
            "",
        ),
    ];
    events.extend((125..160).flat_map(|m| {
        [
            ev(m, Kind::Log, Some(Level::Error), "api", "pool exhausted"),
            ev(m, Kind::Log, Some(Level::Error), "api", "pool exhausted"),
        ]
    }));
    events.push(ev(
        150,
        deploy(DeployPhase::Started, "v1.9.3"),
        None,
        "api",
        "",
    ));
    events.push(ev(
        153,
        deploy(DeployPhase::Finished, "v1.9.3"),
        None,
        "api",
        "",
    ));
    events.sort_by_key(|e| e.time);
    let window = Window {
        lookback: 0,
        ..WINDOW
    };
    let t = draft(&events, window);
    let deploys: Vec<_> = t
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Deploy)
        .collect();
    assert_eq!(deploys[0].text, "api v2.0.0 started, finished 4m later");
    assert!(
        deploys[0].suspect,
        "the deploy before the errors on its service"
    );
    assert_eq!(
        (deploys[1].label, deploys[1].text.as_str()),
        ("Rollback", "api to v1.9.3 started, finished 3m later")
    );
    assert_eq!(deploys[1].milestone, Some(Milestone::Mitigation));
    assert_eq!(
        t.summary.suspect.as_ref().map(|s| s.text.as_str()),
        Some("api v2.0.0 started, finished 4m later")
    );
}

#[test]
fn no_suspect_without_evidence() {
    let mut events = vec![ev(
        100,
        deploy(DeployPhase::Finished, "v2.0.0"),
        None,
        "search",
        "",
    )];
    events.extend((125..160).flat_map(|m| {
        [
            ev(m, Kind::Restart, Some(Level::Warn), "api", "BackOff"),
            ev(m, Kind::Restart, Some(Level::Warn), "api", "BackOff"),
        ]
    }));
    let t = draft(&events, WINDOW);
    assert!(t.summary.suspect.is_none());
    assert!(t.entries.iter().all(|e| !e.suspect));
}

#[test]
fn an_alert_and_its_page_are_one_entry() {
    let am = Kind::Alert {
        name: "HighErrorRate".into(),
        state: AlertState::Firing,
        key: "fp".into(),
        started: Some(125 * NANOS_PER_MIN),
    };
    let page = Kind::Alert {
        name: "HighErrorRate checkout".into(),
        state: AlertState::Firing,
        key: "Q1".into(),
        started: Some(126 * NANOS_PER_MIN),
    };
    let resolved = Kind::Alert {
        name: "HighErrorRate".into(),
        state: AlertState::Resolved,
        key: "fp".into(),
        started: Some(125 * NANOS_PER_MIN),
    };
    let mut paged = ev(126, page, Some(Level::Error), "checkout", "");
    paged.source.path = "pd.jsonl".into();
    let events = vec![
        ev(125, am, Some(Level::Error), "checkout", ""),
        paged,
        ev(170, resolved, Some(Level::Info), "checkout", ""),
    ];
    let t = draft(&events, WINDOW);
    assert_eq!(
        texts(&t),
        [
            "Alert HighErrorRate fired on checkout",
            "Resolved HighErrorRate on checkout resolved after 45m"
        ]
    );
    assert_eq!(t.entries[0].sources.len(), 2);
    assert_eq!(t.entries[0].milestone, Some(Milestone::Detected));
    // The firing entry knows its resolution, which the chart's bar ends at.
    assert_eq!(t.entries[0].resolved, Some(170 * NANOS_PER_MIN));
    assert_eq!(t.entries[1].resolved, None);
}

#[test]
fn max_entries_keeps_alerts_before_errors() {
    let causes = [
        "disk", "pool", "dns", "tls", "quota", "lock", "cache", "queue", "auth", "index",
    ];
    let mut events: Vec<_> = (130..140)
        .map(|m| {
            ev(
                m,
                Kind::Log,
                Some(Level::Error),
                "api",
                &format!("failure {}", causes[m as usize - 130]),
            )
        })
        .collect();
    events.push(ev(
        200,
        Kind::Alert {
            name: "Down".into(),
            state: AlertState::Firing,
            key: "k".into(),
            started: Some(200 * NANOS_PER_MIN),
        },
        Some(Level::Error),
        "api",
        "",
    ));
    let settings = Settings {
        max_entries: 3,
        ..SETTINGS
    };
    let t = build(&events, &requests(&events, WINDOW), WINDOW, settings);
    assert_eq!(t.entries.len(), 3);
    assert!(t.entries.iter().any(|e| e.label == "Alert"));
}

#[test]
fn impact_counts_failed_and_slow_requests_against_the_baseline() {
    let http = |status, secs: i64| Kind::Http {
        status,
        duration: Some(secs * NANOS_PER_SEC),
    };
    let events = vec![
        ev(30, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
        ev(31, http(503, 0), Some(Level::Error), "gw", "GET / 503"),
        ev(130, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
        ev(131, http(503, 0), Some(Level::Error), "gw", "GET / 503"),
        ev(132, http(200, 3), Some(Level::Info), "gw", "GET / 200"),
        ev(133, http(200, 0), Some(Level::Info), "gw", "GET / 200"),
    ];
    let t = draft(&events, WINDOW);
    assert_eq!(
        t.summary.impact,
        Some(Impact {
            requests: 4,
            failed_or_slow: 2,
            ratio: 0.5,
            baseline: Some(0.5)
        })
    );
}

proptest::proptest! {
    /// Folding error lines into templates never changes how many there were: the counts of
    /// the error entries (milestones aside) add up to the error events in the window.
    #[test]
    fn folding_keeps_the_count(
        lines in proptest::collection::vec(
            (120i64..240, 0usize..4, 0u32..50, proptest::sample::select(vec!["api", "db"])),
            1..120,
        )
    ) {
        let shapes = [
            "connection to 10.0.0.{} refused",
            "timeout after {} ms calling bank-api",
            "user {} not found",
            "pool exhausted ({} waiting)",
        ];
        let events: Vec<Event> = {
            let mut v: Vec<Event> = lines
                .iter()
                .map(|&(min, shape, n, service)| {
                    let message = shapes[shape].replace("{}", &n.to_string());
                    ev(min, Kind::Log, Some(Level::Error), service, &message)
                })
                .collect();
            v.sort_by_key(|e| e.time);
            v
        };
        let settings = Settings { max_entries: 10_000, ..SETTINGS };
        let t = build(&events, &requests(&events, WINDOW), WINDOW, settings);
        let folded: u64 = t
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Error && e.milestone.is_none())
            .map(|e| e.count)
            .sum();
        proptest::prop_assert_eq!(folded, events.len() as u64);
    }
}

#[test]
fn versions_compare_numerically() {
    assert!(is_older("v4.1.3", "v4.2.0"));
    assert!(is_older("4.9.0", "4.10.0"));
    assert!(!is_older("v4.2.0", "v4.2.0"));
    assert!(!is_older("9f3c2e1", "1b2c3d4"));
}
