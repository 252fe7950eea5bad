//! `/events/:id/leaderboard[?track=ID]`: the public leaderboard. Readable across a
//! hall on a 1080p screen and on a phone; it follows the event's live stream, so every
//! submitted race, correction and lap on track shows without a reload.

use super::api::get_landing;
use crate::components::flag::Flag;
use crate::components::form::Problem;
use crate::components::live::board::{use_board_from_url, LiveBoard, Ticking};
use crate::domain::laptime::format_ms;
use crate::i18n::*;
use crate::i18n_page::{moved_text, ranking_text, rules_text};
use crate::wire::BoardRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let query = use_query_map();
    let (event, live_board) = use_board_from_url();
    // `?qr=header` or `?qr=footer`: a QR code of the landing page, for phones in the hall.
    let qr_place = move || {
        query
            .read()
            .get("qr")
            .filter(|q| q == "header" || q == "footer")
    };
    let landing = Resource::new(
        move || qr_place().map(|_| event()),
        |event| async move {
            match event {
                Some(event) => get_landing(event).await.ok(),
                None => None,
            }
        },
    );
    let i18n = use_i18n();
    let qr = move |place: &'static str| {
        move || {
            (qr_place().as_deref() == Some(place))
                .then(|| landing.get().flatten())
                .flatten()
                .map(|l| view! {
                    <a class="board-qr" href=l.url.clone() aria-label=t_string!(i18n, qr_event_page)>
                        <span inner_html=l.qr_svg></span>
                        <span class="qr-caption">{t!(i18n, qr_caption)}</span>
                    </a>
                })
        }
    };
    let LiveBoard {
        board,
        on_track,
        live,
        now,
        ..
    } = live_board;
    // `?flag=0` hides the racers' flags.
    let show_country = move || query.read().get("flag").is_none_or(|f| f != "0");
    // Results as last shown, to highlight what is new or improved on the next load.
    let shown: StoredValue<Option<std::collections::HashMap<String, Option<u64>>>> =
        StoredValue::new(None);
    let fresh = RwSignal::new(std::collections::HashSet::<String>::new());
    Effect::new(move || {
        if let Some(Ok(b)) = board.get() {
            let now_shown: std::collections::HashMap<String, Option<u64>> = b
                .rows
                .iter()
                .map(|r| (r.name.clone(), r.result_ms))
                .collect();
            // The first load is the baseline: only later changes are news.
            if let Some(before) = shown.get_value() {
                fresh.set(new_or_improved(&before, &now_shown));
            }
            shown.set_value(Some(now_shown));
        }
    });
    // Bring the newest result into view on a long board.
    Effect::new(move || {
        if !fresh.get().is_empty() {
            request_animation_frame(|| {
                if let Ok(Some(row)) = document().query_selector("table.board tr.fresh") {
                    row.scroll_into_view();
                }
            });
        }
    });
    // `?scroll=1`: a board longer than the screen scrolls slowly down, rests at the
    // bottom, and starts again from the top (the big screen nobody touches).
    Effect::new(move || {
        if query.read().get("scroll").as_deref() != Some("1") {
            return;
        }
        let rest = StoredValue::new(REST_TICKS);
        let tick = set_interval_with_handle(
            move || {
                let w = window();
                let y = w.scroll_y().unwrap_or(0.0);
                let height = w
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or(0.0);
                let full = document()
                    .document_element()
                    .map_or(0.0, |e| f64::from(e.scroll_height()));
                let (to, wait) = scroll_step(y, full - height, rest.get_value());
                rest.set_value(wait);
                if let Some(to) = to {
                    w.scroll_to_with_x_and_y(0.0, to);
                }
            },
            std::time::Duration::from_millis(40),
        );
        on_cleanup(move || {
            if let Ok(t) = tick {
                t.clear();
            }
        });
    });
    view! {
        <div class="board-page">
            // A transition, not a suspense: a board reloading after a result keeps showing
            // the old one until the new one is there (no "Loading…" flash on the big screen).
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(b) => {
                            let leader = b.rows.first().and_then(|r| r.result_ms);
                            view! {
                                <Title text=format!("{} · {}", if b.combined { t_string!(i18n, all_tracks).to_string() } else { b.title.clone() }, b.event_name) />
                                <header class="board-head">
                                    <div>
                                        <h1>{b.event_name.clone()}</h1>
                                        <p class="board-sub">
                                            {if b.combined { view! { {t!(i18n, all_tracks)} }.into_any() } else { b.title.clone().into_any() }}
                                            " · " {ranking_text(b.ranking)}
                                        </p>
                                        <p class="board-rules">{rules_text(b.race_time_ms, b.resets_per_lap)}</p>
                                    </div>
                                    <div class="board-head-side">
                                        <span class="live-badge" class:on=move || live.get() role="status">
                                            {move || if live.get() { t_string!(i18n, live) } else { t_string!(i18n, connecting) }}
                                        </span>
                                        <Transition fallback=|| ()>{qr("header")}</Transition>
                                    </div>
                                </header>
                                <Rows rows=b.rows leader fresh show_country=show_country() />
                                <footer class="board-foot">
                                    <OnTrackList on_track now />
                                    <p class="board-footer-text">{b.footer.clone()}</p>
                                    <Transition fallback=|| ()>{qr("footer")}</Transition>
                                </footer>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <Problem error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Rows(
    rows: Vec<BoardRow>,
    leader: Option<u64>,
    fresh: RwSignal<std::collections::HashSet<String>>,
    show_country: bool,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="board-empty">{t!(use_i18n(), no_results)}</p> }.into_any();
    }
    let _ = leader;
    let i18n = use_i18n();
    let body = rows
        .into_iter()
        .map(|row| {
            let podium = match row.position {
                Some(1) => "first",
                Some(2) => "second",
                Some(3) => "third",
                _ => "",
            };
            let gap = row
                .gap_ms
                .filter(|g| *g > 0)
                .map(|g| format!("+{}", format_ms(g)))
                .unwrap_or_default();
            // Places gained (positive) or lost since the event's latest race.
            let moved = row
                .previous_position
                .zip(row.position)
                .map(|(before, now)| i64::from(before) - i64::from(now))
                .filter(|places| *places != 0);
            let name = row.name.clone();
            let is_fresh = move || fresh.with(|f| f.contains(&name));
            view! {
                <tr class=podium class:fresh=is_fresh>
                    <td class="pos">
                        {row.position.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}
                        {moved.map(|places| view! {
                            <span class="move" class:up={places > 0} class:down={places < 0}>
                                <span aria-hidden="true">{if places > 0 { "▲" } else { "▼" }}{places.unsigned_abs()}</span>
                                <span class="visually-hidden">{moved_text(places)}</span>
                            </span>
                        })}
                    </td>
                    <td>
                        <div class="racer-cell">
                            <span class="racer-dot" style=format!("background:{}", row.colour)></span>
                            {show_country.then(|| view! { <Flag country=row.country.clone() /> })}
                            <span class="name">{row.name.clone()} {row.by_proxy.then_some(" *")}</span>
                        </div>
                    </td>
                    <td class="time">{row.result_ms.map(format_ms).unwrap_or_else(|| t_string!(i18n, no_time).to_string())}</td>
                    <td class="gap">{gap}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="board" aria-label=t_string!(i18n, leaderboard)>
            <thead><tr><th>"#"</th><th>{t!(i18n, col_racer)}</th><th class="time">{t!(i18n, col_time)}</th><th class="gap">{t!(i18n, col_gap)}</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn OnTrackList(on_track: RwSignal<Vec<Ticking>>, now: RwSignal<f64>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        on_track
            .get()
            .into_iter()
            .map(|t| {
                let race = t.on_track.race.clone();
                let at = t.at_local_ms;
                let server_now = t.on_track.server_now_ms;
                let clock = move || server_now + (now.get() - at).max(0.0) as u64;
                let best = race
                    .laps
                    .iter()
                    .filter(|l| l.valid)
                    .map(|l| l.time_ms)
                    .min();
                let left = {
                    let race = race.clone();
                    move || race.remaining(clock()).map(format_ms).unwrap_or_else(|| t_string!(i18n, no_limit).to_string())
                };
                view! {
                    <div class="on-track" aria-label=t_string!(i18n, on_track)>
                        <span class="label">{t!(i18n, on_track)} " · " {t.on_track.track_title.clone()}</span>
                        <span class="racer-dot" style=format!("background:{}", t.on_track.colour)></span>
                        <strong>{t.on_track.name.clone()}</strong>
                        <span>{t!(i18n, time_left)} " " <b class="mono" data-testid="time-left">{left}</b></span>
                        <span>{t!(i18n, laps)} " " <b class="mono">{race.laps.len()}</b></span>
                        <span>{t!(i18n, best_lap)} " " <b class="mono">{best.map(format_ms).unwrap_or_else(|| "—".into())}</b></span>
                    </div>
                }
            })
            .collect_view()
    }
}

/// Auto-scroll ticks to rest at the top and at the bottom (4 s at 40 ms a tick).
const REST_TICKS: u32 = 100;

/// One auto-scroll tick at `y` of `max` scrollable pixels, resting `rest` more ticks:
/// where to scroll (if anywhere) and the rest left. Down a pixel a tick; at the bottom,
/// rest, jump to the top, rest again.
fn scroll_step(y: f64, max: f64, rest: u32) -> (Option<f64>, u32) {
    if max <= 1.0 {
        return (None, REST_TICKS);
    }
    if rest > 0 {
        return (None, rest - 1);
    }
    if y >= max - 1.0 {
        (Some(0.0), REST_TICKS)
    } else if y + 1.0 >= max - 1.0 {
        (Some(max), REST_TICKS)
    } else {
        (Some(y + 1.0), 0)
    }
}

/// Racers whose result is new or better than when the board was last shown.
fn new_or_improved(
    before: &std::collections::HashMap<String, Option<u64>>,
    now: &std::collections::HashMap<String, Option<u64>>,
) -> std::collections::HashSet<String> {
    now.iter()
        .filter(|(name, result)| match (before.get(*name), result) {
            (None, _) => true,
            (Some(None), Some(_)) => true,
            (Some(Some(old)), Some(new)) => new < old,
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{new_or_improved, scroll_step, REST_TICKS};
    use std::collections::HashMap;

    #[test]
    fn auto_scroll_goes_down_rests_and_starts_over() {
        assert_eq!(
            scroll_step(0.0, 0.0, 0),
            (None, REST_TICKS),
            "a short board stays"
        );
        assert_eq!(scroll_step(0.0, 500.0, 3), (None, 2), "resting");
        assert_eq!(scroll_step(10.0, 500.0, 0), (Some(11.0), 0));
        assert_eq!(
            scroll_step(498.5, 500.0, 0),
            (Some(500.0), REST_TICKS),
            "rest at the bottom"
        );
        assert_eq!(
            scroll_step(500.0, 500.0, 0),
            (Some(0.0), REST_TICKS),
            "then the top"
        );
    }

    #[test]
    fn news_are_new_racers_first_times_and_better_times() {
        let before: HashMap<String, Option<u64>> = [
            ("ann".to_string(), Some(9_000)),
            ("bo".to_string(), None),
            ("cy".to_string(), Some(8_000)),
        ]
        .into();
        let now: HashMap<String, Option<u64>> = [
            ("ann".to_string(), Some(8_500)),
            ("bo".to_string(), Some(10_000)),
            ("cy".to_string(), Some(8_000)),
            ("di".to_string(), None),
        ]
        .into();
        let mut news: Vec<String> = new_or_improved(&before, &now).into_iter().collect();
        news.sort();
        assert_eq!(news, ["ann", "bo", "di"]);
    }
}
