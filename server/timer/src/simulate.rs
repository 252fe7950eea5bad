//! Simulated strips: crossings typed on stdin or from a schedule, for tests and rehearsal.
//!
//! Stdin lines:
//! - empty → a crossing now on the first line (17 by default);
//! - `27` → a crossing now on line 27 (any of the watched lines);
//! - `@12.345` → a crossing stamped exactly at simulation start + 12.345 s, first line;
//! - `@12.345 27` → the same on line 27.
//!
//! The simulation start is `CLOCK_MONOTONIC` at program start, and stamps use that clock, so
//! simulated crossings look exactly like real ones to the server. `@` offsets are parsed as
//! decimal text, never through floats, so they are exact to the microsecond. Simulated edges
//! go through the same filter as real ones (in the link thread).

use std::io::BufRead;
use std::sync::mpsc::Sender;

use crate::clock;
use crate::link::Edge;

/// Parses non-negative decimal seconds (`12`, `12.5`, `0.000001`; at most 6 decimals) into
/// microseconds, exactly.
pub fn parse_seconds_us(s: &str) -> Result<u64, String> {
    let bad = || format!("{s:?} is not a time in seconds like 12.345 (at most 6 decimals)");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !digits(int)
        || !digits(frac)
        || frac.len() > 6
        || (s.contains('.') && frac.is_empty())
    {
        return Err(bad());
    }
    let whole: u64 = int.parse().map_err(|_| bad())?;
    // Pad to 6 digits: "345" means 345000 µs.
    let micros: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(micros))
        .ok_or_else(bad)
}

/// What one stdin line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// A crossing stamped when the line is read.
    Now {
        /// GPIO line.
        line: u32,
    },
    /// A crossing stamped at simulation start + `offset_us`.
    At {
        /// Microseconds after simulation start.
        offset_us: u64,
        /// GPIO line.
        line: u32,
    },
}

/// Parses one stdin line; `lines` are the watched lines, the first is the default.
pub fn parse_command(input: &str, lines: &[u32]) -> Result<Command, String> {
    let default = lines.first().copied().ok_or("no lines configured")?;
    let line_arg = |t: Option<&str>| -> Result<u32, String> {
        let Some(t) = t else { return Ok(default) };
        let line: u32 = t
            .parse()
            .map_err(|_| format!("{t:?} is not a line number"))?;
        if lines.contains(&line) {
            Ok(line)
        } else {
            Err(format!(
                "line {line} is not one of the watched lines {lines:?}"
            ))
        }
    };
    let mut words = input.split_whitespace();
    let first = words.next();
    let command = match first {
        None => Command::Now { line: default },
        Some(at) if at.starts_with('@') => {
            let offset_us = parse_seconds_us(&at[1..])?;
            Command::At {
                offset_us,
                line: line_arg(words.next())?,
            }
        }
        Some(line) => Command::Now {
            line: line_arg(Some(line))?,
        },
    };
    if let Some(extra) = words.next() {
        return Err(format!("unexpected {extra:?}"));
    }
    Ok(command)
}

/// Sends a crossing at each offset of `schedule` (microseconds after `start_us`), sleeping
/// until each is due; stamps are exactly `start_us + offset`. Returns when done.
pub fn run_schedule(start_us: u64, schedule: &[u64], line: u32, tx: &Sender<Edge>) {
    for &offset in schedule {
        let stamp_us = start_us.saturating_add(offset);
        loop {
            let now = clock::now_us();
            if now >= stamp_us {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(stamp_us - now));
        }
        if tx.send(Edge { stamp_us, line }).is_err() {
            return;
        }
    }
    eprintln!("schedule done ({} crossings)", schedule.len());
}

/// Reads commands from stdin until EOF, sending one edge per good line. Bad lines are
/// reported and skipped.
pub fn run_stdin(start_us: u64, lines: &[u32], tx: &Sender<Edge>) {
    let stdin = std::io::stdin();
    for input in stdin.lock().lines() {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                eprintln!("cannot read stdin: {e}");
                break;
            }
        };
        let edge = match parse_command(&input, lines) {
            Ok(Command::Now { line }) => Edge {
                stamp_us: clock::now_us(),
                line,
            },
            Ok(Command::At { offset_us, line }) => Edge {
                stamp_us: start_us.saturating_add(offset_us),
                line,
            },
            Err(e) => {
                eprintln!("bad simulate line {input:?}: {e}");
                continue;
            }
        };
        if tx.send(edge).is_err() {
            return;
        }
    }
    eprintln!("stdin closed; still running (kill to stop)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact() {
        assert_eq!(parse_seconds_us("12.345"), Ok(12_345_000));
        assert_eq!(parse_seconds_us("0.000001"), Ok(1));
        assert_eq!(parse_seconds_us("3"), Ok(3_000_000));
        assert_eq!(parse_seconds_us("13.5"), Ok(13_500_000));
        assert_eq!(parse_seconds_us("24.1"), Ok(24_100_000));
        assert_eq!(parse_seconds_us("0.1"), Ok(100_000));
        assert_eq!(parse_seconds_us("007.000010"), Ok(7_000_010));
        // A classic float trap: 0.29 * 1e6 = 289999.99999999994.
        assert_eq!(parse_seconds_us("0.29"), Ok(290_000));
    }

    #[test]
    fn bad_seconds_are_refused() {
        for s in [
            "",
            ".",
            "1.",
            ".5",
            "-1",
            "1.2345678",
            "1e3",
            "1,5",
            " 1",
            "abc",
            "99999999999999999999",
        ] {
            assert!(parse_seconds_us(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn commands() {
        let lines = [17, 27];
        assert_eq!(parse_command("", &lines), Ok(Command::Now { line: 17 }));
        assert_eq!(parse_command("   ", &lines), Ok(Command::Now { line: 17 }));
        assert_eq!(parse_command("27", &lines), Ok(Command::Now { line: 27 }));
        assert_eq!(
            parse_command("@12.345", &lines),
            Ok(Command::At {
                offset_us: 12_345_000,
                line: 17
            })
        );
        assert_eq!(
            parse_command("@12.345 27", &lines),
            Ok(Command::At {
                offset_us: 12_345_000,
                line: 27
            })
        );
    }

    #[test]
    fn bad_commands() {
        let lines = [17, 27];
        for s in ["5", "x", "@", "@x", "@1.5 5", "@1 27 3", "27 27"] {
            assert!(parse_command(s, &lines).is_err(), "{s:?} should be refused");
        }
    }
}
