//! The event loop: one thread, one `poll`, every socket.
//!
//! ```text
//! loop {
//!     wait until a socket is ready or the soonest deadline comes  (poll)
//!     for each ready socket: do what it allows without waiting    (advance)
//!     for each deadline that has passed: time out, or hang up     (on_deadline)
//! }
//! ```
//!
//! Each socket gets a [`Token`], a number of our choosing, when it is
//! registered; `poll` reports readiness by token, and the loop finds the
//! connection by it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chamada::connection::Ending;
use chamada::{Response, RollCalls};
use lesson_03_final::{Config, CLOSER_QUEUE, SEND_BUFFER};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use socket2::SockRef;

use crate::connection::{Connection, Progress};
use crate::deadlines::Deadlines;
use crate::desk::Desk;
use crate::log;

/// The listening socket's token.
const LISTENER: Token = Token(0);
/// The waker's token: an event for it means "shut down".
const WAKER: Token = Token(1);
/// The first token given to a connection; each gets the next one.
const FIRST_CONNECTION: usize = 2;

/// How long to stop accepting after `accept` fails (out of file
/// descriptors, most likely): lesson 03 sleeps this long, but a loop that
/// sleeps serves nobody, so here it is a deadline like the others.
const ACCEPT_PAUSE: Duration = Duration::from_millis(200);

/// How many turned-away clients may be in their lingering close at once;
/// past that, a client turned away is closed at once. Lesson 03 lets as
/// many wait for its closer thread, and its `fit_to_file_limit` keeps that
/// many file descriptors spare.
const TURNED_AWAY_LINGERING: usize = CLOSER_QUEUE;

/// Everything the one thread owns.
pub struct EventLoop {
    /// The operating system's readiness queue (epoll, kqueue, IOCP).
    poll: Poll,
    /// Wakes `poll` from another thread: the Ctrl-C handler's.
    waker: Arc<Waker>,
    /// Taking connections; `None` once shutdown has begun.
    listener: Option<TcpListener>,
    /// Every open connection, by its token: those admitted, and those
    /// turned away that are still in their lingering close.
    connections: HashMap<Token, Connection>,
    /// How many of `connections` were turned away.
    turned_away: usize,
    /// The token the next connection gets.
    next_token: usize,
    /// Every connection's deadline, soonest first.
    deadlines: Deadlines,
    /// The roll calls and the settings.
    desk: Desk,
    /// When to try `accept` again after it failed.
    accept_again_at: Option<Instant>,
    /// Once shutdown has begun: when its grace period ends.
    grace_ends: Option<Instant>,
}

impl EventLoop {
    // ANCHOR: new
    /// Makes `listener` non-blocking and registers it, ready to `run`.
    pub fn new(
        listener: std::net::TcpListener,
        config: Config,
        roll_calls: RollCalls,
    ) -> io::Result<EventLoop> {
        // `accept` on a non-blocking listener returns WouldBlock instead of
        // waiting when no client is there. mio needs this set beforehand.
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(EventLoop {
            poll,
            waker,
            listener: Some(listener),
            connections: HashMap::new(),
            turned_away: 0,
            next_token: FIRST_CONNECTION,
            deadlines: Deadlines::default(),
            desk: Desk { roll_calls, config },
            accept_again_at: None,
            grace_ends: None,
        })
    }
    // ANCHOR_END: new

    /// A handle that wakes the loop, to begin the shutdown.
    pub fn waker(&self) -> Arc<Waker> {
        Arc::clone(&self.waker)
    }

    // ANCHOR: run
    /// Serves until a shutdown has finished, then hands the roll calls
    /// back, so the caller can show what was still open.
    pub fn run(mut self) -> RollCalls {
        let mut events = Events::with_capacity(1024);
        while !self.is_finished() {
            let timeout = self
                .soonest_deadline()
                .map(|at| at.saturating_duration_since(Instant::now()));
            // The one place this thread waits: for any socket, or a deadline.
            if let Err(error) = self.poll.poll(&mut events, timeout) {
                if error.kind() == io::ErrorKind::Interrupted {
                    continue; // a signal arrived: just ask again
                }
                log::trouble("server-poll-failed", &error);
                break;
            }
            for event in &events {
                match event.token() {
                    LISTENER => self.accept_all(),
                    WAKER => self.begin_shutdown(),
                    token => self.step(token, |connection, desk| connection.advance(desk)),
                }
            }
            self.pass_deadlines(Instant::now());
        }
        self.close_the_rest();
        self.desk.roll_calls
    }
    // ANCHOR_END: run

    /// The soonest moment the loop must wake even if no socket is ready.
    fn soonest_deadline(&self) -> Option<Instant> {
        [
            self.deadlines.soonest(),
            self.accept_again_at,
            self.grace_ends,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ANCHOR: accept_all
    /// Accepts every client waiting in the backlog.
    fn accept_all(&mut self) {
        loop {
            let Some(listener) = &self.listener else {
                return;
            };
            match listener.accept() {
                Ok((stream, peer)) => self.admit(stream, peer),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    log::trouble("server-accept-failed", &error);
                    self.accept_again_at = Some(Instant::now() + ACCEPT_PAUSE);
                    return;
                }
            }
        }
    }

    /// Registers a new client, or turns it away if the server is full.
    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr) {
        let limit = self.desk.config.max_connections;
        if self.admitted() >= limit {
            return self.turn_away(stream, peer, limit);
        }
        // As every lesson does (see lesson 01): no Nagle delay.
        let _ = stream.set_nodelay(true);
        // As lesson 03 does: a small send buffer, so that clients that
        // never read cost little kernel memory, and their output waits in
        // `Connection::output`, which is capped too, not in the system.
        let _ = SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER);
        let Some(token) = self.register(&mut stream) else {
            return;
        };
        log::connected(peer);
        let connection = Connection::new(stream, peer);
        self.deadlines
            .set(token, connection.deadline(&self.desk.config));
        self.connections.insert(token, connection);
    }
    // ANCHOR_END: accept_all

    /// How many connections hold a place under the connection limit.
    fn admitted(&self) -> usize {
        self.connections.len() - self.turned_away
    }

    // ANCHOR: register
    /// Gives a new socket the next token and registers it, once and for
    /// all its life, or logs why it cannot.
    fn register(&mut self, stream: &mut TcpStream) -> Option<Token> {
        let token = Token(self.next_token);
        self.next_token += 1;
        let registry = self.poll.registry();
        // Readable and writable from the start, as Tokio does. mio's
        // readiness is edge-triggered: room to write makes an event of its
        // own when the socket is registered, and then (on Linux) only when
        // room comes back after a `write` found the send buffer full. So
        // this costs one early event per connection, and the loop never
        // has to change what it asked for. (Asking for writable only while
        // output waits was measured, and was no cheaper.)
        match registry.register(stream, token, Interest::READABLE | Interest::WRITABLE) {
            Ok(()) => Some(token),
            Err(error) => {
                log::trouble("server-cannot-register", &error);
                None
            }
        }
    }
    // ANCHOR_END: register

    // ANCHOR: turn_away
    /// Tells a client the server is full, and hangs up so that the line
    /// arrives.
    ///
    /// The student client sends its request as soon as it connects, so the
    /// socket usually holds unread input, and a plain close would answer
    /// with a reset that can cost the client our line. So the turned-away
    /// client becomes a connection of the loop, one that is already
    /// leaving: its `busy` line goes out, then the same lingering close
    /// as any other connection's, without a thread and without waiting.
    /// It holds no place under the limit; at most [`TURNED_AWAY_LINGERING`]
    /// linger at once, and past that (a flood) a client is closed at once.
    fn turn_away(&mut self, mut stream: TcpStream, peer: SocketAddr, limit: usize) {
        log::turned_away(peer, limit);
        let busy = Response::busy(limit);
        if self.turned_away >= TURNED_AWAY_LINGERING {
            // A new socket's send buffer is empty, so this short line is
            // taken whole at once; if it were not, we would rather drop it
            // than wait.
            let _ = stream.write(format!("{busy}\n").as_bytes());
            return log::closed_at_once(peer);
        }
        let Some(token) = self.register(&mut stream) else {
            return;
        };
        self.connections
            .insert(token, Connection::turned_away(stream, peer, busy));
        self.turned_away += 1;
        self.step(token, |connection, desk| connection.advance(desk));
    }
    // ANCHOR_END: turn_away

    // ANCHOR: step
    /// Lets one connection act, then moves its deadline; or, if it is
    /// over, closes it.
    fn step(&mut self, token: Token, act: impl FnOnce(&mut Connection, &mut Desk) -> Progress) {
        let Some(connection) = self.connections.get_mut(&token) else {
            return; // closed earlier in this same turn of the loop
        };
        match act(connection, &mut self.desk) {
            Ok(()) => {
                let deadline = connection.deadline(&self.desk.config);
                self.deadlines.set(token, deadline);
            }
            Err(ending) => self.close(token, &ending),
        }
    }
    // ANCHOR_END: step

    /// Takes a finished connection off `poll` and closes its socket.
    fn close(&mut self, token: Token, ending: &Ending) {
        self.deadlines.remove(token);
        if let Some(mut connection) = self.connections.remove(&token) {
            let _ = self.poll.registry().deregister(connection.stream());
            if connection.is_admitted() {
                log::disconnected(connection.peer(), connection.answered(), ending);
            } else {
                self.turned_away -= 1; // its log line was `turned away`
            }
        } // dropping the connection closes its socket
    }

    /// Deals with every deadline that has passed by `now`.
    fn pass_deadlines(&mut self, now: Instant) {
        for token in self.deadlines.take_due(now) {
            self.step(token, |connection, desk| connection.on_deadline(now, desk));
        }
        if self.accept_again_at.is_some_and(|at| at <= now) {
            self.accept_again_at = None;
            self.accept_all();
        }
    }

    // ANCHOR: shutdown
    /// Stops taking connections and tells every open one `ERROR shutdown`,
    /// after whatever responses it is still owed.
    fn begin_shutdown(&mut self) {
        if self.grace_ends.is_some() {
            return;
        }
        self.grace_ends = Some(Instant::now() + self.desk.config.grace);
        log::shutting_down(self.admitted());
        if let Some(mut listener) = self.listener.take() {
            let _ = self.poll.registry().deregister(&mut listener);
        } // dropped: from here on, new clients get "connection refused"
        let tokens: Vec<Token> = self.connections.keys().copied().collect();
        for token in tokens {
            self.step(token, |connection, desk| {
                connection.say_last_word(Response::shutdown());
                connection.advance(desk)
            });
        }
    }

    /// True once a shutdown has begun and every connection has closed, or
    /// the grace period is over.
    fn is_finished(&self) -> bool {
        self.grace_ends
            .is_some_and(|end| self.connections.is_empty() || Instant::now() >= end)
    }

    /// Closes what the grace period left open.
    fn close_the_rest(&mut self) {
        let tokens: Vec<Token> = self.connections.keys().copied().collect();
        for token in tokens {
            if let Some(connection) = self.connections.get_mut(&token) {
                let ending = connection.give_up();
                self.close(token, &ending);
            }
        }
    }
    // ANCHOR_END: shutdown
}
