//! One name per service across sources. A deploy tool, a pod, a container runtime and a file
//! name each call a service something of their own (`argocd/api`, `api-7d9f6c-x2lkq`, `/api`,
//! `api-app.log`); the draft groups, pairs and suspects by service, so they must agree.
//!
//! Names are merged only on strong evidence, never by likeness: the aliases a site gives in
//! `reconstruct.toml`, and the suffixes and qualifiers that tools generate by rule (Kubernetes
//! pod and replica-set hashes in its own alphabet, a namespace before a `/`, a Kubernetes
//! service's DNS name, a port) or that name the same thing by convention (`-app`, `-svc`,
//! `-service`, `-server`). `checkout` and `checkout-worker` stay two services.

use crate::config::Config;

/// The characters Kubernetes draws its generated name suffixes from (`rand.String` and
/// `SafeEncodeString`): no vowels, no `0`, `1` or `3`, so that no word is spelled by chance.
const KUBE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// Suffixes that name a service's process, package or endpoint rather than another service.
const CONVENTIONAL: &[&str] = &["-app", "-svc", "-service", "-server", "_app", "_service"];

/// The canonical name of the service called `name`, or `None` when it is already canonical.
pub fn canonical(name: &str, config: &Config) -> Option<String> {
    if let Some(alias) = config.alias(name) {
        return (alias != name).then(|| alias.to_string());
    }
    let stripped = stripped(name);
    if stripped.len() == name.len() {
        return None;
    }
    Some(config.alias(stripped).unwrap_or(stripped).to_string())
}

/// `name` without what tools add to it by rule; `name` itself when nothing was added.
fn stripped(name: &str) -> &str {
    // Most names are one plain word: nothing to take away.
    if !name
        .bytes()
        .any(|b| matches!(b, b'-' | b'_' | b'/' | b'.' | b':'))
    {
        return name;
    }
    let mut n = name;
    n = without_port(n);
    n = service_dns(n);
    n = last_segment(n);
    n = container_log(n);
    n = pod_suffixes(n);
    n = CONVENTIONAL
        .iter()
        .find_map(|s| n.strip_suffix(s).filter(|rest| !rest.is_empty()))
        .unwrap_or(n);
    if n.is_empty() {
        name
    } else {
        n
    }
}

/// `checkout:8080` → `checkout` (not an IPv6 address, which has more colons).
fn without_port(n: &str) -> &str {
    match n.split_once(':') {
        Some((host, port))
            if !host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            host
        }
        _ => n,
    }
}

/// A Kubernetes service's DNS name, `api.payments.svc.cluster.local` or `api.payments.svc`
/// → `api`.
fn service_dns(n: &str) -> &str {
    let mut labels = n.split('.');
    match (labels.next(), labels.next(), labels.next()) {
        (Some(service), Some(_namespace), Some("svc")) if !service.is_empty() => service,
        _ => n,
    }
}

/// A qualified name's own part: Argo CD's `argocd/api` (its namespace), Flux's
/// `flux-system/apps`, Docker's `/api`.
fn last_segment(n: &str) -> &str {
    n.rsplit('/').find(|s| !s.is_empty()).unwrap_or(n)
}

/// The kubelet's file name for a container's log, `<pod>_<namespace>_<container>-<id>`, →
/// the pod.
fn container_log(n: &str) -> &str {
    let mut parts = n.split('_');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(pod), Some(_), Some(container), None)
            if !pod.is_empty()
                && container.rsplit_once('-').is_some_and(|(_, id)| {
                    id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
                }) =>
        {
            pod
        }
        _ => n,
    }
}

/// What Kubernetes appends to a workload's name: a pod of a Deployment
/// (`api-7d9f6c-x2lkq`: the replica set's template hash, then five random characters), a
/// replica set (`api-7d9f6c4b8`), a pod of a DaemonSet or Job (`fluentd-x2lk9`). A suffix
/// alone must hold a digit: five consonants could be a word.
fn pod_suffixes(n: &str) -> &str {
    let generated = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| KUBE_ALPHABET.contains(&b))
    };
    let has_digit = |s: &str| s.bytes().any(|b| b.is_ascii_digit());
    let Some((rest, last)) = n.rsplit_once('-').filter(|(rest, _)| !rest.is_empty()) else {
        return n;
    };
    let random = last.len() == 5
        && last
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if random {
        if let Some((base, hash)) = rest.rsplit_once('-').filter(|(b, _)| !b.is_empty()) {
            if generated(hash, 5..=10) && has_digit(hash) {
                return base;
            }
        }
        if generated(last, 5..=5) && has_digit(last) {
            return rest;
        }
    }
    if generated(last, 6..=10) && has_digit(last) {
        return rest;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names as each tool writes them, and the service they are.
    #[test]
    fn names_from_tools() {
        let config = Config::default();
        for (name, service, seen) in [
            // Kubernetes docs, "Deployments": `kubectl get pods --show-labels`.
            ("nginx-deployment-75675f5897-7ci7o", "nginx-deployment", "kubernetes.io/docs/concepts/workloads/controllers/deployment, `kubectl get pods`"),
            ("nginx-deployment-66b6c48dd5-4jw2p", "nginx-deployment", "the same page, `kubectl get pods --show-labels`"),
            ("api-7d9f6c-x2lkq", "api", "a Deployment's pod, as `kubectl get pods` lists it"),
            ("nginx-deployment-66b6c48dd5", "nginx-deployment", "a replica set, `kubectl get rs`"),
            ("fluentd-elasticsearch-x2lk9", "fluentd-elasticsearch", "a DaemonSet's pod"),
            ("checkout-worker", "checkout-worker", "a word is no generated suffix"),
            ("payments-proxy", "payments-proxy", "five letters with vowels"),
            ("argocd/guestbook", "guestbook", "Argo CD's `application=argocd/guestbook` (argo-cd docs, application controller)"),
            ("flux-system/podinfo", "podinfo", "Flux's `kustomization/flux-system/podinfo` object names"),
            ("/api", "api", "Docker's container name, `docker inspect` `.Name`"),
            ("api.payments.svc.cluster.local", "api", "a Kubernetes service's DNS name (kubernetes.io, DNS for Services and Pods)"),
            ("checkout:8080", "checkout", "an nginx upstream, `upstream: \"http://checkout:8080/\"`"),
            ("dashboard-app", "dashboard", "a file named `dashboard-app.log`"),
            ("auth-service", "auth", "a Spring `spring.application.name`"),
            ("grafana-server", "grafana", "the Debian package's unit, `grafana-server.service`"),
            ("api-7d9f6c-x2lkq_default_api-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "api", "/var/log/containers/ file names (kubelet)"),
            ("checkout", "checkout", "a plain name"),
            ("node-2", "node-2", "an instance number is not merged"),
        ] {
            let got = canonical(name, &config).unwrap_or_else(|| name.to_string());
            assert_eq!(got, service, "{name}: {seen}");
        }
    }
}
