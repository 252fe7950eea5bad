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
}
