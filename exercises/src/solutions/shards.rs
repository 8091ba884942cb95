//! Exercise 2.1: one lock per group of classes (sharding).
//!
//! Lesson 02 has one mutex around every roll call, so two students of two
//! different classes still take turns. Here the classes are split among a
//! fixed number of shards, each a `RollCalls` behind its own mutex; a
//! command locks only the shard of its class. Students of classes in
//! different shards never wait for each other.

use std::net::TcpListener;
use std::sync::{Arc, Mutex, PoisonError};

use chamada::{Clock, Command, Response, RollCalls};

// ANCHOR: solution
/// The roll calls, split into independently locked shards.
pub struct Shards {
    /// Class `n` lives in shard `n % shards.len()`.
    shards: Vec<Mutex<RollCalls>>,
}

impl Shards {
    /// `count` empty shards, each with the clock `clock` makes.
    pub fn new(count: usize, mut clock: impl FnMut() -> Clock) -> Shards {
        assert!(count > 0, "at least one shard");
        let shards = (0..count)
            .map(|_| Mutex::new(RollCalls::new(clock())))
            .collect();
        Shards { shards }
    }

    /// Answers `command` holding only the lock of its class's shard.
    pub fn answer(&self, command: Command) -> Response {
        let class = match &command {
            Command::Start(class) | Command::End(class) | Command::Status(class) => *class,
            Command::Present { class, .. } => *class,
        };
        let shard = &self.shards[class.get() as usize % self.shards.len()];
        let mut roll_calls = shard.lock().unwrap_or_else(PoisonError::into_inner);
        roll_calls.answer(command)
    }
}

/// Serves `shards` with lesson 02's accept loop, a thread per client.
pub fn serve_forever(listener: TcpListener, shards: Arc<Shards>) {
    crate::thread_per_client(listener, shards, Shards::answer);
}
// ANCHOR_END: solution
