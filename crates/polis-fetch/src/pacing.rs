//! When the next request may start: the rate limit between any two requests, exponential
//! backoff with jitter between retries, and the server's `Retry-After` header.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// Keeps request starts at least `min_interval` apart, whatever the reason for the request.
pub(crate) struct Pacer {
    min_interval: Duration,
    last_start: Option<Instant>,
}

impl Pacer {
    pub fn new(min_interval: Duration) -> Self {
        Pacer {
            min_interval,
            last_start: None,
        }
    }

    /// Sleeps until both `not_before` has passed and `min_interval` has passed since the
    /// previous start, then records now as the start of a request.
    pub fn wait_turn(&mut self, not_before: Instant) {
        let mut start_at = not_before;
        if let Some(last) = self.last_start {
            start_at = start_at.max(last + self.min_interval);
        }
        let now = Instant::now();
        if start_at > now {
            std::thread::sleep(start_at - now);
        }
        self.last_start = Some(Instant::now());
    }
}

/// The wait before retry number `retry` (1 for the first retry): `initial` doubled for each
/// earlier retry, at most `max`, then scaled by a random factor in [0.5, 1) so that clients
/// that failed together do not come back together.
pub(crate) fn backoff(initial: Duration, max: Duration, retry: u32) -> Duration {
    let doublings = retry.saturating_sub(1).min(30);
    let ceiling = initial.saturating_mul(1u32 << doublings).min(max);
    ceiling.mul_f64(0.5 + 0.5 * unit_random())
}

/// A number in [0, 1) from the standard library's randomly seeded hasher, which is enough
/// for jitter and needs no extra dependency.
fn unit_random() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|since| since.as_nanos())
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// A `Retry-After` header in its delay-seconds form. The HTTP-date form is not read: the
/// caller then falls back to its own backoff.
pub(crate) fn retry_after(header: Option<&str>) -> Option<Duration> {
    header?.trim().parse::<u64>().ok().map(Duration::from_secs)
}
