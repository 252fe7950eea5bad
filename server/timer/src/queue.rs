//! The resend queue: crossings the server has not acknowledged yet.
//!
//! The link may drop at any moment (Wi-Fi at a venue), so every accepted crossing stays
//! here until the server acks it, and is resent after each reconnect. Pure and in memory:
//! a restart of the program starts a new boot, and the server knows crossings per boot.

use std::collections::VecDeque;

use crate::protocol::TimerMessage;

/// Default bound: at one crossing a second this is more than a day without a server.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// One accepted crossing, as sent in [`TimerMessage::Crossing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossing {
    /// 1, 2, 3, … per boot.
    pub seq: u64,
    /// `CLOCK_MONOTONIC` microseconds of the edge.
    pub stamp_us: u64,
    /// GPIO line of the edge.
    pub line: u32,
}

impl Crossing {
    /// The wire message for this crossing.
    pub fn message(&self) -> TimerMessage {
        TimerMessage::Crossing {
            seq: self.seq,
            stamp_us: self.stamp_us,
            line: self.line,
        }
    }
}

/// Unacknowledged crossings in `seq` order, bounded.
#[derive(Debug, Clone)]
pub struct ResendQueue {
    capacity: usize,
    items: VecDeque<Crossing>,
}

impl ResendQueue {
    /// An empty queue holding at most `capacity` crossings (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            items: VecDeque::new(),
        }
    }

    /// Appends a crossing (callers push in increasing `seq`). When the queue is full the
    /// oldest crossing is dropped to make room and returned, so the caller can warn loudly:
    /// losing the oldest keeps the most recent racing, which matters most at an event.
    pub fn push(&mut self, crossing: Crossing) -> Option<Crossing> {
        let dropped = if self.items.len() >= self.capacity {
            self.items.pop_front()
        } else {
            None
        };
        self.items.push_back(crossing);
        dropped
    }

    /// Forgets every crossing with `seq <= acked`.
    pub fn ack(&mut self, acked: u64) {
        while self.items.front().is_some_and(|c| c.seq <= acked) {
            self.items.pop_front();
        }
    }

    /// The crossings with `seq > acked`, in order: what to send after a `Welcome`.
    pub fn pending_after(&self, acked: u64) -> impl Iterator<Item = &Crossing> + '_ {
        self.items.iter().filter(move |c| c.seq > acked)
    }

    /// How many crossings are waiting for an ack.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether every crossing has been acked.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(seq: u64) -> Crossing {
        Crossing {
            seq,
            stamp_us: seq * 1_000,
            line: 17,
        }
    }

    fn seqs<'a>(it: impl Iterator<Item = &'a Crossing>) -> Vec<u64> {
        it.map(|c| c.seq).collect()
    }

    #[test]
    fn pending_after_returns_newer_in_order() {
        let mut q = ResendQueue::new(10);
        for s in 1..=5 {
            assert_eq!(q.push(c(s)), None);
        }
        assert_eq!(seqs(q.pending_after(0)), vec![1, 2, 3, 4, 5]);
        assert_eq!(seqs(q.pending_after(3)), vec![4, 5]);
        assert_eq!(seqs(q.pending_after(5)), Vec::<u64>::new());
        assert_eq!(q.len(), 5, "pending_after does not remove anything");
    }

    #[test]
    fn ack_drops_up_to_and_including() {
        let mut q = ResendQueue::new(10);
        for s in 1..=5 {
            q.push(c(s));
        }
        q.ack(2);
        assert_eq!(seqs(q.pending_after(0)), vec![3, 4, 5]);
        q.ack(2); // repeated ack is harmless
        q.ack(1); // older ack is harmless
        assert_eq!(q.len(), 3);
        q.ack(99);
        assert!(q.is_empty());
    }

    #[test]
    fn full_queue_drops_oldest() {
        let mut q = ResendQueue::new(3);
        q.push(c(1));
        q.push(c(2));
        q.push(c(3));
        assert_eq!(q.push(c(4)), Some(c(1)));
        assert_eq!(seqs(q.pending_after(0)), vec![2, 3, 4]);
    }

    #[test]
    fn welcome_flow() {
        // Crossings 1..=4 queued while offline; the server had stored up to 2 in an earlier
        // connection of the same boot: resend 3 and 4, then the ack clears them.
        let mut q = ResendQueue::new(10);
        for s in 1..=4 {
            q.push(c(s));
        }
        q.ack(2);
        assert_eq!(seqs(q.pending_after(2)), vec![3, 4]);
        q.ack(4);
        assert!(q.is_empty());
    }

    #[test]
    fn message_shape() {
        assert_eq!(
            c(7).message(),
            TimerMessage::Crossing {
                seq: 7,
                stamp_us: 7_000,
                line: 17
            }
        );
    }
}
