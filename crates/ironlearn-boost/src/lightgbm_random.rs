//! LightGBM's random number generator (`LightGBM::Random`).
//!
//! Where ironlearn draws what LightGBM draws with it (DART's drops, the seeds
//! LightGBM derives from `seed`), the same generator gives LightGBM's own
//! choices, so a model can be checked against LightGBM's round by round. It
//! is the C runtime's linear congruential generator: 15 bits a draw.

/// The generator's state.
#[derive(Debug, Clone)]
pub(crate) struct LightGbmRandom(u32);

impl LightGbmRandom {
    /// Seeded as LightGBM seeds it from an `int` (the low 32 bits).
    pub(crate) fn new(seed: u64) -> Self {
        LightGbmRandom(seed as u32)
    }

    fn next_int16(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(214_013).wrapping_add(2_531_011);
        (self.0 >> 16) & 0x7FFF
    }

    /// An integer in `lo..hi` (`NextShort`).
    pub(crate) fn next_short(&mut self, lo: u32, hi: u32) -> u32 {
        self.next_int16() % (hi - lo) + lo
    }

    /// A float in `[0, 1)` (`NextFloat`).
    pub(crate) fn next_float(&mut self) -> f32 {
        self.next_int16() as f32 / 32768.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_c_runtimes_sequence() {
        // rand() after srand(1): 41, 18467, 6334, 26500, 19169.
        let mut r = LightGbmRandom::new(1);
        let draws: Vec<u32> = (0..5).map(|_| r.next_int16()).collect();
        assert_eq!(draws, [41, 18467, 6334, 26500, 19169]);
        let mut r = LightGbmRandom::new(1);
        assert_eq!(r.next_float(), 41.0 / 32768.0);
        assert_eq!(r.next_short(10, 20), 18467 % 10 + 10);
    }
}
