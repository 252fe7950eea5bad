//! Uploaded models as their owner and the operators see them.

use super::UserId;
use serde::{Deserialize, Serialize};

/// A model's id (the record's, not its file name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ModelId(pub String);

/// Where a model is on its way from upload to use (domain.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    /// Stored, waiting for its check.
    Uploaded,
    Checking,
    /// Checked: may be sent to a car.
    Available,
    /// Refused, with a reason; its bytes are deleted.
    Invalid,
}

impl ModelStatus {
    pub const ALL: [ModelStatus; 4] = [
        ModelStatus::Uploaded,
        ModelStatus::Checking,
        ModelStatus::Available,
        ModelStatus::Invalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Uploaded => "uploaded",
            ModelStatus::Checking => "checking",
            ModelStatus::Available => "available",
            ModelStatus::Invalid => "invalid",
        }
    }

    /// Whether the check is still to come or running.
    pub fn pending(self) -> bool {
        matches!(self, ModelStatus::Uploaded | ModelStatus::Checking)
    }
}

/// What the check found in a valid archive.
pub use model_archive::ModelFacts as ModelInfo;

/// One uploaded model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub id: ModelId,
    pub owner: UserId,
    pub owner_name: String,
    /// The file name, e.g. `fast-lap_v2.tar.gz`.
    pub name: String,
    pub status: ModelStatus,
    /// Why it is invalid, for the racer.
    pub reason: Option<String>,
    pub size_bytes: u64,
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub uploaded_at: String,
    pub info: Option<ModelInfo>,
}
