//! `/commentator?track=ID`: what a commentator needs while a racer is on track, live
//! through the event's real-time stream, with the figures of the run computed locally
//! by the same results engine as the leaderboard.

use super::api::{get_commentary, list_commentary_tracks};
use super::chart::LapChart;
use crate::components::callouts::{speak_new_laps, speak_time_up, CalloutSwitch};
use crate::components::flag::Flag;

use crate::components::live::board::{use_live_track, LiveParts, Ticking};
use crate::components::loaded::Loaded;
use crate::components::url_choice::UrlChoice;
use crate::domain::commentary::{
    better, position_among, run_stats, state_label, time_up_on_track, TIME_UP,
};
use crate::domain::countries;
use crate::domain::laptime::{format_gap, format_ms};
use crate::domain::rules::Ranking;
use crate::race::page::continue_where_left_off;
use crate::wire::{Commentary, TrackId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn time_or_dash(ms: Option<u64>) -> String {
    ms.map(format_ms).unwrap_or_else(|| "—".into())
}

#[component]
pub fn CommentatorPage() -> impl IntoView {
    let query = use_query_map();
    let track = Signal::derive(move || query.get().get("track").map(TrackId));
    let tracks = Resource::new(|| (), |_| list_commentary_tracks());
    continue_where_left_off(Signal::derive(move || track.get().is_some()), |_, t| {
        format!("/commentator?track={}", t.0)
    });
    view! {
        <Title text="Commentator" />
        <h1 class="visually-hidden">"Commentator"</h1>
        <Loaded of=tracks quiet=true let:list>
            {
                let options = list
                    .into_iter()
                    .map(|c| (c.track.0, format!("{} · {}", c.event_name, c.track_title)))
                    .collect();
                view! {
                    <UrlChoice id="track-pick" label="Event and track" placeholder="Choose a track"
                        page="/commentator" key="track" current=track.get_untracked().map(|t| t.0) options />
                }
            }
        </Loaded>
        {move || match track.get() {
            Some(track) => view! { <CommentaryDesk track /> }.into_any(),
            None => view! { <p class="empty">"Choose the event and track you are commentating."</p> }.into_any(),
        }}
    }
}

#[component]
fn CommentaryDesk(track: TrackId) -> impl IntoView {
    let for_first = track.clone();
    let first = Resource::new(|| (), move |_| get_commentary(for_first.clone()));
    view! {
        <Loaded of=first let:initial>
            <LiveCommentary initial track=track.clone() />
        </Loaded>
    }
}

#[component]
fn LiveCommentary(initial: Commentary, track: TrackId) -> impl IntoView {
    let event = initial.event.clone();
    let only = track.clone();
    let LiveParts {
        on_track,
        next_up,
        live,
        now,
        version,
        results,
    } = use_live_track(move || event.clone(), only);
    let info = RwSignal::new(initial);
    // The background (earlier runs, other racers' results) changes when results do or
    // another racer comes on track: load it again then.
    let on_track_name =
        Memo::new(move |_| on_track.with(|l| l.first().map(|t| t.on_track.name.clone())));
    let seen = StoredValue::new((0u32, None::<String>));
    Effect::new(move || {
        let key = (version.get() + results.get(), on_track_name.get());
        if seen.get_value() == key {
            return;
        }
        let first_time = seen.get_value().0 == 0 && key.0 <= 1 && seen.get_value().1 == key.1;
        seen.set_value(key);
        if first_time {
            return;
        }
        let track = track.clone();
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = get_commentary(track).await {
                info.set(fresh);
            }
        });
    });
    let callouts = RwSignal::new(false);
    speak_new_laps(callouts, move || {
        on_track.with(|l| {
            l.first()
                .map(|t| (t.on_track.name.clone(), t.on_track.race.laps.clone()))
        })
    });
    speak_time_up(callouts, move || {
        on_track.with(|l| {
            l.first()
                .is_some_and(|t| time_up_on_track(&t.on_track.race, t.server_now(now.get())))
        })
    });
    view! {
        <div class="race-head">
            <span class="live-badge" class:on=move || live.get() role="status">
                {move || if live.get() { "Live" } else { "Reconnecting…" }}
            </span>
            <h2 class="track-title">{move || info.with(|c| c.track_title.clone())}</h2>
            <p class="hint">
                {move || info.with(|c| format!("{} · {}", c.event_name, c.ranking.describe()))}
            </p>
            <CalloutSwitch enabled=callouts />
        </div>
        {move || match on_track.get().into_iter().next() {
            Some(t) => view! { <NowOnTrack ticking=t info now /> }.into_any(),
            None => view! { <p class="empty">"Nobody is on track right now."</p> }.into_any(),
        }}
        // Who waits in this track's queue: the commentator's next introductions.
        {move || {
            let names: Vec<String> = next_up.get().into_iter().map(|n| n.name).collect();
            (!names.is_empty()).then(|| view! {
                <p class="next-up" data-testid="next-up">
                    <span class="label">"Next up"</span> " " <strong>{names.join(" · ")}</strong>
                </p>
            })
        }}
        <section class="comm-records" aria-label="Event records">
            <h2>"Event records"</h2>
            <dl class="comm-figures">
                {move || info.with(|c| {
                    let holder = |h: &Option<crate::wire::LapHolder>| h.as_ref()
                        .map(|h| format!("{} · {}", format_ms(h.time_ms), h.name))
                        .unwrap_or_else(|| "—".into());
                    view! {
                        <div><dt>"Fastest lap"</dt><dd>{holder(&c.fastest)}</dd></div>
                        <div><dt>"Slowest lap"</dt><dd>{holder(&c.slowest)}</dd></div>
                    }
                })}
            </dl>
        </section>
    }
}

/// The racer on track: live figures, lap chart and earlier runs.
#[component]
fn NowOnTrack(ticking: Ticking, info: RwSignal<Commentary>, now: RwSignal<f64>) -> impl IntoView {
    let race = ticking.on_track.race.clone();
    let c = info.get();
    let ranking = c.ranking;
    let racer = c.racer.filter(|r| r.handle == ticking.on_track.handle);
    let run = run_stats(ranking, &race.laps);
    let run_result = run.ranked_result(ranking).map(|a| a.value_ms);
    let before = racer.as_ref().and_then(|r| r.result_ms);
    let position = racer.as_ref().and_then(|r| r.position);
    let candidate = better(before, run_result);
    let leader = c.others_ms.first().copied();
    let projected = candidate.map(|r| position_among(&c.others_ms, r));
    let gap = match (candidate, leader) {
        (None, _) => "—".to_string(),
        (Some(r), Some(l)) if r > l => format_gap((r - l) as i64),
        (Some(_), _) => "Leading".to_string(),
    };
    let run_best = run.fastest_lap.map(|a| a.value_ms);
    let event_best = better(c.fastest.as_ref().map(|h| h.time_ms), run_best);
    let own_best = better(racer.as_ref().and_then(|r| r.fastest_lap_ms), run_best);
    let window = match ranking {
        Ranking::BestAverage { laps } => laps,
        _ => 3,
    };
    let time_left = {
        let race = race.clone();
        let ticking = ticking.clone();
        move || time_or_dash(race.remaining(ticking.server_now(now.get())))
    };
    let time_up = {
        let race = race.clone();
        let ticking = ticking.clone();
        move || time_up_on_track(&race, ticking.server_now(now.get()))
    };
    let country = racer
        .as_ref()
        .map(|r| r.country.clone())
        .unwrap_or_default();
    let country_name = countries::name(&country).to_string();
    let runs = racer.map(|r| r.runs).unwrap_or_default();
    view! {
        <section class=format!("comm-now state-{}", state_label(race.state).to_ascii_lowercase().replace(' ', "-")) aria-label="Racer on track">
            <header>
                <span class="racer-dot" style=format!("background:{}", ticking.on_track.colour)></span>
                <strong class="comm-name">{ticking.on_track.name.clone()}</strong>
                <Flag country=country.clone() name=countries::normalize(&country).map(|_| country_name.clone()) />
                <span class="country">{country_name}</span>
                {ticking.on_track.car.clone().map(|car| view! { <span class="country" data-testid="car">{format!("Car: {car}")}</span> })}
                <span class="state-badge" role="status">{state_label(race.state)}</span>
            </header>
            <Show when=time_up>
                <p class="time-up-note" role="status">{TIME_UP}</p>
            </Show>
            <dl class="comm-figures">
                <div><dt>"Time left"</dt><dd class="clock">{time_left}</dd></div>
                <div><dt>"Valid laps"</dt><dd>{format!("{} / {}", run.valid_laps, run.laps)}</dd></div>
                <div><dt>"Position now"</dt><dd>{position.map(|p| p.to_string()).unwrap_or_else(|| "no time yet".into())}</dd></div>
                <div><dt>"Projected"</dt><dd data-figure="projected">{projected.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"Gap to first"</dt><dd>{gap}</dd></div>
                <div><dt>"Best lap"</dt><dd data-figure="best-lap">{time_or_dash(run_best)}</dd></div>
                <div><dt>{format!("Best average ({window} laps)")}</dt><dd>{time_or_dash(run.best_average.map(|a| a.value_ms))}</dd></div>
            </dl>
            <h2>"Lap chart"</h2>
            <LapChart laps=race.laps.clone() event_best own_best />
            <h2>"Earlier runs"</h2>
            {if runs.is_empty() {
                view! { <p class="empty">"First run in this event."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0"><table class="comm-runs">
                        <thead><tr><th>"Run"</th><th>"Track"</th><th>"When (UTC)"</th><th>"Laps"</th><th>"Best lap"</th><th>"Best average"</th></tr></thead>
                        <tbody>
                            {runs.into_iter().enumerate().map(|(i, r)| view! {
                                <tr>
                                    <td>{i + 1}</td>
                                    <td>{r.track_title}</td>
                                    <td>{r.submitted_at}</td>
                                    <td>{format!("{} / {}", r.valid_laps, r.laps)}</td>
                                    <td>{time_or_dash(r.fastest_lap_ms)}</td>
                                    <td>{time_or_dash(r.best_average_ms)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }
                .into_any()
            }}
        </section>
    }
}
