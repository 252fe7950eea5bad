//! The session store with session ids kept hashed: the database holds SHA-256 of each
//! id, so its files, a backup or its write-ahead log give nobody a session id to
//! present as a cookie. The cookie's id is hashed on every load, save and delete.
//! Sessions stored before ids were hashed no longer load (their users sign in again
//! once): trying the raw id as well would let a stored hash act as a cookie.

use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};

/// `S` with every session id hashed on its way in.
#[derive(Debug, Clone)]
pub struct HashedIds<S>(pub S);

/// The id a session is stored under.
fn hashed(id: &Id) -> Id {
    let digest = Sha256::digest(id.0.to_le_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(first))
}

fn stored(record: &Record) -> Record {
    Record {
        id: hashed(&record.id),
        ..record.clone()
    }
}

#[async_trait::async_trait]
impl<S: SessionStore> SessionStore for HashedIds<S> {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh id until its hash is free (as the inner store does with raw ids).
        while self.0.load(&hashed(&record.id)).await?.is_some() {
            record.id = Id::default();
        }
        self.0.save(&stored(record)).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.0.save(&stored(record)).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        Ok(self
            .0
            .load(&hashed(id))
            .await?
            .map(|record| Record { id: *id, ..record }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0.delete(&hashed(id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_id_is_not_the_cookie_id_and_stays_the_same() {
        let id = Id(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        assert_ne!(hashed(&id), id);
        assert_eq!(hashed(&id), hashed(&id));
        assert_ne!(hashed(&id), hashed(&Id(id.0 + 1)));
    }
}
