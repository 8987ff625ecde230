//! Metric series exported beside the logs: a Prometheus `query_range` response (its `matrix`
//! result, as `curl …/api/v1/query_range` saves it), Grafana's panel JSON (the legacy
//! `[{"target", "datapoints": [[value, ms]]}]` of Graphite-style sources, and the data frames
//! of "Download data": `{"schema": {"fields"}, "data": {"values"}}`). A series is not a stream
//! of events: what the draft wants of it is when it breached, against a threshold the site
//! declares (`[[metric]]` in `reconstruct.toml`) or else its own baseline, and each breach
//! becomes one event ("checkout p99 latency above its baseline from 14:02 to 14:51, peak 5.6
//! at 14:20"), cited at the series' line. Values that are not numbers (`NaN`, `+Inf`, real
//! Prometheus values, or text) are left out of the series and said on the event.

use super::alertmanager::SERVICE_LABELS;
use super::json::{string, Object, Raw};
use super::Cx;
use crate::config::MetricLimit;
use crate::event::{Event, Fields, Kind, Level};
use crate::time::Nanos;
use serde_json::Value;

/// One series: its name as a panel shows it, its labels, its points in time order, and how
/// many values were not numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub points: Vec<(Nanos, f64)>,
    pub invalid: u64,
}

/// A stretch of a series past its threshold or baseline.
#[derive(Debug, PartialEq)]
pub struct Breach {
    pub from: Nanos,
    pub to: Nanos,
    pub peak: f64,
    pub peak_at: Nanos,
}

/// What a breach is measured against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Limit {
    Above(f64),
    Below(f64),
    /// The series' own baseline (its median), breached by a rise well above its usual spread.
    Baseline,
}

/// The series of a JSON metrics export, or `None` when `obj` is none.
pub fn series(obj: &Object) -> Option<Vec<Series>> {
    if let (Some(status), Some(data)) = (obj.get("status"), obj.get("data")) {
        let _ = string(status)?;
        return prometheus(data);
    }
    if let (Some(target), Some(points)) = (obj.get("target"), obj.get("datapoints")) {
        return Some(vec![datapoints(target, points)?]);
    }
    if let (Some(schema), Some(data)) = (obj.get("schema"), obj.get("data")) {
        return frame(schema, data);
    }
    None
}

fn value(raw: &Raw) -> Option<Value> {
    serde_json::from_str(raw.get()).ok()
}

/// A sample's value: a number, or a string holding one; `None` for `NaN`, the infinities and
/// anything else.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|n| n.is_finite()),
        Value::String(s) => number_text(s),
        _ => None,
    }
}

/// The same for a value written as text (a JSON string, a CSV cell).
fn number_text(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Seconds (Prometheus, with a fraction) or milliseconds (Grafana) since the epoch.
fn instant(v: &Value, millis: bool) -> Option<Nanos> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    let scale = if millis { 1e6 } else { 1e9 };
    let t = (n * scale).round();
    (t.is_finite() && t.abs() < 9.2e18).then_some(t as Nanos)
}

/// `{"resultType": "matrix", "result": [{"metric": {…}, "values": [[s, "v"], …]}]}`.
fn prometheus(data: &Raw) -> Option<Vec<Series>> {
    let data = value(data)?;
    if data.get("resultType")?.as_str()? != "matrix" {
        return None;
    }
    let result = data.get("result")?.as_array()?;
    Some(
        result
            .iter()
            .filter_map(|r| {
                let metric = r.get("metric")?.as_object()?;
                let mut labels: Vec<(String, String)> = metric
                    .iter()
                    .filter(|(k, _)| *k != "__name__")
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect();
                labels.sort();
                let name = metric
                    .get("__name__")
                    .and_then(Value::as_str)
                    .unwrap_or("series");
                let shown: Vec<String> =
                    labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
                let name = match shown.is_empty() {
                    true => name.to_string(),
                    false => format!("{name}{{{}}}", shown.join(", ")),
                };
                let mut series = Series {
                    name,
                    labels,
                    ..Series::default()
                };
                for pair in r.get("values")?.as_array()? {
                    let t = pair.get(0).and_then(|t| instant(t, false));
                    match (t, pair.get(1).and_then(number)) {
                        (Some(t), Some(v)) => series.points.push((t, v)),
                        _ => series.invalid += 1,
                    }
                }
                Some(series)
            })
            .collect(),
    )
}

/// `{"target": "checkout p99", "datapoints": [[value, ms], …]}`.
fn datapoints(target: &Raw, points: &Raw) -> Option<Series> {
    let mut series = Series {
        name: string(target)?.into_owned(),
        ..Series::default()
    };
    for pair in value(points)?.as_array()? {
        let t = pair.get(1).and_then(|t| instant(t, true));
        match (t, pair.get(0).and_then(number)) {
            (Some(t), Some(v)) => series.points.push((t, v)),
            _ => series.invalid += 1,
        }
    }
    Some(series)
}

/// A data frame: `{"schema": {"fields": [{"name": "Time", "type": "time"}, {"name", "labels"}
/// …]}, "data": {"values": [[ms, …], [v, …], …]}}`, a series for each number field.
fn frame(schema: &Raw, data: &Raw) -> Option<Vec<Series>> {
    let schema = value(schema)?;
    let fields = schema.get("fields")?.as_array()?;
    let values = value(data)?.get("values")?.as_array()?.clone();
    let time = fields
        .iter()
        .position(|f| f.get("type").and_then(Value::as_str) == Some("time"))?;
    let times = values.get(time)?.as_array()?;
    let mut all = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        if i == time {
            continue;
        }
        let mut labels: Vec<(String, String)> = field
            .get("labels")
            .and_then(Value::as_object)
            .map(|l| {
                l.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        labels.sort();
        let name = field
            .get("config")
            .and_then(|c| c.get("displayNameFromDS"))
            .or_else(|| field.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("series")
            .to_string();
        let mut series = Series {
            name,
            labels,
            ..Series::default()
        };
        let column = values.get(i).and_then(Value::as_array);
        for (j, t) in times.iter().enumerate() {
            let v = column.and_then(|c| c.get(j)).and_then(number);
            match (instant(t, true), v) {
                (Some(t), Some(v)) => series.points.push((t, v)),
                _ => series.invalid += 1,
            }
        }
        all.push(series);
    }
    Some(all)
}

/// The stretches of `points` (in time order) past `limit`: at least two points in a row, a
/// lone point between two stretches joining them.
pub fn breaches(points: &[(Nanos, f64)], limit: Limit) -> Vec<Breach> {
    let past: Box<dyn Fn(f64) -> bool> = match limit {
        Limit::Above(x) => Box::new(move |v| v > x),
        Limit::Below(x) => Box::new(move |v| v < x),
        Limit::Baseline => {
            let Some((median, spread)) = baseline(points) else {
                return Vec::new();
            };
            // Well above the usual: three spreads and half the median again, so that a flat
            // series' small wobble is no breach.
            let line = median + (3.0 * spread).max(0.5 * median.abs()).max(f64::EPSILON);
            Box::new(move |v| v > line)
        }
    };
    let mut found: Vec<Breach> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    let close = |run: (usize, usize), found: &mut Vec<Breach>| {
        let (a, b) = run;
        if b == a {
            return;
        }
        let stretch = &points[a..=b];
        let (peak_at, peak) = match limit {
            Limit::Below(_) => stretch
                .iter()
                .fold(stretch[0], |m, p| if p.1 < m.1 { *p } else { m }),
            _ => stretch
                .iter()
                .fold(stretch[0], |m, p| if p.1 > m.1 { *p } else { m }),
        };
        let breach = Breach {
            from: points[a].0,
            to: points[b].0,
            peak,
            peak_at,
        };
        match found.last_mut() {
            Some(last) if last.to >= points[a.saturating_sub(2)].0 => {
                last.to = breach.to;
                let better = match limit {
                    Limit::Below(_) => breach.peak < last.peak,
                    _ => breach.peak > last.peak,
                };
                if better {
                    (last.peak, last.peak_at) = (breach.peak, breach.peak_at);
                }
            }
            _ => found.push(breach),
        }
    };
    for (i, &(_, v)) in points.iter().enumerate() {
        match (past(v), run) {
            (true, Some((a, _))) => run = Some((a, i)),
            (true, None) => run = Some((i, i)),
            (false, Some(r)) => {
                close(r, &mut found);
                run = None;
            }
            (false, None) => {}
        }
    }
    if let Some(r) = run {
        close(r, &mut found);
    }
    found
}

/// The median of the values and their median distance from it (scaled to a standard
/// deviation's size), or `None` for fewer than eight points.
fn baseline(points: &[(Nanos, f64)]) -> Option<(f64, f64)> {
    if points.len() < 8 {
        return None;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let m = median(points.iter().map(|p| p.1).collect());
    let spread = median(points.iter().map(|p| (p.1 - m).abs()).collect()) * 1.4826;
    Some((m, spread))
}

/// `5.6`, `0.031`, `1,234`: three significant digits, no exponent.
pub fn figure(v: f64) -> String {
    let digits = if v.abs() >= 100.0 || v == v.trunc() {
        0
    } else if v.abs() >= 10.0 {
        1
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    format!("{v:.digits$}")
}

/// The unit a Prometheus metric's name states, by its naming conventions (`_seconds`,
/// `_bytes`), as the draft writes it after a value; none where the name says none.
fn unit(name: &str) -> &'static str {
    let base = name.split('{').next().unwrap_or(name).to_ascii_lowercase();
    if base.contains("milliseconds") || base.ends_with("_ms") {
        " ms"
    } else if base.contains("seconds") {
        " s"
    } else if base.contains("bytes") {
        " B"
    } else {
        ""
    }
}

/// The events of `series`' breaches the window keeps: one each, at its start.
pub fn events(series: &[Series], cx: &mut Cx, out: &mut Vec<Event>) {
    for s in series {
        let unit = unit(&s.name);
        let limit = match cx.config.metric_limit(&s.name) {
            Some(MetricLimit::Above(x)) => Limit::Above(x),
            Some(MetricLimit::Below(x)) => Limit::Below(x),
            None => Limit::Baseline,
        };
        let against = match limit {
            Limit::Above(x) => format!("above {}{unit}", figure(x)),
            Limit::Below(x) => format!("below {}{unit}", figure(x)),
            Limit::Baseline => "above its baseline".to_string(),
        };
        for b in breaches(&s.points, limit) {
            if !cx.keep(b.from) {
                continue;
            }
            let at = |t: Nanos| cx.dates.zone.to_local(t).format("%H:%M").to_string();
            let mut message = format!(
                "{} {against} from {} to {}, peak {}{unit} at {}",
                s.name,
                at(b.from),
                at(b.to),
                figure(b.peak),
                at(b.peak_at)
            );
            match s.invalid {
                0 => {}
                1 => message += " (1 value not a number left out)",
                n => message += &format!(" ({n} values not numbers left out)"),
            }
            let service = SERVICE_LABELS.iter().find_map(|name| {
                s.labels
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            });
            let mut fields = Fields::new();
            fields.insert("metric", Value::String(s.name.clone()));
            for (k, v) in &s.labels {
                fields.insert(format!("label.{k}"), Value::String(v.clone()));
            }
            fields.insert("until", Value::String(cx.dates.zone.rfc3339(b.to)));
            fields.insert("peak", serde_json::json!(b.peak));
            let mut event = cx.event(b.from, Some(Level::Warn), service, message, fields);
            event.kind = Kind::Metric { until: b.to };
            out.push(event);
        }
        // The chart draws the series whole, breached or not.
        cx.series.push(s.clone());
    }
}

/// Reads `obj` if it is a metrics export: its breaches as events.
pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let all = series(obj)?;
    events(&all, cx, out);
    Some(true)
}

/// A CSV export's columns: Grafana's wide form (`"Time","checkout p99",…`, one series a
/// column, its older `;` too) or its long form (`"Series";"Time";"Value"`), or a plain
/// `time,value`. `None` when `header` is none of them.
#[derive(Debug, PartialEq)]
enum Columns {
    Wide { separator: char, names: Vec<String> },
    Long { separator: char },
}

fn fields(line: &str, separator: char) -> Vec<String> {
    line.split(separator)
        .map(|f| f.trim().trim_matches('"').to_string())
        .collect()
}

fn columns(header: &str) -> Option<Columns> {
    let separator = [',', ';', '\t'].into_iter().find(|s| header.contains(*s))?;
    let names = fields(header, separator);
    let is_time = |n: &str| {
        matches!(
            n.to_ascii_lowercase().as_str(),
            "time" | "timestamp" | "date" | "datetime"
        )
    };
    if names.len() == 3 && names[0].eq_ignore_ascii_case("series") && is_time(&names[1]) {
        return Some(Columns::Long { separator });
    }
    (names.len() >= 2 && is_time(&names[0]) && names[1..].iter().all(|n| !n.is_empty())).then(
        || Columns::Wide {
            separator,
            names: names[1..].to_vec(),
        },
    )
}

/// Whether a sample's first two lines open a metrics CSV (read then as a whole document): a
/// header with the time first, and a row whose values are numbers (a CSV of log lines, a
/// level and a message after the time, is no series).
pub fn is_csv(header: &str, row: &str) -> bool {
    let numeric = |cell: &str| {
        let cell = cell.trim().trim_matches('"');
        cell.parse::<f64>().is_ok() || cell.eq_ignore_ascii_case("nan") || cell.ends_with("Inf")
    };
    match columns(header) {
        Some(Columns::Wide { separator, names }) => {
            let cells = fields(row, separator);
            cells.len() == names.len() + 1 && cells[1..].iter().all(|c| numeric(c))
        }
        Some(Columns::Long { separator }) => {
            let cells = fields(row, separator);
            cells.len() == 3 && numeric(&cells[2])
        }
        None => false,
    }
}

/// A CSV cell's time: RFC 3339 or a date and time (in the run's zone without an offset), or
/// epoch seconds or milliseconds.
fn csv_time(cell: &str, cx: &Cx) -> Option<Nanos> {
    if let Some((t, used)) = cx.dates.iso_time(cell.as_bytes()) {
        return t.filter(|_| used == cell.len());
    }
    super::timestamp::epoch(cell)
}

/// The series of the CSV export `text`, whose first line is line `first` of the file, each
/// row counted as read (or not) in `counts`; `None` when it is no metrics CSV.
pub fn csv(text: &str, first: u64, cx: &Cx, counts: &mut super::FileCounts) -> Option<Vec<Series>> {
    let mut lines = text.lines();
    let columns = columns(lines.next()?)?;
    counts.blank += 1;
    // A plain `time,value` names its one series by the file.
    let stem = || {
        let file = cx.path.rsplit('/').next().unwrap_or(&cx.path);
        file.split('.').next().unwrap_or(file).to_string()
    };
    let mut series: Vec<Series> = match &columns {
        Columns::Wide { names, .. } => names
            .iter()
            .map(|n| Series {
                name: match names.len() == 1 && n.eq_ignore_ascii_case("value") {
                    true => stem(),
                    false => n.clone(),
                },
                ..Series::default()
            })
            .collect(),
        Columns::Long { .. } => Vec::new(),
    };
    for (i, line) in lines.enumerate() {
        let at = first + 1 + i as u64;
        // Counted as blank as the document gathered it.
        if line.trim_ascii().is_empty() {
            continue;
        }
        let read = match &columns {
            Columns::Wide { separator, names } => {
                let cells = fields(line, *separator);
                match csv_time(&cells[0], cx) {
                    Some(t) if cells.len() == names.len() + 1 => {
                        for (s, cell) in series.iter_mut().zip(&cells[1..]) {
                            match number_text(cell) {
                                Some(v) => s.points.push((t, v)),
                                None => s.invalid += 1,
                            }
                        }
                        true
                    }
                    _ => false,
                }
            }
            Columns::Long { separator } => {
                let cells = fields(line, *separator);
                match (cells.get(1).and_then(|c| csv_time(c, cx)), cells.len()) {
                    (Some(t), 3) => {
                        let name = &cells[0];
                        let i = match series.iter().position(|s| &s.name == name) {
                            Some(i) => i,
                            None => {
                                series.push(Series {
                                    name: name.clone(),
                                    ..Series::default()
                                });
                                series.len() - 1
                            }
                        };
                        match number_text(&cells[2]) {
                            Some(v) => series[i].points.push((t, v)),
                            None => series[i].invalid += 1,
                        }
                        true
                    }
                    _ => false,
                }
            }
        };
        if read {
            counts.parsed += 1;
        } else {
            counts.unrecognised += 1;
            counts.first_unparsed.get_or_insert(at);
        }
    }
    for s in &mut series {
        s.points.sort_by_key(|p| p.0);
    }
    Some(series)
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Nanos = 60_000_000_000;

    /// A series names its service by the same labels, in the same order, as an alert does
    /// (`application` before `namespace`), not by the file it was exported to.
    #[test]
    fn a_series_names_its_service_by_the_labels_an_alert_does() {
        let values: Vec<String> = (0..20)
            .map(|i| {
                let v = if (10..14).contains(&i) { 40 } else { 1 };
                format!("[{},\"{v}\"]", 1_742_306_400 + i * 60)
            })
            .collect();
        let export = format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"__name__":"errors","namespace":"shop","application":"checkout"}},"values":[{}]}}]}}}}"#,
            values.join(",")
        );
        let parsed = super::super::testing::parse_as(
            "metrics/export.json",
            None,
            &[&export],
            super::super::Keep::All,
        );
        let services: Vec<_> = parsed.events.iter().map(|e| e.service.as_deref()).collect();
        assert_eq!(services, [Some("checkout")]);
    }

    fn points(values: &[f64]) -> Vec<(Nanos, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as Nanos * M, *v))
            .collect()
    }

    #[test]
    fn a_breach_is_two_points_or_more_and_a_lone_dip_does_not_split_it() {
        let p = points(&[
            1.0, 1.0, 5.0, 1.0, 6.0, 7.0, 1.0, 7.0, 8.0, 1.0, 1.0, 9.0, 1.0,
        ]);
        assert_eq!(
            breaches(&p, Limit::Above(2.0)),
            vec![Breach {
                from: 4 * M,
                to: 8 * M,
                peak: 8.0,
                peak_at: 8 * M
            }],
            "5.0 alone and 9.0 alone are no breach; 6-7 and 7-8 join across the one dip"
        );
        let low = points(&[9.0, 9.0, 0.5, 0.2, 9.0]);
        assert_eq!(
            breaches(&low, Limit::Below(1.0)),
            vec![Breach {
                from: 2 * M,
                to: 3 * M,
                peak: 0.2,
                peak_at: 3 * M
            }]
        );
    }

    #[test]
    fn a_baseline_breach_needs_a_rise_well_past_the_usual_wobble() {
        let wobble: Vec<f64> = (0..60).map(|i| 0.30 + 0.02 * f64::from(i % 4)).collect();
        assert!(breaches(&points(&wobble), Limit::Baseline).is_empty());
        let mut risen = wobble.clone();
        for v in &mut risen[30..40] {
            *v = 2.5;
        }
        let found = breaches(&points(&risen), Limit::Baseline);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].from, found[0].to), (30 * M, 39 * M));
        assert!(
            breaches(&points(&[1.0, 9.0, 9.0]), Limit::Baseline).is_empty(),
            "too few points"
        );
    }

    #[test]
    fn only_a_csv_of_numbers_after_the_time_is_a_series() {
        assert!(is_csv(
            "\"Time\",\"checkout p99\"",
            "\"2023-10-11 13:00:00\",\"0.31\""
        ));
        assert!(is_csv("time,value", "1697032800,NaN"));
        assert!(is_csv(
            "\"Series\";\"Time\";\"Value\"",
            "\"checkout\";\"2023-10-11T13:00:00Z\";\"1.5\""
        ));
        // tests/fixtures/formats/csv-header: a log exported as CSV.
        assert!(!is_csv(
            "level,timestamp,service,message",
            "INFO,2023-10-11 14:00:01,checkout,order placed"
        ));
        assert!(!is_csv(
            "timestamp,level,message",
            "2023-10-11 14:00:01,ERROR,payment failed"
        ));
    }

    /// A blank line inside a metrics CSV is counted once: the fuzzer's `file` target found it
    /// counted as the document was gathered and again as its rows were read (a Grafana panel
    /// CSV, a blank line, a row cut short).
    #[test]
    fn a_blank_line_in_a_csv_is_counted_once() {
        let parsed = crate::format::testing::parse_keeping(
            "svc/app.log",
            &[
                r#""Time","checkout p99","payments p99""#,
                r#""2023-10-11 14:15:00","2.400","0.200""#,
                "",
                r#""2023-10-11 14:46:00","0.350",""#,
            ],
            crate::format::Keep::All,
        );
        assert_eq!(parsed.counts.lines, 4);
        assert_eq!(parsed.counts.blank, 2, "the header and the blank line");
        assert!(parsed.counts.adds_up(), "{:?}", parsed.counts);
    }

    #[test]
    fn values_that_are_not_numbers_are_left_out_and_counted() {
        assert_eq!(number(&Value::String("NaN".into())), None);
        assert_eq!(number(&Value::String("+Inf".into())), None);
        assert_eq!(number(&Value::String("-Inf".into())), None);
        assert_eq!(number(&Value::String("abc".into())), None);
        assert_eq!(number(&Value::String("1.5e3".into())), Some(1500.0));
        let obj = Object::split(
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up"},"values":[[1697032800,"1"],[1697032860,"NaN"],[1697032920,"+Inf"],["x","1"]]}]}}"#,
        )
        .expect("an object");
        let all = series(&obj).expect("a series");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].points, vec![(1_697_032_800_000_000_000, 1.0)]);
        assert_eq!(all[0].invalid, 3);
        let vector =
            Object::split(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
                .expect("an object");
        assert_eq!(
            series(&vector),
            None,
            "an instant query has no series over time"
        );
    }

    #[test]
    fn a_unit_is_read_from_the_metrics_naming_conventions() {
        assert_eq!(
            unit("http_request_duration_seconds:p99{job=\"checkout\"}"),
            " s"
        );
        assert_eq!(unit("node_memory_MemAvailable_bytes"), " B");
        assert_eq!(unit("latency_ms"), " ms");
        assert_eq!(
            unit("up{job=\"seconds\"}"),
            "",
            "a label's words are no unit"
        );
    }

    #[test]
    fn shown_values_keep_three_significant_digits() {
        assert_eq!(figure(5.6), "5.60");
        assert_eq!(figure(0.031), "0.031");
        assert_eq!(figure(1234.5), "1234");
        assert_eq!(figure(12.34), "12.3");
        assert_eq!(figure(3.0), "3");
    }
}
