//! `/admin/models`: every racer's models for operators, filtered by racer and status,
//! with delete; admins also set how long models are kept. "Send to car" joins this page
//! with the cars.

use super::api::{get_model_retention, list_models, DeleteModel, SetModelRetention};
use super::page::{follow_models, ModelRow};
use crate::components::form::Problem;
use crate::components::loaded::Loaded;
use crate::components::nav::AuthContext;
use crate::domain::roles::Role;
use crate::wire::ModelStatus;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ModelsPage() -> impl IntoView {
    let status = RwSignal::new(None::<ModelStatus>);
    let racer = RwSignal::new(String::new());
    let delete = ServerAction::<DeleteModel>::new();
    let version = RwSignal::new(0u32);
    let models = Resource::new(
        move || (status.get(), delete.version().get(), version.get()),
        |(status, _, _)| list_models(None, status),
    );
    follow_models(true, version);
    let auth = AuthContext::get();
    view! {
        <Title text="Models" />
        <h1>"Models"</h1>
        <div class="filters">
            <div class="field">
                <label for="model-racer">"Racer"</label>
                <input id="model-racer" type="search" placeholder="Any racer"
                    prop:value=move || racer.get()
                    on:input=move |ev| racer.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="model-status">"Status"</label>
                <select id="model-status" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    status.set(ModelStatus::ALL.into_iter().find(|s| s.as_str() == v));
                }>
                    <option value="">"Any status"</option>
                    {ModelStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
                </select>
            </div>
        </div>
        {move || delete.value().get().and_then(Result::err).map(|e| view! { <Problem error=e /> })}
        <Loaded of=models let:list>
            {
                let wanted = crate::domain::names::lowercase(&racer.get());
                let list: Vec<_> = list
                    .into_iter()
                    .filter(|m| wanted.is_empty() || crate::domain::names::lowercase(&m.owner_name).contains(&wanted))
                    .collect();
                if list.is_empty() {
                    view! { <p class="empty">"No models match."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0">
                            <table class="models" aria-label="All models">
                                <thead><tr><th>"Racer"</th><th>"Model"</th><th>"Status"</th><th>"Details"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|model| view! { <ModelRow model delete show_owner=true /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
            }
        </Loaded>
        // Read through a transition, so the server and the browser render the same.
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let admin = auth.user.await.ok().flatten().is_some_and(|u| u.has(Role::Admin));
                admin.then(|| view! { <Retention /> })
            })}
        </Transition>
    }
}

/// The admin's retention setting: keep models N days, or forever.
#[component]
fn Retention() -> impl IntoView {
    let save = ServerAction::<SetModelRetention>::new();
    let current = Resource::new(move || save.version().get(), |_| get_model_retention());
    let days = RwSignal::new(String::new());
    view! {
        <section class="retention" aria-label="Retention">
            <h2>"Retention"</h2>
            <Loaded of=current quiet=true let:kept>
                {match kept {
                    Some(d) => view! { <p>"Models are deleted " <strong>{d}" days"</strong> " after their upload."</p> }.into_any(),
                    None => view! { <p>"Models are kept until their owner or an operator deletes them."</p> }.into_any(),
                }}
            </Loaded>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                let value = days.get().trim().parse::<u32>().ok();
                save.dispatch(SetModelRetention { days: value });
            }>
                <div class="field">
                    <label for="retention-days">"Delete models after (days, empty: never)"</label>
                    <input id="retention-days" type="number" min="1" max="3650" inputmode="numeric"
                        prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button">"Save"</button>
            </form>
            {move || match save.value().get() {
                Some(Ok(n)) => Some(view! { <p role="status">{format!("Saved. {n} old model(s) deleted now.")}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
                None => None,
            }}
        </section>
    }
}
