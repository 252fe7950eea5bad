//! Secrets kept at rest (car console passwords, the car SSH key): sealed with
//! AES-256-GCM (ring, already in drem's TLS stack) under a key that lives outside the
//! database, in the data folder or an environment variable. A copy of the database
//! alone reveals no console password.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;

/// The key that seals and opens secrets.
pub struct SecretKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

fn random<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "no randomness available".to_string())?;
    Ok(bytes)
}

impl SecretKey {
    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| "a secret key is 32 bytes (64 hex digits)".to_string())?;
        Ok(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// A key given as 64 hex digits (`DREM_SECRET_KEY`).
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = unhex(text).ok_or("a secret key is 64 hex digits")?;
        Self::from_bytes(&bytes)
    }

    /// A key for this run only (an in-memory database keeps nothing anyway).
    pub fn ephemeral() -> Result<Self, String> {
        Self::from_bytes(&random::<32>()?)
    }

    /// The key in `path`, created (readable by drem's user only) on first use.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = hex(&random::<32>()?);
                write_private(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
                tracing::info!(path = %path.display(), "secret key created");
                Self::from_hex(&text)
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Seals `plain` as hex: a fresh nonce, then the ciphertext with its tag.
    pub fn seal(&self, plain: &str) -> Result<String, String> {
        let nonce = random::<NONCE_LEN>()?;
        let mut data = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .map_err(|_| "sealing failed".to_string())?;
        Ok(format!("{}{}", hex(&nonce), hex(&data)))
    }

    /// Opens what `seal` made; an error for anything else (or another key).
    pub fn open(&self, sealed: &str) -> Result<String, String> {
        let bytes = unhex(sealed).ok_or("not a sealed secret")?;
        if bytes.len() < NONCE_LEN {
            return Err("not a sealed secret".into());
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| "bad nonce")?;
        let mut data = data.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut data)
            .map_err(|_| "the secret does not open with this key (was DREM_SECRET_KEY changed?)")?;
        String::from_utf8(plain.to_vec()).map_err(|_| "not text".into())
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only() {
        let key = SecretKey::ephemeral().unwrap();
        let sealed = key.seal("deepracer-pass").unwrap();
        assert!(!sealed.contains("deepracer"));
        assert_ne!(
            sealed,
            key.seal("deepracer-pass").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(key.open(&sealed).unwrap(), "deepracer-pass");
        let other = SecretKey::ephemeral().unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(key.open("zz").is_err());
        assert!(key.open("").is_err());
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("drem-key-{}", std::process::id()));
        let path = dir.join("secret.key");
        let _ = std::fs::remove_file(&path);
        let first = SecretKey::from_file(&path).unwrap();
        let sealed = first.seal("x").unwrap();
        let again = SecretKey::from_file(&path).unwrap();
        assert_eq!(again.open(&sealed).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(SecretKey::from_hex("abc").is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
