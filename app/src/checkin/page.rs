//! `/check-in?event=ID`: the check-in desk. Every racer with the event's steps to
//! tick, a search and a "not ready" filter, and a button per track that queues them
//! there (refused while a required step is missing: an operator can override from
//! the race manager).

use super::api::{get_checkin_sheet, list_checkin_events, queue_racer, set_checkin};
use crate::components::loaded::Loaded;
use crate::components::url_choice::UrlChoice;
use crate::domain::checkin;
use crate::domain::names::lowercase;
use crate::error::AppError;
use crate::wire::{CheckinRow, CheckinSheet, EventId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CheckinPage() -> impl IntoView {
    let query = use_query_map();
    let event = Signal::derive(move || query.get().get("event").map(EventId));
    let events = Resource::new(|| (), |_| list_checkin_events());
    view! {
        <Title text="Check-in" />
        <h1>"Check-in"</h1>
        <Loaded of=events quiet=true let:list>
            {
                let options = list.into_iter().map(|(id, name)| (id.0, name)).collect();
                view! {
                    <UrlChoice id="event-pick" label="Event" placeholder="Choose an event"
                        page="/check-in" key="event" current=event.get_untracked().map(|e| e.0) options />
                }
            }
        </Loaded>
        {move || event.get().map(|event| view! { <Desk event /> })}
    }
}

#[component]
fn Desk(event: EventId) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let sheet = LocalResource::new(move || {
        let _ = version.get();
        get_checkin_sheet(event.clone())
    });
    let search = RwSignal::new(String::new());
    let not_ready_only = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    view! {
        <div class="field">
            <label for="checkin-search">"Find racer"</label>
            <input id="checkin-search" type="search" autocomplete="off"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
        </div>
        <label class="check">
            <input type="checkbox" prop:checked=move || not_ready_only.get()
                on:change=move |ev| not_ready_only.set(event_target_checked(&ev)) />
            "Only racers not ready to queue"
        </label>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        <Loaded of=sheet let:sheet>
            <Sheet sheet search not_ready_only error version />
        </Loaded>
    }
}

#[component]
fn Sheet(
    sheet: CheckinSheet,
    search: RwSignal<String>,
    not_ready_only: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    if sheet.flags.is_empty() && sheet.tracks.is_empty() {
        return view! { <p class="empty">"This event names no check-in steps and has no tracks yet."</p> }.into_any();
    }
    let sheet = StoredValue::new(sheet);
    let shown = move || {
        let wanted = lowercase(search.get().trim());
        sheet.with_value(|s| {
            s.racers
                .iter()
                .filter(|r| {
                    wanted.is_empty()
                        || lowercase(&r.name).contains(&wanted)
                        || lowercase(&r.username).contains(&wanted)
                })
                .filter(|r| {
                    !not_ready_only.get() || !checkin::missing(&s.flags, &r.done).is_empty()
                })
                .take(100)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let done = move |answer: Result<(), AppError>| match answer {
        Ok(()) => {
            error.set(None);
            version.update(|v| *v += 1);
        }
        Err(e) => error.set(Some(e)),
    };
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="checkin" aria-label="Check-in">
                <thead>
                    <tr>
                        <th>"Racer"</th>
                        {sheet.with_value(|s| s.flags.iter().map(|f| view! {
                            <th>{f.label.clone()}{f.required.then_some(" *")}</th>
                        }).collect_view())}
                        <th>"Queue"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || shown().into_iter().map(|row| view! { <Row row sheet done /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">"* needed before joining a queue."</p>
    }
    .into_any()
}

#[component]
fn Row(
    row: CheckinRow,
    sheet: StoredValue<CheckinSheet>,
    done: impl Fn(Result<(), AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (event, flags, tracks) =
        sheet.with_value(|s| (s.event.clone(), s.flags.clone(), s.tracks.clone()));
    let name = row.name.clone();
    let racer = row.racer.clone();
    let ticks = flags
        .into_iter()
        .map(|flag| {
            let is_done = row.done.contains(&flag.label);
            let (event, racer, label) = (event.clone(), racer.clone(), flag.label.clone());
            view! {
                <td>
                    <input type="checkbox" prop:checked=is_done
                        aria-label=format!("{} for {}", flag.label, name)
                        on:change=move |ev| {
                            let (event, racer, label) = (event.clone(), racer.clone(), label.clone());
                            let now = event_target_checked(&ev);
                            leptos::task::spawn_local(async move {
                                done(set_checkin(event, racer, label, now).await.map(|_| ()));
                            });
                        } />
                </td>
            }
        })
        .collect_view();
    let queue_buttons = tracks
        .into_iter()
        .map(|(track, title)| {
            let waiting = row.queued_on.contains(&track);
            let racer = racer.clone();
            let label = format!("Queue on {title}: {}", row.name);
            if waiting {
                view! { <span class="sub">{format!("Waiting on {title}")}</span> }.into_any()
            } else {
                view! {
                    <button type="button" class="button small" aria-label=label
                        on:click=move |_| {
                            let (track, racer) = (track.clone(), racer.clone());
                            leptos::task::spawn_local(async move {
                                done(queue_racer(track, racer, false).await.map(|_| ()));
                            });
                        }>{format!("Queue on {title}")}</button>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <tr>
            <td><span class="name">{row.name.clone()}</span> " " <span class="sub">{format!("@{}", row.username)}</span></td>
            {ticks}
            <td class="queue-cell">{queue_buttons}</td>
        </tr>
    }
}
