//! Processes and threads: many requests at once, one thread each.
//!
//! A client that must ask a server many things, each on its own connection,
//! waits for the slowest one if it asks them all at once, and for the sum
//! of them all if it asks one after another. Scoped threads make "at once"
//! easy: they may borrow the caller's data, because they all end before
//! the scope does.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;

// ANCHOR: solution
/// Sends each of `requests` to the server at `server`, each on a
/// connection of its own and from a thread of its own, all at the same
/// time, and returns their response lines (without the newline) in the
/// order of `requests`. The first error, if any request fails.
pub fn ask_all(server: SocketAddr, requests: &[&str]) -> io::Result<Vec<String>> {
    thread::scope(|scope| {
        // Start every thread first...
        let threads: Vec<_> = requests
            .iter()
            .map(|request| scope.spawn(move || ask(server, request)))
            .collect();
        // ...then wait for each, in the order of the requests.
        threads
            .into_iter()
            .map(|thread| thread.join().expect("a request's thread panicked"))
            .collect()
    })
}

/// One request on a connection of its own: connect, send, read one line.
fn ask(server: SocketAddr, request: &str) -> io::Result<String> {
    let mut stream = TcpStream::connect(server)?;
    stream.write_all(format!("{request}\n").as_bytes())?;
    let mut response = String::new();
    BufReader::new(stream).read_line(&mut response)?;
    Ok(response.trim_end().to_owned())
}
// ANCHOR_END: solution
