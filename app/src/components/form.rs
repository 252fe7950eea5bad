//! Form pieces: labelled fields, per-field and whole-form errors, the country picker,
//! and the message a page shows when it cannot be used.

use crate::domain::countries;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The error of an action's last result (`action.value()`), if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(Result::err))
}

/// A labelled input with its hint and its own error message under it.
#[component]
pub fn TextField(
    /// The visible label (tests find fields by it).
    label: &'static str,
    /// The form field name, also the element id.
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] pattern: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                required=required
                value=value
                minlength=minlength
                maxlength=maxlength
                pattern=pattern
                aria-describedby=(!hint.is_empty()).then_some(hint_id.clone())
                aria-invalid=move || {
                    error.get().is_some_and(|e| e.field() == Some(name)).then_some("true")
                }
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <FieldMessage field=name error />
        </div>
    }
}

/// The error message for one field, when the last attempt failed on it.
#[component]
pub fn FieldMessage(
    field: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.field() == Some(field))
            .map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })
    }
}

/// The error message for the whole form (anything not tied to one field).
#[component]
pub fn FormMessage(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

/// A labelled select of every ISO 3166 country.
#[component]
pub fn CountrySelect(
    #[prop(into, optional)] selected: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let selected = selected.unwrap_or_default();
    let options = countries::all()
        .into_iter()
        .map(|c| {
            let is_selected = c.code == selected;
            view! { <option value=c.code selected=is_selected>{c.name}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="country">"Country"</label>
            <select id="country" name="country" required=true>
                <option value="" disabled=true selected=selected.is_empty()>
                    "Choose a country"
                </option>
                {options}
            </select>
            <FieldMessage field="country" error />
        </div>
    }
}

/// A password field: the account's current password, or (`new`) a new one, with the
/// rule it must meet as its hint and the browser's own length check.
#[component]
pub fn PasswordField(
    label: &'static str,
    #[prop(default = "password")] name: &'static str,
    #[prop(optional)] new: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let (autocomplete, hint, minlength) = if new {
        (
            "new-password",
            "At least 10 characters. A few random words work well.",
            crate::domain::account::PASSWORD_MIN as u32,
        )
    } else {
        // Whatever rule held when it was set: the server judges it.
        ("current-password", "", 0)
    };
    view! {
        <TextField label name kind="password" autocomplete hint minlength required=true error />
    }
}

/// On the server: the page's HTTP status becomes the error's (takes effect where the
/// page is rendered before its head goes out: the public pages).
pub fn answer_with_status_of(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

/// A page-wide notice in place of the page: what happened and where to go from here.
#[component]
pub fn Notice(
    title: &'static str,
    #[prop(into)] text: String,
    /// Where to go (the sign-in page's link depends on the page it is on).
    #[prop(into)]
    href: Signal<String>,
    link: &'static str,
    /// Refused for the caller's role (shown as such).
    #[prop(optional)]
    denied: bool,
) -> impl IntoView {
    view! {
        <section class="notice" class:denied=denied role="alert">
            <h1>{title}</h1>
            <p>{text}</p>
            <A href=move || href.get() attr:class="button">{link}</A>
        </section>
    }
}

/// What a page shows instead of its content when loading it failed. On the server it
/// also sets the page's HTTP status (404 for an unknown event, 403, 401), where the
/// page is rendered before its head goes out (the public pages).
#[component]
pub fn Problem(error: AppError) -> impl IntoView {
    answer_with_status_of(&error);
    match error {
        AppError::Unauthenticated => view! {
            <Title text="Please sign in" />
            <Notice title="Please sign in" text="This page is for signed-in users."
                href=crate::auth::next::sign_in_here() link="Sign in" />
        }
        .into_any(),
        AppError::Forbidden => view! {
            <Title text="Not allowed" />
            <Notice title="Not allowed" denied=true
                text="Your role does not allow this page. If you need it, ask an event admin to grant you the role."
                href="/".to_string() link="Back to the start page" />
        }
        .into_any(),
        AppError::NotFound(what) => view! {
            <Title text="Not found" />
            <Notice title="Not found"
                text=format!("{what} was not found. It may have been deleted, or the link is mistyped.")
                href="/".to_string() link="Back to the start page" />
        }
        .into_any(),
        // Expected refusals say what happened in their own words.
        expected @ (AppError::Conflict(_)
        | AppError::Invalid { .. }
        | AppError::Device(_)
        | AppError::TooManyAttempts(_)
        | AppError::TooLarge(_)) => view! {
            <p class="form-error" role="alert">{expected.to_string()}</p>
        }
        .into_any(),
        other => view! {
            <section class="notice" role="alert">
                <h1>"Something went wrong"</h1>
                <p>{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}
