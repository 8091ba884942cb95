//! One client's connection, as the event loop sees it.
//!
//! In lesson 03 a connection is a thread, and where that thread stands in
//! its code (waiting for a line, writing an answer) *is* the connection's
//! state. Here nothing waits: each time its socket is ready, the loop calls
//! [`Connection::advance`], which does all it can without blocking and
//! returns. So everything that must survive until the next event lives in
//! the [`Connection`] value: the start of a request whose end has not
//! arrived, the responses the system has not taken yet, and the [`Stage`]
//! the conversation is at.
//!
//! The write timeout is one deadline per connection, not per response as
//! in lesson 03: from the moment the socket first refuses to take more of
//! our output, everything waiting for the client (however many responses,
//! including any queued meanwhile) must have left within the write timeout.
//! If it has not, the connection is reset (see [`Connection::on_deadline`]).

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use chamada::connection::{respond, Ending};
use chamada::{framing, Frame, Response, MAX_LINE};
use lesson_03_final::session::KeyCheck;
use lesson_03_final::Config;
use mio::net::TcpStream;
use socket2::SockRef;

use crate::desk::{Clerk, Desk};

/// Once this much output waits for a client, its requests wait too: a
/// client that sends requests and never reads the answers then costs at
/// most this (plus one response), never more.
const OUTPUT_LIMIT: usize = 64 * 1024;

/// After its last response, how long the server reads and discards what
/// the client still sends before closing (see [`Stage::Lingering`]), and
/// how many bytes at most: the numbers of `chamada::connection::lingering_close`.
const LINGER: Duration = Duration::from_millis(500);
const DRAIN_LIMIT: usize = 64 * 1024;

// ANCHOR: connection
/// Everything the loop knows about one client.
pub struct Connection {
    /// The socket, non-blocking: `read` and `write` never wait.
    stream: TcpStream,
    /// The client's address, for the log.
    peer: SocketAddr,
    /// Bytes received that do not make a whole line yet: at most
    /// [`MAX_LINE`], the same limit as every lesson's.
    input: Vec<u8>,
    /// Responses the system has not taken yet, because the client is not
    /// reading them fast enough. Only this client's bytes wait here.
    output: Vec<u8>,
    /// Where the conversation stands.
    stage: Stage,
    /// Why the connection is ending, once it is.
    ending: Option<Ending>,
    /// When the last request (not a blank line) arrived: the idle timeout
    /// counts from here.
    last_heard: Instant,
    /// When the system first refused our output, while some still waits:
    /// the write timeout counts from here, one deadline for all of it.
    stuck_since: Option<Instant>,
    /// What this connection has shown of the teacher key.
    keys: KeyCheck,
    /// Requests answered, for the log.
    answered: usize,
    /// False for a client turned away (`ERROR busy`): it holds no place
    /// under the connection limit, and the log says nothing of its end.
    admitted: bool,
}

/// The stages of a conversation.
enum Stage {
    /// Reading requests and answering them.
    Talking,
    /// Over (the client left, or the server said its last word): sending
    /// what is still waiting in `output`.
    Leaving,
    /// All sent and our side shut: reading and discarding whatever the
    /// client still sends until it closes too, or until `until`. Closing a
    /// socket with unread input sends a reset, which can make the client
    /// lose our last line (see `chamada::connection::lingering_close`).
    Lingering { until: Instant, drained: usize },
}
// ANCHOR_END: connection

/// What [`Connection::advance`] and [`Connection::on_deadline`] return:
/// `Ok` while the connection goes on, `Err` with the reason once it is over.
pub type Progress = Result<(), Ending>;

impl Connection {
    /// A connection just accepted and registered with `poll`.
    pub fn new(stream: TcpStream, peer: SocketAddr) -> Connection {
        Connection {
            stream,
            peer,
            input: Vec::with_capacity(MAX_LINE),
            output: Vec::new(),
            stage: Stage::Talking,
            ending: None,
            last_heard: Instant::now(),
            stuck_since: None,
            keys: KeyCheck::default(),
            answered: 0,
            admitted: true,
        }
    }

    /// A client the server is too full to serve: it is told `busy` (one
    /// line, which a new socket's empty send buffer takes at once) and then
    /// goes through the same lingering close as any other connection, so
    /// that a request it sent before reading does not turn our close into
    /// a reset that could cost it the line.
    pub fn turned_away(stream: TcpStream, peer: SocketAddr, busy: Response) -> Connection {
        let mut connection = Connection::new(stream, peer);
        connection.admitted = false;
        connection.queue(&busy);
        connection.end(Ending::Closed(busy));
        connection
    }

    /// Whether this connection holds a place under the connection limit.
    pub fn is_admitted(&self) -> bool {
        self.admitted
    }

    /// The client's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// How many requests this connection has answered.
    pub fn answered(&self) -> usize {
        self.answered
    }

    /// The socket, to register it with `poll` or take it off.
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    // ANCHOR: advance
    /// Does everything this connection can do now without waiting: send
    /// what waits, answer whole requests, read more, hang up. Called
    /// whenever `poll` says the socket is ready.
    ///
    /// `mio` tells us when a socket *becomes* ready, not while it stays
    /// ready: so each time, we go on until the system says `WouldBlock`,
    /// or we would never hear about this socket again.
    pub fn advance(&mut self, desk: &mut Desk) -> Progress {
        loop {
            self.flush()?;
            if !self.output.is_empty() {
                return Ok(()); // the client reads slowly: wait until writable
            }
            match self.stage {
                Stage::Talking => {
                    if !self.serve(desk)? {
                        return self.flush(); // nothing more to read for now
                    }
                }
                Stage::Leaving => self.shut_our_side(),
                Stage::Lingering { .. } => return self.drain(),
            }
        }
    }
    // ANCHOR_END: advance

    // ANCHOR: serve
    /// Answers every whole request in `input`, reading more as it goes.
    /// Returns `true` to come back once the output has gone out (too much
    /// is waiting, or the conversation is over), `false` when the socket
    /// has nothing more for now.
    fn serve(&mut self, desk: &mut Desk) -> Result<bool, Ending> {
        while self.output.len() < OUTPUT_LIMIT {
            // A client may send many requests in one go: one read can bring
            // several lines, and the last one may be cut in half.
            if let Some(frame) = next_frame(&mut self.input) {
                self.answer(frame, desk);
                if !matches!(self.stage, Stage::Talking) {
                    return Ok(true);
                }
                continue;
            }
            match read_more(&mut self.stream, &mut self.input) {
                Ok(0) => {
                    self.end(Ending::ClientLeft);
                    return Ok(true);
                }
                Ok(_) => continue,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(Ending::Failed(error)),
            }
        }
        Ok(true)
    }
    // ANCHOR_END: serve

    /// Answers one frame with the library's `respond`, as every lesson does.
    fn answer(&mut self, frame: Frame, desk: &mut Desk) {
        let mut clerk = Clerk {
            desk,
            keys: &mut self.keys,
            peer: self.peer,
        };
        let Some(response) = respond(frame, &mut clerk) else {
            return; // a blank line: no answer, and it does not count as activity
        };
        self.last_heard = Instant::now();
        self.answered += 1;
        self.queue(&response);
        // As in lesson 03: the last of too many wrong keys ends it too.
        if response.closes_connection() || self.keys.exhausted() {
            self.end(Ending::Closed(response));
        }
    }

    /// The server's last word (`ERROR timeout`, `ERROR shutdown`), which
    /// answers no request: queued after any response still waiting.
    pub fn say_last_word(&mut self, response: Response) {
        if matches!(self.stage, Stage::Talking) {
            self.queue(&response);
            self.end(Ending::Closed(response));
        }
    }

    fn queue(&mut self, response: &Response) {
        // Writing into a Vec cannot fail.
        let _ = writeln!(self.output, "{response}");
    }

    fn end(&mut self, ending: Ending) {
        self.ending = Some(ending);
        self.stage = Stage::Leaving;
    }

    // ANCHOR: flush
    /// Hands the system as much of `output` as it takes now.
    fn flush(&mut self) -> Progress {
        while !self.output.is_empty() {
            match self.stream.write(&self.output) {
                Ok(0) => return Err(Ending::Failed(io::ErrorKind::WriteZero.into())),
                Ok(written) => {
                    self.output.drain(..written);
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    // The socket's send buffer is full: the client is not
                    // reading. Keep the rest, and start the write timeout's
                    // clock if it is not running yet.
                    self.stuck_since.get_or_insert_with(Instant::now);
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(Ending::Failed(error)),
            }
        }
        self.stuck_since = None;
        Ok(())
    }
    // ANCHOR_END: flush

    /// Says we are done writing (the client reads the end of the stream),
    /// and starts reading and discarding what it still sends.
    fn shut_our_side(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        self.stage = Stage::Lingering {
            until: Instant::now() + LINGER,
            drained: 0,
        };
    }

    /// Reads and discards until the client closes, or enough has come.
    fn drain(&mut self) -> Progress {
        let Stage::Lingering { drained, .. } = &mut self.stage else {
            return Ok(());
        };
        let mut scratch = [0; 4096];
        while *drained < DRAIN_LIMIT {
            match self.stream.read(&mut scratch) {
                Ok(0) => break,
                Ok(n) => *drained += n,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        Err(self.take_ending())
    }

    fn take_ending(&mut self) -> Ending {
        self.ending.take().unwrap_or(Ending::ClientLeft)
    }

    // ANCHOR: deadline
    /// The one moment by which something must happen on this connection.
    pub fn deadline(&self, config: &Config) -> Instant {
        match (self.stuck_since, &self.stage) {
            (Some(since), _) => since + config.write_timeout,
            (None, Stage::Lingering { until, .. }) => *until,
            (None, _) => self.last_heard + config.idle_timeout,
        }
    }

    /// Called by the loop once [`Connection::deadline`] has passed.
    pub fn on_deadline(&mut self, now: Instant, desk: &mut Desk) -> Progress {
        if now < self.deadline(&desk.config) {
            return Ok(()); // moved on since (the loop checks anyway)
        }
        if self.stuck_since.is_some() {
            // Its responses have not left for the whole write timeout: the
            // client has stopped reading, or reads a trickle. Nothing more
            // can reach it, so hang up without a word.
            let seconds = desk.config.write_timeout.as_secs_f64();
            let message = format!(
                "the client did not take the output waiting for it within the write timeout \
                 ({seconds} s)"
            );
            return Err(self.abandon(message));
        }
        match self.stage {
            Stage::Talking => {
                let seconds = desk.config.idle_timeout.as_secs();
                self.say_last_word(Response::timeout(seconds));
                self.advance(desk)
            }
            _ => Err(self.take_ending()), // the lingering close is over
        }
    }
    // ANCHOR_END: deadline

    /// Gives up on the connection (the shutdown's grace period is over):
    /// why it ends, for the log.
    pub fn give_up(&mut self) -> Ending {
        if self.stuck_since.is_some() {
            return self.abandon("the output waiting for the client never left".to_owned());
        }
        self.take_ending()
    }

    // ANCHOR: abandon
    /// Gives up on a client whose output is stuck, as lesson 03's `abandon`
    /// does: with SO_LINGER set to zero, closing the socket sends a reset
    /// and throws away what the system still holds for the client. A plain
    /// close would leave the system sending it (up to megabytes of a long
    /// response) for as long as the client keeps reading a trickle.
    fn abandon(&mut self, why: String) -> Ending {
        let _ = SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        Ending::Failed(io::Error::new(io::ErrorKind::TimedOut, why))
    }
    // ANCHOR_END: abandon
}

// ANCHOR: next_frame
/// Cuts the first whole frame off the front of `input`, or returns `None`
/// if what is there is only the start of a line. The rules are every
/// lesson's ([`chamada::framing`]): a line ends at `\n`, and
/// [`MAX_LINE`] bytes without one are too long.
fn next_frame(input: &mut Vec<u8>) -> Option<Frame> {
    match input.iter().position(|&byte| byte == b'\n') {
        Some(end) => {
            // `input` never holds more than MAX_LINE bytes, so this line
            // is within the limit. `decode` drops "\r\n" or "\n" and checks
            // that the line is UTF-8.
            let frame = framing::decode(&input[..=end]);
            input.drain(..=end);
            Some(frame)
        }
        None if input.len() >= MAX_LINE => {
            input.clear();
            Some(Frame::TooLong)
        }
        None => None,
    }
}
// ANCHOR_END: next_frame

// ANCHOR: read_more
/// Reads into the free room of `input`, never past [`MAX_LINE`] bytes.
fn read_more(stream: &mut TcpStream, input: &mut Vec<u8>) -> io::Result<usize> {
    let start = input.len();
    input.resize(MAX_LINE, 0);
    let read = stream.read(&mut input[start..]);
    let got = match &read {
        Ok(n) => *n,
        Err(_) => 0,
    };
    input.truncate(start + got);
    read
}
// ANCHOR_END: read_more

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(mut input: Vec<u8>) -> (Vec<Frame>, Vec<u8>) {
        let frames = std::iter::from_fn(|| next_frame(&mut input)).collect();
        (frames, input)
    }

    #[test]
    fn whole_lines_come_out_and_a_half_line_stays() {
        let (got, left) = frames(b"HELP\r\nSTART 1\n\nPRES".to_vec());
        let line = |text: &str| Frame::Line(text.to_owned());
        assert_eq!(got, [line("HELP"), line("START 1"), line("")]);
        assert_eq!(left, b"PRES");
    }

    #[test]
    fn a_full_buffer_without_a_newline_is_too_long() {
        let (got, left) = frames(vec![b'x'; MAX_LINE]);
        assert_eq!(got, [Frame::TooLong]);
        assert!(left.is_empty());
        let (got, _) = frames(b"\xff\n".to_vec());
        assert_eq!(got, [Frame::NotUtf8]);
    }
}
