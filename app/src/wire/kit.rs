//! The event kit as staff pages see it: lap timers (later cars and fleets). Secrets
//! (a timer's token) appear only once, in the answer that created them.

use serde::{Deserialize, Serialize};

/// A lap timer's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimerId(pub String);

/// A lap timer (a Raspberry Pi with timing strips) as the staff pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerInfo {
    pub id: TimerId,
    pub name: String,
    /// Connected now (and heard from in the last half minute).
    pub connected: bool,
    /// Last heard from, `YYYY-MM-DD HH:MM:SS` UTC.
    pub last_seen: Option<String>,
    /// Titles of the tracks it times.
    pub tracks: Vec<String>,
    /// What its latest crossing did ("Main track: lap", "… not counted: …").
    pub last_crossing: Option<String>,
}

/// A new timer and its token, shown this once: drem keeps only the token's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTimer {
    pub timer: TimerInfo,
    pub token: String,
}

/// A car's id in drem (lasting across renames and address changes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CarId(pub String);

/// A fleet's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FleetId(pub String);

/// A fleet: the cars of one event kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetInfo {
    pub id: FleetId,
    pub name: String,
    pub cars: u32,
}

/// A model being sent to a car.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub model: String,
    pub sent_bytes: u64,
    pub total_bytes: u64,
    /// `None` while sending or once done; the reason when it failed.
    pub error: Option<String>,
    pub done: bool,
}

/// A car as the staff pages show it. Never its console password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarInfo {
    pub id: CarId,
    pub name: String,
    /// `https://…` of its console.
    pub address: String,
    pub fleet: Option<FleetId>,
    pub fleet_name: Option<String>,
    /// `aws-deepracer-core`'s version on the car, as its console reports it.
    pub software_version: Option<String>,
    /// The most throttle the car may use in the autonomous mode, in percent
    /// (`None`: the car's own setting).
    #[serde(default)]
    pub speed_cap: Option<u8>,
    pub online: bool,
    /// Battery as the console reports it: 0 to 11 (full), −1 when no battery is
    /// connected (`None`: unknown).
    pub battery: Option<i8>,
    /// The model drem last loaded on it.
    pub loaded_model: Option<String>,
    /// Last answered, `YYYY-MM-DD HH:MM:SS` UTC.
    pub last_seen: Option<String>,
    /// The last failure talking to it, for the operator.
    pub problem: Option<String>,
    /// A certificate other than the pinned one was shown: its fingerprint, for the
    /// operator to trust (or not).
    pub new_certificate: Option<String>,
    /// The pinned certificate's fingerprint.
    pub certificate: String,
    /// The last model sent to it since drem started, with its progress.
    pub transfer: Option<Transfer>,
}

/// A model on a car (`/opt/aws/deepracer/artifacts/FOLDER`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarModel {
    /// The `.pb`'s name on the car ("model" for every console upload).
    pub name: String,
    pub folder: String,
    pub sensors: Vec<String>,
    /// Whose model it is and its name in drem, when drem sent it.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    /// The car cannot run it (a sensor it needs is not connected).
    #[serde(default)]
    pub runnable: bool,
}

/// What a track races with: its fleet and the car on track now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackKit {
    pub fleet: Option<FleetId>,
    pub car: Option<CarId>,
    /// The fleet's cars (every car when the track has no fleet).
    pub cars: Vec<CarInfo>,
    pub fleets: Vec<FleetInfo>,
}

/// A battery level of the console (0 to 11, 11 full; −1 no battery) as people read it.
pub fn battery_text(level: i8) -> String {
    if level < 0 {
        "no battery connected".to_string()
    } else {
        let percent = (u32::from(level.min(11).unsigned_abs()) * 100 + 5) / 11;
        format!("{percent} %")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn battery_levels_read_as_percentages_of_full() {
        assert_eq!(super::battery_text(11), "100 %");
        assert_eq!(super::battery_text(7), "64 %");
        assert_eq!(super::battery_text(0), "0 %");
        assert_eq!(super::battery_text(-1), "no battery connected");
    }
}
