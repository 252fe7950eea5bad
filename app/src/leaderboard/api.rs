//! The public leaderboard's server function: results and who is on track, with
//! nothing private (no ids of people, no emails).

use crate::domain::rules::BoardFormat;
use crate::error::AppError;
use crate::wire::{CountryNames, EventId, Leaderboard, TrackId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::roles::Action,
    ssr::{
        guard::require,
        realtime::boards::{self, BoardKey},
        storage::events,
    },
};

/// One track's leaderboard (`track`), or the event's: its only track's, or the
/// combined board of several tracks; ranked as the event says, or by `format`. The
/// standings are the process's kept board (`ssr::boards`: computed once per change of
/// results); who is on track is read now.
#[server(endpoint = "get_leaderboard", input = Json, output = crate::codec::JsonText)]
pub async fn get_leaderboard(
    event: EventId,
    track: Option<TrackId>,
    #[server(default)] format: Option<BoardFormat>,
) -> Result<Leaderboard, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let state = &caller.state;
    let key = BoardKey {
        event,
        track,
        format,
    };
    let kept = state.hub.boards.get(&state.db, &key).await?;
    let mut board = kept.board.clone();
    board.on_track = boards::on_track(&state.db, &board, state.clock.now_ms()).await?;
    board.next_up = boards::next_up(&state.db, &board).await?;
    Ok(board)
}

/// An event's landing page: its links, its leaderboards, and a QR code of the page's
/// own public address (for the big screen and printed signs).
#[server(endpoint = "get_landing", input = Json, output = crate::codec::JsonText)]
pub async fn get_landing(event: EventId) -> Result<crate::wire::Landing, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let event = events::get(&caller.state.db, &event).await?;
    let url = format!("{}/events/{}/landing", caller.state.public_url, event.id.0);
    Ok(crate::wire::Landing {
        qr_svg: crate::ssr::qr::svg(&url, 200)?,
        url,
        tracks: event
            .qualifying()
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect(),
        finals: event
            .tracks
            .iter()
            .filter(|t| t.final_round.is_some())
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect(),
        event_name: event.about.name,
        date: event.about.date,
        country: event.about.country,
        links: event.about.links,
    })
}

/// The names of the countries racers come from (every account's) and events are held
/// in, in a public page's language (`lang`: en, de, es, fr, ja, sv; English for any
/// other): what its flags can show, sent with the page, not the world's 250.
#[server(endpoint = "country_names", input = Json, output = crate::codec::JsonText)]
pub async fn country_names_in(lang: String) -> Result<CountryNames, AppError> {
    use crate::domain::countries;
    use crate::ssr::storage::users;
    let caller = require(Action::ViewPublic).await?;
    let mut used = users::countries(&caller.state.db).await?;
    used.extend(events::countries(&caller.state.db).await?);
    Ok(CountryNames::new(
        used.iter()
            .filter_map(|code| countries::normalize(code))
            .map(|code| {
                (
                    code.to_string(),
                    countries::name_in(code, &lang).to_string(),
                )
            })
            .collect(),
    ))
}
