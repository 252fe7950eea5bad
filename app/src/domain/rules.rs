//! Race rules (domain.md §2): how racers are ranked, how long a race lasts, how many
//! resets a lap may have, how many runs a racer gets. Every rule has a default, so a
//! partial configuration can never break a race.

use super::account::FieldError;
use serde::{Deserialize, Serialize};

/// How racers are ranked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "RankingFields")]
pub enum Ranking {
    /// The fastest valid lap.
    #[default]
    BestLap,
    /// The best average of `laps` consecutive valid laps within one race (3..=7).
    BestAverage { laps: u8 },
    /// First to `laps` valid laps: ranked by the total time of those laps.
    LapCount { laps: u8 },
}

/// A `Ranking` as read, its fields in any order: read without serde's buffering of
/// internally tagged enums, which the browser bundle would carry (see `PublicUpdate`).
#[derive(Deserialize)]
struct RankingFields {
    kind: RankingKind,
    laps: Option<u8>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RankingKind {
    BestLap,
    BestAverage,
    LapCount,
}

impl TryFrom<RankingFields> for Ranking {
    type Error = &'static str;

    fn try_from(f: RankingFields) -> Result<Self, Self::Error> {
        let laps = f.laps.ok_or("missing field `laps`");
        Ok(match f.kind {
            RankingKind::BestLap => Ranking::BestLap,
            RankingKind::BestAverage => Ranking::BestAverage { laps: laps? },
            RankingKind::LapCount => Ranking::LapCount { laps: laps? },
        })
    }
}

impl Ranking {
    /// A short description for pages.
    pub fn describe(self) -> String {
        match self {
            Ranking::BestLap => "Fastest lap".into(),
            Ranking::BestAverage { laps } => format!("Best average of {laps} consecutive laps"),
            Ranking::LapCount { laps } => format!("Fastest {laps} valid laps in one race"),
        }
    }
}

/// A leaderboard's `format` URL option: show the board by fastest lap or by best
/// average whatever the event ranks by (DREM's `fastest` / `average`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardFormat {
    Fastest,
    Average,
}

impl BoardFormat {
    /// The URL option's value.
    pub fn as_str(self) -> &'static str {
        match self {
            BoardFormat::Fastest => "fastest",
            BoardFormat::Average => "average",
        }
    }

    /// `fastest` or `average`; anything else is the event's own method (`None`).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "fastest" => Some(BoardFormat::Fastest),
            "average" => Some(BoardFormat::Average),
            _ => None,
        }
    }

    /// The ranking this format shows: averages over the event's N when it ranks by
    /// average, else over 3 laps.
    pub fn ranking(self, event: Ranking) -> Ranking {
        match (self, event) {
            (BoardFormat::Fastest, _) => Ranking::BestLap,
            (BoardFormat::Average, Ranking::BestAverage { laps }) => Ranking::BestAverage { laps },
            (BoardFormat::Average, _) => Ranking::BestAverage { laps: 3 },
        }
    }
}

/// The rules one race runs under; copied into the race when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceRules {
    #[serde(default)]
    pub ranking: Ranking,
    /// Race length in milliseconds; `None` for no limit.
    #[serde(default = "default_race_time")]
    pub race_time_ms: Option<u64>,
    /// Resets a lap may have and stay valid; `None` for unlimited.
    #[serde(default)]
    pub resets_per_lap: Option<u32>,
    /// Races a racer may run on a track; `None` for unlimited.
    #[serde(default)]
    pub runs_per_racer: Option<u32>,
    /// The shortest lap a car can drive: a lap key or timer crossing sooner is not a
    /// lap (a key pressed twice, two tabs at once, a bouncing strip). 0: no minimum.
    #[serde(default = "default_min_lap")]
    pub min_lap_ms: u64,
    /// When the race time runs out: `false` (domain.md §3) the lap in progress still
    /// counts and the next capture ends the race; `true` the race ends at zero.
    #[serde(default)]
    pub end_at_zero: bool,
}

fn default_race_time() -> Option<u64> {
    Some(2 * 60_000)
}

/// No DeepRacer track is lapped in under 3 s (the fastest re:Invent laps take ~7 s).
pub const DEFAULT_MIN_LAP_MS: u64 = 3_000;

fn default_min_lap() -> u64 {
    DEFAULT_MIN_LAP_MS
}

impl Default for RaceRules {
    fn default() -> Self {
        Self {
            ranking: Ranking::default(),
            race_time_ms: default_race_time(),
            resets_per_lap: None,
            runs_per_racer: None,
            min_lap_ms: DEFAULT_MIN_LAP_MS,
            end_at_zero: false,
        }
    }
}

impl RaceRules {
    /// Checks every rule against its allowed range.
    pub fn validate(self) -> Result<Self, FieldError> {
        match self.ranking {
            Ranking::BestAverage { laps } if !(3..=7).contains(&laps) => {
                return Err(FieldError::new("ranking", "Average over 3 to 7 laps."));
            }
            Ranking::LapCount { laps } if !(1..=50).contains(&laps) => {
                return Err(FieldError::new("ranking", "Race to 1 to 50 laps."));
            }
            _ => {}
        }
        if let Some(ms) = self.race_time_ms {
            if !(60_000..=600_000).contains(&ms) || ms % 1000 != 0 {
                return Err(FieldError::new(
                    "race_time",
                    "Race time is 1 to 10 minutes in whole seconds, or none.",
                ));
            }
        }
        if self.resets_per_lap.is_some_and(|r| r > 10) {
            return Err(FieldError::new(
                "resets_per_lap",
                "Allow 0 to 10 resets, or unlimited.",
            ));
        }
        if self.runs_per_racer.is_some_and(|r| !(1..=5).contains(&r)) {
            return Err(FieldError::new(
                "runs_per_racer",
                "Allow 1 to 5 runs, or unlimited.",
            ));
        }
        if self.min_lap_ms > 60_000 || !self.min_lap_ms.is_multiple_of(100) {
            return Err(FieldError::new(
                "min_lap",
                "The shortest lap is 0 to 60 seconds, in tenths of a second.",
            ));
        }
        Ok(self)
    }

    /// Whether a lap of `lap_ms` is too short to be a lap.
    pub fn below_min_lap(self, lap_ms: u64) -> bool {
        lap_ms < self.min_lap_ms
    }

    /// Whether a lap with this many resets counts.
    pub fn resets_allowed(self, resets: u32) -> bool {
        self.resets_per_lap.is_none_or(|max| resets <= max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rankings_read_as_written_in_any_field_order() {
        for ranking in [
            Ranking::BestLap,
            Ranking::BestAverage { laps: 5 },
            Ranking::LapCount { laps: 10 },
        ] {
            let json = serde_json::to_string(&ranking).unwrap();
            assert_eq!(serde_json::from_str::<Ranking>(&json).unwrap(), ranking);
        }
        let read = |json: &str| serde_json::from_str::<Ranking>(json);
        assert_eq!(
            read(r#"{"laps": 4, "kind": "best_average"}"#).unwrap(),
            Ranking::BestAverage { laps: 4 }
        );
        assert_eq!(
            serde_json::to_string(&Ranking::LapCount { laps: 3 }).unwrap(),
            r#"{"kind":"lap_count","laps":3}"#
        );
        assert!(read(r#"{"kind": "lap_count"}"#).is_err(), "laps missing");
        assert!(read(r#"{"kind": "fastest"}"#).is_err(), "unknown kind");
        assert!(read(r#"{"kind": "best_average", "laps": 300}"#).is_err());
    }

    #[test]
    fn board_formats() {
        assert_eq!(BoardFormat::parse("Average"), Some(BoardFormat::Average));
        assert_eq!(BoardFormat::parse("laps"), None);
        let five = Ranking::BestAverage { laps: 5 };
        assert_eq!(BoardFormat::Average.ranking(five), five);
        assert_eq!(
            BoardFormat::Average.ranking(Ranking::BestLap),
            Ranking::BestAverage { laps: 3 }
        );
        assert_eq!(BoardFormat::Fastest.ranking(five), Ranking::BestLap);
    }

    #[test]
    fn defaults_are_valid_and_fill_a_partial_config() {
        assert_eq!(RaceRules::default().validate(), Ok(RaceRules::default()));
        let partial: RaceRules = serde_json::from_str("{}").unwrap();
        assert_eq!(partial, RaceRules::default());
        let some: RaceRules =
            serde_json::from_str(r#"{"ranking":{"kind":"best_average","laps":5}}"#).unwrap();
        assert_eq!(some.ranking, Ranking::BestAverage { laps: 5 });
        assert_eq!(some.race_time_ms, Some(120_000));
        assert_eq!(
            some.min_lap_ms, DEFAULT_MIN_LAP_MS,
            "stored rules without it"
        );
    }

    #[test]
    fn ranges_are_checked() {
        let with = |f: fn(&mut RaceRules)| {
            let mut r = RaceRules::default();
            f(&mut r);
            r.validate()
        };
        assert!(with(|r| r.ranking = Ranking::BestAverage { laps: 2 }).is_err());
        assert!(with(|r| r.ranking = Ranking::BestAverage { laps: 7 }).is_ok());
        assert!(with(|r| r.race_time_ms = Some(59_000)).is_err());
        assert!(with(|r| r.race_time_ms = Some(600_000)).is_ok());
        assert!(with(|r| r.race_time_ms = None).is_ok());
        assert!(with(|r| r.resets_per_lap = Some(11)).is_err());
        assert!(with(|r| r.runs_per_racer = Some(0)).is_err());
        assert!(with(|r| r.runs_per_racer = Some(5)).is_ok());
        assert!(with(|r| r.min_lap_ms = 0).is_ok());
        assert!(with(|r| r.min_lap_ms = 60_000).is_ok());
        assert!(with(|r| r.min_lap_ms = 60_100).is_err());
        assert!(with(|r| r.min_lap_ms = 2_050).is_err());
    }

    #[test]
    fn resets() {
        let mut r = RaceRules::default();
        assert!(r.resets_allowed(99));
        r.resets_per_lap = Some(2);
        assert!(r.resets_allowed(2));
        assert!(!r.resets_allowed(3));
    }
}
