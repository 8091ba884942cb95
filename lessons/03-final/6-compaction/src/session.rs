//! Serving one connection of lesson 03: the request loop of lessons 01 and
//! 02, plus what a server needs before a real class can rely on it.
//!
//! - Requests go to the registry (step 1), never to the state directly.
//! - The teacher key, in [`Session::answer`] and [`KeyCheck`]: three wrong
//!   keys on one connection and the server hangs up.
//! - The idle timeout: the socket's read timeout ([`crate::TICK`]) makes the
//!   blocked read give up every so often, so the loop can look at the clock.
//! - The write timeout: one deadline for each whole response ([`send_within`]),
//!   and a reset for a client that misses it ([`abandon`]).
//! - The shutdown notice: checked after every event, blank lines included.

use std::fmt;
use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chamada::connection::{is_timeout, lingering_close, respond, ConnectionLog, Ending};
use chamada::{Command, Handler, LineReader, Response, TeacherKey};
use socket2::SockRef;
use subtle::ConstantTimeEq;

use crate::registry::Registry;
use crate::shutdown::Shutdown;
use crate::Config;

// ANCHOR: session
/// Everything one connection thread needs.
pub struct Session {
    /// The way to the roll calls.
    pub registry: Registry,
    /// The server's settings, shared by all connections.
    pub config: Arc<Config>,
    /// The server-wide shutdown signal.
    pub shutdown: Shutdown,
    /// What this connection has shown of the teacher key. It belongs to
    /// the connection, not the client: a new connection starts
    /// unauthorized, with all its tries.
    pub keys: KeyCheck,
    /// The client's address, for the log.
    pub peer: String,
}
// ANCHOR_END: session

impl Handler for Session {
    // ANCHOR: answer
    fn answer(&mut self, command: Command) -> Response {
        let key_needed = self.config.teacher_key.is_some() && !self.keys.is_teacher();
        if command.is_for_teachers() && key_needed {
            return Response::teachers_only();
        }
        self.registry.ask(command)
    }
    // ANCHOR_END: answer

    // ANCHOR: authorize
    fn authorize(&mut self, key: TeacherKey) -> Response {
        let expected = self.config.teacher_key.as_ref();
        self.keys.authorize(Some(&key), expected, &self.peer)
    }

    fn malformed_key(&mut self) {
        let expected = self.config.teacher_key.as_ref();
        // Answered `ERROR bad-request` by `respond`; here it only counts.
        let _ = self.keys.authorize(None, expected, &self.peer);
    }
    // ANCHOR_END: authorize
}

// ANCHOR: key_check
/// After this many wrong keys on one connection the server hangs up: a
/// guesser must reconnect every three tries, and every wrong try is logged.
pub const MAX_WRONG_KEYS: u32 = 3;

/// What one connection has shown of the teacher key: whether its latest
/// `AUTH` was right, and how many were wrong. (The bonus event loop keeps
/// one per connection too.)
#[derive(Debug, Default)]
pub struct KeyCheck {
    /// Whether the latest `AUTH` had the right key.
    is_teacher: bool,
    /// How many `AUTH`s had a wrong (or malformed) key.
    wrong: u32,
}

impl KeyCheck {
    /// Whether this connection may send teacher requests.
    pub fn is_teacher(&self) -> bool {
        self.is_teacher
    }

    /// Whether the connection has used up its tries: then the server
    /// hangs up after the response.
    pub fn exhausted(&self) -> bool {
        self.wrong >= MAX_WRONG_KEYS
    }

    /// Judges one `AUTH` on a server that expects `expected` (if any):
    /// `key` is what was sent, `None` if it was not even a valid key. Each
    /// `AUTH` replaces the verdict of the one before it, so a wrong or
    /// malformed key takes an earlier authorization back. A wrong key is
    /// logged with the client's address, never the key.
    pub fn authorize(
        &mut self,
        key: Option<&TeacherKey>,
        expected: Option<&TeacherKey>,
        peer: impl fmt::Display,
    ) -> Response {
        let Some(expected) = expected else {
            return Response::Authorized; // no key on this server: anyone may teach
        };
        self.is_teacher = key.is_some_and(|key| same_key(key, expected));
        if self.is_teacher {
            return Response::Authorized;
        }
        self.wrong += 1;
        let (peer, tries) = (peer.to_string(), self.wrong);
        let wrong = chamada::t!(
            "server-wrong-key",
            peer = peer,
            tries = tries,
            max = MAX_WRONG_KEYS
        );
        tracing::warn!("{wrong}");
        Response::wrong_key()
    }
}

/// Whether two keys are the same, in a time that depends on neither.
///
/// `==` may stop at the first block of bytes that differs, so how long it
/// takes can tell an attacker roughly where a guess went wrong; `ct_eq`
/// looks at every byte, but returns at once when the lengths differ, which
/// would tell the key's length. So both keys are first laid in arrays of
/// the longest length a key may have, padded with zeros (a key's own bytes
/// are printable, never zero), and the arrays compared whole.
pub fn same_key(guess: &TeacherKey, expected: &TeacherKey) -> bool {
    bool::from(padded(guess).ct_eq(&padded(expected)))
}

fn padded(key: &TeacherKey) -> [u8; TeacherKey::MAX_LEN] {
    let mut bytes = [0; TeacherKey::MAX_LEN];
    bytes[..key.as_bytes().len()].copy_from_slice(key.as_bytes());
    bytes
}
// ANCHOR_END: key_check

impl Session {
    // ANCHOR: last_word
    /// What the server says on its own, unasked, before it hangs up: the
    /// shutdown notice once shutdown has begun, or the idle timeout when
    /// the client has been `quiet_for` (without a request) at least the
    /// idle timeout. `None` while neither applies.
    fn last_word(&self, quiet_for: Duration) -> Option<Response> {
        if self.shutdown.has_begun() {
            Some(Response::shutdown())
        } else if quiet_for >= self.config.idle_timeout {
            Some(Response::timeout(self.config.idle_timeout.as_secs()))
        } else {
            None
        }
    }
    // ANCHOR_END: last_word
}

// ANCHOR: serve
/// Serves one connection to its end, logging when it opens and closes.
///
/// The socket must have a read timeout (lesson 03 uses [`crate::TICK`]):
/// without one, the loop could not notice a shutdown or an idle client
/// while a read is blocked.
pub fn serve(stream: &TcpStream, session: &mut Session) {
    let log = ConnectionLog::opened(stream);
    let _ = stream.set_nodelay(true); // as in lessons 01 and 02
    let (ending, answered) = exchange(stream, session);
    log.closed(answered, &ending);
}
// ANCHOR_END: serve

// ANCHOR: exchange
/// The request loop. Returns why it ended and how many requests it answered.
fn exchange(stream: &TcpStream, session: &mut Session) -> (Ending, usize) {
    let mut lines = LineReader::new(stream);
    let mut last_request = Instant::now();
    let mut answered = 0;
    loop {
        // Wait for a line, but never longer than the read timeout, and
        // look up after every read that brought only part of one: a client
        // trickling bytes must not keep us from the clock.
        let response = match lines.read_frame_or_pause() {
            Ok(Some(frame)) => respond(frame, session),
            Ok(None) => return (Ending::ClientLeft, answered),
            Err(error) if is_timeout(&error) => None, // time to look up
            Err(error) => return (Ending::Failed(error), answered),
        };
        // A blank line gets no response, and does not count as activity:
        // otherwise a client could hold its place for ever with blank lines.
        if let Some(response) = response {
            last_request = Instant::now();
            answered += 1;
            if let Err(error) = send_within(stream, &response, session.config.write_timeout) {
                return (abandon(stream, error), answered);
            }
            // `BYE` and some errors end the connection, and so does the
            // last of too many wrong keys.
            if response.closes_connection() || session.keys.exhausted() {
                lingering_close(stream);
                return (Ending::Closed(response), answered);
            }
        }
        // After every event (a request, a blank line, a timed-out read),
        // the server may have something to say: then it says it and hangs
        // up, whatever the response is.
        if let Some(last_word) = session.last_word(last_request.elapsed()) {
            let sent = send_within(stream, &last_word, session.config.write_timeout);
            lingering_close(stream);
            return match sent {
                Ok(()) => (Ending::Closed(last_word), answered),
                Err(error) => (abandon(stream, error), answered),
            };
        }
    }
}
// ANCHOR_END: exchange

// ANCHOR: send_within
/// Sends one response line, giving up if the whole line has not left
/// within `limit`.
///
/// A socket's write timeout (SO_SNDTIMEO) limits each `write` call, not a
/// whole response: a client that reads a few bytes now and then lets every
/// call make a little progress and could keep a long response (and this
/// thread) going for ever. So the loop sets the timeout of each call to
/// what is left of one deadline.
fn send_within(mut stream: &TcpStream, response: &Response, limit: Duration) -> io::Result<()> {
    let line = format!("{response}\n");
    let mut unsent = line.as_bytes();
    let deadline = Instant::now() + limit;
    while !unsent.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(too_slow(limit));
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(unsent) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(sent) => unsent = &unsent[sent..],
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) if is_timeout(&error) => return Err(too_slow(limit)),
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
// ANCHOR_END: send_within

// ANCHOR: abandon
/// Gives up on a connection whose response could not be sent.
///
/// A plain close would leave the system sending what is still queued (up
/// to megabytes of a long response) to a client that reads a trickle, for
/// as long as it keeps reading. With SO_LINGER set to zero, the close that
/// follows sends a reset instead and throws the queued bytes away.
fn abandon(stream: &TcpStream, error: io::Error) -> Ending {
    let _ = SockRef::from(stream).set_linger(Some(Duration::ZERO));
    Ending::Failed(error)
}
// ANCHOR_END: abandon

/// The error a response that missed its deadline ends the connection with.
fn too_slow(limit: Duration) -> io::Error {
    let message = format!(
        "the client did not take its response within the write timeout ({} s)",
        limit.as_secs_f64()
    );
    io::Error::new(io::ErrorKind::TimedOut, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> TeacherKey {
        TeacherKey::parse(text).unwrap()
    }

    #[test]
    fn same_key_tells_keys_apart_whatever_their_lengths() {
        assert!(same_key(&key("change-me"), &key("change-me")));
        assert!(!same_key(&key("change-m"), &key("change-me")));
        assert!(!same_key(&key("change-me!"), &key("change-me")));
        assert!(!same_key(&key("change-mE"), &key("change-me")));
        let longest = "k".repeat(TeacherKey::MAX_LEN);
        assert!(same_key(&key(&longest), &key(&longest)));
        assert!(!same_key(&key(&longest), &key(&longest[1..])));
    }
}
