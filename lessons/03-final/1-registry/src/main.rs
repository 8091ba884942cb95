//! # Lesson 03, step 1: one thread owns the state
//!
//! Lesson 02 with one change: the roll calls are no longer behind a
//! `Mutex` that every connection thread locks in turn. One thread, the
//! registry (`registry.rs`), owns them; connection threads send it each
//! command over a channel and wait for its answer. Nothing is shared, so
//! nothing is locked, and the order in which the registry takes its
//! messages is the order of events.
//!
//! The library (`chamada`) gives this file the protocol's types (parsing a
//! request, writing a response) and the roll-call state. Every socket call
//! is here.

// ANCHOR: all
// ANCHOR: args
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use chamada::connection::{connected_line, disconnected_line};
use chamada::framing::{decode, Frame, MAX_LINE};
use chamada::{server, Ending, ErrorCode, Request, Response, ServerArgs, StartupError};

mod registry;
use registry::Registry;
// ANCHOR_END: args

// ANCHOR: state
fn main() -> Result<(), StartupError> {
    // --bind, --max-students, --max-classes (see --help).
    let args = ServerArgs::from_command_line(env!("CARGO_PKG_NAME"));
    // The registry thread takes the state; we keep a handle to reach it.
    let registry = Registry::start(args.roll_calls()?);
    // ANCHOR_END: state

    // ANCHOR: bind
    // socket + bind + listen, in one call: from here on the system
    // completes handshakes for us and queues them until we `accept`.
    let listener = TcpListener::bind(args.bind)
        .map_err(|error| StartupError::cannot_listen(args.bind, error))?;
    // Always the first line: with port 0 it is the only way to learn the
    // port the system picked.
    println!("{}", server::announcement(&listener));
    // ANCHOR_END: bind

    // ANCHOR: accept_loop
    loop {
        match listener.accept() {
            Ok((stream, _peer)) => {
                // Each thread gets its own handle to the registry.
                let registry = registry.clone();
                thread::spawn(move || serve(stream, &registry));
            }
            // Usually one would-be client's problem (it reset the connection
            // before we got to it): keep listening. But when the process is
            // out of file descriptors, every accept fails at once until a
            // connection closes; wait a moment rather than spin.
            Err(error) => {
                eprintln!("{}", server::accept_failed_line(&error));
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
    // ANCHOR_END: accept_loop
}

// ANCHOR: serve
/// Serves one client until it leaves: read a request line, write its
/// response, again and again.
///
/// Lesson 02's function, but for the one line that answers a command (here,
/// by asking the registry).
fn serve(stream: TcpStream, registry: &Registry) {
    let peer = peer_name(&stream);
    // The log's words come from the library, in the reader's language, so
    // that every server's log reads the same.
    println!("{}", connected_line(&peer));
    // ANCHOR: nodelay
    // Each response leaves in one write, so Nagle's algorithm (holding a
    // small segment back until the previous one is acknowledged) has nothing
    // to merge; it would only make a pipelining client wait for its own
    // delayed acknowledgement, about 40 ms per batch. Turn it off.
    let _ = stream.set_nodelay(true);
    // ANCHOR_END: nodelay
    // Reads go through a buffer: one `read` may bring several requests (or
    // half of one), and the buffer keeps what comes after the current line.
    let mut input = BufReader::new(&stream);
    let mut answered = 0;
    let ending = loop {
        let frame = match read_request(&mut input) {
            Ok(Some(frame)) => frame,
            Ok(None) => break Ending::ClientLeft,
            Err(error) => break Ending::Failed(error),
        };
        let Some(response) = respond(frame, registry) else {
            continue; // a blank line gets no response
        };
        answered += 1;
        // The write: the whole response line in one call.
        if let Err(error) = (&stream).write_all(format!("{response}\n").as_bytes()) {
            break Ending::Failed(error);
        }
        // `BYE` and some errors end the connection.
        if response.closes_connection() {
            lingering_close(&stream);
            break Ending::Closed(response);
        }
    };
    println!("{}", disconnected_line(&peer, answered, &ending));
    // `stream` is dropped here, which closes the socket.
}
// ANCHOR_END: serve

// ANCHOR: read_request
/// The blocking read: waits until a whole request line has arrived.
///
/// `take` is what bounds memory: it never lets `read_until` go past
/// [`MAX_LINE`] bytes, even if the client sends megabytes without a
/// newline. Returns `None` when the client has left; an unfinished last
/// line is dropped, because a request is only a request once its `\n`
/// arrives.
fn read_request(input: &mut BufReader<&TcpStream>) -> io::Result<Option<Frame>> {
    let mut line = Vec::with_capacity(MAX_LINE);
    input.take(MAX_LINE as u64).read_until(b'\n', &mut line)?;
    if line.ends_with(b"\n") {
        Ok(Some(decode(&line))) // the text without "\n" or "\r\n", if it is UTF-8
    } else if line.len() == MAX_LINE {
        Ok(Some(Frame::TooLong)) // no newline within the limit
    } else {
        Ok(None) // the stream ended
    }
}
// ANCHOR_END: read_request

// ANCHOR: respond
/// The sentence of the `bad-request` error for a line that is not text.
const NOT_UTF8: &str = "the request is not valid UTF-8 text";

/// Parses one request and answers it, or `None` for a blank line.
fn respond(frame: Frame, registry: &Registry) -> Option<Response> {
    let line = match frame {
        Frame::Line(line) => line,
        Frame::NotUtf8 => return Some(Response::error(ErrorCode::BadRequest, NOT_UTF8)),
        Frame::TooLong => return Some(Response::line_too_long()),
    };
    let response = match Request::parse(&line) {
        Ok(None) => return None,
        Ok(Some(Request::Command(command))) => registry.ask(command),
        // This server has no teacher key: anyone may teach (step 3 adds one).
        Ok(Some(Request::Auth(_))) => Response::Authorized,
        Ok(Some(Request::Help)) => Response::Help,
        Ok(Some(Request::Quit)) => Response::Bye,
        Err(bad) => Response::error(ErrorCode::BadRequest, bad.0),
    };
    Some(response)
}
// ANCHOR_END: respond

// ANCHOR: lingering_close
/// Closes a connection the server chose to end, so that its last response
/// arrives.
///
/// Closing a socket that still has unread input makes the system send a
/// reset instead of a normal end, and a reset can destroy our last line
/// before the client reads it. So: say we are done writing (the FIN follows
/// our last line), read and throw away what the client is still sending
/// (64 KiB and half a second at most, in all), then close.
///
/// The library has the same function (`chamada::connection::
/// lingering_close`) for the servers after lesson 03's second step; it is
/// written out here so that every socket call of this lesson is in its file.
fn lingering_close(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    // One deadline for the whole drain: a client sending a byte now and
    // then cannot keep us here.
    let deadline = Instant::now() + Duration::from_millis(500);
    let mut scratch = [0; 4096];
    let mut drained = 0;
    while drained < 64 * 1024 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut scratch) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}
// ANCHOR_END: lingering_close

/// The client's address, as the log shows it.
fn peer_name(stream: &TcpStream) -> String {
    stream
        .peer_addr()
        .map_or_else(|_| "(unknown peer)".to_owned(), |addr| addr.to_string())
}
// ANCHOR_END: all
