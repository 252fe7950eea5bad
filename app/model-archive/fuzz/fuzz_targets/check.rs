//! Any bytes as an uploaded model: the checker must answer (a model or a problem)
//! without panicking, hanging or running out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model_archive::{check, Limits};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the logic is the same as with the real ones.
    let limits = Limits {
        max_entries: 50,
        max_unpacked_bytes: 4 << 20,
        max_ratio: 100,
    };
    let _ = check(data, &limits);
});
