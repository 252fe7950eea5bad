//! Wire types shared by server and browser. They carry what a page shows and nothing
//! more: no password hashes, no session ids.

use crate::domain::roles::Role;
use serde::{Deserialize, Serialize};

/// A user's id, as drem assigns it (the key of the stored record).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The signed-in user as every page sees it (navigation, guards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
}

impl SessionUser {
    /// Whether the user holds `role` (admin holds them all).
    pub fn has(&self, role: Role) -> bool {
        role == Role::Racer || self.roles.contains(&role) || self.roles.contains(&Role::Admin)
    }

    /// The name to show: the display name when set.
    pub fn shown_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.username)
    }
}

/// The signed-in user's own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub country: String,
    pub highlight_colour: String,
    pub roles: Vec<Role>,
}

/// One row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub country: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// True until the racer has set a password through the invite link.
    pub pending_invite: bool,
    pub created_at: String,
}

/// What registration staff get back after adding a walk-up racer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub username: String,
    /// The one-time link where the racer sets a password.
    pub link: String,
    /// The same link as an SVG QR code, to show on screen.
    pub qr_svg: String,
    pub expires_at: String,
}

/// What the set-password page shows about an invite before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub username: String,
    pub expires_at: String,
}

/// An event's id (the key of its stored record).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub String);

/// A track's id: stable for the life of the event, never renumbered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackId(pub String);

/// The kind of event (domain.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    PrivateWorkshop,
    OfficialWorkshop,
    PrivateTrackRace,
    OfficialTrackRace,
    Summit,
    Test,
    Other,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::PrivateWorkshop,
        EventKind::OfficialWorkshop,
        EventKind::PrivateTrackRace,
        EventKind::OfficialTrackRace,
        EventKind::Summit,
        EventKind::Test,
        EventKind::Other,
    ];

    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::PrivateWorkshop => "private_workshop",
            EventKind::OfficialWorkshop => "official_workshop",
            EventKind::PrivateTrackRace => "private_track_race",
            EventKind::OfficialTrackRace => "official_track_race",
            EventKind::Summit => "summit",
            EventKind::Test => "test",
            EventKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::PrivateWorkshop => "Private workshop",
            EventKind::OfficialWorkshop => "Official workshop",
            EventKind::PrivateTrackRace => "Private track race",
            EventKind::OfficialTrackRace => "Official track race",
            EventKind::Summit => "Summit",
            EventKind::Test => "Test",
            EventKind::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The physical track layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackLayout {
    ReInvent2018,
    ReInvent2019,
    ReInvent2022,
    ReInvent2023,
    ForeverRaceway,
    SummitSpeedway,
    AToZSpeedway,
    Other,
}

impl TrackLayout {
    pub const ALL: [TrackLayout; 8] = [
        TrackLayout::ReInvent2018,
        TrackLayout::ReInvent2019,
        TrackLayout::ReInvent2022,
        TrackLayout::ReInvent2023,
        TrackLayout::ForeverRaceway,
        TrackLayout::SummitSpeedway,
        TrackLayout::AToZSpeedway,
        TrackLayout::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackLayout::ReInvent2018 => "re_invent2018",
            TrackLayout::ReInvent2019 => "re_invent2019",
            TrackLayout::ReInvent2022 => "re_invent2022",
            TrackLayout::ReInvent2023 => "re_invent2023",
            TrackLayout::ForeverRaceway => "forever_raceway",
            TrackLayout::SummitSpeedway => "summit_speedway",
            TrackLayout::AToZSpeedway => "a_to_z_speedway",
            TrackLayout::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrackLayout::ReInvent2018 => "re:Invent 2018",
            TrackLayout::ReInvent2019 => "re:Invent 2019",
            TrackLayout::ReInvent2022 => "re:Invent 2022",
            TrackLayout::ReInvent2023 => "re:Invent 2023",
            TrackLayout::ForeverRaceway => "Forever Raceway",
            TrackLayout::SummitSpeedway => "Summit Speedway",
            TrackLayout::AToZSpeedway => "A to Z Speedway",
            TrackLayout::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A link on the event's landing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingLink {
    pub name: String,
    pub description: String,
    pub url: String,
}

/// A track of an event, as pages show and forms edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    pub id: TrackId,
    pub event: EventId,
    pub title: String,
    pub footer: String,
    pub layout: TrackLayout,
    /// The track's own rules; `None` uses the event's.
    pub rules: Option<crate::domain::rules::RaceRules>,
}

/// An event with its tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub name: String,
    pub kind: EventKind,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub country: String,
    pub sponsor: String,
    pub links: Vec<LandingLink>,
    pub rules: crate::domain::rules::RaceRules,
    pub tracks: Vec<Track>,
}

impl Event {
    /// The rules a race on `track` runs under.
    pub fn rules_for(&self, track: &TrackId) -> crate::domain::rules::RaceRules {
        self.tracks
            .iter()
            .find(|t| &t.id == track)
            .and_then(|t| t.rules)
            .unwrap_or(self.rules)
    }
}

/// What the event form sends: an event without ids or tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventInput {
    pub name: String,
    pub kind: EventKind,
    pub date: String,
    pub country: String,
    pub sponsor: String,
    pub links: Vec<LandingLink>,
    pub rules: crate::domain::rules::RaceRules,
}

/// What the track form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackInput {
    pub title: String,
    pub footer: String,
    pub layout: TrackLayout,
    pub rules: Option<crate::domain::rules::RaceRules>,
}

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
    pub racer_colour: String,
    pub by_proxy: bool,
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
    pub by_proxy: bool,
    pub version: u64,
    pub race: crate::domain::race::Race,
    /// When it was submitted, `YYYY-MM-DD HH:MM:SS` UTC.
    pub submitted_at: String,
    /// Submission time in ms since the epoch: the results engine's tie-break order.
    pub order: u64,
}

impl RaceSummary {
    /// The race as the results engine sees it.
    pub fn record(&self) -> crate::domain::results::RaceRecord {
        crate::domain::results::RaceRecord {
            racer: self.racer.0.clone(),
            order: self.order,
            laps: self
                .race
                .laps
                .iter()
                .map(|l| crate::domain::results::LapRecord {
                    time_ms: l.time_ms,
                    resets: l.resets,
                    valid: l.valid,
                })
                .collect(),
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
    pub standing: crate::domain::results::Standing,
}

/// Results of one event: per track, and combined when it has several tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventResults {
    pub ranking: crate::domain::rules::Ranking,
    pub tracks: Vec<(Track, Vec<NamedStanding>)>,
    pub combined: Option<Vec<NamedStanding>>,
}

/// A leaderboard row as the public sees it: no ids, no emails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub position: Option<u32>,
    pub name: String,
    pub country: String,
    pub colour: String,
    pub by_proxy: bool,
    pub result_ms: Option<u64>,
    pub gap_ms: Option<u64>,
    pub valid_laps: u32,
    pub laps: u32,
}

/// The racer on track, as the leaderboard's footer shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnTrack {
    pub track: TrackId,
    pub track_title: String,
    pub name: String,
    pub colour: String,
    pub race: crate::domain::race::Race,
    pub server_now_ms: u64,
}

/// A public leaderboard: one track's, or the event's combined one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub event_name: String,
    pub title: String,
    pub footer: String,
    pub ranking: crate::domain::rules::Ranking,
    pub tracks: Vec<(TrackId, String)>,
    pub rows: Vec<BoardRow>,
    pub on_track: Vec<OnTrack>,
    /// The fastest valid lap on this board's track(s): the overlay's purple lap.
    pub fastest_lap_ms: Option<u64>,
    /// Each racer's fastest valid lap so far, by name: the overlay's green lap.
    pub personal_best_ms: Vec<(String, u64)>,
}

impl OnTrack {
    /// The public view of an open race: the racer's name and colour and the race.
    pub fn of(live: &LiveRace, track_title: &str) -> Self {
        OnTrack {
            track: live.track.clone(),
            track_title: track_title.to_string(),
            name: live.racer_name.clone(),
            colour: live.racer_colour.clone(),
            race: live.race.clone(),
            server_now_ms: live.server_now_ms,
        }
    }
}

/// A message of an event's public live stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PublicUpdate {
    /// A track's race changed (`on_track: None`: nobody on that track).
    Race {
        track: TrackId,
        on_track: Option<OnTrack>,
    },
    /// Results changed, or the page may have missed something: load the board again.
    Reload,
}

/// An event's public landing page: the QR code's target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Landing {
    pub event_name: String,
    pub date: String,
    pub country: String,
    pub links: Vec<LandingLink>,
    pub tracks: Vec<(TrackId, String)>,
    /// The landing page's own public address, which the QR code encodes.
    pub url: String,
    pub qr_svg: String,
}
