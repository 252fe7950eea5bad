//! `/race`: the operator's race control for one track. Big buttons, one key per action
//! (shown on screen), the running lap and time left ticking locally between server
//! answers, and the server's race as the only truth.

use super::api::*;
use crate::accounts::api::list_racers;
use crate::components::form::Problem;
use crate::domain::laptime::format_ms;
use crate::domain::race::{Command, LapSource, RaceState};
use crate::error::AppError;
use crate::events::api::list_events;
use crate::model::{LiveRace, RaceDesk, TrackId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// Milliseconds of the browser's monotonic clock.
fn local_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        window().performance().map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// A race snapshot and when (on the local clock) it arrived, to tick from.
#[derive(Clone)]
struct Received {
    live: LiveRace,
    at_local_ms: f64,
}

impl Received {
    fn server_now(&self, local_now: f64) -> u64 {
        self.live.server_now_ms + (local_now - self.at_local_ms).max(0.0) as u64
    }
}

#[component]
pub fn RaceManagerPage() -> impl IntoView {
    let query = use_query_map();
    let track = Signal::derive(move || query.get().get("track").map(TrackId));
    // Without a track in the URL, continue on the one this person timed last.
    let choice = Resource::new(|| (), |_| get_current_choice());
    let navigate = use_navigate();
    Effect::new(move || {
        if track.get_untracked().is_none() {
            if let Some(Ok(Some((_, last)))) = choice.get() {
                navigate(
                    &format!("/race?track={}", last.0),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });
    view! {
        <Title text="Race manager" />
        <TrackPicker current=track />
        {move || match track.get() {
            Some(track) => view! { <RaceDeskView track /> }.into_any(),
            None => view! { <p class="empty">"Choose the event and track you are timing."</p> }.into_any(),
        }}
    }
}

/// Event and track selection, kept in the URL so a refresh keeps it.
#[component]
fn TrackPicker(current: Signal<Option<TrackId>>) -> impl IntoView {
    let events = Resource::new(|| (), |_| list_events(None));
    let navigate = use_navigate();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let navigate = navigate.clone();
                Suspend::new(async move {
                    match events.await {
                        Ok(list) => {
                            let options = list
                                .iter()
                                .flat_map(|e| {
                                    e.tracks.iter().map(move |t| {
                                        let id = t.id.0.clone();
                                        let selected = current.get_untracked().is_some_and(|c| c.0 == id);
                                        view! { <option value=id selected=selected>{format!("{} · {}", e.name, t.title)}</option> }
                                    })
                                })
                                .collect_view();
                            view! {
                                <div class="field track-picker">
                                    <label for="track-pick">"Event and track"</label>
                                    <select id="track-pick" on:change=move |ev| {
                                        navigate(&format!("/race?track={}", event_target_value(&ev)), Default::default());
                                    }>
                                        <option value="" selected=current.get_untracked().is_none()>"Choose a track"</option>
                                        {options}
                                    </select>
                                </div>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <Problem error=e /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn RaceDeskView(track: TrackId) -> impl IntoView {
    let track_for_desk = track.clone();
    let desk = Resource::new(|| (), move |_| get_race_desk(track_for_desk.clone()));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let track = track.clone();
                Suspend::new(async move {
                    match desk.await {
                        Ok(desk) => view! { <RaceControl desk track /> }.into_any(),
                        Err(e) => view! { <Problem error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Keys and the command each sends, as shown on screen.
const KEYS: &[(&str, &str)] = &[
    ("Space", "start / pause / resume"),
    ("Enter", "lap"),
    ("R", "reset +1"),
    ("E", "reset −1"),
    ("D", "DNF"),
    ("U", "undo false finish"),
    ("X", "end race"),
];

/// The race to show: `None` once it is submitted or discarded (the next racer's turn).
fn shown(live: LiveRace) -> Option<Received> {
    let open = !matches!(live.race.state, RaceState::Submitted | RaceState::Discarded);
    open.then(|| Received {
        live,
        at_local_ms: local_ms(),
    })
}

#[component]
fn RaceControl(desk: RaceDesk, track: TrackId) -> impl IntoView {
    let received: RwSignal<Option<Received>> = RwSignal::new(desk.race.clone().and_then(shown));
    // Catches up with changes from another tab or device, without re-rendering the page:
    // only a different race or a newer version replaces what is shown.
    let sync = {
        let track = track.clone();
        move || {
            let track = track.clone();
            leptos::task::spawn_local(async move {
                let Ok(desk) = get_race_desk(track).await else {
                    return;
                };
                let fresh = desk.race.and_then(shown);
                let newer = match (received.get_untracked(), &fresh) {
                    (Some(old), Some(new)) => {
                        old.live.id != new.live.id || new.live.version > old.live.version
                    }
                    (None, None) => false,
                    _ => true,
                };
                if newer {
                    received.set(fresh);
                }
            });
        }
    };
    let now = RwSignal::new(local_ms());
    let confirm_end = RwSignal::new(false);
    let command = ServerAction::<RaceCommand>::new();
    let error = RwSignal::new(None::<AppError>);
    let sync = StoredValue::new(sync);
    let sync_now = move || sync.with_value(|s| s());
    Effect::new(move || match command.value().get() {
        Some(Ok(live)) => {
            error.set(None);
            received.set(shown(live));
        }
        Some(Err(e)) => {
            // A stale tab or a refused command: show why and catch up with the true state.
            error.set(Some(e));
            sync_now();
        }
        None => {}
    });
    let send = move |cmd: Command| {
        if let Some(r) = received.get_untracked() {
            command.dispatch(RaceCommand {
                race: r.live.id.clone(),
                version: r.live.version,
                command: cmd,
            });
        }
    };
    let state = Memo::new(move |_| received.get().map(|r| r.live.race.state));
    // The keyboard: one key per action; held-down keys never repeat an action.
    Effect::new(move || {
        let tick = set_interval_with_handle(
            move || now.set(local_ms()),
            std::time::Duration::from_millis(47),
        );
        // Another tab or device changed the race: poll until live pages arrive.
        let poll = set_interval_with_handle(sync_now, std::time::Duration::from_millis(2000));
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.repeat() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let in_field = ev
                .target()
                .and_then(|t| {
                    leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok()
                })
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                });
            if in_field {
                return;
            }
            let Some(current) = state.get_untracked() else {
                return;
            };
            let cmd = match (ev.key().as_str(), current) {
                (" ", RaceState::Ready) => Some(Command::Start),
                (" ", RaceState::Running) => Some(Command::Pause),
                (" ", RaceState::Paused) => Some(Command::Resume),
                ("Enter", RaceState::Running) => Some(Command::CaptureLap {
                    source: LapSource::Manual,
                }),
                ("r" | "R", _) => Some(Command::ResetUp),
                ("e" | "E", _) => Some(Command::ResetDown),
                ("d" | "D", _) => Some(Command::Dnf),
                ("u" | "U", _) => Some(Command::UndoFalseFinish),
                ("x" | "X", RaceState::Running | RaceState::Paused) => {
                    confirm_end.set(true);
                    None
                }
                ("y" | "Y", _) if confirm_end.get_untracked() => {
                    confirm_end.set(false);
                    Some(Command::End)
                }
                ("n" | "N" | "Escape", _) => {
                    confirm_end.set(false);
                    None
                }
                ("s" | "S", RaceState::Over) => Some(Command::Submit),
                _ => None,
            };
            if let Some(cmd) = cmd {
                ev.prevent_default();
                // A focused button would also act on the key's release: drop focus.
                if let Some(el) = document().active_element() {
                    if let Ok(el) =
                        leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(el)
                    {
                        let _ = el.blur();
                    }
                }
                send(cmd);
            }
        });
        on_cleanup(move || {
            if let Ok(t) = tick {
                t.clear();
            }
            if let Ok(p) = poll {
                p.clear();
            }
            keys.remove();
        });
    });
    let rules = desk.rules;
    view! {
        <div class="race-head">
            <h1>{desk.track.title.clone()}</h1>
            <p class="hint">{desk.event.name.clone()} " · " {rules.ranking.describe()}</p>
        </div>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        {move || match received.get() {
            None => view! { <RacerPicker track=track.clone() runs_allowed=rules.runs_per_racer received /> }.into_any(),
            Some(r) => {
                let server_now = move || received.get().map(|r| r.server_now(now.get())).unwrap_or(0);
                view! { <RaceBoard received=r send server_now=Signal::derive(server_now) confirm_end /> }.into_any()
            }
        }}
        <section class="keys" aria-label="Keyboard shortcuts">
            <h2>"Keys"</h2>
            <dl>
                {KEYS.iter().map(|(k, what)| view! { <dt><kbd>{*k}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                <dt><kbd>"S"</kbd></dt><dd>"submit (finish screen)"</dd>
            </dl>
        </section>
    }
}

#[component]
fn RacerPicker(
    track: TrackId,
    runs_allowed: Option<u32>,
    received: RwSignal<Option<Received>>,
) -> impl IntoView {
    let track_for_runs = track.clone();
    let runs = Resource::new(|| (), move |_| get_track_runs(track_for_runs.clone()));
    let search = RwSignal::new(String::new());
    let by_proxy = RwSignal::new(false);
    let override_runs = RwSignal::new(false);
    let racers = Resource::new(move || search.get(), list_racers);
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
    // Enter in the search box races the first match: one search and one key.
    let first_match = Memo::new(move |_| {
        racers
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.first().map(|r| r.id.clone()))
    });
    let track_for_enter = track.clone();
    let on_search_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.repeat() {
            ev.prevent_default();
            if let Some(racer) = first_match.get_untracked() {
                start.dispatch(StartRace {
                    track: track_for_enter.clone(),
                    racer,
                    by_proxy: by_proxy.get_untracked(),
                    override_runs: override_runs.get_untracked(),
                });
            }
        }
    };
    view! {
        <section class="card" aria-label="Next racer">
            <h2>"Next racer"</h2>
            <label class="check">
                <input type="checkbox" prop:checked=move || by_proxy.get() on:change=move |ev| by_proxy.set(event_target_checked(&ev)) />
                "Raced by proxy (the racer is not here)"
            </label>
            <div class="field">
                <label for="racer-search">"Find racer"</label>
                <input id="racer-search" type="search" autocomplete="off" autofocus=true
                    aria-describedby="racer-search-hint"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))
                    on:keydown=on_search_key />
                <p class="hint" id="racer-search-hint">"Enter races the first match."</p>
            </div>
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
                    let track = track.clone();
                    Suspend::new(async move {
                        match racers.await {
                            Ok(list) => view! {
                                <ul class="racer-list">
                                    {list.into_iter().take(30).map(|r| {
                                        let track = track.clone();
                                        let id = r.id.clone();
                                        let name = r.display_name.clone().unwrap_or_else(|| r.username.clone());
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
                                        view! {
                                            <li class:out-of-runs=out>
                                                <button class="button racer-pick" on:click=move |_| {
                                                    start.dispatch(StartRace {
                                                        track: track.clone(),
                                                        racer: id.clone(),
                                                        by_proxy: by_proxy.get_untracked(),
                                                        override_runs: override_runs.get_untracked(),
                                                    });
                                                }>{format!("Race: {name}")}</button>
                                                <span class="sub runs">{runs_text}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }
                            .into_any(),
                            Err(e) => view! { <Problem error=e /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

fn state_label(state: RaceState) -> &'static str {
    match state {
        RaceState::Ready => "Ready",
        RaceState::Running => "Running",
        RaceState::Paused => "Paused",
        RaceState::Over => "Race over",
        RaceState::Submitted => "Submitted",
        RaceState::Discarded => "Discarded",
    }
}

#[component]
fn RaceBoard(
    received: Received,
    send: impl Fn(Command) + Copy + Send + Sync + 'static,
    server_now: Signal<u64>,
    confirm_end: RwSignal<bool>,
) -> impl IntoView {
    let live = received.live.clone();
    let race = live.race.clone();
    let state = race.state;
    let lap_now = {
        let race = race.clone();
        move || format_ms(race.lap_elapsed(server_now.get()))
    };
    let left = {
        let race = race.clone();
        move || {
            race.remaining(server_now.get())
                .map(format_ms)
                .unwrap_or_else(|| "no limit".into())
        }
    };
    let time_up = {
        let race = race.clone();
        move || race.time_up(server_now.get())
    };
    let laps = race
        .laps
        .iter()
        .enumerate()
        .rev()
        .map(|(i, lap)| {
            let valid = lap.valid;
            view! {
                <tr class:invalid=!valid>
                    <td>{i + 1}</td>
                    <td class="num">{format_ms(lap.time_ms)}</td>
                    <td class="num">{lap.resets}</td>
                    <td>
                        <button class="button small" aria-pressed=valid.to_string()
                            aria-label=format!("Lap {} valid", i + 1)
                            on:click=move |_| send(Command::ToggleValid { lap: i })>
                            {if valid { "Valid" } else { "Invalid" }}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let big = |label: &'static str, key: &'static str, cmd: Command, class: &'static str| {
        view! {
            <button class=format!("button big {class}") on:click=move |_| send(cmd)>
                {label} <kbd>{key}</kbd>
            </button>
        }
    };
    view! {
        <section class=format!("race-board state-{}", state_label(state).to_lowercase().replace(' ', "-")) aria-label="Race">
            <div class="race-status">
                <span class="racer-dot" style=format!("background:{}", live.racer_colour)></span>
                <strong class="racer-name">{live.racer_name.clone()} {live.by_proxy.then_some(" *")}</strong>
                <span class="state-badge" role="status">{state_label(state)}</span>
            </div>
            <div class="clocks">
                <div><span class="clock-label">"Lap"</span><span class="clock" data-testid="lap-clock">{lap_now}</span></div>
                <div><span class="clock-label">"Time left"</span><span class="clock" class:time-up=time_up data-testid="time-left">{left}</span></div>
                <div><span class="clock-label">"Resets"</span><span class="clock">{race.current_resets}</span></div>
            </div>
            <div class="race-buttons">
                {match state {
                    RaceState::Ready => big("Start", "Space", Command::Start, "primary").into_any(),
                    RaceState::Running => view! {
                        {big("Lap", "Enter", Command::CaptureLap { source: LapSource::Manual }, "primary lap")}
                        {big("Pause", "Space", Command::Pause, "")}
                        {big("Reset +1", "R", Command::ResetUp, "")}
                        {big("Reset −1", "E", Command::ResetDown, "")}
                        {big("DNF", "D", Command::Dnf, "")}
                        {big("Undo lap", "U", Command::UndoFalseFinish, "")}
                    }.into_any(),
                    RaceState::Paused => view! {
                        {big("Resume", "Space", Command::Resume, "primary")}
                        {big("Reset +1", "R", Command::ResetUp, "")}
                        {big("Reset −1", "E", Command::ResetDown, "")}
                        {big("Undo lap", "U", Command::UndoFalseFinish, "")}
                    }.into_any(),
                    RaceState::Over => view! {
                        {big("Submit", "S", Command::Submit, "primary")}
                        {big("Discard", "—", Command::Discard, "danger")}
                        {race.can_undo().then(|| big("Undo lap", "U", Command::UndoFalseFinish, ""))}
                    }.into_any(),
                    _ => ().into_any(),
                }}
                {matches!(state, RaceState::Running | RaceState::Paused).then(|| view! {
                    <button class="button big danger" on:click=move |_| confirm_end.set(true)>"End race " <kbd>"X"</kbd></button>
                })}
                {(state == RaceState::Ready).then(|| big("Discard", "—", Command::Discard, "danger"))}
            </div>
            <Show when=move || confirm_end.get()>
                <div class="confirm" role="alert">
                    "End the race? The lap in progress will not count. "
                    <button class="button danger" on:click=move |_| { confirm_end.set(false); send(Command::End) }>"End race " <kbd>"Y"</kbd></button>
                    <button class="button" on:click=move |_| confirm_end.set(false)>"Keep racing " <kbd>"N"</kbd></button>
                </div>
            </Show>
            <table class="laps">
                <thead><tr><th>"Lap"</th><th class="num">"Time"</th><th class="num">"Resets"</th><th>"Counts"</th></tr></thead>
                <tbody>{laps}</tbody>
            </table>
        </section>
    }
}
