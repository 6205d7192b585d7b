//! The play clock every page shares (the tour, the sandbox and the pipelines page): turns the wall-clock time between two
//! animation frames into whole simulated milliseconds at the chosen speed. The simulation moves
//! in whole milliseconds, so the fraction left over is carried to the next frame; at 0.25× a
//! 16 ms frame is 4 simulated ms, at 0.1× it takes several frames to make one.
//!
//! Plain Rust, no Yew: the reducers that own a clock are tested natively.

/// The longest wall-clock gap one frame may advance, so a tab that was in the background does
/// not jump the run far ahead when it comes back.
pub const MAX_FRAME_GAP_MS: f64 = 250.0;

/// The slowest and fastest speeds a play clock accepts, as multiples of real time.
pub const SPEED_RANGE: (f64, f64) = (0.1, 100.0);

/// Wall-clock to simulated time, with the sub-millisecond carry.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlayClock {
    carry_ms: f64,
}

impl PlayClock {
    /// The whole simulated milliseconds that `wall_ms` of wall-clock time make at `speed`,
    /// keeping the fraction for the next call. `None` when `wall_ms` is not a positive number
    /// (the first frame, or a clock that went backwards): nothing happened.
    pub fn advance(&mut self, wall_ms: f64, speed: f64) -> Option<u64> {
        self.advance_capped(wall_ms, speed, MAX_FRAME_GAP_MS)
    }

    /// [`PlayClock::advance`] with a page's own cap on one frame's wall-clock gap (the
    /// pipelines page, which runs several pipelines at once, takes smaller steps).
    pub fn advance_capped(&mut self, wall_ms: f64, speed: f64, max_gap_ms: f64) -> Option<u64> {
        if !wall_ms.is_finite() || wall_ms <= 0.0 {
            return None;
        }
        self.carry_ms += wall_ms.min(max_gap_ms) * speed;
        let whole_ms = self.carry_ms.floor();
        self.carry_ms -= whole_ms;
        Some(whole_ms as u64)
    }

    /// Forgets the carried fraction (after a seek, so the next frame starts clean).
    pub fn reset(&mut self) {
        self.carry_ms = 0.0;
    }
}

/// `speed` if it is a usable speed, clamped to [`SPEED_RANGE`]; `None` for nonsense (zero,
/// negative, not a number), which the caller ignores.
pub fn valid_speed(speed: f64) -> Option<f64> {
    (speed.is_finite() && speed > 0.0).then(|| speed.clamp(SPEED_RANGE.0, SPEED_RANGE.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_carry_and_gaps_are_capped() {
        let mut clock = PlayClock::default();
        assert_eq!(clock.advance(16.0, 0.25), Some(4));
        // 0.1 × 16 ms is 1.6 ms: one now, and the 0.6 carried makes two next time.
        assert_eq!(clock.advance(16.0, 0.1), Some(1));
        assert_eq!(clock.advance(16.0, 0.1), Some(2));
        clock.reset();
        assert_eq!(clock.advance(10_000.0, 1.0), Some(MAX_FRAME_GAP_MS as u64));
        assert_eq!(clock.advance(0.0, 1.0), None);
        assert_eq!(clock.advance(f64::NAN, 1.0), None);
        assert_eq!(clock.advance(-5.0, 1.0), None);
        assert_eq!(clock.advance_capped(10_000.0, 2.0, 100.0), Some(200));
    }

    #[test]
    fn speeds_are_clamped_and_nonsense_refused() {
        assert_eq!(valid_speed(2.0), Some(2.0));
        assert_eq!(valid_speed(1_000.0), Some(SPEED_RANGE.1));
        assert_eq!(valid_speed(0.01), Some(SPEED_RANGE.0));
        assert_eq!(valid_speed(0.0), None);
        assert_eq!(valid_speed(f64::INFINITY), None);
    }
}
