//! `/events/:id/podium?track=…`: the top three of a board (a final's, usually) as a
//! podium for the hall's screen and the stream, live, in the viewer's language.

use crate::components::flag::{use_country_names, Flag};
use crate::components::form::Problem;
use crate::components::live::board::use_board_from_url;
use crate::domain::laptime::format_ms;
use crate::i18n::*;
use crate::i18n_page::ranking_text;
use crate::wire::{BoardRow, CountryNames};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PodiumPage() -> impl IntoView {
    let shown = use_board_from_url();
    let (board, live) = (shown.board, shown.live);
    let country_names = use_country_names();
    let i18n = use_i18n();
    view! {
        <div class="podium-page">
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let names = country_names.await.unwrap_or_default();
                    match board.await {
                        Ok(b) => {
                            // Equal results share a place: a podium may show two seconds.
                            let top: Vec<BoardRow> = b
                                .rows
                                .iter()
                                .filter(|r| r.position.is_some_and(|p| p <= 3))
                                .cloned()
                                .collect();
                            let title = if b.combined { t_string!(i18n, all_tracks).to_string() } else { b.title.clone() };
                            view! {
                                <Title text=format!("{} · {title} · {}", t_string!(i18n, podium), b.event_name) />
                                <header class="board-head">
                                    <div>
                                        <h1>{b.event_name.clone()}</h1>
                                        <p class="board-sub">{title} " · " {ranking_text(b.ranking)}</p>
                                    </div>
                                    <span class="live-badge" class:on=move || live.get() role="status">
                                        {move || if live.get() { t_string!(i18n, live) } else { t_string!(i18n, connecting) }}
                                    </span>
                                </header>
                                {if top.is_empty() {
                                    view! { <p class="empty">{t!(i18n, no_results)}</p> }.into_any()
                                } else {
                                    view! { <Steps top names /> }.into_any()
                                }}
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

/// The places, first to third in the page's order (read that way), shown as steps
/// with the winner in the middle.
#[component]
fn Steps(top: Vec<BoardRow>, names: CountryNames) -> impl IntoView {
    let i18n = use_i18n();
    let steps = top
        .into_iter()
        .map(|row| {
            let place = row.position.unwrap_or(3);
            view! {
                <li class=format!("step p{place}") style=format!("--racer:{}", row.colour)>
                    <span class="place">{place}</span>
                    <span class="racer">
                        <Flag country=row.country.clone() name=names.of(&row.country) />
                        <span class="name">{row.name.clone()}</span>
                    </span>
                    <span class="time">{row.result_ms.map(format_ms).unwrap_or_default()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="podium" aria-label=move || t_string!(i18n, podium)>{steps}</ol>
    }
}
