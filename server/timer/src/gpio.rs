//! Reads the timing strips through the Linux GPIO character device (uAPI v2, Linux ≥ 5.10).
//!
//! Each strip's sound-sensor board drives one input line; a press is a rising edge. The
//! kernel stamps each edge when the interrupt fires, on `CLOCK_MONOTONIC` (requested
//! explicitly, not left to the default), so the stamp does not depend on how quickly this
//! thread runs. Edges go unfiltered into the link channel.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Duration;

pub use gpiocdev::line::Bias;
use gpiocdev::line::{EdgeDetection, EdgeKind, EventClock};
use gpiocdev::Request;

use crate::clock;
use crate::link::Edge;

/// Which lines to watch and how.
#[derive(Debug, Clone)]
pub struct GpioConfig {
    /// The GPIO chip device, e.g. `/dev/gpiochip0`.
    pub chip: PathBuf,
    /// Line offsets on that chip, e.g. 17 and 27.
    pub lines: Vec<u32>,
    /// Bias to set, or `None` to leave the line as the board/firmware configured it.
    pub bias: Option<Bias>,
}

fn request(cfg: &GpioConfig) -> Result<Request, String> {
    let mut builder = Request::builder();
    // Base settings first: gpiocdev applies them to the lines added afterwards.
    builder
        .on_chip(&cfg.chip)
        .with_consumer("drem-timer")
        .as_input()
        .with_edge_detection(EdgeDetection::RisingEdge)
        .with_event_clock(EventClock::Monotonic);
    if let Some(bias) = cfg.bias {
        builder.with_bias(bias);
    }
    builder.with_lines(&cfg.lines).request().map_err(|e| {
        format!(
            "cannot request GPIO lines {:?} on {}: {e}",
            cfg.lines,
            cfg.chip.display()
        )
    })
}

/// Requests the lines (an error here is returned: the program should stop with it), then
/// reads edges forever. A read error later on is logged and the lines are requested again
/// every second, so a hiccup does not lose the crossings waiting for the server.
pub fn run(cfg: &GpioConfig, tx: &Sender<Edge>) -> Result<Infallible, String> {
    let mut req = Some(request(cfg)?);
    eprintln!(
        "watching GPIO lines {:?} on {} for rising edges",
        cfg.lines,
        cfg.chip.display()
    );
    loop {
        let Some(active) = &req else {
            std::thread::sleep(Duration::from_secs(1));
            match request(cfg) {
                Ok(r) => {
                    eprintln!("GPIO lines requested again");
                    req = Some(r);
                }
                Err(e) => eprintln!("{e}"),
            }
            continue;
        };
        match active.read_edge_event() {
            Ok(event) if event.kind == EdgeKind::Rising => {
                let edge = Edge {
                    stamp_us: clock::ns_to_us(event.timestamp_ns),
                    line: event.offset,
                };
                if tx.send(edge).is_err() {
                    return Err("the link thread is gone".into());
                }
            }
            Ok(_) => {} // only rising edges are requested; ignore anything else
            Err(e) => {
                eprintln!("GPIO read failed: {e}; requesting the lines again");
                // Release the lines before asking for them again.
                req = None;
            }
        }
    }
}
