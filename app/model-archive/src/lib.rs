//! The model archive checker (domain.md §6). A model is the `.tar.gz` the DeepRacer
//! console exports: `model_metadata.json` and `agent/model.pb`, sometimes OpenVINO files.
//! `check` reads the archive once, as a stream, and never writes a byte anywhere: it
//! hashes the two files, parses the metadata, and refuses what no model contains
//! (absolute or `..` paths, links, device files) and what would hurt a server (too many
//! entries, too much unpacked data, a compression ratio only a bomb has, a cut-off or
//! damaged stream). Its own crate, so the fuzz target builds it without the server.
//!
//! `ModelFacts` alone (feature `check` off) is what the browser needs: the facts shown
//! on the models pages, without the archive reader.

use serde::{Deserialize, Serialize};

/// What a valid archive tells about its model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFacts {
    /// The car's sensors, e.g. `FRONT_FACING_CAMERA`.
    pub sensors: Vec<String>,
    /// `discrete` or `continuous`.
    pub action_space_type: String,
    /// The action space in a line, e.g. "10 actions: steering −30…30°, speed 0.5…1 m/s".
    pub action_space: String,
    /// e.g. `clipped_ppo`, `sac`.
    pub training_algorithm: String,
    pub model_md5: String,
    pub metadata_md5: String,
    /// The OpenVINO files present (`agent/model.xml`, `.bin`, `.mapping`).
    pub openvino_files: Vec<String>,
}

#[cfg(feature = "check")]
mod check;
#[cfg(feature = "check")]
pub use check::{check, Limits, Problem};
#[cfg(feature = "check")]
pub mod samples;
