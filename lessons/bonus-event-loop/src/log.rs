//! Every line the server prints, one function per kind of line, in lesson
//! 03's words (the transcripts compare them byte for byte). How a line is
//! written can change here, in one place.
//!
//! One thing to know about printing from an event loop: `println!` blocks
//! when nobody reads the output fast enough (a full pipe), and while it
//! blocks, every client waits. A server with heavy logging hands its lines
//! to a writer thread instead.

use std::io;
use std::net::SocketAddr;

use chamada::connection::Ending;

/// A client connected and was admitted.
pub fn connected(peer: SocketAddr) {
    println!("{peer} connected");
}

/// A connection is over.
pub fn disconnected(peer: SocketAddr, requests: usize, ending: &Ending) {
    let plural = if requests == 1 { "" } else { "s" };
    println!("{peer} disconnected after {requests} request{plural}: {ending}");
}

/// A client came while the server was full.
pub fn turned_away(peer: SocketAddr, limit: usize) {
    println!("{peer} turned away: already {limit} connections");
}

/// The shutdown has begun.
pub fn shutting_down(open: usize) {
    println!("shutting down: no new connections; closing {open} open");
}

/// Something the server could not do, and why.
pub fn trouble(what: &str, error: &io::Error) {
    eprintln!("{what}: {error}");
}
