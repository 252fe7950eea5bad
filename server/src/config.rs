//! Command-line flags, each with an environment-variable twin.

use clap::Parser;
use std::net::{IpAddr, SocketAddr};
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

    /// The most one racer's models may take together, in MB.
    #[arg(long, env = "DREM_MAX_RACER_MODELS_MB", default_value_t = 2000)]
    pub max_racer_models_mb: u64,

    /// Free space the model folder's disk keeps, in MB: uploads stop before the disk
    /// fills (a folder store only).
    #[arg(long, env = "DREM_MIN_FREE_DISK_MB", default_value_t = 1024)]
    pub min_free_disk_mb: u64,

    /// The key that seals car console passwords and the car SSH key at rest: 64 hex
    /// digits. Default: `secret.key` in the data folder, created on first start (a
    /// fresh key each run with an in-memory database).
    #[arg(long, env = "DREM_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Seconds between two status checks of every car.
    #[arg(long, env = "DREM_CAR_POLL_SECONDS", default_value_t = 10)]
    pub car_poll_seconds: u64,

    /// Seconds a client may take to send a request's head, or pause within its body;
    /// a request (but a model upload) must be whole and answered within six times this.
    /// Slow or unfinished requests are then closed, so they cannot hold connections.
    #[arg(long, env = "DREM_REQUEST_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_seconds: u64,

    /// Log filter, e.g. `info` or `drem=debug,info`.
    #[arg(long, env = "DREM_LOG", default_value = "info")]
    pub log: String,

    /// Folder with the built browser files (cargo-leptos sets this).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl Config {
    /// The model quota's ceilings.
    pub fn quota_limits(&self) -> app::domain::model_quota::QuotaLimits {
        app::domain::model_quota::QuotaLimits {
            models: app::domain::model_name::MAX_MODELS_PER_RACER,
            racer_bytes: self.max_racer_models_mb.saturating_mul(1 << 20),
            min_free_bytes: self.min_free_disk_mb.saturating_mul(1 << 20),
        }
    }

    /// How long a request's head, or a pause in its body, may take.
    pub fn request_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.request_timeout_seconds)
    }

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

    /// Where people reach drem, given the address actually bound: `--public-url`, or
    /// the bound address; with an unspecified one (`0.0.0.0`, `[::]`), which no phone can
    /// open, this machine's address on its network.
    pub fn public_url(&self, bound: SocketAddr) -> PublicUrl {
        if let Some(url) = &self.public_url {
            return PublicUrl {
                url: url.trim_end_matches('/').to_string(),
                source: UrlSource::Flag,
            };
        }
        if !bound.ip().is_unspecified() {
            return PublicUrl {
                url: format!("http://{bound}"),
                source: UrlSource::Bind,
            };
        }
        let interfaces: Vec<(String, IpAddr)> = if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .map(|i| (i.name.clone(), i.ip()))
            .collect();
        match lan_address(&interfaces) {
            Some((interface, ip)) => PublicUrl {
                url: format!("http://{}", SocketAddr::new(ip, bound.port())),
                source: UrlSource::Interface(interface),
            },
            None => PublicUrl {
                url: format!("http://127.0.0.1:{}", bound.port()),
                source: UrlSource::NoNetwork,
            },
        }
    }
}

/// Where people reach drem (no trailing slash), and how drem came to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    pub url: String,
    pub source: UrlSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// `--public-url`.
    Flag,
    /// The address drem listens on.
    Bind,
    /// This machine's address on that network interface (drem listens on all).
    Interface(String),
    /// drem listens on all addresses but this machine has no network address: links
    /// work on this machine only.
    NoNetwork,
}

impl PublicUrl {
    /// A line for the operator when the links were not theirs to choose, else `None`.
    pub fn explain(&self) -> Option<String> {
        match &self.source {
            UrlSource::Flag | UrlSource::Bind => None,
            UrlSource::Interface(name) => Some(format!(
                "Invite links and QR codes use {} (this machine's address on {name}); \
                 set --public-url if phones reach drem at another address.",
                self.url
            )),
            UrlSource::NoNetwork => Some(format!(
                "No network address found: invite links and QR codes use {}, which only \
                 this machine can open. Set --public-url to the address phones reach drem at.",
                self.url
            )),
        }
    }
}

/// The address phones on the venue network most likely reach this machine at: IPv4
/// before IPv6, a private LAN address (192.168/16, 10/8, 172.16/12) before others, and
/// never loopback, link-local, or the bridges of containers and virtual machines.
fn lan_address(interfaces: &[(String, IpAddr)]) -> Option<(String, IpAddr)> {
    let virtual_bridge = |name: &str| {
        [
            "docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "cni", "flannel", "lxc",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
    };
    let rank = |ip: &IpAddr| match ip {
        IpAddr::V4(v4) if v4.is_private() => Some(0),
        IpAddr::V4(v4) if !v4.is_loopback() && !v4.is_link_local() && !v4.is_unspecified() => {
            Some(1)
        }
        // Unique local or global IPv6 (fe80::/10 link-local needs a zone no link carries).
        IpAddr::V6(v6)
            if !v6.is_loopback()
                && !v6.is_unspecified()
                && (v6.segments()[0] & 0xffc0) != 0xfe80 =>
        {
            Some(2)
        }
        _ => None,
    };
    interfaces
        .iter()
        .filter(|(name, _)| !virtual_bridge(name))
        .filter_map(|(name, ip)| rank(ip).map(|r| (r, name, ip)))
        .min_by_key(|(r, _, _)| *r)
        .map(|(_, name, ip)| (name.clone(), *ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        Config::parse_from([&["drem"], args].concat())
    }

    fn interfaces(list: &[(&str, &str)]) -> Vec<(String, IpAddr)> {
        list.iter()
            .map(|(name, ip)| (name.to_string(), ip.parse().unwrap()))
            .collect()
    }

    #[test]
    fn the_lan_address_is_a_private_ipv4_of_a_real_interface() {
        let found = lan_address(&interfaces(&[
            ("lo", "127.0.0.1"),
            ("docker0", "172.17.0.1"),
            ("wlan0", "fe80::1"),
            ("eth1", "203.0.113.7"),
            ("wlan0", "192.168.1.20"),
        ]));
        assert_eq!(
            found,
            Some(("wlan0".into(), "192.168.1.20".parse().unwrap()))
        );
        let public_only = lan_address(&interfaces(&[("lo", "::1"), ("eth0", "203.0.113.7")]));
        assert_eq!(
            public_only.map(|f| f.1),
            Some("203.0.113.7".parse().unwrap())
        );
        let ipv6 = lan_address(&interfaces(&[("eth0", "fd00::5"), ("eth0", "fe80::5")]));
        assert_eq!(ipv6.map(|f| f.1), Some("fd00::5".parse().unwrap()));
        assert_eq!(
            lan_address(&interfaces(&[
                ("lo", "127.0.0.1"),
                ("virbr0", "192.168.122.1")
            ])),
            None
        );
    }

    #[test]
    fn links_never_point_at_an_unspecified_address() {
        let all: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let url = config(&[]).public_url(all);
        assert!(!url.url.contains("0.0.0.0"), "{url:?}");
        assert!(
            url.explain().is_some(),
            "the operator is told which address"
        );
        let any_v6: SocketAddr = "[::]:3000".parse().unwrap();
        assert!(!config(&[]).public_url(any_v6).url.contains("[::]"));
        let set = config(&["--public-url", "https://race.example/"]).public_url(all);
        assert_eq!(set.url, "https://race.example");
        assert_eq!(set.explain(), None);
        let local: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        assert_eq!(config(&[]).public_url(local).url, "http://127.0.0.1:3000");
    }
}
