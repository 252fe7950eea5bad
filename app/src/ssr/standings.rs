//! Event results from stored races through the one results engine: race admin, the
//! leaderboards and the exports all read them from here.

use super::state::Db;
use super::storage::races;
use crate::domain::results::{self, RaceRecord, RacerStats, Standing};
use crate::domain::rules::Ranking;
use crate::error::AppError;
use crate::model::{Event, EventResults, NamedStanding, RaceSummary, TrackId};
use std::collections::{HashMap, HashSet};

/// Statistics per racer on each track, each computed for the ranking `ranking_of`
/// gives that track.
fn stats_per_track(
    event: &Event,
    races: &[RaceSummary],
    ranking_of: impl Fn(&TrackId) -> Ranking,
) -> Vec<Vec<RacerStats>> {
    event
        .tracks
        .iter()
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

/// Statistics per racer on each track, by each track's own ranking.
pub fn stats_by_track(event: &Event, races: &[RaceSummary]) -> Vec<Vec<RacerStats>> {
    stats_per_track(event, races, |track| event.rules_for(track).ranking)
}

/// The event's results: per track by each track's ranking, combined by the event's.
pub async fn event_results(db: &Db, event: &Event) -> Result<EventResults, AppError> {
    event_results_by(db, event, None).await
}

/// The event's results, every board ranked by `ranking` when given (a leaderboard's
/// `format`), else as `event_results`.
pub async fn event_results_by(
    db: &Db,
    event: &Event,
    ranking: Option<Ranking>,
) -> Result<EventResults, AppError> {
    let forced = ranking;
    let races = races::submitted(db, &event.id, None, None).await?;
    let names: HashMap<String, (String, bool)> = races
        .iter()
        .map(|r| (r.racer.0.clone(), (r.racer_name.clone(), false)))
        .collect();
    let proxied: HashSet<String> = races
        .iter()
        .filter(|r| r.by_proxy)
        .map(|r| r.racer.0.clone())
        .collect();
    let looks = races::racer_looks(db, names.keys().cloned().collect()).await?;
    let name = |standing: Standing| {
        let id = &standing.stats.racer;
        let (country, colour) = looks.get(id).cloned().unwrap_or_default();
        NamedStanding {
            name: names.get(id).map(|n| n.0.clone()).unwrap_or_default(),
            country,
            colour,
            by_proxy: proxied.contains(id),
            standing,
        }
    };
    let track_ranking = |track: &TrackId| forced.unwrap_or(event.rules_for(track).ranking);
    let per_track = stats_per_track(event, &races, track_ranking);
    let ranking: Ranking = forced.unwrap_or(event.rules.ranking);
    // The combined board compares racers across tracks by the event's own method, so
    // each track's statistics are recomputed with it (a track may rank by another).
    let combined = (event.tracks.len() > 1).then(|| {
        let by_event_method = stats_per_track(event, &races, |_| ranking);
        results::combined(ranking, &by_event_method)
            .into_iter()
            .map(name)
            .collect()
    });
    let tracks = event
        .tracks
        .iter()
        .cloned()
        .zip(per_track)
        .map(|(track, stats)| {
            let ranking = track_ranking(&track.id);
            (
                track,
                results::rank(ranking, stats)
                    .into_iter()
                    .map(name)
                    .collect(),
            )
        })
        .collect();
    Ok(EventResults {
        ranking,
        tracks,
        combined,
    })
}
