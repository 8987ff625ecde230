//! Before reading: each input's modification time, the span of times its head and tail
//! show, and the years that anchor stamps without one.

use super::sink::Keeper;
use super::{parse_input, seek, Options, Reach, Setup, SURVEY_LINES, WHOLE_SPAN_MAX};
use crate::format::{Keep, YearAnchor};
use crate::input::{Input, Location};
use crate::time::{Nanos, Zone};
use rayon::prelude::*;
use std::collections::HashMap;

pub(super) fn mtime(input: &Input) -> Option<Nanos> {
    let since = input.modified?.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}

/// What the first lines of an input tell before the real pass.
pub(super) struct Survey {
    pub(super) first: Option<Nanos>,
    pub(super) yearless: bool,
    pub(super) compressed: bool,
}

/// Reads the first lines of every input (year-less lines anchored, for now, by the file's
/// modification time).
pub(super) fn survey(inputs: &[Input], mtimes: &[Option<Nanos>], options: &Options) -> Vec<Survey> {
    inputs
        .par_iter()
        .zip(mtimes.par_iter())
        .map(|(input, m)| {
            let mut first = None;
            let anchor = options.year.map_or(
                YearAnchor::NotAfter(m.unwrap_or(i64::MAX / 2)),
                YearAnchor::Fixed,
            );
            let setup = Setup::new(options, options.zone, options.date, anchor);
            // A table's times are whole instants, anchoring no year, and a table is no
            // rotation: its span is asked only where the window's day needs it.
            if let Location::Table(_) = &input.location {
                return Survey {
                    first: None,
                    yearless: false,
                    compressed: false,
                };
            }
            let r = parse_input(
                input,
                &setup,
                &mut |t| {
                    first = Some(first.map_or(t, |f: Nanos| f.min(t)));
                    false
                },
                Reach::Head(SURVEY_LINES),
                &mut Keeper::new(Keep::All),
            );
            Survey {
                first,
                yearless: r.yearless,
                compressed: r.compressed,
            }
        })
        .collect()
}

/// The year for year-less lines: `--year`; else near the time the dated inputs in the same
/// directory show, else all dated inputs (read from the first lines of each); else no later
/// than the file's modification time.
pub(super) fn anchor_years(
    inputs: &[Input],
    surveys: &[Survey],
    mtimes: &[Option<Nanos>],
    options: &Options,
) -> Vec<YearAnchor> {
    if let Some(y) = options.year {
        return vec![YearAnchor::Fixed(y); inputs.len()];
    }
    let fallback = |m: &Option<Nanos>| YearAnchor::NotAfter(m.unwrap_or(i64::MAX / 2));
    // The dated inputs' first times, per directory and over all.
    let dir = |i: &Input| {
        i.display
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string())
    };
    let mut by_dir: HashMap<String, Vec<Nanos>> = HashMap::new();
    let mut all = Vec::new();
    for (input, survey) in inputs.iter().zip(surveys) {
        if let (Some(t), false) = (survey.first, survey.yearless) {
            by_dir.entry(dir(input)).or_default().push(t);
            all.push(t);
        }
    }
    let median = |v: &mut Vec<Nanos>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    };
    let overall = median(&mut all);
    let dir_medians: HashMap<String, Nanos> = by_dir
        .into_iter()
        .filter_map(|(d, mut v)| Some((d, median(&mut v)?)))
        .collect();
    inputs
        .iter()
        .zip(mtimes)
        .map(
            |(input, m)| match dir_medians.get(&dir(input)).copied().or(overall) {
                Some(near) => YearAnchor::Near(near),
                None => fallback(m),
            },
        )
        .collect()
}

/// The span of time each input covers: small files are read whole; larger ones give their
/// first lines and, when plain, the last timestamped line of their tail. A compressed file's
/// span is its first time only: its end is not known without reading it.
pub(super) fn spans(
    inputs: &[Input],
    anchors: &[YearAnchor],
    zone: Zone,
    options: &Options,
) -> Vec<Option<(Nanos, Nanos)>> {
    let date = options.date;
    inputs
        .par_iter()
        .zip(anchors.par_iter())
        .map(|(input, anchor)| {
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            let setup = Setup::new(options, zone, date, *anchor);
            let small = match &input.location {
                Location::File(_) | Location::Member(_) => input.size <= WHOLE_SPAN_MAX,
                Location::Stdin | Location::Stream(_) => true,
                Location::Table(table) => return super::table::span(table, &setup),
            };
            let reach = if small {
                Reach::All
            } else {
                Reach::Head(SURVEY_LINES)
            };
            let mut record = |t: Nanos| {
                lo = lo.min(t);
                hi = hi.max(t);
                false
            };
            parse_input(
                input,
                &setup,
                &mut record,
                reach,
                &mut Keeper::new(Keep::All),
            );
            if let (false, Location::File(p)) = (small, &input.location) {
                if let Some(last) = seek::last_time(p, &input.display, &setup) {
                    hi = hi.max(last);
                }
            }
            (lo <= hi).then_some((lo, hi))
        })
        .collect()
}
