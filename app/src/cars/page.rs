//! `/cars`: every car with its status, battery, loaded model and any transfer under
//! way (live through `/live/kit`); select cars and send them models; per car: its
//! models (load, delete, clean), tail light, restart, remove. Adding cars, fleets and
//! the SSH key are in `forms`.

use super::api::*;
use super::forms::{ActivateCar, EditCar, FleetsSection, SshSection};
use crate::components::form::Problem;
use crate::components::live::source::reload_on;
use crate::components::loaded::{Loaded, LoadedList};
use crate::models::api::list_models;
use crate::wire::{CarId, CarInfo, ModelStatus};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CarsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    reload_on("/live/kit", "kit", version);
    let cars = Resource::new(move || version.get(), |_| list_cars(None));
    let selected = RwSignal::new(Vec::<CarId>::new());
    let rows = RwSignal::new(Vec::<CarInfo>::new());
    view! {
        <Title text="Cars" />
        <h1>"Cars"</h1>
        <p class="lead">"Cars join through their own console; drem checks each every few seconds. "
            <a href="/cars/labels">"Print labels"</a></p>
        <ActivateCar version />
        <SendModels selected />
        // The list lands in `rows`; rows are keyed by car, so a reload (every status
        // change and progress step) updates cells without closing what is open in a row.
        <Loaded of=cars let:list>
            {
                let empty = list.is_empty();
                rows.set(list);
                empty.then(|| view! { <p class="empty">"No car yet: add one with its console address and password."</p> })
            }
        </Loaded>
        <div class="table-wrap" tabindex="0" class:hidden=move || rows.with(Vec::is_empty)>
            <table class="cars" aria-label="Cars">
                <thead><tr>
                    <th><span class="visually-hidden">"Select"</span></th>
                    <th>"Car"</th><th>"Status"</th><th>"Battery"</th><th>"Model"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>
                    <For each=move || rows.get() key=|car| car.id.clone() let:car>
                        <CarRow id=car.id name=car.name rows selected version />
                    </For>
                </tbody>
            </table>
        </div>
        <FleetsSection version />
        <SshSection />
    }
}

/// Battery as a meter and a percentage: the console's 0–11, 11 being full.
#[component]
fn Battery(name: String, level: Option<i8>) -> impl IntoView {
    match level {
        Some(level) if level >= 0 => view! {
            <meter min="0" max="11" low="4" optimum="11" value=level aria-label=format!("Battery of {name}")></meter>
            " " <span class="battery-text">{crate::wire::battery_text(level)}</span>
        }.into_any(),
        Some(_) => view! { <span class="problem">"no battery connected"</span> }.into_any(),
        None => view! { <span class="muted">"unknown"</span> }.into_any(),
    }
}

/// One car's transfer: a progress bar and what it is doing.
fn transfer_view(car: &CarInfo) -> Option<AnyView> {
    let t = car.transfer.clone()?;
    let label = format!("Transfer to {}", car.name);
    let text = match (&t.error, t.done) {
        (Some(e), _) => format!("{}: failed: {e}", t.model),
        (None, true) => format!("{}: on the car", t.model),
        // The last bytes sit in network buffers until the car has read them.
        (None, false) if t.sent_bytes >= t.total_bytes => {
            format!("{}: sent, waiting for the car to take it", t.model)
        }
        (None, false) => format!(
            "{}: {} of {} KB",
            t.model,
            t.sent_bytes / 1024,
            t.total_bytes / 1024
        ),
    };
    Some(
        view! {
            <div class="transfer">
                <progress max=t.total_bytes.max(1) value=t.sent_bytes aria-label=label></progress>
                <span>{text}</span>
            </div>
        }
        .into_any(),
    )
}

/// What a car row shows of the car now (re-rendered as the list reloads).
fn status_cells(car: CarInfo) -> impl IntoView {
    let transfer = transfer_view(&car);
    view! {
        <td>
            <strong>{car.name.clone()}</strong>
            <div class="muted small">{car.fleet_name.clone().unwrap_or_else(|| "no fleet".into())}" · "{car.address.clone()}</div>
            {car.software_version.clone().map(|v| view! { <div class="muted small">{format!("software {v}")}</div> })}
        </td>
        <td>
            {if car.online {
                view! { <span class="badge ok">"online"</span> }.into_any()
            } else {
                view! { <span class="badge warn">"offline"</span> }.into_any()
            }}
            <div class="muted small">{car.last_seen.clone().map(|t| format!("seen {t} UTC")).unwrap_or_default()}</div>
            {car.problem.clone().map(|p| view! { <div class="problem small">{p}</div> })}
        </td>
        <td><Battery name=car.name.clone() level=car.battery /></td>
        <td>{car.loaded_model.clone().unwrap_or_else(|| "—".into())}{transfer}</td>
    }
}

/// One car: its cells follow the list; what the operator opened (models, edit) and the
/// answers of actions stay open across reloads.
#[component]
fn CarRow(
    id: CarId,
    name: String,
    rows: RwSignal<Vec<CarInfo>>,
    selected: RwSignal<Vec<CarId>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let car = {
        let id = id.clone();
        Memo::new(move |_| rows.with(|list| list.iter().find(|c| c.id == id).cloned()))
    };
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            selected.update(|s| match s.iter().position(|c| *c == id) {
                Some(i) => {
                    s.remove(i);
                }
                None => s.push(id.clone()),
            })
        }
    };
    let show_models = RwSignal::new(false);
    let show_edit = RwSignal::new(false);
    let trust = ServerAction::<TrustCarCertificate>::new();
    let id_trust = id.clone();
    let new_cert = move || {
        let fp = car.get()?.new_certificate?;
        let id = id_trust.clone();
        Some(view! {
            <tr><td colspan="6">
                <div class="warning" role="alert">
                    <p>"This car shows a certificate other than the one trusted. If it was reinstalled, trust the new one: "<code class="fingerprint">{fp}</code></p>
                    <button type="button" class="button small" on:click=move |_| { trust.dispatch(TrustCarCertificate { car: id.clone() }); }>"Trust the new certificate"</button>
                </div>
            </td></tr>
        })
    };
    view! {
        <tr class:offline=move || car.get().is_some_and(|c| !c.online)>
            <td><input type="checkbox" aria-label=format!("Select {name}") prop:checked=checked on:change=toggle /></td>
            {move || car.get().map(status_cells)}
            <td><CarActions id=id.clone() name=name.clone() show_models show_edit /></td>
        </tr>
        {new_cert}
        {move || trust.value().get().and_then(Result::err).map(|e| view! { <tr><td colspan="6"><Problem error=e /></td></tr> })}
        {move || show_edit.get().then(|| car.get_untracked()).flatten().map(|car| view! { <tr class="car-edit-row"><td colspan="6"><EditCar car version /></td></tr> })}
        {move || show_models.get().then(|| {
            let speed_cap = car.get_untracked().and_then(|c| c.speed_cap);
            view! {
                <tr class="car-models-row"><td colspan="6">
                    <CarModels id=id.clone() name=name.clone() />
                    <super::upkeep::CarUpkeep id=id.clone() name=name.clone() speed_cap />
                </td></tr>
            }
        })}
    }
}

/// Tail light, restart, models, remove: each with its own answer.
#[component]
fn CarActions(
    id: CarId,
    name: String,
    show_models: RwSignal<bool>,
    show_edit: RwSignal<bool>,
) -> impl IntoView {
    let light = ServerAction::<SetCarTailLight>::new();
    let restart = ServerAction::<RestartCar>::new();
    let remove = ServerAction::<RemoveCar>::new();
    let colour = RwSignal::new("#00A0FF".to_string());
    let (id_light, id_restart, id_remove) = (id.clone(), id.clone(), id);
    let name_remove = name.clone();
    view! {
        <div class="car-actions">
            <button type="button" class="button small" aria-expanded=move || show_models.get().to_string()
                on:click=move |_| show_models.update(|s| *s = !*s)>"Models on car"</button>
            <button type="button" class="button small" aria-expanded=move || show_edit.get().to_string()
                on:click=move |_| show_edit.update(|s| *s = !*s)>"Edit"</button>
            <span class="tail-light">
                <input type="color" aria-label=format!("Tail light colour of {name}") prop:value=move || colour.get()
                    on:input=move |ev| colour.set(event_target_value(&ev)) />
                <button type="button" class="button small" on:click=move |_| {
                    light.dispatch(SetCarTailLight { car: id_light.clone(), colour: colour.get_untracked() });
                }>"Set light"</button>
            </span>
            <button type="button" class="button small" on:click=move |_| { restart.dispatch(RestartCar { car: id_restart.clone() }); }>"Restart"</button>
            <button type="button" class="button small danger" on:click=move |_| {
                if window().confirm_with_message(&format!("Remove {name_remove} from drem? The car itself is not changed.")).unwrap_or(false) {
                    remove.dispatch(RemoveCar { car: id_remove.clone() });
                }
            }>"Remove"</button>
            {move || answer(light.value().get(), "Tail light set.")}
            {move || answer(restart.value().get(), "Restarting the car's service.")}
            {move || answer(remove.value().get(), "Removed.")}
        </div>
    }
}

fn answer<T>(
    result: Option<Result<T, crate::error::AppError>>,
    done: &'static str,
) -> Option<AnyView> {
    match result? {
        Ok(_) => Some(view! { <p class="done small" role="status">{done}</p> }.into_any()),
        Err(e) => Some(view! { <Problem error=e /> }.into_any()),
    }
}

/// The models on one car: load one, delete one, or clean the car.
#[component]
fn CarModels(id: CarId, name: String) -> impl IntoView {
    let load = ServerAction::<LoadCarModel>::new();
    let delete = ServerAction::<DeleteCarModels>::new();
    let id_list = id.clone();
    let models = Resource::new(
        move || (load.version().get(), delete.version().get()),
        move |_| list_car_models(id_list.clone()),
    );
    let id_clean = id.clone();
    view! {
        <section class="car-models" aria-label=format!("Models on {name}")>
            <LoadedList of=models empty="No model on this car." loading="Asking the car…" let:list>
                <ul class="plain">
                    {list.into_iter().map(|m| {
                        let (id_load, id_delete) = (id.clone(), id.clone());
                        let (folder_load, folder_delete) = (m.folder.clone(), m.folder.clone());
                        view! {
                            <li>
                                // Whose model, when drem sent it; else the car's folder.
                                <strong>{m.model.clone().unwrap_or_else(|| m.folder.clone())}</strong>
                                {m.owner.clone().map(|owner| view! { " · " {owner} })}" "
                                <span class="muted small">{m.sensors.join(", ")}</span>" "
                                {(!m.runnable).then(|| view! { <span class="problem small">"this car lacks a sensor it needs"</span> " " })}
                                <button type="button" class="button small" on:click=move |_| {
                                    load.dispatch(LoadCarModel { car: id_load.clone(), folder: folder_load.clone() });
                                }>{format!("Load {}", m.folder)}</button>" "
                                <button type="button" class="button small danger" on:click=move |_| {
                                    delete.dispatch(DeleteCarModels { car: id_delete.clone(), folders: Some(vec![folder_delete.clone()]) });
                                }>{format!("Delete {}", m.folder)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </LoadedList>
            <button type="button" class="button small danger" on:click=move |_| {
                delete.dispatch(DeleteCarModels { car: id_clean.clone(), folders: None });
            }>"Clean car (delete every model)"</button>
            {move || match load.value().get() {
                Some(Ok(())) => Some(view! { <p class="done small" role="status">"Model loaded."</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
            {move || match delete.value().get() {
                Some(Ok(n)) => Some(view! { <p class="done small" role="status">{format!("{n} model(s) deleted.")}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
        </section>
    }
}

/// Choose available models and send them to the selected cars.
#[component]
fn SendModels(selected: RwSignal<Vec<CarId>>) -> impl IntoView {
    let send = ServerAction::<SendModels>::new();
    let models = Resource::new(|| (), |_| list_models(None, Some(ModelStatus::Available)));
    let chosen = RwSignal::new(Vec::<crate::wire::ModelId>::new());
    view! {
        <section class="send-models" aria-label="Send models to cars">
            <h2>"Send models"</h2>
            <LoadedList of=models empty="No available model yet." quiet=true let:list>
                <fieldset class="model-choice">
                    <legend>"Models (available)"</legend>
                    {list.into_iter().map(|m| {
                        let id = m.id.clone();
                        let id_checked = m.id.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&id_checked))
                                    on:change=move |_| chosen.update(|c| match c.iter().position(|x| *x == id) {
                                        Some(i) => { c.remove(i); }
                                        None => c.push(id.clone()),
                                    }) />
                                {format!("{} · {}", m.name, m.owner_name)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            </LoadedList>
            <button type="button" class="button" disabled=move || selected.with(Vec::is_empty) || chosen.with(Vec::is_empty)
                on:click=move |_| { send.dispatch(SendModels { cars: selected.get_untracked(), models: chosen.get_untracked() }); }>
                {move || format!("Send to {} selected car(s)", selected.with(Vec::len))}
            </button>
            {move || match send.value().get() {
                Some(Ok(answers)) => {
                    let refused: Vec<String> = answers.into_iter().filter_map(|(_, e)| e).collect();
                    Some(if refused.is_empty() {
                        view! { <p class="done" role="status">"Sending: progress shows on each car."</p> }.into_any()
                    } else {
                        view! { <p class="form-error" role="alert">{refused.join(" ")}</p> }.into_any()
                    })
                }
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
        </section>
    }
}
