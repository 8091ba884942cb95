//! Addresses and ports: try each address of a server in turn.
//!
//! A host name can resolve to several addresses (`localhost` is often both
//! `::1` and `127.0.0.1`), and the server may listen on only one of them.
//! A careful client tries each address in turn and keeps the first that
//! accepts, as the course's own clients do.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

// ANCHOR: solution
/// Connects to the first of `addresses` that accepts, trying them in
/// order and waiting at most `timeout` for each. If none accepts, the
/// error of the last one tried; if the list is empty, an error of kind
/// `InvalidInput`.
pub fn connect_to_any(addresses: &[SocketAddr], timeout: Duration) -> io::Result<TcpStream> {
    let mut last_error = io::Error::new(io::ErrorKind::InvalidInput, "no address to try");
    for address in addresses {
        match TcpStream::connect_timeout(address, timeout) {
            Ok(stream) => return Ok(stream),
            // Refused, unreachable, timed out: this address is no good,
            // but the next one may be.
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}
// ANCHOR_END: solution
