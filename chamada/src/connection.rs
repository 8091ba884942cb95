//! Serving one connection: read a request line, send its response, repeat
//! until the client leaves.
//!
//! Every lesson runs this same loop; what differs between lessons is who
//! answers the requests, which is why the loop asks a [`Handler`]. Lesson 01
//! and 02 pass a closure that reaches the roll calls (directly, or through a
//! mutex); lesson 03 passes a handler that talks to its registry thread and
//! also checks the teacher key, the idle timeout and the shutdown signal.

use std::borrow::Borrow;
use std::fmt;
use std::io::{self, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::framing::{Frame, LineReader};
use crate::protocol::{Command, Request, Response, TeacherKey};

// ANCHOR: handler
/// Answers the requests of one connection.
pub trait Handler {
    /// Answers a request that reads or changes the roll calls.
    fn answer(&mut self, command: Command) -> Response;

    /// Answers `AUTH <key>`. A server without a teacher key accepts any key,
    /// so clients can always send it.
    fn authorize(&mut self, _key: TeacherKey) -> Response {
        Response::Authorized
    }

    /// Gives the server a word between requests: called after every response,
    /// and whenever a read times out (only if the server set a read timeout
    /// on the socket). `quiet_for` is how long the client has sent nothing.
    /// Returning a response sends it and closes the connection.
    fn interrupt(&mut self, _quiet_for: Duration) -> Option<Response> {
        None
    }
}

/// Any closure from a command to a response is a handler: that is all
/// lessons 01 and 02 need.
impl<F: FnMut(Command) -> Response> Handler for F {
    fn answer(&mut self, command: Command) -> Response {
        self(command)
    }
}
// ANCHOR_END: handler

// ANCHOR: serve
/// Serves one connection to its end, logging when it opens and closes.
///
/// Nothing a client does can make this panic: bad input gets an `ERROR`
/// line, and I/O errors just end this connection.
///
/// `stream` is the connection's socket, owned (`TcpStream`) or shared
/// (`Arc<TcpStream>`, as lesson 03 does so that shutdown can close it).
pub fn serve(stream: impl Borrow<TcpStream>, handler: &mut impl Handler) {
    let stream = stream.borrow();
    let peer = peer_name(stream);
    println!("{peer} connected");
    // ANCHOR: nodelay
    // Each response leaves in one write, so Nagle's algorithm (holding a
    // small segment back until the previous one is acknowledged) has nothing
    // to merge; it would only make a pipelining client wait for its own
    // delayed acknowledgement, about 40 ms per batch. Turn it off.
    let _ = stream.set_nodelay(true);
    // ANCHOR_END: nodelay
    let (ending, requests) = exchange(stream, handler);
    println!(
        "{peer} disconnected after {requests} request{}: {ending}",
        plural(requests)
    );
}
// ANCHOR_END: serve

/// The peer's address for the log, or a placeholder if the socket already died.
pub fn peer_name(stream: &TcpStream) -> String {
    stream
        .peer_addr()
        .map_or_else(|_| "(unknown peer)".to_owned(), |addr| addr.to_string())
}

/// Why a connection ended, for the log. Public so that a server with a
/// request loop of its own (the bonus event loop) logs the same words.
#[derive(Debug)]
pub enum Ending {
    /// The client closed its side.
    ClientLeft,
    /// The server sent a response that closes the connection (`BYE`, or an
    /// error such as `line-too-long`).
    Closed(Response),
    /// Reading or writing failed: reset by the peer, a write timeout...
    Failed(io::Error),
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::ClientLeft => f.write_str("the client closed the connection"),
            Ending::Closed(Response::Bye) => f.write_str("the client said QUIT"),
            Ending::Closed(Response::Error { code, .. }) => {
                write!(f, "closed by the server ({code})")
            }
            Ending::Closed(other) => write!(f, "closed by the server after {other}"),
            Ending::Failed(error) => write!(f, "{error}"),
        }
    }
}

// ANCHOR: exchange
/// The request loop. Returns why it ended and how many requests it answered.
fn exchange(stream: &TcpStream, handler: &mut impl Handler) -> (Ending, usize) {
    let mut lines = LineReader::new(stream);
    let mut last_heard = Instant::now();
    let mut answered = 0;
    loop {
        let response = match lines.read_frame() {
            Ok(Some(frame)) => {
                last_heard = Instant::now();
                match respond(frame, handler) {
                    Some(response) => {
                        answered += 1;
                        response
                    }
                    None => continue, // a blank line gets no response
                }
            }
            Ok(None) => return (Ending::ClientLeft, answered),
            Err(error) if is_timeout(&error) => match handler.interrupt(last_heard.elapsed()) {
                Some(last_word) => last_word,
                None => continue,
            },
            Err(error) => return (Ending::Failed(error), answered),
        };
        // A shutdown may have begun while this request was being answered;
        // the client gets its response, then the server's last word.
        let last_word = handler.interrupt(Duration::ZERO);
        for response in std::iter::once(response).chain(last_word) {
            if let Err(error) = send(stream, &response) {
                return (Ending::Failed(error), answered);
            }
            if response.closes_connection() {
                hang_up(stream);
                return (Ending::Closed(response), answered);
            }
        }
    }
}
// ANCHOR_END: exchange

/// The response to one frame, or `None` for a blank line. Public so that a
/// server with a request loop of its own (the bonus event loop) answers
/// exactly as this loop does.
pub fn respond(frame: Frame, handler: &mut impl Handler) -> Option<Response> {
    let line = match frame {
        Frame::Line(line) => line,
        Frame::NotUtf8 => {
            let message = "the request is not valid UTF-8 text";
            return Some(Response::error(crate::ErrorCode::BadRequest, message));
        }
        Frame::TooLong => return Some(Response::line_too_long()),
    };
    let response = match Request::parse(&line) {
        Ok(None) => return None,
        Ok(Some(Request::Command(command))) => handler.answer(command),
        Ok(Some(Request::Auth(key))) => handler.authorize(key),
        Ok(Some(Request::Help)) => Response::Help,
        Ok(Some(Request::Quit)) => Response::Bye,
        Err(bad) => Response::error(crate::ErrorCode::BadRequest, bad.0),
    };
    Some(response)
}

// ANCHOR: send
/// Writes one response line in a single `write_all`, so it leaves in one
/// piece rather than as a header and a tail.
fn send(mut stream: &TcpStream, response: &Response) -> io::Result<()> {
    let line = format!("{response}\n");
    stream.write_all(line.as_bytes())
}
// ANCHOR_END: send

/// Closes a connection the server chose to end, so that its last response
/// arrives. Closing a socket that still has unread input makes the system
/// send a reset (RST) instead of a normal end (FIN), and on some systems a
/// reset makes the client throw away what it had not read yet: our error
/// line. So: say we are done writing, read and discard what the client is
/// still sending (a bounded amount, for a bounded time), then close.
fn hang_up(mut stream: &TcpStream) {
    use std::io::Read;
    const DRAIN_LIMIT: usize = 64 * 1024;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // One deadline for the whole drain, not a timeout per read: a client
    // sending a byte now and then must not keep this thread (and its place
    // under a connection limit) for hours.
    let deadline = Instant::now() + Duration::from_millis(500);
    let mut scratch = [0; 4096];
    let mut drained = 0;
    while drained < DRAIN_LIMIT {
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

/// A read that gave up because of the socket's read timeout. Unix reports
/// it as `WouldBlock`, Windows as `TimedOut`.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
