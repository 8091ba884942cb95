//! Exercise 3.1: a connection limit per client address.
//! The exercise: the book's chapter "Exercises", "Lesson 03".

use std::net::{IpAddr, TcpListener};
use std::sync::Arc;

use lesson_03_final::registry::Registry;
use lesson_03_final::{Config, Shutdown};

/// How many connections each client address has open.
pub struct PerPeer {
    // Your fields: the limit, and a count per address.
}

/// One connection's place in its address's count; dropping it gives the
/// place back, however the connection thread ends. (Give it a `Drop`.)
pub struct PeerPlace {
    // Your fields.
}

impl PerPeer {
    /// Allows `limit` connections per address.
    pub fn new(limit: usize) -> Arc<PerPeer> {
        todo!()
    }

    /// Takes a place for a connection from `ip`, or `None` if that address
    /// already has `limit` connections open.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<PeerPlace> {
        todo!()
    }
}

/// Accepts connections until `shutdown` begins, serving each admitted one
/// on a thread of its own as lesson 03 does (a `Session` and
/// `session::serve`), and turning away a connection from an address that
/// already has its limit open with `ERROR busy <ip> already has <limit> ...`.
pub fn accept_loop(
    listener: &TcpListener,
    per_peer: &Arc<PerPeer>,
    registry: &Registry,
    config: &Arc<Config>,
    shutdown: &Shutdown,
) {
    todo!("lesson 03's accept loop, with a place per address")
}
