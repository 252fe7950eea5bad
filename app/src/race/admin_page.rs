//! `/race-admin`: an event's results, its submitted races with correctable laps,
//! metrics over the selection, and the CSV downloads.

use super::admin_api::*;
use super::admin_card::RaceCard;
use super::marshal_forms::{DeletedRace, Marshal};
use crate::components::filter::FilterSelect;
use crate::components::form::Problem;
use crate::components::loaded::Loaded;
use crate::components::url_choice::UrlChoice;
use crate::domain::countries;
use crate::domain::laptime::format_ms;
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
    let event_for_deleted = event.clone();
    let deleted = Resource::new(
        move || changed.get(),
        move |_| list_deleted_races(event_for_deleted.clone()),
    );
    let track_filter = RwSignal::new(String::new());
    let racer_filter = RwSignal::new(String::new());
    let marshal = Marshal::new();
    let error = RwSignal::new(None::<AppError>);
    // Each correction's outcome on its own: a failure says why, and every outcome
    // reloads (a refused one means the page was out of date).
    for outcome in marshal.outcomes() {
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
                let gone = deleted.await.unwrap_or_default();
                match races.await {
                    Ok(list) => view! {
                        <RaceList list tracks=tracks.clone() track_filter racer_filter marshal />
                        <DeletedRaces list=gone tracks marshal />
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
    marshal: Marshal,
) -> impl IntoView {
    let mut racers: Vec<(String, String)> = list
        .iter()
        .map(|r| (r.racer.0.clone(), r.racer_name.clone()))
        .collect();
    racers.sort_by(|a, b| a.1.cmp(&b.1));
    racers.dedup();
    let title_of = title_of(&tracks);
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
                        view! { <RaceCard race track marshal /> }
                    })
                    .collect_view()
            }}
        </section>
    }
}

/// A track's title by its id.
fn title_of(tracks: &[Track]) -> impl Fn(&str) -> String + Clone + Send + Sync + 'static {
    let tracks = tracks.to_vec();
    move |id: &str| {
        tracks
            .iter()
            .find(|t| t.id.0 == id)
            .map(|t| t.title.clone())
            .unwrap_or_default()
    }
}

/// Races deleted from the results, newest first, each to be restored.
#[component]
fn DeletedRaces(list: Vec<RaceSummary>, tracks: Vec<Track>, marshal: Marshal) -> impl IntoView {
    let title_of = title_of(&tracks);
    (!list.is_empty()).then(|| {
        let cards = list
            .into_iter()
            .rev()
            .map(|race| {
                let track = title_of(&race.track.0);
                view! { <DeletedRace race track marshal /> }
            })
            .collect_view();
        view! {
            <section aria-label="Deleted">
                <h2>"Deleted races"</h2>
                {cards}
            </section>
        }
    })
}
