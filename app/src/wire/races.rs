//! Races as the race manager and race admin see them, and event results.

use super::{Event, EventId, Track, TrackId, UserId};
use serde::{Deserialize, Serialize};

/// A race's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RaceId(pub String);

/// A race as the race manager and live pages see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveRace {
    pub id: RaceId,
    pub event: EventId,
    pub track: TrackId,
    pub racer: UserId,
    pub racer_name: String,
    /// The racer's public handle (`ssr::handle`), for public pages.
    #[serde(default)]
    pub racer_handle: String,
    pub racer_colour: String,
    pub by_proxy: bool,
    /// The car it runs with (the track's car; `None`: none chosen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub car: Option<String>,
    /// Bumped by every change; a command names the version it was made against, so a
    /// stale tab cannot apply a key press to a race it has not seen.
    pub version: u64,
    pub race: crate::domain::race::Race,
    /// The server's race clock when this snapshot was taken: pages tick from it.
    pub server_now_ms: u64,
}

/// Everything the race manager needs for one track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaceDesk {
    pub event: Event,
    pub track: Track,
    pub rules: crate::domain::rules::RaceRules,
    pub race: Option<LiveRace>,
    pub server_now_ms: u64,
}

/// A race as race admin lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaceSummary {
    pub id: RaceId,
    pub track: TrackId,
    pub racer: UserId,
    pub racer_name: String,
    /// Unique, unlike the name shown: tells two racers of one display name apart.
    pub racer_username: String,
    pub by_proxy: bool,
    /// The car it ran with, by its name then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub car: Option<String>,
    pub version: u64,
    pub race: crate::domain::race::Race,
    /// When it was submitted, `YYYY-MM-DD HH:MM:SS` UTC.
    pub submitted_at: String,
    /// Submission time in ms since the epoch: the results engine's tie-break order.
    pub order: u64,
    /// Marshals' corrections, oldest first (race admin's lists only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

/// One correction in a race's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub at: String,
    /// Who made it, by the name shown.
    pub by: String,
    pub what: String,
    pub why: String,
}

impl RaceSummary {
    /// The race as the results engine sees it.
    pub fn record(&self) -> crate::domain::results::RaceRecord {
        crate::domain::results::RaceRecord {
            racer: self.racer.0.clone(),
            listed_as: crate::domain::results::ListedAs {
                shown: self.racer_name.clone(),
                username: self.racer_username.clone(),
            },
            order: self.order,
            laps: self
                .race
                .laps
                .iter()
                .map(crate::domain::results::LapRecord::of)
                .collect(),
            penalty_ms: self.race.penalty_ms,
        }
    }
}

/// A leaderboard row with the racer's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedStanding {
    pub name: String,
    pub country: String,
    pub colour: String,
    pub by_proxy: bool,
    /// The position before the event's latest race (`None`: unranked or new then).
    pub previous_position: Option<u32>,
    pub standing: crate::domain::results::Standing,
}

/// Results of one event: per track, and combined when it has several tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventResults {
    pub ranking: crate::domain::rules::Ranking,
    pub tracks: Vec<(Track, Vec<NamedStanding>)>,
    pub combined: Option<Vec<NamedStanding>>,
}
