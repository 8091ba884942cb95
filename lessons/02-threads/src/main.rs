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
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use chamada::connection::{lingering_close, respond, ConnectionLog, Ending};
use chamada::{server, Handler, LineReader, RollCalls, ServerArgs, StartupError};
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
    // Log lines go out through a thread of their own (see chamada::log).
    let _log = chamada::log::init();
    // One state for every thread: `Arc` shares it, `Mutex` takes turns.
    let roll_calls = Arc::new(Mutex::new(args.server.roll_calls()?));
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
            // Usually one would-be client's problem (it reset the connection
            // before we got to it): keep listening. But when the process is
            // out of file descriptors, every accept fails at once until a
            // connection closes; wait a moment rather than spin.
            Err(error) => {
                tracing::warn!("accept failed: {error}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
    // ANCHOR_END: accept_loop
    Ok(())
}

// ANCHOR: serve
/// Serves one client until it leaves: read a request line, write its
/// response, again and again. `handler` answers the requests.
///
/// Lesson 02 has this same function, word for word: it changes who
/// answers, not how a connection is served. (The library has it once more
/// as `chamada::serve`, for code that is not a lesson.)
fn serve(stream: TcpStream, handler: &mut impl Handler) {
    let log = ConnectionLog::opened(&stream);
    // ANCHOR: nodelay
    // Each response leaves in one write, so Nagle's algorithm (holding a
    // small segment back until the previous one is acknowledged) has nothing
    // to merge; it would only make a pipelining client wait for its own
    // delayed acknowledgement, about 40 ms per batch. Turn it off.
    let _ = stream.set_nodelay(true);
    // ANCHOR_END: nodelay
    let mut lines = LineReader::new(&stream);
    let mut answered = 0;
    let ending = loop {
        // The blocking read: wait here until a whole line has arrived (or
        // the client leaves). `LineReader` keeps any bytes that came after
        // the line for the next turn.
        let frame = match lines.read_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break Ending::ClientLeft,
            Err(error) => break Ending::Failed(error),
        };
        let Some(response) = respond(frame, handler) else {
            continue; // a blank line gets no response
        };
        answered += 1;
        // The write: the whole response line in one call.
        if let Err(error) = (&stream).write_all(format!("{response}\n").as_bytes()) {
            break Ending::Failed(error);
        }
        // `BYE` and some errors end the connection: close it in a way that
        // lets the last line arrive.
        if response.closes_connection() {
            lingering_close(&stream);
            break Ending::Closed(response);
        }
    };
    log.closed(answered, &ending);
    // `stream` is dropped here, which closes the socket.
}
// ANCHOR_END: serve

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
