//! The pieces of serving one connection that every server shares: turning a
//! frame into a response, the log lines, and the close that lets a last
//! response arrive.
//!
//! The request loop itself (read a line, write its response, repeat) is
//! what the lessons teach, so each lesson writes its own loop in its own
//! files: lessons 01 and 02 a plain blocking loop, lesson 03 one with
//! timeouts and a shutdown notice. [`serve`] here is the plain loop once
//! more, for code that is not a lesson (the exercises, the bug hunt).

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use crate::framing::{Frame, LineReader};
use crate::protocol::{Command, ErrorCode, Request, Response, TeacherKey};
use crate::t;

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

    /// Hears of an `AUTH` whose key is not even valid (it is answered
    /// `ERROR bad-request`). A server with a teacher key takes it as a
    /// wrong key: each `AUTH` replaces the verdict of the one before.
    fn malformed_key(&mut self) {}
}

/// Any closure from a command to a response is a handler: that is all the
/// plain loop ([`serve`], for the exercises and the bug hunt) needs.
impl<F: FnMut(Command) -> Response> Handler for F {
    fn answer(&mut self, command: Command) -> Response {
        self(command)
    }
}
// ANCHOR_END: handler

// ANCHOR: respond
/// The response to one frame, or `None` for a blank line (which gets none).
///
/// Everything about a request that is the same in every server is here:
/// bad UTF-8, a line over the limit, a request that does not parse, `HELP`
/// and `QUIT`. Only commands and `AUTH` go to the handler.
pub fn respond(frame: Frame, handler: &mut impl Handler) -> Option<Response> {
    let line = match frame {
        Frame::Line(line) => line,
        Frame::NotUtf8 => {
            let message = "the request is not valid UTF-8 text";
            return Some(Response::error(ErrorCode::BadRequest, message));
        }
        Frame::TooLong => return Some(Response::line_too_long()),
    };
    let response = match Request::parse(&line) {
        Ok(None) => return None,
        Ok(Some(Request::Command(command))) => handler.answer(command),
        Ok(Some(Request::Auth(key))) => handler.authorize(key),
        Ok(Some(Request::Help)) => Response::Help,
        Ok(Some(Request::Quit)) => Response::Bye,
        Err(bad) => {
            if Request::names_auth(&line) {
                handler.malformed_key();
            }
            Response::error(ErrorCode::BadRequest, bad.0)
        }
    };
    Some(response)
}
// ANCHOR_END: respond

/// The plain blocking request loop, as lessons 01 and 02 write it out in
/// their own `main.rs`: read a line, send its response, until the client
/// leaves or a response closes the connection. Logs the connection's
/// opening and end. For servers that are not lessons.
pub fn serve(stream: TcpStream, handler: &mut impl Handler) {
    let log = ConnectionLog::opened(&stream);
    let _ = stream.set_nodelay(true); // see lesson 01 for why
    let mut lines = LineReader::new(&stream);
    let mut answered = 0;
    let ending = loop {
        let frame = match lines.read_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break Ending::ClientLeft,
            Err(error) => break Ending::Failed(error),
        };
        let Some(response) = respond(frame, handler) else {
            continue;
        };
        answered += 1;
        if let Err(error) = (&stream).write_all(format!("{response}\n").as_bytes()) {
            break Ending::Failed(error);
        }
        if response.closes_connection() {
            lingering_close(&stream);
            break Ending::Closed(response);
        }
    };
    log.closed(answered, &ending);
}

// ANCHOR: log
/// The two lines every server logs for a connection: when it opens, and
/// when and why it ends. All lessons log them word for word the same, so
/// their transcripts can be compared. The words are the catalogue's
/// (`log-connected`, `log-disconnected`), in the reader's language.
pub struct ConnectionLog {
    /// The client's address, as the log shows it.
    peer: String,
}

impl ConnectionLog {
    /// Logs `<peer> connected` for a newly accepted connection.
    pub fn opened(stream: &TcpStream) -> ConnectionLog {
        let peer = peer_name(stream);
        log_connected(&peer);
        ConnectionLog { peer }
    }

    /// Logs `<peer> disconnected after <n> requests: <why>`.
    pub fn closed(self, requests: usize, ending: &Ending) {
        log_disconnected(&self.peer, requests, ending);
    }
}

/// The `<peer> connected` line, for a server that keeps no
/// [`ConnectionLog`] per connection (the bonus event loop).
pub fn log_connected(peer: impl fmt::Display) {
    tracing::info!("{}", connected_line(peer));
}

/// The text of the `<peer> connected` line, in the reader's language, for
/// a server that prints its log itself (lessons 01 and 02 use `println!`).
pub fn connected_line(peer: impl fmt::Display) -> String {
    t!("log-connected", peer = peer.to_string())
}

/// The `<peer> disconnected after <n> requests: <why>` line.
pub fn log_disconnected(peer: impl fmt::Display, requests: usize, ending: &Ending) {
    tracing::info!("{}", disconnected_line(peer, requests, ending));
}

/// The text of the `<peer> disconnected after <n> requests: <why>` line.
pub fn disconnected_line(peer: impl fmt::Display, requests: usize, ending: &Ending) -> String {
    let (peer, why) = (peer.to_string(), ending.to_string());
    t!(
        "log-disconnected",
        peer = peer,
        requests = requests,
        why = why
    )
}
// ANCHOR_END: log

/// The peer's address for the log, or a placeholder if the socket already died.
pub fn peer_name(stream: &TcpStream) -> String {
    stream
        .peer_addr()
        .map_or_else(|_| t!("log-unknown-peer"), |addr| addr.to_string())
}

/// Why a connection ended, for the log.
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
        let why = match self {
            Ending::ClientLeft => t!("ending-client-left"),
            Ending::Closed(Response::Bye) => t!("ending-quit"),
            Ending::Closed(Response::Error { code, .. }) => {
                t!("ending-error", code = code.as_str())
            }
            Ending::Closed(other) => t!("ending-after", response = other.to_string()),
            Ending::Failed(error) => t!("ending-failed", error = error.to_string()),
        };
        f.write_str(&why)
    }
}

// ANCHOR: lingering_close
/// Closes a connection the server chose to end, so that its last response
/// arrives.
///
/// Closing a socket that still has unread input makes the system send a
/// reset (RST) instead of a normal end (FIN). A reset loses what had not
/// reached the client yet, and a Windows client also discards what had
/// arrived but it had not read: our last line. (Linux keeps that readable.)
/// So, a lingering close: say we are done writing (the FIN follows our last
/// line), read and discard what the client is still sending (at most
/// 64 KiB, for at most 500 ms in all), then close.
pub fn lingering_close(mut stream: &TcpStream) {
    const DRAIN_LIMIT: usize = 64 * 1024;
    let _ = stream.shutdown(Shutdown::Write);
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
// ANCHOR_END: lingering_close

/// A read or write that gave up because of the socket's timeout. Unix
/// reports it as `WouldBlock`, Windows as `TimedOut`.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
