//! What the board does for a hall's big screen, beside showing the results: the
//! newest results highlighted and brought into view, a slow scroll through a long
//! board (`?scroll=1`), and a QR code of the event's landing page (`?qr=header|footer`).

use super::api::get_landing;
use crate::error::AppError;
use crate::i18n::*;
use crate::wire::{EventId, Leaderboard};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::{HashMap, HashSet};

/// The racers whose result is new or better since the board was last shown (by handle),
/// the first of them scrolled into view. The first load is the baseline.
pub fn use_fresh_results(
    board: Resource<Result<Leaderboard, AppError>>,
) -> RwSignal<HashSet<String>> {
    let shown: StoredValue<Option<HashMap<String, Option<u64>>>> = StoredValue::new(None);
    let fresh = RwSignal::new(HashSet::<String>::new());
    Effect::new(move || {
        if let Some(Ok(b)) = board.get() {
            let now_shown: HashMap<String, Option<u64>> = b
                .rows
                .iter()
                .map(|r| (r.handle.clone(), r.result_ms))
                .collect();
            if let Some(before) = shown.get_value() {
                fresh.set(new_or_improved(&before, &now_shown));
            }
            shown.set_value(Some(now_shown));
        }
    });
    Effect::new(move || {
        if !fresh.get().is_empty() {
            request_animation_frame(|| {
                if let Ok(Some(row)) = document().query_selector("table.board tr.fresh") {
                    row.scroll_into_view();
                }
            });
        }
    });
    fresh
}

/// `?scroll=1`: a board longer than the screen scrolls slowly down, rests at the
/// bottom, and starts again from the top (the big screen nobody touches).
pub fn use_slow_scroll() {
    let query = use_query_map();
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
}

/// The landing page's QR code, for phones in the hall, when `?qr=` names `place`.
#[component]
pub fn LandingQr(place: &'static str) -> impl IntoView {
    let query = use_query_map();
    let params = leptos_router::hooks::use_params_map();
    let here = move || query.read().get("qr").as_deref() == Some(place);
    let landing = Resource::new(
        move || here().then(|| EventId(params.read().get("id").unwrap_or_default())),
        |event| async move {
            match event {
                Some(event) => get_landing(event).await.ok(),
                None => None,
            }
        },
    );
    let i18n = use_i18n();
    view! {
        <Transition fallback=|| ()>
            {move || {
                landing.get().flatten().map(|l| view! {
                    <a class="board-qr" href=l.url.clone() aria-label=t_string!(i18n, qr_event_page)>
                        <span inner_html=l.qr_svg></span>
                        <span class="qr-caption">{t!(i18n, qr_caption)}</span>
                    </a>
                })
            }}
        </Transition>
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
    before: &HashMap<String, Option<u64>>,
    now: &HashMap<String, Option<u64>>,
) -> HashSet<String> {
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
