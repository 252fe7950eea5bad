//! `/timers`: pair a lap timer (its token is shown once), see which are connected and
//! which track each times, revoke one. Follows `/live/kit`, so a timer that connects
//! shows at once.

use super::api::{list_timers, CreateTimer, RevokeTimer, MAX_NAME};
use crate::components::form::Problem;
use crate::components::live::source::reload_on;
use crate::components::loaded::LoadedList;
use crate::wire::TimerInfo;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TimersPage() -> impl IntoView {
    let create = ServerAction::<CreateTimer>::new();
    let revoke = ServerAction::<RevokeTimer>::new();
    let version = RwSignal::new(0u32);
    reload_on("/live/kit", "kit", version);
    let timers = Resource::new(
        move || {
            (
                create.version().get(),
                revoke.version().get(),
                version.get(),
            )
        },
        |_| list_timers(),
    );
    let name = RwSignal::new(String::new());
    view! {
        <Title text="Lap timers" />
        <h1>"Lap timers"</h1>
        <p class="lead">"A lap timer is a Raspberry Pi with timing strips running "<code>"drem-timer"</code>". Pair it here, then choose it for a track in the race manager."</p>
        <form class="inline-form" aria-label="Pair a timer" on:submit=move |ev| {
            ev.prevent_default();
            create.dispatch(CreateTimer { name: name.get() });
        }>
            <div class="field">
                <label for="timer-name">"Timer name"</label>
                <input id="timer-name" required maxlength=MAX_NAME placeholder="Pi at track 1"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button">"Pair a timer"</button>
        </form>
        {move || match create.value().get() {
            Some(Ok(new)) => Some(view! {
                <section class="token-once" role="status" aria-label="New timer token">
                    <h2>{format!("Token for {}", new.timer.name)}</h2>
                    <p>"Shown only now: put it in the timer's token file ("<code>"/etc/drem-timer/token"</code>")."</p>
                    <pre class="token"><code>{new.token}</code></pre>
                </section>
            }.into_any()),
            Some(Err(e)) => Some(view! { <Problem error=e /> }.into_any()),
            None => None,
        }}
        {move || revoke.value().get().and_then(Result::err).map(|e| view! { <Problem error=e /> })}
        <LoadedList of=timers empty="No timer is paired yet." let:list>
            <div class="table-wrap" tabindex="0">
                <table class="cards" aria-label="Timers">
                    <thead><tr><th>"Timer"</th><th>"Status"</th><th>"Last seen (UTC)"</th><th>"Times"</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|timer| view! { <TimerRow timer revoke /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </LoadedList>
    }
}

#[component]
fn TimerRow(timer: TimerInfo, revoke: ServerAction<RevokeTimer>) -> impl IntoView {
    let id = timer.id.clone();
    let name = timer.name.clone();
    view! {
        <tr>
            <td>{timer.name.clone()}</td>
            <td><ConnectionBadge connected=timer.connected /></td>
            <td>{timer.last_seen.clone().unwrap_or_else(|| "never".into())}</td>
            <td>{if timer.tracks.is_empty() { "no track".to_string() } else { timer.tracks.join(", ") }}</td>
            <td>
                <button type="button" class="button danger small"
                    aria-label=format!("Revoke {name}")
                    on:click=move |_| {
                        if window().confirm_with_message(&format!("Revoke the timer {name}? Its token stops working at once.")).unwrap_or(false) {
                            revoke.dispatch(RevokeTimer { timer: id.clone() });
                        }
                    }>"Revoke"</button>
            </td>
        </tr>
    }
}

/// "connected" or "not connected", in words and colour.
#[component]
pub fn ConnectionBadge(connected: bool) -> impl IntoView {
    let (class, text) = if connected {
        ("badge ok", "connected")
    } else {
        ("badge warn", "not connected")
    };
    view! { <span class=class>{text}</span> }
}
