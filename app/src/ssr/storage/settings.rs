//! Site-wide settings an admin changes at run time, one JSON value per key.

use super::Db;
use crate::error::AppError;
use surrealdb::types::SurrealValue;

/// A setting's JSON value, if set.
pub async fn setting(db: &Db, key: &str) -> Result<Option<String>, AppError> {
    #[derive(SurrealValue)]
    struct Setting {
        json: String,
    }
    let row: Option<Setting> = db
        .query("SELECT json FROM ONLY type::record('setting', $key)")
        .bind(("key", key.to_string()))
        .await?
        .take(0)?;
    Ok(row.map(|s| s.json))
}

/// Sets a setting's JSON value.
pub async fn set_setting(db: &Db, key: &str, value: &str) -> Result<(), AppError> {
    db.query("UPSERT type::record('setting', $key) SET json = $value")
        .bind(("key", key.to_string()))
        .bind(("value", value.to_string()))
        .await?
        .check()?;
    Ok(())
}
