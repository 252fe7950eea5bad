//! `/race-admin`: an event's results, its submitted races with correctable laps,
//! metrics over the selection, and the CSV downloads.

use super::admin_api::*;
use crate::components::filter::FilterSelect;
use crate::components::form::Problem;
use crate::components::loaded::Loaded;
use crate::components::url_choice::UrlChoice;
use crate::domain::countries;
use crate::domain::laptime::format_ms;
use crate::domain::race::LapEdit;
use crate::domain::results::metrics;
use crate::error::AppError;
use crate::events::api::list_events;
use crate::wire::{EventId, EventResults, NamedStanding, RaceSummary, Track};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RaceAdminPage() -> impl IntoView {
    let query = use_query_map();
    let event = Signal::derive(move || query.get().get("event").map(EventId));
    let events = Resource::new(|| (), |_| list_events(None));
    // Without an event in the URL, open the one of the track this person timed last.
    super::page::continue_where_left_off(Signal::derive(move || event.get().is_some()), |e, _| {
        format!("/race-admin?event={}", e.0)
    });
    view! {
        <Title text="Race admin" />
        <h1>"Race admin"</h1>
        <Loaded of=events quiet=true let:list>
            {
                let options = list.into_iter().map(|e| (e.id.0, e.about.name)).collect();
                view! {
                    <UrlChoice id="event-pick" label="Event" placeholder="Choose an event"
                        page="/race-admin" key="event" current=event.get_untracked().map(|e| e.0) options />
                }
                .into_any()
            }
        </Loaded>
        {move || event.get().map(|event| view! { <EventAdmin event /> })}
    }
}

#[component]
fn EventAdmin(event: EventId) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let event_for_results = event.clone();
    let results = Resource::new(
        move || changed.get(),
        move |_| get_event_results(event_for_results.clone()),
    );
    let event_for_races = event.clone();
    let races = Resource::new(
        move || changed.get(),
        move |_| list_races(event_for_races.clone(), None, None),
    );
    let track_filter = RwSignal::new(String::new());
    let racer_filter = RwSignal::new(String::new());
    let edit = ServerAction::<EditLap>::new();
    let delete = ServerAction::<DeleteRace>::new();
    let error = RwSignal::new(None::<AppError>);
    // Each action's outcome on its own: a failure says why, and every outcome reloads
    // (a refused edit or delete means the page was out of date).
    for outcome in [edit.value().into(), delete.value().into()] {
        let outcome: Signal<Option<Result<(), AppError>>> = outcome;
        Effect::new(move || {
            if let Some(result) = outcome.get() {
                error.set(result.err());
                changed.update(|c| *c += 1);
            }
        });
    }
    // Results change elsewhere too (another operator, a race submitted, a lap edited in
    // another tab): the event's stream says so, and the page loads again.
    let live = RwSignal::new(false);
    let stream_url = format!("/live/events/{}", event.0);
    Effect::new(move || {
        crate::components::live::source::follow(&stream_url, "update", live, move |data| {
            use crate::wire::PublicUpdate;
            // A new board means new results; `reload`, that something may be missed.
            let results = serde_json::from_str::<PublicUpdate>(&data).map_or(true, |u| {
                matches!(
                    u,
                    PublicUpdate::Reload
                        | PublicUpdate::Board { .. }
                        | PublicUpdate::BoardDelta { .. }
                )
            });
            if results {
                changed.update(|c| *c += 1);
            }
        });
    });
    view! {
        <span class="live-badge" class:on=move || live.get() role="status">
            {move || if live.get() { "Live" } else { "Reconnecting…" }}
        </span>
        <p class="downloads">
            "Download: "
            <a href=format!("/exports/{}/laps.csv", event.0) download="">"all laps (CSV)"</a>
            " · "
            <a href=format!("/exports/{}/summary.csv", event.0) download="">"racer summary (CSV)"</a>
        </p>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        <Loaded of=results let:r>
            <Results results=r />
        </Loaded>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let tracks: Vec<Track> = results
                    .await
                    .map(|r| r.tracks.into_iter().map(|(t, _)| t).collect())
                    .unwrap_or_default();
                match races.await {
                    Ok(list) => view! {
                        <RaceList list tracks track_filter racer_filter edit delete />
                    }
                    .into_any(),
                    Err(e) => view! { <Problem error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Results(results: EventResults) -> impl IntoView {
    let boards = results
        .tracks
        .into_iter()
        .map(|(track, rows)| view! { <Standings title=track.title rows /> })
        .collect_view();
    view! {
        <section aria-label="Results">
            <h2>"Results: " {results.ranking.describe()}</h2>
            <div class="columns">
                {boards}
                {results.combined.map(|rows| view! { <Standings title="All tracks".to_string() rows /> })}
            </div>
        </section>
    }
}

#[component]
fn Standings(title: String, rows: Vec<NamedStanding>) -> impl IntoView {
    let leader = rows
        .first()
        .and_then(|r| r.standing.result)
        .map(|r| r.value_ms);
    let body = rows
        .into_iter()
        .map(|row| {
            let result = row.standing.result.map(|r| r.value_ms);
            let gap = match (result, leader) {
                (Some(v), Some(l)) if v > l => format!("+{}", format_ms(v - l)),
                _ => String::new(),
            };
            view! {
                <tr>
                    <td>{row.standing.position.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td>
                        <span class="racer-dot small" style=format!("background:{}", row.colour)></span>
                        {row.name.clone()} {row.by_proxy.then_some(" *")}
                        <span class="sub">{countries::name(&row.country).to_string()}</span>
                    </td>
                    <td class="num">{result.map(format_ms).unwrap_or_else(|| "DNF".into())}</td>
                    <td class="num">{gap}</td>
                    <td class="num">{row.standing.stats.valid_laps} "/" {row.standing.stats.laps}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="standings" aria-label=format!("Standings {title}")>
                <caption>{title.clone()}</caption>
                <thead><tr><th>"#"</th><th>"Racer"</th><th class="num">"Time"</th><th class="num">"Gap"</th><th class="num">"Valid laps"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[component]
fn RaceList(
    list: Vec<RaceSummary>,
    tracks: Vec<Track>,
    track_filter: RwSignal<String>,
    racer_filter: RwSignal<String>,
    edit: ServerAction<EditLap>,
    delete: ServerAction<DeleteRace>,
) -> impl IntoView {
    let mut racers: Vec<(String, String)> = list
        .iter()
        .map(|r| (r.racer.0.clone(), r.racer_name.clone()))
        .collect();
    racers.sort_by(|a, b| a.1.cmp(&b.1));
    racers.dedup();
    let title_of = {
        let tracks = tracks.clone();
        move |id: &str| {
            tracks
                .iter()
                .find(|t| t.id.0 == id)
                .map(|t| t.title.clone())
                .unwrap_or_default()
        }
    };
    let list = StoredValue::new(list);
    let shown = Memo::new(move |_| {
        let (t, r) = (track_filter.get(), racer_filter.get());
        list.get_value()
            .into_iter()
            .filter(|race| {
                (t.is_empty() || race.track.0 == t) && (r.is_empty() || race.racer.0 == r)
            })
            .collect::<Vec<_>>()
    });
    let track_options = tracks
        .iter()
        .map(|t| (t.id.0.clone(), t.title.clone()))
        .collect();
    view! {
        <section aria-label="Races">
            <h2>"Races"</h2>
            <div class="field-row">
                <div class="field">
                    <FilterSelect id="filter-track" label="Track" all="All tracks" options=track_options chosen=track_filter />
                </div>
                <div class="field">
                    <FilterSelect id="filter-racer" label="Racer" all="All racers" options=racers chosen=racer_filter />
                </div>
            </div>
            {move || {
                let m = metrics(&shown.get().iter().map(RaceSummary::record).collect::<Vec<_>>());
                let ms = |v: Option<u64>| v.map(format_ms).unwrap_or_else(|| "—".into());
                view! {
                    <dl class="metrics" aria-label="Metrics">
                        <div><dt>"Races"</dt><dd>{m.races}</dd></div>
                        <div><dt>"Racers"</dt><dd>{m.racers}</dd></div>
                        <div><dt>"Laps"</dt><dd>{m.laps}</dd></div>
                        <div><dt>"Resets"</dt><dd>{m.resets}</dd></div>
                        <div><dt>"Average lap"</dt><dd>{ms(m.average_lap_ms)}</dd></div>
                        <div><dt>"Fastest"</dt><dd>{ms(m.fastest_lap_ms)}</dd></div>
                        <div><dt>"Slowest"</dt><dd>{ms(m.slowest_lap_ms)}</dd></div>
                    </dl>
                }
            }}
            {move || {
                let title_of = title_of.clone();
                shown
                    .get()
                    .into_iter()
                    .rev()
                    .map(|race| {
                        let track = title_of(&race.track.0);
                        view! { <RaceCard race track edit delete /> }
                    })
                    .collect_view()
            }}
        </section>
    }
}

#[component]
fn RaceCard(
    race: RaceSummary,
    track: String,
    edit: ServerAction<EditLap>,
    delete: ServerAction<DeleteRace>,
) -> impl IntoView {
    let id = race.id.clone();
    let version = race.version;
    let send = move |e: LapEdit| {
        edit.dispatch(EditLap {
            race: id.clone(),
            version,
            edit: e,
        });
    };
    let send = StoredValue::new(send);
    let min_lap_ms = race.race.rules.min_lap_ms;
    let rows = race
        .race
        .laps
        .iter()
        .enumerate()
        .map(|(i, lap)| {
            let valid = lap.valid;
            let recorded = lap.time_ms;
            view! {
                <tr class:invalid=!valid>
                    <td>{i + 1}</td>
                    <td>
                        <input class="time-input" aria-label=format!("Lap {} time in ms", i + 1) type="number" min="1"
                            value=lap.time_ms.to_string()
                            on:change=move |ev| {
                                let Ok(time_ms) = event_target_value(&ev).parse::<u64>() else {
                                    return;
                                };
                                // A lap under the race's shortest lap is kept only when confirmed.
                                let confirmed = time_ms < min_lap_ms;
                                if confirmed && !window()
                                    .confirm_with_message(&format!(
                                        "{} s is shorter than this race's shortest lap ({} s). Keep it?",
                                        format_ms(time_ms),
                                        format_ms(min_lap_ms)
                                    ))
                                    .unwrap_or(false)
                                {
                                    let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
                                    input.set_value(&recorded.to_string());
                                    return;
                                }
                                send.with_value(|s| s(LapEdit::SetTime { lap: i, time_ms, confirmed }));
                            } />
                        <span class="sub">{format_ms(lap.time_ms)}</span>
                    </td>
                    <td>
                        <input class="resets-input" aria-label=format!("Lap {} resets", i + 1) type="number" min="0"
                            value=lap.resets.to_string()
                            on:change=move |ev| {
                                if let Ok(resets) = event_target_value(&ev).parse() {
                                    send.with_value(|s| s(LapEdit::SetResets { lap: i, resets }));
                                }
                            } />
                    </td>
                    <td>
                        <button class="button small" aria-pressed=valid.to_string()
                            on:click=move |_| send.with_value(|s| s(LapEdit::SetValid { lap: i, valid: !valid }))>
                            {if valid { "Valid" } else { "Invalid" }}
                        </button>
                        <button class="button small" aria-label=format!("Split lap {}", i + 1)
                            on:click=move |_| {
                                if let Some(edit) = ask_split(i, recorded, min_lap_ms) {
                                    send.with_value(|s| s(edit));
                                }
                            }>"Split"</button>
                        <button class="button small danger" aria-label=format!("Delete lap {}", i + 1)
                            on:click=move |_| send.with_value(|s| s(LapEdit::Delete { lap: i }))>"Delete"</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let race_id = race.id.clone();
    let name = race.racer_name.clone();
    view! {
        <article class="card race-card" aria-label=format!("Race of {} at {}", race.racer_name, race.submitted_at)>
            <header class="race-card-head">
                <strong>{race.racer_name.clone()} {race.by_proxy.then_some(" *")}</strong>
                <span class="sub">
                    {track} " · " {race.submitted_at.clone()}
                    {race.car.clone().map(|car| format!(" · Car: {car}"))}
                </span>
                <button class="button small danger" on:click=move |_| {
                    if window().confirm_with_message(&format!("Delete this race of {name} with all its laps?")).unwrap_or(false) {
                        delete.dispatch(DeleteRace { race: race_id.clone() });
                    }
                }>"Delete race"</button>
            </header>
            <table class="laps">
                <thead><tr><th>"Lap"</th><th>"Time (ms)"</th><th>"Resets"</th><th>"Counts"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <AddLap laps=race.race.laps.len() min_lap_ms send />
        </article>
    }
}

/// Asks how long the first part of lap `lap` (of `whole_ms`) was; the split to send,
/// if the operator answers (and confirms a part under the shortest lap).
fn ask_split(lap: usize, whole_ms: u64, min_lap_ms: u64) -> Option<LapEdit> {
    let asked = window()
        .prompt_with_message(&format!(
            "Lap {} took {} s. How long was its first part, in ms?",
            lap + 1,
            format_ms(whole_ms)
        ))
        .ok()
        .flatten()?;
    let first_ms = asked.trim().parse::<u64>().ok()?;
    let short = first_ms < min_lap_ms || whole_ms.saturating_sub(first_ms) < min_lap_ms;
    let confirmed = short
        && window()
            .confirm_with_message(&format!(
                "A part is shorter than this race's shortest lap ({} s). Split anyway?",
                format_ms(min_lap_ms)
            ))
            .unwrap_or(false);
    (!short || confirmed).then_some(LapEdit::Split {
        lap,
        first_ms,
        confirmed,
    })
}

/// A lap nobody counted: its time, its place among the laps, whether it counts.
#[component]
fn AddLap(
    laps: usize,
    min_lap_ms: u64,
    send: StoredValue<impl Fn(LapEdit) + Send + Sync + 'static>,
) -> impl IntoView {
    let time = RwSignal::new(String::new());
    let place = RwSignal::new((laps + 1).to_string());
    let counts = RwSignal::new(true);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(time_ms), Ok(place)) = (
            time.get_untracked().trim().parse::<u64>(),
            place.get_untracked().trim().parse::<usize>(),
        ) else {
            return;
        };
        let short = time_ms < min_lap_ms;
        let confirmed = short
            && window()
                .confirm_with_message(&format!(
                    "{} s is shorter than this race's shortest lap ({} s). Add it?",
                    format_ms(time_ms),
                    format_ms(min_lap_ms)
                ))
                .unwrap_or(false);
        if short && !confirmed {
            return;
        }
        send.with_value(|s| {
            s(LapEdit::Add {
                at: place.saturating_sub(1),
                time_ms,
                valid: counts.get_untracked(),
                confirmed,
            })
        });
    };
    view! {
        <form class="add-lap" on:submit=add>
            <label>"Missed lap (ms)"
                <input type="number" min="1" required prop:value=move || time.get()
                    on:input=move |ev| time.set(event_target_value(&ev)) />
            </label>
            <label>"At lap"
                <input type="number" min="1" max=(laps + 1).to_string() required prop:value=move || place.get()
                    on:input=move |ev| place.set(event_target_value(&ev)) />
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || counts.get()
                    on:change=move |ev| counts.set(event_target_checked(&ev)) />
                "Counts"
            </label>
            <button class="button small" type="submit">"Add lap"</button>
        </form>
    }
}
