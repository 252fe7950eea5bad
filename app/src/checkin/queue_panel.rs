//! The race manager's queue of its track: who waits, in order, with the check-in steps
//! they still lack; moved up and down, taken out, or the first skipped. The picker
//! races the first in one key (Enter in the empty search).

use super::api::{move_in_queue, unqueue};
use crate::components::form::Problem;
use crate::error::AppError;
use crate::wire::{TrackId, TrackQueue, UserId};
use leptos::prelude::*;

/// A track's queue as the race manager keeps it: loaded in the browser, again when
/// `version` is bumped (by the track's stream or after an action here). A plain
/// signal, not a resource: the race page sits under the desk's `Transition`, and a
/// resource read there would hold the whole page (the picker's focus with it) each
/// time the queue loads.
pub type QueueState = RwSignal<Option<Result<TrackQueue, AppError>>>;

pub fn use_track_queue(track: TrackId, version: RwSignal<u32>) -> QueueState {
    let queue: QueueState = RwSignal::new(None);
    Effect::new(move || {
        let asked = version.get();
        let track = track.clone();
        leptos::task::spawn_local(async move {
            let answer = super::api::get_queue(track).await;
            // An older load answering late never replaces a newer one.
            if version.get_untracked() == asked {
                queue.set(Some(answer));
            }
        });
    });
    queue
}

/// The first racer waiting, if any: who Enter in the empty search races.
pub fn first_waiting(queue: QueueState) -> Signal<Option<(UserId, String)>> {
    Signal::derive(move || {
        queue.with(|q| {
            q.as_ref()
                .and_then(|q| q.as_ref().ok())
                .and_then(|q| q.entries.first().map(|e| (e.racer.clone(), e.name.clone())))
        })
    })
}

#[component]
pub fn QueuePanel(track: TrackId, queue: QueueState, version: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    // Every action answers with the queue as it is now; the list loads it again.
    let done = move |answer: Result<TrackQueue, AppError>| match answer {
        Ok(_) => {
            error.set(None);
            version.update(|v| *v += 1);
        }
        Err(e) => error.set(Some(e)),
    };
    let track = StoredValue::new(track);
    let move_to = move |racer: UserId, to: u32| {
        let track = track.get_value();
        leptos::task::spawn_local(async move { done(move_in_queue(track, racer, to).await) });
    };
    let remove = move |racer: UserId| {
        let track = track.get_value();
        leptos::task::spawn_local(async move { done(unqueue(track, racer).await) });
    };
    view! {
        <section class="card queue" aria-label="Queue">
            <h2>"Queue"</h2>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {move || match queue.get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <Problem error /> }.into_any(),
                Some(Ok(queue)) => if queue.entries.is_empty() {
                    view! { <p class="empty">"Nobody is waiting. Queue racers from the search or the check-in desk."</p> }.into_any()
                } else {
                    let last = queue.entries.len() - 1;
                    view! {
                        <ol class="queue-list">
                            {queue.entries.into_iter().enumerate().map(|(i, entry)| {
                                let (up, down, out, skip) = (entry.racer.clone(), entry.racer.clone(), entry.racer.clone(), entry.racer.clone());
                                let name = entry.name.clone();
                                view! {
                                    <li>
                                        <span class="pos">{format!("{}.", i + 1)}</span>
                                        <span class="name">{entry.name.clone()}</span>
                                        <span class="handle">{format!("@{}", entry.username)}</span>
                                        {(!entry.missing.is_empty()).then(|| view! {
                                            <span class="sub warn">{format!("Not done: {}", entry.missing.join(", "))}</span>
                                        })}
                                        {entry.overridden.clone().map(|o| view! {
                                            <span class="sub">{format!("Queued over: {o}")}</span>
                                        })}
                                        <span class="queue-actions">
                                            {(i == 0 && last > 0).then(|| view! {
                                                <button type="button" class="button small"
                                                    aria-label=format!("Skip {name}: second in line")
                                                    on:click=move |_| move_to(skip.clone(), 1)>"Skip"</button>
                                            })}
                                            <button type="button" class="button small" disabled=i == 0
                                                aria-label=format!("Move {} up", entry.name)
                                                on:click=move |_| move_to(up.clone(), i.saturating_sub(1) as u32)>"↑"</button>
                                            <button type="button" class="button small" disabled=i == last
                                                aria-label=format!("Move {} down", entry.name)
                                                on:click=move |_| move_to(down.clone(), i as u32 + 1)>"↓"</button>
                                            <button type="button" class="button small"
                                                aria-label=format!("Take {} out of the queue", entry.name)
                                                on:click=move |_| remove(out.clone())>"✕"</button>
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </section>
    }
}
