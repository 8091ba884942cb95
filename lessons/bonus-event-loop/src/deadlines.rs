//! Timeouts without a thread per client: every connection has one deadline
//! at a time (idle, write, or the end of its lingering close), and the loop
//! asks `poll` to wait no longer than the soonest of them.
//!
//! A thread blocked in `read` can be given a read timeout; one thread
//! watching ten thousand sockets cannot. Instead it keeps the deadlines in
//! order, sleeps until the first one at most, and on waking deals with
//! every deadline that has passed.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use mio::Token;

/// Every connection's current deadline, soonest first.
#[derive(Default)]
pub struct Deadlines {
    /// (when, whose), in time order: the first is the next to pass.
    queue: BTreeSet<(Instant, Token)>,
    /// Each connection's entry in `queue`, so that it can be moved.
    by_token: HashMap<Token, Instant>,
}

impl Deadlines {
    /// Sets (or moves) the deadline of `token` to `at`.
    pub fn set(&mut self, token: Token, at: Instant) {
        if let Some(old) = self.by_token.insert(token, at) {
            if old == at {
                return;
            }
            self.queue.remove(&(old, token));
        }
        self.queue.insert((at, token));
    }

    /// Forgets the deadline of a connection that has closed.
    pub fn remove(&mut self, token: Token) {
        if let Some(at) = self.by_token.remove(&token) {
            self.queue.remove(&(at, token));
        }
    }

    /// The soonest deadline, if any.
    pub fn soonest(&self) -> Option<Instant> {
        self.queue.first().map(|&(at, _)| at)
    }

    /// Takes out every deadline that has passed by `now`, soonest first.
    pub fn take_due(&mut self, now: Instant) -> Vec<Token> {
        let mut due = Vec::new();
        while let Some(&(at, token)) = self.queue.first().filter(|(at, _)| *at <= now) {
            self.queue.remove(&(at, token));
            self.by_token.remove(&token);
            due.push(token);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn deadlines_come_out_soonest_first_and_a_moved_one_only_once() {
        let now = Instant::now();
        let later = |ms| now + Duration::from_millis(ms);
        let mut deadlines = Deadlines::default();
        deadlines.set(Token(1), later(30));
        deadlines.set(Token(2), later(10));
        deadlines.set(Token(3), later(20));
        deadlines.set(Token(1), later(5)); // moved, not added
        deadlines.remove(Token(3));
        assert_eq!(deadlines.soonest(), Some(later(5)));
        assert_eq!(deadlines.take_due(later(10)), [Token(1), Token(2)]);
        assert_eq!(deadlines.soonest(), None);
    }
}
