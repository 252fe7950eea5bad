//! A simulated DeepRacer car console on its own, for the browser tests and for trying
//! the cars page without a car: `cargo run -p server --example car_sim -- --port 3198`.
//! The same simulator the API tests use (`tests/car_sim`).

#[path = "../tests/car_sim/mod.rs"]
mod car_sim;

use clap::Parser;
use std::time::Duration;

/// A simulated car console (HTTPS, self-signed certificate).
#[derive(Parser)]
struct Args {
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 3198)]
    port: u16,
    /// The console password.
    #[arg(long, default_value = "console-pass-7")]
    password: String,
    /// A pause after each received upload chunk, so progress can be watched.
    #[arg(long, default_value_t = 0)]
    upload_delay_ms: u64,
    /// The battery level reported: 0 to 11 (full), or -1 (no battery).
    #[arg(long, default_value_t = 7)]
    battery: i64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let car = car_sim::SimCar::start_on(args.port, &args.password).await;
    car.slow_uploads(Duration::from_millis(args.upload_delay_ms));
    car.set_battery(args.battery);
    println!(
        "simulated car at {} (certificate {})",
        car.address,
        car.fingerprint()
    );
    std::future::pending::<()>().await;
}
