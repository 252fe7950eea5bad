//! The upload box: drop files or pick them, several at once; each checks its name
//! against the rule before sending, then goes up as one request with its own progress
//! bar and a cancel button. The server checks everything again.

#[cfg(feature = "hydrate")]
use crate::domain::model_name;
use crate::wire::{ModelId, ModelStatus};
use leptos::prelude::*;
use std::collections::HashMap;

/// The status of each of the racer's models now (and why it is invalid), by id: an
/// upload's row follows its model through the check.
pub type ModelStatuses = HashMap<ModelId, (ModelStatus, Option<String>)>;

/// Where one file is on its way up (only the browser moves it on).
#[derive(Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum SendState {
    Sending,
    /// Stored as this model (its check follows).
    Done(Option<ModelId>),
    Failed(String),
    Cancelled,
}

/// One file being sent.
#[derive(Clone)]
struct Sending {
    key: u32,
    name: String,
    size: f64,
    sent: RwSignal<f64>,
    state: RwSignal<SendState>,
    cancel: StoredValue<Option<Request>, LocalStorage>,
}

/// The request carrying a file, to cancel it (nothing to cancel on the server).
#[cfg(feature = "hydrate")]
type Request = leptos::web_sys::XmlHttpRequest;
#[cfg(not(feature = "hydrate"))]
type Request = ();

/// Sends `file` to `/models/upload`, reporting progress into `row`.
#[cfg(feature = "hydrate")]
fn send(file: leptos::web_sys::File, row: &Sending, on_done: Callback<()>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use leptos::web_sys::{ProgressEvent, XmlHttpRequest};

    let fail = |state: RwSignal<SendState>, why: &str| state.set(SendState::Failed(why.into()));
    let Ok(xhr) = XmlHttpRequest::new() else {
        return fail(row.state, "this browser cannot upload");
    };
    if xhr
        .open("POST", &format!("/models/upload?name={}", row.name))
        .is_err()
    {
        return fail(row.state, "this browser cannot upload");
    }
    let sent = row.sent;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        sent.set(ev.loaded());
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let (state, size, request) = (row.state, row.size, xhr.clone());
    let on_load = Closure::<dyn FnMut()>::new(move || {
        if request.status().unwrap_or(0) == 201 {
            sent.set(size);
            let stored = request
                .response_text()
                .ok()
                .flatten()
                .and_then(|json| serde_json::from_str::<crate::wire::ModelSummary>(&json).ok());
            state.set(SendState::Done(stored.map(|m| m.id)));
            // The page may be gone meanwhile; then there is nothing to refresh.
            let _ = on_done.try_run(());
        } else {
            let text = request.response_text().ok().flatten().unwrap_or_default();
            state.set(SendState::Failed(if text.is_empty() {
                "the server refused the upload".into()
            } else {
                text
            }));
        }
    });
    let on_error = Closure::<dyn FnMut()>::new(move || {
        state.set(SendState::Failed("the connection failed; try again".into()))
    });
    let on_abort = Closure::<dyn FnMut()>::new(move || state.set(SendState::Cancelled));
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    // They live as long as the request, which ends by itself; a few per upload.
    on_progress.forget();
    on_load.forget();
    on_error.forget();
    on_abort.forget();
    if xhr.send_with_opt_blob(Some(&file)).is_err() {
        return fail(row.state, "the file could not be sent");
    }
    row.cancel.set_value(Some(xhr));
}

/// Drop zone, file picker and one progress row per file; `on_done` after each upload.
/// Each row then follows its model's status in `statuses`.
#[component]
pub fn ModelUploader(on_done: Callback<()>, statuses: Signal<ModelStatuses>) -> impl IntoView {
    let rows: RwSignal<Vec<Sending>> = RwSignal::new(Vec::new());
    let next_key = StoredValue::new(0u32);
    let dragging = RwSignal::new(false);
    // Each file gets a row; a name the rule refuses is never sent.
    #[cfg(feature = "hydrate")]
    let start = move |files: Option<leptos::web_sys::FileList>| {
        let Some(files) = files else { return };
        for index in 0..files.length() {
            let Some(file) = files.item(index) else {
                continue;
            };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let row = Sending {
                key,
                name: file.name(),
                size: file.size(),
                sent: RwSignal::new(0.0),
                state: RwSignal::new(SendState::Sending),
                cancel: StoredValue::new_local(None),
            };
            rows.update(|r| r.insert(0, row.clone()));
            match model_name::check(&row.name) {
                Err(reason) => row.state.set(SendState::Failed(reason)),
                Ok(()) => send(file, &row, on_done),
            }
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input = event_target::<leptos::web_sys::HtmlInputElement>(&ev);
            start(input.files());
            // The same file again must fire another change.
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, next_key, on_done);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        start(ev.data_transfer().and_then(|d| d.files()));
    };
    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p>"Drop your model archives (" <code>"name.tar.gz"</code> ") here, or"</p>
            <label class="button primary">
                "Choose files"
                <input type="file" multiple accept=".gz,application/gzip" class="visually-hidden" on:change=on_pick />
            </label>
            <p class="hint">"Names may use letters, digits, - and _, and end in .tar.gz."</p>
        </div>
        <ul class="uploads" aria-label="Uploads">
            <For each=move || rows.get() key=|r| r.key let:row>
                <UploadRow row statuses />
            </For>
        </ul>
    }
}

#[component]
fn UploadRow(row: Sending, statuses: Signal<ModelStatuses>) -> impl IntoView {
    let Sending {
        name,
        size,
        sent,
        state,
        cancel,
        ..
    } = row;
    let percent = move || {
        if size > 0.0 {
            (sent.get() / size * 100.0).round().min(100.0)
        } else {
            100.0
        }
    };
    // After the upload: the model's own status, as the check moves it on.
    let checked = move || match state.get() {
        SendState::Done(Some(id)) => statuses.with(|s| s.get(&id).cloned()),
        _ => None,
    };
    let status = move || match (state.get(), checked()) {
        (SendState::Sending, _) => format!("{}%", percent()),
        (SendState::Done(_), Some((ModelStatus::Invalid, reason))) => {
            format!(
                "invalid: {}",
                reason.unwrap_or_else(|| "the check refused it".into())
            )
        }
        (SendState::Done(_), Some((ModelStatus::Available, _))) => "uploaded and available".into(),
        (SendState::Done(_), Some((ModelStatus::Checking, _))) => "uploaded, checking…".into(),
        (SendState::Done(_), _) => "uploaded, waiting for its check".into(),
        (SendState::Failed(why), _) => format!("not uploaded: {why}"),
        (SendState::Cancelled, _) => "cancelled".to_string(),
    };
    let failed = move || {
        matches!(state.get(), SendState::Failed(_))
            || matches!(checked(), Some((ModelStatus::Invalid, _)))
    };
    let label = format!("Upload of {name}");
    view! {
        <li class="upload" class:failed=failed>
            <span class="upload-name">{name.clone()}</span>
            <progress max=size.max(1.0) value=move || sent.get() aria-label=label></progress>
            <span class="upload-status" role="status">{status}</span>
            {move || (state.get() == SendState::Sending).then(|| view! {
                <button type="button" class="button small" on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                cancel.with_value(|x| if let Some(x) = x { let _ = x.abort(); });
                #[cfg(not(feature = "hydrate"))]
                let _ = cancel;
                }>"Cancel"</button>
            })}
        </li>
    }
}
