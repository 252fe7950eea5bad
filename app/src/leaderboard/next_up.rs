//! "Next up": the first racers waiting in each shown track's queue, live, on the
//! board's footer and the overlay between races.

use crate::i18n::*;
use crate::wire::{NextUp, TrackId};
use leptos::prelude::*;

/// One line per shown track with anyone waiting (titled by track on a board of
/// several tracks).
#[component]
pub fn NextUpList(
    next_up: RwSignal<Vec<NextUp>>,
    tracks: Vec<(TrackId, String)>,
    combined: bool,
    /// The board's names by handle: a racer on the board is named as there (told
    /// apart from others of the same name).
    #[prop(optional)]
    board_names: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let waiting = next_up.get();
        tracks
            .iter()
            .filter_map(|(track, title)| {
                let names: Vec<String> = waiting
                    .iter()
                    .filter(|n| &n.track == track)
                    .map(|n| {
                        board_names
                            .iter()
                            .find(|(handle, _)| *handle == n.handle)
                            .map_or_else(|| n.name.clone(), |(_, name)| name.clone())
                    })
                    .collect();
                (!names.is_empty()).then(|| {
                    let title = combined.then(|| format!(" · {title}"));
                    view! {
                        <p class="next-up" data-testid="next-up">
                            <span class="label">{t!(i18n, next_up)} {title}</span>
                            " " <strong>{names.join(" · ")}</strong>
                        </p>
                    }
                })
            })
            .collect_view()
    }
}
