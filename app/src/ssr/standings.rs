//! Event results from stored races through the one results engine: race admin, the
//! leaderboards and the exports all read them from here.

use super::storage::races;
use super::storage::Db;
use crate::domain::results::{self, RaceRecord, RacerStats, Standing};
use crate::domain::rules::Ranking;
use crate::error::AppError;
use crate::wire::{Event, EventId, EventResults, NamedStanding, RaceId, RaceSummary, TrackId};
use std::collections::{HashMap, HashSet};

/// Statistics per racer on each qualifying track, each computed for the ranking
/// `ranking_of` gives that track.
fn stats_per_track(
    event: &Event,
    races: &[RaceSummary],
    ranking_of: impl Fn(&TrackId) -> Ranking,
) -> Vec<Vec<RacerStats>> {
    event
        .qualifying()
        .map(|track| {
            let records: Vec<RaceRecord> = races
                .iter()
                .filter(|r| r.track == track.id)
                .map(RaceSummary::record)
                .collect();
            results::compute(ranking_of(&track.id), &records)
        })
        .collect()
}

/// The event's results: per track by each track's ranking, combined by the event's.
pub async fn event_results(db: &Db, event: &Event) -> Result<EventResults, AppError> {
    let races = EventRaces::read(db, &event.id).await?;
    Ok(results_of(event, &races, None, false))
}

/// An event's submitted races, oldest first, and their racers' looks: what its
/// results are computed from.
#[derive(Debug, Clone, Default)]
pub struct EventRaces {
    pub races: Vec<RaceSummary>,
    pub looks: races::Looks,
}

impl EventRaces {
    /// Reads them all.
    pub async fn read(db: &Db, event: &EventId) -> Result<Self, AppError> {
        let mut races = races::submitted(db, event, None, None).await?;
        by_submission(&mut races);
        let racers: HashSet<String> = races.iter().map(|r| r.racer.0.clone()).collect();
        let looks = races::racer_looks(db, racers.into_iter().collect()).await?;
        Ok(Self { races, looks })
    }

    /// These races with `changed` read again (each one submitted now, or not any
    /// more), and the looks of their racers.
    pub async fn with_read_again(&self, db: &Db, changed: &[RaceId]) -> Result<Self, AppError> {
        let mut races: Vec<RaceSummary> = self
            .races
            .iter()
            .filter(|r| !changed.contains(&r.id))
            .cloned()
            .collect();
        let mut looks = self.looks.clone();
        for id in changed {
            if let Some(race) = races::submitted_one(db, id).await? {
                looks.extend(races::racer_looks(db, vec![race.racer.0.clone()]).await?);
                races.push(race);
            }
        }
        by_submission(&mut races);
        Ok(Self { races, looks })
    }
}

/// Oldest submission first; the id orders two of the same millisecond, so a full read
/// and a patched one list races alike.
fn by_submission(races: &mut [RaceSummary]) {
    races.sort_by(|a, b| (a.order, &a.id.0).cmp(&(b.order, &b.id.0)));
}

/// The event's results as leaderboards show them: every board ranked by `forced` when
/// given (a leaderboard's `format`), else as `event_results`, and (`moves`) each
/// racer's position before the board's latest race.
pub fn results_of(
    event: &Event,
    EventRaces { races, looks }: &EventRaces,
    forced: Option<Ranking>,
    moves: bool,
) -> EventResults {
    let names: HashMap<String, (String, bool)> = races
        .iter()
        .map(|r| (r.racer.0.clone(), (r.racer_name.clone(), false)))
        .collect();
    let proxied: HashSet<String> = races
        .iter()
        .filter(|r| r.by_proxy)
        .map(|r| r.racer.0.clone())
        .collect();
    let name = |standing: Standing| {
        let id = &standing.stats.racer;
        let (country, colour) = looks.get(id).cloned().unwrap_or_default();
        NamedStanding {
            name: names.get(id).map(|n| n.0.clone()).unwrap_or_default(),
            country,
            colour,
            by_proxy: proxied.contains(id),
            previous_position: None,
            standing,
        }
    };
    let boards = Boards::of(event, races, forced);
    let previous = if moves {
        Boards::before_latest(event, races, forced)
    } else {
        Boards::default()
    };
    let named = |now: Vec<Standing>, before: Option<&Vec<Standing>>| -> Vec<NamedStanding> {
        let earlier: HashMap<&str, Option<u32>> = before
            .map(|b| {
                b.iter()
                    .map(|s| (s.stats.racer.as_str(), s.position))
                    .collect()
            })
            .unwrap_or_default();
        now.into_iter()
            .map(|standing| {
                let previous_position = earlier
                    .get(standing.stats.racer.as_str())
                    .copied()
                    .flatten();
                NamedStanding {
                    previous_position,
                    ..name(standing)
                }
            })
            .collect()
    };
    let combined = boards
        .combined
        .map(|now| named(now, previous.combined.as_ref()));
    let tracks = event
        .tracks
        .iter()
        .cloned()
        .zip(boards.tracks)
        .enumerate()
        .map(|(i, (track, now))| (track, named(now, previous.tracks.get(i))))
        .collect();
    let ranking = forced.unwrap_or(event.about.rules.ranking);
    EventResults {
        ranking,
        tracks,
        combined,
    }
}

/// An event's boards from some of its races: each track's by its ranking, and the
/// combined one (several tracks) by the event's.
#[derive(Default)]
struct Boards {
    tracks: Vec<Vec<Standing>>,
    combined: Option<Vec<Standing>>,
}

impl Boards {
    fn of(event: &Event, races: &[RaceSummary], forced: Option<Ranking>) -> Self {
        let combined = combined_board(event, races, forced);
        let tracks = event
            .tracks
            .iter()
            .map(|track| track_board(event, &track.id, races, forced))
            .collect();
        Self { tracks, combined }
    }

    /// The boards as they were before each one's latest race (a track's own latest
    /// race; the event's for the combined board): the move each racer made.
    fn before_latest(event: &Event, races: &[RaceSummary], forced: Option<Ranking>) -> Self {
        let without_latest = |on: &dyn Fn(&RaceSummary) -> bool| -> Vec<RaceSummary> {
            let latest = races
                .iter()
                .filter(|r| on(r))
                .max_by_key(|r| (r.order, r.id.0.as_str()))
                .map(|r| r.id.clone());
            races
                .iter()
                .filter(|r| Some(&r.id) != latest.as_ref())
                .cloned()
                .collect()
        };
        let combined = combined_board(event, &without_latest(&|_| true), forced);
        let tracks = event
            .tracks
            .iter()
            .map(|track| {
                let before = without_latest(&|r| r.track == track.id);
                track_board(event, &track.id, &before, forced)
            })
            .collect();
        Self { tracks, combined }
    }
}

/// The combined board of an event with several qualifying tracks (finals stay out),
/// by the event's ranking (or `forced`). It compares racers across tracks by that one
/// method, so each track's statistics are recomputed with it (a track may rank by
/// another).
fn combined_board(
    event: &Event,
    races: &[RaceSummary],
    forced: Option<Ranking>,
) -> Option<Vec<Standing>> {
    let ranking = forced.unwrap_or(event.about.rules.ranking);
    (event.qualifying().count() > 1).then(|| {
        let by_event_method = stats_per_track(event, races, |_| ranking);
        results::combined(ranking, &by_event_method)
    })
}

/// One track's board by its ranking (or `forced`).
fn track_board(
    event: &Event,
    track: &TrackId,
    races: &[RaceSummary],
    forced: Option<Ranking>,
) -> Vec<Standing> {
    let ranking = forced.unwrap_or(event.rules_for(track).ranking);
    let records: Vec<RaceRecord> = races
        .iter()
        .filter(|r| &r.track == track)
        .map(RaceSummary::record)
        .collect();
    results::rank(ranking, results::compute(ranking, &records))
}
