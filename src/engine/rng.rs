//! The one seeded random number generator of a run.

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Every random choice in a run (network jitter, keyless partition picks, member ids) comes from
/// this generator, seeded once, so a run is a pure function of its seed and its commands.
/// Sampling uses only fixed-width integers: `usize` differs between wasm32 and x86_64 and would
/// make the browser and the command line disagree.
#[derive(Clone, Debug)]
pub struct SimRng {
    inner: Pcg64Mcg,
}

impl SimRng {
    pub fn seeded(seed: u64) -> Self {
        SimRng {
            inner: Pcg64Mcg::seed_from_u64(seed),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform integer in `0..bound`, without modulo bias (Lemire's method with rejection).
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "below(0) has no valid result");
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            let low = product as u64;
            if low >= bound.wrapping_neg() % bound {
                return (product >> 64) as u64;
            }
        }
    }

    /// A uniform integer in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        low + self.below(high - low + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::seeded(7);
        let mut b = SimRng::seeded(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SimRng::seeded(1);
        for bound in 1..50 {
            assert!(rng.below(bound) < bound);
        }
        assert_eq!(rng.between(5, 5), 5);
    }
}
