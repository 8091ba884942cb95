//! Sockets: read until the other side closes, then answer.
//! The exercise: the book's chapter "Exercises", "Sockets".

use std::io;
use std::net::TcpListener;

/// Accepts one client on `listener`, reads everything it sends until it
/// closes its sending side, then writes back how many bytes that was, in
/// decimal and followed by a newline, and returns the count.
pub fn count_until_closed(listener: &TcpListener) -> io::Result<u64> {
    todo!("accept, read until the end, answer with the count")
}
