//! A car's upkeep on the cars page: its sensors, speed cap, software update and logs.

use super::api::{car_sensors, CarUpdateAvailable, SetCarSpeedCap};
use crate::components::form::Problem;
use crate::wire::CarId;
use leptos::prelude::*;

#[component]
pub fn CarUpkeep(id: CarId, name: String, speed_cap: Option<u8>) -> impl IntoView {
    let id_sensors = id.clone();
    let sensors = LocalResource::new(move || car_sensors(id_sensors.clone()));
    // Asked on demand only: the car runs apt for it, which can take minutes.
    let update = ServerAction::<CarUpdateAvailable>::new();
    let id_update = id.clone();
    let cap = ServerAction::<SetCarSpeedCap>::new();
    let cap_text = RwSignal::new(speed_cap.map(|p| p.to_string()).unwrap_or_default());
    let id_cap = id.clone();
    let logs = format!("/cars/{}/syslog.txt", id.0);
    view! {
        <section class="car-upkeep" aria-label=format!("Upkeep of {name}")>
            <h3>"Upkeep"</h3>
            <p class="small">
                "Sensors: "
                {move || sensors.get().map(|found| match found {
                    Ok(list) => list
                        .into_iter()
                        .map(|(sensor, status)| format!("{sensor} {status}"))
                        .collect::<Vec<_>>()
                        .join(" · ")
                        .into_any(),
                    Err(e) => view! { <Problem error=e /> }.into_any(),
                })}
            </p>
            <form class="inline-form" aria-label=format!("Speed cap of {name}") on:submit=move |ev| {
                ev.prevent_default();
                let percent = cap_text.get_untracked().trim().parse::<u8>().ok();
                cap.dispatch(SetCarSpeedCap { car: id_cap.clone(), percent });
            }>
                <div class="field narrow-field">
                    <label for=format!("cap-{}", id.0)>"Speed cap (%)"</label>
                    <input id=format!("cap-{}", id.0) type="number" min="10" max="100" placeholder="100"
                        prop:value=move || cap_text.get() on:input=move |ev| cap_text.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button small">"Save cap"</button>
            </form>
            <p class="hint">"The cap holds in the autonomous mode; drem applies it again after every model it loads."</p>
            {move || match cap.value().get() {
                Some(Ok(())) => Some(view! { <p class="done small" role="status">"Speed cap saved."</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
            <p class="small">
                <a class="button small" href=logs download="">"Download the car's log"</a>" "
                <button type="button" class="button small" on:click=move |_| {
                    update.dispatch(CarUpdateAvailable { car: id_update.clone() });
                }>"Check for a software update"</button>
                " "
                <span role="status">
                    {move || match (update.pending().get(), update.value().get()) {
                        (true, _) => Some("Asking the car (this can take minutes)…".into_any()),
                        (false, Some(Ok(true))) => Some(view! { <strong>"An update is available: update the car from its own console."</strong> }.into_any()),
                        (false, Some(Ok(false))) => Some("Its software is up to date.".into_any()),
                        (false, Some(Err(e))) => Some(view! { <Problem error=e /> }.into_any()),
                        (false, None) => None,
                    }}
                </span>
            </p>
        </section>
    }
}
