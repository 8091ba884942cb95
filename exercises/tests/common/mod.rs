//! What every exercise's tests share: a client that talks like `nc`, and a
//! listener on a free port of 127.0.0.1. Every read has a timeout, so a
//! broken solution (or an unfinished starter) fails a test instead of
//! hanging it.

// Each file in tests/ is its own crate and uses only some of these.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use chamada::{Clock, RollCalls};

/// The longest any read in these tests waits.
pub const WAIT: Duration = Duration::from_secs(5);

/// A client connection, as `nc` would be.
pub struct Client {
    pub reader: BufReader<TcpStream>,
    pub writer: TcpStream,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the test server");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        Client {
            writer: stream.try_clone().unwrap(),
            reader: BufReader::new(stream),
        }
    }

    /// The next response line, without its newline; "" once the server closed.
    pub fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .expect("a response in time");
        line.trim_end().to_owned()
    }

    /// Sends one request and returns its response.
    pub fn ask(&mut self, request: &str) -> String {
        self.writer
            .write_all(format!("{request}\n").as_bytes())
            .unwrap();
        self.line()
    }
}

/// A listener on a port of 127.0.0.1 the system picks, and its address.
pub fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

/// An address of 127.0.0.1 where nobody listens: a port the system just
/// gave out and took back. (Another program could take it in between; on a
/// test machine that is vanishingly rare.)
pub fn nobody_listens() -> SocketAddr {
    listener().1
}

pub fn roll_calls() -> RollCalls {
    RollCalls::new(Clock::System)
}

// ANCHOR: sixteen
/// 16 clients at once, one class each: every presence is recorded in the
/// right class, whatever shares a lock with what.
pub fn sixteen_concurrent_clients(addr: SocketAddr) {
    let students = 20;
    let clients: Vec<_> = (1..=16)
        .map(|class| {
            thread::spawn(move || {
                let mut client = Client::connect(addr);
                assert!(client
                    .ask(&format!("START {class}"))
                    .starts_with("STARTED "));
                for n in 0..students {
                    let reply = client.ask(&format!("PRESENT s{n} {class}"));
                    assert!(reply.starts_with(&format!("PRESENCE {class} ")), "{reply}");
                }
                client.ask(&format!("END {class}"))
            })
        })
        .collect();
    for (class, client) in (1..=16).zip(clients) {
        let ended = client.join().unwrap();
        let prefix = format!("ENDED {class} ");
        assert!(ended.starts_with(&prefix), "{ended}");
        let count: usize = ended.split(' ').nth(3).unwrap().parse().unwrap();
        assert_eq!(count, students);
    }
}
// ANCHOR_END: sixteen
