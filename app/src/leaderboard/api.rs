//! The public leaderboard's server function: results and who is on track, with
//! nothing private (no ids of people, no emails).

use crate::domain::rules::BoardFormat;
use crate::error::AppError;
use crate::model::{EventId, Leaderboard, TrackId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::roles::Action,
    model::{BoardRow, NamedStanding, OnTrack},
    ssr::{guard::require, standings, storage::events, storage::races},
};

#[cfg(feature = "ssr")]
fn rows(standings: Vec<NamedStanding>) -> Vec<BoardRow> {
    let leader = standings
        .first()
        .and_then(|r| r.standing.result)
        .map(|r| r.value_ms);
    standings
        .into_iter()
        .map(|row| {
            let result_ms = row.standing.result.map(|r| r.value_ms);
            BoardRow {
                position: row.standing.position,
                previous_position: row.previous_position,
                gap_ms: result_ms.zip(leader).map(|(v, l)| v.saturating_sub(l)),
                result_ms,
                valid_laps: row.standing.stats.valid_laps,
                laps: row.standing.stats.laps,
                name: row.name,
                country: row.country,
                colour: row.colour,
                by_proxy: row.by_proxy,
            }
        })
        .collect()
}

/// One track's leaderboard (`track`), or the event's: its only track's, or the
/// combined board of several tracks; ranked as the event says, or by `format`.
#[server(endpoint = "get_leaderboard", input = Json)]
pub async fn get_leaderboard(
    event: EventId,
    track: Option<TrackId>,
    #[server(default)] format: Option<BoardFormat>,
) -> Result<Leaderboard, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let db = &caller.state.db;
    let event = events::get(db, &event).await?;
    let chosen = track.or_else(|| (event.tracks.len() == 1).then(|| event.tracks[0].id.clone()));
    let rules = chosen
        .as_ref()
        .map_or(event.rules.clone(), |t| event.rules_for(t));
    let shown = rules.ranking;
    let forced = format.map(|f| f.ranking(shown));
    let results = standings::event_results_by(db, &event, forced).await?;
    let (title, footer, ranking, standings) = match &chosen {
        Some(id) => {
            let (track, standings) = results
                .tracks
                .into_iter()
                .find(|(t, _)| &t.id == id)
                .ok_or_else(|| AppError::NotFound("Track".into()))?;
            (
                track.title,
                track.footer,
                forced.unwrap_or(event.rules_for(id).ranking),
                standings,
            )
        }
        None => (
            "All tracks".to_string(),
            event
                .tracks
                .first()
                .map(|t| t.footer.clone())
                .unwrap_or_default(),
            forced.unwrap_or(event.rules.ranking),
            results.combined.unwrap_or_default(),
        ),
    };
    let personal_best_ms: Vec<(String, u64)> = standings
        .iter()
        .filter_map(|r| {
            r.standing
                .stats
                .fastest_lap
                .map(|f| (r.name.clone(), f.value_ms))
        })
        .collect();
    let fastest_lap_ms = personal_best_ms.iter().map(|(_, ms)| *ms).min();
    let latest_finisher = standings
        .iter()
        .filter(|r| r.standing.stats.races > 0)
        .max_by_key(|r| r.standing.stats.last_race_order)
        .map(|r| r.name.clone());
    let now = caller.state.clock.now_ms();
    let mut on_track = Vec::new();
    for t in event
        .tracks
        .iter()
        .filter(|t| chosen.as_ref().is_none_or(|c| c == &t.id))
    {
        if let Some(live) = races::open_on(db, &t.id, now).await? {
            on_track.push(OnTrack::of(&live, &t.title));
        }
    }
    Ok(Leaderboard {
        tracks: event
            .tracks
            .iter()
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect(),
        event_name: event.name,
        combined: chosen.is_none(),
        title,
        footer,
        ranking,
        race_time_ms: rules.race_time_ms,
        resets_per_lap: rules.resets_per_lap,
        rows: rows(standings),
        on_track,
        fastest_lap_ms,
        personal_best_ms,
        latest_finisher,
    })
}

/// An event's landing page: its links, its leaderboards, and a QR code of the page's
/// own public address (for the big screen and printed signs).
#[server(endpoint = "get_landing", input = Json)]
pub async fn get_landing(event: EventId) -> Result<crate::model::Landing, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let event = events::get(&caller.state.db, &event).await?;
    let url = format!("{}/events/{}/landing", caller.state.public_url, event.id.0);
    Ok(crate::model::Landing {
        qr_svg: crate::ssr::qr::svg(&url, 200)?,
        url,
        tracks: event
            .tracks
            .iter()
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect(),
        event_name: event.name,
        date: event.date,
        country: event.country,
        links: event.links,
    })
}
