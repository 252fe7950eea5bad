//! The only module that speaks SurrealQL. It takes and returns drem's own types;
//! every value is bound, never formatted into query text.

pub mod car_models;
pub mod cars;
pub mod changes;
pub mod crossings;
pub mod current_track;
pub mod events;
pub mod fleets;
pub mod invites;
pub mod models;
pub mod queues;
pub mod race_log;
pub mod races;
pub mod schema;
pub mod settings;
pub mod timers;
pub mod users;

use crate::error::AppError;
use surrealdb::types::SurrealValue;

/// The database handle; the engine (memory, disk, remote) is chosen at start-up.
pub type Db = surrealdb::Surreal<surrealdb::engine::any::Any>;

/// The id of a created or updated record, selected as `record::id(id) AS id`.
#[derive(SurrealValue)]
pub(crate) struct IdRow {
    pub id: String,
}

/// Where the database lives, parsed from `--database-url`.
pub struct DbConfig {
    /// `mem://`, `surrealkv://PATH` or `ws://HOST:PORT`.
    pub url: String,
    /// Root credentials, for a remote server only.
    pub credentials: Option<(String, String)>,
}

/// Opens the database, selects drem's namespace and brings the schema up to date.
pub async fn open(config: &DbConfig) -> Result<Db, surrealdb::Error> {
    let db = surrealdb::engine::any::connect(config.url.as_str()).await?;
    if let Some((username, password)) = &config.credentials {
        db.signin(surrealdb::opt::auth::Root {
            username: username.clone(),
            password: password.clone(),
        })
        .await?;
    }
    db.use_ns("drem").use_db("drem").await?;
    schema::migrate(&db).await?;
    Ok(db)
}

/// Checks a multi-statement (transaction) result and returns the error that caused the
/// failure: in a failed transaction every other statement reports only "not executed".
pub(crate) fn check_cause(
    res: Result<surrealdb::IndexedResults, surrealdb::Error>,
) -> Result<surrealdb::IndexedResults, surrealdb::Error> {
    let mut res = res?;
    let mut errors: Vec<(usize, surrealdb::Error)> = res.take_errors().into_iter().collect();
    if errors.is_empty() {
        return Ok(res);
    }
    errors.sort_by_key(|(index, _)| *index);
    let cause = errors
        .iter()
        .position(|(_, e)| !e.to_string().contains("failed transaction"))
        .unwrap_or(0);
    Err(errors.swap_remove(cause).1)
}

/// Runs `statements` (which name the record `$id`) as one transaction, and returns
/// the cause of a failure (a delete that also clears what points to the record).
pub(crate) async fn in_transaction(
    db: &Db,
    statements: &[&'static str],
    id: &str,
) -> Result<(), AppError> {
    let mut query = db.query("BEGIN TRANSACTION");
    for statement in statements {
        query = query.query(*statement);
    }
    let res = query
        .query("COMMIT TRANSACTION")
        .bind(("id", id.to_string()))
        .await;
    check_cause(res)?;
    Ok(())
}

/// Answers when the database does.
pub async fn ping(db: &Db) -> Result<(), AppError> {
    db.query("RETURN true").await?.check()?;
    Ok(())
}

impl From<surrealdb::Error> for AppError {
    fn from(e: surrealdb::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}
