//! Exercise 3.2: statistics, answered by the registry.
//! The exercise: the book's chapter "Exercises", "Lesson 03".
//!
//! Start from lesson 03's registry as step 4 left it
//! (`lessons/03-final/4-shutdown/src/registry.rs`):
//! copy it here and change it.

use std::thread::JoinHandle;

use chamada::{Command, Handler, Response, RollCalls};

/// What the registry has done since it started.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Commands answered (`START`, `END`, `STATUS`, `PRESENT`).
    pub commands: u64,
    /// Presences recorded (a repeated answer counts again).
    pub presences: u64,
    /// Presences refused because the class had no open roll call.
    pub refusals: u64,
    /// Roll calls open right now.
    pub open: u64,
}

/// A handle to the registry; every connection has its own clone.
#[derive(Clone)]
pub struct Registry {
    // Your fields.
}

impl Registry {
    /// Starts the registry thread, which owns `roll_calls` until every
    /// handle is dropped, then returns them.
    pub fn start(roll_calls: RollCalls) -> (Registry, JoinHandle<RollCalls>) {
        todo!()
    }

    /// Sends a command and waits for its response.
    pub fn ask(&self, command: Command) -> Response {
        todo!()
    }

    /// The statistics as they are now, or `None` if the registry stopped.
    pub fn stats(&self) -> Option<Stats> {
        todo!()
    }
}

/// A registry handle is all a connection needs to answer requests.
impl Handler for Registry {
    fn answer(&mut self, command: Command) -> Response {
        self.ask(command)
    }
}
