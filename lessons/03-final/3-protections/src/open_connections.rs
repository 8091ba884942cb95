//! The open connections: how many clients the server serves at once (the
//! connection limit).
//!
//! Every thread costs memory (its stack) and every socket a file descriptor.
//! Without a limit, a lab full of scripts (or one buggy loop) opening
//! connections would run the server out of both, and then nobody is served.
//! With one, the client over the limit gets `ERROR busy` at once and the
//! clients already connected do not notice.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The open connections of one server.
pub struct OpenConnections {
    /// How many may be open at once.
    limit: usize,
    /// How many are open now.
    open: Mutex<usize>,
}

/// A place taken among the open connections. Dropping it (when the
/// connection thread ends, however it ends) frees the place.
pub struct Place {
    /// The count this place was taken from.
    open_connections: Arc<OpenConnections>,
}

impl OpenConnections {
    /// No connection yet, and room for up to `limit`.
    pub fn new(limit: usize) -> Arc<OpenConnections> {
        Arc::new(OpenConnections {
            limit,
            open: Mutex::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many connections are open now.
    pub fn count(&self) -> usize {
        *self.lock()
    }

    // ANCHOR: admit
    /// Takes a place for a new connection, or returns `None` if the server
    /// is full.
    pub fn admit(self: &Arc<Self>) -> Option<Place> {
        let mut open = self.lock();
        if *open >= self.limit {
            return None;
        }
        *open += 1;
        Some(Place {
            open_connections: Arc::clone(self),
        })
    }
    // ANCHOR_END: admit
}

// ANCHOR: release
impl Drop for Place {
    fn drop(&mut self) {
        *self.open_connections.lock() -= 1;
    }
}
// ANCHOR_END: release

// ANCHOR: file_limit
/// File descriptors the server needs besides one per connection: standard
/// input, output and error, the listener, the turned-away sockets waiting for the closer thread, and
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
