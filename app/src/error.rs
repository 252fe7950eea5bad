//! `AppError`: the one error type every server function returns. Its messages are
//! written for people; internal causes are logged on the server and never sent.

use crate::domain::account::FieldError;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What went wrong, as the page should tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 401: the caller must sign in first.
    #[error("Please sign in.")]
    Unauthenticated,
    /// 403: signed in, but the role does not allow this.
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// 404: the named thing does not exist (or is not the caller's to see).
    #[error("{0} was not found.")]
    NotFound(String),
    /// 422: one form field breaks a rule.
    #[error("{reason}")]
    Invalid { field: String, reason: String },
    /// 409: the request conflicts with what is stored (a taken username, the last admin).
    #[error("{0}")]
    Conflict(String),
    /// 413: an upload is larger than drem accepts; the message says the limit.
    #[error("{0}")]
    TooLarge(String),
    /// 429: too many attempts; the message says when to try again.
    #[error("{0}")]
    TooManyAttempts(String),
    /// 502: a device drem talks to (a car's console) failed; the message says how.
    #[error("{0}")]
    Device(String),
    /// 500: something broke on the server; the cause is in the server log.
    #[error(
        "Something went wrong on the server. Try again; if it persists, check the server log."
    )]
    Internal,
    /// The request never reached the function, or its answer could not be read.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    /// An invalid field with a message.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Invalid { .. } => 422,
            AppError::TooLarge(_) => 413,
            AppError::TooManyAttempts(_) => 429,
            AppError::Internal => 500,
            AppError::Device(_) => 502,
            AppError::Transport(_) => 400,
        }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid {
            field: e.field,
            reason: e.reason,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Transport(
                "The server did not answer. Check your connection and try again.".into(),
            ),
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => {
                AppError::Transport(format!("The form was incomplete: {e}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }

    /// On the server, also answers the call with this error's own status (401, 403,
    /// 422, …), so clients and tests can tell errors apart; a plain form post (which
    /// accepts HTML) keeps Leptos' redirect back to the page.
    fn ser(&self) -> server_fn::Bytes {
        #[cfg(feature = "ssr")]
        respond_with_status(self.status());
        // An enum of strings always serializes; `Internal` is the answer if it ever does not.
        <JsonEncoding as server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| server_fn::Bytes::from_static(br#""Internal""#))
    }
}

/// Sets the status of the server function's answer; Leptos applies it after the call.
#[cfg(feature = "ssr")]
fn respond_with_status(status: u16) {
    use leptos::prelude::use_context;
    // Leptos redirects a call that accepts HTML and names its page back to that page.
    let redirected = use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            let headers = &parts.headers;
            let accept = headers.get(axum::http::header::ACCEPT)?.to_str().ok()?;
            Some(accept.contains("text/html") && headers.contains_key(axum::http::header::REFERER))
        })
        .unwrap_or(false);
    if redirected {
        return;
    }
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        options.set_status(status);
    }
}

/// Routes outside server functions (streams, downloads, uploads) answer an error as
/// plain text with its own status.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}
