//! The `--stats` table: what became of every line, per input, for standard error. The
//! columns add up to the lines, so a responder can see at a glance that nothing was lost.

use crate::format::FileCounts;
use crate::stats::Stats;
use std::io::{self, Write};

const HEADER: [&str; 10] = [
    "lines",
    "parsed",
    "outside",
    "contin.",
    "blank",
    "unrecog.",
    "undatable",
    "too large",
    "events",
    "format",
];

pub fn table(w: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    let width = stats
        .inputs
        .iter()
        .map(|i| i.path.chars().count())
        .chain(["input".len(), "total".len()])
        .max()
        .unwrap_or(5);
    write!(w, "{:<width$}", "input")?;
    for h in &HEADER[..9] {
        write!(w, " {h:>9}")?;
    }
    writeln!(w, "  {}", HEADER[9])?;
    for i in &stats.inputs {
        // No format: skipped (its warning says why) or, for a rotation, not read at all.
        row(
            w,
            &i.path,
            width,
            &i.counts,
            i.format_name.as_deref().unwrap_or("-"),
        )?;
    }
    row(w, "total", width, &stats.totals, "")?;
    let t = &stats.totals;
    writeln!(
        w,
        "outside: before the look-back or after the window (or seeked past); events: what the parsed lines gave"
    )?;
    writeln!(
        w,
        "{} of {} unparsed lines are next to lines in the window or its look-back{}",
        t.unparsed_in_range,
        t.unparsed(),
        match stats.first_unparsed_in_range() {
            Some((path, line)) => format!(" (first: {path}:{line})"),
            None => String::new(),
        }
    )
}

fn row(
    w: &mut dyn Write,
    name: &str,
    width: usize,
    c: &FileCounts,
    format: &str,
) -> io::Result<()> {
    write!(w, "{name:<width$}")?;
    for n in [
        c.lines,
        c.parsed,
        c.outside,
        c.continuations,
        c.blank,
        c.unrecognised,
        c.undatable,
        c.too_large,
        c.events,
    ] {
        write!(w, " {n:>9}")?;
    }
    if format.is_empty() {
        writeln!(w)
    } else {
        writeln!(w, "  {format}")
    }
}
