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
use chamada::{server, Ending, ErrorCode, Request, Response, RollCalls, ServerArgs, StartupError};
// ANCHOR_END: args

// ANCHOR: state
fn main() -> Result<(), StartupError> {
    // --bind, --max-students, --max-classes (see --help).
    let args = ServerArgs::from_command_line(env!("CARGO_PKG_NAME"));
    // The state is a plain local variable: only one connection is ever
    // served at a time, so nothing else can touch it.
    let mut roll_calls = args.roll_calls()?;
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
            // Serve this client to its end; only then accept the next one.
            Ok((stream, _peer)) => serve(stream, &mut roll_calls),
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
/// Lesson 02 has this same function, but for the one line that answers a
/// command (there, under a lock): it changes who answers, not how a
/// connection is served.
fn serve(stream: TcpStream, roll_calls: &mut RollCalls) {
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
        let Some(response) = respond(frame, roll_calls) else {
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
fn respond(frame: Frame, roll_calls: &mut RollCalls) -> Option<Response> {
    let line = match frame {
        Frame::Line(line) => line,
        Frame::NotUtf8 => return Some(Response::error(ErrorCode::BadRequest, NOT_UTF8)),
        Frame::TooLong => return Some(Response::line_too_long()),
    };
    let response = match Request::parse(&line) {
        Ok(None) => return None,
        Ok(Some(Request::Command(command))) => roll_calls.answer(command),
        // This server has no teacher key: anyone may teach (lesson 03 adds one).
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
