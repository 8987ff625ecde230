use super::*;

fn options() -> Options {
    Options {
        paths: Vec::new(),
        from: None,
        to: None,
        date: None,
        zone: Zone::utc(),
        lookback: 0,
        lookahead: 0,
        year: None,
        all_events: false,
        event_fields: false,
        slow: i64::MAX,
        render: None,
        progress: None,
        config: Arc::default(),
        index: None,
        credentials: Default::default(),
    }
}

/// Feeds each poll's bytes to one stream, as live mode does, and gives the draft's events.
fn polls(chunks: &[&str]) -> Vec<Event> {
    let options = options();
    let mut draft = Draft::empty(&options).expect("a draft");
    let mut lines = Lines::new("stdin".into(), None, 0);
    for chunk in chunks {
        let mut counted = Requests::new(Some(draft.window.from), options.slow);
        let fresh = lines.parse(chunk.as_bytes(), &options, &draft, &mut counted);
        draft.replace(std::mem::take(&mut lines.grown));
        draft.absorb(fresh);
    }
    draft.events
}

/// A stack trace written across polls is one event with its whole trace, whichever line
/// the poll cut it at.
#[test]
fn a_trace_written_across_polls_is_one_event() {
    let log = "2023-10-11T14:00:01Z ERROR [main] c.a.Checkout - payment failed\n\
               java.lang.IllegalStateException: pool exhausted\n\
               \tat com.acme.Pool.get(Pool.java:42)\n\
               \tat com.acme.Checkout.pay(Checkout.java:7)\n\
               2023-10-11T14:00:02Z ERROR [main] c.a.Checkout - disk full\n";
    let whole = polls(&[log]);
    assert_eq!(whole.len(), 2);
    assert!(whole[0].message.ends_with("Checkout.java:7)"), "{whole:?}");
    let mut cuts: Vec<usize> = log.match_indices('\n').map(|(i, _)| i + 1).collect();
    cuts.extend([10, 70, 100]);
    for cut in cuts {
        let (first, second) = log.split_at(cut);
        assert_eq!(polls(&[first, second]), whole, "cut at byte {cut}");
    }
    let thirds: Vec<&str> = log.split_inclusive('\n').collect();
    assert_eq!(polls(&thirds), whole, "a poll a line");
}

/// An entry printed before is printed again, with its count, each time the count has
/// doubled: a flood grows on the screen, a line per doubling.
#[test]
fn an_entrys_count_grows_as_its_lines_arrive() {
    let options = options();
    let live = Live {
        settings: Settings {
            max_entries: 100,
            slow: i64::MAX,
        },
        color: false,
        poll: Duration::from_millis(500),
    };
    let mut draft = Draft::empty(&options).expect("a draft");
    let mut lines = Lines::new("stdin".into(), None, 0);
    let mut printed = Vec::new();
    for second in 1..=9 {
        let line = format!(
            "2023-10-11T14:00:0{second}Z ERROR [main] checkout - payment gateway timeout\n"
        );
        let mut counted = Requests::new(Some(draft.window.from), options.slow);
        let fresh = lines.parse(line.as_bytes(), &options, &draft, &mut counted);
        draft.absorb(fresh);
        printed.extend(
            draft
                .new_lines(&live, &Zone::utc())
                .into_iter()
                .filter(|l| l.contains("payment gateway timeout")),
        );
    }
    let counts: Vec<&str> = printed
        .iter()
        .map(|l| l.split_once('(').map_or("once", |(_, more)| more))
        .collect();
    assert_eq!(
        counts,
        [
            "once",
            "1 more until 14:00) [stdin:1]",
            "3 more until 14:00) [stdin:1]",
            "7 more until 14:00) [stdin:1]"
        ],
        "{printed:?}"
    );
}

/// A stream keeps its parser between polls: a time of day written in a later poll is dated
/// by the dated line before it, as a whole read dates it (logback's `%d{HH:mm:ss.SSS}` after a
/// line with the date).
#[test]
fn a_time_of_day_in_a_later_poll_is_dated_by_the_line_before() {
    let first = "2023-10-11 14:00:01.000 [main] INFO  c.a.Checkout - started\n";
    let second = "14:00:05.120 [main] ERROR c.a.Checkout - payment failed\n";
    let whole = polls(&[&format!("{first}{second}")]);
    assert_eq!(whole.len(), 1, "{whole:?}");
    assert_eq!(whole[0].message, "payment failed");
    assert_eq!(polls(&[first, second]), whole);
}
