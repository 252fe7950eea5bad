//! Waiting longer after each failure: the first wait, doubling up to a longest one.

/// The wait before retry number `attempt` (1 for the first retry): `first`, doubled for
/// each earlier failure, never more than `longest` (in whatever unit both are in).
pub fn doubling(first: u64, longest: u64, attempt: u32) -> u64 {
    let doublings = attempt.saturating_sub(1).min(63);
    first.saturating_mul(1u64 << doublings).min(longest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_first_wait_up_to_the_longest() {
        let waits: Vec<u64> = (1..=8).map(|a| doubling(5, 300, a)).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(doubling(5, 300, 0), 5, "no attempt yet waits the first");
        assert_eq!(doubling(1_000, 30_000, 200), 30_000, "no overflow");
    }
}
