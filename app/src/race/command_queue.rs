//! Race commands go one at a time, each made against the version the previous one
//! returned: Enter then R within one round trip sends both, never a stale second.

use super::api::RaceCommand;
use super::ticking::Received;
use crate::domain::race::Command;
use crate::error::AppError;
use crate::wire::LiveRace;
use leptos::prelude::*;
use std::collections::VecDeque;

/// Queues commands for the race in `received`; `answered` gets each answer (the race
/// as it is now, or why the command was refused). A refusal drops what was queued
/// behind it. Returns the function that queues a command.
pub fn command_queue(
    received: RwSignal<Option<Received>>,
    answered: impl Fn(Result<LiveRace, AppError>) + 'static,
) -> impl Fn(Command) + Copy + 'static {
    let command = ServerAction::<RaceCommand>::new();
    let queue = StoredValue::new(VecDeque::<Command>::new());
    let in_flight = StoredValue::new(false);
    let dispatch_next = move || {
        if in_flight.get_value() {
            return;
        }
        let Some(cmd) = queue.try_update_value(|q| q.pop_front()).flatten() else {
            return;
        };
        let Some(r) = received.get_untracked() else {
            queue.update_value(|q| q.clear());
            return;
        };
        in_flight.set_value(true);
        command.dispatch(RaceCommand {
            race: r.live.id.clone(),
            version: r.live.version,
            command: cmd,
        });
    };
    Effect::new(move || {
        let Some(answer) = command.value().get() else {
            return;
        };
        in_flight.set_value(false);
        if answer.is_err() {
            queue.update_value(|q| q.clear());
        }
        answered(answer);
        dispatch_next();
    });
    move |cmd: Command| {
        queue.update_value(|q| q.push_back(cmd));
        dispatch_next();
    }
}
