//! `drem`: parse flags, start logging, build the app, print how to sign in, serve.

use app::ssr::bootstrap::FirstAdmin;
use clap::Parser;
use drem_server::{config::Config, Application};
use tracing_subscriber::EnvFilter;

/// Thousands of idle live streams: mimalloc keeps their memory small (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // The database's files hold password hashes and session ids, the data folder the
    // key that seals car passwords: what drem creates is readable by its own account
    // alone (files 0600, folders 0700), whatever the shell's umask.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask; no threads exist yet.
    unsafe {
        libc::umask(0o077);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("drem could not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(serve());
    // A blocking task still running (a database call) must not keep drem from exiting.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    code
}

async fn serve() -> std::process::ExitCode {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        .init();

    // Every viewer holds a connection: the soft limit (often 1,024) would refuse new
    // ones long before the machine runs out; the hard limit is what may be used.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => println!("Open files: up to {limit}"),
        Err(e) => eprintln!("could not raise the open-file limit: {e}"),
    }
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("drem could not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let url = format!("http://{}", app.address());
    // Plain stdout lines: people read them, and tests find the address in them.
    println!("drem listening on {url}");
    if let Some(line) = app.public_url.explain() {
        println!("{line}");
    }
    // The sign-in link as others can open it (not 0.0.0.0).
    let url = &app.public_url.url;
    match &app.first_admin {
        FirstAdmin::Exists => {}
        FirstAdmin::FromEnvironment { username } => println!(
            "First admin created: sign in at {url}/sign-in as '{username}' with the password from DREM_ADMIN_PASSWORD."
        ),
        FirstAdmin::Generated { username, password } => println!(
            "First admin created: sign in at {url}/sign-in as '{username}' with password {password}\n\
             This password is shown only once: change it on your profile page after signing in."
        ),
    }
    if let Err(e) = app.run().await {
        eprintln!("drem stopped: {e}");
        return std::process::ExitCode::FAILURE;
    }
    println!("drem stopped");
    std::process::ExitCode::SUCCESS
}
