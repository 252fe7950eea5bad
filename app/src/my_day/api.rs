//! The racer's race day: read for the signed-in racer only, never for another.

use crate::error::AppError;
use crate::wire::{EventId, MyRaceDay};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{queue, roles::Action},
    ssr::{
        guard::require,
        storage::{events, queues, races, Db},
    },
    wire::{Event, MyPlace, TrackId, UserId},
};

/// The signed-in racer's day at `event` (or at the newest event they wait in or
/// raced at).
#[server(endpoint = "get_my_race_day", input = Json, output = crate::codec::JsonText)]
pub async fn get_my_race_day(event: Option<EventId>) -> Result<MyRaceDay, AppError> {
    let caller = require(Action::ManageOwnAccount).await?;
    let db = &caller.state.db;
    let me = caller.user()?.id.clone();
    let waiting_on = queues::tracks_of(db, &me).await?;
    // On track now counts: the race is open, not yet among the results.
    let mut mine: Vec<EventId> = races::events_entered_by(db, &me).await?;
    for track in &waiting_on {
        mine.push(events::track(db, track).await?.event);
    }
    // Newest first, as the event list reads.
    let events: Vec<Event> = events::list(db, None)
        .await?
        .into_iter()
        .filter(|e| mine.contains(&e.id))
        .collect();
    let shown = match event {
        Some(id) => Some(events::get(db, &id).await?),
        None => events.first().cloned(),
    };
    let mut day = MyRaceDay {
        event: shown.as_ref().map(|e| (e.id.clone(), e.about.name.clone())),
        events: events.into_iter().map(|e| (e.id, e.about.name)).collect(),
        handle: crate::ssr::handle::of(&me.0),
        places: Vec::new(),
        tracks: Vec::new(),
        races: Vec::new(),
    };
    let Some(event) = shown else {
        return Ok(day);
    };
    let now = caller.state.clock.now_ms();
    for track in &event.tracks {
        if waiting_on.contains(&track.id) {
            day.places
                .push(place_on(db, &event, &track.id, &track.title, &me, now).await?);
        }
    }
    day.tracks = event
        .tracks
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .collect();
    day.races = races::submitted(db, &event.id, None, Some(&me)).await?;
    Ok(day)
}

/// Where `me` waits on `track`, and about when they race.
#[cfg(feature = "ssr")]
async fn place_on(
    db: &Db,
    event: &Event,
    track: &TrackId,
    title: &str,
    me: &UserId,
    now: u64,
) -> Result<MyPlace, AppError> {
    let waiting = queues::waiting(db, track).await?;
    let ahead = waiting.iter().position(|w| w.racer == me.0).unwrap_or(0) as u32;
    let race_on_track = races::open_on(db, track, now).await?.is_some();
    let measured = queue::turn_ms(&races::starts_today(db, track).await?);
    // No pace yet today: the race time and a minute to change over.
    let assumed = event.rules_for(track).race_time_ms.unwrap_or(120_000) + 60_000;
    let turn_ms = measured.unwrap_or(assumed);
    Ok(MyPlace {
        track: track.clone(),
        track_title: title.to_string(),
        position: ahead + 1,
        waiting: waiting.len() as u32,
        race_on_track,
        wait_ms: queue::wait_ms(ahead, race_on_track, turn_ms),
        turn_ms,
        turn_measured: measured.is_some(),
    })
}
