//! `/race`: the operator's race control for one track. Big buttons, one key per action
//! (shown on screen), the running lap and time left ticking locally between server
//! answers, and the server's race as the only truth.

use super::api::*;
use super::board::RaceBoard;
use super::command_queue::command_queue;
use super::keyboard;
use super::keys::{KeyAction, Question, KEYS};
use super::picker::RacerPicker;
use super::ticking::Received;
use crate::cars::track_kit::TrackKitPicker;
use crate::checkin::queue_panel::{first_waiting, use_track_queue, QueuePanel};
use crate::components::callouts::{speak_new_laps, speak_time_up, CalloutSwitch};

use crate::components::loaded::Loaded;
use crate::components::local_clock::local_ms;
use crate::components::url_choice::UrlChoice;
use crate::domain::commentary::time_up_on_track;
use crate::domain::race::Command;
use crate::error::AppError;
use crate::events::api::list_events;
use crate::timers::track_timer::TrackTimer;
use crate::wire::{EventId, LiveRace, RaceDesk, TrackId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn RaceManagerPage() -> impl IntoView {
    let query = use_query_map();
    let track = Signal::derive(move || query.get().get("track").map(TrackId));
    continue_where_left_off(Signal::derive(move || track.get().is_some()), |_, t| {
        format!("/race?track={}", t.0)
    });
    view! {
        <Title text="Race manager" />
        <h1 class="visually-hidden">"Race manager"</h1>
        <TrackPicker current=track />
        {move || match track.get() {
            Some(track) => view! { <RaceDeskView track /> }.into_any(),
            None => view! { <p class="empty">"Choose the event and track you are timing."</p> }.into_any(),
        }}
    }
}

/// Without a choice in the URL (`chosen` false), goes on where this staff member left
/// off: `to` makes the page's URL from the event and track they used last.
pub(crate) fn continue_where_left_off(
    chosen: Signal<bool>,
    to: impl Fn(&EventId, &TrackId) -> String + 'static,
) {
    let choice = Resource::new(|| (), |_| get_current_choice());
    let navigate = use_navigate();
    Effect::new(move || {
        if !chosen.get_untracked() {
            if let Some(Ok(Some((event, track)))) = choice.get() {
                navigate(
                    &to(&event, &track),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });
}

/// Event and track selection, kept in the URL so a refresh keeps it.
#[component]
fn TrackPicker(current: Signal<Option<TrackId>>) -> impl IntoView {
    let events = Resource::new(|| (), |_| list_events(None));
    view! {
        <Loaded of=events quiet=true let:list>
            {
                let options = list
                    .iter()
                    .flat_map(|e| {
                        e.tracks
                            .iter()
                            .map(|t| (t.id.0.clone(), format!("{} · {}", e.about.name, t.title)))
                    })
                    .collect();
                view! {
                    <UrlChoice id="track-pick" label="Event and track" placeholder="Choose a track"
                        page="/race" key="track" current=current.get_untracked().map(|t| t.0) options />
                }
                .into_any()
            }
        </Loaded>
    }
}

#[component]
fn RaceDeskView(track: TrackId) -> impl IntoView {
    let track_for_desk = track.clone();
    let desk = Resource::new(|| (), move |_| get_race_desk(track_for_desk.clone()));
    view! {
        <Loaded of=desk let:desk>
            <RaceControl desk track=track.clone() />
        </Loaded>
    }
}

/// The race to show: `None` once it is submitted or discarded (the next racer's turn).
fn shown(live: LiveRace) -> Option<Received> {
    let open = live.race.state.is_open();
    open.then(|| Received {
        live,
        at_local_ms: local_ms(),
    })
}

#[component]
fn RaceControl(desk: RaceDesk, track: TrackId) -> impl IntoView {
    // The event's rules and titles as now: edited elsewhere, they arrive with `sync`.
    let desk = RwSignal::new(desk);
    let received: RwSignal<Option<Received>> =
        RwSignal::new(desk.get_untracked().race.and_then(shown));
    // Shows a race that arrived from elsewhere (the live stream, a catch-up) only when
    // it is a different race or a newer version, so nothing goes back in time.
    let accept = move |fresh: Option<Received>| {
        let newer = match (received.get_untracked(), &fresh) {
            (Some(old), Some(new)) => {
                let local = local_ms();
                old.live.id != new.live.id
                    || new.live.version > old.live.version
                    // The same race with a later clock: a page rendered on the server
                    // starts its clock only when it runs in the browser, late by the
                    // page's load time; the stream's first message corrects it.
                    || (new.live.version == old.live.version
                        && new.server_now(local) > old.server_now(local))
            }
            (None, None) => false,
            _ => true,
        };
        if newer {
            received.set(fresh);
        }
    };
    let sync = {
        let track = track.clone();
        move || {
            let track = track.clone();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = get_race_desk(track).await {
                    accept(fresh.race.and_then(shown));
                }
            });
        }
    };
    // The event's rules or titles changed elsewhere: only those are taken (the race
    // comes on the stream), and only when they differ, so the picker keeps its input.
    let reload_settings = {
        let track = track.clone();
        move || {
            let track = track.clone();
            leptos::task::spawn_local(async move {
                let Ok(fresh) = get_race_desk(track).await else {
                    return;
                };
                let changed = desk.with_untracked(|d| {
                    d.event != fresh.event || d.track != fresh.track || d.rules != fresh.rules
                });
                if changed {
                    desk.set(fresh);
                }
            });
        }
    };
    let live = RwSignal::new(false);
    let now = RwSignal::new(local_ms());
    let asking = RwSignal::new(None::<Question>);
    let error = RwSignal::new(None::<AppError>);
    let sync = StoredValue::new(sync);
    let send = command_queue(received, move |answer| match answer {
        Ok(live) => {
            error.set(None);
            if asking
                .get_untracked()
                .is_some_and(|q| !q.applies(live.race.state))
            {
                asking.set(None);
            }
            received.set(shown(live));
        }
        // A refused command or a stale tab: say why, and catch up with the true state.
        Err(e) => {
            error.set(Some(e));
            sync.with_value(|s| s());
        }
    });
    let state = Memo::new(move |_| received.get().map(|r| r.live.race.state));
    // Timers and cars change elsewhere: the track's stream says so too, so the page
    // keeps to one stream (browsers allow only a few per site).
    let kit = RwSignal::new(0u32);
    let queue_version = RwSignal::new(0u32);
    let queue = use_track_queue(track.clone(), queue_version);
    let track_for_queue = track.clone();
    let track_for_live = track.clone();
    Effect::new(move || {
        let tick = set_interval_with_handle(
            move || now.set(local_ms()),
            std::time::Duration::from_millis(47),
        );
        // Changes from another tab or device arrive on the track's live stream.
        #[cfg(feature = "hydrate")]
        crate::components::live::track::follow_track(
            &track_for_live,
            live,
            move |race| accept(race.and_then(shown)),
            move || kit.update(|v| *v += 1),
            reload_settings.clone(),
            move || queue_version.update(|v| *v += 1),
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (
            &track_for_live,
            accept,
            kit,
            &reload_settings,
            queue_version,
        );
        // One key per action; held-down keys never repeat an action.
        let to_command = move |action| match action {
            KeyAction::Send(cmd) => Some(cmd),
            KeyAction::ToggleLastLap => received
                .get_untracked()
                .and_then(|r| r.live.race.laps.len().checked_sub(1))
                .map(|lap| Command::ToggleValid { lap }),
            KeyAction::Ask(question) => {
                asking.set(Some(question));
                None
            }
            KeyAction::Confirm => {
                let question = asking.get_untracked()?;
                asking.set(None);
                let now = state.get_untracked()?;
                question.applies(now).then(|| question.command())
            }
            KeyAction::KeepRacing => {
                asking.set(None);
                None
            }
        };
        let keys = keyboard::listen(state, to_command, send);
        on_cleanup(move || {
            if let Ok(t) = tick {
                t.clear();
            }
            keys.remove();
        });
    });
    let callouts = RwSignal::new(false);
    speak_new_laps(callouts, move || {
        received.with(|r| {
            r.as_ref()
                .map(|r| (r.live.id.0.clone(), r.live.race.laps.clone()))
        })
    });
    speak_time_up(callouts, move || {
        received.with(|r| {
            r.as_ref()
                .is_some_and(|r| time_up_on_track(&r.live.race, r.server_now(now.get())))
        })
    });
    let runs_allowed = Memo::new(move |_| desk.with(|d| d.rules.runs_per_racer));
    view! {
        <div class="race-head">
            <span class="live-badge" class:on=move || live.get() role="status">
                {move || if live.get() { "Live" } else { "Reconnecting…" }}
            </span>
            <h2 class="track-title">{move || desk.with(|d| d.track.title.clone())}</h2>
            <p class="hint">{move || desk.with(|d| format!("{} · {}", d.event.about.name, d.rules.ranking.describe()))}</p>
            <CalloutSwitch enabled=callouts />
            <div class="race-kit">
                <TrackTimer track=track.clone() kit />
                <TrackKitPicker track=track.clone() kit />
            </div>
        </div>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        {move || match received.get() {
            None => {
                // Rebuilt only when the rule itself changes (a Memo), not on every reload.
                let runs_allowed = runs_allowed.get();
                view! { <RacerPicker track=track.clone() runs_allowed received next=first_waiting(queue) queue_version /> }.into_any()
            }
            Some(r) => {
                let server_now = move || received.get().map(|r| r.server_now(now.get())).unwrap_or(0);
                view! { <RaceBoard received=r send server_now=Signal::derive(server_now) asking /> }.into_any()
            }
        }}
        <QueuePanel track=track_for_queue queue version=queue_version />
        <section class="keys" aria-label="Keyboard shortcuts">
            <h2>"Keys"</h2>
            <dl>
                {KEYS
                    .iter()
                    .filter_map(|key| key.shown)
                    .map(|(cap, what)| view! { <dt><kbd>{cap}</kbd></dt><dd>{what}</dd> })
                    .collect_view()}
            </dl>
        </section>
    }
}
