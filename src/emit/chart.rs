//! The picture postmortems carry above their timeline, as one SVG: a lane per service with
//! its error and request rate minute by minute, alerts as bars from firing to resolution,
//! deploys and changes as marks (the suspect set apart), the window shaded, and the outage's
//! begin, detection, mitigation and end as lines across. Every mark names its entry and
//! citation on hover (`<title>`) and links to the entry's row in the page (`#entry-N`).
//!
//! Self-contained: its colours are CSS variables of its own `<style>`, light or dark as the
//! reader's system prefers, light when printed; no script, no font or image fetched.

use super::{clock, words};
use crate::correlate::{Entry, EntryKind, Milestone, Timeline};
use crate::event::{Event, Kind, Level};
use crate::format::{figure, Series};
use crate::time::{Nanos, Zone};
use crate::traffic::Minutes;
use std::collections::BTreeMap;
use std::fmt::Write;

const MINUTE: Nanos = 60_000_000_000;
const WIDTH: f64 = 1100.0;
/// The gutter left of the plot, for the lanes' names.
const GUTTER: f64 = 170.0;
const PLOT: f64 = WIDTH - GUTTER - 20.0;
const LANE: f64 = 44.0;
const ALERT_ROW: f64 = 16.0;
/// Lanes drawn one by one; the services after them share one lane.
pub const MAX_LANES: usize = 12;
/// Alerts drawn as bars; the rest are counted under them.
const MAX_ALERTS: usize = 10;
/// Metric series drawn as lanes; the rest are counted under them.
const MAX_SERIES: usize = 6;

/// One service's minutes: errors from the events, requests from the counts.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Lane {
    pub service: String,
    /// By the minute's start.
    pub errors: BTreeMap<Nanos, u64>,
    pub requests: BTreeMap<Nanos, u64>,
}

impl Lane {
    fn total_errors(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Whether an event counts toward its service's error rate.
fn is_error(e: &Event) -> bool {
    match e.kind {
        Kind::Http { status, .. } => status >= 500,
        _ => e.level == Some(Level::Error),
    }
}

/// The lanes: every service with errors or requests between `from` and `to`, those with the
/// most errors first (then by name), the ones past [`MAX_LANES`] folded into one.
pub fn lanes<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    traffic: &BTreeMap<String, Minutes>,
    from: Nanos,
    to: Nanos,
) -> Vec<Lane> {
    let mut by: BTreeMap<String, Lane> = BTreeMap::new();
    let minute = |t: Nanos| t.div_euclid(MINUTE) * MINUTE;
    for e in events {
        if e.time < from || e.time > to || !is_error(e) {
            continue;
        }
        let lane = lane_of(&mut by, e.service.as_deref().unwrap_or(""));
        *lane.errors.entry(minute(e.time)).or_default() += 1;
    }
    for (service, minutes) in traffic {
        for (t, counted) in minutes.iter() {
            if t + MINUTE <= from || t > to {
                continue;
            }
            let lane = lane_of(&mut by, service);
            *lane.requests.entry(t).or_default() += counted.requests;
        }
    }
    let mut lanes: Vec<Lane> = by.into_values().collect();
    lanes.sort_by(|a, b| {
        b.total_errors()
            .cmp(&a.total_errors())
            .then(a.service.cmp(&b.service))
    });
    if lanes.len() > MAX_LANES {
        let rest = lanes.split_off(MAX_LANES - 1);
        let mut folded = Lane {
            service: format!("{} more services", rest.len()),
            ..Lane::default()
        };
        for l in rest {
            for (t, n) in l.errors {
                *folded.errors.entry(t).or_default() += n;
            }
            for (t, n) in l.requests {
                *folded.requests.entry(t).or_default() += n;
            }
        }
        lanes.push(folded);
    }
    lanes
}

fn lane_of<'l>(by: &'l mut BTreeMap<String, Lane>, service: &str) -> &'l mut Lane {
    let name = if service.is_empty() {
        "(no service)"
    } else {
        service
    };
    by.entry(name.to_string()).or_insert_with(|| Lane {
        service: name.to_string(),
        ..Lane::default()
    })
}

/// `s` safe as SVG or HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The chart's colours and type: CSS variables, light, dark where the reader prefers it, and
/// light again on paper.
const STYLE: &str = "
svg.reconstruct { --fg: #1f2328; --muted: #59636e; --grid: #d1d9e0; --bg: #ffffff;
  --error: #cf222e; --request: #8c959f; --window: #fff8c5; --alert: #9a6700;
  --change: #0969da; --suspect: #cf222e; --milestone: #8250df;
  font: 11px system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg); }
@media (prefers-color-scheme: dark) {
  svg.reconstruct { --fg: #e6edf3; --muted: #9198a1; --grid: #3d444d; --bg: #0d1117;
    --error: #ff7b72; --request: #656c76; --window: #2d2a14; --alert: #d29922;
    --change: #4493f8; --suspect: #ff7b72; --milestone: #ab7df8; }
}
@media print {
  svg.reconstruct { --fg: #000000; --muted: #444444; --grid: #bbbbbb; --bg: #ffffff;
    --error: #c00000; --request: #999999; --window: #f3f0d0; --alert: #8a5a00;
    --change: #0050a0; --suspect: #c00000; --milestone: #6030a0; }
}
svg.reconstruct text { fill: var(--fg); }
svg.reconstruct .muted { fill: var(--muted); }
svg.reconstruct .grid { stroke: var(--grid); stroke-width: 1; }
svg.reconstruct .window { fill: var(--window); }
svg.reconstruct .requests { fill: var(--request); opacity: 0.45; }
svg.reconstruct .errors { fill: var(--error); }
svg.reconstruct .alert rect { fill: var(--alert); opacity: 0.85; }
svg.reconstruct .change path { fill: var(--change); }
svg.reconstruct .change.suspect path { fill: var(--suspect); }
svg.reconstruct .change.suspect text { fill: var(--suspect); font-weight: 600; }
svg.reconstruct .milestone line { stroke: var(--milestone); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg.reconstruct .milestone text { fill: var(--milestone); }
svg.reconstruct .series { fill: none; stroke: var(--change); stroke-width: 1.5; }
svg.reconstruct .breach rect { fill: var(--error); opacity: 0.18; }
svg.reconstruct a:hover path, svg.reconstruct a:hover rect { stroke: var(--fg); stroke-width: 1; }
";

/// Where times fall across the plot.
struct Scale {
    lo: Nanos,
    hi: Nanos,
}

impl Scale {
    fn x(&self, t: Nanos) -> f64 {
        let t = t.clamp(self.lo, self.hi);
        GUTTER + (t - self.lo) as f64 / (self.hi - self.lo) as f64 * PLOT
    }
}

/// A link to entry `i`'s row, titled with its words and citations.
fn linked(i: usize, entry: &Entry, zone: &Zone, with_date: bool) -> (String, String) {
    let (label, text, notes) = words(entry, zone, with_date);
    let notes: String = notes.iter().map(|n| format!(" — {n}")).collect();
    let sources: Vec<String> = entry.sources.iter().map(|s| s.to_string()).collect();
    let title = format!(
        "{} {label} {text}{notes} [{}]",
        clock(zone, entry.first, with_date),
        sources.join(", ")
    );
    (format!("#entry-{}", i + 1), escape(&title))
}

/// A lane's peaks as its note says them: `peak 43 err, 310 req/min`.
fn peaks(errors: u64, requests: u64) -> String {
    match (errors, requests) {
        (0, r) => format!("peak {r} req/min"),
        (e, 0) => format!("peak {e} err/min"),
        (e, r) => format!("peak {e} err, {r} req/min"),
    }
}

/// `text` up to the last word that fits in `max` characters, with an ellipsis if cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // One long word (a metric's name): cut inside it.
    if out.is_empty() {
        out = text.chars().take(max.saturating_sub(1)).collect();
    }
    out.trim_end_matches([',', ';', ':']).to_string() + "…"
}

/// The tick step: the round number of minutes that puts at most twelve ticks on the plot.
fn tick_step(span: Nanos) -> Nanos {
    [
        1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080,
    ]
    .iter()
    .map(|m| m * MINUTE)
    .find(|step| span / step <= 12)
    .unwrap_or(10080 * MINUTE * (span / (10080 * MINUTE * 12)).max(1))
}

/// The chart of `timeline`, with `lanes` (see [`lanes`]) and the metric `series`.
pub fn svg(
    timeline: &Timeline,
    lanes: &[Lane],
    series: &[Series],
    zone: &Zone,
    with_date: bool,
) -> String {
    let window = timeline.window;
    let lo = window.lookback.min(window.from);
    let hi = window.to.max(window.ahead).max(lo + MINUTE);
    let scale = Scale { lo, hi };
    // The alerts as bars, firing to resolved (or to the chart's end, still firing).
    let bars: Vec<usize> = (0..timeline.entries.len())
        .filter(|&i| timeline.entries[i].kind == EntryKind::Alert)
        .collect();
    let shown = bars.len().min(MAX_ALERTS);
    let alert_rows = shown + usize::from(bars.len() > MAX_ALERTS);
    let alerts_top = 64.0;
    let lanes_top = alerts_top + alert_rows as f64 * ALERT_ROW + 10.0;
    let lane_count = lanes.len().max(1);
    let metrics_top = lanes_top + lane_count as f64 * LANE;
    let plotted: Vec<&Series> = series
        .iter()
        .filter(|s| s.points.iter().any(|p| (lo..=hi).contains(&p.0)))
        .collect();
    let metric_rows = plotted.len().min(MAX_SERIES) + usize::from(plotted.len() > MAX_SERIES);
    let axis = metrics_top + metric_rows as f64 * LANE;
    let height = axis + 34.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="reconstruct" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="chart-title">"#
    );
    let _ = write!(
        s,
        "<title id=\"chart-title\">Errors and requests per minute by service, {} to {} ({})</title><style>{STYLE}</style>",
        clock(zone, window.from, true),
        clock(zone, window.to, true),
        escape(&zone.name())
    );
    let _ = write!(
        s,
        r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" style="fill: var(--bg)"/>"#
    );
    // The window, shaded behind everything.
    let (wx, wr) = (scale.x(window.from), scale.x(window.to));
    let _ = write!(
        s,
        r#"<rect class="window" x="{wx:.1}" y="56" width="{:.1}" height="{:.1}"><title>the window, {} to {}</title></rect>"#,
        (wr - wx).max(1.0),
        axis - 56.0,
        clock(zone, window.from, with_date),
        clock(zone, window.to, with_date)
    );
    // Ticks and their times.
    let step = tick_step(hi - lo);
    let mut t = lo.div_euclid(step) * step;
    while t <= hi {
        if t >= lo {
            let x = scale.x(t);
            let _ = write!(
                s,
                r#"<line class="grid" x1="{x:.1}" y1="56" x2="{x:.1}" y2="{axis:.1}"/><text class="muted" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                axis + 16.0,
                clock(zone, t, false)
            );
        }
        t += step;
    }
    s.push_str(&lanes_svg(lanes, &scale, lanes_top, zone));
    s.push_str(&series_svg(
        &plotted,
        timeline,
        &scale,
        metrics_top,
        zone,
        with_date,
    ));
    // Alerts, firing to resolved.
    let _ = write!(
        s,
        r#"<text class="muted" x="8" y="{:.1}">alerts</text>"#,
        alerts_top + 11.0
    );
    for (row, &i) in bars.iter().take(MAX_ALERTS).enumerate() {
        let e = &timeline.entries[i];
        let end = e.resolved.unwrap_or(hi);
        let (x0, x1) = (scale.x(e.first), scale.x(end));
        let y = alerts_top + row as f64 * ALERT_ROW;
        let (href, title) = linked(i, e, zone, with_date);
        let name = shortened(&e.text, 34);
        let open = if e.resolved.is_none() {
            " (still firing)"
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<a class="alert" href="{href}"><rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="2"><title>{title}{open}</title></rect><text x="{:.1}" y="{:.1}">{}</text></a>"#,
            (x1 - x0).max(3.0),
            ALERT_ROW - 4.0,
            (x1 + 4.0).min(WIDTH - 120.0),
            y + 10.0,
            escape(&name)
        );
    }
    if bars.len() > MAX_ALERTS {
        let _ = write!(
            s,
            r#"<text class="muted" x="{GUTTER}" y="{:.1}">and {} more alerts, in the draft below</text>"#,
            alerts_top + MAX_ALERTS as f64 * ALERT_ROW + 10.0,
            bars.len() - MAX_ALERTS
        );
    }
    // Deploys and changes: a mark each at the top, the suspect set apart.
    let _ = write!(s, r#"<text class="muted" x="8" y="44">changes</text>"#);
    for (i, e) in timeline.entries.iter().enumerate() {
        if !matches!(e.kind, EntryKind::Deploy | EntryKind::Change) {
            continue;
        }
        let x = scale.x(e.first);
        let (href, title) = linked(i, e, zone, with_date);
        let class = if e.suspect {
            "change suspect"
        } else {
            "change"
        };
        let _ = write!(
            s,
            r#"<a class="{class}" href="{href}"><path d="M{:.1} 36 l6 11 h-12 z"><title>{title}</title></path>"#,
            x
        );
        // The suspect's own words are on hover and in its row: a longer label would run into
        // the next change's mark.
        if e.suspect {
            let _ = write!(s, r#"<text x="{:.1}" y="45">suspect</text>"#, x + 8.0);
        }
        s.push_str("</a>");
    }
    // The outage's milestones, across everything; a label too close to the one before it
    // goes on the next row.
    let mut rows_end = [f64::MIN; 2];
    for (i, e) in timeline.entries.iter().enumerate() {
        let Some(milestone) = e.milestone else {
            continue;
        };
        if milestone == Milestone::Escalated {
            continue;
        }
        let x = scale.x(e.first);
        let label = format!("{} {}", milestone.words(), clock(zone, e.first, false));
        let row = rows_end.iter().position(|end| x > *end).unwrap_or(1);
        rows_end[row] = x + 6.5 * label.len() as f64;
        let (href, title) = linked(i, e, zone, with_date);
        let _ = write!(
            s,
            r#"<a class="milestone" href="{href}"><line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{axis:.1}"><title>{title}</title></line><text x="{:.1}" y="{:.1}">{}</text></a>"#,
            15.0 + row as f64 * 12.0,
            x + 3.0,
            11.0 + row as f64 * 12.0,
            escape(&label)
        );
    }
    s.push_str("</svg>");
    s
}

/// The metric series from `top` down, a lane each: the values as a line on the lane's own
/// scale, each breach the draft names shaded and linked to its entry.
fn series_svg(
    series: &[&Series],
    timeline: &Timeline,
    scale: &Scale,
    top: f64,
    zone: &Zone,
    with_date: bool,
) -> String {
    let mut s = String::new();
    for (n, series) in series.iter().take(MAX_SERIES).enumerate() {
        let y = top + n as f64 * LANE;
        let base = y + LANE - 6.0;
        let height = LANE - 12.0;
        let shown: Vec<&(Nanos, f64)> = series
            .points
            .iter()
            .filter(|p| (scale.lo..=scale.hi).contains(&p.0))
            .collect();
        let (min, max) = shown
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let range = (max - min).max(f64::EPSILON);
        let note = format!("{} to {}", figure(min), figure(max));
        s.push_str(&lane_head(("metric", "series"), &series.name, &note, y));
        for (i, e) in timeline.entries.iter().enumerate() {
            if e.kind != EntryKind::Metric || !e.text.starts_with(series.name.as_str()) {
                continue;
            }
            let (x0, x1) = (scale.x(e.first), scale.x(e.last));
            let (href, title) = linked(i, e, zone, with_date);
            let _ = write!(
                s,
                r#"<a class="breach" href="{href}"><rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{height:.1}"><title>{title}</title></rect></a>"#,
                base - height,
                (x1 - x0).max(2.0)
            );
        }
        let mut d = String::new();
        for (i, p) in shown.iter().enumerate() {
            let command = if i == 0 { 'M' } else { 'L' };
            let _ = write!(
                d,
                "{command}{:.1} {:.1} ",
                scale.x(p.0),
                base - (p.1 - min) / range * height
            );
        }
        let _ = write!(s, r#"<path class="series" d="{}"/></g>"#, d.trim_end());
    }
    if series.len() > MAX_SERIES {
        let _ = write!(
            s,
            r#"<text class="muted" x="{GUTTER}" y="{:.1}">and {} more series, their breaches in the draft below</text>"#,
            top + MAX_SERIES as f64 * LANE + LANE / 2.0,
            series.len() - MAX_SERIES
        );
    }
    s
}

/// A lane's opening at `y`: its group (`class` and what `data-` names it), its baseline, its
/// name and the note under it. The caller closes the group.
fn lane_head((class, data): (&str, &str), name: &str, note: &str, y: f64) -> String {
    let base = y + LANE - 6.0;
    format!(
        r#"<g class="{class}" data-{data}="{}"><line class="grid" x1="{GUTTER}" y1="{base:.1}" x2="{:.1}" y2="{base:.1}"/><text x="8" y="{:.1}">{}</text><text class="muted" x="8" y="{:.1}">{}</text>"#,
        escape(name),
        GUTTER + PLOT,
        y + 16.0,
        escape(&shortened(name, 24)),
        y + 30.0,
        escape(note)
    )
}

/// The lanes from `top` down: each service's requests per minute as a grey area, its errors
/// per minute as red bars, each on the lane's own scale (its peaks named beside it).
fn lanes_svg(lanes: &[Lane], scale: &Scale, top: f64, zone: &Zone) -> String {
    let mut s = String::new();
    if lanes.is_empty() {
        let _ = write!(
            s,
            r#"<text class="muted" x="{GUTTER}" y="{:.1}">No errors or requests in the window.</text>"#,
            top + LANE / 2.0
        );
        return s;
    }
    let width = (scale.x(scale.lo + MINUTE) - scale.x(scale.lo)).max(1.0);
    for (n, lane) in lanes.iter().enumerate() {
        let y = top + n as f64 * LANE;
        let base = y + LANE - 6.0;
        let height = LANE - 12.0;
        let peak_requests = lane.requests.values().copied().max().unwrap_or(0);
        let peak_errors = lane.errors.values().copied().max().unwrap_or(0);
        let note = peaks(peak_errors, peak_requests);
        s.push_str(&lane_head(("lane", "service"), &lane.service, &note, y));
        if peak_requests > 0 {
            let mut d = format!("M{:.1} {base:.1}", scale.x(scale.lo));
            for (&t, &n) in &lane.requests {
                let h = n as f64 / peak_requests as f64 * height;
                let _ = write!(
                    d,
                    " L{:.1} {base:.1} L{:.1} {:.1} L{:.1} {:.1} L{:.1} {base:.1}",
                    scale.x(t),
                    scale.x(t),
                    base - h,
                    scale.x(t) + width,
                    base - h,
                    scale.x(t) + width
                );
            }
            let _ = write!(s, r#"<path class="requests" d="{d} Z"/>"#);
        }
        for (&t, &n) in &lane.errors {
            let h = (n as f64 / peak_errors.max(1) as f64 * height).max(1.5);
            let requests = lane.requests.get(&t).copied().unwrap_or(0);
            let _ = write!(
                s,
                r#"<rect class="errors" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"><title>{} {}: {n} errors, {requests} requests</title></rect>"#,
                scale.x(t),
                base - h,
                width.max(1.5),
                clock(zone, t, false),
                escape(&lane.service)
            );
        }
        s.push_str("</g>");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::{Summary, Window};
    use crate::event::{Fields, SourceRef};
    use crate::time::NANOS_PER_SEC;
    use std::sync::Arc;

    const T0: Nanos = 1_742_306_400 * NANOS_PER_SEC; // 2025-03-18T14:00:00Z

    fn error(service: &str, minute: i64) -> Event {
        Event {
            time: T0 + minute * MINUTE + 5 * NANOS_PER_SEC,
            kind: Kind::Log,
            level: Some(Level::Error),
            service: Some(service.to_string()),
            message: "boom".into(),
            fields: Fields::new(),
            source: SourceRef {
                path: Arc::from("app.log"),
                line: 1,
            },
        }
    }

    fn entry(kind: EntryKind, label: &'static str, text: &str, minute: i64) -> Entry {
        Entry::new(
            kind,
            label,
            Some("gateway".into()),
            text.into(),
            T0 + minute * MINUTE,
            vec![SourceRef {
                path: Arc::from("alerts/<a&b>.jsonl"),
                line: 3,
            }],
        )
    }

    fn timeline(entries: Vec<Entry>) -> Timeline {
        Timeline {
            window: Window {
                lookback: T0 - 120 * MINUTE,
                from: T0,
                to: T0 + 120 * MINUTE,
                ahead: T0 + 120 * MINUTE,
            },
            clocks: Vec::new(),
            entries,
            omitted: 0,
            summary: Summary::default(),
        }
    }

    #[test]
    fn fifty_services_fold_into_twelve_lanes_the_worst_first() {
        let events: Vec<Event> = (0..50)
            .flat_map(|s| (0..=s % 7).map(move |m| error(&format!("svc-{s:02}"), m)))
            .collect();
        let lanes = lanes(&events, &BTreeMap::new(), T0, T0 + 120 * MINUTE);
        assert_eq!(lanes.len(), MAX_LANES);
        assert_eq!(
            lanes[0].service, "svc-06",
            "seven error minutes, the first by name"
        );
        let rest = &lanes[MAX_LANES - 1];
        assert_eq!(rest.service, "39 more services");
        let total: u64 = lanes.iter().map(Lane::total_errors).sum();
        assert_eq!(total, events.len() as u64, "every error is in some lane");
        let svg = svg(&timeline(Vec::new()), &lanes, &[], &Zone::utc(), false);
        assert_eq!(svg.matches("<g class=\"lane\"").count(), MAX_LANES);
    }

    #[test]
    fn requests_come_from_the_counts_and_errors_from_the_events() {
        let mut requests = crate::traffic::Requests::new(Some(T0), NANOS_PER_SEC);
        for i in 0..30 {
            requests.count(T0 + i * 4 * NANOS_PER_SEC, 200, None);
        }
        let traffic = BTreeMap::from([("gateway".to_string(), requests.minutes.clone())]);
        let lanes = lanes(&[error("gateway", 1)], &traffic, T0, T0 + 120 * MINUTE);
        assert_eq!(lanes.len(), 1);
        assert_eq!(
            lanes[0].requests,
            BTreeMap::from([(T0, 15), (T0 + MINUTE, 15)])
        );
        assert_eq!(lanes[0].errors, BTreeMap::from([(T0 + MINUTE, 1)]));
    }

    #[test]
    fn an_alert_is_a_bar_to_its_resolution_and_marks_link_to_their_entries() {
        let mut deploy = entry(EntryKind::Deploy, "Deploy", "checkout v4.2.0 started", -20);
        deploy.suspect = true;
        let mut begins = entry(EntryKind::Error, "Outage begins", "checkout errors rise", 2);
        begins.milestone = Some(Milestone::Begins);
        let mut entries = vec![
            deploy,
            begins,
            entry(
                EntryKind::Alert,
                "Alert",
                "HighErrorRate fired on gateway: 5xx",
                4,
            ),
            entry(
                EntryKind::Alert,
                "Alert",
                "DiskFull fired on gateway: disk",
                10,
            ),
            entry(
                EntryKind::Recovery,
                "Resolved",
                "HighErrorRate on gateway resolved after 52m",
                56,
            ),
        ];
        entries[2].resolved = Some(entries[4].first);
        let svg = svg(&timeline(entries), &[], &[], &Zone::utc(), false);
        assert_eq!(svg.matches("<a class=\"alert\"").count(), 2);
        assert_eq!(
            svg.matches("<a class=\"change suspect\" href=\"#entry-1\"")
                .count(),
            1
        );
        assert!(svg.contains("<a class=\"milestone\" href=\"#entry-2\""));
        assert_eq!(
            svg.matches("(still firing)").count(),
            1,
            "DiskFull never resolved"
        );
        assert!(
            svg.contains("[alerts/&lt;a&amp;b&gt;.jsonl:3]"),
            "citations escaped"
        );
        assert!(svg.contains("No errors or requests in the window."));
        assert!(!svg.contains("<a&b>"));
    }

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(tick_step(240 * MINUTE), 30 * MINUTE);
        assert_eq!(tick_step(10 * MINUTE), MINUTE);
        assert_eq!(tick_step(7 * 1440 * MINUTE), 1440 * MINUTE);
        assert!(240 * MINUTE / tick_step(240 * MINUTE) <= 12);
        assert_eq!(
            shortened("checkout v4.2.0 started, finished 3m later", 26),
            "checkout v4.2.0 started…"
        );
        assert_eq!(
            shortened("checkout_request_duration_seconds:p99", 12),
            "checkout_re…"
        );
    }
}
