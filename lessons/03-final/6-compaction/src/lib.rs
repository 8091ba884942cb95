//! # Lesson 03, step 6: a journal that keeps up
//!
//! Step 5 made every change durable, but its journal only grows, and every
//! list stays in it for ever. This step keeps it small without holding the
//! server up: once it has grown, a thread of its own writes what is still
//! open to a new file (compaction), and the lists of ended roll calls go
//! to CSV files of their own, saved atomically, before compaction forgets
//! them. This is the final server, the package `lesson-03-final`.
//!
//! | module | what it holds |
//! |---|---|
//! | [`registry`] | the thread that owns the roll calls (step 1), now answering in batches |
//! | [`listener`] | the listening socket, built with socket2 (step 2) |
//! | [`open_connections`], [`session`], [`turn_away`] | the protections (step 3) |
//! | [`shutdown`], [`run`], `main.rs` | graceful shutdown (step 4) |
//! | [`journal`] | the journal (step 5), and now compaction and the ended lists |
//!
//! [`run`] is the server itself, separate from `main` so that tests can run
//! a server in their own process and stop it with a [`Shutdown`], exactly
//! as a signal would. The command-line options that fill its [`Config`] are
//! in [`options`], shared with the bonus event loop, which also takes this
//! library's listener, `Config` and shutdown report.

pub mod journal;
pub mod listener;
pub mod open_connections;
pub mod options;
pub mod registry;
pub mod session;
pub mod shutdown;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use chamada::connection::{lingering_close, peer_name};
use chamada::{Response, RollCalls, TeacherKey};
use crossbeam_channel::{bounded, Sender};
use socket2::SockRef;

use journal::Journal;
use open_connections::{OpenConnections, Place};
use registry::Registry;
use session::{KeyCheck, Session};
pub use shutdown::Shutdown;

// ANCHOR: config
/// How a lesson 03 server protects itself; `main` fills it from the
/// command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// The most connections served at once. One more gets `ERROR busy`.
    pub max_connections: usize,
    /// How long a client may go without sending a request before it gets
    /// `ERROR timeout`. Blank lines are not requests and do not count. The
    /// clock is looked at every [`TICK`], so the notice may come up to a
    /// tick late.
    pub idle_timeout: Duration,
    /// How long one response may take to be written to the socket, from
    /// its first byte to its last: one deadline for the whole line, however
    /// many `write` calls it takes. A client that stops reading (or reads a
    /// trickle) fills its socket's buffers and then our `write` blocks; past
    /// this deadline we reset the connection instead of keeping a thread
    /// stuck for it. (The bonus event loop reads it its own way: one
    /// deadline for all the output waiting for a connection; see its
    /// `connection.rs`.)
    pub write_timeout: Duration,
    /// When set, `START`, `END` and `STATUS` need `AUTH` with this key.
    pub teacher_key: Option<TeacherKey>,
    /// At shutdown, how long open connections get to finish the request
    /// they are answering and send `ERROR shutdown` before their sockets
    /// are shut down from outside.
    pub grace: Duration,
    /// The most requests the registry takes from its inbox at once (step
    /// 5). With a journal, 1 means a sync after every request.
    pub max_batch: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_connections: 1024,
            idle_timeout: Duration::from_secs(300),
            write_timeout: Duration::from_secs(10),
            teacher_key: None,
            grace: Duration::from_secs(1),
            max_batch: registry::MAX_BATCH,
        }
    }
}
// ANCHOR_END: config

/// The most bytes the system keeps queued on one connection for a client
/// that has not read them yet (SO_SNDBUF; Linux doubles what is asked, for
/// its own bookkeeping). Enough for any one response to leave in a few
/// writes, too little for a crowd of clients that never read to cost the
/// server gigabytes.
pub const SEND_BUFFER: usize = 64 * 1024;

/// How often a connection thread looks up from a blocked read to check the
/// idle time and the shutdown signal: the socket's read timeout.
pub const TICK: Duration = Duration::from_millis(200);

// ANCHOR: run
/// Serves roll calls on `listener` until `shutdown` begins. Then stops
/// accepting, closes the open connections (giving them [`Config::grace`]
/// to finish) and returns the roll calls as they are, so the caller can
/// show what was still open.
/// With a `journal`, every change is durable before it is acknowledged.
pub fn run(
    listener: TcpListener,
    config: Config,
    roll_calls: RollCalls,
    journal: Option<Journal>,
    shutdown: Shutdown,
) -> RollCalls {
    let config = Arc::new(config);
    let (registry, registry_thread) = Registry::start_with(roll_calls, journal, config.max_batch);
    let open_connections = OpenConnections::new(config.max_connections);
    let closer = start_closer();
    if let Ok(addr) = listener.local_addr() {
        shutdown.watch(addr);
    }

    for stream in listener.incoming() {
        if shutdown.has_begun() {
            break;
        }
        match stream {
            Ok(stream) => {
                // One socket, shared by the connection thread and the list
                // of open connections.
                let stream = Arc::new(stream);
                match open_connections.admit(&stream) {
                    Some(place) => start_connection(stream, place, &registry, &config, &shutdown),
                    None => turn_away(stream, config.max_connections, &closer),
                }
            }
            Err(error) => {
                // Out of file descriptors, most likely: wait for a
                // connection to close rather than spin on the error.
                tracing::warn!(
                    "{}",
                    chamada::t!("server-accept-failed", error = error.to_string())
                );
                thread::sleep(TICK);
            }
        }
    }

    let open = open_connections.count();
    tracing::info!("{}", chamada::t!("server-shutting-down", open = open));
    drop(listener); // from here on, new clients get "connection refused"
    open_connections.close_all(config.grace);
    drop(registry); // the registry thread ends when the last handle is gone...
    registry_thread
        .join()
        .expect("the registry thread never panics") // ...and returns the state
}
// ANCHOR_END: run

// ANCHOR: start_connection
/// Serves one admitted connection on a thread of its own.
fn start_connection(
    stream: Arc<TcpStream>,
    place: Place,
    registry: &Registry,
    config: &Arc<Config>,
    shutdown: &Shutdown,
) {
    let mut session = Session {
        registry: registry.clone(),
        config: Arc::clone(config),
        shutdown: shutdown.clone(),
        keys: KeyCheck::default(),
        peer: peer_name(&stream),
    };
    // A client that stops reading fills our send buffer before our write
    // blocks. Left to the system, that buffer grows to megabytes per
    // connection; capped, a crowd of such clients costs little kernel
    // memory, and each one blocks its own thread sooner.
    let _ = SockRef::from(&*stream).set_send_buffer_size(SEND_BUFFER);
    // The read timeout is how the session's loop gets to look up from a
    // blocked read (the write timeout is set per response, in the loop).
    if let Err(error) = stream.set_read_timeout(Some(TICK)) {
        let error = error.to_string();
        tracing::warn!(
            "{}",
            chamada::t!("server-cannot-set-read-timeout", error = error)
        );
        return;
    }
    let spawned = thread::Builder::new().spawn(move || {
        session::serve(&stream, &mut session);
        drop(place); // the place is free only once the client is gone
    });
    if let Err(error) = spawned {
        let error = error.to_string();
        tracing::warn!(
            "{}",
            chamada::t!("server-cannot-start-thread", error = error)
        );
    }
}
// ANCHOR_END: start_connection

// ANCHOR: turn_away
/// Tells a client the server is full, and hangs up so that the line
/// arrives.
///
/// Writing the line cannot block: a new socket's send buffer is empty.
/// Closing is the delicate part. The student client sends its request as
/// soon as it connects, so the socket usually holds unread input, and a
/// plain close would answer with a reset that can cost the client our line
/// (see `lingering_close`). A lingering close takes up to half a second,
/// and this runs on the accept loop's thread, which must never wait on a
/// client: so the closer thread does it. If the closer is already
/// [`CLOSER_QUEUE`] clients behind (a flood), this one is closed at once.
fn turn_away(stream: Arc<TcpStream>, limit: usize, closer: &Sender<Arc<TcpStream>>) {
    let peer = peer_name(&stream);
    let turned_away = chamada::t!("server-turned-away", peer = peer.clone(), limit = limit);
    tracing::info!("{turned_away}");
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = (&*stream).write_all(format!("{}\n", Response::busy(limit)).as_bytes());
    if closer.try_send(stream).is_err() {
        tracing::info!("{}", chamada::t!("server-closed-at-once", peer = peer));
    }
}

/// How many turned-away clients may wait for the closer thread.
pub const CLOSER_QUEUE: usize = 64;

/// Starts the thread that closes turned-away sockets, one at a time, with
/// a lingering close. It ends when the returned sender is dropped.
fn start_closer() -> Sender<Arc<TcpStream>> {
    let (closer, sockets) = bounded::<Arc<TcpStream>>(CLOSER_QUEUE);
    let started = thread::Builder::new()
        .name("closer".into())
        .spawn(move || sockets.iter().for_each(|socket| lingering_close(&socket)));
    if let Err(error) = started {
        // Then every try_send fails and sockets are closed at once.
        let error = error.to_string();
        tracing::warn!(
            "{}",
            chamada::t!("server-cannot-start-closer", error = error)
        );
    }
    closer
}
// ANCHOR_END: turn_away
