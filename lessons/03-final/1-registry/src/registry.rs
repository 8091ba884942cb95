//! The registry: one thread that owns every roll call, and the channel that
//! connection threads use to reach it.
//!
//! Lesson 02 let every connection thread change the state, taking turns
//! with a mutex. Here no connection thread ever touches the state. Each one
//! sends its command as a message to the registry thread, together with a
//! reply channel, and waits for the answer. The registry handles one message
//! at a time, so there is nothing to lock: the state has one owner, and the
//! order of the messages *is* the order of events.

use std::thread;

use chamada::{Command, Response, RollCalls};
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

// ANCHOR: message
/// One request to the registry: what to do, and where to send the answer.
struct Envelope {
    /// The command a client sent.
    command: Command,
    /// The sending end of a channel that only the asking thread listens to:
    /// the answer goes back to the one thread that asked, and nobody else.
    reply: Sender<Response>,
}
// ANCHOR_END: message

/// A handle to the registry. Every connection thread has its own clone; all
/// clones feed the same inbox.
#[derive(Clone)]
pub struct Registry {
    /// Where commands go. Each connection has at most one command in flight
    /// (it waits for the answer before reading its next request), so the
    /// inbox never holds more than one message per connection and needs no
    /// bound of its own.
    inbox: Sender<Envelope>,
}

// ANCHOR: spawn
impl Registry {
    /// Starts the registry thread, giving it the roll calls to own.
    pub fn start(roll_calls: RollCalls) -> Registry {
        let (inbox, messages) = unbounded();
        thread::Builder::new()
            .name("registry".into())
            .spawn(move || own_the_state(messages, roll_calls))
            .expect("the system refused to start the registry thread");
        Registry { inbox }
    }
    // ANCHOR_END: spawn

    // ANCHOR: ask
    /// Sends a command to the registry and waits for its answer.
    pub fn ask(&self, command: Command) -> Response {
        // A channel with room for exactly one message: the answer.
        let (reply, answer) = bounded(1);
        if self.inbox.send(Envelope { command, reply }).is_err() {
            return Response::shutdown(); // the registry has stopped
        }
        answer.recv().unwrap_or_else(|_| Response::shutdown())
    }
    // ANCHOR_END: ask
}

// ANCHOR: own_the_state
/// The registry thread's whole life: answer messages in arrival order, one
/// at a time, for as long as the server runs.
fn own_the_state(messages: Receiver<Envelope>, mut roll_calls: RollCalls) {
    for Envelope { command, reply } in messages {
        // If the asking thread has gone (its client hung up), nobody wants
        // the answer; the state change itself has still happened.
        let _ = reply.send(roll_calls.answer(command));
    }
}
// ANCHOR_END: own_the_state
