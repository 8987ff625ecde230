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
    let mut tail = Tail::given("stdin".into(), None, live_setup(&options));
    for chunk in chunks {
        tail.give(chunk.as_bytes());
        draft.poll(std::iter::once(&mut tail), options.slow, false);
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
    let mut tail = Tail::given("stdin".into(), None, live_setup(&options));
    let mut printed = Vec::new();
    for second in 1..=9 {
        let line = format!(
            "2023-10-11T14:00:0{second}Z ERROR [main] checkout - payment gateway timeout\n"
        );
        tail.give(line.as_bytes());
        draft.poll(std::iter::once(&mut tail), options.slow, false);
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

/// A followed file, through the read path's followed plan: a trace written in two halves
/// across polls is one event, the file's lines are numbered on from those before the run,
/// and a rotation reads the rest of the old file (its last line cut without a newline) and
/// the new one from its first line.
#[test]
fn a_followed_file_keeps_its_trace_whole_and_follows_its_rotation() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("app.log");
    let append = |text: &str| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .expect("the log");
        f.write_all(text.as_bytes()).expect("written");
    };
    append("2023-10-11T13:59:00Z INFO [main] c.a.Checkout - started\n");
    let options = options();
    let file = File::open(&path).expect("the log");
    let mut tail = Tail::file(
        "app.log".into(),
        path.clone(),
        file,
        None,
        live_setup(&options),
    )
    .expect("followed");
    let mut draft = Draft::empty(&options).expect("a draft");
    append(
        "2023-10-11T14:00:01Z ERROR [main] c.a.Checkout - payment failed\n\
         java.lang.IllegalStateException: pool exhausted\n",
    );
    draft.poll(std::iter::once(&mut tail), options.slow, false);
    append("\tat com.acme.Pool.get(Pool.java:42)\n2023-10-11T14:00:02Z ERROR [main] c.a.Checkout - disk ");
    draft.poll(std::iter::once(&mut tail), options.slow, false);
    std::fs::rename(&path, dir.path().join("app.log.1")).expect("rotated");
    append("2023-10-11T14:00:03Z ERROR [main] c.a.Checkout - after the rotation\n");
    draft.poll(std::iter::once(&mut tail), options.slow, false);
    let seen: Vec<(String, u64)> = draft
        .events
        .iter()
        .map(|e| (e.message.clone(), e.source.line))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "payment failed\njava.lang.IllegalStateException: pool exhausted\n\
                 \tat com.acme.Pool.get(Pool.java:42)"
                    .to_string(),
                2
            ),
            ("disk".to_string(), 5),
            ("after the rotation".to_string(), 1),
        ],
    );
}

/// Events that settle within a poll are handed to its sink a batch at a time: the event the
/// poll before left open, continued and then followed by more lines than a batch, is given
/// once, grown, and every line after it is an event.
#[test]
fn a_poll_longer_than_a_batch_gives_each_event_once() {
    let mut second = String::from("\tat com.acme.Pool.get(Pool.java:42)\n");
    for n in 0..3000 {
        second.push_str(&format!(
            "2023-10-11T14:{:02}:{:02}Z ERROR [main] c.a.Checkout - failure {n}\n",
            1 + n / 60,
            n % 60
        ));
    }
    let first = "2023-10-11T14:00:01Z ERROR [main] c.a.Checkout - payment failed\n";
    let events = polls(&[first, &second]);
    assert_eq!(events.len(), 3001);
    assert_eq!(
        events[0].message,
        "payment failed\n\tat com.acme.Pool.get(Pool.java:42)"
    );
    assert_eq!(events, polls(&[&format!("{first}{second}")]));
}
