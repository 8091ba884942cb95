//! TCP and UDP: a request over UDP, sent again until it is answered.
//! The exercise: the book's chapter "Exercises", "TCP and UDP".

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Sends `request` to `server` from `socket` and returns the first reply
/// that comes from `server`. Each time `wait` passes without one, sends
/// the request again, `tries` times in all; after the last wait, an error
/// of kind `TimedOut`. Datagrams from any other address are ignored.
pub fn ask_with_retries(
    socket: &UdpSocket,
    server: SocketAddr,
    request: &[u8],
    tries: u32,
    wait: Duration,
) -> io::Result<Vec<u8>> {
    todo!("send, wait for the server's answer, send again")
}
