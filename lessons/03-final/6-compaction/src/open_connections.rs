//! The open connections: how many clients the server serves at once (the
//! connection limit), and a list of their sockets so that shutdown can
//! close any that linger.
//!
//! Every thread costs memory (its stack) and every socket a file descriptor.
//! Without a limit, a lab full of scripts (or one buggy loop) opening
//! connections would run the server out of both, and then nobody is served.
//! With one, the client over the limit gets `ERROR busy` at once and the
//! clients already connected do not notice.

use std::collections::HashMap;
use std::net::{Shutdown as Direction, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The open connections of one server.
pub struct OpenConnections {
    /// How many may be open at once.
    limit: usize,
    /// Each open connection's socket, by a number of its own, so shutdown
    /// can close sockets whose threads are stuck in a slow write. The socket
    /// is shared with its connection thread (an `Arc`), not duplicated: a
    /// duplicate would cost a second file descriptor per connection.
    open: Mutex<OpenSockets>,
    /// Woken whenever a connection closes, for shutdown to wait on.
    closed: Condvar,
}

#[derive(Default)]
struct OpenSockets {
    /// The sockets themselves, shared with the connection threads.
    by_id: HashMap<u64, Arc<TcpStream>>,
    /// The number the next admitted connection gets.
    next_id: u64,
}

/// A place taken among the open connections. Dropping it (when the
/// connection thread ends, however it ends) frees the place.
pub struct Place {
    /// The list this place was taken from.
    open_connections: Arc<OpenConnections>,
    /// Which entry of the list is ours.
    id: u64,
}

impl OpenConnections {
    /// An empty list that admits up to `limit` connections.
    pub fn new(limit: usize) -> Arc<OpenConnections> {
        Arc::new(OpenConnections {
            limit,
            open: Mutex::default(),
            closed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, OpenSockets> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many connections are open now.
    pub fn count(&self) -> usize {
        self.lock().by_id.len()
    }

    // ANCHOR: admit
    /// Takes a place for `stream`, or returns `None` if the server is full.
    pub fn admit(self: &Arc<Self>, stream: &Arc<TcpStream>) -> Option<Place> {
        let mut open = self.lock();
        if open.by_id.len() >= self.limit {
            return None;
        }
        let id = open.next_id;
        open.next_id += 1;
        open.by_id.insert(id, Arc::clone(stream));
        Some(Place {
            open_connections: Arc::clone(self),
            id,
        })
    }
    // ANCHOR_END: admit

    // ANCHOR: close_all
    /// Waits up to `grace` for every connection to close by itself, then
    /// shuts down both directions of the sockets still open. That ends
    /// their threads' blocked calls at once: a blocked write fails, and a
    /// blocked read returns end of stream on Linux (0 bytes, not an error),
    /// which the request loop takes as the client having left.
    pub fn close_all(&self, grace: Duration) {
        let open = self.lock();
        let (open, _) = self
            .closed
            .wait_timeout_while(open, grace, |open| !open.by_id.is_empty())
            .unwrap_or_else(PoisonError::into_inner);
        for socket in open.by_id.values() {
            let _ = socket.shutdown(Direction::Both);
        }
    }
    // ANCHOR_END: close_all
}

// ANCHOR: release
impl Drop for Place {
    fn drop(&mut self) {
        self.open_connections.lock().by_id.remove(&self.id);
        self.open_connections.closed.notify_all();
    }
}
// ANCHOR_END: release

// ANCHOR: file_limit
/// File descriptors the server needs besides one per connection: standard
/// input, output and error, the listener, the shutdown's wake-up
/// connection, the turned-away sockets waiting for the closer thread, and
/// a margin for the files the process opens.
pub const SPARE_DESCRIPTORS: u64 = 16 + crate::CLOSER_QUEUE as u64;

/// How many connections the system lets this process hold, at most
/// `wanted`.
///
/// Every socket is a file descriptor, and a process may have only so many
/// open (its "soft" limit, often 1024, or as few as 256 on macOS). The
/// soft limit may be raised up to the "hard" limit without any privilege,
/// so we do that first. If even that cannot hold `wanted` connections we
/// serve fewer, and clients past the limit get `ERROR busy` instead of
/// waiting, unanswered, in the backlog for an `accept` that keeps failing.
#[cfg(unix)]
pub fn fit_to_file_limit(wanted: usize) -> usize {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            let error = error.to_string();
            tracing::warn!(
                "{}",
                chamada::t!("server-cannot-read-file-limit", error = error)
            );
            return wanted;
        }
    };
    let room = usize::try_from(limit.saturating_sub(SPARE_DESCRIPTORS)).unwrap_or(usize::MAX);
    if room >= wanted {
        return wanted;
    }
    let room = room.max(1);
    let low = chamada::t!(
        "server-file-limit-low",
        limit = limit,
        room = room,
        wanted = wanted
    );
    tracing::info!("{low}");
    room
}

/// On systems without an open-file limit of this kind (Windows), `wanted`.
#[cfg(not(unix))]
pub fn fit_to_file_limit(wanted: usize) -> usize {
    wanted
}
// ANCHOR_END: file_limit
