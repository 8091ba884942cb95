//! Exercise 3.2: statistics, answered by the registry.
//!
//! Lesson 03's registry receives one kind of message: a command, with a
//! channel for its response. This solution adds a second kind, a request
//! for statistics, with a reply channel of a different type. Nothing is
//! locked, nothing is shared: the registry thread counts as it answers, and
//! whoever asks gets a copy of the numbers as they are between two
//! messages, never halfway through one.

use std::thread::{self, JoinHandle};

use chamada::{Command, Handler, Response, RollCalls};
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

// ANCHOR: solution
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

/// The messages the registry understands: each carries its own way back.
enum Message {
    /// A client's command, and where its response goes.
    Command(Command, Sender<Response>),
    /// A request for the statistics, and where they go.
    Stats(Sender<Stats>),
}

/// A handle to the registry; every connection has its own clone.
#[derive(Clone)]
pub struct Registry {
    /// Where messages go.
    inbox: Sender<Message>,
}

impl Registry {
    /// Starts the registry thread, which owns `roll_calls` until every
    /// handle is dropped, then returns them.
    pub fn start(roll_calls: RollCalls) -> (Registry, JoinHandle<RollCalls>) {
        let (inbox, messages) = unbounded();
        let thread = thread::spawn(move || own_the_state(messages, roll_calls));
        (Registry { inbox }, thread)
    }

    /// Sends a command and waits for its response.
    pub fn ask(&self, command: Command) -> Response {
        let (reply, answer) = bounded(1);
        let _ = self.inbox.send(Message::Command(command, reply));
        answer.recv().unwrap_or_else(|_| Response::shutdown())
    }

    /// The statistics as they are now, or `None` if the registry stopped.
    pub fn stats(&self) -> Option<Stats> {
        let (reply, answer) = bounded(1);
        self.inbox.send(Message::Stats(reply)).ok()?;
        answer.recv().ok()
    }
}

/// A registry handle is all a connection needs to answer requests.
impl Handler for Registry {
    fn answer(&mut self, command: Command) -> Response {
        self.ask(command)
    }
}

/// The registry thread: answer, count, repeat.
fn own_the_state(messages: Receiver<Message>, mut roll_calls: RollCalls) -> RollCalls {
    let mut stats = Stats::default();
    for message in messages {
        match message {
            Message::Command(command, reply) => {
                let response = roll_calls.answer(command);
                count(&mut stats, &response);
                let _ = reply.send(response);
            }
            Message::Stats(reply) => {
                let _ = reply.send(stats);
            }
        }
    }
    roll_calls
}

/// Updates the statistics for one response: the response says what happened.
fn count(stats: &mut Stats, response: &Response) {
    stats.commands += 1;
    match response {
        Response::Started { .. } => stats.open += 1,
        Response::Ended { .. } => stats.open -= 1,
        Response::Presence { class: Some(_), .. } => stats.presences += 1,
        Response::Presence { class: None, .. } => stats.refusals += 1,
        _ => {}
    }
}
// ANCHOR_END: solution
