//! Exercise 3.1: a connection limit per client address.
//!
//! Lesson 03's `--max-connections` protects the server as a whole, but one
//! machine can still take every place: a student's script in a loop, and
//! the rest of the lab gets `ERROR busy`. A second, smaller limit per IP
//! address keeps any one machine to its share. (Behind a NAT a whole lab
//! may share one address, so the per-address limit must stay generous.)
//!
//! The limit is a counter per address, and a place that gives itself back
//! when dropped, like lesson 03's `Place`. The accept loop below is
//! lesson 03's `run` cut to what this exercise needs; in the real server,
//! the check goes right before `open_connections.admit`.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use chamada::{ErrorCode, Response};
use lesson_03_final::registry::Registry;
use lesson_03_final::session::{self, KeyCheck, Session};
use lesson_03_final::{Config, Shutdown, TICK};

// ANCHOR: solution
/// How many connections each client address has open.
pub struct PerPeer {
    /// The most connections one address may have open at once.
    limit: usize,
    /// Open connections by address. An address with none is removed, so
    /// the map never grows with clients that have left.
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place in its address's count; dropping it gives the
/// place back, however the connection thread ends.
pub struct PeerPlace {
    /// The counter this place was taken from.
    per_peer: Arc<PerPeer>,
    /// Whose place it is.
    ip: IpAddr,
}

impl PerPeer {
    /// Allows `limit` connections per address.
    pub fn new(limit: usize) -> Arc<PerPeer> {
        Arc::new(PerPeer {
            limit,
            open: Mutex::default(),
        })
    }

    /// Takes a place for a connection from `ip`, or `None` if that address
    /// already has `limit` connections open.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<PeerPlace> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(PeerPlace {
            per_peer: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for PeerPlace {
    fn drop(&mut self) {
        let mut open = self
            .per_peer
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Accepts connections until `shutdown` begins, admitting at most
/// `per_peer`'s limit from each address.
pub fn accept_loop(
    listener: &TcpListener,
    per_peer: &Arc<PerPeer>,
    registry: &Registry,
    config: &Arc<Config>,
    shutdown: &Shutdown,
) {
    for stream in listener.incoming() {
        if shutdown.has_begun() {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(peer) = stream.peer_addr() else {
            continue;
        };
        match per_peer.admit(peer.ip()) {
            Some(place) => {
                let session = Session {
                    registry: registry.clone(),
                    config: Arc::clone(config),
                    shutdown: shutdown.clone(),
                    keys: KeyCheck::default(),
                    peer: peer.to_string(),
                };
                spawn_connection(stream, session, place);
            }
            None => turn_away(stream, peer.ip(), per_peer.limit),
        }
    }
}

/// Serves one admitted connection on its own thread; the place is freed
/// when the thread ends.
fn spawn_connection(stream: TcpStream, mut session: Session, place: PeerPlace) {
    if stream.set_read_timeout(Some(TICK)).is_err() {
        return;
    }
    thread::spawn(move || {
        session::serve(&stream, &mut session);
        drop(place);
    });
}

/// Tells a client its address has too many connections, and hangs up.
fn turn_away(mut stream: TcpStream, ip: IpAddr, limit: usize) {
    let message = format!("{ip} already has {limit} connections open; close one first");
    let busy = Response::error(ErrorCode::Busy, message);
    let _ = stream.write_all(format!("{busy}\n").as_bytes());
}
// ANCHOR_END: solution
