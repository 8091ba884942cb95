//! Every line the server logs, one function per kind of line, in lesson
//! 03's words (the transcripts compare them byte for byte). How a line is
//! written can change here, in one place.
//!
//! One thing to know about logging from an event loop: `println!` blocks
//! when nobody reads the output fast enough (a full pipe), and while it
//! blocks, every client waits. So, like every server of the course, this
//! one logs with `tracing` through `chamada::log`, which hands each line to
//! a writer thread and drops lines rather than wait for an output that
//! cannot keep up.

use std::io;
use std::net::SocketAddr;

use chamada::connection::{self, Ending};

/// A client connected and was admitted (the library's line, as every
/// lesson logs it).
pub fn connected(peer: SocketAddr) {
    connection::log_connected(peer);
}

/// A connection is over (the library's line, as every lesson logs it).
pub fn disconnected(peer: SocketAddr, requests: usize, ending: &Ending) {
    connection::log_disconnected(peer, requests, ending);
}

/// A client came while the server was full.
pub fn turned_away(peer: SocketAddr, limit: usize) {
    let s = if limit == 1 { "" } else { "s" };
    tracing::info!("{peer} turned away: already {limit} connection{s}");
}

/// A client turned away could not be given a lingering close.
pub fn closed_at_once(peer: SocketAddr) {
    tracing::info!("{peer} closed at once: too many clients turned away at the same time");
}

/// The shutdown has begun.
pub fn shutting_down(open: usize) {
    tracing::info!("shutting down: no new connections; closing {open} open");
}

/// Something the server could not do, and why.
pub fn trouble(what: &str, error: &io::Error) {
    tracing::warn!("{what}: {error}");
}
