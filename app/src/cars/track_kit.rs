//! The race manager's car choice: the track's fleet, the car on track now (its tail
//! light follows the races), and that car's status and any problem, live (`kit` bumps
//! on every change heard on `/live/kit`).

use super::fleets_api::{get_track_kit, SetTrackCar, SetTrackFleet};
use crate::components::form::Problem;
use crate::components::loaded::Loaded;
use crate::wire::{CarId, FleetId, TrackId};
use leptos::prelude::*;

#[component]
pub fn TrackKitPicker(track: TrackId, kit: RwSignal<u32>) -> impl IntoView {
    let set_fleet = ServerAction::<SetTrackFleet>::new();
    let set_car = ServerAction::<SetTrackCar>::new();
    let version = kit;
    let track_load = track.clone();
    // Loaded in the browser only (see `RacerPicker`).
    let kit = LocalResource::new(move || {
        let _ = (
            set_fleet.version().get(),
            set_car.version().get(),
            version.get(),
        );
        get_track_kit(track_load.clone())
    });
    view! {
        <div class="track-kit">
            <Loaded of=kit quiet=true let:kit>
                {
                    let track = track.clone();
                    let fleet_now = kit.fleet.clone().map(|f| f.0).unwrap_or_default();
                    let car_now = kit.car.clone().map(|c| c.0).unwrap_or_default();
                    let on_track = kit.cars.iter().find(|c| Some(&c.id) == kit.car.as_ref()).cloned();
                    let track_fleet = track.clone();
                    view! {
                        <div class="field kit-field">
                        <label for="track-fleet">"Fleet"</label>
                        <select id="track-fleet" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set_fleet.dispatch(SetTrackFleet { track: track_fleet.clone(), fleet: (!v.is_empty()).then_some(FleetId(v)) });
                        }>
                            <option value="" selected=fleet_now.is_empty()>"Any"</option>
                            {kit.fleets.into_iter().map(|f| {
                                let selected = f.id.0 == fleet_now;
                                view! { <option value=f.id.0.clone() selected=selected>{f.name}</option> }
                            }).collect_view()}
                        </select>
                        </div>
                        <div class="field kit-field">
                        <label for="track-car">"Car on track"</label>
                        <select id="track-car" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set_car.dispatch(SetTrackCar { track: track.clone(), car: (!v.is_empty()).then_some(CarId(v)) });
                        }>
                            <option value="" selected=car_now.is_empty()>"None"</option>
                            {kit.cars.into_iter().map(|c| {
                                let selected = c.id.0 == car_now;
                                let state = if c.online { "" } else { " (offline)" };
                                view! { <option value=c.id.0.clone() selected=selected>{format!("{}{state}", c.name)}</option> }
                            }).collect_view()}
                        </select>
                        </div>
                        {on_track.map(|car| view! {
                            <div class="kit-status">
                            <span class=if car.online { "badge ok" } else { "badge warn" }>
                                {if car.online { "online" } else { "offline" }}
                                {car.battery.map(|b| format!(" · battery {}", crate::wire::battery_text(b)))}
                            </span>
                            {car.problem.map(|p| view! { <span class="problem small" role="alert">{format!("Car warning: {p}")}</span> })}
                            </div>
                        })}
                    }
                }
            </Loaded>
            {move || [set_fleet.value().get().and_then(Result::err), set_car.value().get().and_then(Result::err)]
                .into_iter().flatten().map(|e| view! { <Problem error=e /> }).collect_view()}
        </div>
    }
}
