//! TCP and UDP: a request over UDP, sent again until it is answered.
//!
//! A datagram may be lost, and nobody says so: the sender only sees that no
//! answer came. So a UDP client waits a while, then sends the same request
//! again, a few times, before it gives up. It must also make sure the answer
//! comes from the server it asked: anyone can send a datagram to its port.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

// ANCHOR: solution
/// The largest datagram there can be: a smaller buffer could cut a reply.
const LARGEST_DATAGRAM: usize = 65_535;

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
    socket.set_read_timeout(Some(wait))?;
    let mut buffer = vec![0; LARGEST_DATAGRAM];
    for _ in 0..tries {
        socket.send_to(request, server)?;
        loop {
            match socket.recv_from(&mut buffer) {
                Ok((n, from)) if from == server => return Ok(buffer[..n].to_vec()),
                // A stranger's datagram: not our answer. (Each one restarts
                // the wait, so a flood of them would delay the next try.)
                Ok(_) => continue,
                // Unix says WouldBlock when the wait is over, Windows TimedOut.
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    break
                }
                Err(error) => return Err(error),
            }
        }
    }
    let message = format!("no answer from {server} after {tries} tries");
    Err(io::Error::new(io::ErrorKind::TimedOut, message))
}
// ANCHOR_END: solution
