//! Server-only code: application state, the role guard, password hashing and storage.
//! Nothing here is compiled into the browser bundle.

pub mod bootstrap;
pub mod bundle;
pub mod cars;
pub mod clock;
pub mod export;
pub mod guard;
pub mod handle;
pub mod metrics;
pub mod model_files;
pub mod model_quota;
pub mod password;
pub mod qr;
pub mod race_end;
pub mod realtime;
pub mod secrets;
pub mod session;
pub mod standings;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod timing;
pub mod tokens;
