//! The roll call over UDP, for the book's chapter "TCP and UDP".
//!
//! The same requests and responses as the TCP servers (the protocol's
//! parsing and formatting are reused from `chamada`), but carried in
//! datagrams: one request per datagram, one response per datagram. There
//! is no connection, no line framing and no `\n` to wait for, because UDP
//! keeps the edges of each message. What UDP does not do is make sure a
//! datagram arrives, or arrives once, or in order: a client that hears
//! nothing can only wait so long and then give up (or ask again).
//!
//! This is teaching code: the course's real server is TCP, and the chapter
//! explains why.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::thread;
use std::time::Duration;

use chamada::{ErrorCode, RollCalls};
use chamada::{Request, Response, MAX_LINE};

// ANCHOR: sizes
/// Room for any datagram: a UDP datagram carries at most 65,507 bytes of
/// data over IPv4 (65,527 over IPv6). Nothing smaller is safe. A datagram
/// too big for the buffer it is received into is not kept for a later
/// call: Linux and macOS cut it to fit without a word, and Windows fails
/// the receive (error 10040, `WSAEMSGSIZE`) and the datagram is gone. With
/// room for everything, the server receives every request whole, on every
/// system, and judges its length itself; and a client receives any answer
/// whole. (An `ENDED` line naming thousands of students would still not fit
/// in one datagram; TCP has no such limit.)
const DATAGRAM_BUFFER: usize = 65_536;
// ANCHOR_END: sizes

// ANCHOR: server
/// A roll-call server on a UDP socket. It owns its roll calls, and answers
/// one datagram at a time, so it needs no threads and no locks.
pub struct Server {
    /// The socket every request arrives on and every response leaves from.
    socket: UdpSocket,
    /// The state, exactly as the TCP lessons keep it.
    roll_calls: RollCalls,
}

impl Server {
    /// Binds a UDP socket on `addr`. Unlike TCP there is no `listen` and no
    /// `accept`: once bound, datagrams from anyone can arrive.
    pub fn bind(addr: impl ToSocketAddrs, roll_calls: RollCalls) -> io::Result<Server> {
        let socket = UdpSocket::bind(addr)?;
        Ok(Server { socket, roll_calls })
    }

    /// The address the socket is bound to (with port 0, the port the system picked).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Waits for one datagram and answers it, to whoever sent it.
    pub fn answer_one(&mut self) -> io::Result<()> {
        let mut buffer = vec![0; DATAGRAM_BUFFER];
        // `recv_from` returns one whole datagram and who sent it: with no
        // connection, every reply needs an address.
        let (size, sender) = self.socket.recv_from(&mut buffer)?;
        if let Some(response) = respond(&buffer[..size], &mut self.roll_calls) {
            self.socket
                .send_to(format!("{response}\n").as_bytes(), sender)?;
        }
        Ok(())
    }

    /// Answers datagrams forever. An error concerns one datagram only (on
    /// Windows, for example, an earlier reply that could not be delivered
    /// shows up as an error on a later receive), so it is logged and the
    /// server carries on.
    pub fn run(mut self) {
        loop {
            if let Err(error) = self.answer_one() {
                eprintln!("one datagram failed: {error}");
            }
        }
    }
}
// ANCHOR_END: server

// ANCHOR: respond
/// The response to one request datagram, or `None` for a blank one.
fn respond(datagram: &[u8], roll_calls: &mut RollCalls) -> Option<Response> {
    if datagram.len() > MAX_LINE {
        return Some(Response::error(
            ErrorCode::LineTooLong,
            format!("a request may be at most {MAX_LINE} bytes"),
        ));
    }
    let Ok(text) = std::str::from_utf8(datagram) else {
        let message = "the request is not valid UTF-8 text";
        return Some(Response::error(ErrorCode::BadRequest, message));
    };
    // The datagram is the whole request; a line ending is allowed (so
    // `nc -u` works) but not needed.
    let response = match Request::parse(text.trim_end_matches(['\r', '\n'])) {
        Ok(None) => return None,
        Ok(Some(Request::Command(command))) => roll_calls.answer(command),
        Ok(Some(Request::Auth(_))) => Response::Authorized,
        Ok(Some(Request::Help)) => Response::Help,
        Ok(Some(Request::Quit)) => Response::Bye,
        Err(bad) => Response::error(ErrorCode::BadRequest, bad.0),
    };
    Some(response)
}
// ANCHOR_END: respond

/// Starts a server on a thread of its own, on `addr` (use `127.0.0.1:0`
/// for a free port of this machine), and returns the address it bound.
/// The thread runs until the program ends.
pub fn spawn(addr: impl ToSocketAddrs, roll_calls: RollCalls) -> io::Result<SocketAddr> {
    let server = Server::bind(addr, roll_calls)?;
    let bound = server.local_addr()?;
    thread::Builder::new()
        .name("udp-roll-call".to_owned())
        .spawn(move || server.run())?;
    Ok(bound)
}

// ANCHOR: ask
/// Sends one request to `server` and waits at most `timeout` for the answer.
///
/// A datagram can be lost on the way there or on the way back, and nothing
/// tells us: without the timeout, `recv` would wait forever.
pub fn ask(server: SocketAddr, request: &Request, timeout: Duration) -> io::Result<Response> {
    // Port 0: any free port of ours, so the server has somewhere to reply.
    let local: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    }
    .parse()
    .expect("a valid address");
    let socket = UdpSocket::bind(local)?;
    // `connect` on a UDP socket sends nothing. It only fixes the peer: `send`
    // goes there, datagrams from anyone else are dropped, and the system may
    // report that nobody listens there (as "connection refused").
    socket.connect(server)?;
    socket.set_read_timeout(Some(timeout))?;
    socket.send(request.to_string().as_bytes())?;

    let mut buffer = vec![0; DATAGRAM_BUFFER];
    let size = socket.recv(&mut buffer)?;
    let text = String::from_utf8_lossy(&buffer[..size]);
    Response::parse(text.trim_end_matches(['\r', '\n']))
        .map_err(|reason| io::Error::new(io::ErrorKind::InvalidData, reason))
}
// ANCHOR_END: ask
