//! A client for a car's web console (domain.md §7; the console is
//! `aws-deepracer-webserver-pkg`, Flask behind nginx): HTTPS with the car's self-signed
//! certificate pinned by its SHA-256 fingerprint (trust on first use), the CSRF token
//! from `GET /`, sign-in with the console password, then JSON calls carrying the
//! session cookies and `X-CSRFToken`. The console keeps one signed-in session at a time
//! (`login.py` writes one `token.txt`): a session is kept and reused (`actions.rs`).
//!
//! Time limits follow what the car does: each of its internal service calls may take
//! 10 s and is tried three times (`utility.py`), so a call gets 40 s, and a write that
//! runs out of time is reported as still working, not as failed.

pub use super::pinning::fingerprint;
use super::pinning::Pinned;
use bytes::Bytes;
use futures::Stream;
use reqwest::cookie::{CookieStore, Jar};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A console call: up to three tries of a 10 s internal service call, and a margin.
/// (The status poll has its own, short limit: a car that stopped answering never holds
/// up a page or other cars.) Uploads have their own, longer limit.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(40);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The largest console answer read (its model list included).
const MAX_ANSWER: u64 = 1 << 20;

/// Why a console call failed, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsoleError {
    #[error("the car's console does not answer at {0}")]
    Unreachable(String),
    #[error("the car's certificate changed since it was trusted (it now shows {seen}); if the car was reinstalled, trust the new certificate")]
    CertificateChanged { seen: String },
    #[error("the console password was refused")]
    WrongPassword,
    /// The console's sign-in was refused before the password was even looked at (its
    /// CSRF check): a console that is not a DeepRacer's, or one that changed.
    #[error("the console refused the sign-in request ({0})")]
    SignInRefused(String),
    /// 401 on a call: someone signed in to the car since (its own page, another drem).
    #[error("the car's console signed drem out (someone signed in to it elsewhere)")]
    SignedOut,
    /// No answer in time to a change the car may still be making.
    #[error("no answer within {0} s: the car may still be working on it (look again in a minute), or it stopped answering")]
    StillWorking(u64),
    #[error("the car answered {0}")]
    Refused(String),
    #[error("the car's answer was not understood: {0}")]
    Unreadable(String),
    #[error("{0}")]
    Address(String),
}

/// A signed-in console session (cheap to clone: one connection pool).
#[derive(Clone)]
pub struct Console {
    client: reqwest::Client,
    base: String,
    csrf: String,
    /// The certificate the car showed (its pin).
    pub fingerprint: String,
    /// The certificate the car showed on the latest connection.
    seen: Arc<Mutex<Option<String>>>,
}

/// `https://HOST[:PORT]` from what an operator typed (`192.168.1.50`, with or without
/// the scheme); plain `http://` is refused, since the console is HTTPS only.
pub fn normalize_address(input: &str) -> Result<String, ConsoleError> {
    let input = input.trim().trim_end_matches('/');
    let rest = input.strip_prefix("https://").unwrap_or(input);
    if rest.starts_with("http://") {
        return Err(ConsoleError::Address(
            "the car's console uses https:// (its own certificate)".into(),
        ));
    }
    let valid = !rest.is_empty()
        && rest.len() <= 253
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !valid {
        return Err(ConsoleError::Address(
            "a car's address is a host name or IP address, e.g. 192.168.1.50".into(),
        ));
    }
    let address = format!("https://{rest}");
    reqwest::Url::parse(&address)
        .map_err(|_| ConsoleError::Address(format!("{address} is not an address")))?;
    Ok(address)
}

/// The CSRF token in the console's `GET /` page.
pub fn csrf_token(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\"")?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let content = tag.find("content=\"")? + "content=\"".len();
    let value = &tag[content..];
    let token = &value[..value.find('"')?];
    (!token.is_empty()).then(|| token.to_string())
}

impl Console {
    /// Signs in to the console at `address`. With `pin`, only that certificate is
    /// accepted; without one, the certificate shown is trusted and returned.
    pub async fn sign_in(
        address: &str,
        password: &str,
        pin: Option<&str>,
    ) -> Result<Console, ConsoleError> {
        let base = normalize_address(address)?;
        let seen = Arc::new(Mutex::new(None));
        let expected = Arc::new(Mutex::new(pin.map(str::to_string)));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Pinned {
            expected: Arc::clone(&expected),
            seen: Arc::clone(&seen),
            provider: Arc::clone(&provider),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConsoleError::Unreachable(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .cookie_provider(Arc::clone(&jar))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(CALL_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConsoleError::Unreachable(e.to_string()))?;
        let failed = |e: reqwest::Error| {
            let shown = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
            match (pin, shown) {
                (Some(pin), Some(shown)) if pin != shown => {
                    ConsoleError::CertificateChanged { seen: shown }
                }
                _ => ConsoleError::Unreachable(format!("{base} ({})", short(e))),
            }
        };
        let page = client
            .get(format!("{base}/"))
            .send()
            .await
            .map_err(failed)?
            .text()
            .await
            .map_err(|e| ConsoleError::Unreadable(short(e)))?;
        let csrf = csrf_token(&page).ok_or_else(|| {
            ConsoleError::Unreadable("no CSRF token on the console's page".into())
        })?;
        let res = client
            .post(format!("{base}/login"))
            .header("X-CSRFToken", &csrf)
            .form(&[("password", password)])
            .send()
            .await
            .map_err(|e| ConsoleError::Unreachable(short(e)))?;
        // `login.py`: 200 `{"redirect": "/home"}` and the token cookie, or 200 with the
        // text `failure` for a wrong password; Flask-WTF: 400 with a page saying why.
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        let url = reqwest::Url::parse(&base).map_err(|_| ConsoleError::Address(base.clone()))?;
        let signed_in = jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(|s| s.contains("deepracer_token=")))
            .unwrap_or(false);
        if !signed_in {
            return Err(match status.as_u16() {
                200 if body.trim() == "failure" => ConsoleError::WrongPassword,
                400 => ConsoleError::SignInRefused(page_reason(&body)),
                _ => ConsoleError::Refused(status.to_string()),
            });
        }
        let fingerprint = seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default();
        // Trusted on first use: from now on this session accepts that certificate only.
        *expected.lock().unwrap_or_else(|p| p.into_inner()) = Some(fingerprint.clone());
        Ok(Console {
            client,
            base,
            csrf,
            fingerprint,
            seen,
        })
    }

    /// Why a call failed: a new connection met another certificate (the car was
    /// reinstalled, or something else answers there), no answer in time to a change
    /// (`within`: it may still be under way), or no connection.
    fn failed(&self, e: reqwest::Error, within: Option<Duration>) -> ConsoleError {
        let shown = self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match (shown, within) {
            (Some(shown), _) if shown != self.fingerprint => {
                ConsoleError::CertificateChanged { seen: shown }
            }
            (_, Some(within)) => still_working(e, within),
            _ => ConsoleError::Unreachable(short(e)),
        }
    }

    async fn answer(res: reqwest::Response) -> Result<Value, ConsoleError> {
        let status = res.status();
        match status.as_u16() {
            // nginx: the token is no longer the car's one.
            401 => return Err(ConsoleError::SignedOut),
            400 => {
                let page = res.text().await.unwrap_or_default();
                return Err(ConsoleError::Refused(page_reason(&page)));
            }
            _ if !status.is_success() => return Err(ConsoleError::Refused(status.to_string())),
            _ => {}
        }
        // A console's answers are small; a device that says otherwise is not one.
        if res.content_length().is_some_and(|len| len > MAX_ANSWER) {
            return Err(ConsoleError::Unreadable("an answer far too large".into()));
        }
        let value: Value = res
            .json()
            .await
            .map_err(|e| ConsoleError::Unreadable(short(e)))?;
        // The console's refusals: 200 with `success: false` and a `reason` (most calls)
        // or a `message` (upload, delete).
        if value.get("success") == Some(&Value::Bool(false)) {
            let reason = ["reason", "message"]
                .iter()
                .find_map(|key| value.get(*key).and_then(Value::as_str))
                .unwrap_or("no success");
            return Err(ConsoleError::Refused(reason.to_string()));
        }
        Ok(value)
    }

    /// `GET /api/PATH` as JSON.
    pub async fn get(&self, path: &str) -> Result<Value, ConsoleError> {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| self.failed(e, None))?;
        Self::answer(res).await
    }

    /// A `GET` that changes something on the car (the console has a few: SSH, the
    /// calibration mode): a timeout means it may still be under way.
    pub async fn get_change(&self, path: &str, within: Duration) -> Result<Value, ConsoleError> {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .timeout(within)
            .send()
            .await
            .map_err(|e| self.failed(e, Some(within)))?;
        Self::answer(res).await
    }

    /// `PUT` (or `POST`) of a JSON body, with the CSRF token.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ConsoleError> {
        self.send_within(method, path, body, CALL_TIMEOUT).await
    }

    /// `send` with its own time limit; running out of it means the car may still be
    /// making the change.
    pub async fn send_within(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
        within: Duration,
    ) -> Result<Value, ConsoleError> {
        let res = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("X-CSRFToken", &self.csrf)
            .json(body)
            .timeout(within)
            .send()
            .await
            .map_err(|e| self.failed(e, Some(within)))?;
        Self::answer(res).await
    }

    /// `PUT /api/uploadModels` with `file` = `FOLDER.tar.gz`, streamed from `body`; the
    /// car installs it into folder `FOLDER` (when it holds one `.pb`).
    pub async fn upload_model<S>(&self, name: &str, size: u64, body: S) -> Result<(), ConsoleError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let part =
            reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), size)
                .file_name(if name.ends_with(".tar.gz") {
                    name.to_string()
                } else {
                    format!("{name}.tar.gz")
                })
                .mime_str("application/gzip")
                .map_err(|e| ConsoleError::Unreadable(short(e)))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let res = self
            .client
            .put(format!("{}/api/uploadModels", self.base))
            .header("X-CSRFToken", &self.csrf)
            .timeout(UPLOAD_TIMEOUT)
            .multipart(form)
            .send()
            .await
            .map_err(|e| self.failed(e, None))?;
        Self::answer(res).await.map(|_| ())
    }
}

/// A failed write: still under way on the car when it ran out of time.
fn still_working(e: reqwest::Error, within: Duration) -> ConsoleError {
    if e.is_timeout() {
        ConsoleError::StillWorking(within.as_secs())
    } else {
        ConsoleError::Unreachable(short(e))
    }
}

/// The reason in an error page (`<p>The CSRF token is missing.</p>`), or its status.
fn page_reason(html: &str) -> String {
    let reason = html
        .split("<p>")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .map(str::trim)
        .filter(|r| !r.is_empty() && r.len() < 200);
    reason.unwrap_or("400 Bad Request").to_string()
}

/// A reqwest error without the URL repeated (the car's address is said elsewhere).
fn short(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "connection refused or unreachable".into()
    } else {
        e.without_url().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_is_read_from_the_console_page() {
        let html = r#"<html><head><meta charset="utf-8"><meta name="csrf-token" content="Ijk3ZmY.abc-_"></head></html>"#;
        assert_eq!(csrf_token(html).as_deref(), Some("Ijk3ZmY.abc-_"));
        assert_eq!(csrf_token("<meta name=\"csrf-token\" content=\"\">"), None);
        assert_eq!(csrf_token("<html></html>"), None);
    }

    #[test]
    fn addresses_become_https_urls() {
        assert_eq!(
            normalize_address("192.168.1.50").unwrap(),
            "https://192.168.1.50"
        );
        assert_eq!(
            normalize_address(" https://car-7.local/ ").unwrap(),
            "https://car-7.local"
        );
        assert_eq!(
            normalize_address("127.0.0.1:8443").unwrap(),
            "https://127.0.0.1:8443"
        );
        assert!(normalize_address("http://192.168.1.50").is_err());
        assert!(normalize_address("").is_err());
        assert!(normalize_address("car 7").is_err());
        assert!(normalize_address("a/b").is_err());
    }

    #[test]
    fn error_pages_give_their_reason() {
        let page = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The CSRF token is missing.</p>\n";
        assert_eq!(page_reason(page), "The CSRF token is missing.");
        assert_eq!(page_reason("<html>nothing</html>"), "400 Bad Request");
    }
}
