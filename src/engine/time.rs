//! Simulated time. The core never reads a clock: the driver passes time in.

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// A point on the simulation's clock, in milliseconds since the run started.
///
/// Milliseconds are Kafka's own unit for every timeout and interval (`linger.ms`,
/// `session.timeout.ms`...), so configs convert without loss.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_ms(ms: u64) -> Self {
        SimTime(ms)
    }

    pub fn as_ms(self) -> u64 {
        self.0
    }

    /// Adds a duration in milliseconds, saturating rather than wrapping so that a huge
    /// configured timeout means "never" instead of "in the past".
    pub fn plus_ms(self, ms: u64) -> Self {
        SimTime(self.0.saturating_add(ms))
    }

    /// Milliseconds elapsed since `earlier`, or zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<u64> for SimTime {
    type Output = SimTime;
    fn add(self, ms: u64) -> SimTime {
        self.plus_ms(ms)
    }
}

impl Sub for SimTime {
    type Output = u64;
    fn sub(self, earlier: SimTime) -> u64 {
        self.since(earlier)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}
