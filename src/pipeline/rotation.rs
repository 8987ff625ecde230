//! Compressed rotations (`app.log.3.gz`, `app.log-20240101.gz`) cannot be bisected. What their
//! first lines and their place in the rotation tell decides whether they can hold the window
//! at all: a rotation whose successor starts before the window ends before it; one that starts
//! after the window cannot hold it. Those are not decompressed past their first lines.

use super::seek::SKEW;
use crate::input::Input;
use crate::time::Nanos;
use std::collections::HashMap;

#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Read it as any input.
    Read,
    /// A rotation: written in time order, so reading stops once past the window.
    Ordered,
    /// It cannot hold the window, and why.
    Skip(String),
}

/// `gateway/access.log.3.gz` → (`gateway/access.log`, age 3); the live `access.log` is age 0.
/// Dated rotations (`app.log-20240101.gz`) age by their date, newest first.
fn rotation(display: &str) -> (String, Option<i64>) {
    let mut base = display;
    for suffix in [".gz", ".zst", ".bz2", ".xz"] {
        base = base.strip_suffix(suffix).unwrap_or(base);
    }
    if let Some((stem, n)) = base
        .rsplit_once('.')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    {
        return (stem.to_string(), n.parse().ok());
    }
    if let Some((stem, date)) = base
        .rsplit_once('-')
        .filter(|(_, d)| d.len() == 8 && d.bytes().all(|c| c.is_ascii_digit()))
    {
        return (
            stem.to_string(),
            date.parse::<i64>().ok().map(|d| 99_999_999 - d),
        );
    }
    (
        base.to_string(),
        if base.len() < display.len() {
            None
        } else {
            Some(0)
        },
    )
}

pub fn plan(
    inputs: &[Input],
    firsts: &[Option<Nanos>],
    compressed: &[bool],
    lo: Nanos,
    hi: Nanos,
) -> Vec<Plan> {
    // The first times of each rotation group, by age.
    let mut groups: HashMap<String, Vec<(i64, Option<Nanos>)>> = HashMap::new();
    let places: Vec<(String, Option<i64>)> = inputs.iter().map(|i| rotation(&i.display)).collect();
    for ((base, age), first) in places.iter().zip(firsts) {
        if let Some(age) = age {
            groups.entry(base.clone()).or_default().push((*age, *first));
        }
    }
    places
        .iter()
        .zip(firsts.iter().zip(compressed))
        .map(|((base, age), (first, &packed))| {
            if !packed || lo == i64::MIN || std::env::var_os("RECONSTRUCT_FULL_SCAN").is_some() {
                return Plan::Read;
            }
            if first.is_some_and(|f| f > hi.saturating_add(SKEW)) {
                return Plan::Skip("it starts after the window".into());
            }
            let successor = age.and_then(|age| {
                groups
                    .get(base)?
                    .iter()
                    .filter(|(a, _)| *a < age)
                    .max_by_key(|(a, _)| *a)
                    .and_then(|(_, f)| *f)
            });
            match successor {
                Some(next) if next < lo.saturating_sub(SKEW) => Plan::Skip(
                    "the rotation after it starts before the window, so it ends before it".into(),
                ),
                _ if age.is_some() => Plan::Ordered,
                _ => Plan::Read,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Location;

    #[test]
    fn rotations_are_recognised() {
        assert_eq!(
            rotation("gw/access.log.3.gz"),
            ("gw/access.log".into(), Some(3))
        );
        assert_eq!(rotation("gw/access.log"), ("gw/access.log".into(), Some(0)));
        assert_eq!(rotation("app.log-20240102.gz").0, "app.log");
        assert!(rotation("app.log-20240102.gz").1 < rotation("app.log-20240101.gz").1);
    }

    #[test]
    fn rotations_that_cannot_hold_the_window_are_skipped() {
        let input = |d: &str| Input {
            display: d.into(),
            location: Location::File(d.into()),
            size: 0,
            modified: None,
        };
        let inputs = [
            input("a.log"),
            input("a.log.1.gz"),
            input("a.log.2.gz"),
            input("a.log.3.gz"),
        ];
        let hour = 3_600_000_000_000i64;
        // Live file from hour 30, .1 from 20, .2 from 10, .3 from 0; the window is hours 12–14.
        let firsts = [Some(30 * hour), Some(20 * hour), Some(10 * hour), Some(0)];
        let plans = plan(
            &inputs,
            &firsts,
            &[false, true, true, true],
            12 * hour,
            14 * hour,
        );
        assert_eq!(plans[0], Plan::Read);
        assert!(matches!(plans[1], Plan::Skip(_)), "starts after the window");
        assert_eq!(plans[2], Plan::Ordered);
        assert!(
            matches!(plans[3], Plan::Skip(_)),
            "its successor starts before the window"
        );
    }
}
