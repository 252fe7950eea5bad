//! A board's change from one version to the next, as its live stream pushes it.
//!
//! After one race, most rows of a 200-row board are what they were, or moved by a place
//! (their position, previous position or gap changed, nothing else). Sending the whole
//! board to every viewer costs ~35 KB each; the delta names the rows kept (as runs of
//! the old board's indices), the rows that only moved (three numbers each), and sends
//! whole only the rows that changed otherwise. A page holding the base version applies
//! it; the stream sends the whole board to anyone else.

use super::{BoardRow, Leaderboard};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hash;

/// How one version of a board becomes the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardDelta {
    /// The version it applies to.
    pub base: u64,
    /// The new board without its rows and personal bests, which follow as changes.
    pub head: Leaderboard,
    pub rows: Vec<Piece<BoardRow, RowMove>>,
    pub personal_best_ms: Vec<Piece<(String, u64), Never>>,
}

/// A part of a list's new version, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Piece<T, E> {
    /// Items of the old list as they were: `len` of them from index `from`.
    #[serde(rename = "s")]
    Same(u32, u32),
    /// The old list's item at an index, changed by an edit.
    #[serde(rename = "e")]
    Edit(u32, E),
    /// An item that is new, or changed beyond an edit: the whole item.
    #[serde(rename = "n")]
    New(T),
}

/// A row that only moved: its new position, previous position and gap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RowMove(Option<u32>, Option<u32>, Option<u64>);

/// No edit: items of this list are kept or sent whole.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Never {}

/// Why a delta could not be applied: the page loads the whole board instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch;

/// An item of a list a delta carries: how it is matched to the old list's items, and
/// how it may be edited rather than sent whole.
pub trait Item: Clone + PartialEq + Default {
    type Key<'a>: Hash + Eq
    where
        Self: 'a;
    type Edit;
    fn key(&self) -> Self::Key<'_>;
    /// The edit that turns `old` into `self`, if one can.
    fn edit_from(&self, old: &Self) -> Option<Self::Edit>;
    fn edited(self, edit: &Self::Edit) -> Self;
}

impl Item for BoardRow {
    type Key<'a> = &'a str;
    type Edit = RowMove;

    fn key(&self) -> &str {
        &self.handle
    }

    fn edit_from(&self, old: &Self) -> Option<RowMove> {
        let moved = BoardRow {
            position: self.position,
            previous_position: self.previous_position,
            gap_ms: self.gap_ms,
            ..old.clone()
        };
        (moved == *self).then_some(RowMove(self.position, self.previous_position, self.gap_ms))
    }

    fn edited(self, RowMove(position, previous_position, gap_ms): &RowMove) -> Self {
        BoardRow {
            position: *position,
            previous_position: *previous_position,
            gap_ms: *gap_ms,
            ..self
        }
    }
}

impl Item for (String, u64) {
    type Key<'a> = &'a str;
    type Edit = Never;

    fn key(&self) -> &str {
        &self.0
    }

    fn edit_from(&self, _: &Self) -> Option<Never> {
        None
    }

    fn edited(self, never: &Never) -> Self {
        match *never {}
    }
}

impl BoardDelta {
    /// The change from `old` to `new` (whose versions it records).
    pub fn between(old: &Leaderboard, new: &Leaderboard) -> Self {
        Self {
            base: old.version,
            head: Leaderboard {
                rows: Vec::new(),
                personal_best_ms: Vec::new(),
                ..new.clone()
            },
            rows: pieces(&old.rows, &new.rows),
            personal_best_ms: pieces(&old.personal_best_ms, &new.personal_best_ms),
        }
    }

    /// The new board, from `old` at the delta's base version (whose rows it takes).
    pub fn apply(self, old: Leaderboard) -> Result<Leaderboard, Mismatch> {
        if old.version != self.base {
            return Err(Mismatch);
        }
        Ok(Leaderboard {
            rows: applied(old.rows, self.rows)?,
            personal_best_ms: applied(old.personal_best_ms, self.personal_best_ms)?,
            ..self.head
        })
    }
}

/// The pieces that make `new` from `old`: each new item matched by key to an old one
/// not taken yet (in order, so repeated keys pair up first with first).
fn pieces<T: Item>(old: &[T], new: &[T]) -> Vec<Piece<T, T::Edit>> {
    let mut unmatched: HashMap<T::Key<'_>, std::collections::VecDeque<usize>> = HashMap::new();
    for (i, item) in old.iter().enumerate() {
        unmatched.entry(item.key()).or_default().push_back(i);
    }
    let mut out: Vec<Piece<T, T::Edit>> = Vec::new();
    for item in new {
        let matched = unmatched.get_mut(&item.key()).and_then(|q| q.pop_front());
        let piece = match matched {
            Some(i) if old[i] == *item => {
                if let Some(Piece::Same(from, len)) = out.last_mut() {
                    if (*from + *len) as usize == i {
                        *len += 1;
                        continue;
                    }
                }
                Piece::Same(i as u32, 1)
            }
            Some(i) => match item.edit_from(&old[i]) {
                Some(edit) => Piece::Edit(i as u32, edit),
                None => Piece::New(item.clone()),
            },
            None => Piece::New(item.clone()),
        };
        out.push(piece);
    }
    out
}

/// `old` with `pieces` applied (each old item taken once at most), or `Mismatch` if
/// they name items `old` has not. In place: an item kept at its own index is not
/// touched, so a change that moves a few rows of 200 costs those rows, not the board
/// (each of thousands of viewers on the benchmark's cores, or a phone, applies it).
fn applied<T: Item>(mut old: Vec<T>, pieces: Vec<Piece<T, T::Edit>>) -> Result<Vec<T>, Mismatch> {
    let mut taken = vec![false; old.len()];
    let mut take = |i: u32| match taken.get_mut(i as usize) {
        Some(seen) if !*seen => {
            *seen = true;
            Ok(i as usize)
        }
        _ => Err(Mismatch),
    };
    // Where each item that is not kept in place comes from, by its new index: taken
    // out of `old` only once all are known, so no source is overwritten before read.
    let mut placed: Vec<(usize, Piece<T, T::Edit>)> = Vec::new();
    let mut len = 0usize;
    for piece in pieces {
        match piece {
            Piece::Same(from, count) => {
                for i in from..from.checked_add(count).ok_or(Mismatch)? {
                    let i = take(i)?;
                    if i != len {
                        placed.push((len, Piece::Same(i as u32, 1)));
                    }
                    len += 1;
                }
            }
            Piece::Edit(from, edit) => {
                take(from)?;
                placed.push((len, Piece::Edit(from, edit)));
                len += 1;
            }
            Piece::New(item) => {
                placed.push((len, Piece::New(item)));
                len += 1;
            }
        }
    }
    let moved: Vec<(usize, T)> = placed
        .into_iter()
        .map(|(at, piece)| {
            let item = match piece {
                Piece::Same(from, _) => std::mem::take(&mut old[from as usize]),
                Piece::Edit(from, edit) => std::mem::take(&mut old[from as usize]).edited(&edit),
                Piece::New(item) => item,
            };
            (at, item)
        })
        .collect();
    old.resize_with(len, T::default);
    for (at, item) in moved {
        old[at] = item;
    }
    Ok(old)
}

#[cfg(test)]
#[path = "board_delta_tests.rs"]
mod tests;
