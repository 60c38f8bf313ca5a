//! Seeds: every random choice draws from a generator seeded by a mix of the
//! user's seed, what the draw is for, and an index (run, day, variant), so
//! that results never depend on the order work is done in.

/// splitmix64 of the combination of `seed`, a purpose `a` and an index `b`.
pub fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    #[test]
    fn mixes_differ_by_purpose_and_index() {
        let a = super::mix(7, 1, 0);
        assert_ne!(a, super::mix(7, 1, 1));
        assert_ne!(a, super::mix(7, 2, 0));
        assert_eq!(a, super::mix(7, 1, 0));
    }
}
