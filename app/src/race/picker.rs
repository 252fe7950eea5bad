//! The racer picker: find a racer, see their runs, put them on the track.

use super::api::{get_track_runs, StartRace};
use super::ticking::Received;
use crate::accounts::api::list_racers;
use crate::checkin::api::queue_racer;
use crate::components::form::Problem;
use crate::components::local_clock::local_ms;
use crate::error::AppError;
use crate::wire::{TrackId, UserId, UserSummary};
use leptos::prelude::*;

/// How many matches the picker lists.
const SHOWN: usize = 30;

#[component]
pub fn RacerPicker(
    track: TrackId,
    runs_allowed: Option<u32>,
    received: RwSignal<Option<Received>>,
    /// The first racer in the track's queue: Enter in the empty search races them.
    next: Signal<Option<(UserId, String)>>,
    queue_version: RwSignal<u32>,
) -> impl IntoView {
    // The picker's loads run in the browser only. It is rendered once the track's desk
    // has loaded, and the server may build that part twice while streaming; a resource
    // made there would take a different place in the page's serialized data than in the
    // browser, and hydrate with another one's value (seen as a flaky hydration panic).
    let track_for_runs = track.clone();
    let track_for_queue = track.clone();
    let runs = LocalResource::new(move || get_track_runs(track_for_runs.clone()));
    let search = RwSignal::new(String::new());
    let by_proxy = RwSignal::new(false);
    let override_runs = RwSignal::new(false);
    // Each answer carries the search it answers, so Enter never acts on a stale list.
    let racers = LocalResource::new(move || {
        let query = search.get();
        async move {
            let list = list_racers(query.clone()).await;
            (query, list)
        }
    });
    let start = ServerAction::<StartRace>::new();
    Effect::new(move || {
        if let Some(Ok(live)) = start.value().get() {
            received.set(Some(Received {
                live,
                at_local_ms: local_ms(),
            }));
        }
    });
    let error = move || start.value().get().and_then(Result::err);
    // The matches of the current search (best first) and the one Enter takes: the
    // first, or another chosen with the arrow keys. Set by the list once it has loaded
    // (read from there, not from the resource, so typing never suspends the page), and
    // kept with the search it answers, so Enter never acts on a stale list.
    let matches = RwSignal::new((String::new(), Vec::<(UserId, String)>::new()));
    let chosen = RwSignal::new(0usize);
    let chosen_match = Memo::new(move |_| {
        matches.with(|(query, list)| {
            (*query == search.get())
                .then(|| list.get(chosen.get()).cloned())
                .flatten()
        })
    });
    // An override covers one start only: it never carries over to the next racer.
    let pick = Callback::new(move |racer| {
        start.dispatch(StartRace {
            track: track.clone(),
            racer,
            by_proxy: by_proxy.get_untracked(),
            override_runs: override_runs.get_untracked(),
        });
        override_runs.set(false);
    });
    // Enter in the empty search takes the queue's first.
    let enter_takes = Memo::new(move |_| {
        if search.get().trim().is_empty() {
            next.get()
        } else {
            chosen_match.get()
        }
    });
    let on_search_key = search_keys(matches, chosen, enter_takes, pick);
    let queued = queue_action(track_for_queue, queue_version);
    // After choosing a track the operator types at once: the browser ignores
    // `autofocus` on a page that is already running, so focus from here.
    let search_box = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = search_box.get() {
            let _ = input.focus();
        }
    });
    view! {
        <section class="card" aria-label="Next racer">
            <h2>"Next racer"</h2>
            <label class="check">
                <input type="checkbox" prop:checked=move || by_proxy.get() on:change=move |ev| by_proxy.set(event_target_checked(&ev)) />
                "Raced by proxy (the racer is not here)"
            </label>
            <div class="field">
                <label for="racer-search">"Find racer"</label>
                <input id="racer-search" type="search" autocomplete="off" autofocus=true node_ref=search_box
                    aria-describedby="racer-search-hint"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))
                    on:keydown=on_search_key />
                <p class="hint" id="racer-search-hint" aria-live="polite">
                    {move || match (search.get().trim().is_empty(), enter_takes.get()) {
                        (true, Some((_, name))) => format!("Enter races {name}, next in the queue; or type part of a name."),
                        (false, Some((_, name))) => format!("Enter races {name} (↑ ↓ to choose another)."),
                        _ => "Type part of a name; Enter races the best match.".to_string(),
                    }}
                </p>
            </div>
            {move || next.get().map(|(racer, name)| view! {
                <button type="button" class="button primary" on:click=move |_| pick.run(racer.clone())>
                    {format!("Race {name} (next in the queue)")}
                </button>
            })}
            {move || queued.error.get().map(|e| {
                let missing_steps = e.to_string().contains("has not done");
                view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                    {missing_steps.then(|| view! {
                        <button type="button" class="button small" on:click=move |_| queued.again_anyway()>
                            "Queue anyway (recorded)"
                        </button>
                    })}
                }
            })}
            {move || error().map(|e| {
                let out_of_runs = e.to_string().contains("used all");
                view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                    {out_of_runs.then(|| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || override_runs.get()
                                on:change=move |ev| override_runs.set(event_target_checked(&ev)) />
                            "Allow one more run (recorded)"
                        </label>
                    })}
                }
            })}
            <Transition fallback=|| ()>
                {move || {
                    Suspend::new(async move {
                        let (query, found) = racers.await;
                        match found {
                            Ok(list) => {
                                if query == search.get_untracked() {
                                    let shown = list.iter().take(SHOWN).map(|r| {
                                        (r.id.clone(), r.display_name.clone().unwrap_or_else(|| r.username.clone()))
                                    });
                                    matches.set((query, shown.collect()));
                                    chosen.set(0);
                                }
                                view! { <RacerList list runs runs_allowed chosen pick queued /> }
                            .into_any()
                            }
                            Err(e) => view! { <Problem error=e /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// The search box's keys: Enter races the chosen match, the arrows choose another.
fn search_keys(
    matches: RwSignal<(String, Vec<(UserId, String)>)>,
    chosen: RwSignal<usize>,
    chosen_match: Memo<Option<(UserId, String)>>,
    pick: Callback<UserId>,
) -> impl Fn(leptos::ev::KeyboardEvent) + Clone + 'static {
    move |ev: leptos::ev::KeyboardEvent| {
        if ev.repeat() {
            return;
        }
        let count = matches.with_untracked(|(_, list)| list.len());
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                if let Some((racer, _)) = chosen_match.get_untracked() {
                    pick.run(racer);
                }
            }
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                chosen.update(|c| *c = (*c + 1).min(count - 1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                chosen.update(|c| *c = c.saturating_sub(1));
            }
            _ => {}
        }
    }
}

/// The matches (at most `SHOWN`), each with the runs used on this track and a button
/// that puts them on it.
#[component]
fn RacerList(
    list: Vec<UserSummary>,
    runs: LocalResource<Result<Vec<(UserId, u32)>, AppError>>,
    runs_allowed: Option<u32>,
    chosen: RwSignal<usize>,
    pick: Callback<UserId>,
    queued: QueueAction,
) -> impl IntoView {
    view! {
        <ul class="racer-list">
            {list.into_iter().take(SHOWN).enumerate().map(|(i, r)| {
                let id = r.id.clone();
                let name = r.display_name.clone().unwrap_or_else(|| r.username.clone());
                let name_for_queue = name.clone();
                let queue_id = r.id.clone();
                let racer = r.id.clone();
                let used = Signal::derive(move || {
                    runs.get()
                        .and_then(Result::ok)
                        .and_then(|list| list.iter().find(|(u, _)| *u == racer).map(|(_, n)| *n))
                        .unwrap_or(0)
                });
                let runs_text = move || match runs_allowed {
                    Some(max) => format!("{} of {max} runs used", used.get()),
                    None => match used.get() {
                        1 => "1 run".to_string(),
                        n => format!("{n} runs"),
                    },
                };
                let out = move || runs_allowed.is_some_and(|max| used.get() >= max);
                let is_chosen = move || chosen.get() == i;
                view! {
                    <li class:out-of-runs=out class:chosen=is_chosen>
                        <button class="button racer-pick"
                            aria-current=move || is_chosen().then_some("true")
                            on:click=move |_| pick.run(id.clone())>{format!("Race: {name}")}</button>
                        <span class="sub runs">{runs_text}</span>
                        <button type="button" class="button small" aria-label=format!("Queue {name_for_queue}")
                            on:click=move |_| queued.queue(queue_id.clone(), false)>"Queue"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Queueing a racer from the search: the last refusal (a racer lacking a check-in
/// step), and the racer it refused, for "queue anyway".
#[derive(Clone, Copy)]
struct QueueAction {
    track: StoredValue<TrackId>,
    refused: StoredValue<Option<UserId>>,
    error: RwSignal<Option<AppError>>,
    version: RwSignal<u32>,
}

fn queue_action(track: TrackId, version: RwSignal<u32>) -> QueueAction {
    QueueAction {
        track: StoredValue::new(track),
        refused: StoredValue::new(None),
        error: RwSignal::new(None),
        version,
    }
}

impl QueueAction {
    fn queue(self, racer: UserId, anyway: bool) {
        let track = self.track.get_value();
        leptos::task::spawn_local(async move {
            match queue_racer(track, racer.clone(), anyway).await {
                Ok(_) => {
                    self.error.set(None);
                    self.refused.set_value(None);
                    self.version.update(|v| *v += 1);
                }
                Err(e) => {
                    self.refused.set_value(Some(racer));
                    self.error.set(Some(e));
                }
            }
        });
    }

    /// Queues the racer last refused, over their missing steps (recorded).
    fn again_anyway(self) {
        if let Some(racer) = self.refused.get_value() {
            self.queue(racer, true);
        }
    }
}
