//! Racers' public handles: what public pages tell racers apart by (a personal best, the
//! newest finisher, a row), where display names can repeat and ids must not show. A
//! handle is the start of a SHA-256 of the racer's id: the same on every process and
//! every copy of the database, also for a deleted account's races, and no way back to
//! the id (ids are random).

use sha2::{Digest, Sha256};

/// `racer`'s public handle: 12 hex digits.
pub fn of(racer: &str) -> String {
    let digest = Sha256::digest(format!("drem public handle {racer}").as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_handle_is_stable_short_and_tells_racers_apart() {
        let a = super::of("t1x9l2k0d8s7q6w5e4r3");
        assert_eq!(a, super::of("t1x9l2k0d8s7q6w5e4r3"));
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!a.contains("t1x9"), "nothing of the id");
        assert_ne!(a, super::of("t1x9l2k0d8s7q6w5e4r4"));
    }
}
