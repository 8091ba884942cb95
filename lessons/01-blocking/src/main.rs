//! # Lesson 01: a blocking server, one client at a time
//!
//! The simplest server that works: bind a listening socket, then forever
//! accept one connection and serve it until the client leaves. Every call
//! here *blocks*: `accept` waits for a client to connect, and while one
//! client is being served, reading its next request waits for it to type.
//!
//! So a second client can connect (the operating system completes its TCP
//! handshake and keeps it in the listen backlog) but gets no answer until the
//! first one leaves. That is not a bug to fix here: it is what this lesson
//! shows, and what lesson 02 fixes.

// ANCHOR: all
// ANCHOR: args
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use chamada::connection::{lingering_close, respond, ConnectionLog, Ending};
use chamada::{server, Handler, LineReader, ServerArgs, StartupError};
use clap::Parser;

/// Lesson 01: a roll-call server that serves one client at a time.
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
    // The state is a plain local variable: only one connection is ever
    // served at a time, so nothing else can touch it.
    let mut roll_calls = args.server.roll_calls()?;
    // ANCHOR_END: state

    // ANCHOR: bind
    let listener = TcpListener::bind(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    server::announce(&listener);
    // ANCHOR_END: bind

    // ANCHOR: accept_loop
    for connection in listener.incoming() {
        match connection {
            // Serve this client to its end; only then accept the next one.
            Ok(stream) => serve(stream, &mut |command| roll_calls.answer(command)),
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
// ANCHOR_END: all
