//! `/my-day`: a racer's race day on their phone. Their place in each queue with about
//! when they race, their position on the event's board and whether they are on track
//! (both live, from the event's public stream), and their races with every lap. The
//! queue places are read again whenever the stream says a queue, a race or the
//! results changed.

use super::api::get_my_race_day;
use crate::components::form::Problem;
use crate::components::live::board::use_live_board_in_browser;
use crate::components::url_choice::UrlChoice;
use crate::domain::laptime::format_ms;
use crate::error::AppError;
use crate::wire::{EventId, MyPlace, MyRaceDay, RaceSummary, TrackId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

type DayState = RwSignal<Option<Result<MyRaceDay, AppError>>>;

#[component]
pub fn MyDayPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Signal::derive(move || query.get().get("event").map(EventId));
    // A plain signal loaded in the browser: reloads keep the page (and its live part)
    // in place instead of building it again.
    let day: DayState = RwSignal::new(None);
    let version = RwSignal::new(0u32);
    Effect::new(move || {
        let (event, loaded) = (asked.get(), version.get());
        leptos::task::spawn_local(async move {
            let answer = get_my_race_day(event).await;
            if version.get_untracked() == loaded {
                day.set(Some(answer));
            }
        });
    });
    let event = Memo::new(move |_| {
        day.with(|d| {
            d.as_ref()
                .and_then(|d| d.as_ref().ok())
                .and_then(|d| d.event.clone())
        })
    });
    let handle = Memo::new(move |_| {
        day.with(|d| {
            d.as_ref()
                .and_then(|d| d.as_ref().ok())
                .map(|d| d.handle.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <Title text="My race day" />
        <h1>"My race day"</h1>
        {move || match day.get() {
            None => view! { <p>"Loading…"</p> }.into_any(),
            Some(Err(error)) => view! { <Problem error /> }.into_any(),
            Some(Ok(d)) if d.event.is_none() => view! {
                <p class="empty">"You are not in a queue and have not raced yet. The check-in desk puts you in a queue."</p>
            }
            .into_any(),
            Some(Ok(d)) => view! { <Choice day=d /> }.into_any(),
        }}
        // Built once per event; their contents follow each reload.
        {move || event.get().map(|(id, _)| view! {
            <Places day />
            <LiveStanding event=id handle version />
            <Races day />
        })}
    }
}

/// What the last load of the day says, or nothing.
fn loaded<T: Default>(day: DayState, read: impl Fn(&MyRaceDay) -> T) -> T {
    day.with(|d| {
        d.as_ref()
            .and_then(|d| d.as_ref().ok())
            .map(read)
            .unwrap_or_default()
    })
}

/// The event shown, when the racer has several.
#[component]
fn Choice(day: MyRaceDay) -> impl IntoView {
    (day.events.len() > 1).then(|| {
        let options = day
            .events
            .into_iter()
            .map(|(id, name)| (id.0, name))
            .collect();
        view! {
            <UrlChoice id="my-event" label="Event" placeholder="Choose an event" page="/my-day"
                key="event" current=day.event.map(|(id, _)| id.0) options />
        }
    })
}

#[component]
fn Places(day: DayState) -> impl IntoView {
    let places = move || loaded(day, |d| d.places.clone());
    view! {
        <section class="card my-places" aria-label="My place in the queue">
            <h2>"Queue"</h2>
            {move || places().is_empty().then(|| view! {
                <p class="empty">"You are not in a queue now. The check-in desk puts you in one."</p>
            })}
            {move || places().into_iter().map(|p| view! { <Place place=p /> }).collect_view()}
        </section>
    }
}

#[component]
fn Place(place: MyPlace) -> impl IntoView {
    let when = match (place.position, place.race_on_track) {
        (1, false) => "You are next: go to the track now.".to_string(),
        (1, true) => "You are next, after the race on track now.".to_string(),
        _ => format!("Your turn in about {}.", minutes(place.wait_ms)),
    };
    let pace = if place.turn_measured {
        format!(
            "Today a turn takes about {} on this track.",
            minutes(place.turn_ms)
        )
    } else {
        format!(
            "No races here today yet: {} a turn assumed.",
            minutes(place.turn_ms)
        )
    };
    view! {
        <div class="my-place">
            <p class="lead"><strong>{format!("{} of {} in line", place.position, place.waiting)}</strong>
                {format!(" on {}", place.track_title)}</p>
            <p>{when}</p>
            <p class="hint">{pace}</p>
        </div>
    }
}

/// "3 min", rounded up, or "a minute" under one.
fn minutes(ms: u64) -> String {
    match ms.div_ceil(60_000) {
        0 | 1 => "a minute".into(),
        n => format!("{n} min"),
    }
}

/// The racer's position on the event's board, and whether they are on track, live.
#[component]
fn LiveStanding(event: EventId, handle: Memo<String>, version: RwSignal<u32>) -> impl IntoView {
    let (board, parts) = use_live_board_in_browser(move || event.clone(), None);
    // A queue, race or result changed: read the places again (not on the first run).
    // Who is on track, not each lap: a phone asks again when a race starts or ends.
    let racing = Memo::new(move |_| {
        parts.on_track.with(|list| {
            list.iter()
                .map(|t| t.on_track.handle.clone())
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |seen: Option<()>| {
        parts.next_up.track();
        parts.results.track();
        racing.track();
        if seen.is_some() {
            version.update(|v| *v += 1);
        }
    });
    let on_track = move || {
        parts.on_track.with(|list| {
            list.iter()
                .find(|t| t.on_track.handle == handle.get())
                .map(|t| t.on_track.track_title.clone())
        })
    };
    let standing = move || {
        board.get().and_then(Result::ok).map(|b| {
            let ranked = b.rows.iter().filter(|r| r.position.is_some()).count();
            let row = b.rows.into_iter().find(|r| r.handle == handle.get());
            match row {
                Some(r) if r.position.is_some() => format!(
                    "Position {} of {ranked}{}",
                    r.position.unwrap_or_default(),
                    r.result_ms
                        .map(|ms| format!(" · {}", format_ms(ms)))
                        .unwrap_or_default()
                ),
                _ => "No result yet.".to_string(),
            }
        })
    };
    view! {
        <section class="card my-standing" aria-label="My position">
            <h2>"On the board"</h2>
            {move || on_track().map(|track| view! {
                <p class="on-track-now" role="status"><strong>{format!("You are on track now on {track}.")}</strong></p>
            })}
            <p class="lead" data-testid="my-position">{standing}</p>
            <p class="hint">{move || if parts.live.get() { "Live." } else { "Reconnecting…" }}</p>
        </section>
    }
}

#[component]
fn Races(day: DayState) -> impl IntoView {
    let races = move || loaded(day, |d| (d.races.clone(), d.tracks.clone()));
    view! {
        <section class="card my-races" aria-label="My races">
            <h2>"My races"</h2>
            {move || races().0.is_empty().then(|| view! { <p class="empty">"No races yet."</p> })}
            {move || {
                let (races, tracks) = races();
                races.into_iter().rev().map(|race| view! { <RaceLaps race tracks=tracks.clone() /> }).collect_view()
            }}
        </section>
    }
}

/// One race: where, when, with which car, and every lap.
#[component]
fn RaceLaps(race: RaceSummary, tracks: Vec<(TrackId, String)>) -> impl IntoView {
    let track = tracks
        .into_iter()
        .find(|(id, _)| *id == race.track)
        .map(|(_, t)| t)
        .unwrap_or_default();
    let car = race.car.map(|c| format!(" · {c}")).unwrap_or_default();
    let heading = format!("{track} · {}{car}", race.submitted_at);
    view! {
        <h3>{heading.clone()}</h3>
        <div class="table-wrap" tabindex="0">
            <table class="laps" aria-label=heading>
                <thead><tr><th>"Lap"</th><th>"Time"</th><th>"Resets"</th><th>"Counts"</th></tr></thead>
                <tbody>
                    {race.race.laps.iter().enumerate().map(|(i, lap)| view! {
                        <tr>
                            <td>{i + 1}</td>
                            <td>{format_ms(lap.time_ms)}</td>
                            <td>{lap.resets}</td>
                            <td>{if lap.valid { "yes" } else { "no" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
