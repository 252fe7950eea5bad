//! What `model_metadata.json` states about a model: its sensors, action space and
//! training algorithm, in the words the model pages show.

use crate::{ModelFacts, Problem};

/// A number as the metadata has it (some exports quote them).
fn number(v: &serde_json::Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn range(low: f64, high: f64, unit: &str) -> String {
    if (low - high).abs() < f64::EPSILON {
        format!("{low}{unit}")
    } else {
        format!("{low}…{high}{unit}")
    }
}

/// The facts `model_metadata.json` states. Older exports omit the type (discrete) and
/// the algorithm (clipped PPO); the action space is required.
pub(crate) fn parse(bytes: &[u8]) -> Result<ModelFacts, Problem> {
    let bad = |why: &str| Problem::BadMetadata(why.to_string());
    let doc: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| bad("it is not valid JSON"))?;
    let doc = doc
        .as_object()
        .ok_or_else(|| bad("it is not a JSON object"))?;
    let sensors = match doc.get("sensor") {
        None => Vec::new(),
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("a sensor is not a name"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("sensor is not a list")),
    };
    let text = |key: &str, default: &str| match doc.get(key) {
        None => Ok(default.to_string()),
        Some(v) => v
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| bad(&format!("{key} is not text"))),
    };
    let action_space_type = text("action_space_type", "discrete")?;
    let training_algorithm = text("training_algorithm", "clipped_ppo")?;
    let space = doc
        .get("action_space")
        .ok_or_else(|| bad("it has no action_space"))?;
    let action_space = match (action_space_type.as_str(), space) {
        ("discrete", serde_json::Value::Array(actions)) => {
            let mut steering = Vec::new();
            let mut speed = Vec::new();
            for action in actions {
                steering.push(
                    action
                        .get("steering_angle")
                        .and_then(number)
                        .ok_or_else(|| bad("an action has no steering_angle"))?,
                );
                speed.push(
                    action
                        .get("speed")
                        .and_then(number)
                        .ok_or_else(|| bad("an action has no speed"))?,
                );
            }
            if actions.is_empty() {
                return Err(bad("the action space is empty"));
            }
            let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!(
                "{} actions: steering {}, speed {}",
                actions.len(),
                range(min(&steering), max(&steering), "°"),
                range(min(&speed), max(&speed), " m/s")
            )
        }
        ("continuous", serde_json::Value::Object(space)) => {
            let bounds = |key: &str, unit: &str| {
                let b = space
                    .get(key)
                    .ok_or_else(|| bad(&format!("the action space has no {key}")))?;
                let low = b.get("low").and_then(number);
                let high = b.get("high").and_then(number);
                low.zip(high)
                    .map(|(l, h)| range(l, h, unit))
                    .ok_or_else(|| bad(&format!("{key} needs low and high")))
            };
            format!(
                "continuous: steering {}, speed {}",
                bounds("steering_angle", "°")?,
                bounds("speed", " m/s")?
            )
        }
        ("discrete" | "continuous", _) => {
            return Err(bad("the action space does not match its type"))
        }
        (other, _) => return Err(bad(&format!("unknown action_space_type {other:?}"))),
    };
    Ok(ModelFacts {
        sensors,
        action_space_type,
        action_space,
        training_algorithm,
        model_md5: String::new(),
        metadata_md5: String::new(),
        openvino_files: Vec::new(),
    })
}
