//! Summary figures for a set of request latencies.
//!
//! Averages hide what users feel: one request in a hundred taking 50 ms is
//! invisible in a mean of 40 µs. So every run reports the median (p50), the
//! 99th percentile (p99, "one request in a hundred is slower than this") and
//! the slowest request (max).

use std::time::Duration;

/// The latencies of one run, sorted, so that any percentile is a lookup.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    /// Every request's latency, fastest first.
    sorted: Vec<Duration>,
}

impl Latencies {
    /// Takes the latencies of every request of a run, in any order.
    pub fn new(mut latencies: Vec<Duration>) -> Latencies {
        latencies.sort_unstable();
        Latencies { sorted: latencies }
    }

    /// How many requests were measured.
    pub fn count(&self) -> usize {
        self.sorted.len()
    }

    /// The `p`-th percentile (0 < p <= 100) by the nearest-rank method: the
    /// smallest latency that at least `p` percent of requests did not exceed.
    /// It is always one of the measured values, never an interpolation.
    /// Zero when nothing was measured.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let p = p.clamp(0.0, 100.0);
        let rank = (p / 100.0 * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    /// The slowest request.
    pub fn max(&self) -> Duration {
        self.sorted.last().copied().unwrap_or_default()
    }

    /// The mean latency.
    pub fn mean(&self) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let total: Duration = self.sorted.iter().sum();
        total / self.sorted.len() as u32
    }

    /// The mean of the latencies of a sub-range of requests: used by the
    /// class-size sweep, which wants the cost of the last requests only.
    pub fn mean_of(latencies: &[Duration]) -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        latencies.iter().sum::<Duration>() / latencies.len() as u32
    }
}

/// Microseconds as a float, the unit every table and chart uses.
pub fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// The median of a few measurements (the lower middle one for an even
/// count): repeated runs are summarised by their median, which one noisy
/// run cannot drag.
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        // 1..=100 µs, shuffled: the p-th percentile is p µs exactly.
        let mut values: Vec<Duration> = (1..=100).map(us).collect();
        values.reverse();
        let latencies = Latencies::new(values);
        assert_eq!(latencies.percentile(50.0), us(50));
        assert_eq!(latencies.percentile(99.0), us(99));
        assert_eq!(latencies.percentile(100.0), us(100));
        assert_eq!(latencies.percentile(0.5), us(1));
        assert_eq!(latencies.max(), us(100));
        assert_eq!(latencies.mean(), Duration::from_nanos(50_500));
    }

    #[test]
    fn a_percentile_is_always_a_measured_value() {
        let latencies = Latencies::new(vec![us(10), us(1000)]);
        // p50 of two values is the lower one, p51 the upper: no averaging.
        assert_eq!(latencies.percentile(50.0), us(10));
        assert_eq!(latencies.percentile(51.0), us(1000));
        assert_eq!(latencies.percentile(99.0), us(1000));
    }

    #[test]
    fn one_slow_request_in_a_hundred_shows_in_p99_not_in_p50() {
        let mut values = vec![us(40); 99];
        values.push(us(50_000));
        let latencies = Latencies::new(values);
        assert_eq!(latencies.percentile(50.0), us(40));
        assert_eq!(latencies.percentile(99.0), us(40));
        assert_eq!(latencies.max(), us(50_000));
        let mut values = vec![us(40); 98];
        values.extend([us(50_000), us(50_000)]);
        assert_eq!(Latencies::new(values).percentile(99.0), us(50_000));
    }

    #[test]
    fn nothing_measured_gives_zeros() {
        let latencies = Latencies::new(Vec::new());
        assert_eq!(latencies.percentile(99.0), Duration::ZERO);
        assert_eq!(latencies.max(), Duration::ZERO);
        assert_eq!(latencies.mean(), Duration::ZERO);
        assert_eq!(Latencies::mean_of(&[]), Duration::ZERO);
    }

    #[test]
    fn the_median_of_repeats_ignores_one_outlier() {
        assert_eq!(median(vec![3.0, 1.0, 1000.0]), 3.0);
        assert_eq!(median(vec![2.0, 1.0]), 1.0);
        assert!(median(Vec::new()).is_nan());
    }
}
