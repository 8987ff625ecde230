//! The window and date arguments as a user may type them: `--from`, `--to`, `--date`, `--tz`
//! and `--lookback` (the look-ahead too), then a whole run over a small log with them. Bad values are errors,
//! never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reconstruct::pipeline::{run, Options, WindowTime};
use reconstruct::time::{parse_duration, Zone};
use std::path::PathBuf;
use std::sync::OnceLock;

/// One small log, written once per process.
fn logs() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("reconstruct-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            dir.join("app.log"),
            "2023-10-11T23:50:00Z ERROR svc - late\n2023-10-12T00:10:00Z INFO svc - early\n",
        );
        dir
    })
}

fuzz_target!(|input: (&str, &str, &str, &str, &str)| {
    let (from, to, date, zone, lookback) = input;
    let now = 1_697_040_000_000_000_000;
    let (Ok(from), Ok(to)) = (WindowTime::parse(from, now), WindowTime::parse(to, now)) else {
        return;
    };
    let Ok(zone) = Zone::parse(zone) else { return };
    let Ok(lookback) = parse_duration(lookback) else {
        return;
    };
    let options = Options {
        paths: vec![logs().clone()],
        from: Some(from),
        to: Some(to),
        date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
        zone,
        lookback,
        lookahead: lookback,
        year: None,
        all_events: false,
        event_fields: false,
        slow: 1_000_000_000,
        render: None,
        progress: None,
        config: Default::default(),
        index: None,
        credentials: Default::default(),
    };
    let _ = run(&options);
});
