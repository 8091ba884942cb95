//! The listening socket, built step by step with socket2.
//!
//! `std::net::TcpListener::bind` (lessons 01 and 02, step 1) creates,
//! binds and starts listening in one call, with the standard library's
//! choices for every option. socket2 lets us make each step and each choice
//! ourselves.

use std::io;
use std::net::{SocketAddr, TcpListener};

use socket2::{Domain, Protocol, Socket, Type};

/// How many connections the system may queue for us before we call
/// `accept`. A lab where 60 students connect in the same second needs more
/// than a small default; the system may lower it to its own maximum
/// (`net.core.somaxconn` on Linux).
pub const BACKLOG: i32 = 1024;

// ANCHOR: listen
/// Creates a TCP socket listening on `addr`.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    // An IPv4 or IPv6 socket, to match the address; a stream, over TCP.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // After a server stops, its old connections hold its port for a minute
    // or so (TIME_WAIT, FIN_WAIT). SO_REUSEADDR lets a restarted server
    // bind it at once; it never lets two servers listen on one port.
    // (On macOS and the BSDs it also lets a specific address share a port
    // with a wildcard one: see the book's chapter "Sockets".)
    // On Windows the same option would let *another* program steal a port
    // in use, so there we leave it off.
    #[cfg(not(windows))]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}
// ANCHOR_END: listen
