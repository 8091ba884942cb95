//! # Lesson 02: a thread per client, sharing state behind a lock
//!
//! Lesson 01 served one client at a time. Here the accept loop hands each
//! connection to a new thread and goes straight back to `accept`, so every
//! client is served at once; each thread still blocks, but only itself.
//!
//! All threads answer from the same roll calls, so the state must be shared
//! safely: an `Arc` (a reference count that lets every thread own a handle
//! to the state) around a `Mutex` (a lock: one thread at a time may touch
//! what is inside). A thread holds the lock only while it changes the
//! state, never while it reads from or writes to its socket, so a slow
//! client can never make the others wait.

// ANCHOR: all
// ANCHOR: args
use std::net::TcpListener;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use chamada::{serve, server, RollCalls, ServerArgs, StartupError};
use clap::Parser;

/// Lesson 02: a roll-call server with a thread per client.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}
// ANCHOR_END: args

// ANCHOR: state
fn main() -> Result<(), StartupError> {
    let args = Args::parse();
    // One state for every thread: `Arc` shares it, `Mutex` takes turns.
    let roll_calls = Arc::new(Mutex::new(server::roll_calls_from_env()?));
    // ANCHOR_END: state

    // ANCHOR: bind
    let listener = TcpListener::bind(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    server::announce(&listener);
    // ANCHOR_END: bind

    // ANCHOR: accept_loop
    for connection in listener.incoming() {
        match connection {
            Ok(stream) => {
                // Each thread gets its own handle to the shared state.
                let roll_calls = Arc::clone(&roll_calls);
                thread::spawn(move || serve(stream, &mut |command| answer(&roll_calls, command)));
            }
            // A connection that failed before we accepted it (reset by its
            // client, say) affects only that client: keep listening.
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
    // ANCHOR_END: accept_loop
    Ok(())
}

// ANCHOR: answer
/// Answers one command under the lock. The guard returned by `lock` is
/// dropped at the end of this function, before the connection thread sends
/// the response: the lock is held for the state change only, never across
/// socket I/O.
fn answer(roll_calls: &Mutex<RollCalls>, command: chamada::Command) -> chamada::Response {
    // A mutex is "poisoned" if a thread panicked while holding it. Our
    // state changes cannot be left half-done by a panic, so the other
    // clients carry on with the state as it is rather than all failing.
    let mut roll_calls = roll_calls.lock().unwrap_or_else(PoisonError::into_inner);
    roll_calls.answer(command)
}
// ANCHOR_END: answer
// ANCHOR_END: all
