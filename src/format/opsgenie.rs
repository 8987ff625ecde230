//! Opsgenie webhooks: `action` says what happened to `alert`. `createdAt` is epoch
//! milliseconds, `updatedAt` (the action's time) epoch **nanoseconds**. On-call steps say
//! whom they concern where the payload does: the owner assigned (`alert.owner`), the team
//! (`alert.team`) or responder (`alert.recipient`) added, the escalation that ran
//! (`escalationName`), and who acted (`alert.username`). The fields are those of Opsgenie's
//! "alert action data" for webhooks, as Zulip's Opsgenie integration reads them.

use super::json::{all_fields, object, str_at, time_value, Object};
use super::Cx;
use crate::event::{AlertState, Event, Kind, Level};

pub fn parse(obj: &Object, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    let action = str_at(obj, &["action"])?;
    let alert = obj
        .get("alert")
        .and_then(|a| object(a))
        .filter(|a| a.contains_key("alertId") || a.contains_key("alias"))?;
    let created = alert.get("createdAt").and_then(|v| time_value(v, cx));
    let updated = alert.get("updatedAt").and_then(|v| time_value(v, cx));
    let time = if action == "Create" {
        created.or(updated)
    } else {
        updated.or(created)
    };
    let Some(time) = time else { return Some(false) };
    if !cx.keep(time) {
        return Some(true);
    }
    let name = str_at(&alert, &["message"]).unwrap_or_else(|| "alert".into());
    let key = str_at(&alert, &["alertId"])
        .or_else(|| str_at(&alert, &["alias"]))
        .unwrap_or_else(|| name.clone());
    let service = str_at(&alert, &["entity"]);
    let user = str_at(&alert, &["username"])
        .map(|u| format!(" by {u}"))
        .unwrap_or_default();
    let of = |key: &str| str_at(&alert, &[key]);
    let priority_high = str_at(&alert, &["priority"]).is_none_or(|p| p == "P1" || p == "P2");
    let (kind, level, message) = match action.as_str() {
        "Create" => (
            Kind::Alert {
                name: name.clone(),
                state: AlertState::Firing,
                key,
                started: Some(time),
            },
            if priority_high {
                Level::Error
            } else {
                Level::Warn
            },
            format!("{name} created"),
        ),
        "Close" => (
            Kind::Alert {
                name: name.clone(),
                state: AlertState::Resolved,
                key,
                started: created,
            },
            Level::Info,
            format!("{name} closed{user}"),
        ),
        _ => (
            Kind::Oncall,
            Level::Info,
            format!(
                "{name}: {}",
                step(&action, &user, of, str_at(obj, &["escalationName"]))
            ),
        ),
    };
    let mut e = cx.raw_event(time, kind, Some(level), service, message);
    e.fields = all_fields(obj);
    out.push(e);
    Some(true)
}

/// An on-call step in words: `assigned to sam@example.com by jane@example.com`,
/// `escalated to team Database (escalation Checkout_escalation)`. An action without its
/// subject in the payload is said as Opsgenie names it.
fn step(
    action: &str,
    user: &str,
    of: impl Fn(&str) -> Option<String>,
    escalation: Option<String>,
) -> String {
    let subject = match action {
        "AssignOwnership" => of("owner").map(|o| format!("assigned to {o}{user}")),
        "TakeOwnership" => Some(format!("ownership taken{user}")),
        "AddTeam" => of("team").map(|t| format!("escalated to team {t}{user}")),
        "AddRecipient" | "AddResponder" => of("recipient")
            .or_else(|| of("responder"))
            .map(|r| format!("responder {r} added{user}")),
        "Escalate" | "EscalateNext" => {
            let to = of("recipient")
                .or_else(|| of("team").map(|t| format!("team {t}")))
                .or_else(|| of("owner"))
                .map(|r| format!(" to {r}"))
                .unwrap_or_default();
            let by = escalation
                .map(|e| format!(" (escalation {e})"))
                .unwrap_or_default();
            Some(format!("escalated{to}{by}"))
        }
        "Acknowledge" => Some(format!("acknowledged{user}")),
        "UnAcknowledge" => Some(format!("unacknowledged{user}")),
        _ => None,
    };
    subject.unwrap_or_else(|| format!("{action}{user}"))
}
