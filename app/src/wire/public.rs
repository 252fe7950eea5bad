//! What public pages (leaderboard, landing page, overlay) receive: names, countries,
//! colours and times; no ids of people, no emails.

use super::{LandingLink, LiveRace, TrackId};
use serde::{Deserialize, Serialize};

/// A leaderboard row as the public sees it: no ids, no emails.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub position: Option<u32>,
    /// Before the event's latest race: the leaderboard shows the move.
    pub previous_position: Option<u32>,
    /// The racer's public handle: names can repeat, handles do not.
    #[serde(default)]
    pub handle: String,
    /// The name shown: the display name, with the country (and a number) when another
    /// racer on the board shows the same name.
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
    /// The racer's public handle (as on the board's rows).
    #[serde(default)]
    pub handle: String,
    pub name: String,
    pub colour: String,
    /// The car on track (for the commentator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub car: Option<String>,
    pub race: crate::domain::race::Race,
    pub server_now_ms: u64,
}

/// A public leaderboard: one track's, or the event's combined one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// The version of the event's results it shows (pushed boards replace older ones).
    #[serde(default)]
    pub version: u64,
    pub event_name: String,
    pub title: String,
    /// The combined board of several tracks (its title is the page's "All tracks").
    pub combined: bool,
    /// The one track it shows (`None` on a combined board).
    #[serde(default)]
    pub shown_track: Option<TrackId>,
    pub footer: String,
    pub ranking: crate::domain::rules::Ranking,
    /// The race length and resets allowed on this board's track (the event's on a
    /// combined board), shown under the title.
    pub race_time_ms: Option<u64>,
    pub resets_per_lap: Option<u32>,
    pub tracks: Vec<(TrackId, String)>,
    pub rows: Vec<BoardRow>,
    pub on_track: Vec<OnTrack>,
    /// The fastest valid lap on this board's track(s): the overlay's purple lap.
    pub fastest_lap_ms: Option<u64>,
    /// Each racer's fastest valid lap so far, by handle: the overlay's green lap.
    pub personal_best_ms: Vec<(String, u64)>,
    /// The handle of who finished a race last on this board: the overlay highlights
    /// them.
    pub latest_finisher: Option<String>,
    /// Who races next on this board's track(s), read when the page asks (like
    /// `on_track`, never kept with the standings).
    #[serde(default)]
    pub next_up: Vec<super::NextUp>,
}

impl OnTrack {
    /// The public view of an open race: the racer's name and colour and the race.
    pub fn of(live: &LiveRace, track_title: &str) -> Self {
        OnTrack {
            track: live.track.clone(),
            track_title: track_title.to_string(),
            handle: live.racer_handle.clone(),
            name: live.racer_name.clone(),
            colour: live.racer_colour.clone(),
            car: live.car.clone(),
            race: live.race.clone(),
            server_now_ms: live.server_now_ms,
        }
    }
}

/// A message of an event's public live stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "UpdateFields")]
pub enum PublicUpdate {
    /// A track's race changed (`on_track: None`: nobody on that track).
    Race {
        track: TrackId,
        on_track: Option<OnTrack>,
    },
    /// Results changed, or the page may have missed something: load the board again.
    Reload,
    /// The board a page shows (its URL's `track` and `format`), computed once for all
    /// its viewers: after each change of results with the standings only, and as a
    /// connection's first message with who is on track too (`snapshot`).
    Board {
        track: Option<TrackId>,
        format: Option<crate::domain::rules::BoardFormat>,
        board: Leaderboard,
        snapshot: bool,
    },
    /// The change of that board since the version the page holds (`delta.base`), sent
    /// instead of the whole board when smaller (the stream knows what it sent before).
    BoardDelta {
        track: Option<TrackId>,
        format: Option<crate::domain::rules::BoardFormat>,
        delta: super::BoardDelta,
    },
    /// A track's queue changed: who is next up there now (the first few).
    Queue {
        track: TrackId,
        next_up: Vec<super::NextUp>,
    },
}

/// An event's public landing page: the QR code's target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Landing {
    pub event_name: String,
    pub date: String,
    pub country: String,
    pub links: Vec<LandingLink>,
    /// The qualifying tracks (the combined board is theirs).
    pub tracks: Vec<(TrackId, String)>,
    /// The finals, each with its board and podium.
    #[serde(default)]
    pub finals: Vec<(TrackId, String)>,
    /// The landing page's own public address, which the QR code encodes.
    pub url: String,
    pub qr_svg: String,
}

/// Every country's name in one language, sorted by code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountryNames(Vec<(String, String)>);

impl CountryNames {
    pub fn new(mut names: Vec<(String, String)>) -> Self {
        names.sort();
        names.dedup();
        CountryNames(names)
    }

    /// The name of a country code (as stored: upper case), if it is a country.
    pub fn of(&self, code: &str) -> Option<String> {
        self.0
            .binary_search_by(|(c, _)| c.as_str().cmp(code))
            .ok()
            .map(|i| self.0[i].1.clone())
    }
}

/// A `PublicUpdate` as read: every variant's fields in one struct, in any order. serde
/// reads an internally tagged enum by buffering the message into its `Content` first,
/// which weighs ~80 KB in every spectator's wasm; the JSON is the same either way.
#[derive(Deserialize)]
struct UpdateFields {
    kind: UpdateKind,
    track: Option<TrackId>,
    on_track: Option<OnTrack>,
    format: Option<crate::domain::rules::BoardFormat>,
    board: Option<Leaderboard>,
    #[serde(default)]
    snapshot: bool,
    delta: Option<super::BoardDelta>,
    next_up: Option<Vec<super::NextUp>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum UpdateKind {
    Race,
    Reload,
    Board,
    BoardDelta,
    Queue,
}

impl TryFrom<UpdateFields> for PublicUpdate {
    type Error = &'static str;

    fn try_from(f: UpdateFields) -> Result<Self, Self::Error> {
        Ok(match f.kind {
            UpdateKind::Race => PublicUpdate::Race {
                track: f.track.ok_or("missing field `track`")?,
                on_track: f.on_track,
            },
            UpdateKind::Reload => PublicUpdate::Reload,
            UpdateKind::Board => PublicUpdate::Board {
                track: f.track,
                format: f.format,
                board: f.board.ok_or("missing field `board`")?,
                snapshot: f.snapshot,
            },
            UpdateKind::BoardDelta => PublicUpdate::BoardDelta {
                track: f.track,
                format: f.format,
                delta: f.delta.ok_or("missing field `delta`")?,
            },
            UpdateKind::Queue => PublicUpdate::Queue {
                track: f.track.ok_or("missing field `track`")?,
                next_up: f.next_up.ok_or("missing field `next_up`")?,
            },
        })
    }
}
