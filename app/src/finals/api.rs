//! Creating a final: the top N of the event's ranking (or one track's) seeded in
//! ranking order onto a new track with its own rules, and queued there in seed order.

use crate::error::AppError;
use crate::wire::{EventId, FinalInput, Track};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{event, finals, roles::Action},
    ssr::{
        guard::require,
        standings,
        storage::{changes, events, queues},
    },
    wire::{FinalRound, NamedStanding, TrackInput},
};

/// Creates a final of `event` from its ranking (or the ranking of `input.from`),
/// with the seeded racers queued on it in seed order. Refused, changing nothing, when
/// fewer racers have a result than the final seats.
#[server(endpoint = "create_final", input = Json, output = crate::codec::JsonText)]
pub async fn create_final(event: EventId, input: FinalInput) -> Result<Track, AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    let by = caller.user()?.id.clone();
    let event = events::get(db, &event).await?;
    let track_input = event::validate_track(TrackInput {
        title: input.title,
        footer: String::new(),
        layout: event
            .qualifying()
            .next()
            .map_or(crate::wire::TrackLayout::Other, |t| t.layout),
        rules: Some(input.rules),
    })?;
    let results = standings::event_results(db, &event).await?;
    let board: Vec<NamedStanding> = match &input.from {
        Some(from) => {
            results
                .tracks
                .into_iter()
                .find(|(t, _)| &t.id == from && t.final_round.is_none())
                .ok_or_else(|| {
                    AppError::invalid("from", "Seed from a qualifying track of this event.")
                })?
                .1
        }
        None => match results.combined {
            Some(combined) => combined,
            None => results
                .tracks
                .into_iter()
                .find(|(t, _)| t.final_round.is_none())
                .map(|(_, rows)| rows)
                .unwrap_or_default(),
        },
    };
    let standings: Vec<_> = board.iter().map(|r| r.standing.clone()).collect();
    let seeding = finals::seed(&standings, input.seats)
        .map_err(|e| AppError::invalid("seats", e.to_string()))?;
    let name = |i: &usize| board[*i].name.clone();
    let round = FinalRound {
        from: input.from,
        seeds: seeding.seeds.iter().map(name).collect(),
        tied_out: seeding.tied_out.iter().map(name).collect(),
    };
    let id = events::add_track(db, &event.id, &track_input, Some(&round)).await?;
    for i in &seeding.seeds {
        let racer = crate::wire::UserId(board[*i].standing.stats.racer.clone());
        queues::add(db, &id, &racer, &by, None).await?;
    }
    tracing::info!(event = %event.id.0, track = %id.0, seeds = ?round.seeds, tied_out = ?round.tied_out, "final created");
    changes::record(db, &event.id, None, changes::Results::All).await;
    changes::record_queue(db, &event.id, &id).await;
    events::track(db, &id).await
}
