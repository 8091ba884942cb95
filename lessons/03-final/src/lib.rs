//! # Lesson 03: one thread owns the state; the server protects itself
//!
//! Lesson 02 served every client at once, each thread taking turns at a
//! shared, locked state. This lesson changes who owns the state and adds
//! what a server needs before a real class can rely on it:
//!
//! | idea | where |
//! |---|---|
//! | one registry thread owns all roll calls; connection threads send it messages over channels | [`registry`] |
//! | the listening socket built with socket2: SO_REUSEADDR, an explicit backlog | [`listener`] |
//! | a connection limit: the client over it gets `ERROR busy` | [`limits`] |
//! | idle and write timeouts, the teacher key, the shutdown notice | [`connection`] |
//! | graceful shutdown on Ctrl-C or SIGTERM, without losing a list | [`shutdown`], [`run`] |
//! | the command-line options of all the above | [`options`] |
//!
//! [`run`] is the server itself, separate from `main` so that tests can run
//! a server in their own process and stop it with a [`Shutdown`], exactly
//! as a signal would.

pub mod connection;
pub mod limits;
pub mod listener;
pub mod options;
pub mod registry;
pub mod shutdown;

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use chamada::{serve, RollCalls, TeacherKey};

use connection::Connection;
use limits::{Admission, Connections};
use registry::Registry;
pub use shutdown::Shutdown;

// ANCHOR: config
/// How a lesson 03 server protects itself; `main` fills it from the
/// command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// The most connections served at once. One more gets `ERROR busy`.
    pub max_connections: usize,
    /// How long a client may send nothing before it gets `ERROR timeout`.
    pub idle_timeout: Duration,
    /// How long a response may take to leave. A client that stops reading
    /// fills its socket's buffers and then our `write` blocks; past this,
    /// we give up on that client instead of keeping a thread stuck for it.
    pub write_timeout: Duration,
    /// When set, `START`, `END` and `STATUS` need `AUTH` with this key.
    pub teacher_key: Option<TeacherKey>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_connections: 1024,
            idle_timeout: Duration::from_secs(300),
            write_timeout: Duration::from_secs(10),
            teacher_key: None,
        }
    }
}
// ANCHOR_END: config

/// How often a connection thread looks up from a blocked read to check the
/// idle time and the shutdown signal: the socket's read timeout.
pub const TICK: Duration = Duration::from_millis(200);

/// How long shutdown lets open connections finish before closing them.
pub const GRACE: Duration = Duration::from_secs(1);

// ANCHOR: run
/// Serves roll calls on `listener` until `shutdown` begins, then returns
/// the roll calls as they are, so the caller can show what was still open.
pub fn run(
    listener: TcpListener,
    config: Config,
    roll_calls: RollCalls,
    shutdown: Shutdown,
) -> RollCalls {
    let config = Arc::new(config);
    let (registry, registry_thread) = Registry::start(roll_calls);
    let connections = Connections::new(config.max_connections);
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
                match connections.admit(&stream) {
                    Some(admission) => {
                        start_connection(stream, admission, &registry, &config, &shutdown)
                    }
                    None => turn_away(&stream, config.max_connections),
                }
            }
            Err(error) => {
                // Out of file descriptors, most likely: wait for a
                // connection to close rather than spin on the error.
                eprintln!("accept failed: {error}");
                thread::sleep(TICK);
            }
        }
    }

    println!(
        "shutting down: no new connections; closing {} open",
        connections.count()
    );
    drop(listener); // from here on, new clients get "connection refused"
    connections.close_all(GRACE);
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
    admission: Admission,
    registry: &Registry,
    config: &Arc<Config>,
    shutdown: &Shutdown,
) {
    let mut connection = Connection {
        registry: registry.clone(),
        config: Arc::clone(config),
        shutdown: shutdown.clone(),
        is_teacher: false,
    };
    let timeouts = stream
        .set_read_timeout(Some(TICK))
        .and_then(|()| stream.set_write_timeout(Some(config.write_timeout)));
    if let Err(error) = timeouts {
        eprintln!("cannot set timeouts on a new connection: {error}");
        return;
    }
    let spawned = thread::Builder::new().spawn(move || {
        serve(stream, &mut connection);
        drop(admission); // the place is free only once the client is gone
    });
    if let Err(error) = spawned {
        eprintln!("cannot start a thread for a new connection: {error}");
    }
}
// ANCHOR_END: start_connection

// ANCHOR: turn_away
/// Tells a client the server is full, and hangs up.
fn turn_away(mut stream: &TcpStream, limit: usize) {
    use std::io::Write;
    let peer = chamada::connection::peer_name(stream);
    println!("{peer} turned away: already {limit} connections");
    // A new socket's send buffer is empty, so this short line never blocks;
    // the timeout is there only to make that certain.
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(format!("{}\n", chamada::Response::busy(limit)).as_bytes());
}
// ANCHOR_END: turn_away
