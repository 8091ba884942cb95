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
    let turned_away = chamada::t!("server-turned-away", peer = peer.to_string(), limit = limit);
    tracing::info!("{turned_away}");
}

/// A client turned away could not be given a lingering close.
pub fn closed_at_once(peer: SocketAddr) {
    tracing::info!(
        "{}",
        chamada::t!("server-closed-at-once", peer = peer.to_string())
    );
}

/// The shutdown has begun.
pub fn shutting_down(open: usize) {
    tracing::info!("{}", chamada::t!("server-shutting-down", open = open));
}

/// Something the server could not do, and why: `message` names the
/// message (in chamada/i18n/*/servers.ftl) that says what, with `$error`.
pub fn trouble(message: &str, error: &io::Error) {
    tracing::warn!("{}", chamada::t!(message, error = error.to_string()));
}
