//! `/events/:id/landing`: where the leaderboard's QR code leads. The event's links,
//! its live leaderboards, and the same QR code to pass on.

use super::api::get_landing;
use crate::components::flag::Flag;
use crate::components::form::Problem;
use crate::domain::countries;
use crate::model::EventId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LandingPage() -> impl IntoView {
    let params = use_params_map();
    let event = move || EventId(params.read().get("id").unwrap_or_default());
    let landing = Resource::new(event, get_landing);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match landing.await {
                    Ok(l) => {
                        let id = event().0;
                        let boards = if l.tracks.len() > 1 {
                            std::iter::once((format!("/events/{id}/leaderboard"), "All tracks".to_string()))
                                .chain(l.tracks.iter().map(|(t, title)| {
                                    (format!("/events/{id}/leaderboard?track={}", t.0), title.clone())
                                }))
                                .collect::<Vec<_>>()
                        } else {
                            vec![(format!("/events/{id}/leaderboard"), "Leaderboard".to_string())]
                        };
                        view! {
                            <Title text=l.event_name.clone() />
                            <section class="landing">
                                <h1>{l.event_name.clone()}</h1>
                                <p class="lead"><Flag country=l.country.clone() /> " " {l.date.clone()} " · " {countries::name(&l.country).to_string()}</p>
                                <h2>"Follow the race live"</h2>
                                <ul class="landing-links">
                                    {boards.into_iter().map(|(href, title)| view! {
                                        <li><a class="button primary" href=href>{title}</a></li>
                                    }).collect_view()}
                                </ul>
                                {(!l.links.is_empty()).then(|| view! {
                                    <h2>"More from this event"</h2>
                                    <ul class="landing-links">
                                        {l.links.iter().map(|link| view! {
                                            <li>
                                                <a href=link.url.clone() rel="noopener">{link.name.clone()}</a>
                                                {(!link.description.is_empty()).then(|| view! { <span class="sub">{link.description.clone()}</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                <div class="qr" aria-label="QR code of this page" inner_html=l.qr_svg.clone()></div>
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
