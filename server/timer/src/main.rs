//! The `drem-timer` program: parses the command line and wires the threads together.
//!
//! An edge source (GPIO reader, or stdin and schedule in `--simulate`) runs on its own
//! thread(s) and pushes raw edges into a channel; the link thread filters, numbers and
//! delivers them (see `drem_timer::link`). Errors in the arguments or at start-up end the
//! program with a message and a non-zero exit code; after that it runs until killed.

use std::convert::Infallible;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use drem_timer::endpoint::Endpoint;
use drem_timer::link::{self, LinkConfig};
use drem_timer::{clock, simulate};

/// Sends start/finish line crossings from the timing strips to drem.
#[derive(Parser, Debug)]
#[command(name = "drem-timer", version, after_help = AFTER_HELP)]
struct Cli {
    /// drem server, e.g. http://drem.local:3000 (plain http/ws only: https/wss is not supported yet)
    #[arg(long, value_name = "URL")]
    server: String,

    /// File holding this timer's token (surrounding whitespace is ignored); wins over --token
    // No `conflicts_with = "token"`: clap would count DREM_TIMER_TOKEN from the environment
    // as a conflict too, and a stray env variable should not stop a configured timer.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,

    /// This timer's token (visible to other users in `ps`; prefer --token-file or the env variable)
    #[arg(
        long,
        value_name = "TOKEN",
        env = "DREM_TIMER_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,

    /// GPIO chip device of the strips
    #[arg(long, value_name = "PATH", default_value = "/dev/gpiochip0")]
    chip: PathBuf,

    /// GPIO lines (offsets on the chip) of the strips, comma-separated
    #[arg(
        long,
        value_name = "N,N",
        value_delimiter = ',',
        default_value = "17,27"
    )]
    lines: Vec<u32>,

    /// Edges within this many milliseconds after a crossing belong to that crossing
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    debounce_ms: u64,

    /// Bias of the GPIO lines; unset leaves them as they are (the sensor boards drive the line)
    #[arg(long, value_enum, conflicts_with = "simulate")]
    bias: Option<BiasArg>,

    /// No GPIO: crossings come from stdin lines (see below) and --schedule
    #[arg(long)]
    simulate: bool,

    /// With --simulate: crossings at these offsets in seconds after start, e.g. 3,13.5,24.1
    #[arg(long, value_name = "SECONDS,...", value_delimiter = ',', requires = "simulate",
          value_parser = simulate::parse_seconds_us)]
    schedule: Vec<u64>,
}

const AFTER_HELP: &str = "\
The token comes from --token-file, else from --token or DREM_TIMER_TOKEN (one is required).

--simulate reads stdin lines: an empty line is a crossing now on the first line; `27` a
crossing now on line 27; `@12.345` a crossing at exactly 12.345 s after start on the first
line; `@12.345 27` the same on line 27. At end of input the program keeps running.";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BiasArg {
    PullUp,
    PullDown,
    Disabled,
}

fn main() -> ExitCode {
    // The simulation start, and the earliest stamp anything can refer to.
    let start_us = clock::now_us();
    let cli = Cli::parse();
    match run(cli, start_us) {
        Ok(never) => match never {},
        Err(e) => {
            eprintln!("drem-timer: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_token(cli: &Cli) -> Result<String, String> {
    let token = match (&cli.token_file, &cli.token) {
        (Some(path), other) => {
            if other.is_some() {
                eprintln!("using --token-file; ignoring --token / DREM_TIMER_TOKEN");
            }
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read --token-file {}: {e}", path.display()))?
                .trim()
                .to_string()
        }
        (None, Some(token)) => token.trim().to_string(),
        (None, None) => {
            return Err("no token: give --token-file, --token or DREM_TIMER_TOKEN".into())
        }
    };
    if token.is_empty() {
        return Err("the token is empty".into());
    }
    // It goes into an HTTP header: printable ASCII, no spaces.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the token has characters that cannot go in an HTTP header".into());
    }
    Ok(token)
}

fn check_lines(lines: &[u32]) -> Result<(), String> {
    if lines.is_empty() {
        return Err("--lines needs at least one line".into());
    }
    let mut sorted = lines.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != lines.len() {
        return Err(format!("--lines {lines:?} lists a line twice"));
    }
    Ok(())
}

fn run(cli: Cli, start_us: u64) -> Result<Infallible, String> {
    let endpoint = Endpoint::parse(&cli.server)?;
    let token = read_token(&cli)?;
    check_lines(&cli.lines)?;
    let boot = link::new_boot_id()?;
    eprintln!(
        "drem-timer {} boot={boot} server={} lines={:?} debounce={} ms{}",
        env!("CARGO_PKG_VERSION"),
        endpoint.url(),
        cli.lines,
        cli.debounce_ms,
        if cli.simulate { " (simulate)" } else { "" }
    );

    let (tx, rx) = mpsc::channel();
    let link_cfg = LinkConfig {
        endpoint,
        token,
        boot,
        debounce: Duration::from_millis(cli.debounce_ms),
        log_dropped: cli.simulate,
    };
    let link = thread::Builder::new()
        .name("link".into())
        .spawn(move || link::run(link_cfg, rx))
        .map_err(|e| format!("cannot start the link thread: {e}"))?;

    if cli.simulate {
        let first_line = cli.lines.first().copied().ok_or("--lines is empty")?;
        if !cli.schedule.is_empty() {
            let tx = tx.clone();
            let schedule = cli.schedule.clone();
            thread::Builder::new()
                .name("schedule".into())
                .spawn(move || simulate::run_schedule(start_us, &schedule, first_line, &tx))
                .map_err(|e| format!("cannot start the schedule thread: {e}"))?;
        }
        simulate::run_stdin(start_us, &cli.lines, &tx);
        // Keep running: the link goes on delivering until the process is killed.
        let _ = link.join();
        return Err("the link thread stopped".into());
    }
    run_gpio(&cli, &tx)
}

#[cfg(target_os = "linux")]
fn run_gpio(cli: &Cli, tx: &mpsc::Sender<link::Edge>) -> Result<Infallible, String> {
    use drem_timer::gpio::{self, Bias, GpioConfig};
    let bias = cli.bias.map(|b| match b {
        BiasArg::PullUp => Bias::PullUp,
        BiasArg::PullDown => Bias::PullDown,
        BiasArg::Disabled => Bias::Disabled,
    });
    gpio::run(
        &GpioConfig {
            chip: cli.chip.clone(),
            lines: cli.lines.clone(),
            bias,
        },
        tx,
    )
}

#[cfg(not(target_os = "linux"))]
fn run_gpio(_cli: &Cli, _tx: &mpsc::Sender<link::Edge>) -> Result<Infallible, String> {
    Err("reading GPIO needs Linux; use --simulate".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["drem-timer", "--server", "http://x:3000", "--token", "t"])
            .unwrap();
        assert_eq!(cli.lines, vec![17, 27]);
        assert_eq!(cli.debounce_ms, 2000);
        assert_eq!(cli.chip, PathBuf::from("/dev/gpiochip0"));
        assert!(!cli.simulate && cli.schedule.is_empty() && cli.bias.is_none());
    }

    #[test]
    fn schedule_needs_simulate_and_parses_exactly() {
        assert!(
            Cli::try_parse_from(["drem-timer", "--server", "http://x", "--schedule", "3"]).is_err()
        );
        let cli = Cli::try_parse_from([
            "drem-timer",
            "--server",
            "http://x",
            "--simulate",
            "--schedule",
            "3,13.5,24.1",
        ])
        .unwrap();
        assert_eq!(cli.schedule, vec![3_000_000, 13_500_000, 24_100_000]);
        assert!(Cli::try_parse_from([
            "drem-timer",
            "--server",
            "http://x",
            "--simulate",
            "--schedule",
            "1.2.3"
        ])
        .is_err());
    }

    #[test]
    fn line_checks() {
        assert!(check_lines(&[17, 27]).is_ok());
        assert!(check_lines(&[17, 17]).is_err());
        assert!(check_lines(&[]).is_err());
    }
}
