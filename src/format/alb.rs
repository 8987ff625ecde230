//! AWS Application Load Balancer access logs: `TYPE TIME ELB CLIENT:PORT TARGET:PORT
//! REQUEST_TIME TARGET_TIME RESPONSE_TIME ELB_STATUS TARGET_STATUS RECEIVED SENT "REQUEST" …`,
//! one request a line, the time after the first token as in any text line. The status is the
//! load balancer's (a 502 when the target failed); the service is the load balancer's name.

use super::access::{self, Heard};
use super::Cx;
use crate::event::{Event, Fields};
use crate::time::{Nanos, NANOS_PER_SEC};

/// `rest` follows the time of `line`. Asked of every timestamped text line: most fail on the
/// first bytes of `line`.
pub fn parse(
    line: &str,
    time: Nanos,
    rest: &str,
    cx: &mut Cx,
    out: &mut Vec<Event>,
) -> Option<bool> {
    let b = line.as_bytes();
    if !matches!(b.first(), Some(b'h' | b'g' | b'w')) {
        return None;
    }
    let kinds: [&[u8]; 6] = [b"http ", b"https ", b"h2 ", b"grpcs ", b"ws ", b"wss "];
    if !kinds.iter().any(|k| b.starts_with(k)) {
        return None;
    }
    let mut tokens = rest.splitn(11, ' ');
    let t: [&str; 10] = std::array::from_fn(|_| tokens.next().unwrap_or(""));
    let (request, _) = access::quoted(tokens.next()?)?;
    let status = t[6]
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))?;
    // The three times, in seconds; -1 when the request never reached that stage.
    let mut seconds = 0.0;
    for stage in &t[3..6] {
        let s = stage.parse::<f64>().ok()?;
        seconds += s;
        if s < 0.0 {
            seconds = f64::NAN;
        }
    }
    let duration = seconds
        .is_finite()
        .then_some((seconds * NANOS_PER_SEC as f64) as Nanos);
    let mut parts = request.split(' ');
    let (method, url) = (parts.next()?, parts.next()?);
    // `app/checkout-lb/50dc6c495c0c9188`.
    if cx.count_request(time, status, duration, out) {
        return Some(true);
    }
    let service = t[0].split('/').nth(1).unwrap_or(t[0]);
    let req = Heard {
        time,
        method,
        target: access::target_of(url),
        status,
        duration,
    };
    let service = (!service.is_empty()).then(|| service.to_string());
    access::push_request(req, service, Fields::new(), cx, out);
    Some(true)
}

#[cfg(test)]
mod tests {
    use crate::format::testing::requests;

    /// The three processing times add up to the request's duration; a stage that never ran
    /// (`-1`) leaves it unknown rather than short.
    #[test]
    fn the_duration_is_the_three_times_or_unknown() {
        let text = include_str!(
            "../../tests/fixtures/formats/aws-alb/123456789012_elasticloadbalancing_us-east-1_app.shop-lb.50dc6c495c0c9188_20231011T1400Z_10.0.0.1_abc.log"
        );
        let got = requests("alb.log", text);
        assert_eq!(got, [(200, Some(12_000_000)), (502, None), (503, None)]);
    }
}
