//! The server address: `--server http://host:port` turned into the timer WebSocket URL.
//!
//! Only plain `ws://` is supported (no TLS in the program, to keep it pure Rust and easy to
//! cross-build), so `https://`/`wss://` are refused with a clear message.

use tungstenite::http::Uri;

use crate::protocol::CONNECT_PATH;

/// Where the timer connects: the WebSocket URL derived from `--server`.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub(crate) uri: Uri,
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Endpoint {
    /// Parses `http://host[:port][/prefix]` or `ws://…` into `ws://host:port[/prefix]/timer/connect`.
    /// `https://` and `wss://` are refused: TLS is not supported yet.
    pub fn parse(server: &str) -> Result<Self, String> {
        let server = server.trim();
        let (scheme, rest) = server
            .split_once("://")
            .ok_or_else(|| format!("--server {server:?}: expected http://host:port"))?;
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "ws" => {}
            "https" | "wss" => {
                return Err(format!(
                    "--server {server:?}: https/wss is not supported yet (the timer has no TLS); \
                     use http://host:port on the local network"
                ))
            }
            _ => {
                return Err(format!(
                    "--server {server:?}: expected an http:// or ws:// URL"
                ))
            }
        }
        if rest.contains(['?', '#', '@']) {
            return Err(format!(
                "--server {server:?}: no query, fragment or user info allowed"
            ));
        }
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (host, port) =
            split_host_port(authority).map_err(|e| format!("--server {server:?}: {e}"))?;
        let url = format!("ws://{authority}{prefix}{CONNECT_PATH}");
        let uri = url
            .parse::<Uri>()
            .map_err(|e| format!("--server {server:?}: {e}"))?;
        Ok(Self { uri, host, port })
    }

    /// The full WebSocket URL.
    pub fn url(&self) -> String {
        self.uri.to_string()
    }
}

/// Splits `host`, `host:port`, `[v6]` or `[v6]:port`; the port defaults to 80.
fn split_host_port(authority: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("unclosed [ in host")?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("missing host".into());
    }
    let port = match port {
        Some(p) => p.parse::<u16>().map_err(|_| format!("bad port {p:?}"))?,
        None => 80,
    };
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> String {
        Endpoint::parse(s).unwrap().url()
    }

    #[test]
    fn http_becomes_ws_with_connect_path() {
        assert_eq!(
            url("http://drem.local:3000"),
            "ws://drem.local:3000/timer/connect"
        );
        assert_eq!(
            url("http://drem.local:3000/"),
            "ws://drem.local:3000/timer/connect"
        );
        assert_eq!(
            url("ws://10.0.0.2:3000"),
            "ws://10.0.0.2:3000/timer/connect"
        );
        assert_eq!(url("http://host/drem/"), "ws://host/drem/timer/connect");
        assert_eq!(url("HTTP://[::1]:8080"), "ws://[::1]:8080/timer/connect");
    }

    #[test]
    fn host_and_port() {
        let ep = Endpoint::parse("http://drem.local:3000").unwrap();
        assert_eq!((ep.host.as_str(), ep.port), ("drem.local", 3000));
        let ep = Endpoint::parse("http://drem.local").unwrap();
        assert_eq!(ep.port, 80);
        let ep = Endpoint::parse("http://[::1]:8080").unwrap();
        assert_eq!((ep.host.as_str(), ep.port), ("::1", 8080));
    }

    #[test]
    fn tls_and_garbage_are_refused() {
        let err = Endpoint::parse("https://drem.example.com").unwrap_err();
        assert!(err.contains("not supported yet"), "{err}");
        assert!(Endpoint::parse("wss://x")
            .unwrap_err()
            .contains("not supported yet"));
        assert!(Endpoint::parse("drem.local:3000").is_err());
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://:3000").is_err());
        assert!(Endpoint::parse("http://x:99999").is_err());
        assert!(Endpoint::parse("http://x:3000/?a=b").is_err());
    }
}
