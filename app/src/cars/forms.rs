//! The cars page's forms: add (activate) a car, manage fleets, set the SSH key used
//! for restarts.

use super::api::{get_car_ssh, ActivateCar as Activate, SetCarSsh, UpdateCar, MAX_NAME};
use super::fleets_api::{list_fleets, CreateFleet, DeleteFleet, RenameFleet};
use crate::components::form::Problem;

use crate::wire::{CarInfo, FleetId};
use leptos::prelude::*;

/// A fleet picker (`None`: no fleet) fed by `list_fleets`, loaded again when
/// `version` changes.
#[component]
pub fn FleetSelect(
    #[prop(into)] id: String,
    label: &'static str,
    chosen: RwSignal<Option<FleetId>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let fleets = Resource::new(move || version.get(), |_| list_fleets());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id on:change=move |ev| {
                let v = event_target_value(&ev);
                chosen.set((!v.is_empty()).then_some(FleetId(v)));
            }>
                <option value="">"No fleet"</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        fleets.await.unwrap_or_default().into_iter().map(|f| {
                            let selected = chosen.get_untracked().is_some_and(|c| c == f.id);
                            view! { <option value=f.id.0.clone() selected=selected>{f.name}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </select>
        </div>
    }
}

/// Add a car by its console: name, address, password, fleet.
#[component]
pub fn ActivateCar(version: RwSignal<u32>) -> impl IntoView {
    let activate = ServerAction::<Activate>::new();
    let (name, address, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let fleet = RwSignal::new(None::<FleetId>);
    Effect::new(move || {
        if let Some(Ok(_)) = activate.value().get() {
            name.set(String::new());
            address.set(String::new());
            password.set(String::new());
        }
    });
    let field = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      value: RwSignal<String>,
                      placeholder: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind required placeholder=placeholder autocomplete="off"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <details class="add-car" open=true>
            <summary>"Add a car"</summary>
            <form class="inline-form" aria-label="Add a car" on:submit=move |ev| {
                ev.prevent_default();
                activate.dispatch(Activate { name: name.get(), address: address.get(), password: password.get(), fleet: fleet.get() });
            }>
                {field("car-name", "Car name", "text", name, "Car 7")}
                {field("car-address", "Console address", "text", address, "192.168.1.50")}
                {field("car-password", "Console password", "password", password, "on the car's sticker")}
                <FleetSelect id="car-fleet" label="Fleet" chosen=fleet version />
                <button type="submit" class="button" disabled=move || activate.pending().get()>
                    {move || if activate.pending().get() { "Connecting…" } else { "Add car" }}
                </button>
            </form>
            <p class="hint">"drem signs in to the car's console and trusts the certificate it shows now; a different certificate later is refused until you trust it."</p>
            {move || match activate.value().get() {
                Some(Ok(car)) => Some(view! { <p class="done" role="status">{format!("{} added.", car.name)}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
        </details>
    }
}

/// Create, rename and delete fleets (the page hears of each change on `/live/kit`).
#[component]
pub fn FleetsSection(version: RwSignal<u32>) -> impl IntoView {
    let create = ServerAction::<CreateFleet>::new();
    let rename = ServerAction::<RenameFleet>::new();
    let delete = ServerAction::<DeleteFleet>::new();
    let fleets = Resource::new(move || version.get(), |_| list_fleets());
    let name = RwSignal::new(String::new());
    Effect::new(move || {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
        }
    });
    view! {
        <section class="fleets" aria-label="Fleets">
            <h2>"Fleets"</h2>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); create.dispatch(CreateFleet { name: name.get() }); }>
                <div class="field">
                    <label for="fleet-name">"New fleet"</label>
                    <input id="fleet-name" required maxlength=MAX_NAME prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button">"Create fleet"</button>
            </form>
            {move || [create.value().get().and_then(Result::err), rename.value().get().and_then(Result::err), delete.value().get().and_then(Result::err)]
                .into_iter().flatten().map(|e| view! { <Problem error=e /> }).collect_view()}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = fleets.await.unwrap_or_default();
                    view! {
                        <ul class="plain">
                            {list.into_iter().map(|f| {
                                let (id_rename, id_delete) = (f.id.clone(), f.id.clone());
                                let (old, old_delete) = (f.name.clone(), f.name.clone());
                                view! {
                                    <li>
                                        <strong>{f.name.clone()}</strong>{format!(" · {} car(s) ", f.cars)}
                                        <button type="button" class="button small" on:click=move |_| {
                                            if let Ok(Some(new)) = window().prompt_with_message_and_default("New name of the fleet", &old) {
                                                rename.dispatch(RenameFleet { fleet: id_rename.clone(), name: new });
                                            }
                                        }>{format!("Rename {}", f.name)}</button>" "
                                        <button type="button" class="button small danger" on:click=move |_| {
                                            if window().confirm_with_message(&format!("Delete the fleet {old_delete}? Its cars stay, in no fleet.")).unwrap_or(false) {
                                                delete.dispatch(DeleteFleet { fleet: id_delete.clone() });
                                            }
                                        }>{format!("Delete {}", f.name)}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </section>
    }
}

/// The SSH user and private key drem uses to restart cars.
#[component]
pub fn SshSection() -> impl IntoView {
    let save = ServerAction::<SetCarSsh>::new();
    let current = Resource::new(move || save.version().get(), |_| get_car_ssh());
    let (user, key) = (
        RwSignal::new("deepracer".to_string()),
        RwSignal::new(String::new()),
    );
    view! {
        <details class="ssh-key">
            <summary>"SSH key for restarts"</summary>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(Some(user)) => view! { <p>"Restarts sign in as "<strong>{user}</strong>" with the stored key."</p> }.into_any(),
                        Ok(None) => view! { <p>"No key is set: restarts are not possible until one is."</p> }.into_any(),
                        Err(e) => view! { <Problem error=e /> }.into_any(),
                    }
                })}
            </Transition>
            <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(SetCarSsh { user: user.get(), key: key.get() }); }>
                <div class="field">
                    <label for="ssh-user">"SSH user"</label>
                    <input id="ssh-user" prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="ssh-key">"Private key (empty removes the stored one)"</label>
                    <textarea id="ssh-key" rows="4" spellcheck="false" placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                        prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="button">"Save SSH key"</button>
            </form>
            {move || match save.value().get() {
                Some(Ok(())) => Some(view! { <p class="done" role="status">"Saved (sealed; it is never shown again)."</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
        </details>
    }
}

/// Rename a car, move it to another fleet, or give its new console address.
#[component]
pub fn EditCar(car: CarInfo, version: RwSignal<u32>) -> impl IntoView {
    let update = ServerAction::<UpdateCar>::new();
    let (name, address) = (
        RwSignal::new(car.name.clone()),
        RwSignal::new(car.address.clone()),
    );
    let fleet = RwSignal::new(car.fleet.clone());
    let id = car.id.clone();
    let field_id = |what: &str| format!("car-{what}-{}", car.id.0);
    let (name_id, address_id, fleet_id) =
        (field_id("name"), field_id("address"), field_id("fleet"));
    view! {
        <form class="inline-form edit-car" aria-label=format!("Edit {}", car.name) on:submit=move |ev| {
            ev.prevent_default();
            update.dispatch(UpdateCar { car: id.clone(), name: name.get(), fleet: fleet.get(), address: Some(address.get()) });
        }>
            <div class="field">
                <label for=name_id.clone()>"Name"</label>
                <input id=name_id required maxlength=MAX_NAME prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=address_id.clone()>"Console address"</label>
                <input id=address_id required prop:value=move || address.get() on:input=move |ev| address.set(event_target_value(&ev)) />
            </div>
            <FleetSelect id=fleet_id label="Fleet" chosen=fleet version />
            <button type="submit" class="button">"Save"</button>
            {move || match update.value().get() {
                Some(Ok(())) => Some(view! { <p class="done small" role="status">"Saved."</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
        </form>
    }
}
