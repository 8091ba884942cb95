//! # The baseline: the least a server can do
//!
//! A thread per connection, and every request line answered with the same
//! fixed line. No parsing, no state, no lock, no clock. Whatever the
//! lessons' servers cost on top of this is the price of what they actually
//! do; whatever this costs is the price of TCP, threads and system calls on
//! this machine, which no design can avoid. The benchmark measures every
//! lesson against it, in the same run.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use clap::Parser;

/// The one answer: a valid `PRESENCE`, so the load generator accepts it.
const ANSWER: &[u8] = b"PRESENCE 1 2026-11-24T10:15:00-03:00\n";

/// The do-nothing server the lessons are measured against.
#[derive(Parser)]
struct Args {
    /// The address to listen on; port 0 lets the system pick one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5050")]
    bind: SocketAddr,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(args.bind)?;
    // Same first line as the lessons, so the same tools can start it.
    println!("listening on {}", listener.local_addr()?);
    for stream in listener.incoming().flatten() {
        thread::spawn(move || answer_every_line(stream));
    }
    Ok(())
}

/// Reads lines until the client leaves, answering each with [`ANSWER`].
fn answer_every_line(stream: TcpStream) {
    // As the lessons do (see chamada's `serve`): no Nagle delay.
    let _ = stream.set_nodelay(true);
    let mut writer = &stream;
    for line in BufReader::new(&stream).split(b'\n') {
        if line.is_err() || writer.write_all(ANSWER).is_err() {
            return;
        }
    }
}
