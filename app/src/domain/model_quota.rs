//! How much one racer may keep in models, and when drem takes no more uploads at all.
//! Uploads under way count as held: they are reserved when they start, so uploads
//! opened together cannot all pass a check that each passes alone.

/// The ceilings, from drem's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaLimits {
    /// Models one racer may keep (invalid ones hold no bytes and do not count).
    pub models: usize,
    /// Bytes one racer's models may take together.
    pub racer_bytes: u64,
    /// Free space the model store's disk keeps: uploads stop before the disk fills.
    pub min_free_bytes: u64,
}

/// What a racer holds: kept models and uploads under way, with their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Held {
    pub models: usize,
    pub bytes: u64,
}

/// Why an upload may not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("You have {0} models (uploads under way included), the most one racer may keep: delete some first.")]
    TooManyModels(usize),
    #[error(
        "Your models take {held_mb} MB of the {limit_mb} MB one racer may keep: delete some first."
    )]
    RacerFull { held_mb: u64, limit_mb: u64 },
    #[error("The model store's disk is nearly full, so drem takes no more uploads: ask the event's staff.")]
    DiskFull,
}

/// Whether an upload of at most `upload_bytes` may start for a racer holding `held`,
/// on a store whose disk has `free_bytes` left (`None`: a bucket, no disk to watch).
pub fn may_start(
    held: Held,
    upload_bytes: u64,
    free_bytes: Option<u64>,
    limits: &QuotaLimits,
) -> Result<(), Refusal> {
    if held.models >= limits.models {
        return Err(Refusal::TooManyModels(held.models));
    }
    if held.bytes.saturating_add(upload_bytes) > limits.racer_bytes {
        return Err(Refusal::RacerFull {
            held_mb: held.bytes >> 20,
            limit_mb: limits.racer_bytes >> 20,
        });
    }
    if free_bytes.is_some_and(|free| free < upload_bytes.saturating_add(limits.min_free_bytes)) {
        return Err(Refusal::DiskFull);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: QuotaLimits = QuotaLimits {
        models: 50,
        racer_bytes: 1000,
        min_free_bytes: 100,
    };

    fn held(models: usize, bytes: u64) -> Held {
        Held { models, bytes }
    }

    #[test]
    fn the_fiftieth_model_may_start_the_fifty_first_may_not() {
        assert_eq!(may_start(held(49, 0), 10, None, &LIMITS), Ok(()));
        assert_eq!(
            may_start(held(50, 0), 10, None, &LIMITS),
            Err(Refusal::TooManyModels(50))
        );
    }

    #[test]
    fn a_racer_keeps_at_most_the_byte_ceiling_counting_this_upload() {
        assert_eq!(may_start(held(1, 900), 100, None, &LIMITS), Ok(()));
        assert!(matches!(
            may_start(held(1, 900), 101, None, &LIMITS),
            Err(Refusal::RacerFull { .. })
        ));
        assert!(matches!(
            may_start(held(1, u64::MAX), u64::MAX, None, &LIMITS),
            Err(Refusal::RacerFull { .. })
        ));
    }

    #[test]
    fn uploads_stop_before_the_disk_fills() {
        assert_eq!(may_start(held(0, 0), 100, Some(200), &LIMITS), Ok(()));
        assert_eq!(
            may_start(held(0, 0), 100, Some(199), &LIMITS),
            Err(Refusal::DiskFull)
        );
    }
}
