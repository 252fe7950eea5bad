//! Events list and the event editor with its tracks and race rules.

use super::api::*;
use super::tracks::TracksEditor;
use crate::components::copy_link::CopyLink;
use crate::components::filter::FilterSelect;
use crate::components::form::{FieldMessage, FormMessage, Problem};
use crate::components::loaded::{Loaded, LoadedList};
use crate::components::rules::RulesFields;
use crate::domain::rules::RaceRules;
use crate::domain::{checkin, countries};
use crate::error::AppError;
use crate::wire::{Event, EventId, EventInput, EventKind, LandingLink, Track};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn EventsPage() -> impl IntoView {
    let kind = RwSignal::new(String::new());
    let events = Resource::new(move || kind.get(), |k| list_events(EventKind::parse(&k)));
    let kinds = EventKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    view! {
        <Title text="Events" />
        <div class="page-head">
            <h1>"Events"</h1>
            <A href="/events/new" attr:class="button primary">"New event"</A>
        </div>
        <div class="field search">
            <FilterSelect id="kind-filter" label="Show" all="All kinds" options=kinds chosen=kind />
        </div>
        <LoadedList of=events empty="No events yet. Create one to set up tracks and race rules." let:list>
            <div class="tiles">
                {list.into_iter().map(|e| view! { <EventTile event=e /> }).collect_view()}
            </div>
        </LoadedList>
    }
}

#[component]
fn EventTile(event: Event) -> impl IntoView {
    let tracks = match event.tracks.len() {
        1 => "1 track".to_string(),
        n => format!("{n} tracks"),
    };
    view! {
        <A href=format!("/events/{}", event.id.0) attr:class="tile">
            <h2>{event.about.name.clone()}</h2>
            <p>{event.about.kind.label()} " · " {event.about.date.clone()} " · " {countries::name(&event.about.country).to_string()}</p>
            <p>{tracks} " · " {event.about.rules.ranking.describe()}</p>
        </A>
    }
}

/// `/events/new` and `/events/:id`.
#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").filter(|id| id != "new");
    let event = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_event(EventId(id)).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Loaded of=event let:event>
            {match event {
                Some(event) => {
                    let tracks = RwSignal::new(event.tracks.clone());
                    view! {
                        <Title text=event.about.name.clone() />
                        <h1>{event.about.name.clone()}</h1>
                        <PublicLinks event=event.clone() tracks />
                        <div class="columns wide-first">
                            <EventForm event=Some(event.clone()) />
                            <TracksEditor event tracks />
                        </div>
                    }
                    .into_any()
                }
                None => view! {
                    <Title text="New event" />
                    <h1>"New event"</h1>
                    <EventForm event=None />
                }
                .into_any(),
            }}
        </Loaded>
    }
}

fn input_of(event: &Option<Event>) -> EventInput {
    match event {
        Some(e) => e.about.clone(),
        None => EventInput {
            name: String::new(),
            kind: EventKind::PrivateTrackRace,
            date: String::new(),
            country: String::new(),
            sponsor: String::new(),
            links: Vec::new(),
            rules: RaceRules::default(),
            checkin: checkin::default_flags(),
        },
    }
}

#[component]
fn EventForm(event: Option<Event>) -> impl IntoView {
    let id = event.as_ref().map(|e| e.id.clone());
    let start = input_of(&event);
    let name = RwSignal::new(start.name);
    let kind = RwSignal::new(start.kind);
    let date = RwSignal::new(start.date);
    let country = RwSignal::new(start.country);
    let sponsor = RwSignal::new(start.sponsor);
    let links = RwSignal::new(start.links);
    let rules = RwSignal::new(start.rules);
    let checkin_text = RwSignal::new(checkin::flags_text(&start.checkin));
    let checkin_error = RwSignal::new(None::<String>);
    let create = ServerAction::<CreateEvent>::new();
    let update = ServerAction::<UpdateEvent>::new();
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| update.value().get().and_then(Result::err))
    });
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(event)) = create.value().get() {
            navigate(&format!("/events/{}", event.id.0), Default::default());
        }
    });
    let is_new = id.is_none();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checkin = match checkin::parse_flags(&checkin_text.get()) {
            Ok(flags) => {
                checkin_error.set(None);
                flags
            }
            Err(e) => {
                checkin_error.set(Some(e.reason));
                return;
            }
        };
        let input = EventInput {
            name: name.get(),
            kind: kind.get(),
            date: date.get(),
            country: country.get(),
            sponsor: sponsor.get(),
            links: links.get(),
            rules: rules.get(),
            checkin,
        };
        match id.clone() {
            Some(id) => {
                update.dispatch(UpdateEvent { id, input });
            }
            None => {
                create.dispatch(CreateEvent { input });
            }
        }
    };
    let kinds = EventKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{k.label()}</option> })
        .collect_view();
    let country_options = countries::all()
        .into_iter()
        .map(|c| view! { <option value=c.code selected=move || country.get() == c.code>{c.name}</option> })
        .collect_view();
    view! {
        <form class="card" on:submit=submit aria-label="Event">
            <h2>"Event"</h2>
            <div class="field">
                <label for="event-name">"Event name"</label>
                <input id="event-name" required=true maxlength="80" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <FieldMessage field="name" error />
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="event-kind">"Type"</label>
                    <select id="event-kind" on:change=move |ev| {
                        if let Some(k) = EventKind::parse(&event_target_value(&ev)) { kind.set(k) }
                    }>{kinds}</select>
                </div>
                <div class="field">
                    <label for="event-date">"Date"</label>
                    <input id="event-date" type="date" required=true prop:value=move || date.get()
                        on:input=move |ev| date.set(event_target_value(&ev)) />
                    <FieldMessage field="date" error />
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="event-country">"Country"</label>
                    <select id="event-country" required=true on:change=move |ev| country.set(event_target_value(&ev))>
                        <option value="" selected=move || country.get().is_empty()>"Choose a country"</option>
                        {country_options}
                    </select>
                    <FieldMessage field="country" error />
                </div>
                <div class="field">
                    <label for="event-sponsor">"Sponsor (optional)"</label>
                    <input id="event-sponsor" maxlength="80" prop:value=move || sponsor.get()
                        on:input=move |ev| sponsor.set(event_target_value(&ev)) />
                </div>
            </div>
            <fieldset class="field">
                <legend>"Race rules"</legend>
                <p class="hint">"Every track uses these unless it has its own. A race in progress keeps the rules it started with."</p>
                <RulesFields rules prefix="event" />
                <FieldMessage field="ranking" error />
                <FieldMessage field="race_time" error />
            </fieldset>
            <div class="field">
                <label for="event-checkin">"Check-in steps"</label>
                <p class="hint" id="event-checkin-hint">"One per line, as the desk ticks them. End a line with * when a racer needs it before joining a queue (an operator can still queue them, and that is recorded)."</p>
                <textarea id="event-checkin" rows="3" aria-describedby="event-checkin-hint"
                    prop:value=move || checkin_text.get()
                    on:input=move |ev| checkin_text.set(event_target_value(&ev))></textarea>
                {move || checkin_error.get().map(|reason| view! { <p class="field-error" role="alert">{reason}</p> })}
                <FieldMessage field="checkin" error />
            </div>
            <LinksEditor links error />
            <FormMessage error />
            <button type="submit" class="button primary">{if is_new { "Create event" } else { "Save event" }}</button>
            <Show when=saved><p class="ok" role="status">"Saved."</p></Show>
        </form>
    }
}

#[component]
fn LinksEditor(
    links: RwSignal<Vec<LandingLink>>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let set = move |i: usize, f: fn(&mut LandingLink, String), value: String| {
        links.update(|l| {
            if let Some(link) = l.get_mut(i) {
                f(link, value)
            }
        })
    };
    view! {
        <fieldset class="field">
            <legend>"Landing-page links"</legend>
            <p class="hint">"Shown on the event's landing page, next to \"follow the race live\"."</p>
            {move || {
                links
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, link)| view! {
                        <div class="link-row">
                            <input aria-label=format!("Link {} name", i + 1) placeholder="Name" value=link.name
                                on:input=move |ev| set(i, |l, v| l.name = v, event_target_value(&ev)) />
                            <input aria-label=format!("Link {} address", i + 1) placeholder="https://…" type="url" value=link.url
                                on:input=move |ev| set(i, |l, v| l.url = v, event_target_value(&ev)) />
                            <input aria-label=format!("Link {} description", i + 1) placeholder="Description (optional)" value=link.description
                                on:input=move |ev| set(i, |l, v| l.description = v, event_target_value(&ev)) />
                            <button type="button" class="button small" aria-label=format!("Remove link {}", i + 1)
                                on:click=move |_| links.update(|l| { l.remove(i); })>"Remove"</button>
                            <FieldMessage field=leak_field(i) error />
                        </div>
                    })
                    .collect_view()
            }}
            <button type="button" class="button small" on:click=move |_| links.update(|l| l.push(LandingLink {
                name: String::new(), description: String::new(), url: String::new(),
            }))>"Add link"</button>
        </fieldset>
    }
}

/// Field names of link rows ("links.0" …) as the `&'static str` the messages match on.
fn leak_field(index: usize) -> &'static str {
    const NAMES: [&str; 20] = [
        "links.0", "links.1", "links.2", "links.3", "links.4", "links.5", "links.6", "links.7",
        "links.8", "links.9", "links.10", "links.11", "links.12", "links.13", "links.14",
        "links.15", "links.16", "links.17", "links.18", "links.19",
    ];
    NAMES.get(index).copied().unwrap_or("links")
}

/// The event's public pages as full addresses to hand on, each with a Copy button:
/// the landing page (for phones), the leaderboard and the OBS overlay, for all tracks
/// and for each track. Loaded in the browser only (the address is the server's).
#[component]
fn PublicLinks(event: Event, tracks: RwSignal<Vec<Track>>) -> impl IntoView {
    let base = LocalResource::new(get_public_url);
    let event = event.id;
    let links = move |base: String| {
        let tracks = tracks.get();
        let page = |path: &str, track: Option<&crate::wire::TrackId>| match track {
            Some(t) => format!("{base}/events/{}/{path}?track={}", event.0, t.0),
            None => format!("{base}/events/{}/{path}", event.0),
        };
        let several = tracks.len() > 1;
        let mut list = vec![
            (
                "Landing page (phones, the QR code)".to_string(),
                page("landing", None),
            ),
            (
                if several {
                    "Leaderboard, all tracks"
                } else {
                    "Leaderboard"
                }
                .to_string(),
                page("leaderboard", None),
            ),
        ];
        for t in tracks.iter().filter(|_| several) {
            list.push((
                format!("Leaderboard, {}", t.title),
                page("leaderboard", Some(&t.id)),
            ));
        }
        if several {
            list.push((
                "OBS overlay, every track".to_string(),
                page("overlay", None),
            ));
        }
        for t in &tracks {
            let label = if several {
                format!("OBS overlay, {}", t.title)
            } else {
                "OBS overlay".to_string()
            };
            list.push((label, page("overlay", Some(&t.id))));
        }
        list.into_iter()
            .map(|(label, url)| view! { <CopyLink label url /> })
            .collect_view()
    };
    view! {
        <details class="card public-links" open=true>
            <summary>"Public pages"</summary>
            <p class="hint">"For OBS: a Browser source, width 1920, height 1080."</p>
            {move || base.get().map(|b| match b {
                Ok(base) => links(base).into_any(),
                Err(e) => view! { <Problem error=e /> }.into_any(),
            })}
        </details>
    }
}
