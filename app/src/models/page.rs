//! `/models`: a racer's own models. Upload (several at once, with progress), see each
//! one checked (the list follows while checks run), download, delete.

use super::api::{list_my_models, DeleteModel};
use super::upload::ModelUploader;
use crate::components::form::Problem;
use crate::components::loaded::LoadedList;
use crate::wire::{ModelStatus, ModelSummary};
use leptos::prelude::*;
use leptos_meta::Title;

/// Loads the list again whenever the models change (`all`: every racer's, for
/// operators), following `/live/models` while the page is open.
pub fn follow_models(all: bool, version: RwSignal<u32>) {
    let url = if all {
        "/live/models?all=1"
    } else {
        "/live/models"
    };
    crate::components::live::source::reload_on(url, "models", version);
}

/// Megabytes with one decimal.
pub fn size_text(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// A model's status as a badge, with the reason when it is invalid.
#[component]
pub fn StatusBadge(status: ModelStatus, reason: Option<String>) -> impl IntoView {
    let label = match status {
        ModelStatus::Uploaded => "Uploaded",
        ModelStatus::Checking => "Checking…",
        ModelStatus::Available => "Available",
        ModelStatus::Invalid => "Invalid",
    };
    view! {
        <span class=format!("model-status {}", status.as_str())>{label}</span>
        {reason.map(|r| view! { <span class="model-reason">{r}</span> })}
    }
}

/// The check's findings in a cell: sensors, action space, algorithm, md5.
#[component]
pub fn ModelFacts(model: ModelSummary) -> impl IntoView {
    model.info.map(|info| {
        view! {
            <dl class="model-facts">
                <dt>"Sensors"</dt><dd>{info.sensors.join(", ")}</dd>
                <dt>"Action space"</dt><dd>{info.action_space}</dd>
                <dt>"Algorithm"</dt><dd>{info.training_algorithm}</dd>
                <dt>"MD5"</dt><dd class="md5" title="md5 of agent/model.pb">{info.model_md5}</dd>
                {(!info.openvino_files.is_empty()).then(|| view! {
                    <dt>"OpenVINO"</dt><dd>{info.openvino_files.join(", ")}</dd>
                })}
            </dl>
        }
    })
}

/// One model in a table: (its owner,) name, size and upload time, status, findings,
/// download (once available) and delete.
#[component]
pub fn ModelRow(
    model: ModelSummary,
    delete: ServerAction<DeleteModel>,
    show_owner: bool,
) -> impl IntoView {
    let id = model.id.clone();
    let download = format!("/models/{}/download", model.id.0);
    let available = model.status == ModelStatus::Available;
    let label = if show_owner {
        format!("Delete {} of {}", model.name, model.owner_name)
    } else {
        format!("Delete {}", model.name)
    };
    view! {
        <tr>
            {show_owner.then(|| view! { <td>{model.owner_name.clone()}</td> })}
            <td>
                <strong>{model.name.clone()}</strong>
                <span class="sub">{size_text(model.size_bytes)} " · " {model.uploaded_at.clone()} " UTC"</span>
            </td>
            <td><StatusBadge status=model.status reason=model.reason.clone() /></td>
            <td><ModelFacts model=model.clone() /></td>
            <td class="actions">
                {available.then(|| view! { <a href=download.clone() download=model.name.clone()>"Download"</a> })}
                <button type="button" class="button small danger" aria-label=label
                    on:click=move |_| { delete.dispatch(DeleteModel { id: id.clone() }); }>
                    "Delete"
                </button>
            </td>
        </tr>
    }
}

#[component]
pub fn MyModelsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let delete = ServerAction::<DeleteModel>::new();
    let models = Resource::new(
        move || (version.get(), delete.version().get()),
        |_| list_my_models(),
    );
    // Uploads and checks, from this page or another, arrive on the live stream.
    follow_models(false, version);
    let on_done = Callback::new(move |_| version.update(|v| *v += 1));
    let statuses = Signal::derive(move || {
        models
            .get()
            .and_then(Result::ok)
            .map(|list| {
                list.into_iter()
                    .map(|m| (m.id, (m.status, m.reason)))
                    .collect()
            })
            .unwrap_or_default()
    });
    view! {
        <Title text="My models" />
        <h1>"My models"</h1>
        <p class="lead">"Upload the model archives you exported from the DeepRacer console. drem checks each one; the race staff load an available model onto your car."</p>
        <ModelUploader on_done statuses />
        {move || delete.value().get().and_then(Result::err).map(|e| view! { <Problem error=e /> })}
        <LoadedList of=models empty="No models yet." let:list>
            <div class="table-wrap" tabindex="0">
                <table class="models" aria-label="My models">
                    <thead><tr><th>"Model"</th><th>"Status"</th><th>"Details"</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|model| view! { <ModelRow model delete show_owner=false /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </LoadedList>
    }
}
