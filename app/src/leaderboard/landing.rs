//! `/events/:id/landing`: where the leaderboard's QR code leads. The event's links,
//! its live leaderboards, and the same QR code to pass on.

use super::api::get_landing;
use crate::components::flag::{use_country_names, Flag};
use crate::components::form::Problem;
use crate::components::live::board::use_board_from_url;
use crate::i18n::*;
use crate::leaderboard::next_up::NextUpList;
use crate::wire::EventId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn LandingPage() -> impl IntoView {
    let params = use_params_map();
    let event = move || EventId(params.read().get("id").unwrap_or_default());
    let landing = Resource::new(event, get_landing);
    let country_names = use_country_names();
    // Followed live for "next up": the event's stream, as its boards are.
    let next_up = use_board_from_url().next_up;
    let i18n = use_i18n();
    // The leaderboards open in the language this page is in.
    let query = use_query_map();
    let lang = move || {
        query
            .read()
            .get("lang")
            .filter(|l| l.len() <= 8 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let names = country_names.await.unwrap_or_default();
                match landing.await {
                    Ok(l) => {
                        let id = event().0;
                        let with_lang = |mut href: String| {
                            if let Some(lang) = lang() {
                                href.push(if href.contains('?') { '&' } else { '?' });
                                href.push_str(&format!("lang={lang}"));
                            }
                            href
                        };
                        let mut boards = if l.tracks.len() > 1 {
                            std::iter::once((with_lang(format!("/events/{id}/leaderboard")), t_string!(i18n, all_tracks).to_string()))
                                .chain(l.tracks.iter().map(|(t, title)| {
                                    (with_lang(format!("/events/{id}/leaderboard?track={}", t.0)), title.clone())
                                }))
                                .collect::<Vec<_>>()
                        } else {
                            vec![(with_lang(format!("/events/{id}/leaderboard")), t_string!(i18n, leaderboard).to_string())]
                        };
                        // Each final: its board, and its podium.
                        for (t, title) in &l.finals {
                            boards.push((with_lang(format!("/events/{id}/leaderboard?track={}", t.0)), title.clone()));
                            boards.push((
                                with_lang(format!("/events/{id}/podium?track={}", t.0)),
                                format!("{} · {title}", t_string!(i18n, podium)),
                            ));
                        }
                        view! {
                            <Title text=l.event_name.clone() />
                            <section class="landing">
                                <h1>{l.event_name.clone()}</h1>
                                <p class="lead"><Flag country=l.country.clone() name=names.of(&l.country) /> " " {l.date.clone()} " · " {names.of(&l.country).unwrap_or_else(|| l.country.clone())}</p>
                                <h2>{t!(i18n, follow_live)}</h2>
                                <ul class="landing-links">
                                    {boards.into_iter().map(|(href, title)| view! {
                                        <li><a class="button primary" href=href>{title}</a></li>
                                    }).collect_view()}
                                </ul>
                                <div class="landing-next" aria-live="polite">
                                    <NextUpList next_up tracks=l.tracks.clone() combined={l.tracks.len() > 1} />
                                </div>
                                {(!l.links.is_empty()).then(|| view! {
                                    <h2>{t!(i18n, more_from_event)}</h2>
                                    <ul class="landing-links">
                                        {l.links.iter().map(|link| view! {
                                            <li>
                                                <a href=link.url.clone() rel="noopener">{link.name.clone()}</a>
                                                {(!link.description.is_empty()).then(|| view! { <span class="sub">{link.description.clone()}</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                <div class="qr" role="img" aria-label=t_string!(i18n, qr_this_page) inner_html=l.qr_svg.clone()></div>
                                <p class="link-text">{l.url.clone()}</p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <Problem error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
