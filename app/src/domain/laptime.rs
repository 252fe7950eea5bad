//! The one formatter for lap and race times: `m:ss.mmm`, or `ss.mmm` under a minute.

/// Formats milliseconds as `m:ss.mmm` (`ss.mmm` under a minute).
pub fn format_ms(ms: u64) -> String {
    let minutes = ms / 60_000;
    let seconds = (ms / 1000) % 60;
    let millis = ms % 1000;
    if minutes == 0 {
        format!("{seconds}.{millis:03}")
    } else {
        format!("{minutes}:{seconds:02}.{millis:03}")
    }
}

/// A signed difference, as a gap: `+1.234` or `-0.500`.
pub fn format_gap(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    format!("{sign}{}", format_ms(ms.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_ms(0), "0.000");
        assert_eq!(format_ms(9_410), "9.410");
        assert_eq!(format_ms(59_999), "59.999");
        assert_eq!(format_ms(60_000), "1:00.000");
        assert_eq!(format_ms(125_007), "2:05.007");
        assert_eq!(format_gap(1_234), "+1.234");
        assert_eq!(format_gap(-500), "-0.500");
    }
}
