//! Several incidents in one run (`--incidents`): a week's incidents often share their logs,
//! and each shared input is read once for all the windows that need it, then its events are
//! dealt out to the incidents.
//! Each incident's draft is the one a run of its own would print (`tests/incidents.rs`
//! compares them).

use super::read::{self, Plan};
use super::sink::Keeper;
use super::Reach;
use super::{
    bounds, chunks, conclude, look_ahead, prepare, reach, seek, FileResult, Pass, Prepared, Setup,
};
use super::{Options, Run, RunError, Text};
use crate::event::Event;
use crate::format::{Keep, YearAnchor};
use crate::input::Input;
use crate::time::{Nanos, Zone};
use crate::traffic::Requests;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io;

/// One incident, ready to read: its inputs and what it keeps of each.
struct Planned {
    prepared: Prepared,
    from: Option<Nanos>,
    to: Option<Nanos>,
    bounds: chunks::Bounds,
    /// Per input: how far this incident needs it read, or why it need not be.
    reaches: Vec<Result<Reach, String>>,
}

/// What makes two incidents' reads of a file the same read: the file, the name it is cited
/// by, and everything that turns its lines into instants.
#[derive(PartialEq, Eq, Hash)]
struct Key {
    input: Input,
    zone: Zone,
    day: Option<NaiveDate>,
    anchor: YearAnchor,
}

/// One read of one input and the incidents that share it.
struct Shared {
    key: Key,
    uses: Vec<Use>,
}

/// One incident's need of a shared input.
#[derive(Clone, Copy)]
struct Use {
    incident: usize,
    /// The input's index among the incident's own.
    input: usize,
    reach: Reach,
    bounds: chunks::Bounds,
}

/// Runs every incident, reading shared inputs once. An incident that fails (a path that does
/// not exist, a window out of the range of instants) fails alone.
pub fn run_all(incidents: &[Options]) -> Vec<Result<Run, RunError>> {
    let planned: Vec<Result<Planned, RunError>> = incidents.par_iter().map(plan).collect();
    let mut shared: Vec<Shared> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (i, p) in planned.iter().enumerate() {
        let Ok(p) = p else { continue };
        let options = &incidents[i];
        for (j, input) in p.prepared.inputs.iter().enumerate() {
            let Ok(reach) = &p.reaches[j] else { continue };
            let key = Key {
                input: input.clone(),
                zone: options.zone,
                day: options.date,
                anchor: p.prepared.anchors[j],
            };
            let at = *index.entry(key).or_insert_with_key(|key| {
                shared.push(Shared {
                    key: Key {
                        input: key.input.clone(),
                        ..*key
                    },
                    uses: Vec::new(),
                });
                shared.len() - 1
            });
            shared[at].uses.push(Use {
                incident: i,
                input: j,
                reach: *reach,
                bounds: p.bounds,
            });
        }
    }
    let dealt: Vec<Vec<(usize, usize, FileResult)>> = shared
        .par_iter()
        .map(|s| read_shared(s, incidents))
        .collect();
    let mut results: Vec<Vec<Option<FileResult>>> = planned
        .iter()
        .map(|p| match p {
            Ok(p) => p
                .reaches
                .iter()
                .map(|r| r.as_ref().err().map(|why| FileResult::not_read(why)))
                .collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    // Every input an incident reads was one use of a shared read, so every slot is filled.
    for (i, j, result) in dealt.into_iter().flatten() {
        results[i][j] = Some(result);
    }
    planned
        .into_iter()
        .zip(results)
        .zip(incidents)
        .map(|((p, results), options)| {
            let p = p?;
            let mut results: Vec<FileResult> = results.into_iter().flatten().collect();
            let ahead = look_ahead(options, &p.prepared, p.from, p.to, &mut results);
            conclude(options, p.prepared, results, p.from, p.to, ahead)
        })
        .collect()
}

fn plan(options: &Options) -> Result<Planned, RunError> {
    // A pipe gives its lines to one reader once; an incident of its own can read it.
    for path in &options.paths {
        let stream = path.as_os_str() == "-"
            || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if stream {
            return Err(RunError::Stream {
                name: path.display().to_string(),
                source: io::Error::other(
                    "a pipe can be read once, so a batch of incidents cannot share it; copy it to a file",
                ),
            });
        }
    }
    let mut prepared = prepare(options)?;
    let (from, to) = prepared.window(options)?;
    let bounds = bounds(options, from, to);
    let reaches = prepared
        .plans(bounds)
        .iter()
        .map(|plan| reach(plan, bounds).map_err(str::to_string))
        .collect();
    Ok(Planned {
        prepared,
        from,
        to,
        bounds,
        reaches,
    })
}

/// Reads one input for all its incidents and deals each its part. A plain file that can be
/// seeked is read once per stretch of time that windows cover (windows closer than the skew
/// allowance share one), each from its own start and in parallel, so no byte is parsed twice
/// and none between distant windows at all; anything else is read in one pass over what all
/// its incidents keep.
fn read_shared(s: &Shared, incidents: &[Options]) -> Vec<(usize, usize, FileResult)> {
    let windows = s.uses.iter().all(|u| matches!(u.reach, Reach::Window(..)));
    let mut stretches: Vec<Vec<Use>> = Vec::new();
    if windows && seek::seekable(&s.key.input) {
        let mut uses = s.uses.clone();
        uses.sort_by_key(|u| u.bounds.keep_from);
        let mut end = i64::MIN;
        for u in uses {
            match stretches.last_mut() {
                Some(stretch) if u.bounds.keep_from <= end.saturating_add(2 * seek::SKEW) => {
                    stretch.push(u)
                }
                _ => stretches.push(vec![u]),
            }
            end = end.max(u.bounds.keep_to);
        }
    } else {
        stretches.push(s.uses.clone());
    }
    // The stretches of one file in parallel too: a large file's windows on different days
    // would otherwise be read one after another on one core while the other idles.
    stretches
        .par_iter()
        .flat_map_iter(|stretch| read_stretch(s, stretch, incidents))
        .collect()
}

/// One read of the input for the uses of one stretch, dealt out.
fn read_stretch(
    s: &Shared,
    uses: &[Use],
    incidents: &[Options],
) -> Vec<(usize, usize, FileResult)> {
    let union = uses.iter().map(|u| u.bounds).reduce(|a, b| chunks::Bounds {
        keep_from: a.keep_from.min(b.keep_from),
        keep_to: a.keep_to.max(b.keep_to),
        window_from: a.window_from.min(b.window_from),
        window_to: a.window_to.max(b.window_to),
    });
    let Some(union) = union else {
        return Vec::new();
    };
    // The widest way any incident needs the file read, over all their bounds.
    let (lo, hi) = (union.keep_from, union.keep_to);
    let reach = if uses.iter().any(|u| matches!(u.reach, Reach::All)) {
        Reach::All
    } else if uses.iter().any(|u| matches!(u.reach, Reach::Ordered(..))) {
        Reach::Ordered(lo, hi)
    } else {
        Reach::Window(lo, hi)
    };
    // Each incident writes its own part's stream lines once the events are dealt.
    let pass = Pass {
        setup: Setup::new(
            &incidents[uses[0].incident],
            s.key.zone,
            s.key.day,
            s.key.anchor,
        ),
        reach,
        bounds: union,
    };
    // Incidents share a flag for the event stream: either all keep everything, or all draft.
    let keep = match uses.iter().any(|u| incidents[u.incident].all_events) {
        true => Keep::All,
        false => Keep::NotableAndRequests,
    };
    let mut whole = read::input(Plan::Once(&s.key.input, &pass), &mut Keeper::new(keep));
    let mut events = std::mem::take(&mut whole.events);
    let mut dealt = Vec::with_capacity(uses.len());
    for (n, u) in uses.iter().enumerate() {
        let options = &incidents[u.incident];
        // The last incident takes the events themselves; the others, copies.
        let mut part = if n + 1 == uses.len() {
            let events = std::mem::take(&mut events);
            deal(&whole, events.into_iter(), u.bounds, options)
        } else {
            deal(&whole, events.iter().cloned(), u.bounds, options)
        };
        if let Some(render) = options.render {
            part.render(render, &options.zone, &s.key.input.display);
        }
        dealt.push((u.incident, u.input, part));
    }
    dealt
}

/// One incident's part of a shared read: the events it keeps (as its own run would keep
/// them), its requests, and the file's counts with its own parsed lines and events.
fn deal(
    whole: &FileResult,
    events: impl Iterator<Item = Event>,
    b: chunks::Bounds,
    options: &Options,
) -> FileResult {
    let from = (b.window_from != i64::MIN).then_some(b.window_from);
    let mut requests = (!options.all_events).then(|| Requests::new(from, options.slow));
    let mut seen = chunks::Seen::default();
    // The line of every event in this incident's range, kept or dropped.
    let mut lines = Vec::new();
    let mut kept = Vec::new();
    for mut e in events {
        if !b.keeps(e.time, &mut seen) {
            continue;
        }
        lines.push(e.source.line);
        match &mut requests {
            Some(requests) => {
                requests.add(&e);
                if e.slim_to_notable() {
                    kept.push(e);
                }
            }
            None => kept.push(e),
        }
    }
    for d in &whole.dropped {
        if b.keeps(d.time, &mut seen) {
            lines.push(d.line);
            if let (Some(requests), Some((status, duration))) = (&mut requests, d.request) {
                requests.count(d.time, status, duration);
            }
        }
    }
    let in_range_events = lines.len() as u64;
    // The read's lines in range for some incident are this one's parsed lines when their
    // events are in its range, and outside it otherwise.
    lines.sort_unstable();
    lines.dedup();
    let mut counts = whole.counts.clone();
    let timed = counts.parsed + counts.outside;
    counts.parsed = (lines.len() as u64).min(timed);
    counts.outside = timed - counts.parsed;
    counts.events = in_range_events;
    FileResult {
        events: kept,
        counts,
        bytes: whole.bytes,
        format: whole.format,
        stamped: whole.stamped.clone(),
        reader: whole.reader,
        yearless: whole.yearless,
        skipped: whole.skipped.clone(),
        warning: whole.warning.clone(),
        reading: whole.reading.clone(),
        compressed: whole.compressed,
        seen,
        requests,
        service: whole.service.clone(),
        series: whole.series.clone(),
        dropped: Vec::new(),
        text: Text::default(),
        lines: Vec::new(),
    }
}
