//! Addresses and ports: try each address of a server in turn.
//! The exercise: the book's chapter "Exercises", "Addresses and ports".

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Connects to the first of `addresses` that accepts, trying them in
/// order and waiting at most `timeout` for each. If none accepts, the
/// error of the last one tried; if the list is empty, an error of kind
/// `InvalidInput`.
pub fn connect_to_any(addresses: &[SocketAddr], timeout: Duration) -> io::Result<TcpStream> {
    todo!("try each address in turn")
}
