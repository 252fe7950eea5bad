//! Events and their tracks.

use super::Db;
use super::IdRow;
use crate::domain::checkin::default_flags;
use crate::domain::rules::RaceRules;
use crate::error::AppError;
use crate::wire::{
    Event, EventId, EventInput, EventKind, FinalRound, LandingLink, Track, TrackId, TrackInput,
    TrackLayout,
};
use surrealdb::types::SurrealValue;
// `#[surreal(flatten)]`'s derived code names `Value` unqualified.
use surrealdb::types::Value;

#[derive(SurrealValue)]
struct EventRow {
    id: String,
    #[surreal(flatten)]
    fields: EventFields,
}

#[derive(SurrealValue)]
struct TrackRow {
    id: String,
    event: String,
    title: String,
    footer: String,
    layout: String,
    rules: Option<String>,
    final_round: Option<String>,
}

/// A stored JSON value that no longer parses: logged, and the default used instead,
/// so one bad row never takes a page down.
fn from_json<T: serde::de::DeserializeOwned + Default>(what: &str, text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::error!(error = %e, what, "stored JSON unreadable; using the default");
        T::default()
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, "JSON encoding failed");
        AppError::Internal
    })
}

impl TrackRow {
    fn into_track(self) -> Track {
        Track {
            id: TrackId(self.id),
            event: EventId(self.event),
            title: self.title,
            footer: self.footer,
            layout: TrackLayout::parse(&self.layout).unwrap_or(TrackLayout::Other),
            rules: self
                .rules
                .map(|r| from_json::<RaceRules>("track rules", &r)),
            final_round: self
                .final_round
                .and_then(|f| from_json::<Option<FinalRound>>("final", &f)),
        }
    }
}

impl EventRow {
    fn into_event(self, tracks: Vec<Track>) -> Event {
        let fields = self.fields;
        Event {
            id: EventId(self.id),
            about: EventInput {
                name: fields.name,
                kind: EventKind::parse(&fields.kind).unwrap_or(EventKind::Other),
                date: fields.date,
                country: fields.country,
                sponsor: fields.sponsor,
                links: from_json::<Vec<LandingLink>>("event links", &fields.links),
                rules: from_json::<RaceRules>("event rules", &fields.rules),
                // Events from before check-in ask what a new one asks.
                checkin: fields.checkin.map_or_else(default_flags, |text| {
                    serde_json::from_str(&text).unwrap_or_else(|e| {
                        tracing::error!(error = %e, "stored check-in steps unreadable");
                        default_flags()
                    })
                }),
            },
            tracks,
        }
    }
}

macro_rules! event_fields {
    () => {
        "record::id(id) AS id, name, kind, date, country, sponsor, links, rules, checkin"
    };
}
macro_rules! track_fields {
    () => {
        "record::id(id) AS id, record::id(event) AS event, title, footer, layout, rules, final_round"
    };
}

/// Every country an event is held in, once each (empty ones left out).
pub async fn countries(db: &Db) -> Result<Vec<String>, AppError> {
    let mut res = db
        .query("SELECT VALUE country FROM event WHERE country != '' GROUP BY country")
        .await?;
    Ok(res.take(0)?)
}

/// Every event with its tracks, newest date first; optionally only one kind.
pub async fn list(db: &Db, kind: Option<EventKind>) -> Result<Vec<Event>, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            event_fields!(),
            ", date AS sort_date, created_at AS sort_created FROM event
             WHERE $kind = NONE OR kind = $kind ORDER BY sort_date DESC, sort_created DESC"
        ))
        .query(concat!(
            "SELECT ",
            track_fields!(),
            ", created_at AS sort_created FROM track ORDER BY sort_created"
        ))
        .bind(("kind", kind.map(|k| k.as_str().to_string())))
        .await?;
    let events: Vec<EventRow> = res.take(0)?;
    let tracks: Vec<TrackRow> = res.take(1)?;
    let tracks: Vec<Track> = tracks.into_iter().map(TrackRow::into_track).collect();
    Ok(events
        .into_iter()
        .map(|e| {
            let own = tracks
                .iter()
                .filter(|t| t.event.0 == e.id)
                .cloned()
                .collect();
            e.into_event(own)
        })
        .collect())
}

/// One event with its tracks, in the order they were added.
pub async fn get(db: &Db, id: &EventId) -> Result<Event, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            event_fields!(),
            " FROM ONLY type::record('event', $id)"
        ))
        .query(concat!(
            "SELECT ",
            track_fields!(),
            ", created_at AS sort_created FROM track
             WHERE event = type::record('event', $id) ORDER BY sort_created"
        ))
        .bind(("id", id.0.clone()))
        .await?;
    let event: Option<EventRow> = res.take(0)?;
    let tracks: Vec<TrackRow> = res.take(1)?;
    let event = event.ok_or_else(|| AppError::NotFound("Event".into()))?;
    Ok(event.into_event(tracks.into_iter().map(TrackRow::into_track).collect()))
}

/// The stored fields of an event, bound as one value so creating, saving and reading
/// agree.
#[derive(SurrealValue)]
struct EventFields {
    name: String,
    kind: String,
    date: String,
    country: String,
    sponsor: String,
    links: String,
    rules: String,
    checkin: Option<String>,
}

fn fields(input: &EventInput) -> Result<EventFields, AppError> {
    Ok(EventFields {
        name: input.name.clone(),
        kind: input.kind.as_str().to_string(),
        date: input.date.clone(),
        country: input.country.clone(),
        sponsor: input.sponsor.clone(),
        links: to_json(&input.links)?,
        rules: to_json(&input.rules)?,
        checkin: Some(to_json(&input.checkin)?),
    })
}

/// Creates an event from a validated form.
pub async fn create(db: &Db, input: &EventInput) -> Result<EventId, AppError> {
    let mut res = db
        .query("CREATE ONLY event CONTENT $fields RETURN record::id(id) AS id")
        .bind(("fields", fields(input)?))
        .await?;
    let created: Option<IdRow> = res.take(0)?;
    created.map(|c| EventId(c.id)).ok_or(AppError::Internal)
}

/// Saves an event's fields. Races in progress keep the rules they started with.
pub async fn update(db: &Db, id: &EventId, input: &EventInput) -> Result<(), AppError> {
    let mut res = db
        .query("UPDATE type::record('event', $id) MERGE $fields RETURN record::id(id) AS id")
        .bind(("id", id.0.clone()))
        .bind(("fields", fields(input)?))
        .await?;
    let updated: Vec<IdRow> = res.take(0)?;
    if updated.is_empty() {
        return Err(AppError::NotFound("Event".into()));
    }
    Ok(())
}

/// Deletes an event with its tracks and races.
pub async fn delete(db: &Db, id: &EventId) -> Result<(), AppError> {
    get(db, id).await?;
    super::in_transaction(
        db,
        &[
            "DELETE race_correction WHERE event = type::record('event', $id)",
            "DELETE queue_entry WHERE track.event = type::record('event', $id)",
            "DELETE checkin WHERE event = type::record('event', $id)",
            "DELETE race WHERE event = type::record('event', $id)",
            "DELETE track WHERE event = type::record('event', $id)",
            "DELETE type::record('event', $id)",
        ],
        &id.0,
    )
    .await
}

/// One track.
pub async fn track(db: &Db, id: &TrackId) -> Result<Track, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            track_fields!(),
            " FROM ONLY type::record('track', $id)"
        ))
        .bind(("id", id.0.clone()))
        .await?;
    let row: Option<TrackRow> = res.take(0)?;
    row.map(TrackRow::into_track)
        .ok_or_else(|| AppError::NotFound("Track".into()))
}

/// Adds a track to an event (a final when `final_round` says so). Its id never
/// changes, whatever happens to other tracks.
pub async fn add_track(
    db: &Db,
    event: &EventId,
    input: &TrackInput,
    final_round: Option<&FinalRound>,
) -> Result<TrackId, AppError> {
    get(db, event).await?;
    let rules = input.rules.as_ref().map(to_json).transpose()?;
    let final_round = final_round.map(to_json).transpose()?;
    let mut res = db
        .query(
            "CREATE ONLY track CONTENT {
                event: type::record('event', $event), title: $title, footer: $footer,
                layout: $layout, rules: $rules, final_round: $final_round
            } RETURN record::id(id) AS id",
        )
        .bind(("final_round", final_round))
        .bind(("event", event.0.clone()))
        .bind(("title", input.title.clone()))
        .bind(("footer", input.footer.clone()))
        .bind(("layout", input.layout.as_str().to_string()))
        .bind(("rules", rules))
        .await?;
    let created: Option<IdRow> = res.take(0)?;
    created.map(|c| TrackId(c.id)).ok_or(AppError::Internal)
}

/// Saves a track's fields.
pub async fn update_track(db: &Db, id: &TrackId, input: &TrackInput) -> Result<(), AppError> {
    track(db, id).await?;
    let rules = input.rules.as_ref().map(to_json).transpose()?;
    db.query(
        "UPDATE type::record('track', $id) SET title = $title, footer = $footer,
            layout = $layout, rules = $rules",
    )
    .bind(("id", id.0.clone()))
    .bind(("title", input.title.clone()))
    .bind(("footer", input.footer.clone()))
    .bind(("layout", input.layout.as_str().to_string()))
    .bind(("rules", rules))
    .await?
    .check()?;
    Ok(())
}

/// Deletes a track and its races.
pub async fn delete_track(db: &Db, id: &TrackId) -> Result<(), AppError> {
    track(db, id).await?;
    super::in_transaction(
        db,
        &[
            "DELETE race_correction WHERE race.track = type::record('track', $id)",
            "DELETE queue_entry WHERE track = type::record('track', $id)",
            "DELETE race WHERE track = type::record('track', $id)",
            "DELETE type::record('track', $id)",
        ],
        &id.0,
    )
    .await
}
