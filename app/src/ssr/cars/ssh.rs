//! Restarting a car's service over SSH (`sudo -n systemctl restart deepracer-core`), with the
//! private key an operator stored in drem (sealed at rest like console passwords).
//! The system's OpenSSH client does the work; the key is written to a private
//! temporary file for the one call and removed after it.

use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::{cars, settings};
use crate::wire::CarId;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const KEY_SETTING: &str = "car_ssh";
/// The restart must be done in this time (SSH connect included).
const RESTART_WITHIN: Duration = Duration::from_secs(30);

/// The stored SSH access: user and the sealed private key.
#[derive(Serialize, Deserialize)]
struct Access {
    user: String,
    sealed_key: String,
}

/// Stores the SSH user and private key for restarts (`None` removes them).
pub async fn set_key(state: &AppState, access: Option<(&str, &str)>) -> Result<(), AppError> {
    let json = match access {
        Some((user, key)) => {
            let sealed_key = state.cars.key.seal(key).map_err(|e| {
                tracing::error!(error = %e, "SSH key not sealed");
                AppError::Internal
            })?;
            serde_json::to_string(&Access {
                user: user.to_string(),
                sealed_key,
            })
            .map_err(|_| AppError::Internal)?
        }
        None => "null".into(),
    };
    settings::set_setting(&state.db, KEY_SETTING, &json).await
}

/// The SSH user, if a key is stored (the key itself never leaves the server).
pub async fn key_user(state: &AppState) -> Result<Option<String>, AppError> {
    Ok(access(state).await?.map(|a| a.user))
}

async fn access(state: &AppState) -> Result<Option<Access>, AppError> {
    let json = settings::setting(&state.db, KEY_SETTING).await?;
    Ok(json.and_then(|j| serde_json::from_str::<Option<Access>>(&j).ok().flatten()))
}

/// The host part of `https://HOST[:PORT]`.
pub fn host_of(address: &str) -> &str {
    let rest = address.trim_start_matches("https://");
    if let Some(v6) = rest.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    rest.split(':').next().unwrap_or(rest)
}

/// Restarts the car's DeepRacer service.
pub async fn restart(state: &AppState, car: &CarId) -> Result<(), AppError> {
    let car = cars::get(&state.db, car).await?.info;
    let Some(access) = access(state).await? else {
        return Err(AppError::Conflict(
            "No SSH key is set: add the cars' SSH key on the cars page first.".into(),
        ));
    };
    let key = state.cars.key.open(&access.sealed_key).map_err(|e| {
        tracing::error!(error = %e, "SSH key does not open");
        AppError::Internal
    })?;
    // SSH is off on a car as shipped: turned on through its console first.
    super::upkeep::enable_ssh(state, &car.id).await?;
    let key_file = tempfile_with(&key).map_err(|e| {
        tracing::error!(error = %e, "SSH key file not written");
        AppError::Internal
    })?;
    let target = format!("{}@{}", access.user, host_of(&car.address));
    let run = tokio::process::Command::new("ssh")
        .arg("-i")
        .arg(key_file.path())
        .args([
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=accept-new",
            "-o",
            "ConnectTimeout=10",
            &target,
            "sudo -n systemctl restart deepracer-core",
        ])
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(RESTART_WITHIN, run)
        .await
        .map_err(|_| AppError::Device(format!("{}: the restart did not finish in time", car.name)))?
        .map_err(|e| AppError::Device(format!("{}: cannot run ssh ({e})", car.name)))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.trim().lines().last().unwrap_or("no message");
        return Err(AppError::Device(format!(
            "{}: restart failed: {said}",
            car.name
        )));
    }
    tracing::info!(car = %car.name, "car service restarted");
    Ok(())
}

/// A file readable by drem's user only, removed when dropped.
struct KeyFile(std::path::PathBuf);

impl KeyFile {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn tempfile_with(key: &str) -> std::io::Result<KeyFile> {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("drem-ssh-{}", crate::ssr::tokens::new_secret()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    let file_guard = KeyFile(path);
    // OpenSSH refuses a key without its final newline.
    file.write_all(key.trim().as_bytes())?;
    file.write_all(b"\n")?;
    Ok(file_guard)
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_ssh_host_is_the_console_host() {
        assert_eq!(host_of("https://192.168.1.50"), "192.168.1.50");
        assert_eq!(host_of("https://car-7.local:8443"), "car-7.local");
        assert_eq!(host_of("https://[fe80::1]:443"), "fe80::1");
    }
}
