//! Events and their tracks.

use serde::{Deserialize, Serialize};

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
    /// Set when the track is a final: raced by the seeded racers, and outside the
    /// event's combined board.
    #[serde(rename = "final", default, skip_serializing_if = "Option::is_none")]
    pub final_round: Option<FinalRound>,
}

/// A final: who was seeded from which ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalRound {
    /// The track whose ranking seeded it; `None`: the event's (combined) ranking.
    pub from: Option<TrackId>,
    /// The seeded racers' names, in seed order.
    pub seeds: Vec<String>,
    /// Who tied with the last seed but set the result later, and stayed out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tied_out: Vec<String>,
}

/// What the "create a final" form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalInput {
    pub title: String,
    /// The qualifying track to seed from; `None`: the event's ranking.
    pub from: Option<TrackId>,
    pub seats: u8,
    pub rules: crate::domain::rules::RaceRules,
}

/// An event with its tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    /// Name, kind, date, country, sponsor, links and rules: what the event form edits
    /// (flattened: the same JSON as when they were fields of their own).
    #[serde(flatten)]
    pub about: EventInput,
    pub tracks: Vec<Track>,
}

impl Event {
    /// The tracks that qualify (all but finals): the event's own board combines them.
    pub fn qualifying(&self) -> impl Iterator<Item = &Track> {
        self.tracks.iter().filter(|t| t.final_round.is_none())
    }

    /// Each track's id and title, in the event's order.
    pub fn track_titles(&self) -> Vec<(TrackId, String)> {
        self.tracks
            .iter()
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect()
    }

    /// The rules a race on `track` runs under.
    pub fn rules_for(&self, track: &TrackId) -> crate::domain::rules::RaceRules {
        self.tracks
            .iter()
            .find(|t| &t.id == track)
            .and_then(|t| t.rules)
            .unwrap_or(self.about.rules)
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
    /// The check-in steps racers go through before they can be queued.
    #[serde(default = "crate::domain::checkin::default_flags")]
    pub checkin: Vec<crate::domain::checkin::CheckinFlag>,
}

/// What the track form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackInput {
    pub title: String,
    pub footer: String,
    pub layout: TrackLayout,
    pub rules: Option<crate::domain::rules::RaceRules>,
}
