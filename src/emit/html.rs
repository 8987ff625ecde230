//! `--format html`: one self-contained page, the chart ([`chart`]) above the draft. Nothing
//! is fetched: styles inline, the chart inline SVG, no script, and a content security policy
//! that forbids any load. The draft's rows are the Markdown draft's lines, each with an id the
//! chart's marks link to.

use super::chart::{self, escape, Lane};
use super::markdown::{days, spans_days, summary_paragraph};
use super::{clock, clock_words, thousands, words};
use crate::correlate::{EntryKind, Timeline};
use crate::format::Series;
use crate::time::Zone;
use std::io::{self, Write};

const PAGE_STYLE: &str = "
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --rule: #d1d9e0;
  --error: #cf222e; --alert: #9a6700; --change: #0969da; --recovery: #1a7f37; --target: #fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --rule: #3d444d;
    --error: #ff7b72; --alert: #d29922; --change: #4493f8; --recovery: #3fb950; --target: #2d2a14; }
}
@media print { :root { --fg: #000; --muted: #444; --bg: #fff; --rule: #bbb; --target: transparent; }
  figure { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
body { margin: 2rem auto; max-width: 1140px; padding: 0 1rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
p.said { color: var(--muted); margin: 0 0 1rem; }
figure { margin: 0 0 1.5rem; overflow-x: auto; border: 1px solid var(--rule); border-radius: 6px; }
figure svg { display: block; max-width: none; }
ol.draft { list-style: none; padding: 0; margin: 0; }
ol.draft li { padding: .3rem .5rem; border-bottom: 1px solid var(--rule); }
ol.draft li:target { background: var(--target); }
ol.draft time { font-family: ui-monospace, 'SF Mono', Menlo, monospace; margin-right: .5rem; }
.label { font-weight: 600; }
.k-error .label, .k-warning .label { color: var(--error); }
.k-alert .label, .k-oncall .label { color: var(--alert); }
.k-deploy .label, .k-change .label, .k-scale .label { color: var(--change); }
.k-recovery .label { color: var(--recovery); }
.note { font-style: italic; }
.suspect .note { color: var(--error); font-weight: 600; }
.cite { color: var(--muted); font-size: .85em; }
p.summary { margin-top: 1rem; }
";

/// The page: the chart, then the draft.
pub fn page(
    w: &mut dyn Write,
    timeline: &Timeline,
    (lanes, series): (&[Lane], &[Series]),
    zone: &Zone,
    max_entries: usize,
) -> io::Result<()> {
    let with_date = spans_days(timeline, zone);
    let days = days(timeline, zone);
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    // No load of any kind: the page is whole as written, and a load it tried would show as a
    // console error.
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    )?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Timeline, {}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>",
        escape(&days)
    )?;
    writeln!(w, "<h1>Timeline</h1>")?;
    writeln!(
        w,
        "<p class=\"said\">All times {}, {}. The window {} to {} is shaded; each mark links to its entry below.</p>",
        escape(&zone.name()),
        escape(&days),
        clock(zone, timeline.window.from, with_date),
        clock(zone, timeline.window.to, with_date)
    )?;
    writeln!(
        w,
        "<figure>{}</figure>",
        chart::svg(timeline, lanes, series, zone, with_date)
    )?;
    for c in &timeline.clocks {
        writeln!(
            w,
            "<p class=\"said\">Clocks: {}</p>",
            escape(&clock_words(c))
        )?;
    }
    if timeline.entries.is_empty() {
        writeln!(
            w,
            "<p class=\"empty\">Nothing in the window that a timeline would keep: no error, alert, deploy or change between {} and {}.</p>",
            clock(zone, timeline.window.from, true),
            clock(zone, timeline.window.to, true)
        )?;
    }
    writeln!(w, "<ol class=\"draft\">")?;
    for (i, entry) in timeline.entries.iter().enumerate() {
        let (label, text, notes) = words(entry, zone, with_date);
        let notes: String = notes
            .iter()
            .map(|n| format!(" — <span class=\"note\">{}</span>", escape(n)))
            .collect();
        let sources: Vec<String> = entry
            .sources
            .iter()
            .map(|s| escape(&s.to_string()))
            .collect();
        let suspect = if entry.suspect { " suspect" } else { "" };
        let kind = match entry.kind {
            EntryKind::Info => "info",
            other => other.name(),
        };
        writeln!(
            w,
            "<li id=\"entry-{}\" class=\"k-{kind}{suspect}\"><time datetime=\"{}\">{}</time><span class=\"label\">{}</span> {}{notes} <span class=\"cite\">[{}]</span></li>",
            i + 1,
            zone.rfc3339(entry.first),
            clock(zone, entry.first, with_date),
            escape(label),
            escape(&text),
            sources.join(", ")
        )?;
    }
    writeln!(w, "</ol>")?;
    if timeline.omitted > 0 {
        writeln!(
            w,
            "<p class=\"said\">{} more candidate entries left out by --max-entries {max_entries}.</p>",
            thousands(timeline.omitted as u64)
        )?;
    }
    let summary = summary_paragraph(timeline, zone);
    let summary = summary.strip_prefix("**Summary.** ").unwrap_or(&summary);
    writeln!(
        w,
        "<p class=\"summary\"><strong>Summary.</strong> {}</p>\n</body>\n</html>",
        escape(summary)
    )
}

/// `--format svg`: the chart alone, for a report or a wiki.
pub fn svg(
    w: &mut dyn Write,
    timeline: &Timeline,
    (lanes, series): (&[Lane], &[Series]),
    zone: &Zone,
) -> io::Result<()> {
    let with_date = spans_days(timeline, zone);
    writeln!(
        w,
        "{}",
        chart::svg(timeline, lanes, series, zone, with_date)
    )
}
