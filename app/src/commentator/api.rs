//! Server functions of the commentator view (commentators, operators, admins).

use crate::error::AppError;
use crate::wire::{Commentary, TrackChoice, TrackId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{results, roles::Action},
    ssr::{guard::require, storage::events, storage::races},
    wire::{LapHolder, PastRun, RaceSummary, RacerOnTrack},
};

/// Every event's tracks, for the commentator's track picker.
#[server(endpoint = "list_commentary_tracks", input = Json, output = crate::codec::JsonText)]
pub async fn list_commentary_tracks() -> Result<Vec<TrackChoice>, AppError> {
    let caller = require(Action::Commentate).await?;
    let events = events::list(&caller.state.db, None).await?;
    Ok(events
        .into_iter()
        .flat_map(|e| {
            e.tracks.into_iter().map(move |t| TrackChoice {
                event: e.id.clone(),
                event_name: e.about.name.clone(),
                track: t.id,
                track_title: t.title,
            })
        })
        .collect())
}

/// The event's fastest and slowest valid laps, with who drove them.
#[cfg(feature = "ssr")]
fn lap_records(races: &[RaceSummary]) -> (Option<LapHolder>, Option<LapHolder>) {
    let laps = || {
        races.iter().flat_map(|r| {
            r.race
                .laps
                .iter()
                .filter(|l| l.valid)
                .map(move |l| (l.time_ms, r.order, &r.racer_name))
        })
    };
    let holder = |(time_ms, _, name): (u64, u64, &String)| LapHolder {
        name: name.clone(),
        time_ms,
    };
    // Equal times: the one driven first holds the record.
    let fastest = laps().min_by_key(|(t, order, _)| (*t, *order)).map(holder);
    let slowest = laps()
        .max_by_key(|(t, order, _)| (*t, std::cmp::Reverse(*order)))
        .map(holder);
    (fastest, slowest)
}

/// The racer on `track` now with their earlier runs, the other racers' results on the
/// track, and the event's lap records. Remembers the track for this staff member.
#[server(endpoint = "get_commentary", input = Json, output = crate::codec::JsonText)]
pub async fn get_commentary(track: TrackId) -> Result<Commentary, AppError> {
    let caller = require(Action::Commentate).await?;
    let db = &caller.state.db;
    let track = events::track(db, &track).await?;
    let event = events::get(db, &track.event).await?;
    crate::race::api::remember_track(&caller, &track.id).await;
    let ranking = event.rules_for(&track.id).ranking;
    let open = races::open_on(db, &track.id, caller.state.clock.now_ms()).await?;
    let all = races::submitted(db, &event.id, None, None).await?;
    let records: Vec<_> = all
        .iter()
        .filter(|r| r.track == track.id)
        .map(RaceSummary::record)
        .collect();
    let standings = results::rank(ranking, results::compute(ranking, &records));
    let on_track = open.as_ref().map(|live| live.racer.0.as_str());
    let others_ms = standings
        .iter()
        .filter(|s| Some(s.stats.racer.as_str()) != on_track)
        .filter_map(|s| s.result.map(|r| r.value_ms))
        .collect();
    let racer = match open {
        None => None,
        Some(live) => {
            let own = standings.iter().find(|s| s.stats.racer == live.racer.0);
            let looks = races::racer_looks(db, vec![live.racer.0.clone()]).await?;
            let (country, colour) = looks.get(&live.racer.0).cloned().unwrap_or_default();
            let runs = all
                .iter()
                .filter(|r| r.racer == live.racer)
                .map(|r| {
                    let rules = event.rules_for(&r.track);
                    let stats = results::of_one_race(rules.ranking, &r.record());
                    PastRun {
                        track_title: event
                            .tracks
                            .iter()
                            .find(|t| t.id == r.track)
                            .map(|t| t.title.clone())
                            .unwrap_or_default(),
                        submitted_at: r.submitted_at.clone(),
                        laps: stats.laps,
                        valid_laps: stats.valid_laps,
                        fastest_lap_ms: stats.fastest_lap.map(|a| a.value_ms),
                        best_average_ms: stats.best_average.map(|a| a.value_ms),
                    }
                })
                .collect();
            Some(RacerOnTrack {
                handle: live.racer_handle,
                name: live.racer_name,
                country,
                colour: if colour.is_empty() {
                    live.racer_colour
                } else {
                    colour
                },
                position: own.and_then(|s| s.position),
                result_ms: own.and_then(|s| s.result.map(|r| r.value_ms)),
                fastest_lap_ms: own.and_then(|s| s.stats.fastest_lap.map(|a| a.value_ms)),
                runs,
            })
        }
    };
    let (fastest, slowest) = lap_records(&all);
    Ok(Commentary {
        event: event.id,
        event_name: event.about.name,
        track_title: track.title,
        ranking,
        racer,
        others_ms,
        fastest,
        slowest,
    })
}
