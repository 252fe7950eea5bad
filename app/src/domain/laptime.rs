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

/// Seconds as typed ("2", "2.5", "0.250"; a comma works as the point) in ms; `None`
/// for anything else or more than three decimals. No floats: what is typed is exact.
pub fn parse_seconds(text: &str) -> Option<u64> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 3
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let millis: u64 = format!("{fraction:0<3}").parse().ok()?;
    whole.checked_mul(1000)?.checked_add(millis)
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
    fn seconds_as_typed() {
        assert_eq!(parse_seconds("2"), Some(2_000));
        assert_eq!(parse_seconds(" 2.5 "), Some(2_500));
        assert_eq!(parse_seconds("0,25"), Some(250));
        assert_eq!(parse_seconds(".125"), Some(125));
        for bad in ["", ".", "-1", "1.2345", "1e3", "one", "1.2.3"] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
    }

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
