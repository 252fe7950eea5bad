//! CSV exports of an event (domain.md §4): every lap, and the racer summary. Written
//! with the csv crate; every text cell passes `safe_cell` against formula injection.

use super::standings::{results_of, EventRaces};
use crate::domain::export::safe_cell;
use crate::error::AppError;
use crate::wire::{Event, RaceSummary};
use std::collections::HashMap;

fn write(rows: Vec<Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row.iter().map(|c| safe_cell(c)))
            .map_err(|e| {
                tracing::error!(error = %e, "CSV writing failed");
                AppError::Internal
            })?;
    }
    out.into_inner().map_err(|e| {
        tracing::error!(error = %e, "CSV writing failed");
        AppError::Internal
    })
}

fn titles(event: &Event) -> HashMap<&str, &str> {
    event
        .tracks
        .iter()
        .map(|t| (t.id.0.as_str(), t.title.as_str()))
        .collect()
}

/// One row per lap of every submitted race.
pub fn laps_csv(event: &Event, races: &[RaceSummary]) -> Result<Vec<u8>, AppError> {
    let titles = titles(event);
    let mut rows = vec![[
        "race id",
        "racer",
        "track",
        "car",
        "by proxy",
        "date",
        "lap",
        "time ms",
        "time s",
        "resets",
        "valid",
        "penalty ms",
        "race penalty ms",
    ]
    .map(String::from)
    .to_vec()];
    for race in races {
        for (index, lap) in race.race.laps.iter().enumerate() {
            rows.push(vec![
                race.id.0.clone(),
                race.racer_name.clone(),
                titles.get(race.track.0.as_str()).unwrap_or(&"").to_string(),
                race.car.clone().unwrap_or_default(),
                race.by_proxy.to_string(),
                race.submitted_at.clone(),
                (index + 1).to_string(),
                lap.time_ms.to_string(),
                format!("{:.3}", lap.time_ms as f64 / 1000.0),
                lap.resets.to_string(),
                lap.valid.to_string(),
                lap.penalty_ms.to_string(),
                race.race.penalty_ms.to_string(),
            ]);
        }
    }
    write(rows)
}

/// One row per racer and board (each track's, and the combined one of several
/// tracks), in board order: the position and the ranked figure as the board shows
/// them, then the racer's statistics on that track.
pub fn summary_csv(event: &Event, races: &[RaceSummary]) -> Result<Vec<u8>, AppError> {
    let races = EventRaces {
        races: races.to_vec(),
        looks: Default::default(),
    };
    let results = results_of(event, &races, None, false);
    let ms = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut rows = vec![[
        "position",
        "racer",
        "username",
        "board",
        "ranked by",
        "result ms",
        "races",
        "laps",
        "valid",
        "invalid",
        "fastest ms",
        "mean of valid laps ms",
        "resets",
        "completion %",
    ]
    .map(String::from)
    .to_vec()];
    let boards = results
        .tracks
        .into_iter()
        .map(|(track, board)| (event.rules_for(&track.id).ranking, track.title, board))
        .chain(
            results
                .combined
                .map(|board| (results.ranking, "All tracks".to_string(), board)),
        );
    for (ranking, title, board) in boards {
        for row in board {
            let (standing, s) = (&row.standing, &row.standing.stats);
            rows.push(vec![
                standing.position.map(|p| p.to_string()).unwrap_or_default(),
                row.name.clone(),
                s.listed_as.username.clone(),
                title.clone(),
                ranking.describe(),
                ms(standing.result.map(|r| r.value_ms)),
                s.races.to_string(),
                s.laps.to_string(),
                s.valid_laps.to_string(),
                s.invalid_laps.to_string(),
                ms(s.fastest_lap.map(|a| a.value_ms)),
                ms(s.average_lap_ms),
                s.resets.to_string(),
                format!("{:.1}", s.completion_ratio * 100.0),
            ]);
        }
    }
    write(rows)
}
