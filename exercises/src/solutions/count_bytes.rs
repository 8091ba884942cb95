//! Sockets: read until the other side closes, then answer.
//!
//! A `read` returns whatever has arrived, not what one `write` sent, and
//! it returns 0 only once the other side has closed its end. A client can
//! close just its sending half (`shutdown(Write)`) and still read the
//! answer: the connection is two streams, one in each direction.

use std::io::{self, Read, Write};
use std::net::TcpListener;

// ANCHOR: solution
/// Accepts one client on `listener`, reads everything it sends until it
/// closes its sending side, then writes back how many bytes that was, in
/// decimal and followed by a newline, and returns the count.
pub fn count_until_closed(listener: &TcpListener) -> io::Result<u64> {
    let (mut stream, _) = listener.accept()?;
    let mut buffer = [0; 4096];
    let mut count = 0;
    loop {
        // Each read returns what has arrived so far: a piece of one write,
        // or several writes together. Only 0 means "no more, ever".
        match stream.read(&mut buffer)? {
            0 => break,
            n => count += n as u64,
        }
    }
    // The client closed only its half: this direction is still open.
    stream.write_all(format!("{count}\n").as_bytes())?;
    Ok(count)
}
// ANCHOR_END: solution
