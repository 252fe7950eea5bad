//! `/events/:id/overlay`: the OBS browser source (1920×1080). Transparent, or a chroma
//! key colour with `chroma=1&chromaColor=RRGGBB`. During a race, a lower third with
//! the racer, time left, best and previous lap (purple = event best, green = the
//! racer's best, yellow = valid, red = invalid); between races, the top four with the
//! gap to the leader (`showLeaderboard=0` hides them, `gapToLeader=0` hides the gap).

use crate::components::flag::{use_country_names, Flag};
use crate::components::live::board::{use_board_from_url, Ticking};
use crate::domain::commentary::{lap_class, run_stats, time_up_on_track};
use crate::domain::laptime::format_ms;
use crate::domain::rules::Ranking;
use crate::i18n::*;
use crate::leaderboard::next_up::NextUpList;
use crate::wire::{BoardRow, CountryNames, Leaderboard};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

/// A valid `RRGGBB` chroma colour, or the default green.
fn chroma_colour(raw: Option<String>) -> String {
    raw.filter(|c| c.len() == 6 && c.chars().all(|ch| ch.is_ascii_hexdigit()))
        .map(|c| format!("#{c}"))
        .unwrap_or_else(|| "#00B140".to_string())
}

#[component]
pub fn OverlayPage() -> impl IntoView {
    let query = use_query_map();

    let flag = move |name: &str| query.read().get(name).is_none_or(|v| v != "0");
    let chroma = move || query.read().get("chroma").as_deref() == Some("1");
    let background = move || {
        if chroma() {
            chroma_colour(query.read().get("chromaColor"))
        } else {
            "transparent".to_string()
        }
    };
    let shown = use_board_from_url();
    let (board, on_track, live, now) = (shown.board, shown.on_track, shown.live, shown.now);
    let next_up = shown.next_up;
    let country_names = use_country_names();
    let i18n = use_i18n();
    view! {
        <Title text="Overlay" />
        // With a chroma key the panels are opaque: the key colour must not show through.
        <div class="overlay" class:chroma=chroma style=move || format!("background:{}", background())>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    // Nothing on air for an unknown event, but a 404 for whoever sets it up.
                    let names = country_names.await.unwrap_or_default();
                    let b = match board.await {
                        Ok(b) => b,
                        Err(e) => {
                            crate::components::form::answer_with_status_of(&e);
                            return ().into_any();
                        }
                    };
                    // Only racers with a time: "no time" rows are no standings for a stream.
                    let timed: Vec<BoardRow> = b.rows.iter().filter(|r| r.result_ms.is_some()).cloned().collect();
                    let title = if b.combined { t_string!(i18n, all_tracks).to_string() } else { b.title.clone() };
                    let newest = b.latest_finisher.clone();
                    let board_names: Vec<(String, String)> = b.rows.iter().map(|r| (r.handle.clone(), r.name.clone())).collect();
                    let (show_board, show_gap, show_flag) = (flag("showLeaderboard"), flag("gapToLeader"), flag("flag"));
                    let b = Arc::new(b);
                    view! {
                        {move || match on_track.get() {
                            // One lower third per track racing (named by track when
                            // several are); `track=` follows one.
                            racing if !racing.is_empty() => {
                                let several = racing.len() > 1;
                                view! {
                                    <div class="lower-thirds">
                                        {racing.into_iter().map(|racing| view! {
                                            <LowerThird racing board=Arc::clone(&b) now show_track=several />
                                        }).collect_view()}
                                    </div>
                                }
                                .into_any()
                            }
                            _ if show_board => view! {
                                <TopFour title=title.clone() timed=timed.clone() newest=newest.clone() show_gap show_flag names=names.clone() />
                                <div class="overlay-next">
                                    <NextUpList next_up tracks=b.tracks.clone() combined=b.combined board_names=board_names.clone() />
                                </div>
                            }
                            .into_any(),
                            _ => ().into_any(),
                        }}
                    }
                    .into_any()
                })}
            </Transition>
            <span class="overlay-live" class:on=move || live.get()></span>
        </div>
    }
}

/// During a race: the racer, time left, the ranking's figure and the previous lap,
/// coloured against the event's best and the racer's own.
#[component]
fn LowerThird(
    racing: Ticking,
    board: Arc<Leaderboard>,
    now: RwSignal<f64>,
    show_track: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = racing;
    let (event_best, bests, ranking, rows) = (
        board.fastest_lap_ms,
        &board.personal_best_ms,
        board.ranking,
        &board.rows,
    );
    let race = t.on_track.race.clone();
    let best = race.best_lap_ms();
    let own_best = bests
        .iter()
        .find(|(h, _)| *h == t.on_track.handle)
        .map(|(_, ms)| *ms)
        .into_iter()
        .chain(best)
        .min();
    // A lap on track that beats every submitted one is the event's best too.
    let event_best = event_best.into_iter().chain(best).min();
    let previous = race.laps.last().cloned();
    let left = {
        let (race, t) = (race.clone(), t.clone());
        move || {
            race.remaining(t.server_now(now.get()))
                .map(format_ms)
                .unwrap_or_else(|| "—".into())
        }
    };
    let time_up = {
        let (race, t) = (race.clone(), t.clone());
        move || time_up_on_track(&race, t.server_now(now.get()))
    };
    // The ranking's own figure: best lap, best average, or valid laps.
    let run = run_stats(ranking, &race.laps);
    let (figure_label, figure, figure_class) = match ranking {
        Ranking::BestLap => (
            t_string!(i18n, best_lap),
            best.map(format_ms).unwrap_or_else(|| "—".into()),
            best.map(|b| lap_class(b, true, event_best, own_best))
                .unwrap_or(""),
        ),
        Ranking::BestAverage { .. } => {
            // Coloured as a lap: purple when it beats the board's
            // best average, green when it beats the racer's own.
            let average = run.best_average.map(|a| a.value_ms);
            let board_best = rows.first().and_then(|r| r.result_ms);
            let own_before = rows
                .iter()
                .find(|r| r.handle == t.on_track.handle)
                .and_then(|r| r.result_ms);
            (
                t_string!(i18n, best_average),
                average.map(format_ms).unwrap_or_else(|| "—".into()),
                average
                    .map(|a| {
                        lap_class(
                            a,
                            true,
                            board_best.into_iter().chain(Some(a)).min(),
                            own_before.into_iter().chain(Some(a)).min(),
                        )
                    })
                    .unwrap_or(""),
            )
        }
        Ranking::LapCount { laps } => (
            t_string!(i18n, laps),
            format!("{} / {laps}", run.valid_laps),
            "",
        ),
    };
    view! {
        <section class="lower-third" aria-label=t_string!(i18n, racer_on_track)>
            {show_track.then(|| view! { <span class="lt-track">{t.on_track.track_title.clone()}</span> })}
            <span class="racer-dot" style=format!("background:{}", t.on_track.colour)></span>
            <strong class="lt-name">{t.on_track.name.clone()}</strong>
            <span class="lt-item">{t!(i18n, time_left)} <b data-testid="time-left">{left}</b></span>
            <Show when=time_up>
                <span class="lt-item lt-time-up" role="status">{t!(i18n, time_up)}</span>
            </Show>
            <span class="lt-item">{figure_label}
                <b class=figure_class>{figure}</b>
            </span>
            <span class="lt-item">{t!(i18n, previous_lap)}
                <b class=previous.as_ref().map(|l| lap_class(l.time_ms, l.valid, event_best, own_best)).unwrap_or("")>
                    {previous.as_ref().map(|l| format_ms(l.time_ms)).unwrap_or_else(|| "—".into())}
                </b>
            </span>
        </section>
    }
}

/// Between races: the top four, and the newest finisher below them in their place.
#[component]
fn TopFour(
    title: String,
    timed: Vec<BoardRow>,
    newest: Option<String>,
    show_gap: bool,
    show_flag: bool,
    names: CountryNames,
) -> impl IntoView {
    let i18n = use_i18n();
    let top = timed.iter().take(4).cloned().collect::<Vec<_>>();
    view! {
        <section class="overlay-top" aria-label=t_string!(i18n, top_four)>
            <h2>{title.clone()}</h2>
            <ol>
                {top.iter().chain(
                    // The newest finisher below the top four, in their place.
                    timed.iter().skip(4).find(|r| newest.as_ref() == Some(&r.handle))
                ).map(|r| view! {
                    <li class:newest=newest.as_ref() == Some(&r.handle)>
                        <span class="pos">{r.position.map(|p| p.to_string()).unwrap_or_default()}</span>
                        <span class="racer-dot" style=format!("background:{}", r.colour)></span>
                        {show_flag.then(|| view! { <Flag country=r.country.clone() name=names.of(&r.country) /> })}
                        <span class="name">{r.name.clone()}</span>
                        <b>{r.result_ms.map(format_ms).unwrap_or_else(|| t_string!(i18n, no_time).to_string())}</b>
                        {(show_gap && r.gap_ms.is_some_and(|g| g > 0)).then(|| view! {
                            <span class="gap">{format!("+{}", format_ms(r.gap_ms.unwrap_or(0)))}</span>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chroma_colours_are_checked() {
        assert_eq!(chroma_colour(Some("FF00ff".into())), "#FF00ff");
        assert_eq!(chroma_colour(Some("red".into())), "#00B140");
        assert_eq!(chroma_colour(Some("12345G".into())), "#00B140");
        assert_eq!(chroma_colour(None), "#00B140");
    }
}
