//! Back-off for drops that could not be taken (an I/O error, a full disk): the inbox path, or the
//! staging entry when the failure came after the claim, is tried again after 1 s, doubling up to
//! 5 min. Nothing is ever given up on; a refused drop is not a failure (it goes to `rejected/`).

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

const RETRY_MIN: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(300);

fn backoff(n: u32) -> Duration {
    RETRY_MIN.saturating_mul(1u32 << n.min(16)).min(RETRY_MAX)
}

/// Failed items (inbox paths or staging ids): when each may be tried again, and how often it failed.
pub struct Retries<K> {
    map: HashMap<K, (Instant, u32)>,
}

impl<K> Default for Retries<K> {
    fn default() -> Self {
        Retries {
            map: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash + Clone> Retries<K> {
    pub fn failed(&mut self, k: &K) {
        let n = self.map.get(k).map(|(_, n)| n + 1).unwrap_or(0);
        self.map.insert(k.clone(), (Instant::now() + backoff(n), n));
    }

    pub fn succeeded(&mut self, k: &K) {
        self.map.remove(k);
    }

    /// Is `k` still waiting out its back-off?
    pub fn blocked(&self, k: &K) -> bool {
        self.map.get(k).is_some_and(|(at, _)| *at > Instant::now())
    }

    /// Items whose back-off is over, except those `busy` says are being tried.
    pub fn due(&self, busy: impl Fn(&K) -> bool) -> Vec<K> {
        let now = Instant::now();
        self.map
            .iter()
            .filter(|(k, (at, _))| *at <= now && !busy(k))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Forgets `k` (its back-off is over and it was not tried again).
    pub fn forget(&mut self, k: &K) {
        self.map.remove(k);
    }

    /// The earliest end of a back-off, except for `busy` items.
    pub fn next(&self, busy: impl Fn(&K) -> bool) -> Option<Instant> {
        self.map
            .iter()
            .filter(|(k, _)| !busy(k))
            .map(|(_, (at, _))| *at)
            .min()
    }

    /// Keeps only the items for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, Instant) -> bool) {
        self.map.retain(|k, (at, _)| keep(k, *at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(40), RETRY_MAX);
        let mut r = Retries::default();
        r.failed(&"a");
        assert!(r.blocked(&"a"));
        assert!(r.due(|_| false).is_empty());
        assert!(r.next(|_| false).is_some());
        assert!(r.next(|_| true).is_none());
        r.succeeded(&"a");
        assert!(!r.blocked(&"a"));
    }
}
