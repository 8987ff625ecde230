//! Envoy's default access log, and Istio's sidecars' (the same with more fields):
//! `[START_TIME] "METHOD PATH PROTOCOL" STATUS FLAGS …`, one request a line. The duration is
//! read where each of the two layouts puts it.

use super::access::{self, Heard};
use super::Cx;
use crate::event::{Event, Fields};
use crate::time::Nanos;

/// `rest` follows the bracketed time. Asked of every timestamped text line: most fail on its
/// first byte.
pub fn parse(time: Nanos, rest: &str, cx: &mut Cx, out: &mut Vec<Event>) -> Option<bool> {
    if !rest.starts_with('"') {
        return None;
    }
    let (request, after) = access::quoted(rest)?;
    let mut parts = request.split(' ');
    let (method, target, protocol) = (parts.next()?, parts.next()?, parts.next()?);
    let upper = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase());
    if !upper(method) || !protocol.starts_with("HTTP/") || parts.next().is_some() {
        return None;
    }
    let mut tokens = after.split_ascii_whitespace();
    let status = tokens.next()?.parse::<u16>().ok()?;
    if !(100..=599).contains(&status) {
        return None;
    }
    let t: [Option<&str>; 7] = std::array::from_fn(|_| tokens.next());
    let quote = |i: usize| t[i].is_some_and(|w| w.starts_with('"'));
    // Envoy: FLAGS RECEIVED SENT DURATION UPSTREAM_TIME "…"; Istio: FLAGS DETAILS
    // TERMINATION "REASON" RECEIVED SENT DURATION.
    let duration = match (quote(5), quote(3)) {
        (true, _) => t[3],
        (false, true) => t[6],
        _ => None,
    };
    let duration = duration
        .and_then(|d| d.parse::<i64>().ok())
        .filter(|ms| *ms >= 0)
        .map(|ms| ms.saturating_mul(1_000_000));
    if cx.count_request(time, status, duration, out) {
        return Some(true);
    }
    let req = Heard {
        time,
        method,
        target,
        status,
        duration,
    };
    access::push_request(req, None, Fields::new(), cx, out);
    Some(true)
}

#[cfg(test)]
mod tests {
    use crate::format::testing::requests;

    /// The duration feeds the impact line's slow requests: it is read where each layout puts
    /// it, in milliseconds.
    #[test]
    fn each_layout_gives_its_duration() {
        let ms = |status: u16, ms: i64| (status, Some(ms * 1_000_000));
        let envoy = include_str!("../../tests/fixtures/formats/envoy/front-proxy.log");
        let got = requests("front-proxy.log", envoy);
        assert_eq!(got, [ms(200, 12), ms(503, 5001), ms(200, 1)]);
        let istio =
            include_str!("../../tests/fixtures/formats/istio-proxy/checkout-istio-proxy.log");
        let got = requests("checkout-istio-proxy.log", istio);
        assert_eq!(got, [ms(200, 12), ms(503, 5001)]);
    }
}
