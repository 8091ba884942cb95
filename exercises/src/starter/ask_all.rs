//! Processes and threads: many requests at once, one thread each.
//! The exercise: the book's chapter "Exercises", "Processes and threads".

use std::io;
use std::net::SocketAddr;

/// Sends each of `requests` to the server at `server`, each on a
/// connection of its own and from a thread of its own, all at the same
/// time, and returns their response lines (without the newline) in the
/// order of `requests`. The first error, if any request fails.
pub fn ask_all(server: SocketAddr, requests: &[&str]) -> io::Result<Vec<String>> {
    todo!("a thread per request, all at once")
}
