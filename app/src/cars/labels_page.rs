//! `/cars/labels`: a printable page with one label per car: its name and a QR code of
//! its console address (never its password: a label is seen by everyone at the track).

use super::api::car_labels;

use crate::components::loaded::LoadedList;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CarLabelsPage() -> impl IntoView {
    let labels = Resource::new(|| (), |_| car_labels(None));
    view! {
        <Title text="Car labels" />
        <div class="no-print">
            <h1>"Car labels"</h1>
            <p>"One label per car: print this page (labels keep together on a page)."</p>
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>"Print"</button>
        </div>
        <LoadedList of=labels empty="No car yet." let:list>
            <div class="labels">
                {list.into_iter().map(|(name, address, qr)| {
                    let label = format!("Label of {name}");
                    view! {
                    <figure class="car-label" aria-label=label>
                        <div class="qr" inner_html=qr></div>
                        <figcaption><strong>{name}</strong><span>{address}</span></figcaption>
                    </figure>
                }}).collect_view()}
            </div>
        </LoadedList>
    }
}
