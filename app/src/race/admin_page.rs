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
use crate::domain::rules::RaceRules;
use crate::error::AppError;
use crate::events::api::list_events;
use crate::finals::form::FinalsSection;
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

/// What race admin shows of an event's races, loaded in the browser. Each answer
/// replaces the lists as a whole (a stale answer is dropped), and the cards are keyed
/// by race and version: a reload rebuilds only the cards of races that changed, so a
/// click or a half-typed form on any other card is never lost, and no card's
/// controls outlive it.
#[derive(Clone, Copy)]
struct EventRacesShown {
    races: RwSignal<Option<Result<Vec<RaceSummary>, AppError>>>,
    deleted: RwSignal<Vec<RaceSummary>>,
    tracks: RwSignal<Vec<Track>>,
    /// The event's rules, once loaded (a final's form starts from them).
    rules: RwSignal<Option<RaceRules>>,
}

impl EventRacesShown {
    fn new() -> Self {
        Self {
            races: RwSignal::new(None),
            deleted: RwSignal::new(Vec::new()),
            tracks: RwSignal::new(Vec::new()),
            rules: RwSignal::new(None),
        }
    }

    /// Loads the event's races again whenever `changed` moves on.
    fn follow(self, event: EventId, changed: RwSignal<u32>) {
        Effect::new(move || {
            let asked = changed.get();
            let event = event.clone();
            leptos::task::spawn_local(async move {
                let races = list_races(event.clone(), None, None).await;
                let deleted = list_deleted_races(event.clone()).await.unwrap_or_default();
                let about = crate::events::api::get_event(event).await;
                // A newer load is on its way, or the page has moved on.
                if changed.try_get_untracked() != Some(asked) {
                    return;
                }
                if let Ok(about) = about {
                    set_if_new(self.tracks, about.tracks);
                    set_if_new(self.rules, Some(about.about.rules));
                }
                set_if_new(self.deleted, deleted);
                set_if_new(self.races, Some(races));
            });
        });
    }
}

/// Sets `signal` only when `value` differs, so what shows it is not rebuilt for nothing.
fn set_if_new<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.try_with_untracked(|now| *now != value) == Some(true) {
        signal.set(value);
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
    let shown = EventRacesShown::new();
    shown.follow(event.clone(), changed);
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
    let list = Signal::derive(move || {
        shown
            .races
            .with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).cloned())
            .unwrap_or_default()
    });
    let tracks: Signal<Vec<Track>> = shown.tracks.into();
    let created = Callback::new(move |_| changed.update(|c| *c += 1));
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
        {move || {
            let event = event.clone();
            shown.rules.get().map(|event_rules| {
                view! { <FinalsSection event tracks=tracks.get() event_rules created /> }
            })
        }}
        {move || shown.races.with(|r| match r {
            Some(Err(e)) => Some(view! { <Problem error=e.clone() /> }),
            _ => None,
        })}
        <RaceList list tracks track_filter racer_filter marshal />
        <DeletedRaces list=shown.deleted.into() tracks marshal />
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
    list: Signal<Vec<RaceSummary>>,
    tracks: Signal<Vec<Track>>,
    track_filter: RwSignal<String>,
    racer_filter: RwSignal<String>,
    marshal: Marshal,
) -> impl IntoView {
    let racers = Memo::new(move |_| {
        let mut racers: Vec<(String, String)> = list.with(|l| {
            l.iter()
                .map(|r| (r.racer.0.clone(), r.racer_name.clone()))
                .collect()
        });
        racers.sort_by(|a, b| a.1.cmp(&b.1));
        racers.dedup();
        racers
    });
    let track_options = Memo::new(move |_| {
        tracks.with(|t| {
            t.iter()
                .map(|t| (t.id.0.clone(), t.title.clone()))
                .collect::<Vec<_>>()
        })
    });
    let shown = Memo::new(move |_| {
        let (t, r) = (track_filter.get(), racer_filter.get());
        list.with(|l| {
            l.iter()
                .filter(|race| {
                    (t.is_empty() || race.track.0 == t) && (r.is_empty() || race.racer.0 == r)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section aria-label="Races">
            <h2>"Races"</h2>
            <div class="field-row">
                <div class="field">
                    {move || view! {
                        <FilterSelect id="filter-track" label="Track" all="All tracks" options=track_options.get() chosen=track_filter />
                    }}
                </div>
                <div class="field">
                    {move || view! {
                        <FilterSelect id="filter-racer" label="Racer" all="All racers" options=racers.get() chosen=racer_filter />
                    }}
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
            // Newest first; a card is rebuilt only when its race changed.
            <For
                each=move || shown.get().into_iter().rev()
                key=|race| (race.id.clone(), race.version)
                children=move |race| {
                    let track = title_of(&tracks.get_untracked())(&race.track.0);
                    view! { <RaceCard race track marshal /> }
                }
            />
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
fn DeletedRaces(
    list: Signal<Vec<RaceSummary>>,
    tracks: Signal<Vec<Track>>,
    marshal: Marshal,
) -> impl IntoView {
    view! {
        <Show when=move || list.with(|l| !l.is_empty())>
            <section aria-label="Deleted">
                <h2>"Deleted races"</h2>
                <For
                    each=move || list.get().into_iter().rev()
                    key=|race| (race.id.clone(), race.version)
                    children=move |race| {
                        let track = title_of(&tracks.get_untracked())(&race.track.0);
                        view! { <DeletedRace race track marshal /> }
                    }
                />
            </section>
        </Show>
    }
}
