//! Command-line flags, each with an environment-variable twin.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// drem: a self-hosted event manager for AWS DeepRacer races.
#[derive(Debug, Clone, Parser)]
#[command(name = "drem", version, about)]
pub struct Config {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "DREM_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Folder for drem's data: the embedded database and uploaded models.
    #[arg(long, env = "DREM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database: `mem://` (nothing kept, for tests), `surrealkv://PATH`, or
    /// `ws://HOST:PORT` for a SurrealDB server. Default: on disk in the data folder.
    #[arg(long, env = "DREM_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Root user for a remote SurrealDB server.
    #[arg(long, env = "DREM_DATABASE_USER", requires = "database_password")]
    pub database_user: Option<String>,

    /// Root password for a remote SurrealDB server.
    #[arg(long, env = "DREM_DATABASE_PASSWORD", hide_env_values = true)]
    pub database_password: Option<String>,

    /// The address people use to reach drem, for links and QR codes
    /// (default: http:// and the bind address). `https://` makes cookies Secure.
    #[arg(long, env = "DREM_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Password for the first admin, used only when no admin exists yet.
    /// Without it, drem generates one and prints it once.
    #[arg(long, env = "DREM_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Where model files are kept: `file:///PATH`, `memory://` (nothing kept), or
    /// `s3://BUCKET[/PREFIX]` with the `AWS_*` environment variables (credentials,
    /// region, `AWS_ENDPOINT` for an S3-compatible server). Default: the `models` folder
    /// in the data folder (memory with an in-memory database).
    #[arg(long, env = "DREM_MODEL_STORE")]
    pub model_store: Option<String>,

    /// The largest model upload accepted, in MB.
    #[arg(long, env = "DREM_MAX_MODEL_MB", default_value_t = 200)]
    pub max_model_mb: u64,

    /// The key that seals car console passwords and the car SSH key at rest: 64 hex
    /// digits. Default: `secret.key` in the data folder, created on first start (a
    /// fresh key each run with an in-memory database).
    #[arg(long, env = "DREM_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Seconds between two status checks of every car.
    #[arg(long, env = "DREM_CAR_POLL_SECONDS", default_value_t = 10)]
    pub car_poll_seconds: u64,

    /// Log filter, e.g. `info` or `drem=debug,info`.
    #[arg(long, env = "DREM_LOG", default_value = "info")]
    pub log: String,

    /// Folder with the built browser files (cargo-leptos sets this).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl Config {
    /// The database URL to open.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("surrealkv://{}", self.data_dir.join("db").display()))
    }

    /// The model store to open.
    pub fn model_store(&self) -> String {
        match &self.model_store {
            Some(url) => url.clone(),
            None if self.database_url().starts_with("mem://") => "memory://".into(),
            None => format!("file://{}", self.data_dir.join("models").display()),
        }
    }

    /// The key that seals secrets at rest.
    pub fn secret_key(&self) -> Result<app::ssr::secrets::SecretKey, String> {
        use app::ssr::secrets::SecretKey;
        match &self.secret_key {
            Some(hex) => SecretKey::from_hex(hex).map_err(|e| format!("DREM_SECRET_KEY: {e}")),
            None if self.database_url().starts_with("mem://") => SecretKey::ephemeral(),
            None => SecretKey::from_file(&self.data_dir.join("secret.key")),
        }
    }

    /// The public URL without a trailing slash, given the address actually bound.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
            .trim_end_matches('/')
            .to_string()
    }
}
