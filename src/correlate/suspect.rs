//! Which change, if any, most likely triggered the outage.
//!
//! Candidates are the deploys, changes and scaling before the outage began, within the
//! look-back; rollbacks are mitigations and never candidates. One is accused only on evidence
//! that ties it to the outage:
//! - it changed a service whose errors then burst (services are canonical, so a deploy tool's
//!   `argocd/api` and the pods' `api-7d9f6c-x2lkq` are one);
//! - an erroring service calls it: the erroring service's errors or failed requests name it
//!   (`upstream checkout timed out`, `POST /api/checkout`);
//! - error templates of its service first appeared right after it;
//! - the change itself failed.
//!
//! The candidates with evidence are ranked: more kinds of evidence first, then a deploy over a
//! change over scaling, then the closest to the onset. The draft hedges by the evidence: a
//! change of an erroring service, or one with two kinds of evidence, is the *suspected*
//! trigger; one with a single weaker kind only a *possible* one. Without evidence nothing is
//! accused, and the summary says no change in the look-back is tied to the outage. A wrong
//! accusation is worse than none.
//!
//! Clocks disagree: when the sources' clocks are estimated to differ (see [`super::skew`]),
//! errors seen up to that skew before a change do not clear it, and the evidence says so.

use super::onset::Burst;
use super::{Entry, EntryKind, Evidence};
use crate::time::{skew_words, spelled, Nanos};

/// A new error template: its service and when it first appeared.
pub struct NewError<'a> {
    pub service: Option<&'a str>,
    pub first: Nanos,
}

/// What the look-back before the outage held.
pub struct Verdict {
    /// The candidates with evidence, best first: the entry and why.
    pub ranked: Vec<(usize, Evidence)>,
    /// How many changes lay in the look-back before the onset; `None` without an outage.
    pub candidates: Option<usize>,
}

/// Names shorter than this are not looked for in other services' errors: `db`, `api` and
/// `web` are words of too many messages to be evidence.
const MIN_CALLED_NAME: usize = 4;

/// `skew`: how far the sources' clocks are estimated to disagree (0 when they agree).
pub fn judge(
    entries: &[Entry],
    bursts: &[Burst],
    new_errors: &[NewError],
    lookback: Nanos,
    skew: Nanos,
) -> Verdict {
    let Some(onset) = bursts.iter().map(|b| b.start).min() else {
        return Verdict {
            ranked: Vec::new(),
            candidates: None,
        };
    };
    let candidates: Vec<(usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(
                e.kind,
                EntryKind::Deploy | EntryKind::Change | EntryKind::Scale
            )
        })
        .filter(|(_, e)| {
            e.label != "Rollback" && e.first <= onset + skew && onset - e.first <= lookback
        })
        .collect();
    let mut scored: Vec<(usize, Evidence, f64)> = candidates
        .iter()
        .filter_map(|&(i, e)| {
            let (evidence, kinds) =
                evidence(e, entries, bursts, new_errors, onset, lookback, skew)?;
            let kind_weight = match e.kind {
                EntryKind::Deploy => 0.3,
                EntryKind::Change => 0.2,
                _ => 0.1,
            };
            let closeness = 0.1 * (1.0 - (onset - e.first).max(0) as f64 / lookback.max(1) as f64);
            Some((i, evidence, kinds as f64 + kind_weight + closeness))
        })
        .collect();
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    Verdict {
        ranked: scored.into_iter().map(|(i, e, _)| (i, e)).collect(),
        candidates: Some(candidates.len()),
    }
}

/// What ties the change `e` to the outage, in words, and how many kinds of evidence;
/// `None` when nothing does.
fn evidence(
    e: &Entry,
    entries: &[Entry],
    bursts: &[Burst],
    new_errors: &[NewError],
    onset: Nanos,
    lookback: Nanos,
    skew: Nanos,
) -> Option<(Evidence, usize)> {
    let service = e.service.as_deref();
    let mut said = Vec::new();
    let mut same = false;
    if let Some(burst) = bursts
        .iter()
        .filter(|b| b.service.is_some() && b.service.as_deref() == service)
        .min_by_key(|b| b.start)
        .filter(|b| b.start + skew >= e.first)
    {
        same = true;
        let name = burst.service.as_deref().unwrap_or_default();
        said.push(format!(
            "{} errors began {}",
            possessive(name),
            after(burst.start, e.first, skew)
        ));
    }
    if let Some((caller, burst)) = service
        .filter(|s| s.len() >= MIN_CALLED_NAME)
        .and_then(|s| {
            bursts
                .iter()
                .filter(|b| b.start + skew >= e.first)
                .filter_map(|b| Some((b.service.as_deref()?, b)))
                .filter(|(caller, _)| Some(*caller) != service)
                .find(|(caller, _)| calls(entries, caller, s))
        })
    {
        said.push(format!(
            "{} errors name {}, and began {}",
            possessive(caller),
            service.unwrap_or_default(),
            after(burst.start, e.first, skew)
        ));
    }
    let followed = service.is_some()
        && new_errors
            .iter()
            .any(|n| n.service == service && n.first >= e.first && n.first <= onset + lookback / 4);
    if followed && !same {
        said.push(format!(
            "new {} errors followed it",
            service.unwrap_or_default()
        ));
    }
    if e.failed {
        said.push("it failed".to_string());
    }
    let kinds = said.len();
    (kinds > 0).then(|| {
        (
            Evidence {
                likely: same || kinds >= 2,
                words: said.join("; "),
            },
            kinds,
        )
    })
}

/// `21 minutes after it`; for errors seen before the change, within the clocks' skew, that
/// they were and why it does not clear the change.
fn after(errors: Nanos, change: Nanos, skew: Nanos) -> String {
    if errors >= change {
        return format!("{} after it", spelled(errors - change));
    }
    format!(
        "{} before it, within the {} the clocks disagree by",
        spelled(change - errors),
        skew_words(skew)
    )
}

/// `checkout's`, `payments'`.
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// Whether the errors of `caller` name `called` as a word: an upstream, a host, a path
/// segment (`POST /api/checkout`), a client's target.
fn calls(entries: &[Entry], caller: &str, called: &str) -> bool {
    entries
        .iter()
        .filter(|x| x.kind == EntryKind::Error && x.service.as_deref() == Some(caller))
        .any(|x| names(&x.text, called))
}

/// Whether `text` holds `word` whole (in any case), not inside a longer name.
fn names(text: &str, word: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    // `checkout-db` is another service than `checkout`.
    let part_of_name =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    text.match_indices(&word).any(|(at, w)| {
        !part_of_name(text[..at].chars().next_back())
            && !part_of_name(text[at + w.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceRef;

    const MIN: Nanos = 60_000_000_000;

    fn at(minute: i64) -> Nanos {
        minute * MIN
    }

    fn entry(
        kind: EntryKind,
        label: &'static str,
        service: &str,
        text: &str,
        minute: i64,
    ) -> Entry {
        Entry::new(
            kind,
            label,
            Some(service.to_string()),
            text.to_string(),
            at(minute),
            Vec::new(),
        )
    }

    fn deploy(service: &str, minute: i64) -> Entry {
        entry(EntryKind::Deploy, "Deploy", service, "v2", minute)
    }

    fn burst(service: &str, minute: i64) -> Burst {
        let here = SourceRef {
            path: "app.log".into(),
            line: 1,
        };
        Burst {
            service: Some(service.to_string()),
            start: at(minute),
            end: at(minute + 30),
            first: here.clone(),
            last: here,
            count: 50,
            baseline: 0.0,
        }
    }

    fn verdict(entries: &[Entry], bursts: &[Burst]) -> Vec<(usize, String, bool)> {
        judge(entries, bursts, &[], at(60), 0)
            .ranked
            .into_iter()
            .map(|(i, e)| (i, e.words, e.likely))
            .collect()
    }

    #[test]
    fn the_erroring_services_own_deploy_is_suspected() {
        let entries = [deploy("billing", 0), deploy("checkout", 10)];
        assert_eq!(
            verdict(&entries, &[burst("checkout", 30)]),
            [(
                1,
                "checkout's errors began 20 minutes after it".into(),
                true
            )]
        );
    }

    #[test]
    fn errors_that_began_before_the_change_clear_it() {
        let entries = [deploy("checkout", 40)];
        let v = judge(&entries, &[burst("checkout", 30)], &[], at(60), 0);
        assert!(v.ranked.is_empty());
        assert_eq!(v.candidates, Some(0));
    }

    #[test]
    fn an_unrelated_change_is_a_candidate_but_not_accused() {
        let entries = [deploy("billing", 10)];
        let v = judge(&entries, &[burst("checkout", 30)], &[], at(60), 0);
        assert!(v.ranked.is_empty());
        assert_eq!(v.candidates, Some(1));
    }

    #[test]
    fn no_outage_no_verdict() {
        let v = judge(&[deploy("checkout", 10)], &[], &[], at(60), 0);
        assert!(v.ranked.is_empty());
        assert_eq!(v.candidates, None);
    }

    #[test]
    fn errors_seen_before_a_change_within_the_clocks_skew_do_not_clear_it() {
        let entries = [deploy("checkout", 30)];
        let bursts = [burst("checkout", 29)];
        assert!(judge(&entries, &bursts, &[], at(60), 0).ranked.is_empty());
        let v = judge(&entries, &bursts, &[], at(60), 2 * MIN);
        assert_eq!(
            v.ranked[0].1.words,
            "checkout's errors began 1 minute before it, within the 2m00s the clocks disagree by"
        );
        let long_before = [burst("checkout", 20)];
        assert!(judge(&entries, &long_before, &[], at(60), 2 * MIN)
            .ranked
            .is_empty());
    }

    #[test]
    fn a_change_outside_the_look_back_is_no_candidate() {
        let v = judge(
            &[deploy("checkout", 0)],
            &[burst("checkout", 90)],
            &[],
            at(60),
            0,
        );
        assert_eq!(v.candidates, Some(0));
    }

    #[test]
    fn a_called_service_is_a_possible_trigger_and_its_failure_makes_it_suspected() {
        let mut entries = vec![
            deploy("inventory", 10),
            entry(
                EntryKind::Error,
                "Errors",
                "gateway",
                "upstream inventory:8080 timed out",
                31,
            ),
        ];
        assert_eq!(
            verdict(&entries, &[burst("gateway", 30)]),
            [(
                0,
                "gateway's errors name inventory, and began 20 minutes after it".into(),
                false
            )]
        );
        entries[0].failed = true;
        let v = verdict(&entries, &[burst("gateway", 30)]);
        assert!(v[0].2 && v[0].1.ends_with("; it failed"), "{v:?}");
    }

    #[test]
    fn new_errors_of_a_quiet_service_point_at_its_change() {
        let entries = [deploy("search", 10)];
        let new = [NewError {
            service: Some("search"),
            first: at(12),
        }];
        let v = judge(&entries, &[burst("checkout", 30)], &new, at(60), 0);
        assert_eq!(v.ranked.len(), 1);
        assert_eq!(v.ranked[0].1.words, "new search errors followed it");
        assert!(!v.ranked[0].1.likely);
    }

    #[test]
    fn a_rollback_is_never_accused_and_a_config_change_can_be() {
        let mut rollback = deploy("checkout", 5);
        rollback.label = "Rollback";
        let config = entry(EntryKind::Change, "Change", "checkout", "flag on", 20);
        let v = verdict(&[rollback, config], &[burst("checkout", 30)]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].0, 1);
    }

    #[test]
    fn more_evidence_ranks_first_then_deploys_then_the_closest() {
        let entries = [
            deploy("checkout", 5),
            deploy("checkout", 20),
            entry(EntryKind::Change, "Change", "checkout", "flag on", 25),
        ];
        let order: Vec<usize> = verdict(&entries, &[burst("checkout", 30)])
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(order, [1, 0, 2]);
    }

    #[test]
    fn a_name_is_found_whole() {
        assert!(names("gateway: HTTP 5xx on POST /api/checkout", "checkout"));
        assert!(names("upstream Checkout:8080 timed out", "checkout"));
        assert!(!names("checkoutv2 failed", "checkout"));
        assert!(!names("precheckout failed", "checkout"));
        assert!(!names("call to checkout-db refused", "checkout"));
    }
}
